//! What is worked out once for evaluation: the evaluation plan's data (where each fact's
//! value is, which rules test presence or override others, each condition flattened into
//! a boolean skeleton over its tests). The rule base holds it so that evaluation never
//! plans again; the evaluator's planner builds it and its flat conditions read it. Must
//! hold data only: neither build a plan nor evaluate one.

use super::{AtomId, Expr, FactId, RuleId, Test, Truth};
use crate::ast::{CompareOp, Quantifier};
use crate::value::{Duration, Value};

/// What the evaluator needs to know about the rules for every case, worked out once the
/// rules are checked (by the evaluator's planner, which `RuleFiles::compile` runs).
#[derive(Clone, Debug, Default)]
pub(crate) struct EvaluationPlan {
    /// For each rule, in rule order.
    pub rules: Vec<RulePlan>,
    /// Whether any rule overrides another.
    pub any_overrides: bool,
    /// For each fact, in declaration order.
    pub facts: Vec<FactPlan>,
    /// For each rule, its condition flattened (see [`FlatCondition`]).
    pub conditions: Vec<FlatCondition>,
    /// The list of each `for each` rule, in rule order: counting a case's outcomes
    /// looks only at these.
    pub item_lists: Vec<FactId>,
    /// For each rule, the rules that override it, in rule order.
    pub overriders: Vec<Vec<RuleId>>,
}

/// Where the evaluator finds a fact's value, with the slots resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FactPlan {
    /// The slot of a case-level fact, or of the list whose items hold the fact.
    pub case_slot: usize,
    /// For a field of the items of a list, its slot in each record.
    pub field_slot: Option<usize>,
    /// Whether the fact is a list of records.
    pub records: bool,
}

/// What the evaluator needs to know about one rule.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RulePlan {
    /// Whether its condition tests whether a fact is known (directly or in a derived
    /// fact): only then can answering an unknown fact change a decided condition.
    pub tests_presence: bool,
    /// Whether it overrides another rule or is overridden by one.
    pub linked: bool,
    /// Whether another rule overrides it.
    pub overridden: bool,
}

/// A condition as a boolean skeleton over its leaves.
#[derive(Clone, Debug)]
pub(crate) struct FlatCondition {
    /// The leaves in the order a full evaluation of the condition reaches them.
    pub leaves: Vec<Leaf>,
    /// The `and`, `or` and `not` over the leaves.
    pub skeleton: Skeleton,
    /// For a condition of at most `MAX_TABLED_LEAVES` leaves, its truth for every
    /// combination of theirs (see `table_index`): a look-up instead of a walk, and a
    /// hypothesis changes the index by the leaves it changes.
    pub table: Option<Vec<Truth>>,
    /// With a table: for each number `k` of leaves from the first, and each combination of
    /// their truths, the truth (true or false) every later leaf leaves unchanged, if any;
    /// evaluation can stop there when no question is wanted.
    /// Laid out as in `Prefix::place` (in the evaluator).
    pub decided: Vec<Option<Truth>>,
    /// Whether some leaf is walked by the evaluator (a general test, a nested part), which
    /// then needs an `Env` started for the rule and item.
    pub walks: bool,
}

/// `and`, `or` and `not` over leaves (indexes into [`FlatCondition::leaves`]).
#[derive(Clone, Debug)]
pub(crate) enum Skeleton {
    /// The leaf at this index.
    Leaf(usize),
    /// A constant condition.
    Const(Truth),
    /// `not`
    Not(Box<Skeleton>),
    /// `and`
    And(Box<Skeleton>, Box<Skeleton>),
    /// `or`
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
    /// `fact op other`, or `other op fact` when not `fact_first`; with a `shift`, the
    /// fact is a date and the duration is added to it first (`change.date + 18 months`).
    Compare { fact: Read, shift: Option<Duration>, op: CompareOp, other: Other, fact_first: bool },
    /// `fact in [a, b]`, or `not in` when `negated`.
    In { fact: Read, values: Vec<Value>, negated: bool },
    /// An enumeration fact `is`, `is not`, `in` or `not in` values of it: the values as
    /// bits (value `i` is bit `i`), so the test is a mask, not a search.
    OneOf { fact: Read, values: u64, negated: bool },
    /// A true-or-false fact as a condition.
    Holds(Read),
    /// `fact is known`, or `is unknown` when `negated`.
    Known { fact: Read, negated: bool },
    /// `count of list op number`, or `number op count of list` when not `count_first`.
    Count { list: Read, op: CompareOp, number: f64, count_first: bool },
    /// Any other test that holds no condition: the evaluator walks it.
    General(Box<Test>),
    /// `any`/`all` over a list of records, with a specialised test of a field of each item.
    Quantified { quantifier: Quantifier, list: FactId, body: Box<LeafTest> },
    /// A part of the condition that holds conditions of its own: the evaluator walks it.
    Nested(Box<Expr>),
}

/// What a fact is compared with: the same for every hypothesis about the case.
#[derive(Clone, Debug)]
pub(crate) enum Other {
    /// A constant.
    Const(Value),
    /// The assessment date.
    AsOf,
}

/// The fact a specialised test reads: a case-level fact, or a field of the item bound (the
/// rule's, or a quantifier's in its condition).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Read {
    /// The fact.
    pub fact: FactId,
    /// Whether it is a field of the item bound.
    pub of_item: bool,
    /// Where the case holds it, resolved when the condition is planned: every read of a
    /// leaf would otherwise look it up.
    pub plan: FactPlan,
}
