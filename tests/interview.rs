//! `accord interview`: the built binary driven by scripted answers on standard input, and
//! the atomic writer it saves cases with. Each test works on copies of the cases in
//! `fixtures/interview/`, in a folder of its own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{accord, accord_command, files_in, json, manifest_dir, run_with_input, scratch, stderr, stdout};

use accord::interview::write_atomically;

/// A copy of `fixtures/interview/NAME` as `DIR/case.json`.
fn copy_case(dir: &Path, name: &str) -> PathBuf {
    let from = manifest_dir().join("fixtures/interview").join(name);
    let to = dir.join("case.json");
    fs::copy(from, &to).expect("the fixture copies");
    to
}

/// `accord interview ARGS...` answering with `input`.
fn interview(args: &[&str], input: &str) -> Output {
    run_with_input(accord_command(manifest_dir()).arg("interview").args(args), input)
}

fn keys(object: &serde_json::Value) -> Vec<&str> {
    object.as_object().expect("an object").keys().map(String::as_str).collect()
}

/// The answers given to `merger-in-progress.json`: a date (the first one impossible), a
/// culture model by its number, a group's integration, a yes (after a `maybe`), a skip and
/// a no. Once the date is given and has passed, the phase is not asked for.
const MERGER_ANSWERS: &str = "2013-02-30\n2013-04-01\n1\n2\nmaybe\ny\nskip\nn\nquit\n";

#[test]
fn answers_are_checked_then_written_back_in_place() {
    let dir = scratch("interview", "answers");
    let case = copy_case(&dir, "merger-in-progress.json");
    let original = fs::read_to_string(&case).unwrap();
    let output = interview(&["--write", case.to_str().unwrap()], MERGER_ANSWERS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);

    // Prompts: the question with how many rules it affects, a choice's numbered menu.
    assert!(out.contains("\nQuestion 1 (affects 18 rules: merger_before_decision_but_date_past, "), "{out}");
    assert!(out.contains("On what date did (or will) the change take effect?\n  (a date, YYYY-MM-DD)\n> "));
    assert!(out.contains("(ambiguity)?\n  1. integration\n  2. difference\n  3. ambiguity\n> 1\n"), "{out}");
    assert!(!out.contains("Which phase is the merger in"), "the date settles the phase: {out}");
    // Bad answers are explained in one line and asked again.
    assert!(out.contains("> 2013-02-30\n  not an answer: `2013-02-30` is not a day: February 2013 has no day 30\n> 2013-04-01\n"));
    assert!(out.contains("> maybe\n  not an answer: `maybe` is not yes or no\n> y\n"));
    assert!(out.contains("Stopped. 5 answers, 2 questions skipped."), "{out}");
    // Then the advice, then where the case was saved.
    assert!(out.contains("Wexcombe community services merger\n====="), "{out}");
    assert!(out.contains("Advice as of 2 September 2013"), "{out}");
    let shown = case.display();
    assert!(out.ends_with(&format!("\nSaved {shown} (the original is kept as {shown}.bak).\n")), "{out}");

    let written = fs::read_to_string(&case).unwrap();
    assert!(written.ends_with("}\n") && written.contains("\n  \"name\": "), "two-space indents:\n{written}");
    let rules = accord::RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
    accord::parse_case("case.json", &written, &rules.vocabulary).expect("the written case is valid");
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(json["change"]["date"], "2013-04-01");
    assert_eq!(json["change"]["phase"], serde_json::Value::Null);
    assert_eq!(json["culture"]["model"], "integration");
    assert_eq!(json["groups"][0]["integration"], "coordination");
    assert_eq!(json["board"]["statutory"], true);
    assert_eq!(json["change"]["real_reasons_clarified"], false);
    // Fields keep their order; answered nulls stay in place, new fields come last.
    assert_eq!(keys(&json), ["name", "assessed_on", "outcomes", "change", "board", "groups", "culture"]);
    assert_eq!(keys(&json["change"]), ["phase", "kind", "date", "expects_savings", "real_reasons_clarified"]);
    assert_eq!(keys(&json["outcomes"]), ["measures", "for_local_people"]);
    assert_eq!(keys(&json["groups"][0]), ["name", "needs", "integration"]);
    assert_eq!(keys(&json["board"]), ["users_carers", "adult_services", "statutory"]);

    assert_eq!(fs::read_to_string(dir.join("case.json.bak")).unwrap(), original);
    assert_eq!(files_in(&dir), ["case.json", "case.json.bak"], "no temporary file is left");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_write_the_case_is_left_alone() {
    let dir = scratch("interview", "no-write");
    let case = copy_case(&dir, "merger-in-progress.json");
    let original = fs::read_to_string(&case).unwrap();
    let output = interview(&[case.to_str().unwrap()], MERGER_ANSWERS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("The answers were not saved: run with --write to save them."));
    assert_eq!(fs::read_to_string(&case).unwrap(), original);
    assert_eq!(files_in(&dir), ["case.json"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn skip_then_quit_writes_nothing() {
    let dir = scratch("interview", "skip-quit");
    let case = copy_case(&dir, "merger-in-progress.json");
    let original = fs::read_to_string(&case).unwrap();
    let output = interview(&["--write", case.to_str().unwrap()], "skip\nquit\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("Stopped. 0 answers, 1 question skipped."), "{out}");
    // The skipped question is not asked again (the advice after the session lists it).
    let session = &out[..out.find("Stopped.").unwrap()];
    assert_eq!(session.matches("On what date did (or will) the change take effect?").count(), 1, "{out}");
    assert!(!out.contains("Saved"), "{out}");
    assert_eq!(fs::read_to_string(&case).unwrap(), original);
    assert_eq!(files_in(&dir), ["case.json"], "no .bak when nothing was answered");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_end_of_the_input_ends_the_interview() {
    let dir = scratch("interview", "eof");
    let case = copy_case(&dir, "merger-in-progress.json");
    let output = interview(&["--write", case.to_str().unwrap()], "2013-04-01\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    // The list of partners, which cannot be answered here, is skipped on the way.
    assert!(out.contains("End of input. 1 answer, 1 question skipped."), "{out}");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&case).unwrap()).unwrap();
    assert_eq!(json["change"]["date"], "2013-04-01");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn only_questions_that_still_matter_are_asked() {
    const DATE_QUESTION: &str = "On what date did (or will) the change take effect?";
    let case = "fixtures/interview/kind-unknown.json";
    // While the kind of change is unknown, its date matters...
    let advice = json(&accord(&["advise", "--format", "json", case]));
    let facts: Vec<&str> =
        advice["questions"].as_array().unwrap().iter().map(|q| q["fact"].as_str().unwrap()).collect();
    assert_eq!(facts[0], "change.kind");
    assert!(facts.contains(&"change.date"), "{facts:?}");

    let skip_the_rest = "skip\n".repeat(100);
    // ...but once there is no change, its date is never asked.
    let output = interview(&[case], &format!("1\n{skip_the_rest}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("What structural change is proposed or under way"), "{out}");
    let session = &out[..out.find("No more questions.").expect("every question asked or skipped")];
    assert!(!session.contains(DATE_QUESTION), "{out}");

    // A merger's date is.
    let output = interview(&[case], &format!("2\n{skip_the_rest}"));
    let out = stdout(&output);
    let session = &out[..out.find("No more questions.").expect("every question asked or skipped")];
    assert!(session.contains(&format!("{DATE_QUESTION}\n  (a date, YYYY-MM-DD)\n> skip\n")), "{out}");
}

#[test]
fn a_list_of_records_is_skipped_with_a_message() {
    let output = interview(&["fixtures/interview/groups-unknown.json"], "quit\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let expected = "Which groups of people does the partnership serve?\n  This takes a list of records, which \
                    cannot be answered here: edit the case file to add them. Skipped.\n\nQuestion 2 ";
    assert!(out.contains(expected), "{out}");
    // The records question took no line of input: `quit` answered the second question.
    assert_eq!(out.matches("\n> ").count(), 1, "{out}");
    assert!(out.contains("Stopped. 0 answers, 1 question skipped."), "{out}");
}

#[test]
fn a_case_that_does_not_load_fails_like_advise() {
    let output = interview(&["fixtures/bad-cases/unknown-field-typo.json"], "");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("fixtures/bad-cases/unknown-field-typo.json:4:3"), "{err}");
    assert!(stdout(&output).is_empty());
    let output = interview(&["--as-of", "2013-02-30", "fixtures/interview/kind-unknown.json"], "");
    assert_eq!(output.status.code(), Some(2), "a bad command line");
}

#[test]
fn the_writer_fails_cleanly_when_the_folder_does_not_exist() {
    let dir = scratch("interview", "no-folder");
    let missing = dir.join("not-there").join("case.json");
    assert!(write_atomically(&missing, b"{}\n").is_err());
    assert!(!dir.join("not-there").exists());
    assert!(files_in(&dir).is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_writer_leaves_the_original_when_its_temporary_file_cannot_be_made() {
    let dir = scratch("interview", "temp-taken");
    let case = dir.join("case.json");
    fs::write(&case, "{\"name\": \"original\"}\n").unwrap();
    // Something that is not ours already has the temporary file's name.
    let taken = dir.join(format!(".case.json.tmp-{}", std::process::id()));
    fs::create_dir(&taken).unwrap();
    let error = write_atomically(&case, b"{\"name\": \"new\"}\n").unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(fs::read_to_string(&case).unwrap(), "{\"name\": \"original\"}\n");
    assert!(taken.is_dir(), "what was there is left alone");
    fs::remove_dir(&taken).unwrap();
    assert_eq!(files_in(&dir), ["case.json"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn the_writer_leaves_the_original_in_a_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("interview", "read-only");
    let case = dir.join("case.json");
    fs::write(&case, "original\n").unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anywhere; the test means something only where permissions hold.
    let enforced = fs::write(dir.join("probe"), "").is_err();
    if enforced {
        assert!(write_atomically(&case, b"new\n").is_err());
        assert_eq!(fs::read_to_string(&case).unwrap(), "original\n");
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    if enforced {
        assert_eq!(files_in(&dir), ["case.json"]);
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn the_writer_replaces_the_file_a_link_points_to() {
    let dir = scratch("interview", "link");
    fs::write(dir.join("real.json"), "old\n").unwrap();
    std::os::unix::fs::symlink("real.json", dir.join("case.json")).unwrap();
    write_atomically(&dir.join("case.json"), b"new\n").unwrap();
    assert!(fs::symlink_metadata(dir.join("case.json")).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(dir.join("real.json")).unwrap(), "new\n");
    assert_eq!(files_in(&dir), ["case.json", "real.json"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// A write that fails part-way, as on a full disk: the file size limit (`ulimit -f 1`, at
/// most 1024 bytes, with the signal it raises ignored so that the write returns an error)
/// lets the backup of a small case through but not the larger completed case.
#[cfg(target_os = "linux")]
#[test]
fn a_save_that_fails_part_way_leaves_the_original_intact() {
    let dir = scratch("interview", "mid-write");
    let case = copy_case(&dir, "kind-unknown.json");
    let original = fs::read_to_string(&case).unwrap();
    assert!(original.len() < 512);
    let outcomes: Vec<String> = (1..=60).map(|n| format!("outcome number {n} for local people")).collect();
    let answers = format!("1\n{}\nquit\n", outcomes.join(", "));
    let output = run_with_input(
        Command::new("sh")
            .args(["-c", "trap '' XFSZ; ulimit -f 1 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_accord")])
            .args(["interview", "--write", case.to_str().unwrap()])
            .current_dir(manifest_dir())
            .env("NO_COLOR", "1"),
        &answers,
    );
    assert!(stdout(&output).contains("Stopped. 2 answers"), "{}", stdout(&output));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot save"), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&case).unwrap(), original, "the original is intact");
    assert_eq!(files_in(&dir), ["case.json", "case.json.bak"], "no temporary file is left");

    // Without the limit the same answers are saved, and they are larger than it.
    let output = interview(&["--write", case.to_str().unwrap()], &answers);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let saved = fs::read_to_string(&case).unwrap();
    assert!(saved.len() > 1024, "{saved}");
    assert!(saved.contains("outcome number 60 for local people"));
    fs::remove_dir_all(&dir).unwrap();
}
