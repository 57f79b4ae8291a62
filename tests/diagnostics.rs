//! Reports of many errors, and of errors in long lines: the first 50 errors of a file are
//! shown and the others counted; a long line is shown as an excerpt around the place.

use accord::RuleFiles;
use accord::diag::{self, Diagnostic, SourceMap};

mod common;

use common::scratch;

/// The shipped rules' vocabulary, for reading cases.
fn rule_base() -> accord::RuleBase {
    RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")
}

/// The problems with `text` read as the case `case.json`, and their rendering (plain).
fn case_errors(text: &str) -> (Vec<Diagnostic>, String) {
    let diagnostics = accord::parse_case("case.json", text, rule_base().vocabulary()).expect_err("refused");
    let mut sources = SourceMap::default();
    sources.add("case.json", text);
    let rendered = diag::render(&diagnostics, &sources, false);
    (diagnostics, rendered)
}

/// The longest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|line| line.chars().count()).max().unwrap_or(0)
}

/// A key given 2,000 times on one line of 22 KB: each E0306 used to show the whole stretch
/// of the line between the first key and the repeated one (at 16,000 keys, 176 KB, the
/// run took 83 s and 5 GB), and every one of them was reported.
#[test]
fn a_key_given_thousands_of_times_on_one_line_is_reported_in_a_few_short_lines() {
    let keys = 2000;
    let text = format!("{{{}}}", vec!["\"name\": \"x\""; keys].join(", "));
    let (diagnostics, rendered) = case_errors(&text);
    assert!(diagnostics.len() <= 51, "{} diagnostics kept", diagnostics.len());
    assert_eq!(rendered.matches("error[E0306]").count(), 50, "{rendered:.2000}");
    assert!(rendered.contains("1949 more errors in `case.json`"), "{}", &rendered[rendered.len() - 600..]);
    assert!(rendered.ends_with("1999 errors emitted\n"), "{}", &rendered[rendered.len() - 300..]);
    assert!(widest(&rendered) <= 160, "a line of {} characters", widest(&rendered));
    assert!(rendered.len() < 60_000, "{} bytes", rendered.len());
    // The place is still given exactly: the second key starts at column 15.
    assert!(rendered.contains("--> case.json:1:15\n"), "{rendered:.600}");
    assert!(rendered.contains("first given here"), "{rendered:.600}");
}

/// 4,000 wrongly typed groups: 50 errors shown, in the order of the file.
#[test]
fn thousands_of_wrongly_typed_groups_give_the_first_fifty_and_a_count() {
    let groups = 4000;
    let text = format!("{{\"groups\": [{}]}}", vec!["{\"needs\": 5}"; groups].join(", "));
    let (diagnostics, rendered) = case_errors(&text);
    assert!(diagnostics.len() <= 51, "{} diagnostics kept", diagnostics.len());
    assert!(diagnostics[0].message.contains("groups[0].needs"), "{}", diagnostics[0].message);
    assert!(diagnostics[49].message.contains("groups[49].needs"), "{}", diagnostics[49].message);
    assert!(rendered.contains("3950 more errors in `case.json`"), "{}", &rendered[rendered.len() - 600..]);
    assert!(rendered.ends_with("4000 errors emitted\n"), "{}", &rendered[rendered.len() - 300..]);
    assert!(widest(&rendered) <= 160, "a line of {} characters", widest(&rendered));
}

/// The first errors of the document are kept, whatever order the loader finds them in: a
/// key given twice is found last, after the values.
#[test]
fn the_errors_kept_are_the_first_in_the_document() {
    let wrong = vec!["{\"needs\": 5}"; 100].join(", ");
    let (first, _) = case_errors(&format!("{{\"name\": \"a\", \"name\": \"b\", \"groups\": [{wrong}]}}"));
    assert_eq!(first[0].code, "E0306", "{:?}", first[0]);
    assert_eq!(first.iter().filter(|d| d.code == "E0303").count(), 49);
    let (last, _) = case_errors(&format!("{{\"groups\": [{wrong}], \"name\": \"a\", \"name\": \"b\"}}"));
    assert!(last.iter().all(|d| d.code != "E0306"), "the duplicate is past the first 50");
    assert_eq!(last.iter().filter(|d| d.code == "E0303").count(), 50);
}

const VOCABULARY: &str = "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
fact a is true or false\n  ask \"A?\"\n";

/// A rule file with 8,000 errors (it used to take 12.7 s to report them all): the first 50
/// are shown, the others counted, in text and in JSON.
#[test]
fn a_rule_file_with_thousands_of_errors_reports_the_first_fifty() {
    let rules: String = (0..8000)
        .map(|i| format!("rule r{i}\n  when missing_{i}\n  note \"t\" \"x\"\n  cite s\n\n"))
        .collect();
    let files = vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), rules)];
    let compiled = RuleFiles::from_texts(files).compile();
    let rendered = diag::render(&compiled.diagnostics, &compiled.sources, false);
    assert_eq!(rendered.matches("error[E0203]").count(), 50, "{rendered:.2000}");
    assert!(rendered.contains("unknown name `missing_49`"));
    assert!(!rendered.contains("unknown name `missing_50`"));
    assert!(rendered.contains("7950 more errors in `r.accord`"), "{}", &rendered[rendered.len() - 600..]);
    assert!(rendered.ends_with("8000 errors emitted\n"), "{}", &rendered[rendered.len() - 300..]);
    let json = diag::to_json(&compiled.diagnostics, &compiled.sources);
    let json = json.as_array().expect("an array");
    assert_eq!(json.len(), 51);
    assert_eq!(json[50]["code"], "E0004");
    assert_eq!(json[50]["omitted"], 7950);
    assert_eq!(json[50]["file"], "r.accord");
}

/// A long line is shown as an excerpt around the place marked, whatever its length.
#[test]
fn a_mark_in_a_long_line_shows_an_excerpt_of_it() {
    let text = format!("{{\"name\": \"{}\", \"chnage\": 1}}", "x".repeat(100_000));
    let (diagnostics, rendered) = case_errors(&text);
    assert_eq!(diagnostics.len(), 1);
    assert!(widest(&rendered) <= 160, "a line of {} characters", widest(&rendered));
    assert!(rendered.contains("--> case.json:1:100014"), "{rendered}");
    assert!(rendered.contains("..."), "{rendered}");
    // A value marked whole, 100,000 characters long, is marked at its start.
    let text = format!("{{\"groups\": \"{}\"}}", "x".repeat(100_000));
    let (_, rendered) = case_errors(&text);
    assert!(widest(&rendered) <= 160, "a line of {} characters", widest(&rendered));
    assert!(rendered.contains("--> case.json:1:12"), "{rendered}");
}

/// 60 warnings in one rule file: `accord check` shows 50, counts the others (W0004) and
/// still succeeds; JSON gives every count.
#[test]
fn a_rule_file_with_many_warnings_shows_fifty_and_succeeds() {
    let dir = scratch("diagnostics", "warnings");
    let facts: String = (0..60).map(|i| format!("fact f{i} is true or false\n  ask \"F{i}?\"\n")).collect();
    let rules = format!("{VOCABULARY}{facts}rule r\n  when a\n  note \"t\" \"x\"\n  cite s\n");
    let path = dir.join("rules.accord");
    std::fs::write(&path, rules).expect("written");
    let check = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["check", "--format", format, "--rules"])
            .arg(&path)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("accord runs")
    };
    let output = check("text");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("warning[W0304]").count(), 50, "{err:.2000}");
    assert!(err.contains("warning[W0004]: 10 more warnings in"), "{}", &err[err.len().saturating_sub(600)..]);
    assert!(err.ends_with("60 warnings emitted\n"), "{}", &err[err.len().saturating_sub(300)..]);
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("no errors, 60 warnings"), "{out}");
    let json: serde_json::Value = serde_json::from_slice(&check("json").stdout).expect("JSON");
    assert_eq!(json["warnings"], 60);
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(51));
    assert_eq!(json["diagnostics"][50]["code"], "W0004");
    assert_eq!(json["diagnostics"][50]["omitted"], 10);
}
