//! The twelve-rule benchmark (`benches/twelve/`): accord, given the benchmark's rules in its
//! own language, must print exactly the benchmark's expected output for its 10,000 cases,
//! through the library and through the binary, with one worker and with two.
//!
//! The cases come from a Rust port of the benchmark's Python generator
//! (`benches/twelve/gen_cases.rs`), itself checked here against the Python script's output.
#![allow(clippy::panic, reason = "a test fails by panicking")]

#[path = "../benches/twelve/gen_cases.rs"]
mod gen_cases;

mod common;

use common::{accord_command, manifest_dir, run_with_input};

use accord::{Date, RuleBase, RuleFiles};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/twelve/rules.accord");
const EXPECTED: &str = include_str!("data/twelve/expected-10000-seed42.tsv");

/// `python3 gen_cases.py 20 7`, verbatim.
const PYTHON_20_SEED_7: &str = include_str!("data/twelve/cases-20-seed7.jsonl");
/// Length and FNV-1a (64-bit) hash of `python3 gen_cases.py 10000 42`.
const PYTHON_10000_SEED_42: (usize, u64) = (6_897_357, 0x9246_c64f_feaa_ba51);

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn rule_base() -> RuleBase {
    let compiled = RuleFiles::from_paths(&[RULES.into()]).expect("the rules are readable").compile();
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    compiled.rule_base.expect("the twelve rules check cleanly")
}

/// The first line that differs, for a readable failure instead of two 800 kB strings.
fn assert_same_lines(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    for (number, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "{what}: line {} differs", number + 1);
    }
    assert_eq!(actual.lines().count(), expected.lines().count(), "{what}: line counts differ");
    panic!("{what}: the output differs from the expected output (line endings?)");
}

#[test]
fn the_generator_matches_the_python_script() {
    assert_eq!(gen_cases::jsonl(20, 7), PYTHON_20_SEED_7);
    let cases = gen_cases::jsonl(10_000, 42);
    assert_eq!((cases.len(), fnv1a(cases.as_bytes())), PYTHON_10000_SEED_42);
}

#[test]
fn the_library_gives_the_expected_output() {
    let rules = rule_base();
    // The twelve rules read no dates; any assessment date gives the same output.
    let as_of = Date::parse("2013-06-01").unwrap();
    let mut out = String::with_capacity(EXPECTED.len());
    for line in gen_cases::case_lines(10_000, 42) {
        let case = accord::parse_case("line", &line, rules.vocabulary()).expect("a valid case");
        // As `--format ids` writes it (src/batch.rs): the id, a tab, the ids by commas.
        out.push_str(case.id.as_deref().expect("every case has an id"));
        out.push('\t');
        let fired: Vec<&str> = rules
            .fired_rules(&case, as_of)
            .into_iter()
            .map(|rule| rules.get_rule(rule).expect("a fired rule").id.as_str())
            .collect();
        out.push_str(&fired.join(","));
        out.push('\n');
    }
    assert_same_lines(&out, EXPECTED, "parse_case + fired_rules");
}

#[test]
fn the_binary_gives_the_expected_output_with_one_and_two_workers() {
    let cases = gen_cases::jsonl(10_000, 42);
    for jobs in ["1", "2"] {
        let mut command = accord_command(manifest_dir());
        command.args(["advise", "--rules", RULES, "--batch", "-", "--format", "ids", "--jobs", jobs]);
        let output = run_with_input(command.args(["--as-of", "2013-06-01"]), &cases);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "--jobs {jobs}: {stderr}");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
        assert_same_lines(&stdout, EXPECTED, &format!("--batch - --format ids --jobs {jobs}"));
    }
}
