//! The case as an HTML form generated from the rule base's vocabulary, never written per
//! field, and the form's fields read back into a case. Must not advise or write files.
//!
//! The parts: `write` (the fields as HTML), `read` (the fields sent read into a case),
//! `edit` (the lists' Add and Remove without script) and `path` (the fields' names); and
//! the form's script and stylesheet, `assets/form.js` and `assets/form.css`.

use serde_json::Value as Json;

mod edit;
mod path;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use path::MAX_ITEMS;

/// The form's script: the lists' Add and Remove in the page, without a reload (the page
/// works without it: the buttons then submit the form). Plain JavaScript, no library, no
/// `eval`; served as a file, as the page's Content-Security-Policy wants.
pub const SCRIPT: &str = include_str!("../assets/form.js");

/// The form's stylesheet, in the report's palette.
pub const STYLESHEET: &str = include_str!("../assets/form.css");

use crate::rulebase::Vocabulary;

/// A field the form sent that cannot be read into the case: its name and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name, the fact's path with its items' indexes: `partners[1].sector`.
    pub field: String,
    /// What is wrong, in words: `"2013-02-30" is not a date`.
    pub message: String,
}

/// Writes into `out` the form's fields for `case` (a case file's JSON): the case's own
/// `name` and `assessed_on`, then every fact the vocabulary declares, in its order, grouped
/// in a `<fieldset>` per first segment of their paths (`change`, `board`). Each field is
/// named by its path (`change.date`, `partners[0].name`), has an `id` made from it
/// (`field-change-date`), its question as its label and its label as a hint. A list given
/// in the case (even empty) also sends `partners[]`, so that an empty list stays known.
/// A fragment: the caller wraps it in its `<form>`.
pub fn write_fields(vocabulary: &Vocabulary, case: &Json, out: &mut String) {
    write::write(vocabulary, case, out);
}

/// The case the form's `fields` describe (name and value pairs, as the browser sends
/// them), as a case file's JSON: `name`, `id` and `assessed_on` first, then the facts in
/// the vocabulary's order. Empty values and "not known" leave a fact out (unknown); the
/// items of a list are put in index order, gaps closed and empty items dropped. The
/// control names `add`, `remove`, `token` and `save` are not facts and are skipped.
///
/// # Errors
///
/// Every field that cannot be read: a name that is not a fact's, a value that is not of
/// its fact's type (at most 100, then one saying how many more).
pub fn case_from_fields(
    vocabulary: &Vocabulary,
    fields: &[(String, String)],
) -> Result<Json, Vec<FieldError>> {
    let (case, errors) = read_fields(vocabulary, fields);
    if errors.is_empty() { Ok(case) } else { Err(errors) }
}

/// As [`case_from_fields`], but always with a case: a value that cannot be read is kept
/// as the text typed (so that the form written again from this case shows it to be
/// corrected), and the errors are returned beside it.
pub fn read_fields(vocabulary: &Vocabulary, fields: &[(String, String)]) -> (Json, Vec<FieldError>) {
    read::read(vocabulary, fields)
}

/// `case` with an empty item added to the list named `add` (`partners`,
/// `change.stated_reasons`) or the item named `remove` (`partners[1]`) taken out: what the
/// lists' Add and Remove buttons ask for when the page has no script. A name that is not a
/// list (or an item of one) leaves the case as it is; a list has at most
/// [`MAX_ITEMS`] items. The indexes are those of `case`: for the case read back from a
/// form, after its empty items were dropped (the page's script renumbers the items in
/// place instead, and never asks this).
pub fn apply_list_edit(vocabulary: &Vocabulary, case: Json, add: Option<&str>, remove: Option<&str>) -> Json {
    edit::apply(vocabulary, case, add, remove)
}
