//! The HTML report: one self-contained page, for a screen, a phone or paper.

use super::{About, IndexRow, Report};

/// The HTML page of one case's report.
pub fn to_html(report: &Report, about: &About) -> String {
    // Interim: the text report, escaped, until the page layout is written.
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Advice</title></head><body><pre>{}</pre><footer>accord {}, {}</footer></body></html>\n",
        escape(&super::to_text(report)),
        about.accord,
        escape(&about.rule_base)
    )
}

/// The HTML index of many reports: a table of the cases, each linking to its report.
pub fn index_html(rows: &[IndexRow], about: &About) -> String {
    let items: String = rows
        .iter()
        .map(|row| format!("<li><a href=\"{}\">{}</a></li>", escape(&row.href), escape(&row.case)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reports</title></head><body><ul>{items}</ul><footer>accord {}, {}</footer></body></html>\n",
        about.accord,
        escape(&about.rule_base)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
