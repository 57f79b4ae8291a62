//! The planner: works out the evaluation plan (what evaluating any case needs to know about
//! the rules: where each fact's value is, which rules test presence or override others,
//! each condition flattened) once the rules are checked. The plan's types are the rule
//! base's (`rulebase::plan`), which holds it. Must not evaluate a case.

use crate::rulebase::{
    EvaluationPlan, Fact, FactPlan, FlatCondition, Place, RuleBase, RulePlan, Type, Vocabulary,
};

/// Works out the evaluation plan of a checked rule base whose rules are final. Run once, by
/// [`crate::RuleFiles::compile`], after the syntax trees are dropped and the rule base is
/// finished ([`RuleBase::finish`]): the plan and the trees need not take room at once.
pub(crate) fn plan_of(rule_base: &RuleBase) -> EvaluationPlan {
    // Marked in one pass over the overrides: asking each rule whether any other
    // overrides it would make planning quadratic in the number of rules.
    let mut overridden = vec![false; rule_base.rules.len()];
    for &target in rule_base.rules.iter().flat_map(|rule| &rule.overrides) {
        overridden[target.0] = true;
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
    for (index, rule) in rule_base.rule_ids().zip(&rule_base.rules) {
        for &target in &rule.overrides {
            overriders[target.0].push(index);
        }
    }
    EvaluationPlan { rules, any_overrides, facts, conditions, item_lists, overriders }
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
