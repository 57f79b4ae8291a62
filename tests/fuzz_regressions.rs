//! Regressions from fuzzing (see docs/reliability.md, "Fuzzing", and `fuzz/`).
//!
//! Every input that made a fuzz target fail becomes a test here that feeds it through the
//! same code path as the target, so the bug stays fixed without running the fuzzer. The
//! seed corpora in `fuzz/seeds/` are also replayed through the targets' checks, so the
//! targets' expectations are kept by `cargo test` too.

use std::fs;
use std::path::Path;

use accord::{RuleBase, RuleFiles};

#[path = "../fuzz/checks.rs"]
mod checks;

use checks::{case_target, format_target, rules_target};

fn shipped_rules() -> RuleBase {
    RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")
}

fn seeds(target: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("an entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let text = String::from_utf8(fs::read(&path).expect("readable")).ok()?;
            Some((path.file_name().expect("a file").to_string_lossy().into_owned(), text))
        })
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
        let codes = case_target(&rules, text);
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

/// A source's `text "PATH"` that names a file larger than its reported size (a device, a
/// pipe, a file in /proc) is refused at the size limit. `text "/dev/zero"` in a rule file
/// made `accord check` read until the system killed it, because the reader trusted the
/// size the file system reports (0 for such files). Found while writing the `rules` fuzz
/// target (which skips paths under /dev, /proc and /sys, so as never to read a device);
/// the reader is now bounded (tests/limits.rs covers rule and case files named on the
/// command line). Reproduced here through the checker with a pipe carrying one byte more
/// than the limit, so the test ends either way.
#[cfg(unix)]
#[test]
fn a_source_text_larger_than_its_reported_size_is_refused() {
    use std::io::Write;

    let dir = std::env::temp_dir().join(format!("accord-fuzz-regression-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("a temporary folder");
    let fifo = dir.join("endless.txt");
    let _ = fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo made the pipe");

    let limit = accord::load::max_file_bytes().expect("the limit is valid");
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let Ok(mut pipe) = fs::OpenOptions::new().write(true).open(&writer_path) else { return };
        let chunk = vec![b'a'; 1 << 20];
        let mut left = limit + 1;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            // The reader stops at the limit and closes its end: that is what we want.
            if pipe.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
    });

    let rules = format!(
        "source paper\n  authors \"Glasby, J.\"\n  year 2012\n  title \"T\"\n  text \"{}\"\n\n\
         fact change.kind is one of none, merger\n  ask \"What change?\"\n\n\
         rule merger_stalls\n  when change.kind is merger\n  warn \"Stall\" \"Expect a stall.\"\n\
         \x20 cite paper at \"Mergers\" quote \"Mergers stall.\"\n",
        fifo.display()
    );
    let rule_file = dir.join("rules.accord").to_string_lossy().into_owned();
    let compiled = RuleFiles::from_texts(vec![(rule_file, rules)]).compile();
    writer.join().expect("the writer ends");
    let _ = fs::remove_dir_all(&dir);

    assert!(compiled.rule_base.is_none());
    let e0211 = compiled.diagnostics.iter().find(|d| d.code == "E0211");
    let e0211 = e0211.unwrap_or_else(|| panic!("E0211 expected: {:?}", compiled.diagnostics));
    assert!(e0211.message.contains("too large"), "{}", e0211.message);
}

#[test]
fn batch_seeds_pass_the_batch_target() {
    let rules = shipped_rules();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/batch");
    let mut paths: Vec<_> =
        fs::read_dir(&dir).expect("fuzz/seeds/batch").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    assert!(paths.len() >= 5, "the seed corpus is there");
    for path in paths {
        let summary = checks::batch_target(&rules, &fs::read(&path).expect("readable"));
        assert!(summary.cases > 0, "{}: {summary:?}", path.display());
    }
}
