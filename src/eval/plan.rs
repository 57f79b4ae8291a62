//! The evaluation plan: what evaluating any case needs to know about the rules, worked out
//! once when the rule base is finished (where each fact's value is, which rules test
//! presence or override others, each condition flattened). Must not evaluate a case.

use super::FlatCondition;
use crate::rulebase::{Fact, FactId, Place, RuleBase, Type, Vocabulary};

/// What the evaluator needs to know about the rules for every case, worked out once the
/// rules are checked (see [`RuleBase::finish`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct EvaluationPlan {
    /// For each rule, in rule order.
    pub rules: Vec<RulePlan>,
    /// Whether any rule overrides another.
    pub any_overrides: bool,
    /// For each fact, in declaration order.
    pub facts: Vec<FactPlan>,
    /// For each rule, its condition flattened (see [`FlatCondition`]).
    pub conditions: Vec<FlatCondition>,
    /// The list of each `for each` rule, in rule order: counting a case's outcomes
    /// looks only at these.
    pub item_lists: Vec<FactId>,
    /// For each rule, the rules that override it, in rule order.
    pub overriders: Vec<Vec<usize>>,
}

/// Where the evaluator finds a fact's value, with the slots resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FactPlan {
    /// The slot of a case-level fact, or of the list whose items hold the fact.
    pub case_slot: usize,
    /// For a field of the items of a list, its slot in each record.
    pub field_slot: Option<usize>,
    /// Whether the fact is a list of records.
    pub records: bool,
}

/// What the evaluator needs to know about one rule.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RulePlan {
    /// Whether its condition tests whether a fact is known (directly or in a derived
    /// fact): only then can answering an unknown fact change a decided condition.
    pub tests_presence: bool,
    /// Whether it overrides another rule or is overridden by one.
    pub linked: bool,
    /// Whether another rule overrides it.
    pub overridden: bool,
}

impl RuleBase {
    /// Makes a checked rule base ready to read cases and advise: marks the facts in use
    /// (a case keeps only their values), notes whether the vocabulary's names are plain
    /// (for the fast case reader), and works out the evaluation plan. Called once, by
    /// [`crate::RuleFiles::compile`], after the syntax trees are dropped: the plan and the
    /// trees need not take room at once.
    pub(crate) fn finish(&mut self) {
        self.mark_facts_in_use();
        self.vocabulary.note_plain_names();
        self.plan = EvaluationPlan::of(self);
    }
}

impl EvaluationPlan {
    /// Works out the plan of a rule base whose rules are final.
    fn of(rule_base: &RuleBase) -> EvaluationPlan {
        // Marked in one pass over the overrides: asking each rule whether any other
        // overrides it would make planning quadratic in the number of rules.
        let mut overridden = vec![false; rule_base.rules.len()];
        for &target in rule_base.rules.iter().flat_map(|rule| &rule.overrides) {
            overridden[target] = true;
        }
        let rules = (0..rule_base.rules.len())
            .map(|index| RulePlan {
                tests_presence: rule_base.rules[index].condition.tests_presence(&rule_base.definitions),
                linked: !rule_base.rules[index].overrides.is_empty() || overridden[index],
                overridden: overridden[index],
            })
            .collect();
        let any_overrides = rule_base.rules.iter().any(|rule| !rule.overrides.is_empty());
        let facts: Vec<FactPlan> =
            rule_base.vocabulary.facts.iter().map(|fact| fact_plan(&rule_base.vocabulary, fact)).collect();
        let conditions = rule_base
            .rules
            .iter()
            .map(|rule| FlatCondition::of(&rule.condition, rule.for_each.is_some(), &facts))
            .collect();
        let item_lists = rule_base.rules.iter().filter_map(|rule| rule.for_each).collect();
        let mut overriders = vec![Vec::new(); rule_base.rules.len()];
        for (index, rule) in rule_base.rules.iter().enumerate() {
            for &target in &rule.overrides {
                overriders[target].push(index);
            }
        }
        EvaluationPlan { rules, any_overrides, facts, conditions, item_lists, overriders }
    }
}

/// Where the evaluator finds `fact`'s value.
fn fact_plan(vocabulary: &Vocabulary, fact: &Fact) -> FactPlan {
    let (case_slot, field_slot) = match fact.place {
        Place::Case { slot } => (slot, None),
        Place::Field { list, slot } => match vocabulary.fact(list).place {
            Place::Case { slot: list_slot } => (list_slot, Some(slot)),
            Place::Field { .. } => unreachable!("lists of records are case-level facts"),
        },
    };
    FactPlan { case_slot, field_slot, records: matches!(fact.ty, Type::Records(_)) }
}
