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

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use accord::batch::{BatchFormat, BatchOptions, run_batch};
use accord::{Date, RuleFiles};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TWELVE: &str = include_str!("twelve/rules.accord");
const SHIRE: &str = include_str!("../fixtures/01-shire-integrated-care.json");
const RULES_PER_FILE: usize = 5_000;

/// The declarations every generated rule base starts with: the twelve-rule benchmark's
/// source and facts, and some derived facts.
fn declarations() -> String {
    let end = TWELVE.find("\nrule ").expect("the twelve rules follow the declarations");
    let mut text = TWELVE[..end].to_string();
    text.push_str(
        "\ndefine in_stall_window as proposal.change is merger and proposal.months_since_change < 18\n\
         define health_partners as count p in partners where p.sector is health\n\
         define complex_needs as population.needs in [complex, unpredictable]\n",
    );
    text
}

/// Rule number `i` of a generated rule base: one of twelve shapes, with numbers varied by
/// `i` so that no two rules are the same.
fn generated_rule(i: usize, out: &mut String) {
    let n = i % 61;
    let m = i % 11;
    let needs = ["mild", "moderate", "new", "complex", "unpredictable"][i % 5];
    let change = ["none", "merger", "new_structure", "pooled_budget", "joint_commissioning"][i % 5];
    let sector = ["health", "local_government", "third_sector", "provider"][i % 4];
    let kind = ["recommend", "warn", "note"][i % 3];
    let _ = writeln!(out, "rule generated_{i}");
    if i % 7 == 3 {
        let _ = writeln!(out, "  for each p in partners");
    }
    let condition = match (i % 12, i % 7 == 3) {
        (_, true) => format!("p.sector is {sector} and proposal.months_since_change < {n}"),
        (0, _) => format!(
            "population.needs in [{needs}, complex] and proposal.integration is not full\n   \
             and proposal.months_since_change < {n}"
        ),
        (1, _) => format!(
            "proposal.change is {change} and not proposal.real_reasons_clarified and outcomes.measures >= {m}"
        ),
        (2, _) => {
            format!("(not culture.assessed or culture.model is difference) and outcomes.measures != {m}")
        }
        (3, _) => {
            format!("(count p in partners where p.sector is {sector}) >= {} and outcomes.defined", i % 4)
        }
        (4, _) => format!(
            "(any p in partners where p.sector in [{sector}, provider]) and proposal.integration is full\n   \
             and outcomes.measures is at most {m}"
        ),
        (5, _) => format!(
            "proposal.months_since_change is unknown and proposal.change in [{change}, new_structure]\n   \
             or outcomes.measures == {m}"
        ),
        (6, _) => format!(
            "outcomes.measures == {m} or (proposal.stated_reasons and not proposal.od_support_funded)"
        ),
        (7, _) => format!("in_stall_window and board.covers_children is false and outcomes.measures > {m}"),
        (8, _) => format!(
            "(highest p.sector for p in partners) is at least {sector} and count of partners > {}",
            i % 6
        ),
        (9, _) => format!("complex_needs and health_partners >= {} and not proposal.pooled_funding", i % 3),
        (10, _) => format!(
            "not (board.includes_providers or board.includes_third_sector)\n   \
             and proposal.months_since_change is at least {n}"
        ),
        _ => format!(
            "population.needs is {needs} and (proposal.integration in [linkage, coordination]\n   \
             or proposal.months_since_change > {n}) and board.includes_users_carers"
        ),
    };
    let _ = writeln!(out, "  when {condition}");
    if i % 50 == 49 {
        let _ = writeln!(out, "  overrides generated_{}", i - 1);
    }
    let subject = if i % 7 == 3 { "{p}" } else { "the partnership" };
    let _ = writeln!(
        out,
        "  {kind} \"Generated advice {i} for {subject}\"\n    \
         \"Rule {i} fires; months since the change: {{proposal.months_since_change}}.\"\n  \
         cite benchmark\n"
    );
}

/// A rule base of `rules` generated rules, as files of at most [`RULES_PER_FILE`] rules
/// (the first also holding the declarations).
fn generated_rule_base(rules: usize) -> RuleFiles {
    let mut files = Vec::new();
    let mut text = declarations();
    for i in 0..rules {
        if i > 0 && i % RULES_PER_FILE == 0 {
            files.push((format!("generated-{}.accord", files.len()), std::mem::take(&mut text)));
        }
        text.push('\n');
        generated_rule(i, &mut text);
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
