//! The case loader and the engine on arbitrary bytes, against the shipped rules:
//! `accord advise` and `accord explain` on one case file.
//!
//! Non-UTF-8 input is refused before loading (as the command line refuses it), so only
//! UTF-8 input is run, through `checks::case_target` (`fuzz/checks.rs`, shared with
//! `tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    checks::case_target(checks::shipped_rules(), text);
});
