//! Stage 2 output: the checked rule base, in which every name is resolved and every type
//! is known.
//!
//! The checker (`check`) builds a [`RuleBase`] from the syntax trees of all rule files;
//! the case loader (`case`) reads cases against its [`Vocabulary`]; the evaluator (`eval`)
//! runs its rules. Nothing downstream looks a name up or re-validates: fact paths are
//! slots, enumeration values are small integers and citations point at rendered
//! references.
//!
//! This file holds the rule base and its declarations (vocabulary, rules, citations,
//! words); `expr` the checked expressions and templates; `plan` the data of the evaluation
//! plan and `truth` the three-valued truth it holds. Clients outside the crate read the
//! rule base through its accessors and cannot change it. Must not import the evaluator:
//! the rule base is stage 2, and the evaluator (stage 3) builds the plan it holds.

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::ast::AdviceKind;
use crate::value::Value;

mod expr;
mod plan;
mod truth;

pub use expr::{Atom, AtomId, Expr, Haystack, Template, TemplatePart, Test};

pub(crate) use plan::{
    EvaluationPlan, FactPlan, FlatCondition, Leaf, LeafTest, Other, Read, RulePlan, Skeleton,
};
pub use truth::Truth;

/// A checked rule base: load it once, then advise any number of cases.
#[derive(Clone, Debug)]
pub struct RuleBase {
    /// The case vocabulary.
    pub(crate) vocabulary: Vocabulary,
    /// The evidence scale, strongest first: key to label.
    pub(crate) evidence: IndexMap<String, String>,
    /// The priority scale, most urgent first: key to label. Empty when the rule base
    /// declares none.
    pub(crate) priority: IndexMap<String, String>,
    /// The lessons rules encode, by id, with what each says.
    pub(crate) lessons: IndexMap<String, String>,
    /// The bibliography in declaration order, by key.
    pub(crate) sources: IndexMap<String, Reference>,
    /// The rules, by file name and then position in the file.
    pub(crate) rules: Vec<Rule>,
    /// The derived facts (`define`), in the order they were checked.
    pub(crate) definitions: Vec<Definition>,
    /// Where each source is declared, and the warnings silenced for it.
    pub(crate) source_origins: IndexMap<String, Origin>,
    /// The words chosen by date (`words`), in declaration order.
    pub(crate) words: Vec<Words>,
    /// What the rule base's `policy` requires of every rule, in declaration order.
    pub(crate) policy: Vec<PolicyLine>,
    /// What evaluating a case needs to know about the rules, worked out once.
    pub(crate) plan: EvaluationPlan,
}

/// Read access for clients: the rule base is built only by checking rule files, and stays
/// as checked (its evaluation plan is worked out from these parts, so they must not drift
/// from it).
impl RuleBase {
    /// The case vocabulary.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The evidence scale, strongest first: key to label.
    pub fn evidence(&self) -> &IndexMap<String, String> {
        &self.evidence
    }

    /// The priority scale, most urgent first: key to label. Empty when the rule base
    /// declares none.
    pub fn priority(&self) -> &IndexMap<String, String> {
        &self.priority
    }

    /// The lessons rules encode, by id, with what each says.
    pub fn lessons(&self) -> &IndexMap<String, String> {
        &self.lessons
    }

    /// The bibliography in declaration order, by key.
    pub fn sources(&self) -> &IndexMap<String, Reference> {
        &self.sources
    }

    /// The rules, by file name and then position in the file.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The derived facts (`define`), in the order they were checked.
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    /// Where each source is declared, and the warnings silenced for it.
    pub fn source_origins(&self) -> &IndexMap<String, Origin> {
        &self.source_origins
    }

    /// The words chosen by date (`words`), in declaration order.
    pub fn words(&self) -> &[Words] {
        &self.words
    }

    /// What the rule base's `policy` requires of every rule, in declaration order.
    pub fn policy(&self) -> &[PolicyLine] {
        &self.policy
    }
}

impl RuleBase {
    /// Makes a checked rule base ready to read cases: marks the facts in use (a case keeps
    /// only their values) and notes whether the vocabulary's names are plain (for the fast
    /// case reader). Called once, by [`crate::RuleFiles::compile`], after the syntax trees
    /// are dropped; the evaluator's plan is worked out next.
    pub(crate) fn finish(&mut self) {
        self.mark_facts_in_use();
        self.vocabulary.note_plain_names();
    }

    /// Marks the facts that rules, derived facts and questions read (and the name fields
    /// that label the items of lists they read), so that loading a case can skip keeping
    /// the values nothing will look at.
    pub(crate) fn mark_facts_in_use(&mut self) {
        let mut used = vec![false; self.vocabulary.facts.len()];
        let mut mark = |fact: FactId| used[fact.0] = true;
        // Shared by every visit: a derived fact's facts are marked once, however many
        // rules use it.
        let seen = &mut HashSet::new();
        let definitions = &self.definitions;
        for rule in &self.rules {
            if let Some(list) = rule.for_each {
                mark(list);
            }
            rule.condition.visit_facts_unseen(definitions, seen, &mut mark);
            for template in [&rule.title, &rule.text] {
                template.visit_facts_unseen(definitions, seen, &mut mark);
            }
            for entry in &rule.timeline {
                for date in entry.dates.exprs() {
                    date.visit_facts_unseen(definitions, seen, &mut mark);
                }
            }
        }
        for fact in &self.vocabulary.facts {
            for template in fact.question.iter().chain(fact.wording.templates()) {
                template.visit_facts_unseen(definitions, seen, &mut mark);
            }
        }
        for (id, definition) in definitions.iter().enumerate() {
            Expr::Derived(DefinitionId(id)).visit_facts_unseen(definitions, seen, &mut mark);
            for template in definition.wording.templates() {
                template.visit_facts_unseen(definitions, seen, &mut mark);
            }
        }
        // A question about a field, or advice per item, names the item by its label.
        // A question waits for its `after` fact: the case must keep that fact's value.
        for fact in &self.vocabulary.facts {
            if let Some(after) = fact.after {
                mark(after);
            }
        }
        for (index, fact) in self.vocabulary.facts.iter().enumerate() {
            if let Place::Field { list, .. } = fact.place {
                used[list.0] |= used[index];
            }
        }
        for (index, fact) in self.vocabulary.facts.iter().enumerate() {
            if let Type::Records(RecordType { label: Some(label), .. }) = &fact.ty {
                used[label.0] |= used[index];
            }
        }
        for (fact, used) in self.vocabulary.facts.iter_mut().zip(used) {
            fact.in_use = used;
        }
    }
}

impl RuleBase {
    /// The rule with this id, which the checker made for this rule base (it panics on an
    /// id from elsewhere: clients outside the crate use [`RuleBase::get_rule`]).
    pub(crate) fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id.0]
    }

    /// The rule with this id, if the rule base has one.
    pub fn get_rule(&self, id: RuleId) -> Option<&Rule> {
        self.rules.get(id.0)
    }

    /// The derived fact with this id, which the checker made for this rule base (it panics
    /// on an id from elsewhere).
    pub(crate) fn definition(&self, id: DefinitionId) -> &Definition {
        &self.definitions[id.0]
    }

    /// The ids of the rules, in declaration order.
    pub(crate) fn rule_ids(&self) -> impl Iterator<Item = RuleId> {
        (0..self.rules.len()).map(RuleId)
    }

    /// The label of rule `rule`'s priority, if it declares one (`None` for an id past
    /// the rules).
    pub fn priority_label(&self, rule: RuleId) -> Option<&str> {
        let step = self.get_rule(rule)?.priority?;
        self.priority.get_index(step).map(|(_, label)| label.as_str())
    }

    /// How much rule `rule` counts when questions are ranked: on a scale of n steps,
    /// step i (0 the most urgent) weighs n - i; a rule without a priority (or an id
    /// past the rules) weighs 1.
    pub fn priority_weight(&self, rule: RuleId) -> usize {
        match self.get_rule(rule).and_then(|rule| rule.priority) {
            Some(step) => self.priority.len().saturating_sub(step).max(1),
            None => 1,
        }
    }

    /// Where rule `rule`'s advice goes in a report: by the step of its priority, the rules
    /// without one after all the others (in rule order, as [`slice::sort_by_key`] is stable).
    pub(crate) fn priority_order(&self, rule: RuleId) -> usize {
        self.rule(rule).priority.unwrap_or(self.priority.len())
    }
}

/// Where an item was declared, and the warnings silenced for it with `allow`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    /// The rule file.
    pub file: String,
    /// The item's name in it.
    pub span: crate::ast::Span,
    /// `allow CODE "reason"` annotations.
    pub allows: Vec<Allowed>,
}

/// One requirement of the rule base's `policy`, and where it is written (for the warning
/// about a rule that breaks it).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyLine {
    /// What every rule must carry.
    pub requirement: crate::ast::Requirement,
    /// The rule file.
    pub file: String,
    /// The line's span in it.
    pub span: crate::ast::Span,
}

/// A warning silenced deliberately.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowed {
    /// The warning's code.
    pub code: String,
    /// Why it is deliberate.
    pub reason: String,
    /// Where the `allow` is written.
    pub span: crate::ast::Span,
}

/// A derived fact: a value or condition computed from other facts.
#[derive(Clone, Debug)]
pub struct Definition {
    /// Its name.
    pub name: String,
    /// What it stands for; it binds no item, so it is evaluated on its own.
    pub expr: Expr,
    /// How the text report says it in words.
    pub wording: Wording,
    /// Where it is declared (its name), and the warnings silenced for it.
    pub origin: Origin,
}

/// The index of a derived fact in [`RuleBase::definitions`], in declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefinitionId(pub usize);

/// The derived fact with this id, which the checker made for these definitions (it panics
/// on an id from elsewhere).
impl std::ops::Index<DefinitionId> for [Definition] {
    type Output = Definition;

    fn index(&self, id: DefinitionId) -> &Definition {
        &self[id.0]
    }
}

/// How a fact or derived fact is said in words (`label`, `says`), in the reasons the text
/// report gives for its advice. A field of a list's items is said of one item: its
/// templates are filled in with that item bound, as its question is.
#[derive(Clone, Debug, Default)]
pub struct Wording {
    /// `label "the kind of change"`: a noun phrase that names it.
    pub label: Option<Template>,
    /// `says VALUE "..."`: what each value says, by [`Wording::value_index`]; `None` for
    /// a value not given words.
    pub says: Vec<Option<Template>>,
}

impl Wording {
    /// The words for `value`, if it is given some.
    pub fn says(&self, value: &Value) -> Option<&Template> {
        self.says.get(Wording::value_index(value)?)?.as_ref()
    }

    /// Where the words for a value are kept in [`Wording::says`]: `false` 0 and `true` 1,
    /// a `one of` value by its place in the list; values of other types have none.
    pub fn value_index(value: &Value) -> Option<usize> {
        match value {
            Value::Bool(b) => Some(usize::from(*b)),
            Value::Enum(i) => Some(*i as usize),
            _ => None,
        }
    }

    /// Every template: the label, then the words of each value.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.label.iter().chain(self.says.iter().flatten())
    }
}

/// Index of a fact in [`Vocabulary::facts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactId(pub usize);

/// The index of a rule in [`RuleBase::rules`], in declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub usize);

/// The most segments a fact's path may have (`groups[].contact.name` has 3): the case
/// file's objects nest at most this deep, and so does every walk over them (the schema,
/// the case readers, the vocabulary's own). A path of 10,000 segments overflowed the
/// schema's stack, and one of 5,000 made 450 MB of schema; real paths have two or three.
/// Longer paths are refused when the rules are checked (E0228).
pub const MAX_PATH_SEGMENTS: usize = 16;

/// The facts a case may state, and the shape of the case file they make up.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// Every declared fact, in declaration order.
    pub facts: Vec<Fact>,
    /// The top-level object of a case file.
    pub root: Shape,
    /// How many case-level slots a case has.
    pub case_slots: usize,
    /// Whether every field name and enum value is plain JSON string text (no quote,
    /// backslash or control character), as it is when written in rules: the case reader
    /// may then look for them in a case's text as they are. Set by
    /// `Vocabulary::note_plain_names`; false, the safe value, by default.
    pub plain_names: bool,
}

impl Vocabulary {
    /// Sets [`Vocabulary::plain_names`] from the names the vocabulary now has.
    pub(crate) fn note_plain_names(&mut self) {
        let plain = |name: &str| !name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
        let fact_names_plain = |fact: &Fact| match &fact.ty {
            Type::Enum(values) => values.iter().all(|value| plain(value)),
            Type::Records(record) => record.shape.names_are(&plain),
            _ => true,
        };
        self.plain_names = self.root.names_are(&plain) && self.facts.iter().all(fact_names_plain);
    }

    /// The path of a fact of one item as the vocabulary declares it, the items' indexes
    /// left out: `groups[1].needs` -> `groups[].needs` (what [`Vocabulary::find`] takes).
    pub fn declared_path(path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        let mut in_index = false;
        for c in path.chars() {
            match c {
                '[' => {
                    in_index = true;
                    out.push('[');
                }
                ']' => {
                    in_index = false;
                    out.push(']');
                }
                _ if in_index => {}
                _ => out.push(c),
            }
        }
        out
    }

    /// The fact declared with this path (`change.kind`, `groups[].needs`).
    pub fn find(&self, path: &str) -> Option<FactId> {
        self.facts.iter().position(|fact| fact.path == path).map(FactId)
    }

    /// The fact with this id, which the checker made for this vocabulary (it panics on
    /// an id from elsewhere: clients outside the crate use [`Vocabulary::get`]).
    pub(crate) fn fact(&self, id: FactId) -> &Fact {
        &self.facts[id.0]
    }

    /// The fact with this id, if the vocabulary has one.
    pub fn get(&self, id: FactId) -> Option<&Fact> {
        self.facts.get(id.0)
    }
}

/// The fields an object of the case file may have, in declaration order.
#[derive(Clone, Debug, Default)]
pub struct Shape {
    /// Field name to what it holds.
    pub fields: IndexMap<String, Node>,
}

impl Shape {
    /// Whether every field name, here and in nested objects and records, passes `test`
    /// (recursing at most [`MAX_PATH_SEGMENTS`] levels: a path's depth).
    fn names_are(&self, test: &impl Fn(&str) -> bool) -> bool {
        self.fields.iter().all(|(name, node)| {
            test(name)
                && match node {
                    Node::Object(inner) => inner.names_are(test),
                    Node::Fact(_) => true,
                }
        })
    }
}

/// What one field of an object holds.
#[derive(Clone, Debug)]
pub enum Node {
    /// A nested object (`change` in `change.kind`).
    Object(Shape),
    /// A declared fact.
    Fact(FactId),
}

/// One declared fact.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Its path as declared: `change.kind`, `groups[].needs`.
    pub path: String,
    /// Its type.
    pub ty: Type,
    /// The question to ask when it is unknown.
    pub question: Option<Template>,
    /// `after other.fact`: the question about this fact waits while that fact is unknown
    /// (for a field of a list's items, that field of the same item).
    pub after: Option<FactId>,
    /// `only when CONDITION`: the derived fact (see [`RuleBase::definitions`]) that must
    /// hold for the question about this fact to be asked.
    pub asked_when: Option<DefinitionId>,
    /// How the text report says it in words.
    pub wording: Wording,
    /// Where its value is kept in a [`crate::case::Case`].
    pub place: Place,
    /// Where it is declared, and the warnings silenced for it.
    pub origin: Origin,
    /// Whether any rule, derived fact or question reads it. A case's value for a fact
    /// nothing reads is checked but not kept (marked when the rule base is finished).
    pub in_use: bool,
}

/// Where a fact's value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the case's own slots.
    Case {
        /// Index into the case's values.
        slot: usize,
    },
    /// In each item of a list of records.
    Field {
        /// The list.
        list: FactId,
        /// Index into each record.
        slot: usize,
    },
}

/// A fact's type, with enumerations and records resolved.
#[derive(Clone, Debug)]
pub enum Type {
    /// `true` or `false`.
    Bool,
    /// A string.
    Text,
    /// A number.
    Number,
    /// A `YYYY-MM-DD` date.
    Date,
    /// A list of strings.
    TextList,
    /// A list of objects.
    Records(RecordType),
    /// One of the named values, kept as its index.
    Enum(Vec<String>),
}

impl Type {
    /// The type in words, for messages: `a date`, `one of linkage, coordination, full`.
    pub fn describe(&self) -> String {
        match self {
            Type::Bool => "true or false".into(),
            Type::Text => "text".into(),
            Type::Number => "a number".into(),
            Type::Date => "a date".into(),
            Type::TextList => "a list of text".into(),
            Type::Records(_) => "a list of records".into(),
            Type::Enum(values) => format!("one of {}", values.join(", ")),
        }
    }
}

/// The item type of a list of records.
#[derive(Clone, Debug, Default)]
pub struct RecordType {
    /// The fields of each item.
    pub shape: Shape,
    /// How many slots each record has.
    pub slots: usize,
    /// The field that names an item in advice (its `name` field, where declared).
    pub label: Option<FactId>,
}

/// A rendered bibliography entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The key rules cite it by.
    pub key: String,
    /// Authors as in the paper's reference list: `Peck, E. and Freeman, T.`.
    pub authors: String,
    /// Year of publication.
    pub year: u16,
    /// The whole Harvard-style entry.
    pub reference: String,
}

/// A checked rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Its id.
    pub id: String,
    /// The file it was written in.
    pub file: String,
    /// The lessons it encodes.
    pub lessons: Vec<String>,
    /// The label of its evidence level, if it declares one.
    pub evidence: Option<String>,
    /// Its step on the priority scale (0 is the most urgent), if it declares one.
    pub priority: Option<usize>,
    /// `for each`: the list whose items the rule is evaluated for (binding 0).
    pub for_each: Option<FactId>,
    /// The condition.
    pub condition: Expr,
    /// The kind of advice.
    pub kind: AdviceKind,
    /// The title, to fill in.
    pub title: Template,
    /// The text, to fill in.
    pub text: Template,
    /// The citations in order.
    pub citations: Vec<Citation>,
    /// The rules whose advice this rule's replaces.
    pub overrides: Vec<RuleId>,
    /// Ids of the rules whose advice must never be given with this rule's.
    pub contradicts: Vec<RuleId>,
    /// Where it is declared (its id), and the warnings silenced for it.
    pub origin: Origin,
    /// The dates its advice rests on (`event`, `period`), for the reports' timeline.
    pub timeline: Vec<TimelineMark>,
}

/// A checked `event` or `period` of a rule: its label, and its dates as expressions whose
/// type is a date.
#[derive(Clone, Debug)]
pub struct TimelineMark {
    /// What it is, as written: `The merger took effect`.
    pub label: String,
    /// When.
    pub dates: MarkDates,
}

/// The dates of a [`TimelineMark`], to work out for each case.
#[derive(Clone, Debug)]
pub enum MarkDates {
    /// `event ... on DATE`
    On(Expr),
    /// `period ... from DATE to [at least] DATE`
    Period {
        /// The first day.
        from: Expr,
        /// The last day, or the earliest the period may end when `at_least`.
        to: Expr,
        /// `to at least`.
        at_least: bool,
    },
}

impl MarkDates {
    /// Its date expressions: one for an event, two for a period.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        let (first, second) = match self {
            MarkDates::On(date) => (date, None),
            MarkDates::Period { from, to, .. } => (from, Some(to)),
        };
        std::iter::once(first).chain(second)
    }
}

/// A checked citation.
#[derive(Clone, Debug, PartialEq)]
pub struct Citation {
    /// Key into [`RuleBase::sources`].
    pub source: String,
    /// The source's index in [`RuleBase::sources`]: advice looks it up without hashing.
    pub source_index: usize,
    /// Section, page or figure.
    pub locator: Option<String>,
    /// `quoted in`: the work the quote was found in, whose text it is checked against.
    pub quoted_in: Option<QuotedIn>,
    /// Verbatim words of the source (checked against its text where one is given).
    pub quote: Option<String>,
    /// Where the quote is written, for the warnings about quotes.
    pub quote_span: Option<crate::ast::Span>,
    /// Whether the quote was checked against the full text of the work it is taken from
    /// (false when that work's text is not given: W0314 says so).
    pub quote_verified: bool,
    /// A source of the advice, or a work offered as an example (`for example`).
    pub role: CitationRole,
}

impl Citation {
    /// Whether the citation names the source `key`: as the work cited, or as the work it
    /// is quoted in.
    pub fn names(&self, key: &str) -> bool {
        self.source == key || self.quoted_in.as_ref().is_some_and(|q| q.source == key)
    }
}

/// Words chosen by the date of the assessment (`words name before DATE "..." otherwise
/// "..."`).
#[derive(Clone, Debug)]
pub struct Words {
    /// The name texts show them by.
    pub name: String,
    /// Each date, ascending, with the words for an assessment made before it (and on or
    /// after the date before).
    pub before: Vec<(crate::value::Date, Value)>,
    /// The words on and after the last date.
    pub otherwise: Value,
    /// Where they are declared, and the warnings silenced for them.
    pub origin: Origin,
}

impl Words {
    /// The words for an assessment made on `as_of`: those of the first date after it,
    /// else `otherwise`. Always a [`Value::Text`].
    pub fn on(&self, as_of: crate::value::Date) -> &Value {
        self.before.iter().find(|(date, _)| as_of < *date).map_or(&self.otherwise, |(_, words)| words)
    }
}

/// A checked `quoted in`: the work in which a cited work's words are quoted.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotedIn {
    /// Key into [`RuleBase::sources`].
    pub source: String,
    /// The quoting work's index in [`RuleBase::sources`].
    pub source_index: usize,
    /// Where in the quoting work.
    pub locator: Option<String>,
}

/// What a citation does for its advice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CitationRole {
    /// The advice rests on the work (`cite key`).
    #[default]
    Source,
    /// The work is an example of what the advice says (`cite key for example`).
    Example,
}

impl CitationRole {
    /// The name used in JSON output: `source` or `example`.
    pub fn name(self) -> &'static str {
        match self {
            CitationRole::Source => "source",
            CitationRole::Example => "example",
        }
    }
}
