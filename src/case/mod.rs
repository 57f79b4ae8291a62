//! The case loader: the stage that turns a case file (JSON text) into a [`Case`] checked
//! against the rule base's [`Vocabulary`].
//!
//! [`parse_case`] first tries the fast reader (`fast.rs`), which reads JSON tokens
//! (`json.rs`) straight into the case's slots; when it meets anything it does not accept,
//! it gives up and the precise loader (`precise.rs`) reads the case through `serde_json`
//! and reports every problem at its place, found by `positions.rs`. The fast reader must
//! never accept what the precise loader refuses. This module holds only the case and the
//! choice between the two readers: it must not read JSON itself.

mod fast;
pub(crate) mod json;
mod positions;
mod precise;
#[cfg(test)]
mod tests;

use crate::ast::Span;
use crate::diag::Diagnostic;
use crate::rulebase::Vocabulary;
use crate::value::{Date, Value};

/// Top-level fields every case may have, whatever the vocabulary declares.
pub const BUILT_INS: [&str; 3] = ["name", "id", "assessed_on"];

/// Names a JSON schema for editors; accepted at the top level and otherwise ignored.
pub(crate) const SCHEMA_FIELD: &str = "$schema";

/// A case, read and validated against a vocabulary.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The case's `name` field.
    pub name: Option<String>,
    /// The case's `id` field (a string, or a number written as its digits).
    pub id: Option<String>,
    /// The case's `assessed_on` field.
    pub assessed_on: Option<Date>,
    /// The value of each case-level fact, indexed by the `slot` of its [`Place::Case`](crate::rulebase::Place::Case);
    /// as long as [`Vocabulary::case_slots`]. `None` is unknown.
    pub values: Vec<Option<Value>>,
}

impl Case {
    /// What reports call the case: its `name`, else its `id`.
    pub fn label(&self) -> Option<&str> {
        self.name.as_deref().or(self.id.as_deref())
    }

    /// The value of a case-level fact (None when unknown).
    pub fn value(&self, slot: usize) -> Option<&Value> {
        self.values.get(slot).and_then(Option::as_ref)
    }
}

/// Parses and validates `text` (the contents of the file shown to the user as `path`).
///
/// # Errors
///
/// Every problem found, not just the first, in the order they occur in the text: invalid
/// JSON (`E0301`), unknown fields (`E0302`), wrong types (`E0303`), values outside an
/// enumeration (`E0304`), invalid dates (`E0305`) and fields given twice (`E0306`).
pub fn parse_case(path: &str, text: &str, vocabulary: &Vocabulary) -> Result<Case, Vec<Diagnostic>> {
    // Editors on Windows may save a byte order mark; it is not JSON but means nothing.
    // One: a second is a mistake, and would be read as the case's first character.
    let mark = crate::load::BYTE_ORDER_MARK;
    let start = if text.starts_with(mark) { mark.len_utf8() } else { 0 };
    let body = &text[start..];
    if body.starts_with(mark) {
        let span = Span::new(start, start + mark.len_utf8());
        let error = Diagnostic::error("E0301", "the case is not valid JSON: a second byte order mark")
            .at(path, span, "a second byte order mark")
            .help("a file may start with one byte order mark (U+FEFF, unseen in most editors); remove the other");
        return Err(vec![error]);
    }
    if body.trim().is_empty() {
        return Err(vec![Diagnostic::error("E0301", "the case file is empty").in_file(path)]);
    }
    match fast::read_case(body, vocabulary) {
        Some(case) => Ok(case),
        None => precise::load_precisely(path, text, start, vocabulary),
    }
}
