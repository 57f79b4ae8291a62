//! Regressions from fuzzing (see docs/reliability.md, "Fuzzing", and `fuzz/`).
//!
//! Every input that made a fuzz target fail becomes a test here that feeds it through the
//! same code path as the target, so the bug stays fixed without running the fuzzer. The
//! seed corpora in `fuzz/seeds/` are also replayed through the targets' checks, so the
//! targets' expectations are kept by `cargo test` too.

use std::fs;
use std::path::Path;

use accord::diag::{self, SourceMap};
use accord::format::{FormatError, format_rule_file};
use accord::{Date, RuleBase, RuleFiles};

/// What the `rules` target does with one input: parse, compile alone as a rule base,
/// render every diagnostic, and when it checks, lint it and advise and explain an empty
/// case. Returns the compiled result's diagnostics' codes.
fn rules_target(path: &str, text: &str) -> Vec<&'static str> {
    let (_ast, errors) = accord::syntax::parse_file(path, text);
    let mut sources = SourceMap::default();
    sources.add(path, text);
    let _ = diag::render(&errors, &sources, false);

    let compiled = RuleFiles::from_texts(vec![(path.to_string(), text.to_string())]).compile();
    assert_eq!(compiled.rule_base.is_some(), !compiled.diagnostics.iter().any(|d| d.is_error()));
    let _ = diag::render(&compiled.diagnostics, &compiled.sources, false);
    let _ = diag::render(&compiled.diagnostics, &compiled.sources, true);
    let _ = diag::to_json(&compiled.diagnostics, &compiled.sources);
    let mut codes: Vec<&'static str> = compiled.diagnostics.iter().map(|d| d.code).collect();

    if let Some(rule_base) = compiled.rule_base {
        let findings = accord::lint::lint(&rule_base);
        let _ = diag::render(&findings.warnings, &compiled.sources, false);
        let _ = diag::to_json(&findings.warnings, &compiled.sources);
        codes.extend(findings.warnings.iter().map(|d| d.code));
        let _ = accord::schema::case_schema(&rule_base.vocabulary);
        let case = accord::parse_case("empty.json", "{}", &rule_base.vocabulary).expect("{} is a valid case");
        let as_of = Date::parse("2013-09-01").expect("a date");
        let report = rule_base.advise(&case, as_of);
        let _ = accord::report::to_text(&report);
        let _ = accord::report::to_json(&report);
        let explanations = rule_base.explain(&case, as_of, &[]);
        let _ = accord::report::explanation_text(None, as_of, &explanations);
    }
    codes
}

fn shipped_rules() -> RuleBase {
    RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")
}

/// What the `case` target does with one input: load it against the shipped rules; if it
/// loads, advise and explain it (as of a fixed date and its own `assessed_on`) and write
/// the results; if not, render the errors. Returns the errors' codes (empty if it loads).
fn case_target(rules: &RuleBase, text: &str) -> Vec<&'static str> {
    let path = "case.json";
    match accord::parse_case(path, text, &rules.vocabulary) {
        Err(diagnostics) => {
            assert!(diagnostics.iter().any(|d| d.is_error()), "a refused case has an error");
            let mut sources = SourceMap::default();
            sources.add(path, text);
            let _ = diag::render(&diagnostics, &sources, false);
            let _ = diag::to_json(&diagnostics, &sources);
            diagnostics.iter().map(|d| d.code).collect()
        }
        Ok(case) => {
            let fixed = Date::parse("2013-09-01").expect("a date");
            for as_of in std::iter::once(fixed).chain(case.assessed_on) {
                let report = rules.advise(&case, as_of);
                let _ = accord::report::to_text(&report);
                let _ = accord::report::to_json(&report);
                let explanations = rules.explain(&case, as_of, &[]);
                let name = case.name.as_deref();
                let _ = accord::report::explanation_text(name, as_of, &explanations);
                let _ = accord::report::explanation_json(name, as_of, &explanations);
            }
            Vec::new()
        }
    }
}

/// What the `format_roundtrip` target checks for one input: text that parses is
/// formatted, the result parses to the same tree, and formatting it again changes nothing.
/// Returns whether the text parsed (and so was formatted).
fn format_target(text: &str) -> bool {
    let path = "fuzz.accord";
    let (before, errors) = accord::syntax::parse_file(path, text);
    let formatted = match format_rule_file(path, text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(_)) => {
            assert!(!errors.is_empty(), "the formatter refused a file that parses");
            return false;
        }
        Err(FormatError::Bug(why)) => panic!("the formatter reports a bug: {why}"),
    };
    assert!(errors.is_empty(), "the formatter formatted a file that does not parse");
    let (after, errors) = accord::syntax::parse_file(path, &formatted);
    assert!(errors.is_empty(), "the formatted text does not parse: {errors:?}\n{formatted}");
    assert!(before == after, "the formatted text parses differently:\n{formatted}");
    let again = format_rule_file(path, &formatted).expect("the formatted text formats");
    assert_eq!(again, formatted, "formatting twice changes the text");
    true
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
