//! Stage 1: rule file text to syntax tree ([`crate::ast`]), with nom.
//!
//! Every node records the byte range it was parsed from. Inputs are always suffixes of the
//! file, so a position is `file.len() - rest.len()`. A syntax error stops the item it is in;
//! the parser then resumes at the next line that starts with a top-level keyword, so one
//! run reports every broken item.

use std::cell::Cell;

use nom::IResult;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::error::{ErrorKind, ParseError};

use crate::ast::*;
use crate::diag::{Diagnostic, MAX_REPORTED_PER_FILE};
use crate::value::{Date, Duration, DurationUnit};

mod expr;

/// The keywords that start a top-level item. `priority` does so only before `scale`, and
/// `policy` only before `every` (see [`starts_item`]): elsewhere they are a rule's clause,
/// or a name.
pub const ITEM_KEYWORDS: [&str; 9] =
    ["rule", "source", "fact", "evidence", "priority", "lessons", "define", "words", "policy"];

/// Words that cannot name a fact, a variable or a rule, because the grammar gives them a
/// meaning where a name could also stand.
const RESERVED: [&str; 34] = [
    "allow",
    "words",
    "contradicts",
    "overrides",
    "define",
    "highest",
    "lowest",
    "lessons",
    "and",
    "or",
    "not",
    "is",
    "in",
    "contains",
    "where",
    "when",
    "for",
    "each",
    "recommend",
    "warn",
    "note",
    "cite",
    "lesson",
    "evidence",
    "rule",
    "source",
    "fact",
    "ask",
    "true",
    "false",
    "as_of",
    "any",
    "all",
    "count",
];

/// What the parser expected where it failed. Each variant's doc shows an input that
/// triggers it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// `bogus x` at the top level.
    Item,
    /// `rule x when a warn "t"` (the text is missing): a particular word or symbol.
    Token(&'static str),
    /// `rule 42`: a name.
    Name,
    /// `fact 42 is text`: a fact path.
    Path,
    /// `title Glasby`: a string in double quotes.
    String,
    /// `year "n.d."`: a year.
    Year,
    /// `when and`: a value or condition.
    Expression,
    /// `fact x is colour`: a type.
    FactType,
    /// `when ((((((...` nested more than [`MAX_NESTING`] deep.
    ShallowerNesting,
    /// `rule x when a when b`: a clause given twice.
    DuplicateClause(&'static str),
    /// `fact x is text label "a" label "b"`: a second label.
    SecondLabel,
    /// `rule x when a` followed by `frobnicate`: a rule clause.
    Clause,
    /// `source s wibble "x"`: a field of a source.
    SourceField,
    /// `title "unterminated`: the closing quote.
    EndOfString,
    /// `"\q"`: a valid escape.
    Escape,
    /// `rule r warn "t" "x" cite s` (no `when`): a clause every rule needs.
    MissingClause(&'static str),
    /// `when d is 2013-02-30`: a real date.
    ValidDate(String),
    /// `when x is 1.5 months`: a whole number of days, weeks, months or years.
    WholeDuration,
    /// `when x is 1000...0` (400 digits): a number no larger than a double holds, which
    /// would otherwise be infinity and equal every number.
    FiniteNumber,
    /// `words w after 2013-04-01 "x"`: a line of a `words` item.
    WordsEntry,
    /// `words w before April "x"`: a date.
    Date,
    /// `policy every rule is short`: one of the requirements a policy can state.
    Requirement,
    /// `a = b`, `a && b`, `!a`, `a is one of b, c`, `a in (b, c)`: what other languages
    /// write, found where accord wants `wanted`; `help` says what to write instead, in the
    /// author's own terms where it can.
    Instead {
        /// What was written, as written.
        found: String,
        /// What accord expected there, as the message says it (`` `is` or `==` ``).
        wanted: &'static str,
        /// The fix.
        help: String,
    },
}

/// A syntax error: where, and what was expected there.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError<'s> {
    at: &'s str,
    expected: Expected,
}

impl<'s> ParseError<&'s str> for SyntaxError<'s> {
    fn from_error_kind(input: &'s str, _kind: ErrorKind) -> Self {
        SyntaxError { at: input, expected: Expected::Expression }
    }

    fn append(_input: &'s str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two failed alternatives, the one that got further explains more.
    fn or(self, other: Self) -> Self {
        if other.at.len() < self.at.len() { other } else { self }
    }
}

type PResult<'s, T> = IResult<&'s str, T, SyntaxError<'s>>;

fn fail<'s, T>(at: &'s str, expected: Expected) -> PResult<'s, T> {
    Err(nom::Err::Error(SyntaxError { at, expected }))
}

/// Turns a recoverable error into a committed one: once a keyword has said what is being
/// parsed, a failure is the user's mistake, not a cue to try something else.
fn cut<'s, T>(result: PResult<'s, T>) -> PResult<'s, T> {
    result.map_err(|e| match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

/// Parses one rule file. Returns what could be parsed and a diagnostic per syntax error.
/// A carriage return not followed by a line feed ends a line, as a line feed does (see
/// [`crate::load::normalise_line_breaks`]; places are unchanged).
pub fn parse_file(path: &str, src: &str) -> (RuleFile, Vec<Diagnostic>) {
    let src = crate::load::normalise_line_breaks(src);
    let parser = Parser { src: &src, path, depth: Cell::new(0) };
    parser.file()
}

struct Parser<'s> {
    src: &'s str,
    path: &'s str,
    /// How deeply the expression being parsed nests; bounded so that no input can
    /// overflow the stack of the parser or of the stages after it.
    depth: Cell<usize>,
}

/// The deepest an expression may nest (brackets, `not`, quantifiers, chains of `and`,
/// `or`, `+` and `-`).
pub const MAX_NESTING: usize = 50;

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Skips white space and `#` comments.
fn skip_space(mut i: &str) -> &str {
    loop {
        let trimmed = i.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            i = comment.find('\n').map_or("", |end| &comment[end..]);
        } else {
            return trimmed;
        }
    }
}

impl<'s> Parser<'s> {
    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn span(&self, before: &str, after: &str) -> Span {
        Span::new(self.offset(before), self.offset(after))
    }

    /// The span of the token starting at `i` (after white space), for error marks.
    fn token_span(&self, i: &str) -> Span {
        let i = skip_space(i);
        let start = self.offset(i);
        let len = match i.chars().next() {
            None => 0,
            Some(c) if is_name_char(c) => i.find(|c: char| !is_name_char(c)).unwrap_or(i.len()),
            Some(c) => c.len_utf8(),
        };
        Span::new(start, start + len)
    }

    fn file(&self) -> (RuleFile, Vec<Diagnostic>) {
        let mut items = Vec::new();
        let mut diagnostics = Vec::new();
        let mut omitted = 0;
        let mut i = skip_space(self.src);
        while !i.is_empty() {
            self.depth.set(0);
            match self.item(i) {
                Ok((rest, item)) => {
                    items.push(item);
                    i = skip_space(rest);
                }
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    // The first errors of the file are kept, the others counted.
                    if diagnostics.len() < MAX_REPORTED_PER_FILE {
                        diagnostics.push(self.diagnostic(&e));
                    } else {
                        omitted += 1;
                    }
                    i = skip_space(self.recover(i, e.at));
                }
                Err(nom::Err::Incomplete(_)) => unreachable!("complete parsers never ask for more"),
            }
        }
        if omitted > 0 {
            diagnostics.push(Diagnostic::omitted(Some(self.path), true, omitted));
        }
        items.shrink_to_fit();
        (RuleFile { items }, diagnostics)
    }

    /// The next line after the error that starts with a top-level keyword.
    fn recover(&self, item_start: &'s str, error_at: &'s str) -> &'s str {
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

    fn diagnostic(&self, e: &SyntaxError<'_>) -> Diagnostic {
        let mut span = self.token_span(e.at);
        if let Expected::Instead { found, .. } = &e.expected {
            let start = self.offset(skip_space(e.at));
            span = Span::new(start, start + found.len());
        }
        if matches!(e.expected, Expected::ValidDate(_) | Expected::WholeDuration | Expected::FiniteNumber) {
            // Mark the whole literal, not just its first digits.
            let at = skip_space(e.at);
            let len = at.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.')).unwrap_or(at.len());
            span = Span::new(self.offset(at), self.offset(at) + len);
        }
        let found = describe_found(skip_space(e.at));
        let (code, message, label, help) = match &e.expected {
            Expected::EndOfString => (
                "E0102",
                "unterminated string".to_string(),
                "this string is never closed".to_string(),
                Some("add the closing `\"`".to_string()),
            ),
            Expected::Escape => (
                "E0106",
                format!("unknown escape `{}`", skip_space(e.at).chars().take(2).collect::<String>()),
                "not an escape".to_string(),
                Some("the escapes are `\\\"`, `\\\\`, `\\{`, `\\}` and `\\n`".to_string()),
            ),
            Expected::ValidDate(why) => {
                ("E0103", format!("invalid date: {why}"), "not a date".to_string(), None)
            }
            Expected::MissingClause(clause) => (
                "E0104",
                format!("rule {found} has no {}", clause_name(clause)),
                "incomplete rule".to_string(),
                help_for(&e.expected, ""),
            ),
            Expected::DuplicateClause(clause) => (
                "E0105",
                format!("this rule already has its {}", clause_name(clause)),
                "given again here".to_string(),
                Some("a rule has one condition and one piece of advice; combine conditions with `and` or `or`, or write a second rule".to_string()),
            ),
            Expected::SecondLabel => (
                "E0105",
                "this item already has its `label`".to_string(),
                "given again here".to_string(),
                Some("a fact or derived fact has one label: keep the one that reads best".to_string()),
            ),
            Expected::ShallowerNesting => (
                "E0108",
                format!("this expression nests more than {MAX_NESTING} levels deep"),
                "too deep".to_string(),
                Some("brackets, `not`, `any` and `all` each add a level, as does each `and`, `or`, `+` or `-` in a chain; split the condition into simpler rules".to_string()),
            ),
            Expected::WholeDuration => (
                "E0107",
                "a duration must be a whole number".to_string(),
                "a whole number is needed here".to_string(),
                Some("write `18 months`, or `45 days` for part of a month".to_string()),
            ),
            Expected::FiniteNumber => (
                "E0109",
                "this number is too large".to_string(),
                "more than accord can compute with".to_string(),
                Some("a number has at most 309 digits before its point (up to about 1.8e308); is a digit repeated by mistake?".to_string()),
            ),
            Expected::Instead { found, wanted, help } => (
                "E0101",
                format!("expected {wanted}, found `{found}`"),
                format!("expected {wanted}"),
                Some(help.clone()),
            ),
            expected => {
                let what = describe_expected(expected);
                (
                    "E0101",
                    format!("expected {what}, found {found}"),
                    format!("expected {what}"),
                    help_for(expected, skip_space(e.at)),
                )
            }
        };
        Diagnostic::error(code, message).at(self.path, span, label).maybe_help(help)
    }

    // ----- tokens -----

    fn keyword<'a>(&self, i: &'a str, word: &'static str) -> PResult<'a, &'a str> {
        let start = skip_space(i);
        match start.strip_prefix(word) {
            Some(rest) if !rest.starts_with(is_name_char) => Ok((rest, &start[..word.len()])),
            _ => fail(start, Expected::Token(word)),
        }
    }

    fn symbol<'a>(&self, i: &'a str, symbol: &'static str) -> PResult<'a, &'a str> {
        let start = skip_space(i);
        tag::<_, _, SyntaxError<'a>>(symbol)(start)
            .map_err(|_| nom::Err::Error(SyntaxError { at: start, expected: Expected::Token(symbol) }))
    }

    fn peek_keyword(&self, i: &str, word: &str) -> bool {
        starts_with_word(skip_space(i), word)
    }

    /// A word: letters, digits and `_`, not starting with a digit.
    fn word<'a>(&self, i: &'a str) -> PResult<'a, &'a str> {
        let start = skip_space(i);
        if !start.starts_with(is_name_start) {
            return fail(start, Expected::Name);
        }
        take_while1(is_name_char)(start)
    }

    /// A name that is not a reserved word.
    fn name(&self, i: &'s str) -> PResult<'s, Spanned<String>> {
        let start = skip_space(i);
        let (rest, word) = self.word(start)?;
        if RESERVED.contains(&word) {
            return fail(start, Expected::Name);
        }
        Ok((rest, Spanned::new(word.to_string(), self.span(start, rest))))
    }

    /// `change.kind`, `groups[].needs`
    fn path(&self, i: &'s str) -> PResult<'s, Spanned<FactPath>> {
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
    fn string(&self, i: &'s str) -> PResult<'s, Spanned<String>> {
        let (rest, text) = self.text(i, false)?;
        let plain = text.node.parts.into_iter().map(|part| match part {
            TextPart::Literal(s) => s,
            TextPart::Interpolation { .. } => unreachable!("plain strings have no interpolations"),
        });
        Ok((rest, Spanned::new(plain.collect(), text.span)))
    }

    /// A string; with `interpolate`, `{expression}` parts are parsed too.
    fn text(&self, i: &'s str, interpolate: bool) -> PResult<'s, Spanned<Text>> {
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
                Some(c) => {
                    typed.push(c);
                    rest = chars.as_str();
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

    // ----- items -----

    fn item(&self, i: &'s str) -> PResult<'s, Item> {
        let start = skip_space(i);
        if self.peek_keyword(start, "rule") {
            self.rule(start).map(|(rest, rule)| (rest, Item::Rule(Box::new(rule))))
        } else if self.peek_keyword(start, "source") {
            self.source(start).map(|(rest, source)| (rest, Item::Source(Box::new(source))))
        } else if self.peek_keyword(start, "fact") {
            self.fact(start).map(|(rest, fact)| (rest, Item::Fact(Box::new(fact))))
        } else if self.peek_keyword(start, "evidence") {
            self.evidence_scale(start).map(|(rest, levels)| (rest, Item::EvidenceScale(levels)))
        } else if self.peek_keyword(start, "priority") {
            self.priority_scale(start).map(|(rest, levels)| (rest, Item::PriorityScale(levels)))
        } else if self.peek_keyword(start, "define") {
            self.definition(start).map(|(rest, definition)| (rest, Item::Definition(Box::new(definition))))
        } else if self.peek_keyword(start, "words") {
            self.words(start).map(|(rest, words)| (rest, Item::Words(Box::new(words))))
        } else if self.peek_keyword(start, "lessons") {
            self.lessons(start).map(|(rest, lessons)| (rest, Item::Lessons(lessons)))
        } else if self.peek_keyword(start, "policy") {
            self.policy(start).map(|(rest, requirements)| (rest, Item::Policy(requirements)))
        } else {
            fail(start, Expected::Item)
        }
    }

    /// `evidence scale research_finding "research finding" research_suggests "..."`
    fn evidence_scale(&self, i: &'s str) -> PResult<'s, Vec<EvidenceLevel>> {
        let (rest, _) = self.keyword(i, "evidence")?;
        let (rest, _) = cut(self.keyword(rest, "scale"))?;
        let (rest, pairs) = self.named_strings(rest)?;
        Ok((rest, pairs.into_iter().map(|(key, label)| EvidenceLevel { key, label }).collect()))
    }

    /// `priority scale act_now "act now" plan_for "plan for" consider "consider"`
    fn priority_scale(&self, i: &'s str) -> PResult<'s, Vec<PriorityLevel>> {
        let (rest, _) = self.keyword(i, "priority")?;
        let (rest, _) = cut(self.keyword(rest, "scale"))?;
        let (rest, pairs) = self.named_strings(rest)?;
        Ok((rest, pairs.into_iter().map(|(key, label)| PriorityLevel { key, label }).collect()))
    }

    /// `define months_since_merger as months between change.date and as_of`, then its
    /// `label`, `says` and `allow` lines, in any order.
    fn definition(&self, i: &'s str) -> PResult<'s, Definition> {
        let (rest, _) = self.keyword(i, "define")?;
        let (rest, name) = cut(self.name(rest))?;
        let (rest, _) = cut(self.keyword(rest, "as"))?;
        let (rest, expr) = cut(self.expr(rest))?;
        let (rest, (wording, allows)) = self.wording_and_allows(rest)?;
        Ok((rest, Definition { name, expr, wording, allows }))
    }

    /// The `label`, `says` and `allow` lines of a fact or derived fact, in any order.
    fn wording_and_allows(&self, i: &'s str) -> PResult<'s, (Wording, Vec<Allow>)> {
        let (mut rest, mut allows, mut wording) = (i, Vec::new(), Wording::default());
        loop {
            if let Some((after, allow)) = self.allow(rest)? {
                allows.push(allow);
                rest = after;
            } else if let Some(after) = self.wording_line(rest, &mut wording)? {
                rest = after;
            } else {
                return Ok((rest, (wording, allows)));
            }
        }
    }

    /// A `label "words"` or `says VALUE "words"` line, added to `wording`, if that is what
    /// comes next: gives what follows it.
    fn wording_line(
        &self,
        i: &'s str,
        wording: &mut Wording,
    ) -> Result<Option<&'s str>, nom::Err<SyntaxError<'s>>> {
        if let Ok((rest, _)) = self.keyword(i, "label") {
            if wording.label.is_some() {
                return Err(nom::Err::Failure(SyntaxError {
                    at: skip_space(i),
                    expected: Expected::SecondLabel,
                }));
            }
            let (rest, label) = cut(self.text(rest, true))?;
            wording.label = Some(label);
            return Ok(Some(rest));
        }
        let Ok((rest, _)) = self.keyword(i, "says") else { return Ok(None) };
        let start = skip_space(rest);
        // `true` and `false` are reserved words, so not names: read as words here.
        let (rest, value) = match self.word(start) {
            Ok((rest, word @ ("true" | "false"))) => {
                (rest, Spanned::new(word.to_string(), self.span(start, rest)))
            }
            _ => cut(self.name(start))?,
        };
        let (rest, words) = cut(self.text(rest, true))?;
        wording.says.push(Says { value, words });
        Ok(Some(rest))
    }

    /// `words name`, then `before DATE "words"` and `otherwise "words"` lines (and
    /// `allow`s), in any order: the checker says which orders are wrong.
    fn words(&self, i: &'s str) -> PResult<'s, Words> {
        let (rest, _) = self.keyword(i, "words")?;
        let (mut rest, name) = cut(self.name(rest))?;
        let (mut entries, mut allows) = (Vec::new(), Vec::new());
        while !self.at_item_start(rest) {
            if let Some((after, allow)) = self.allow(rest)? {
                allows.push(allow);
                rest = after;
                continue;
            }
            let start = skip_space(rest);
            if let Ok((after, _)) = self.keyword(start, "before") {
                let (after, date) = cut(self.date(after))?;
                let (after, text) = cut(self.string(after))?;
                entries.push(WordsEntry::Before(date, text));
                rest = after;
            } else if let Ok((after, _)) = self.keyword(start, "otherwise") {
                let keyword = Spanned::new((), self.span(start, after));
                let (after, text) = cut(self.string(after))?;
                entries.push(WordsEntry::Otherwise(keyword, text));
                rest = after;
            } else {
                return Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::WordsEntry }));
            }
        }
        Ok((rest, Words { name, entries, allows }))
    }

    /// `2013-04-01`
    fn date(&self, i: &'s str) -> PResult<'s, Spanned<Date>> {
        let start = skip_space(i);
        let (rest, text) =
            take_while::<_, _, SyntaxError<'s>>(|c: char| c.is_ascii_digit() || c == '-')(start)?;
        if text.is_empty() || rest.starts_with(is_name_char) {
            return fail(start, Expected::Date);
        }
        match Date::parse(text) {
            Ok(date) => Ok((rest, Spanned::new(date, self.span(start, rest)))),
            Err(why) => Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::ValidDate(why) })),
        }
    }

    /// `lessons S4 "Mergers can stall ..." S8 "..."`
    fn lessons(&self, i: &'s str) -> PResult<'s, Vec<Lesson>> {
        let (rest, _) = self.keyword(i, "lessons")?;
        let (rest, pairs) = self.named_strings(rest)?;
        Ok((rest, pairs.into_iter().map(|(id, summary)| Lesson { id, summary }).collect()))
    }

    /// `policy`, then one requirement per line, each starting with `every`.
    fn policy(&self, i: &'s str) -> PResult<'s, Vec<Spanned<Requirement>>> {
        let (mut rest, _) = self.keyword(i, "policy")?;
        // `policy` starts an item only before `every` (see [`starts_item`]): one with no
        // requirement is a mistake, and the formatter would not see an item there.
        if !self.peek_keyword(rest, "every") {
            return cut(fail(skip_space(rest), Expected::Requirement));
        }
        let mut requirements = Vec::new();
        while !self.at_item_start(rest) {
            let start = skip_space(rest);
            let (after, requirement) = self.requirement(start)?;
            requirements.push(Spanned::new(requirement, self.span(start, after)));
            rest = after;
        }
        Ok((rest, requirements))
    }

    /// `every rule names a lesson`, `every rule names its evidence`, `every rule names its
    /// priority`, `every rule cites a source [at a locator]`, `every rule cites KEY [at a
    /// locator]`.
    fn requirement(&self, start: &'s str) -> PResult<'s, Requirement> {
        let expected = |at: &'s str| fail::<Requirement>(at, Expected::Requirement);
        let Ok((rest, _)) = self.keyword(start, "every") else { return cut(expected(start)) };
        let Ok((rest, _)) = self.keyword(rest, "rule") else { return cut(expected(start)) };
        if let Ok((rest, _)) = self.keyword(rest, "names") {
            let rest = self.article(rest);
            let named = [("lesson", Requirement::Lesson), ("evidence", Requirement::Evidence)];
            let named = named.into_iter().chain([("priority", Requirement::Priority)]);
            for (word, requirement) in named {
                if let Ok((after, _)) = self.keyword(rest, word) {
                    return Ok((after, requirement));
                }
            }
            return cut(expected(start));
        }
        let Ok((rest, _)) = self.keyword(rest, "cites") else { return cut(expected(start)) };
        let (rest, source) = match self.keyword(rest, "a").and_then(|(r, _)| self.keyword(r, "source")) {
            Ok((after, _)) => (after, None),
            Err(_) => {
                let Ok((after, key)) = self.name(rest) else { return cut(expected(start)) };
                (after, Some(key))
            }
        };
        let at = self.keyword(rest, "at").and_then(|(r, _)| self.keyword(r, "a"));
        match at.and_then(|(r, _)| self.keyword(r, "locator")) {
            Ok((after, _)) => Ok((after, Requirement::Cites { source, at_locator: true })),
            Err(_) if self.peek_keyword(rest, "at") => cut(expected(start)),
            Err(_) => Ok((rest, Requirement::Cites { source, at_locator: false })),
        }
    }

    /// An optional `a`, `an` or `its`.
    fn article<'a>(&self, i: &'a str) -> &'a str {
        ["a", "an", "its"].iter().find_map(|word| self.keyword(i, word).ok()).map_or(i, |(rest, _)| rest)
    }

    /// `name "string"` pairs up to the next item.
    fn named_strings(&self, mut rest: &'s str) -> PResult<'s, Vec<(Spanned<String>, Spanned<String>)>> {
        let mut pairs = Vec::new();
        while !self.at_item_start(rest) {
            let (after, name) = cut(self.name(rest))?;
            let (after, text) = cut(self.string(after))?;
            pairs.push((name, text));
            rest = after;
        }
        Ok((rest, pairs))
    }

    /// True at the end of the file or before a top-level keyword.
    fn at_item_start(&self, i: &str) -> bool {
        let next = skip_space(i);
        next.is_empty() || starts_item(next)
    }

    /// `source key` then `field "value"` lines.
    fn source(&self, i: &'s str) -> PResult<'s, Source> {
        let (rest, _) = self.keyword(i, "source")?;
        let (mut rest, key) = cut(self.name(rest))?;
        let mut fields = Vec::new();
        let mut allows = Vec::new();
        while !self.at_item_start(rest) {
            if let Some((after, allow)) = self.allow(rest)? {
                allows.push(allow);
                rest = after;
                continue;
            }
            let (after, field) = cut(self.source_field(rest))?;
            fields.push(field);
            rest = after;
        }
        Ok((rest, Source { key, fields, allows }))
    }

    /// `allow W0303 "reason"`, if that is what comes next.
    fn allow(&self, i: &'s str) -> Result<Option<(&'s str, Allow)>, nom::Err<SyntaxError<'s>>> {
        let Ok((rest, _)) = self.keyword(i, "allow") else { return Ok(None) };
        let (rest, code) = cut(self.name(rest))?;
        let (rest, reason) = cut(self.string(rest))?;
        Ok(Some((rest, Allow { code, reason })))
    }

    fn source_field(&self, i: &'s str) -> PResult<'s, SourceField> {
        let start = skip_space(i);
        let Some((keyword, name)) = SourceFieldName::ALL.iter().find(|(kw, _)| starts_with_word(start, kw))
        else {
            return fail(start, Expected::SourceField);
        };
        let (rest, _) = self.keyword(start, keyword)?;
        let name = Spanned::new(*name, self.span(start, rest));
        let (rest, value) =
            if name.node == SourceFieldName::Year { self.year(rest)? } else { self.string(rest)? };
        Ok((rest, SourceField { name, value }))
    }

    fn year(&self, i: &'s str) -> PResult<'s, Spanned<String>> {
        let start = skip_space(i);
        let (rest, digits) = take_while1::<_, _, SyntaxError<'s>>(|c: char| c.is_ascii_digit())(start)
            .map_err(|_| nom::Err::Failure(SyntaxError { at: start, expected: Expected::Year }))?;
        if digits.len() != 4 || rest.starts_with(is_name_char) {
            return Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::Year }));
        }
        Ok((rest, Spanned::new(digits.to_string(), self.span(start, rest))))
    }

    /// `fact path is TYPE` then optionally `ask "question"`, then optionally `after path`,
    /// then optionally `only when CONDITION`, then `label`, `says` and `allow` lines in
    /// any order.
    fn fact(&self, i: &'s str) -> PResult<'s, FactDecl> {
        let (rest, _) = self.keyword(i, "fact")?;
        let (rest, path) = cut(self.path(rest))?;
        let (rest, _) = cut(self.keyword(rest, "is"))?;
        let (rest, ty) = cut(self.fact_type(rest))?;
        let (rest, question) = match self.keyword(rest, "ask") {
            Ok((after, _)) => {
                let (after, question) = cut(self.text(after, true))?;
                (after, Some(question))
            }
            Err(_) => (rest, None),
        };
        let (rest, after) = match self.keyword(rest, "after") {
            Ok((rest, _)) => {
                let (rest, other) = cut(self.path(rest))?;
                (rest, Some(other))
            }
            Err(_) => (rest, None),
        };
        let (rest, asked_when) = match self.keyword(rest, "only") {
            Ok((rest, _)) => {
                let (rest, _) = cut(self.keyword(rest, "when"))?;
                let (rest, condition) = cut(self.expr(rest))?;
                (rest, Some(condition))
            }
            Err(_) => (rest, None),
        };
        let (rest, (wording, allows)) = self.wording_and_allows(rest)?;
        Ok((rest, FactDecl { path, ty, question, after, asked_when, wording, allows }))
    }

    fn fact_type(&self, i: &'s str) -> PResult<'s, Spanned<FactType>> {
        let start = skip_space(i);
        let phrases: [(&[&'static str], FactType); 6] = [
            (&["true", "or", "false"], FactType::Bool),
            (&["text"], FactType::Text),
            (&["a", "number"], FactType::Number),
            (&["a", "date"], FactType::Date),
            (&["a", "list", "of", "text"], FactType::ListOfText),
            (&["a", "list", "of", "records"], FactType::ListOfRecords),
        ];
        for (words, ty) in phrases {
            if let Ok((rest, ())) = self.phrase(start, words) {
                return Ok((rest, Spanned::new(ty, self.span(start, rest))));
            }
        }
        let Ok((rest, ())) = self.phrase(start, &["one", "of"]) else {
            return fail(start, Expected::FactType);
        };
        let (rest, values) = self.comma_separated(rest, |p, i| p.name(i))?;
        Ok((rest, Spanned::new(FactType::OneOf(values), self.span(start, rest))))
    }

    fn phrase<'a>(&self, i: &'a str, words: &[&'static str]) -> PResult<'a, ()> {
        let mut rest = i;
        for word in words {
            rest = self.keyword(rest, word)?.0;
        }
        Ok((rest, ()))
    }

    fn comma_separated<T>(
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

    /// `rule id` then its clauses, in any order.
    fn rule(&self, i: &'s str) -> PResult<'s, Rule> {
        let (rest, _) = self.keyword(i, "rule")?;
        let id_start = skip_space(rest);
        let (mut rest, id) = cut(self.name(rest))?;
        let mut clauses = Clauses::default();
        while !self.at_rule_end(rest) {
            rest = cut(self.clause(rest, &mut clauses))?.0;
        }
        let missing = |what: &'static str| {
            nom::Err::Failure(SyntaxError { at: id_start, expected: Expected::MissingClause(what) })
        };
        let rule = Rule {
            condition: clauses.condition.ok_or_else(|| missing("when"))?,
            advice: clauses.advice.ok_or_else(|| missing("recommend"))?,
            citations: if clauses.citations.is_empty() {
                return Err(missing("cite"));
            } else {
                clauses.citations.shrink_to_fit();
                clauses.citations
            },
            id,
            lessons: clauses.lessons,
            evidence: clauses.evidence,
            priority: clauses.priority,
            for_each: clauses.for_each,
            overrides: clauses.overrides,
            contradicts: clauses.contradicts,
            allows: clauses.allows,
        };
        Ok((rest, rule))
    }

    /// A rule ends at the end of the file or at the next top-level item; `evidence` on its
    /// own is a clause, `evidence scale` a new item (and so for `priority`).
    fn at_rule_end(&self, i: &str) -> bool {
        let next = skip_space(i);
        if starts_with_word(next, "evidence") {
            return self.phrase(next, &["evidence", "scale"]).is_ok();
        }
        self.at_item_start(next)
    }

    fn clause(&self, i: &'s str, clauses: &mut Clauses) -> PResult<'s, ()> {
        let start = skip_space(i);
        let duplicate = |clause| {
            nom::Err::Failure(SyntaxError { at: start, expected: Expected::DuplicateClause(clause) })
        };
        if let Ok((rest, _)) = self.keyword(start, "lesson") {
            let (rest, lessons) = cut(self.comma_separated(rest, |p, i| p.name(i)))?;
            clauses.lessons.extend(lessons);
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "evidence") {
            let (rest, level) = cut(self.name(rest))?;
            if clauses.evidence.replace(level).is_some() {
                return Err(duplicate("evidence"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "priority") {
            let (rest, step) = cut(self.name(rest))?;
            if clauses.priority.replace(step).is_some() {
                return Err(duplicate("priority"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "for") {
            let (rest, _) = cut(self.keyword(rest, "each"))?;
            let (rest, var) = cut(self.name(rest))?;
            let (rest, _) = cut(self.keyword(rest, "in"))?;
            let (rest, list) = cut(self.path(rest))?;
            if clauses.for_each.replace(ForEach { var, list }).is_some() {
                return Err(duplicate("for"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "when") {
            let (rest, condition) = cut(self.expr(rest))?;
            if clauses.condition.replace(condition).is_some() {
                return Err(duplicate("when"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, kind)) = self.advice_kind(start) {
            let (rest, title) = cut(self.text(rest, true))?;
            let (rest, text) = cut(self.text(rest, true))?;
            if clauses.advice.replace(Advice { kind, title, text }).is_some() {
                return Err(duplicate("recommend"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "contradicts") {
            let (rest, rules) = cut(self.comma_separated(rest, |p, i| p.name(i)))?;
            clauses.contradicts.extend(rules);
            return Ok((rest, ()));
        }
        if let Some((rest, allow)) = self.allow(start)? {
            clauses.allows.push(allow);
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "overrides") {
            let (rest, rules) = cut(self.comma_separated(rest, |p, i| p.name(i)))?;
            clauses.overrides.extend(rules);
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "cite") {
            let (rest, citation) = cut(self.citation(rest))?;
            clauses.citations.push(citation);
            return Ok((rest, ()));
        }
        fail(start, Expected::Clause)
    }

    fn advice_kind(&self, i: &'s str) -> PResult<'s, Spanned<AdviceKind>> {
        let start = skip_space(i);
        let kinds = [
            ("recommend", AdviceKind::Recommendation),
            ("warn", AdviceKind::Warning),
            ("note", AdviceKind::Note),
        ];
        for (word, kind) in kinds {
            if let Ok((rest, _)) = self.keyword(start, word) {
                return Ok((rest, Spanned::new(kind, self.span(start, rest))));
            }
        }
        fail(start, Expected::Clause)
    }

    /// `key [for example] [at "locator"] [quoted in key [at "locator"]] [quote "words"]`
    /// (after `cite`). An example with a locator or quote parses; the checker refuses it.
    fn citation(&self, i: &'s str) -> PResult<'s, Citation> {
        let (rest, source) = self.name(i)?;
        let (rest, example) = match self.phrase(rest, &["for", "example"]) {
            Ok((after, ())) => (after, Some(Spanned::new((), self.span(skip_space(rest), after)))),
            Err(_) => (rest, None),
        };
        let (rest, locator) = self.optional_string_after(rest, "at")?;
        let (rest, quoted_in) = match self.keyword(rest, "quoted") {
            Ok((after, _)) => {
                let (after, _) = cut(self.keyword(after, "in"))?;
                let (after, source) = cut(self.name(after))?;
                let (after, locator) = self.optional_string_after(after, "at")?;
                (after, Some(QuotedIn { source, locator }))
            }
            Err(_) => (rest, None),
        };
        let (rest, quote) = self.optional_string_after(rest, "quote")?;
        Ok((rest, Citation { source, example, locator, quoted_in, quote }))
    }

    fn optional_string_after(
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

#[derive(Default)]
struct Clauses {
    lessons: Vec<Spanned<String>>,
    evidence: Option<Spanned<String>>,
    priority: Option<Spanned<String>>,
    for_each: Option<ForEach>,
    condition: Option<Spanned<Expr>>,
    advice: Option<Advice>,
    citations: Vec<Citation>,
    overrides: Vec<Spanned<String>>,
    contradicts: Vec<Spanned<String>>,
    allows: Vec<Allow>,
}

/// Whether `text` starts with a top-level item's keyword: `priority` only as `priority
/// scale`, so that `priority` may still name a rule's clause, a fact or a value.
fn starts_item(text: &str) -> bool {
    ITEM_KEYWORDS.iter().any(|kw| match *kw {
        "priority" => {
            text.strip_prefix("priority").is_some_and(|rest| starts_with_word(skip_space(rest), "scale"))
                && starts_with_word(text, "priority")
        }
        // A fact may be called `policy`: only `policy` before `every` starts the item.
        "policy" => {
            text.strip_prefix("policy").is_some_and(|rest| starts_with_word(skip_space(rest), "every"))
                && starts_with_word(text, "policy")
        }
        kw => starts_with_word(text, kw),
    })
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word).is_some_and(|rest| !rest.starts_with(is_name_char))
}

/// Folds white space that spans lines into one space, and a blank line into a paragraph
/// break, so long texts can be wrapped freely in the rule file.
fn fold_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            run.push(c);
            continue;
        }
        out.push_str(&fold_run(&run));
        run.clear();
        out.push(c);
    }
    out.push_str(&fold_run(&run));
    out
}

fn fold_run(run: &str) -> String {
    match run.matches('\n').count() {
        0 => run.to_string(),
        1 => " ".to_string(),
        _ => "\n\n".to_string(),
    }
}

/// A clause as people call it: `` a `when` clause ``, `advice (...)`.
fn clause_name(clause: &str) -> String {
    match clause {
        "recommend" => "advice (`recommend`, `warn` or `note`)".into(),
        "for" => "`for each` clause".into(),
        other => format!("`{other}` clause"),
    }
}

fn describe_expected(expected: &Expected) -> String {
    match expected {
        Expected::Item => {
            "`rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons`".into()
        }
        Expected::Token("recommend") => "advice (`recommend`, `warn` or `note`)".into(),
        Expected::Token(token) => format!("`{token}`"),
        Expected::Name => "a name".into(),
        Expected::Path => "a fact path".into(),
        Expected::String => "a string in double quotes".into(),
        Expected::Year => "a four-digit year".into(),
        Expected::Expression => "a value or condition".into(),
        Expected::FactType => "a type".into(),
        Expected::Clause => {
            "a clause (`lesson`, `evidence`, `priority`, `for each`, `when`, `recommend`, `warn`, `note`, `cite`, `overrides`, `contradicts` or `allow`)"
                .into()
        }
        Expected::SourceField => "a source field".into(),
        Expected::WordsEntry => "`before DATE \"words\"` or `otherwise \"words\"`".into(),
        Expected::Date => "a date (`YYYY-MM-DD`)".into(),
        Expected::Requirement => "a requirement: `every rule names a lesson`, `every rule names its evidence`, `every rule names its priority`, `every rule cites a source at a locator` or `every rule cites KEY at a locator`".into(),
        Expected::EndOfString
        | Expected::ShallowerNesting
        | Expected::DuplicateClause(_)
        | Expected::SecondLabel
        | Expected::Escape
        | Expected::ValidDate(_)
        | Expected::WholeDuration
        | Expected::FiniteNumber
        | Expected::Instead { .. }
        | Expected::MissingClause(_) => {
            unreachable!("reported with their own messages")
        }
    }
}

fn help_for(expected: &Expected, at: &str) -> Option<String> {
    let word: String = at.chars().take_while(|c| is_name_char(*c)).collect();
    let suggest = |options: &[&str]| {
        crate::suggest::did_you_mean(&word, options.iter().copied()).map(|s| format!("did you mean `{s}`?"))
    };
    match expected {
        Expected::Item => suggest(&ITEM_KEYWORDS).or(Some("each item starts with `rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons` at the start of a line".into())),
        Expected::Clause => suggest(&["lesson", "evidence", "priority", "for", "when", "recommend", "warn", "note", "cite", "overrides", "contradicts", "allow", "and", "or"]),
        Expected::SourceField => {
            let names: Vec<&str> = SourceFieldName::ALL.iter().map(|(kw, _)| *kw).collect();
            suggest(&names).or(Some(format!("the fields of a source are {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))))
        }
        Expected::FactType => Some("the types are `true or false`, `text`, `a number`, `a date`, `a list of text`, `a list of records` and `one of a, b, c`".into()),
        Expected::Name | Expected::Path if RESERVED.contains(&word.as_str()) => Some(format!("`{word}` is a keyword; choose another name")),
        Expected::MissingClause("when") => Some("every rule needs a condition: `when ...`".into()),
        Expected::MissingClause("recommend") => Some("every rule needs its advice: `recommend`, `warn` or `note`, then a title and a text".into()),
        Expected::MissingClause(_) => Some("every rule cites at least one source: `cite key`".into()),
        Expected::Token(token) if token.chars().all(is_name_char) => suggest(&[token]),
        _ => None,
    }
}

fn describe_found(at: &str) -> String {
    match at.chars().next() {
        None => "end of file".into(),
        Some(c) if is_name_char(c) => {
            format!("`{}`", at.split(|c: char| !is_name_char(c)).next().unwrap_or_default())
        }
        Some('"') => "a string".into(),
        // Characters that show as nothing are named, or the message would show nothing.
        Some('\u{feff}') => "a byte order mark (U+FEFF)".into(),
        Some(c) if c.is_control() || is_invisible(c) => {
            format!("an invisible character (U+{:04X})", u32::from(c))
        }
        Some(c) => format!("`{c}`"),
    }
}

/// Whether `c` is a format character that takes no room: zero-width spaces and joiners,
/// direction marks, the word joiner and the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> Vec<Item> {
        let (file, diagnostics) = parse_file("test.accord", src);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        file.items
    }

    fn condition(src: &str) -> Expr {
        let rule = format!("rule r when {src} note \"t\" \"x\" cite s");
        match parse_ok(&rule).remove(0) {
            Item::Rule(rule) => rule.condition.node,
            other => panic!("not a rule: {other:?}"),
        }
    }

    fn errors(src: &str) -> Vec<String> {
        let (_, diagnostics) = parse_file("test.accord", src);
        diagnostics
            .iter()
            .map(|d| format!("{} {} @{}", d.code, d.message, d.primary.as_ref().map_or(0, |l| l.span.start)))
            .collect()
    }

    /// A byte order mark the file reader did not drop (a second, or one in the middle of
    /// a file made of two) is named, as it cannot be seen.
    #[test]
    fn an_invisible_character_is_named() {
        let found = |src: &str| errors(src).remove(0);
        assert_eq!(
            found("\u{feff}source s"),
            "E0101 expected `rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons`, found a byte order mark (U+FEFF) @0"
        );
        assert!(found("rule r\n  when a \u{200b}and b").contains("found an invisible character (U+200B)"));
    }

    fn name(path: &str) -> Expr {
        let segments = path.split('.').map(|s| PathSegment { name: s.into(), each: false }).collect();
        Expr::Name(FactPath { segments })
    }

    fn sp(e: Expr) -> Box<Spanned<Expr>> {
        Box::new(Spanned::new(e, Span::default()))
    }

    #[test]
    fn comparisons_in_words_and_symbols_mean_the_same() {
        let eq = Expr::Compare { op: CompareOp::Eq, lhs: sp(name("change.kind")), rhs: sp(name("merger")) };
        assert_eq!(condition("change.kind is merger"), eq);
        assert_eq!(condition("change.kind == merger"), eq);
        let before = |op| Expr::Compare { op, lhs: sp(Expr::AsOf), rhs: sp(name("d")) };
        assert_eq!(condition("as_of is before d"), before(CompareOp::Lt));
        assert_eq!(condition("as_of < d"), before(CompareOp::Lt));
        assert_eq!(condition("as_of is on or after d"), before(CompareOp::Ge));
        assert_eq!(condition("as_of >= d"), before(CompareOp::Ge));
        assert_eq!(condition("as_of is not d"), before(CompareOp::Ne));
        assert_eq!(condition("as_of is not before d"), before(CompareOp::Ge));
        assert_eq!(condition("as_of is not at most d"), before(CompareOp::Gt));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let (a, b, c) = (sp(name("a")), sp(name("b")), sp(name("c")));
        let expected = Expr::Or(a, sp(Expr::And(b, c)));
        assert_eq!(condition("a or b and c"), expected);
    }

    #[test]
    fn reads_dates_durations_and_arithmetic() {
        let date = Date::parse("2013-04-01").unwrap();
        let months = Duration { amount: 18, unit: DurationUnit::Months };
        let sum = Expr::Arith {
            op: ArithOp::Add,
            lhs: sp(Expr::Literal(Literal::Date(date))),
            rhs: sp(Expr::Literal(Literal::Duration(months))),
        };
        assert_eq!(
            condition("as_of < 2013-04-01 + 18 months"),
            Expr::Compare { op: CompareOp::Lt, lhs: sp(Expr::AsOf), rhs: sp(sum) }
        );
        let between = Expr::MonthsBetween { from: sp(name("change.date")), to: sp(Expr::AsOf) };
        assert_eq!(
            condition("months between change.date and as_of > 3"),
            Expr::Compare {
                op: CompareOp::Gt,
                lhs: sp(between),
                rhs: sp(Expr::Literal(Literal::Number(3.0)))
            }
        );
    }

    #[test]
    fn reads_membership_presence_and_quantifiers() {
        let list = Expr::List(vec![
            Spanned::new(name("complex"), Span::default()),
            Spanned::new(name("unpredictable"), Span::default()),
        ]);
        let membership = Expr::In { needle: sp(name("g.needs")), haystack: sp(list), negated: false };
        assert_eq!(condition("g.needs in [complex, unpredictable]"), membership);
        assert!(matches!(condition("g.needs is not in [complex]"), Expr::In { negated: true, .. }));
        assert!(matches!(condition("g.needs not in [complex]"), Expr::In { negated: true, .. }));
        assert!(matches!(condition("reasons contains \"save money\""), Expr::In { negated: false, .. }));
        assert!(matches!(condition("change.date is known"), Expr::Known { negated: false, .. }));
        assert!(matches!(condition("change.date is unknown"), Expr::Known { negated: true, .. }));
        assert!(matches!(
            condition("any g in groups where g.needs is complex"),
            Expr::Quantified { quantifier: Quantifier::Any, .. }
        ));
        assert!(matches!(condition("count of groups > 1"), Expr::Compare { .. }));
        assert!(matches!(condition("(count g in groups where g.pooled) >= 2"), Expr::Compare { .. }));
    }

    #[test]
    fn folds_white_space_in_texts_and_reads_interpolations() {
        let items = parse_ok(
            "rule r\n  when a\n  warn \"Until {d + 18 months as month}\"\n    \"one\n     two\n\n     three \\{x\\}\"\n  cite s at \"Figure 2\" quote \"q\"",
        );
        let Item::Rule(rule) = &items[0] else { panic!() };
        assert!(matches!(
            &rule.advice.title.node.parts[1],
            TextPart::Interpolation { style: DateStyle::Month, .. }
        ));
        assert_eq!(rule.advice.text.node.parts, vec![TextPart::Literal("one two\n\nthree {x}".into())]);
        assert_eq!(rule.citations[0].locator.as_ref().unwrap().node, "Figure 2");
        let items = parse_ok("rule r when a note \"t\" \"one\\ntwo\n  three\" cite s");
        let Item::Rule(rule) = &items[0] else { panic!() };
        assert_eq!(rule.advice.text.node.parts, vec![TextPart::Literal("one\ntwo three".into())]);
    }

    #[test]
    fn reads_a_priority_scale_the_priority_clause_and_after() {
        let items = parse_ok(concat!(
            "priority scale\n  act_now \"act now\"\n  consider \"consider\"\n",
            "fact b is text ask \"B?\" after a.b\n",
            "rule r\n  priority act_now\n  when priority\n  note \"t\" \"x\"\n  cite s\n",
            "priority scale\n  later \"later\"\n",
        ));
        assert!(matches!(&items[0], Item::PriorityScale(levels) if levels.len() == 2));
        assert!(matches!(&items[1], Item::Fact(f) if f.after.as_ref().unwrap().node.to_string() == "a.b"));
        let Item::Rule(rule) = &items[2] else { panic!() };
        assert_eq!(rule.priority.as_ref().map(|p| p.node.as_str()), Some("act_now"));
        assert!(matches!(&items[3], Item::PriorityScale(levels) if levels.len() == 1));
        assert_eq!(
            errors("rule r\n  priority a\n  priority b\n  when x\n  note \"t\" \"x\"\n  cite s\n"),
            ["E0105 this rule already has its `priority` clause @22"]
        );
    }

    #[test]
    fn reads_declarations() {
        let items = parse_ok(concat!(
            "evidence scale\n  finding \"research finding\"\n  suggests \"research suggests\"\n",
            "# a comment\n",
            "source leutz_1999\n  authors \"Leutz, W.\"\n  year 1999\n  title \"Five laws\"\n",
            "fact groups[].needs is one of mild, complex ask \"How?\"\n",
            "fact change.date is a date\n",
        ));
        assert!(matches!(&items[0], Item::EvidenceScale(levels) if levels.len() == 2));
        assert!(matches!(&items[1], Item::Source(s) if s.fields.len() == 3));
        let Item::Fact(fact) = &items[2] else { panic!() };
        assert_eq!(fact.path.node.to_string(), "groups[].needs");
        assert!(matches!(&fact.ty.node, FactType::OneOf(values) if values.len() == 2));
        assert!(matches!(&items[3], Item::Fact(f) if f.ty.node == FactType::Date));
    }

    #[test]
    fn reads_labels_and_what_values_say() {
        let items = parse_ok(concat!(
            "fact change.kind is one of none, merger\n",
            "  ask \"What change?\"\n",
            "  says merger \"the change is a merger\"\n",
            "  allow W0304 \"kept\"\n",
            "  label \"the kind of change\"\n",
            "define chosen as change.kind is none\n",
            "  says true \"nothing is proposed\"\n",
            "  says false \"a change of {change.kind} is proposed\"\n",
            "fact change.date is a date\n",
        ));
        let Item::Fact(fact) = &items[0] else { panic!() };
        let label = fact.wording.label.as_ref().expect("a label");
        assert_eq!(label.node.parts, [TextPart::Literal("the kind of change".into())]);
        assert_eq!(fact.wording.says.len(), 1);
        assert_eq!(fact.wording.says[0].value.node, "merger");
        assert_eq!(fact.allows.len(), 1);
        let Item::Definition(definition) = &items[1] else { panic!() };
        let values: Vec<&str> = definition.wording.says.iter().map(|s| s.value.node.as_str()).collect();
        assert_eq!(values, ["true", "false"]);
        assert!(matches!(&definition.wording.says[1].words.node.parts[1], TextPart::Interpolation { .. }));
        assert!(matches!(&items[2], Item::Fact(f) if f.wording == Wording::default()));
        assert_eq!(
            errors("fact x is text\n  label \"a\"\n  label \"b\"\n"),
            ["E0105 this item already has its `label` @29"]
        );
        assert_eq!(errors("define d as x\n  says \"x\"\n"), ["E0101 expected a name, found a string @21"]);
    }

    #[test]
    fn reports_errors_where_they_are_and_recovers() {
        assert_eq!(
            errors("rule r when a when b note \"t\" \"x\" cite s"),
            ["E0105 this rule already has its `when` clause @14"]
        );
        assert_eq!(
            errors("rule r when a cite s"),
            ["E0104 rule `r` has no advice (`recommend`, `warn` or `note`) @5"]
        );
        assert_eq!(
            errors("rule r\n  when a and\n  warn \"t\" \"x\"\n  cite s\n"),
            ["E0101 expected a value or condition, found `warn` @22"]
        );
        assert_eq!(errors("rule r when a warn \"t\" \"x\""), ["E0104 rule `r` has no `cite` clause @5"]);
        assert_eq!(
            errors("bogus\nrule r when a warn \"t\" \"x\" cite s\nfact x is colour\n"),
            [
                "E0101 expected `rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons`, found `bogus` @0",
                "E0101 expected a type, found `colour` @50",
            ]
        );
        assert_eq!(errors("source s title \"open"), ["E0102 unterminated string @15"]);
        assert_eq!(
            errors("rule r when d is 2013-02-30 note \"t\" \"x\" cite s"),
            ["E0103 invalid date: `2013-02-30` is not a day: February 2013 has no day 30 @17"]
        );
        assert_eq!(
            errors("rule r when d is 1.5 months note \"t\" \"x\" cite s"),
            ["E0107 a duration must be a whole number @17"]
        );
        assert_eq!(errors("source s title \"a \\q\""), ["E0106 unknown escape `\\q` @18"]);
    }

    #[test]
    fn words_in_a_row_where_a_value_belongs_are_one_phrase_for_the_checker() {
        let phrase = |words: &[&str]| {
            Spanned::new(Expr::Phrase(words.iter().map(|w| w.to_string()).collect()), Span::default())
        };
        let list =
            Expr::List(vec![phrase(&["pooled", "budget"]), Spanned::new(name("merger"), Span::default())]);
        assert_eq!(
            condition("k in [pooled budget, merger]"),
            Expr::In { needle: sp(name("k")), haystack: sp(list), negated: false }
        );
        // A list's items may be split across lines; words that may follow a value end one.
        let list = Expr::List(vec![phrase(&["joint", "commissioning"])]);
        assert_eq!(
            condition("k in [joint\n  # a comment\n  commissioning]"),
            Expr::In { needle: sp(name("k")), haystack: sp(list), negated: false }
        );
        assert_eq!(
            errors("rule r when k in [a or b] note \"t\" \"x\" cite s"),
            ["E0101 expected `]`, found `or` @20"]
        );
        // A value ends before a word that may follow it on its line: `priority` is a
        // clause there, not part of the value.
        let items = parse_ok("rule r when k is merger priority p note \"t\" \"x\" cite s");
        let Item::Rule(rule) = &items[0] else { panic!() };
        assert_eq!(rule.priority.as_ref().map(|p| p.node.as_str()), Some("p"));
        assert!(matches!(condition("k is merger or a"), Expr::Or(..)));
    }

    /// `says` and `label` may follow a derived fact's condition on its line: they end the
    /// value, not extend it into a phrase of several words.
    #[test]
    fn the_words_of_a_derived_fact_may_follow_its_condition_on_one_line() {
        assert_eq!(errors("define d as k is merger says true \"it is a merger\""), Vec::<String>::new());
        assert_eq!(errors("define d as k is merger label \"the merger\""), Vec::<String>::new());
    }

    #[test]
    fn what_other_languages_write_is_refused_where_it_is_written() {
        let rule = |condition: &str| format!("rule r when {condition} note \"t\" \"x\" cite s");
        assert_eq!(errors(&rule("k = merger")), ["E0101 expected `is` or `==`, found `=` @14"]);
        assert_eq!(errors(&rule("k <> merger")), ["E0101 expected `is not` or `!=`, found `<>` @14"]);
        assert_eq!(errors(&rule("a && b")), ["E0101 expected `and`, found `&&` @14"]);
        assert_eq!(errors(&rule("a | b")), ["E0101 expected `or`, found `|` @14"]);
        assert_eq!(errors(&rule("!a")), ["E0101 expected `not`, found `!` @12"]);
        assert_eq!(errors(&rule("k is one of a, b")), ["E0101 expected a value, found `one of` @17"]);
        assert_eq!(errors(&rule("k in (a, b)")), ["E0101 expected `[`, found `(` @17"]);
        assert_eq!(
            errors(&rule("k is not pooled budget")),
            ["E0101 expected one value, found `pooled budget` @21"]
        );
        // Only on its line: a misspelt clause on the next line is reported as one.
        assert_eq!(
            errors("rule r when k is merger\n  recomend \"t\" \"x\" cite s"),
            [
                "E0101 expected a clause (`lesson`, `evidence`, `priority`, `for each`, `when`, `recommend`, `warn`, `note`, `cite`, `overrides`, `contradicts` or `allow`), found `recomend` @26"
            ]
        );
        // What is valid stays so: `!=`, `==`, a bracketed list of text after `in`.
        assert!(matches!(condition("a != b"), Expr::Compare { op: CompareOp::Ne, .. }));
        assert!(matches!(condition("\"x\" in (reasons)"), Expr::In { .. }));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for deep in [
            "(".repeat(100_000),
            "not ".repeat(100_000),
            "a and ".repeat(100_000) + "a",
            "1 + ".repeat(100_000) + "1",
        ] {
            let src = format!("rule r when {deep} note \"t\" \"x\" cite s");
            let codes: Vec<&str> = parse_file("deep.accord", &src).1.iter().map(|d| d.code).collect();
            assert_eq!(codes, ["E0108"]);
        }
        let nested = format!("rule r when {}a{} note \"t\" \"x\" cite s", "(".repeat(49), ")".repeat(49));
        assert!(parse_file("ok.accord", &nested).1.is_empty());
    }

    #[test]
    fn never_panics_on_odd_input() {
        for src in [
            "",
            "\"",
            "rule",
            "rule r when (((",
            "fact x.",
            "rule r when [",
            "{",
            "é",
            "rule r when 2013-",
            "source s year 20",
            "rule r when a is",
            "\u{0}\u{1}",
            "rule r when a =",
            "rule r when a = é",
            "rule r when !",
            "rule r when !é",
            "rule r when a is one of",
            "rule r when a in (",
            "rule r when a in (b,",
            "rule r when a in [b c",
            "rule r when a is b c é",
            "rule r when a &",
        ] {
            let _ = parse_file("odd.accord", src);
        }
    }
}
