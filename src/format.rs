//! `accord fmt`: one canonical layout for rule files.
//!
//! The formatter does not pretty-print the syntax tree: it lays out the file's own tokens, so
//! that comments and the author's line breaks inside conditions and strings survive. A small
//! scanner splits the text into words, symbols, strings and comments; a pass over the
//! tokens, which knows the item and clause keywords, decides where lines start and how far
//! they are indented:
//!
//! - items start at column 0 and are separated by one blank line (consecutive `fact`
//!   items, and consecutive `define` items, may also be written without one); comments
//!   directly above an item stay attached to it;
//! - rule clauses, source fields, `ask`, `after`, `allow`, `label`, `says`, and `evidence
//!   scale`, `priority scale` and `lessons` entries start their own lines, indented 2; an
//!   advice's text and a citation's `quote` are indented 4; the strings of the entries of
//!   one item (and of its `says` lines) are aligned in a column, as are their trailing
//!   comments;
//! - a condition keeps the author's line breaks; its continuation lines are indented 3
//!   (2 in a `define`), or just inside the innermost open bracket;
//! - other line breaks between the tokens of a clause are joined; runs of spaces become one
//!   space, and tokens written together stay together;
//! - a string keeps its line breaks; its continuation lines are indented to the column just
//!   after its opening quote, and several blank lines in a row are one (white space around
//!   a line break in a string folds, and a blank line or more is one paragraph break, so
//!   this changes nothing it means);
//! - a comment is kept word for word: at the end of its line, or on its own line indented
//!   like the line it precedes.
//!
//! [`format_rule_file`] refuses a file that does not parse, and checks its own result: the
//! formatted text must parse to the same syntax tree, keep every comment, and be unchanged
//! by formatting it again. Otherwise it reports a bug instead of returning text.

use crate::diag::Diagnostic;
use crate::syntax;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatError {
    /// The file does not parse: its syntax errors, as `accord check` reports them.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed the file's meaning, lost a comment, or is not stable.
    /// This is a bug in the formatter; the text says what went wrong.
    Bug(String),
}

/// Lays out the rule file `src` (shown as `path` in diagnostics) in the canonical layout.
///
/// Returns the formatted text, which is `src` itself when the file is already formatted.
///
/// # Errors
///
/// [`FormatError::Syntax`] when the file does not parse; [`FormatError::Bug`] when the
/// result fails the formatter's own checks (same syntax tree, same comments, stable).
pub fn format_rule_file(path: &str, src: &str) -> Result<String, FormatError> {
    // Lone carriage returns end lines, as `read_text` has it (byte for byte, so the places
    // of errors stand in `src`).
    let normalised = crate::load::normalise_line_breaks(src);
    let src = &*normalised;
    let (before, diagnostics) = syntax::parse_file(path, src);
    if !diagnostics.is_empty() {
        return Err(FormatError::Syntax(diagnostics));
    }
    let formatted = layout(src).map_err(FormatError::Bug)?;
    verify(path, src, &before, &formatted).map_err(FormatError::Bug)?;
    Ok(formatted)
}

/// Checks that `formatted` means what `src` (which parsed to `before`) means: the same
/// syntax tree, the same comments in the same order, and a layout that formatting again
/// leaves alone.
fn verify(path: &str, src: &str, before: &crate::ast::RuleFile, formatted: &str) -> Result<(), String> {
    let (after, diagnostics) = syntax::parse_file(path, formatted);
    if let Some(first) = diagnostics.first() {
        return Err(format!("the formatted text does not parse: {} {}", first.code, first.message));
    }
    if &after != before {
        let at = before.items.iter().zip(&after.items).position(|(a, b)| a != b);
        let which = at.map_or_else(|| "the number of items".to_string(), |i| format!("item {}", i + 1));
        return Err(format!("the formatted text parses differently ({which} differs)"));
    }
    if comments(src) != comments(formatted) {
        return Err("the formatted text does not keep every comment".into());
    }
    match layout(formatted) {
        Ok(again) if again == formatted => Ok(()),
        Ok(_) => Err("formatting the formatted text changes it again".into()),
        Err(why) => Err(format!("the formatted text cannot be formatted again: {why}")),
    }
}

/// The comments of a file, in order, without trailing white space.
fn comments(src: &str) -> Vec<&str> {
    scan(src).into_iter().filter(|t| t.kind == Kind::Comment).map(|t| t.text).collect()
}

// ----- scanning -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
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
struct Token<'s> {
    kind: Kind,
    text: &'s str,
    /// Line breaks in the white space before the token.
    newlines: usize,
    /// Whether any white space comes before the token.
    space: bool,
    /// Whether the token's line has white space before it (for a token first on its line).
    indented: bool,
    /// Directly after a `.`: a segment of a fact path, never a keyword.
    after_dot: bool,
}

impl Token<'_> {
    /// First on its line (or in the file).
    fn own_line(&self, index: usize) -> bool {
        self.newlines > 0 || index == 0
    }

    /// A word that can be a keyword (not a segment of a path).
    fn keyword(&self) -> Option<&str> {
        (self.kind == Kind::Word && !self.after_dot).then_some(self.text)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits a rule file into tokens. Strings are single tokens; whether a string may hold
/// `{interpolations}` (which may hold strings and comments of their own) follows from the
/// keyword before it, as in the parser: the question after `ask`, and the title and text
/// after `recommend`, `warn` or `note` in a rule.
fn scan(src: &str) -> Vec<Token<'_>> {
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

// ----- structure: which token starts which line -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ItemKind {
    Rule,
    Source,
    Fact,
    Scale,
    Lessons,
    Define,
    Words,
    Policy,
}

/// How one token (not a comment) is laid out.
#[derive(Clone, Copy, Debug, Default)]
struct Role {
    /// The item it belongs to.
    item: usize,
    /// It starts a line indented this far.
    starts_line: Option<usize>,
    /// A line break before it in the source is kept (inside conditions).
    keeps_break: bool,
    /// How far a line that breaks before it is indented, outside brackets.
    continuation: usize,
    /// An entry's string: aligned in a column with the item's other entries.
    aligned: bool,
}

struct Item {
    kind: ItemKind,
    /// Index of its first token.
    first: usize,
    /// Width of the widest entry name (`evidence scale`, `lessons`).
    name_width: usize,
}

const CLAUSE_KEYWORDS: [&str; 12] = [
    "lesson",
    "evidence",
    "priority",
    "for",
    "when",
    "recommend",
    "warn",
    "note",
    "cite",
    "overrides",
    "contradicts",
    "allow",
];

struct Structure<'t, 's> {
    tokens: &'t [Token<'s>],
    /// Indices of the tokens that are not comments.
    code: Vec<usize>,
    roles: Vec<Role>,
    items: Vec<Item>,
}

impl Structure<'_, '_> {
    fn keyword(&self, c: usize) -> Option<&str> {
        self.code.get(c).and_then(|&t| self.tokens[t].keyword())
    }

    /// Whether the `c`th code token starts a top-level item.
    fn item_kind(&self, c: usize) -> Option<ItemKind> {
        match self.keyword(c)? {
            "rule" => Some(ItemKind::Rule),
            "source" => Some(ItemKind::Source),
            "fact" => Some(ItemKind::Fact),
            "lessons" => Some(ItemKind::Lessons),
            "define" => Some(ItemKind::Define),
            "words" => Some(ItemKind::Words),
            "policy" if self.keyword(c + 1) == Some("every") => Some(ItemKind::Policy),
            "evidence" | "priority" if self.keyword(c + 1) == Some("scale") => Some(ItemKind::Scale),
            _ => None,
        }
    }

    fn is_clause_keyword(&self, c: usize) -> bool {
        self.keyword(c).is_some_and(|k| CLAUSE_KEYWORDS.contains(&k))
    }

    fn is_string(&self, c: usize) -> bool {
        self.code.get(c).is_some_and(|&t| self.tokens[t].kind == Kind::Str)
    }

    /// Whether the `c`th code token starts a fact's or derived fact's `label "..."` or
    /// `says VALUE "..."` line. Told apart from a name in a condition by what follows:
    /// no condition has a name directly followed by a string, or two names and a string.
    fn starts_wording(&self, c: usize) -> bool {
        match self.keyword(c) {
            Some("label") => self.is_string(c + 1),
            Some("says") => self.keyword(c + 1).is_some() && self.is_string(c + 2),
            _ => false,
        }
    }

    /// Lays out a `label` or `says` line starting at code token `c` (see
    /// [`Structure::starts_wording`]) and gives the code token after it: the words of
    /// `says` lines are aligned in a column.
    fn wording_line(&mut self, c: usize, item: usize) -> usize {
        let join = Role { item, continuation: 4, ..Role::default() };
        self.set(c, Role { starts_line: Some(2), ..join });
        if self.keyword(c) == Some("label") {
            self.set(c + 1, join);
            return c + 2;
        }
        self.set(c + 1, join);
        let width = "says ".len() + self.tokens[self.code[c + 1]].text.chars().count();
        self.items[item].name_width = self.items[item].name_width.max(width);
        self.set(c + 2, Role { aligned: true, ..join });
        c + 3
    }

    fn set(&mut self, c: usize, role: Role) {
        self.roles[self.code[c]] = role;
    }
}

/// Decides, for every token that is not a comment, where it goes.
fn structure<'t, 's>(tokens: &'t [Token<'s>]) -> Result<Structure<'t, 's>, String> {
    let code: Vec<usize> = (0..tokens.len()).filter(|&t| tokens[t].kind != Kind::Comment).collect();
    let mut s = Structure { tokens, code, roles: vec![Role::default(); tokens.len()], items: Vec::new() };
    let n = s.code.len();
    let mut c = 0;
    while c < n {
        let Some(kind) = s.item_kind(c) else {
            return Err(format!("expected an item, found `{}`", tokens[s.code[c]].text));
        };
        let item = s.items.len();
        s.items.push(Item { kind, first: s.code[c], name_width: 0 });
        let join = |continuation| Role { item, continuation, ..Role::default() };
        let line = |indent, continuation| Role { starts_line: Some(indent), ..join(continuation) };
        s.set(c, line(0, if kind == ItemKind::Define { 2 } else { 4 }));
        c += 1;
        match kind {
            ItemKind::Rule => {
                while c < n && s.item_kind(c).is_none() && !s.is_clause_keyword(c) {
                    s.set(c, join(4));
                    c += 1;
                }
                while c < n && s.item_kind(c).is_none() {
                    // A word not in CLAUSE_KEYWORDS is taken for a clause the grammar has
                    // gained since; the result is checked all the same.
                    let Some(clause) = s.keyword(c).map(str::to_string) else {
                        return Err(format!("expected a clause, found `{}`", tokens[s.code[c]].text));
                    };
                    s.set(c, line(2, 4));
                    c += 1;
                    // `highest x for g in list` inside a condition: that `for` is no clause.
                    let mut open_extremes = 0;
                    let mut strings = 0;
                    let mut first = true;
                    while c < n && s.item_kind(c).is_none() {
                        let word = s.keyword(c);
                        // `cite key for example`: that `for` is no clause either.
                        let example =
                            clause == "cite" && word == Some("for") && s.keyword(c + 1) == Some("example");
                        if s.is_clause_keyword(c)
                            && !(clause == "when" && word == Some("for") && open_extremes > 0)
                            && !example
                        {
                            break;
                        }
                        let token = &tokens[s.code[c]];
                        let role = match clause.as_str() {
                            "when" => {
                                match word {
                                    Some("highest" | "lowest") => open_extremes += 1,
                                    Some("for") => open_extremes -= 1,
                                    _ => {}
                                }
                                Role { keeps_break: !first, ..join(3) }
                            }
                            "recommend" | "warn" | "note" if token.kind == Kind::Str => {
                                strings += 1;
                                if strings == 2 { line(4, 6) } else { join(4) }
                            }
                            "cite" if word == Some("quote") => line(4, 6),
                            _ => join(4),
                        };
                        s.set(c, role);
                        first = false;
                        c += 1;
                    }
                }
            }
            ItemKind::Source => {
                if c < n && s.item_kind(c).is_none() {
                    s.set(c, join(4));
                    c += 1;
                }
                // A field and its value, or `allow CODE "reason"`, per line.
                let mut values_due = 0;
                while c < n && s.item_kind(c).is_none() {
                    if values_due == 0 {
                        s.set(c, line(2, 4));
                        values_due = if s.keyword(c) == Some("allow") { 2 } else { 1 };
                    } else {
                        s.set(c, join(4));
                        values_due -= 1;
                    }
                    c += 1;
                }
            }
            ItemKind::Fact => {
                // Within `only when`'s condition, `after` is a comparison (`is on or after`).
                let mut in_condition = false;
                while c < n && s.item_kind(c).is_none() {
                    if s.starts_wording(c) {
                        in_condition = false;
                        c = s.wording_line(c, item);
                        continue;
                    }
                    // `after` in `is one of before, after` is a value, not the clause.
                    let value_of_one_of = c > 0 && matches!(tokens[s.code[c - 1]].text, "," | "of");
                    let starts = match s.keyword(c) {
                        Some("ask" | "allow") => {
                            in_condition = false;
                            true
                        }
                        Some("only") if !value_of_one_of => {
                            in_condition = true;
                            true
                        }
                        Some("after") => !value_of_one_of && !in_condition,
                        _ => false,
                    };
                    s.set(c, if starts { line(2, 4) } else { join(4) });
                    c += 1;
                }
            }
            ItemKind::Scale | ItemKind::Lessons => {
                if kind == ItemKind::Scale {
                    s.set(c, join(4));
                    c += 1;
                }
                let mut name = true;
                while c < n && s.item_kind(c).is_none() {
                    if name {
                        s.set(c, line(2, 4));
                        let width = tokens[s.code[c]].text.chars().count();
                        s.items[item].name_width = s.items[item].name_width.max(width);
                    } else {
                        s.set(c, Role { aligned: true, ..join(4) });
                    }
                    name = !name;
                    c += 1;
                }
            }
            ItemKind::Policy => {
                // One requirement per line, each starting with `every`; `rule` in `every
                // rule` and `source` in `a source` are words of the requirement, not items.
                while c < n {
                    let within = matches!(
                        (s.keyword(c - 1), s.keyword(c)),
                        (Some("every"), Some("rule")) | (Some("a"), Some("source"))
                    );
                    if !within && s.item_kind(c).is_some() {
                        break;
                    }
                    s.set(c, if s.keyword(c) == Some("every") { line(2, 4) } else { join(4) });
                    c += 1;
                }
            }
            ItemKind::Words => {
                if c < n && s.item_kind(c).is_none() {
                    s.set(c, join(4));
                    c += 1;
                }
                // `before DATE "words"`, `otherwise "words"` or `allow CODE "reason"` per
                // line; the words are aligned after the widest `before DATE`.
                let (mut entry_starts, mut width, mut allow) = (true, 0, false);
                while c < n && s.item_kind(c).is_none() {
                    let token = &tokens[s.code[c]];
                    if entry_starts {
                        s.set(c, line(2, 4));
                        width = token.text.chars().count();
                        allow = s.keyword(c) == Some("allow");
                        entry_starts = false;
                    } else if token.kind == Kind::Str {
                        if allow {
                            s.set(c, join(4));
                        } else {
                            s.set(c, Role { aligned: true, ..join(4) });
                            s.items[item].name_width = s.items[item].name_width.max(width);
                        }
                        entry_starts = true;
                    } else {
                        s.set(c, join(4));
                        width += token.text.chars().count() + usize::from(token.space);
                    }
                    c += 1;
                }
            }
            ItemKind::Define => {
                // `define name as`, then the expression.
                let mut position = 0;
                while c < n && s.item_kind(c).is_none() {
                    if s.starts_wording(c) {
                        c = s.wording_line(c, item);
                        continue;
                    }
                    // `allow CODE "reason"`: a reserved word, so never part of the condition.
                    if s.keyword(c) == Some("allow") {
                        s.set(c, line(2, 4));
                        for next in (c + 1..n).take(2) {
                            s.set(next, join(4));
                        }
                        c = (c + 3).min(n);
                        continue;
                    }
                    s.set(c, Role { keeps_break: position > 2, ..join(2) });
                    position += 1;
                    c += 1;
                }
            }
        }
    }
    Ok(s)
}

// ----- layout -----

/// One line of output: code (or an own-line comment), and a comment at its end.
#[derive(Default)]
struct Line {
    text: String,
    /// A trailing comment, and the item whose trailing comments it is aligned with.
    comment: Option<(String, Option<usize>)>,
}

struct Writer {
    lines: Vec<Line>,
    /// The line being written.
    current: Option<Line>,
    /// Its width so far, in characters.
    column: usize,
    /// Columns of the brackets open on the current clause's lines.
    brackets: Vec<usize>,
    /// The next token must start a new line (after a comment).
    break_next: bool,
}

impl Writer {
    fn finish_line(&mut self) {
        if let Some(line) = self.current.take() {
            self.lines.push(line);
        }
    }

    fn blank_line(&mut self) {
        self.finish_line();
        if self.lines.last().is_some_and(|l| !l.text.is_empty() || l.comment.is_some()) {
            self.lines.push(Line::default());
        }
    }

    fn start_line(&mut self, indent: usize) {
        self.finish_line();
        self.current = Some(Line { text: " ".repeat(indent), comment: None });
        self.column = indent;
    }

    fn comment_line(&mut self, indent: usize, comment: &str) {
        self.finish_line();
        self.lines.push(Line { text: format!("{}{comment}", " ".repeat(indent)), comment: None });
    }

    fn push(&mut self, text: &str) {
        let line = self.current.get_or_insert_with(Line::default);
        line.text.push_str(text);
        self.column += text.chars().count();
    }

    /// Writes a string; its continuation lines are indented to just after its opening
    /// quote, without trailing white space, and blank lines in a row are one.
    fn push_string(&mut self, text: &str) {
        let inside = self.column + 1;
        let mut parts = text.split('\n');
        let first = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        if rest.is_empty() {
            self.push(first);
            return;
        }
        self.push(first.trim_end());
        let last = rest.len() - 1;
        let mut blank = false;
        for (k, part) in rest.into_iter().enumerate() {
            let part = if k == last { part.trim_start() } else { part.trim() };
            if part.is_empty() && blank {
                // Two line breaks or more fold to one paragraph break: one blank line.
                continue;
            }
            blank = part.is_empty();
            self.finish_line();
            if part.is_empty() {
                self.current = Some(Line::default());
                self.column = 0;
            } else {
                self.start_line(inside);
                self.push(part);
            }
        }
    }
}

/// Lays out a rule file that parses. Fails (a bug) if its tokens do not have the shape of
/// the grammar.
fn layout(src: &str) -> Result<String, String> {
    let tokens = scan(src);
    let s = structure(&tokens)?;
    let mut w =
        Writer { lines: Vec::new(), current: None, column: 0, brackets: Vec::new(), break_next: false };
    let item_of = |t: usize| s.roles[t].item;
    // Own-line comments between two items (or before the first, or after the last).
    let mut gap: Vec<&Token<'_>> = Vec::new();
    let mut previous_code: Option<usize> = None;
    for (t, token) in tokens.iter().enumerate() {
        if token.kind == Kind::Comment {
            if !token.own_line(t) {
                let group = previous_code.map(item_of).filter(|&i| {
                    matches!(s.items[i].kind, ItemKind::Scale | ItemKind::Lessons | ItemKind::Words)
                });
                let line = w.current.get_or_insert_with(Line::default);
                line.comment = Some((token.text.to_string(), group));
                w.break_next = true;
                continue;
            }
            let next_code = s.code.get(s.code.partition_point(|&c| c < t)).copied();
            let inside = match (previous_code, next_code) {
                (Some(p), Some(q)) => item_of(p) == item_of(q) && s.items[item_of(q)].first != q,
                _ => false,
            };
            if inside {
                let q = next_code.expect("inside an item");
                let indent = indent_before(&s, &w, q);
                w.comment_line(indent, token.text);
                w.break_next = true;
            } else {
                gap.push(token);
            }
            continue;
        }
        let role = s.roles[t];
        if s.items[role.item].first == t {
            let previous = previous_code.map(|p| s.items[item_of(p)].kind);
            write_gap(&mut w, previous, Some((s.items[role.item].kind, token.newlines)), &gap);
            gap.clear();
        }
        let breaks = role.starts_line.is_some() || w.break_next || (role.keeps_break && token.newlines > 0);
        if breaks {
            let indent = indent_before(&s, &w, t);
            if role.starts_line.is_some() {
                w.brackets.clear();
            }
            w.start_line(indent);
        } else if role.aligned {
            let column = 2 + s.items[role.item].name_width + 1;
            let pad = column.saturating_sub(w.column).max(1);
            w.push(&" ".repeat(pad));
        } else if token.space {
            w.push(" ");
        }
        w.break_next = false;
        let column = w.column;
        if token.kind == Kind::Str {
            w.push_string(token.text);
        } else {
            w.push(token.text);
        }
        if token.kind == Kind::Symbol {
            match token.text {
                "(" | "[" => w.brackets.push(column),
                ")" | "]" => {
                    w.brackets.pop();
                }
                _ => {}
            }
        }
        previous_code = Some(t);
    }
    let previous = previous_code.map(|p| s.items[item_of(p)].kind);
    write_gap(&mut w, previous, None, &gap);
    w.finish_line();
    Ok(render(w.lines))
}

/// How far the line starting with code token `t` is indented.
fn indent_before(s: &Structure<'_, '_>, w: &Writer, t: usize) -> usize {
    let role = s.roles[t];
    if let Some(indent) = role.starts_line {
        return indent;
    }
    match w.brackets.last() {
        Some(&open) if matches!(s.tokens[t].text, ")" | "]") => open,
        Some(&open) => open + 1,
        None => role.continuation,
    }
}

/// Writes the own-line comments between two items: first those that belong to the
/// previous item (indented and directly below it), then the free-standing ones at column
/// 0, blank lines between groups kept (one), and the blank line before the next item
/// unless a comment is attached to it.
fn write_gap(
    w: &mut Writer,
    previous: Option<ItemKind>,
    next: Option<(ItemKind, usize)>,
    gap: &[&Token<'_>],
) {
    let mut k = 0;
    if previous.is_some() {
        while k < gap.len() && gap[k].indented && gap[k].newlines == 1 {
            w.comment_line(2, gap[k].text);
            k += 1;
        }
    }
    let free = &gap[k..];
    // Consecutive facts, or definitions, may be written as a block.
    let block = match (previous, next) {
        (Some(a), Some((b, _))) => a == b && matches!(a, ItemKind::Fact | ItemKind::Define),
        _ => false,
    };
    for (j, comment) in free.iter().enumerate() {
        let blank = match j {
            0 if previous.is_none() => false,
            0 if block => comment.newlines >= 2,
            0 => true,
            _ => comment.newlines >= 2,
        };
        if blank {
            w.blank_line();
        }
        w.comment_line(0, comment.text);
    }
    if let Some((_, newlines)) = next {
        let blank = match previous {
            None => !free.is_empty() && newlines >= 2,
            Some(_) if !free.is_empty() || block => newlines >= 2,
            Some(_) => true,
        };
        if blank {
            w.blank_line();
        }
    }
    w.finish_line();
}

/// The lines as text: trailing comments two spaces after the code, or aligned with the
/// others of their entries four spaces after the widest; no trailing white space; one
/// final line break.
fn render(lines: Vec<Line>) -> String {
    let mut widths: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for line in &lines {
        if let Some((_, Some(group))) = &line.comment {
            let width = widths.entry(*group).or_default();
            *width = (*width).max(line.text.trim_end().chars().count());
        }
    }
    let mut out = String::new();
    for line in &lines {
        let code = line.text.trim_end();
        out.push_str(code);
        if let Some((comment, group)) = &line.comment {
            let pad = match group {
                Some(group) => widths[group] + 4 - code.chars().count(),
                None => 2,
            };
            if !code.is_empty() {
                out.push_str(&" ".repeat(pad));
            }
            out.push_str(comment);
        }
        out.push('\n');
    }
    let trimmed = out.trim_end_matches('\n');
    if trimmed.is_empty() { String::new() } else { format!("{trimmed}\n") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        match format_rule_file("test.accord", src) {
            Ok(text) => text,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn splits_clauses_and_indents_them() {
        let src = "rule r when a note \"t\" \"x\" cite s at \"Intro\" quote \"q\" cite u";
        assert_eq!(
            fmt(src),
            "rule r\n  when a\n  note \"t\"\n    \"x\"\n  cite s at \"Intro\"\n    quote \"q\"\n  cite u\n"
        );
    }

    #[test]
    fn keeps_quoted_in_on_the_cite_line_and_for_example_in_its_citation() {
        let src = "rule r when a note \"t\" \"x\" cite s at \"p.1\"\n quoted  in u\n at \"Intro\" quote \"q\" cite v for\n example";
        assert_eq!(
            fmt(src),
            "rule r\n  when a\n  note \"t\"\n    \"x\"\n  cite s at \"p.1\" quoted in u at \"Intro\"\n    quote \"q\"\n  cite v for example\n"
        );
    }

    #[test]
    fn keeps_a_question_s_condition_on_its_line_even_where_it_says_after() {
        // `after` starts a clause of a fact, but inside `only when` it is a comparison: the
        // condition was once split before it.
        let src = "fact f is true or false\n  ask \"F?\"\n  after g\n  only when as_of is on or after d + 18 months\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn lays_out_words_like_an_evidence_scale() {
        let src = "words w before 2013-04-01   \"the LINk\" before 2022-07-01 \"the CCG\"\n otherwise \"the ICB\"  # now\n allow W0311 \"kept\"";
        assert_eq!(
            fmt(src),
            "words w\n  before 2013-04-01 \"the LINk\"\n  before 2022-07-01 \"the CCG\"\n  otherwise         \"the ICB\"    # now\n  allow W0311 \"kept\"\n"
        );
    }

    #[test]
    fn keeps_the_line_breaks_of_a_condition_and_aligns_inside_brackets() {
        let src = "rule r\n when a\n and (b\n or (c\n      and d))\n  or e\n note \"t\" \"x\"\n cite s\n";
        assert_eq!(
            fmt(src),
            "rule r\n  when a\n   and (b\n        or (c\n            and d))\n   or e\n  note \"t\"\n    \"x\"\n  cite s\n"
        );
    }

    #[test]
    fn joins_line_breaks_outside_conditions() {
        let src = "rule\n r\n lesson S1,\n  S2\n when\n  a\n warn\n \"t\"\n \"x\"\n cite\n s\n";
        assert_eq!(fmt(src), "rule r\n  lesson S1, S2\n  when a\n  warn \"t\"\n    \"x\"\n  cite s\n");
    }

    #[test]
    fn re_indents_the_continuation_lines_of_strings_and_keeps_their_breaks() {
        let src = "rule r\n\twhen a\n\tnote \"t\"  \"one   \n\t\t  two\n  \n\n  three\"\n\tcite s\n";
        assert_eq!(
            fmt(src),
            "rule r\n  when a\n  note \"t\"\n    \"one\n     two\n\n     three\"\n  cite s\n"
        );
    }

    #[test]
    fn lays_out_priorities_and_after_like_the_evidence_scale_and_ask() {
        let src = "priority scale act_now \"act now\" consider \"consider\"\nfact m is text ask \"M?\" after o\nfact k is one of before, after after o\nrule r priority act_now when a note \"t\" \"x\" cite s";
        assert_eq!(
            fmt(src),
            concat!(
                "priority scale\n",
                "  act_now  \"act now\"\n",
                "  consider \"consider\"\n\n",
                "fact m is text\n  ask \"M?\"\n  after o\n",
                "fact k is one of before, after\n  after o\n\n",
                "rule r\n  priority act_now\n  when a\n  note \"t\"\n    \"x\"\n  cite s\n",
            )
        );
    }

    #[test]
    fn aligns_entries_and_their_comments() {
        let src =
            "evidence scale\n a \"A\" # first\n longer_key \"B\"   # second\n  c \"a longer label\" #third";
        assert_eq!(
            fmt(src),
            concat!(
                "evidence scale\n",
                "  a          \"A\"                 # first\n",
                "  longer_key \"B\"                 # second\n",
                "  c          \"a longer label\"    #third\n",
            )
        );
    }

    #[test]
    fn blank_lines_between_items_and_comments_attached() {
        let src = concat!(
            "\n\n# header\n\n\n# about a\nfact a is text\n  ask \"A?\"\nfact b is text\n\n\n",
            "fact c is text\n# about d\ndefine d as a\ndefine e as b\n",
            "rule r\n  when d\n  note \"t\" \"x\"\n  cite s\n  # the end of r\nsource s\n  title \"T\"\n",
            "  # the end of s\n\n# free\n\n\n# trailing\n",
        );
        assert_eq!(
            fmt(src),
            concat!(
                "# header\n\n# about a\nfact a is text\n  ask \"A?\"\nfact b is text\n\n",
                "fact c is text\n\n# about d\ndefine d as a\ndefine e as b\n\n",
                "rule r\n  when d\n  note \"t\"\n    \"x\"\n  cite s\n  # the end of r\n\nsource s\n  title \"T\"\n",
                "  # the end of s\n\n# free\n\n# trailing\n",
            )
        );
    }

    #[test]
    fn comments_inside_items_take_the_indentation_of_the_next_line() {
        let src = "rule r # r\n# the condition\n when a # a\n       # b too\n    and b\n#the advice\n note \"t\" # title\n \"x\"\n cite s";
        assert_eq!(
            fmt(src),
            concat!(
                "rule r  # r\n  # the condition\n  when a  # a\n   # b too\n   and b\n  #the advice\n",
                "  note \"t\"  # title\n    \"x\"\n  cite s\n",
            )
        );
    }

    #[test]
    fn a_comment_between_tokens_of_a_clause_keeps_a_line_break() {
        let src = "fact x is one of a, # first\n b\n  ask \"X?\"";
        assert_eq!(fmt(src), "fact x is one of a,  # first\n    b\n  ask \"X?\"\n");
    }

    #[test]
    fn strings_with_interpolations_quotes_and_comments_are_single_tokens() {
        let src = concat!(
            "rule r\n  when x is \"a # not a comment\"\n",
            "  note \"{\"}\" in change.stated_reasons # }\"\n   }\" \"{count of groups} \\\"x\\\" \\{y\"\n",
            "  cite s at \"{ not an interpolation\"\n",
            "source s note \"a { b\" title \"t\"",
        );
        assert_eq!(
            fmt(src),
            concat!(
                "rule r\n  when x is \"a # not a comment\"\n",
                "  note \"{\"}\" in change.stated_reasons # }\"\n        }\"\n    \"{count of groups} \\\"x\\\" \\{y\"\n",
                "  cite s at \"{ not an interpolation\"\n\n",
                "source s\n  note \"a { b\"\n  title \"t\"\n",
            )
        );
    }

    #[test]
    fn reserved_words_in_paths_and_highest_for_are_not_clauses() {
        let src = "rule r when change.note is a and (highest g.n for g in groups) > 1\n and x.for\n for each g in groups note \"t\" \"x\" cite s";
        assert_eq!(
            fmt(src),
            "rule r\n  when change.note is a and (highest g.n for g in groups) > 1\n   and x.for\n  for each g in groups\n  note \"t\"\n    \"x\"\n  cite s\n"
        );
    }

    #[test]
    fn definitions_continue_two_spaces_in() {
        let src = "define in_window as change.kind is merger\n and months_since < 18\ndefine m as 1";
        assert_eq!(
            fmt(src),
            "define in_window as change.kind is merger\n  and months_since < 18\ndefine m as 1\n"
        );
    }

    #[test]
    fn windows_line_ends_tabs_and_trailing_white_space() {
        let src = "rule r  \r\n\twhen a\t \r\n\tnote \"t\" \"x\r\n\t y\"\r\n\tcite s\r\n\r\n\r\n";
        assert_eq!(fmt(src), "rule r\n  when a\n  note \"t\"\n    \"x\n     y\"\n  cite s\n");
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n \n"), "");
        assert_eq!(fmt("  # a\n\n\n   # b  \n"), "# a\n\n# b\n");
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        let result = format_rule_file("bad.accord", "rule r when a and\n note \"t\" \"x\" cite s");
        let Err(FormatError::Syntax(diagnostics)) = result else { panic!("{result:?}") };
        assert_eq!(diagnostics[0].code, "E0101");
    }

    #[test]
    fn a_layout_that_changes_the_meaning_is_caught() {
        let src = "rule r\n  when a and b\n  note \"t\"\n    \"x\"\n  cite s\n";
        let (before, _) = syntax::parse_file("t.accord", src);
        assert!(verify("t.accord", src, &before, src).is_ok());
        let changed = src.replace("a and b", "a or b");
        assert!(verify("t.accord", src, &before, &changed).unwrap_err().contains("parses differently"));
        let lost = format!("# gone\n{src}");
        let (before_lost, _) = syntax::parse_file("t.accord", &lost);
        assert!(verify("t.accord", &lost, &before_lost, src).unwrap_err().contains("comment"));
        let unstable = src.replace("  when", "    when");
        assert!(verify("t.accord", src, &before, &unstable).unwrap_err().contains("again"));
    }

    #[test]
    fn formatting_the_shipped_rules_is_idempotent() {
        let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut count = 0;
        for entry in std::fs::read_dir(rules).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "accord") {
                let text = std::fs::read_to_string(&path).unwrap();
                let once = fmt(&text);
                assert_eq!(fmt(&once), once, "{}", path.display());
                count += 1;
            }
        }
        assert!(count >= 10);
    }
}
