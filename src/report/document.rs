//! What the report documents (Markdown and HTML) share: what their footer says of the rule
//! base, and the row of a case in the index of many reports. Must not write a format
//! itself: `markdown.rs` and `html.rs` do.

use crate::ast::AdviceKind;
use crate::value::Date;

use super::Report;

/// What a report document says about where its advice comes from, in its footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct About {
    /// The rule base in a few words, with what identifies its content:
    /// `53 rules, content 1f0c9a2e4b7d3a65`. Never a path of the machine that wrote the
    /// report, so that the same rules give the same report anywhere.
    pub rule_base: String,
    /// The version of accord that wrote the report.
    pub accord: &'static str,
}

impl About {
    /// The footer's facts for a rule base of `rules` rules whose files hash to `content`
    /// ([`crate::RuleFiles::content_hash`]).
    pub fn new(rules: usize, content: &str) -> About {
        About {
            rule_base: format!("{}, content {content}", crate::prose::counted(rules, "rule", "rules")),
            accord: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// A case in the index of many reports: its name, where its report is, and its counts of
/// advice, worked out from its report so that the report itself need not be kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    /// The case's name, as its report shows it.
    pub case: String,
    /// The report's file, relative to the index: `01-shire-integrated-care.html`.
    pub href: String,
    /// The date of the assessment.
    pub as_of: Date,
    /// How many pieces of advice are recommendations, warnings and notes.
    pub recommendations: usize,
    /// See [`IndexRow::recommendations`].
    pub warnings: usize,
    /// See [`IndexRow::recommendations`].
    pub notes: usize,
    /// How many pieces of advice have each priority label, in the order the labels first
    /// appear in the report (most urgent first); advice without a priority is not counted.
    pub by_priority: Vec<(String, usize)>,
    /// How many questions could change the advice.
    pub questions: usize,
}

impl IndexRow {
    /// The row of `report`, whose file is at `href`.
    pub fn of(report: &Report, href: String) -> IndexRow {
        let count = |kind: AdviceKind| report.advice.iter().filter(|a| a.kind == kind).count();
        let mut by_priority: Vec<(String, usize)> = Vec::new();
        for label in report.advice.iter().filter_map(|a| a.priority) {
            match by_priority.iter_mut().find(|(seen, _)| seen == label) {
                Some((_, n)) => *n += 1,
                None => by_priority.push((label.to_string(), 1)),
            }
        }
        IndexRow {
            case: report.case.clone().unwrap_or_else(|| "Unnamed case".to_string()),
            href,
            as_of: report.as_of,
            recommendations: count(AdviceKind::Recommendation),
            warnings: count(AdviceKind::Warning),
            notes: count(AdviceKind::Note),
            by_priority,
            questions: report.questions.len(),
        }
    }
}
