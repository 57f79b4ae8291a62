//! Generated rule bases and cases for the differential tests and the properties that hold
//! one way of computing advice to another: rule-language text over a fixed vocabulary that
//! has every kind of fact (true or false, `one of`, numbers, dates, text, lists of text and
//! of records), derived facts and words, and JSON cases that leave any fact out, give it as
//! `null`, or give values at the edges (the calendar's first and last days, sums past the
//! largest number, texts that need escaping).
//!
//! The conditions are written where `eval::flat` specialises (dates and `as_of`, durations
//! and date arithmetic, text, number arithmetic, derived facts, `for each`, quantifiers and
//! counts) and rules may override earlier ones. Every generated rule base checks without
//! error: the tests check them with `common::rules::compile`, which panics otherwise (a bug
//! of the generator). The test files that use this module also say `mod common;`.
//!
//! This module must not judge the engine: it only makes inputs; the tests compare.

// Each test file uses only some of these.
#![allow(dead_code)]
#![allow(clippy::panic, reason = "a generator bug fails the test by panicking")]

use std::fmt::Write as _;

use accord::rulebase::Type;
use accord::{Date, RuleBase};
use proptest::prelude::*;
use serde_json::{Map, Value as Json};

/// The vocabulary every generated rule base shares: sources, scales, facts, derived facts
/// and words.
pub const VOCABULARY: &str = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"

evidence scale
  strong "strong evidence"
  weak   "weak evidence"

lessons
  L1 "The first lesson"
  L2 "The second lesson"

words era
  before 1066-10-14 "the old days"
  before 2013-04-01 "then"
  otherwise         "now"

fact a is true or false
  ask "a?"
fact b is true or false
  ask "b?"
fact kind is one of none, merger, restructure
  ask "kind?"
fact n is a number
  ask "n?"
fact m is a number
  ask "m?"
fact d is a date
  ask "d?"
fact e is a date
  ask "e?"
fact t is text
  ask "t?"
fact tags is a list of text
  ask "tags?"
fact groups is a list of records
  ask "groups?"
fact groups[].name is text
  ask "name?"
fact groups[].needs is one of mild, complex
  ask "needs of {groups[].name}?"
fact groups[].pooled is true or false
  ask "pooled?"
fact groups[].size is a number
  ask "size?"
fact groups[].since is a date
  ask "since?"
fact sites is a list of records
  ask "sites?"
fact sites[].name is text
  ask "site name?"
fact sites[].open is true or false
  ask "open?"
fact sites[].opened is a date
  ask "opened?"

define late as as_of is after d + 1 year
define total as n + m
define months_since as months between d and as_of
define complex_count as count x in groups where x.needs is complex
define newest as highest x.since for x in groups
define merging as kind is merger and late
define merging_big as merging and total > 10
define tagged as any x in tags where x is t
"#;

/// The priority scale a generated rule base may declare (then every rule names a step).
const PRIORITY_SCALE: &str =
    "priority scale\n  act_now \"act now\"\n  plan_for \"plan for\"\n  consider \"consider\"\n\n";

/// Tests over the case's facts, derived facts and `as_of`.
const CASE_LEAVES: &[&str] = &[
    // True or false, and `one of`.
    "a",
    "not b",
    "a is unknown",
    "kind is merger",
    "kind in [none, restructure]",
    "kind is not none",
    // Numbers and their arithmetic.
    "n > 3",
    "n + m > 3",
    "n - m is at most 0",
    "n + m - (m + n) is 0",
    "n < 0 - 1",
    "n - 0.5 < m",
    "n is known",
    "n is not at least m",
    "n + 1000 == m + 1000.0",
    "total >= 10",
    "total is 0",
    // Dates, `as_of`, durations and date arithmetic.
    "d is before e",
    "d is on or after 2013-04-01",
    "d + 18 months is after e",
    "d - 2 weeks is before 0001-01-15",
    "as_of is before d + 18 months",
    "as_of is on or after e - 3 years",
    "d + 1 year + 6 months is at most as_of",
    "d is 9999-12-31",
    "e + 10 days > 9999-12-25",
    "as_of - 1 day is before 0001-01-01",
    "as_of is 2016-02-29",
    "months between d and as_of >= 6",
    "months between e and d < 0",
    "months between as_of and e is 0",
    "d + 12 months is d + 1 year",
    "e - 14 days == e - 2 weeks",
    "e is known",
    "d is not before e",
    "d + 18 months is after d + 1 year",
    "months between d and e + 2 years is at least months_since",
    // Derived facts.
    "late",
    "months_since is at least 12",
    "merging",
    "not merging_big",
    "tagged",
    // Text and lists of text.
    "t is \"a\"",
    "t is not \"b\"",
    "t in [\"a\", \"\"]",
    "\"a\" in tags",
    "tags contains \"b\"",
    "\"c\" not in tags",
    "t in tags",
    "t is unknown",
    "tags is known",
    "any x in tags where x is \"a\"",
    "all x in tags where x in [\"a\", \"b\"]",
    "(count x in tags where x is t) >= 1",
    "count of tags > 1",
    // Lists of records: quantifiers, counts, highest and lowest.
    "any x in groups where x.needs is complex",
    "all x in groups where x.pooled",
    "(count x in groups where x.pooled) >= 1",
    "count of groups == 0",
    "(highest x.needs for x in groups) is complex",
    "any x in groups where (x.size > n)",
    "all x in groups where (x.since is before d)",
    "(highest x.size for x in groups) > 3",
    "(lowest x.since for x in groups) is before 2000-01-01",
    "newest is after as_of",
    "complex_count >= 1",
    "(count x in groups where x.pooled) + n >= 2",
    "count of groups + n > 2",
    "groups is unknown",
    "3 <= (count x in groups where x.size > 3)",
    "2 > (count x in tags where x in [\"a\", \"c\"])",
    "(lowest x.size for x in groups) is at most 0 - 1",
    "(highest x.since for x in groups) is d",
    "(lowest x.needs for x in groups) < complex",
    "any x in groups where (months between x.since and as_of > 12)",
];

/// Tests of the item `g` of a `for each g in groups` rule.
const ITEM_LEAVES: &[&str] = &[
    "g.needs is complex",
    "g.pooled",
    "not g.pooled",
    "g.needs in [mild]",
    "g.needs is at least complex",
    "g.size > 3",
    "g.size + n >= 5",
    "g.since is before as_of - 1 year",
    "g.since is after d",
    "g.since + 1 month is on or before e",
    "months between g.since and as_of > 12",
    "g.name is \"x\"",
    "g.name in tags",
    "g.name is known",
    "g.size is unknown",
    "any y in groups where (y.size > g.size)",
];

/// Tests of the item `p` of a `for each p in sites` rule.
const SITE_LEAVES: &[&str] = &[
    "p.open",
    "not p.open",
    "p.opened is before as_of - 6 months",
    "p.opened is on or after d",
    "p.open is unknown",
    "any x in groups where (x.since is before p.opened)",
];

/// What advice's titles and texts may show, of the case.
const CASE_HOLES: &[&str] = &[
    "{n}",
    "{n + m}",
    "{d}",
    "{d as month}",
    "{d + 18 months as month}",
    "{as_of}",
    "{t}",
    "{tags}",
    "{era}",
    "{kind}",
    "{a}",
    "{late}",
    "{count of groups}",
    "{count x in groups where x.pooled}",
    "{months_since}",
    "{groups}",
    "{newest}",
    "{highest x.needs for x in groups}",
];

/// What advice's titles and texts may show, of the item `g`.
const ITEM_HOLES: &[&str] = &["{g}", "{g.name}", "{g.size}", "{g.since as month}", "{g.needs}"];

/// What advice's titles and texts may show, of the item `p`.
const SITE_HOLES: &[&str] = &["{p}", "{p.open}", "{p.opened}"];

/// What a rule is about: the case, or each item of a list (two lists, so that a rule may
/// override one over another list, for every item).
#[derive(Clone, Copy, Debug)]
enum Scope {
    Case,
    /// `for each g in groups`.
    Groups,
    /// `for each p in sites`.
    Sites,
}

impl Scope {
    fn any() -> impl Strategy<Value = Scope> {
        proptest::sample::select(vec![Scope::Case, Scope::Case, Scope::Groups, Scope::Sites])
    }

    /// The tests and the holes a rule of this scope may write.
    fn choices(self) -> (Vec<&'static str>, Vec<&'static str>) {
        let (mut leaves, mut holes) = (CASE_LEAVES.to_vec(), CASE_HOLES.to_vec());
        let (item_leaves, item_holes) = match self {
            Scope::Case => (&[][..], &[][..]),
            Scope::Groups => (ITEM_LEAVES, ITEM_HOLES),
            Scope::Sites => (SITE_LEAVES, SITE_HOLES),
        };
        leaves.extend_from_slice(item_leaves);
        holes.extend_from_slice(item_holes);
        (leaves, holes)
    }

    /// The rule's `for each` clause, if any.
    fn clause(self) -> &'static str {
        match self {
            Scope::Case => "",
            Scope::Groups => "  for each g in groups\n",
            Scope::Sites => "  for each p in sites\n",
        }
    }
}

/// A condition over the case-level facts (and, inside `for each`, the item).
fn condition(scope: Scope) -> impl Strategy<Value = String> {
    let (leaves, _) = scope.choices();
    let leaf = proptest::sample::select(leaves).prop_map(str::to_string);
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} and {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} or {y})")),
            inner.prop_map(|x| format!("not ({x})")),
        ]
    })
}

/// One generated rule, before it is written out.
#[derive(Clone, Debug)]
struct GeneratedRule {
    scope: Scope,
    condition: String,
    /// Which earlier rules it overrides, as numbers to be taken modulo the rule's index.
    overrides: Vec<usize>,
    /// `recommend`, `warn` or `note`.
    kind: &'static str,
    /// Index into the priority scale's steps, used when the rule base has one.
    priority: usize,
    evidence: Option<&'static str>,
    lesson: Option<&'static str>,
    title: Vec<String>,
    text: Vec<String>,
}

/// Holes for a title or a text: up to three of those the rule may show.
fn holes(scope: Scope) -> impl Strategy<Value = Vec<String>> {
    let (_, holes) = scope.choices();
    proptest::collection::vec(proptest::sample::select(holes).prop_map(str::to_string), 0..3)
}

fn rule() -> impl Strategy<Value = GeneratedRule> {
    Scope::any().prop_flat_map(|scope| {
        (
            condition(scope),
            prop_oneof![3 => Just(Vec::new()), 2 => proptest::collection::vec(0..8usize, 1..3)],
            proptest::sample::select(vec!["recommend", "warn", "note"]),
            0..3usize,
            proptest::option::of(proptest::sample::select(vec!["strong", "weak"])),
            proptest::option::of(proptest::sample::select(vec!["L1", "L2"])),
            holes(scope),
            holes(scope),
        )
            .prop_map(
                move |(condition, overrides, kind, priority, evidence, lesson, title, text)| GeneratedRule {
                    scope,
                    condition,
                    overrides,
                    kind,
                    priority,
                    evidence,
                    lesson,
                    title,
                    text,
                },
            )
    })
}

/// Writes one rule, the `index`th, as rule-language text.
fn write_rule(out: &mut String, index: usize, rule: &GeneratedRule, priorities: bool) {
    let steps = ["act_now", "plan_for", "consider"];
    writeln!(out, "rule r{index}").expect("writing to a String");
    if let Some(lesson) = rule.lesson {
        writeln!(out, "  lesson {lesson}").expect("writing to a String");
    }
    if let Some(evidence) = rule.evidence {
        writeln!(out, "  evidence {evidence}").expect("writing to a String");
    }
    if priorities {
        writeln!(out, "  priority {}", steps[rule.priority]).expect("writing to a String");
    }
    out.push_str(rule.scope.clause());
    writeln!(out, "  when {}", rule.condition).expect("writing to a String");
    let mut overridden: Vec<usize> = rule.overrides.iter().map(|earlier| earlier % index.max(1)).collect();
    overridden.sort_unstable();
    overridden.dedup();
    if index > 0 && !overridden.is_empty() {
        let ids: Vec<String> = overridden.iter().map(|earlier| format!("r{earlier}")).collect();
        writeln!(out, "  overrides {}", ids.join(", ")).expect("writing to a String");
    }
    writeln!(out, "  {} \"Title {index} {}\"", rule.kind, rule.title.join(" ")).expect("writing to a String");
    writeln!(out, "    \"Text \\\"{index}\\\": {}\"", rule.text.join(", ")).expect("writing to a String");
    out.push_str(if index.is_multiple_of(2) { "  cite s\n\n" } else { "  cite s at \"p. 1\"\n\n" });
}

/// A rule base of one to five rules, some per group or per site, some overriding earlier
/// ones, with a priority scale or without.
pub fn rule_base() -> impl Strategy<Value = String> {
    (any::<bool>(), proptest::collection::vec(rule(), 1..6)).prop_map(|(priorities, rules)| {
        let mut text = String::new();
        if priorities {
            text.push_str(PRIORITY_SCALE);
        }
        for (index, rule) in rules.iter().enumerate() {
            write_rule(&mut text, index, rule, priorities);
        }
        text
    })
}

/// A rule base with a rule for every test and every hole the generator may write, so
/// that a test that does not check is found whatever proptest draws.
pub fn every_choice() -> String {
    let mut text = String::from(PRIORITY_SCALE);
    let mut write = |scope: Scope, condition: &str, holes: &[&str]| {
        let index = text.matches("\nrule ").count();
        let rule = GeneratedRule {
            scope,
            condition: condition.to_string(),
            overrides: Vec::new(),
            kind: "note",
            priority: 0,
            evidence: None,
            lesson: None,
            title: holes.iter().map(|hole| (*hole).to_string()).collect(),
            text: Vec::new(),
        };
        write_rule(&mut text, index, &rule, true);
    };
    for leaf in CASE_LEAVES {
        write(Scope::Case, leaf, CASE_HOLES);
    }
    for leaf in ITEM_LEAVES {
        write(Scope::Groups, leaf, ITEM_HOLES);
    }
    for leaf in SITE_LEAVES {
        write(Scope::Sites, leaf, SITE_HOLES);
    }
    text
}

/// A JSON value chosen from `known`, or `null`, or absent (`None`).
fn maybe(known: Vec<Json>) -> impl Strategy<Value = Option<Json>> {
    let mut options: Vec<Option<Json>> = known.into_iter().map(Some).collect();
    options.push(Some(Json::Null));
    options.push(None);
    proptest::sample::select(options)
}

fn bools() -> Vec<Json> {
    vec![Json::Bool(true), Json::Bool(false)]
}

fn strings(values: &[&str]) -> Vec<Json> {
    values.iter().map(|v| Json::String((*v).to_string())).collect()
}

/// Numbers at the edges: a fraction, a negative, and one whose sums pass the largest number.
fn numbers() -> Vec<Json> {
    vec![Json::from(0), Json::from(5), Json::from(2.5), Json::from(-1), Json::from(1e308)]
}

/// Dates of any year a case may write: the calendar's first and last days, leap days,
/// month ends (where adding months moves the day), and the dates the rules name.
const DATES: &[&str] = &[
    "0001-01-01",
    "0001-03-01",
    "1066-10-14",
    "2012-02-29",
    "2013-01-31",
    "2013-04-01",
    "2013-09-01",
    "9999-06-01",
    "9999-12-31",
];

/// Texts, one of which needs escaping in JSON.
const TEXTS: &[&str] = &["a", "b", "", "x", "\"q\"\\\n\u{1}"];

/// An object of the fields that are present.
fn object(fields: Vec<(&str, Option<Json>)>) -> Json {
    let map: Map<String, Json> =
        fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect();
    Json::Object(map)
}

fn group() -> impl Strategy<Value = Json> {
    (
        maybe(strings(&["x", "y", "\"q\"\\\n\u{1}"])),
        maybe(strings(&["mild", "complex"])),
        maybe(bools()),
        maybe(numbers()),
        maybe(strings(DATES)),
    )
        .prop_map(|(name, needs, pooled, size, since)| {
            object(vec![
                ("name", name),
                ("needs", needs),
                ("pooled", pooled),
                ("size", size),
                ("since", since),
            ])
        })
}

fn site() -> impl Strategy<Value = Json> {
    (maybe(strings(&["north", "\"q\"\\\n\u{1}"])), maybe(bools()), maybe(strings(DATES)))
        .prop_map(|(name, open, opened)| object(vec![("name", name), ("open", open), ("opened", opened)]))
}

fn tags() -> Vec<Json> {
    [&[][..], &["a"], &["a", "b"], &["b", "c"]].iter().map(|items| Json::Array(strings(items))).collect()
}

/// A case as JSON text: every fact known, unknown (`null`) or left out.
pub fn case() -> impl Strategy<Value = String> {
    let groups = prop_oneof![
        1 => Just(None),
        1 => Just(Some(Json::Null)),
        4 => proptest::collection::vec(group(), 0..4).prop_map(|items| Some(Json::Array(items))),
    ];
    let sites = prop_oneof![
        1 => Just(None),
        3 => proptest::collection::vec(site(), 0..3).prop_map(|items| Some(Json::Array(items))),
    ];
    (
        (maybe(strings(&["Case", "\"q\"\\\n\u{1}"])), maybe(bools()), maybe(bools())),
        maybe(strings(&["none", "merger", "restructure"])),
        (maybe(numbers()), maybe(numbers())),
        (maybe(strings(DATES)), maybe(strings(DATES))),
        (maybe(strings(TEXTS)), maybe(tags())),
        (groups, sites),
    )
        .prop_map(|((name, a, b), kind, (n, m), (d, e), (t, tags), (groups, sites))| {
            object(vec![
                ("name", name),
                ("a", a),
                ("b", b),
                ("kind", kind),
                ("n", n),
                ("m", m),
                ("d", d),
                ("e", e),
                ("t", t),
                ("tags", tags),
                ("groups", groups),
                ("sites", sites),
            ])
            .to_string()
        })
}

/// The date of an assessment: of any year, leap days and the calendar's ends included.
pub fn as_of() -> impl Strategy<Value = Date> {
    proptest::sample::select(vec![
        "0001-01-01",
        "0001-12-31",
        "1066-10-14",
        "2013-09-01",
        "2014-10-01",
        "2016-02-29",
        "9999-12-31",
    ])
    .prop_map(|date| Date::parse(date).expect("a valid date"))
}

/// A case's JSON text, read for `rule_base`; panics (a generator bug) if it is refused.
pub fn parse(rule_base: &RuleBase, case: &str) -> accord::Case {
    accord::parse_case("case.json", case, rule_base.vocabulary())
        .unwrap_or_else(|errors| panic!("generated case is refused: {case}\n{errors:#?}"))
}

/// Whether the reference evaluator finds questions about the fact at `path` (as
/// `groups[1].needs`) by trying its values: a true-or-false or `one of` fact.
pub fn has_few_values(rule_base: &RuleBase, path: &str) -> bool {
    let declared = declared_path(path);
    rule_base
        .vocabulary()
        .find(&declared)
        .and_then(|fact| rule_base.vocabulary().get(fact))
        .is_some_and(|fact| matches!(fact.ty, Type::Bool | Type::Enum(_)))
}

/// The declared path of a fact of one item: `groups[1].needs` is `groups[].needs`.
fn declared_path(path: &str) -> String {
    let mut declared = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                declared.push('[');
            }
            ']' => {
                in_index = false;
                declared.push(']');
            }
            _ if in_index => {}
            _ => declared.push(c),
        }
    }
    declared
}
