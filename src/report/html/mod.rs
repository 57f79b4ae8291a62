//! The HTML report: one self-contained page per case (its stylesheet and timeline inline,
//! no script, nothing fetched), for a screen, a phone or paper; and the index page of many
//! reports. Every text from the case or the rules is escaped here, as it is written. Must
//! not evaluate, read files or read the clock: it writes what the [`Report`] holds.

use std::fmt::{self, Write as _};

use super::{About, Report};
use crate::ast::AdviceKind;
use crate::prose::counted;
use crate::shown::{Escape, escaped};

mod advice;
mod index;
#[cfg(test)]
mod tests;

pub use index::index_html;

/// The stylesheet every page holds, for screens, phones and paper.
const STYLESHEET: &str = include_str!("../report.css");

/// The HTML page of one case's report: the same content as the text report
/// ([`super::to_text_with`]), laid out for a reader, with every question and a timeline
/// when the report has one.
pub fn to_html(report: &Report, about: &About) -> String {
    let mut out = String::with_capacity(48 * 1024);
    let name = case_name(report);
    let mut title = String::new();
    let _ = write!(title, "{name}: advice as of ");
    report.as_of.write_long(&mut title);
    open_page(&mut out, &title);
    write_header(&mut out, report, &name);
    out.push_str("<main>\n");
    advice::write_summary(&mut out, report);
    if let Some(figure) = super::timeline::svg_figure(report) {
        out.push_str("<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">Timeline</h2>\n");
        out.push_str(&figure);
        out.push_str("</section>\n");
    }
    let references = advice::write_advice(&mut out, report, "advice", &|_| None);
    advice::write_questions(&mut out, report);
    advice::write_references(&mut out, &references);
    out.push_str("</main>\n");
    write_footer(&mut out, about, Some(report.as_of));
    close_page(&mut out);
    out
}

/// The advice part of the report page, for a page of its own to hold: the first things to
/// do, each piece of advice with its kind, evidence, reasons and citations, and the
/// references, as [`to_html`] writes them. `why` gives, from a rule's id, where the
/// advice's "Why?" link goes (`None`: no link). The questions are left to the page, which
/// may ask them in its own way.
pub fn advice_section(report: &Report, why: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    advice::write_summary(&mut out, report);
    // Not `advice`: the page that holds the section may use that id for itself.
    let references = advice::write_advice(&mut out, report, "advice-heading", why);
    advice::write_references(&mut out, &references);
    out
}

/// The case's name as the page shows it: control characters shown as the text report
/// shows them (see [`crate::shown`]); escaped for HTML where written.
fn case_name(report: &Report) -> String {
    escaped(report.case.as_deref().unwrap_or("Unnamed case"), Escape::Controls).into_owned()
}

/// The start of a page up to its `<body>`: the document's language, its width on a phone,
/// its title and the stylesheet.
fn open_page(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", Html(title));
    out.push_str("<meta name=\"generator\" content=\"accord\">\n<style>\n");
    out.push_str(STYLESHEET);
    out.push_str("</style>\n</head>\n<body>\n");
}

fn close_page(out: &mut String) {
    out.push_str("</body>\n</html>\n");
}

/// The case's name, the date in words and the counts of advice and questions.
fn write_header(out: &mut String, report: &Report, name: &str) {
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", Html(name));
    out.push_str("<p class=\"as-of\">Advice as of ");
    write_date(out, report.as_of);
    let _ = writeln!(
        out,
        ": {}, {}.</p>",
        counted(report.advice.len(), "piece of advice", "pieces of advice"),
        counted(report.questions.len(), "open question", "open questions"),
    );
    if !report.advice.is_empty() {
        let count = |kind: AdviceKind| report.advice.iter().filter(|a| a.kind == kind).count();
        let _ = writeln!(
            out,
            "<p class=\"counts\">{}, {}, {}.</p>",
            counted(count(AdviceKind::Warning), "warning", "warnings"),
            counted(count(AdviceKind::Recommendation), "recommendation", "recommendations"),
            counted(count(AdviceKind::Note), "note", "notes"),
        );
    }
    out.push_str("</header>\n");
}

/// A date in words in a `<time>` element that gives it in ISO 8601 too.
fn write_date(out: &mut String, date: crate::value::Date) {
    out.push_str("<time datetime=\"");
    date.write_iso(out);
    out.push_str("\">");
    date.write_long(out);
    out.push_str("</time>");
}

/// The footer: which rule base gave the advice, which accord wrote it, and (for a report)
/// the date of the assessment; nothing of the machine or the moment it was written.
fn write_footer(out: &mut String, about: &About, as_of: Option<crate::value::Date>) {
    let _ = write!(
        out,
        "<footer>\n<p>Rule base: {}. Written by accord {}.",
        Html(&about.rule_base),
        Html(about.accord)
    );
    if let Some(date) = as_of {
        out.push_str(" Advice as of ");
        write_date(out, date);
        out.push('.');
    }
    out.push_str("</p>\n</footer>\n");
}

/// A text written into HTML with the characters that mean something there (`& < > " '`)
/// escaped, so that whatever a case or a rule says shows as text, in an element or in an
/// attribute's value.
pub(in crate::report) struct Html<'a>(pub(in crate::report) &'a str);

impl fmt::Display for Html<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut written = 0;
        for (i, byte) in text.bytes().enumerate() {
            let entity = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&text[written..i])?;
            f.write_str(entity)?;
            written = i + 1;
        }
        f.write_str(&text[written..])
    }
}
