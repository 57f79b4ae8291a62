//! Property tests: generated rule files, conditions, rule bases and cases, checked against
//! laws that must hold for every input, one concern per module: the formatter, three-valued
//! logic, questions, determinism, and cycles.
//!
//! The generators draw their choices from a vector of numbers that proptest generates and
//! shrinks (see [`entropy::Entropy`]): a shorter vector, or smaller numbers, give a simpler
//! input, so a failure is reported on a small example. Each property runs a fixed number of
//! cases (`ProptestConfig::cases`), chosen so that the whole file runs in a few seconds.

use proptest::test_runner::{Config, FileFailurePersistence};

mod common;
// The modules live in `properties/`, beside this file, which keeps its name for the
// documents that cite it.
#[path = "properties/cycles.rs"]
mod cycles;
#[path = "properties/determinism.rs"]
mod determinism;
#[path = "properties/entropy.rs"]
mod entropy;
#[path = "properties/formatter.rs"]
mod formatter;
#[path = "properties/logic.rs"]
mod logic;
#[path = "properties/questions.rs"]
mod questions;

/// The configuration of a property here: [`common::seeds::config`], with the failures
/// proptest finds kept for every module in one file, `tests/properties.proptest-regressions`,
/// where they were before the properties were split into modules.
fn config(cases: u32) -> Config {
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        ..common::seeds::config(cases)
    }
}
