//! The formatter's scanner: a rule file split into words, symbols, strings (with their
//! interpolations) and comments, each with the white space before it. Must not decide
//! layout: it only says what the tokens are and how they were spaced.

use crate::syntax::is_name_char;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Letters, digits and `_`: names, keywords, numbers, parts of dates.
    Word,
    /// Any other character outside strings and comments: `(`, `,`, `=`, `.` ...
    Symbol,
    /// A string with its quotes, as written (line breaks included).
    Str,
    /// `#` to the end of the line, without trailing white space.
    Comment,
}

#[derive(Clone, Debug)]
pub(super) struct Token<'s> {
    pub(super) kind: Kind,
    pub(super) text: &'s str,
    /// Line breaks in the white space before the token.
    pub(super) newlines: usize,
    /// Whether any white space comes before the token.
    pub(super) space: bool,
    /// Whether the token's line has white space before it (for a token first on its line).
    pub(super) indented: bool,
    /// Directly after a `.`: a segment of a fact path, never a keyword.
    pub(super) after_dot: bool,
}

impl Token<'_> {
    /// First on its line (or in the file).
    pub(super) fn own_line(&self, index: usize) -> bool {
        self.newlines > 0 || index == 0
    }

    /// A word that can be a keyword (not a segment of a path).
    pub(super) fn keyword(&self) -> Option<&str> {
        (self.kind == Kind::Word && !self.after_dot).then_some(self.text)
    }
}

/// Splits a rule file into tokens. Strings are single tokens; whether a string may hold
/// `{interpolations}` (which may hold strings and comments of their own) follows from the
/// keyword before it, as in the parser: the question after `ask`, and the title and text
/// after `recommend`, `warn` or `note` in a rule.
pub(super) fn scan(src: &str) -> Vec<Token<'_>> {
    #[derive(PartialEq)]
    enum Context {
        Rule,
        Source,
        Other,
    }
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut context = Context::Other;
    let mut interpolated_strings_due: u8 = 0;
    let mut i = 0;
    let mut newlines = 0;
    let mut space = false;
    let mut indented = false;
    while let Some(c) = src[i..].chars().next() {
        if c.is_whitespace() {
            if c == '\n' {
                newlines += 1;
                indented = false;
            } else {
                indented = true;
            }
            space = true;
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let kind = if c == '#' {
            i += src[i..].find('\n').unwrap_or(src.len() - i);
            Kind::Comment
        } else if c == '"' {
            let interpolate = interpolated_strings_due > 0;
            interpolated_strings_due = interpolated_strings_due.saturating_sub(1);
            i = string_end(src, i, interpolate);
            Kind::Str
        } else if is_name_char(c) {
            i += src[i..].find(|c: char| !is_name_char(c)).unwrap_or(src.len() - i);
            Kind::Word
        } else {
            i += c.len_utf8();
            Kind::Symbol
        };
        let text = if kind == Kind::Comment { src[start..i].trim_end() } else { &src[start..i] };
        let after_dot = !space && tokens.last().is_some_and(|t| t.kind == Kind::Symbol && t.text == ".");
        if tokens.is_empty() && !space {
            indented = false;
        }
        let token = Token { kind, text, newlines, space, indented, after_dot };
        match token.keyword() {
            Some("rule") => context = Context::Rule,
            Some("source") => context = Context::Source,
            Some("fact" | "lessons" | "define") => context = Context::Other,
            Some("ask" | "label" | "says") => interpolated_strings_due = 1,
            Some("recommend" | "warn") => interpolated_strings_due = 2,
            Some("note") if context == Context::Rule => interpolated_strings_due = 2,
            _ => {}
        }
        tokens.push(token);
        newlines = 0;
        space = false;
        indented = false;
    }
    tokens
}

/// The offset just after the string that starts at `start` (or the end of the text).
fn string_end(src: &str, start: usize, interpolate: bool) -> usize {
    let bytes = src.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'{' if interpolate => {
                // An expression: it ends at `}`, and may hold plain strings and comments.
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'"' => i = string_end(src, i, false),
                        b'#' => i += src[i..].find('\n').unwrap_or(src.len() - i),
                        b'}' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    src.len()
}
