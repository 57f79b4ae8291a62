//! `accord interview` with arbitrary bytes as the answers (choices, dates, yes and no,
//! `skip`, `quit`, lines of any length, bytes that are not UTF-8), on a case that leaves
//! most facts unknown. The checks are `checks::interview_target` (`fuzz/checks.rs`, shared
//! with `tests/fuzz_regressions.rs`).
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
    checks::interview_target(shipped_rules(), data);
});
