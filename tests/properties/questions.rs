//! Questions: exactly the unknown facts some value of which changes some rule's outcome,
//! on generated rule bases and cases; and the cases the property found. It must not test
//! the logic of outcomes itself (`logic.rs` does).

use std::collections::BTreeSet;

use accord::RuleBase;
use accord::eval::OutcomeKind;
use proptest::prelude::*;

use super::config;
use super::entropy::{Entropy, choices};
use super::logic::{ATOMS, Cond, LogicCase, as_of, logic_rule_base, parse};

/// How a rule came out, as far as advice goes: fired (advice given), decided without advice
/// (not fired, or overridden), or undetermined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Fired,
    NoAdvice,
    Undetermined,
}

fn class(kind: OutcomeKind) -> Class {
    match kind {
        OutcomeKind::Fired => Class::Fired,
        OutcomeKind::NotFired | OutcomeKind::Overridden => Class::NoAdvice,
        OutcomeKind::Unknown => Class::Undetermined,
    }
}

fn outcomes(rule_base: &RuleBase, case: &LogicCase) -> Vec<OutcomeKind> {
    rule_base.explain(&parse(rule_base, case), as_of(), &[]).into_iter().map(|e| e.outcome).collect()
}

proptest! {
    #![proptest_config(config(128))]

    /// On generated rule bases (one to four rules over true-or-false and `one of` facts,
    /// some overriding others, perhaps reading a derived fact) and generated cases, the
    /// questions are exactly the unknown facts some value of which changes some rule's
    /// outcome as `explain` reports it, found by trying every value of each.
    ///
    /// Overridden and not fired count as the same outcome here: neither gives advice, and
    /// a question that could only turn an overridden rule into one that does not fire is
    /// not asked (docs/language.md, 7.12).
    #[test]
    fn questions_are_exactly_the_relevant_unknown_facts(numbers in choices(200)) {
        let mut e = Entropy::new(&numbers);
        let count = 1 + e.below(4);
        // Rules may override earlier ones, in chains (no cycle: those are refused).
        let overrides: Vec<Vec<usize>> =
            (0..count).map(|i| (0..i).filter(|_| e.chance(30)).collect()).collect();
        // Presence tests (`a is known`), except with a chain of overrides: see
        // `a_presence_test_overridden_in_a_chain_asks_nothing`.
        let chain = (0..count).any(|i| !overrides[i].is_empty() && overrides.iter().any(|o| o.contains(&i)));
        let atoms = if chain { ATOMS.len() - 1 } else { ATOMS.len() };
        let definition = e.chance(30).then(|| Cond::generate(&mut e, 2, atoms, false));
        let conditions: Vec<Cond> =
            (0..count).map(|_| Cond::generate(&mut e, 3, atoms, definition.is_some())).collect();
        let rule_base = logic_rule_base(&conditions, &overrides, definition.as_ref());
        for _ in 0..3 {
            let case = LogicCase::generate(&mut e);
            let base: Vec<Class> = outcomes(&rule_base, &case).into_iter().map(class).collect();
            let mut relevant = BTreeSet::new();
            for (fact, alternatives) in case.unknowns() {
                for alternative in alternatives {
                    let classes: Vec<Class> = outcomes(&rule_base, &alternative).into_iter().map(class).collect();
                    if classes != base {
                        relevant.insert(fact.to_string());
                    }
                }
            }
            let parsed = parse(&rule_base, &case);
            // The facts the advice given reads are not asked about (`a is known` firing).
            for read in rule_base.unknowns_read_by_advice(&parsed, as_of()) {
                relevant.remove(&read);
            }
            let report = rule_base.advise(&parsed, as_of());
            let asked: BTreeSet<String> = report.questions.iter().map(|q| q.fact.clone()).collect();
            let shown: Vec<String> = conditions.iter().map(Cond::render).collect();
            prop_assert_eq!(&asked, &relevant,
                "rules {:?}, overrides {:?}, define {:?}, case {}",
                shown, overrides, definition.as_ref().map(Cond::render), case.json());
            // Each fact is asked about once.
            prop_assert_eq!(asked.len(), report.questions.len());
        }
    }
}

/// Found by the property above: a chain of overrides, `r2` overriding `r1`, which
/// overrides `r0`. While `b` is unknown, `r1` is undetermined and overridden, and `r0`
/// gives its advice; with `b` true, `r1` fires (its advice still replaced by `r2`'s) and so
/// takes `r0`'s advice away. The answer about `b` changes the advice, so `b` is asked about
/// (it was not, when the questions of an overridden rule were all dropped).
#[test]
fn a_rule_overridden_in_a_chain_of_overrides_is_still_asked_about() {
    let b = Cond::Atom(1);
    let t = Cond::Const(true);
    let rule_base = logic_rule_base(&[t.clone(), b, t], &[vec![], vec![0], vec![1]], None);
    let unknown = LogicCase { a: None, b: None, c: None, k: None, nulls: false };
    let known = LogicCase { b: Some(true), ..unknown.clone() };
    use OutcomeKind::*;
    assert_eq!(outcomes(&rule_base, &unknown), [Fired, Overridden, Fired]);
    assert_eq!(outcomes(&rule_base, &known), [Overridden, Overridden, Fired], "b changes r0's advice");
    let report = rule_base.advise(&parse(&rule_base, &unknown), as_of());
    let asked: Vec<&str> = report.questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(asked, ["b"]);
}

/// Found by the property above (one case in a few thousand): `r3` overrides `r2`, which
/// overrides `r1`, and `r1` and `r2` fire when `a` is known. While `a` is unknown only `r3`
/// gives advice; once `a` is given, `r1` fires but `r2` overrides it, and `r2` fires but `r3`
/// overrides it: still only `r3`'s advice. No answer about `a` changes the advice, yet `a`
/// is asked about (for `r1`). Without the chain (`r3` overriding `r1` directly) it is not.
#[test]
fn a_presence_test_overridden_in_a_chain_asks_nothing() {
    let known = Cond::Atom(6);
    let t = Cond::Const(true);
    let rule_base = logic_rule_base(&[known.clone(), known, t], &[vec![], vec![0], vec![1]], None);
    let unknown = LogicCase { a: None, b: None, c: None, k: None, nulls: false };
    let given = LogicCase { a: Some(true), ..unknown.clone() };
    let advice = |case: &LogicCase| -> Vec<String> {
        rule_base
            .advise(&parse(&rule_base, case), as_of())
            .advice
            .into_iter()
            .map(|a| a.rule.to_string())
            .collect()
    };
    assert_eq!(advice(&unknown), ["r2"]);
    assert_eq!(advice(&given), ["r2"], "the answer changes no advice");
    let report = rule_base.advise(&parse(&rule_base, &unknown), as_of());
    let asked: Vec<&str> = report.questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(asked, Vec::<&str>::new());
}
