//! `accord diff`, the built binary: over the fixtures with rule bases in folders, in this
//! repository's history and in a git repository of the test's own, and the private
//! folder the rules of revisions are written to. It must not test the comparison's
//! details on small rule bases (`library.rs` does).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use accord::diff::{Diff, Origin};
use accord::{Date, RuleBase, RuleFiles};
use serde_json::Value as Json;

use super::common::{Scratch, accord, accord_command, json, manifest_dir, scratch, stderr, stdout};
use super::library::{question_rules, question_vocabulary};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copied");
        }
    }
}

/// Replaces `from` (which must be there) by `to` in a file.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("readable");
    assert!(text.contains(from), "`{from}` is not in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).expect("written");
}

/// Two copies of the project's rules, `old` and `new`, in a scratch folder.
fn two_copies(test: &str) -> (Scratch, PathBuf, PathBuf) {
    let dir = scratch("diff", test);
    let (old, new) = (dir.join("old"), dir.join("new"));
    copy_dir(&manifest_dir().join("rules"), &old);
    copy_dir(&manifest_dir().join("rules"), &new);
    (dir, old, new)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn names(list: &Json) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|v| v.as_str().expect("a text").to_string()).collect()
}

fn rule<'a>(diff: &'a Json, id: &str) -> &'a Json {
    diff["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

const SHIRE: &str = "fixtures/01-shire-integrated-care.json";
const BRACKLEIGH: &str = "fixtures/03-brackleigh-care-trust-past-stall-window.json";
const ALDERMOOR: &str = "fixtures/07-aldermoor-merger-announced.json";
const STALL_TITLE: &str = "warn \"Service development may stall until at least";

#[test]
fn identical_folders_change_nothing_and_exit_0() {
    let (_dir, old, new) = two_copies("identical");
    let output = accord(&["diff", "--old", path(&old), "--new", path(&new), "--format", "text", "fixtures"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).to_lowercase().contains("no changes"), "{}", stdout(&output));
    let output = accord(&["diff", "--old", path(&old), "--new", path(&new), "--format", "json", "fixtures"]);
    let diff = json(&output);
    assert_eq!(diff["changed"], false);
    let fixtures = std::fs::read_dir(manifest_dir().join("fixtures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
        .count();
    assert_eq!(diff["cases_compared"], fixtures);
}

#[test]
fn a_new_title_shows_in_every_case_where_the_rule_fires() {
    let (_dir, old, new) = two_copies("title");
    edit(&new.join("4-mergers.accord"), STALL_TITLE, "warn \"Service development can stall until at least");
    let output = accord(&["diff", "--old", path(&old), "--new", path(&new), "--format", "json", "fixtures"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["changed"], true);
    let stalls = rule(&diff, "merger_stalls_development");
    assert!(names(&stalls["changed_in"]).contains(&SHIRE.to_string()));
    assert_eq!(stalls["changed_fields"], serde_json::json!(["title"]));
    assert_eq!(names(&stalls["now_fires_in"]), Vec::<String>::new());
    assert_eq!(diff["rules"].as_array().unwrap().len(), 1, "only that rule changed");

    let output = accord(&["diff", "--old", path(&old), "--new", path(&new), "--format", "text", SHIRE]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("merger_stalls_development\n  Gives changed advice (title) in 1 case:\n    "),
        "{text}"
    );
    assert!(
        text.contains("-> \u{201c}Service development can stall until at least October 2014\u{201d}"),
        "{text}"
    );
}

#[test]
fn a_wider_condition_fires_in_more_cases_and_a_deleted_rule_in_fewer() {
    let (_dir, old, new) = two_copies("condition");
    edit(
        &new.join("0-stage.accord"),
        "and as_of is before change.date + 18 months\n",
        "and as_of is before change.date + 48 months\n",
    );
    let mergers = new.join("4-mergers.accord");
    let text = std::fs::read_to_string(&mergers).unwrap();
    let start = text.find("rule merger_stall_ahead").expect("the rule");
    // The rule ends where the next rule or comment starts.
    let end = start
        + 1
        + text[start + 1..].find("\nrule ").min(text[start + 1..].find("\n#")).expect("its end")
        + 1;
    std::fs::write(&mergers, format!("{}{}", &text[..start], &text[end..])).unwrap();

    let output = accord(&["diff", "--old", path(&old), "--new", path(&new), "fixtures"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert!(
        names(&rule(&diff, "merger_stalls_development")["now_fires_in"]).contains(&BRACKLEIGH.to_string())
    );
    let ahead = rule(&diff, "merger_stall_ahead");
    assert_eq!(ahead["status"], "removed");
    assert!(names(&ahead["no_longer_fires_in"]).contains(&ALDERMOOR.to_string()));
    assert_eq!(diff["rules_removed"], serde_json::json!(["merger_stall_ahead"]));
    // Removed rules come after the new rule base's.
    let last = diff["rules"].as_array().unwrap().last().unwrap();
    assert_eq!(last["rule"], "merger_stall_ahead");
    let brackleigh = diff["cases"].as_array().unwrap().iter().find(|c| c["case"] == BRACKLEIGH).unwrap();
    assert_eq!(brackleigh["advice_added"][0]["rule"], "merger_stalls_development");
    assert_eq!(brackleigh["advice_added"][0]["kind"], "warning");
}

#[test]
fn the_json_has_its_format_and_shape() {
    let (_dir, old, new) = two_copies("shape");
    edit(&new.join("4-mergers.accord"), STALL_TITLE, "warn \"Stall until at least");
    let output =
        accord(&["diff", "--old", path(&old), "--new", path(&new), "--format", "json", SHIRE, BRACKLEIGH]);
    let diff = json(&output);
    let keys = |v: &Json| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&diff),
        [
            "format",
            "old",
            "new",
            "changed",
            "cases_compared",
            "cases_changed",
            "rules_added",
            "rules_removed",
            "rules",
            "cases"
        ]
    );
    assert_eq!(diff["format"], "accord.diff.v1");
    assert_eq!(diff["old"], serde_json::json!({"from": "path", "path": path(&old)}));
    assert_eq!(diff["cases_compared"], 2);
    assert_eq!(diff["cases_changed"], 1);
    assert_eq!(
        keys(&diff["rules"][0]),
        [
            "rule",
            "status",
            "now_fires_in",
            "no_longer_fires_in",
            "changed_in",
            "changed_fields",
            "questions_added_in",
            "questions_removed_in",
            "questions_now_affect_in",
            "questions_no_longer_affect_in"
        ]
    );
    let cases = diff["cases"].as_array().unwrap();
    assert_eq!(cases.iter().map(|c| c["case"].as_str().unwrap()).collect::<Vec<_>>(), [SHIRE, BRACKLEIGH]);
    assert_eq!(
        keys(&cases[0]),
        [
            "case",
            "name",
            "as_of",
            "changed",
            "advice_added",
            "advice_removed",
            "advice_changed",
            "questions_added",
            "questions_removed",
            "questions_changed"
        ]
    );
    assert_eq!(cases[0]["name"], "Shire integrated care partnership");
    assert_eq!(cases[0]["as_of"], "2013-09-01");
    assert_eq!(cases[1]["changed"], false);
    let changed = &cases[0]["advice_changed"][0];
    assert_eq!(keys(changed), ["rule", "item", "fields", "old", "new"]);
    assert_eq!(changed["new"]["title"], "Stall until at least October 2014");
    assert_eq!(changed["old"]["citations"][0]["key"], "glasby_2012");
}

#[test]
fn a_case_whose_questions_only_moved_is_changed_and_exits_1() {
    let dir = scratch("diff", "questions-moved");
    for (side, one, two) in [("old", "high", "low"), ("new", "low", "high")] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
        std::fs::write(dir.join(side).join("vocabulary.accord"), question_vocabulary()).unwrap();
        std::fs::write(dir.join(side).join("rules.accord"), question_rules(one, two, "c", "c", "c")).unwrap();
    }
    let case = dir.join("case.json");
    std::fs::write(&case, r#"{"name": "Empty"}"#).unwrap();
    let run = |format: &str| {
        accord(&[
            "diff",
            "--old",
            path(&dir.join("old")),
            "--new",
            path(&dir.join("new")),
            "--as-of",
            "2013-09-01",
            "--format",
            format,
            path(&case),
        ])
    };
    let output = run("text");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("1 of 1 case changed."), "{text}");
    assert!(text.contains("  ~ question b: rank changed\n      rank: moved from 3 to 2\n"), "{text}");
    assert!(!text.contains("unchanged"), "{text}");
    let output = run("json");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["changed"], true);
    assert_eq!(diff["cases_changed"], 1);
    assert_eq!(diff["cases"][0]["changed"], true);
    let moved = &diff["cases"][0]["questions_changed"][0];
    let keys: Vec<&str> = moved.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["fact", "fields", "affects_added", "affects_removed", "old", "new"]);
    assert_eq!(moved["fact"], "b");
    assert_eq!(moved["old"]["rank"], 3);
    assert_eq!(moved["new"]["rank"], 2);
}

#[test]
fn a_rule_base_that_does_not_check_is_reported_with_its_side() {
    let (_dir, old, new) = two_copies("broken");
    edit(&old.join("4-mergers.accord"), "quote \"Mergers can stall", "quote \"Mergers can never stall");
    let output = accord(&["diff", "--old", path(&old), "--new", path(&new), SHIRE]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("the old rule base"), "{err}");
    assert!(err.contains("E0205"), "{err}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn a_case_that_does_not_load_fails_but_the_others_are_compared() {
    let (_dir, old, new) = two_copies("bad-case");
    let output = accord(&[
        "diff",
        "--old",
        path(&old),
        "--new",
        path(&new),
        SHIRE,
        "fixtures/bad-cases/unknown-field-typo.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("unknown-field-typo.json"), "{}", stderr(&output));
    assert_eq!(json(&output)["cases_compared"], 1);
}

#[test]
fn head_against_head_changes_nothing() {
    // The working tree may differ from HEAD while the project is edited; HEAD does not.
    let tmp = scratch("diff", "head-tmp");
    let output = accord_command(manifest_dir())
        .args(["diff", "--old", "HEAD", "--new", "HEAD", "--format", "json", SHIRE, BRACKLEIGH])
        .env("TMPDIR", &*tmp)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["changed"], false);
    assert_eq!(diff["old"]["from"], "revision");
    assert_eq!(diff["old"]["revision"], "HEAD");
    assert_eq!(diff["old"]["commit"].as_str().unwrap().len(), 40);
}

#[test]
fn a_missing_revision_is_a_command_line_error() {
    let output = accord(&["diff", "--old", "no-such-branch-anywhere", SHIRE]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("`no-such-branch-anywhere` is neither a file or folder nor a revision"), "{err}");
    assert!(stdout(&output).is_empty());
    let output = accord(&["diff", "--old", "--oops", SHIRE]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_revision_outside_a_git_repository_is_a_command_line_error() {
    let dir = scratch("diff", "no-repository");
    let shire = manifest_dir().join(SHIRE);
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["diff", "--old", "main", path(&shire)])
        .current_dir(&dir)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not in a git repository"), "{}", stderr(&output));
}

/// Runs git in `dir`, which must succeed.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=accord tests",
            "-c",
            "user.email=tests@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A git repository of its own: the project's rules committed, then a commit that renames
/// the stall warning and breaks the quote of another rule's source text at the same time
/// in the working tree only.
fn repository(test: &str) -> Scratch {
    let dir = scratch("diff", test);
    git(&dir, &["init", "--quiet"]);
    copy_dir(&manifest_dir().join("rules"), &dir.join("rules"));
    git(&dir, &["add", "rules"]);
    git(&dir, &["commit", "--quiet", "-m", "the rules"]);
    edit(&dir.join("rules/4-mergers.accord"), STALL_TITLE, "warn \"Stall until at least");
    git(&dir, &["commit", "--quiet", "-am", "a new title"]);
    dir
}

/// Runs accord in `dir`, in no repository above the temporary folder, writing the rules
/// of revisions to a temporary folder of its own (removed with the test's), so that no
/// test leaves a cache of revisions in the system's temporary folder.
fn accord_git(dir: &Path, args: &[&str]) -> Output {
    let tmp = scratch("diff", "tmp");
    let mut command = accord_command(dir);
    command.args(args).env("GIT_CEILING_DIRECTORIES", std::env::temp_dir()).env("TMPDIR", &*tmp);
    command.output().expect("the binary runs")
}

#[test]
fn revisions_of_a_repository_are_compared() {
    let dir = repository("revisions");
    let shire = manifest_dir().join(SHIRE);
    let output =
        accord_git(&dir, &["diff", "--old", "HEAD~1", "--new", "HEAD", "--format", "json", path(&shire)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["new"]["revision"], "HEAD");
    assert_eq!(diff["cases"][0]["advice_changed"][0]["new"]["title"], "Stall until at least October 2014");

    // NEW defaults to the repository's rules/ on disk (here, as committed).
    let output = accord_git(&dir, &["diff", "--old", "HEAD~1", "--format", "json", path(&shire)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["new"], serde_json::json!({"from": "path", "path": "rules"}));
    assert_eq!(diff["cases"][0]["advice_changed"][0]["fields"], serde_json::json!(["title"]));

    // From a subfolder too, and the same revision twice changes nothing.
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let output = accord_git(&dir.join("sub"), &["diff", "--old", "HEAD", "--format", "text", path(&shire)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("No changes"));
}

/// NEW defaults to the rule base the other commands use: the nearest `rules/` folder, in
/// a git repository or not, else the built-in rules.
#[test]
fn new_defaults_to_the_rule_base_the_other_commands_use() {
    let shire = manifest_dir().join(SHIRE);
    let shipped = manifest_dir().join("rules");
    let dir = scratch("diff", "default-new");
    copy_dir(&shipped, &dir.join("rules"));
    let output = accord_git(&dir, &["diff", "--old", path(&shipped), "--format", "json", path(&shire)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json(&output)["new"], serde_json::json!({"from": "path", "path": "rules"}));
    let none = scratch("diff", "default-new-none");
    let output = accord_git(&none, &["diff", "--old", path(&shipped), "--format", "json", path(&shire)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json(&output)["new"], serde_json::json!({"from": "embedded"}));
}

#[test]
fn a_revision_whose_rules_do_not_check_is_reported_at_revision_paths() {
    let dir = repository("broken-revision");
    edit(&dir.join("rules/4-mergers.accord"), "quote \"Mergers can stall", "quote \"Mergers can never stall");
    git(&dir, &["commit", "--quiet", "-am", "a wrong quote"]);
    // The quote is checked against the source text of that revision, and the problem is
    // shown at the revision's path.
    let shire = manifest_dir().join(SHIRE);
    let output = accord_git(&dir, &["diff", "--old", "HEAD~1", "--new", "HEAD", path(&shire)]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("the new rule base (revision HEAD"), "{err}");
    assert!(err.contains("E0205"), "{err}");
    assert!(err.contains("--> HEAD:rules/4-mergers.accord:"), "{err}");
}

#[test]
fn a_revision_without_rules_is_a_command_line_error() {
    let dir = repository("no-rules");
    std::fs::write(dir.join("README"), "no rules here").unwrap();
    git(&dir, &["rm", "-r", "--quiet", "rules"]);
    git(&dir, &["add", "README"]);
    git(&dir, &["commit", "--quiet", "-m", "no rules"]);
    let shire = manifest_dir().join(SHIRE);
    let output = accord_git(&dir, &["diff", "--old", "HEAD", "--new", "HEAD~1", path(&shire)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("revision `HEAD` has no `rules/` folder"), "{}", stderr(&output));
}

#[test]
fn the_library_reads_the_rules_of_a_revision() {
    let dir = repository("library");
    let compiled = RuleFiles::from_git(&dir, "HEAD~1").expect("readable").compile();
    let old: &'static RuleBase = Box::leak(Box::new(compiled.rule_base.expect("the rules of HEAD~1 check")));
    let new: &'static RuleBase = Box::leak(Box::new(
        RuleFiles::from_git(&dir, "HEAD").expect("readable").compile().rule_base.expect("checks"),
    ));
    let text = std::fs::read_to_string(manifest_dir().join(SHIRE)).unwrap();
    let as_of = Date::parse("2013-09-01").unwrap();
    let reports = |rules: &'static RuleBase| {
        rules.advise(&accord::parse_case("shire.json", &text, rules.vocabulary()).expect("a case"), as_of)
    };
    let diff = Diff::compare(
        (Origin::Embedded, old),
        (Origin::Embedded, new),
        vec![("shire.json".into(), reports(old), reports(new))],
    );
    assert_eq!(diff.rules[0].rule, "merger_stalls_development");
    assert!(RuleFiles::from_git(&dir, "HEAD~5").is_err());
}

/// The folders directly in `dir` whose names start with `accord-git-rules`, with whether
/// each is a real folder (not a link) of mode 0700.
#[cfg(unix)]
fn git_caches(dir: &Path) -> Vec<(String, bool)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found: Vec<(String, bool)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with("accord-git-rules"))
        .map(|e| {
            let metadata = std::fs::symlink_metadata(e.path()).unwrap();
            let private = metadata.is_dir() && metadata.permissions().mode() & 0o777 == 0o700;
            (e.file_name().to_string_lossy().into_owned(), private)
        })
        .collect();
    found.sort();
    found
}

/// The names of the entries directly in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The rules of revisions are written to a private folder (mode 0700, ours, not a link)
/// in the temporary folder. A symbolic link planted at its name by another user, a folder
/// others may read or write, or one of another owner is not used (the rules used to be
/// written through the link); the comparison still runs, in a fresh private folder that
/// is removed after the run (one used to be left behind at every run), with the same
/// output.
#[cfg(unix)]
#[test]
fn the_git_cache_is_private_and_a_link_planted_in_its_place_is_not_followed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repository("private-cache");
    let tmp = dir.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let shire = manifest_dir().join(SHIRE);
    let run = || {
        let mut command = accord_command(&dir);
        command
            .args(["diff", "--old", "HEAD~1", "--new", "HEAD", "--format", "json", path(&shire)])
            .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
            .env("TMPDIR", &tmp)
            .env("USER", "tester");
        let output = command.output().expect("the binary runs");
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert_eq!(json(&output)["changed"], true);
        output.stdout
    };
    let planted = tmp.join("accord-git-rules-tester");

    // Nothing there: the folder is made private, and kept for the next run.
    let expected = run();
    assert_eq!(git_caches(&tmp), [("accord-git-rules-tester".to_string(), true)]);
    assert_eq!(run(), expected);
    std::fs::remove_dir_all(&planted).unwrap();

    // A link to another user's folder.
    let victim = dir.join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    assert_eq!(run(), expected);
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0, "written through the link");
    assert_eq!(entries(&tmp), ["accord-git-rules-tester"], "the fresh folder was left behind");
    std::fs::remove_file(&planted).unwrap();

    // A folder others may read, one others may write to, and (where the test may give
    // one) one of another owner.
    std::fs::create_dir(&planted).unwrap();
    for mode in [0o755, 0o777] {
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_eq!(run(), expected);
        assert_eq!(std::fs::read_dir(&planted).unwrap().count(), 0, "a folder of mode {mode:o} was used");
        assert_eq!(entries(&tmp), ["accord-git-rules-tester"], "the fresh folder was left behind");
    }
    if std::os::unix::fs::chown(&planted, Some(4242), Some(4242)).is_ok() {
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(run(), expected);
        assert_eq!(std::fs::read_dir(&planted).unwrap().count(), 0, "another owner's folder was used");
        assert_eq!(entries(&tmp), ["accord-git-rules-tester"], "the fresh folder was left behind");
    }
}

/// Set, for a run of this test binary in a child process, to the repository whose rules
/// the library is to read.
const LIBRARY_CHILD_REPOSITORY: &str = "ACCORD_DIFF_TEST_LIBRARY_REPOSITORY";

/// The library too, where the shared folder cannot be used, writes the rules of a
/// revision to a fresh private folder, kept while the rule files read from it are (their
/// source texts are read from it when they are compiled) and removed when they are
/// dropped. The temporary folder is a variable of the process, which a test cannot set
/// while others run: the library is run by this test binary again, in a child process
/// with a temporary folder of its own, running this test alone.
#[cfg(unix)]
#[test]
fn the_library_removes_the_fresh_folder_once_the_rule_files_are_dropped() {
    use std::os::unix::fs::PermissionsExt;
    if let Some(repository) = std::env::var_os(LIBRARY_CHILD_REPOSITORY) {
        let tmp = std::env::temp_dir();
        let files = RuleFiles::from_git(Path::new(&repository), "HEAD").expect("readable");
        assert_eq!(entries(&tmp).len(), 2, "a fresh folder beside the planted one");
        let files_again = files.clone();
        drop(files);
        assert!(files_again.compile().rule_base.is_some(), "the rules and their source texts are read");
        drop(files_again);
        assert_eq!(entries(&tmp), ["accord-git-rules-tester"], "the fresh folder was left behind");
        return;
    }
    let dir = repository("library-fresh");
    let tmp = dir.join("tmp");
    let planted = tmp.join("accord-git-rules-tester");
    std::fs::create_dir_all(&planted).unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "binary::the_library_removes_the_fresh_folder_once_the_rule_files_are_dropped"])
        .env(LIBRARY_CHILD_REPOSITORY, &*dir)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .env("TMPDIR", &tmp)
        .env("USER", "tester")
        .output()
        .expect("the test binary runs");
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("1 passed"), "{}", stdout(&output));
    assert_eq!(entries(&tmp), ["accord-git-rules-tester"]);
}
