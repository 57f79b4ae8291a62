//! The values a search for a case tries: for each fact, the values worth trying, drawn
//! from its type and the constants the conditions compare with. Must not evaluate
//! conditions or choose which facts to try: the searches do (see `search`).

use super::{Evaluator, FactInstance, dedup, enum_values};
use crate::rulebase::{Definition, DefinitionId, Expr, Haystack, Test, Type};
use crate::value::{Duration, DurationUnit, Value};

/// A text unlike any the rules compare with, for "any other text".
const SOME_TEXT: &str = "something else";

impl Evaluator<'_> {
    /// Values worth trying for a fact, in a fixed order: every value of a true-or-false
    /// or `one of` fact; for the others, values near the rule's own constants.
    pub(super) fn candidate_values(&self, fact: FactInstance, constants: &[Value]) -> Vec<Value> {
        let current = self.stored(fact);
        let mut values = match &self.vocabulary().fact(fact.fact).ty {
            Type::Bool => vec![Value::Bool(true), Value::Bool(false)],
            Type::Enum(names) => enum_values(names.len()).collect(),
            Type::Records(_) => vec![Value::Records(Vec::new())],
            Type::Number => number_candidates(constants),
            Type::Date => self.date_candidates(constants),
            Type::Text => {
                let texts = constants.iter().filter(|c| matches!(c, Value::Text(_))).cloned();
                texts.chain(std::iter::once(Value::Text(SOME_TEXT.to_string()))).collect()
            }
            Type::TextList => {
                let texts = constants.iter().filter_map(|c| match c {
                    Value::Text(t) => Some(Value::TextList(vec![t.clone()])),
                    _ => None,
                });
                let some = Value::TextList(vec![SOME_TEXT.to_string()]);
                std::iter::once(Value::TextList(Vec::new()))
                    .chain(texts)
                    .chain(std::iter::once(some))
                    .collect()
            }
        };
        values.retain(|v| Some(v) != current);
        values
    }

    fn date_candidates(&self, constants: &[Value]) -> Vec<Value> {
        let day = |n| Duration { amount: n, unit: DurationUnit::Days };
        let mut dates = vec![self.as_of];
        for constant in constants {
            match constant {
                Value::Duration(d) => {
                    let back = Duration { amount: -d.amount, unit: d.unit };
                    for base in [self.as_of.plus(back), self.as_of.plus(*d)].into_iter().flatten() {
                        dates.extend(
                            [base.plus(day(1)), Some(base), base.plus(day(-1))].into_iter().flatten(),
                        );
                    }
                }
                Value::Date(d) => {
                    dates.extend([d.plus(day(1)), Some(*d), d.plus(day(-1))].into_iter().flatten());
                }
                _ => {}
            }
        }
        dates.extend([self.as_of.plus(day(1)), self.as_of.plus(day(-1))].into_iter().flatten());
        dedup(dates).into_iter().map(Value::Date).collect()
    }
}

fn number_candidates(constants: &[Value]) -> Vec<Value> {
    let mut numbers = vec![0.0];
    for constant in constants {
        if let Value::Number(n) = constant {
            numbers.extend([n - 1.0, *n, n + 1.0]);
        }
    }
    dedup(numbers).into_iter().map(Value::Number).collect()
}

/// The constants a condition compares with, for guessing values that would change it,
/// including those of the derived facts it uses (a stage's `18 months`, say). Each derived
/// fact is looked into once: those in `seen` are skipped.
pub(super) fn constants_in(
    expr: &Expr,
    definitions: &[Definition],
    seen: &mut Vec<DefinitionId>,
    out: &mut Vec<Value>,
) {
    if let Expr::Derived(id) = expr {
        if !seen.contains(id) {
            seen.push(*id);
            constants_in(&definitions[*id].expr, definitions, seen, out);
        }
        return;
    }
    let mut visit = |e: &Expr| constants_in(e, definitions, seen, out);
    match expr {
        Expr::Const(value) => out.push(value.clone()),
        Expr::And(a, b) | Expr::Or(a, b) => {
            visit(a);
            visit(b);
        }
        Expr::Not(a) => visit(a),
        Expr::Quantified { list, body, .. } => {
            visit(list);
            visit(body);
        }
        Expr::DatePlus { date, duration, .. } => {
            visit(date);
            visit(duration);
        }
        Expr::NumberPlus { lhs, rhs, .. } => {
            visit(lhs);
            visit(rhs);
        }
        Expr::MonthsBetween { from, to } => {
            visit(from);
            visit(to);
        }
        Expr::Count { list, filter, .. } => {
            visit(list);
            if let Some(filter) = filter {
                visit(filter);
            }
        }
        Expr::Extreme { list, value, .. } => {
            visit(list);
            visit(value);
        }
        Expr::Atom(atom) => match &atom.test {
            Test::Compare { lhs, rhs, .. } => {
                visit(lhs);
                visit(rhs);
            }
            Test::In { needle, haystack, .. } => {
                visit(needle);
                match haystack {
                    Haystack::Consts(values) => out.extend(values.iter().cloned()),
                    Haystack::List(list) => visit(list),
                }
            }
            Test::Known { expr, .. } | Test::Holds(expr) => visit(expr),
        },
        Expr::Fact(_)
        | Expr::Field { .. }
        | Expr::Item { .. }
        | Expr::AsOf
        | Expr::Derived(_)
        | Expr::Words(_) => {}
    }
}
