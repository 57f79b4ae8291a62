//! Sizes and paths: files over the size limit are refused (the limit set by
//! `ACCORD_MAX_FILE_BYTES`), as are devices and lines that never end; missing, empty and
//! wrong kinds of paths, and source texts outside the rule files' folder or not regular
//! files, are errors, not panics. It must not test nesting or growth.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use accord::load::{MAX_FILE_BYTES, MAX_FILE_BYTES_VAR, MAX_RULE_BASE_BYTES, MAX_RULE_BASE_BYTES_VAR};

use super::common::scratch;
use super::{SHIRE, accord, accord_with, accord_with_in, stderr};

fn assert_too_large(output: &Output, what: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{what}: {err}");
    assert!(err.contains("error[E0003]"), "{what}: {err}");
    assert!(err.contains("it is too large"), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
}

// ----- the size limit -----

#[test]
fn a_rule_file_over_the_size_limit_is_refused() {
    let scratch = scratch("limits", "big-rules");
    let big = scratch.sparse("big.accord", MAX_FILE_BYTES + 1);
    for args in [
        vec!["check", "--rules", &big],
        vec!["advise", "--rules", &big, SHIRE],
        vec!["explain", "--rules", &big, SHIRE],
        vec!["sources", "--rules", &big],
        vec!["schema", "--rules", &big],
        vec!["fmt", &big],
    ] {
        let output = accord(&args);
        assert_too_large(&output, &args.join(" "));
        assert!(stderr(&output).contains("more than the limit of 16777216"), "{}", stderr(&output));
    }
    // `fmt` left it alone.
    assert_eq!(std::fs::metadata(&big).unwrap().len(), MAX_FILE_BYTES + 1);
}

/// 150 rule files of 16 MiB each, each at the limit of one file (sparse: no room on disk),
/// used to be read one after the other until memory ran out (2.4 GB). The whole rule base
/// has a limit of its own: the second file is refused before it is read.
#[test]
fn a_rule_base_over_its_limit_is_refused_before_its_files_are_read() {
    let scratch = scratch("limits", "big-rule-base");
    std::fs::create_dir_all(scratch.join("rules")).expect("a folder");
    for i in 0..150 {
        scratch.sparse(&format!("rules/r{i:03}.accord"), MAX_FILE_BYTES);
    }
    let folder = scratch.join("rules");
    let folder = folder.to_str().expect("a UTF-8 path");
    for args in [vec!["check", "--rules", folder], vec!["advise", "--rules", folder, SHIRE]] {
        let output = accord(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("error[E0003]: cannot read"), "{err}");
        assert!(err.contains("r001.accord`: the rule base is too large"), "{err}");
        assert!(
            err.contains(&format!(
                "{} bytes, more than the limit of {MAX_RULE_BASE_BYTES}",
                2 * MAX_FILE_BYTES
            )),
            "{err}"
        );
        assert!(err.contains(MAX_RULE_BASE_BYTES_VAR), "{err}");
    }
    // A larger limit reads more files: the fifth is refused under 64 MiB.
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, "67108864")], &["check", "--rules", folder]);
    assert!(stderr(&output).contains("r004.accord`: the rule base is too large"), "{}", stderr(&output));
    // Source texts count too: a rule file and a text that each fit, but not together.
    let rules = scratch.write(
        "one.accord",
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n  text \"words.txt\"\n\n\
         fact a is true or false\n  ask \"A?\"\n\n\
         rule r\n  when a\n  note \"t\" \"x\"\n  cite s quote \"words\"\n",
    );
    scratch.write("words.txt", &"words ".repeat(100));
    let limit = (std::fs::metadata(&rules).unwrap().len() + 100).to_string();
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, &limit)], &["check", "--rules", &rules]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E0211]") && err.contains("the rule base is too large"), "{err}");
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, "")], &["check", "--rules", &rules]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Not a number: a command-line error.
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, "lots")], &["check", "--rules", &rules]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("ACCORD_MAX_RULE_BASE_BYTES is `lots`, not a size in bytes"));
}

#[test]
fn a_case_file_over_the_size_limit_is_refused_by_every_command_that_reads_cases() {
    let scratch = scratch("limits", "big-case");
    let big = scratch.sparse("big.json", MAX_FILE_BYTES + 1);
    for args in [
        vec!["advise", &big],
        vec!["explain", &big],
        vec!["interview", &big],
        vec!["coverage", &big],
        vec!["diff", "--old", "rules", "--new", "rules", &big],
    ] {
        assert_too_large(&accord(&args), &args.join(" "));
    }
}

#[test]
fn a_source_text_over_the_size_limit_fails_the_check() {
    let scratch = scratch("limits", "big-source");
    scratch.sparse("big.txt", MAX_FILE_BYTES + 1);
    let rules = scratch.write(
        "rules.accord",
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n  text \"big.txt\"\n\n\
         fact a is true or false\n  ask \"A?\"\n\n\
         rule r\n  when a\n  note \"t\" \"x\"\n  cite s quote \"words\"\n",
    );
    let output = accord(&["check", "--rules", &rules]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E0211]") && err.contains("it is too large"), "{err}");
}

#[test]
fn the_size_limit_is_set_by_accord_max_file_bytes() {
    let scratch = scratch("limits", "limit-var");
    let shire = Path::new(env!("CARGO_MANIFEST_DIR")).join(SHIRE);
    let shire_len = std::fs::metadata(&shire).unwrap().len();
    let shire = shire.to_str().expect("a UTF-8 path");
    // Under the default limit, refused under a smaller one. (With the built-in rules: the
    // shipped rule files on disk are larger than the case.)
    let small = (shire_len - 1).to_string();
    let advise = |limit: &str| {
        accord_with_in(&scratch, &[(MAX_FILE_BYTES_VAR, limit)], &["advise", "--format", "json", shire])
    };
    let output = advise(&small);
    assert_too_large(&output, "a smaller limit");
    assert!(stderr(&output).contains(&format!("{shire_len} bytes, more than the limit of {small}")));
    let output = advise(&shire_len.to_string());
    assert_eq!(output.status.code(), Some(0), "a file of exactly the limit is read: {}", stderr(&output));
    // Rule files too, named or found in the current folder.
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "100")], &["check", "--rules", "rules"]);
    assert_too_large(&output, "rule files under a smaller limit");
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "100")], &["check"]);
    assert_too_large(&output, "the rules/ folder found under a smaller limit");
    // Over the default limit, read under a larger one: a valid case of 17 MiB (mostly
    // white space).
    let padded = format!("{{\"name\": \"padded\"}}{}", " ".repeat(17 << 20));
    let big = scratch.write("padded.json", &padded);
    assert_too_large(&accord(&["advise", "--format", "json", &big]), "the default limit");
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "67108864")], &["advise", "--format", "json", &big]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Empty is unset.
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "")], &["advise", "--format", "json", SHIRE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_limit_that_is_not_a_number_is_a_command_line_error() {
    for value in ["16MiB", "-1", "lots", "1e9"] {
        let output = accord_with(&[(MAX_FILE_BYTES_VAR, value)], &["advise", SHIRE]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{value}: {err}");
        assert!(err.contains("ACCORD_MAX_FILE_BYTES") && err.contains("not a size in bytes"), "{err}");
        assert!(output.stdout.is_empty());
    }
}

/// A file with no size until read, and no end: read up to the limit, then refused.
#[cfg(unix)]
#[test]
fn a_device_that_never_ends_is_refused_at_the_limit() {
    let started = Instant::now();
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "1000000")], &["advise", "/dev/zero"]);
    assert_too_large(&output, "/dev/zero");
    assert!(stderr(&output).contains("more than the limit of 1000000 bytes"), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(30));
    // And at the default limit.
    assert_too_large(&accord(&["check", "--rules", "/dev/zero"]), "/dev/zero as rules");
}

/// A batch whose one line never ends: the line is skipped for a while, then the batch
/// stops with an error instead of reading for ever.
#[cfg(unix)]
#[test]
fn a_batch_line_that_never_ends_stops_the_batch() {
    let started = Instant::now();
    // In a folder without rules/: the built-in rules are read whatever the limit.
    let scratch = scratch("limits", "endless-line");
    let args = ["advise", "--batch", "/dev/zero", "--format", "ids"];
    let output = accord_with_in(&scratch, &[(MAX_FILE_BYTES_VAR, "1000")], &args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let expected = "line 1 is longer than the limit of 1000 bytes and does not end within 16000 bytes";
    assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(30));
}

// ----- paths -----

/// Paths that name nothing, an empty folder, a folder where a file is needed, or an empty
/// rule file: each is an error with a message (exit 1), except an empty rule file, which
/// is a rule base with nothing in it.
#[test]
fn missing_empty_and_wrong_kind_paths_are_errors_not_panics() {
    let scratch = scratch("limits", "paths");
    std::fs::create_dir_all(scratch.join("empty")).unwrap();
    let empty_folder = scratch.join("empty").to_string_lossy().into_owned();
    let missing = scratch.join("missing.json").to_string_lossy().into_owned();
    let errors: [(Vec<&str>, &str); 9] = [
        (vec!["check", "--rules", &missing], "no such file or folder"),
        (vec!["check", "--rules", &empty_folder], "no rule files in"),
        (vec!["advise", &missing], "no such file or folder"),
        (vec!["advise", &empty_folder], "it is a folder"),
        (vec!["explain", &missing], "no such file or folder"),
        (vec!["interview", &missing], "no such file or folder"),
        (vec!["interview", "--write", &empty_folder], "it is a folder"),
        (vec!["fmt", &missing], "no such file or folder"),
        (vec!["coverage", &empty_folder], "no case files in"),
    ];
    for (args, message) in errors {
        let output = accord(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error[E0001]") && err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let empty_rules = scratch.write("empty.accord", "");
    let comments = scratch.write("comments.accord", "# only a comment\n");
    for rules in [&empty_rules, &comments] {
        let output = accord(&["check", "--rules", rules]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

/// A rule file citing `paper` with a quote, its source's text at `text`.
fn rules_with_text(text: &str) -> String {
    format!(
        "source paper\n  authors \"Glasby, J.\"\n  year 2012\n  title \"T\"\n  text \"{text}\"\n\n\
         fact change.kind is one of none, merger\n  ask \"What change?\"\n\n\
         rule merger_stalls\n  when change.kind is merger\n  warn \"Stall\" \"Expect a stall.\"\n\
         \x20 cite paper at \"Mergers\" quote \"Mergers stall.\"\n"
    )
}

/// A source's `text` is read only from the folder of the rule file that declares it, or
/// below: an absolute path, `..` out of the folder and a symbolic link pointing out of it
/// are refused (E0211, with the fix); they used to read any file on the machine.
#[cfg(unix)]
#[test]
fn a_source_text_outside_the_rule_files_folder_is_refused() {
    let scratch = scratch("limits", "source-outside");
    let rules = scratch.join("project/rules");
    std::fs::create_dir_all(rules.join("texts/more")).unwrap();
    std::fs::write(rules.join("texts/paper.txt"), "Mergers stall.\n").unwrap();
    std::fs::write(scratch.join("project/secret.txt"), "Mergers stall. A secret.\n").unwrap();
    std::os::unix::fs::symlink("../../secret.txt", rules.join("texts/out.txt")).unwrap();
    std::os::unix::fs::symlink("paper.txt", rules.join("texts/in.txt")).unwrap();
    std::os::unix::fs::symlink("../paper.txt", rules.join("texts/more/up.txt")).unwrap();
    let secret = scratch.join("project/secret.txt").to_string_lossy().into_owned();
    let cases = [
        ("texts/paper.txt", true),
        ("texts/../texts/paper.txt", true),
        ("./texts/in.txt", true),
        ("texts/more/up.txt", true),
        ("/etc/passwd", false),
        (secret.as_str(), false),
        ("../secret.txt", false),
        ("texts/../../secret.txt", false),
        ("texts/out.txt", false),
    ];
    for (text, allowed) in cases {
        std::fs::write(rules.join("rules.accord"), rules_with_text(text)).unwrap();
        let output = accord(&["check", "--rules", rules.join("rules.accord").to_str().unwrap()]);
        let err = stderr(&output);
        if allowed {
            assert_eq!(output.status.code(), Some(0), "{text}: {err}");
        } else {
            assert_eq!(output.status.code(), Some(1), "{text}: {err}");
            assert!(err.contains("error[E0211]: cannot read the text of this source"), "{text}: {err}");
            assert!(err.contains("outside the folder of the rule file"), "{text}: {err}");
            assert!(
                err.contains("help: keep the source's text in the folder of its rule file"),
                "{text}: {err}"
            );
        }
    }
}

/// A source's `text` that is a named pipe is refused without being opened (E0211), rather
/// than waited on for ever.
#[cfg(unix)]
#[test]
fn a_source_text_that_is_a_named_pipe_is_refused() {
    let scratch = scratch("limits", "source-fifo");
    std::fs::create_dir_all(scratch.join("texts")).unwrap();
    let made = Command::new("mkfifo").arg(scratch.join("texts/pipe.txt")).status().unwrap();
    assert!(made.success());
    let rules = scratch.write("rules.accord", &rules_with_text("texts/pipe.txt"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command.args(["check", "--rules", &rules]).env("NO_COLOR", "1");
    let mut child = command.stderr(std::process::Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`accord check` waited on the pipe");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E0211]") && err.contains("is not a regular file: it is a named pipe"),
        "{err}"
    );
}
