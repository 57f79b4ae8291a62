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
        // Seeds named for a code raise it.
        let named = &name[..5];
        if name.starts_with('E') || name.starts_with('W') {
            assert!(codes.contains(&named), "{name}: {codes:?}");
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
