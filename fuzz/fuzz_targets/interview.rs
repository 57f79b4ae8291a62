//! `accord interview` with arbitrary bytes as the answers (choices, dates, yes and no,
//! `skip`, `quit`, lines of any length, bytes that are not UTF-8), on a case that leaves
//! most facts unknown. The checks are `checks::interview_target` (`fuzz/checks.rs`, shared
//! with `tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::interview_target(checks::shipped_rules(), data);
});
