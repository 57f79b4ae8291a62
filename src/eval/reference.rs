//! The reference evaluator: a plain, obviously correct walk over the checked rules and the
//! case as parsed JSON, looking every fact up by its path. It is slow on purpose: it
//! shares nothing with the engine's slots, reads or hypotheses, so a differential test can
//! hold the engine to it (as Cedar tests its engine against a reference model).
//!
//! Questions are found by brute force: an unknown true-or-false or `one of` fact is asked
//! about exactly when trying each of its values changes some rule's outcome.

use super::{Truth, compare, list_fact};
use crate::ast::{CompareOp, Quantifier};
use crate::rulebase::{Expr, FactId, Haystack, Place, RuleBase, RuleId, Test, Type};
use crate::value::{Date, Value};
use serde_json::Value as Json;

/// A rule's outcome as the reference sees it: rule, item, truth, overridden.
pub type ReferenceOutcome = (RuleId, Option<usize>, Truth, bool);

/// Every rule's outcome (per item for `for each` rules), overrides applied.
pub fn reference_outcomes(rule_base: &RuleBase, case: &Json, as_of: Date) -> Vec<ReferenceOutcome> {
    let walker = Walker { rule_base, case, as_of };
    let mut outcomes = Vec::new();
    for (index, rule) in rule_base.rule_ids().zip(&rule_base.rules) {
        match rule.for_each {
            None => outcomes.push((index, None, walker.truth(&rule.condition, &[]), false)),
            Some(list) => match walker.list(list, &[]) {
                Some(items) => {
                    for item in 0..items.len() {
                        outcomes.push((
                            index,
                            Some(item),
                            walker.truth(&rule.condition, &[(list, item)]),
                            false,
                        ));
                    }
                }
                None => outcomes.push((index, None, Truth::Unknown, false)),
            },
        }
    }
    let fired: Vec<(RuleId, Option<usize>)> =
        outcomes.iter().filter(|o| o.2 == Truth::True).map(|o| (o.0, o.1)).collect();
    for outcome in &mut outcomes {
        if outcome.2 == Truth::False {
            continue;
        }
        outcome.3 = fired.iter().any(|(rule, item)| {
            let overriding = rule_base.rule(*rule);
            let same_list =
                overriding.for_each.is_some() && overriding.for_each == rule_base.rule(outcome.0).for_each;
            overriding.overrides.contains(&outcome.0) && (!same_list || *item == outcome.1)
        });
    }
    outcomes
}

/// What a rule's outcome means for the advice: given, not given, or undetermined. An
/// overridden rule gives no advice whatever its own condition, so it counts as not given.
fn advice_outcomes(rule_base: &RuleBase, case: &Json, as_of: Date) -> Vec<(RuleId, Option<usize>, Truth)> {
    reference_outcomes(rule_base, case, as_of)
        .into_iter()
        .map(|(rule, item, truth, overridden)| (rule, item, if overridden { Truth::False } else { truth }))
        .collect()
}

/// The unknown true-or-false and `one of` facts (as paths) some value of which changes
/// some rule's outcome: by trying every value of every such fact.
pub fn reference_questions(rule_base: &RuleBase, case: &Json, as_of: Date) -> Vec<String> {
    let base = advice_outcomes(rule_base, case, as_of);
    let mut asked = Vec::new();
    for (path, values) in finite_unknowns(rule_base, case) {
        let changes = values.iter().any(|value| {
            let mut changed = case.clone();
            set_path(&mut changed, &path, value.clone());
            advice_outcomes(rule_base, &changed, as_of) != base
        });
        if changes {
            asked.push(path);
        }
    }
    asked.sort();
    asked
}

/// Every unknown true-or-false or `one of` fact of the case (items included), with the
/// JSON values it may take.
fn finite_unknowns(rule_base: &RuleBase, case: &Json) -> Vec<(String, Vec<Json>)> {
    let choices = |ty: &Type| match ty {
        Type::Bool => Some(vec![Json::Bool(true), Json::Bool(false)]),
        Type::Enum(values) => Some(values.iter().map(|v| Json::String(v.clone())).collect()),
        _ => None,
    };
    let mut unknowns = Vec::new();
    for fact in &rule_base.vocabulary.facts {
        let Some(values) = choices(&fact.ty) else { continue };
        match fact.place {
            Place::Case { .. } => {
                if lookup(case, &fact.path).is_none_or(Json::is_null) {
                    unknowns.push((fact.path.clone(), values));
                }
            }
            Place::Field { list, .. } => {
                let list_path = &rule_base.vocabulary.fact(list).path;
                let Some(Json::Array(items)) = lookup(case, list_path) else { continue };
                for item in 0..items.len() {
                    let path = fact.path.replacen("[]", &format!("[{item}]"), 1);
                    if lookup(case, &path).is_none_or(Json::is_null) {
                        unknowns.push((path, values.clone()));
                    }
                }
            }
        }
    }
    unknowns
}

/// The JSON at a path such as `change.kind` or `groups[1].needs`.
fn lookup<'j>(json: &'j Json, path: &str) -> Option<&'j Json> {
    let mut at = json;
    for segment in path.split('.') {
        let (name, index) = split_index(segment);
        at = at.get(name)?;
        if let Some(index) = index {
            at = at.get(index)?;
        }
    }
    Some(at)
}

/// Sets the JSON at a path, making objects on the way (list items must exist).
fn set_path(json: &mut Json, path: &str, value: Json) {
    let segments: Vec<&str> = path.split('.').collect();
    let mut at = json;
    for (i, segment) in segments.iter().enumerate() {
        let (name, index) = split_index(segment);
        if !at.is_object() {
            *at = Json::Object(serde_json::Map::new());
        }
        let last = i + 1 == segments.len() && index.is_none();
        let map = at.as_object_mut().expect("made an object above");
        if last {
            map.insert(name.to_string(), value);
            return;
        }
        at = map.entry(name.to_string()).or_insert(Json::Null);
        if let Some(index) = index {
            let Some(item) = at.get_mut(index) else { return };
            at = item;
            if i + 1 == segments.len() {
                *at = value;
                return;
            }
        }
    }
}

/// `groups[1]` as (`groups`, Some(1)).
fn split_index(segment: &str) -> (&str, Option<usize>) {
    match segment.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
        None => (segment, None),
    }
}

struct Walker<'a> {
    rule_base: &'a RuleBase,
    case: &'a Json,
    as_of: Date,
}

/// The items bound by `for each`, `any`, `all`, `count`, `highest`: list fact and index.
type Bound = [(FactId, usize)];

impl Walker<'_> {
    /// The JSON items of a case-level list, or `None` when the list is unknown.
    fn list(&self, list: FactId, _bound: &Bound) -> Option<&Vec<Json>> {
        match lookup(self.case, &self.rule_base.vocabulary.fact(list).path)? {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A fact's value, converted from JSON by its declared type.
    fn fact(&self, fact: FactId, item: Option<usize>) -> Option<Value> {
        let declared = self.rule_base.vocabulary.fact(fact);
        let path = match item {
            Some(item) => declared.path.replacen("[]", &format!("[{item}]"), 1),
            None => declared.path.clone(),
        };
        let json = lookup(self.case, &path)?;
        match (&declared.ty, json) {
            (Type::Bool, Json::Bool(b)) => Some(Value::Bool(*b)),
            (Type::Number, Json::Number(n)) => n.as_f64().map(Value::Number),
            (Type::Text, Json::String(s)) => Some(Value::Text(s.clone())),
            (Type::Date, Json::String(s)) => Date::parse(s).ok().map(Value::Date),
            (Type::Enum(values), Json::String(s)) => {
                values.iter().position(|v| v == s).and_then(|i| u32::try_from(i).ok()).map(Value::Enum)
            }
            (Type::TextList, Json::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(Value::TextList),
            _ => None,
        }
    }

    fn value(&self, expr: &Expr, bound: &Bound) -> Option<Value> {
        match expr {
            Expr::Const(value) => Some(value.clone()),
            Expr::Fact(fact) => self.fact(*fact, None),
            Expr::Field { binding, fact } => self.fact(*fact, Some(bound[*binding].1)),
            Expr::Item { binding } => {
                let (list, index) = bound[*binding];
                match self.fact(list, None)? {
                    Value::TextList(items) => items.get(index).cloned().map(Value::Text),
                    _ => None,
                }
            }
            Expr::AsOf => Some(Value::Date(self.as_of)),
            Expr::Derived(id) => self.value(&self.rule_base.definition(*id).expr, &[]),
            Expr::Words(index) => Some(self.rule_base.words[*index].on(self.as_of).clone()),
            Expr::DatePlus { date, duration, minus } => {
                match (self.value(date, bound)?, self.value(duration, bound)?) {
                    (Value::Date(d), Value::Duration(mut span)) => {
                        if *minus {
                            span.amount = -span.amount;
                        }
                        d.plus(span).map(Value::Date)
                    }
                    _ => None,
                }
            }
            Expr::NumberPlus { lhs, rhs, minus } => {
                match (self.value(lhs, bound)?, self.value(rhs, bound)?) {
                    (Value::Number(a), Value::Number(b)) => {
                        crate::value::add_numbers(a, b, *minus).map(Value::Number)
                    }
                    _ => None,
                }
            }
            Expr::MonthsBetween { from, to } => match (self.value(from, bound)?, self.value(to, bound)?) {
                (Value::Date(a), Value::Date(b)) => Some(Value::Number(a.months_until(b) as f64)),
                _ => None,
            },
            Expr::Count { list, binding, filter } => self.count(list, *binding, filter.as_deref(), bound),
            Expr::Extreme { highest, list, binding, value } => {
                let (list_fact, len) = self.items(list, bound)?;
                let mut values = Vec::new();
                for item in 0..len {
                    values.push(self.value(value, &with(bound, *binding, list_fact, item))?);
                }
                let op = if *highest { CompareOp::Gt } else { CompareOp::Lt };
                values.into_iter().reduce(|best, v| if compare(op, &v, &best) { v } else { best })
            }
            // Listed, not caught by `_`: a new kind of expression must be placed here or in
            // `truth`, or the two would hand it to each other for ever.
            Expr::Atom(_) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::Quantified { .. } => {
                match self.truth(expr, bound) {
                    Truth::True => Some(Value::Bool(true)),
                    Truth::False => Some(Value::Bool(false)),
                    Truth::Unknown => None,
                }
            }
        }
    }

    /// A list's fact and length: a list of records or of text.
    fn items(&self, list: &Expr, bound: &Bound) -> Option<(FactId, usize)> {
        let fact = list_fact(list);
        let len = match &self.rule_base.vocabulary.fact(fact).ty {
            Type::Records(_) => self.list(fact, bound)?.len(),
            _ => match self.value(list, bound)? {
                Value::TextList(items) => items.len(),
                _ => return None,
            },
        };
        Some((fact, len))
    }

    /// A count, unknown unless every unknown item could not change it.
    fn count(&self, list: &Expr, binding: usize, filter: Option<&Expr>, bound: &Bound) -> Option<Value> {
        let (least, most) = self.count_range(list, binding, filter, bound)?;
        (least == most).then_some(Value::Number(least as f64))
    }

    fn count_range(
        &self,
        list: &Expr,
        binding: usize,
        filter: Option<&Expr>,
        bound: &Bound,
    ) -> Option<(usize, usize)> {
        let (list_fact, len) = self.items(list, bound)?;
        let Some(filter) = filter else { return Some((len, len)) };
        let truths: Vec<Truth> =
            (0..len).map(|item| self.truth(filter, &with(bound, binding, list_fact, item))).collect();
        let least = truths.iter().filter(|t| **t == Truth::True).count();
        Some((least, least + truths.iter().filter(|t| **t == Truth::Unknown).count()))
    }

    fn truth(&self, expr: &Expr, bound: &Bound) -> Truth {
        match expr {
            Expr::And(a, b) => self.truth(a, bound).and(self.truth(b, bound)),
            Expr::Or(a, b) => self.truth(a, bound).or(self.truth(b, bound)),
            Expr::Not(a) => self.truth(a, bound).not(),
            Expr::Const(Value::Bool(b)) => Truth::from_bool(*b),
            Expr::Atom(atom) => self.test(&atom.test, bound),
            Expr::Quantified { quantifier, list, binding, body, .. } => {
                let Some((list_fact, len)) = self.items(list, bound) else { return Truth::Unknown };
                let truths = (0..len).map(|item| self.truth(body, &with(bound, *binding, list_fact, item)));
                match quantifier {
                    Quantifier::Any => truths.fold(Truth::False, Truth::or),
                    Quantifier::All => truths.fold(Truth::True, Truth::and),
                }
            }
            // Listed, not caught by `_`: see `value`.
            Expr::Const(_)
            | Expr::Fact(_)
            | Expr::Field { .. }
            | Expr::Item { .. }
            | Expr::AsOf
            | Expr::Derived(_)
            | Expr::Words(_)
            | Expr::Extreme { .. }
            | Expr::Count { .. }
            | Expr::DatePlus { .. }
            | Expr::NumberPlus { .. }
            | Expr::MonthsBetween { .. } => match self.value(expr, bound) {
                Some(Value::Bool(b)) => Truth::from_bool(b),
                _ => Truth::Unknown,
            },
        }
    }

    fn test(&self, test: &Test, bound: &Bound) -> Truth {
        match test {
            Test::Compare { op, lhs, rhs } => {
                let count_side = match (lhs, rhs) {
                    (count @ Expr::Count { .. }, other) => Some((count, other, true)),
                    (other, count @ Expr::Count { .. }) => Some((count, other, false)),
                    _ => None,
                };
                if let Some((Expr::Count { list, binding, filter }, other, count_on_left)) = count_side {
                    let (Some((least, most)), Some(Value::Number(other))) = (
                        self.count_range(list, *binding, filter.as_deref(), bound),
                        self.value(other, bound),
                    ) else {
                        return Truth::Unknown;
                    };
                    let passes: Vec<bool> = (least..=most)
                        .map(|n| {
                            let n = Value::Number(n as f64);
                            let other = Value::Number(other);
                            if count_on_left { compare(*op, &n, &other) } else { compare(*op, &other, &n) }
                        })
                        .collect();
                    return if passes.iter().all(|p| *p) {
                        Truth::True
                    } else if passes.iter().all(|p| !*p) {
                        Truth::False
                    } else {
                        Truth::Unknown
                    };
                }
                match (self.value(lhs, bound), self.value(rhs, bound)) {
                    (Some(a), Some(b)) => Truth::from_bool(compare(*op, &a, &b)),
                    _ => Truth::Unknown,
                }
            }
            Test::In { needle, haystack, negated } => {
                let needle = self.value(needle, bound);
                let found = match haystack {
                    Haystack::Consts(values) => {
                        needle.map(|n| values.iter().any(|v| compare(CompareOp::Eq, &n, v)))
                    }
                    Haystack::List(list) => match (needle, self.value(list, bound)) {
                        (Some(Value::Text(n)), Some(Value::TextList(items))) => Some(items.contains(&n)),
                        _ => None,
                    },
                };
                found.map_or(Truth::Unknown, |found| Truth::from_bool(found != *negated))
            }
            Test::Known { expr, negated } => {
                let known = match expr {
                    Expr::Fact(fact)
                        if matches!(self.rule_base.vocabulary.fact(*fact).ty, Type::Records(_)) =>
                    {
                        self.list(*fact, bound).is_some()
                    }
                    _ => self.value(expr, bound).is_some(),
                };
                Truth::from_bool(known != *negated)
            }
            Test::Holds(expr) => self.truth(expr, bound),
        }
    }
}

/// The bindings with one more: `binding` is the index it must have.
fn with(bound: &Bound, binding: usize, list: FactId, item: usize) -> Vec<(FactId, usize)> {
    let mut more = bound[..binding.min(bound.len())].to_vec();
    more.push((list, item));
    more
}
