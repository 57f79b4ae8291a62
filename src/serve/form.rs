//! The case as an HTML form generated from the rule base's vocabulary, never written per
//! field, and the form's fields read back into a case. Must not advise or write files.

use serde_json::Value as Json;

use crate::rulebase::Vocabulary;

/// A field the form sent that cannot be read into the case: its name and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name, the fact's path with its items' indexes: `partners[1].sector`.
    pub field: String,
    /// What is wrong, in words: `"2013-02-30" is not a date`.
    pub message: String,
}

/// Writes into `out` the form's fields for `case` (a case file's JSON): every fact the
/// vocabulary declares, in its order, each field named by its path (`change.date`,
/// `partners[0].name`). Interim: no field yet.
pub fn write_fields(vocabulary: &Vocabulary, case: &Json, out: &mut String) {
    let _ = (vocabulary, case, out);
}

/// The case the form's `fields` describe (name and value pairs, as the browser sends
/// them), as a case file's JSON. Interim: an empty case.
///
/// # Errors
///
/// Every field that cannot be read.
pub fn case_from_fields(
    vocabulary: &Vocabulary,
    fields: &[(String, String)],
) -> Result<Json, Vec<FieldError>> {
    let _ = (vocabulary, fields);
    Ok(Json::Object(serde_json::Map::new()))
}
