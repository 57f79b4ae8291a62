//! The reasons for advice in words, as the text report gives them: each test said with the
//! words the rule base gives its facts (`label`, `says`), or, where it gives none, with
//! words made from the fact's question or name; never as the rule is written. The formal
//! reasons, and the JSON advice, stay as they were.

use accord::{Date, Report, report};

mod common;

use common::rules::compile_for_good;

const VOCABULARY: &str = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"
fact kind is one of none, merger, pooled_budget
  ask "What kind of change?"
  label "the kind of change"
  says merger "the change is a merger"
fact savings is true or false
  ask "Is the change expected to save money?"
  says true  "the change is expected to save money"
  says false "the change is not expected to save money"
fact bare is true or false
  ask "Is the bare fact so?"
fact date is a date
  ask "When does the change take effect?"
  label "the date the change takes effect"
fact why is text
  ask "Why this change?"
  label "why this change is the best way"
fact unasked is a number
fact measures is a list of text
  ask "How will the partnership measure its outcomes?"
  label "outcome measures"
fact reasons is a list of text
  ask "What reasons have been given?"
fact groups is a list of records
  ask "Which groups?"
  label "groups of people served"
fact groups[].name is text
  ask "What is the group called?"
fact groups[].needs is one of mild, complex
  ask "What are the needs of {groups[].name}?"
  says mild    "{groups[].name} have mild needs"
  says complex "{groups[].name} have complex needs"
fact groups[].pooled is true or false
  ask "Is funding for {groups[].name} pooled?"
define chosen as kind is none or not savings
  says true  "the change is the partners' choice ({kind})"
  says false "the change is not the partners' choice"
define in_effect as as_of is on or after date
"#;

/// The advice for `case` from the vocabulary and a rule firing on `condition`, as of 1
/// September 2013, with its reasons in words.
fn run(condition: &str, case: &str) -> Report<'static> {
    let rules = format!("rule r\n  when {condition}\n  note \"t\" \"x\"\n  cite s\n");
    // A report borrows from its rule base.
    let rule_base = compile_for_good(VOCABULARY, &rules);
    let case = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("valid case");
    rule_base.advise_in_words(&case, Date::parse("2013-09-01").expect("valid"))
}

/// The reasons in words for the advice of a rule firing on `condition`.
fn said(condition: &str, case: &str) -> Vec<String> {
    let mut report = run(condition, case);
    assert_eq!(report.advice.len(), 1, "the rule fires on {condition} for {case}");
    report.advice.remove(0).because_in_words.expect("asked for in words")
}

#[test]
fn a_test_of_a_fact_against_values_says_what_the_case_says_of_it() {
    assert_eq!(said("kind is merger", r#"{"kind": "merger"}"#), ["the change is a merger"]);
    assert_eq!(said("kind in [merger, pooled_budget]", r#"{"kind": "merger"}"#), ["the change is a merger"]);
    // A value without words of its own: the label and the value, with spaces.
    assert_eq!(
        said("kind is not none", r#"{"kind": "pooled_budget"}"#),
        ["the kind of change is pooled budget"]
    );
    assert_eq!(said("savings", r#"{"savings": true}"#), ["the change is expected to save money"]);
    assert_eq!(said("not savings", r#"{"savings": false}"#), ["the change is not expected to save money"]);
    assert_eq!(
        said("savings is false", r#"{"savings": false}"#),
        ["the change is not expected to save money"]
    );
}

#[test]
fn without_words_a_fact_is_said_by_its_question_or_its_name() {
    assert_eq!(
        said("bare is false", r#"{"bare": false}"#),
        ["the answer to \u{201c}Is the bare fact so?\u{201d} is no"]
    );
    assert_eq!(said("unasked is at least 2", r#"{"unasked": 3}"#), ["the unasked (3) is at least 2"]);
    assert_eq!(said("in_effect", r#"{"date": "2013-04-01"}"#), ["in effect: yes"]);
}

#[test]
fn a_fact_left_unknown_is_one_the_case_does_not_give() {
    assert_eq!(said("why is unknown", "{}"), ["the case does not say why this change is the best way"]);
    assert_eq!(
        said("savings is unknown", "{}"),
        ["the case does not say whether the change is expected to save money"]
    );
    assert_eq!(
        said("bare is unknown", "{}"),
        ["the case does not answer \u{201c}Is the bare fact so?\u{201d}"]
    );
    assert_eq!(said("measures is unknown", "{}"), ["the case does not list the outcome measures"]);
    assert_eq!(
        said("why is known", r#"{"why": "to pool budgets"}"#),
        ["why this change is the best way is to pool budgets"]
    );
}

#[test]
fn a_derived_fact_says_its_words_filled_in() {
    assert_eq!(said("chosen", r#"{"kind": "none"}"#), ["the change is the partners' choice (none)"]);
    assert_eq!(
        said("not chosen", r#"{"kind": "merger", "savings": true}"#),
        ["the change is not the partners' choice"]
    );
}

#[test]
fn counts_say_the_list() {
    assert_eq!(said("count of measures == 0", r#"{"measures": []}"#), ["the case lists no outcome measures"]);
    assert_eq!(
        said("count of measures is at least 1", r#"{"measures": ["fewer admissions", "shorter waits"]}"#),
        ["the outcome measures are: fewer admissions and shorter waits"]
    );
    assert_eq!(
        said(
            "count of groups is at least 1",
            r#"{"groups": [{"name": "carers"}, {"name": "older people"}]}"#
        ),
        ["the number of groups of people served is 2"]
    );
    assert_eq!(
        said(
            "(count g in groups where g.pooled) >= 1",
            r#"{"groups": [{"name": "carers", "pooled": true}, {"name": "older people"}]}"#
        ),
        [
            "at least 1 of the 2 groups of people served: the answer to \u{201c}Is funding for carers pooled?\u{201d} is yes"
        ]
    );
}

#[test]
fn comparisons_say_both_sides_with_their_values() {
    assert_eq!(
        said("as_of is before date", r#"{"date": "2014-04-01"}"#),
        [
            "the date of this advice (1 September 2013) is before the date the change takes effect (1 April 2014)"
        ]
    );
    // A comparison that fails is said as what holds.
    assert_eq!(
        said("not (as_of is before date + 3 months)", r#"{"date": "2013-04-01"}"#),
        [
            "the date of this advice (1 September 2013) is on or after 3 months after the date the change takes effect (1 July 2013)"
        ]
    );
    assert_eq!(
        said("\"save money\" in reasons", r#"{"reasons": ["save money"]}"#),
        ["the reasons include save money"]
    );
}

#[test]
fn items_are_said_one_by_one_by_name() {
    let groups =
        r#"{"groups": [{"name": "carers", "needs": "mild"}, {"name": "older people", "needs": "complex"}]}"#;
    assert_eq!(said("any g in groups where g.needs is complex", groups), ["older people have complex needs"]);
    assert_eq!(
        said("all g in groups where g.needs in [mild, complex]", groups),
        ["carers have mild needs", "older people have complex needs"]
    );
    assert_eq!(
        said("not (any g in groups where g.pooled)", r#"{"groups": [{"pooled": false}]}"#),
        ["the answer to \u{201c}Is funding for item 1 of the groups of people served pooled?\u{201d} is no"]
    );
}

#[test]
fn the_same_words_are_said_once() {
    assert_eq!(
        said("kind is merger and kind is not none", r#"{"kind": "merger"}"#),
        ["the change is a merger"]
    );
}

#[test]
fn the_formal_reasons_and_the_json_advice_are_unchanged() {
    let report = run("kind is merger and savings", r#"{"kind": "merger", "savings": true}"#);
    assert_eq!(report.advice[0].because, ["kind is merger", "savings is true"]);
    let json = report::to_json(&report);
    assert!(json["advice"][0].get("because_in_words").is_none(), "{json}");
    assert_eq!(json["advice"][0]["because"][1], "savings is true");
}

#[test]
fn the_text_report_says_the_reasons_in_words_and_verbose_as_written() {
    let report = run("kind is merger and savings", r#"{"kind": "merger", "savings": true}"#);
    let plain = report::to_text(&report);
    assert!(
        plain.contains("Because: the change is a merger; the change is expected to save money."),
        "{plain}"
    );
    assert!(!plain.contains("rule r") && !plain.contains("(r)"), "{plain}");
    let verbose = report::to_text_with(&report, report::TextOptions { verbose: true });
    assert!(verbose.contains("Because: kind is merger; savings is true."), "{verbose}");
    assert!(verbose.contains("(rule r)"), "{verbose}");
}
