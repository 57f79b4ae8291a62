//! Three-valued logic: Kleene's laws, for the truth values themselves and through the
//! engine on generated conditions; and the small rule bases of true-or-false and `one of`
//! facts that the questions and cycles properties build on. It must not test questions.

use std::fmt::Write as _;

use accord::{Date, RuleBase, Truth};
use proptest::prelude::*;
use serde_json::{Map, Value as Json, json};

use super::common::rules::{FACT_C, FACTS_A_B, SOURCE_S, compile};
use super::config;
use super::entropy::{Entropy, choices};

const TRUTHS: [Truth; 3] = [Truth::True, Truth::False, Truth::Unknown];

/// Kleene's tables (docs/language.md, section 8), written out.
fn kleene_and(a: Truth, b: Truth) -> Truth {
    use Truth::*;
    match (a, b) {
        (False, _) | (_, False) => False,
        (True, True) => True,
        _ => Unknown,
    }
}

/// The laws over every combination of three truth values: an exhaustive check of the 27
/// cases, stronger than sampling them.
#[test]
fn the_three_valued_logic_obeys_its_laws_for_every_truth_value() {
    for p in TRUTHS {
        assert_eq!(p.not().not(), p, "double negation");
        assert_eq!(p.and(Truth::True), p, "identity of and");
        assert_eq!(p.or(Truth::False), p, "identity of or");
        assert_eq!(p.and(Truth::False), Truth::False, "domination of and");
        assert_eq!(p.or(Truth::True), Truth::True, "domination of or");
        assert_eq!(p.and(p), p, "idempotence of and");
        assert_eq!(p.or(p), p, "idempotence of or");
        // Kleene logic has no excluded middle: `p or not p` is unknown when p is.
        let excluded_middle = if p == Truth::Unknown { Truth::Unknown } else { Truth::True };
        assert_eq!(p.or(p.not()), excluded_middle);
        for q in TRUTHS {
            assert_eq!(p.and(q), kleene_and(p, q), "the table of and at {p:?}, {q:?}");
            assert_eq!(p.or(q), kleene_and(p.not(), q.not()).not(), "the table of or at {p:?}, {q:?}");
            assert_eq!(p.and(q).not(), p.not().or(q.not()), "De Morgan (and) at {p:?}, {q:?}");
            assert_eq!(p.or(q).not(), p.not().and(q.not()), "De Morgan (or) at {p:?}, {q:?}");
            assert_eq!(p.or(p.and(q)), p, "absorption (or) at {p:?}, {q:?}");
            assert_eq!(p.and(p.or(q)), p, "absorption (and) at {p:?}, {q:?}");
            assert_eq!(p.and(q), q.and(p), "commutativity of and");
            assert_eq!(p.or(q), q.or(p), "commutativity of or");
            for r in TRUTHS {
                assert_eq!(p.and(q.and(r)), p.and(q).and(r), "associativity of and");
                assert_eq!(p.or(q.or(r)), p.or(q).or(r), "associativity of or");
                assert_eq!(p.and(q.or(r)), p.and(q).or(p.and(r)), "distributivity of and");
                assert_eq!(p.or(q.and(r)), p.or(q).and(p.or(r)), "distributivity of or");
            }
        }
    }
}

/// The rule base's vocabulary for conditions over a few true-or-false and `one of` facts.
pub(crate) fn logic_vocabulary() -> String {
    [SOURCE_S, FACTS_A_B, FACT_C, "fact k is one of none, merger, other\n  ask \"What kind?\"\n"].concat()
}

pub(crate) const KINDS: [&str; 3] = ["none", "merger", "other"];

/// A case over the facts of [`logic_vocabulary`]: `None` is unknown.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LogicCase {
    pub(crate) a: Option<bool>,
    pub(crate) b: Option<bool>,
    pub(crate) c: Option<bool>,
    pub(crate) k: Option<usize>,
    /// Whether an unknown fact is written as `null` (otherwise it is left out).
    pub(crate) nulls: bool,
}

impl LogicCase {
    pub(crate) fn generate(e: &mut Entropy) -> LogicCase {
        let flag = |e: &mut Entropy| match e.below(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
        let (a, b, c) = (flag(e), flag(e), flag(e));
        let k = match e.below(4) {
            0 => None,
            n => Some(n - 1),
        };
        LogicCase { a, b, c, k, nulls: e.chance(50) }
    }

    pub(crate) fn json(&self) -> String {
        let mut object = Map::new();
        let values = [
            ("a", self.a.map(Json::Bool)),
            ("b", self.b.map(Json::Bool)),
            ("c", self.c.map(Json::Bool)),
            ("k", self.k.map(|k| json!(KINDS[k]))),
        ];
        for (name, value) in values {
            if value.is_some() || self.nulls {
                object.insert(name.into(), value.unwrap_or(Json::Null));
            }
        }
        Json::Object(object).to_string()
    }

    /// The facts this case leaves unknown, with every value each could take.
    pub(crate) fn unknowns(&self) -> Vec<(&'static str, Vec<LogicCase>)> {
        let mut out = Vec::new();
        let with = |f: &dyn Fn(&mut LogicCase)| {
            let mut case = self.clone();
            f(&mut case);
            case
        };
        if self.a.is_none() {
            out.push(("a", vec![with(&|c| c.a = Some(true)), with(&|c| c.a = Some(false))]));
        }
        if self.b.is_none() {
            out.push(("b", vec![with(&|c| c.b = Some(true)), with(&|c| c.b = Some(false))]));
        }
        if self.c.is_none() {
            out.push(("c", vec![with(&|c| c.c = Some(true)), with(&|c| c.c = Some(false))]));
        }
        if self.k.is_none() {
            out.push(("k", (0..KINDS.len()).map(|k| with(&|c| c.k = Some(k))).collect()));
        }
        out
    }
}

/// A condition over the facts of [`logic_vocabulary`], with its value computed by
/// [`accord::Truth`] alone, to compare with what the engine makes of it.
#[derive(Clone, Debug)]
pub(crate) enum Cond {
    /// One of [`ATOMS`].
    Atom(usize),
    Const(bool),
    /// A derived fact, `define d1 as ...`.
    Derived,
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

pub(crate) const ATOMS: [&str; 7] =
    ["a", "b", "c", "k is merger", "k in [none, other]", "k is not none", "a is known"];

impl Cond {
    /// A condition at most `depth` operators deep, from the first `atoms` of [`ATOMS`],
    /// constants and (if `derived`) the derived fact `d1`.
    pub(crate) fn generate(e: &mut Entropy, depth: u32, atoms: usize, derived: bool) -> Cond {
        let choice = if depth == 0 { 0 } else { e.below(6) };
        let sub = |e: &mut Entropy| Box::new(Cond::generate(e, depth - 1, atoms, derived));
        match choice {
            0 | 1 => match e.below(12) {
                10 => Cond::Const(e.chance(50)),
                11 if derived => Cond::Derived,
                n => Cond::Atom(n % atoms),
            },
            2 => Cond::Not(sub(e)),
            3 | 4 => Cond::And(sub(e), sub(e)),
            _ => Cond::Or(sub(e), sub(e)),
        }
    }

    /// As a rule file writes it, brackets around every part that is not a single test.
    pub(crate) fn render(&self) -> String {
        match self {
            Cond::Atom(i) => ATOMS[*i].to_string(),
            Cond::Const(b) => b.to_string(),
            Cond::Derived => "d1".into(),
            Cond::Not(p) => format!("not {}", p.bracketed()),
            Cond::And(p, q) => format!("{} and {}", p.bracketed(), q.bracketed()),
            Cond::Or(p, q) => format!("{} or {}", p.bracketed(), q.bracketed()),
        }
    }

    pub(crate) fn bracketed(&self) -> String {
        match self {
            Cond::Atom(_) | Cond::Const(_) | Cond::Derived => self.render(),
            _ => format!("({})", self.render()),
        }
    }

    /// The value by Kleene's tables, from the values of the tests.
    pub(crate) fn truth(&self, case: &LogicCase, derived: Option<&Cond>) -> Truth {
        let of = |b: Option<bool>| match b {
            Some(true) => Truth::True,
            Some(false) => Truth::False,
            None => Truth::Unknown,
        };
        match self {
            Cond::Atom(0) => of(case.a),
            Cond::Atom(1) => of(case.b),
            Cond::Atom(2) => of(case.c),
            Cond::Atom(3) => of(case.k.map(|k| KINDS[k] == "merger")),
            Cond::Atom(4) => of(case.k.map(|k| KINDS[k] != "merger")),
            Cond::Atom(5) => of(case.k.map(|k| KINDS[k] != "none")),
            Cond::Atom(6) => of(Some(case.a.is_some())),
            Cond::Atom(_) => unreachable!("one of ATOMS"),
            Cond::Const(b) => of(Some(*b)),
            Cond::Derived => derived.expect("a definition").truth(case, None),
            Cond::Not(p) => p.truth(case, derived).not(),
            Cond::And(p, q) => p.truth(case, derived).and(q.truth(case, derived)),
            Cond::Or(p, q) => p.truth(case, derived).or(q.truth(case, derived)),
        }
    }
}

pub(crate) fn not(p: &Cond) -> Cond {
    Cond::Not(Box::new(p.clone()))
}

pub(crate) fn and(p: &Cond, q: &Cond) -> Cond {
    Cond::And(Box::new(p.clone()), Box::new(q.clone()))
}

pub(crate) fn or(p: &Cond, q: &Cond) -> Cond {
    Cond::Or(Box::new(p.clone()), Box::new(q.clone()))
}

/// A rule base of [`logic_vocabulary`] and one rule `r0`, `r1`, ... per condition; a rule
/// may override earlier ones, and `define d1 as ...` may be given.
pub(crate) fn logic_rule_base(
    conditions: &[Cond],
    overrides: &[Vec<usize>],
    definition: Option<&Cond>,
) -> RuleBase {
    let mut rules = String::new();
    if let Some(definition) = definition {
        writeln!(rules, "define d1 as {}\n", definition.render()).expect("writing to a String");
    }
    for (i, condition) in conditions.iter().enumerate() {
        writeln!(rules, "rule r{i}\n  when {}", condition.render()).expect("writing to a String");
        if let Some(overridden) = overrides.get(i).filter(|o| !o.is_empty()) {
            let ids: Vec<String> = overridden.iter().map(|j| format!("r{j}")).collect();
            writeln!(rules, "  overrides {}", ids.join(", ")).expect("writing to a String");
        }
        rules.push_str("  note \"t\" \"x\"\n  cite s\n\n");
    }
    compile(&logic_vocabulary(), &rules)
}

pub(crate) fn as_of() -> Date {
    Date::parse("2013-09-01").expect("a date")
}

pub(crate) fn parse(rule_base: &RuleBase, case: &LogicCase) -> accord::Case {
    accord::parse_case("case.json", &case.json(), rule_base.vocabulary()).expect("a valid case")
}

/// The truth of each rule's condition, as the engine evaluates it.
pub(crate) fn engine_truths(rule_base: &RuleBase, case: &LogicCase) -> Vec<Truth> {
    rule_base.evaluate(&parse(rule_base, case), as_of()).into_iter().map(|o| o.truth).collect()
}

proptest! {
    #![proptest_config(config(96))]

    /// Through the engine: for generated conditions p, q, r over unknown, true and false
    /// facts, each rule's outcome is what Kleene's tables give, and the two sides of each
    /// law give the same outcome (De Morgan, absorption, identity, domination, double
    /// negation, distributivity, commutativity).
    #[test]
    fn the_engine_s_three_valued_logic_obeys_its_laws_on_generated_conditions(numbers in choices(200)) {
        let mut e = Entropy::new(&numbers);
        let p = Cond::generate(&mut e, 3, ATOMS.len(), false);
        let q = Cond::generate(&mut e, 2, ATOMS.len(), false);
        let r = Cond::generate(&mut e, 2, ATOMS.len(), false);
        let (t, f) = (Cond::Const(true), Cond::Const(false));
        let laws: Vec<(&str, Cond, Cond)> = vec![
            ("De Morgan (and)", not(&and(&p, &q)), or(&not(&p), &not(&q))),
            ("De Morgan (or)", not(&or(&p, &q)), and(&not(&p), &not(&q))),
            ("absorption (or)", or(&p, &and(&p, &q)), p.clone()),
            ("absorption (and)", and(&p, &or(&p, &q)), p.clone()),
            ("identity (and)", and(&p, &t), p.clone()),
            ("identity (or)", or(&p, &f), p.clone()),
            ("domination (and)", and(&p, &f), f.clone()),
            ("domination (or)", or(&p, &t), t.clone()),
            ("double negation", not(&not(&p)), p.clone()),
            ("distributivity", and(&p, &or(&q, &r)), or(&and(&p, &q), &and(&p, &r))),
            ("commutativity", and(&p, &q), and(&q, &p)),
        ];
        let conditions: Vec<Cond> = laws.iter().flat_map(|(_, lhs, rhs)| [lhs.clone(), rhs.clone()]).collect();
        let rule_base = logic_rule_base(&conditions, &[], None);
        for _ in 0..4 {
            let case = LogicCase::generate(&mut e);
            let truths = engine_truths(&rule_base, &case);
            for (i, condition) in conditions.iter().enumerate() {
                prop_assert_eq!(truths[i], condition.truth(&case, None),
                    "`{}` for {}", condition.render(), case.json());
            }
            for (i, (law, lhs, rhs)) in laws.iter().enumerate() {
                prop_assert_eq!(truths[2 * i], truths[2 * i + 1],
                    "{}: `{}` and `{}` differ for {}", law, lhs.render(), rhs.render(), case.json());
            }
        }
    }
}
