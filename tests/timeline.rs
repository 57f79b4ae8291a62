//! The timeline of a report: the dates of the `event` and `period` clauses of the rules
//! that give advice, worked out for the case, each once, in order of date; and how the
//! language refuses timelines that are not dates.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod common;

use accord::report::{TimelineEntry, When};
use accord::{Date, RuleFiles};
use common::rules::{FACT_KIND, FACTS_GROUPS, SOURCE_S, compile_for_good};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn advise(rules: &'static accord::RuleBase, case: &str, as_of: &str) -> Vec<TimelineEntry<'static>> {
    let case = accord::parse_case("case.json", case, rules.vocabulary()).unwrap();
    rules.advise(&case, date(as_of)).timeline
}

const DATED: &str = "fact start is a date\n  ask \"When does it start?\"\n";

#[test]
fn the_shipped_merger_rules_draw_the_decision_the_merger_the_stall_and_the_after_effects() {
    let rules: &'static accord::RuleBase =
        Box::leak(Box::new(RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")));
    let case = std::fs::read_to_string("fixtures/01-shire-integrated-care.json").unwrap();
    let timeline = advise(rules, &case, "2013-09-01");
    let entries: Vec<(&str, When)> = timeline.iter().map(|e| (e.label, e.when)).collect();
    assert_eq!(
        entries,
        [
            ("Decision to merge", When::On(date("2012-10-15"))),
            ("Merger takes effect", When::On(date("2013-04-01"))),
            (
                "Possible stall in service development",
                When::Period { from: date("2013-04-01"), to: date("2014-10-01"), at_least: true }
            ),
            (
                "Possible after-effects",
                When::Period { from: date("2013-04-01"), to: date("2016-04-01"), at_least: true }
            ),
        ]
    );
}

#[test]
fn a_case_without_a_merger_has_no_timeline() {
    let rules: &'static accord::RuleBase =
        Box::leak(Box::new(RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")));
    let case = std::fs::read_to_string("fixtures/08-stanmere-no-change-well-matched.json").unwrap();
    assert!(advise(rules, &case, "2013-09-01").is_empty());
}

/// The window is the rule base's, not the renderer's: a rule of 24 months gives 24 months.
#[test]
fn the_length_of_a_period_is_the_rules() {
    let vocabulary = format!("{SOURCE_S}{DATED}");
    let rules = compile_for_good(
        &vocabulary,
        "rule r\n  when start is before as_of\n  note \"t\" \"x\"\n  period \"Stall\" from start to at least start + 24 months\n  cite s\n",
    );
    let timeline = advise(rules, r#"{"start": "2020-01-15"}"#, "2021-01-01");
    assert_eq!(
        timeline.iter().map(|e| e.when).collect::<Vec<_>>(),
        [When::Period { from: date("2020-01-15"), to: date("2022-01-15"), at_least: true }]
    );
}

#[test]
fn only_rules_that_give_advice_draw_and_each_entry_once_in_order_of_date() {
    let vocabulary = format!("{SOURCE_S}{DATED}{FACT_KIND}");
    let rules = compile_for_good(
        &vocabulary,
        "rule later\n  when kind is merger\n  note \"t\" \"x\"\n  event \"Review\" on start + 1 year\n  event \"Start\" on start\n  cite s\n\
         rule same\n  when kind is merger\n  note \"u\" \"y\"\n  event \"Start\" on start\n  period \"Run\" from start to start + 6 months\n  cite s\n\
         rule silent\n  when kind is none\n  note \"v\" \"z\"\n  event \"Never\" on start\n  cite s\n",
    );
    let timeline = advise(rules, r#"{"start": "2020-01-01", "kind": "merger"}"#, "2020-06-01");
    let entries: Vec<(&str, When)> = timeline.iter().map(|e| (e.label, e.when)).collect();
    assert_eq!(
        entries,
        [
            ("Start", When::On(date("2020-01-01"))),
            ("Run", When::Period { from: date("2020-01-01"), to: date("2020-07-01"), at_least: false }),
            ("Review", When::On(date("2021-01-01"))),
        ]
    );
}

#[test]
fn an_entry_whose_date_is_unknown_is_left_out() {
    let vocabulary = format!("{SOURCE_S}{DATED}{FACT_KIND}");
    let rules = compile_for_good(
        &vocabulary,
        "rule r\n  when kind is merger\n  note \"t\" \"x\"\n  event \"Start\" on start\n  event \"Today\" on as_of\n  cite s\n",
    );
    let timeline = advise(rules, r#"{"kind": "merger"}"#, "2020-06-01");
    assert_eq!(timeline.iter().map(|e| e.label).collect::<Vec<_>>(), ["Today"]);
}

#[test]
fn a_for_each_rule_draws_each_items_dates() {
    let vocabulary =
        format!("{SOURCE_S}{FACTS_GROUPS}fact groups[].since is a date\n  ask \"Since when?\"\n");
    let rules = compile_for_good(
        &vocabulary,
        "rule r\n  for each group in groups\n  when group.needs is complex\n  note \"t\" \"x\"\n  event \"Joined\" on group.since\n  cite s\n",
    );
    let case = r#"{"groups": [{"name": "a", "needs": "complex", "since": "2019-03-01"},
                               {"name": "b", "needs": "mild", "since": "2018-01-01"},
                               {"name": "c", "needs": "complex", "since": "2017-05-01"}]}"#;
    let timeline = advise(rules, case, "2020-06-01");
    assert_eq!(
        timeline.iter().map(|e| e.when).collect::<Vec<_>>(),
        [When::On(date("2017-05-01")), When::On(date("2019-03-01"))]
    );
}

fn diagnostics(rules: &str) -> Vec<String> {
    let vocabulary = format!("{SOURCE_S}{DATED}{FACT_KIND}");
    let files =
        vec![("vocabulary.accord".to_string(), vocabulary), ("rules.accord".to_string(), rules.to_string())];
    let compiled = RuleFiles::from_texts(files).compile();
    compiled.diagnostics.iter().map(|d| format!("{}: {}", d.code, d.message)).collect()
}

#[test]
fn a_timeline_date_must_be_a_date() {
    let found = diagnostics(
        "rule r\n  when kind is merger\n  note \"t\" \"x\"\n  period \"P\" from start to kind\n  cite s\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("E0204: expected a date, found"), "{found:?}");
}

#[test]
fn an_event_needs_on_and_a_period_needs_from_and_to() {
    for clause in
        ["event \"E\" start", "period \"P\" start to start", "period \"P\" from start start", "event start"]
    {
        let rules = format!("rule r\n  when kind is merger\n  note \"t\" \"x\"\n  {clause}\n  cite s\n");
        let found = diagnostics(&rules);
        assert!(!found.is_empty() && found[0].starts_with("E01"), "{clause}: {found:?}");
    }
}

/// A fact read only by a timeline is read: the case keeps its value, and the checker does
/// not call it unread (W0304), though it cannot be asked about (W0305).
#[test]
fn a_fact_only_a_timeline_reads_is_read() {
    let rules = format!(
        "{SOURCE_S}{FACT_KIND}fact review is a date\n  ask \"When is the review?\"\nrule r\n  when kind is merger\n  note \"t\" \"x\"\n  event \"Review\" on review\n  cite s\n"
    );
    let found: Vec<String> = diagnostics_of(&rules);
    assert!(found.iter().all(|d| !d.starts_with("W0304")), "{found:?}");
    assert!(found.iter().any(|d| d.starts_with("W0305")), "{found:?}");
}

/// The warnings of `accord check`'s analysis of a rule base that checks.
fn diagnostics_of(rules: &str) -> Vec<String> {
    let compiled = RuleFiles::from_texts(vec![("rules.accord".to_string(), rules.to_string())]).compile();
    let rule_base = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    accord::lint::lint(&rule_base).warnings.iter().map(|d| format!("{}: {}", d.code, d.message)).collect()
}
