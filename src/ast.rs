//! Stage 1 output: the syntax tree of one rule file, exactly as written.
//!
//! The parser (`syntax`) produces these types; the checker (`check`) consumes them. Nothing
//! here is resolved or type-checked yet: names are plain strings and every node keeps the
//! byte range of the source it came from, so later stages can point at it.

use std::fmt;

use crate::value::{Date, Duration};

/// A byte range in one rule file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The range `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The span as a range, for slicing the source.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A syntax node with the span it was parsed from. Equality ignores the span, so tests can
/// compare shapes without counting bytes.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The node itself.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `node` with its span.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

/// One parsed `.accord` file: its top-level items in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleFile {
    /// Items in the order written.
    pub items: Vec<Item>,
}

/// A top-level item. Each starts with its keyword at the beginning of a line. The large
/// ones are boxed, so that a file of many items takes no more room for each than it needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `evidence scale research_finding "research finding" research_suggests "research suggests"`
    EvidenceScale(Vec<EvidenceLevel>),
    /// `priority scale act_now "act now" plan_for "plan for" consider "consider"`
    PriorityScale(Vec<PriorityLevel>),
    /// `define months_since_merger as months between change.date and as_of`
    Definition(Box<Definition>),
    /// `lessons S4 "Mergers can stall service development" S8 "Levels of integration"`
    Lessons(Vec<Lesson>),
    /// `source glasby_2012 authors "Glasby, J." year 2012 ...`
    Source(Box<Source>),
    /// `fact change.kind is one of none, merger ask "..."`
    Fact(Box<FactDecl>),
    /// `rule id when ... warn "title" "text" cite ...`
    Rule(Box<Rule>),
    /// `words local_healthwatch before 2013-04-01 "the LINk" otherwise "local Healthwatch"`
    Words(Box<Words>),
    /// `policy every rule names its evidence every rule cites a source at a locator`
    Policy(Vec<Spanned<Requirement>>),
}

/// One line of a `policy`: what the team that keeps the rule base requires of every rule.
/// `accord check` warns about each rule that does not meet it (W0312).
#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    /// `every rule names a lesson`
    Lesson,
    /// `every rule names its evidence`
    Evidence,
    /// `every rule names its priority`
    Priority,
    /// `every rule cites a source` or `every rule cites glasby_2012`, optionally `at a
    /// locator`: a citation of that source (any source when `None`) as a source of the
    /// advice, not only as an example.
    Cites {
        /// The source every rule must cite; any source when `None`.
        source: Option<Spanned<String>>,
        /// Whether the citation must give a locator (`at "..."`).
        at_locator: bool,
    },
}

/// Words chosen by the date of the assessment, shown in texts as `{name}`.
///
/// ```text
/// words nhs_commissioners
///   before 2013-04-01 "the primary care trust"
///   before 2022-07-01 "the clinical commissioning group"
///   otherwise "the integrated care board"
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Words {
    /// The name texts show them by.
    pub name: Spanned<String>,
    /// The lines in the order written; the checker wants dates ascending, then one
    /// `otherwise`.
    pub entries: Vec<WordsEntry>,
    /// `allow W0311 "reason"`: warnings silenced for these words.
    pub allows: Vec<Allow>,
}

/// One line of a [`Words`] item.
#[derive(Clone, Debug, PartialEq)]
pub enum WordsEntry {
    /// `before 2013-04-01 "the Local Involvement Network (LINk)"`: the words for an
    /// assessment made before the date.
    Before(Spanned<Date>, Spanned<String>),
    /// `otherwise "local Healthwatch"`: the words on and after the last date. The first
    /// part is where `otherwise` is written.
    Otherwise(Spanned<()>, Spanned<String>),
}

/// A step on the evidence scale, declared in `evidence scale`, strongest first.
///
/// `research_suggests "research suggests"`
#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceLevel {
    /// The name rules use: `research_suggests`.
    pub key: Spanned<String>,
    /// The words shown to readers: `research suggests`.
    pub label: Spanned<String>,
}

/// A step on the priority scale, declared in `priority scale`, most urgent first.
///
/// `act_now "act now"`
#[derive(Clone, Debug, PartialEq)]
pub struct PriorityLevel {
    /// The name rules use: `act_now`.
    pub key: Spanned<String>,
    /// The words shown to readers: `act now`.
    pub label: Spanned<String>,
}

/// A lesson that rules encode, declared in `lessons` so that every rule's `lesson` tag
/// can be checked and every lesson can be traced to its rules.
///
/// `S4 "Mergers can stall positive service development for at least 18 months"`
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The id rules use: `S4`.
    pub id: Spanned<String>,
    /// What the lesson says, in a line.
    pub summary: Spanned<String>,
}

/// A derived fact: a name for a value or condition computed from other facts.
///
/// `define in_stall_window as change.kind is merger and as_of is before change.date + 18 months`
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The name conditions and texts use.
    pub name: Spanned<String>,
    /// What it stands for.
    pub expr: Spanned<Expr>,
    /// `label` and `says`: how the text report says it in words.
    pub wording: Wording,
    /// `allow W0313 "reason"`: warnings silenced for this derived fact.
    pub allows: Vec<Allow>,
}

/// How a fact or derived fact is said in words, in the reasons the text report gives
/// for its advice.
///
/// ```text
/// fact change.kind is one of none, merger
///   label "the kind of change"
///   says merger "the change is a merger"
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wording {
    /// `label "the kind of change"`: a noun phrase naming it.
    pub label: Option<Spanned<Text>>,
    /// `says merger "the change is a merger"`, `says true "..."`: what a value says, for
    /// a true-or-false or `one of` fact, in the order written.
    pub says: Vec<Says>,
}

/// `says merger "the change is a merger"`: the words for one value.
#[derive(Clone, Debug, PartialEq)]
pub struct Says {
    /// The value: `true`, `false`, or a value of a `one of` fact.
    pub value: Spanned<String>,
    /// What the report says when the fact has that value.
    pub words: Spanned<Text>,
}

/// A bibliography entry.
///
/// ```text
/// source leutz_1999
///   authors "Leutz, W."
///   year 1999
///   title "Five laws for integrating medical and social services"
///   journal "Milbank Memorial Fund Quarterly"
///   volume "77"
///   pages "77-110"
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// The key citations use: `leutz_1999`.
    pub key: Spanned<String>,
    /// The fields in the order written; the checker demands `authors`, `year` and `title`.
    pub fields: Vec<SourceField>,
    /// `allow W0303 "reason"`: warnings silenced for this source.
    pub allows: Vec<Allow>,
}

/// `allow W0304 "kept for the interview"`: a warning silenced deliberately, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Allow {
    /// The warning's code.
    pub code: Spanned<String>,
    /// Why it is deliberate.
    pub reason: Spanned<String>,
}

/// One `name "value"` line of a source.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceField {
    /// Which field.
    pub name: Spanned<SourceFieldName>,
    /// Its value (for `year`, the digits as written).
    pub value: Spanned<String>,
}

/// The fields a source may have. Which are given decides how the reference is rendered:
/// a `journal` makes it an article, an `in` makes it a chapter, otherwise it is a book or
/// report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceFieldName {
    /// `authors "Peck, E. and Freeman, T."` as in the paper's reference list.
    Authors,
    /// `year 2005`
    Year,
    /// `title "Reconfiguring PCTs: influences and options"`
    Title,
    /// `note "briefing paper prepared for the NHS Alliance"`: shown in brackets after the title.
    Note,
    /// `in "E. Peck (ed.)"`: the editors of the book a chapter appears in.
    In,
    /// `book "Organisational development in healthcare"`: the book a chapter appears in.
    Book,
    /// `journal "Journal of Integrated Care"`
    Journal,
    /// `volume "13"`
    Volume,
    /// `issue "5"`
    Issue,
    /// `pages "27-30"`
    Pages,
    /// `published "Birmingham, Health Services Management Centre"`: place and publisher.
    Published,
    /// `text "texts/paper.txt"`: the full text, relative to the rule file, for quote checks.
    Text,
}

impl SourceFieldName {
    /// Every field with the keyword that introduces it.
    pub const ALL: [(&'static str, SourceFieldName); 12] = [
        ("authors", SourceFieldName::Authors),
        ("year", SourceFieldName::Year),
        ("title", SourceFieldName::Title),
        ("note", SourceFieldName::Note),
        ("in", SourceFieldName::In),
        ("book", SourceFieldName::Book),
        ("journal", SourceFieldName::Journal),
        ("volume", SourceFieldName::Volume),
        ("issue", SourceFieldName::Issue),
        ("pages", SourceFieldName::Pages),
        ("published", SourceFieldName::Published),
        ("text", SourceFieldName::Text),
    ];

    /// The keyword as written in a rule file.
    pub fn keyword(self) -> &'static str {
        SourceFieldName::ALL
            .iter()
            .find(|(_, name)| *name == self)
            .map(|(keyword, _)| *keyword)
            .expect("ALL lists every field")
    }
}

/// A declaration of one fact of the case vocabulary.
///
/// `fact groups[].needs is one of mild, moderate, new, complex, unpredictable`
/// `  ask "How would you describe the needs of {groups[].name}?"`
#[derive(Clone, Debug, PartialEq)]
pub struct FactDecl {
    /// The path in the case file: `change.kind`, `groups[].needs`.
    pub path: Spanned<FactPath>,
    /// The declared type.
    pub ty: Spanned<FactType>,
    /// The question to ask when the fact is unknown.
    pub question: Option<Spanned<Text>>,
    /// `after outcomes.for_local_people`: the question waits until that fact is known.
    pub after: Option<Spanned<FactPath>>,
    /// `only when change.date is unknown or as_of is before change.date`: the question is
    /// asked only when this condition holds for the case.
    pub asked_when: Option<Spanned<Expr>>,
    /// `label` and `says`: how the text report says it in words.
    pub wording: Wording,
    /// `allow W0304 "reason"`: warnings silenced for this fact.
    pub allows: Vec<Allow>,
}

/// A dotted path into the case file; `[]` after a segment means "each item of this list".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FactPath {
    /// The segments in order.
    pub segments: Vec<PathSegment>,
}

/// One segment of a [`FactPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathSegment {
    /// The field name.
    pub name: String,
    /// Whether the segment was written `name[]`.
    pub each: bool,
}

impl fmt::Display for FactPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(&segment.name)?;
            if segment.each {
                f.write_str("[]")?;
            }
        }
        Ok(())
    }
}

/// The type of a fact, as written after `is`.
#[derive(Clone, Debug, PartialEq)]
pub enum FactType {
    /// `is true or false`
    Bool,
    /// `is text`
    Text,
    /// `is a number`
    Number,
    /// `is a date` (`YYYY-MM-DD` in the case file)
    Date,
    /// `is a list of text`
    ListOfText,
    /// `is a list of records`: a list of objects whose fields are declared as `path[].field`.
    ListOfRecords,
    /// `is one of linkage, coordination, full`
    OneOf(Vec<Spanned<String>>),
}

/// A rule: one paragraph from `rule` to the next top-level keyword.
///
/// ```text
/// rule merger_stalls_development
///   lesson S4
///   evidence research_suggests
///   when change.kind is merger and as_of is before change.date + 18 months
///   warn "Expect service development to stall until {change.date + 18 months as month}"
///     "Research suggests ..."
///   cite glasby_2012 at "The limits of reorganisation and structural change"
///     quote "Mergers can stall positive service development for at least 18 months."
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule's id.
    pub id: Spanned<String>,
    /// `lesson S4, S8`: the lessons the rule encodes.
    pub lessons: Vec<Spanned<String>>,
    /// `evidence research_suggests`: how strong the evidence behind the advice is.
    pub evidence: Option<Spanned<String>>,
    /// `priority act_now`: how urgent the advice is, a step of the priority scale.
    pub priority: Option<Spanned<String>>,
    /// `for each group in groups`: the rule is evaluated once per item.
    pub for_each: Option<ForEach>,
    /// `when CONDITION`
    pub condition: Spanned<Expr>,
    /// `recommend|warn|note "title" "text"`
    pub advice: Advice,
    /// `cite key at "locator" quote "..."`, one or more.
    pub citations: Vec<Citation>,
    /// `overrides other_rule, another`: when this rule and one of those fire (for the same
    /// item), only this rule's advice is given.
    pub overrides: Vec<Spanned<String>>,
    /// `contradicts other_rule`: the two pieces of advice must never be given together;
    /// `accord check` looks for a case where they would be.
    pub contradicts: Vec<Spanned<String>>,
    /// `allow W0301 "reason"`: warnings silenced for this rule.
    pub allows: Vec<Allow>,
    /// `event "..." on DATE` and `period "..." from DATE to [at least] DATE`: the dates the
    /// advice rests on, which reports draw as a timeline.
    pub timeline: Vec<Mark>,
}

/// A dated entry of a rule's timeline: `event "The merger took effect" on change.date`, or
/// `period "Service development may stall" from change.date to at least change.date + 18
/// months`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// What it is, in words for a reader of the report.
    pub label: Spanned<String>,
    /// When: a day, or a period.
    pub when: MarkWhen,
}

/// When a [`Mark`] happens: date expressions, checked to be dates.
#[derive(Clone, Debug, PartialEq)]
pub enum MarkWhen {
    /// `on DATE`
    On(Spanned<Expr>),
    /// `from DATE to [at least] DATE`
    Period {
        /// The first day.
        from: Spanned<Expr>,
        /// The last day, or with `at least` the earliest the period may end.
        to: Spanned<Expr>,
        /// `to at least`: the period may go on after `to`.
        at_least: bool,
    },
}

/// `for each group in groups`
#[derive(Clone, Debug, PartialEq)]
pub struct ForEach {
    /// The name the item goes by in the rule: `group`.
    pub var: Spanned<String>,
    /// The list: `groups`.
    pub list: Spanned<FactPath>,
}

/// The advice a rule gives when it fires.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// `recommend`, `warn` or `note`.
    pub kind: Spanned<AdviceKind>,
    /// The first string: a one-line title.
    pub title: Spanned<Text>,
    /// The second string: the advice itself.
    pub text: Spanned<Text>,
}

/// What kind of advice a rule gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AdviceKind {
    /// `recommend`: do this.
    Recommendation,
    /// `warn`: a risk to act on.
    Warning,
    /// `note`: context worth knowing.
    Note,
}

impl AdviceKind {
    /// The name used in JSON output: `recommendation`, `warning`, `note`.
    pub fn name(self) -> &'static str {
        match self {
            AdviceKind::Recommendation => "recommendation",
            AdviceKind::Warning => "warning",
            AdviceKind::Note => "note",
        }
    }

    /// The label reports show a reader: `Recommendation`, `Warning`, `Note`.
    pub fn label(self) -> &'static str {
        match self {
            AdviceKind::Recommendation => "Recommendation",
            AdviceKind::Warning => "Warning",
            AdviceKind::Note => "Note",
        }
    }
}

/// `cite glasby_2012 at "Figure 2" quote "..."`,
/// `cite parker_2000 at "pp.228-229" quoted in glasby_2012 at "Values and culture" quote "..."`,
/// `cite field_peck_2003 for example`
#[derive(Clone, Debug, PartialEq)]
pub struct Citation {
    /// The source key.
    pub source: Spanned<String>,
    /// `for example`: the work is offered as an example, not as the source of a claim.
    pub example: Option<Spanned<()>>,
    /// `at "..."`: section, page or figure.
    pub locator: Option<Spanned<String>>,
    /// `quoted in glasby_2012 at "..."`: the work in which the quote was found.
    pub quoted_in: Option<QuotedIn>,
    /// `quote "..."`: verbatim words of the source.
    pub quote: Option<Spanned<String>>,
}

/// `quoted in glasby_2012 at "Values and culture"` (after a citation's own locator): the
/// quote is checked against this work's text.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotedIn {
    /// The quoting work's key.
    pub source: Spanned<String>,
    /// `at "..."`: where in the quoting work.
    pub locator: Option<Spanned<String>>,
}

/// A string with `{expression}` interpolations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    /// Literal runs and interpolations in order.
    pub parts: Vec<TextPart>,
}

/// A piece of a [`Text`].
#[derive(Clone, Debug, PartialEq)]
pub enum TextPart {
    /// Words as written (white space already folded).
    Literal(String),
    /// `{change.date + 18 months}` or `{change.date + 18 months as month}`.
    Interpolation {
        /// The expression to show.
        expr: Spanned<Expr>,
        /// `as month`: how to show a date.
        style: DateStyle,
    },
}

/// How an interpolated date is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateStyle {
    /// `1 October 2014`
    #[default]
    Day,
    /// `October 2014` (written `{... as month}`)
    Month,
}

/// A condition or value.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `18`, `"save money"`, `true`, `2013-04-01`, `18 months`
    Literal(Literal),
    /// `change.kind`, `group.needs`, `merger` (an enumeration value), `group` (a bound item)
    Name(FactPath),
    /// `as_of`: the date the assessment is made.
    AsOf,
    /// `[complex, unpredictable]`: only after `in`.
    List(Vec<Spanned<Expr>>),
    /// `[pooled budget]`: words in a row where one item of a list was expected. Never
    /// valid: the parser keeps it so that the checker, which knows the values the author
    /// may have meant, can name them.
    Phrase(Vec<String>),
    /// `change.date + 18 months`, `as_of - 3 years`, `count of partners - 1`
    Arith {
        /// `+` or `-`.
        op: ArithOp,
        /// Left operand.
        lhs: Box<Spanned<Expr>>,
        /// Right operand.
        rhs: Box<Spanned<Expr>>,
    },
    /// `months between change.date and as_of`
    MonthsBetween {
        /// The earlier date.
        from: Box<Spanned<Expr>>,
        /// The later date.
        to: Box<Spanned<Expr>>,
    },
    /// `change.kind is merger`, `x != 3`, `as_of is before d`, `n is at least 2`
    Compare {
        /// The comparison.
        op: CompareOp,
        /// Left operand.
        lhs: Box<Spanned<Expr>>,
        /// Right operand.
        rhs: Box<Spanned<Expr>>,
    },
    /// `group.needs in [complex, unpredictable]`, `"save money" in change.stated_reasons`,
    /// `change.stated_reasons contains "save money"`, `x not in [...]`
    In {
        /// The value looked for.
        needle: Box<Spanned<Expr>>,
        /// A list literal or a list-valued fact.
        haystack: Box<Spanned<Expr>>,
        /// `not in`.
        negated: bool,
    },
    /// `change.date is known`, `change.date is unknown`
    Known {
        /// The value tested.
        expr: Box<Spanned<Expr>>,
        /// `is unknown`.
        negated: bool,
    },
    /// `a and b`
    And(Box<Spanned<Expr>>, Box<Spanned<Expr>>),
    /// `a or b`
    Or(Box<Spanned<Expr>>, Box<Spanned<Expr>>),
    /// `not a`
    Not(Box<Spanned<Expr>>),
    /// `any group in groups where group.needs is complex`,
    /// `all partner in partners where partner.provider`
    Quantified {
        /// `any` or `all`.
        quantifier: Quantifier,
        /// The name each item goes by.
        var: Spanned<String>,
        /// The list.
        list: Spanned<FactPath>,
        /// The condition each item is tested against.
        body: Box<Spanned<Expr>>,
    },
    /// `highest g.needs for g in groups`, `lowest p.budget for p in partners`
    Extreme {
        /// `highest` or `lowest`.
        highest: bool,
        /// The value compared, for each item.
        value: Box<Spanned<Expr>>,
        /// The name each item goes by.
        var: Spanned<String>,
        /// The list.
        list: Spanned<FactPath>,
    },
    /// `count of partners`, `count partner in partners where partner.provider`
    Count {
        /// The name each item goes by, when there is a `where`.
        var: Option<Spanned<String>>,
        /// The list.
        list: Spanned<FactPath>,
        /// Only items meeting this condition are counted.
        filter: Option<Box<Spanned<Expr>>>,
    },
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `18`, `2.5`
    Number(f64),
    /// `"save money"`
    Text(String),
    /// `true`, `false`
    Bool(bool),
    /// `2013-04-01`
    Date(Date),
    /// `18 months`, `3 years`, `2 weeks`, `10 days`
    Duration(Duration),
}

/// `+` or `-`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
}

/// A comparison. Keyword forms map onto these: `is` is `==`, `is not` is `!=`,
/// `is before` / `is less than` is `<`, `is after` / `is more than` is `>`,
/// `is on or before` / `is at most` is `<=`, `is on or after` / `is at least` is `>=`;
/// `is not before` and the like are the opposite comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`, `is`
    Eq,
    /// `!=`, `is not`
    Ne,
    /// `<`, `is before`, `is less than`
    Lt,
    /// `<=`, `is on or before`, `is at most`
    Le,
    /// `>`, `is after`, `is more than`
    Gt,
    /// `>=`, `is on or after`, `is at least`
    Ge,
}

/// `any` or `all`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// True when some item meets the condition.
    Any,
    /// True when every item meets the condition (and so for an empty list).
    All,
}
