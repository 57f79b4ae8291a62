//! The formatter's round trip on arbitrary UTF-8 rule text: `accord fmt`, through
//! `checks::format_target` (`fuzz/checks.rs`, shared with `tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    checks::format_target(text);
});
