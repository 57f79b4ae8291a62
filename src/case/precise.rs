//! The precise case loader: reads a case through a `serde_json` tree, walks it along the
//! vocabulary's shape, and reports every problem it finds at its place in the text (the
//! places found by [`Positions`]). It is slower than the fast reader and runs only when
//! that one gives up. It must accept exactly the cases the fast reader reads, and read
//! them into the same values.

use serde_json::{Map, Value as Json};

use super::positions::{Positions, Step, display};
use super::{BUILT_INS, Case, SCHEMA_FIELD};
use crate::ast::Span;
use crate::diag::{Diagnostic, FirstInFile};
use crate::prose::backticked;
use crate::rulebase::{Node, Place, RecordType, Shape, Type, Vocabulary};
use crate::suggest::did_you_mean;
use crate::value::{Date, Record, Value};

/// The full loader: reads `text` from byte `start` through a JSON tree, locating every
/// problem. Slower than the fast path, and only needed when that one gives up.
pub(super) fn load_precisely(
    path: &str,
    text: &str,
    start: usize,
    vocabulary: &Vocabulary,
) -> Result<Case, Vec<Diagnostic>> {
    let body = &text[start..];
    // serde_json stops at 128 levels of nesting, so neither parsing nor dropping the
    // value can exhaust the stack however deep the input is.
    let json: Json =
        serde_json::from_str(body).map_err(|error| vec![syntax_error(path, text, start, &error)])?;
    let mut loader = Loader {
        file: path,
        text,
        vocabulary,
        positions: Positions::scan(text, start),
        path: Vec::new(),
        diagnostics: FirstInFile::default(),
    };
    let case = loader.root(&json);
    let diagnostics = loader.finish();
    if diagnostics.is_empty() { Ok(case) } else { Err(diagnostics.finish(path)) }
}

/// The diagnostic for text `serde_json` could not parse, placed where serde stopped.
fn syntax_error(path: &str, text: &str, start: usize, error: &serde_json::Error) -> Diagnostic {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let reason = full.strip_suffix(&suffix).unwrap_or(&full);
    let mut diagnostic = Diagnostic::error("E0301", format!("the case is not valid JSON: {reason}"));
    if reason == "recursion limit exceeded" {
        diagnostic =
            diagnostic.help("a case is nested a few levels deep; this one goes deeper than 128 levels");
    }
    if error.line() == 0 {
        // serde gives line 0 only for errors that have no place in the text.
        return diagnostic.in_file(path);
    }
    if error.classify() == serde_json::error::Category::Eof {
        return diagnostic.at(path, Span::new(text.len(), text.len()), "the file ends here");
    }
    let offset = byte_offset(&text[start..], error.line(), error.column()) + start;
    if reason == "number out of range" {
        return diagnostic
            .at(path, number_span(text, offset), "too large a number")
            .help("a number in a case is at most about 1.8e308; is a digit or the exponent mistyped?");
    }
    diagnostic.at(path, char_span(text, offset), "not valid JSON here")
}

/// The span of the JSON number around `offset` (serde stops on or just past its last
/// character), so that the whole number is marked.
fn number_span(text: &str, offset: usize) -> Span {
    let in_number = |b: &u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let begin = offset - bytes[..offset].iter().rev().take_while(|b| in_number(b)).count();
    let end = offset + bytes[offset..].iter().take_while(|b| in_number(b)).count();
    if begin == end { char_span(text, offset) } else { Span::new(begin, end) }
}

/// The byte offset of serde's 1-based `line` and `column`. serde counts the column in
/// bytes, up to and including the byte it stopped at.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The span of the character at `offset` (empty at the end of the text).
fn char_span(text: &str, offset: usize) -> Span {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let width = text[start..].chars().next().map_or(0, char::len_utf8);
    Span::new(start, start + width)
}

/// What a JSON value is, in the words of the case format: `a list`, `true or false`.
fn found(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "true or false",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// What a JSON value is, in JSON's words, for the one message about JSON itself.
fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Walks a parsed case along the vocabulary, collecting values and problems.
struct Loader<'a> {
    file: &'a str,
    /// The whole text of the file.
    text: &'a str,
    vocabulary: &'a Vocabulary,
    positions: Positions,
    /// The path of the value being loaded.
    path: Vec<Step>,
    /// The loader visits fields in serde's order, which moves a repeated key to its first
    /// place; the problems are kept in document order, the order users read in, and only
    /// the first of them.
    diagnostics: FirstInFile,
}

impl<'a> Loader<'a> {
    fn root(&mut self, json: &Json) -> Case {
        let mut case =
            Case { name: None, id: None, assessed_on: None, values: vec![None; self.vocabulary.case_slots] };
        let Some(object) = json.as_object() else {
            let message = format!("the case must be a JSON object, found {}", json_kind(json));
            let diagnostic = self.value_error("E0303", message, "expected an object");
            self.diagnostics.push(diagnostic);
            return case;
        };
        let root = &self.vocabulary.root;
        for (key, value) in object {
            self.path.push(Step::Key(key.clone()));
            match key.as_str() {
                "name" => case.name = self.string(value),
                "id" => case.id = self.id(value),
                "assessed_on" => case.assessed_on = self.date(value),
                SCHEMA_FIELD => {
                    self.string(value);
                }
                _ => self.member(
                    root,
                    key,
                    value,
                    &mut case.values,
                    &[BUILT_INS[0], BUILT_INS[1], BUILT_INS[2], SCHEMA_FIELD],
                ),
            }
            self.path.pop();
        }
        case
    }

    /// The diagnostics, with one for every key given twice.
    fn finish(mut self) -> FirstInFile {
        for duplicate in std::mem::take(&mut self.positions.duplicates) {
            let message = format!("duplicate field `{}`", display(&duplicate.path));
            self.diagnostics.push(
                Diagnostic::error("E0306", message)
                    .at(self.file, duplicate.second, "given again here")
                    .also(self.file, duplicate.first, "first given here")
                    .help("give each field once"),
            );
        }
        self.diagnostics
    }

    /// Loads the fields of an object of `shape` into `slots`. Recurses with the shape, at
    /// most [`crate::rulebase::MAX_PATH_SEGMENTS`] levels (and never deeper than the JSON,
    /// which `serde_json` stops at 128 levels).
    fn object(&mut self, shape: &'a Shape, object: &Map<String, Json>, slots: &mut [Option<Value>]) {
        for (key, value) in object {
            self.path.push(Step::Key(key.clone()));
            self.member(shape, key, value, slots, &[]);
            self.path.pop();
        }
    }

    /// Loads one field of an object of `shape`; `extra` are fields allowed besides it.
    fn member(
        &mut self,
        shape: &'a Shape,
        key: &str,
        value: &Json,
        slots: &mut [Option<Value>],
        extra: &[&str],
    ) {
        let Some(node) = shape.fields.get(key) else {
            self.unknown_field(key, shape, extra);
            return;
        };
        if value.is_null() {
            return;
        }
        match node {
            Node::Object(inner) => match value.as_object() {
                Some(object) => self.object(inner, object, slots),
                None => self.wrong_type("an object", value),
            },
            Node::Fact(id) => {
                let Some(fact) = self.vocabulary.facts.get(id.0) else {
                    debug_assert!(false, "the vocabulary's shape names a fact it lacks");
                    return;
                };
                let slot = match fact.place {
                    Place::Case { slot } | Place::Field { slot, .. } => slot,
                };
                let loaded = self.fact_value(&fact.ty, value);
                match slots.get_mut(slot) {
                    Some(cell) => *cell = loaded,
                    None => debug_assert!(false, "fact slot {slot} outside its object's slots"),
                }
            }
        }
    }

    /// The value of a fact of type `ty` (not null).
    fn fact_value(&mut self, ty: &'a Type, value: &Json) -> Option<Value> {
        match (ty, value) {
            (Type::Bool, Json::Bool(b)) => Some(Value::Bool(*b)),
            (Type::Number, Json::Number(n)) => n.as_f64().map(Value::Number),
            (Type::Text, Json::String(s)) => Some(Value::Text(s.clone())),
            (Type::Date, Json::String(_)) => self.date(value).map(Value::Date),
            (Type::TextList, Json::Array(items)) => Some(Value::TextList(self.text_list(items))),
            (Type::Records(record_type), Json::Array(items)) => {
                Some(Value::Records(self.records(record_type, items)))
            }
            (Type::Enum(values), Json::String(s)) => self.enum_value(values, s).map(Value::Enum),
            _ => {
                self.wrong_type(&ty.describe(), value);
                None
            }
        }
    }

    fn text_list(&mut self, items: &[Json]) -> Vec<String> {
        let mut list = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            self.path.push(Step::Index(index));
            match item {
                Json::String(s) => list.push(s.clone()),
                _ => self.wrong_type("text", item),
            }
            self.path.pop();
        }
        list
    }

    fn records(&mut self, record_type: &'a RecordType, items: &[Json]) -> Vec<Record> {
        let mut records = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            self.path.push(Step::Index(index));
            match item.as_object() {
                Some(object) => {
                    let mut record = vec![None; record_type.slots];
                    self.object(&record_type.shape, object, &mut record);
                    records.push(record);
                }
                None => self.wrong_type("an object", item),
            }
            self.path.pop();
        }
        records
    }

    fn enum_value(&mut self, values: &[String], given: &str) -> Option<u32> {
        if let Some(index) = values.iter().position(|value| value == given) {
            return u32::try_from(index).ok();
        }
        let help = match did_you_mean(given, values.iter().map(String::as_str)) {
            Some(value) => format!("did you mean `{value}`?"),
            None => format!("allowed values: {}", values.join(", ")),
        };
        let message = format!("`{given}` is not a value of `{}`", display(&self.path));
        let diagnostic = self.value_error("E0304", message, "not one of the allowed values").help(help);
        self.diagnostics.push(diagnostic);
        None
    }

    /// A text (`name`, `$schema`); null is unknown.
    fn string(&mut self, value: &Json) -> Option<String> {
        match value {
            Json::Null => None,
            Json::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type("text", value);
                None
            }
        }
    }

    /// The case's `id`: a text, or a number as the user wrote it.
    fn id(&mut self, value: &Json) -> Option<String> {
        match value {
            Json::Null => None,
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(match self.positions.get(&self.path) {
                Some(located) => self.source(located.value).to_string(),
                None => n.to_string(),
            }),
            _ => {
                self.wrong_type("text or a number", value);
                None
            }
        }
    }

    /// A date (`assessed_on`, a date fact); null is unknown.
    fn date(&mut self, value: &Json) -> Option<Date> {
        match value {
            Json::Null => None,
            Json::String(s) => match Date::parse(s) {
                Ok(date) => Some(date),
                Err(reason) => {
                    let message = format!("invalid date at `{}`: {reason}", display(&self.path));
                    let diagnostic = self.value_error("E0305", message, "not a valid date");
                    self.diagnostics.push(diagnostic);
                    None
                }
            },
            _ => {
                self.wrong_type(&Type::Date.describe(), value);
                None
            }
        }
    }

    fn wrong_type(&mut self, expected: &str, value: &Json) {
        let message =
            format!("wrong type at `{}`: expected {expected}, found {}", display(&self.path), found(value));
        let mut diagnostic = self.value_error("E0303", message, format!("expected {expected}"));
        if let (Json::String(text), "true or false") = (value, expected) {
            let likely = match text.to_lowercase().as_str() {
                "true" | "yes" | "y" => Some("true"),
                "false" | "no" | "n" => Some("false"),
                _ => None,
            };
            diagnostic = diagnostic.maybe_help(likely.map(|b| format!("write `{b}`, without quotes")));
        }
        self.diagnostics.push(diagnostic);
    }

    fn unknown_field(&mut self, key: &str, shape: &Shape, extra: &[&str]) {
        let allowed: Vec<&str> =
            extra.iter().copied().chain(shape.fields.keys().map(String::as_str)).collect();
        let help = match did_you_mean(key, allowed.iter().copied()) {
            Some(name) => format!("did you mean `{name}`?"),
            None if allowed.is_empty() => "no fields are allowed here".to_string(),
            None => format!("the fields allowed here are {}", backticked(allowed.iter().copied())),
        };
        let message = format!("unknown field `{}`", display(&self.path));
        let diagnostic = Diagnostic::error("E0302", message);
        let diagnostic = match self.positions.get(&self.path).and_then(|located| located.key) {
            Some(span) => diagnostic.at(self.file, span, "not in the case vocabulary"),
            None => diagnostic.in_file(self.file),
        };
        self.diagnostics.push(diagnostic.help(help));
    }

    /// An error marking the value at the current path.
    fn value_error(&self, code: &'static str, message: String, label: impl Into<String>) -> Diagnostic {
        let diagnostic = Diagnostic::error(code, message);
        match self.positions.get(&self.path) {
            Some(located) => diagnostic.at(self.file, located.value, label),
            None => diagnostic.in_file(self.file),
        }
    }

    fn source(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }
}
