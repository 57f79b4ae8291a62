//! `accord advise --batch` on arbitrary bytes, one case per line, with one worker and with
//! four: the reader, the workers and the writer that puts chunks back in order. Bytes that
//! are not UTF-8 are part of the input (a batch reports such a line and goes on). The
//! checks are `checks::batch_target` (`fuzz/checks.rs`, shared with
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
    checks::batch_target(shipped_rules(), data);
});
