//! Coverage of a rule base by a set of cases: for each rule, in how many cases it fired,
//! stayed silent, was undetermined or was overridden; for each part of its condition,
//! whether it was ever true and ever false, and for a test against a written-out list,
//! which of its values the cases had; and the sources and quotes that no advice showed.
//! Rules that never fire, parts never true or never false, and values no case had point at
//! logic that is dead or that no case tests.
//!
//! Counting: a rule's counts are of cases. A rule given per item (`for each`) counts, for
//! each case, as fired when any item fired, otherwise as overridden when any item was
//! overridden, otherwise as unknown when any item was undetermined (or the list itself is
//! unknown), otherwise as not fired (an empty list included); its items are counted
//! alongside. A part's counts are of evaluations: once per case, per item of a `for each`
//! rule and per item of an `any`/`all` list. Parts are identified by their text within
//! the rule, as `explain` shows them.
//!
//! A part that tests a value against a written-out list (`change.kind in [pooled_budget,
//! joint_commissioning]`, or `not in`) also counts, for each value of the list, the
//! evaluations in which the value tested was that one: a value no case had is a branch of
//! the rule no case exercised, though the part was true and false. Evaluations in which
//! the value tested was unknown count for no value; a part that only such evaluations
//! reached singles out no value (it is never true and never false). Text looked for in a
//! list-of-text fact
//! (`"save money" in change.stated_reasons`) has no values written out, and is one test.

use std::collections::{HashMap, HashSet};
// Writing to a `String` cannot fail: the `fmt::Result`s of `write!` are ignored.
use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use crate::case::Case;
use crate::eval::{ListMatch, Node, OutcomeKind, Truth};
use crate::prose::counted;
use crate::rulebase::{Expr, RuleBase, RuleId};
use crate::value::{Date, Value};

/// Names the layout of the JSON coverage report; changes only when the layout does.
pub const COVERAGE_FORMAT: &str = "accord.coverage.v1";

/// How many outcomes came out each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Fired: the advice was given.
    pub fired: usize,
    /// The condition was false: the rule stayed silent.
    pub not_fired: usize,
    /// The condition depended on unknown facts.
    pub unknown: usize,
    /// A rule that overrides this one fired.
    pub overridden: usize,
}

impl Tally {
    fn add(&mut self, kind: OutcomeKind) {
        match kind {
            OutcomeKind::Fired => self.fired += 1,
            OutcomeKind::NotFired => self.not_fired += 1,
            OutcomeKind::Unknown => self.unknown += 1,
            OutcomeKind::Overridden => self.overridden += 1,
        }
    }

    /// Every outcome counted.
    pub fn total(&self) -> usize {
        self.fired + self.not_fired + self.unknown + self.overridden
    }
}

/// A value of a written-out `in [...]` list, and how often the value tested was it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListValue {
    /// The value as the rules write it: `joint_commissioning`, `"save money"`, `2.5`.
    pub value: String,
    /// How many evaluations found the value tested equal to it.
    pub matched: usize,
}

/// One part of a condition (a test, as `explain` shows it) and the values it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartCoverage {
    /// The test as written: `change.kind is merger`.
    pub text: String,
    /// How many evaluations found it true.
    pub true_count: usize,
    /// How many found it false.
    pub false_count: usize,
    /// How many left it unknown.
    pub unknown_count: usize,
    /// For a test against a written-out list (`in [...]`, `not in [...]`), each value of
    /// the list in the order written; `None` for any other test.
    pub values: Option<Vec<ListValue>>,
}

impl PartCoverage {
    fn new(text: String) -> PartCoverage {
        PartCoverage { text, true_count: 0, false_count: 0, unknown_count: 0, values: None }
    }

    /// The values of its list that no evaluation's value was, in the order written: none
    /// for a part that is not a test against a written-out list, and none for one that no
    /// evaluation gave a known value to (every value then goes unmatched, and the part,
    /// never true and never false, is reported as such).
    pub fn never_matched(&self) -> Vec<&str> {
        if self.true_count + self.false_count == 0 {
            return Vec::new();
        }
        let values = self.values.iter().flatten();
        values.filter(|v| v.matched == 0).map(|v| v.value.as_str()).collect()
    }

    fn add(&mut self, value: Truth) {
        match value {
            Truth::True => self.true_count += 1,
            Truth::False => self.false_count += 1,
            Truth::Unknown => self.unknown_count += 1,
        }
    }

    /// Never true in any case (including parts never evaluated).
    pub fn never_true(&self) -> bool {
        self.true_count == 0
    }

    /// Never false in any case (including parts never evaluated).
    pub fn never_false(&self) -> bool {
        self.false_count == 0
    }
}

/// How one rule came out across the cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleCoverage {
    /// The rule's id.
    pub rule: String,
    /// For a `for each` rule, the path of its list (`groups`).
    pub for_each: Option<String>,
    /// Cases, by how the rule came out for each.
    pub cases: Tally,
    /// For a `for each` rule, the items of all cases, by how the rule came out for each.
    pub items: Option<Tally>,
    /// The parts of its condition, in the order written.
    pub parts: Vec<PartCoverage>,
}

impl RuleCoverage {
    /// Whether it fired in at least one case.
    pub fn ever_fired(&self) -> bool {
        self.cases.fired > 0
    }

    /// The parts never true, in the order written.
    pub fn never_true(&self) -> impl Iterator<Item = &PartCoverage> {
        self.parts.iter().filter(|p| p.never_true())
    }

    /// The parts never false, in the order written.
    pub fn never_false(&self) -> impl Iterator<Item = &PartCoverage> {
        self.parts.iter().filter(|p| p.never_false())
    }

    /// The parts testing against a written-out list some value of which no case had, in
    /// the order written.
    pub fn never_matched(&self) -> impl Iterator<Item = &PartCoverage> {
        self.parts.iter().filter(|p| !p.never_matched().is_empty())
    }
}

/// A source that no advice cited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncitedSource {
    /// Its key.
    pub key: String,
    /// The rules that cite it (none of which fired), in rule order; empty when no rule does.
    pub cited_by: Vec<String>,
}

/// A quote of a rule that never fired, so that no advice showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnshownQuote {
    /// The rule citing it.
    pub rule: String,
    /// The source's key.
    pub source: String,
    /// Section, page or figure.
    pub locator: Option<String>,
    /// The key of the work it is quoted in (`quoted in`), where it is checked.
    pub quoted_in: Option<String>,
    /// The quote.
    pub quote: String,
}

/// The coverage of a rule base by a set of cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// How many cases were evaluated.
    pub cases: usize,
    /// Every rule, in rule order.
    pub rules: Vec<RuleCoverage>,
    /// The sources no advice cited, in declaration order.
    pub uncited_sources: Vec<UncitedSource>,
    /// The quotes no advice showed, in rule order.
    pub unshown_quotes: Vec<UnshownQuote>,
}

impl Coverage {
    /// How many rules fired in at least one case.
    pub fn rules_fired(&self) -> usize {
        self.rules.iter().filter(|r| r.ever_fired()).count()
    }

    /// The share of rules that fired in at least one case, in percent (100 when there are
    /// no rules).
    pub fn percent_fired(&self) -> f64 {
        if self.rules.is_empty() {
            return 100.0;
        }
        self.rules_fired() as f64 * 100.0 / self.rules.len() as f64
    }

    /// Whether fewer than `min_percent` percent of the rules fired in some case.
    pub fn below(&self, min_percent: f64) -> bool {
        // Compared without dividing, so that 2 of 3 rules is not "below 66.666...".
        (self.rules_fired() as f64) * 100.0 < min_percent * self.rules.len() as f64
    }

    /// The rules in report order: those that never fired first, then the others, each in
    /// rule order.
    pub fn in_report_order(&self) -> Vec<&RuleCoverage> {
        let (never, fired): (Vec<&RuleCoverage>, Vec<&RuleCoverage>) =
            self.rules.iter().partition(|r| !r.ever_fired());
        never.into_iter().chain(fired).collect()
    }
}

impl RuleBase {
    /// The coverage of this rule base by `cases`, each with the date it is assessed on.
    pub fn coverage<'c>(&self, cases: impl IntoIterator<Item = (&'c Case, Date)>) -> Coverage {
        let index: HashMap<&str, RuleId> =
            self.rule_ids().zip(&self.rules).map(|(r, rule)| (rule.id.as_str(), r)).collect();
        let mut rules: Vec<RuleCoverage> = self
            .rules
            .iter()
            .map(|rule| RuleCoverage {
                rule: rule.id.clone(),
                for_each: rule.for_each.map(|list| self.vocabulary.fact(list).path.clone()),
                cases: Tally::default(),
                items: rule.for_each.map(|_| Tally::default()),
                parts: parts_of(self, &rule.condition),
            })
            .collect();
        let mut count = 0;
        for (case, as_of) in cases {
            count += 1;
            let mut kinds: Vec<Vec<OutcomeKind>> = vec![Vec::new(); self.rules.len()];
            for (explanation, matches) in self.explain_with_list_matches(case, as_of) {
                let Some(&r) = index.get(explanation.rule.as_str()) else { continue };
                kinds[r.0].push(explanation.outcome);
                let coverage = &mut rules[r.0];
                if self.rule(r).for_each.is_some() {
                    if explanation.item.is_none() {
                        // The list is unknown: no item, and no part of the condition, was
                        // evaluated.
                        continue;
                    }
                    if let Some(items) = &mut coverage.items {
                        items.add(explanation.outcome);
                    }
                }
                tally_parts(&explanation.condition, &mut coverage.parts);
                tally_matches(&matches, &mut coverage.parts);
            }
            for (coverage, kinds) in rules.iter_mut().zip(kinds) {
                coverage.cases.add(case_outcome(&kinds));
            }
        }
        let fired: HashSet<RuleId> =
            self.rule_ids().zip(&rules).filter(|(_, r)| r.ever_fired()).map(|(id, _)| id).collect();
        Coverage {
            cases: count,
            uncited_sources: self.uncited_sources(&fired),
            unshown_quotes: self.unshown_quotes(&fired),
            rules,
        }
    }

    fn uncited_sources(&self, fired: &HashSet<RuleId>) -> Vec<UncitedSource> {
        self.sources
            .keys()
            .filter(|key| !fired.iter().any(|&r| self.rule(r).citations.iter().any(|c| c.names(key))))
            .map(|key| {
                let mut cited_by: Vec<String> = Vec::new();
                for rule in &self.rules {
                    if rule.citations.iter().any(|c| c.names(key)) && !cited_by.contains(&rule.id) {
                        cited_by.push(rule.id.clone());
                    }
                }
                UncitedSource { key: key.clone(), cited_by }
            })
            .collect()
    }

    fn unshown_quotes(&self, fired: &HashSet<RuleId>) -> Vec<UnshownQuote> {
        let mut quotes = Vec::new();
        for (r, rule) in self.rule_ids().zip(&self.rules).filter(|(r, _)| !fired.contains(r)) {
            debug_assert_eq!(rule.id, self.rule(r).id);
            for citation in &rule.citations {
                if let Some(quote) = &citation.quote {
                    quotes.push(UnshownQuote {
                        rule: rule.id.clone(),
                        source: citation.source.clone(),
                        locator: citation.locator.clone(),
                        quoted_in: citation.quoted_in.as_ref().map(|q| q.source.clone()),
                        quote: quote.clone(),
                    });
                }
            }
        }
        quotes
    }
}

/// How a rule came out for a whole case, from its outcomes (one per item for a `for each`
/// rule, none for an empty list): fired if any item fired, else overridden, else unknown,
/// else not fired.
fn case_outcome(kinds: &[OutcomeKind]) -> OutcomeKind {
    [OutcomeKind::Fired, OutcomeKind::Overridden, OutcomeKind::Unknown]
        .into_iter()
        .find(|kind| kinds.contains(kind))
        .unwrap_or(OutcomeKind::NotFired)
}

/// The parts of a condition in the order written, as `explain` names them, each once.
fn parts_of(rule_base: &RuleBase, condition: &Expr) -> Vec<PartCoverage> {
    fn walk(rule_base: &RuleBase, expr: &Expr, out: &mut Vec<PartCoverage>) {
        let text = match expr {
            Expr::And(a, b) | Expr::Or(a, b) => {
                walk(rule_base, a, out);
                walk(rule_base, b, out);
                return;
            }
            Expr::Not(inner) | Expr::Quantified { body: inner, .. } => {
                walk(rule_base, inner, out);
                return;
            }
            Expr::Atom(atom) => {
                if !out.iter().any(|part| part.text == atom.text) {
                    let mut part = PartCoverage::new(atom.text.clone());
                    part.values = rule_base.list_as_written(&atom.test).map(|values| {
                        values.into_iter().map(|value| ListValue { value, matched: 0 }).collect()
                    });
                    out.push(part);
                }
                return;
            }
            Expr::Derived(id) => rule_base.definition(*id).name.clone(),
            Expr::Const(Value::Bool(b)) => b.to_string(),
            _ => "condition".to_string(),
        };
        if !out.iter().any(|part| part.text == text) {
            out.push(PartCoverage::new(text));
        }
    }
    let mut out = Vec::new();
    walk(rule_base, condition, &mut out);
    out
}

/// Counts the value of every test in an explained condition.
fn tally_parts(node: &Node, parts: &mut Vec<PartCoverage>) {
    match node {
        Node::Test { text, value, .. } => {
            let index = match parts.iter().position(|part| &part.text == text) {
                Some(index) => index,
                None => {
                    parts.push(PartCoverage::new(text.clone()));
                    parts.len() - 1
                }
            };
            parts[index].add(*value);
        }
        Node::All { parts: nodes, .. } | Node::Any { parts: nodes, .. } => {
            nodes.iter().for_each(|n| tally_parts(n, parts));
        }
        Node::Not { part, .. } => tally_parts(part, parts),
        Node::Each { items, .. } => items.iter().for_each(|(_, n)| tally_parts(n, parts)),
    }
}

/// Counts the list values matched in one evaluation of a rule against the parts they
/// belong to (by the test's text, as parts are identified).
fn tally_matches(matches: &[ListMatch], parts: &mut [PartCoverage]) {
    for found in matches {
        let part = parts.iter_mut().find(|part| part.text == found.text);
        if let Some(value) = part.and_then(|p| p.values.as_mut()).and_then(|v| v.get_mut(found.value)) {
            value.matched += 1;
        }
    }
}

/// `a`, `a or b`, `a, b or c`: the values no case had, in words.
fn either(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [only] => only.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A percentage with at most one decimal: `100`, `95.2`.
fn percent(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

/// The JSON report (`accord.coverage.v1`); rules in report order.
pub fn to_json(coverage: &Coverage) -> Json {
    let tally = |t: &Tally| json!({"fired": t.fired, "not_fired": t.not_fired, "unknown": t.unknown, "overridden": t.overridden});
    let texts = |parts: Vec<&PartCoverage>| parts.into_iter().map(|p| p.text.clone()).collect::<Vec<_>>();
    let rules: Vec<Json> = coverage
        .in_report_order()
        .into_iter()
        .map(|rule| {
            json!({
                "rule": rule.rule,
                "ever_fired": rule.ever_fired(),
                "for_each": rule.for_each,
                "cases": tally(&rule.cases),
                "items": rule.items.as_ref().map(tally),
                "never_true": texts(rule.never_true().collect()),
                "never_false": texts(rule.never_false().collect()),
                "never_matched": rule.never_matched().map(|p| json!({
                    "text": p.text,
                    "values": p.never_matched(),
                })).collect::<Vec<_>>(),
                "parts": rule.parts.iter().map(|p| json!({
                    "text": p.text,
                    "true": p.true_count,
                    "false": p.false_count,
                    "unknown": p.unknown_count,
                    "values": p.values.as_ref().map(|values| values.iter().map(|v| json!({
                        "value": v.value,
                        "matched": v.matched,
                    })).collect::<Vec<_>>()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "format": COVERAGE_FORMAT,
        "cases": coverage.cases,
        "rules_total": coverage.rules.len(),
        "rules_fired": coverage.rules_fired(),
        "percent_fired": (coverage.percent_fired() * 10.0).round() / 10.0,
        "rules": rules,
        "uncited_sources": coverage.uncited_sources.iter().map(|s| json!({
            "key": s.key,
            "cited_by": s.cited_by,
        })).collect::<Vec<_>>(),
        "unshown_quotes": coverage.unshown_quotes.iter().map(|q| json!({
            "rule": q.rule,
            "source": q.source,
            "locator": q.locator,
            "quoted_in": q.quoted_in,
            "quote": q.quote,
        })).collect::<Vec<_>>(),
    })
}

/// The text report: a summary, the rules that never fired, the others, then the sources
/// and quotes no advice showed.
pub fn to_text(coverage: &Coverage) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Coverage of {} by {}: {} fired in at least one case ({}%).",
        counted(coverage.rules.len(), "rule", "rules"),
        counted(coverage.cases, "case", "cases"),
        coverage.rules_fired(),
        percent(coverage.percent_fired()),
    );
    out.push_str(
        "Counts are of cases (a rule given per item fired in a case when it fired for any item;\n\
         its items are counted below it). A part never true, or never false, in any case is\n\
         logic the cases do not test; so is a value of a list (`in [...]`) that no case had.\n",
    );
    write_rules(&mut out, coverage);
    write_uncited_sources(&mut out, coverage);
    write_unshown_quotes(&mut out, coverage);
    out
}

/// The rules that never fired, then the others, each with its counts and the parts and
/// list values no case tested.
fn write_rules(out: &mut String, coverage: &Coverage) {
    let width = coverage.rules.iter().map(|r| r.rule.chars().count()).max().unwrap_or(0).max(12);
    let digits = coverage
        .rules
        .iter()
        .flat_map(|r| [r.cases.total(), r.items.map_or(0, |t| t.total())])
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    let counts = |t: &Tally| {
        format!(
            "fired {:>digits$}  silent {:>digits$}  unknown {:>digits$}  overridden {:>digits$}",
            t.fired, t.not_fired, t.unknown, t.overridden
        )
    };
    let ordered = coverage.in_report_order();
    let split = ordered.iter().position(|r| r.ever_fired()).unwrap_or(ordered.len());
    for (heading, rules) in [("Never fired", &ordered[..split]), ("Fired", &ordered[split..])] {
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading} ({}):", rules.len());
        for rule in rules {
            let _ = writeln!(out, "  {:<width$}  {}", rule.rule, counts(&rule.cases));
            if let (Some(items), Some(list)) = (&rule.items, &rule.for_each) {
                let label = format!("  items of {list}");
                let _ = writeln!(out, "  {label:<width$}  {}", counts(items));
            }
            write_untested_parts(out, rule);
        }
    }
}

/// The parts of a rule never true or never false, and the list values no case had.
fn write_untested_parts(out: &mut String, rule: &RuleCoverage) {
    for part in rule.never_true() {
        let _ = writeln!(out, "      never true:  {}", part.text);
    }
    for part in rule.never_false() {
        let _ = writeln!(out, "      never false: {}", part.text);
    }
    for part in rule.never_matched() {
        let _ = writeln!(out, "      {}: no case had {}", part.text, either(&part.never_matched()));
    }
}

/// The sources no advice cited, and the rules that cite them.
fn write_uncited_sources(out: &mut String, coverage: &Coverage) {
    if coverage.uncited_sources.is_empty() {
        out.push_str("\nEvery source was cited in some advice.\n");
        return;
    }
    let _ = writeln!(out, "\nSources never cited in any advice ({}):", coverage.uncited_sources.len());
    for source in &coverage.uncited_sources {
        let by = if source.cited_by.is_empty() {
            "cited by no rule".to_string()
        } else {
            format!("cited only by {}", source.cited_by.join(", "))
        };
        let _ = writeln!(out, "  {} ({by})", source.key);
    }
}

/// The quotes no advice showed, with the rule that cites each and where it is quoted.
fn write_unshown_quotes(out: &mut String, coverage: &Coverage) {
    if coverage.unshown_quotes.is_empty() {
        out.push_str("Every quote was shown in some advice.\n");
        return;
    }
    let _ = writeln!(out, "\nQuotes never shown in any advice ({}):", coverage.unshown_quotes.len());
    for quote in &coverage.unshown_quotes {
        let mut at = quote.locator.as_ref().map(|l| format!(" at \"{l}\"")).unwrap_or_default();
        if let Some(quoting) = &quote.quoted_in {
            let _ = write!(at, " quoted in {quoting}");
        }
        let _ = writeln!(out, "  {} cites {}{at}:\n    \"{}\"", quote.rule, quote.source, quote.quote);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::RuleFiles;

    const RULES: &str = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"
source t
  authors "Other, B."
  year 2001
  title "Another title"
source u
  authors "Unused, C."
  year 2002
  title "Cited by nobody"
fact a is true or false
  ask "Is a so?"
fact b is true or false
  ask "Is b so?"
fact groups is a list of records
  ask "Which groups?"
fact groups[].name is text
  ask "What is the group called?"
fact groups[].big is true or false
  ask "Is {groups[].name} big?"

rule when_a
  when a and (b or not b)
  note "a" "a holds"
  cite s at "p. 1"
    quote "a is so"

rule never
  when a and not a
  note "never" "never holds"
  cite t at "p. 2"
    quote "never so"

rule per_group
  for each group in groups
  when group.big
  note "big {group.name}" "big"
  cite s
"#;

    fn rule_base() -> RuleBase {
        let compiled = RuleFiles::from_texts(vec![("r.accord".into(), RULES.into())]).compile();
        compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics))
    }

    fn coverage(cases: &[&str]) -> Coverage {
        let rule_base = rule_base();
        let cases: Vec<Case> = cases
            .iter()
            .map(|text| crate::parse_case("case.json", text, &rule_base.vocabulary).expect("valid"))
            .collect();
        let date = Date::parse("2013-09-01").expect("valid");
        rule_base.coverage(cases.iter().map(|c| (c, date)))
    }

    fn rule<'c>(coverage: &'c Coverage, id: &str) -> &'c RuleCoverage {
        coverage.rules.iter().find(|r| r.rule == id).expect("the rule")
    }

    fn texts<'p>(parts: impl Iterator<Item = &'p PartCoverage>) -> Vec<&'p str> {
        parts.map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn counts_cases_and_items_and_orders_rules_never_fired_first() {
        let coverage = coverage(&[
            r#"{"a": true, "b": true, "groups": [{"name": "x", "big": true}, {"name": "y", "big": false}]}"#,
            r#"{"a": false, "groups": []}"#,
            r#"{}"#,
        ]);
        assert_eq!(coverage.cases, 3);
        assert_eq!(
            rule(&coverage, "when_a").cases,
            Tally { fired: 1, not_fired: 1, unknown: 1, overridden: 0 }
        );
        assert_eq!(
            rule(&coverage, "never").cases,
            Tally { fired: 0, not_fired: 2, unknown: 1, overridden: 0 }
        );
        let per_group = rule(&coverage, "per_group");
        // Case 1 fired for one item; case 2 has no items; case 3's list is unknown.
        assert_eq!(per_group.cases, Tally { fired: 1, not_fired: 1, unknown: 1, overridden: 0 });
        assert_eq!(per_group.items, Some(Tally { fired: 1, not_fired: 1, unknown: 0, overridden: 0 }));
        assert_eq!(per_group.for_each.as_deref(), Some("groups"));
        assert_eq!(coverage.rules_fired(), 2);
        let order: Vec<&str> = coverage.in_report_order().iter().map(|r| r.rule.as_str()).collect();
        assert_eq!(order, ["never", "when_a", "per_group"]);
        assert!(coverage.below(100.0));
        assert!(!coverage.below(66.0));
        assert!(coverage.below(66.7));
    }

    #[test]
    fn finds_parts_never_true_and_never_false() {
        let coverage = coverage(&[r#"{"a": true, "b": true}"#, r#"{"a": true, "b": false}"#]);
        let when_a = rule(&coverage, "when_a");
        // `not b` is not a part of its own: its part is `b`.
        assert_eq!(texts(when_a.parts.iter()), ["a", "b"]);
        assert_eq!(texts(when_a.never_true()), Vec::<&str>::new());
        assert_eq!(texts(when_a.never_false()), ["a"]);
        // `a and not a` has one part, `a`, counted twice per case.
        let never = rule(&coverage, "never");
        assert_eq!(
            never.parts,
            [PartCoverage {
                text: "a".into(),
                true_count: 4,
                false_count: 0,
                unknown_count: 0,
                values: None
            }]
        );
        // Parts of a per-item rule with no items are never evaluated: never true nor false.
        let per_group = rule(&coverage, "per_group");
        assert_eq!(texts(per_group.never_true()), ["group.big"]);
        assert_eq!(texts(per_group.never_false()), ["group.big"]);
    }

    #[test]
    fn reports_sources_and_quotes_no_advice_showed() {
        let coverage = coverage(&[r#"{"a": true, "b": true}"#]);
        let uncited: Vec<(&str, Vec<String>)> =
            coverage.uncited_sources.iter().map(|s| (s.key.as_str(), s.cited_by.clone())).collect();
        assert_eq!(uncited, [("t", vec!["never".to_string()]), ("u", vec![])]);
        assert_eq!(
            coverage.unshown_quotes,
            [UnshownQuote {
                rule: "never".into(),
                source: "t".into(),
                locator: Some("p. 2".into()),
                quoted_in: None,
                quote: "never so".into()
            }]
        );
    }

    #[test]
    fn reports_as_text_and_json() {
        let coverage = coverage(&[r#"{"a": true, "b": true}"#]);
        let text = to_text(&coverage);
        assert!(
            text.starts_with("Coverage of 3 rules by 1 case: 1 fired in at least one case (33.3%)."),
            "{text}"
        );
        let never = text.find("Never fired (2):").expect("never fired first");
        let fired = text.find("Fired (1):").expect("then the others");
        assert!(never < fired, "{text}");
        assert!(text.contains("      never false: a\n"), "{text}");
        assert!(text.contains("  u (cited by no rule)\n"), "{text}");
        assert!(text.contains("  never cites t at \"p. 2\":\n    \"never so\"\n"), "{text}");
        let json = to_json(&coverage);
        assert_eq!(json["format"], COVERAGE_FORMAT);
        assert_eq!(json["rules_fired"], 1);
        assert_eq!(json["rules_total"], 3);
        assert_eq!(json["percent_fired"], 33.3);
        assert_eq!(json["rules"][0]["rule"], "never");
        assert_eq!(json["rules"][2]["rule"], "when_a");
        assert_eq!(json["rules"][2]["never_false"], json!(["a", "b"]));
        assert_eq!(
            json["rules"][1]["items"],
            json!({"fired": 0, "not_fired": 0, "unknown": 0, "overridden": 0})
        );
    }

    #[test]
    fn values_no_case_had_read_as_a_list_of_alternatives() {
        assert_eq!(either(&["a"]), "a");
        assert_eq!(either(&["a", "b"]), "a or b");
        assert_eq!(either(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn percentages_keep_one_decimal_at_most() {
        assert_eq!(percent(100.0), "100");
        assert_eq!(percent(200.0 / 3.0), "66.7");
        assert_eq!(percent(0.0), "0");
    }
}
