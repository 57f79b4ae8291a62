//! The twelve-rule benchmark (`/work/shared/bench/README.md`, `benches/twelve/`): 100,000
//! generated cases (seed 42), held in memory as lines, evaluated
//!
//! - by the hand-written baseline: serde into typed structs and twelve `if`s;
//! - by accord on one thread: `parse_case` + `fired_rules` per line, formatted as
//!   `--format ids` does;
//! - by accord's `run_batch` (`--format ids`), with one worker and with two.
//!
//! Every variant writes the same `id\tids` lines, and is checked against the benchmark's
//! expected output for the first 10,000 cases before anything is measured. Throughput is in
//! cases (elements) per second.
//!
//! `cargo bench --bench twelve`
//!
//! The benches allocate as the `accord` binary does (mimalloc), so that their figures are
//! those of the command line; every variant, the baseline included, uses it.
#![allow(clippy::panic, reason = "a benchmark whose run goes wrong stops by panicking")]

#[path = "twelve/gen_cases.rs"]
mod gen_cases;

use std::hint::black_box;
use std::time::Duration;

use accord::batch::{BatchFormat, BatchOptions, run_batch};
use accord::{Date, RuleBase, RuleFiles};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CASES: usize = 100_000;
const SEED: u64 = 42;
const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/twelve/rules.accord");
const EXPECTED: &str = include_str!("../tests/data/twelve/expected-10000-seed42.tsv");

// ---------------------------------------------------------------------------------------
// The baseline: the benchmark's case shape as typed structs, and its rules as `if`s.

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, clippy::enum_variant_names)]
enum Sector {
    Health,
    LocalGovernment,
    ThirdSector,
    Provider,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Partner {
    name: String,
    sector: Sector,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Needs {
    Mild,
    Moderate,
    New,
    Complex,
    Unpredictable,
}

#[derive(Deserialize)]
struct Population {
    needs: Needs,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Change {
    None,
    Merger,
    NewStructure,
    PooledBudget,
    JointCommissioning,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Integration {
    Linkage,
    Coordination,
    Full,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Proposal {
    change: Change,
    integration: Integration,
    pooled_funding: bool,
    months_since_change: Option<u32>,
    stated_reasons: bool,
    real_reasons_clarified: bool,
    od_support_funded: bool,
}

#[derive(Deserialize)]
struct Outcomes {
    defined: bool,
    measures: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum CultureModel {
    Integration,
    Difference,
    Ambiguity,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Culture {
    assessed: bool,
    model: Option<CultureModel>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Board {
    includes_providers: bool,
    includes_third_sector: bool,
    includes_users_carers: bool,
    covers_children: bool,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Case {
    id: String,
    partners: Vec<Partner>,
    population: Population,
    proposal: Proposal,
    outcomes: Outcomes,
    culture: Culture,
    board: Board,
}

/// The baseline's output for one case: `id\tids`.
fn baseline_line(line: &str, out: &mut String) {
    let case: Case = serde_json::from_str(line).expect("a valid case");
    let (p, needs) = (&case.proposal, &case.population.needs);
    let merger = p.change == Change::Merger;
    let full = p.integration == Integration::Full;
    let months = p.months_since_change;
    let fired = [
        (matches!(needs, Needs::Complex | Needs::Unpredictable) && !full, "suggest_full_integration"),
        (matches!(needs, Needs::Mild | Needs::Moderate | Needs::New) && full, "linkage_may_suffice"),
        (merger, "merger_rarely_meets_objectives"),
        (merger && months.is_some_and(|m| m < 18), "merger_stall_window"),
        (merger && !p.real_reasons_clarified, "clarify_real_reasons"),
        (merger && !p.od_support_funded, "fund_od_support"),
        (merger && months.is_some_and(|m| m < 36), "post_merger_after_effects"),
        (!case.outcomes.defined, "define_outcomes_first"),
        (case.outcomes.defined && case.outcomes.measures == 0, "outcomes_without_measures"),
        (!case.culture.assessed, "assess_culture"),
        (full && !p.pooled_funding, "full_integration_needs_pooled_funding"),
        (!case.board.includes_users_carers, "involve_users_and_carers"),
    ];
    out.push_str(&case.id);
    out.push('\t');
    let mut first = true;
    for (_, id) in fired.iter().filter(|(fires, _)| *fires) {
        if !first {
            out.push(',');
        }
        out.push_str(id);
        first = false;
    }
    out.push('\n');
}

fn baseline(lines: &[String]) -> String {
    let mut out = String::with_capacity(lines.len() * 80);
    for line in lines {
        baseline_line(line, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------
// accord.

fn rule_base() -> RuleBase {
    let compiled = RuleFiles::from_paths(&[RULES.into()]).expect("the rules are readable").compile();
    compiled.rule_base.expect("the twelve rules check cleanly")
}

fn as_of() -> Date {
    Date::parse("2013-06-01").expect("a date")
}

/// `parse_case` + `fired_rules` per line, formatted as `--format ids` does (src/batch.rs).
fn accord_single(rules: &RuleBase, lines: &[String]) -> String {
    let as_of = as_of();
    let mut out = String::with_capacity(lines.len() * 80);
    let mut advisor = rules.advisor();
    for line in lines {
        let case = accord::parse_case("line", line, rules.vocabulary()).expect("a valid case");
        out.push_str(case.id.as_deref().expect("every case has an id"));
        out.push('\t');
        let mut first = true;
        for rule in advisor.fired_rules(&case, as_of) {
            if !first {
                out.push(',');
            }
            out.push_str(&rules.rules()[rule.0].id);
            first = false;
        }
        out.push('\n');
    }
    out
}

/// `run_batch` over the cases as one in-memory text.
fn accord_batch(rules: &RuleBase, input: &str, jobs: usize) -> Vec<u8> {
    let options = BatchOptions { format: BatchFormat::Ids, jobs, as_of: as_of(), as_of_override: None };
    let mut out = Vec::with_capacity(input.len() / 8);
    let summary =
        run_batch(rules, input.as_bytes(), &mut out, options, &mut |error| panic!("{error:?}"), &mut |_| {})
            .expect("writing to memory cannot fail");
    assert_eq!(summary.errors, 0);
    out
}

/// Stops before measuring anything if a variant does not give the expected output.
fn check(what: &str, actual: &str) {
    let expected_lines = EXPECTED.lines().count();
    let actual: String = actual.lines().take(expected_lines).flat_map(|line| [line, "\n"]).collect();
    assert!(actual == EXPECTED, "{what}: not the expected output of the twelve-rule benchmark");
}

fn twelve(c: &mut Criterion) {
    let lines = gen_cases::case_lines(CASES, SEED);
    let text: String = lines.iter().flat_map(|line| [line.as_str(), "\n"]).collect();
    let rules = rule_base();

    let first = &lines[..10_000];
    let first_text: String = first.iter().flat_map(|line| [line.as_str(), "\n"]).collect();
    check("baseline", &baseline(first));
    check("accord parse_case + fired_rules", &accord_single(&rules, first));
    for jobs in [1, 2] {
        let out = String::from_utf8(accord_batch(&rules, &first_text, jobs)).expect("accord writes UTF-8");
        check(&format!("accord run_batch jobs {jobs}"), &out);
    }

    let mut group = c.benchmark_group("twelve");
    group.throughput(Throughput::Elements(CASES as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(12));
    group.bench_function("baseline_serde_typed", |b| b.iter(|| baseline(black_box(&lines))));
    group.bench_function("accord_single_thread", |b| b.iter(|| accord_single(&rules, black_box(&lines))));
    for jobs in [1, 2] {
        group.bench_with_input(BenchmarkId::new("accord_run_batch_jobs", jobs), &jobs, |b, &jobs| {
            b.iter(|| accord_batch(&rules, black_box(&text), jobs));
        });
    }
    group.finish();
}

criterion_group!(benches, twelve);
criterion_main!(benches);
