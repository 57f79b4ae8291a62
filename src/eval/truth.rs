//! Three-valued truth's helpers: the any/all fold and how two values compare, written once
//! for every evaluation of conditions (the walker, the flat conditions, explanations and
//! reasons); `Truth` itself is the rule base's, re-exported. Must not read a case or know about rules.

use crate::ast::{CompareOp, Quantifier};
use crate::value::{Date, Value, compare_numbers};

pub use crate::rulebase::Truth;

/// The truth of `any` or `all` over a list's items, folded one item at a time: Kleene `or`
/// for `any` (from false), `and` for `all` (from true). Every evaluation of a quantifier
/// folds with it but the reference evaluator, which stays independent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fold {
    quantifier: Quantifier,
    truth: Truth,
}

impl Fold {
    /// The fold over no items: `any` is false, `all` true.
    #[inline]
    pub(crate) fn new(quantifier: Quantifier) -> Fold {
        let truth = match quantifier {
            Quantifier::Any => Truth::False,
            Quantifier::All => Truth::True,
        };
        Fold { quantifier, truth }
    }

    /// Folds in one more item's truth.
    #[inline]
    pub(crate) fn add(&mut self, item: Truth) {
        self.truth = match self.quantifier {
            Quantifier::Any => self.truth.or(item),
            Quantifier::All => self.truth.and(item),
        };
    }

    /// Whether no later item can change the truth: `any` found true, `all` found false.
    #[inline]
    pub(crate) fn decided(self) -> bool {
        self.truth == Self::new(self.quantifier).truth.not()
    }

    /// The truth over the items folded so far.
    #[inline]
    pub(crate) fn truth(self) -> Truth {
        self.truth
    }

    /// The truth over items of which `true_` are true, `false_` false and `unknown`
    /// unknown, in any order: what folding them one at a time gives.
    #[inline]
    pub(crate) fn of_counts(quantifier: Quantifier, true_: usize, false_: usize, unknown: usize) -> Truth {
        match quantifier {
            Quantifier::Any if true_ > 0 => Truth::True,
            Quantifier::All if false_ > 0 => Truth::False,
            _ if unknown > 0 => Truth::Unknown,
            _ => Self::new(quantifier).truth,
        }
    }
}

/// The values of an enumeration of `count` names, in order (`Value::Enum(0)` first): an
/// enumeration has far fewer names than `u32` counts.
pub(crate) fn enum_values(count: usize) -> impl Iterator<Item = Value> {
    (0..u32::try_from(count).unwrap_or(u32::MAX)).map(Value::Enum)
}

/// Whether two dates pass the comparison, `a op b`.
#[inline]
pub(crate) fn compare_dates(op: CompareOp, a: Date, b: Date) -> bool {
    holds(op, a.cmp(&b))
}

/// Whether a count of items passes a comparison with a number: `count op number`, or
/// `number op count` when not `count_first`; as [`compare`] has it for two numbers.
#[inline]
pub(crate) fn compare_count(op: CompareOp, count: usize, number: f64, count_first: bool) -> bool {
    let count = count as f64;
    let ordering = if count_first { compare_numbers(count, number) } else { compare_numbers(number, count) };
    holds(op, ordering)
}

/// Whether two values pass the comparison, `a op b`: values of different types (and
/// durations in months against durations in days) are only ever unequal.
pub(crate) fn compare(op: CompareOp, a: &Value, b: &Value) -> bool {
    let ordering = match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(*x, *y),
        (Value::Date(x), Value::Date(y)) => return compare_dates(op, *x, *y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Enum(x), Value::Enum(y)) => x.cmp(y),
        (Value::Duration(x), Value::Duration(y)) => match (x.in_common_unit(), y.in_common_unit()) {
            (Some((a, unit_a)), Some((b, unit_b))) if unit_a == unit_b => a.cmp(&b),
            // Months and days do not convert: such durations are never equal or ordered.
            _ => return matches!(op, CompareOp::Ne),
        },
        _ => return matches!(op, CompareOp::Ne),
    };
    holds(op, ordering)
}

/// Whether two values so ordered pass the comparison.
fn holds(op: CompareOp, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CompareOp::Eq => ordering == Equal,
        CompareOp::Ne => ordering != Equal,
        CompareOp::Lt => ordering == Less,
        CompareOp::Le => ordering != Greater,
        CompareOp::Gt => ordering == Greater,
        CompareOp::Ge => ordering != Less,
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::{self, *};

    const ALL: [Truth; 3] = [True, False, Unknown];

    #[test]
    fn kleene_and_or_not_tables() {
        // Rows: left operand True, False, Unknown; columns: right operand in the same order.
        let and = [[True, False, Unknown], [False, False, False], [Unknown, False, Unknown]];
        let or = [[True, True, True], [True, False, Unknown], [True, Unknown, Unknown]];
        for (i, a) in ALL.iter().enumerate() {
            for (j, b) in ALL.iter().enumerate() {
                assert_eq!(a.and(*b), and[i][j], "{a:?} and {b:?}");
                assert_eq!(a.or(*b), or[i][j], "{a:?} or {b:?}");
            }
        }
        assert_eq!([True.not(), False.not(), Unknown.not()], [False, True, Unknown]);
    }

    #[test]
    fn de_morgan_holds_under_kleene_logic() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
                assert_eq!(a.or(b).not(), a.not().and(b.not()));
            }
        }
    }
}
