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
    let declared: BTreeSet<String> = rules.lessons.keys().cloned().collect();
    let undeclared: Vec<&String> = paper.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "rules/lessons.accord declares every lesson of the paper; missing {undeclared:?}"
    );
    for lesson in &paper {
        let encoded_by = rules.rules.iter().filter(|r| r.lessons.contains(lesson)).count();
        assert!(encoded_by > 0, "no rule encodes lesson {lesson}");
    }
}

/// What the team requires of every rule is declared in the rule files (`policy`), and
/// `accord check` holds the rules to it (W0312): the shipped rule base declares one and
/// meets it, whatever it says.
#[test]
fn the_shipped_rules_declare_a_policy_and_meet_it() {
    let rules = rules();
    assert!(!rules.policy.is_empty(), "rules/ declares a policy");
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
    for (key, origin) in &rules.source_origins {
        let cited = rules.rules.iter().any(|r| r.citations.iter().any(|c| &c.source == key));
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
    let mut fired = vec![false; rules.rules.len()];
    let mut silent = vec![false; rules.rules.len()];
    for path in &fixtures {
        let text = std::fs::read_to_string(path).expect("readable");
        let case =
            accord::parse_case(&path.to_string_lossy(), &text, &rules.vocabulary).expect("valid fixture");
        let as_of = case.assessed_on.unwrap_or_else(|| Date::parse(DEFAULT_AS_OF).expect("valid"));
        for outcome in rules.evaluate(&case, as_of) {
            if outcome.gives_advice() {
                fired[outcome.rule] = true;
            } else if outcome.truth == Truth::False {
                silent[outcome.rule] = true;
            }
        }
    }
    let never_fired: Vec<&str> =
        rules.rules.iter().zip(&fired).filter(|(_, f)| !**f).map(|(r, _)| r.id.as_str()).collect();
    let never_silent: Vec<&str> =
        rules.rules.iter().zip(&silent).filter(|(_, s)| !**s).map(|(r, _)| r.id.as_str()).collect();
    assert!(never_fired.is_empty(), "rules that fire in no fixture: {never_fired:?}");
    assert!(never_silent.is_empty(), "rules that are silent in no fixture: {never_silent:?}");
}
