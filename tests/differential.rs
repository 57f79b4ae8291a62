//! The engine against the reference evaluator (`accord::eval::reference`): on generated
//! rule bases and cases, with unknown facts, both must give the same outcome for every
//! rule and item, and the engine must ask about exactly the true-or-false and `one of`
//! facts that the reference finds, by trying every value, to change some advice (less
//! those the advice given reads, which the report does not ask about). Two generators: a
//! small one here, and the wider one of `generator/` (dates of any year and `as_of`,
//! durations, text, arithmetic, derived facts, lists), which reaches what `eval::flat`
//! specialises.
//!
//! These tests must not change the engine or the reference: they only compare them.

use std::fmt::Write as _;

use accord::eval::reference::{reference_outcomes, reference_questions};
use accord::rulebase::RuleId;
use accord::{Date, RuleBase, Truth};
use proptest::prelude::*;

mod common;
mod generator;

use common::rules::compile;
use common::seeds::config;

const VOCABULARY: &str = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"
fact a is true or false
  ask "a?"
fact b is true or false
  ask "b?"
fact kind is one of none, merger, restructure
  ask "kind?"
fact n is a number
  ask "n?"
fact d is a date
  ask "d?"
fact groups is a list of records
  ask "groups?"
fact groups[].name is text
  ask "name?"
fact groups[].needs is one of mild, complex
  ask "needs?"
fact groups[].pooled is true or false
  ask "pooled?"
"#;

/// A condition over the case-level facts (and, inside `for each g`, the item `g`).
fn condition(per_item: bool) -> impl Strategy<Value = String> {
    let mut leaves = vec![
        "a",
        "not b",
        "kind is merger",
        "kind in [none, restructure]",
        "kind is not none",
        "n > 3",
        "n + n > 3",
        "n + n - (n + n) is 0",
        "as_of is before d + 18 months",
        "d + 18 months is after 9999-12-31",
        "n is known",
        "a is unknown",
        "any x in groups where x.needs is complex",
        "all x in groups where x.pooled",
        "(count x in groups where x.pooled) >= 1",
        "count of groups == 0",
        "(highest x.needs for x in groups) is complex",
    ];
    if per_item {
        leaves.extend(["g.needs is complex", "g.pooled", "not g.pooled", "g.needs in [mild]"]);
    }
    let leaf = proptest::sample::select(leaves).prop_map(str::to_string);
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} and {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} or {y})")),
            inner.prop_map(|x| format!("not ({x})")),
        ]
    })
}

/// A rule base of one to four rules, some per group, some overriding earlier ones.
fn rule_base() -> impl Strategy<Value = String> {
    let rule = any::<bool>().prop_flat_map(|per_item| (Just(per_item), condition(per_item), any::<bool>()));
    proptest::collection::vec(rule, 1..5).prop_map(|rules| {
        let mut text = String::new();
        for (index, (per_item, condition, overrides)) in rules.iter().enumerate() {
            writeln!(text, "rule r{index}").expect("writing to a String");
            if *per_item {
                text.push_str("  for each g in groups\n");
            }
            writeln!(text, "  when {condition}").expect("writing to a String");
            if *overrides && index > 0 {
                writeln!(text, "  overrides r{}", index - 1).expect("writing to a String");
            }
            text.push_str("  note \"t\" \"x\"\n  cite s\n");
        }
        text
    })
}

/// A JSON value that is one of `known`, `null`, or absent (`None`).
fn maybe(known: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    let mut options: Vec<Option<String>> = known.iter().map(|k| Some(k.to_string())).collect();
    options.push(Some("null".to_string()));
    options.push(None);
    proptest::sample::select(options)
}

fn case() -> impl Strategy<Value = String> {
    let group =
        (maybe(&["\"mild\"", "\"complex\""]), maybe(&["true", "false"])).prop_map(|(needs, pooled)| {
            let fields: Vec<String> = [("needs", needs), ("pooled", pooled)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| format!("\"{k}\": {v}")))
                .collect();
            format!("{{{}}}", fields.join(", "))
        });
    let groups = prop_oneof![
        Just(None),
        proptest::collection::vec(group, 0..3).prop_map(|items| Some(format!("[{}]", items.join(", ")))),
    ];
    (
        maybe(&["true", "false"]),
        maybe(&["true", "false"]),
        maybe(&["\"none\"", "\"merger\"", "\"restructure\""]),
        // 1e308: sums of it pass the largest number, and are unknown in every evaluator.
        maybe(&["0", "5", "1e308"]),
        // 9999-06-01 + 18 months is past the calendar's end, and still a date.
        (maybe(&["\"2013-04-01\"", "\"9999-06-01\""]), groups),
    )
        .prop_map(|(a, b, kind, n, (d, groups))| {
            let fields: Vec<String> =
                [("a", a), ("b", b), ("kind", kind), ("n", n), ("d", d), ("groups", groups)]
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| format!("\"{k}\": {v}")))
                    .collect();
            format!("{{{}}}", fields.join(", "))
        })
}

/// Whether the engine agrees with the reference on `rules` (the text of `rule_base`) and
/// `case`: every outcome, and the questions about facts with few values.
fn engine_agrees(rules: &str, rule_base: &RuleBase, case: &str, as_of: Date) -> Result<(), TestCaseError> {
    let json: serde_json::Value = serde_json::from_str(case).expect("generated JSON");
    let parsed = generator::parse(rule_base, case);

    let engine: Vec<(RuleId, Option<usize>, Truth, bool)> = rule_base
        .evaluate(&parsed, as_of)
        .into_iter()
        .map(|o| (o.rule, o.item, o.truth, o.overridden_by.is_some()))
        .collect();
    prop_assert_eq!(
        engine,
        reference_outcomes(rule_base, &json, as_of),
        "rules:\n{}\ncase: {}\nas of {}",
        rules,
        case,
        as_of
    );

    // Questions about true-or-false and `one of` facts: exactly the reference's.
    let mut asked: Vec<String> = rule_base
        .advise(&parsed, as_of)
        .questions
        .into_iter()
        .map(|q| q.fact)
        .filter(|f| generator::has_few_values(rule_base, f))
        .collect();
    asked.sort();
    // Less the facts that the advice given reads (a rule firing on `a is unknown`).
    let read = rule_base.unknowns_read_by_advice(&parsed, as_of);
    let mut expected = reference_questions(rule_base, &json, as_of);
    expected.retain(|fact| !read.contains(fact));
    prop_assert_eq!(asked, expected, "rules:\n{}\ncase: {}\nas of {}", rules, case, as_of);
    Ok(())
}

/// Every test and hole the wider generator may write checks (proptest may not draw them
/// all in a run).
#[test]
fn every_choice_of_the_generator_checks() {
    let rules = generator::every_choice();
    let rule_base = compile(generator::VOCABULARY, &rules);
    assert!(rule_base.rules().len() > 80, "{rules}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_reference(rules in rule_base(), case in case()) {
        let rule_base = compile(VOCABULARY, &rules);
        engine_agrees(&rules, &rule_base, &case, Date::parse("2013-09-01").expect("a valid date"))?;
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// The same on the wider generator: dates of any year and `as_of`, durations and date
    /// arithmetic, text, number arithmetic, derived facts, lists, texts that show values.
    #[test]
    fn the_engine_agrees_with_the_reference_on_every_kind_of_fact(
        rules in generator::rule_base(),
        case in generator::case(),
        as_of in generator::as_of(),
    ) {
        let rule_base = compile(generator::VOCABULARY, &rules);
        engine_agrees(&rules, &rule_base, &case, as_of)?;
    }
}
