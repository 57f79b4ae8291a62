//! Regressions from fuzzing (see docs/reliability.md, "Fuzzing", and `fuzz/`).
//!
//! Every input that made a fuzz target fail becomes a test here that feeds it through the
//! same code path as the target, so the bug stays fixed without running the fuzzer. The
//! seed corpora in `fuzz/seeds/` are also replayed through the targets' checks, so the
//! targets' expectations are kept by `cargo test` too.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::fs;
use std::path::Path;

use accord::RuleFiles;

#[path = "../fuzz/checks.rs"]
mod checks;

use checks::{case_target, format_target, rules_target, shipped_rules};

mod common;

#[cfg(unix)]
use common::scratch;

/// The seed corpus of a target, by file name, as bytes (the `interview` and `batch`
/// targets take any bytes).
fn seed_bytes(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("an entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            (
                path.file_name().expect("a file").to_string_lossy().into_owned(),
                fs::read(&path).expect("readable"),
            )
        })
        .collect()
}

/// The seeds of a target that takes text: those that are UTF-8.
fn seeds(target: &str) -> Vec<(String, String)> {
    seed_bytes(target)
        .into_iter()
        .filter_map(|(name, bytes)| Some((name, String::from_utf8(bytes).ok()?)))
        .collect()
}

#[test]
fn rules_seeds_pass_the_rules_target() {
    let seeds = seeds("rules");
    assert!(seeds.len() >= 10, "the seed corpus is there");
    for (name, text) in &seeds {
        // Shown as a file of fixtures/bad-rules, so `text "texts/paper.txt"` is found.
        let codes = rules_target(&format!("fixtures/bad-rules/{name}"), text);
        // Seeds copied from fixtures/bad-rules named for an error are refused (the
        // fixtures themselves, and the codes they raise, are tested in tests/snapshots.rs).
        if name.starts_with('E') {
            assert!(codes.iter().any(|c| c.starts_with('E')), "{name}: {codes:?}");
        }
    }
}

#[test]
fn case_seeds_pass_the_case_target() {
    let rules = shipped_rules();
    let seeds = seeds("case");
    assert!(seeds.len() >= 10, "the seed corpus is there");
    for (name, text) in &seeds {
        let codes = case_target(rules, text);
        assert_eq!(codes.is_empty(), !name.starts_with("bad-"), "{name}: {codes:?}");
    }
}

#[test]
fn format_seeds_pass_the_format_roundtrip_target() {
    let seeds = seeds("format_roundtrip");
    assert!(seeds.len() >= 10, "the seed corpus is there");
    for (name, text) in &seeds {
        assert!(format_target(text), "{name} parses, so it is a useful seed");
    }
}

/// A source's `text "PATH"` that names a device or a pipe is refused without being read.
/// `text "/dev/zero"` in a rule file made `accord check` read until the system killed it,
/// because the reader trusted the size the file system reports (0 for such files). Found
/// while writing the `rules` fuzz target (which skips paths under /dev, /proc and /sys, so
/// as never to read a device). The reader was then bounded (one byte past the size limit;
/// tests/limits.rs covers rule and case files named on the command line); since, a
/// source's text is read only from its rule file's folder or below, and only when it is a
/// regular file, so neither `/dev/zero` nor a pipe in the folder is opened at all.
#[cfg(unix)]
#[test]
fn a_source_text_that_is_a_device_or_a_pipe_is_refused_without_being_read() {
    let dir = scratch("fuzz-regression", "device");
    let fifo = dir.join("endless.txt");
    let _ = fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo made the pipe");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.txt")).expect("a link");

    let rules = |text: &str| {
        format!(
            "source paper\n  authors \"Glasby, J.\"\n  year 2012\n  title \"T\"\n  text \"{text}\"\n\n\
             fact change.kind is one of none, merger\n  ask \"What change?\"\n\n\
             rule merger_stalls\n  when change.kind is merger\n  warn \"Stall\" \"Expect a stall.\"\n\
             \x20 cite paper at \"Mergers\" quote \"Mergers stall.\"\n"
        )
    };
    let rule_file = dir.join("rules.accord").to_string_lossy().into_owned();
    for (text, reason) in [
        ("/dev/zero", "outside the folder of the rule file"),
        ("zero.txt", "outside the folder of the rule file"),
        ("endless.txt", "it is not a regular file: it is a named pipe"),
    ] {
        let compiled = RuleFiles::from_texts(vec![(rule_file.clone(), rules(text))]).compile();
        assert!(compiled.rule_base.is_none(), "{text}");
        let e0211 = compiled.diagnostics.iter().find(|d| d.code == "E0211");
        let e0211 = e0211.unwrap_or_else(|| panic!("{text}: E0211 expected: {:?}", compiled.diagnostics));
        assert!(e0211.message.contains(reason), "{text}: {}", e0211.message);
    }
}

#[test]
fn interview_seeds_pass_the_interview_target() {
    let rules = shipped_rules();
    let seeds = seed_bytes("interview");
    assert!(seeds.len() >= 5, "the seed corpus is there");
    let answered: usize = seeds.iter().map(|(_, answers)| checks::interview_target(rules, answers)).sum();
    assert!(answered > 0, "some seeds answer questions");
}

/// Found by the `format_roundtrip` target: `policy` followed by a comment and another item
/// parsed as a policy with no requirement, while the formatter (which starts a policy only
/// before `every`) saw no item there and reported a bug. A policy must state a requirement.
#[test]
fn a_policy_without_a_requirement_is_a_syntax_error_the_formatter_agrees_with() {
    let text = "policy   # a comment\n\nevidence scale\n  strong \"research finding\"\n";
    assert!(!format_target(text), "refused as a syntax error");
    let codes = rules_target("fuzz.accord", text);
    assert_eq!(codes, ["E0101"]);
}

#[test]
fn batch_seeds_pass_the_batch_target() {
    let rules = shipped_rules();
    let seeds = seed_bytes("batch");
    assert!(seeds.len() >= 5, "the seed corpus is there");
    for (name, input) in &seeds {
        let (cases, _errors) = checks::batch_target(rules, input);
        assert!(cases > 0, "{name}: no case read");
    }
}
