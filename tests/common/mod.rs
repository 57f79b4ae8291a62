//! What the integration tests share: running the built `accord` binary and reading what it
//! printed (`binary.rs`), folders of their own that clean up after themselves
//! (`folders.rs`), the parts of small rule bases and checking them (`rules.rs`), and how
//! properties choose their cases (`seeds.rs`). Each test file that needs them says
//! `mod common;`. Nothing here asserts what accord should do: the test files do.

// Each test file uses only some of these.
#![allow(dead_code, unused_imports)]
#![allow(clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod binary;
mod chromium;
mod folders;
pub mod rules;
pub mod seeds;

pub use binary::{
    accord, accord_command, accord_in, json, manifest_dir, run_with_input, run_with_stdin_within, run_within,
    stderr, stdout,
};
pub use chromium::CHROMIUM_FLAGS;
pub use folders::{Scratch, files_in, scratch};
