//! How property tests choose their cases: how many, and from which seed. It must not
//! generate inputs (each property's file, or `tests/generator/`, does).

use proptest::test_runner::{Config, RngSeed};

/// The configuration of a property: `cases` cases, or `PROPTEST_CASES` when set (for a
/// longer search: `PROPTEST_CASES=10000 cargo test --release --test properties`).
///
/// The random numbers come from a fixed seed, so that every run tries the same cases and
/// a failure in CI can be replayed; `PROPTEST_RNG_SEED=N` tries others.
pub fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    let default = Config::default();
    let rng_seed = match default.rng_seed {
        RngSeed::Random => RngSeed::Fixed(20_130_901),
        seed => seed,
    };
    Config { cases, rng_seed, ..default }
}
