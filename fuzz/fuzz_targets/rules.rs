//! The rule parser, checker and linter on arbitrary bytes: `accord check` on one rule file.
//!
//! Non-UTF-8 input is refused before parsing (as `accord check` refuses it with E0002), so
//! only UTF-8 input is run, through `checks::rules_target` (`fuzz/checks.rs`, shared with
//! `tests/fuzz_regressions.rs`).
//!
//! A rule file's `source ... text "PATH"` makes the checker read PATH, relative to the rule
//! file. The file is placed in a temporary folder holding the two source texts the seeds
//! name (`texts/paper.txt`, `texts/glasby-2012-policy-paper-13.txt`), so quotes are checked
//! against real text; inputs that mention `dev/`, `proc/` or `sys/` are skipped so that the
//! fuzzer never reads a device or an endless pseudo-file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

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
    checks::rules_target(rule_file_path(), text);
});
