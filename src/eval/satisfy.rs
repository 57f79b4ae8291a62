//! Searching for a case: does some case make these rules fire (together), and which? The
//! checker's static analysis asks this to find rules that can never fire, advice declared
//! contradictory that can be given together, and overrides that can never apply.
//!
//! The search starts from a case in which every fact is unknown (and each list of records
//! has two items whose fields are unknown), then gives values to the unknown facts the
//! conditions read, one at a time. Three-valued logic makes the pruning sound: once a
//! condition is false with some facts still unknown, no value of those facts makes it
//! true. Values are drawn from each fact's type and the rules' own constants, so "can never
//! fire" is exact for true-or-false and `one of` facts, and a close approximation for
//! numbers, dates and text.

use super::candidates::constants_in;
use super::recorder::FactsRead;
use super::search::{State, Step, Stopped, Strategy, first_found};
use super::source::Searching;
use super::{Env, Evaluator, Hypothesis, Truth};
use std::borrow::Cow;

use super::FactInstance;
use crate::case::Case;
use crate::rulebase::{FactId, Place, RuleBase, RuleId, Type};
use crate::value::{Date, Value};
use crate::value::{Duration, DurationUnit};

/// A case found by the search: the facts it gives, as path and value.
#[derive(Clone, Debug, PartialEq)]
pub struct Witness {
    /// Fact path (`groups[0].needs`) and value, in the order the search set them.
    pub facts: Vec<(String, String)>,
}

/// The result of a search.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    /// A case in which the rules fire.
    Found(Witness),
    /// No case among those tried: for true-or-false and `one of` facts, none at all.
    Impossible,
    /// The search stopped before finishing.
    GaveUp,
}

/// How many evaluations one search may make.
const BUDGET: usize = 20_000;

/// How much work one search may do in all its evaluations, in facts read and items of
/// lists visited. Past it the search gives up: a condition of quantifiers nested 25 deep
/// evaluates its body 2^25 times in each case tried, and recorded a read each time (a
/// 776-byte rule file made `check` ask for 2 GB and abort). It bounds time (about a
/// second in a debug build) and memory (at most this many reads held, some 50 MB); the
/// searches of the shipped rules use at most about 70,000.
const WORK: usize = 2_000_000;

/// How many items each list of records has in the cases searched.
const ITEMS: usize = 2;

impl RuleBase {
    /// Searches for a case in which all of `rules` fire (a `for each` rule for the first
    /// item of its list), leaving the facts in `keep_unknown` unknown. Gives up past a
    /// budget of cases tried ([`BUDGET`]) and of work ([`WORK`]).
    pub fn find_case_where(&self, rules: &[RuleId], keep_unknown: &[FactId]) -> Search {
        let case = self.unknown_case(keep_unknown);
        let mut constants = Vec::new();
        let mut seen = Vec::new();
        for &rule in rules {
            constants_in(&self.rule(rule).condition, &self.definitions, &mut seen, &mut constants);
        }
        // One budget for every assessment date tried: a rule naming many dates makes no
        // longer a search.
        let (mut budget, mut work) = (BUDGET, WORK);
        for as_of in assessment_dates(&constants) {
            let evaluator = Evaluator::new(self, &case, as_of);
            let mut search = Searcher {
                evaluator: &evaluator,
                rules,
                keep_unknown,
                constants: &constants,
                budget,
                work,
                env: Env::default(),
            };
            let found = first_found(&mut search, &mut State::default());
            (budget, work) = (search.budget, search.work);
            match found {
                Ok(Some(assumed)) => {
                    let facts = assumed
                        .iter()
                        .map(|(fact, value)| {
                            (evaluator.instance_path(*fact), evaluator.show_value(fact.fact, value))
                        })
                        .collect();
                    return Search::Found(Witness { facts });
                }
                Ok(None) => {}
                Err(Stopped) => return Search::GaveUp,
            }
        }
        Search::Impossible
    }

    /// A case with every fact unknown, except that each list of records (but those to be
    /// kept unknown) has [`ITEMS`] items.
    fn unknown_case(&self, keep_unknown: &[FactId]) -> Case {
        let mut values = vec![None; self.vocabulary.case_slots];
        for (index, fact) in self.vocabulary.facts.iter().enumerate() {
            if keep_unknown.contains(&FactId(index)) {
                continue;
            }
            if let (Type::Records(record), Place::Case { slot }) = (&fact.ty, fact.place) {
                values[slot] = Some(Value::Records(vec![vec![None; record.slots]; ITEMS]));
            }
        }
        Case { name: None, id: None, assessed_on: None, values }
    }
}

/// The assessment dates a search tries, in order: a fixed date, around which the candidate
/// dates of facts are drawn, then the day before, of and after each date the conditions
/// name, so that a condition such as `as_of is on or after 2013-04-01` can be met.
fn assessment_dates(constants: &[Value]) -> Vec<Date> {
    let day = |n| Duration { amount: n, unit: DurationUnit::Days };
    let mut dates = vec![Date::new(2013, 1, 1).expect("a real date")];
    for constant in constants {
        if let Value::Date(date) = constant {
            for candidate in [date.plus(day(-1)), Some(*date), date.plus(day(1))].into_iter().flatten() {
                if !dates.contains(&candidate) {
                    dates.push(candidate);
                }
            }
        }
    }
    dates
}

struct Searcher<'s, 'a> {
    evaluator: &'s Evaluator<'a>,
    rules: &'s [RuleId],
    keep_unknown: &'s [FactId],
    constants: &'s [Value],
    /// Evaluations left.
    budget: usize,
    /// Work left, across evaluations (see [`WORK`]).
    work: usize,
    /// The state of the last evaluation, whose buffers the next reuses: a search makes
    /// thousands, each of a few reads.
    env: Env,
}

impl<'c> Strategy<'c> for Searcher<'_, '_> {
    /// Found once every rule fires, dead once one cannot; else the first unknown fact
    /// read that may be given a value is tried with each candidate value, then left
    /// unknown.
    fn step(&mut self, state: &State) -> Result<Step<'c>, Stopped> {
        self.budget = self.budget.checked_sub(1).ok_or(Stopped)?;
        let mut next_unknown = None;
        let mut all_true = true;
        let keep_unknown = self.keep_unknown;
        for &index in self.rules {
            let rule = self.evaluator.rule_base.rule(index);
            let env = &mut self.env;
            let (mut values, mut settled_unknown, mut never_given) = match env.hypothesis.take() {
                Some(Hypothesis::Search { values, settled_unknown, never_given }) => {
                    (values, settled_unknown, never_given)
                }
                _ => (Vec::new(), Vec::new(), Vec::new()),
            };
            env.start(rule, rule.for_each.map(|_| 0));
            values.clone_from(&state.values);
            settled_unknown.clone_from(&state.settled);
            never_given.clear();
            never_given.extend_from_slice(self.keep_unknown);
            env.hypothesis = Some(Hypothesis::Search { values, settled_unknown, never_given });
            env.work_left = Some(self.work);
            let truth = self.evaluator.truth::<FactsRead, Searching>(&rule.condition, env);
            self.work = env.work_left.unwrap_or(0);
            if env.out_of_work {
                return Err(Stopped);
            }
            match truth {
                Truth::False => return Ok(Step::Dead),
                Truth::True => {}
                Truth::Unknown => {
                    all_true = false;
                    if next_unknown.is_none() {
                        next_unknown = env
                            .reads
                            .iter()
                            .find(|(fact, known)| {
                                !known && assignable(keep_unknown, *fact) && !state.settled.contains(fact)
                            })
                            .map(|(f, _)| *f);
                    }
                }
            }
        }
        if all_true {
            return Ok(Step::Found);
        }
        let Some(fact) = next_unknown else { return Ok(Step::Dead) };
        let values = self.evaluator.candidate_values(fact, self.constants);
        Ok(Step::Extend { choices: Cow::Owned(vec![(fact, values)]), from: 0, settle: true })
    }
}

/// Whether the search may give `fact` a value: not if it is to be kept unknown.
fn assignable(keep_unknown: &[FactId], fact: FactInstance) -> bool {
    !keep_unknown.contains(&fact.fact)
}
