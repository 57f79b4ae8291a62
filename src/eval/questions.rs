//! The questions of a report: which unknown facts the outcomes found relevant are asked
//! (not waiting on another, not already the reason for advice), in order of the weight of
//! the rules they affect, with their texts. Must not evaluate rules' conditions: the
//! outcomes say which facts matter.

use std::collections::HashMap;

use super::recorder::{FactsRead, Nothing};
use super::source::TheCase;
use super::{DraftQuestion, Env, Evaluator, FactInstance, Outcome, Texts, Truth, work, write_index};
use crate::rulebase::{Expr, Place, RuleId};

impl<'a> Evaluator<'a> {
    /// The facts to ask about (`outcomes` in rule order, as [`RuleBase::evaluate`] gives
    /// them), each with its question and the rules it could change, the texts written
    /// into `texts`; `env` is lent for filling in the questions.
    pub(super) fn questions(
        &self,
        outcomes: &[Outcome],
        env: &mut Env,
        texts: &mut Texts,
    ) -> Vec<DraftQuestion> {
        // Room for every fact asked about at once: growing the list a fact at a time cost
        // more than counting them.
        let most = outcomes.iter().map(|outcome| outcome.relevant_unknowns.len()).sum();
        let mut asked: Vec<(FactInstance, Vec<RuleId>)> = Vec::with_capacity(most);
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
    pub(super) fn asked_now(&self, instance: FactInstance, env: &mut Env) -> bool {
        let Some(condition) = self.vocabulary().fact(instance.fact).asked_when else { return true };
        env.start_bound(None);
        self.truth::<FactsRead, TheCase>(&Expr::Derived(condition), env) == Truth::True
    }

    /// Whether the question about `instance` waits: its fact comes `after` another that
    /// the case leaves unknown (for a field, the same item's).
    pub(super) fn waits(&self, instance: FactInstance) -> bool {
        let Some(after) = self.vocabulary().fact(instance.fact).after else { return false };
        let item = match self.vocabulary().fact(after).place {
            Place::Field { .. } => instance.item,
            Place::Case { .. } => None,
        };
        self.stored(FactInstance { fact: after, item }).is_none()
    }

    /// `change.date`, or `groups[1].needs` for a field of one item.
    pub(super) fn instance_path(&self, instance: FactInstance) -> String {
        let mut path = String::new();
        self.write_instance_path(&mut path, instance);
        path
    }

    /// Appends [`Self::instance_path`]'s text to `out`.
    pub(super) fn write_instance_path(&self, out: &mut String, instance: FactInstance) {
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
    pub(super) fn question(
        &self,
        instance: FactInstance,
        affects: Vec<RuleId>,
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
        let text = texts.open();
        match &fact.question {
            Some(question) => self.write_filled::<Nothing, TheCase>(text, question, env),
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
pub(super) struct Places(Option<HashMap<FactInstance, usize>>);

impl Places {
    /// Lists this long are searched; longer ones are mapped.
    const SEARCHED: usize = 32;

    /// Where `fact` is in `list`, if it is there.
    pub(super) fn find<T>(&self, list: &[(FactInstance, T)], fact: &FactInstance) -> Option<usize> {
        match &self.0 {
            Some(map) => map.get(fact).copied(),
            None => list.iter().position(|(listed, _)| listed == fact),
        }
    }

    /// Notes that `fact` is about to be pushed onto `list`.
    pub(super) fn add<T>(&mut self, list: &[(FactInstance, T)], fact: FactInstance) {
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

#[cfg(test)]
mod scale {
    use crate::RuleBase;
    use crate::eval::WORK;
    use crate::value::Date;

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
