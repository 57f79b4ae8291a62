//! No rule base makes evaluation loop: derived facts and overrides that name each other
//! are refused exactly when they form a cycle, and every other rule base advises. It must
//! not test what the advice is.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use accord::RuleFiles;
use proptest::prelude::*;

use super::config;
use super::entropy::{Entropy, choices};
use super::logic::{LogicCase, as_of, logic_vocabulary, parse};

/// A condition over `a`, `b`, `k` and the derived facts `d0` ... `d{defs - 1}`, with the
/// derived facts it names.
fn condition_naming(e: &mut Entropy, depth: u32, defs: usize) -> (String, BTreeSet<usize>) {
    if depth == 0 || e.chance(40) {
        let atom = e.below(3 + defs);
        return match atom {
            0 => ("a".into(), BTreeSet::new()),
            1 => ("b".into(), BTreeSet::new()),
            2 => ("k is merger".into(), BTreeSet::new()),
            d => (format!("d{}", d - 3), BTreeSet::from([d - 3])),
        };
    }
    let (lhs, mut named) = condition_naming(e, depth - 1, defs);
    if e.chance(25) {
        return (format!("not ({lhs})"), named);
    }
    let (rhs, more) = condition_naming(e, depth - 1, defs);
    named.extend(more);
    (format!("({lhs}) {} ({rhs})", e.pick(&["and", "or"])), named)
}

/// Whether the graph (edges from each node) has a cycle, a node to itself included.
fn has_cycle(edges: &[BTreeSet<usize>]) -> bool {
    fn visit(node: usize, edges: &[BTreeSet<usize>], state: &mut [u8]) -> bool {
        match state[node] {
            1 => return true,
            2 => return false,
            _ => {}
        }
        state[node] = 1;
        let cycle = edges[node].iter().any(|&next| visit(next, edges, state));
        state[node] = 2;
        cycle
    }
    let mut state = vec![0; edges.len()];
    (0..edges.len()).any(|node| visit(node, edges, &mut state))
}

proptest! {
    #![proptest_config(config(256))]

    /// Generated derived facts that may name each other (or themselves), and rules that
    /// may override each other (or themselves): the rule base is refused when checked
    /// exactly when the derived facts or the overrides form a cycle (E0215; E0213 for a
    /// rule overriding itself, E0214 for a longer cycle); otherwise every case is advised,
    /// so evaluation ends.
    #[test]
    fn cycles_are_refused_when_checked_and_nothing_else_is(numbers in choices(300)) {
        let mut e = Entropy::new(&numbers);
        let defs = e.below(4);
        let definitions: Vec<(String, BTreeSet<usize>)> =
            (0..defs).map(|_| condition_naming(&mut e, 2, defs)).collect();
        let count = 1 + e.below(4);
        let rules: Vec<(String, BTreeSet<usize>)> = (0..count)
            .map(|_| {
                let (condition, _) = condition_naming(&mut e, 3, defs);
                let overrides: BTreeSet<usize> = (0..count).filter(|_| e.chance(20)).collect();
                (condition, overrides)
            })
            .collect();
        let mut text = String::new();
        for (i, (condition, _)) in definitions.iter().enumerate() {
            writeln!(text, "define d{i} as {condition}\n").expect("writing to a String");
        }
        for (i, (condition, overrides)) in rules.iter().enumerate() {
            writeln!(text, "rule r{i}\n  when {condition}").expect("writing to a String");
            if !overrides.is_empty() {
                let ids: Vec<String> = overrides.iter().map(|j| format!("r{j}")).collect();
                writeln!(text, "  overrides {}", ids.join(", ")).expect("writing to a String");
            }
            text.push_str("  note \"t\" \"x\"\n  cite s\n\n");
        }
        let files = vec![
            ("vocabulary.accord".to_string(), logic_vocabulary()),
            ("rules.accord".to_string(), text.clone()),
        ];
        let compiled = RuleFiles::from_texts(files).compile();
        let errors: BTreeSet<&str> =
            compiled.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
        let define_cycle = has_cycle(&definitions.iter().map(|(_, named)| named.clone()).collect::<Vec<_>>());
        let self_override = rules.iter().enumerate().any(|(i, (_, o))| o.contains(&i));
        let override_cycle = has_cycle(&rules.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>());
        // Each error names a cycle there is...
        let real = |code: &str| match code {
            "E0215" => define_cycle,
            "E0213" => self_override,
            "E0214" => override_cycle,
            _ => false,
        };
        prop_assert!(errors.iter().all(|c| real(c)), "{:?}\n{}", errors, text);
        // ...and a cycle of derived facts is always named (the overrides of a rule base
        // whose derived facts are refused need not be checked).
        prop_assert_eq!(errors.contains("E0215"), define_cycle, "{:?}\n{}", errors, text);
        prop_assert_eq!(!errors.is_empty(), define_cycle || override_cycle, "{:?}\n{}", errors, text);
        match compiled.rule_base {
            None => prop_assert!(define_cycle || override_cycle),
            Some(rule_base) => {
                prop_assert!(!define_cycle && !override_cycle);
                for _ in 0..3 {
                    let case = LogicCase::generate(&mut e);
                    let report = rule_base.advise(&parse(&rule_base, &case), as_of());
                    prop_assert!(report.advice.len() <= count);
                }
            }
        }
    }
}
