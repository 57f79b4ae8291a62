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
//!
//! This module plans (flattens a condition, and gives a specialised test's truth for a
//! value); `evaluate` evaluates flat conditions for a case. Must not read a case itself.

use super::{FactInstance, Truth, compare, compare_count, compare_dates};
use crate::ast::{CompareOp, Quantifier};
use crate::rulebase::{
    Atom, AtomId, Expr, FactPlan, FlatCondition, Haystack, Leaf, LeafTest, Other, Read, Skeleton, Test,
};
use crate::value::{Date, Duration, Value};

mod evaluate;

pub(super) use evaluate::FlatScratch;

/// The truths of a condition's first leaves, as evaluation reaches them, kept for a
/// condition with a table: their [`table_index`], and so their entry in
/// [`FlatCondition::decided`].
struct Prefix {
    /// Their [`table_index`].
    index: usize,
    /// The place value of the next leaf's digit: 3 to the power of how many leaves.
    place: usize,
}

impl Prefix {
    /// No leaves yet.
    fn new() -> Prefix {
        Prefix { index: 0, place: 1 }
    }

    /// Adds the next leaf's truth (at most [`MAX_TABLED_LEAVES`] of them: no table is made
    /// for more, and the place value would overflow).
    fn push(&mut self, truth: Truth) {
        self.index += digit(truth) * self.place;
        self.place *= 3;
    }

    /// Where the prefix's entry is in [`FlatCondition::decided`]: after the entries for
    /// every shorter prefix (3 + 9 + ... of them, (3^count - 3) / 2 in all), at its index.
    /// Beyond the end for every leaf of the condition, which leaves nothing to decide.
    fn place(&self) -> usize {
        (self.place - 3) / 2 + self.index
    }
}

/// The most leaves a condition's truth table is made for: 3^5 = 243 entries (the shipped
/// rules have at most five). Every rule's table is made when the rules are checked, so
/// larger tables would slow checking large rule bases for little gain.
const MAX_TABLED_LEAVES: usize = 5;

/// The place value of each leaf's digit in a [`table_index`]: 3 to the power of its index.
const PLACES: [usize; MAX_TABLED_LEAVES] = [1, 3, 9, 27, 81];

/// One side of a comparison, as specialised tests take it.
enum Side {
    /// A fact, with the duration added to it if it is `date + duration`.
    Fact(Read, Option<Duration>),
    /// Something else that every hypothesis leaves alone.
    Other(Other),
}

/// What planning a part of a condition needs to know: which binding is the item's, and
/// where the case holds each fact.
#[derive(Clone, Copy)]
struct Scope<'f> {
    /// The binding of the item the leaves may read fields of: the rule's (`for each`), or
    /// a quantifier's in its condition.
    bound: Option<usize>,
    /// Each fact's plan, by [`FactId`].
    facts: &'f [FactPlan],
}

impl FlatCondition {
    /// Flattens a rule's condition (`for_each`: whether the rule binds an item), given
    /// each fact's plan.
    pub(crate) fn of(condition: &Expr, for_each: bool, facts: &[FactPlan]) -> FlatCondition {
        let mut leaves = Vec::new();
        let skeleton = skeleton(condition, Scope { bound: for_each.then_some(0), facts }, &mut leaves);
        leaves.shrink_to_fit();
        let table = (leaves.len() <= MAX_TABLED_LEAVES).then(|| truth_table(&skeleton, leaves.len()));
        let decided = table.as_deref().map(decided_by_first_leaves).unwrap_or_default();
        let walks = leaves.iter().any(|leaf| matches!(leaf.test, LeafTest::General(_) | LeafTest::Nested(_)));
        FlatCondition { leaves, skeleton, table, decided, walks }
    }

    /// The truth, true or false, that the leaves evaluated so far (the first ones, at
    /// least one) give the condition whatever the others turn out to be; `None` if they
    /// leave it open or unknown.
    fn decided_by(&self, first: &Prefix) -> Option<Truth> {
        *self.decided.get(first.place())?
    }

    /// The condition's truth, given each leaf's.
    pub(crate) fn truth(&self, leaves: &[Truth]) -> Truth {
        match &self.table {
            Some(table) => table[table_index(leaves)],
            None => self.skeleton.truth(leaves),
        }
    }

    /// The condition's truth with the leaves listed in `changed` given the truths
    /// `truth_of` gives them, the others as `now` has them; `buffer` is room for the copy
    /// a condition too large for a table needs.
    fn truth_with(
        &self,
        now: &Evaluated,
        changed: &[usize],
        mut truth_of: impl FnMut(usize) -> Truth,
        buffer: &mut Vec<Truth>,
    ) -> Truth {
        match &self.table {
            Some(table) => {
                let mut index = now.index;
                for &leaf in changed {
                    let place = PLACES[leaf];
                    index = index - digit(now.truths[leaf]) * place + digit(truth_of(leaf)) * place;
                }
                table[index]
            }
            None => {
                buffer.clear();
                buffer.extend_from_slice(&now.truths);
                for &leaf in changed {
                    buffer[leaf] = truth_of(leaf);
                }
                self.skeleton.truth(buffer)
            }
        }
    }

    /// Whether some truth of leaf `leaf`, the others as `now` has them (every leaf
    /// evaluated), changes the condition's truth: if none does, no value of a fact that
    /// only this leaf reads can. Assumed without a table.
    fn leaf_can_change(&self, now: &Evaluated, leaf: usize) -> bool {
        let Some(table) = &self.table else { return true };
        let place = PLACES[leaf];
        let others = now.index - digit(now.truths[leaf]) * place;
        [Truth::False, Truth::True, Truth::Unknown]
            .into_iter()
            .any(|truth| table[others + digit(truth) * place] != table[now.index])
    }
}

/// A truth as a digit of a [`table_index`]: its place in [`Truth`]'s declaration (true,
/// false, unknown), so that finding it takes no instruction on the hot path.
fn digit(truth: Truth) -> usize {
    truth as usize
}

/// The leaves' truths as a number in base 3, the first leaf its lowest digit.
fn table_index(leaves: &[Truth]) -> usize {
    leaves.iter().rev().fold(0, |index, truth| index * 3 + digit(*truth))
}

/// For each number `k` of first leaves (1 up to all but the last) and each combination of
/// their truths (by [`table_index`]), the truth, true or false, that every combination of
/// the other leaves' truths gives in `table`, if they all give the same.
fn decided_by_first_leaves(table: &[Truth]) -> Vec<Option<Truth>> {
    let count = table.len().ilog(3) as usize;
    (1..count)
        .flat_map(|first| {
            let combinations = 3usize.pow(u32::try_from(first).unwrap_or(u32::MAX));
            (0..combinations).map(move |index| {
                // The entries whose first leaves have these truths.
                let mut truths = table.iter().skip(index).step_by(combinations);
                let truth = *truths.next().expect("a table has an entry per combination");
                (truth != Truth::Unknown && truths.all(|t| *t == truth)).then_some(truth)
            })
        })
        .collect()
}

/// The skeleton's truth for every combination of `count` leaves' truths, by
/// [`table_index`].
fn truth_table(skeleton: &Skeleton, count: usize) -> Vec<Truth> {
    let mut leaves = vec![Truth::True; count];
    let mut table = Vec::with_capacity(3usize.pow(u32::try_from(count).unwrap_or(u32::MAX)));
    loop {
        table.push(skeleton.truth(&leaves));
        // The next combination: count up in base 3 (digits true, false, unknown), the first
        // leaf the lowest digit.
        let Some(carry) = leaves.iter().position(|leaf| *leaf != Truth::Unknown) else { return table };
        leaves[carry] = if leaves[carry] == Truth::True { Truth::False } else { Truth::Unknown };
        leaves[..carry].fill(Truth::True);
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

/// The skeleton of `expr`, its leaves added to `leaves`.
fn skeleton(expr: &Expr, scope: Scope, leaves: &mut Vec<Leaf>) -> Skeleton {
    let mut side = |expr: &Expr| Box::new(skeleton(expr, scope, leaves));
    match expr {
        Expr::And(a, b) => Skeleton::And(side(a), side(b)),
        Expr::Or(a, b) => Skeleton::Or(side(a), side(b)),
        Expr::Not(a) => Skeleton::Not(side(a)),
        Expr::Const(Value::Bool(b)) => Skeleton::Const(if *b { Truth::True } else { Truth::False }),
        _ => {
            let leaf = match expr {
                Expr::Atom(atom) => leaf(atom, scope),
                Expr::Quantified { quantifier, list, binding, body, .. } => {
                    quantified(*quantifier, list, Scope { bound: Some(*binding), ..scope }, body)
                }
                _ => None,
            };
            leaves.push(
                leaf.unwrap_or(Leaf {
                    id: AtomId(usize::MAX),
                    test: LeafTest::Nested(Box::new(expr.clone())),
                }),
            );
            Skeleton::Leaf(leaves.len() - 1)
        }
    }
}

/// A leaf for `any`/`all` over a list of records whose condition is one specialised test
/// of the item, as in `any p in partners where p.sector is health`; `scope` binds the
/// quantifier's item.
fn quantified(quantifier: Quantifier, list: &Expr, scope: Scope, body: &Expr) -> Option<Leaf> {
    let (Expr::Fact(list), Expr::Atom(atom)) = (list, body) else { return None };
    let Leaf {
        id,
        test:
            body @ LeafTest::Compare { .. }
            | body @ LeafTest::In { .. }
            | body @ LeafTest::OneOf { .. }
            | body @ LeafTest::Holds(_)
            | body @ LeafTest::Known { .. },
    } = leaf(atom, scope)?
    else {
        return None;
    };
    // Only a field of the item bound here: a list of records.
    body.read().filter(|read| read.of_item)?;
    Some(Leaf { id, test: LeafTest::Quantified { quantifier, list: *list, body: Box::new(body) } })
}

/// A leaf for an atom, or `None` when the atom holds conditions or binds items of its own.
fn leaf(atom: &Atom, scope: Scope) -> Option<Leaf> {
    let plain = |expr: &Expr| plain(expr, scope.bound);
    let all_plain = match &atom.test {
        Test::Compare { lhs, rhs, .. } => plain(lhs) && plain(rhs),
        Test::In { needle, haystack: Haystack::Consts(_), .. } => plain(needle),
        Test::In { needle, haystack: Haystack::List(list), .. } => plain(needle) && plain(list),
        Test::Known { expr, .. } | Test::Holds(expr) => plain(expr),
    };
    if !all_plain {
        return None;
    }
    let test =
        specialised(&atom.test, scope).unwrap_or_else(|| LeafTest::General(Box::new(atom.test.clone())));
    Some(Leaf { id: atom.id, test })
}

/// Whether an operand holds no condition and binds nothing: only then is the atom's truth
/// decided by the facts it reads alone, however the rest of the condition turns out.
fn plain(expr: &Expr, bound: Option<usize>) -> bool {
    let plain = |expr: &Expr| self::plain(expr, bound);
    match expr {
        Expr::Const(_) | Expr::AsOf | Expr::Fact(_) => true,
        Expr::Field { binding, .. } | Expr::Item { binding } => bound == Some(*binding),
        Expr::DatePlus { date: a, duration: b, .. }
        | Expr::NumberPlus { lhs: a, rhs: b, .. }
        | Expr::MonthsBetween { from: a, to: b } => plain(a) && plain(b),
        Expr::Count { list, filter: None, .. } => plain(list),
        // Listed, not caught by `_`, so that a new kind of expression is placed here.
        Expr::Count { filter: Some(_), .. }
        | Expr::Derived(_)
        | Expr::Words(_)
        | Expr::Extreme { .. }
        | Expr::Atom(_)
        | Expr::And(..)
        | Expr::Or(..)
        | Expr::Not(_)
        | Expr::Quantified { .. } => false,
    }
}

/// The specialised form of a test, where it has one.
fn specialised(test: &Test, scope: Scope) -> Option<LeafTest> {
    let read = |expr: &Expr| read(expr, scope);
    let number = |expr: &Expr| match expr {
        Expr::Const(Value::Number(n)) => Some(*n),
        _ => None,
    };
    let count = |expr: &Expr| match expr {
        Expr::Count { list, filter: None, .. } => read(list),
        _ => None,
    };
    let side = |expr: &Expr| side(expr, scope);
    if let Some(one_of) = one_of(test, scope) {
        return Some(one_of);
    }
    match test {
        // As the evaluator does: a count on the left is taken first.
        Test::Compare { op, lhs: lhs @ Expr::Count { .. }, rhs } => {
            Some(LeafTest::Count { list: count(lhs)?, op: *op, number: number(rhs)?, count_first: true })
        }
        Test::Compare { op, lhs, rhs: rhs @ Expr::Count { .. } } => {
            Some(LeafTest::Count { list: count(rhs)?, op: *op, number: number(lhs)?, count_first: false })
        }
        Test::Compare { op, lhs, rhs } => match (side(lhs)?, side(rhs)?) {
            (Side::Fact(fact, shift), Side::Other(other)) => {
                Some(LeafTest::Compare { fact, shift, op: *op, other, fact_first: true })
            }
            (Side::Other(other), Side::Fact(fact, shift)) => {
                Some(LeafTest::Compare { fact, shift, op: *op, other, fact_first: false })
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

/// An enumeration test as a [`LeafTest::OneOf`], if it is one.
fn one_of(test: &Test, scope: Scope) -> Option<LeafTest> {
    let bits = |values: &[Value]| {
        values.iter().try_fold(0u64, |bits, value| match value {
            Value::Enum(i) if *i < u64::BITS => Some(bits | 1 << i),
            _ => None,
        })
    };
    let (fact, values, negated) = match test {
        Test::Compare { op: op @ (CompareOp::Eq | CompareOp::Ne), lhs, rhs } => match (lhs, rhs) {
            (fact, Expr::Const(value)) | (Expr::Const(value), fact) => {
                (fact, std::slice::from_ref(value), matches!(op, CompareOp::Ne))
            }
            _ => return None,
        },
        Test::In { needle, haystack: Haystack::Consts(values), negated } => (needle, &values[..], *negated),
        _ => return None,
    };
    Some(LeafTest::OneOf { fact: read(fact, scope)?, values: bits(values)?, negated })
}

/// An operand as one side of a specialised comparison, if it can be one.
fn side(expr: &Expr, scope: Scope) -> Option<Side> {
    match expr {
        Expr::Const(value) => Some(Side::Other(Other::Const(value.clone()))),
        Expr::AsOf => Some(Side::Other(Other::AsOf)),
        Expr::DatePlus { date, duration, minus } => match (read(date, scope)?, &**duration) {
            (fact, Expr::Const(Value::Duration(duration))) => {
                let amount = if *minus { -duration.amount } else { duration.amount };
                Some(Side::Fact(fact, Some(Duration { amount, ..*duration })))
            }
            _ => None,
        },
        _ => Some(Side::Fact(read(expr, scope)?, None)),
    }
}

/// The fact an operand is, if it is one.
fn read(expr: &Expr, scope: Scope) -> Option<Read> {
    let (fact, of_item) = match expr {
        Expr::Fact(fact) => (*fact, false),
        Expr::Field { binding, fact } if scope.bound == Some(*binding) => (*fact, true),
        _ => return None,
    };
    Some(Read { fact, of_item, plan: scope.facts[fact.0] })
}

impl Read {
    /// The fact instance read, for the rule's `item`.
    fn instance(self, item: Option<usize>) -> FactInstance {
        FactInstance { fact: self.fact, item: if self.of_item { item } else { None } }
    }
}

impl FlatCondition {
    /// The specialised leaf that tests atom `id` at the top of the condition (not inside a
    /// quantifier or a derived fact), if there is one.
    pub(crate) fn specialised_leaf(&self, id: AtomId) -> Option<&Leaf> {
        self.leaves.iter().find(|leaf| leaf.id == id && leaf.test.read().is_some())
    }
}

impl LeafTest {
    /// The fact a specialised test reads; `None` for a general one.
    pub(crate) fn read(&self) -> Option<Read> {
        match self {
            LeafTest::Compare { fact, .. }
            | LeafTest::In { fact, .. }
            | LeafTest::OneOf { fact, .. }
            | LeafTest::Holds(fact)
            | LeafTest::Known { fact, .. } => Some(*fact),
            LeafTest::Count { list, .. } => Some(*list),
            LeafTest::General(_) | LeafTest::Quantified { .. } | LeafTest::Nested(_) => None,
        }
    }

    /// A specialised test's truth, given the value of the fact it reads (`None`: unknown)
    /// and the assessment date.
    #[inline(always)]
    pub(crate) fn truth(&self, value: Option<&Value>, as_of: Date) -> Truth {
        let from_bool = Truth::from_bool;
        if let LeafTest::Known { negated, .. } = self {
            return from_bool(value.is_some() != *negated);
        }
        let Some(value) = value else { return Truth::Unknown };
        match self {
            LeafTest::Compare { shift, op, other, fact_first, .. } => {
                // Dates are compared as dates, without building values to compare.
                let date = match (shift, value) {
                    (Some(shift), Value::Date(date)) => match date.plus(*shift) {
                        Some(date) => Some(date),
                        None => return Truth::Unknown,
                    },
                    (Some(_), _) => return Truth::Unknown,
                    (None, Value::Date(date)) => Some(*date),
                    (None, _) => None,
                };
                let dates = |date: Date, other: Date| {
                    let (a, b) = if *fact_first { (date, other) } else { (other, date) };
                    from_bool(compare_dates(*op, a, b))
                };
                match (date, other) {
                    (Some(date), Other::AsOf) => dates(date, as_of),
                    (Some(date), Other::Const(Value::Date(constant))) => dates(date, *constant),
                    (None, Other::Const(constant)) => {
                        let (a, b) = if *fact_first { (value, constant) } else { (constant, value) };
                        from_bool(compare(*op, a, b))
                    }
                    // A date and something else, as `compare` has it: only ever unequal.
                    _ => from_bool(matches!(op, CompareOp::Ne)),
                }
            }
            LeafTest::In { values, negated, .. } => {
                from_bool(values.iter().any(|v| compare(CompareOp::Eq, value, v)) != *negated)
            }
            // A value of another type equals none of them, as `compare` has it.
            LeafTest::OneOf { values, negated, .. } => match value {
                Value::Enum(i) => from_bool((*i < u64::BITS && values & (1 << i) != 0) != *negated),
                _ => from_bool(*negated),
            },
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
                from_bool(compare_count(*op, len, *number, *count_first))
            }
            LeafTest::Known { .. }
            | LeafTest::General(_)
            | LeafTest::Quantified { .. }
            | LeafTest::Nested(_) => {
                unreachable!("known tests return early; the others read more than one fact")
            }
        }
    }
}

/// A condition's leaves as evaluated in the case as it is.
#[derive(Default)]
struct Evaluated {
    /// Each leaf's truth, in order.
    truths: Vec<Truth>,
    /// Their [`table_index`], for a condition with a table whose every leaf was evaluated.
    index: usize,
}

#[cfg(test)]
mod tests;
