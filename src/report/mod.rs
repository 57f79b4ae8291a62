//! Stage 4: advice to output: the text report for a person, and the JSON document of the
//! contract (`accord.advice.v2`); and explanations, as text or JSON (`accord.explain.v1`).

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value as Json, json};

use crate::eval::{Explanation, Node, Truth};
use crate::prose::counted;
use crate::rulebase::CitationRole;
use crate::rulebase::Reference;
use crate::shown::{Escape, escaped};
use crate::value::Date;

/// Names the layout of the JSON advice; changes only when the layout does.
pub const ADVICE_FORMAT: &str = "accord.advice.v2";

mod advice_writer;
mod document;
mod html;
mod markdown;
mod timeline;
mod types;

pub use advice_writer::AdviceWriter;
pub use document::{About, IndexRow};
pub use html::{advice_section, index_html, to_html};
pub use markdown::{index_markdown, to_markdown, to_markdown_part};
pub use timeline::ascii_bar;
pub use types::{Advice, Answer, CitedSource, Question, QuotingWork, Report, TimelineEntry, When};

/// Text is wrapped to this many columns.
const WIDTH: usize = 88;

/// The most pieces of advice the text report's summary lists.
const SUMMARY_LENGTH: usize = 5;

/// The most questions the text report shows; JSON lists them all.
const QUESTIONS_SHOWN: usize = 5;

/// The JSON document for one case, as a tree (for tests and for embedding in other
/// documents). To write it, serialize the report itself: that is faster, and gives the
/// same text.
pub fn to_json(report: &Report) -> Json {
    serde_json::to_value(report).expect("a report serializes: its keys are strings")
}

// The layout of `accord.advice.v2` (docs/contract.md), written straight from the report
// with no intermediate tree. Batches write it with [`AdviceWriter`], which gives the same
// text faster.

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("format", ADVICE_FORMAT)?;
        map.serialize_entry("case", &self.case)?;
        map.serialize_entry("as_of", &self.as_of.to_string())?;
        map.serialize_entry("advice", &self.advice)?;
        map.serialize_entry("questions", &self.questions)?;
        map.end()
    }
}

impl Serialize for Advice<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(11))?;
        map.serialize_entry("rule", self.rule)?;
        map.serialize_entry("item", &self.item)?;
        map.serialize_entry("kind", self.kind.name())?;
        map.serialize_entry("priority", &self.priority)?;
        map.serialize_entry("rank", &self.rank)?;
        map.serialize_entry("lessons", self.lessons)?;
        map.serialize_entry("evidence", &self.evidence)?;
        map.serialize_entry("title", &self.title)?;
        map.serialize_entry("text", &self.text)?;
        map.serialize_entry("because", &self.because)?;
        map.serialize_entry("citations", &self.citations)?;
        map.end()
    }
}

impl Serialize for CitedSource<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(8))?;
        map.serialize_entry("key", &self.reference.key)?;
        map.serialize_entry("authors", &self.reference.authors)?;
        map.serialize_entry("year", &self.reference.year)?;
        map.serialize_entry("reference", &self.reference.reference)?;
        map.serialize_entry("locator", &self.locator)?;
        map.serialize_entry("quoted_in", &self.quoted_in)?;
        map.serialize_entry("quote", &self.quote)?;
        map.serialize_entry("role", self.role.name())?;
        map.end()
    }
}

impl Serialize for QuotingWork<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("key", &self.reference.key)?;
        map.serialize_entry("authors", &self.reference.authors)?;
        map.serialize_entry("year", &self.reference.year)?;
        map.serialize_entry("reference", &self.reference.reference)?;
        map.serialize_entry("locator", &self.locator)?;
        map.end()
    }
}

impl Serialize for Question<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("fact", &self.fact)?;
        map.serialize_entry("rank", &self.rank)?;
        map.serialize_entry("text", &self.text)?;
        map.serialize_entry("affects", &self.affects)?;
        map.serialize_entry("answer", self.answer.name())?;
        let choices = match self.answer {
            Answer::OneOf(choices) => Some(choices),
            _ => None,
        };
        map.serialize_entry("choices", &choices)?;
        map.end()
    }
}

/// The bibliography as JSON: `[{key, authors, year, reference}]`.
pub fn sources_json<'a>(sources: impl Iterator<Item = &'a Reference>) -> Json {
    Json::Array(
        sources
            .map(|r| json!({"key": r.key, "authors": r.authors, "year": r.year, "reference": r.reference}))
            .collect(),
    )
}

/// How the text report is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Also show what traces the report to the rule base, for those who maintain it: the
    /// rules' ids, the lessons, the reasons as written in the rules rather than in words,
    /// the facts asked about by path, and the rules each answer could change.
    pub verbose: bool,
}

/// The text report for one case, for a reader of the advice (see [`to_text_with`]).
///
/// What the case writes (its name, the values its texts show, the reasons) is shown with
/// its control characters escaped (see [`crate::shown`]): written to a terminal, an escape
/// sequence in a name would move the cursor or recolour the screen, and a line break
/// would forge a line of the report.
pub fn to_text(report: &Report) -> String {
    to_text_with(report, TextOptions::default())
}

/// The text report for one case: a summary of the first things to do, the timeline as a
/// one-line bar when the report has one ([`ascii_bar`]), the advice in rank order, the
/// first questions, then the references cited. The reasons are in words where
/// the report has them ([`RuleBase::advise_in_words`](crate::RuleBase::advise_in_words)),
/// unless `options` ask for them as written in the rules.
pub fn to_text_with(report: &Report, options: TextOptions) -> String {
    let mut out = String::new();
    let name = shown(report.case.as_deref().unwrap_or("Unnamed case"));
    let _ = write!(out, "{name}\n{}\n", "=".repeat(name.chars().count().min(WIDTH)));
    let _ = writeln!(
        out,
        "Advice as of {}: {}, {}.",
        report.as_of.long(),
        counted(report.advice.len(), "piece of advice", "pieces of advice"),
        counted(report.questions.len(), "open question", "open questions"),
    );
    write_summary(&mut out, &report.advice, options);
    if let Some(bar) = ascii_bar(report) {
        out.push('\n');
        out.push_str(&bar);
    }
    let mut references: Vec<&Reference> = Vec::new();
    for advice in &report.advice {
        out.push('\n');
        write_advice(&mut out, advice.rank, advice, options, &mut references);
    }
    if !report.questions.is_empty() {
        out.push_str("\nQuestions that could change this advice\n");
        for question in report.questions.iter().take(QUESTIONS_SHOWN) {
            write_question(&mut out, question.rank, question, options);
        }
        let more = report.questions.len().saturating_sub(QUESTIONS_SHOWN);
        if more > 0 {
            let questions = counted(more, "more question", "more questions");
            let _ = writeln!(out, "{questions} could change this advice; --format json lists them all.");
        }
    }
    if !references.is_empty() {
        out.push_str("\nReferences\n");
        for (n, reference) in references.iter().enumerate() {
            let label = format!("[{}] ", n + 1);
            out.push_str(&wrap(&reference.reference, &label, &" ".repeat(label.len())));
        }
    }
    out
}

/// "First things to do": the first recommendations and warnings in rank order, a line
/// each (notes are left out), with their rules' ids when verbose; nothing when there are
/// none.
fn write_summary(out: &mut String, advice: &[Advice], options: TextOptions) {
    let mut first =
        advice.iter().filter(|a| a.kind != crate::ast::AdviceKind::Note).take(SUMMARY_LENGTH).peekable();
    if first.peek().is_none() {
        return;
    }
    out.push_str("\nFirst things to do\n");
    for (n, advice) in first.enumerate() {
        let label = format!("{}. ", n + 1);
        let title = advice.shown_title();
        let line = if options.verbose {
            format!("{} ({})", shown(title), advice.rule)
        } else {
            shown(title).to_string()
        };
        out.push_str(&wrap(&line, &label, &" ".repeat(label.len())));
    }
}

fn write_advice<'a>(
    out: &mut String,
    n: usize,
    advice: &'a Advice,
    options: TextOptions,
    references: &mut Vec<&'a Reference>,
) {
    let kind = advice.kind.label();
    let (title, text) = (advice.shown_title(), advice.shown_text());
    let heading = format!("{n}. {kind}: {}", shown(title));
    out.push_str(&wrap(&heading, "", "   "));
    // What a reader weighs first (how soon, on what evidence), then, when verbose, what
    // traces the advice to the rule base (the lessons, keyed to docs/LESSONS.md, and the
    // rule), which a reader of the advice does not have.
    let mut about: Vec<String> = Vec::new();
    about.extend(advice.priority.iter().map(std::string::ToString::to_string));
    about.extend(advice.evidence.iter().map(std::string::ToString::to_string));
    if options.verbose {
        if !advice.lessons.is_empty() {
            about.push(format!("lesson {}", advice.lessons.join(", ")));
        }
        match &advice.item {
            Some(item) => about.push(format!("rule {}, for {item}", advice.rule)),
            None => about.push(format!("rule {}", advice.rule)),
        }
    }
    if !about.is_empty() {
        out.push_str(&wrap(&format!("({})", about.join("; ")), "   ", "    "));
    }
    // The rule's paragraphs; the values the case fills in are escaped already.
    for paragraph in escaped(text, Escape::KeepLineBreaks).split("\n\n") {
        out.push_str(&wrap(paragraph, "   ", "   "));
        out.push('\n');
    }
    // The reasons as one paragraph, and the works cited whole (no locator, no quote) on
    // one line: a report is read, and often printed, so it is kept short.
    let because = match (&advice.because_in_words, options.verbose) {
        (Some(words), false) => words,
        _ => &advice.because,
    };
    if !because.is_empty() {
        out.push_str(&wrap(&format!("Because: {}.", shown(&because.join("; "))), "   ", "     "));
    }
    out.push_str("   Sources:\n");
    let (examples, sources): (Vec<&CitedSource>, Vec<&CitedSource>) =
        advice.citations.iter().partition(|cited| cited.role == CitationRole::Example);
    let (whole, sources): (Vec<&CitedSource>, Vec<&CitedSource>) = sources
        .into_iter()
        .partition(|cited| cited.locator.is_none() && cited.quote.is_none() && cited.quoted_in.is_none());
    for cited in sources {
        let number = reference_number(references, cited.reference);
        let mut line = format!("{} ({})", cited.reference.authors, cited.reference.year);
        if let Some(locator) = &cited.locator {
            let _ = write!(line, ", {locator}");
        }
        if let Some(quoting) = &cited.quoted_in {
            reference_number(references, quoting.reference);
            let _ = write!(line, ", quoted in {} ({})", quoting.reference.authors, quoting.reference.year);
            if let Some(locator) = &quoting.locator {
                let _ = write!(line, ", {locator}");
            }
        }
        if let Some(quote) = &cited.quote {
            let _ = write!(line, ": \u{201c}{quote}\u{201d}");
        }
        let label = format!("   [{number}] ");
        out.push_str(&wrap(&line, &label, &" ".repeat(label.len())));
    }
    if !whole.is_empty() {
        let works = works_cited(&whole, references);
        out.push_str(&wrap(&works, "   ", "     "));
    }
    if !examples.is_empty() {
        let examples = works_cited(&examples, references);
        out.push_str(&wrap(&format!("See, for example: {examples}"), "   ", "     "));
    }
}

/// Works cited as a whole, numbered as in the report's references: `[2] Field, J. and
/// Peck, E. (2003); [3] ...`.
fn works_cited<'a>(cited: &[&'a CitedSource], references: &mut Vec<&'a Reference>) -> String {
    let works: Vec<String> = cited
        .iter()
        .map(|cited| {
            let number = reference_number(references, cited.reference);
            format!("[{number}] {} ({})", cited.reference.authors, cited.reference.year)
        })
        .collect();
    works.join("; ")
}

/// The number of `reference` in the report's list of references, adding it if it is new.
fn reference_number<'a>(references: &mut Vec<&'a Reference>, reference: &'a Reference) -> usize {
    match references.iter().position(|r| r.key == reference.key) {
        Some(i) => i + 1,
        None => {
            references.push(reference);
            references.len()
        }
    }
}

/// A question; when verbose, with the fact's path, its answers as the case file writes
/// them, and the rules the answer could change (ids a reader of the advice does not need:
/// the heading says that every answer could change the advice).
fn write_question(out: &mut String, n: usize, question: &Question, options: TextOptions) {
    let label = format!("{n}. ");
    let indent = " ".repeat(label.len());
    let text = if options.verbose {
        format!("{} ({})", shown(&question.text), question.fact)
    } else {
        shown(&question.text).to_string()
    };
    out.push_str(&wrap(&text, &label, &indent));
    if let Answer::OneOf(choices) = &question.answer {
        let answers = if options.verbose { choices.join(", ") } else { in_words(choices) };
        out.push_str(&wrap(&format!("Answers: {answers}"), &indent, &indent));
    }
    if options.verbose {
        out.push_str(&wrap(&format!("Could change: {}", question.affects.join(", ")), &indent, &indent));
    }
}

/// `one of` values as a reader says them: `none, merger, new organisation or restructure`.
fn in_words(choices: &[String]) -> String {
    let words: Vec<String> = choices.iter().map(|choice| choice.replace('_', " ")).collect();
    match words.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} or {last}", init.join(", ")),
        _ => words.join(""),
    }
}

/// A text the case writes, as a text report shows it: see [`crate::shown`].
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    escaped(text, Escape::Controls)
}

/// Wraps `text` to [`WIDTH`] columns: `first` before the first line, `rest` before the others.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / WIDTH * (rest.len() + 1) + first.len() + 1);
    out.push_str(first);
    // The width of the line so far, in characters, kept as words are added: counting the
    // line again for each word made the text report slower to write than the HTML page.
    let mut width = first.chars().count();
    let mut line_has_words = false;
    for word in text.split_whitespace() {
        let word_width = word.chars().count();
        if line_has_words && width + 1 + word_width > WIDTH {
            out.push('\n');
            out.push_str(rest);
            width = rest.chars().count();
            line_has_words = false;
        }
        if line_has_words {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word_width;
        line_has_words = true;
    }
    out.push('\n');
    out
}

/// Names the layout of the JSON explanation; changes only when the layout does.
pub const EXPLAIN_FORMAT: &str = "accord.explain.v1";

/// The JSON document explaining a case's rules.
pub fn explanation_json(case: Option<&str>, as_of: Date, explanations: &[Explanation]) -> Json {
    json!({
        "format": EXPLAIN_FORMAT,
        "case": case,
        "as_of": as_of.to_string(),
        "rules": explanations.iter().map(|e| {
            let mut rule = json!({
                "rule": e.rule,
                "item": e.item,
                "outcome": e.outcome.name(),
                "overridden_by": e.overridden_by,
                "conditions": node_json(&e.condition),
                "reasons": e.reasons,
                "unknown_facts": e.unknown_facts,
                "would_fire_if": e.would_fire_if.as_ref().map(|changes| changes
                    .iter()
                    .map(|(fact, value)| json!({"fact": fact, "value": value}))
                    .collect::<Vec<_>>()),
            });
            // Only where the search stopped at its limit (a condition reading thousands of
            // facts): `would_fire_if` is then null though some change may make it fire.
            if e.search_stopped {
                rule["would_fire_if_search"] = json!("stopped");
            }
            rule
        }).collect::<Vec<_>>(),
    })
}

fn truth_name(truth: Truth) -> &'static str {
    match truth {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown => "unknown",
    }
}

fn node_json(node: &Node) -> Json {
    let value = truth_name(node.value());
    match node {
        Node::Test { text, facts, .. } => {
            let facts: serde_json::Map<String, Json> =
                facts.iter().map(|(fact, v)| (fact.clone(), Json::String(v.clone()))).collect();
            json!({"test": text, "value": value, "facts": facts})
        }
        Node::All { parts, .. } => {
            json!({"all": parts.iter().map(node_json).collect::<Vec<_>>(), "value": value})
        }
        Node::Any { parts, .. } => {
            json!({"any": parts.iter().map(node_json).collect::<Vec<_>>(), "value": value})
        }
        Node::Not { part, .. } => json!({"not": node_json(part), "value": value}),
        Node::Each { text, items, .. } => json!({
            "each": text,
            "value": value,
            "items": items.iter().map(|(item, node)| json!({"item": item, "condition": node_json(node)})).collect::<Vec<_>>(),
        }),
    }
}

/// The text explaining a case's rules, one paragraph per rule (and item).
///
/// What the case writes is shown with its control characters escaped, as in [`to_text`].
pub fn explanation_text(case: Option<&str>, as_of: Date, explanations: &[Explanation]) -> String {
    let name = shown(case.unwrap_or("Unnamed case"));
    let mut out = format!("{name}: why each rule did or did not fire, as of {}\n", as_of.long());
    for explanation in explanations {
        out.push('\n');
        let item = explanation.item.as_deref().map(|i| format!(" for {i}")).unwrap_or_default();
        let outcome = explanation.outcome.name().replace('_', " ");
        let _ = write!(out, "{}{item}: {outcome}", explanation.rule);
        if let Some(by) = &explanation.overridden_by {
            let _ = write!(out, " by {by}");
        }
        out.push('\n');
        write_node(&mut out, &explanation.condition, 1);
        if !explanation.reasons.is_empty() {
            let heading = match explanation.outcome {
                crate::eval::OutcomeKind::NotFired => "false because",
                _ => "true because",
            };
            let _ = writeln!(out, "  {heading}:");
            for reason in &explanation.reasons {
                out.push_str(&wrap(&shown(reason), "  - ", "    "));
            }
        }
        if !explanation.unknown_facts.is_empty() {
            out.push_str(&wrap(&explanation.unknown_facts.join(", "), "  unknown: ", "      "));
        }
        if let Some(changes) = &explanation.would_fire_if {
            let changes: Vec<String> =
                changes.iter().map(|(fact, value)| format!("{fact} were {}", shown(value))).collect();
            out.push_str(&wrap(&changes.join(" and "), "  would fire if ", "      "));
        }
        if explanation.search_stopped {
            out.push_str(
                "  would fire if: not known: the condition reads too many facts to try every change of one or two\n",
            );
        }
    }
    out
}

fn write_node(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    let value = truth_name(node.value());
    match node {
        Node::Test { text, facts, .. } => {
            let mut line = text.clone();
            if !facts.is_empty() {
                let facts: Vec<String> =
                    facts.iter().map(|(fact, v)| format!("{fact} = {}", shown(v))).collect();
                let _ = write!(line, " [{}]", facts.join(", "));
            }
            out.push_str(&wrap(&line, &format!("{indent}{value:<8}"), &format!("{indent}          ")));
        }
        Node::All { parts, .. } | Node::Any { parts, .. } => {
            let words = if matches!(node, Node::All { .. }) { "all of" } else { "any of" };
            let _ = writeln!(out, "{indent}{value:<8}{words}:");
            for part in parts {
                write_node(out, part, depth + 1);
            }
        }
        Node::Not { part, .. } => {
            let _ = writeln!(out, "{indent}{value:<8}not:");
            write_node(out, part, depth + 1);
        }
        Node::Each { text, items, .. } => {
            out.push_str(&wrap(
                &format!("{text}:"),
                &format!("{indent}{value:<8}"),
                &format!("{indent}          "),
            ));
            for (item, condition) in items {
                let _ = writeln!(out, "{indent}  {}:", shown(item));
                write_node(out, condition, depth + 2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_with_hanging_indent() {
        let text = "word ".repeat(30);
        let wrapped = wrap(&text, "1. ", "   ");
        assert!(wrapped.lines().all(|l| l.chars().count() <= 88));
        assert!(wrapped.starts_with("1. word"));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("   word")));
    }
}
