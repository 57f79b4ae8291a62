//! Checked conditions, values and texts: expressions with every name resolved to a fact,
//! binding, derived fact or words, and the walks over them that the checker, the planner
//! and the case loader share (the facts an expression reads, whether it tests presence).
//! Must not evaluate an expression for a case: that is the evaluator's.

use std::collections::HashSet;

use super::{Definition, DefinitionId, FactId, Type, Vocabulary};
use crate::ast::{CompareOp, DateStyle, Quantifier};
use crate::value::Value;

/// A text with values to fill in.
#[derive(Clone, Debug, Default)]
pub struct Template {
    /// Literal runs and values in order.
    pub parts: Vec<TemplatePart>,
}

/// A piece of a [`Template`].
#[derive(Clone, Debug)]
pub enum TemplatePart {
    /// Words as written.
    Literal(String),
    /// A value to write out.
    Value {
        /// The expression.
        expr: Expr,
        /// How dates are written.
        style: DateStyle,
    },
}

/// A checked expression. Its type is known; conditions are `Bool`-typed.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A constant (enumeration values already as indexes).
    Const(Value),
    /// A case-level fact.
    Fact(FactId),
    /// A field of the item bound at `binding` (0 is the outermost binding).
    Field {
        /// Index into the binding stack.
        binding: usize,
        /// The field's fact.
        fact: FactId,
    },
    /// The item bound at `binding`, when it is a text (quantifying over a list of text).
    Item {
        /// Index into the binding stack.
        binding: usize,
    },
    /// The assessment date.
    AsOf,
    /// A derived fact.
    Derived(DefinitionId),
    /// Words chosen by the assessment date: index into [`super::RuleBase::words`]. Only texts
    /// show them; they are always known.
    Words(usize),
    /// `highest value for x in list` (or `lowest`): the binding at `binding` is each item.
    Extreme {
        /// `highest` rather than `lowest`.
        highest: bool,
        /// The list.
        list: Box<Expr>,
        /// The binding index of the item.
        binding: usize,
        /// The value compared, for each item.
        value: Box<Expr>,
    },
    /// `date + duration`, `date - duration`.
    DatePlus {
        /// The date.
        date: Box<Expr>,
        /// The duration.
        duration: Box<Expr>,
        /// Subtract instead.
        minus: bool,
    },
    /// `number + number`, `number - number`.
    NumberPlus {
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
        /// Subtract instead.
        minus: bool,
    },
    /// `months between from and to`.
    MonthsBetween {
        /// Start.
        from: Box<Expr>,
        /// End.
        to: Box<Expr>,
    },
    /// `count of list` / `count x in list where ...` (binds the item at `binding`).
    Count {
        /// The list.
        list: Box<Expr>,
        /// The binding index of the item.
        binding: usize,
        /// Only items meeting this are counted.
        filter: Option<Box<Expr>>,
    },
    /// A test that is true, false or unknown: the leaves of a condition.
    Atom(Box<Atom>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `any` / `all` over a list (binds the item at `binding`).
    Quantified {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The list.
        list: Box<Expr>,
        /// The binding index of the item.
        binding: usize,
        /// The condition.
        body: Box<Expr>,
        /// The condition as written, for explanations.
        text: String,
    },
}

/// The number of an atom (a test) of a condition: numbered across the whole rule base,
/// in the order the checker meets them, so that no two atoms
/// anywhere share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AtomId(pub usize);

/// A leaf of a condition.
#[derive(Clone, Debug)]
pub struct Atom {
    /// Its number across the rule base.
    pub id: AtomId,
    /// Its source text, for explanations: `change.kind is merger`.
    pub text: String,
    /// The test.
    pub test: Test,
    /// Whether `text` names `as_of`, so that its reasons show the assessment date: found
    /// once, when the rules are checked, not in every reason.
    pub(crate) names_as_of: bool,
}

/// What an atom tests.
#[derive(Clone, Debug)]
pub enum Test {
    /// Compares two values of the same type.
    Compare {
        /// The comparison.
        op: CompareOp,
        /// Left operand.
        lhs: Expr,
        /// Right operand.
        rhs: Expr,
    },
    /// Membership in a list literal or a list of text.
    In {
        /// The value looked for.
        needle: Expr,
        /// The list: constants, or an expression giving a list of text.
        haystack: Haystack,
        /// `not in`.
        negated: bool,
    },
    /// `is known` / `is unknown`.
    Known {
        /// The value tested.
        expr: Expr,
        /// `is unknown`.
        negated: bool,
    },
    /// A true-or-false fact used as a condition on its own.
    Holds(Expr),
}

/// The list searched by an `in` test.
#[derive(Clone, Debug)]
pub enum Haystack {
    /// `[a, b, c]`: constants.
    Consts(Vec<Value>),
    /// A list-of-text expression.
    List(Expr),
}

impl Template {
    /// How many values the template shows.
    pub fn holes(&self) -> usize {
        self.values().count()
    }

    /// The values the template shows, in order, with how each writes dates.
    pub fn values(&self) -> impl Iterator<Item = (&Expr, DateStyle)> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Literal(_) => None,
            TemplatePart::Value { expr, style } => Some((expr, *style)),
        })
    }

    /// The text with `values` (one per hole, in order, as [`Template::values`] gives them)
    /// filled in; a hole past the values given shows nothing.
    pub(crate) fn render(&self, values: &[&str]) -> String {
        let literal_len: usize = self.literals().map(str::len).sum();
        let mut text =
            String::with_capacity(literal_len + values.iter().map(|value| value.len()).sum::<usize>());
        let mut values = values.iter();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(literal) => text.push_str(literal),
                TemplatePart::Value { .. } => text.push_str(values.next().copied().unwrap_or_default()),
            }
        }
        text
    }

    /// The literal runs of the template, in order.
    fn literals(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Literal(literal) => Some(literal.as_str()),
            TemplatePart::Value { .. } => None,
        })
    }

    /// Calls `f` with every fact the template shows.
    pub(crate) fn visit_facts(&self, definitions: &[Definition], f: &mut dyn FnMut(FactId)) {
        self.visit_facts_unseen(definitions, &mut HashSet::new(), f);
    }

    /// [`Template::visit_facts`], skipping the derived facts in `seen` (and adding those
    /// it visits).
    pub(crate) fn visit_facts_unseen(
        &self,
        definitions: &[Definition],
        seen: &mut HashSet<DefinitionId>,
        f: &mut dyn FnMut(FactId),
    ) {
        for part in &self.parts {
            if let TemplatePart::Value { expr, .. } = part {
                expr.visit_facts_unseen(definitions, seen, f);
            }
        }
    }
}

impl Expr {
    /// Whether the expression is a condition (true or false), looking through derived
    /// facts and true-or-false facts.
    pub(crate) fn is_condition(&self, vocabulary: &Vocabulary, definitions: &[Definition]) -> bool {
        match self {
            Expr::Atom(_) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::Quantified { .. } => true,
            Expr::Const(value) => matches!(value, Value::Bool(_)),
            Expr::Fact(fact) | Expr::Field { fact, .. } => matches!(vocabulary.fact(*fact).ty, Type::Bool),
            // Derived facts nest at most MAX_DEFINITION_DEPTH deep (the checker sees to it).
            Expr::Derived(id) => definitions[*id].expr.is_condition(vocabulary, definitions),
            _ => false,
        }
    }

    /// Whether the expression tests whether a fact is known (directly or in a derived
    /// fact).
    pub(crate) fn tests_presence(&self, definitions: &[Definition]) -> bool {
        self.tests_presence_unseen(definitions, &mut HashSet::new())
    }

    /// [`Expr::tests_presence`], skipping the derived facts in `seen` (found not to test
    /// presence, or the search would have stopped) and adding those it looks into: each is
    /// looked into once, as derived facts that each use the one below twice would otherwise
    /// be looked into a number of times exponential in their depth.
    fn tests_presence_unseen(&self, definitions: &[Definition], seen: &mut HashSet<DefinitionId>) -> bool {
        let mut inner = |expr: &Expr| expr.tests_presence_unseen(definitions, seen);
        match self {
            Expr::Atom(atom) => match &atom.test {
                Test::Known { .. } => true,
                Test::Compare { lhs, rhs, .. } => inner(lhs) || inner(rhs),
                Test::In { needle, haystack, .. } => {
                    inner(needle) || matches!(haystack, Haystack::List(list) if inner(list))
                }
                Test::Holds(expr) => inner(expr),
            },
            Expr::Derived(id) => {
                seen.insert(*id) && definitions[*id].expr.tests_presence_unseen(definitions, seen)
            }
            Expr::And(a, b) | Expr::Or(a, b) => inner(a) || inner(b),
            Expr::Not(a) => inner(a),
            Expr::Quantified { body, .. } => inner(body),
            Expr::Count { filter: Some(filter), .. } => inner(filter),
            Expr::Extreme { value, .. } => inner(value),
            _ => false,
        }
    }

    /// Calls `f` with every fact the expression reads, inside tests and derived facts too.
    /// Each derived fact is visited once: derived facts that each use the one below twice
    /// would otherwise be visited a number of times exponential in their depth.
    pub(crate) fn visit_facts(&self, definitions: &[Definition], f: &mut dyn FnMut(FactId)) {
        self.visit_facts_unseen(definitions, &mut HashSet::new(), f);
    }

    /// [`Expr::visit_facts`], skipping the derived facts in `seen` (and adding those it
    /// visits). Recursion follows the syntax, into derived facts: both are bounded, by
    /// [`crate::syntax::MAX_NESTING`] and [`crate::check::MAX_DEFINITION_DEPTH`].
    pub(crate) fn visit_facts_unseen(
        &self,
        definitions: &[Definition],
        seen: &mut HashSet<DefinitionId>,
        f: &mut dyn FnMut(FactId),
    ) {
        let mut visit =
            |expr: &Expr, f: &mut dyn FnMut(FactId)| expr.visit_facts_unseen(definitions, seen, f);
        match self {
            Expr::Fact(id) | Expr::Field { fact: id, .. } => f(*id),
            Expr::Derived(id) => {
                if seen.insert(*id) {
                    definitions[*id].expr.visit_facts_unseen(definitions, seen, f);
                }
            }
            Expr::Atom(atom) => match &atom.test {
                Test::Compare { lhs, rhs, .. } => {
                    visit(lhs, f);
                    visit(rhs, f);
                }
                Test::In { needle, haystack, .. } => {
                    visit(needle, f);
                    if let Haystack::List(list) = haystack {
                        visit(list, f);
                    }
                }
                Test::Known { expr, .. } | Test::Holds(expr) => visit(expr, f),
            },
            Expr::DatePlus { date: a, duration: b, .. }
            | Expr::NumberPlus { lhs: a, rhs: b, .. }
            | Expr::MonthsBetween { from: a, to: b }
            | Expr::And(a, b)
            | Expr::Or(a, b) => {
                visit(a, f);
                visit(b, f);
            }
            Expr::Not(a) => visit(a, f),
            Expr::Quantified { list, body, .. } => {
                visit(list, f);
                visit(body, f);
            }
            Expr::Count { list, filter, .. } => {
                visit(list, f);
                if let Some(filter) = filter {
                    visit(filter, f);
                }
            }
            Expr::Extreme { list, value, .. } => {
                visit(list, f);
                visit(value, f);
            }
            Expr::Const(_) | Expr::Item { .. } | Expr::AsOf | Expr::Words(_) => {}
        }
    }
}
