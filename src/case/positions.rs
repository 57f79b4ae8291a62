//! Where each value and key of a case was written, by path, and the keys given twice:
//! `serde_json` keeps no positions and silently keeps the last of a repeated key. Used by
//! the precise loader to place its errors. It must only locate: it does not validate
//! (the text has already been parsed) and does not know the vocabulary.

use std::collections::HashMap;

use crate::ast::Span;

/// One step of a path into a JSON document: an object's key or an array's index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// A path as users write it: `groups[1].needs`.
pub(super) fn display(path: &[Step]) -> String {
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
pub(super) struct Located {
    /// Its key, quotes included, when it is an object member.
    pub(super) key: Option<Span>,
    /// The value itself.
    pub(super) value: Span,
}

/// A key given twice in one object.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Duplicate {
    /// The path of the member.
    pub(super) path: Vec<Step>,
    /// The first key.
    pub(super) first: Span,
    /// The repeated key.
    pub(super) second: Span,
}

/// The positions of every value in a JSON text, by path.
#[derive(Debug, Default)]
pub(super) struct Positions {
    /// Where each path was written. For a repeated key the last one wins, as in serde.
    by_path: HashMap<Vec<Step>, Located>,
    /// Keys given twice in the same object, in document order.
    pub(super) duplicates: Vec<Duplicate>,
}

impl Positions {
    /// Scans `text` (valid JSON from byte `start`) once, without recursion.
    pub(super) fn scan(text: &str, start: usize) -> Positions {
        let mut scanner =
            Scanner { text, pos: start, path: Vec::new(), frames: Vec::new(), out: Positions::default() };
        // `None` means the text was not the valid JSON promised; the positions found up
        // to that point are still right, and a missing one only costs a label.
        let _ = scanner.run();
        scanner.out
    }

    pub(super) fn get(&self, path: &[Step]) -> Option<Located> {
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

#[cfg(test)]
mod tests {
    use serde_json::Value as Json;

    use super::{Positions, Step};

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
}
