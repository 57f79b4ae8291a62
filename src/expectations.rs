//! Expectations of a case's advice that must hold across rule edits, for the checks a
//! snapshot is too loose for: a file beside the case (`DIR/NAME.expect`), a line each,
//!
//! ```text
//! # comments start with #
//! gives merger_stalls_development
//! does not give merger_after_effects
//! asks change.phase
//! does not ask change.phase
//! ```
//!
//! read and checked against the case's report by `accord test`. Must not advise: it is
//! given the report.

use crate::Report;
use crate::rulebase::{RuleBase, Vocabulary};
use crate::suggest::did_you_mean;

/// One line of an expectations file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// Its line in the file, from 1.
    pub line: usize,
    /// What it expects.
    pub expects: Expects,
}

/// What an expectation expects of a case's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expects {
    /// `gives RULE`: the rule gives advice (for some item).
    Gives(String),
    /// `does not give RULE`.
    DoesNotGive(String),
    /// `asks FACT`: a question about the fact (for some item: `groups[].needs` matches
    /// `groups[1].needs`).
    Asks(String),
    /// `does not ask FACT`.
    DoesNotAsk(String),
}

/// The expectations in `text`, checked against `rule_base`'s rules and facts.
///
/// # Errors
///
/// Each line that cannot be read, or names a rule or fact the rule base does not have:
/// its line number and what is wrong, with a suggestion where one is close.
pub fn parse(text: &str, rule_base: &RuleBase) -> Result<Vec<Expectation>, Vec<(usize, String)>> {
    let (mut expectations, mut errors) = (Vec::new(), Vec::new());
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let expects = match words.as_slice() {
            ["gives", rule] => rule_named(rule_base, rule).map(Expects::Gives),
            ["does", "not", "give", rule] => rule_named(rule_base, rule).map(Expects::DoesNotGive),
            ["asks", fact] => fact_named(rule_base, fact).map(Expects::Asks),
            ["does", "not", "ask", fact] => fact_named(rule_base, fact).map(Expects::DoesNotAsk),
            _ => Err(format!(
                "`{line}` is not an expectation: write `gives RULE`, `does not give RULE`, `asks FACT` or `does not ask FACT`"
            )),
        };
        match expects {
            Ok(expects) => expectations.push(Expectation { line: i + 1, expects }),
            Err(why) => errors.push((i + 1, why)),
        }
    }
    if errors.is_empty() { Ok(expectations) } else { Err(errors) }
}

fn rule_named(rule_base: &RuleBase, rule: &str) -> Result<String, String> {
    if rule_base.rules().iter().any(|known| known.id == rule) {
        return Ok(rule.to_string());
    }
    let close = did_you_mean(rule, rule_base.rules().iter().map(|known| known.id.as_str()));
    Err(format!(
        "there is no rule `{rule}`{}",
        close.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default()
    ))
}

fn fact_named(rule_base: &RuleBase, fact: &str) -> Result<String, String> {
    let facts = &rule_base.vocabulary().facts;
    if facts.iter().any(|known| known.path == fact) {
        return Ok(fact.to_string());
    }
    let close = did_you_mean(fact, facts.iter().map(|known| known.path.as_str()));
    Err(format!(
        "there is no fact `{fact}`{}",
        close.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default()
    ))
}

/// The expectations `report` does not meet, each with why, in the file's order.
pub fn unmet<'e>(expectations: &'e [Expectation], report: &Report) -> Vec<(&'e Expectation, String)> {
    let gives = |rule: &str| report.advice.iter().any(|advice| advice.rule == rule);
    let asks = |fact: &str| {
        report.questions.iter().any(|question| Vocabulary::declared_path(&question.fact) == fact)
    };
    expectations
        .iter()
        .filter_map(|expectation| {
            let why = match &expectation.expects {
                Expects::Gives(rule) if !gives(rule) => format!("expected to give `{rule}`, but it does not"),
                Expects::DoesNotGive(rule) if gives(rule) => {
                    format!("expected not to give `{rule}`, but it does")
                }
                Expects::Asks(fact) if !asks(fact) => {
                    format!("expected to ask about `{fact}`, but it does not")
                }
                Expects::DoesNotAsk(fact) if asks(fact) => {
                    format!("expected not to ask about `{fact}`, but it does")
                }
                _ => return None,
            };
            Some((expectation, why))
        })
        .collect()
}
