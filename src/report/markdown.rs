//! The Markdown report (`CommonMark`), for a board paper, an e-mail or pandoc.

use super::{About, Report};

/// The Markdown report of one case.
pub fn to_markdown(report: &Report, about: &About) -> String {
    // Interim: the text report in a code block, until the Markdown layout is written.
    format!("```text\n{}```\n\naccord {}, {}\n", super::to_text(report), about.accord, about.rule_base)
}
