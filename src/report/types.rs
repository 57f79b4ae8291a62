//! The report types: what advising a case gives (advice, questions, citations), as the
//! output formats read them. Must not evaluate or format: `eval` fills them, the rest of
//! `report` writes them.

use crate::ast::AdviceKind;
use crate::rulebase::{CitationRole, Reference, RuleId, Type};
use crate::value::Date;

/// The advice for one case. It borrows the rule base's texts (rule ids, lessons,
/// references), so advising copies only what the case fills in.
#[derive(Clone, Debug, PartialEq)]
pub struct Report<'r> {
    /// The case's name (or id).
    pub case: Option<String>,
    /// The date the assessment is made.
    pub as_of: Date,
    /// The advice of the rules that fired, most urgent priority first; of equal
    /// priority, in rule order, items in list order.
    pub advice: Vec<Advice<'r>>,
    /// The unknown facts that could change the advice, those whose answer could change
    /// the most (by the rules' priorities) first.
    pub questions: Vec<Question<'r>>,
    /// The dated events and periods the rules that gave advice worked out for the case
    /// (their `event` and `period` clauses), each once, in order of date: what the
    /// reports draw as a timeline. Not part of the JSON advice.
    pub timeline: Vec<TimelineEntry<'r>>,
}

/// One entry of a report's timeline, as a rule's `event` or `period` clause gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimelineEntry<'r> {
    /// What it is, as the rule words it: `The merger took effect`.
    pub label: &'r str,
    /// When.
    pub when: When,
}

/// When a timeline entry happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// On a day: `event "..." on DATE`.
    On(Date),
    /// From one day to another: `period "..." from DATE to [at least] DATE`.
    Period {
        /// The first day.
        from: Date,
        /// The last day, or the earliest it may end when `at_least`.
        to: Date,
        /// The end is a lower bound (`to at least`): the period may go on after it, as the
        /// paper's "at least 18 months" does. Reports draw such an end fading out.
        at_least: bool,
    },
}

impl When {
    /// The first day it covers.
    pub fn start(&self) -> Date {
        match *self {
            When::On(date) | When::Period { from: date, .. } => date,
        }
    }
}

/// One piece of advice.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice<'r> {
    /// The rule's id.
    pub rule: &'r str,
    /// The rule's id in [`RuleBase::rules`](crate::RuleBase::rules).
    pub rule_index: RuleId,
    /// For `for each` rules: the item's path, `groups[0]`.
    pub item: Option<String>,
    /// Recommendation, warning or note.
    pub kind: AdviceKind,
    /// The lessons the rule encodes.
    pub lessons: &'r [String],
    /// The rule's evidence level, as its label.
    pub evidence: Option<&'r str>,
    /// The rule's priority, as its label.
    pub priority: Option<&'r str>,
    /// Its place in the report, from 1.
    pub rank: usize,
    /// The title, filled in.
    pub title: String,
    /// The text, filled in.
    pub text: String,
    /// The facts, with their values, that made the rule fire, as written in the rules.
    pub because: Vec<String>,
    /// The same reasons in words, for the text report: from
    /// [`RuleBase::advise_in_words`](crate::RuleBase::advise_in_words) (`None` from
    /// [`RuleBase::advise`](crate::RuleBase::advise)).
    pub because_in_words: Option<Vec<String>>,
    /// The sources cited.
    pub citations: Vec<CitedSource<'r>>,
    /// The title and the text as a text report shows them, when a value the case fills in
    /// holds a control character: that value escaped (see [`crate::shown`]), the rule's
    /// own line breaks kept.
    pub(crate) shown: Option<(String, String)>,
}

impl Advice<'_> {
    /// The title as the reports show it: with the values the case fills in escaped where
    /// they hold a control character ([`Advice::shown`]'s), else the title.
    pub(crate) fn shown_title(&self) -> &str {
        self.shown.as_ref().map_or(&self.title, |(title, _)| title)
    }

    /// The text as the reports show it, as [`Advice::shown_title`] the title.
    pub(crate) fn shown_text(&self) -> &str {
        self.shown.as_ref().map_or(&self.text, |(_, text)| text)
    }
}

/// A citation with its reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CitedSource<'r> {
    /// The source's entry.
    pub reference: &'r Reference,
    /// Section, page or figure.
    pub locator: Option<&'r str>,
    /// `quoted in`: the work the quote was found in.
    pub quoted_in: Option<QuotingWork<'r>>,
    /// Verbatim words.
    pub quote: Option<&'r str>,
    /// A source of the advice, or an example.
    pub role: CitationRole,
}

/// The work in which a cited work is quoted, with where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuotingWork<'r> {
    /// The quoting work's entry.
    pub reference: &'r Reference,
    /// Section, page or figure of the quoting work.
    pub locator: Option<&'r str>,
}

/// A question about an unknown fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Question<'r> {
    /// The fact's path in the case, `change.date` or `groups[1].needs`.
    pub fact: String,
    /// The question.
    pub text: String,
    /// The ids of the rules whose outcome the answer could change.
    pub affects: Vec<&'r str>,
    /// What kind of answer it takes.
    pub answer: Answer<'r>,
    /// Its place among the report's questions, from 1.
    pub rank: usize,
}

/// The kind of answer a question takes: the fact's type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer<'r> {
    /// `true` or `false`.
    YesNo,
    /// One of the named values.
    OneOf(&'r [String]),
    /// A `YYYY-MM-DD` date.
    Date,
    /// A number.
    Number,
    /// A text.
    Text,
    /// A list of texts.
    ListOfText,
    /// A list of records (answered by editing the case).
    ListOfRecords,
}

impl<'r> Answer<'r> {
    /// The kind's name in JSON output: `true_or_false`, `one_of`, `date`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Answer::YesNo => "true_or_false",
            Answer::OneOf(_) => "one_of",
            Answer::Date => "date",
            Answer::Number => "number",
            Answer::Text => "text",
            Answer::ListOfText => "list_of_text",
            Answer::ListOfRecords => "list_of_records",
        }
    }

    /// The kind of answer a fact of type `ty` takes.
    pub(crate) fn of(ty: &'r Type) -> Answer<'r> {
        match ty {
            Type::Bool => Answer::YesNo,
            Type::Enum(values) => Answer::OneOf(values),
            Type::Date => Answer::Date,
            Type::Number => Answer::Number,
            Type::Text => Answer::Text,
            Type::TextList => Answer::ListOfText,
            Type::Records(_) => Answer::ListOfRecords,
        }
    }
}
