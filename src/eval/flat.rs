//! Stage 3, inside evaluation: rule conditions flattened once the rules are checked, so that
//! finding a case's questions evaluates each test of a condition once, not the whole
//! condition once per hypothesis.
//!
//! Most conditions are `and`, `or` and `not` over tests that read one fact of the case (or
//! of the rule's item) and compare it with constants. Such a condition becomes a boolean
//! skeleton over its tests (the leaves), in the order the condition reads them. The
//! evaluator works out each leaf's truth once per outcome; the truth under a hypothesis
//! about one fact recomputes only the leaves that read it. Tests of other shapes are kept
//! as atoms for the evaluator to walk, and parts that hold conditions of their own
//! (quantifiers, derived facts, `count ... where`, `highest`) as nested leaves, walked
//! whole.

use super::{Env, Evaluator, FactInstance, Hypothesis, MAX_FORCED_ATOMS, Outcome, Truth, compare};
use crate::ast::CompareOp;
use crate::rulebase::{Atom, AtomId, Expr, FactId, Haystack, Rule, Test, Type};
use crate::value::Value;

/// A condition as a boolean skeleton over its leaves.
#[derive(Clone, Debug)]
pub(crate) struct FlatCondition {
    /// The leaves in the order a full evaluation of the condition reaches them.
    pub leaves: Vec<Leaf>,
    skeleton: Skeleton,
}

/// `and`, `or` and `not` over leaves (indexes into [`FlatCondition::leaves`]).
#[derive(Clone, Debug)]
enum Skeleton {
    Leaf(usize),
    Const(Truth),
    Not(Box<Skeleton>),
    And(Box<Skeleton>, Box<Skeleton>),
    Or(Box<Skeleton>, Box<Skeleton>),
}

/// One test of a condition.
#[derive(Clone, Debug)]
pub(crate) struct Leaf {
    /// The atom's id: hypotheses about facts with many values force atoms by id (unused
    /// for nested leaves, which such hypotheses walk whole).
    pub id: AtomId,
    /// The test, specialised where it can be.
    pub test: LeafTest,
}

/// A test, specialised where it reads one fact and compares it with constants: its truth is
/// then a function of that one value.
#[derive(Clone, Debug)]
pub(crate) enum LeafTest {
    /// `fact op constant`, or `constant op fact` when not `fact_first`.
    Compare { fact: Read, op: CompareOp, constant: Value, fact_first: bool },
    /// `fact in [a, b]`, or `not in` when `negated`.
    In { fact: Read, values: Vec<Value>, negated: bool },
    /// A true-or-false fact as a condition.
    Holds(Read),
    /// `fact is known`, or `is unknown` when `negated`.
    Known { fact: Read, negated: bool },
    /// `count of list op number`, or `number op count of list` when not `count_first`.
    Count { list: Read, op: CompareOp, number: f64, count_first: bool },
    /// Any other test that holds no condition: the evaluator walks it.
    General(Box<Atom>),
    /// A part of the condition that holds conditions of its own: the evaluator walks it.
    Nested(Box<Expr>),
}

/// The fact a specialised test reads: a case-level fact, or a field of the rule's item.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Read {
    /// The fact.
    pub fact: FactId,
    /// Whether it is a field of the item a `for each` rule is evaluated for.
    pub of_item: bool,
}

impl FlatCondition {
    /// Flattens a rule's condition (`for_each`: whether the rule binds an item).
    pub(crate) fn of(condition: &Expr, for_each: bool) -> FlatCondition {
        let mut leaves = Vec::new();
        let skeleton = skeleton(condition, for_each, &mut leaves);
        FlatCondition { leaves, skeleton }
    }

    /// The condition's truth, given each leaf's. Every leaf is already evaluated, so
    /// stopping early at a deciding side would save nothing worth a branch.
    pub(crate) fn truth(&self, leaves: &[Truth]) -> Truth {
        self.skeleton.truth(leaves)
    }
}

impl Skeleton {
    fn truth(&self, leaves: &[Truth]) -> Truth {
        match self {
            Skeleton::Leaf(index) => leaves[*index],
            Skeleton::Const(truth) => *truth,
            Skeleton::Not(a) => a.truth(leaves).not(),
            Skeleton::And(a, b) => a.truth(leaves).and(b.truth(leaves)),
            Skeleton::Or(a, b) => a.truth(leaves).or(b.truth(leaves)),
        }
    }
}

fn skeleton(expr: &Expr, for_each: bool, leaves: &mut Vec<Leaf>) -> Skeleton {
    let mut side = |expr: &Expr| Box::new(skeleton(expr, for_each, leaves));
    match expr {
        Expr::And(a, b) => Skeleton::And(side(a), side(b)),
        Expr::Or(a, b) => Skeleton::Or(side(a), side(b)),
        Expr::Not(a) => Skeleton::Not(side(a)),
        Expr::Const(Value::Bool(b)) => Skeleton::Const(if *b { Truth::True } else { Truth::False }),
        _ => {
            let leaf = match expr {
                Expr::Atom(atom) => leaf(atom, for_each),
                _ => None,
            };
            leaves.push(
                leaf.unwrap_or(Leaf { id: AtomId::MAX, test: LeafTest::Nested(Box::new(expr.clone())) }),
            );
            Skeleton::Leaf(leaves.len() - 1)
        }
    }
}

/// A leaf for an atom, or `None` when the atom holds conditions or binds items of its own.
fn leaf(atom: &Atom, for_each: bool) -> Option<Leaf> {
    let plain = |expr: &Expr| plain(expr, for_each);
    let all_plain = match &atom.test {
        Test::Compare { lhs, rhs, .. } => plain(lhs) && plain(rhs),
        Test::In { needle, haystack: Haystack::Consts(_), .. } => plain(needle),
        Test::In { needle, haystack: Haystack::List(list), .. } => plain(needle) && plain(list),
        Test::Known { expr, .. } | Test::Holds(expr) => plain(expr),
    };
    if !all_plain {
        return None;
    }
    let test = specialised(&atom.test, for_each).unwrap_or_else(|| LeafTest::General(Box::new(atom.clone())));
    Some(Leaf { id: atom.id, test })
}

/// Whether an operand holds no condition and binds nothing: only then is the atom's truth
/// decided by the facts it reads alone, however the rest of the condition turns out.
fn plain(expr: &Expr, for_each: bool) -> bool {
    let plain = |expr: &Expr| self::plain(expr, for_each);
    match expr {
        Expr::Const(_) | Expr::AsOf | Expr::Fact(_) => true,
        Expr::Field { binding, .. } | Expr::Item { binding } => for_each && *binding == 0,
        Expr::DatePlus { date: a, duration: b, .. }
        | Expr::NumberPlus { lhs: a, rhs: b, .. }
        | Expr::MonthsBetween { from: a, to: b } => plain(a) && plain(b),
        Expr::Count { list, filter: None, .. } => plain(list),
        _ => false,
    }
}

/// The specialised form of a test, where it has one.
fn specialised(test: &Test, for_each: bool) -> Option<LeafTest> {
    let read = |expr: &Expr| read(expr, for_each);
    let number = |expr: &Expr| match expr {
        Expr::Const(Value::Number(n)) => Some(*n),
        _ => None,
    };
    let count = |expr: &Expr| match expr {
        Expr::Count { list, filter: None, .. } => read(list),
        _ => None,
    };
    let constant = |expr: &Expr| match expr {
        Expr::Const(value) => Some(value.clone()),
        _ => None,
    };
    match test {
        // As the evaluator does: a count on the left is taken first.
        Test::Compare { op, lhs: lhs @ Expr::Count { .. }, rhs } => {
            Some(LeafTest::Count { list: count(lhs)?, op: *op, number: number(rhs)?, count_first: true })
        }
        Test::Compare { op, lhs, rhs: rhs @ Expr::Count { .. } } => {
            Some(LeafTest::Count { list: count(rhs)?, op: *op, number: number(lhs)?, count_first: false })
        }
        Test::Compare { op, lhs, rhs } => match (read(lhs), read(rhs)) {
            (Some(fact), None) => {
                Some(LeafTest::Compare { fact, op: *op, constant: constant(rhs)?, fact_first: true })
            }
            (None, Some(fact)) => {
                Some(LeafTest::Compare { fact, op: *op, constant: constant(lhs)?, fact_first: false })
            }
            _ => None,
        },
        Test::In { needle, haystack: Haystack::Consts(values), negated } => {
            Some(LeafTest::In { fact: read(needle)?, values: values.clone(), negated: *negated })
        }
        Test::In { .. } => None,
        Test::Known { expr, negated } => Some(LeafTest::Known { fact: read(expr)?, negated: *negated }),
        Test::Holds(expr) => Some(LeafTest::Holds(read(expr)?)),
    }
}

/// The fact an operand is, if it is one.
fn read(expr: &Expr, for_each: bool) -> Option<Read> {
    match expr {
        Expr::Fact(fact) => Some(Read { fact: *fact, of_item: false }),
        Expr::Field { binding: 0, fact } if for_each => Some(Read { fact: *fact, of_item: true }),
        _ => None,
    }
}

impl LeafTest {
    /// The fact a specialised test reads; `None` for a general one.
    pub(crate) fn read(&self) -> Option<Read> {
        match self {
            LeafTest::Compare { fact, .. }
            | LeafTest::In { fact, .. }
            | LeafTest::Holds(fact)
            | LeafTest::Known { fact, .. } => Some(*fact),
            LeafTest::Count { list, .. } => Some(*list),
            LeafTest::General(_) | LeafTest::Nested(_) => None,
        }
    }

    /// A specialised test's truth, given the value of the fact it reads (`None`: unknown).
    pub(crate) fn truth(&self, value: Option<&Value>) -> Truth {
        let from_bool = |b: bool| if b { Truth::True } else { Truth::False };
        if let LeafTest::Known { negated, .. } = self {
            return from_bool(value.is_some() != *negated);
        }
        let Some(value) = value else { return Truth::Unknown };
        match self {
            LeafTest::Compare { op, constant, fact_first: true, .. } => {
                from_bool(compare(*op, value, constant))
            }
            LeafTest::Compare { op, constant, fact_first: false, .. } => {
                from_bool(compare(*op, constant, value))
            }
            LeafTest::In { values, negated, .. } => {
                from_bool(values.iter().any(|v| compare(CompareOp::Eq, value, v)) != *negated)
            }
            LeafTest::Holds(_) => match value {
                Value::Bool(b) => from_bool(*b),
                _ => Truth::Unknown,
            },
            LeafTest::Count { op, number, count_first, .. } => {
                let len = match value {
                    Value::Records(items) => items.len(),
                    Value::TextList(items) => items.len(),
                    _ => return Truth::Unknown,
                };
                let (len, number) = (Value::Number(len as f64), Value::Number(*number));
                from_bool(if *count_first {
                    compare(*op, &len, &number)
                } else {
                    compare(*op, &number, &len)
                })
            }
            LeafTest::Known { .. } | LeafTest::General(_) | LeafTest::Nested(_) => {
                unreachable!("known tests return early; general and nested ones are walked")
            }
        }
    }
}

/// Buffers for evaluating flat conditions, reused from one outcome to the next.
#[derive(Default)]
pub(super) struct FlatScratch {
    /// Each leaf's truth in the case as it is.
    truths: Vec<Truth>,
    /// Where each leaf's reads start in the evaluation's reads, and (last) where they end.
    starts: Vec<usize>,
    /// Each leaf's truth under a hypothesis.
    hypothetical: Vec<Truth>,
    /// The leaves that read the fact a hypothesis is about.
    reading: Vec<usize>,
    /// Their atoms' ids, each once.
    atoms: Vec<AtomId>,
}

/// One rule (for one item) being evaluated: its condition and where it reads.
#[derive(Clone, Copy)]
struct Subject<'r> {
    rule: &'r Rule,
    item: Option<usize>,
    condition: &'r FlatCondition,
}

impl Evaluator<'_> {
    /// The outcome of a rule whose condition is flat: each leaf evaluated once, recording
    /// its reads in `env`; then, for questions, each unknown fact read tried under the
    /// hypotheses [`Evaluator::some_value_gives`] would try, recomputing only the leaves
    /// that read it.
    pub(super) fn flat_outcome(
        &self,
        index: usize,
        item: Option<usize>,
        condition: &FlatCondition,
        with_questions: bool,
        scratch: &mut super::Scratch,
    ) -> Outcome {
        let rule = &self.rule_base.rules[index];
        let subject = Subject { rule, item, condition };
        let super::Scratch { env, probe, flat, .. } = scratch;
        env.start(rule, item);
        flat.truths.clear();
        flat.starts.clear();
        for leaf in &condition.leaves {
            flat.starts.push(env.reads.len());
            let truth = self.leaf_truth(leaf, item, env);
            flat.truths.push(truth);
        }
        flat.starts.push(env.reads.len());
        let truth = condition.truth(&flat.truths);
        // Three-valued logic is monotone: a decided condition stays decided whatever an
        // unknown fact turns out to be, except through a test of whether it is known.
        let may_change = truth == Truth::Unknown || self.rule_base.plan.rules[index].tests_presence;
        let mut relevant_unknowns = Vec::new();
        if with_questions && may_change {
            let reads = &env.reads;
            for (position, &(fact, known)) in reads.iter().enumerate() {
                let first_read = !reads[..position].iter().any(|(earlier, _)| *earlier == fact);
                if !known && first_read && self.flat_could_change(subject, fact, truth, reads, probe, flat) {
                    relevant_unknowns.push(fact);
                }
            }
        }
        Outcome { rule: index, item, truth, relevant_unknowns, overridden_by: None }
    }

    /// The truth of a flat condition with `fact` given `value`, every leaf evaluated.
    pub(super) fn flat_truth_given(
        &self,
        rule: &Rule,
        item: Option<usize>,
        condition: &FlatCondition,
        (fact, value): (FactInstance, &Value),
        probe: &mut Env,
        truths: &mut Vec<Truth>,
    ) -> Truth {
        let subject = Subject { rule, item, condition };
        truths.clear();
        for leaf in &condition.leaves {
            let truth = self.leaf_truth_given(subject, leaf, (fact, value), probe);
            truths.push(truth);
        }
        condition.truth(truths)
    }

    /// Whether some value of `fact` changes the condition from `now`: the values tried are
    /// those [`Evaluator::some_value_gives`] tries, with the same answer.
    fn flat_could_change(
        &self,
        subject: Subject<'_>,
        fact: FactInstance,
        now: Truth,
        reads: &[(FactInstance, bool)],
        probe: &mut Env,
        flat: &mut FlatScratch,
    ) -> bool {
        let FlatScratch { truths, starts, hypothetical, reading, atoms } = flat;
        // A leaf that did not read the fact reads the same values under the hypothesis, so
        // keeps its truth.
        reading.clear();
        reading.extend(
            (0..subject.condition.leaves.len())
                .filter(|&i| reads[starts[i]..starts[i + 1]].iter().any(|(read, _)| *read == fact)),
        );
        let mut changes = |value: &Value| {
            hypothetical.clone_from(truths);
            for &i in reading.iter() {
                let leaf = &subject.condition.leaves[i];
                hypothetical[i] = self.leaf_truth_given(subject, leaf, (fact, value), probe);
            }
            subject.condition.truth(hypothetical) != now
        };
        match &self.vocabulary().fact(fact.fact).ty {
            Type::Bool => [true, false].into_iter().any(|b| changes(&Value::Bool(b))),
            Type::Enum(values) => (0..values.len() as u32).any(|i| changes(&Value::Enum(i))),
            Type::Records(_) => changes(&Value::Records(Vec::new())),
            Type::Text | Type::Number | Type::Date | Type::TextList => {
                if reading.iter().any(|&i| matches!(subject.condition.leaves[i].test, LeafTest::Nested(_))) {
                    // The atoms to force are inside a nested leaf: walk the whole condition.
                    return self.could_change(subject.rule, subject.item, fact, now, probe);
                }
                // Every combination of truths of the atoms that read the fact.
                atoms.clear();
                atoms.extend(reading.iter().map(|&i| subject.condition.leaves[i].id));
                atoms.sort_unstable();
                atoms.dedup();
                if atoms.len() > MAX_FORCED_ATOMS {
                    return true;
                }
                (0..1u32 << atoms.len()).any(|bits| {
                    hypothetical.clone_from(truths);
                    for &i in reading.iter() {
                        let id = subject.condition.leaves[i].id;
                        let bit =
                            atoms.iter().position(|atom| *atom == id).expect("every reading atom is listed");
                        hypothetical[i] = if bits & (1 << bit) != 0 { Truth::True } else { Truth::False };
                    }
                    subject.condition.truth(hypothetical) != now
                })
            }
        }
    }

    /// A leaf's truth in the case as it is, recording its reads in `env` (started for the
    /// rule and item, recording).
    fn leaf_truth(&self, leaf: &Leaf, item: Option<usize>, env: &mut Env) -> Truth {
        match &leaf.test {
            LeafTest::General(atom) => self.test(&atom.test, env),
            LeafTest::Nested(expr) => self.truth(expr, env),
            test => {
                let instance = self.leaf_instance(test, item);
                let value = self.stored(instance);
                env.record(instance, value.is_some());
                test.truth(value)
            }
        }
    }

    /// A leaf's truth with `fact` given `value`.
    fn leaf_truth_given(
        &self,
        subject: Subject<'_>,
        leaf: &Leaf,
        (fact, value): (FactInstance, &Value),
        probe: &mut Env,
    ) -> Truth {
        match &leaf.test {
            LeafTest::General(atom) => {
                self.start_given(subject, (fact, value), probe);
                self.test(&atom.test, probe)
            }
            LeafTest::Nested(expr) => {
                self.start_given(subject, (fact, value), probe);
                self.truth(expr, probe)
            }
            test => {
                let instance = self.leaf_instance(test, subject.item);
                test.truth(if instance == fact { Some(value) } else { self.stored(instance) })
            }
        }
    }

    /// Starts `probe` for evaluating a leaf quickly with `fact` given `value`.
    fn start_given(&self, subject: Subject<'_>, (fact, value): (FactInstance, &Value), probe: &mut Env) {
        probe.start(subject.rule, subject.item);
        probe.outcome_only = true;
        probe.hypothesis = Some(Hypothesis::Given(fact, value.clone()));
    }

    /// The fact instance a specialised leaf reads.
    fn leaf_instance(&self, test: &LeafTest, item: Option<usize>) -> FactInstance {
        let read = test.read().expect("only specialised leaves read one fact");
        FactInstance { fact: read.fact, item: if read.of_item { item } else { None } }
    }
}
