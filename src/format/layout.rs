//! The formatter's writer: tokens laid out in lines from the roles the structure pass
//! gave them, with comments kept word for word (at the end of their line, on their own
//! line inside an item, or between items) and trailing comments aligned. Must not decide
//! which token starts a line: `structure.rs` does.

use super::scan::{Kind, Token, scan};
use super::structure::{ItemKind, Structure, structure};

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
    /// Ends the line being written, if any.
    fn finish_line(&mut self) {
        if let Some(line) = self.current.take() {
            self.lines.push(line);
        }
    }

    /// Ends the line, then writes one blank line unless one is there already.
    fn blank_line(&mut self) {
        self.finish_line();
        if self.lines.last().is_some_and(|l| !l.text.is_empty() || l.comment.is_some()) {
            self.lines.push(Line::default());
        }
    }

    /// Starts a line indented `indent`.
    fn start_line(&mut self, indent: usize) {
        self.finish_line();
        self.current = Some(Line { text: " ".repeat(indent), comment: None });
        self.column = indent;
    }

    /// Writes a comment on a line of its own, indented `indent`.
    fn comment_line(&mut self, indent: usize, comment: &str) {
        self.finish_line();
        self.lines.push(Line { text: format!("{}{comment}", " ".repeat(indent)), comment: None });
    }

    /// Writes `text` on the current line.
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
pub(super) fn layout(src: &str) -> Result<String, String> {
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
    Ok(render(&w.lines))
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
fn render(lines: &[Line]) -> String {
    let mut widths: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for line in lines {
        if let Some((_, Some(group))) = &line.comment {
            let width = widths.entry(*group).or_default();
            *width = (*width).max(line.text.trim_end().chars().count());
        }
    }
    let mut out = String::new();
    for line in lines {
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
