//! Stage 3: a checked rule base and a case to advice.
//!
//! Conditions are evaluated in three-valued (Kleene) logic: a fact that is absent or `null`
//! is unknown, `false and unknown` is false, `true or unknown` is true, and a rule fires
//! only when its condition is true. For a rule left unknown, the engine asks about exactly
//! the unknown facts some value of which would decide it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

mod explain;
mod flat;
pub mod reference;
mod satisfy;
mod texts;
mod words;

pub(crate) use explain::ListMatch;
pub use explain::{Explanation, Node, OutcomeKind};
pub(crate) use flat::FlatCondition;
pub use satisfy::{Search, Witness};
pub(crate) use texts::{Texts, text_range};

use crate::ast::{AdviceKind, CompareOp, DateStyle, Quantifier};
use crate::case::Case;
use crate::rulebase::*;
use crate::value::{Date, Value, add_numbers, compare_numbers, write_integer, write_number};

/// A truth value of three-valued logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Truth {
    /// Known to hold.
    True,
    /// Known not to hold.
    False,
    /// Depends on facts that are unknown.
    Unknown,
}

impl Truth {
    /// Kleene conjunction: false wins, then unknown.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Kleene disjunction: true wins, then unknown.
    pub fn or(self, other: Truth) -> Truth {
        self.not().and(other.not()).not()
    }

    /// Negation; unknown stays unknown.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}

/// One fact of one case: a case-level fact, or a field of one item of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactInstance {
    /// The declared fact.
    pub fact: FactId,
    /// For a field of a list's items, which item.
    pub item: Option<usize>,
}

/// A rule's outcome for a case (or for one item, for `for each` rules).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Index into [`RuleBase::rules`].
    pub rule: usize,
    /// For `for each` rules, the item.
    pub item: Option<usize>,
    /// Whether the condition holds.
    pub truth: Truth,
    /// For an unknown outcome: the unknown facts some value of which would decide it.
    pub relevant_unknowns: Vec<FactInstance>,
    /// The rule whose advice replaces this one's: set when a rule that overrides this one
    /// fired (for the same item) and this one's condition is not false.
    pub overridden_by: Option<usize>,
}

impl Outcome {
    /// Whether this outcome gives advice: fired, and not overridden.
    pub fn gives_advice(&self) -> bool {
        self.truth == Truth::True && self.overridden_by.is_none()
    }
}

/// The advice for one case. It borrows the rule base's texts (rule ids, lessons,
/// references), so advising copies only what the case fills in.
#[derive(Clone, Debug, PartialEq)]
pub struct Report<'r> {
    /// The case's name (or id).
    pub case: Option<String>,
    /// The date the assessment is made.
    pub as_of: Date,
    /// The advice of the rules that fired, most urgent priority first; of equal
    /// priority, in rule order, items in list order.
    pub advice: Vec<Advice<'r>>,
    /// The unknown facts that could change the advice, those whose answer could change
    /// the most (by the rules' priorities) first.
    pub questions: Vec<Question<'r>>,
}

/// One piece of advice.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice<'r> {
    /// The rule's id.
    pub rule: &'r str,
    /// The rule's index in [`RuleBase::rules`].
    pub rule_index: usize,
    /// For `for each` rules: the item's path, `groups[0]`.
    pub item: Option<String>,
    /// Recommendation, warning or note.
    pub kind: AdviceKind,
    /// The lessons the rule encodes.
    pub lessons: &'r [String],
    /// The rule's evidence level, as its label.
    pub evidence: Option<&'r str>,
    /// The rule's priority, as its label.
    pub priority: Option<&'r str>,
    /// Its place in the report, from 1.
    pub rank: usize,
    /// The title, filled in.
    pub title: String,
    /// The text, filled in.
    pub text: String,
    /// The facts, with their values, that made the rule fire, as written in the rules.
    pub because: Vec<String>,
    /// The same reasons in words, for the text report: from
    /// [`RuleBase::advise_in_words`] (`None` from [`RuleBase::advise`]).
    pub because_in_words: Option<Vec<String>>,
    /// The sources cited.
    pub citations: Vec<CitedSource<'r>>,
    /// The title and the text as a text report shows them, when a value the case fills in
    /// holds a control character: that value escaped (see [`crate::shown`]), the rule's
    /// own line breaks kept.
    pub(crate) shown: Option<(String, String)>,
}

/// A citation with its reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CitedSource<'r> {
    /// The source's entry.
    pub reference: &'r Reference,
    /// Section, page or figure.
    pub locator: Option<&'r str>,
    /// `quoted in`: the work the quote was found in.
    pub quoted_in: Option<QuotingWork<'r>>,
    /// Verbatim words.
    pub quote: Option<&'r str>,
    /// A source of the advice, or an example.
    pub role: CitationRole,
}

/// The work in which a cited work is quoted, with where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuotingWork<'r> {
    /// The quoting work's entry.
    pub reference: &'r Reference,
    /// Section, page or figure of the quoting work.
    pub locator: Option<&'r str>,
}

/// A question about an unknown fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Question<'r> {
    /// The fact's path in the case, `change.date` or `groups[1].needs`.
    pub fact: String,
    /// The question.
    pub text: String,
    /// The ids of the rules whose outcome the answer could change.
    pub affects: Vec<&'r str>,
    /// What kind of answer it takes.
    pub answer: Answer<'r>,
    /// Its place among the report's questions, from 1.
    pub rank: usize,
}

/// The kind of answer a question takes: the fact's type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer<'r> {
    /// `true` or `false`.
    YesNo,
    /// One of the named values.
    OneOf(&'r [String]),
    /// A `YYYY-MM-DD` date.
    Date,
    /// A number.
    Number,
    /// A text.
    Text,
    /// A list of texts.
    ListOfText,
    /// A list of records (answered by editing the case).
    ListOfRecords,
}

impl<'r> Answer<'r> {
    /// The kind's name in JSON output: `true_or_false`, `one_of`, `date`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Answer::YesNo => "true_or_false",
            Answer::OneOf(_) => "one_of",
            Answer::Date => "date",
            Answer::Number => "number",
            Answer::Text => "text",
            Answer::ListOfText => "list_of_text",
            Answer::ListOfRecords => "list_of_records",
        }
    }

    /// The kind of answer a fact of type `ty` takes.
    pub(crate) fn of(ty: &'r Type) -> Answer<'r> {
        match ty {
            Type::Bool => Answer::YesNo,
            Type::Enum(values) => Answer::OneOf(values),
            Type::Date => Answer::Date,
            Type::Number => Answer::Number,
            Type::Text => Answer::Text,
            Type::TextList => Answer::ListOfText,
            Type::Records(_) => Answer::ListOfRecords,
        }
    }
}

impl RuleBase {
    /// Evaluates every rule against `case` as of `as_of` and writes the advice, its reasons
    /// as written in the rules ([`Advice::because`]).
    pub fn advise(&self, case: &Case, as_of: Date) -> Report<'_> {
        self.report(case, as_of, false)
    }

    /// [`RuleBase::advise`], with the reasons for each piece of advice in words too
    /// ([`Advice::because_in_words`]), for the text report.
    pub fn advise_in_words(&self, case: &Case, as_of: Date) -> Report<'_> {
        self.report(case, as_of, true)
    }

    fn report(&self, case: &Case, as_of: Date, words: bool) -> Report<'_> {
        let Draft { texts, advice, questions } = self.draft(case, as_of, words);
        let advice =
            advice.into_iter().enumerate().map(|(n, draft)| self.advice(draft, n + 1, &texts)).collect();
        let questions =
            questions.into_iter().enumerate().map(|(n, draft)| self.question(draft, n + 1, &texts)).collect();
        Report { case: case.label().map(str::to_string), as_of, advice, questions }
    }

    /// A case's advice with what the case fills in worked out, but not yet put into the
    /// rules' texts; with the reasons in words too when `words`.
    pub(crate) fn draft(&self, case: &Case, as_of: Date, words: bool) -> Draft {
        let outcomes = self.evaluate(case, as_of);
        let evaluator = Evaluator::new(self, case, as_of);
        let mut env = Env::default();
        let mut texts = Texts::with_capacity(4096, 128);
        let mut advice: Vec<DraftAdvice> = outcomes
            .iter()
            .filter(|outcome| outcome.gives_advice())
            .map(|outcome| evaluator.filled(outcome, words, &mut env, &mut texts))
            .collect();
        if !self.priority.is_empty() {
            // Stable: equal priorities keep rule order, and a rule's items list order.
            advice.sort_by_key(|draft| self.priority_order(draft.rule));
        }
        let questions = evaluator.questions(&outcomes, &mut env, &mut texts);
        Draft { texts, advice, questions }
    }

    /// A rule's advice: its texts filled in (with the values drafted in `texts`), with the
    /// rule's own parts.
    fn advice(&self, draft: DraftAdvice, rank: usize, texts: &Texts) -> Advice<'_> {
        let rule = &self.rules[draft.rule];
        let values: Vec<&str> = texts.slice(draft.values).collect();
        let (title_values, text_values) = values.split_at(rule.title.holes());
        let escaped: Vec<std::borrow::Cow<'_, str>> =
            values.iter().map(|value| crate::shown::escaped(value, crate::shown::Escape::Controls)).collect();
        let shown = escaped.iter().any(|value| matches!(value, std::borrow::Cow::Owned(_))).then(|| {
            let escaped: Vec<&str> = escaped.iter().map(|value| &**value).collect();
            let (title, text) = escaped.split_at(rule.title.holes());
            (rule.title.render(title), rule.text.render(text))
        });
        Advice {
            rule: &rule.id,
            rule_index: draft.rule,
            item: draft.item.map(|item| texts.get(item).to_string()),
            kind: rule.kind,
            lessons: &rule.lessons,
            evidence: rule.evidence.as_deref(),
            priority: self.priority_label(draft.rule),
            rank,
            title: rule.title.render(title_values),
            text: rule.text.render(text_values),
            because: texts.slice(draft.because).map(str::to_string).collect(),
            // Said in words, two tests may read alike (two tests of the kind of change):
            // each is said once.
            because_in_words: draft
                .because_in_words
                .map(|words| dedup(texts.slice(words).map(str::to_string).collect())),
            citations: self.cited_sources(draft.rule),
            shown,
        }
    }

    /// A drafted question, with its texts taken from `texts`.
    fn question(&self, draft: DraftQuestion, rank: usize, texts: &Texts) -> Question<'_> {
        Question {
            fact: texts.get(draft.path).to_string(),
            text: texts.get(draft.text).to_string(),
            affects: draft.affects.into_iter().map(|rule| self.rules[rule].id.as_str()).collect(),
            answer: Answer::of(&self.vocabulary.fact(draft.fact).ty),
            rank,
        }
    }

    /// The sources rule `rule` (an index into [`RuleBase::rules`]) cites, with their
    /// references.
    pub fn cited_sources(&self, rule: usize) -> Vec<CitedSource<'_>> {
        let citations = &self.rules[rule].citations;
        citations
            .iter()
            .map(|citation| CitedSource {
                reference: &self.sources[citation.source_index],
                locator: citation.locator.as_deref(),
                quoted_in: citation.quoted_in.as_ref().map(|quoted_in| QuotingWork {
                    reference: &self.sources[quoted_in.source_index],
                    locator: quoted_in.locator.as_deref(),
                }),
                quote: citation.quote.as_deref(),
                role: citation.role,
            })
            .collect()
    }

    /// The unknown facts (as paths, sorted, each once) read by the tests that made the
    /// advice given for `case` hold (the tests its because-lines name), such as `d` for a
    /// rule firing on `d is unknown`: the report does not ask about them, as the advice
    /// speaks of them already.
    pub fn unknowns_read_by_advice(&self, case: &Case, as_of: Date) -> Vec<String> {
        let outcomes = self.evaluate(case, as_of);
        let evaluator = Evaluator::new(self, case, as_of);
        let (mut env, mut texts) = (Env::default(), Texts::with_capacity(1024, 32));
        for outcome in outcomes.iter().filter(|outcome| outcome.gives_advice()) {
            env.start(&self.rules[outcome.rule], outcome.item);
            evaluator.because(outcome.rule, outcome.item, false, &mut env, &mut texts);
        }
        let read = std::mem::take(&mut env.reason_unknowns);
        let mut paths: Vec<String> = read.into_iter().map(|fact| evaluator.instance_path(fact)).collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// The outcome of every rule (per item for `for each` rules), in rule order.
    pub fn evaluate(&self, case: &Case, as_of: Date) -> Vec<Outcome> {
        self.outcomes(case, as_of, true)
    }

    /// The rules that give advice for a case, each once, in rule order: what batch runs
    /// print, computed without working out questions.
    pub fn fired_rules(&self, case: &Case, as_of: Date) -> Vec<usize> {
        if !self.plan.any_overrides {
            // Every rule that fires gives advice: no outcome needs keeping.
            let evaluator = Evaluator::new(self, case, as_of);
            let mut env = Env::default();
            return (0..self.rules.len()).filter(|index| evaluator.fires(*index, &mut env)).collect();
        }
        let mut fired: Vec<usize> = self
            .outcomes(case, as_of, false)
            .into_iter()
            .filter(Outcome::gives_advice)
            .map(|o| o.rule)
            .collect();
        fired.dedup();
        fired
    }

    /// Every rule's outcome; `with_questions` also finds the unknown facts that matter.
    fn outcomes(&self, case: &Case, as_of: Date, with_questions: bool) -> Vec<Outcome> {
        let evaluator = Evaluator::new(self, case, as_of);
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.outcomes_in(&evaluator, with_questions, &mut scratch),
            // An evaluation nested in this one (there is none) gets fresh buffers rather
            // than a borrow error.
            Err(_) => self.outcomes_in(&evaluator, with_questions, &mut Scratch::default()),
        })
    }

    /// Every rule's outcome, evaluated with the buffers of `scratch`.
    fn outcomes_in(
        &self,
        evaluator: &Evaluator<'_>,
        with_questions: bool,
        scratch: &mut Scratch,
    ) -> Vec<Outcome> {
        // One outcome per rule, or per item for `for each` rules whose list is known.
        let lists = &self.plan.item_lists;
        let items: usize = lists.iter().map(|list| evaluator.items_of(*list).unwrap_or(1)).sum();
        let mut outcomes = Vec::with_capacity(self.rules.len() - lists.len() + items);
        for (index, rule) in self.rules.iter().enumerate() {
            match rule.for_each.map(|list| evaluator.items_of(list)) {
                None => evaluator.push_outcome((index, None), with_questions, scratch, &mut outcomes),
                Some(Some(len)) => {
                    for item in 0..len {
                        evaluator.push_outcome((index, Some(item)), with_questions, scratch, &mut outcomes);
                    }
                }
                // The list itself is unknown: the rule can neither fire nor be ruled out.
                Some(None) => outcomes.push(Outcome {
                    rule: index,
                    item: None,
                    truth: Truth::Unknown,
                    relevant_unknowns: vec![FactInstance {
                        fact: rule.for_each.expect("matched"),
                        item: None,
                    }],
                    overridden_by: None,
                }),
            }
        }
        let linked_asks = with_questions
            && self.plan.any_overrides
            && outcomes.iter().any(|o| !o.relevant_unknowns.is_empty() && self.plan.rules[o.rule].linked);
        // Which linked outcomes each unknown fact could change, noted before overridden
        // outcomes forget their facts: only those are evaluated again under a hypothesis
        // about it (every linked outcome was, for every fact: quadratic in the items).
        let mut readers = std::mem::take(&mut scratch.readers);
        readers.clear();
        if linked_asks {
            for (index, outcome) in outcomes.iter().enumerate() {
                if self.plan.rules[outcome.rule].linked {
                    readers.extend(outcome.relevant_unknowns.iter().map(|fact| (*fact, index)));
                }
            }
            readers.sort_unstable();
            readers.dedup();
        }
        let mut blocked = std::mem::take(&mut scratch.outcomes_blocked);
        let mut index = std::mem::take(&mut scratch.overrides);
        self.resolve_overrides(&mut outcomes, &mut blocked, &mut index);
        if linked_asks {
            let asked = Asked { outcomes: &outcomes, blocked: &blocked, readers: &readers };
            let answers = self.questions_that_change_advice(evaluator, asked, &mut index, scratch);
            for outcome in outcomes.iter_mut().filter(|o| self.plan.rules[o.rule].linked) {
                outcome.relevant_unknowns.retain(|fact| {
                    let first = readers.partition_point(|(read, _)| read < fact);
                    answers.get(first).copied().flatten().unwrap_or(true)
                });
            }
        }
        scratch.outcomes_blocked = blocked;
        scratch.overrides = index;
        scratch.readers = readers;
        outcomes
    }

    /// Where rules override one another, one answer can change several rules at once and
    /// the effects can cancel out (a rule that would fire is overridden by another that
    /// fires with it). For those rules, an unknown fact is kept only if some value of it
    /// changes the advice as a whole: tried exactly for true-or-false and `one of` facts.
    /// Gives, for each fact of `asked.readers` (at its first place there), whether it is
    /// kept; `None` for those no linked outcome asks about any more.
    fn questions_that_change_advice(
        &self,
        evaluator: &Evaluator<'_>,
        asked: Asked<'_>,
        index: &mut OverrideIndex,
        scratch: &mut Scratch,
    ) -> Vec<Option<bool>> {
        // One answer per fact: the same fact is often asked for several rules.
        let mut answers: Vec<Option<bool>> = vec![None; asked.readers.len()];
        let mut hypothesis = Hypothetical::new(asked.outcomes);
        let linked = asked.outcomes.iter().filter(|o| self.plan.rules[o.rule].linked);
        for fact in linked.flat_map(|outcome| &outcome.relevant_unknowns) {
            let first = asked.readers.partition_point(|(read, _)| read < fact);
            if answers.get(first).is_none_or(Option::is_some) {
                continue;
            }
            let readers = asked.readers[first..].iter().take_while(|(read, _)| read == fact);
            let readers: Vec<usize> = readers.map(|(_, outcome)| *outcome).collect();
            let answer =
                self.changes_advice(evaluator, *fact, &readers, &asked, &mut hypothesis, index, scratch);
            answers[first] = Some(answer);
        }
        answers
    }

    /// Whether some value of `fact` changes what the outcomes show (see [`shows`]). Facts
    /// with too many values to try (numbers, dates, text) are assumed to matter. Only the
    /// `readers` (the linked outcomes some value of the fact changes) are evaluated again,
    /// and only the outcomes whose truth changes, and those they override, are looked at:
    /// every other outcome shows what it shows now.
    #[allow(clippy::too_many_arguments)]
    fn changes_advice(
        &self,
        evaluator: &Evaluator<'_>,
        fact: FactInstance,
        readers: &[usize],
        asked: &Asked<'_>,
        hypothesis: &mut Hypothetical,
        index: &mut OverrideIndex,
        scratch: &mut Scratch,
    ) -> bool {
        let values = match &self.vocabulary.fact(fact.fact).ty {
            Type::Bool => 2,
            Type::Enum(names) => names.len(),
            _ => return true,
        };
        (0..values).any(|i| {
            let value = match self.vocabulary.fact(fact.fact).ty {
                Type::Bool => Value::Bool(i == 0),
                _ => Value::Enum(i as u32),
            };
            let Scratch { probe, leaf_truths, .. } = scratch;
            for &at in readers {
                let outcome = &asked.outcomes[at];
                let rule = &self.rules[outcome.rule];
                let truth = match (rule.for_each, outcome.item) {
                    // The list itself is unknown: the rule stays undecided.
                    (Some(_), None) => Truth::Unknown,
                    _ => {
                        evaluator.truth_given(outcome.rule, outcome.item, (fact, &value), probe, leaf_truths)
                    }
                };
                if truth != outcome.truth {
                    hypothesis.change(at, outcome, truth, index);
                }
            }
            let changes = self.changed_shows(asked, hypothesis, index);
            hypothesis.undo(asked.outcomes, index);
            changes
        })
    }

    /// Whether, with the truths `hypothesis` changed, some outcome shows other than it
    /// does: one of those changed, or one that one of them overrides.
    fn changed_shows(&self, asked: &Asked<'_>, hypothesis: &Hypothetical, index: &OverrideIndex) -> bool {
        let outcomes = asked.outcomes;
        let differs = |at: usize| {
            let truth = hypothesis.truths[at];
            let blocked = self.overrider(outcomes, at, |p| hypothesis.truths[p], index).is_some();
            shows(truth, blocked) != shows(outcomes[at].truth, asked.blocked[at])
        };
        hypothesis.changed.iter().any(|&at| {
            let changed = &outcomes[at];
            differs(at)
                || self.rules[changed.rule].overrides.iter().any(|&target| {
                    match self.same_list_outcome(outcomes, index, target, changed) {
                        Some(Some(other)) => differs(other),
                        Some(None) => false,
                        None => index.ranges[target].clone().any(differs),
                    }
                })
        })
    }

    /// Marks the outcomes whose advice an overriding rule replaces, and sets `blocked` to
    /// which outcomes those are. A rule overridden can show nothing, so its unknown facts
    /// are no longer worth asking about. `index` is room for where each rule's outcomes
    /// are, filled in here.
    fn resolve_overrides(
        &self,
        outcomes: &mut [Outcome],
        blocked: &mut Vec<bool>,
        index: &mut OverrideIndex,
    ) {
        blocked.clear();
        blocked.resize(outcomes.len(), false);
        index.fill(self, outcomes);
        // Most rules override none, and most cases fire few that do.
        if !index.overrider_fires(self) {
            return;
        }
        for at in 0..outcomes.len() {
            if !self.plan.rules[outcomes[at].rule].overridden {
                continue;
            }
            let Some(rule) = self.overrider(outcomes, at, |p| outcomes[p].truth, index) else { continue };
            blocked[at] = true;
            let outcome = &mut outcomes[at];
            if outcome.truth != Truth::False {
                outcome.overridden_by = Some(rule);
            }
            // Whatever its condition, its advice cannot show: its unknowns matter only if
            // it overrides other rules in turn.
            if self.rules[outcome.rule].overrides.is_empty() {
                outcome.relevant_unknowns.clear();
            }
        }
    }

    /// The first rule (in rule order) whose advice, fired, replaces that of outcome `at`,
    /// with each outcome's truth as `truth` gives it and each rule's outcomes that fire
    /// counted in `index`: a rule per item of the same list replaces the same item's only.
    fn overrider(
        &self,
        outcomes: &[Outcome],
        at: usize,
        truth: impl Fn(usize) -> Truth,
        index: &OverrideIndex,
    ) -> Option<usize> {
        let overridden = &outcomes[at];
        work(self.plan.overriders[overridden.rule].len());
        self.plan.overriders[overridden.rule].iter().copied().find(|&rule| {
            match self.same_list_outcome(outcomes, index, rule, overridden) {
                Some(Some(other)) => truth(other) == Truth::True,
                Some(None) => false,
                None => index.fired[rule] > 0,
            }
        })
    }

    /// For rule `rule` and an outcome of another rule: when both are per item of the same
    /// list, `rule`'s outcome for the same item (`Some(None)` if it has none); `None`
    /// otherwise, when every outcome of `rule` is concerned.
    fn same_list_outcome(
        &self,
        outcomes: &[Outcome],
        index: &OverrideIndex,
        rule: usize,
        other: &Outcome,
    ) -> Option<Option<usize>> {
        let list = self.rules[rule].for_each;
        if list.is_none() || list != self.rules[other.rule].for_each {
            return None;
        }
        let range = index.ranges[rule].clone();
        let at = range.start + other.item.unwrap_or(0);
        Some((range.contains(&at) && outcomes[at].item == other.item).then_some(at))
    }
}

/// What [`RuleBase::questions_that_change_advice`] looks at: the outcomes, which are
/// overridden, and which linked outcomes each unknown fact could change, sorted by fact.
struct Asked<'o> {
    outcomes: &'o [Outcome],
    blocked: &'o [bool],
    readers: &'o [(FactInstance, usize)],
}

/// Where each rule's outcomes are among a case's, and how many of them fire: found once
/// per case, so that overrides are resolved without comparing every pair of outcomes.
#[derive(Default)]
pub(super) struct OverrideIndex {
    /// Each rule's outcomes, by rule: one per item for `for each` rules, in rule order.
    ranges: Vec<Range<usize>>,
    /// How many of each rule's outcomes fire.
    fired: Vec<usize>,
}

impl OverrideIndex {
    fn fill(&mut self, rule_base: &RuleBase, outcomes: &[Outcome]) {
        let rules = rule_base.rules.len();
        self.ranges.clear();
        self.ranges.resize(rules, 0..0);
        self.fired.clear();
        self.fired.resize(rules, 0);
        let mut start = 0;
        while start < outcomes.len() {
            let rule = outcomes[start].rule;
            let end = start + outcomes[start..].iter().take_while(|o| o.rule == rule).count();
            self.ranges[rule] = start..end;
            self.fired[rule] = outcomes[start..end].iter().filter(|o| o.truth == Truth::True).count();
            start = end;
        }
    }

    /// Whether some rule that overrides others fires.
    fn overrider_fires(&self, rule_base: &RuleBase) -> bool {
        self.fired.iter().zip(&rule_base.rules).any(|(&fired, rule)| fired > 0 && !rule.overrides.is_empty())
    }
}

/// The outcomes' truths under a hypothesis: those of the case, with the few it changes.
struct Hypothetical {
    truths: Vec<Truth>,
    /// The outcomes whose truth it changes.
    changed: Vec<usize>,
}

impl Hypothetical {
    fn new(outcomes: &[Outcome]) -> Hypothetical {
        Hypothetical { truths: outcomes.iter().map(|o| o.truth).collect(), changed: Vec::new() }
    }

    /// Outcome `at` (`outcome`) has `truth` under the hypothesis; `index` counts what fires.
    fn change(&mut self, at: usize, outcome: &Outcome, truth: Truth, index: &mut OverrideIndex) {
        self.truths[at] = truth;
        self.changed.push(at);
        if let Some(fired) = index.fired.get_mut(outcome.rule) {
            match (outcome.truth, truth) {
                (Truth::True, _) => *fired -= 1,
                (_, Truth::True) => *fired += 1,
                _ => {}
            }
        }
    }

    /// Back to the case's truths.
    fn undo(&mut self, outcomes: &[Outcome], index: &mut OverrideIndex) {
        for at in self.changed.drain(..) {
            let (outcome, truth) = (&outcomes[at], self.truths[at]);
            if let Some(fired) = index.fired.get_mut(outcome.rule) {
                match (truth, outcome.truth) {
                    (Truth::True, Truth::True) => {}
                    (Truth::True, _) => *fired -= 1,
                    (_, Truth::True) => *fired += 1,
                    _ => {}
                }
            }
            self.truths[at] = outcome.truth;
        }
    }
}

/// What an outcome shows: 2 advice given, 1 undetermined, 0 nothing.
fn shows(truth: Truth, blocked: bool) -> u8 {
    match (truth, blocked) {
        (_, true) | (Truth::False, _) => 0,
        (Truth::Unknown, false) => 1,
        (Truth::True, false) => 2,
    }
}

// Work done by evaluations on this thread, counted in tests: conditions and tests
// evaluated, items of quantifiers visited, overriding outcomes looked at. Tests compare it
// across sizes of a case to hold evaluation to time in proportion to the case.
#[cfg(test)]
thread_local! {
    pub(crate) static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `units` of work (see [`WORK`]); nothing outside tests.
#[inline(always)]
fn work(units: usize) {
    #[cfg(test)]
    WORK.with(|work| work.set(work.get() + units));
    let _ = units;
}

thread_local! {
    /// Each thread's evaluation buffers, kept from one case to the next: a batch allocates
    /// them once, not once per case.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Buffers reused from one rule's evaluation to the next, and from one case to the next,
/// so that evaluating a case allocates little beyond its outcomes. Every use starts by
/// clearing what it uses: nothing of one case's evaluation is read in the next.
#[derive(Default)]
struct Scratch {
    /// Which outcomes are overridden.
    outcomes_blocked: Vec<bool>,
    /// For each rule's own evaluation.
    env: Env,
    /// For evaluations under a hypothesis.
    probe: Env,
    /// Where each rule's outcomes are, and how many fire, for resolving overrides.
    overrides: OverrideIndex,
    /// Each unknown fact a linked outcome could change, with that outcome, sorted.
    readers: Vec<(FactInstance, usize)>,
    /// For rules with flat conditions.
    flat: flat::FlatScratch,
    /// Leaf truths of a flat condition under a hypothesis, for the linked rules.
    leaf_truths: Vec<Truth>,
}

/// A case's advice before the rules' texts are put together. [`RuleBase::advise`] puts
/// them together into a [`Report`]; the batch writer copies the rules' words (escaped for
/// JSON once, in advance) around the values, and never builds the texts.
pub(crate) struct Draft {
    /// Every text the case fills in, which the advice and questions name by number.
    pub texts: Texts,
    /// The rules that give advice, in the report's order (see [`Report::advice`]).
    pub advice: Vec<DraftAdvice>,
    /// The questions, in the report's order.
    pub questions: Vec<DraftQuestion>,
}

/// The parts of a piece of advice that the case fills in, as numbers of the draft's
/// [`Texts`].
pub(crate) struct DraftAdvice {
    /// The rule's index in [`RuleBase::rules`].
    pub rule: usize,
    /// For `for each` rules: the item's path, `groups[0]`.
    pub item: Option<usize>,
    /// The values the title shows, then those the text shows, in order.
    pub values: Range<usize>,
    /// The facts, with their values, that made the rule fire.
    pub because: Range<usize>,
    /// The same in words, when the draft is for a report in words.
    pub because_in_words: Option<Range<usize>>,
}

/// A [`Question`] with its texts as numbers of the draft's [`Texts`], and its rules as
/// indexes.
pub(crate) struct DraftQuestion {
    /// The fact asked about.
    pub fact: FactId,
    /// The fact's path in the case (for a field, of one item).
    pub path: usize,
    /// The question.
    pub text: usize,
    /// The indexes in [`RuleBase::rules`] of the rules whose outcome the answer could
    /// change.
    pub affects: Vec<usize>,
}

/// The condition whose reasons are being given, for its specialised tests: none inside a
/// quantifier, whose items bind facts of their own.
#[derive(Clone, Copy)]
struct Top<'r> {
    condition: Option<&'r FlatCondition>,
    /// The rule's item, for `for each` rules.
    item: Option<usize>,
}

impl Top<'_> {
    const NONE: Top<'static> = Top { condition: None, item: None };
}

/// What an evaluation assumes about one unknown fact, to test whether it matters.
#[derive(Clone, Debug)]
enum Hypothesis {
    /// The fact has this value.
    Given(FactInstance, Value),
    /// The facts have these values.
    Values(Vec<(FactInstance, Value)>),
    /// A search for a case: the facts given so far, and the facts settled as unknown;
    /// every other unknown fact may still be given.
    Search {
        /// Facts given values.
        values: Vec<(FactInstance, Value)>,
        /// Facts decided to stay unknown.
        settled_unknown: Vec<FactInstance>,
        /// Facts (every instance) that stay unknown throughout.
        never_given: Vec<FactId>,
    },
    /// Every atom listed that reads the fact has the truth given (for facts with too many
    /// values to try: numbers, dates, text).
    Atoms(FactInstance, Vec<(AtomId, bool)>),
    /// The fact is known, but not its value: a test of whether it is known says it is,
    /// every other test that reads it stays unknown.
    Known(FactInstance),
}

/// The state of one evaluation: bound items, facts read, and what is assumed.
#[derive(Default)]
struct Env {
    /// For each binding: the list fact and the item's index.
    bindings: Vec<(FactId, usize)>,
    /// Facts read, with whether they were known.
    reads: Vec<(FactInstance, bool)>,
    /// Atoms that read the hypothesised fact.
    atoms_reading_hypothesis: Vec<AtomId>,
    /// How many times the fact of an `Atoms` hypothesis has been read.
    hypothesis_reads: usize,
    hypothesis: Option<Hypothesis>,
    /// The unknown facts read by the tests that made advice hold (those its because-lines
    /// name), across every piece of advice filled in: kept by [`Env::start`], so that
    /// the questions can leave these facts out.
    reason_unknowns: Vec<FactInstance>,
    /// Say the reasons for advice in words (see the `words` module), and name an item
    /// without a name in words.
    in_words: bool,
    /// Skip recording reads: for outcomes only, when no question or explanation is wanted.
    /// Evaluation then stops at the first part that decides an `and`, `or`, `any` or `all`.
    outcome_only: bool,
    /// The derived facts evaluated so far. A derived fact binds no item, so within one
    /// evaluation (one hypothesis) its value never changes: derived facts that each use the
    /// one below twice would otherwise be evaluated a number of times exponential in their
    /// depth.
    /// The derived facts evaluated so far, by id (`None` where not yet): a vector, not a
    /// map, since hashing their ids cost more than evaluating them.
    derived: Vec<Option<Derived>>,
    /// The ids set in `derived`, to clear them without a pass over every definition.
    derived_set: Vec<usize>,
    /// The work the evaluation may still do, in facts read and items visited (`None`: no
    /// limit). Only the case search sets one: a condition of quantifiers nested tens deep
    /// evaluates its body once per combination of items, and the search, which evaluates
    /// many cases, would otherwise run for hours and record gigabytes of reads.
    work_left: Option<usize>,
    /// Set when `work_left` ran out: the evaluation stopped early, and its truth means
    /// nothing.
    out_of_work: bool,
}

/// A derived fact evaluated once in an [`Env`], and what evaluating it recorded, to record
/// again at each later use.
#[derive(Clone)]
struct Derived {
    value: Option<Value>,
    /// The facts read, each once, in the order first read.
    reads: Vec<(FactInstance, bool)>,
    /// Atoms that read the hypothesised fact.
    atoms: Vec<AtomId>,
}

impl Env {
    /// Starts evaluating `rule` (for `item`), reusing the buffers of earlier evaluations.
    fn start(&mut self, rule: &Rule, item: Option<usize>) {
        self.start_bound(rule.for_each.zip(item));
    }

    /// Starts an evaluation with `binding` (a list and the index of its item) bound, or
    /// none, reusing the buffers of earlier evaluations.
    fn start_bound(&mut self, binding: Option<(FactId, usize)>) {
        self.bindings.clear();
        self.reads.clear();
        self.atoms_reading_hypothesis.clear();
        self.hypothesis_reads = 0;
        self.hypothesis = None;
        self.outcome_only = false;
        for id in self.derived_set.drain(..) {
            self.derived[id] = None;
        }
        self.bindings.extend(binding);
        self.work_left = None;
        self.out_of_work = false;
    }

    /// Counts one unit of work: false once the evaluation's budget is spent (and from then
    /// on), when the evaluation should stop.
    #[inline]
    fn spend(&mut self) -> bool {
        match &mut self.work_left {
            None => true,
            Some(0) => {
                self.out_of_work = true;
                false
            }
            Some(left) => {
                *left -= 1;
                true
            }
        }
    }

    /// Records again the reads a derived fact made when it was worked out.
    fn record_all(&mut self, reads: &[(FactInstance, bool)]) {
        for &(instance, known) in reads {
            self.record(instance, known);
        }
    }

    /// Records that a fact was read, and whether it was known.
    fn record(&mut self, instance: FactInstance, known: bool) {
        // Past its budget, an evaluation's reads are not kept: they would only fill memory.
        if !self.spend() {
            return;
        }
        if !self.outcome_only {
            self.reads.push((instance, known));
        }
        if let Some(Hypothesis::Atoms(fact, _) | Hypothesis::Known(fact)) = &self.hypothesis
            && *fact == instance
        {
            self.hypothesis_reads += 1;
        }
    }

    /// The value the hypothesis gives `instance`, if it gives one.
    fn assumed(&self, instance: FactInstance) -> Option<&Value> {
        match &self.hypothesis {
            Some(Hypothesis::Given(fact, value)) if *fact == instance => Some(value),
            Some(Hypothesis::Values(values) | Hypothesis::Search { values, .. }) => {
                values.iter().find(|(fact, _)| *fact == instance).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// In a search for a case, whether an unknown fact may still be given a value.
    fn still_open(&self, instance: FactInstance) -> bool {
        match &self.hypothesis {
            Some(Hypothesis::Search { settled_unknown, never_given, .. }) => {
                !settled_unknown.contains(&instance) && !never_given.contains(&instance.fact)
            }
            _ => false,
        }
    }
}

struct Evaluator<'a> {
    rule_base: &'a RuleBase,
    case: &'a Case,
    as_of: Date,
    /// The derived facts of the case as it is, by id, worked out once for every rule and
    /// every hypothesis that leaves the facts they read alone (see [`Evaluator::derived`]):
    /// the stage of a change is read by most rules, and worked out again for each, and for
    /// each value tried of each unknown fact, it cost more than all else.
    case_derived: std::cell::RefCell<Vec<Option<Derived>>>,
}

/// The most atoms of one rule reading one fact whose truths are tried together.
const MAX_FORCED_ATOMS: usize = 8;

impl<'a> Evaluator<'a> {
    fn new(rule_base: &'a RuleBase, case: &'a Case, as_of: Date) -> Self {
        Evaluator { rule_base, case, as_of, case_derived: Default::default() }
    }

    fn vocabulary(&self) -> &Vocabulary {
        &self.rule_base.vocabulary
    }

    fn env_for(&self, rule: &Rule, item: Option<usize>) -> Env {
        let mut env = Env::default();
        env.start(rule, item);
        env
    }

    /// How many items a `for each` rule's list has in the case (`None`: the list is
    /// unknown).
    fn items_of(&self, list: FactId) -> Option<usize> {
        // As `list_len` finds it with nothing assumed, without an `Env` to record in.
        match self.stored(FactInstance { fact: list, item: None }) {
            Some(Value::Records(items)) => Some(items.len()),
            Some(Value::TextList(items)) => Some(items.len()),
            _ => None,
        }
    }

    /// Whether a rule's condition holds (for some item, for `for each` rules).
    fn fires(&self, index: usize, env: &mut Env) -> bool {
        let rule = &self.rule_base.rules[index];
        let mut holds = |item| self.quick_truth(rule, item, env) == Truth::True;
        match rule.for_each.map(|list| self.items_of(list)) {
            None => holds(None),
            Some(len) => (0..len.unwrap_or(0)).any(|item| holds(Some(item))),
        }
    }

    /// Adds to `outcomes` a rule's outcome (for `item`), with the unknown facts that
    /// matter when `with_questions`. Pushed here, not returned: the outcome is then built
    /// in its place, not built and copied.
    fn push_outcome(
        &self,
        (index, item): (usize, Option<usize>),
        with_questions: bool,
        scratch: &mut Scratch,
        outcomes: &mut Vec<Outcome>,
    ) {
        let condition = &self.rule_base.plan.conditions[index];
        outcomes.push(self.flat_outcome(index, item, condition, with_questions, scratch));
    }

    /// Whether some value of `fact` changes the rule's condition from `now`: decides it
    /// when it is unknown, or (through `is known` tests) flips it when it is decided.
    fn could_change(
        &self,
        rule: &Rule,
        item: Option<usize>,
        fact: FactInstance,
        now: Truth,
        probe: &mut Env,
    ) -> bool {
        self.some_value_gives(rule, item, fact, &|truth| truth != now, probe)
    }

    /// Whether some value of `fact` gives the rule's condition a truth `wanted` accepts.
    fn some_value_gives(
        &self,
        rule: &Rule,
        item: Option<usize>,
        fact: FactInstance,
        wanted: &dyn Fn(Truth) -> bool,
        probe: &mut Env,
    ) -> bool {
        // The fact known, its value not: three-valued logic is monotone in the tests that
        // read the value, so a condition that this decides, every value decides alike, and
        // one evaluation stands for all of them.
        let truth = self.truth_under(rule, item, Hypothesis::Known(fact), probe);
        if truth != Truth::Unknown {
            return wanted(truth);
        }
        let decided = |hypothesis, probe: &mut Env| wanted(self.truth_under(rule, item, hypothesis, probe));
        match &self.vocabulary().fact(fact.fact).ty {
            Type::Bool => {
                [true, false].into_iter().any(|b| decided(Hypothesis::Given(fact, Value::Bool(b)), probe))
            }
            Type::Enum(values) => {
                (0..values.len() as u32).any(|i| decided(Hypothesis::Given(fact, Value::Enum(i)), probe))
            }
            Type::Records(_) => decided(Hypothesis::Given(fact, Value::Records(Vec::new())), probe),
            Type::Text | Type::Number | Type::Date | Type::TextList => {
                // Find the atoms that read the fact (evaluating every part of the condition),
                // then try every combination of their truths.
                probe.start(rule, item);
                probe.hypothesis = Some(Hypothesis::Atoms(fact, Vec::new()));
                self.truth(&rule.condition, probe);
                let mut atoms = std::mem::take(&mut probe.atoms_reading_hypothesis);
                atoms.sort_unstable();
                atoms.dedup();
                if atoms.len() > MAX_FORCED_ATOMS {
                    return true;
                }
                (0..1u32 << atoms.len()).any(|bits| {
                    let forced =
                        atoms.iter().enumerate().map(|(i, atom)| (*atom, bits & (1 << i) != 0)).collect();
                    decided(Hypothesis::Atoms(fact, forced), probe)
                })
            }
        }
    }

    /// The truth of a rule's condition (for `item`) under `hypothesis`, evaluated in `env`
    /// as quickly as may be: recording no reads.
    fn truth_under(&self, rule: &Rule, item: Option<usize>, hypothesis: Hypothesis, env: &mut Env) -> Truth {
        env.start(rule, item);
        env.outcome_only = true;
        env.hypothesis = Some(hypothesis);
        self.truth(&rule.condition, env)
    }

    /// The truth of rule `index`'s condition (for `item`) with `fact` given `value`.
    fn truth_given(
        &self,
        index: usize,
        item: Option<usize>,
        (fact, value): (FactInstance, &Value),
        probe: &mut Env,
        leaf_truths: &mut Vec<Truth>,
    ) -> Truth {
        work(1);
        let rule = &self.rule_base.rules[index];
        let condition = &self.rule_base.plan.conditions[index];
        self.flat_truth_given(rule, item, condition, (fact, value), probe, leaf_truths)
    }

    /// The truth of a rule's condition (for `item`), evaluated in `env` as quickly as may
    /// be: recording no reads.
    fn quick_truth(&self, rule: &Rule, item: Option<usize>, env: &mut Env) -> Truth {
        env.start(rule, item);
        env.outcome_only = true;
        self.truth(&rule.condition, env)
    }

    // ----- reading facts -----

    fn instance(&self, fact: FactId, env: &Env, binding: Option<usize>) -> FactInstance {
        FactInstance { fact, item: binding.map(|b| env.bindings[b].1) }
    }

    /// The value of a fact instance, recording the read: borrowed from the case, or a
    /// copy of the value a hypothesis assumes (a small one, but for searches).
    fn read(&self, instance: FactInstance, env: &mut Env) -> Option<Cow<'a, Value>> {
        if let Some(value) = env.assumed(instance) {
            let value = value.clone();
            env.record(instance, true);
            return Some(Cow::Owned(value));
        }
        let value = self.stored(instance);
        env.record(instance, value.is_some());
        value.map(Cow::Borrowed)
    }

    fn stored(&self, instance: FactInstance) -> Option<&'a Value> {
        self.stored_by(self.rule_base.plan.facts[instance.fact.0], instance.item)
    }

    /// The value of the fact whose plan is `plan` (for a field, of item `item`), if the
    /// case gives one.
    #[inline(always)]
    fn stored_by(&self, plan: FactPlan, item: Option<usize>) -> Option<&'a Value> {
        let value = self.case.value(plan.case_slot);
        let Some(field) = plan.field_slot else { return value };
        let Some(Value::Records(records)) = value else { return None };
        records.get(item?)?.get(field)?.as_ref()
    }

    /// The number of items of a list, without copying them.
    fn list_len(&self, list: &Expr, env: &mut Env) -> Option<usize> {
        if let Expr::Fact(id) = list
            && self.rule_base.plan.facts[id.0].records
        {
            let instance = FactInstance { fact: *id, item: None };
            if let Some(Value::Records(records)) = env.assumed(instance) {
                return Some(records.len());
            }
            let len = match self.stored(instance) {
                Some(Value::Records(records)) => Some(records.len()),
                _ => None,
            };
            env.record(instance, len.is_some());
            return len;
        }
        match self.value(list, env)?.as_ref() {
            Value::TextList(items) => Some(items.len()),
            _ => None,
        }
    }

    // ----- values -----

    /// The value of an expression: borrowed where it is stored (in the case or the rule
    /// base), owned where it is computed.
    fn value<'e>(&self, expr: &'e Expr, env: &mut Env) -> Option<Cow<'e, Value>>
    where
        'a: 'e,
    {
        match expr {
            Expr::Const(value) => Some(Cow::Borrowed(value)),
            Expr::Fact(id) => self.read(self.instance(*id, env, None), env),
            Expr::Field { binding, fact } => self.read(self.instance(*fact, env, Some(*binding)), env),
            Expr::Item { binding } => {
                let (list, index) = env.bindings[*binding];
                match self.read(FactInstance { fact: list, item: None }, env)?.as_ref() {
                    Value::TextList(items) => {
                        items.get(index).cloned().map(|item| Cow::Owned(Value::Text(item)))
                    }
                    _ => None,
                }
            }
            Expr::AsOf => Some(Cow::Owned(Value::Date(self.as_of))),
            Expr::Derived(id) => self.derived(*id, env).map(Cow::Owned),
            Expr::Words(index) => Some(Cow::Borrowed(self.rule_base.words[*index].on(self.as_of))),
            Expr::Extreme { highest, list, binding, value } => {
                self.extreme(*highest, list, *binding, value, env)
            }
            Expr::Count { list, binding, filter } => {
                self.count(list, *binding, filter.as_deref(), env).map(Cow::Owned)
            }
            Expr::DatePlus { .. } | Expr::NumberPlus { .. } | Expr::MonthsBetween { .. } => {
                self.arithmetic(expr, env).map(Cow::Owned)
            }
            condition => match self.truth(condition, env) {
                Truth::True => Some(Cow::Owned(Value::Bool(true))),
                Truth::False => Some(Cow::Owned(Value::Bool(false))),
                Truth::Unknown => None,
            },
        }
    }

    /// `date ± duration`, `number ± number`, `months between`: unknown when an operand is
    /// (the second operand is not read when the first is unknown), and when a sum is past
    /// the largest number.
    fn arithmetic(&self, expr: &Expr, env: &mut Env) -> Option<Value> {
        match expr {
            Expr::DatePlus { date, duration, minus } => {
                let (date, duration) = (self.value(date, env)?, self.value(duration, env)?);
                let (&Value::Date(date), &Value::Duration(mut duration)) = (&*date, &*duration) else {
                    return None;
                };
                if *minus {
                    duration.amount = -duration.amount;
                }
                date.plus(duration).map(Value::Date)
            }
            Expr::NumberPlus { lhs, rhs, minus } => {
                let (lhs, rhs) = (self.value(lhs, env)?, self.value(rhs, env)?);
                let (&Value::Number(a), &Value::Number(b)) = (&*lhs, &*rhs) else { return None };
                add_numbers(a, b, *minus).map(Value::Number)
            }
            Expr::MonthsBetween { from, to } => {
                let (from, to) = (self.value(from, env)?, self.value(to, env)?);
                let (&Value::Date(from), &Value::Date(to)) = (&*from, &*to) else { return None };
                Some(Value::Number(from.months_until(to) as f64))
            }
            _ => unreachable!("only arithmetic expressions are passed"),
        }
    }

    /// A derived fact's value: evaluated at its first use in `env`, then recalled, with the
    /// reads it recorded recorded again.
    fn derived(&self, id: usize, env: &mut Env) -> Option<Value> {
        if let Some(value) = self.case_derived(id, env) {
            return value;
        }
        // Taken out while its reads are recorded again, and put back.
        if let Some(known) = env.derived.get_mut(id).and_then(Option::take) {
            // Recorded as if read again: the reads (when recording) and the count of reads
            // of a hypothesised fact.
            env.record_all(&known.reads);
            env.atoms_reading_hypothesis.extend_from_slice(&known.atoms);
            let value = known.value.clone();
            env.derived[id] = Some(known);
            return value;
        }
        // Every read is recorded, whatever the evaluation records, so that a later use
        // replays them all: a derived fact first met in a quick evaluation may be met again
        // in one that records.
        let outcome_only = std::mem::replace(&mut env.outcome_only, false);
        let (reads_before, atoms_before) = (env.reads.len(), env.atoms_reading_hypothesis.len());
        // A derived fact binds no item: evaluate it on a stack of its own.
        let outer = std::mem::take(&mut env.bindings);
        let value = self.value(&self.rule_base.definitions[id].expr, env).map(Cow::into_owned);
        env.bindings = outer;
        env.outcome_only = outcome_only;
        // Each fact once, in the order first read: a derived fact reads a few facts, and a
        // search of those few costs less than hashing them.
        let mut reads: Vec<(FactInstance, bool)> = Vec::new();
        for read in &env.reads[reads_before..] {
            if !reads.contains(read) {
                reads.push(*read);
            }
        }
        if outcome_only {
            env.reads.truncate(reads_before);
        }
        let atoms = env.atoms_reading_hypothesis[atoms_before..].to_vec();
        if env.derived.len() <= id {
            env.derived.resize_with(id + 1, || None);
        }
        let derived = Derived { value: value.clone(), reads, atoms };
        if env.hypothesis.is_none() {
            let mut case_derived = self.case_derived.borrow_mut();
            if case_derived.len() <= id {
                case_derived.resize_with(id + 1, || None);
            }
            case_derived[id] = Some(derived.clone());
        }
        env.derived[id] = Some(derived);
        env.derived_set.push(id);
        value
    }

    /// A derived fact's value in the case as it is, if it has been worked out and `env`'s
    /// hypothesis leaves every fact it read alone (it gives another fact a value, or forces
    /// the truth of atoms reading another fact); its reads are recorded again.
    fn case_derived(&self, id: usize, env: &mut Env) -> Option<Option<Value>> {
        let hypothesised = match &env.hypothesis {
            None => None,
            Some(Hypothesis::Given(fact, _) | Hypothesis::Atoms(fact, _) | Hypothesis::Known(fact)) => {
                Some(fact.fact)
            }
            Some(Hypothesis::Values(_) | Hypothesis::Search { .. }) => return None,
        };
        // A value given to a list changes its items' fields too: no derived fact is kept.
        if hypothesised.is_some_and(|fact| matches!(self.vocabulary().fact(fact).ty, Type::Records(_))) {
            return None;
        }
        let case_derived = self.case_derived.borrow();
        let known = case_derived.get(id)?.as_ref()?;
        if hypothesised.is_some_and(|fact| known.reads.iter().any(|(read, _)| read.fact == fact)) {
            return None;
        }
        env.record_all(&known.reads);
        Some(known.value.clone())
    }

    /// `highest`/`lowest`: unknown when the list is empty or any item's value is unknown.
    fn extreme<'e>(
        &self,
        highest: bool,
        list: &'e Expr,
        binding: usize,
        value: &'e Expr,
        env: &mut Env,
    ) -> Option<Cow<'e, Value>>
    where
        'a: 'e,
    {
        let len = self.list_len(list, env)?;
        let list_fact = list_fact(list);
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let mut best: Option<Cow<'e, Value>> = None;
        let mut unknown = false;
        for item in 0..len {
            if !env.spend() {
                return None;
            }
            env.bindings.push((list_fact, item));
            let item_value = self.value(value, env);
            env.bindings.pop();
            match item_value {
                None => unknown = true,
                Some(v) => {
                    let better = best.as_ref().is_none_or(|b| {
                        let op = if highest { CompareOp::Gt } else { CompareOp::Lt };
                        compare(op, &v, b)
                    });
                    if better {
                        best = Some(v);
                    }
                }
            }
        }
        if unknown { None } else { best }
    }

    /// `count`: a single number when every item is decided, else unknown.
    fn count(&self, list: &Expr, binding: usize, filter: Option<&Expr>, env: &mut Env) -> Option<Value> {
        let (least, most) = self.count_range(list, binding, filter, env)?;
        (least == most).then_some(Value::Number(least as f64))
    }

    /// The least and most the count can be, given the items whose filter is unknown.
    fn count_range(
        &self,
        list: &Expr,
        binding: usize,
        filter: Option<&Expr>,
        env: &mut Env,
    ) -> Option<(usize, usize)> {
        let len = self.list_len(list, env)?;
        let Some(filter) = filter else { return Some((len, len)) };
        let list_fact = list_fact(list);
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let (mut least, mut most) = (0, 0);
        for item in 0..len {
            if !env.spend() {
                return None;
            }
            env.bindings.push((list_fact, item));
            match self.truth(filter, env) {
                Truth::True => (least, most) = (least + 1, most + 1),
                Truth::False => {}
                Truth::Unknown => most += 1,
            }
            env.bindings.pop();
        }
        Some((least, most))
    }

    /// Compares a count that unknown items leave uncertain: true if every possible count
    /// passes, false if none does, unknown otherwise.
    fn compare_count(
        &self,
        op: CompareOp,
        count: &Expr,
        other: &Expr,
        count_on_left: bool,
        env: &mut Env,
    ) -> Option<Truth> {
        let Expr::Count { list, binding, filter } = count else { return None };
        let (least, most) = self.count_range(list, *binding, filter.as_deref(), env)?;
        let Some(&Value::Number(other)) = self.value(other, env).as_deref() else {
            return Some(Truth::Unknown);
        };
        let passes = |n: usize| {
            let (a, b) = if count_on_left {
                (Value::Number(n as f64), Value::Number(other))
            } else {
                (Value::Number(other), Value::Number(n as f64))
            };
            compare(op, &a, &b)
        };
        let (mut some_pass, mut some_fail) = (false, false);
        for n in least..=most {
            if passes(n) {
                some_pass = true;
            } else {
                some_fail = true;
            }
            if some_pass && some_fail {
                return Some(Truth::Unknown);
            }
        }
        Some(Truth::from_bool(some_pass))
    }

    // ----- conditions -----

    fn truth(&self, expr: &Expr, env: &mut Env) -> Truth {
        work(1);
        match expr {
            // Both sides are evaluated, so that every fact that matters is read, unless no
            // read is recorded: then a side that decides the whole is enough.
            Expr::And(a, b) => {
                let a = self.truth(a, env);
                if a == Truth::False && env.outcome_only {
                    return a;
                }
                a.and(self.truth(b, env))
            }
            Expr::Or(a, b) => {
                let a = self.truth(a, env);
                if a == Truth::True && env.outcome_only {
                    return a;
                }
                a.or(self.truth(b, env))
            }
            Expr::Not(a) => self.truth(a, env).not(),
            Expr::Atom(atom) => self.atom(atom, env),
            Expr::Quantified { quantifier, list, binding, body, .. } => {
                self.quantified(*quantifier, list, *binding, body, env)
            }
            Expr::Const(Value::Bool(b)) => Truth::from_bool(*b),
            other => match self.value(other, env).as_deref() {
                Some(Value::Bool(b)) => Truth::from_bool(*b),
                _ => Truth::Unknown,
            },
        }
    }

    fn quantified(
        &self,
        quantifier: Quantifier,
        list: &Expr,
        binding: usize,
        body: &Expr,
        env: &mut Env,
    ) -> Truth {
        let Some(len) = self.list_len(list, env) else { return Truth::Unknown };
        let list_fact = list_fact(list);
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let mut result = match quantifier {
            Quantifier::Any => Truth::False,
            Quantifier::All => Truth::True,
        };
        let decided = match quantifier {
            Quantifier::Any => Truth::True,
            Quantifier::All => Truth::False,
        };
        for item in 0..len {
            if !env.spend() {
                return Truth::Unknown;
            }
            env.bindings.push((list_fact, item));
            let truth = self.truth(body, env);
            env.bindings.pop();
            result = match quantifier {
                Quantifier::Any => result.or(truth),
                Quantifier::All => result.and(truth),
            };
            // With no reads to record, the remaining items cannot change a decided result.
            if result == decided && env.outcome_only {
                break;
            }
        }
        result
    }

    fn atom(&self, atom: &Atom, env: &mut Env) -> Truth {
        let reads_before = env.hypothesis_reads;
        let truth = self.test(&atom.test, env);
        let Some(Hypothesis::Atoms(_, forced)) = &env.hypothesis else { return truth };
        // An atom that holds a derived condition reads the fact only through the atoms of
        // that condition, which are forced as they are met: forcing this one too would
        // ignore the rest of the derived condition (`kind is merger` in `kind is merger
        // and d is unknown`).
        if env.hypothesis_reads == reads_before || matches!(atom.test, Test::Holds(Expr::Derived(_))) {
            return truth;
        }
        match forced.iter().find(|(forced, _)| *forced == atom.id) {
            Some((_, b)) => Truth::from_bool(*b),
            None => {
                env.atoms_reading_hypothesis.push(atom.id);
                truth
            }
        }
    }

    fn test(&self, test: &Test, env: &mut Env) -> Truth {
        work(1);
        match test {
            Test::Compare { op, lhs: count @ Expr::Count { .. }, rhs } => {
                self.compare_count(*op, count, rhs, true, env).unwrap_or(Truth::Unknown)
            }
            Test::Compare { op, lhs, rhs: count @ Expr::Count { .. } } => {
                self.compare_count(*op, count, lhs, false, env).unwrap_or(Truth::Unknown)
            }
            Test::Compare { op, lhs, rhs } => {
                let (lhs, rhs) = (self.value(lhs, env), self.value(rhs, env));
                match (lhs, rhs) {
                    (Some(a), Some(b)) => Truth::from_bool(compare(*op, &a, &b)),
                    _ => Truth::Unknown,
                }
            }
            Test::In { needle, haystack, negated } => {
                let needle = self.value(needle, env);
                let found = match haystack {
                    Haystack::Consts(values) => {
                        needle.map(|n| values.iter().any(|v| compare(CompareOp::Eq, &n, v)))
                    }
                    Haystack::List(list) => match (needle.as_deref(), self.value(list, env).as_deref()) {
                        (Some(Value::Text(n)), Some(Value::TextList(items))) => Some(items.contains(n)),
                        _ => None,
                    },
                };
                match found {
                    Some(found) => Truth::from_bool(found != *negated),
                    None => Truth::Unknown,
                }
            }
            Test::Known { expr, negated } => {
                let reads_before = env.reads.len();
                let hypothesis_reads = env.hypothesis_reads;
                let known = match expr {
                    Expr::Fact(id) if matches!(self.vocabulary().fact(*id).ty, Type::Records(_)) => {
                        self.list_len(expr, env).is_some()
                    }
                    _ => self.value(expr, env).is_some(),
                };
                // The fact assumed known, though its value is not.
                let known = known
                    || (matches!(env.hypothesis, Some(Hypothesis::Known(_)))
                        && env.hypothesis_reads > hypothesis_reads);
                // While searching for a case, a fact not yet given may still be given:
                // whether it is known is then itself still open.
                if !known
                    && env.reads[reads_before..].iter().any(|(fact, known)| !known && env.still_open(*fact))
                {
                    return Truth::Unknown;
                }
                Truth::from_bool(known != *negated)
            }
            Test::Holds(expr) => self.truth(expr, env),
        }
    }

    // ----- advice -----

    /// The parts of a rule's advice the case fills in, written into `texts`, with its
    /// reasons in words too when `words`. Evaluated in `env`, whose buffers are reused from
    /// one piece of advice to the next.
    fn filled(&self, outcome: &Outcome, words: bool, env: &mut Env, texts: &mut Texts) -> DraftAdvice {
        let rule = &self.rule_base.rules[outcome.rule];
        env.start(rule, outcome.item);
        let first_reason = texts.count();
        self.because(outcome.rule, outcome.item, false, env, texts);
        texts.dedup_from(first_reason);
        let because = first_reason..texts.count();
        let because_in_words = words.then(|| self.because_in_words(outcome, env, texts));
        // The values shown need no record of the facts they read.
        env.outcome_only = true;
        for template in [&rule.title, &rule.text] {
            for (expr, style) in template.values() {
                self.write_in_text(texts.open(), expr, style, env);
                texts.end();
            }
        }
        let values = because_in_words.as_ref().map_or(because.end, |words| words.end)..texts.count();
        let item = outcome.item.map(|item| {
            self.write_item_path(
                texts.open(),
                rule.for_each.expect("only for-each outcomes have items"),
                item,
            );
            texts.end()
        });
        DraftAdvice { rule: outcome.rule, item, values, because, because_in_words }
    }

    /// Writes into `texts` the reasons for an outcome's advice in words (see the `words`
    /// module), and gives their numbers. The unknown facts they read are those the formal
    /// reasons have recorded already.
    fn because_in_words(&self, outcome: &Outcome, env: &mut Env, texts: &mut Texts) -> Range<usize> {
        let unknowns = env.reason_unknowns.len();
        env.start(&self.rule_base.rules[outcome.rule], outcome.item);
        env.in_words = true;
        let first = texts.count();
        self.because(outcome.rule, outcome.item, false, env, texts);
        env.in_words = false;
        env.reason_unknowns.truncate(unknowns);
        first..texts.count()
    }

    /// `groups[0]`: the path of the item of a `for each` rule's outcome.
    fn item_path(&self, rule: &Rule, item: usize) -> String {
        let mut path = String::new();
        self.write_item_path(&mut path, rule.for_each.expect("only for-each outcomes have items"), item);
        path
    }

    /// Appends `groups[0]`: the path of item `item` of list `list`.
    fn write_item_path(&self, out: &mut String, list: FactId, item: usize) {
        out.push_str(&self.vocabulary().fact(list).path);
        write_index(out, item);
    }

    /// Writes into `texts`, one text each, the parts of rule `rule`'s condition (for
    /// `item`) that made it true (or, when `negated`, false), evaluating it in `env`
    /// (started for the rule).
    fn because(&self, rule: usize, item: Option<usize>, negated: bool, env: &mut Env, texts: &mut Texts) {
        let top = Top { condition: Some(&self.rule_base.plan.conditions[rule]), item };
        self.reasons(&self.rule_base.rules[rule].condition, negated, top, env, texts);
    }

    /// The truth of `expr`; when it is the one wanted (true, or false when `negated`), the
    /// parts that made it so are written into `out`, one text each. Each part is evaluated
    /// once, on the way up: asking each node its truth on the way down would evaluate a
    /// chain of `and`s once per link.
    fn reasons(&self, expr: &Expr, negated: bool, top: Top, env: &mut Env, out: &mut Texts) -> Truth {
        let wanted = if negated { Truth::False } else { Truth::True };
        let start = out.count();
        let unknowns_start = env.reason_unknowns.len();
        let truth = match (expr, negated) {
            // Both sides are reasons: every true part of an `and`, every false part of an
            // `or` (and under `not`, every false part of an `and`).
            (Expr::And(a, b), _) => {
                let a = self.reasons(a, negated, top, env, out);
                a.and(self.reasons(b, negated, top, env, out))
            }
            (Expr::Or(a, b), true) => {
                let a = self.reasons(a, negated, top, env, out);
                a.or(self.reasons(b, negated, top, env, out))
            }
            (Expr::Or(a, b), false) => {
                // One true side suffices; name the first.
                match self.reasons(a, negated, top, env, out) {
                    Truth::True => Truth::True,
                    a => a.or(self.reasons(b, negated, top, env, out)),
                }
            }
            (Expr::Not(a), _) => self.reasons(a, !negated, top, env, out).not(),
            (Expr::Atom(atom), _) => {
                // Evaluated recording its reads: they name the values the reason shows.
                let reads_before = env.reads.len();
                // A test the condition's plan specialised is evaluated the quick way.
                let truth = match top.condition.and_then(|condition| condition.specialised_leaf(atom.id)) {
                    Some(leaf) => self.specialised_truth(&leaf.test, top.item, env),
                    None => self.truth(expr, env),
                };
                if truth == wanted {
                    if env.in_words {
                        self.say_atom(out.open(), atom, negated, &env.bindings);
                    } else {
                        self.describe_atom(out.open(), atom, negated, &env.reads[reads_before..]);
                    }
                    out.end();
                    // The advice is about a fact its own test finds unknown (`outcomes.why_this_arrangement
                    // is unknown`), not about those a derived condition read on the way (the
                    // date a stage is worked out from, still worth asking for).
                    if !matches!(atom.test, Test::Holds(Expr::Derived(_))) {
                        let Env { reads, reason_unknowns, .. } = env;
                        let unknown = reads[reads_before..].iter().filter(|(_, known)| !known);
                        reason_unknowns.extend(unknown.map(|(fact, _)| *fact));
                    }
                }
                truth
            }
            (Expr::Quantified { .. }, _) => self.quantified_reasons(expr, negated, env, out),
            _ => self.settled_truth(expr, env),
        };
        if truth != wanted {
            out.truncate(start);
            env.reason_unknowns.truncate(unknowns_start);
        }
        truth
    }

    /// The truth of a quantified condition and, when it is the one wanted, its reasons:
    /// "none of" and "all of" said once, "some of" naming which items.
    fn quantified_reasons(&self, expr: &Expr, negated: bool, env: &mut Env, out: &mut Texts) -> Truth {
        let Expr::Quantified { quantifier, list, binding, body, text } = expr else {
            unreachable!("only quantified conditions are passed")
        };
        let wanted = if negated { Truth::False } else { Truth::True };
        let list_fact = list_fact(list);
        // In words, every item is said of itself: the test as written, said once for them
        // all, is the rule's words, not the case's.
        let every_item = match (quantifier, negated) {
            _ if env.in_words => None,
            (Quantifier::Any, true) => Some("none of"),
            (Quantifier::All, false) => Some("all of"),
            _ => None,
        };
        if let Some(words) = every_item {
            let truth = self.settled_truth(expr, env);
            let Some(len) = self.list_len(list, env).filter(|_| truth == wanted) else { return truth };
            let line = out.open();
            line.push_str(words);
            line.push_str(" the ");
            write_count(line, len);
            line.push_str(" items of ");
            line.push_str(&self.vocabulary().fact(list_fact).path);
            line.push_str(": ");
            line.push_str(text);
            out.end();
            return truth;
        }
        // The items are evaluated once, for their reasons, and their truths combined as
        // `quantified` combines them.
        let Some(len) = self.list_len(list, env) else { return Truth::Unknown };
        let mut truth = match quantifier {
            Quantifier::Any => Truth::False,
            Quantifier::All => Truth::True,
        };
        for item in 0..len {
            env.bindings.push((list_fact, item));
            let first = out.count();
            let item_truth = self.reasons(body, negated, Top::NONE, env, out);
            // Words for a field of an item name the item (the checker sees to it).
            if item_truth == wanted && !env.in_words {
                out.prefix_from(first, |label| {
                    self.write_item_label(label, list_fact, item, env);
                    label.push_str(": ");
                });
            }
            env.bindings.pop();
            debug_assert_eq!(env.bindings.len(), *binding);
            truth = match quantifier {
                Quantifier::Any => truth.or(item_truth),
                Quantifier::All => truth.and(item_truth),
            };
        }
        truth
    }

    /// The truth of `expr`, evaluated quickly: without recording reads, stopping at the
    /// first part that decides it. The reasons for advice test many parts of a condition
    /// and describe only some.
    fn settled_truth(&self, expr: &Expr, env: &mut Env) -> Truth {
        let recording = !std::mem::replace(&mut env.outcome_only, true);
        let truth = self.truth(expr, env);
        env.outcome_only = !recording;
        truth
    }

    /// Appends `change.kind is merger`, or for a test on computed values, the values too:
    /// `as_of is before change.date + 18 months (as_of 2013-09-01, change.date 2013-04-01)`.
    fn describe_atom(&self, line: &mut String, atom: &Atom, negated: bool, reads: &[(FactInstance, bool)]) {
        let simple = match &atom.test {
            Test::Holds(_) | Test::Known { .. } => true,
            Test::Compare { op: CompareOp::Eq, lhs, rhs } => {
                matches!(rhs, Expr::Const(_)) || matches!(lhs, Expr::Const(_))
            }
            _ => false,
        };
        if negated && !matches!(atom.test, Test::Holds(_)) {
            line.push_str("not: ");
        }
        line.push_str(&atom.text);
        match (&atom.test, negated) {
            (Test::Holds(_), false) => line.push_str(" is true"),
            (Test::Holds(_), true) => line.push_str(" is false"),
            _ => {}
        }
        if simple {
            return;
        }
        // The values the test compared: the assessment date, then each fact it read.
        let mut separator = " (";
        if atom.names_as_of {
            line.push_str(" (as_of is ");
            self.as_of.write_iso(line);
            separator = ", ";
        }
        for (position, &(instance, _)) in reads.iter().enumerate() {
            if reads[..position].iter().any(|(earlier, _)| *earlier == instance) {
                continue;
            }
            line.push_str(separator);
            self.write_instance_path(line, instance);
            line.push_str(" is ");
            match self.stored(instance) {
                Some(value) => self.write_value(line, instance.fact, value),
                None => line.push_str("unknown"),
            }
            separator = ", ";
        }
        if separator == ", " {
            line.push(')');
        }
    }

    /// A value as written in explanations: enumeration values by name, dates as ISO.
    fn show_value(&self, fact: FactId, value: &Value) -> String {
        let mut shown = String::new();
        self.write_value(&mut shown, fact, value);
        shown
    }

    /// Appends [`Self::show_value`]'s text to `out`.
    fn write_value(&self, out: &mut String, fact: FactId, value: &Value) {
        let quoted = |out: &mut String, text: &str| {
            out.push('"');
            out.push_str(text);
            out.push('"');
        };
        match (value, &self.vocabulary().fact(fact).ty) {
            (Value::Enum(i), Type::Enum(values)) => out.push_str(&values[*i as usize]),
            (Value::Text(t), _) => quoted(out, t),
            (Value::TextList(items), _) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    quoted(out, item);
                }
                out.push(']');
            }
            (Value::Date(date), _) => date.write_iso(out),
            (other, _) => write_plain(out, other),
        }
    }

    /// An item's name (its label field), else its path: `groups[2]`.
    fn item_label(&self, list: FactId, item: usize, env: &mut Env) -> String {
        let mut label = String::new();
        self.write_item_label(&mut label, list, item, env);
        label
    }

    /// Appends [`Self::item_label`]'s text to `out`.
    fn write_item_label(&self, out: &mut String, list: FactId, item: usize, env: &mut Env) {
        let label_fact = match &self.vocabulary().fact(list).ty {
            Type::Records(record) => record.label,
            _ => None,
        };
        if let Some(fact) = label_fact
            && let Some(Value::Text(name)) =
                self.read(FactInstance { fact, item: Some(item) }, env).as_deref()
        {
            out.push_str(name);
            return;
        }
        self.write_item_path(out, list, item);
    }

    /// Appends a template filled in.
    fn write_filled(&self, out: &mut String, template: &Template, env: &mut Env) {
        for part in &template.parts {
            match part {
                TemplatePart::Literal(words) => out.push_str(words),
                TemplatePart::Value { expr, style } => self.write_in_text(out, expr, *style, env),
            }
        }
    }

    /// A value as advice texts show it: enumeration values in words, dates in words,
    /// lists as `a, b and c`.
    fn show_in_text(&self, expr: &Expr, style: DateStyle, env: &mut Env) -> String {
        let mut shown = String::new();
        self.write_in_text(&mut shown, expr, style, env);
        shown
    }

    /// Appends [`Self::show_in_text`]'s text to `out`.
    fn write_in_text(&self, out: &mut String, expr: &Expr, style: DateStyle, env: &mut Env) {
        if let Expr::Item { binding } = expr {
            let (list, item) = env.bindings[*binding];
            if matches!(self.vocabulary().fact(list).ty, Type::Records(_)) {
                return self.write_item_label(out, list, item, env);
            }
        }
        let value = self.value(expr, env);
        match (value.as_deref(), self.enum_values_of(expr)) {
            (None, _) => self.write_unknown(out, expr, env),
            (Some(Value::Enum(i)), Some(values)) => {
                for (n, word) in values[*i as usize].split('_').enumerate() {
                    if n > 0 {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
            (Some(Value::Date(date)), _) if style == DateStyle::Month => date.write_month_and_year(out),
            (Some(Value::Date(date)), _) => date.write_long(out),
            (Some(Value::Bool(b)), _) => out.push_str(if *b { "yes" } else { "no" }),
            (Some(other), _) => write_plain(out, other),
        }
    }

    /// The values of the enumeration an expression's value belongs to, if it is one.
    fn enum_values_of(&self, expr: &Expr) -> Option<&Vec<String>> {
        enum_values_of(self.rule_base, expr)
    }

    /// Appends what a text shows for an unknown value: `(unknown)`, except for the name
    /// field of an item, whose path (`groups[2]`) it shows, so texts and questions still
    /// say which item they mean.
    fn write_unknown(&self, out: &mut String, expr: &Expr, env: &Env) {
        if let Expr::Field { binding, fact } = expr {
            let (list, item) = env.bindings[*binding];
            if let Type::Records(record) = &self.vocabulary().fact(list).ty
                && record.label == Some(*fact)
            {
                if env.in_words {
                    return self.write_item_in_words(out, list, item);
                }
                return self.write_item_path(out, list, item);
            }
        }
        out.push_str("(unknown)");
    }

    // ----- questions -----

    /// The facts to ask about (`outcomes` in rule order, as [`RuleBase::evaluate`] gives
    /// them), each with its question and the rules it could change, the texts written
    /// into `texts`; `env` is lent for filling in the questions.
    fn questions(&self, outcomes: &[Outcome], env: &mut Env, texts: &mut Texts) -> Vec<DraftQuestion> {
        // Room for every fact asked about at once: growing the list a fact at a time cost
        // more than counting them.
        let most = outcomes.iter().map(|outcome| outcome.relevant_unknowns.len()).sum();
        let mut asked: Vec<(FactInstance, Vec<usize>)> = Vec::with_capacity(most);
        // Where each fact is in `asked`, once there are many: thousands of items ask
        // thousands of questions, and a search of the list for each made it quadratic.
        let mut places = Places::default();
        for outcome in outcomes {
            for fact in &outcome.relevant_unknowns {
                work(1);
                let found = places.find(&asked, fact).and_then(|at| asked.get_mut(at));
                match found {
                    // A rule's outcomes (one per item) come one after another: a rule that
                    // asked already was the last to ask.
                    Some((_, affects)) if affects.last() != Some(&outcome.rule) => affects.push(outcome.rule),
                    Some(_) => {}
                    None => {
                        // Room for a few rules: most facts asked about affect one to four.
                        let mut affects = Vec::with_capacity(4);
                        affects.push(outcome.rule);
                        places.add(&asked, *fact);
                        asked.push((*fact, affects));
                    }
                }
            }
        }
        // A question waits while the fact it comes after is unknown; a fact that advice given
        // rests on (a rule firing because it is unknown) is not asked about as well.
        asked.retain(|(fact, _)| !self.waits(*fact) && self.asked_now(*fact, env));
        if env.reason_unknowns.len() > Places::SEARCHED {
            let resting: std::collections::HashSet<FactInstance> =
                env.reason_unknowns.iter().copied().collect();
            asked.retain(|(fact, _)| !resting.contains(fact));
        } else if !env.reason_unknowns.is_empty() {
            asked.retain(|(fact, _)| !env.reason_unknowns.contains(fact));
        }
        // The most weight of rules affected first (see `RuleBase::priority_weight`);
        // otherwise in the order the rules ask.
        let rule_base = self.rule_base;
        asked.sort_by_key(|(_, affects)| {
            std::cmp::Reverse(affects.iter().map(|rule| rule_base.priority_weight(*rule)).sum::<usize>())
        });
        asked.into_iter().map(|(fact, affects)| self.question(fact, affects, env, texts)).collect()
    }

    /// Whether the question about `instance` may be asked in this case: its fact's `only
    /// when` condition, if it has one, holds.
    fn asked_now(&self, instance: FactInstance, env: &mut Env) -> bool {
        let Some(condition) = self.vocabulary().fact(instance.fact).asked_when else { return true };
        env.start_bound(None);
        self.truth(&Expr::Derived(condition), env) == Truth::True
    }

    /// Whether the question about `instance` waits: its fact comes `after` another that
    /// the case leaves unknown (for a field, the same item's).
    fn waits(&self, instance: FactInstance) -> bool {
        let Some(after) = self.vocabulary().fact(instance.fact).after else { return false };
        let item = match self.vocabulary().fact(after).place {
            Place::Field { .. } => instance.item,
            Place::Case { .. } => None,
        };
        self.stored(FactInstance { fact: after, item }).is_none()
    }

    /// `change.date`, or `groups[1].needs` for a field of one item.
    fn instance_path(&self, instance: FactInstance) -> String {
        let mut path = String::new();
        self.write_instance_path(&mut path, instance);
        path
    }

    /// Appends [`Self::instance_path`]'s text to `out`.
    fn write_instance_path(&self, out: &mut String, instance: FactInstance) {
        let fact = self.vocabulary().fact(instance.fact);
        let path = &fact.path;
        // A field's path is `list[].field`, its list's path then `[]` (as the checker
        // declares it): the list's path gives where the `[]` is, without a search.
        let bracket = match (fact.place, instance.item) {
            (Place::Field { list, .. }, Some(item)) => Some((item, self.vocabulary().fact(list).path.len())),
            _ => None,
        };
        match bracket {
            Some((item, bracket)) => {
                out.push_str(&path[..bracket]);
                write_index(out, item);
                out.push_str(&path[bracket + 2..]);
            }
            None => out.push_str(path),
        }
    }

    /// The question for one fact instance, filled in in `env` and written into `texts`.
    fn question(
        &self,
        instance: FactInstance,
        affects: Vec<usize>,
        env: &mut Env,
        texts: &mut Texts,
    ) -> DraftQuestion {
        let fact = self.vocabulary().fact(instance.fact);
        self.write_instance_path(texts.open(), instance);
        let path = texts.end();
        let binding = match (fact.place, instance.item) {
            (Place::Field { list, .. }, Some(item)) => Some((list, item)),
            _ => None,
        };
        env.start_bound(binding);
        // The values shown need no record of the facts they read.
        env.outcome_only = true;
        let text = texts.open();
        match &fact.question {
            Some(question) => self.write_filled(text, question, env),
            None => {
                text.push_str("What is `");
                self.write_instance_path(text, instance);
                text.push_str("`?");
            }
        }
        let text = texts.end();
        DraftQuestion { fact: instance.fact, path, text, affects }
    }
}

/// Where each fact is in a list of facts with something attached: found by a search of
/// the list while it is short (most cases ask a few questions), by a map once it is long.
#[derive(Default)]
struct Places(Option<HashMap<FactInstance, usize>>);

impl Places {
    /// Lists this long are searched; longer ones are mapped.
    const SEARCHED: usize = 32;

    /// Where `fact` is in `list`, if it is there.
    fn find<T>(&self, list: &[(FactInstance, T)], fact: &FactInstance) -> Option<usize> {
        match &self.0 {
            Some(map) => map.get(fact).copied(),
            None => list.iter().position(|(listed, _)| listed == fact),
        }
    }

    /// Notes that `fact` is about to be pushed onto `list`.
    fn add<T>(&mut self, list: &[(FactInstance, T)], fact: FactInstance) {
        match &mut self.0 {
            Some(map) => {
                map.insert(fact, list.len());
            }
            None if list.len() >= Self::SEARCHED => {
                let mut map: HashMap<FactInstance, usize> =
                    list.iter().enumerate().map(|(at, (listed, _))| (*listed, at)).collect();
                map.insert(fact, list.len());
                self.0 = Some(map);
            }
            None => {}
        }
    }
}

fn list_fact(list: &Expr) -> FactId {
    match list {
        Expr::Fact(id) | Expr::Field { fact: id, .. } => *id,
        _ => unreachable!("the checker only binds names of lists"),
    }
}

fn compare(op: CompareOp, a: &Value, b: &Value) -> bool {
    let ordering = match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(*x, *y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Enum(x), Value::Enum(y)) => x.cmp(y),
        (Value::Duration(x), Value::Duration(y)) => match (x.in_common_unit(), y.in_common_unit()) {
            (Some((a, unit_a)), Some((b, unit_b))) if unit_a == unit_b => a.cmp(&b),
            // Months and days do not convert: such durations are never equal or ordered.
            _ => return matches!(op, CompareOp::Ne),
        },
        _ => return matches!(op, CompareOp::Ne),
    };
    holds(op, ordering)
}

/// Whether two values so ordered pass the comparison.
fn holds(op: CompareOp, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CompareOp::Eq => ordering == Equal,
        CompareOp::Ne => ordering != Equal,
        CompareOp::Lt => ordering == Less,
        CompareOp::Le => ordering != Greater,
        CompareOp::Gt => ordering == Greater,
        CompareOp::Ge => ordering != Less,
    }
}

/// The values of the enumeration an expression's value belongs to, if it is one.
fn enum_values_of<'r>(rule_base: &'r RuleBase, expr: &Expr) -> Option<&'r Vec<String>> {
    match expr {
        Expr::Fact(id) | Expr::Field { fact: id, .. } => match &rule_base.vocabulary.fact(*id).ty {
            Type::Enum(values) => Some(values),
            _ => None,
        },
        Expr::Derived(id) => enum_values_of(rule_base, &rule_base.definitions[*id].expr),
        Expr::Extreme { value, .. } => enum_values_of(rule_base, value),
        _ => None,
    }
}

/// Appends a value as written plainly: numbers as people write them, lists in words.
fn write_plain(out: &mut String, value: &Value) {
    match value {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::Text(t) => out.push_str(t),
        Value::Enum(i) => {
            out.push('#');
            write_count(out, *i as usize);
        }
        Value::Date(d) => d.write_iso(out),
        Value::Duration(d) => {
            let _ = write!(out, "{d}");
        }
        Value::TextList(items) => write_in_words(out, items),
        Value::Records(records) => {
            write_count(out, records.len());
            out.push_str(" items");
        }
    }
}

/// Appends `a`, `a and b`, `a, b and c`, or `none`.
fn write_in_words(out: &mut String, items: &[String]) {
    let Some((last, init)) = items.split_last() else { return out.push_str("none") };
    for (n, item) in init.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    if !init.is_empty() {
        out.push_str(" and ");
    }
    out.push_str(last);
}

/// Appends `[2]`: an item's index in its list.
fn write_index(out: &mut String, item: usize) {
    out.push('[');
    write_count(out, item);
    out.push(']');
}

/// Appends a count or an index in decimal.
fn write_count(out: &mut String, n: usize) {
    write_integer(out, i64::try_from(n).expect("counts and indexes of a case fit in i64"));
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Truth::{self, *};

    const ALL: [Truth; 3] = [True, False, Unknown];

    #[test]
    fn kleene_and_or_not_tables() {
        // Rows: left operand True, False, Unknown; columns: right operand in the same order.
        let and = [[True, False, Unknown], [False, False, False], [Unknown, False, Unknown]];
        let or = [[True, True, True], [True, False, Unknown], [True, Unknown, Unknown]];
        for (i, a) in ALL.iter().enumerate() {
            for (j, b) in ALL.iter().enumerate() {
                assert_eq!(a.and(*b), and[i][j], "{a:?} and {b:?}");
                assert_eq!(a.or(*b), or[i][j], "{a:?} or {b:?}");
            }
        }
        assert_eq!([True.not(), False.not(), Unknown.not()], [False, True, Unknown]);
    }

    #[test]
    fn de_morgan_holds_under_kleene_logic() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
                assert_eq!(a.or(b).not(), a.not().and(b.not()));
            }
        }
    }
}

#[cfg(test)]
mod scale {
    use super::*;

    /// The shipped rules, checked once.
    fn shipped() -> &'static RuleBase {
        static RULES: std::sync::OnceLock<RuleBase> = std::sync::OnceLock::new();
        RULES.get_or_init(|| {
            crate::RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")
        })
    }

    /// The work (see [`WORK`]) of advising a case of `groups` groups, each made by `group`.
    fn work_for(groups: usize, group: &str) -> usize {
        let rule_base = shipped();
        let text = format!("{{\"groups\": [{}]}}", vec![group; groups].join(", "));
        let case = crate::parse_case("case.json", &text, &rule_base.vocabulary).expect("a case");
        WORK.with(|work| work.set(0));
        let report = rule_base.advise(&case, Date::parse("2013-09-01").expect("a date"));
        assert!(!report.questions.is_empty() || !report.advice.is_empty());
        WORK.with(std::cell::Cell::get)
    }

    /// Four times the groups, about four times the work: finding the questions used to try
    /// each fact of each group against every group (each `any`/`all` over the list walked
    /// whole for each, and every rule that overrides or is overridden evaluated for every
    /// item), sixteen times the work.
    #[test]
    fn questions_about_many_groups_take_work_in_proportion_to_them() {
        for group in ["{}", "{\"needs\": \"mild\", \"integration\": \"full\"}", "{\"needs\": \"complex\"}"] {
            let (small, large) = (work_for(500, group), work_for(2000, group));
            assert!(large < 5 * small, "{group}: {small} for 500 groups, {large} for 2,000");
        }
    }
}
