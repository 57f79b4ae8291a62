//! The body of the HTML report: the first things to do, the advice, the questions and the
//! references, in the text report's order and with its numbering of references. Must not
//! choose or reorder what the report holds: it lays it out.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Html;
use crate::ast::AdviceKind;
use crate::report::{Advice, Answer, CitedSource, Report, SUMMARY_LENGTH, in_words, reference_number};
use crate::rulebase::{CitationRole, Reference};
use crate::shown::{Escape, escaped};

/// "First things to do": the recommendations and warnings the text report's summary
/// lists, each linking to its advice; nothing when there are none.
pub(super) fn write_summary(out: &mut String, report: &Report) {
    let mut first =
        report.advice.iter().filter(|a| a.kind != AdviceKind::Note).take(SUMMARY_LENGTH).peekable();
    if first.peek().is_none() {
        return;
    }
    out.push_str("<section aria-labelledby=\"first-things\" class=\"summary\">\n");
    out.push_str("<h2 id=\"first-things\">First things to do</h2>\n<ol>\n");
    for advice in first {
        let _ = writeln!(
            out,
            "<li><a href=\"#advice-{}\">{}</a> <span class=\"label {}\">{}</span></li>",
            advice.rank,
            Html(&title(advice)),
            kind_class(advice.kind),
            advice.kind.label()
        );
    }
    out.push_str("</ol>\n</section>\n");
}

/// Where a piece of advice's "Why?" link goes, from its rule's id; `None` for no link (the
/// report page has none: it is read away from the rules).
pub(super) type WhyLink<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The advice in rank order, each an `<article>`, with a "Why?" link where `why` gives
/// one; gives the references in the order the advice first cites them, which is the text
/// report's numbering.
/// The section's heading has the id `heading` (`advice` in the report page).
pub(super) fn write_advice<'r>(
    out: &mut String,
    report: &Report<'r>,
    heading: &str,
    why: WhyLink,
) -> Vec<&'r Reference> {
    let mut references: Vec<&Reference> = Vec::new();
    let _ = writeln!(out, "<section aria-labelledby=\"{heading}\">\n<h2 id=\"{heading}\">Advice</h2>");
    if report.advice.is_empty() {
        out.push_str("<p>No rule gives advice for this case.</p>\n");
    }
    for advice in &report.advice {
        write_article(out, advice, &mut references, why);
    }
    out.push_str("</section>\n");
    references
}

fn write_article<'r>(
    out: &mut String,
    advice: &Advice<'r>,
    references: &mut Vec<&'r Reference>,
    why: WhyLink,
) {
    let _ =
        writeln!(out, "<article id=\"advice-{}\" class=\"advice {}\">", advice.rank, kind_class(advice.kind));
    let _ = writeln!(out, "<h3><span class=\"rank\">{}.</span> {}</h3>", advice.rank, Html(&title(advice)));
    let _ = write!(
        out,
        "<p class=\"labels\"><span class=\"label {}\">{}</span>",
        kind_class(advice.kind),
        advice.kind.label()
    );
    if let Some(priority) = advice.priority {
        let _ = write!(out, " <span class=\"label priority\">{}</span>", Html(priority));
    }
    if let Some(evidence) = advice.evidence {
        let _ = write!(out, " <span class=\"label evidence\">{}</span>", Html(evidence));
    }
    out.push_str("</p>\n");
    for paragraph in text(advice).split("\n\n").filter(|p| !p.trim().is_empty()) {
        let class =
            if paragraph.trim_start().starts_with("accord suggests") { " class=\"suggestion\"" } else { "" };
        let _ = writeln!(out, "<p{class}>{}</p>", Html(paragraph.trim()));
    }
    write_because(out, advice);
    write_citations(out, advice, references);
    if let Some(href) = why(advice.rule) {
        let _ = writeln!(out, "<p class=\"why\"><a href=\"{}\">Why?</a></p>", Html(&href));
    }
    out.push_str("</article>\n");
}

/// The reasons, in words where the report has them, as a list.
fn write_because(out: &mut String, advice: &Advice) {
    let because = advice.because_in_words.as_ref().unwrap_or(&advice.because);
    if because.is_empty() {
        return;
    }
    out.push_str("<p class=\"list-title\">Because</p>\n<ul class=\"because\">\n");
    for reason in because {
        let _ = writeln!(out, "<li>{}</li>", Html(&escaped(reason, Escape::Controls)));
    }
    out.push_str("</ul>\n");
}

/// The works cited, grouped as the text report groups them (so that the references are
/// numbered alike): those cited at a place or for a quote, each with its quote; those
/// cited whole, on one line; then the examples.
fn write_citations<'r>(out: &mut String, advice: &Advice<'r>, references: &mut Vec<&'r Reference>) {
    let (examples, sources): (Vec<&CitedSource>, Vec<&CitedSource>) =
        advice.citations.iter().partition(|cited| cited.role == CitationRole::Example);
    let (whole, sources): (Vec<&CitedSource>, Vec<&CitedSource>) = sources
        .into_iter()
        .partition(|cited| cited.locator.is_none() && cited.quote.is_none() && cited.quoted_in.is_none());
    if sources.is_empty() && whole.is_empty() && examples.is_empty() {
        return;
    }
    out.push_str("<p class=\"list-title\">Sources</p>\n<ul class=\"sources\">\n");
    for cited in sources {
        write_cited(out, cited, references);
    }
    if !whole.is_empty() {
        out.push_str("<li>");
        write_works(out, &whole, references);
        out.push_str("</li>\n");
    }
    if !examples.is_empty() {
        out.push_str("<li>See, for example: ");
        write_works(out, &examples, references);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

/// A work cited at a place or for its words: its number, authors and year, the place,
/// the work that quotes it, and the quote.
fn write_cited<'r>(out: &mut String, cited: &CitedSource<'r>, references: &mut Vec<&'r Reference>) {
    out.push_str("<li>");
    write_work(out, cited.reference, references);
    if let Some(locator) = cited.locator {
        let _ = write!(out, ", {}", Html(locator));
    }
    if let Some(quoting) = &cited.quoted_in {
        out.push_str(", quoted in ");
        write_work(out, quoting.reference, references);
        if let Some(locator) = quoting.locator {
            let _ = write!(out, ", {}", Html(locator));
        }
    }
    if let Some(quote) = cited.quote {
        let _ = write!(out, "<blockquote><p>\u{201c}{}\u{201d}</p></blockquote>", Html(quote));
    }
    out.push_str("</li>\n");
}

/// Works cited whole: `[2] Field, J. and Peck, E. (2003); [3] ...`.
fn write_works<'r>(out: &mut String, cited: &[&CitedSource<'r>], references: &mut Vec<&'r Reference>) {
    for (i, cited) in cited.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        write_work(out, cited.reference, references);
    }
}

/// `[1] Glasby, J. (2012)`, its number a link to the reference list.
fn write_work<'r>(out: &mut String, reference: &'r Reference, references: &mut Vec<&'r Reference>) {
    let number = reference_number(references, reference);
    let _ = write!(
        out,
        "<a class=\"cite\" href=\"#ref-{number}\">[{number}]</a> {} ({})",
        Html(&reference.authors),
        reference.year
    );
}

/// Every question, the most relevant first, as a checklist to work through.
pub(super) fn write_questions(out: &mut String, report: &Report) {
    if report.questions.is_empty() {
        return;
    }
    out.push_str("<section aria-labelledby=\"questions\">\n");
    out.push_str(
        "<h2 id=\"questions\">Questions that could change this advice</h2>\n<ul class=\"checklist\">\n",
    );
    for question in &report.questions {
        let _ = write!(out, "<li>{}", Html(&escaped(&question.text, Escape::Controls)));
        if let Answer::OneOf(choices) = question.answer {
            let _ = write!(out, "<br><span class=\"answers\">Answers: {}</span>", Html(&in_words(choices)));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

/// The references, numbered in order of first citation, each with its anchor.
pub(super) fn write_references(out: &mut String, references: &[&Reference]) {
    if references.is_empty() {
        return;
    }
    out.push_str("<section aria-labelledby=\"references\">\n");
    out.push_str("<h2 id=\"references\">References</h2>\n<ol class=\"references\">\n");
    for (i, reference) in references.iter().enumerate() {
        let n = i + 1;
        let _ = writeln!(
            out,
            "<li id=\"ref-{n}\"><span class=\"ref-number\">[{n}]</span> {}</li>",
            Html(&reference.reference)
        );
    }
    out.push_str("</ol>\n</section>\n");
}

/// The title as the text report shows it (a control character the case wrote escaped).
fn title<'a>(advice: &'a Advice) -> Cow<'a, str> {
    escaped(advice.shown_title(), Escape::Controls)
}

/// The text as the text report shows it: its line breaks kept, to split its paragraphs.
fn text<'a>(advice: &'a Advice) -> Cow<'a, str> {
    escaped(advice.shown_text(), Escape::KeepLineBreaks)
}

/// The class that gives a kind its colour (which repeats what its label says in words).
fn kind_class(kind: AdviceKind) -> &'static str {
    match kind {
        AdviceKind::Recommendation => "kind-recommendation",
        AdviceKind::Warning => "kind-warning",
        AdviceKind::Note => "kind-note",
    }
}
