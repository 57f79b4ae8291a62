//! The rule parser, checker and linter on arbitrary bytes: `accord check` on one rule file.
//!
//! Non-UTF-8 input is refused before parsing (as `accord check` refuses it with E0002), so
//! only UTF-8 input is run. The file is parsed, then compiled alone as a rule base (parse +
//! check); every diagnostic is rendered as the command line renders it (text and JSON).
//! When the file checks, it is linted, and an empty case is advised and explained. Nothing
//! may panic, overflow the stack or hang.
//!
//! A rule file's `source ... text "PATH"` makes the checker read PATH, relative to the rule
//! file. The file is placed in a temporary folder holding the two source texts the seeds
//! name (`texts/paper.txt`, `texts/glasby-2012-policy-paper-13.txt`), so quotes are checked
//! against real text; inputs that mention `dev/`, `proc/` or `sys/` are skipped so that the
//! fuzzer never reads a device or an endless pseudo-file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use accord::diag::{self, SourceMap};
use accord::{Date, RuleFiles};
use libfuzzer_sys::fuzz_target;

fn rule_file_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir: PathBuf = std::env::temp_dir().join(format!("accord-fuzz-rules-{}", std::process::id()));
        let texts = dir.join("texts");
        std::fs::create_dir_all(&texts).expect("a temporary folder");
        std::fs::write(texts.join("paper.txt"), include_str!("../../fixtures/bad-rules/texts/paper.txt"))
            .expect("writable");
        std::fs::write(
            texts.join("glasby-2012-policy-paper-13.txt"),
            include_str!("../../rules/texts/glasby-2012-policy-paper-13.txt"),
        )
        .expect("writable");
        dir.join("fuzz.accord").to_string_lossy().into_owned()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if ["dev/", "proc/", "sys/"].iter().any(|p| text.contains(p)) {
        return;
    }
    let path = rule_file_path();

    let (_ast, errors) = accord::syntax::parse_file(path, text);
    let mut sources = SourceMap::default();
    sources.add(path, text);
    let _ = diag::render(&errors, &sources, false);

    let compiled = RuleFiles::from_texts(vec![(path.to_string(), text.to_string())]).compile();
    assert_eq!(
        compiled.rule_base.is_some(),
        !compiled.diagnostics.iter().any(|d| d.is_error()),
        "a rule base is given exactly when there is no error"
    );
    let _ = diag::render(&compiled.diagnostics, &compiled.sources, false);
    let _ = diag::render(&compiled.diagnostics, &compiled.sources, true);
    let _ = diag::to_json(&compiled.diagnostics, &compiled.sources);

    let Some(rule_base) = compiled.rule_base else { return };
    let findings = accord::lint::lint(&rule_base);
    let _ = diag::render(&findings.warnings, &compiled.sources, false);
    let _ = diag::to_json(&findings.warnings, &compiled.sources);
    let _ = accord::schema::case_schema(&rule_base.vocabulary);

    let case = accord::parse_case("empty.json", "{}", &rule_base.vocabulary).expect("{} is a valid case");
    let as_of = Date::parse("2013-09-01").expect("a date");
    let report = rule_base.advise(&case, as_of);
    let _ = accord::report::to_text(&report);
    let _ = accord::report::to_json(&report);
    let explanations = rule_base.explain(&case, as_of, &[]);
    let _ = accord::report::explanation_text(None, as_of, &explanations);
});
