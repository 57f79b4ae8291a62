//! The engine on small rule bases: three-valued logic, questions, quantifiers, dates and
//! text. One case per line: the condition, the case, what should happen.

use accord::{Date, Report};

mod common;

use common::rules::{FACT_KIND, FACTS_A_B, FACTS_GROUPS, SOURCE_S, compile, compile_for_good};

/// The facts of this file's rules: the shared ones, a number, a date and a list of text.
fn vocabulary() -> String {
    [
        SOURCE_S,
        FACTS_A_B,
        "fact n is a number\n  ask \"What is n?\"\nfact d is a date\n  ask \"When is d?\"\n",
        FACT_KIND,
        "fact reasons is a list of text\n  ask \"What reasons?\"\n",
        FACTS_GROUPS,
    ]
    .concat()
}

/// Advice for `case` from the vocabulary plus `rules`, as of 1 September 2013.
fn run(rules: &str, case: &str) -> Report<'static> {
    // A report borrows from its rule base.
    let rule_base = compile_for_good(&vocabulary(), rules);
    let case = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("valid case");
    rule_base.advise(&case, Date::parse("2013-09-01").expect("valid"))
}

fn rule(condition: &str) -> String {
    format!("rule r\n  when {condition}\n  note \"t\" \"x\"\n  cite s\n")
}

fn fires(condition: &str, case: &str) -> bool {
    !run(&rule(condition), case).advice.is_empty()
}

fn asked(condition: &str, case: &str) -> Vec<String> {
    run(&rule(condition), case).questions.into_iter().map(|q| q.fact).collect()
}

fn text(template: &str, case: &str) -> String {
    let rules = format!("rule r\n  when true\n  note \"t\" \"{template}\"\n  cite s\n");
    run(&rules, case).advice.remove(0).text
}

#[test]
fn a_rule_fires_only_when_its_condition_is_true() {
    assert!(fires("a", r#"{"a": true}"#));
    assert!(!fires("a", r#"{"a": false}"#));
    assert!(!fires("a", r#"{}"#));
    assert!(!fires("a", r#"{"a": null}"#));
    assert!(fires("a or b", r#"{"a": true}"#));
    assert!(!fires("a and b", r#"{"a": true}"#));
    assert!(fires("not a", r#"{"a": false}"#));
    assert!(!fires("not a", r#"{}"#));
}

#[test]
fn asks_exactly_the_unknown_facts_that_could_decide() {
    assert_eq!(asked("a and b", r#"{"a": false}"#), Vec::<String>::new());
    assert_eq!(asked("a and b", r#"{"a": true}"#), ["b"]);
    assert_eq!(asked("a and b", r#"{}"#), ["a", "b"]);
    assert_eq!(asked("a or b", r#"{"a": true}"#), Vec::<String>::new());
    assert_eq!(asked("a or b", r#"{"a": false}"#), ["b"]);
    assert_eq!(
        asked("kind is merger and d is before 2013-01-01", r#"{"kind": "none"}"#),
        Vec::<String>::new()
    );
    assert_eq!(asked("kind is merger and d is before 2013-01-01", r#"{"kind": "merger"}"#), ["d"]);
    assert_eq!(asked("n > 3", r#"{}"#), ["n"]);
    // No value of `kind` makes `kind is merger and kind is none` true, and `b` is false.
    assert_eq!(asked("(kind is merger and kind is none) or b", r#"{"b": false}"#), ["kind"]);
    assert_eq!(asked("(kind is merger and kind is none) and b", r#"{}"#), ["kind", "b"]);
    // A presence test is never unknown, and answering the fact would flip it; but the
    // advice given speaks of it already, so it is not asked about as well.
    assert_eq!(asked("d is unknown", r#"{}"#), Vec::<String>::new());
    assert_eq!(asked("not (d is unknown)", r#"{}"#), ["d"]);
    assert_eq!(asked("d is unknown", r#"{"d": "2013-01-01"}"#), Vec::<String>::new());
}

#[test]
fn a_fact_no_value_of_which_can_decide_is_not_asked_about() {
    // Whatever `kind` is, `kind is merger and kind is none` is false, leaving `a` to decide.
    assert_eq!(asked("(kind is merger and kind is none) or a", r#"{}"#), ["a"]);
    // Every value of `kind` makes this true once `a` is: `kind` is asked, and decides.
    assert_eq!(asked("(kind is merger or kind is none) and a", r#"{"a": true}"#), ["kind"]);
}

#[test]
fn quantifiers_follow_kleene_logic() {
    let groups = |needs: &[&str]| {
        let items: Vec<String> = needs.iter().map(|n| format!(r#"{{"name": "g", "needs": {n}}}"#)).collect();
        format!(r#"{{"groups": [{}]}}"#, items.join(","))
    };
    let any = "any g in groups where g.needs is complex";
    let all = "all g in groups where g.needs is complex";
    assert!(fires(any, &groups(&["\"mild\"", "\"complex\""])));
    assert!(fires(any, &groups(&["null", "\"complex\""])));
    assert!(!fires(any, &groups(&["\"mild\"", "null"])));
    assert_eq!(asked(any, &groups(&["\"mild\"", "null"])), ["groups[1].needs"]);
    assert!(!fires(any, &groups(&[])));
    assert!(fires(all, &groups(&[])));
    assert!(!fires(all, &groups(&["\"complex\"", "null"])));
    assert!(!fires(all, &groups(&["\"mild\"", "null"])));
    assert_eq!(asked(all, &groups(&["\"mild\"", "null"])), Vec::<String>::new());
    assert_eq!(asked(any, r#"{}"#), ["groups"]);
    let count = "(count g in groups where g.needs is complex) >= 2";
    assert!(fires(count, &groups(&["\"complex\"", "\"complex\"", "null"])));
    assert!(!fires(count, &groups(&["\"complex\"", "null"])));
    assert_eq!(asked(count, &groups(&["\"complex\"", "null"])), ["groups[1].needs"]);
    assert!(fires("count of groups == 3", &groups(&["null", "null", "null"])));
}

#[test]
fn per_item_rules_give_advice_per_item_in_list_order() {
    let rules = "rule r\n  for each g in groups\n  when g.needs is complex\n  warn \"Complex needs: {g.name}\" \"For {g}.\"\n  cite s\n";
    let case = r#"{"groups": [{"name": "one", "needs": "complex"}, {"name": "two", "needs": "mild"}, {"name": "three", "needs": "complex"}, {"name": "four"}]}"#;
    let report = run(rules, case);
    let titles: Vec<(&str, Option<&str>)> =
        report.advice.iter().map(|a| (a.title.as_str(), a.item.as_deref())).collect();
    assert_eq!(
        titles,
        [("Complex needs: one", Some("groups[0]")), ("Complex needs: three", Some("groups[2]"))]
    );
    assert_eq!(report.advice[0].text, "For one.");
    let questions: Vec<(&str, &str)> =
        report.questions.iter().map(|q| (q.fact.as_str(), q.text.as_str())).collect();
    assert_eq!(questions, [("groups[3].needs", "What are the needs of four?")]);
    let unnamed = run(rules, r#"{"groups": [{"needs": null}]}"#);
    assert_eq!(unnamed.questions[0].text, "What are the needs of groups[0]?");
}

#[test]
fn dates_and_durations() {
    assert!(fires("as_of is before d + 18 months", r#"{"d": "2013-04-01"}"#));
    assert!(!fires("as_of is before d + 18 months", r#"{"d": "2012-03-01"}"#));
    // 2012-03-01 + 18 months is 2013-09-01, the assessment date: no longer before it.
    assert!(fires("as_of is on or after d + 18 months", r#"{"d": "2012-03-01"}"#));
    assert!(fires("months between d and as_of == 5", r#"{"d": "2013-04-01"}"#));
    assert!(fires("months between d and as_of == 4", r#"{"d": "2013-04-02"}"#));
    assert!(fires("d - 1 year == 2012-04-01", r#"{"d": "2013-04-01"}"#));
    assert!(fires("d + 2 weeks == 2013-04-15", r#"{"d": "2013-04-01"}"#));
    assert!(fires("12 months is 1 year and 14 days is 2 weeks", "{}"));
    assert!(!fires("30 days is 1 month", "{}"));
    assert!(fires("18 months is more than 1 year", "{}"));
}

#[test]
fn membership_and_presence() {
    assert!(fires("kind in [merger, none]", r#"{"kind": "none"}"#));
    assert!(fires("kind not in [merger]", r#"{"kind": "none"}"#));
    assert!(fires("\"save money\" in reasons", r#"{"reasons": ["save money"]}"#));
    assert!(fires("reasons contains \"save money\"", r#"{"reasons": ["integrate", "save money"]}"#));
    assert!(!fires("reasons contains \"save money\"", r#"{}"#));
    assert!(fires("d is known", r#"{"d": "2013-04-01"}"#));
    assert!(fires("d is unknown", r#"{"d": null}"#));
    assert!(fires("groups is unknown", r#"{}"#));
    assert!(fires("groups is known", r#"{"groups": []}"#));
    assert!(fires("n is at least 2 and n is less than 3", r#"{"n": 2}"#));
}

#[test]
fn texts_write_values_for_people() {
    assert_eq!(text("{d + 18 months as month}", r#"{"d": "2013-04-01"}"#), "October 2014");
    assert_eq!(text("{d}", r#"{"d": "2013-04-01"}"#), "1 April 2013");
    assert_eq!(text("{reasons}", r#"{"reasons": ["a", "b", "c"]}"#), "a, b and c");
    assert_eq!(text("{a} and {n}", r#"{"a": true, "n": 2.5}"#), "yes and 2.5");
    assert_eq!(text("{d}", r#"{}"#), "(unknown)");
    assert_eq!(text("{months between d and as_of} months", r#"{"d": "2013-04-01"}"#), "5 months");
}

#[test]
fn because_lines_name_the_facts_and_values() {
    let report = run(
        &rule("kind is merger and not a and as_of is before d + 18 months"),
        r#"{"kind": "merger", "a": false, "d": "2013-04-01"}"#,
    );
    assert_eq!(
        report.advice[0].because,
        [
            "kind is merger",
            "a is false",
            "as_of is before d + 18 months (as_of is 2013-09-01, d is 2013-04-01)"
        ]
    );
}

#[test]
fn questions_list_the_rules_they_affect_most_first() {
    let rules = format!(
        "{}{}{}",
        rule("a").replace("rule r", "rule one"),
        rule("a and b").replace("rule r", "rule two"),
        rule("b or a").replace("rule r", "rule three")
    );
    let report = run(&rules, "{}");
    let questions: Vec<(&str, Vec<&str>)> =
        report.questions.iter().map(|q| (q.fact.as_str(), q.affects.clone())).collect();
    assert_eq!(questions, [("a", vec!["one", "two", "three"]), ("b", vec!["two", "three"])]);
}

#[test]
fn advice_is_deterministic() {
    let case = r#"{"kind": "merger", "groups": [{"name": "x", "needs": "complex"}]}"#;
    let rules = rule("kind is merger and any g in groups where g.needs is complex");
    assert_eq!(run(&rules, case), run(&rules, case));
}

#[test]
fn the_deepest_nesting_allowed_checks_and_evaluates() {
    let depth = accord::syntax::MAX_NESTING - 1;
    let condition = format!("{}not a{}", "(".repeat(depth - 1), ")".repeat(depth - 1));
    assert!(fires(&condition, r#"{"a": false}"#));
    assert_eq!(asked(&condition, r#"{}"#), ["a"]);
}

#[test]
fn an_overriding_rule_replaces_the_advice_it_overrides_item_by_item() {
    let rules = "rule general\n  for each g in groups\n  when g.needs is complex\n  note \"General for {g.name}\" \"x\"\n  cite s\n\
rule specific\n  for each g in groups\n  when g.needs is complex and a\n  overrides general\n  warn \"Specific for {g.name}\" \"x\"\n  cite s\n";
    let case = r#"{"a": true, "groups": [{"name": "one", "needs": "complex"}, {"name": "two", "needs": "complex"}]}"#;
    let titles: Vec<String> = run(rules, case).advice.into_iter().map(|a| a.title).collect();
    assert_eq!(titles, ["Specific for one", "Specific for two"]);
    let without_a = r#"{"a": false, "groups": [{"name": "one", "needs": "complex"}]}"#;
    let titles: Vec<String> = run(rules, without_a).advice.into_iter().map(|a| a.title).collect();
    assert_eq!(titles, ["General for one"]);
}

#[test]
fn a_rule_that_would_be_overridden_asks_nothing() {
    let rules = "rule general\n  when b\n  note \"General\" \"x\"\n  cite s\n\
rule specific\n  when a\n  overrides general\n  note \"Specific\" \"x\"\n  cite s\n";
    let report = run(rules, r#"{"a": true}"#);
    assert_eq!(report.advice.len(), 1);
    assert!(report.questions.is_empty(), "b cannot change the advice: {:?}", report.questions);
    let report = run(rules, r#"{"a": false}"#);
    assert_eq!(report.questions.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), ["b"]);
}

#[test]
fn derived_facts_compute_values_and_conditions() {
    let definitions = "define months_since as months between d and as_of\n\
define recent as months_since < 18 and kind is merger\n\
define most_needed as highest g.needs for g in groups\n";
    let rules = format!(
        "{definitions}rule r\n  when recent\n  note \"t\" \"{{months_since}} months; highest need {{most_needed}}\"\n  cite s\n"
    );
    let case =
        r#"{"d": "2013-04-01", "kind": "merger", "groups": [{"needs": "mild"}, {"needs": "complex"}]}"#;
    assert_eq!(run(&rules, case).advice[0].text, "5 months; highest need complex");
    let unknown_date = run(&rules, r#"{"kind": "merger"}"#);
    assert!(unknown_date.advice.is_empty());
    assert_eq!(unknown_date.questions.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), ["d"]);
}

#[test]
fn highest_and_lowest_follow_the_declared_order_and_unknown_items() {
    let groups = r#"{"groups": [{"needs": "mild"}, {"needs": "complex"}]}"#;
    assert!(fires("(highest g.needs for g in groups) is complex", groups));
    assert!(fires("(lowest g.needs for g in groups) is mild", groups));
    assert!(fires("(highest g.needs for g in groups) > mild", groups));
    let one_unknown = r#"{"groups": [{"needs": "mild"}, {"needs": null}]}"#;
    assert!(!fires("(highest g.needs for g in groups) is mild", one_unknown));
    assert_eq!(asked("(highest g.needs for g in groups) is mild", one_unknown), ["groups[1].needs"]);
}

/// The outcome of the single rule `r` in a report: fired, or not (then whether it is
/// decided is told by the questions, so the full outcome comes from `explain`).
fn outcome(condition: &str, case: &str) -> accord::eval::OutcomeKind {
    let rule_base = compile(&vocabulary(), &rule(condition));
    let case = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("valid case");
    rule_base.explain(&case, Date::parse("2013-09-01").expect("valid"), &[]).remove(0).outcome
}

/// A fact is asked about if and only if some value of it changes the rule's outcome, given
/// everything else that is known: checked by brute force over every combination of known
/// and unknown values of three facts, for conditions that mix `and`, `or`, `not`, repeated
/// facts and contradictions.
#[test]
fn a_fact_is_asked_about_exactly_when_some_value_of_it_changes_an_outcome() {
    let conditions = [
        "a and b",
        "a or b",
        "not a and kind is merger",
        "(a or kind is none) and not b",
        "(kind is merger and kind is none) or a",
        "(a and not a) or (b and kind is merger)",
        "a and (b or not b)",
        "not (a or b) or kind in [merger]",
    ];
    let a_values = ["true", "false", "null"];
    let kind_values = ["\"none\"", "\"merger\"", "null"];
    for condition in conditions {
        for a in a_values {
            for b in a_values {
                for kind in kind_values {
                    let case =
                        |a: &str, b: &str, kind: &str| format!(r#"{{"a": {a}, "b": {b}, "kind": {kind}}}"#);
                    let base = outcome(condition, &case(a, b, kind));
                    let mut expected = Vec::new();
                    let changes = |v: &str, alternatives: &[&str], build: &dyn Fn(&str) -> String| {
                        v == "null"
                            && alternatives
                                .iter()
                                .any(|alt| *alt != "null" && outcome(condition, &build(alt)) != base)
                    };
                    if changes(a, &a_values, &|v| case(v, b, kind)) {
                        expected.push("a");
                    }
                    if changes(b, &a_values, &|v| case(a, v, kind)) {
                        expected.push("b");
                    }
                    if changes(kind, &kind_values, &|v| case(a, b, v)) {
                        expected.push("kind");
                    }
                    let mut got = asked(condition, &case(a, b, kind));
                    got.sort();
                    assert_eq!(got, expected, "{condition} with a={a} b={b} kind={kind}");
                }
            }
        }
    }
}

/// A derived fact met again in one evaluation is recalled, not evaluated again; the recall
/// still counts as reading the facts under it. Here each branch needs two tests of `m`
/// (a number derived from `n`) to hold together, so `n` matters only if every test of `m`
/// counts as reading it.
#[test]
fn a_derived_fact_recalled_still_reads_the_facts_under_it() {
    let rules =
        format!("define m as n + 1\n\n{}", rule("(m < 18 and not (m < 10)) or (not (m < 18) and m < 10)"));
    let report = run(&rules, "{}");
    let asked: Vec<&str> = report.questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(asked, ["n"]);
    assert!(run(&rules, r#"{"n": 14}"#).advice.len() == 1, "n = 14 gives m = 15: the first branch holds");
}

#[test]
fn a_derived_condition_already_decided_asks_nothing_about_a_date_it_tests_for_presence() {
    // Trying values of a date forced the truth of whole atoms that read it; the atom that
    // holds a derived condition was forced too, as if the derived condition could be true
    // while `kind is merger` inside it was false, and `d` was asked about.
    let definitions = "define undated_merger as kind is merger and d is unknown\n\
define dated_or_not as kind is merger and (d is unknown or as_of is before d)\n";
    for name in ["undated_merger", "dated_or_not"] {
        let rules = format!("{definitions}rule r\n  when {name}\n  note \"t\" \"x\"\n  cite s\n");
        let decided = run(&rules, r#"{"kind": "none"}"#);
        assert!(decided.advice.is_empty() && decided.questions.is_empty(), "{name}: {:?}", decided.questions);
    }
    let rules = format!("{definitions}rule r\n  when dated_or_not\n  note \"t\" \"x\"\n  cite s\n");
    let open = run(&rules, r#"{"d": "2014-01-01"}"#);
    assert_eq!(open.questions.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), ["kind"]);
}

#[test]
fn a_question_is_asked_only_when_its_fact_s_condition_holds() {
    let vocabulary_extra = "fact phase is one of early, late\n  ask \"Which phase?\"\n  only when d is unknown or as_of is before d\n";
    let rules = format!(
        "{vocabulary_extra}rule r\n  when kind is merger and (phase is early or d is unknown)\n  note \"t\" \"x\"\n  cite s\n"
    );
    let asked = |case: &str| run(&rules, case).questions.into_iter().map(|q| q.fact).collect::<Vec<_>>();
    // The date has passed: the phase is not asked for, though it could change the advice.
    assert_eq!(asked(r#"{"kind": "merger", "d": "2012-01-01"}"#), Vec::<String>::new());
    // The date is ahead, or unknown: it is.
    assert_eq!(asked(r#"{"kind": "merger", "d": "2014-01-01"}"#), ["phase"]);
}

#[test]
fn advice_that_rests_on_a_derived_condition_still_asks_for_the_facts_it_read() {
    // The rule fires because `d` is unknown inside a derived condition: the advice is about
    // the stage, not about `d`, and `d` (which would sharpen it) is still asked for.
    let rules = "define undated as kind is merger and d is unknown\n\
                 rule r\n  when undated\n  note \"t\" \"x\"\n  cite s\n\n\
                 rule direct\n  when kind is merger and reasons is unknown\n  note \"t\" \"x\"\n  cite s\n";
    let report = run(rules, r#"{"kind": "merger"}"#);
    assert_eq!(report.advice.len(), 2);
    // `reasons` is what `direct` advises on: not asked as well.
    assert_eq!(report.questions.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), ["d"]);
}

#[test]
fn a_date_whose_answer_cannot_change_a_decided_condition_is_not_asked() {
    // Known or not, `d` cannot make `both` true. Trying the truths of the tests that read
    // `d` one by one, as if independent, once found a combination (both true) that made
    // the rule fire, and `d` was asked about.
    let rules = "define both as d is unknown and d is known\n\
                 rule r\n  when kind is merger and both\n  note \"t\" \"x\"\n  cite s\n";
    let report = run(rules, r#"{"kind": "merger"}"#);
    assert!(report.advice.is_empty());
    assert_eq!(report.questions.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), Vec::<&str>::new());
    // Where the answer can change a derived condition, it still is asked.
    let rules = "define ahead as d is unknown or as_of is before d\n\
                 rule r\n  when kind is merger and not ahead\n  note \"t\" \"x\"\n  cite s\n";
    let report = run(rules, r#"{"kind": "merger"}"#);
    assert_eq!(report.questions.iter().map(|q| q.fact.as_str()).collect::<Vec<_>>(), ["d"]);
}

/// The outcome of the single rule `r` for `case` as the engine gives it (tree walker and
/// flat conditions, through `evaluate`) and as the reference evaluator does; they must agree.
fn truth_everywhere(condition: &str, case: &str) -> accord::Truth {
    truth_everywhere_on("2013-09-01", condition, case)
}

/// As [`truth_everywhere`], assessed on `as_of`.
fn truth_everywhere_on(as_of: &str, condition: &str, case: &str) -> accord::Truth {
    let rule_base = compile(&vocabulary(), &rule(condition));
    let parsed = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("valid case");
    let as_of = Date::parse(as_of).expect("valid");
    let engine = rule_base.evaluate(&parsed, as_of).remove(0).truth;
    let json: serde_json::Value = serde_json::from_str(case).expect("JSON");
    let reference = accord::eval::reference::reference_outcomes(&rule_base, &json, as_of).remove(0).2;
    assert_eq!(engine, reference, "{condition} for {case}: engine and reference");
    engine
}

/// Arithmetic past the largest number is unknown, never a truth: `1e308 + 1e308` used to
/// be infinity, which compared equal to every number (and infinity minus itself, NaN, was
/// both at most 0 and at least 1).
#[test]
fn arithmetic_past_the_largest_number_is_unknown() {
    use accord::Truth::Unknown;
    let huge = r#"{"n": 1e308}"#;
    for condition in [
        "n + n is 0",
        "n + n is not 0",
        "n + n > 1",
        "n + n - (n + n) is at most 0",
        "n + n - (n + n) is at least 1",
        "0 - n - n < 0",
    ] {
        assert_eq!(truth_everywhere(condition, huge), Unknown, "{condition}");
        assert!(!fires(condition, huge), "{condition}");
    }
    // Short of overflowing, arithmetic is as before.
    assert_eq!(truth_everywhere("n > 0 - n", huge), accord::Truth::True);
    assert_eq!(truth_everywhere("n - n is 0", huge), accord::Truth::True);
    // The rule is undetermined, with nothing to ask: `n` is known.
    assert_eq!(outcome("n + n is 0", huge), accord::eval::OutcomeKind::Unknown);
}

/// Date arithmetic past the calendar's last day (9999-12-31) or before its first
/// (0001-01-01) gives exact dates beyond it, after (or before) every date of the
/// calendar: `9999-06-01 + 18 months` used to be unknown, so that a rule on it was left
/// undecided with every fact known and nothing to ask.
#[test]
fn dates_past_either_end_of_the_calendar_are_exact() {
    use accord::Truth::{False, True};
    let late = r#"{"d": "9999-06-01"}"#;
    for (condition, expected) in [
        ("as_of is before d + 18 months", True),
        ("as_of is on or after d + 18 months", False),
        ("d + 18 months is after 9999-12-31", True),
        ("d + 18 months is 9999-12-31", False),
        ("d + 1 year is d + 12 months", True),
        ("d + 18 months is after d + 1 year", True),
        ("d + 18 months - 18 months is d", True),
        ("d + 100 years - 1 day is before d + 100 years", True),
        ("months between as_of and d + 18 months is 11", True),
        ("months between d + 3 years and d is 0 - 36", True),
    ] {
        assert_eq!(truth_everywhere_on("9999-12-31", condition, late), expected, "{condition}");
    }
    let early = r#"{"d": "0001-03-01"}"#;
    for (condition, expected) in [
        ("d - 1 year is before 0001-01-01", True),
        ("d - 1 year is after as_of", False),
        ("months between d - 2 years and d is 24", True),
        ("d - 1000000 years + 1000000 years is d", True),
        ("d - 1 month - 1 day is 0001-01-31", True),
    ] {
        assert_eq!(truth_everywhere_on("0001-06-01", condition, early), expected, "{condition}");
    }
    // The year 10000 is a leap year, as every year divisible by 400.
    let march = r#"{"d": "9999-03-01"}"#;
    assert_eq!(truth_everywhere_on("9999-12-31", "d + 1 year is d + 366 days", march), True);
    let text = text("{d + 18 months as month}, {d + 1 year}", late);
    assert_eq!(text, "December 10000, 1 June 10000");
}
