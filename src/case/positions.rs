//! Where each value and key of a case was written, by path, and the keys given twice:
//! `serde_json` keeps no positions and silently keeps the last of a repeated key. Used by
//! the precise loader to place its errors. It must only locate: it does not validate
//! (the text has already been parsed) and does not know the vocabulary.

use std::collections::HashMap;

use super::json::Reader;
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
        let json = Reader::starting_at(text, start);
        let mut scanner = Scanner { json, path: Vec::new(), frames: Vec::new(), out: Positions::default() };
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

/// Walks valid JSON text with an explicit stack (no nesting, however deep, can exhaust
/// the stack), recording spans by path. Its tokens (whitespace, punctuation, strings with
/// their escapes, numbers, literals) are read by the fast path's [`Reader`], so that one
/// piece of code reads JSON; the nesting is counted here, without the reader's limit.
struct Scanner<'t> {
    json: Reader<'t>,
    /// The path of the value being read.
    path: Vec<Step>,
    frames: Vec<Frame>,
    out: Positions,
}

impl Scanner<'_> {
    fn run(&mut self) -> Option<()> {
        loop {
            let byte = self.json.peek()?;
            let start = self.json.offset();
            match byte {
                b'{' | b'[' => {
                    if self.open(byte, start)? {
                        continue;
                    }
                }
                b'"' => {
                    self.json.string()?;
                }
                b't' | b'f' => {
                    self.json.bool()?;
                }
                b'n' => {
                    self.json.null()?;
                }
                _ => {
                    self.json.number()?;
                }
            }
            self.record(Span::new(start, self.json.offset()));
            if !self.next_member()? {
                return Some(());
            }
        }
    }

    /// Reads the `{` or `[` (`open`) at `start`. True when a member follows, ready to be
    /// read (an object's key and colon read); false when the container closes at once.
    fn open(&mut self, open: u8, start: usize) -> Option<bool> {
        self.json.expect(open)?;
        let close = if open == b'{' { b'}' } else { b']' };
        if self.json.peek()? == close {
            self.json.expect(close)?;
            return Some(false);
        }
        if open == b'{' {
            self.frames.push(Frame::Object { start, key: Span::default(), seen: HashMap::new() });
            self.member_key()?;
        } else {
            self.frames.push(Frame::Array { start, index: 0 });
            self.path.push(Step::Index(0));
        }
        Some(true)
    }

    /// After a value: closes the containers that end here and moves to the next member.
    /// `false` when the top-level value is complete.
    fn next_member(&mut self) -> Option<bool> {
        loop {
            if self.frames.is_empty() {
                return Some(false);
            }
            let byte = self.json.peek()?;
            self.json.expect(byte)?;
            let frame = self.frames.last_mut()?;
            match (frame, byte) {
                (Frame::Object { .. }, b',') => {
                    self.path.pop();
                    self.member_key()?;
                    return Some(true);
                }
                (Frame::Array { index, .. }, b',') => {
                    *index += 1;
                    let next = Step::Index(*index);
                    self.path.pop();
                    self.path.push(next);
                    return Some(true);
                }
                (Frame::Object { .. }, b'}') | (Frame::Array { .. }, b']') => {
                    self.path.pop();
                    let start = match self.frames.pop()? {
                        Frame::Object { start, .. } | Frame::Array { start, .. } => start,
                    };
                    self.record(Span::new(start, self.json.offset()));
                }
                _ => return None,
            }
        }
    }

    /// Reads `"key" :` of an object member, leaving the reader at its value.
    fn member_key(&mut self) -> Option<()> {
        self.json.peek()?;
        let start = self.json.offset();
        // Escapes resolved as serde resolves them, so that paths match serde's keys.
        let key = self.json.string()?.to_string();
        let span = Span::new(start, self.json.offset());
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
        self.json.colon()
    }

    fn record(&mut self, value: Span) {
        let key = match self.frames.last() {
            Some(Frame::Object { key, .. }) => Some(*key),
            _ => None,
        };
        self.out.by_path.insert(self.path.clone(), Located { key, value });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value as Json;

    use super::{Positions, Step};
    use crate::case::json::generated::{SPACE, json_text};

    /// Every value `serde_json` reads from `text` is located, at text that reads as that
    /// value, and every member's key at text that reads as its key.
    fn located_as_serde_reads(text: &str) {
        let Ok(json) = serde_json::from_str::<Json>(text) else { return };
        let positions = Positions::scan(text, 0);
        let mut pending = vec![(Vec::new(), &json)];
        while let Some((path, value)) = pending.pop() {
            let located = positions.get(&path).unwrap_or_else(|| panic!("{path:?} not located in {text}"));
            let written: Json = serde_json::from_str(&text[located.value.range()]).expect("a value");
            assert_eq!(&written, value, "{path:?} in {text}");
            if let Some(Step::Key(key)) = path.last() {
                let span = located.key.expect("a member's key is located");
                let written: String = serde_json::from_str(&text[span.range()]).expect("a key");
                assert_eq!(&written, key, "{path:?} in {text}");
            }
            let step = |step: Step| {
                let mut inner = path.clone();
                inner.push(step);
                inner
            };
            match value {
                Json::Object(members) => {
                    pending
                        .extend(members.iter().map(|(key, member)| (step(Step::Key(key.clone())), member)));
                }
                Json::Array(items) => {
                    pending.extend(
                        items.iter().enumerate().map(|(index, item)| (step(Step::Index(index)), item)),
                    );
                }
                _ => {}
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn every_value_serde_reads_is_located(
            text in json_text(),
            space in proptest::sample::select(&["", " ", "\n", "\t\r\n  "][..]),
        ) {
            located_as_serde_reads(&text.replace(SPACE, space));
        }
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
}
