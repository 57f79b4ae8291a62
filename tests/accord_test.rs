//! `accord test`, end to end: new reports wait to be accepted, accepted ones pass, a
//! changed rule fails with the change word by word, `--review` accepts or rejects each,
//! and the snapshot files are insta's (insta reads them back).

#![allow(clippy::panic, clippy::unwrap_used, reason = "a test fails by panicking, with what went wrong")]

mod common;

use std::path::Path;

use common::{accord_in, manifest_dir, run_with_input, scratch, stdout};

const SHIRE: &str = "01-shire-integrated-care.json";
const WYVERTON: &str = "02-wyverton-merger-in-stall-window.json";

/// A folder with two fixtures in `cases/` and a copy of the rules in `rules/`.
fn project(test: &str) -> common::Scratch {
    let dir = scratch("accord_test", test);
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    for case in [SHIRE, WYVERTON] {
        std::fs::copy(manifest_dir().join("fixtures").join(case), dir.join("cases").join(case)).unwrap();
    }
    std::fs::create_dir_all(dir.join("rules/texts")).unwrap();
    for entry in std::fs::read_dir(manifest_dir().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join("rules").join(path.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir(manifest_dir().join("rules/texts")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("rules/texts").join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn snapshot(dir: &Path, case: &str) -> std::path::PathBuf {
    dir.join("cases/snapshots").join(case.replace(".json", ".snap"))
}

#[test]
fn new_reports_wait_until_accepted_then_pass() {
    let dir = project("accept");
    let first = accord_in(&dir, &["test", "cases"]);
    assert_eq!(first.status.code(), Some(1), "{}", stdout(&first));
    assert!(stdout(&first).contains("2 cases: 0 passed, 0 changed, 2 new"), "{}", stdout(&first));
    assert!(
        snapshot(&dir, SHIRE).with_extension("snap.new").is_file(),
        "the report waits beside its snapshot"
    );
    assert!(!snapshot(&dir, SHIRE).is_file());

    let accepted = accord_in(&dir, &["test", "--accept", "cases"]);
    assert_eq!(accepted.status.code(), Some(0), "{}", stdout(&accepted));
    assert!(snapshot(&dir, SHIRE).is_file() && !snapshot(&dir, SHIRE).with_extension("snap.new").exists());

    let again = accord_in(&dir, &["test", "cases"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    assert!(stdout(&again).contains("2 cases: 2 passed, 0 changed, 0 new"), "{}", stdout(&again));
}

/// The file `accord test` keeps is insta's: insta reads it back, with the report as its
/// contents, so `cargo insta review` and `accord test` read the same files.
#[test]
fn the_snapshots_are_insta_snapshots() {
    let dir = project("insta");
    assert_eq!(accord_in(&dir, &["test", "--accept", "cases"]).status.code(), Some(0));
    let read = insta::Snapshot::from_file(&snapshot(&dir, SHIRE)).unwrap();
    let contents = read.contents().as_text().unwrap().to_string();
    let report = stdout(&accord_in(&dir, &["advise", "--format", "text", &format!("cases/{SHIRE}")]));
    assert_eq!(contents.trim_end(), report.trim_end());
    assert_eq!(read.metadata().expression(), Some(format!("cases/{SHIRE}").as_str()));
}

#[test]
fn a_changed_rule_fails_with_the_change_word_by_word_and_review_decides_each() {
    let dir = project("review");
    assert_eq!(accord_in(&dir, &["test", "--accept", "cases"]).status.code(), Some(0));
    let shire_before = std::fs::read_to_string(snapshot(&dir, SHIRE)).unwrap();
    let rules = dir.join("rules/4-mergers.accord");
    let edited = std::fs::read_to_string(&rules).unwrap().replace(
        "until at least {change.date + 18 months as month}\"\n",
        "until at least {change.date + 24 months as month}\"\n",
    );
    std::fs::write(&rules, edited).unwrap();

    let failed = accord_in(&dir, &["test", "cases"]);
    assert_eq!(failed.status.code(), Some(1));
    let shown = stdout(&failed);
    assert!(shown.contains(&format!("cases/{SHIRE}: the report changed")), "{shown}");
    assert!(shown.contains("stall until at least [-October 2014-] {+April 2015+}"), "{shown}");
    assert!(shown.contains("2 cases: 0 passed, 2 changed, 0 new"), "{shown}");

    // Reject the first (Shire), accept the second (Wyverton).
    let mut review = common::accord_command(&dir);
    review.args(["test", "--review", "cases"]);
    let reviewed = run_with_input(&mut review, "r\na\n");
    assert_eq!(reviewed.status.code(), Some(1), "one change rejected: the test still fails");
    assert_eq!(
        std::fs::read_to_string(snapshot(&dir, SHIRE)).unwrap(),
        shire_before,
        "rejected: kept as it was"
    );
    assert!(!snapshot(&dir, SHIRE).with_extension("snap.new").exists(), "rejected: the change dropped");
    let wyverton = std::fs::read_to_string(snapshot(&dir, WYVERTON)).unwrap();
    assert!(wyverton.contains("until at least November 2014"));
    assert!(wyverton.starts_with("---\nsource: accord test\n"), "{wyverton}");
}

/// Accepting a change keeps the header of the file accepted over, as written by the
/// project's own tests (`tests/snapshots.rs`), so that only the report changes.
#[test]
fn accepting_a_change_keeps_the_snapshot_s_header() {
    let dir = project("header");
    std::fs::create_dir_all(dir.join("cases/snapshots")).unwrap();
    let shipped = manifest_dir().join("fixtures/snapshots").join(SHIRE.replace(".json", ".snap"));
    std::fs::copy(&shipped, snapshot(&dir, SHIRE)).unwrap();
    let header_end = |file: &str| file.match_indices("\n---\n").next().unwrap().0;
    let before = std::fs::read_to_string(snapshot(&dir, SHIRE)).unwrap();
    let rules = dir.join("rules/4-mergers.accord");
    let edited = std::fs::read_to_string(&rules)
        .unwrap()
        .replace("18 months as month}\"\n", "24 months as month}\"\n");
    std::fs::write(&rules, edited).unwrap();
    assert_eq!(accord_in(&dir, &["test", "--accept", "cases"]).status.code(), Some(0));
    let after = std::fs::read_to_string(snapshot(&dir, SHIRE)).unwrap();
    assert_ne!(after, before, "the report changed");
    assert_eq!(after[..header_end(&after)], before[..header_end(&before)], "{after}");
}

#[test]
fn a_case_without_a_date_needs_as_of() {
    let dir = project("as_of");
    let undated = std::fs::read_to_string(
        manifest_dir().join("fixtures/04-hollowmere-merger-long-ago-no-assessed-on.json"),
    )
    .unwrap();
    std::fs::write(dir.join("cases/04.json"), undated).unwrap();
    let refused = accord_in(&dir, &["test", "cases"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        common::stderr(&refused).contains("gives no `assessed_on`: give --as-of"),
        "{}",
        common::stderr(&refused)
    );
    let dated = accord_in(&dir, &["test", "--accept", "--as-of", "2013-06-01", "cases"]);
    assert_eq!(dated.status.code(), Some(0), "{}", stdout(&dated));
}

/// Expectations beside a case must hold too: a rule it must give, one it must not, a fact
/// it must ask about and one it must not; a name the rule base does not know is an error
/// with a suggestion.
#[test]
fn expectations_beside_a_case_must_hold() {
    let dir = project("expect");
    assert_eq!(accord_in(&dir, &["test", "--accept", "cases"]).status.code(), Some(0));
    let expect = dir.join(format!("cases/{}", WYVERTON.replace(".json", ".expect")));
    std::fs::write(
        &expect,
        "# the stall is forecast\ngives merger_stalls_development\ndoes not give merger_after_effects\n\
         asks board.statutory\ndoes not ask change.kind\n",
    )
    .unwrap();
    let met = accord_in(&dir, &["test", "cases"]);
    assert_eq!(met.status.code(), Some(0), "{}", stdout(&met));

    std::fs::write(&expect, "gives merger_after_effects\ndoes not give merger_stalls_development\n").unwrap();
    let unmet = accord_in(&dir, &["test", "cases"]);
    assert_eq!(unmet.status.code(), Some(1));
    let shown = stdout(&unmet);
    assert!(shown.contains("expected to give `merger_after_effects`, but it does not"), "{shown}");
    assert!(shown.contains("expected not to give `merger_stalls_development`, but it does"), "{shown}");
    assert!(shown.contains(".expect:2)"), "{shown}");
    assert!(shown.contains("1 case not as expected"), "{shown}");

    std::fs::write(&expect, "gives merger_stals_development\nasks chnage.phase\nwants nothing\n").unwrap();
    let wrong = accord_in(&dir, &["test", "cases"]);
    assert_eq!(wrong.status.code(), Some(1));
    let said = common::stderr(&wrong);
    assert!(
        said.contains(
            ":1: there is no rule `merger_stals_development`; did you mean `merger_stalls_development`?"
        ),
        "{said}"
    );
    assert!(said.contains(":2: there is no fact `chnage.phase`; did you mean `change.phase`?"), "{said}");
    assert!(said.contains(":3: `wants nothing` is not an expectation"), "{said}");
}
