//! Case files from `JSONTestSuite` (Nicolas Seriot, MIT licence; `tests/data/jsontestsuite/`):
//! 95 documents every JSON parser must accept (`y_`), 188 it must refuse (`n_`) and 35 on
//! which parsers may differ (`i_`). Read as cases, none may crash accord: a `y_` document is
//! valid JSON, so it is read and then accepted or refused as a case, with a message; an
//! `n_` document is refused as JSON (or, when it is not UTF-8, as text); an `i_` document
//! may go either way.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod common;

use common::accord;

use accord::diag::{self, Diagnostic, SourceMap};
use accord::load::{ReadError, read_text};
use accord::{RuleBase, RuleFiles};

fn rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check"))
}

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/jsontestsuite/test_parsing")
}

/// The suite's files whose names start with `prefix`, sorted.
fn files(prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(suite())
        .expect("the suite is in tests/data")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .collect();
    files.sort();
    files
}

/// What the library makes of a file: its diagnostics (empty when it is a valid case),
/// each rendered as the command line would render it.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    rendered: String,
    /// Whether the text was read (UTF-8, under the size limit).
    read: bool,
}

fn load(path: &Path) -> Outcome {
    let shown = path.file_name().expect("a name").to_string_lossy().into_owned();
    match read_text(path) {
        Err(error) => {
            let diagnostics = vec![error.diagnostic(&shown)];
            let rendered = diag::render(&diagnostics, &SourceMap::default(), false);
            Outcome { diagnostics, rendered, read: false }
        }
        Ok(text) => {
            let diagnostics =
                accord::parse_case(&shown, &text, rules().vocabulary()).err().unwrap_or_default();
            let mut sources = SourceMap::default();
            sources.add(shown, text);
            let rendered = diag::render(&diagnostics, &sources, false);
            Outcome { diagnostics, rendered, read: true }
        }
    }
}

/// Every diagnostic is an error with a code, a one-line message and, when it marks a
/// place, a place inside the file.
fn assert_clear(path: &Path, outcome: &Outcome) {
    for diagnostic in &outcome.diagnostics {
        assert!(diagnostic.is_error(), "{}: {diagnostic:?}", path.display());
        assert!(!diagnostic.message.is_empty() && !diagnostic.message.contains('\n'), "{}", path.display());
        assert!(diagnostic.code.starts_with("E0"), "{}: {}", path.display(), diagnostic.code);
    }
    if !outcome.diagnostics.is_empty() {
        assert!(outcome.rendered.starts_with("error[E0"), "{}:\n{}", path.display(), outcome.rendered);
    }
}

#[test]
fn the_suite_is_complete() {
    assert_eq!(files("y_").len(), 95);
    assert_eq!(files("n_").len(), 188);
    assert_eq!(files("i_").len(), 35);
}

#[test]
fn every_document_a_parser_must_refuse_is_refused_as_json_or_as_text() {
    for path in files("n_") {
        let outcome = load(&path);
        assert_clear(&path, &outcome);
        let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
        if outcome.read {
            assert_eq!(codes, ["E0301"], "{}:\n{}", path.display(), outcome.rendered);
            let message = &outcome.diagnostics[0].message;
            assert!(
                message.starts_with("the case is not valid JSON: ") || message == "the case file is empty",
                "{}: {message}",
                path.display()
            );
        } else {
            assert_eq!(codes, ["E0002"], "{}:\n{}", path.display(), outcome.rendered);
            assert!(outcome.diagnostics[0].message.contains("is not UTF-8 text"), "{}", path.display());
        }
    }
}

#[test]
fn every_document_a_parser_must_accept_is_read_then_accepted_or_refused_as_a_case() {
    let mut accepted = Vec::new();
    for path in files("y_") {
        let outcome = load(&path);
        assert!(outcome.read, "{} is UTF-8", path.display());
        assert_clear(&path, &outcome);
        for diagnostic in &outcome.diagnostics {
            // Valid JSON is never refused as JSON: only as a case that does not fit the
            // vocabulary (not an object, unknown field, wrong type, field given twice...).
            assert!(
                ["E0302", "E0303", "E0304", "E0305", "E0306"].contains(&diagnostic.code),
                "{}:\n{}",
                path.display(),
                outcome.rendered
            );
        }
        if outcome.diagnostics.is_empty() {
            accepted.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    // Only `{}` is a case: every other document is not an object, or names fields that
    // are not in the vocabulary.
    assert_eq!(accepted, ["y_object_empty.json"]);
}

#[test]
fn every_document_parsers_disagree_on_is_read_or_refused_without_a_crash() {
    for path in files("i_") {
        let outcome = load(&path);
        assert_clear(&path, &outcome);
        if !outcome.read {
            assert_eq!(outcome.diagnostics[0].code, "E0002", "{}", path.display());
        }
    }
}

#[test]
fn numbers_beyond_the_range_of_a_double_are_refused_with_a_message() {
    // serde_json refuses a number it cannot hold rather than rounding it to infinity.
    let outcome = load(&suite().join("i_number_huge_exp.json"));
    assert_eq!(outcome.diagnostics[0].code, "E0301");
    assert!(outcome.diagnostics[0].message.contains("number out of range"), "{}", outcome.rendered);
}

/// Through the binary, a sample of each kind: exit 1 with a rendered error and no panic
/// for the documents refused, exit 0 for `{}`.
#[test]
fn the_binary_refuses_a_sample_with_exit_1_and_a_message() {
    let sample = [
        ("n_structure_100000_opening_arrays.json", 1),
        ("n_structure_open_array_object.json", 1),
        ("n_string_invalid_utf8_after_escape.json", 1),
        ("n_structure_lone-invalid-utf-8.json", 1),
        ("n_single_space.json", 1),
        ("n_structure_no_data.json", 1),
        ("n_object_trailing_comma.json", 1),
        ("n_structure_null-byte-outside-string.json", 1),
        ("n_number_NaN.json", 1),
        ("n_string_unescaped_tab.json", 1),
        ("y_object_duplicated_key.json", 1),
        ("y_structure_lonely_null.json", 1),
        ("y_string_utf8.json", 1),
        ("y_array_empty.json", 1),
        ("y_object_empty.json", 0),
        ("i_string_UTF-16LE_with_BOM.json", 1),
        ("i_structure_UTF-8_BOM_empty_object.json", 0),
        ("i_structure_500_nested_arrays.json", 1),
        ("i_number_huge_exp.json", 1),
    ];
    for (name, code) in sample {
        let path = suite().join(name);
        let output = accord(&["advise", "--format", "json", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        if code == 1 {
            assert!(stderr.starts_with("note: using the rules in rules/\nerror[E0"), "{name}: {stderr}");
            assert!(stderr.contains(name), "{name}: the message names the file: {stderr}");
        }
    }
}

/// A case nested a million levels deep, in every way JSON nests, is an error from the
/// library, not a stack overflow (`serde_json` stops at 128 levels).
#[test]
fn a_case_nested_a_million_levels_deep_is_an_error() {
    let depth = 1_000_000;
    let nestings = [
        "[".repeat(depth),
        "[".repeat(depth) + &"]".repeat(depth),
        "{\"a\":".repeat(depth),
        "{\"change\":".repeat(depth) + "1" + &"}".repeat(depth),
        "[{\"\":".repeat(depth / 2),
        format!("{{\"change\": {{\"stated_reasons\": {}}}}}", "[".repeat(depth)),
    ];
    for (i, text) in nestings.into_iter().enumerate() {
        let errors = accord::parse_case("deep.json", &text, rules().vocabulary()).expect_err("refused");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "E0301");
        assert!(errors[0].message.contains("recursion limit exceeded"), "{}", errors[0].message);
        // Rendering marks the place on a line a million characters long; once is enough.
        if i == 0 {
            let mut sources = SourceMap::default();
            sources.add("deep.json", text);
            let rendered = diag::render(&errors, &sources, false);
            assert!(rendered.contains("deeper than 128 levels"), "{rendered}");
        }
    }
}

/// Nesting just inside serde's limit is read, then refused by the vocabulary without
/// descending into it.
#[test]
fn a_case_nested_127_levels_in_a_field_is_refused_as_a_case() {
    let nested = "[".repeat(120) + &"]".repeat(120);
    let text = format!("{{\"change\": {{\"stated_reasons\": [{nested}]}}}}");
    let errors = accord::parse_case("deep.json", &text, rules().vocabulary()).expect_err("refused");
    assert_eq!(errors.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0303"]);
    let text = format!("{{\"partners\": [{{\"name\": {nested}}}]}}");
    let errors = accord::parse_case("deep.json", &text, rules().vocabulary()).expect_err("refused");
    assert_eq!(errors.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0303"]);
}

/// `ReadError` names the first bad byte of a file that is not UTF-8.
#[test]
fn a_file_that_is_not_utf8_is_refused_with_the_offset_of_its_first_bad_byte() {
    let path = suite().join("n_string_invalid_utf8_after_escape.json");
    let bytes = std::fs::read(&path).unwrap();
    let offset = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
    assert_eq!(read_text(&path), Err(ReadError::NotUtf8(offset)));
}
