//! Determinism: the same advice for a generated case twice, after other cases, alone or
//! among many, in the library and through the binary. It must not judge what the advice
//! is.

use std::path::{Path, PathBuf};
use std::process::Command;

use accord::rulebase::{Node, Shape, Type, Vocabulary};
use accord::{RuleBase, RuleFiles};
use proptest::prelude::*;
use serde_json::{Map, Value as Json, json};

use super::common::scratch;
use super::config;
use super::entropy::{Entropy, choices};

fn shipped() -> &'static RuleBase {
    static RULES: std::sync::OnceLock<RuleBase> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check"))
}

const TEXTS: [&str; 8] = [
    "save money",
    "integrate care",
    "",
    "Ünïcode “quotes” and \"escapes\"",
    "a\nb",
    "{braces}",
    "x",
    "  spaced  ",
];

/// A case over the shipped vocabulary: a random subset of the fields at every level, each
/// a value of its type or `null`.
fn generated_case(e: &mut Entropy, vocabulary: &Vocabulary) -> Json {
    let mut case = object_of(e, &vocabulary.root, vocabulary);
    if let Json::Object(fields) = &mut case {
        if e.chance(60) {
            fields.insert("name".into(), json!(format!("Case {}", e.below(1000))));
        }
        if e.chance(20) {
            fields.insert("id".into(), if e.chance(50) { json!(e.below(100)) } else { json!("c-1") });
        }
        // Every case gives its date, so that the advice does not depend on the day it runs.
        fields.insert("assessed_on".into(), json!(date(e)));
    }
    case
}

fn object_of(e: &mut Entropy, shape: &Shape, vocabulary: &Vocabulary) -> Json {
    let mut object = Map::new();
    for (name, node) in &shape.fields {
        if !e.chance(45) {
            continue;
        }
        let value = match node {
            _ if e.chance(10) => Json::Null,
            Node::Object(inner) => object_of(e, inner, vocabulary),
            Node::Fact(id) => {
                value_of(e, &vocabulary.get(*id).expect("a fact of the vocabulary").ty, vocabulary)
            }
        };
        object.insert(name.clone(), value);
    }
    Json::Object(object)
}

fn value_of(e: &mut Entropy, ty: &Type, vocabulary: &Vocabulary) -> Json {
    match ty {
        Type::Bool => json!(e.chance(50)),
        Type::Text => json!(e.pick(&TEXTS)),
        Type::Number => e.pick(&[json!(0), json!(1), json!(2.5), json!(1_000_000), json!(250_000), json!(3)]),
        Type::Date => json!(date(e)),
        Type::TextList => Json::Array((0..e.below(4)).map(|_| json!(e.pick(&TEXTS))).collect()),
        Type::Records(record) => {
            Json::Array((0..e.below(4)).map(|_| object_of(e, &record.shape, vocabulary)).collect())
        }
        Type::Enum(values) => json!(e.pick(values)),
    }
}

fn date(e: &mut Entropy) -> String {
    let (year, month) = (2008 + e.below(10), 1 + e.below(12));
    let day = if e.chance(5) && month == 2 && year % 4 == 0 { 29 } else { 1 + e.below(28) };
    format!("{year}-{month:02}-{day:02}")
}

fn advise_json(files: &[&Path]) -> (Vec<u8>, Json) {
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["advise", "--format", "json"])
        .args(files)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{files:?}: {stderr}");
    let json = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    (output.stdout, json)
}

proptest! {
    #![proptest_config(config(256))]

    /// Through the library: a generated case is valid, and its advice (the report, and its
    /// JSON) is the same twice, and the same after advising other cases.
    #[test]
    fn advice_is_deterministic_in_the_library(numbers in choices(400)) {
        let rules = shipped();
        let mut e = Entropy::new(&numbers);
        let first = generated_case(&mut e, rules.vocabulary()).to_string();
        let other = generated_case(&mut e, rules.vocabulary()).to_string();
        let parse = |text: &str| accord::parse_case("case.json", text, rules.vocabulary())
            .unwrap_or_else(|d| panic!("the generator wrote an invalid case: {d:?}\n{text}"));
        let (case, other) = (parse(&first), parse(&other));
        let date = case.assessed_on.expect("a date");
        let report = rules.advise(&case, date);
        let _ = rules.advise(&other, date);
        let again = rules.advise(&case, date);
        prop_assert_eq!(&report, &again);
        prop_assert_eq!(accord::report::to_json(&report), accord::report::to_json(&again));
        prop_assert_eq!(accord::report::to_text(&report), accord::report::to_text(&again));
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Through the binary: `accord advise --format json` on several generated cases gives
    /// an array whose elements are, in order, what it gives for each case alone; and the
    /// same bytes when run again.
    #[test]
    fn advice_is_the_same_alone_or_among_many_and_run_twice(numbers in choices(600)) {
        let rules = shipped();
        let mut e = Entropy::new(&numbers);
        let scratch = scratch("prop", "determinism");
        let count = 2 + e.below(3);
        let files: Vec<PathBuf> = (0..count)
            .map(|i| {
                let path = scratch.join(format!("case-{i}.json"));
                let case = generated_case(&mut e, rules.vocabulary());
                std::fs::write(&path, serde_json::to_string_pretty(&case).expect("a case serialises")).expect("written");
                path
            })
            .collect();
        let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let (bytes, together) = advise_json(&paths);
        let (bytes_again, _) = advise_json(&paths);
        prop_assert_eq!(bytes, bytes_again, "the same command gave different output");
        let together = together.as_array().expect("an array for several cases").clone();
        prop_assert_eq!(together.len(), files.len());
        for (path, element) in paths.iter().zip(&together) {
            let (_, alone) = advise_json(&[*path]);
            prop_assert_eq!(&alone, element, "{} alone differs from among the others", path.display());
        }
    }
}
