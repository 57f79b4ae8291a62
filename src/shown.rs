//! Text from a case, shown where a control character would do harm: in a line-based
//! output (`--format ids`), where a line break or a tab forges lines and fields, and in the
//! text reports, where an escape sequence moves the cursor or recolours a terminal.
//!
//! Such characters are shown as JSON writes them in a string: `\n`, `\r`, `\t`, and
//! `\u001b` for the others. They are the control characters (U+0000 to U+001F, U+007F to
//! U+009F), the line and paragraph separators (U+2028, U+2029), and the characters that
//! reorder text shown from left to right (U+202A to U+202E, U+2066 to U+2069).

use std::borrow::Cow;
use std::fmt::Write as _;

/// How a text is escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// Every control character; a backslash too, as `\\`, so that the escaped text tells
    /// the original exactly (for output that programs read: `--format ids`).
    Exactly,
    /// Every control character; a backslash is left as it is (for people: a text report).
    Controls,
    /// Every control character but the line break, which is the layout's own (a text of
    /// the rules, which a case does not write).
    KeepLineBreaks,
}

/// `text` with the characters that `how` escapes escaped; borrowed when there are none.
pub fn escaped(text: &str, how: Escape) -> Cow<'_, str> {
    let plain = |b: &u8| (0x20..0x7f).contains(b) && !(*b == b'\\' && how == Escape::Exactly);
    // Most texts are plain ASCII: one pass over the bytes, nothing copied.
    if text.as_bytes().iter().all(plain) {
        return Cow::Borrowed(text);
    }
    if !text.chars().any(|c| escapes(c, how)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !escapes(c, how) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            other => {
                let _ = write!(out, "\\u{:04x}", u32::from(other));
            }
        }
    }
    Cow::Owned(out)
}

/// Whether `how` escapes `c`.
fn escapes(c: char, how: Escape) -> bool {
    match c {
        '\n' => how != Escape::KeepLineBreaks,
        '\\' => how == Escape::Exactly,
        '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        for how in [Escape::Exactly, Escape::Controls, Escape::KeepLineBreaks] {
            assert!(matches!(escaped("Shire partnership", how), Cow::Borrowed(_)));
            assert!(matches!(escaped("Café “quoted”", how), Cow::Borrowed(_)));
        }
        assert!(matches!(escaped("a\\b", Escape::Controls), Cow::Borrowed(_)));
        assert!(matches!(escaped("one\n\ntwo", Escape::KeepLineBreaks), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_are_shown_as_json_writes_them() {
        let forged = "a\nevil\tmerger\u{1b}[31m\r\u{7}\u{7f}\u{85}\u{2028}\u{202e}z";
        assert_eq!(
            escaped(forged, Escape::Controls),
            "a\\nevil\\tmerger\\u001b[31m\\r\\u0007\\u007f\\u0085\\u2028\\u202ez"
        );
        assert_eq!(escaped("a\\n\n", Escape::Exactly), "a\\\\n\\n");
        assert_eq!(escaped("a\\n\n", Escape::Controls), "a\\n\\n");
        assert_eq!(escaped("one\n\ntwo\u{1b}[2J", Escape::KeepLineBreaks), "one\n\ntwo\\u001b[2J");
    }

    #[test]
    fn what_is_shown_has_no_control_character_left() {
        let every: String = (0..0x3000u32).filter_map(char::from_u32).collect();
        for how in [Escape::Exactly, Escape::Controls] {
            let shown = escaped(&every, how);
            assert!(!shown.chars().any(|c| escapes(c, Escape::Controls)), "{how:?}");
        }
    }
}
