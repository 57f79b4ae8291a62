//! `accord fmt`: one canonical layout for rule files.
//!
//! The formatter does not pretty-print the syntax tree: it lays out the file's own tokens, so
//! that comments and the author's line breaks inside conditions and strings survive. A small
//! scanner splits the text into words, symbols, strings and comments; a pass over the
//! tokens, which knows the item and clause keywords, decides where lines start and how far
//! they are indented:
//!
//! - items start at column 0 and are separated by one blank line (consecutive `fact`
//!   items, and consecutive `define` items, may also be written without one); comments
//!   directly above an item stay attached to it;
//! - rule clauses, source fields, `ask`, `after`, `allow`, `label`, `says`, and `evidence
//!   scale`, `priority scale` and `lessons` entries start their own lines, indented 2; an
//!   advice's text and a citation's `quote` are indented 4; the strings of the entries of
//!   one item (and of its `says` lines) are aligned in a column, as are their trailing
//!   comments;
//! - a condition keeps the author's line breaks; its continuation lines are indented 3
//!   (2 in a `define`), or just inside the innermost open bracket;
//! - other line breaks between the tokens of a clause are joined; runs of spaces become one
//!   space, and tokens written together stay together;
//! - a string keeps its line breaks; its continuation lines are indented to the column just
//!   after its opening quote, and several blank lines in a row are one (white space around
//!   a line break in a string folds, and a blank line or more is one paragraph break, so
//!   this changes nothing it means);
//! - a comment is kept word for word: at the end of its line, or on its own line indented
//!   like the line it precedes.
//!
//! [`format_rule_file`] refuses a file that does not parse, and checks its own result: the
//! formatted text must parse to the same syntax tree, keep every comment, and be unchanged
//! by formatting it again. Otherwise it reports a bug instead of returning text.
//!
//! This file holds the entry point and those checks; `format/scan.rs` splits the text into
//! tokens, `format/structure.rs` decides where lines start (from the parser's keyword
//! tables), and `format/layout.rs` writes the lines and places the comments. The formatter
//! must not change what a file means, nor drop a comment: it refuses rather than do so.

use crate::diag::Diagnostic;
use crate::syntax;

mod layout;
mod scan;
mod structure;
#[cfg(test)]
mod tests;

use layout::layout;
use scan::{Kind, scan};

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatError {
    /// The file does not parse: its syntax errors, as `accord check` reports them.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed the file's meaning, lost a comment, or is not stable.
    /// This is a bug in the formatter; the text says what went wrong.
    Bug(String),
}

/// Lays out the rule file `src` (shown as `path` in diagnostics) in the canonical layout.
///
/// Returns the formatted text, which is `src` itself when the file is already formatted.
///
/// # Errors
///
/// [`FormatError::Syntax`] when the file does not parse; [`FormatError::Bug`] when the
/// result fails the formatter's own checks (same syntax tree, same comments, stable).
pub fn format_rule_file(path: &str, src: &str) -> Result<String, FormatError> {
    // Lone carriage returns end lines, as `read_text` has it (byte for byte, so the places
    // of errors stand in `src`).
    let normalised = crate::load::normalise_line_breaks(src);
    let src = &*normalised;
    let (before, diagnostics) = syntax::parse_file(path, src);
    if !diagnostics.is_empty() {
        return Err(FormatError::Syntax(diagnostics));
    }
    let formatted = layout(src).map_err(FormatError::Bug)?;
    verify(path, src, &before, &formatted).map_err(FormatError::Bug)?;
    Ok(formatted)
}

/// Checks that `formatted` means what `src` (which parsed to `before`) means: the same
/// syntax tree, the same comments in the same order, and a layout that formatting again
/// leaves alone.
fn verify(path: &str, src: &str, before: &crate::ast::RuleFile, formatted: &str) -> Result<(), String> {
    let (after, diagnostics) = syntax::parse_file(path, formatted);
    if let Some(first) = diagnostics.first() {
        return Err(format!("the formatted text does not parse: {} {}", first.code, first.message));
    }
    if &after != before {
        let at = before.items.iter().zip(&after.items).position(|(a, b)| a != b);
        let which = at.map_or_else(|| "the number of items".to_string(), |i| format!("item {}", i + 1));
        return Err(format!("the formatted text parses differently ({which} differs)"));
    }
    if comments(src) != comments(formatted) {
        return Err("the formatted text does not keep every comment".into());
    }
    match layout(formatted) {
        Ok(again) if again == formatted => Ok(()),
        Ok(_) => Err("formatting the formatted text changes it again".into()),
        Err(why) => Err(format!("the formatted text cannot be formatted again: {why}")),
    }
}

/// The comments of a file, in order, without trailing white space.
fn comments(src: &str) -> Vec<&str> {
    scan(src).into_iter().filter(|t| t.kind == Kind::Comment).map(|t| t.text).collect()
}
