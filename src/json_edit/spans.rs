//! Where each value of a JSON document was written, as a tree of spans in document
//! order (an object's members as written, a key given twice kept twice), for
//! [`super::splice`] to walk alongside the values. Its tokens are read by the case
//! loader's [`Reader`], so that one piece of code reads JSON. It only locates: it does
//! not decide what to change, and the text must already have been read by `serde_json`
//! (whose values the keys here must match).

use crate::case::json::Reader;

/// The deepest nesting followed (`serde_json`, which read the text first, stops at 128).
/// The reader's own nesting limit is not used: it stops sooner, at 100.
const MAX_DEPTH: usize = 256;

/// A value's place in the text.
#[derive(Debug, PartialEq)]
pub(super) struct Node {
    /// Where the value starts.
    pub(super) start: usize,
    /// Where it ends (past a closing bracket or quote).
    pub(super) end: usize,
    /// What is inside it.
    pub(super) kind: Kind,
}

/// What a [`Node`] holds.
#[derive(Debug, PartialEq)]
pub(super) enum Kind {
    /// `{`, its fields, and `}` at `end - 1`.
    Object(Vec<Member>),
    /// `[`, its items, and `]` at `end - 1`.
    Array(Vec<Node>),
    /// A string, number, `true`, `false` or `null`.
    Scalar,
}

/// One field of an object.
#[derive(Debug, PartialEq)]
pub(super) struct Member {
    /// The key, escapes resolved as `serde_json` resolves them.
    pub(super) key: String,
    /// Where the key starts (its opening quote).
    pub(super) key_start: usize,
    /// Where the key ends (past its closing quote).
    pub(super) key_end: usize,
    /// The field's value.
    pub(super) value: Node,
}

/// The tree of `text`; `None` if it is not a single JSON value (whitespace around it
/// allowed) or is nested too deep.
pub(super) fn read(text: &str) -> Option<Node> {
    let mut reader = Reader::new(text);
    let root = value(&mut reader, 0)?;
    reader.at_end().then_some(root)
}

/// The value that comes next.
fn value(reader: &mut Reader<'_>, depth: usize) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let byte = reader.peek()?;
    let start = reader.offset();
    let kind = match byte {
        b'{' => Kind::Object(members(reader, depth)?),
        b'[' => Kind::Array(items(reader, depth)?),
        b'"' => {
            reader.string()?;
            Kind::Scalar
        }
        b't' | b'f' => {
            reader.bool()?;
            Kind::Scalar
        }
        b'n' => {
            reader.null()?;
            Kind::Scalar
        }
        _ => {
            reader.number()?;
            Kind::Scalar
        }
    };
    Some(Node { start, end: reader.offset(), kind })
}

/// The members of the object that comes next, its braces read.
fn members(reader: &mut Reader<'_>, depth: usize) -> Option<Vec<Member>> {
    let mut members = Vec::new();
    if opens_empty(reader, b'{', b'}')? {
        return Some(members);
    }
    loop {
        reader.peek()?;
        let key_start = reader.offset();
        let key = reader.string()?.to_string();
        let key_end = reader.offset();
        reader.colon()?;
        let value = value(reader, depth + 1)?;
        members.push(Member { key, key_start, key_end, value });
        if !another(reader, b'}')? {
            return Some(members);
        }
    }
}

/// The items of the array that comes next, its brackets read.
fn items(reader: &mut Reader<'_>, depth: usize) -> Option<Vec<Node>> {
    let mut items = Vec::new();
    if opens_empty(reader, b'[', b']')? {
        return Some(items);
    }
    loop {
        items.push(value(reader, depth + 1)?);
        if !another(reader, b']')? {
            return Some(items);
        }
    }
}

/// Reads `open`: true, having read `close` too, if the container is empty. The nesting
/// is counted here (see [`MAX_DEPTH`]), so the reader's counted `open_object` and
/// `open_array` are not used.
fn opens_empty(reader: &mut Reader<'_>, open: u8, close: u8) -> Option<bool> {
    reader.expect(open)?;
    let empty = reader.peek()? == close;
    if empty {
        reader.expect(close)?;
    }
    Some(empty)
}

/// After a member or an item: true if another follows (its `,` read), false if the
/// container closes here (its `close` read).
fn another(reader: &mut Reader<'_>, close: u8) -> Option<bool> {
    match reader.peek()? {
        b',' => reader.expect(b',').map(|()| true),
        byte if byte == close => reader.expect(close).map(|()| false),
        _ => None,
    }
}
