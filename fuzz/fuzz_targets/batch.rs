//! `accord advise --batch` on arbitrary bytes, one case per line, with one worker and with
//! four: the reader, the workers and the writer that puts chunks back in order. Bytes that
//! are not UTF-8 are part of the input (a batch reports such a line and goes on). The
//! checks are `checks::batch_target` (`fuzz/checks.rs`, shared with
//! `tests/fuzz_regressions.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::batch_target(checks::shipped_rules(), data);
});
