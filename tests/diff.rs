//! `accord diff`: the library's comparison on small rule bases (`diff/library.rs`), then
//! the built binary over the fixtures with rule bases in folders, in this repository's
//! history and in a git repository of the test's own (`diff/binary.rs`).
#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking")]

mod common;
// The modules live in `diff/`, beside this file, which keeps its name for the documents
// that cite it.
#[path = "diff/binary.rs"]
mod binary;
#[path = "diff/library.rs"]
mod library;
