//! `accord interview`: the built binary driven by scripted answers on standard input, and
//! the atomic writer it saves cases with. Each test works on copies of the cases in
//! `fixtures/interview/`, in a folder of its own.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{accord, accord_command, files_in, json, manifest_dir, run_with_input, scratch, stderr, stdout};

use accord::safe_write::{SaveError, replace as write_atomically};

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
    accord::parse_case("case.json", &written, rules.vocabulary()).expect("the written case is valid");
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
    let SaveError::Io { error, .. } = error else { panic!("{error}") };
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
/// most 512 bytes in dash, 1024 in bash, with the signal it raises ignored so that the
/// write returns an error) lets the backup of a small case through but not the larger
/// completed case. Neither takes its place: no backup is made of a case not saved.
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
    assert!(stderr(&output).contains("is unchanged"), "{}", stderr(&output));
    assert_eq!(files_in(&dir), ["case.json"], "no temporary file is left");

    // Without the limit the same answers are saved, and they are larger than it.
    let output = interview(&["--write", case.to_str().unwrap()], &answers);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let saved = fs::read_to_string(&case).unwrap();
    assert!(saved.len() > 1024, "{saved}");
    assert!(saved.contains("outcome number 60 for local people"));
    fs::remove_dir_all(&dir).unwrap();
}

// ----- saving safely: links, full disks, numbers, long lines, owners, pipes, stale
// ----- temporary files, two runs at once

/// `accord interview --write CASE` answering with `input`, given up on after 60 seconds.
fn interview_within(args: &[&str], input: &str) -> Output {
    common::run_within(accord_command(manifest_dir()).arg("interview").args(args), input, LIMIT)
        .unwrap_or_else(|| panic!("`accord interview {args:?}` did not finish within {LIMIT:?}"))
}

const LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// A `CASE.json.bak` that is a symbolic or a hard link to an unrelated file is replaced by
/// the backup; the unrelated file is not written to (it used to receive the case).
#[cfg(unix)]
#[test]
fn the_backup_replaces_a_link_and_writes_nothing_through_it() {
    for kind in ["symbolic", "hard"] {
        let dir = scratch("interview", &format!("{kind}-link-backup"));
        let case = copy_case(&dir, "kind-unknown.json");
        let original = fs::read_to_string(&case).unwrap();
        let unrelated = dir.join("unrelated.txt");
        fs::write(&unrelated, "not a case\n").unwrap();
        let backup = dir.join("case.json.bak");
        if kind == "symbolic" {
            std::os::unix::fs::symlink("unrelated.txt", &backup).unwrap();
        } else {
            fs::hard_link(&unrelated, &backup).unwrap();
        }
        let output = interview(&["--write", case.to_str().unwrap()], "1\nquit\n");
        assert_eq!(output.status.code(), Some(0), "{kind}: {}", stderr(&output));
        assert_eq!(
            fs::read_to_string(&unrelated).unwrap(),
            "not a case\n",
            "{kind}: written through the link"
        );
        let metadata = fs::symlink_metadata(&backup).unwrap();
        assert!(metadata.file_type().is_file(), "{kind}: the backup is a file of its own");
        assert_eq!(fs::read_to_string(&backup).unwrap(), original, "{kind}");
        assert_eq!(files_in(&dir), ["case.json", "case.json.bak", "unrelated.txt"], "{kind}");
    }
}

/// A case padded with spaces to `len` bytes (JSON allows white space after the value).
fn pad(text: &str, len: usize) -> String {
    let mut padded = text.trim_end().to_string();
    while padded.len() + 1 < len {
        padded.push(' ');
    }
    padded.push('\n');
    padded
}

/// A full disk while the backup is written (`ulimit -f 1`: no file may pass 1024 bytes,
/// and the case is 3000): the previous backup and the case are both left as they were,
/// and the message says so (the backup used to be cut short, the message saying "the file
/// is unchanged").
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_while_saving_leaves_the_case_and_its_previous_backup_as_they_were() {
    let dir = scratch("interview", "full-disk-backup");
    let case = dir.join("case.json");
    let original =
        pad(&fs::read_to_string(manifest_dir().join("fixtures/interview/kind-unknown.json")).unwrap(), 3000);
    fs::write(&case, &original).unwrap();
    let previous = pad("{\"name\": \"the previous backup\"}", 2000);
    fs::write(dir.join("case.json.bak"), &previous).unwrap();
    let output = run_with_input(
        Command::new("sh")
            .args(["-c", "trap '' XFSZ; ulimit -f 1 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_accord")])
            .args(["interview", "--write", case.to_str().unwrap()])
            .current_dir(manifest_dir())
            .env("NO_COLOR", "1"),
        "1\nquit\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("cannot save"), "{err}");
    assert!(err.contains("are unchanged"), "{err}");
    assert_eq!(fs::read_to_string(&case).unwrap(), original, "the case is as it was");
    assert_eq!(fs::read_to_string(dir.join("case.json.bak")).unwrap(), previous, "the backup is as it was");
    assert_eq!(files_in(&dir), ["case.json", "case.json.bak"], "no temporary file is left");
}

/// Rules with number facts, for cases holding numbers a double cannot hold exactly.
const NUMBER_RULES: &str = "source s
  authors \"Author, A.\"
  year 2000
  title \"A title\"

fact budget.total is a number
fact budget.pooled is a number
fact budget.spare is a number
fact settled is true or false
  ask \"Is it settled?\"

rule settled_rule
  when settled
  note \"Settled\" \"It is settled.\"
  cite s
";

/// Values the answers do not touch are written back exactly as they were: numbers beyond
/// a double, below its smallest value and a negative zero (they used to come back as
/// `1.2345678901234568e+29`, `0.0` and `-0.0`), and the file's own layout.
#[test]
fn numbers_and_layout_the_answers_do_not_touch_are_kept_as_written() {
    let dir = scratch("interview", "numbers");
    fs::write(dir.join("numbers.accord"), NUMBER_RULES).unwrap();
    let case = dir.join("case.json");
    let original = "{\n    \"name\":\"Numbers\",\n  \"budget\": {\"total\": 123456789012345678901234567890, \
                    \"pooled\": 1e-400,\n     \"spare\": -0},\n  \"settled\" :   null\n}\n";
    fs::write(&case, original).unwrap();
    let rules = dir.join("numbers.accord");
    let args =
        ["--rules", rules.to_str().unwrap(), "--as-of", "2013-01-01", "--write", case.to_str().unwrap()];
    let output = interview(&args, "yes\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Saved"), "{}", stdout(&output));
    let expected = original.replace("\"settled\" :   null", "\"settled\" :   true");
    assert_eq!(fs::read_to_string(&case).unwrap(), expected);
    assert_eq!(fs::read_to_string(dir.join("case.json.bak")).unwrap(), original);
}

/// New fields go at the end of their object in the layout of their neighbours: on lines
/// of their own in an object laid out one field a line, on the same line in an object on
/// one line; the rest of the file is left as it is.
#[test]
fn new_fields_follow_the_layout_of_their_object() {
    let dir = scratch("interview", "layout");
    let case = dir.join("case.json");
    let original = "{\n  \"name\": \"Layout\",\n  \"assessed_on\": \"2013-11-04\",\n  \
                    \"change\": {\"kind\": \"merger\", \"phase\": null}\n}\n";
    fs::write(&case, original).unwrap();
    // The date first; then the phase is not asked, and `quit`.
    let output = interview(&["--write", case.to_str().unwrap()], "2013-04-01\nquit\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = fs::read_to_string(&case).unwrap();
    assert_eq!(
        written,
        "{\n  \"name\": \"Layout\",\n  \"assessed_on\": \"2013-11-04\",\n  \
         \"change\": {\"kind\": \"merger\", \"phase\": null, \"date\": \"2013-04-01\"}\n}\n"
    );
}

/// An answer line longer than the limit (64 KiB) is not kept: the rest of the line is
/// read past, the user told, and the question asked again.
#[test]
fn an_answer_line_longer_than_the_limit_is_discarded_and_asked_again() {
    let dir = scratch("interview", "long-line");
    let case = copy_case(&dir, "kind-unknown.json");
    let long = "x".repeat(200_000);
    let output = interview_within(&["--write", case.to_str().unwrap()], &format!("{long}\n1\nquit\n"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("not an answer: the line is longer than 65536 bytes; the rest of it was skipped\n> 1\n"),
        "{}",
        &out[..out.len().min(3000)]
    );
    assert!(!out.contains("xxxxxxxxxx"), "the long line is not echoed");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&case).unwrap()).unwrap();
    assert_eq!(json["change"]["kind"], "none");
}

/// Input that never ends a line (`/dev/zero`) stops the interview with an error after a
/// bounded amount of reading (it used to be read into memory until the program aborted).
#[cfg(unix)]
#[test]
fn an_answer_line_that_never_ends_stops_the_interview() {
    let dir = scratch("interview", "endless-line");
    let case = copy_case(&dir, "kind-unknown.json");
    let original = fs::read_to_string(&case).unwrap();
    let zero = fs::File::open("/dev/zero").unwrap();
    let output = common::run_with_stdin_within(
        accord_command(manifest_dir()).args(["interview", "--write", case.to_str().unwrap()]),
        zero.into(),
        None,
        LIMIT,
    )
    .expect("the interview stops by itself");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("line 1 of the answers does not end"), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&case).unwrap(), original);
    assert_eq!(files_in(&dir), ["case.json"]);
}

/// The saved case and its backup keep the case's owner (where the process may set it:
/// as root here) and mode; they used to belong to whoever ran the interview.
#[cfg(unix)]
#[test]
fn the_saved_case_keeps_its_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("interview", "owner");
    let case = copy_case(&dir, "kind-unknown.json");
    fs::set_permissions(&case, fs::Permissions::from_mode(0o640)).unwrap();
    let mine = fs::metadata(&case).unwrap();
    // Another owner, where the test may give one (as root); otherwise its own.
    let (uid, gid) = if std::os::unix::fs::chown(&case, Some(4242), Some(4343)).is_ok() {
        (4242, 4343)
    } else {
        (mine.uid(), mine.gid())
    };
    let output = interview(&["--write", case.to_str().unwrap()], "1\nquit\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in [case.clone(), dir.join("case.json.bak")] {
        let metadata = fs::metadata(&file).unwrap();
        assert_eq!((metadata.uid(), metadata.gid()), (uid, gid), "{}", file.display());
        assert_eq!(metadata.permissions().mode() & 0o7777, 0o640, "{}", file.display());
    }
}

/// `mkfifo PATH`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo made {}", path.display());
}

/// A named pipe is not a case file to save into: refused at once, exit 1 (it used to be
/// read, then waited on for ever when the backup was made).
#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_for_writing() {
    let dir = scratch("interview", "fifo");
    let pipe = dir.join("case.json");
    mkfifo(&pipe);
    let output = interview_within(&["--write", pipe.to_str().unwrap()], "1\nquit\n");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("is not a regular file") && err.contains("named pipe"), "{err}");
    assert!(fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo_like(), "still a pipe");
    assert_eq!(files_in(&dir), ["case.json"]);
}

#[cfg(unix)]
trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

#[cfg(unix)]
impl FifoLike for fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

/// A process id no process has: that of a child that has been waited for.
fn a_finished_process_id() -> u32 {
    let mut child = Command::new("true").spawn().expect("true runs");
    let id = child.id();
    child.wait().expect("true ends");
    id
}

/// Temporary files left by a run killed while saving (`.case.json.tmp-PID` of a process
/// that is gone, or older than the limit) are removed by the next save; those of a
/// process still running, and recent, are left to it.
#[test]
fn stale_temporary_files_are_removed_by_the_next_save() {
    let dir = scratch("interview", "stale");
    let case = copy_case(&dir, "kind-unknown.json");
    let gone = a_finished_process_id();
    let running = std::process::id();
    for name in [format!(".case.json.tmp-{gone}"), format!(".case.json.bak.tmp-{gone}")] {
        fs::write(dir.join(name), "half a ca").unwrap();
    }
    // A running process's recent file, and one of an hour ago.
    fs::write(dir.join(format!(".case.json.tmp-{running}")), "in progress").unwrap();
    let old = dir.join(format!(".case.json.bak.tmp-{running}"));
    fs::write(&old, "an hour old").unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(&old).unwrap().set_modified(hour_ago).unwrap();
    // Other files are not touched, whatever their names.
    fs::write(dir.join(format!(".other.json.tmp-{gone}")), "another file's").unwrap();
    fs::write(dir.join(format!(".case.json.tmp-{gone}x")), "not a temporary file").unwrap();
    let output = interview(&["--write", case.to_str().unwrap()], "1\nquit\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut expected = [
        format!(".case.json.tmp-{gone}x"),
        format!(".case.json.tmp-{running}"),
        format!(".other.json.tmp-{gone}"),
        "case.json".to_string(),
        "case.json.bak".to_string(),
    ];
    expected.sort();
    assert_eq!(files_in(&dir), expected);
}

/// Two interviews of one case at once: the one that saves second finds the case changed
/// since it read it and refuses, saying so (exit 1); the first one's answers and both
/// files stay whole. Both used to say "Saved", and the first one's answers were lost.
#[test]
fn an_interview_does_not_overwrite_a_case_saved_meanwhile() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let dir = scratch("interview", "two-at-once");
    let case = copy_case(&dir, "merger-in-progress.json");
    let original = fs::read_to_string(&case).unwrap();
    let mut first = accord_command(manifest_dir())
        .args(["interview", "--write", case.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the first run asks its first question, it has read the case.
    let mut out = BufReader::new(first.stdout.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("Question 1") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the first run asks a question");
    }
    // The second run answers the date and saves.
    let second = interview(&["--write", case.to_str().unwrap()], "2013-04-01\nquit\n");
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let saved_by_second = fs::read_to_string(&case).unwrap();
    assert!(saved_by_second.contains("2013-04-01"));
    // The first run answers another date and tries to save.
    first.stdin.take().unwrap().write_all(b"2012-01-01\nquit\n").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut first.stderr.take().unwrap(), &mut err).unwrap();
    let status = first.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("has changed since the interview read it"), "{err}");
    assert!(!rest.contains("Saved"), "{rest}");
    assert_eq!(fs::read_to_string(&case).unwrap(), saved_by_second, "the second run's answers are kept");
    assert_eq!(fs::read_to_string(dir.join("case.json.bak")).unwrap(), original);
    assert_eq!(files_in(&dir), ["case.json", "case.json.bak"]);
}

/// A lock held on the case by another program (`flock`) is waited for: the case is not
/// replaced while the lock is held, and is saved once it is let go.
#[test]
fn a_lock_on_the_case_is_waited_for() {
    let dir = scratch("interview", "locked");
    let case = copy_case(&dir, "kind-unknown.json");
    let original = fs::read_to_string(&case).unwrap();
    let held = fs::File::open(&case).unwrap();
    held.lock().unwrap();
    let path = case.clone();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(2500));
        let during = fs::read_to_string(&path).unwrap();
        held.unlock().unwrap();
        during
    });
    let output = interview_within(&["--write", case.to_str().unwrap()], "1\nquit\n");
    let during = holder.join().unwrap();
    assert_eq!(during, original, "the case was replaced while another program held its lock");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(fs::read_to_string(&case).unwrap().contains("\"none\""));
}
