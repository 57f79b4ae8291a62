//! The timeline of a case's advice: the dates of the `event` and `period` clauses of the
//! rules that give advice, worked out for the case. Must not decide which rules give
//! advice (`outcomes` does) or draw anything (`report` does).

use super::recorder::Nothing;
use super::source::TheCase;
use super::{Env, Evaluator, Outcome, TimelineEntry};
use crate::report::When;
use crate::rulebase::{MarkDates, RuleBase, RuleId};
use crate::value::{Date, Value};

/// An entry of a draft's timeline: the rule, the number of its mark, and the dates the
/// case gives it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DraftMark {
    rule: RuleId,
    mark: usize,
    when: When,
}

impl Evaluator<'_> {
    /// Adds to `timeline` the marks of the rule of `outcome` (for its item) whose dates the
    /// case gives; a mark with a date unknown is left out, as the advice cannot draw it.
    pub(super) fn timeline_of(&self, outcome: &Outcome, env: &mut Env, timeline: &mut Vec<DraftMark>) {
        let rule = self.rule_base.rule(outcome.rule);
        if rule.timeline.is_empty() {
            return;
        }
        env.start(rule, outcome.item);
        for (mark, entry) in rule.timeline.iter().enumerate() {
            let when = match &entry.dates {
                MarkDates::On(date) => self.date(date, env).map(When::On),
                MarkDates::Period { from, to, at_least } => self
                    .date(from, env)
                    .zip(self.date(to, env))
                    .map(|(from, to)| When::Period { from, to, at_least: *at_least }),
            };
            if let Some(when) = when {
                timeline.push(DraftMark { rule: outcome.rule, mark, when });
            }
        }
    }

    /// The date `expr` gives, if known (the checker has made sure it is a date).
    fn date(&self, expr: &crate::rulebase::Expr, env: &mut Env) -> Option<Date> {
        match self.value::<Nothing, TheCase>(expr, env).as_deref() {
            Some(Value::Date(date)) => Some(*date),
            _ => None,
        }
    }
}

impl RuleBase {
    /// The report's timeline from a draft's: each entry once (the same label and dates from
    /// several rules, or items, are one entry), in order of date, then as the rules list them.
    pub(super) fn timeline(&self, draft: &[DraftMark]) -> Vec<TimelineEntry<'_>> {
        let mut timeline: Vec<TimelineEntry<'_>> = Vec::with_capacity(draft.len());
        for entry in draft {
            let label = self.rule(entry.rule).timeline[entry.mark].label.as_str();
            let entry = TimelineEntry { label, when: entry.when };
            if !timeline.contains(&entry) {
                timeline.push(entry);
            }
        }
        // Stable: entries of one date keep the order the rules give them.
        timeline.sort_by_key(|entry| entry.when.start());
        timeline
    }
}
