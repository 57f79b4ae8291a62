//! Syntax errors: what the parser expected where it failed ([`Expected`]), the nom error
//! type that carries it, and the diagnostic each becomes (code, message, label, help).
//! Must not parse: the parsers only say what they expected; the words are chosen here.

use nom::IResult;
use nom::error::{ErrorKind, ParseError};

use crate::ast::{SourceFieldName, Span};
use crate::diag::Diagnostic;

use super::keywords::{CLAUSE_KEYWORDS, ITEM_KEYWORDS, RESERVED};
use super::lexical::{is_name_char, skip_space};
use super::{MAX_NESTING, Parser};

impl<'s> Parser<'s> {
    pub(super) fn diagnostic(&self, e: &SyntaxError<'_>) -> Diagnostic {
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
        // The keyword the word written was likely meant to be, for editors to offer.
        let mut replacement = None;
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
                help_for(&e.expected, "").0,
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
                let (help, close) = help_for(expected, skip_space(e.at));
                replacement = close;
                ("E0101", format!("expected {what}, found {found}"), format!("expected {what}"), help)
            }
        };
        let at = skip_space(e.at);
        let word = Span::new(
            self.offset(at),
            self.offset(at) + at.len() - at.trim_start_matches(is_name_char).len(),
        );
        Diagnostic::error(code, message)
            .at(self.path, span, label)
            .maybe_help(help)
            .replace_with(word, replacement)
    }
}

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
    pub(super) at: &'s str,
    pub(super) expected: Expected,
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

pub(super) type PResult<'s, T> = IResult<&'s str, T, SyntaxError<'s>>;

pub(super) fn fail<'s, T>(at: &'s str, expected: Expected) -> PResult<'s, T> {
    Err(nom::Err::Error(SyntaxError { at, expected }))
}

/// Turns a recoverable error into a committed one: once a keyword has said what is being
/// parsed, a failure is the user's mistake, not a cue to try something else.
pub(super) fn cut<'s, T>(result: PResult<'s, T>) -> PResult<'s, T> {
    result.map_err(|e| match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

/// A clause as people call it: `` a `when` clause ``, `advice (...)`.
fn clause_name(clause: &str) -> String {
    match clause {
        "recommend" => "advice (`recommend`, `warn` or `note`)".into(),
        "for" => "`for each` clause".into(),
        other => format!("`{other}` clause"),
    }
}

/// What was expected, as the message says it (`expected a name, found ...`).
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

/// The help for a failure: the closest keyword to what was written, or what is allowed;
/// and that keyword, when the help suggests one.
fn help_for(expected: &Expected, at: &str) -> (Option<String>, Option<&'static str>) {
    let word: String = at.chars().take_while(|c| is_name_char(*c)).collect();
    let close = std::cell::Cell::new(None);
    let suggest = |options: &[&'static str]| {
        let keyword = crate::suggest::did_you_mean(&word, options.iter().copied())?;
        close.set(Some(keyword));
        Some(format!("did you mean `{keyword}`?"))
    };
    let help = match expected {
        Expected::Item => suggest(&ITEM_KEYWORDS).or(Some("each item starts with `rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons` at the start of a line".into())),
        Expected::Clause => {
            // `and` and `or`: a condition continued on a line of its own, after a clause.
            let options: Vec<&str> = CLAUSE_KEYWORDS.iter().copied().chain(["and", "or"]).collect();
            suggest(&options)
        }
        Expected::SourceField => {
            let names: Vec<&str> = SourceFieldName::ALL.iter().map(|(kw, _)| *kw).collect();
            suggest(&names).or(Some(format!("the fields of a source are {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))))
        }
        Expected::FactType => Some("the types are `true or false`, `text`, `a number`, `a date`, `a list of text`, `a list of records` and `one of a, b, c`".into()),
        Expected::Name | Expected::Path if RESERVED.contains(&word.as_str()) => Some(format!("`{word}` is a keyword; choose another name")),
        Expected::MissingClause("when") => Some("every rule needs a condition: `when ...`".into()),
        Expected::MissingClause("recommend") => Some("every rule needs its advice: `recommend`, `warn` or `note`, then a title and a text".into()),
        Expected::MissingClause(_) => Some("every rule cites at least one source: `cite key`".into()),
        Expected::Token(token) if token.chars().all(is_name_char) => suggest(&[*token]),
        _ => None,
    };
    (help, close.get())
}

/// What was found at `at`, as the message says it: a word, a string, a character, or
/// the end of the file.
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
