//! The library's comparison (`accord::diff`) on small rule bases: advice changed, added
//! and removed, field by field; questions matched by fact, moved, added and changed. It
//! must not run the binary (`binary.rs` does).

use accord::diff::{self, CaseFacts, Diff, Field, Origin, QuestionField, RuleStatus};
use accord::{Date, Question, Report, RuleBase};

use super::common::rules::{FACT_C, FACT_KIND, FACTS_A_B, FACTS_GROUPS, SOURCE_S, compile, compile_for_good};

/// The facts of the small rule bases: the shared ones, an evidence scale and a second
/// source.
fn vocabulary() -> String {
    [
        "evidence scale\n  strong \"research suggests\"\n  weak \"some evidence\"\n",
        SOURCE_S,
        "source t\n  authors \"Other, B.\"\n  year 2001\n  title \"Another title\"\n",
        FACTS_A_B,
        FACT_KIND,
        FACTS_GROUPS,
    ]
    .concat()
}

const RULES: &str = r#"
rule first
  when a
  note "First" "The first rule fired."
  cite s

rule second
  evidence strong
  when kind is merger
  warn "Second" "A merger: expect it to stall for eighteen months at least."
  cite s

rule per_group
  for each g in groups
  when g.needs is complex
  recommend "Integrate for {g.name}" "Complex needs."
  cite s

rule asks_b
  when b
  note "B" "b holds."
  cite s
"#;

fn rule_base(rules: &str) -> RuleBase {
    compile(&vocabulary(), rules)
}

fn report<'r>(rules: &'r RuleBase, case: &str) -> Report<'r> {
    let case = accord::parse_case("case.json", case, rules.vocabulary()).expect("a valid case");
    rules.advise(&case, Date::parse("2013-09-01").expect("a date"))
}

const CASE: &str = r#"{"name": "One", "a": true, "kind": "merger",
  "groups": [{"name": "mild group", "needs": "mild"}, {"name": "complex group", "needs": "complex"}]}"#;

/// The diff of `old` and `new` rules over the cases.
fn compare(old: &str, new: &str, cases: &[&str]) -> Diff<'static> {
    // A diff borrows from both rule bases; a test's few need not be freed.
    let (old, new) = (compile_for_good(&vocabulary(), old), compile_for_good(&vocabulary(), new));
    let reports = cases
        .iter()
        .enumerate()
        .map(|(n, case)| (format!("case{n}.json"), report(old, case), report(new, case)))
        .collect();
    Diff::compare((Origin::Path("old".into()), old), (Origin::Path("new".into()), new), reports)
}

#[test]
fn the_same_rules_change_nothing() {
    let diff = compare(RULES, RULES, &[CASE, "{}"]);
    assert!(!diff.changed());
    assert_eq!(diff.cases.len(), 2);
    assert!(diff.rules.is_empty());
    assert!(diff::to_text(&diff).contains("No changes: the 2 cases get the same advice"));
    assert_eq!(diff::to_json(&diff)["changed"], false);
}

#[test]
fn a_new_title_is_a_change_of_the_title_only() {
    let diff = compare(RULES, &RULES.replace("warn \"Second\"", "warn \"Second, renamed\""), &[CASE]);
    let case = &diff.cases[0];
    assert!(case.added.is_empty() && case.removed.is_empty());
    assert_eq!(case.changed.len(), 1);
    assert_eq!(case.changed[0].new.rule, "second");
    assert_eq!(case.changed[0].fields, [Field::Title]);
    assert_eq!(diff.rules.len(), 1);
    assert_eq!(diff.rules[0].changed_in, ["case0.json"]);
    assert_eq!(diff.rules[0].changed_fields, [Field::Title]);
    let text = diff::to_text(&diff);
    assert!(text.contains("~ second: title changed"), "{text}");
    assert!(text.contains("\u{201c}Second\u{201d} -> \u{201c}Second, renamed\u{201d}"), "{text}");
}

#[test]
fn every_field_that_differs_is_named() {
    let new = RULES
        .replace(
            "  evidence strong\n  when kind is merger\n  warn",
            "  evidence weak\n  when kind is merger\n  recommend",
        )
        .replace("for eighteen months at least", "for two years at least")
        .replace("warn \"Second\"", "recommend \"Second\"")
        .replace("at least.\"\n  cite s", "at least.\"\n  cite t");
    let diff = compare(RULES, &new, &[CASE]);
    let changed = &diff.cases[0].changed[0];
    assert_eq!(changed.fields, [Field::Kind, Field::Evidence, Field::Text, Field::Citations]);
    let text = diff::to_text(&diff);
    assert!(text.contains("kind: warning -> recommendation"), "{text}");
    assert!(text.contains("evidence: research suggests -> some evidence"), "{text}");
    // Only the words that differ, with a little context.
    assert!(text.contains("stall for [-eighteen months-] {+two years+} at least."), "{text}");
    assert!(text.contains("citations: - s; + t"), "{text}");
}

/// Raising a rule's priority moves its advice up the report and into its first things to
/// do: a change a reviewer must see, though every word stays the same.
#[test]
fn a_new_priority_is_a_change_of_the_priority() {
    let prioritised = |first: &str| {
        format!(
            "priority scale\n  act_now \"act now\"\n  plan_for \"plan for\"\n\n\
             rule first\n  priority {first}\n  when a\n  note \"First\" \"The first rule fired.\"\n  cite s\n\n\
             rule second\n  priority act_now\n  when kind is merger\n  warn \"Second\" \"A merger.\"\n  cite s\n"
        )
    };
    let diff = compare(&prioritised("plan_for"), &prioritised("act_now"), &[CASE]);
    assert!(diff.changed());
    let changed = &diff.cases[0].changed[0];
    assert_eq!(changed.new.rule, "first");
    assert_eq!(changed.fields, [Field::Priority]);
    let text = diff::to_text(&diff);
    assert!(text.contains("~ first: priority changed"), "{text}");
    assert!(text.contains("priority: plan for -> act now"), "{text}");
}

#[test]
fn a_condition_that_holds_more_often_adds_advice_per_item() {
    let diff = compare(RULES, &RULES.replace("when g.needs is complex", "when g.needs is known"), &[CASE]);
    let case = &diff.cases[0];
    assert_eq!(case.added.len(), 1);
    assert_eq!(case.added[0].rule, "per_group");
    assert_eq!(case.added[0].item.as_deref(), Some("groups[0]"));
    assert!(case.changed.is_empty(), "the complex group's advice is the same");
    assert_eq!(diff.rules[0].now_fires_in, ["case0.json"]);
    assert!(
        diff::to_text(&diff)
            .contains("+ per_group for groups[0]: recommendation \u{201c}Integrate for mild group\u{201d}")
    );
}

#[test]
fn a_deleted_rule_no_longer_fires_and_is_listed_after_the_new_rules() {
    let without_first =
        RULES.replace("rule first\n  when a\n  note \"First\" \"The first rule fired.\"\n  cite s\n", "");
    let renamed = without_first.replace("rule second", "rule second_renamed");
    let diff = compare(RULES, &renamed, &[CASE, r#"{"a": false}"#, r#"{"a": true}"#]);
    assert_eq!(diff.rules_removed, ["first", "second"]);
    assert_eq!(diff.rules_added, ["second_renamed"]);
    let order: Vec<(&str, RuleStatus)> = diff.rules.iter().map(|r| (r.rule.as_str(), r.status)).collect();
    // The new rule base's order first, then the rules only in the old one, in its order.
    assert_eq!(
        order,
        [
            ("second_renamed", RuleStatus::Added),
            ("first", RuleStatus::Removed),
            ("second", RuleStatus::Removed)
        ]
    );
    assert_eq!(diff.rules[1].no_longer_fires_in, ["case0.json", "case2.json"]);
    assert_eq!(diff.rules[0].now_fires_in, ["case0.json"]);
    // The same question about `kind`, now for the renamed rule.
    let kind = &diff.cases[1].questions_changed;
    assert_eq!(kind.len(), 1, "{kind:#?}");
    assert_eq!((kind[0].new.fact.as_str(), &kind[0].fields[..]), ("kind", &[QuestionField::Affects][..]));
    assert_eq!(
        (&kind[0].affects_added[..], &kind[0].affects_removed[..]),
        (&["second_renamed"][..], &["second"][..])
    );
    let text = diff::to_text(&diff);
    assert!(text.contains("Rules removed: first, second"), "{text}");
    assert!(
        text.contains("first (rule removed)\n  No longer fires in 2 cases:\n    case0.json\n    case2.json")
    );
}

#[test]
fn questions_are_matched_by_fact() {
    // `b` is unknown in the case: the old rule base asks about it, the new one does not
    // (the rule reads `a` instead), and asks about nothing new since `a` is known.
    let new = RULES.replace("when b\n", "when a and kind is none\n");
    let diff = compare(RULES, &new, &[CASE]);
    let case = &diff.cases[0];
    assert_eq!(case.questions_removed.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), ["b"]);
    assert!(case.questions_added.is_empty());
    assert_eq!(diff.rules[0].rule, "asks_b");
    assert_eq!(diff.rules[0].questions_removed_in, ["case0.json"]);
    assert_eq!(
        diff.rules[0].questions_no_longer_affect_in,
        [CaseFacts { case: "case0.json".into(), facts: vec!["b".into()] }]
    );
    let text = diff::to_text(&diff);
    assert!(text.contains("  - question b: \u{201c}Is b so?\u{201d}\n"), "{text}");
    assert!(
        text.contains(
            "asks_b\n  Questions no longer bear on it in 1 case:\n    case0.json: b (no longer asked)\n"
        ),
        "{text}"
    );
    // And the other way round.
    let diff = compare(&new, RULES, &[CASE]);
    assert_eq!(diff.cases[0].questions_added[0].fact, "b");
    assert_eq!(diff.rules[0].questions_added_in, ["case0.json"]);
    assert_eq!(
        diff.rules[0].questions_now_affect_in,
        [CaseFacts { case: "case0.json".into(), facts: vec!["b".into()] }]
    );
    let text = diff::to_text(&diff);
    assert!(text.contains("  + question b: \u{201c}Is b so?\u{201d}\n"), "{text}");
    assert!(text.contains("    case0.json: b (a new question)\n"), "{text}");
}

// Questions asked with both rule bases, but not alike: in another order, about other
// rules, in other words.

/// The facts of the rule bases whose questions are compared, with a priority scale.
pub(crate) fn question_vocabulary() -> String {
    ["priority scale\n  high \"high\"\n  low \"low\"\n", SOURCE_S, FACTS_A_B, FACT_C, FACT_KIND].concat()
}

/// Rules `one` and `two` read `a` and `b`, at the priorities given; `three` to `five` read
/// the facts given. An empty case asks about every fact they read.
pub(crate) fn question_rules(one: &str, two: &str, three: &str, four: &str, five: &str) -> String {
    let rule = |id: &str, priority: &str, condition: &str| {
        format!(
            "rule {id}\n  priority {priority}\n  when {condition}\n  note \"{id}\" \"It holds.\"\n  cite s\n\n"
        )
    };
    [
        rule("one", one, "a"),
        rule("two", two, "b"),
        rule("three", "low", three),
        rule("four", "low", four),
        rule("five", "low", five),
    ]
    .concat()
}

/// The diff of two question rule bases over an empty case, with their vocabularies.
fn compare_questions(old: (&str, &str), new: (&str, &str)) -> Diff<'static> {
    let rule_base = |(vocabulary, rules): (&str, &str)| compile_for_good(vocabulary, rules);

    let (old, new) = (rule_base(old), rule_base(new));
    let reports = vec![("case0.json".to_string(), report(old, "{}"), report(new, "{}"))];
    Diff::compare((Origin::Path("old".into()), old), (Origin::Path("new".into()), new), reports)
}

fn facts(questions: &[Question]) -> Vec<String> {
    questions.iter().map(|q| q.fact.clone()).collect()
}

#[test]
fn questions_asked_in_another_order_are_reported_as_moved() {
    // `a` is asked first while its rule is the more urgent, `b` once its rule is.
    let old = question_rules("high", "low", "c", "c", "c");
    let new = question_rules("low", "high", "c", "c", "c");
    let diff = compare_questions((&question_vocabulary(), &old), (&question_vocabulary(), &new));
    let case = &diff.cases[0];
    assert_eq!(facts(&questions_of(&old)), ["c", "a", "b"]);
    assert_eq!(facts(&questions_of(&new)), ["c", "b", "a"]);
    assert!(case.added.is_empty() && case.removed.is_empty() && case.changed.is_empty());
    assert!(case.questions_added.is_empty() && case.questions_removed.is_empty());
    // The fewest questions that explain the new order: one moved, not both.
    assert_eq!(case.questions_changed.len(), 1, "{:#?}", case.questions_changed);
    let moved = &case.questions_changed[0];
    assert_eq!(moved.new.fact, "b");
    assert_eq!(moved.fields, [QuestionField::Rank]);
    assert_eq!((moved.old.rank, moved.new.rank), (3, 2));
    assert!(!case.is_empty());
    assert!(diff.changed());
    assert_eq!(diff.cases_changed(), 1);
    // No rule is behind a move of its own.
    assert!(diff.rules.is_empty());
    let text = diff::to_text(&diff);
    assert!(text.contains("1 of 1 case changed."), "{text}");
    assert!(text.contains("  ~ question b: rank changed\n      rank: moved from 3 to 2\n"), "{text}");
    assert!(!text.contains("By rule"), "{text}");
    let json = diff::to_json(&diff);
    assert_eq!(json["changed"], true);
    assert_eq!(json["cases_changed"], 1);
    let changed = &json["cases"][0]["questions_changed"][0];
    assert_eq!(changed["fact"], "b");
    assert_eq!(changed["fields"], serde_json::json!(["rank"]));
    assert_eq!((changed["old"]["rank"].clone(), changed["new"]["rank"].clone()), (3.into(), 2.into()));
}

/// The questions an empty case is asked by `rules` (with the question vocabulary).
fn questions_of(rules: &str) -> Vec<Question<'static>> {
    report(compile_for_good(&question_vocabulary(), rules), "{}").questions
}

#[test]
fn a_question_added_above_the_others_moves_none_of_them() {
    // `c` is asked first; without it every other question is a place higher, in the same
    // order.
    let old = question_rules("high", "low", "c", "c", "c");
    let new = question_rules("high", "low", "a", "a", "b");
    let diff = compare_questions((&question_vocabulary(), &new), (&question_vocabulary(), &old));
    let case = &diff.cases[0];
    assert_eq!(facts(&case.questions_added), ["c"]);
    assert!(
        case.questions_changed.iter().all(|q| !q.fields.contains(&QuestionField::Rank)),
        "{:#?}",
        case.questions_changed
    );
}

#[test]
fn a_question_that_could_change_other_rules_is_reported_by_case_and_by_rule() {
    // `a` could change `three` and `four`; then `four` reads `b` instead. The order stays
    // `a`, `b`, `c`.
    let old = question_rules("high", "low", "a", "a", "c");
    let new = question_rules("high", "low", "a", "b", "c");
    let diff = compare_questions((&question_vocabulary(), &old), (&question_vocabulary(), &new));
    let case = &diff.cases[0];
    let changed: Vec<String> = case
        .questions_changed
        .iter()
        .map(|q| format!("{} {:?} +{:?} -{:?}", q.new.fact, q.fields, q.affects_added, q.affects_removed))
        .collect();
    assert_eq!(changed, ["a [Affects] +[] -[\"four\"]", "b [Affects] +[\"four\"] -[]"]);
    assert_eq!(diff.cases_changed(), 1);
    // By rule: `four` is now open to the question about `b`, and no longer to `a`'s.
    assert_eq!(diff.rules.len(), 1);
    let four = &diff.rules[0];
    assert_eq!(four.rule, "four");
    assert_eq!(
        four.questions_now_affect_in,
        [CaseFacts { case: "case0.json".into(), facts: vec!["b".into()] }]
    );
    assert_eq!(
        four.questions_no_longer_affect_in,
        [CaseFacts { case: "case0.json".into(), facts: vec!["a".into()] }]
    );
    assert!(four.questions_added_in.is_empty() && four.questions_removed_in.is_empty());
    let text = diff::to_text(&diff);
    assert!(
        text.contains("four\n  Questions now bear on it in 1 case:\n    case0.json: b\n  Questions no longer bear on it in 1 case:\n    case0.json: a\n"),
        "{text}"
    );
    assert!(text.contains("  ~ question a: affects changed\n      affects: - four\n"), "{text}");
    assert!(text.contains("  ~ question b: affects changed\n      affects: + four\n"), "{text}");
    let json = diff::to_json(&diff);
    let rule = &json["rules"][0];
    assert_eq!(rule["questions_now_affect_in"], serde_json::json!([{"case": "case0.json", "facts": ["b"]}]));
    assert_eq!(
        rule["questions_no_longer_affect_in"],
        serde_json::json!([{"case": "case0.json", "facts": ["a"]}])
    );
    let changed = &json["cases"][0]["questions_changed"];
    assert_eq!(changed[0]["affects_removed"], serde_json::json!(["four"]));
    assert_eq!(changed[1]["affects_added"], serde_json::json!(["four"]));
    assert_eq!(changed[1]["new"]["affects"], serde_json::json!(["two", "four"]));
}

#[test]
fn a_question_in_other_words_or_with_other_answers_is_changed() {
    let rules = question_rules("high", "low", "a", "a", "kind is merger");
    let vocabulary = question_vocabulary()
        .replace("ask \"Is b so?\"", "ask \"Is b really so?\"")
        .replace("kind is one of none, merger", "kind is one of none, merger, restructure");
    let diff = compare_questions((&question_vocabulary(), &rules), (&vocabulary, &rules));
    let case = &diff.cases[0];
    let changed: Vec<(&str, &[QuestionField])> =
        case.questions_changed.iter().map(|q| (q.new.fact.as_str(), &q.fields[..])).collect();
    assert_eq!(changed, [("b", &[QuestionField::Text][..]), ("kind", &[QuestionField::Answer][..])]);
    let text = diff::to_text(&diff);
    assert!(
        text.contains("  ~ question b: text changed\n      text: \u{201c}Is b so?\u{201d} -> \u{201c}Is b really so?\u{201d}\n"),
        "{text}"
    );
    assert!(
        text.contains("      answer: one_of (none, merger) -> one_of (none, merger, restructure)\n"),
        "{text}"
    );
    assert_eq!(
        diff::to_json(&diff)["cases"][0]["questions_changed"][1]["fields"],
        serde_json::json!(["answer"])
    );
}

#[test]
fn the_json_has_a_format_and_the_advice_as_advise_writes_it() {
    let diff = compare(RULES, &RULES.replace("\"First\"", "\"First!\""), &[CASE, "{}"]);
    let json = diff::to_json(&diff);
    assert_eq!(json["format"], "accord.diff.v1");
    assert_eq!(json["old"], serde_json::json!({"from": "path", "path": "old"}));
    assert_eq!(json["changed"], true);
    assert_eq!(json["cases_compared"], 2);
    assert_eq!(json["cases_changed"], 1);
    assert_eq!(json["cases"][1]["changed"], false);
    let changed = &json["cases"][0]["advice_changed"][0];
    assert_eq!(changed["rule"], "first");
    assert_eq!(changed["fields"], serde_json::json!(["title"]));
    let as_advise_writes_it = accord::report::to_json(&report(&rule_base(RULES), CASE))["advice"][0].clone();
    assert_eq!(changed["old"], as_advise_writes_it);
}
