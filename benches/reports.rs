//! Writing reports: how much of advising a case writing its report for a reader takes.
//!
//! - `render/{text,json,markdown,html}/shire`: one report of
//!   `fixtures/01-shire-integrated-care.json` (advised once, with its reasons in words)
//!   written in each format.
//! - `case_to/{json,html}/shire`: the whole work for one case, from its JSON text: parsing,
//!   advising and writing the JSON advice (`AdviceWriter`, as `--format json` in a batch
//!   writes it), or the HTML page (advice with reasons in words, then the page). The
//!   issue's target: HTML reports at least a tenth as fast as JSON advice.
//!
//! `cargo bench --bench reports`
#![allow(clippy::panic, reason = "a benchmark whose run goes wrong stops by panicking")]

use std::hint::black_box;

use accord::report::{self, About, AdviceWriter};
use accord::{Date, RuleFiles};
use criterion::{Criterion, criterion_group, criterion_main};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHIRE: &str = include_str!("../fixtures/01-shire-integrated-care.json");

fn reports(c: &mut Criterion) {
    let files = RuleFiles::embedded();
    let rules = files.compile().rule_base.expect("the shipped rules check");
    let about = About::new(rules.rules().len(), &files.content_hash());
    let as_of = Date::parse("2013-09-01").expect("a date");
    let case = accord::parse_case("shire.json", SHIRE, rules.vocabulary()).expect("the fixture is a case");
    let mut advisor = rules.advisor();
    let in_words = advisor.advise_in_words(&case, as_of);

    let mut render = c.benchmark_group("render");
    render.bench_function("text/shire", |b| b.iter(|| report::to_text(black_box(&in_words))));
    render.bench_function("json/shire", |b| {
        b.iter(|| serde_json::to_string(black_box(&in_words)).expect("a report serializes"));
    });
    render.bench_function("markdown/shire", |b| b.iter(|| report::to_markdown(black_box(&in_words), &about)));
    render.bench_function("html/shire", |b| b.iter(|| report::to_html(black_box(&in_words), &about)));
    render.finish();

    let mut whole = c.benchmark_group("case_to");
    let writer = AdviceWriter::new(&rules);
    let mut out = Vec::with_capacity(1 << 16);
    whole.bench_function("json/shire", |b| {
        b.iter(|| {
            out.clear();
            let case =
                accord::parse_case("shire.json", black_box(SHIRE), rules.vocabulary()).expect("a case");
            writer.write_case_with(&mut advisor, &case, as_of, &mut out);
        });
    });
    whole.bench_function("html/shire", |b| {
        b.iter(|| {
            let case =
                accord::parse_case("shire.json", black_box(SHIRE), rules.vocabulary()).expect("a case");
            report::to_html(&advisor.advise_in_words(&case, as_of), &about)
        });
    });
    whole.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);
