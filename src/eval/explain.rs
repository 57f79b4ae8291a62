//! Explanations: for each rule (and item), whether it fired and why, the condition as a
//! tree with each part's value and the facts it read, the unknown facts that leave it
//! undetermined, and the smallest change to the case that would make it fire.

use super::candidates::constants_in;
use super::recorder::FactsRead;
use super::search::{Choices, State, Step, Stopped, Strategy, first_found};
use super::source::{Assuming, TheCase};
use super::{
    Env, Evaluator, FactInstance, Fold, Hypothesis, Outcome, Texts, Truth, compare, enum_values_of,
    list_fact, write_plain,
};
use crate::ast::{CompareOp, DateStyle, Quantifier};
use crate::case::Case;
use crate::rulebase::{Atom, DefinitionId, Expr, Haystack, Rule, RuleBase, Test};
use crate::value::{Date, Value};
use std::borrow::Cow;

/// How a rule came out for a case (or an item).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// The condition is true and the advice is given.
    Fired,
    /// The condition is false.
    NotFired,
    /// The condition depends on unknown facts.
    Unknown,
    /// A rule that overrides this one fired, so its advice is not given.
    Overridden,
}

impl OutcomeKind {
    /// The name used in output: `fired`, `not_fired`, `unknown`, `overridden`.
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Fired => "fired",
            OutcomeKind::NotFired => "not_fired",
            OutcomeKind::Unknown => "unknown",
            OutcomeKind::Overridden => "overridden",
        }
    }
}

/// The explanation of one rule's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The rule's id.
    pub rule: String,
    /// For `for each` rules, the item's path (`groups[1]`).
    pub item: Option<String>,
    /// How it came out.
    pub outcome: OutcomeKind,
    /// For an overridden rule, the rule that overrode it.
    pub overridden_by: Option<String>,
    /// The condition, part by part.
    pub condition: Node,
    /// In words: what made it true (fired) or false (not fired).
    pub reasons: Vec<String>,
    /// The unknown facts that leave it undetermined (with questions where they matter).
    pub unknown_facts: Vec<String>,
    /// The fewest changes to the case's facts that would make it fire, if some (at most
    /// two facts) do: fact path and value.
    pub would_fire_if: Option<Vec<(String, String)>>,
    /// Whether the search for `would_fire_if` stopped at its limit
    /// ([`MAX_SEARCH_WORK`]) before trying every change: `would_fire_if` is then `None`
    /// though some change not tried may make the rule fire.
    pub search_stopped: bool,
}

/// A part of a condition with its value.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A test, with the facts (and derived facts) it read and their values.
    Test {
        /// The test as written.
        text: String,
        /// Its value.
        value: Truth,
        /// Fact path (or derived fact name) and value, as read.
        facts: Vec<(String, String)>,
    },
    /// `a and b and ...`
    All {
        /// Its value.
        value: Truth,
        /// The parts.
        parts: Vec<Node>,
    },
    /// `a or b or ...`
    Any {
        /// Its value.
        value: Truth,
        /// The parts.
        parts: Vec<Node>,
    },
    /// `not a`
    Not {
        /// Its value.
        value: Truth,
        /// The part negated.
        part: Box<Node>,
    },
    /// `any`/`all` over a list: the condition for each item.
    Each {
        /// `any item of groups` or `all items of groups`.
        text: String,
        /// Its value.
        value: Truth,
        /// Item label and its condition.
        items: Vec<(String, Node)>,
    },
}

impl Node {
    /// The part's value.
    pub fn value(&self) -> Truth {
        match self {
            Node::Test { value, .. }
            | Node::All { value, .. }
            | Node::Any { value, .. }
            | Node::Not { value, .. }
            | Node::Each { value, .. } => *value,
        }
    }
}

/// How many facts `would_fire_if` changes at most.
const MAX_CHANGES: usize = 2;

/// How much the search for `would_fire_if` may do for one explanation: the conditions it
/// evaluates times the facts the condition reads (each evaluation reads them about once).
/// The shipped rules need at most 3,400 for any fixture; a condition over a list of
/// thousands of items, which reads thousands of facts, would need their square (one fact
/// changed) or cube (two), and the search stops at this limit instead.
pub const MAX_SEARCH_WORK: usize = 10_000_000;

impl RuleBase {
    /// Explains every rule (or the rules named) for `case`, per item for `for each` rules.
    pub fn explain(&self, case: &Case, as_of: Date, only: &[String]) -> Vec<Explanation> {
        let outcomes = self.evaluate(case, as_of);
        let evaluator = Evaluator::new(self, case, as_of);
        outcomes
            .iter()
            .filter(|o| only.is_empty() || only.contains(&self.rule(o.rule).id))
            .map(|outcome| evaluator.explanation(outcome))
            .collect()
    }
}

/// One evaluation of a test against a written-out list (`change.kind in [merger,
/// restructure]`) that found the value tested equal to one of the list's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ListMatch<'r> {
    /// The test as written, as its explanation names it.
    pub text: &'r str,
    /// The index of the value in the list.
    pub value: usize,
}

impl RuleBase {
    /// Explains every rule for `case` as [`RuleBase::explain`] does, each explanation with
    /// the values of the written-out `in [...]` lists of its condition that the value
    /// tested equalled, in every evaluation the explanation shows (each item of an `any`
    /// or `all` list): for coverage, which reports the values no case had.
    pub(crate) fn explain_with_list_matches<'r>(
        &'r self,
        case: &'r Case,
        as_of: Date,
    ) -> Vec<(Explanation, Vec<ListMatch<'r>>)> {
        let outcomes = self.evaluate(case, as_of);
        let evaluator = Evaluator::new(self, case, as_of);
        outcomes
            .iter()
            .map(|outcome| (evaluator.explanation(outcome), evaluator.list_matches(outcome)))
            .collect()
    }

    /// The values of a written-out `in [...]` list as the rules write them (`merger`,
    /// `"save money"`, `2.5`, `2013-04-01`); `None` for any other test, such as text looked
    /// for in a list-of-text fact, whose values are the case's.
    pub(crate) fn list_as_written(&self, test: &Test) -> Option<Vec<String>> {
        let Test::In { needle, haystack: Haystack::Consts(values), .. } = test else { return None };
        let names = enum_values_of(self, needle);
        let written = |value: &Value| match (value, names) {
            (Value::Enum(i), Some(names)) => {
                names.get(*i as usize).cloned().unwrap_or_else(|| format!("#{i}"))
            }
            (Value::Text(text), _) => format!("\"{text}\""),
            (Value::Date(date), _) => date.to_string(),
            (other, _) => {
                let mut out = String::new();
                write_plain(&mut out, other);
                out
            }
        };
        Some(values.iter().map(written).collect())
    }
}

impl<'a> Evaluator<'a> {
    /// The list values matched in the evaluations of an outcome's condition that its
    /// explanation shows: every part, and the body of an `any` or `all` for every item.
    fn list_matches(&self, outcome: &Outcome) -> Vec<ListMatch<'a>> {
        let rule = self.rule_base.rule(outcome.rule);
        if rule.for_each.is_some() && outcome.item.is_none() {
            // The list is unknown: nothing was evaluated.
            return Vec::new();
        }
        let mut env = self.env_for(rule, outcome.item);
        let mut out = Vec::new();
        self.collect_list_matches(&rule.condition, &mut env, &mut out);
        out
    }

    /// Walks a condition as [`Evaluator::node`] does, binding each item of a quantified
    /// list in turn, and records the list values each written-out `in` test's known value
    /// equals. The derived facts a condition uses are one part each, so their lists are not
    /// looked into.
    fn collect_list_matches(&self, expr: &'a Expr, env: &mut Env, out: &mut Vec<ListMatch<'a>>) {
        match expr {
            Expr::And(a, b) | Expr::Or(a, b) => {
                self.collect_list_matches(a, env, out);
                self.collect_list_matches(b, env, out);
            }
            Expr::Not(inner) => self.collect_list_matches(inner, env, out),
            Expr::Quantified { list, body, .. } => {
                let list_fact = list_fact(list);
                for item in 0..self.list_len::<FactsRead, TheCase>(list, env).unwrap_or(0) {
                    env.bindings.push((list_fact, item));
                    self.collect_list_matches(body, env, out);
                    env.bindings.pop();
                }
            }
            Expr::Atom(atom) => {
                let Test::In { needle, haystack: Haystack::Consts(values), .. } = &atom.test else { return };
                let Some(tested) = self.value::<FactsRead, TheCase>(needle, env) else { return };
                for (value, listed) in values.iter().enumerate() {
                    if compare(CompareOp::Eq, &tested, listed) {
                        out.push(ListMatch { text: &atom.text, value });
                    }
                }
            }
            _ => {}
        }
    }
}

impl Evaluator<'_> {
    fn explanation(&self, outcome: &Outcome) -> Explanation {
        let rule = self.rule_base.rule(outcome.rule);
        let kind = match (outcome.overridden_by, outcome.truth) {
            (Some(_), _) => OutcomeKind::Overridden,
            (None, Truth::True) => OutcomeKind::Fired,
            (None, Truth::False) => OutcomeKind::NotFired,
            (None, Truth::Unknown) => OutcomeKind::Unknown,
        };
        let mut env = self.env_for(rule, outcome.item);
        let listless = rule.for_each.is_some() && outcome.item.is_none();
        let condition = if listless {
            // The list is unknown: there is no item to evaluate the condition for.
            let list = rule.for_each.expect("checked above");
            let text = format!("{} is known", self.vocabulary().fact(list).path);
            Node::Test { text, value: Truth::Unknown, facts: Vec::new() }
        } else {
            self.node(&rule.condition, &mut env)
        };
        let mut reasons = Texts::default();
        match outcome.truth {
            Truth::True | Truth::False => {
                let negated = outcome.truth == Truth::False;
                let env = &mut self.env_for(rule, outcome.item);
                self.because(outcome.rule, outcome.item, negated, env, &mut reasons);
            }
            Truth::Unknown => {}
        }
        let reasons = reasons.slice(0..reasons.count()).map(str::to_string).collect();
        let unknown_facts = match &outcome.relevant_unknowns[..] {
            [] if listless => vec![self.vocabulary().fact(rule.for_each.expect("listless")).path.clone()],
            facts => facts.iter().map(|f| self.instance_path(*f)).collect(),
        };
        let (would_fire_if, search_stopped) = match kind {
            OutcomeKind::NotFired | OutcomeKind::Unknown if !listless => {
                match self.would_fire_if(rule, outcome.item) {
                    Ok(found) => (found, false),
                    Err(Stopped) => (None, true),
                }
            }
            _ => (None, false),
        };
        Explanation {
            rule: rule.id.clone(),
            item: outcome.item.map(|item| self.item_path(rule, item)),
            outcome: kind,
            overridden_by: outcome.overridden_by.map(|r| self.rule_base.rule(r).id.clone()),
            condition,
            reasons,
            unknown_facts,
            would_fire_if,
            search_stopped,
        }
    }

    /// The condition tree, each part with its value; chains of `and` (or `or`) are flat.
    fn node(&self, expr: &Expr, env: &mut Env) -> Node {
        match expr {
            Expr::And(..) | Expr::Or(..) => {
                let is_and = matches!(expr, Expr::And(..));
                let mut operands = Vec::new();
                flatten(expr, is_and, &mut operands);
                let parts: Vec<Node> = operands.into_iter().map(|e| self.node(e, env)).collect();
                // The parts' values combined, not the chain evaluated again: Kleene `and` and
                // `or` are associative, so this is the chain's truth.
                let fold = |value: Truth, part: &Node| {
                    if is_and { value.and(part.value()) } else { value.or(part.value()) }
                };
                let value = parts.iter().fold(Truth::from_bool(is_and), fold);
                if is_and { Node::All { value, parts } } else { Node::Any { value, parts } }
            }
            Expr::Not(inner) => {
                let part = self.node(inner, env);
                Node::Not { value: part.value().not(), part: Box::new(part) }
            }
            Expr::Quantified { quantifier, list, binding, body, text } => {
                self.each_node(*quantifier, list, *binding, body, text, env)
            }
            Expr::Atom(atom) => self.test_node(atom, env),
            other => {
                let value = self.truth::<FactsRead, TheCase>(other, env);
                Node::Test { text: other_text(other, self), value, facts: Vec::new() }
            }
        }
    }

    fn each_node(
        &self,
        quantifier: Quantifier,
        list: &Expr,
        binding: usize,
        body: &Expr,
        text: &str,
        env: &mut Env,
    ) -> Node {
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let list_fact = list_fact(list);
        let list_path = &self.vocabulary().fact(list_fact).path;
        let words = match quantifier {
            Quantifier::Any => format!("any item of {list_path} where {text}"),
            Quantifier::All => format!("all items of {list_path} where {text}"),
        };
        let mut items = Vec::new();
        // The items' values folded as the walker folds them, not the list walked again.
        let len = self.list_len::<FactsRead, TheCase>(list, env);
        let mut fold = Fold::new(quantifier);
        for item in 0..len.unwrap_or(0) {
            env.bindings.push((list_fact, item));
            let label = self.item_label::<FactsRead, TheCase>(list_fact, item, env);
            let node = self.node(body, env);
            fold.add(node.value());
            items.push((label, node));
            env.bindings.pop();
        }
        // An unknown list leaves the quantifier unknown.
        let value = if len.is_some() { fold.truth() } else { Truth::Unknown };
        Node::Each { text: words, value, items }
    }

    fn test_node(&self, atom: &Atom, env: &mut Env) -> Node {
        let reads_before = env.reads.len();
        let value = self.atom::<FactsRead, TheCase>(atom, env);
        let reads: Vec<FactInstance> = env.reads[reads_before..].iter().map(|(fact, _)| *fact).collect();
        let mut facts: Vec<(String, String)> = first_of_each(reads.into_iter())
            .into_iter()
            .map(|instance| {
                let shown = self
                    .stored(instance)
                    .map_or("unknown".to_string(), |v| self.show_value(instance.fact, v));
                (self.instance_path(instance), shown)
            })
            .collect();
        if atom.names_as_of {
            facts.insert(0, ("as_of".to_string(), self.as_of.to_string()));
        }
        facts.extend(self.derived_values(&atom.test, env));
        Node::Test { text: atom.text.clone(), value, facts }
    }

    /// The derived facts a test uses, with their values.
    fn derived_values(&self, test: &Test, env: &mut Env) -> Vec<(String, String)> {
        let mut ids = Vec::new();
        match test {
            Test::Compare { lhs, rhs, .. } => {
                derived_in(lhs, &mut ids);
                derived_in(rhs, &mut ids);
            }
            Test::In { needle, haystack, .. } => {
                derived_in(needle, &mut ids);
                if let Haystack::List(list) = haystack {
                    derived_in(list, &mut ids);
                }
            }
            Test::Known { expr, .. } | Test::Holds(expr) => derived_in(expr, &mut ids),
        }
        ids.into_iter()
            .map(|id| {
                let expr = Expr::Derived(id);
                let shown = match self.value::<FactsRead, TheCase>(&expr, env).map(Cow::into_owned) {
                    None => "unknown".to_string(),
                    Some(Value::Date(date)) => date.to_string(),
                    Some(_) => self.show_in_text::<FactsRead, TheCase>(&expr, DateStyle::Day, env),
                };
                (self.rule_base.definition(id).name.clone(), shown)
            })
            .collect()
    }

    /// The fewest facts (changed or answered) that make the rule fire, trying each fact the
    /// condition reads with values drawn from its type and the rule's constants; stopped
    /// once [`MAX_SEARCH_WORK`] is spent.
    fn would_fire_if(
        &self,
        rule: &Rule,
        item: Option<usize>,
    ) -> Result<Option<Vec<(String, String)>>, Stopped> {
        let mut env = self.env_for(rule, item);
        self.truth::<FactsRead, TheCase>(&rule.condition, &mut env);
        let facts = first_of_each(env.reads.iter().map(|(fact, _)| *fact));
        let mut constants = Vec::new();
        constants_in(&rule.condition, &self.rule_base.definitions, &mut Vec::new(), &mut constants);
        let candidates: Vec<(FactInstance, Vec<Value>)> =
            facts.iter().map(|f| (*f, self.candidate_values(*f, &constants))).collect();
        // Each evaluation reads about the facts the condition reads now.
        let tries = MAX_SEARCH_WORK / facts.len().max(1);
        let mut strategy =
            FewestChanges { evaluator: self, rule, item, candidates: &candidates, size: 0, tries };
        for size in 1..=MAX_CHANGES {
            strategy.size = size;
            if let Some(found) = first_found(&mut strategy, &mut State::default())? {
                let shown = found
                    .into_iter()
                    .map(|(fact, value)| (self.instance_path(fact), self.show_value(fact.fact, &value)))
                    .collect();
                return Ok(Some(shown));
            }
        }
        Ok(None)
    }
}

/// The search for "would fire if": combinations of `size` different facts of
/// `candidates`, each with one of its values, in order; a combination found when the rule
/// fires with those values assumed.
struct FewestChanges<'s, 'a> {
    evaluator: &'s Evaluator<'a>,
    rule: &'s Rule,
    item: Option<usize>,
    candidates: &'s Choices,
    /// How many facts a combination changes.
    size: usize,
    /// Evaluations left, across sizes.
    tries: usize,
}

impl<'s> Strategy<'s> for FewestChanges<'s, '_> {
    fn step(&mut self, state: &State) -> Result<Step<'s>, Stopped> {
        if state.values.len() < self.size {
            return Ok(Step::Extend {
                choices: Cow::Borrowed(self.candidates),
                from: state.next,
                settle: false,
            });
        }
        self.tries = self.tries.checked_sub(1).ok_or(Stopped)?;
        let mut env = self.evaluator.env_for(self.rule, self.item);
        env.hypothesis = Some(Hypothesis::Values(state.values.clone()));
        let fires =
            self.evaluator.truth::<FactsRead, Assuming>(&self.rule.condition, &mut env) == Truth::True;
        Ok(if fires { Step::Found } else { Step::Dead })
    }
}

/// The facts of `facts`, each once, in the order first given: in time proportional to
/// them (a condition over a long list reads thousands).
fn first_of_each(facts: impl Iterator<Item = FactInstance>) -> Vec<FactInstance> {
    let mut seen = std::collections::HashSet::new();
    facts.filter(|fact| seen.insert(*fact)).collect()
}

/// The operands of a chain of `and` (or of `or`), left to right.
fn flatten<'e>(expr: &'e Expr, is_and: bool, out: &mut Vec<&'e Expr>) {
    match (expr, is_and) {
        (Expr::And(a, b), true) | (Expr::Or(a, b), false) => {
            flatten(a, is_and, out);
            flatten(b, is_and, out);
        }
        (other, _) => out.push(other),
    }
}

/// The derived facts an expression uses directly.
fn derived_in(expr: &Expr, out: &mut Vec<DefinitionId>) {
    match expr {
        Expr::Derived(id) if !out.contains(id) => out.push(*id),
        Expr::DatePlus { date: a, duration: b, .. }
        | Expr::NumberPlus { lhs: a, rhs: b, .. }
        | Expr::MonthsBetween { from: a, to: b } => {
            derived_in(a, out);
            derived_in(b, out);
        }
        _ => {}
    }
}

/// A short text for a part of a condition that is not a test (a constant, a derived fact).
fn other_text(expr: &Expr, evaluator: &Evaluator<'_>) -> String {
    match expr {
        Expr::Derived(id) => evaluator.rule_base.definition(*id).name.clone(),
        Expr::Const(Value::Bool(b)) => b.to_string(),
        _ => "condition".to_string(),
    }
}
