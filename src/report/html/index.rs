//! The index page of many reports: a table of the cases, each row linking to its report,
//! with its counts of advice and questions. Must not read the reports: it writes the rows
//! it is given ([`IndexRow::of`] works them out), in the order given.

use std::fmt::Write as _;

use super::{Html, close_page, open_page, write_date, write_footer};
use crate::report::{About, IndexRow};
use crate::shown::{Escape, escaped};

/// The HTML index of many reports: a table of the cases in the order given, each linking
/// to its report, with the date of its assessment and its counts of advice (by kind and by
/// priority) and of questions. Readable without script, with the reports' stylesheet.
pub fn index_html(rows: &[IndexRow], about: &About) -> String {
    let mut out = String::with_capacity(8 * 1024 + rows.len() * 512);
    open_page(&mut out, "Reports");
    out.push_str("<header>\n<h1>Reports</h1>\n");
    let _ = writeln!(out, "<p>{}.</p>", crate::prose::counted(rows.len(), "case", "cases"));
    out.push_str("</header>\n<main>\n<div class=\"table-wrap\">\n<table class=\"index\">\n");
    out.push_str("<caption>The cases: how many pieces of advice each has, by kind and by priority, and how many open questions</caption>\n<thead>\n<tr>");
    let priorities = priority_labels(rows);
    for heading in ["Case", "As of", "Recommendations", "Warnings", "Notes"] {
        let _ = write!(out, "<th scope=\"col\">{heading}</th>");
    }
    for label in &priorities {
        let _ = write!(out, "<th scope=\"col\">{}</th>", Html(&sentence_case(label)));
    }
    out.push_str("<th scope=\"col\">Questions</th></tr>\n</thead>\n<tbody>\n");
    for row in rows {
        write_row(&mut out, row, &priorities);
    }
    out.push_str("</tbody>\n</table>\n</div>\n</main>\n");
    write_footer(&mut out, about, None);
    close_page(&mut out);
    out
}

/// A case's row. Each cell says which column it is in (`data-label`), so that on a phone,
/// where the stylesheet stacks a row's cells, each shows its heading.
fn write_row(out: &mut String, row: &IndexRow, priorities: &[&str]) {
    let name = escaped(&row.case, Escape::Controls);
    let _ = write!(
        out,
        "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td data-label=\"As of\">",
        Html(&row.href),
        Html(&name)
    );
    write_date(out, row.as_of);
    out.push_str("</td>");
    let counts = [("Recommendations", row.recommendations), ("Warnings", row.warnings), ("Notes", row.notes)];
    for (heading, n) in counts {
        let _ = write!(out, "<td class=\"n\" data-label=\"{heading}\">{n}</td>");
    }
    for label in priorities {
        let n = row.by_priority.iter().find(|(seen, _)| seen == label).map_or(0, |(_, n)| *n);
        let _ = write!(out, "<td class=\"n\" data-label=\"{}\">{n}</td>", Html(&sentence_case(label)));
    }
    let _ = writeln!(out, "<td class=\"n\" data-label=\"Questions\">{}</td></tr>", row.questions);
}

/// The priority labels of all the rows, each once, most urgent first: each row lists its
/// labels most urgent first, so a label first seen is put before the first of its row's
/// later labels already placed.
pub(super) fn priority_labels(rows: &[IndexRow]) -> Vec<&str> {
    let mut labels: Vec<&str> = Vec::new();
    for row in rows {
        for (i, (label, _)) in row.by_priority.iter().enumerate() {
            if labels.contains(&label.as_str()) {
                continue;
            }
            let later = row.by_priority[i + 1..]
                .iter()
                .find_map(|(next, _)| labels.iter().position(|placed| placed == next));
            match later {
                Some(at) => labels.insert(at, label),
                None => labels.push(label),
            }
        }
    }
    labels
}

/// `act now` as a column heading: `Act now`.
fn sentence_case(label: &str) -> String {
    crate::prose::capitalised(label)
}
