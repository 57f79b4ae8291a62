//! The JSON tokeniser of case loading: it reads tokens one by one where the caller
//! expects them, with no tree and no visitor layers. The fast path reads a case with it
//! (guided by the vocabulary), the precise loader's position scanner finds where values
//! were written with it, and `json_edit` finds the values it writes answers into with it,
//! so that JSON is read by one piece of code.
//!
//! It is not a full JSON parser and need not be one. Everything it accepts it reads
//! exactly as `serde_json` does; anything unusual (an escape it does not know, a lone
//! surrogate, a deep nesting) makes it give up, `None`, and the full loader, which parses
//! with `serde_json`, takes over. It must not give up on a string or a number that
//! `serde_json` accepts: the position scanner and `json_edit` read text `serde_json` has
//! accepted, and would lose the places after it.

use crate::json_string::{first_special, word};

/// Objects and arrays nested deeper than this are left to the full loader. `serde_json`
/// refuses more than 128 levels; giving up well before spares matching its count exactly.
const MAX_DEPTH: u32 = 100;

/// The largest number of digits of an integer read here without `serde_json`: any such
/// integer fits a `u64` and is exact as an `f64` (below 2^53).
const EXACT_DIGITS: usize = 15;

/// A position in a JSON text, and a buffer for strings with escapes.
pub(crate) struct Reader<'t> {
    text: &'t str,
    pos: usize,
    /// How many objects and arrays are open.
    depth: u32,
    /// The unescaped text of the last string read that had escapes.
    scratch: String,
}

impl<'t> Reader<'t> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'t str) -> Reader<'t> {
        Reader::starting_at(text, 0)
    }

    /// A reader at byte `pos` of `text` (past a byte order mark, say), so that offsets
    /// are the whole text's.
    pub(super) fn starting_at(text: &'t str, pos: usize) -> Reader<'t> {
        Reader { text, pos, depth: 0, scratch: String::new() }
    }

    /// The byte offset of the reader in the text: after [`Reader::peek`], where the next
    /// token starts; after a read, where the token read ends.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not whitespace, without reading it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let byte = *self.bytes().get(self.pos)?;
        // Cases are mostly written compactly, one per line: no whitespace to skip.
        if byte > b' ' { Some(byte) } else { self.peek_after_whitespace() }
    }

    /// [`Reader::peek`] where there may be whitespace.
    fn peek_after_whitespace(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        while let Some(&byte) = bytes.get(self.pos) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.pos += 1;
        }
        None
    }

    /// Reads `byte` (after whitespace); `None` if something else comes. It counts no
    /// nesting: `{` and `[` read here are the caller's to match.
    #[inline]
    pub(crate) fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Whether the text ends here (but for whitespace).
    pub(crate) fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Opens an object or array with `open`; true if it closes at once with `close`.
    #[inline]
    fn open(&mut self, open: u8, close: u8) -> Option<bool> {
        self.expect(open)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.close_now(close)
    }

    /// True, having read `close`, if the container ends here.
    #[inline]
    fn close_now(&mut self, close: u8) -> Option<bool> {
        let closes = self.peek()? == close;
        if closes {
            self.pos += 1;
            self.depth -= 1;
        }
        Some(closes)
    }

    /// Opens an object: true if it is empty (and already closed).
    pub(super) fn open_object(&mut self) -> Option<bool> {
        self.open(b'{', b'}')
    }

    /// Opens an array: true if it is empty (and already closed).
    pub(super) fn open_array(&mut self) -> Option<bool> {
        self.open(b'[', b']')
    }

    /// After a member of an object: true if another follows (its `,` read), false if
    /// the object closes here.
    #[inline]
    pub(super) fn next_member(&mut self) -> Option<bool> {
        self.next(b'}')
    }

    /// After an item of an array: true if another follows, false if the array closes.
    #[inline]
    pub(super) fn next_item(&mut self) -> Option<bool> {
        self.next(b']')
    }

    #[inline]
    fn next(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.pos += 1;
                Some(true)
            }
            byte if byte == close => {
                self.pos += 1;
                self.depth -= 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Reads the `:` after a key.
    #[inline]
    pub(crate) fn colon(&mut self) -> Option<()> {
        self.expect(b':')
    }

    /// Reads `null` if it comes next: true if it did.
    #[inline]
    pub(crate) fn null(&mut self) -> Option<bool> {
        if self.peek()? != b'n' {
            return Some(false);
        }
        self.word("null").map(|()| true)
    }

    /// Reads `true` or `false`.
    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.word("true").map(|()| true),
            b'f' => self.word("false").map(|()| false),
            _ => None,
        }
    }

    /// Reads `word` (at the current position). What follows it is the caller's to check,
    /// as in `serde_json`: `truex` fails at the `x`, which is not a `,`.
    fn word(&mut self, word: &str) -> Option<()> {
        let rest = self.bytes().get(self.pos..)?;
        rest.starts_with(word.as_bytes()).then(|| self.pos += word.len())
    }

    /// Reads a number as `serde_json` reads it into an `f64`.
    pub(crate) fn number(&mut self) -> Option<f64> {
        self.peek()?;
        let start = self.pos;
        let bytes = self.bytes();
        let mut end = start;
        let mut plain = true;
        while let Some(&byte) = bytes.get(end) {
            match byte {
                b'0'..=b'9' => {}
                b'-' | b'+' | b'.' | b'e' | b'E' => plain = false,
                _ => break,
            }
            end += 1;
        }
        let token = &self.text[start..end];
        let digits = end - start;
        self.pos = end;
        // `serde_json` reads an integer that fits a `u64` as one and converts it; with at
        // most 15 digits that is exact. A leading zero (`01`) is not JSON.
        if plain && (1..=EXACT_DIGITS).contains(&digits) && (digits == 1 || bytes[start] != b'0') {
            return Some(token.bytes().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64);
        }
        // The rest (signs, fractions, exponents) are rare: `serde_json` reads them, the
        // token being exactly what it would read in place.
        serde_json::from_str::<f64>(token).ok()
    }

    /// Reads a string, escapes resolved. It is lent in place when it has no escapes, or
    /// else from the scratch buffer, until the next read.
    pub(crate) fn string(&mut self) -> Option<&str> {
        self.open_string()?;
        self.string_body()
    }

    /// Reads the opening quote of a string.
    #[inline]
    pub(super) fn open_string(&mut self) -> Option<()> {
        self.expect(b'"')
    }

    /// Reads a string whose opening quote is read (see [`Reader::string`]).
    pub(super) fn string_body(&mut self) -> Option<&str> {
        let start = self.pos;
        let end = self.special_from(start)?;
        let bytes = self.bytes();
        if bytes[end] == b'"' {
            self.pos = end + 1;
            // Quotes are ASCII, so `start` and `end` fall between characters.
            return self.text.get(start..end);
        }
        self.scratch.clear();
        self.scratch.push_str(self.text.get(start..end)?);
        self.escaped_rest(end)
    }

    /// True, having read it, if the string whose opening quote is read is `expected`
    /// written plainly (no escapes). `expected` must be plain string text (no quote,
    /// backslash or control character), or the text around it would be read otherwise.
    /// Comparing in place what the vocabulary expects spares scanning the string first:
    /// a wrong guess mostly fails on where the closing quote should be.
    #[inline]
    pub(super) fn string_is(&mut self, expected: &str) -> bool {
        let rest = &self.bytes()[self.pos..];
        let length = expected.len();
        let found = rest.get(length) == Some(&b'"') && same_bytes(&rest[..length], expected.as_bytes());
        if found {
            self.pos += length + 1;
        }
        found
    }

    /// Reads the rest of a string from an escape at `pos` into the scratch buffer.
    fn escaped_rest(&mut self, mut pos: usize) -> Option<&str> {
        let bytes = self.bytes();
        loop {
            match bytes[pos] {
                b'"' => {
                    self.pos = pos + 1;
                    return Some(&self.scratch);
                }
                b'\\' => pos = self.escape(pos + 1)?,
                _ => return None,
            }
            let end = self.special_from(pos)?;
            self.scratch.push_str(self.text.get(pos..end)?);
            pos = end;
        }
    }

    /// Resolves the escape whose letter is at `pos` into the scratch buffer; the
    /// position after it.
    fn escape(&mut self, pos: usize) -> Option<usize> {
        let resolved = match *self.bytes().get(pos)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(pos + 1),
            _ => return None,
        };
        self.scratch.push(resolved);
        Some(pos + 1)
    }

    /// Resolves `\uXXXX` (its digits at `pos`), or a surrogate pair `\uD8XX\uDCXX`; the
    /// position after it. A lone surrogate, which `serde_json` refuses, gives up.
    fn unicode_escape(&mut self, pos: usize) -> Option<usize> {
        let first = self.hex4(pos)?;
        let (code, end) = match first {
            0xD800..=0xDBFF => {
                let rest = self.bytes().get(pos + 4..pos + 6)?;
                if rest != b"\\u" {
                    return None;
                }
                let second = self.hex4(pos + 6)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                (0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), pos + 10)
            }
            0xDC00..=0xDFFF => return None,
            _ => (first, pos + 4),
        };
        self.scratch.push(char::from_u32(code)?);
        Some(end)
    }

    /// The four hex digits at `pos`.
    fn hex4(&self, pos: usize) -> Option<u32> {
        let digits = self.bytes().get(pos..pos + 4)?;
        digits.iter().try_fold(0u32, |code, &digit| Some(code * 16 + char::from(digit).to_digit(16)?))
    }

    /// The position of the first byte from `pos` that ends a run of plain string text: a
    /// quote, a backslash, or a control character (which JSON does not allow in strings).
    fn special_from(&self, pos: usize) -> Option<usize> {
        first_special(self.bytes().get(pos..)?).map(|offset| pos + offset)
    }
}

/// Whether `a` and `b` (of the same length) are equal, compared a word at a time and in
/// line: names are short, and a call to `memcmp` would cost more. A name shorter than a
/// word is compared as two pieces that may overlap, not byte by byte.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let length = a.len();
    match length {
        8.. => {
            let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
            // The last eight bytes, overlapping the last whole word, cover the remainder.
            let last = length - 8;
            a_words.zip(b_words).all(|(x, y)| word(x) == word(y)) && word(&a[last..]) == word(&b[last..])
        }
        4.. => {
            let half =
                |bytes: &[u8], at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four"));
            let last = length - 4;
            half(a, 0) == half(b, 0) && half(a, last) == half(b, last)
        }
        2.. => {
            let pair =
                |bytes: &[u8], at: usize| u16::from_le_bytes(bytes[at..at + 2].try_into().expect("two"));
            let last = length - 2;
            pair(a, 0) == pair(b, 0) && pair(a, last) == pair(b, last)
        }
        1 => a[0] == b[0],
        0 => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the reader makes of a JSON string, next to what `serde_json` makes of it: the
    /// same, or it gives up; and it reads every string `serde_json` reads (the position
    /// scanner relies on it).
    fn string_as_serde(text: &str) {
        let mut reader = Reader::new(text);
        let ours = reader.string().map(str::to_string).filter(|_| reader.at_end());
        let serde = serde_json::from_str::<String>(text).ok();
        if ours.is_some() || serde.is_some() {
            assert_eq!(ours, serde, "{text}");
        }
    }

    #[test]
    fn reads_strings_as_serde_json_does() {
        for text in [
            r#""""#,
            r#""plain""#,
            r#""a longer plain string, past eight bytes""#,
            r#""esc\"aped\\ \/ \b\f\n\r\t""#,
            r#""\u00e9\u2603\uD83D\uDE00 then more text after the pair""#,
            "\"caf\u{e9} \u{1f600}\"",
            r#""\uD83D""#,
            r#""\uDE00""#,
            r#""\uD83Dx""#,
            r#""\uD83D\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            "\"tab\tinside\"",
            "\"unterminated",
            "\"\\",
        ] {
            string_as_serde(text);
        }
    }

    #[test]
    fn names_of_every_length_differ_wherever_a_byte_differs() {
        for length in 0..24 {
            let name = vec![b'a'; length];
            assert!(same_bytes(&name, &name.clone()), "length {length}");
            for at in 0..length {
                let mut other = name.clone();
                other[at] = b'b';
                assert!(!same_bytes(&name, &other), "length {length}, at {at}");
            }
        }
    }

    /// What the reader makes of a number, next to what `serde_json` makes of it; it reads
    /// every number `serde_json` reads.
    fn number_as_serde(text: &str) {
        let mut reader = Reader::new(text);
        let ours = reader.number().filter(|_| reader.at_end());
        let serde = serde_json::from_str::<f64>(text).ok();
        if let Some(ours) = ours {
            let serde = serde.unwrap_or_else(|| panic!("serde refuses {text}"));
            assert_eq!(ours.to_bits(), serde.to_bits(), "{text}");
        } else {
            assert!(serde.is_none(), "serde reads {text}, the reader gives up");
        }
    }

    #[test]
    fn reads_numbers_as_serde_json_does() {
        for text in [
            "0",
            "7",
            "10",
            "123456789012345",
            "1234567890123456",
            "99999999999999999999",
            "-0",
            "-1",
            "01",
            "00",
            "1.5",
            "1.",
            ".5",
            "-",
            "1e3",
            "2.5e1",
            "1E+2",
            "1e-2",
            "0.1",
            "1.7976931348623157e309",
            "1-2",
            "+1",
            "1ee2",
        ] {
            number_as_serde(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_as_serde_json_reads_it(text in "\"([a-z\u{e9}\u{1f600}\" \\\\/\t]|\\\\u[0-9a-fA-FdD]{4}){0,12}\"?") {
            string_as_serde(&text);
        }

        #[test]
        fn any_number_reads_as_serde_json_reads_it(text in "-?[0-9]{0,20}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{0,3})?") {
            number_as_serde(&text);
        }

        #[test]
        fn any_float_reads_exactly(value in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL) {
            number_as_serde(&value.to_string());
            number_as_serde(&format!("{value:e}"));
        }
    }
}

/// Generated JSON texts for the properties of every reader of JSON in the crate (the
/// position scanner, the spans of `json_edit`), so that all are tried on the same texts.
#[cfg(test)]
pub(crate) mod generated {
    use proptest::prelude::{Strategy, prop_oneof};

    /// Stands for whitespace in generated JSON until a run chooses which.
    pub(crate) const SPACE: char = '\u{1}';

    /// JSON text, valid or not quite (leading zeros, numbers past the largest double), nested
    /// a few levels, keys few enough to repeat, strings with every kind of escape, numbers
    /// that a parsed value would round (`1e-400`, `-0`, big integers).
    pub(crate) fn json_text() -> impl Strategy<Value = String> {
        let string = "\"([a-z\u{e9}\u{1f600} /]|\\\\[\"\\\\/bfnrt]|\\\\u00e9|\\\\uD83D\\\\uDE00){0,6}\"";
        let number = "-?[0-9]{1,3}(\\.[0-9]{1,3})?([eE][-+]?[0-9]{1,3})?|-?0|1e-400|-?[1-9][0-9]{15,40}";
        let leaf = prop_oneof![
            string.prop_map(|s| s),
            number.prop_map(|s| s),
            proptest::sample::select(&["true", "false", "null"][..]).prop_map(str::to_string),
        ];
        leaf.prop_recursive(5, 48, 4, |inner| {
            let key =
                proptest::sample::select(&["\"a\"", "\"b\"", "\"\\u0061\"", "\"\"", "\"\\\"\\\\\""][..]);
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{SPACE}{}{SPACE}]", items.join(&format!("{SPACE},{SPACE}")))),
                proptest::collection::vec((key, inner), 0..4).prop_map(|members| {
                    let members: Vec<String> =
                        members.iter().map(|(key, value)| format!("{key}{SPACE}:{SPACE}{value}")).collect();
                    format!("{{{SPACE}{}{SPACE}}}", members.join(&format!("{SPACE},{SPACE}")))
                }),
            ]
        })
    }
}
