//! Priorities, ranks and the order of questions, on small rule bases: advice in priority
//! order, the text report's summary, questions weighted by the priorities of the rules
//! they could change, questions that wait for another fact, and questions the advice
//! already rests on. One case per line: the rules, the case, what should happen.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::fmt::Write as _;

use accord::report::{self, AdviceWriter};
use accord::{Date, Report, RuleBase, RuleFiles};

mod common;

use common::rules::{FACT_C, FACTS_A_B, FACTS_GROUPS, SOURCE_S, compile_for_good};

/// The facts of this file's rules: the shared ones, text, lists of text and whether a
/// group's funding is pooled; two questions wait for another fact.
fn vocabulary() -> String {
    [
        SOURCE_S,
        FACTS_A_B,
        FACT_C,
        "fact why is text\n  ask \"Why?\"\n",
        "fact outcomes is a list of text\n  ask \"What outcomes?\"\n",
        "fact measures is a list of text\n  ask \"What measures?\"\n  after outcomes\n",
        FACTS_GROUPS,
        "fact groups[].pooled is true or false\n  ask \"Is funding for {groups[].name} pooled?\"\n  after groups[].needs\n",
    ]
    .concat()
}

const SCALE: &str =
    "priority scale\n  act_now \"act now\"\n  plan_for \"plan for\"\n  consider \"consider\"\n";

fn rule_base(rules: &str) -> &'static RuleBase {
    // A report borrows from its rule base.
    compile_for_good(&vocabulary(), rules)
}

fn as_of() -> Date {
    Date::parse("2013-09-01").expect("valid")
}

fn run(rules: &str, case: &str) -> Report<'static> {
    let rule_base = rule_base(rules);
    let case = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("valid case");
    rule_base.advise(&case, as_of())
}

/// `rule ID [priority P] [for each g in groups] when C KIND "ID" "x" cite s`; a rule
/// written `id:priority:kind:condition`, with an empty priority for none.
fn rules(scale: bool, rules: &[&str]) -> String {
    let mut text = if scale { SCALE.to_string() } else { String::new() };
    for rule in rules {
        let [id, priority, kind, condition] = rule.splitn(4, ':').collect::<Vec<_>>()[..] else {
            panic!("id:priority:kind:condition")
        };
        writeln!(text, "\nrule {id}").expect("writing to a String cannot fail");
        if !priority.is_empty() {
            writeln!(text, "  priority {priority}").expect("writing to a String cannot fail");
        }
        if condition.contains("g.") {
            text.push_str("  for each g in groups\n");
        }
        writeln!(text, "  when {condition}\n  {kind} \"Title of {id}\" \"x\"\n  cite s")
            .expect("writing to a String cannot fail");
    }
    text
}

/// The advice as `rule[item] priority rank`.
fn advice(report: &Report) -> Vec<String> {
    report
        .advice
        .iter()
        .map(|a| {
            let item = a.item.as_deref().map(|i| format!("[{i}]")).unwrap_or_default();
            format!("{}{item} {} {}", a.rule, a.priority.unwrap_or("-"), a.rank)
        })
        .collect()
}

fn asked(report: &Report) -> Vec<String> {
    report.questions.iter().map(|q| format!("{} {}", q.rank, q.fact)).collect()
}

const GROUPS: &str =
    r#"{"a": true, "groups": [{"name": "x", "needs": "complex"}, {"name": "y", "needs": "complex"}]}"#;

#[test]
fn advice_comes_in_priority_order_stable_within_a_step() {
    let base = rules(
        true,
        &[
            "r1:consider:note:a",
            "r2:act_now:warn:a",
            "r3:consider:recommend:a",
            "r4:act_now:warn:g.needs is complex",
        ],
    );
    assert_eq!(
        advice(&run(&base, GROUPS)),
        [
            "r2 act now 1",
            "r4[groups[0]] act now 2",
            "r4[groups[1]] act now 3",
            "r1 consider 4",
            "r3 consider 5"
        ]
    );
}

#[test]
fn without_a_scale_advice_keeps_rule_order() {
    let base = rules(false, &["r1::note:a", "r2::warn:a", "r3::recommend:g.needs is complex"]);
    assert_eq!(advice(&run(&base, GROUPS)), ["r1 - 1", "r2 - 2", "r3[groups[0]] - 3", "r3[groups[1]] - 4"]);
}

#[test]
fn questions_are_ranked_by_the_priorities_of_the_rules_they_could_change() {
    // `b` could change one rule to act on now (weight 3), `c` two to consider (1 + 1).
    let base = rules(true, &["r1:consider:note:c", "r2:consider:note:c and a", "r3:act_now:note:b"]);
    assert_eq!(asked(&run(&base, r#"{"a": true}"#)), ["1 b", "2 c"]);
    // Without a scale every rule weighs 1: by the number of rules, as before.
    let base = rules(false, &["r1::note:c", "r2::note:c and a", "r3::note:b"]);
    assert_eq!(asked(&run(&base, r#"{"a": true}"#)), ["1 c", "2 b"]);
}

#[test]
fn a_question_waits_while_the_fact_it_comes_after_is_unknown() {
    let base = rules(false, &["r1::note:count of outcomes > 0 and count of measures == 0"]);
    assert_eq!(asked(&run(&base, r#"{}"#)), ["1 outcomes"]);
    assert_eq!(asked(&run(&base, r#"{"outcomes": ["fewer admissions"]}"#)), ["1 measures"]);
    // A field of an item waits for the same item's field.
    let base = rules(false, &["r1::note:g.pooled and g.needs is complex"]);
    let case = r#"{"groups": [{"name": "x"}, {"name": "y", "needs": "complex"}]}"#;
    assert_eq!(asked(&run(&base, case)), ["1 groups[0].needs", "2 groups[1].pooled"]);
}

#[test]
fn a_fact_the_advice_rests_on_is_not_also_asked_about() {
    let base = rules(false, &["r1::recommend:why is unknown", "r2::note:a and why is known"]);
    let report = run(&base, r#"{"a": true}"#);
    assert_eq!(advice(&report), ["r1 - 1"]);
    assert_eq!(asked(&report), Vec::<String>::new());
    // A fact read only by a part that did not make the advice hold is still asked about.
    let base = rules(false, &["r1::recommend:a or b", "r2::note:b and c"]);
    assert_eq!(asked(&run(&base, r#"{"a": true, "c": true}"#)), ["1 b"]);
}

#[test]
fn the_json_has_the_priority_and_rank_after_the_kind() {
    let base = rules(true, &["r1:consider:note:a", "r2:act_now:warn:a", "r3:plan_for:note:b"]);
    let json = report::to_json(&run(&base, r#"{"a": true}"#));
    assert_eq!(json["format"], "accord.advice.v2");
    let keys: Vec<&str> = json["advice"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys[..5], ["rule", "item", "kind", "priority", "rank"]);
    assert_eq!((&json["advice"][0]["priority"], &json["advice"][0]["rank"]), (&"act now".into(), &1.into()));
    assert_eq!((&json["questions"][0]["fact"], &json["questions"][0]["rank"]), (&"b".into(), &1.into()));
}

#[test]
fn the_batch_writer_writes_what_serializing_the_report_does() {
    let base = rule_base(&rules(
        true,
        &[
            "r1:consider:note:a",
            "r2:act_now:warn:g.needs is complex",
            "r3:plan_for:recommend:b",
            "r4:act_now:note:c",
        ],
    ));
    let writer = AdviceWriter::new(base);
    for case in [GROUPS, r#"{}"#, r#"{"a": true, "b": true, "c": true}"#, r#"{"groups": [{"name": "x"}]}"#] {
        let parsed = accord::parse_case("case.json", case, base.vocabulary()).expect("valid case");
        let mut line = Vec::new();
        writer.write_case(&parsed, as_of(), &mut line);
        let serialized = serde_json::to_string(&base.advise(&parsed, as_of())).expect("serializes");
        assert_eq!(String::from_utf8(line).expect("UTF-8"), format!("{serialized}\n"), "{case}");
    }
}

#[test]
fn the_text_report_opens_with_the_first_recommendations_and_warnings() {
    let base = rules(
        true,
        &[
            "n1:act_now:note:a",
            "w1:act_now:warn:a",
            "w2:plan_for:warn:a",
            "r1:plan_for:recommend:a",
            "r2:consider:recommend:a",
            "r3:consider:recommend:a",
            "r4:consider:recommend:a",
        ],
    );
    let verbose = report::TextOptions { verbose: true };
    let text = report::to_text_with(&run(&base, r#"{"a": true}"#), verbose);
    let summary = "\nFirst things to do\n1. Title of w1 (w1)\n2. Title of w2 (w2)\n3. Title of r1 (r1)\n\
                   4. Title of r2 (r2)\n5. Title of r3 (r3)\n\n1. Note: Title of n1\n   (act now; rule n1)\n";
    assert!(text.contains(summary), "{text}");
    assert!(text.contains("2. Warning: Title of w1\n   (act now; rule w1)\n"), "{text}");
    // For a reader of the advice, without the rules' ids.
    let text = report::to_text(&run(&base, r#"{"a": true}"#));
    let summary = "\nFirst things to do\n1. Title of w1\n2. Title of w2\n3. Title of r1\n4. Title of r2\n\
                   5. Title of r3\n\n1. Note: Title of n1\n   (act now)\n";
    assert!(text.contains(summary), "{text}");
    // No advice, no summary.
    assert!(!report::to_text(&run(&base, r#"{"a": false}"#)).contains("First things to do"));
}

#[test]
fn the_text_report_shows_five_questions_and_says_how_many_more() {
    let base = rules(false, &["r1::note:g.needs is complex"]);
    let groups = |n: usize| format!(r#"{{"groups": [{}]}}"#, vec![r#"{"name": "x"}"#; n].join(", "));
    let more =
        |n: usize| report::to_text(&run(&base, &groups(n))).lines().last().unwrap_or_default().to_string();
    assert_eq!(more(5), "   Answers: mild or complex");
    assert_eq!(more(6), "1 more question could change this advice; --format json lists them all.");
    assert_eq!(more(8), "3 more questions could change this advice; --format json lists them all.");
    assert_eq!(run(&base, &groups(8)).questions.len(), 8, "JSON lists them all");
}

#[test]
fn priority_is_still_a_name_outside_a_rules_clauses() {
    let vocabulary = "fact priority is one of low, high\n  ask \"How urgent?\"\n";
    let rules = "source s\n  authors \"A\"\n  year 2000\n  title \"T\"\n\nrule priority_high\n  when priority is high\n  note \"t\" \"x\"\n  cite s\n";
    let files =
        vec![("v.accord".to_string(), vocabulary.to_string()), ("r.accord".to_string(), rules.to_string())];
    let compiled = RuleFiles::from_texts(files).compile();
    assert!(compiled.rule_base.is_some(), "{:#?}", compiled.diagnostics);
}
