//! The case loader and the engine on arbitrary bytes, against the shipped rules:
//! `accord advise` and `accord explain` on one case file.
//!
//! Non-UTF-8 input is refused before loading (as the command line refuses it), so only
//! UTF-8 input is run, through `checks::case_target` (`fuzz/checks.rs`, shared with
//! `tests/fuzz_regressions.rs`).
#![no_main]

use std::sync::OnceLock;

use accord::{RuleBase, RuleFiles};
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fn shipped_rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    checks::case_target(shipped_rules(), text);
});
