//! `accord coverage`, end to end through the built binary: on the shipped rules and
//! fixtures (every rule fires somewhere), and on the small rule base of
//! `fixtures/coverage/` (one rule never fires, one part is never false).
#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking")]

use std::process::Output;

mod common;

use common::{accord, json, scratch, stderr, stdout};

use serde_json::{Value, json};

/// The tests' default date for the fixture without `assessed_on`, as in the snapshots.
const AS_OF: &str = "2013-06-01";

const RULES: &str = "fixtures/coverage/rules.accord";
const CASES: &str = "fixtures/coverage/cases";

/// The small rule base over its cases, with `args` added.
fn small(args: &[&str]) -> Output {
    let mut all = vec!["coverage", "--rules", RULES, CASES];
    all.extend_from_slice(args);
    accord(&all)
}

fn rule<'j>(report: &'j Value, id: &str) -> &'j Value {
    report["rules"].as_array().unwrap().iter().find(|r| r["rule"] == id).unwrap_or_else(|| panic!("{id}"))
}

#[test]
fn every_shipped_rule_fires_in_some_fixture() {
    let output = accord(&["coverage", "--format", "json", "--min", "100", "--as-of", AS_OF, "fixtures"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["format"], "accord.coverage.v1");
    let fixtures = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
        .count();
    assert_eq!(report["cases"], fixtures);
    assert_eq!(report["rules_fired"], report["rules_total"]);
    assert_eq!(report["percent_fired"], 100.0);
    let rules = report["rules"].as_array().unwrap();
    assert!(rules.len() >= 42);
    for rule in rules {
        assert_eq!(rule["ever_fired"], true, "{}", rule["rule"]);
        let cases = &rule["cases"];
        let total: u64 =
            ["fired", "not_fired", "unknown", "overridden"].iter().map(|k| cases[k].as_u64().unwrap()).sum();
        assert_eq!(total, fixtures as u64, "{}", rule["rule"]);
        assert!(!rule["parts"].as_array().unwrap().is_empty(), "{}", rule["rule"]);
        // Values of lists no fixture had are reported, not counted against --min.
        assert!(rule["never_matched"].is_array(), "{}", rule["rule"]);
    }
    // Per-item rules count their items alongside.
    let per_group = rule(&report, "full_integration_for_complex_needs");
    assert_eq!(per_group["for_each"], "groups");
    assert!(per_group["items"]["fired"].as_u64().unwrap() >= per_group["cases"]["fired"].as_u64().unwrap());
    // Every source is cited, but those the rule base keeps uncited on purpose (`allow
    // W0303`), and every quote shown, in some advice.
    let rule_base = accord::RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
    let kept_uncited: Vec<Value> = rule_base
        .source_origins()
        .iter()
        .filter(|(_, origin)| origin.allows.iter().any(|allowed| allowed.code == "W0303"))
        .map(|(key, _)| json!({"key": key, "cited_by": []}))
        .collect();
    assert_eq!(report["uncited_sources"], json!(kept_uncited));
    assert_eq!(report["unshown_quotes"], json!([]));
}

#[test]
fn the_text_report_lists_rules_never_fired_first_then_the_others() {
    let output = small(&["--format", "text", "--as-of", "2010-06-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Coverage of 4 rules by 3 cases: 3 fired in at least one case (75%).\n"),
        "{text}"
    );
    let never = text.find("\nNever fired (1):\n  merger_without_vision ").expect(&text);
    let fired = text.find("\nFired (3):\n  savings_from_merger ").expect(&text);
    assert!(never < fired, "{text}");
    let order: Vec<usize> = ["savings_from_merger", "recent_change", "pool_funding"]
        .iter()
        .map(|id| text.find(&format!("\n  {id} ")).expect(id))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "rule order kept: {text}");
    assert!(text.contains("      never true:  change.vision_communicated is false\n"), "{text}");
    assert!(text.contains("      never false: change.kind is merger\n"), "{text}");
    assert!(text.contains("    items of groups      fired 1  silent 1  unknown 0  overridden 0\n"), "{text}");
    assert!(text.contains("  audit_2011 (cited only by merger_without_vision)\n"), "{text}");
    assert!(text.contains("  unused_guide (cited by no rule)\n"), "{text}");
    assert!(
        text.contains("  merger_without_vision cites audit_2011 at \"p. 9\":\n    \"Leaders should communicate a vision.\"\n"),
        "{text}"
    );
}

#[test]
fn the_json_report_counts_cases_items_and_parts() {
    let output = small(&["--format", "json", "--as-of", "2010-06-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["cases"], 3);
    assert_eq!(report["rules_total"], 4);
    assert_eq!(report["rules_fired"], 3);
    assert_eq!(report["percent_fired"], 75.0);
    let ids: Vec<&str> =
        report["rules"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert_eq!(ids, ["merger_without_vision", "savings_from_merger", "recent_change", "pool_funding"]);
    let never = rule(&report, "merger_without_vision");
    assert_eq!(never["ever_fired"], false);
    assert_eq!(never["cases"], json!({"fired": 0, "not_fired": 2, "unknown": 1, "overridden": 0}));
    assert_eq!(never["never_true"], json!(["change.vision_communicated is false"]));
    assert_eq!(never["never_false"], json!([]));
    let savings = rule(&report, "savings_from_merger");
    assert_eq!(savings["never_false"], json!(["change.kind is merger"]));
    assert_eq!(
        savings["parts"][0],
        json!({"text": "change.kind is merger", "true": 3, "false": 0, "unknown": 0, "values": null})
    );
    assert_eq!(savings["items"], Value::Null);
    let per_group = rule(&report, "pool_funding");
    // A fired in one of its two groups; B has no groups; C does not say.
    assert_eq!(per_group["cases"], json!({"fired": 1, "not_fired": 1, "unknown": 1, "overridden": 0}));
    assert_eq!(per_group["items"], json!({"fired": 1, "not_fired": 1, "unknown": 0, "overridden": 0}));
    assert_eq!(
        report["uncited_sources"],
        json!([{"key": "audit_2011", "cited_by": ["merger_without_vision"]}, {"key": "unused_guide", "cited_by": []}])
    );
    assert_eq!(
        report["unshown_quotes"],
        json!([{
            "rule": "merger_without_vision",
            "source": "audit_2011",
            "locator": "p. 9",
            "quoted_in": null,
            "quote": "Leaders should communicate a vision."
        }])
    );
}

#[test]
fn a_case_s_own_date_comes_before_as_of() {
    // B has no `assessed_on`: --as-of dates it. A and C keep their own 2013-09-01, so a
    // late --as-of does not stop A's change (April 2013) being recent.
    let fired = |as_of: &str| {
        rule(&json(&small(&["--format", "json", "--as-of", as_of])), "recent_change")["cases"]["fired"]
            .clone()
    };
    assert_eq!(fired("2010-06-01"), 2);
    assert_eq!(fired("2015-01-01"), 1);
}

#[test]
fn min_fails_below_the_share_of_rules_fired() {
    for (min, code) in [("50", 0), ("75", 0), ("75%", 0), ("75.1", 1), ("100", 1)] {
        let output = small(&["--format", "json", "--as-of", "2010-06-01", "--min", min]);
        assert_eq!(output.status.code(), Some(code), "--min {min}: {}", stderr(&output));
        // The report is printed either way.
        assert_eq!(json(&output)["rules_fired"], 3);
        if code == 1 {
            let message = stderr(&output);
            assert!(message.contains("3 of 4 rules (75%) fired in at least one case"), "{message}");
            assert!(message.contains("never fired: merger_without_vision"), "{message}");
        } else {
            assert!(!stderr(&output).contains("error"), "{}", stderr(&output));
        }
    }
    let output = small(&["--min", "150"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("not a percentage from 0 to 100"));
}

#[test]
fn files_and_folders_can_be_mixed() {
    let output = accord(&[
        "coverage",
        "--format",
        "json",
        "--rules",
        RULES,
        "--as-of",
        "2010-06-01",
        "fixtures/coverage/cases/a-merger-expecting-savings.json",
        CASES,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["cases"], 4);
    assert_eq!(rule(&report, "savings_from_merger")["cases"]["fired"], 2);
}

#[test]
fn bad_cases_are_reported_and_the_others_still_counted() {
    let dir = scratch("coverage", "bad-cases");
    std::fs::write(dir.join("bad.json"), "{\"chnage\": {\"kind\": \"merger\"}}\n").unwrap();
    std::fs::write(
        dir.join("good.json"),
        "{\"change\": {\"kind\": \"merger\", \"expects_savings\": true}}\n",
    )
    .unwrap();
    let empty = dir.join("empty-folder");
    std::fs::create_dir_all(&empty).unwrap();
    let output = accord(&[
        "coverage",
        "--format",
        "json",
        "--rules",
        RULES,
        "--as-of",
        "2013-01-01",
        dir.to_str().unwrap(),
        empty.to_str().unwrap(),
        "fixtures/coverage/no-such-case.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("error[E0302]: unknown field `chnage`"), "{message}");
    assert!(message.contains("bad.json:1:2"), "{message}");
    assert!(message.contains("no case files in"), "{message}");
    assert!(message.contains("cannot read `fixtures/coverage/no-such-case.json`"), "{message}");
    let report = json(&output);
    assert_eq!(report["cases"], 1);
    assert_eq!(rule(&report, "savings_from_merger")["cases"]["fired"], 1);
}

#[test]
fn a_bad_rule_base_or_command_line_is_refused() {
    let output = accord(&["coverage", "--rules", "fixtures/bad-rules/E0203-unknown-fact.accord", CASES]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("E0203"), "{}", stderr(&output));
    assert_eq!(accord(&["coverage"]).status.code(), Some(2));
    assert_eq!(accord(&["coverage", "--format", "yaml", CASES]).status.code(), Some(2));
}

/// A rule base whose conditions test values against lists: of a `one of` fact, negated, per
/// item, per item of a list of text, of numbers, of a fact no case gives; and text in a
/// list-of-text fact, which has no list of values written out.
const LISTS: &str = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"

fact change.kind is one of none, merger, restructure, pooled_budget, joint_commissioning
  ask "What structural change is proposed?"
fact change.stated_reasons is a list of text
  ask "What reasons are given for the change?"
fact budget is a number
  ask "How many pounds are pooled, in millions?"
fact region is one of north, south
  ask "Which region is the partnership in?"
fact groups is a list of records
  ask "Which groups?"
fact groups[].name is text
  ask "What is this group called?"
fact groups[].needs is one of mild, complex, unpredictable
  ask "What are the needs of {groups[].name}?"

rule pooling
  when change.kind in [pooled_budget, joint_commissioning] or region in [north, south]
  note "Pooling" "Pooling or joint commissioning."
  cite s

rule not_structural
  when change.kind is not in [merger, restructure]
  note "Not structural" "No structural change."
  cite s

rule complex_needs
  for each group in groups
  when group.needs in [complex, unpredictable]
  note "Complex {group.name}" "Complex needs."
  cite s

rule reasons_given
  when any reason in change.stated_reasons where reason in ["save money", "integrate care"]
  note "Reasons" "A reason on the list."
  cite s

rule saving_money
  when "save money" in change.stated_reasons and budget in [1, 2.5]
  note "Saving" "Saving money."
  cite s
"#;

/// The coverage of [`LISTS`] over three cases: a pooled budget for a group of complex
/// needs, a merger for a group of mild needs, and a case that says nothing.
fn lists(args: &[&str]) -> Output {
    let dir = scratch("coverage", &format!("lists-{}", args.join("-").replace(['/', '%'], "")));
    std::fs::write(dir.join("rules.accord"), LISTS).unwrap();
    let cases = dir.join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    let write = |name: &str, text: &str| std::fs::write(cases.join(name), text).unwrap();
    write(
        "1.json",
        r#"{"change": {"kind": "pooled_budget", "stated_reasons": ["save money"]}, "budget": 1.0,
            "groups": [{"name": "older people", "needs": "complex"}]}"#,
    );
    write("2.json", r#"{"change": {"kind": "merger"}, "groups": [{"name": "adults", "needs": "mild"}]}"#);
    write("3.json", "{}");
    let rules = dir.join("rules.accord");
    let mut all = vec!["coverage", "--rules", rules.to_str().unwrap(), cases.to_str().unwrap()];
    all.extend_from_slice(args);
    accord(&all)
}

#[test]
fn the_values_of_a_list_no_case_had_are_reported_as_text() {
    let output = lists(&["--format", "text", "--as-of", "2013-06-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for line in [
        "      change.kind in [pooled_budget, joint_commissioning]: no case had joint_commissioning\n",
        "      change.kind is not in [merger, restructure]: no case had restructure\n",
        "      group.needs in [complex, unpredictable]: no case had unpredictable\n",
        "      reason in [\"save money\", \"integrate care\"]: no case had \"integrate care\"\n",
        "      budget in [1, 2.5]: no case had 2.5\n",
    ] {
        assert!(text.contains(line), "{line}{text}");
    }
    // A test no case gave a value to is never true nor false: that says it all.
    assert!(text.contains("      never true:  region in [north, south]\n"), "{text}");
    assert!(!text.contains("region in [north, south]: no case had"), "{text}");
    // Text looked for in a list-of-text fact has no values written out to report.
    assert!(!text.contains("\"save money\" in change.stated_reasons: no case had"), "{text}");
    // Under its rule.
    let rule = text.find("\n  pooling ").expect(&text);
    let line = text.find("no case had joint_commissioning").unwrap();
    let next = text.find("\n  not_structural ").expect(&text);
    assert!(rule < line && line < next, "{text}");
}

#[test]
fn the_values_of_a_list_no_case_had_are_reported_as_json() {
    let output = lists(&["--format", "json", "--as-of", "2013-06-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["format"], "accord.coverage.v1");
    let pooling = rule(&report, "pooling");
    assert_eq!(
        pooling["never_matched"],
        json!([{"text": "change.kind in [pooled_budget, joint_commissioning]", "values": ["joint_commissioning"]}])
    );
    // Each value with the evaluations whose value was it; the case that does not say is
    // counted as unknown, not as any value.
    assert_eq!(
        pooling["parts"][0],
        json!({
            "text": "change.kind in [pooled_budget, joint_commissioning]",
            "true": 1,
            "false": 1,
            "unknown": 1,
            "values": [{"value": "pooled_budget", "matched": 1}, {"value": "joint_commissioning", "matched": 0}]
        })
    );
    assert_eq!(
        rule(&report, "not_structural")["never_matched"],
        json!([{"text": "change.kind is not in [merger, restructure]", "values": ["restructure"]}])
    );
    assert_eq!(
        rule(&report, "reasons_given")["never_matched"],
        json!([{"text": "reason in [\"save money\", \"integrate care\"]", "values": ["\"integrate care\""]}])
    );
    // No case gave a region, so none is counted, and no value is singled out.
    assert_eq!(
        pooling["parts"][1]["values"],
        json!([{"value": "north", "matched": 0}, {"value": "south", "matched": 0}])
    );
    // 1.0 is the 1 of the list.
    let saving = rule(&report, "saving_money");
    assert_eq!(saving["never_matched"], json!([{"text": "budget in [1, 2.5]", "values": ["2.5"]}]));
    // A test that is not a written-out list has no values.
    assert_eq!(saving["parts"][0]["text"], "\"save money\" in change.stated_reasons");
    assert_eq!(saving["parts"][0]["values"], Value::Null);
}

#[test]
fn values_no_case_had_do_not_fail_min() {
    let output = lists(&["--format", "json", "--as-of", "2013-06-01", "--min", "100"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["percent_fired"], 100.0);
    assert_eq!(rule(&report, "complex_needs")["never_matched"][0]["values"], json!(["unpredictable"]));
}
