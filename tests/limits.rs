//! Limits: files over the size limit are refused (and the limit is set by
//! `ACCORD_MAX_FILE_BYTES`), nesting is bounded, interpolated texts grow no faster than the
//! case, and no rule base can make evaluation loop (cycles of derived facts and of
//! overrides are refused when the rules are checked). Through the binary, as users meet
//! them, except where the library says more: sizes and paths (`limits/sizes.rs`), depth
//! and cycles (`limits/depth.rs`), volume (`limits/volume.rs`).
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::path::Path;
use std::process::{Command, Output};

use accord::load::{MAX_FILE_BYTES_VAR, MAX_RULE_BASE_BYTES_VAR};

mod common;
// The modules live in `limits/`, beside this file, which keeps its name for the documents
// that cite it.
#[path = "limits/depth.rs"]
mod depth;
#[path = "limits/sizes.rs"]
mod sizes;
#[path = "limits/volume.rs"]
mod volume;

pub(crate) fn accord_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    accord_with_in(Path::new(env!("CARGO_MANIFEST_DIR")), env, args)
}

/// As [`accord_with`], run in `dir`: in a folder with no `rules/` here or above, commands
/// use the built-in rules, which no size limit applies to (they are not files).
pub(crate) fn accord_with_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove(MAX_FILE_BYTES_VAR)
        .env_remove(MAX_RULE_BASE_BYTES_VAR);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}

pub(crate) fn accord(args: &[&str]) -> Output {
    accord_with(&[], args)
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) const SHIRE: &str = "fixtures/01-shire-integrated-care.json";
