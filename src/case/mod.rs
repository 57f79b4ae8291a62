//! The case loader: the stage that turns a case file (JSON text) into a [`Case`] checked
//! against the rule base's [`Vocabulary`].
//!
//! `serde_json` parses the text; a small scanner of our own then finds where each value
//! and key was written (serde keeps no positions) and notices keys given twice (serde
//! silently keeps the last). The loader walks the parsed value along the vocabulary's
//! shape, so it never descends deeper than the vocabulary does, and reports every problem
//! it finds, each pointing at its place in the text.

use std::collections::HashMap;

mod fast;
mod json;

use serde_json::{Map, Value as Json};

use crate::ast::Span;
use crate::diag::{Diagnostic, FirstInFile};
use crate::prose::backticked;
use crate::rulebase::{Node, Place, RecordType, Shape, Type, Vocabulary};
use crate::suggest::did_you_mean;
use crate::value::{Date, Record, Value};

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
    /// The value of each case-level fact, indexed by the `slot` of its [`Place::Case`];
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
        None => load_precisely(path, text, start, vocabulary),
    }
}

/// The full loader: reads `text` from byte `start` through a JSON tree, locating every
/// problem. Slower than the fast path, and only needed when that one gives up.
fn load_precisely(
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

/// One step of a path into a JSON document: an object's key or an array's index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path as users write it: `groups[1].needs`.
fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Where one value was written.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Located {
    /// Its key, quotes included, when it is an object member.
    key: Option<Span>,
    /// The value itself.
    value: Span,
}

/// A key given twice in one object.
#[derive(Clone, Debug, PartialEq)]
struct Duplicate {
    /// The path of the member.
    path: Vec<Step>,
    /// The first key.
    first: Span,
    /// The repeated key.
    second: Span,
}

/// The positions of every value in a JSON text, by path.
#[derive(Debug, Default)]
struct Positions {
    /// Where each path was written. For a repeated key the last one wins, as in serde.
    by_path: HashMap<Vec<Step>, Located>,
    /// Keys given twice in the same object, in document order.
    duplicates: Vec<Duplicate>,
}

impl Positions {
    /// Scans `text` (valid JSON from byte `start`) once, without recursion.
    fn scan(text: &str, start: usize) -> Positions {
        let mut scanner =
            Scanner { text, pos: start, path: Vec::new(), frames: Vec::new(), out: Positions::default() };
        // `None` means the text was not the valid JSON promised; the positions found up
        // to that point are still right, and a missing one only costs a label.
        let _ = scanner.run();
        scanner.out
    }

    fn get(&self, path: &[Step]) -> Option<Located> {
        self.by_path.get(path).copied()
    }
}

/// An object or array the scanner is inside.
#[derive(Debug)]
enum Frame {
    Object {
        /// Where the `{` is.
        start: usize,
        /// The key of the member being read.
        key: Span,
        /// The keys seen so far, with where each was first given.
        seen: HashMap<String, Span>,
    },
    Array {
        /// Where the `[` is.
        start: usize,
        /// The index of the item being read.
        index: usize,
    },
}

/// Walks valid JSON text with an explicit stack, recording spans by path.
struct Scanner<'t> {
    text: &'t str,
    pos: usize,
    /// The path of the value being read.
    path: Vec<Step>,
    frames: Vec<Frame>,
    out: Positions,
}

impl Scanner<'_> {
    fn run(&mut self) -> Option<()> {
        self.skip_whitespace();
        loop {
            let start = self.pos;
            match self.peek()? {
                b'{' => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek()? != b'}' {
                        let frame = Frame::Object { start, key: Span::default(), seen: HashMap::new() };
                        self.frames.push(frame);
                        self.member_key()?;
                        continue;
                    }
                    self.pos += 1;
                }
                b'[' => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek()? != b']' {
                        self.frames.push(Frame::Array { start, index: 0 });
                        self.path.push(Step::Index(0));
                        continue;
                    }
                    self.pos += 1;
                }
                b'"' => self.skip_string()?,
                _ => self.skip_scalar(),
            }
            self.record(Span::new(start, self.pos));
            if !self.next_member()? {
                return Some(());
            }
        }
    }

    /// After a value: closes the containers that end here and moves to the next member.
    /// `false` when the top-level value is complete.
    fn next_member(&mut self) -> Option<bool> {
        loop {
            self.skip_whitespace();
            if self.frames.is_empty() {
                return Some(false);
            }
            let byte = self.peek()?;
            self.pos += 1;
            let frame = self.frames.last_mut()?;
            match (frame, byte) {
                (Frame::Object { .. }, b',') => {
                    self.path.pop();
                    self.skip_whitespace();
                    self.member_key()?;
                    return Some(true);
                }
                (Frame::Array { index, .. }, b',') => {
                    *index += 1;
                    let next = Step::Index(*index);
                    self.path.pop();
                    self.path.push(next);
                    self.skip_whitespace();
                    return Some(true);
                }
                (Frame::Object { .. }, b'}') | (Frame::Array { .. }, b']') => {
                    self.path.pop();
                    let start = match self.frames.pop()? {
                        Frame::Object { start, .. } | Frame::Array { start, .. } => start,
                    };
                    self.record(Span::new(start, self.pos));
                }
                _ => return None,
            }
        }
    }

    /// Reads `"key" :` of an object member, leaving the position at its value.
    fn member_key(&mut self) -> Option<()> {
        let start = self.pos;
        self.skip_string()?;
        let span = Span::new(start, self.pos);
        let key = decode_key(&self.text[span.range()]);
        let Some(Frame::Object { key: current, seen, .. }) = self.frames.last_mut() else {
            return None;
        };
        *current = span;
        if let Some(&first) = seen.get(&key) {
            let mut path = self.path.clone();
            path.push(Step::Key(key.clone()));
            self.out.duplicates.push(Duplicate { path, first, second: span });
        } else {
            seen.insert(key.clone(), span);
        }
        self.path.push(Step::Key(key));
        self.skip_whitespace();
        if self.peek()? != b':' {
            return None;
        }
        self.pos += 1;
        self.skip_whitespace();
        Some(())
    }

    fn record(&mut self, value: Span) {
        let key = match self.frames.last() {
            Some(Frame::Object { key, .. }) => Some(*key),
            _ => None,
        };
        self.out.by_path.insert(self.path.clone(), Located { key, value });
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips a string, quotes included. Scanning bytes is safe in UTF-8: no byte of a
    /// multi-byte character is a quote or a backslash.
    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Skips a number, `true`, `false` or `null`.
    fn skip_scalar(&mut self) {
        while !matches!(self.peek(), None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }
}

/// The text of a quoted key, escapes resolved, as serde gives it.
fn decode_key(quoted: &str) -> String {
    let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default();
    if inner.contains('\\') {
        serde_json::from_str(quoted).unwrap_or_else(|_| inner.to_string())
    } else {
        inner.to_string()
    }
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
    /// which serde_json stops at 128 levels).
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

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use proptest::prelude::*;

    use super::*;
    use crate::diag::line_col;
    use crate::rulebase::{Fact, FactId};

    const FILE: &str = "case.json";

    /// A small vocabulary: `change.{kind, date, expects_savings, stated_reasons}`, `groups`
    /// (records of `name`, `needs`, `pooled_funding`, `contact.name`), `outcomes.measures`
    /// and `replaces.name`.
    fn vocabulary() -> Vocabulary {
        let enumeration = |values: &[&str]| Type::Enum(values.iter().map(ToString::to_string).collect());
        let case = |slot| Place::Case { slot };
        let field = |slot| Place::Field { list: FactId(4), slot };
        let facts = [
            ("change.kind", enumeration(&["none", "merger"]), case(0)),
            ("change.date", Type::Date, case(1)),
            ("change.expects_savings", Type::Bool, case(2)),
            ("change.stated_reasons", Type::TextList, case(3)),
            ("groups", Type::Records(RecordType::default()), case(4)),
            ("groups[].name", Type::Text, field(0)),
            ("groups[].needs", enumeration(&["mild", "complex"]), field(1)),
            ("groups[].pooled_funding", Type::Bool, field(2)),
            ("groups[].contact.name", Type::Text, field(3)),
            ("outcomes.measures", Type::Number, case(5)),
            ("replaces.name", Type::Text, case(6)),
        ];
        let mut facts: Vec<Fact> = facts
            .into_iter()
            .map(|(path, ty, place)| Fact {
                path: path.to_string(),
                ty,
                question: None,
                after: None,
                asked_when: None,
                wording: Default::default(),
                place,
                origin: Default::default(),
                in_use: true,
            })
            .collect();
        let record_shape = shape(vec![
            ("name", fact(5)),
            ("needs", fact(6)),
            ("pooled_funding", fact(7)),
            ("contact", Node::Object(shape(vec![("name", fact(8))]))),
        ]);
        facts[4].ty = Type::Records(RecordType { shape: record_shape, slots: 4, label: Some(FactId(5)) });
        let root = shape(vec![
            (
                "change",
                Node::Object(shape(vec![
                    ("kind", fact(0)),
                    ("date", fact(1)),
                    ("expects_savings", fact(2)),
                    ("stated_reasons", fact(3)),
                ])),
            ),
            ("groups", fact(4)),
            ("outcomes", Node::Object(shape(vec![("measures", fact(9))]))),
            ("replaces", Node::Object(shape(vec![("name", fact(10))]))),
        ]);
        let mut vocabulary = Vocabulary { facts, root, case_slots: 7, plain_names: false };
        vocabulary.note_plain_names();
        assert!(vocabulary.plain_names);
        vocabulary
    }

    fn fact(index: usize) -> Node {
        Node::Fact(FactId(index))
    }

    fn shape(fields: Vec<(&str, Node)>) -> Shape {
        Shape {
            fields: fields
                .into_iter()
                .map(|(name, node)| (name.to_string(), node))
                .collect::<IndexMap<_, _>>(),
        }
    }

    fn load(text: &str) -> Case {
        parse_case(FILE, text, &vocabulary()).expect("the case should load")
    }

    fn errors(text: &str) -> Vec<Diagnostic> {
        parse_case(FILE, text, &vocabulary()).expect_err("the case should be rejected")
    }

    fn one_error(text: &str) -> Diagnostic {
        let mut errors = errors(text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.remove(0)
    }

    /// Line and column of the primary label, and the text it marks.
    fn marked<'t>(text: &'t str, diagnostic: &Diagnostic) -> ((usize, usize), &'t str) {
        let span = diagnostic.primary.as_ref().expect("a primary label").span;
        (line_col(text, span.start), &text[span.range()])
    }

    fn date(text: &str) -> Date {
        Date::parse(text).expect("valid date in test")
    }

    #[test]
    fn loads_a_valid_case() {
        let text = r#"{
            "$schema": "https://example.org/case.schema.json",
            "name": "Shire", "id": "S-1", "assessed_on": "2013-09-01",
            "change": {"kind": "merger", "date": "2013-04-01", "expects_savings": true,
                       "stated_reasons": ["save money", "integrate care"]},
            "groups": [{"name": "older people", "needs": "complex", "pooled_funding": false,
                        "contact": {"name": "Ann"}},
                       {"name": "adults", "needs": "mild"}],
            "outcomes": {"measures": 2.5e1},
            "replaces": {"name": "LSP committee"}
        }"#;
        let case = load(text);
        assert_eq!(case.name.as_deref(), Some("Shire"));
        assert_eq!(case.id.as_deref(), Some("S-1"));
        assert_eq!(case.assessed_on, Some(date("2013-09-01")));
        assert_eq!(case.values.len(), 7);
        assert_eq!(case.value(0), Some(&Value::Enum(1)));
        assert_eq!(case.value(1), Some(&Value::Date(date("2013-04-01"))));
        assert_eq!(case.value(2), Some(&Value::Bool(true)));
        let reasons = vec!["save money".to_string(), "integrate care".to_string()];
        assert_eq!(case.value(3), Some(&Value::TextList(reasons)));
        let groups = vec![
            vec![
                Some(Value::Text("older people".into())),
                Some(Value::Enum(1)),
                Some(Value::Bool(false)),
                Some(Value::Text("Ann".into())),
            ],
            vec![Some(Value::Text("adults".into())), Some(Value::Enum(0)), None, None],
        ];
        assert_eq!(case.value(4), Some(&Value::Records(groups)));
        assert_eq!(case.value(5), Some(&Value::Number(25.0)));
        assert_eq!(case.value(6), Some(&Value::Text("LSP committee".into())));
        assert_eq!(case.value(99), None);
    }

    #[test]
    fn keeps_a_numeric_id_as_written() {
        assert_eq!(load(r#"{"id": 2013001}"#).id.as_deref(), Some("2013001"));
        assert_eq!(load(r#"{"id": 1.50}"#).id.as_deref(), Some("1.50"));
    }

    #[test]
    fn null_and_absent_are_unknown() {
        let case = load(
            r#"{"name": null, "change": {"kind": null, "date": null}, "groups": null, "outcomes": null}"#,
        );
        assert_eq!(case.name, None);
        assert_eq!(case.values, vec![None; 7]);
        assert_eq!(load("{}").values, vec![None; 7]);
        let case = load(r#"{"groups": [{"name": null}]}"#);
        assert_eq!(case.value(4), Some(&Value::Records(vec![vec![None; 4]])));
    }

    #[test]
    fn accepts_a_byte_order_mark() {
        let text = "\u{feff}{\"change\": {\"knd\": 1}}";
        let error = one_error(text);
        assert_eq!(marked(text, &error), ((1, 14), "\"knd\""));
        assert_eq!(load("\u{feff}{}").values.len(), 7);
    }

    /// One byte order mark is dropped, not two: the second is refused where it is.
    #[test]
    fn refuses_a_second_byte_order_mark() {
        let text = "\u{feff}\u{feff}{}";
        let error = one_error(text);
        assert_eq!(error.code, "E0301");
        assert_eq!(error.message, "the case is not valid JSON: a second byte order mark");
        assert_eq!(marked(text, &error), ((1, 2), "\u{feff}"));
    }

    /// A number past the largest double is refused where it is written, the whole number
    /// marked (serde stops at its end), by the full loader and so by the fast one.
    #[test]
    fn a_number_too_large_is_refused_at_the_number() {
        for (text, number) in [
            (r#"{"outcomes": {"measures": -1e400}}"#, "-1e400"),
            ("{\"outcomes\": {\n  \"measures\": 1.5E+309 }}", "1.5E+309"),
        ] {
            let error = one_error(text);
            assert_eq!(error.code, "E0301");
            assert!(error.message.ends_with("number out of range"), "{}", error.message);
            let at = text.find(number).expect("the number");
            assert_eq!(marked(text, &error), (line_col(text, at), number), "{text}");
            assert!(error.help.as_deref().unwrap_or_default().contains("1.8e308"), "{error:?}");
        }
    }

    #[test]
    fn rejects_an_empty_file() {
        for text in ["", "  \n\t"] {
            let error = one_error(text);
            assert_eq!((error.code, error.message.as_str()), ("E0301", "the case file is empty"));
            assert_eq!(error.file.as_deref(), Some(FILE));
        }
    }

    #[test]
    fn reports_invalid_json_where_serde_stopped() {
        let text = "{\n  \"name\": x\n}";
        let error = one_error(text);
        assert_eq!(
            (error.code, error.message.as_str()),
            ("E0301", "the case is not valid JSON: expected value")
        );
        assert_eq!(marked(text, &error), ((2, 11), "x"));
    }

    #[test]
    fn reports_invalid_json_after_unicode() {
        let text = "{\"name\": \"Café ☃\" ,, }";
        let error = one_error(text);
        assert_eq!(error.code, "E0301");
        assert_eq!(marked(text, &error), ((1, 20), ","));
    }

    #[test]
    fn reports_an_unfinished_file_at_its_end() {
        let text = "{\"name\": \"a\"";
        let error = one_error(text);
        assert_eq!(error.message, "the case is not valid JSON: EOF while parsing an object");
        let span = error.primary.as_ref().expect("a primary label").span;
        assert_eq!(span, Span::new(text.len(), text.len()));
    }

    #[test]
    fn rejects_deep_nesting_without_overflowing_the_stack() {
        for text in ["[".repeat(100_000), "{\"a\":".repeat(100_000), "[".repeat(127) + &"]".repeat(127)] {
            let error = one_error(&text);
            assert_eq!(error.code, if text.ends_with(']') { "E0303" } else { "E0301" }, "{}", error.message);
        }
        let error = one_error(&"[".repeat(100_000));
        assert!(error.message.contains("recursion limit exceeded"), "{}", error.message);
    }

    #[test]
    fn rejects_binary_content() {
        let text = "\u{0}\u{1}garbage";
        let error = one_error(text);
        assert_eq!(error.code, "E0301");
        assert_eq!(marked(text, &error), ((1, 1), "\u{0}"));
    }

    #[test]
    fn requires_an_object_at_the_top() {
        let text = " [1, 2]";
        let error = one_error(text);
        assert_eq!(
            (error.code, error.message.as_str()),
            ("E0303", "the case must be a JSON object, found an array")
        );
        assert_eq!(marked(text, &error), ((1, 2), "[1, 2]"));
        assert_eq!(one_error("null").message, "the case must be a JSON object, found null");
    }

    #[test]
    fn names_an_unknown_field_and_suggests_a_close_one() {
        let text = "{\"change\": {\n  \"knd\": \"merger\"}}";
        let error = one_error(text);
        assert_eq!((error.code, error.message.as_str()), ("E0302", "unknown field `change.knd`"));
        assert_eq!(marked(text, &error), ((2, 3), "\"knd\""));
        let label = error.primary.as_ref().expect("a primary label");
        assert_eq!(label.text, "not in the case vocabulary");
        assert_eq!(error.help.as_deref(), Some("did you mean `kind`?"));
    }

    #[test]
    fn suggests_built_in_and_differently_cased_fields() {
        let error = one_error(r#"{"assesed_on": "2013-09-01"}"#);
        assert_eq!(error.help.as_deref(), Some("did you mean `assessed_on`?"));
        let error = one_error(r#"{"Change": {}}"#);
        assert_eq!(error.help.as_deref(), Some("did you mean `change`?"));
        let error = one_error(r#"{"groups": [{"nme": "x"}]}"#);
        assert_eq!(error.message, "unknown field `groups[0].nme`");
        assert_eq!(error.help.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn lists_the_allowed_fields_when_none_is_close() {
        let error = one_error(r#"{"change": {"banana": 1}}"#);
        let help = "the fields allowed here are `kind`, `date`, `expects_savings`, `stated_reasons`";
        assert_eq!(error.help.as_deref(), Some(help));
        let error = one_error(r#"{"zzzzzzzz": 1}"#);
        let help = "the fields allowed here are `name`, `id`, `assessed_on`, `$schema`, `change`, `groups`, `outcomes`, `replaces`";
        assert_eq!(error.help.as_deref(), Some(help));
    }

    #[test]
    fn reports_a_wrong_type_at_the_value() {
        let text = r#"{"groups": [{"name": "a"}, {"pooled_funding": "yes"}]}"#;
        let error = one_error(text);
        let message = "wrong type at `groups[1].pooled_funding`: expected true or false, found a string";
        assert_eq!((error.code, error.message.as_str()), ("E0303", message));
        assert_eq!(marked(text, &error), ((1, 47), "\"yes\""));
        assert_eq!(error.primary.as_ref().map(|l| l.text.as_str()), Some("expected true or false"));
    }

    #[test]
    fn reports_a_wrong_type_for_each_kind_of_fact() {
        let cases = [
            (r#"{"change": "merger"}"#, "wrong type at `change`: expected an object, found a string"),
            (
                r#"{"change": {"kind": 1}}"#,
                "wrong type at `change.kind`: expected one of none, merger, found a number",
            ),
            (r#"{"change": {"date": []}}"#, "wrong type at `change.date`: expected a date, found a list"),
            (
                r#"{"change": {"stated_reasons": "x"}}"#,
                "wrong type at `change.stated_reasons`: expected a list of text, found a string",
            ),
            (
                r#"{"outcomes": {"measures": true}}"#,
                "wrong type at `outcomes.measures`: expected a number, found true or false",
            ),
            (
                r#"{"replaces": {"name": {}}}"#,
                "wrong type at `replaces.name`: expected text, found an object",
            ),
            (r#"{"groups": {}}"#, "wrong type at `groups`: expected a list of records, found an object"),
            (
                r#"{"groups": [{"contact": 1}]}"#,
                "wrong type at `groups[0].contact`: expected an object, found a number",
            ),
            (r#"{"name": 1}"#, "wrong type at `name`: expected text, found a number"),
            (r#"{"id": true}"#, "wrong type at `id`: expected text or a number, found true or false"),
            (r#"{"assessed_on": 20130901}"#, "wrong type at `assessed_on`: expected a date, found a number"),
            (r#"{"$schema": 1}"#, "wrong type at `$schema`: expected text, found a number"),
        ];
        for (text, message) in cases {
            let error = one_error(text);
            assert_eq!((error.code, error.message.as_str()), ("E0303", message));
        }
    }

    #[test]
    fn rejects_null_items_in_lists() {
        let text = r#"{"change": {"stated_reasons": ["a", null]}}"#;
        let error = one_error(text);
        assert_eq!(error.message, "wrong type at `change.stated_reasons[1]`: expected text, found null");
        assert_eq!(marked(text, &error), ((1, 37), "null"));
        let error = one_error(r#"{"groups": [null]}"#);
        assert_eq!(error.message, "wrong type at `groups[0]`: expected an object, found null");
    }

    #[test]
    fn reports_a_value_outside_the_enumeration() {
        let text = r#"{"change": {"kind": "mergr"}}"#;
        let error = one_error(text);
        assert_eq!(
            (error.code, error.message.as_str()),
            ("E0304", "`mergr` is not a value of `change.kind`")
        );
        assert_eq!(marked(text, &error), ((1, 21), "\"mergr\""));
        assert_eq!(error.help.as_deref(), Some("did you mean `merger`?"));
        let error = one_error(r#"{"groups": [{"needs": "Complex"}]}"#);
        assert_eq!(error.help.as_deref(), Some("did you mean `complex`?"));
        let error = one_error(r#"{"change": {"kind": "pooled_budget"}}"#);
        assert_eq!(error.help.as_deref(), Some("allowed values: none, merger"));
    }

    #[test]
    fn reports_an_invalid_date() {
        let text = r#"{"change": {"date": "2013-02-30"}}"#;
        let error = one_error(text);
        let message = "invalid date at `change.date`: `2013-02-30` is not a day: February 2013 has no day 30";
        assert_eq!((error.code, error.message.as_str()), ("E0305", message));
        assert_eq!(marked(text, &error), ((1, 21), "\"2013-02-30\""));
        let error = one_error(r#"{"assessed_on": "1/9/2013"}"#);
        let message = "invalid date at `assessed_on`: `1/9/2013` is not a date in the form YYYY-MM-DD";
        assert_eq!((error.code, error.message.as_str()), ("E0305", message));
    }

    /// The year 0000 was read (and arithmetic on it wrote "31 December -1"): the years of
    /// a case start at 0001, in both readers.
    #[test]
    fn refuses_the_year_0000() {
        let text = r#"{"change": {"date": "0000-06-01"}}"#;
        let error = one_error(text);
        let message = "invalid date at `change.date`: `0000-06-01` has no year 0000: the years start at 0001";
        assert_eq!((error.code, error.message.as_str()), ("E0305", message));
        assert_eq!(fast::read_case(text, &vocabulary()), None);
        assert_eq!(
            load(r#"{"change": {"date": "0001-01-01"}}"#).value(1),
            Some(&Value::Date(date("0001-01-01")))
        );
    }

    #[test]
    fn reports_a_duplicate_field() {
        let text = "{\"change\": {\"kind\": \"none\",\n \"kind\": \"merger\"}}";
        let error = one_error(text);
        assert_eq!((error.code, error.message.as_str()), ("E0306", "duplicate field `change.kind`"));
        assert_eq!(marked(text, &error), ((2, 2), "\"kind\""));
        let first = &error.secondary[0];
        assert_eq!((line_col(text, first.span.start), first.text.as_str()), ((1, 13), "first given here"));
    }

    #[test]
    fn finds_duplicates_in_each_object_separately() {
        // The same key in two different objects is not a duplicate.
        let case = load(r#"{"groups": [{"name": "a"}, {"name": "b"}], "replaces": {"name": "c"}}"#);
        assert_eq!(case.value(6), Some(&Value::Text("c".into())));
        let text = r#"{"groups": [{"name": "a", "needs": "mild", "name": "b"}], "name": "x", "name": "y"}"#;
        let messages: Vec<String> = errors(text).into_iter().map(|e| e.message).collect();
        assert_eq!(messages, ["duplicate field `groups[0].name`", "duplicate field `name`"]);
    }

    #[test]
    fn collects_every_error_in_document_order() {
        let text = "{\n\"outcomes\": {\"measures\": \"3\"},\n\"change\": {\"kind\": \"mergr\", \"date\": \"2013-13-01\"},\n\"chnage\": {},\n\"name\": \"a\", \"name\": \"b\"\n}";
        let found: Vec<(&str, usize)> = errors(text).iter().map(|e| (e.code, marked(text, e).0.0)).collect();
        assert_eq!(found, [("E0303", 2), ("E0304", 3), ("E0305", 3), ("E0302", 4), ("E0306", 5)]);
        assert_eq!(errors(text)[3].help.as_deref(), Some("did you mean `change`?"));
    }

    #[test]
    fn locates_values_after_unicode_and_escapes() {
        let text = "{\"name\": \"Caf\u{e9} \\\"\u{2603}\\\" \\u00e9\", \"replaces\": {\"name\": \"\u{dc}n\u{ef}c\u{f8}d\u{e9}\"}, \"change\": {\"kind\": \"m\u{e9}rger\"}}";
        let error = one_error(text);
        assert_eq!(error.message, "`m\u{e9}rger` is not a value of `change.kind`");
        assert_eq!(marked(text, &error), ((1, 83), "\"m\u{e9}rger\""));
        let text = r#"{"na\"me\u0021": 1}"#;
        let error = one_error(text);
        assert_eq!(error.message, "unknown field `na\"me!`");
        assert_eq!(marked(text, &error), ((1, 2), r#""na\"me\u0021""#));
    }

    #[test]
    fn scanner_handles_any_valid_json() {
        let text =
            "\r\n{ \"a\" : [ -1.5e-3 , {\"b\":[]} , \"x\\\\\\\"]}\" , true,null ] , \"c\":{ }, \"\":0 }\t";
        assert!(serde_json::from_str::<Json>(text).is_ok());
        let positions = Positions::scan(text, 0);
        let at = |path: &[Step]| {
            let located = positions.get(path).expect("every value is located");
            (located.key.map(|key| &text[key.range()]), &text[located.value.range()])
        };
        let key = |name: &str| Step::Key(name.to_string());
        assert_eq!(at(&[]), (None, text.trim()));
        assert_eq!(at(&[key("a")]).0, Some("\"a\""));
        assert_eq!(at(&[key("a"), Step::Index(0)]), (None, "-1.5e-3"));
        assert_eq!(at(&[key("a"), Step::Index(1)]), (None, "{\"b\":[]}"));
        assert_eq!(at(&[key("a"), Step::Index(1), key("b")]), (Some("\"b\""), "[]"));
        assert_eq!(at(&[key("a"), Step::Index(2)]), (None, "\"x\\\\\\\"]}\""));
        assert_eq!(at(&[key("a"), Step::Index(3)]), (None, "true"));
        assert_eq!(at(&[key("a"), Step::Index(4)]), (None, "null"));
        assert_eq!(at(&[key("c")]), (Some("\"c\""), "{ }"));
        assert_eq!(at(&[key("")]), (Some("\"\""), "0"));
        assert!(positions.duplicates.is_empty());
    }

    #[test]
    fn scanner_survives_invalid_text() {
        for text in ["", "{", "[1,", "{\"a\"", "{\"a\":1,}", "\"\\", "]]]", "{\"a\" 1}"] {
            let _ = Positions::scan(text, 0);
        }
    }

    /// `vocabulary`, with names compared as written in the text, and unescaped first.
    fn both_ways(vocabulary: &Vocabulary) -> [Vocabulary; 2] {
        let mut unescaped_first = vocabulary.clone();
        unescaped_first.plain_names = false;
        [vocabulary.clone(), unescaped_first]
    }

    /// The fast path reads `text` just as the full loader does.
    fn fast_path_reads(text: &str, vocabulary: &Vocabulary) {
        for vocabulary in both_ways(vocabulary) {
            let precise = load_precisely(FILE, text, 0, &vocabulary).expect("a valid case");
            assert_eq!(fast::read_case(text, &vocabulary), Some(precise), "{text}");
        }
    }

    /// The fast path gives up where the full loader finds a problem.
    fn both_refuse(text: &str, vocabulary: &Vocabulary) {
        for vocabulary in both_ways(vocabulary) {
            assert!(load_precisely(FILE, text, 0, &vocabulary).is_err(), "{text}");
            assert_eq!(fast::read_case(text, &vocabulary), None, "{text}");
        }
    }

    #[test]
    fn the_fast_path_reads_valid_cases_as_the_full_loader_does() {
        let vocabulary = vocabulary();
        for text in [
            r#"{"$schema": "s", "name": "a\"b", "id": "1", "assessed_on": "2013-09-01",
                "change": {"kind": "merger", "date": "2013-04-01", "expects_savings": true,
                           "stated_reasons": ["a", "b"]},
                "groups": [{"name": "x", "needs": "complex", "contact": {"name": "Ann"}},
                           {"pooled_funding": false, "contact": null}],
                "outcomes": {"measures": 2.5e1}, "replaces": {"name": "r"}}"#,
            // Escaped keys and values are read unescaped.
            r#"{"ch\u0061nge": {"k\u0069nd": "n\u006fne", "stated_reasons": ["\u00e9"]}}"#,
            r#"{"$schema": null, "name": null, "id": null, "assessed_on": null, "change": null}"#,
            r#"{"groups": [], "outcomes": {}, "replaces": null}"#,
            "{}",
            // Whitespace anywhere between tokens, and after the object.
            " \r\n{ \"change\" :\t{ \"kind\" : \"merger\" , \"stated_reasons\" : [ \"a\" , \"b\" ] } } \n",
            // Every escape, surrogate pairs, characters outside ASCII, fields out of order.
            r#"{"replaces": {"name": "\\ \/ \b\f\n\r\t \" \u0041\ud83d\ude00 caf\u00e9"}, "name": "é😀"}"#,
            r#"{"groups": [{"needs": "mild", "name": "a"}, {"contact": {"name": ""}, "name": "b"}]}"#,
            // Numbers as serde_json reads them.
            r#"{"outcomes": {"measures": -0}}"#,
            r#"{"outcomes": {"measures": 0.1}}"#,
            r#"{"outcomes": {"measures": 1.7976931348623157e308}}"#,
            r#"{"outcomes": {"measures": 123456789012345678901234}}"#,
            r#"{"outcomes": {"measures": 999999999999999}}"#,
            r#"{"outcomes": {"measures": 1E-2}}"#,
        ] {
            fast_path_reads(text, &vocabulary);
        }
    }

    #[test]
    fn the_fast_path_refuses_what_the_full_loader_refuses() {
        let vocabulary = vocabulary();
        for text in [
            r#"{"change": {"kind": "merger", "kind": "none"}}"#,
            r#"{"change": {"kind": "merger"}, "ch\u0061nge": {}}"#,
            r#"{"name": "a", "name": "b"}"#,
            r#"{"$schema": "a", "$schema": "b"}"#,
            r#"{"groups": [{"name": "a"}, {"name": "b", "name": "c"}]}"#,
            r#"{"chnage": {}}"#,
            r#"{"change": {"name": "built-ins are only allowed at the top"}}"#,
            r#"{"groups": [{"$schema": "s"}]}"#,
            r#"{"ch\u0061nge": {"kind": "neither"}}"#,
            r#"{"groups": [{"name": "a"}, null]}"#,
            r#"{"change": {"date": "2013-02-30"}}"#,
            r#"{"assessed_on": "2013-13-01"}"#,
            r#"{"$schema": 1}"#,
            r#"{"name": 1}"#,
            r#"{"change": {"stated_reasons": ["a", null]}}"#,
            r#"{"outcomes": {"measures": "2"}}"#,
            r#"{"outcomes": 1}"#,
            "[]",
            "{} x",
            "{",
            "{} }",
            "{,}",
            r#"{"name" "a"}"#,
            r#"{"name": "a",}"#,
            r#"{"change": {"kind": "merger"}}}"#,
            r#"{"change": {"expects_savings": tru}}"#,
            r#"{"change": {"expects_savings": truex}}"#,
            r#"{"change": {"stated_reasons": ["a",]}}"#,
            r#"{"name": "\ud83d"}"#,
            r#"{"name": "\ude00\ud83d"}"#,
            r#"{"name": "\x"}"#,
            r#"{"name": "\u00g0"}"#,
            "{\"name\": \"a\tb\"}",
            r#"{"name": "unterminated}"#,
            r#"{"outcomes": {"measures": 01}}"#,
            r#"{"outcomes": {"measures": 1e400}}"#,
            r#"{"outcomes": {"measures": 1.}}"#,
            r#"{"outcomes": {"measures": +1}}"#,
            r#"{"outcomes": {"measures": -}}"#,
        ] {
            both_refuse(text, &vocabulary);
        }
    }

    /// A case of 70 yes-or-no fields at its top level, `f0` to `f69`.
    fn wide_vocabulary() -> Vocabulary {
        let names: Vec<String> = (0..70).map(|n| format!("f{n}")).collect();
        let facts = (0..70)
            .map(|slot| Fact {
                path: names[slot].clone(),
                ty: Type::Bool,
                question: None,
                after: None,
                asked_when: None,
                wording: Default::default(),
                place: Place::Case { slot },
                origin: Default::default(),
                in_use: true,
            })
            .collect();
        let root = shape(names.iter().enumerate().map(|(n, name)| (name.as_str(), fact(n))).collect());
        let mut vocabulary = Vocabulary { facts, root, case_slots: 70, plain_names: false };
        vocabulary.note_plain_names();
        vocabulary
    }

    /// Past 64 fields, fields 64 apart look alike to the fast path: it gives up on the
    /// second, and the full loader reads the case.
    #[test]
    fn objects_of_more_than_64_fields_are_read_whole() {
        let vocabulary = wide_vocabulary();
        fast_path_reads(r#"{"f0": true, "f63": false, "f65": true, "f69": false}"#, &vocabulary);
        let far_apart = r#"{"f1": true, "f65": false}"#;
        assert_eq!(fast::read_case(far_apart, &vocabulary), None);
        let case = parse_case(FILE, far_apart, &vocabulary).expect("a valid case");
        assert_eq!(
            (case.values[1].clone(), case.values[65].clone()),
            (Some(Value::Bool(true)), Some(Value::Bool(false)))
        );
        both_refuse(r#"{"f66": true, "f66": false}"#, &vocabulary);
    }

    #[test]
    fn names_that_are_not_plain_text_are_compared_unescaped() {
        let mut vocabulary = vocabulary();
        let Type::Enum(values) = &mut vocabulary.facts[0].ty else { panic!("`change.kind` is an enum") };
        values.push("a\"b".to_string());
        vocabulary.note_plain_names();
        assert!(!vocabulary.plain_names);
        fast_path_reads(r#"{"change": {"kind": "a\"b"}}"#, &vocabulary);
        both_refuse(r#"{"change": {"kind": "a\"c"}}"#, &vocabulary);
    }

    #[test]
    fn a_list_nothing_reads_is_checked_item_by_item_but_not_kept() {
        let mut vocabulary = vocabulary();
        // `groups` and its fields.
        for fact in &mut vocabulary.facts[4..9] {
            fact.in_use = false;
        }
        let text = r#"{"groups": [{"name": "a", "needs": "mild"}, {"name": "b", "contact": {"name": "c"}}]}"#;
        assert_eq!(fast::read_case(text, &vocabulary).expect("a valid case").value(4), None);
        for text in [
            r#"{"groups": [{"name": "a"}, {"needs": "severe"}]}"#,
            r#"{"groups": [{}, {"nme": "b"}]}"#,
            r#"{"groups": [{"name": "a"}, {"name": "b", "name": "c"}]}"#,
            r#"{"groups": [{"name": "a"}, []]}"#,
        ] {
            both_refuse(text, &vocabulary);
        }
    }

    /// Scalars for generated cases: a value of each type, right or wrong for the place.
    const SCALARS: [&str; 16] = [
        "null",
        "true",
        "false",
        "1",
        "2.5e1",
        "\"merger\"",
        "\"none\"",
        "\"mild\"",
        "\"2013-04-01\"",
        "\"2013-02-30\"",
        "\"t\\u00e9xt\"",
        "\"a\\\"b\"",
        "-1.5e-3",
        "\"\\ud83d\\ude00\"",
        "[[[]]]",
        "{\"a\": {}}",
    ];

    /// Texts for generated cases: plain, with every kind of escape, with characters
    /// outside ASCII, and some that are not valid JSON (a lone surrogate, a tab, a bad
    /// escape).
    const TEXTS: [&str; 10] = [
        "\"a\\\"b\"",
        "\"S-1\"",
        "\"\"",
        "\"a name longer than eight bytes\"",
        "\"\\\\ \\/ \\b\\f\\n\\r\\t \\u0041\"",
        "\"caf\u{e9} \u{1f600} \\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\udc00 after\"",
        "\"tab\there\"",
        "\"\\x\"",
    ];

    /// Numbers for generated cases, as serde_json reads them and not.
    const NUMBERS: [&str; 12] = [
        "1",
        "2.5e1",
        "-0",
        "0",
        "-1.5",
        "1E2",
        "1e400",
        "01",
        "2.",
        "123456789012345678901",
        "-0.0",
        "1.0e-2",
    ];

    /// A JSON object with up to four members named from `keys` (the test vocabulary's
    /// fields at one level, some escaped, and some not allowed there; names may repeat).
    fn json_object(keys: &'static [&'static str]) -> BoxedStrategy<String> {
        let member = proptest::sample::select(keys)
            .prop_flat_map(|key| json_value(key).prop_map(move |value| format!("\"{key}\": {value}")));
        proptest::collection::vec(member, 0..5)
            .prop_map(|members| format!("{{{}}}", members.join(", ")))
            .boxed()
    }

    /// A value for the field `key`: mostly of the field's type, sometimes any scalar.
    fn json_value(key: &'static str) -> BoxedStrategy<String> {
        let one_of = |values: &'static [&'static str]| {
            proptest::sample::select(values).prop_map(str::to_string).boxed()
        };
        let right = match key {
            "change" | "ch\\u0061nge" => {
                json_object(&["kind", "k\\u0069nd", "date", "expects_savings", "stated_reasons", "name"])
            }
            "groups" => proptest::collection::vec(
                json_object(&["name", "needs", "pooled_funding", "contact", "$schema"]),
                0..3,
            )
            .prop_map(|items| format!("[{}]", items.join(", ")))
            .boxed(),
            "contact" => json_object(&["name", "x"]),
            "outcomes" => json_object(&["measures", "x"]),
            "replaces" => json_object(&["name"]),
            "kind" | "k\\u0069nd" => one_of(&["\"merger\"", "\"none\"", "\"n\\u006fne\"", "\"neither\""]),
            "needs" => one_of(&["\"mild\"", "\"complex\""]),
            "date" | "assessed_on" => one_of(&["\"2013-04-01\"", "\"2013-02-30\"", "null"]),
            "expects_savings" | "pooled_funding" => one_of(&["true", "false"]),
            "stated_reasons" => {
                one_of(&["[]", "[\"a\", \"b\"]", "[\"a\", 1]", "[\"\\u00e9\", \"x\\ny\", \"\"]", "[[]]"])
            }
            "measures" => one_of(&NUMBERS),
            _ => one_of(&TEXTS),
        };
        prop_oneof![5 => right, 1 => one_of(&SCALARS)].boxed()
    }

    /// Keys of a generated case's top level.
    const ROOT_KEYS: [&str; 10] = [
        "name",
        "id",
        "assessed_on",
        "$schema",
        "change",
        "ch\\u0061nge",
        "groups",
        "outcomes",
        "replaces",
        "x",
    ];

    proptest::proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// The fast path reads what the full loader reads, as it does, and gives up on the
        /// rest; the only case it hands over valid is an `id` given as a number.
        /// Whitespace (spaces in the generated text become `space`; no generated string
        /// has one) and both ways of reading names, as written or unescaped first.
        #[test]
        fn the_fast_path_agrees_with_the_full_loader(
            text in json_object(&ROOT_KEYS),
            space in proptest::sample::select(&["", " ", "\n", "\t\r\n  "]),
            plain_names: bool,
        ) {
            let text = text.replace(' ', space);
            let mut vocabulary = vocabulary();
            vocabulary.plain_names = plain_names;
            let precise = load_precisely(FILE, &text, 0, &vocabulary).ok();
            match fast::read_case(&text, &vocabulary) {
                Some(case) => {
                    proptest::prop_assert_eq!(Some(&case), precise.as_ref());
                    // `==` takes -0 for 0: numbers must be the very same.
                    let bits = |case: &Case| -> Vec<u64> {
                        case.values.iter().filter_map(|v| match v {
                            Some(Value::Number(n)) => Some(n.to_bits()),
                            _ => None,
                        }).collect()
                    };
                    proptest::prop_assert_eq!(bits(&case), precise.as_ref().map(bits).unwrap_or_default());
                }
                None => {
                    let id = precise.as_ref().and_then(|case| case.id.as_deref());
                    let numeric_id = id.is_some_and(|id| id.parse::<f64>().is_ok());
                    proptest::prop_assert!(precise.is_none() || numeric_id, "{}", text);
                }
            }
        }
    }
}
