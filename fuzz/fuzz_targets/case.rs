//! The case loader and the engine on arbitrary bytes, against the shipped rules:
//! `accord advise` and `accord explain` on one case file.
//!
//! Non-UTF-8 input is refused before loading (as the command line refuses it), so only
//! UTF-8 input is run. A case that does not load must be refused with diagnostics that
//! render; a case that loads is advised and explained as of a fixed date (and as of its own
//! `assessed_on`, as the command line does), and the report and explanations are written
//! as text and JSON. Nothing may panic, overflow the stack or hang.
#![no_main]

use std::sync::OnceLock;

use accord::diag::{self, SourceMap};
use accord::{Date, RuleBase, RuleFiles};
use libfuzzer_sys::fuzz_target;

fn shipped_rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rules = shipped_rules();
    let path = "case.json";
    match accord::parse_case(path, text, &rules.vocabulary) {
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a refused case says why");
            assert!(diagnostics.iter().any(|d| d.is_error()), "a refused case has an error");
            let mut sources = SourceMap::default();
            sources.add(path, text);
            let _ = diag::render(&diagnostics, &sources, false);
            let _ = diag::to_json(&diagnostics, &sources);
        }
        Ok(case) => {
            let fixed = Date::parse("2013-09-01").expect("a date");
            let dates = std::iter::once(fixed).chain(case.assessed_on);
            for as_of in dates {
                let report = rules.advise(&case, as_of);
                let _ = accord::report::to_text(&report);
                let _ = accord::report::to_json(&report);
                let explanations = rules.explain(&case, as_of, &[]);
                let name = case.name.as_deref();
                let _ = accord::report::explanation_text(name, as_of, &explanations);
                let _ = accord::report::explanation_json(name, as_of, &explanations);
            }
        }
    }
});
