//! The shipped rule base as content: every lesson of docs/LESSONS.md is encoded, every rule
//! meets the policy the rule base declares (`rules/policy.accord`), every source is cited
//! or kept uncited on purpose, and every rule both fires and stays silent somewhere among
//! the fixtures, so each one's advice is shown (and snapshot) in context.

use std::collections::BTreeSet;
use std::path::PathBuf;

use accord::{Date, RuleBase, RuleFiles, Truth};

fn rules() -> RuleBase {
    RuleFiles::embedded().compile().rule_base.expect("the shipped rules check cleanly")
}

/// The lesson ids of docs/LESSONS.md: the lines `- F1 ...`.
fn lessons_of_the_paper() -> BTreeSet<String> {
    let text = std::fs::read_to_string("docs/LESSONS.md").expect("docs/LESSONS.md exists");
    text.lines()
        .filter_map(|line| line.strip_prefix("- "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|id| id.len() == 2 && id.starts_with(['F', 'C', 'S', 'O']))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_lesson_of_the_paper_is_declared_and_encoded() {
    let rules = rules();
    let paper = lessons_of_the_paper();
    assert!(!paper.is_empty(), "docs/LESSONS.md lists the lessons as `- ID ...` lines");
    let declared: BTreeSet<String> = rules.lessons().keys().cloned().collect();
    let undeclared: Vec<&String> = paper.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "rules/lessons.accord declares every lesson of the paper; missing {undeclared:?}"
    );
    for lesson in &paper {
        let encoded_by = rules.rules().iter().filter(|r| r.lessons.contains(lesson)).count();
        assert!(encoded_by > 0, "no rule encodes lesson {lesson}");
    }
}

/// What the team requires of every rule is declared in the rule files (`policy`), and
/// `accord check` holds the rules to it (W0312): the shipped rule base declares one and
/// meets it, whatever it says.
#[test]
fn the_shipped_rules_declare_a_policy_and_meet_it() {
    let rules = rules();
    assert!(!rules.policy().is_empty(), "rules/ declares a policy");
    let broken: Vec<String> = accord::lint::lint(&rules)
        .warnings
        .iter()
        .filter(|w| w.code == "W0312")
        .map(|w| w.message.clone())
        .collect();
    assert_eq!(broken, Vec::<String>::new());
}

#[test]
fn every_source_is_cited_by_some_rule() {
    let rules = rules();
    for (key, origin) in rules.source_origins() {
        let cited = rules.rules().iter().any(|r| r.citations.iter().any(|c| &c.source == key));
        let kept_uncited = origin.allows.iter().any(|allowed| allowed.code == "W0303");
        assert!(cited != kept_uncited, "{key}: cited {cited}, kept uncited on purpose {kept_uncited}");
    }
}

/// Cases without `assessed_on` are assessed on the same date as in the snapshots.
const DEFAULT_AS_OF: &str = "2013-06-01";

fn fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .expect("fixtures exist")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_rule_fires_in_some_fixture_and_stays_silent_in_another() {
    let rules = rules();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 25, "at least 25 fixtures");
    let mut fired = vec![false; rules.rules().len()];
    let mut silent = vec![false; rules.rules().len()];
    for path in &fixtures {
        let text = std::fs::read_to_string(path).expect("readable");
        let case =
            accord::parse_case(&path.to_string_lossy(), &text, rules.vocabulary()).expect("valid fixture");
        let as_of = case.assessed_on.unwrap_or_else(|| Date::parse(DEFAULT_AS_OF).expect("valid"));
        for outcome in rules.evaluate(&case, as_of) {
            if outcome.gives_advice() {
                fired[outcome.rule.0] = true;
            } else if outcome.truth == Truth::False {
                silent[outcome.rule.0] = true;
            }
        }
    }
    let never_fired: Vec<&str> =
        rules.rules().iter().zip(&fired).filter(|(_, f)| !**f).map(|(r, _)| r.id.as_str()).collect();
    let never_silent: Vec<&str> =
        rules.rules().iter().zip(&silent).filter(|(_, s)| !**s).map(|(r, _)| r.id.as_str()).collect();
    assert!(never_fired.is_empty(), "rules that fire in no fixture: {never_fired:?}");
    assert!(never_silent.is_empty(), "rules that are silent in no fixture: {never_silent:?}");
}

/// The advice ids and the questions' facts for fixture 02 (a merger seven months on) moved
/// to `date`, assessed on `as_of`.
fn merger_seven_months_on(date: &str, as_of: &str) -> (Vec<String>, Vec<String>) {
    let rules = rules();
    let text = std::fs::read_to_string("fixtures/02-wyverton-merger-in-stall-window.json").expect("readable");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    json["change"]["date"] = date.into();
    json["assessed_on"] = as_of.into();
    let case = accord::parse_case("case.json", &json.to_string(), rules.vocabulary()).expect("valid");
    let report = rules.advise(&case, Date::parse(as_of).expect("valid"));
    let advice = report.advice.iter().map(|a| a.rule.to_string()).collect();
    (advice, report.questions.iter().map(|q| q.fact.clone()).collect())
}

/// A merger dated in the calendar's last years gets the advice it gets in any other year:
/// `change.date + 18 months` passes 9999-12-31, and was unknown, so that every fact was
/// known, yet the stall advice went missing and nothing was asked.
#[test]
fn a_merger_dated_near_the_calendar_s_end_is_advised_as_in_any_year() {
    let (advice, questions) = merger_seven_months_on("2019-11-15", "2020-06-14");
    assert!(advice.iter().any(|rule| rule == "merger_stalls_development"), "{advice:?}");
    assert_eq!(merger_seven_months_on("9999-05-14", "9999-12-14"), (advice, questions));
}
