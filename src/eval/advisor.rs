//! An advisor: a rule base with the buffers that evaluating its cases reuses from one case
//! to the next, owned by whoever advises (one per thread of a batch), as a regular
//! expression engine's cache is. Must not carry anything of one case into the next but
//! the room its buffers took: every use clears what it uses.

use super::{Draft, Outcome, Report, Scratch};
use crate::case::Case;
use crate::rulebase::{RuleBase, RuleId};
use crate::value::Date;

/// Advises the cases of one rule base, reusing its buffers from one case to the next, so
/// that advising a case allocates little beyond what it gives back. Made by
/// [`RuleBase::advisor`]; not shared between threads: each thread makes its own.
///
/// ```
/// # let rules = accord::RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
/// let mut advisor = rules.advisor();
/// let case = accord::parse_case("case.json", r#"{"name": "Shire"}"#, rules.vocabulary()).expect("a case");
/// let report = advisor.advise(&case, accord::Date::parse("2013-09-01").expect("a date"));
/// assert_eq!(report.case.as_deref(), Some("Shire"));
/// ```
pub struct Advisor<'r> {
    rule_base: &'r RuleBase,
    scratch: Scratch,
}

// By hand: its buffers are of no interest to a reader.
impl std::fmt::Debug for Advisor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Advisor").finish_non_exhaustive()
    }
}

impl RuleBase {
    /// An advisor of cases by this rule base, with buffers of its own.
    pub fn advisor(&self) -> Advisor<'_> {
        Advisor { rule_base: self, scratch: Scratch::default() }
    }
}

impl<'r> Advisor<'r> {
    /// The rule base it advises by.
    pub fn rule_base(&self) -> &'r RuleBase {
        self.rule_base
    }

    /// Evaluates every rule against `case` as of `as_of` and writes the advice, its
    /// reasons as written in the rules ([`crate::Advice::because`]).
    pub fn advise(&mut self, case: &Case, as_of: Date) -> Report<'r> {
        let draft = self.draft(case, as_of, false);
        self.rule_base.report(draft, case, as_of)
    }

    /// [`Advisor::advise`], with the reasons for each piece of advice in words too
    /// ([`crate::Advice::because_in_words`]), for the text report.
    pub fn advise_in_words(&mut self, case: &Case, as_of: Date) -> Report<'r> {
        let draft = self.draft(case, as_of, true);
        self.rule_base.report(draft, case, as_of)
    }

    /// The outcome of every rule (per item for `for each` rules), in rule order.
    pub fn evaluate(&mut self, case: &Case, as_of: Date) -> Vec<Outcome> {
        let evaluator = super::Evaluator::new(self.rule_base, case, as_of);
        self.rule_base.outcomes_in(&evaluator, true, &mut self.scratch)
    }

    /// The rules that give advice for a case, each once, in rule order: what batch runs
    /// print, computed without working out questions.
    pub fn fired_rules(&mut self, case: &Case, as_of: Date) -> Vec<RuleId> {
        self.rule_base.fired_rules_in(case, as_of, &mut self.scratch)
    }

    /// A case's advice with what the case fills in worked out, but not yet put into the
    /// rules' texts; with the reasons in words too when `words`.
    pub(crate) fn draft(&mut self, case: &Case, as_of: Date, words: bool) -> Draft {
        let outcomes = self.evaluate(case, as_of);
        self.rule_base.draft(case, as_of, words, &outcomes)
    }
}
