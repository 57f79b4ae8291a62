//! Compiling rule bases, and advising one case.
//!
//! - `compile/shipped`: parse and check the rule base shipped in the binary
//!   (`RuleFiles::embedded().compile()`).
//! - `compile/generated/N`: parse and check generated rule bases of N = 1,000, 10,000 and
//!   100,000 rules (the twelve-rule benchmark's vocabulary, a few derived facts, and rules
//!   with varied conditions: comparisons, membership, `not`, `or`, presence, `any`,
//!   `count`, `highest`, `for each`, derived facts, interpolated texts and `overrides`),
//!   split into files of at most 5,000 rules. Throughput is in rules per second, so the
//!   time per rule at each size shows whether growth is linear.
//! - `advise/shire`: `advise` on `fixtures/01-shire-integrated-care.json` with the shipped
//!   rules (the case parsed once), and `parse_advise_json/shire`: parsing, advising and
//!   writing the JSON advice document as `--format jsonl` does (`AdviceWriter`).
//! - `evaluate/fixtures`: `RuleBase::evaluate` (every rule's outcome, with the unknown facts
//!   that matter) on each of the project's fixtures, parsed once; throughput in cases.
//! - `advice_jsonl/fixtures`: `run_batch` with `--format jsonl` and one worker over the
//!   project's fixtures, each compacted to one line, repeated to 10,000 lines.
//!
//! `cargo bench --bench rules`
//!
//! The benches allocate as the `accord` binary does (mimalloc), so that their figures are
//! those of the command line; every variant, the baseline included, uses it.
#![allow(clippy::panic, reason = "a benchmark whose run goes wrong stops by panicking")]

use std::hint::black_box;
use std::time::Duration;

use accord::batch::{BatchFormat, BatchOptions, run_batch};
use accord::{Date, RuleFiles};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[allow(dead_code, reason = "each bench uses part of the generator")]
#[path = "common/generated.rs"]
mod generated;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHIRE: &str = include_str!("../fixtures/01-shire-integrated-care.json");
const RULES_PER_FILE: usize = 5_000;

/// A rule base of `rules` generated rules, as files of at most [`RULES_PER_FILE`] rules
/// (the first also holding the declarations).
fn generated_rule_base(rules: usize) -> RuleFiles {
    let mut files = Vec::new();
    let mut text = generated::declarations();
    for i in 0..rules {
        if i > 0 && i % RULES_PER_FILE == 0 {
            files.push((format!("generated-{}.accord", files.len()), std::mem::take(&mut text)));
        }
        text.push('\n');
        generated::generated_rule(i, &mut text);
    }
    files.push((format!("generated-{}.accord", files.len()), text));
    RuleFiles::from_texts(files)
}

/// The project's fixtures, each on one line (compact JSON).
fn fixture_lines() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the fixtures folder")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("a fixture");
            let json: serde_json::Value = serde_json::from_str(&text).expect("a JSON fixture");
            json.to_string()
        })
        .collect()
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));

    let shipped = RuleFiles::embedded();
    let shipped_rules = shipped.compile().rule_base.expect("the shipped rules check cleanly").rules().len();
    group.throughput(Throughput::Elements(shipped_rules as u64));
    group.bench_function("shipped", |b| b.iter(|| black_box(&shipped).compile()));

    for rules in [1_000, 10_000, 100_000] {
        let files = generated_rule_base(rules);
        let compiled = files.compile();
        let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).take(5).collect();
        assert!(errors.is_empty(), "the generated rule base of {rules} rules has errors: {errors:#?}");
        assert_eq!(compiled.rule_base.expect("no errors").rules().len(), rules);
        group.throughput(Throughput::Elements(rules as u64));
        // The 100,000-rule compile takes long enough that ten samples are all we can afford.
        group.sample_size(if rules >= 10_000 { 10 } else { 30 });
        group.measurement_time(Duration::from_secs(if rules >= 100_000 { 40 } else { 6 }));
        group.bench_with_input(BenchmarkId::new("generated", rules), &files, |b, files| {
            b.iter(|| files.compile());
        });
    }
    group.finish();
}

fn advise(c: &mut Criterion) {
    let rules = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check cleanly");
    let default_as_of = Date::parse("2013-06-01").expect("a date");
    let case = accord::parse_case("shire.json", SHIRE, rules.vocabulary()).expect("a valid case");
    let as_of = case.assessed_on.unwrap_or(default_as_of);
    assert!(!rules.advise(&case, as_of).advice.is_empty());

    let mut group = c.benchmark_group("advise");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));
    let mut advisor = rules.advisor();
    group.bench_function("shire", |b| b.iter(|| advisor.advise(black_box(&case), as_of)));
    let writer = accord::report::AdviceWriter::new(&rules);
    let mut line = Vec::new();
    group.bench_function("parse_advise_json_shire", |b| {
        b.iter(|| {
            let case =
                accord::parse_case("shire.json", black_box(SHIRE), rules.vocabulary()).expect("a valid case");
            let as_of = case.assessed_on.unwrap_or(default_as_of);
            line.clear();
            writer.write_case_with(&mut advisor, &case, as_of, &mut line);
            line.len()
        });
    });
    group.finish();

    let fixtures = fixture_lines();
    let lines = 10_000;
    let input: String = fixtures.iter().cycle().take(lines).flat_map(|line| [line.as_str(), "\n"]).collect();
    let options =
        BatchOptions { format: BatchFormat::Jsonl, jobs: 1, as_of: default_as_of, as_of_override: None };
    let run = || {
        let mut out = Vec::with_capacity(input.len() * 8);
        let summary =
            run_batch(&rules, input.as_bytes(), &mut out, options, &mut |e| panic!("{e:?}"), &mut |_| {})
                .expect("writing to memory cannot fail");
        assert_eq!(summary.cases, lines);
        out
    };
    run();
    let mut group = c.benchmark_group("advice_jsonl");
    group.throughput(Throughput::Elements(lines as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("fixtures_jobs_1", |b| b.iter(run));
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let rules = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check cleanly");
    let default_as_of = Date::parse("2013-06-01").expect("a date");
    let cases: Vec<_> = fixture_lines()
        .iter()
        .map(|line| {
            let case = accord::parse_case("fixture.json", line, rules.vocabulary()).expect("a valid fixture");
            let as_of = case.assessed_on.unwrap_or(default_as_of);
            (case, as_of)
        })
        .collect();
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.measurement_time(Duration::from_secs(5));
    let mut advisor = rules.advisor();
    group.bench_function("fixtures", |b| {
        b.iter(|| {
            cases.iter().map(|(case, as_of)| advisor.evaluate(black_box(case), *as_of).len()).sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, compile, advise, evaluate);
criterion_main!(benches);
