//! Every rule's outcome for a case: the flat conditions evaluated per rule (and per item),
//! overrides resolved, and the unknown facts some value of which could change each
//! outcome. Must not write texts: the advice and questions are filled in elsewhere.

use std::ops::Range;

use super::recorder::{FactsRead, Nothing};
use super::source::{Assuming, TheCase};
use super::{Env, Evaluator, Hypothesis, MAX_FORCED_ATOMS, Truth, enum_values, flat, work};
use crate::case::Case;
use crate::rulebase::{FactId, Rule, RuleBase, RuleId, Type};
use crate::value::{Date, Value};

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
    /// The rule.
    pub rule: RuleId,
    /// For `for each` rules, the item.
    pub item: Option<usize>,
    /// Whether the condition holds.
    pub truth: Truth,
    /// For an unknown outcome: the unknown facts some value of which would decide it.
    pub relevant_unknowns: Vec<FactInstance>,
    /// The rule whose advice replaces this one's: set when a rule that overrides this one
    /// fired (for the same item) and this one's condition is not false.
    pub overridden_by: Option<RuleId>,
}

impl Outcome {
    /// Whether this outcome gives advice: fired, and not overridden.
    pub fn gives_advice(&self) -> bool {
        self.truth == Truth::True && self.overridden_by.is_none()
    }
}

impl RuleBase {
    /// The outcome of every rule (per item for `for each` rules), in rule order. Each call
    /// starts with empty buffers: to evaluate many cases, use an
    /// [`Advisor`](crate::eval::Advisor) ([`RuleBase::advisor`]).
    pub fn evaluate(&self, case: &Case, as_of: Date) -> Vec<Outcome> {
        self.advisor().evaluate(case, as_of)
    }

    /// The rules that give advice for a case, each once, in rule order: what batch runs
    /// print, computed without working out questions. Each call starts with empty buffers:
    /// to evaluate many cases, use an [`Advisor`](crate::eval::Advisor) ([`RuleBase::advisor`]).
    pub fn fired_rules(&self, case: &Case, as_of: Date) -> Vec<RuleId> {
        self.advisor().fired_rules(case, as_of)
    }

    /// [`RuleBase::fired_rules`], evaluated with the buffers of `scratch`.
    pub(super) fn fired_rules_in(&self, case: &Case, as_of: Date, scratch: &mut Scratch) -> Vec<RuleId> {
        let evaluator = Evaluator::new(self, case, as_of);
        if !self.plan.any_overrides {
            // Every rule that fires gives advice: no outcome needs keeping.
            let env = &mut scratch.env;
            return self.rule_ids().filter(|&rule| evaluator.fires(rule, env)).collect();
        }
        let mut fired: Vec<RuleId> = self
            .outcomes_in(&evaluator, false, scratch)
            .into_iter()
            .filter(Outcome::gives_advice)
            .map(|o| o.rule)
            .collect();
        fired.dedup();
        fired
    }

    /// Every rule's outcome, evaluated with the buffers of `scratch`; `with_questions` also
    /// finds the unknown facts that matter.
    pub(super) fn outcomes_in(
        &self,
        evaluator: &Evaluator<'_>,
        with_questions: bool,
        scratch: &mut Scratch,
    ) -> Vec<Outcome> {
        // One outcome per rule, or per item for `for each` rules whose list is known.
        let lists = &self.plan.item_lists;
        let items: usize = lists.iter().map(|list| evaluator.items_of(*list).unwrap_or(1)).sum();
        let mut outcomes = Vec::with_capacity(self.rules.len() - lists.len() + items);
        for (index, rule) in self.rule_ids().zip(&self.rules) {
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
            && outcomes.iter().any(|o| !o.relevant_unknowns.is_empty() && self.plan.rules[o.rule.0].linked);
        // Which linked outcomes each unknown fact could change, noted before overridden
        // outcomes forget their facts: only those are evaluated again under a hypothesis
        // about it (every linked outcome was, for every fact: quadratic in the items).
        let mut readers = std::mem::take(&mut scratch.readers);
        readers.clear();
        if linked_asks {
            for (index, outcome) in outcomes.iter().enumerate() {
                if self.plan.rules[outcome.rule.0].linked {
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
            for outcome in outcomes.iter_mut().filter(|o| self.plan.rules[o.rule.0].linked) {
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
        let linked = asked.outcomes.iter().filter(|o| self.plan.rules[o.rule.0].linked);
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
                _ => Value::Enum(u32::try_from(i).unwrap_or(u32::MAX)),
            };
            let Scratch { probe, leaf_truths, .. } = scratch;
            for &at in readers {
                let outcome = &asked.outcomes[at];
                let rule = self.rule(outcome.rule);
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
                || self.rule(changed.rule).overrides.iter().any(|&target| {
                    match self.same_list_outcome(outcomes, index, target, changed) {
                        Some(Some(other)) => differs(other),
                        Some(None) => false,
                        None => index.ranges[target.0].clone().any(differs),
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
            if !self.plan.rules[outcomes[at].rule.0].overridden {
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
            if self.rule(outcome.rule).overrides.is_empty() {
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
    ) -> Option<RuleId> {
        let overridden = &outcomes[at];
        work(self.plan.overriders[overridden.rule.0].len());
        self.plan.overriders[overridden.rule.0].iter().copied().find(|&rule| {
            match self.same_list_outcome(outcomes, index, rule, overridden) {
                Some(Some(other)) => truth(other) == Truth::True,
                Some(None) => false,
                None => index.fired[rule.0] > 0,
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
        rule: RuleId,
        other: &Outcome,
    ) -> Option<Option<usize>> {
        let list = self.rule(rule).for_each;
        if list.is_none() || list != self.rule(other.rule).for_each {
            return None;
        }
        let range = index.ranges[rule.0].clone();
        let at = range.start + other.item.unwrap_or(0);
        Some((range.contains(&at) && outcomes[at].item == other.item).then_some(at))
    }
}

/// What [`RuleBase::questions_that_change_advice`] looks at: the outcomes, which are
/// overridden, and which linked outcomes each unknown fact could change, sorted by fact.
#[derive(Clone, Copy)]
pub(super) struct Asked<'o> {
    pub(super) outcomes: &'o [Outcome],
    pub(super) blocked: &'o [bool],
    pub(super) readers: &'o [(FactInstance, usize)],
}

/// Where each rule's outcomes are among a case's, and how many of them fire: found once
/// per case, so that overrides are resolved without comparing every pair of outcomes.
#[derive(Default)]
pub(super) struct OverrideIndex {
    /// Each rule's outcomes, by rule: one per item for `for each` rules, in rule order.
    pub(super) ranges: Vec<Range<usize>>,
    /// How many of each rule's outcomes fire.
    pub(super) fired: Vec<usize>,
}

impl OverrideIndex {
    pub(super) fn fill(&mut self, rule_base: &RuleBase, outcomes: &[Outcome]) {
        let rules = rule_base.rules.len();
        self.ranges.clear();
        self.ranges.resize(rules, 0..0);
        self.fired.clear();
        self.fired.resize(rules, 0);
        let mut start = 0;
        while start < outcomes.len() {
            let rule = outcomes[start].rule;
            let end = start + outcomes[start..].iter().take_while(|o| o.rule == rule).count();
            self.ranges[rule.0] = start..end;
            self.fired[rule.0] = outcomes[start..end].iter().filter(|o| o.truth == Truth::True).count();
            start = end;
        }
    }

    /// Whether some rule that overrides others fires.
    pub(super) fn overrider_fires(&self, rule_base: &RuleBase) -> bool {
        self.fired.iter().zip(&rule_base.rules).any(|(&fired, rule)| fired > 0 && !rule.overrides.is_empty())
    }
}

/// The outcomes' truths under a hypothesis: those of the case, with the few it changes.
pub(super) struct Hypothetical {
    pub(super) truths: Vec<Truth>,
    /// The outcomes whose truth it changes.
    pub(super) changed: Vec<usize>,
}

impl Hypothetical {
    pub(super) fn new(outcomes: &[Outcome]) -> Hypothetical {
        Hypothetical { truths: outcomes.iter().map(|o| o.truth).collect(), changed: Vec::new() }
    }

    /// Outcome `at` (`outcome`) has `truth` under the hypothesis; `index` counts what fires.
    pub(super) fn change(&mut self, at: usize, outcome: &Outcome, truth: Truth, index: &mut OverrideIndex) {
        self.truths[at] = truth;
        self.changed.push(at);
        if let Some(fired) = index.fired.get_mut(outcome.rule.0) {
            match (outcome.truth, truth) {
                (Truth::True, _) => *fired -= 1,
                (_, Truth::True) => *fired += 1,
                _ => {}
            }
        }
    }

    /// Back to the case's truths.
    pub(super) fn undo(&mut self, outcomes: &[Outcome], index: &mut OverrideIndex) {
        for at in self.changed.drain(..) {
            let (outcome, truth) = (&outcomes[at], self.truths[at]);
            if let Some(fired) = index.fired.get_mut(outcome.rule.0) {
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
pub(super) fn shows(truth: Truth, blocked: bool) -> u8 {
    match (truth, blocked) {
        (_, true) | (Truth::False, _) => 0,
        (Truth::Unknown, false) => 1,
        (Truth::True, false) => 2,
    }
}

/// Buffers reused from one rule's evaluation to the next, and from one case to the next,
/// so that evaluating a case allocates little beyond its outcomes. Every use starts by
/// clearing what it uses: nothing of one case's evaluation is read in the next.
#[derive(Default)]
pub(super) struct Scratch {
    /// Which outcomes are overridden.
    pub(super) outcomes_blocked: Vec<bool>,
    /// For each rule's own evaluation.
    pub(super) env: Env,
    /// For evaluations under a hypothesis.
    pub(super) probe: Env,
    /// Where each rule's outcomes are, and how many fire, for resolving overrides.
    pub(super) overrides: OverrideIndex,
    /// Each unknown fact a linked outcome could change, with that outcome, sorted.
    pub(super) readers: Vec<(FactInstance, usize)>,
    /// For rules with flat conditions.
    pub(super) flat: flat::FlatScratch,
    /// Leaf truths of a flat condition under a hypothesis, for the linked rules.
    pub(super) leaf_truths: Vec<Truth>,
}

impl<'a> Evaluator<'a> {
    /// Whether a rule's condition holds (for some item, for `for each` rules).
    pub(super) fn fires(&self, rule: RuleId, env: &mut Env) -> bool {
        let rule = self.rule_base.rule(rule);
        let mut holds = |item| self.quick_truth(rule, item, env) == Truth::True;
        match rule.for_each.map(|list| self.items_of(list)) {
            None => holds(None),
            Some(len) => (0..len.unwrap_or(0)).any(|item| holds(Some(item))),
        }
    }

    /// Adds to `outcomes` a rule's outcome (for `item`), with the unknown facts that
    /// matter when `with_questions`. Pushed here, not returned: the outcome is then built
    /// in its place, not built and copied.
    pub(super) fn push_outcome(
        &self,
        (rule, item): (RuleId, Option<usize>),
        with_questions: bool,
        scratch: &mut Scratch,
        outcomes: &mut Vec<Outcome>,
    ) {
        let condition = &self.rule_base.plan.conditions[rule.0];
        outcomes.push(self.flat_outcome(rule, item, condition, with_questions, scratch));
    }

    /// Whether some value of `fact` changes the rule's condition from `now`: decides it
    /// when it is unknown, or (through `is known` tests) flips it when it is decided.
    pub(super) fn could_change(
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
    pub(super) fn some_value_gives(
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
                enum_values(values.len()).any(|value| decided(Hypothesis::Given(fact, value), probe))
            }
            Type::Records(_) => decided(Hypothesis::Given(fact, Value::Records(Vec::new())), probe),
            Type::Text | Type::Number | Type::Date | Type::TextList => {
                // Find the atoms that read the fact (evaluating every part of the condition),
                // then try every combination of their truths.
                probe.start(rule, item);
                probe.hypothesis = Some(Hypothesis::Atoms(fact, Vec::new()));
                self.truth::<FactsRead, Assuming>(&rule.condition, probe);
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
    pub(super) fn truth_under(
        &self,
        rule: &Rule,
        item: Option<usize>,
        hypothesis: Hypothesis,
        env: &mut Env,
    ) -> Truth {
        env.start(rule, item);
        env.hypothesis = Some(hypothesis);
        self.truth::<Nothing, Assuming>(&rule.condition, env)
    }

    /// The truth of rule `rule`'s condition (for `item`) with `fact` given `value`.
    pub(super) fn truth_given(
        &self,
        rule: RuleId,
        item: Option<usize>,
        (fact, value): (FactInstance, &Value),
        probe: &mut Env,
        leaf_truths: &mut Vec<Truth>,
    ) -> Truth {
        work(1);
        let condition = &self.rule_base.plan.conditions[rule.0];
        let rule = self.rule_base.rule(rule);
        self.flat_truth_given(rule, item, condition, (fact, value), probe, leaf_truths)
    }

    /// The truth of a rule's condition (for `item`), evaluated in `env` as quickly as may
    /// be: recording no reads.
    pub(super) fn quick_truth(&self, rule: &Rule, item: Option<usize>, env: &mut Env) -> Truth {
        env.start(rule, item);
        self.truth::<Nothing, TheCase>(&rule.condition, env)
    }
}
