//! The Markdown report (`CommonMark`), for a board paper, an e-mail or pandoc: the text
//! report's content laid out for a reader, with the citations linked to the references.
//! Must not evaluate, nor choose or number anything differently from the text report: it
//! reads the same [`Report`] and numbers the references as [`super::to_text_with`] does.
//!
//! Every text from the case or the rules is escaped ([`escape`]), so that it shows as
//! text: a name such as `<script>` or `*bold*` is never markup, and a text starting with
//! `#`, `-`, `1.` or `>` never makes a heading, a list or a quote. The only markup not
//! written with Markdown's own syntax is the anchors of the references
//! ([`References::anchor`]).

use std::fmt::Write as _;

use crate::ast::AdviceKind;
use crate::prose::counted;
use crate::rulebase::{CitationRole, Reference};
use crate::shown::{Escape, escaped};

use super::{About, Advice, Answer, CitedSource, IndexRow, Question, Report, When};

/// The Markdown report of one case: its name as the one level-1 heading, the date and
/// counts, the first things to do, the timeline (when the rules worked one out), the
/// advice in rank order, every question as a task list, the references, and a footer
/// naming the rule base and accord's version. The same report and `about` give the same
/// text: nothing comes from the clock.
pub fn to_markdown(report: &Report, about: &About) -> String {
    to_markdown_part(report, about, 1)
}

/// The Markdown report of one case as the `part`th (from 1) of a document that holds
/// several one after the other: as [`to_markdown`] for the first, and for the others with
/// anchors of their own (`ref-2-3` for the third reference of the second), so that each
/// report's citations link to its own references.
pub fn to_markdown_part(report: &Report, about: &About, part: usize) -> String {
    let mut out = String::new();
    let name = report.case.as_deref().unwrap_or("Unnamed case");
    let _ = write!(out, "# {}\n\n", escape(name));
    let _ = write!(
        out,
        "Advice as of {}: {}, {}.\n\n",
        report.as_of.long(),
        counted(report.advice.len(), "piece of advice", "pieces of advice"),
        counted(report.questions.len(), "open question", "open questions"),
    );
    write_summary(&mut out, &report.advice);
    write_timeline(&mut out, report);
    let mut references = References::new(part);
    if !report.advice.is_empty() {
        out.push_str("## Advice\n\n");
    }
    for advice in &report.advice {
        write_advice(&mut out, advice, &mut references);
    }
    write_questions(&mut out, &report.questions);
    references.write(&mut out);
    let _ = writeln!(
        out,
        "* * *\n\nAdvice as of {}, written by accord {} from a rule base of {}.",
        report.as_of.long(),
        escape_inline(about.accord),
        escape_inline(&about.rule_base),
    );
    out
}

/// The Markdown index of many reports: a table of the cases, each linking to its report,
/// with its date and its counts of advice by kind and by priority, and of questions.
pub fn index_markdown(rows: &[IndexRow], about: &About) -> String {
    let mut out = String::from(
        "# Reports

",
    );
    let _ = write!(
        out,
        "{}, advised by accord {} from a rule base of {}.\n\n",
        counted(rows.len(), "case", "cases"),
        escape_inline(about.accord),
        escape_inline(&about.rule_base),
    );
    if rows.is_empty() {
        return out;
    }
    out.push_str("| Case | As of | Recommendations | Warnings | Notes | By priority | Questions |\n");
    out.push_str("| --- | --- | ---: | ---: | ---: | --- | ---: |\n");
    for row in rows {
        let priorities: Vec<String> =
            row.by_priority.iter().map(|(label, n)| format!("{} {n}", escape_inline(label))).collect();
        let _ = writeln!(
            out,
            "| [{}]({}) | {} | {} | {} | {} | {} | {} |",
            escape_inline(&row.case),
            link_destination(&row.href),
            row.as_of.long(),
            row.recommendations,
            row.warnings,
            row.notes,
            priorities.join(", "),
            row.questions,
        );
    }
    out
}

/// `href` as a link's destination: every byte but letters, digits and `-._~/%` written
/// `%XX`, so that no space, bracket or `|` ends the link or the table's cell.
fn link_destination(href: &str) -> String {
    crate::percent::encoded(href, b"/%")
}

/// "First things to do": the recommendations and warnings the text report's summary
/// lists, in the same order; nothing when there are none.
fn write_summary(out: &mut String, advice: &[Advice]) {
    let mut first =
        advice.iter().filter(|a| a.kind != AdviceKind::Note).take(super::SUMMARY_LENGTH).peekable();
    if first.peek().is_none() {
        return;
    }
    out.push_str("## First things to do\n\n");
    for (n, advice) in first.enumerate() {
        let _ = writeln!(out, "{}. {}", n + 1, escape(advice.shown_title()));
    }
    out.push('\n');
}

/// Where the assessment stands among the dated events and periods the rules worked out, then
/// each in words, a line each.
fn write_timeline(out: &mut String, report: &Report) {
    if report.timeline.is_empty() {
        return;
    }
    out.push_str("## Timeline\n\n");
    // Where the assessment stands, as the HTML page's caption says it.
    let _ = write!(out, "{}\n\n", escape(&super::timeline::you_are_here(report)));
    for entry in &report.timeline {
        let when = match entry.when {
            When::On(date) => date.long(),
            When::Period { from, to, at_least: false } => format!("{} to {}", from.long(), to.long()),
            When::Period { from, to, at_least: true } => {
                format!("{} to at least {}", from.long(), to.long())
            }
        };
        let _ = writeln!(out, "- {when}: {}", escape_inline(entry.label));
    }
    out.push('\n');
}

/// One piece of advice: its heading, its labels, its paragraphs, its reasons and its
/// sources, numbering the references cited as the text report does.
fn write_advice<'a>(out: &mut String, advice: &'a Advice, references: &mut References<'a>) {
    let text = advice.shown_text();
    let _ = write!(out, "### {}. {}\n\n", advice.rank, escape(advice.shown_title()));
    let mut labels = vec![format!("**{}**", advice.kind.label())];
    labels.extend(advice.priority.into_iter().chain(advice.evidence).map(escape));
    let _ = write!(out, "{}\n\n", labels.join(" · "));
    for paragraph in text.split("\n\n") {
        if !paragraph.trim().is_empty() {
            let _ = write!(out, "{}\n\n", escape(paragraph));
        }
    }
    let because = advice.because_in_words.as_ref().unwrap_or(&advice.because);
    if !because.is_empty() {
        out.push_str("Because:\n\n");
        for reason in because {
            let _ = writeln!(out, "- {}", escape(reason));
        }
        out.push('\n');
    }
    write_sources(out, &advice.citations, references);
}

/// The sources of a piece of advice: each one cited at a place or with its words on a line
/// of its own, its words quoted below it; the works cited whole on one line; the examples
/// after "See, for example". The references are numbered in the order the text report
/// numbers them.
fn write_sources<'a>(out: &mut String, citations: &'a [CitedSource], references: &mut References<'a>) {
    let (examples, sources): (Vec<&CitedSource>, Vec<&CitedSource>) =
        citations.iter().partition(|cited| cited.role == CitationRole::Example);
    let (whole, sources): (Vec<&CitedSource>, Vec<&CitedSource>) = sources
        .into_iter()
        .partition(|cited| cited.locator.is_none() && cited.quote.is_none() && cited.quoted_in.is_none());
    if !sources.is_empty() || !whole.is_empty() {
        out.push_str("Sources:\n\n");
        for cited in sources {
            write_cited(out, cited, references);
        }
        if !whole.is_empty() {
            let _ = writeln!(out, "- {}", works_cited(&whole, references));
        }
        // A quote ends with a blank line already.
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    if !examples.is_empty() {
        let _ = write!(out, "See, for example: {}\n\n", works_cited(&examples, references));
    }
}

/// A source cited at a place or with its words, as an item of the list of sources: the
/// work, where in it, the work quoting it, and its words as a quote.
fn write_cited<'a>(out: &mut String, cited: &'a CitedSource, references: &mut References<'a>) {
    let mut line = format!("{} {}", references.link(cited.reference), author_year(cited.reference));
    if let Some(locator) = cited.locator {
        let _ = write!(line, ", {}", escape_inline(locator));
    }
    if let Some(quoting) = &cited.quoted_in {
        let quoting_link = references.link(quoting.reference);
        let _ = write!(line, ", quoted in {} {quoting_link}", author_year(quoting.reference));
        if let Some(locator) = quoting.locator {
            let _ = write!(line, ", {}", escape_inline(locator));
        }
    }
    let _ = writeln!(out, "- {line}");
    if let Some(quote) = cited.quote {
        let _ = writeln!(out, "\n  > \u{201c}{}\u{201d}\n", escape(quote));
    }
}

/// Works cited as a whole, each after the link to its reference: `[[2]](#ref-2) Field, J.
/// and Peck, E. (2003); ...`.
fn works_cited<'a>(cited: &[&'a CitedSource], references: &mut References<'a>) -> String {
    let works: Vec<String> = cited
        .iter()
        .map(|cited| format!("{} {}", references.link(cited.reference), author_year(cited.reference)))
        .collect();
    works.join("; ")
}

/// `Glasby, J. (2012)`, escaped.
fn author_year(reference: &Reference) -> String {
    escape_inline(&format!("{} ({})", reference.authors, reference.year))
}

/// Every question, as a task list: the reader ticks those answered.
fn write_questions(out: &mut String, questions: &[Question]) {
    if questions.is_empty() {
        return;
    }
    out.push_str("## Questions that could change this advice\n\n");
    for question in questions {
        let _ = write!(out, "- [ ] {}", escape(&question.text));
        if let Answer::OneOf(choices) = &question.answer {
            let _ = write!(out, " (answers: {})", escape_inline(&super::in_words(choices)));
        }
        out.push('\n');
    }
    out.push('\n');
}

/// The works a report cites, numbered in the order of first citation, as the text
/// report numbers them, and the names of their anchors.
struct References<'a> {
    cited: Vec<&'a Reference>,
    /// What each anchor's name starts with: `ref-`, or `ref-2-` in the second report of a
    /// document.
    anchor: String,
}

impl<'a> References<'a> {
    fn new(part: usize) -> References<'a> {
        let anchor = if part <= 1 { "ref-".to_string() } else { format!("ref-{part}-") };
        References { cited: Vec::new(), anchor }
    }

    /// The link to `reference`, numbering it if it is new: `[[3]](#ref-3)`, which shows as
    /// `[3]`.
    fn link(&mut self, reference: &'a Reference) -> String {
        let number = super::reference_number(&mut self.cited, reference);
        format!("[\\[{number}\\]](#{}{number})", self.anchor)
    }

    /// The references, numbered as cited, each with its anchor.
    fn write(&self, out: &mut String) {
        if self.cited.is_empty() {
            return;
        }
        out.push_str("## References\n\n");
        for (n, reference) in self.cited.iter().enumerate() {
            let _ = writeln!(out, "{}. {}{}", n + 1, self.anchor(n + 1), escape_inline(&reference.reference));
        }
        out.push('\n');
    }

    /// The anchor of the reference numbered `number`, for the links to it: `<a
    /// name="ref-N"></a>` for GitHub, which keeps `name` and drops `id`, and `<span
    /// id="ref-N"></span>` for pandoc, which makes the span a bookmark in a Word file and
    /// drops the `a`. Each renderer keeps one and ignores the other.
    fn anchor(&self, number: usize) -> String {
        let name = format!("{}{number}", self.anchor);
        format!("<a name=\"{name}\"></a><span id=\"{name}\"></span>")
    }
}

/// `text` as Markdown that shows it as it is, on one line: white space (line breaks
/// included) as one space; control characters as [`crate::shown`] writes them; every
/// character that could be markup somewhere in a line (`*`, `_`, `[`, `<`, `&`, ... and
/// pandoc's `$`, `^`, `~`, `@`, `|`) after a backslash; and at the start, anything that
/// could open a block where the text begins a line or an item (`#`, `-`, `+`, `>`, `1.`,
/// pandoc's `a)` and `(i)`, `:`).
fn escape(text: &str) -> String {
    escape_words(text, true)
}

/// `text` as [`escape`] writes it, for the middle of a line, where nothing at its start
/// could open a block: `accord 0.1.0`, not `accord 0\.1.0`.
fn escape_inline(text: &str) -> String {
    escape_words(text, false)
}

fn escape_words(text: &str, at_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut words = text.split_whitespace().map(|word| escaped(word, Escape::Controls));
    if let Some(first) = words.next() {
        if at_start { escape_start(&first, &mut out) } else { escape_chars(&first, &mut out) }
    }
    for word in words {
        out.push(' ');
        escape_chars(&word, &mut out);
    }
    out
}

/// The characters escaped wherever they are.
const ALWAYS: &[char] =
    &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '#', '|', '~', '$', '^', '{', '}', '@', '!'];

/// The first word of a text, escaping what would open a block: a leading `-`, `+`, `=`,
/// `:`, `(` or `.`, and the `.` or `)` after a leading number or letters (`1.`, `a)`,
/// `iv.`), which `CommonMark` and pandoc read as a list's marker.
fn escape_start(word: &str, out: &mut String) {
    let marker = word.find(['.', ')']).filter(|&at| {
        let before = &word[..at];
        !before.is_empty() && before.len() <= 9 && before.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if let Some(at) = marker {
        escape_chars(&word[..at], out);
        out.push('\\');
        escape_chars(&word[at..], out);
        return;
    }
    if word.starts_with(['-', '+', '=', ':', '(', '.']) {
        out.push('\\');
    }
    escape_chars(word, out);
}

fn escape_chars(word: &str, out: &mut String) {
    for c in word.chars() {
        if ALWAYS.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_a_text_is_escaped() {
        assert_eq!(escape("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(escape("*bold* [link](x)"), "\\*bold\\* \\[link\\](x)");
        assert_eq!(escape("a_b & c"), "a\\_b \\& c");
    }

    #[test]
    fn what_would_open_a_block_is_escaped_at_the_start() {
        assert_eq!(escape("# Heading"), "\\# Heading");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("a) first"), "a\\) first");
        assert_eq!(escape("> quote"), "\\> quote");
        assert_eq!(escape("(i) first"), "\\(i) first");
        assert_eq!(escape("Plain text. More - text 1. here"), "Plain text. More - text 1. here");
    }

    #[test]
    fn white_space_and_control_characters_stay_on_one_line() {
        assert_eq!(escape("one\n\n# two\tthree"), "one \\# two three");
        assert_eq!(escape("bell\u{7}"), "bell\\\\u0007");
    }
}
