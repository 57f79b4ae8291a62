//! The shared lexical pieces of the parser: spans and offsets, white space and `#`
//! comments, keywords and symbols, names and fact paths, strings (escapes, folded white
//! space, interpolations), comma-separated lists, and recovery after an error at the next
//! item. Must not know any item or clause: those are in `items.rs` and `rule.rs`.

use nom::bytes::complete::{tag, take_while1};

use crate::ast::{DateStyle, FactPath, PathSegment, Span, Spanned, Text, TextPart};

use super::Parser;
use super::errors::{Expected, PResult, SyntaxError, cut, fail};
use super::keywords::{RESERVED, starts_item};

impl<'s> Parser<'s> {
    pub(super) fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    pub(super) fn span(&self, before: &str, after: &str) -> Span {
        Span::new(self.offset(before), self.offset(after))
    }

    /// The span of the token starting at `i` (after white space), for error marks.
    pub(super) fn token_span(&self, i: &str) -> Span {
        let i = skip_space(i);
        let start = self.offset(i);
        let len = match i.chars().next() {
            None => 0,
            Some(c) if is_name_char(c) => i.find(|c: char| !is_name_char(c)).unwrap_or(i.len()),
            Some(c) => c.len_utf8(),
        };
        Span::new(start, start + len)
    }

    /// The next line after the error that starts with a top-level keyword.
    pub(super) fn recover(&self, item_start: &'s str, error_at: &'s str) -> &'s str {
        // Resume after the error, but never at the item that just failed.
        let first_char = item_start.chars().next().map_or(0, char::len_utf8);
        let from = if error_at.len() < item_start.len() { error_at } else { &item_start[first_char..] };
        let mut rest = from;
        while let Some(newline) = rest.find('\n') {
            rest = &rest[newline + 1..];
            if starts_item(rest) {
                return rest;
            }
        }
        ""
    }

    pub(super) fn keyword<'a>(&self, i: &'a str, word: &'static str) -> PResult<'a, &'a str> {
        let start = skip_space(i);
        match start.strip_prefix(word) {
            Some(rest) if !rest.starts_with(is_name_char) => Ok((rest, &start[..word.len()])),
            _ => fail(start, Expected::Token(word)),
        }
    }

    pub(super) fn symbol<'a>(&self, i: &'a str, symbol: &'static str) -> PResult<'a, &'a str> {
        let start = skip_space(i);
        tag::<_, _, SyntaxError<'a>>(symbol)(start)
            .map_err(|_| nom::Err::Error(SyntaxError { at: start, expected: Expected::Token(symbol) }))
    }

    pub(super) fn peek_keyword(&self, i: &str, word: &str) -> bool {
        starts_with_word(skip_space(i), word)
    }

    /// A word: letters, digits and `_`, not starting with a digit.
    pub(super) fn word<'a>(&self, i: &'a str) -> PResult<'a, &'a str> {
        let start = skip_space(i);
        if !start.starts_with(is_name_start) {
            return fail(start, Expected::Name);
        }
        take_while1(is_name_char)(start)
    }

    /// A name that is not a reserved word.
    pub(super) fn name(&self, i: &'s str) -> PResult<'s, Spanned<String>> {
        let start = skip_space(i);
        let (rest, word) = self.word(start)?;
        if RESERVED.contains(&word) {
            return fail(start, Expected::Name);
        }
        Ok((rest, Spanned::new(word.to_string(), self.span(start, rest))))
    }

    /// `change.kind`, `groups[].needs`
    pub(super) fn path(&self, i: &'s str) -> PResult<'s, Spanned<FactPath>> {
        let start = skip_space(i);
        let (mut rest, first) =
            self.name(start).map_err(|e| e.map(|e| SyntaxError { expected: Expected::Path, ..e }))?;
        let mut segments = vec![PathSegment { name: first.node, each: false }];
        loop {
            if let Some(after) = rest.strip_prefix("[]") {
                segments.last_mut().expect("a path has a first segment").each = true;
                rest = after;
            }
            let Some(after_dot) = rest.strip_prefix('.') else { break };
            let (after, segment) =
                take_while1(is_name_char)(after_dot).map_err(|_: nom::Err<SyntaxError>| {
                    nom::Err::Failure(SyntaxError { at: after_dot, expected: Expected::Name })
                })?;
            segments.push(PathSegment { name: segment.to_string(), each: false });
            rest = after;
        }
        segments.shrink_to_fit();
        Ok((rest, Spanned::new(FactPath { segments }, self.span(start, rest))))
    }

    /// A plain string: escapes resolved, white space across lines folded.
    pub(super) fn string(&self, i: &'s str) -> PResult<'s, Spanned<String>> {
        let (rest, text) = self.text(i, false)?;
        let plain = text.node.parts.into_iter().map(|part| match part {
            TextPart::Literal(s) => s,
            TextPart::Interpolation { .. } => unreachable!("plain strings have no interpolations"),
        });
        Ok((rest, Spanned::new(plain.collect(), text.span)))
    }

    /// A string; with `interpolate`, `{expression}` parts are parsed too.
    pub(super) fn text(&self, i: &'s str, interpolate: bool) -> PResult<'s, Spanned<Text>> {
        let start = skip_space(i);
        let Some(mut rest) = start.strip_prefix('"') else {
            return fail(start, Expected::String);
        };
        let mut parts = Vec::new();
        // What was typed is folded (line breaks to spaces); what was escaped is kept.
        let mut typed = String::new();
        let mut literal = String::new();
        loop {
            let mut chars = rest.chars();
            match chars.next() {
                None => {
                    return Err(nom::Err::Failure(SyntaxError {
                        at: start,
                        expected: Expected::EndOfString,
                    }));
                }
                Some('"') => {
                    rest = chars.as_str();
                    break;
                }
                Some('\\') => {
                    let escaped = match chars.next() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('{') => '{',
                        Some('}') => '}',
                        Some('n') => '\n',
                        _ => {
                            return Err(nom::Err::Failure(SyntaxError {
                                at: rest,
                                expected: Expected::Escape,
                            }));
                        }
                    };
                    literal.push_str(&fold_space(&std::mem::take(&mut typed)));
                    literal.push(escaped);
                    rest = chars.as_str();
                }
                Some('{') if interpolate => {
                    literal.push_str(&fold_space(&std::mem::take(&mut typed)));
                    if !literal.is_empty() {
                        let mut run = std::mem::take(&mut literal);
                        run.shrink_to_fit();
                        parts.push(TextPart::Literal(run));
                    }
                    let (after, part) = cut(self.interpolation(chars.as_str()))?;
                    parts.push(part);
                    rest = after;
                }
                Some(_) => {
                    // The characters up to the next that may mean something, at once: a
                    // text is mostly plain words.
                    let end = memchr::memchr3(b'"', b'\\', b'{', &rest.as_bytes()[1..])
                        .map_or(rest.len(), |at| at + 1);
                    typed.push_str(&rest[..end]);
                    rest = &rest[end..];
                }
            }
        }
        literal.push_str(&fold_space(&typed));
        if !literal.is_empty() || parts.is_empty() {
            literal.shrink_to_fit();
            parts.push(TextPart::Literal(literal));
        }
        // Kept for as long as the rule base is compiled: no room to spare (a file of
        // many small rules took 44 times its size in memory).
        parts.shrink_to_fit();
        Ok((rest, Spanned::new(Text { parts }, self.span(start, rest))))
    }

    /// `change.date + 18 months as month}` (after the `{`)
    fn interpolation(&self, i: &'s str) -> PResult<'s, TextPart> {
        let (rest, expr) = self.expr(i)?;
        let (rest, style) = match self.keyword(rest, "as") {
            Ok((after_as, _)) => {
                let (after, _) = cut(self.keyword(after_as, "month"))?;
                (after, DateStyle::Month)
            }
            Err(_) => (rest, DateStyle::Day),
        };
        let (rest, _) = self.symbol(rest, "}")?;
        Ok((rest, TextPart::Interpolation { expr, style }))
    }

    pub(super) fn phrase<'a>(&self, i: &'a str, words: &[&'static str]) -> PResult<'a, ()> {
        let mut rest = i;
        for word in words {
            rest = self.keyword(rest, word)?.0;
        }
        Ok((rest, ()))
    }

    pub(super) fn comma_separated<T>(
        &self,
        i: &'s str,
        item: impl Fn(&Self, &'s str) -> PResult<'s, T>,
    ) -> PResult<'s, Vec<T>> {
        let (mut rest, first) = item(self, i)?;
        let mut items = vec![first];
        while let Ok((after_comma, _)) = self.symbol(rest, ",") {
            let (after, next) = cut(item(self, after_comma))?;
            items.push(next);
            rest = after;
        }
        Ok((rest, items))
    }

    pub(super) fn optional_string_after(
        &self,
        i: &'s str,
        keyword: &'static str,
    ) -> PResult<'s, Option<Spanned<String>>> {
        match self.keyword(i, keyword) {
            Ok((rest, _)) => cut(self.string(rest)).map(|(rest, s)| (rest, Some(s))),
            Err(_) => Ok((i, None)),
        }
    }
}

pub(super) fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// Whether `word` can be written as a name: a letter or `_`, then letters, digits and `_`,
/// and not a reserved word.
pub(crate) fn is_name(word: &str) -> bool {
    word.starts_with(is_name_start) && word.chars().all(is_name_char) && !RESERVED.contains(&word)
}

pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Skips white space and `#` comments.
pub(super) fn skip_space(mut i: &str) -> &str {
    loop {
        let trimmed = i.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            i = comment.find('\n').map_or("", |end| &comment[end..]);
        } else {
            return trimmed;
        }
    }
}

pub(super) fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word).is_some_and(|rest| !rest.starts_with(is_name_char))
}

/// Folds white space that spans lines into one space, and a blank line into a paragraph
/// break, so long texts can be wrapped freely in the rule file.
pub(super) fn fold_space(text: &str) -> String {
    // Run by run, not character by character: texts are most of a rule file's bytes, and
    // most of their characters are not white space.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(char::is_whitespace) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run.find(|c: char| !c.is_whitespace()).unwrap_or(run.len());
        out.push_str(fold_run(&run[..end]));
        rest = &run[end..];
    }
    out.push_str(rest);
    out
}

/// A run of white space folded: kept within a line, one space across a line break, a
/// paragraph break across a blank line.
fn fold_run(run: &str) -> &str {
    match memchr::memchr_iter(b'\n', run.as_bytes()).count() {
        0 => run,
        1 => " ",
        _ => "\n\n",
    }
}
