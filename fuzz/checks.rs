//! What each fuzz target checks on one input, shared by the targets (`fuzz/fuzz_targets/`)
//! and by `tests/fuzz_regressions.rs`, which replays the seeds and every input that ever
//! made a target fail. Both include this file with `#[path]`: the checks are written once,
//! and `cargo test` holds the targets' expectations without running the fuzzer.
//!
//! Nothing here may panic, overflow the stack or hang on any input; the assertions are the
//! properties the fuzzer looks for counterexamples to.

// Each target uses only its own check.
#![allow(dead_code)]
#![allow(clippy::panic, reason = "a check reports a counterexample by panicking, as the fuzzer expects")]

use accord::diag::{self, Diagnostic, SourceMap};
use accord::format::{FormatError, format_rule_file};
use accord::report::AdviceWriter;
use std::sync::OnceLock;

use accord::{Case, Date, RuleBase, RuleFiles};

/// The shipped rules (embedded), checked once: what the `case`, `interview` and `batch`
/// targets run against.
pub fn shipped_rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check"))
}

/// The `rules` target: `accord check` on one rule file at `path`. The file is parsed, then
/// compiled alone as a rule base (parse + check); every diagnostic is rendered as the
/// command line renders it (text and JSON). When the file checks, it is linted, and an
/// empty case is advised and explained. Returns the codes of the diagnostics and warnings.
pub fn rules_target(path: &str, text: &str) -> Vec<&'static str> {
    let (_ast, errors) = accord::syntax::parse_file(path, text);
    let mut sources = SourceMap::default();
    sources.add(path, text);
    let _ = diag::render(&errors, &sources, false);

    let compiled = RuleFiles::from_texts(vec![(path.to_string(), text.to_string())]).compile();
    assert_eq!(
        compiled.rule_base.is_some(),
        !compiled.diagnostics.iter().any(Diagnostic::is_error),
        "a rule base is given exactly when there is no error"
    );
    let _ = diag::render(&compiled.diagnostics, &compiled.sources, false);
    let _ = diag::render(&compiled.diagnostics, &compiled.sources, true);
    let _ = diag::to_json(&compiled.diagnostics, &compiled.sources);
    let mut codes: Vec<&'static str> = compiled.diagnostics.iter().map(|d| d.code).collect();

    let Some(rule_base) = compiled.rule_base else { return codes };
    let findings = accord::lint::lint(&rule_base);
    let _ = diag::render(&findings.warnings, &compiled.sources, false);
    let _ = diag::to_json(&findings.warnings, &compiled.sources);
    codes.extend(findings.warnings.iter().map(|d| d.code));
    let _ = accord::schema::case_schema(rule_base.vocabulary());

    let case = accord::parse_case("empty.json", "{}", rule_base.vocabulary()).expect("{} is a valid case");
    let as_of = Date::parse("2013-09-01").expect("a date");
    advise_and_explain(&rule_base, &case, as_of);
    codes
}

/// The `case` target: `accord advise` and `accord explain` on one case file, against
/// `rules`. A case that does not load must be refused with diagnostics that render; a case
/// that loads is advised and explained as of a fixed date (and as of its own
/// `assessed_on`, as the command line does). Returns the errors' codes (none if it loads).
pub fn case_target(rules: &RuleBase, text: &str) -> Vec<&'static str> {
    let path = "case.json";
    match accord::parse_case(path, text, rules.vocabulary()) {
        Err(diagnostics) => {
            assert!(diagnostics.iter().any(Diagnostic::is_error), "a refused case has an error");
            let mut sources = SourceMap::default();
            sources.add(path, text);
            let _ = diag::render(&diagnostics, &sources, false);
            let _ = diag::to_json(&diagnostics, &sources);
            diagnostics.iter().map(|d| d.code).collect()
        }
        Ok(case) => {
            let fixed = Date::parse("2013-09-01").expect("a date");
            for as_of in std::iter::once(fixed).chain(case.assessed_on) {
                advise_and_explain(rules, &case, as_of);
            }
            Vec::new()
        }
    }
}

/// Advises and explains `case`, writing the results in every format; the batch writer
/// must write the same JSON as the report's tree, and a report in words the same JSON as
/// one without.
fn advise_and_explain(rules: &RuleBase, case: &Case, as_of: Date) {
    let report = rules.advise(case, as_of);
    let _ = accord::report::to_text(&report);
    // The reasons in words, and the report that gives them, read the same case.
    let in_words = rules.advise_in_words(case, as_of);
    let _ = accord::report::to_text(&in_words);
    let verbose = accord::report::TextOptions { verbose: true };
    let _ = accord::report::to_text_with(&in_words, verbose);
    assert_eq!(
        accord::report::to_json(&in_words),
        accord::report::to_json(&report),
        "the words change the JSON"
    );
    let tree = accord::report::to_json(&report).to_string();
    let mut line = Vec::new();
    AdviceWriter::new(rules).write_case(case, as_of, &mut line);
    assert_eq!(String::from_utf8(line).expect("JSON is UTF-8"), tree + "\n", "the batch writer's JSON");
    let explanations = rules.explain(case, as_of, &[]);
    let name = case.name.as_deref();
    let _ = accord::report::explanation_text(name, as_of, &explanations);
    let _ = accord::report::explanation_json(name, as_of, &explanations);
}

/// The `format_roundtrip` target: `accord fmt` on arbitrary rule text. Text that does not
/// parse must be refused with its syntax errors. Text that parses must be formatted (the
/// formatter reporting a bug is a failure), the result must parse to the same syntax tree
/// (spans aside), and formatting it again must give it back unchanged. Returns whether the
/// text parsed (and so was formatted).
pub fn format_target(text: &str) -> bool {
    let path = "fuzz.accord";
    let (before, errors) = accord::syntax::parse_file(path, text);
    let formatted = match format_rule_file(path, text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            assert!(!errors.is_empty(), "the formatter refused a file that parses: {diagnostics:?}");
            return false;
        }
        Err(FormatError::Bug(why)) => panic!("the formatter reports a bug: {why}"),
    };
    assert!(errors.is_empty(), "the formatter formatted a file that does not parse: {errors:?}");
    let (after, errors) = accord::syntax::parse_file(path, &formatted);
    assert!(errors.is_empty(), "the formatted text does not parse: {errors:?}\n{formatted}");
    assert!(before == after, "the formatted text parses differently:\n{formatted}");
    match format_rule_file(path, &formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting twice changes the text"),
        Err(e) => panic!("the formatted text cannot be formatted again: {e:?}\n{formatted}"),
    }
    true
}

/// The `interview` target: `accord interview` reading arbitrary bytes as the answers, on a
/// case that leaves most facts unknown, written as people write cases (numbers as typed,
/// spacing of their own). Whatever is typed: the interview ends; the case it would save
/// is a valid case; every value the answers did not touch keeps its bytes; the facts
/// answered are asked only once.
pub fn interview_target(rules: &RuleBase, answers: &[u8]) -> usize {
    const CASE: &str = "{\n  \"name\" :  \"Fuzzed interview\",\n  \"id\": 123456789012345678901234567890,\n  \"change\": {\"kind\": \"merger\"}\n}\n";
    let as_of = Date::parse("2013-09-01").expect("a date");
    let mut session =
        accord::interview::Interview::new(rules, "case.json", CASE, as_of).expect("the case is valid");
    let mut transcript = Vec::new();
    let ending = session.run(answers, &mut transcript, true).expect("writing to memory cannot fail");
    let saved = session.case_text();
    if let Err(errors) = accord::parse_case("case.json", &saved, rules.vocabulary()) {
        panic!("the case to save is refused ({ending:?}): {errors:?}\n{saved}");
    }
    for kept in ["\"name\" :  \"Fuzzed interview\"", "123456789012345678901234567890"] {
        assert!(saved.contains(kept), "`{kept}` kept as written:\n{saved}");
    }
    let answered = session.answered();
    let mut unique: Vec<&String> = answered.iter().collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), answered.len(), "each fact answered once: {answered:?}");
    answered.len()
}

/// The `batch` target: `accord advise --batch` on arbitrary bytes, one case per line, with
/// one worker and with four, as JSON lines and as ids. Whatever the lines hold: the output
/// is the same whatever the number of workers; every line read is either advised, with
/// exactly one line of output, or reported as bad; the bad lines are reported in order.
/// Returns the lines read and the bad ones.
pub fn batch_target(rules: &RuleBase, input: &[u8]) -> (usize, usize) {
    use accord::batch::{BatchFormat, BatchOptions, run_batch};
    let as_of = Date::parse("2013-09-01").expect("a date");
    let mut first = None;
    for format in [BatchFormat::Jsonl, BatchFormat::Ids] {
        let mut runs = Vec::new();
        for jobs in [1, 4] {
            let options = BatchOptions { format, jobs, as_of, as_of_override: None };
            let (mut output, mut bad) = (Vec::new(), Vec::new());
            let summary =
                run_batch(rules, input, &mut output, options, &mut |e| bad.push(e.line), &mut |_| {})
                    .expect("writing to memory cannot fail");
            assert!(bad.windows(2).all(|w| w[0] < w[1]), "bad lines in input order: {bad:?}");
            assert_eq!(bad.len(), summary.errors, "every bad line is reported once");
            let lines = output.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
            assert_eq!(lines, summary.cases - summary.errors, "one line of output per case advised");
            if format == BatchFormat::Jsonl {
                for line in output.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    serde_json::from_slice::<serde_json::Value>(line).expect("each line is a JSON document");
                }
            }
            // How many chunks were in flight at once depends on the workers; nothing else may.
            runs.push((output, bad, summary.cases, summary.errors));
        }
        assert_eq!(runs[0], runs[1], "the same output whatever the number of workers");
        first.get_or_insert((runs[0].2, runs[0].3));
    }
    first.expect("two formats run")
}
