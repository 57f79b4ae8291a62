//! Completion: what may be written at the cursor, from the words before it. Fact paths
//! (and the fields of a bound item after `g.`), the values of a `one of` fact after `is`
//! and in a list after `in [`, source keys after `cite` and `quoted in`, lessons after
//! `lesson`, evidence levels and priority steps after their clauses, rule ids after
//! `overrides` and `contradicts`, warning codes after `allow`, and keywords where an item
//! or a clause starts. Reads the text around the cursor and the folder's index; must not
//! parse or check (a file being typed rarely parses).

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionResponse, CompletionTextEdit, TextEdit,
};

use super::Cursor;
use super::index::{Index, Symbol};
use crate::ast::{FactType, Span};
use crate::syntax::{CLAUSE_KEYWORDS, ITEM_KEYWORDS, is_name_char};

/// The words that may follow the cursor.
pub fn complete(cursor: &Cursor<'_>) -> CompletionResponse {
    let mut items = Context::at(cursor.text, cursor.offset).items(cursor);
    // In the order given (a fact's values in their declared order, then the keywords),
    // not sorted by the editor into alphabetical order.
    for (at, item) in items.iter_mut().enumerate() {
        item.sort_text = Some(format!("{at:05}"));
    }
    CompletionResponse::List(CompletionList { is_incomplete: false, items })
}

/// What the text before the cursor says may come next.
struct Context<'t> {
    /// The item the cursor is in, from its keyword's line to the cursor.
    item: &'t str,
    /// The item's keyword (`rule`, `fact`, ...), empty before any.
    keyword: &'t str,
    /// The line up to the cursor.
    line: &'t str,
    /// The name being typed, up to the cursor: letters, digits, `_`, `.` and `[]`.
    word: &'t str,
    /// Where the name being typed starts.
    word_start: usize,
}

impl<'t> Context<'t> {
    fn at(text: &'t str, offset: usize) -> Context<'t> {
        let offset = floor_char_boundary(text, offset);
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let line = &before[line_start..];
        let word_len = line.len()
            - line.trim_end_matches(|c: char| is_name_char(c) || matches!(c, '.' | '[' | ']')).len();
        let item_start = item_start(before);
        let item = &before[item_start..];
        let keyword = item.split(|c: char| !is_name_char(c)).next().unwrap_or_default();
        Context { item, keyword, line, word: &line[line.len() - word_len..], word_start: offset - word_len }
    }

    /// The line before the word being typed, its spaces at the end dropped.
    fn lead(&self) -> &'t str {
        self.line[..self.line.len() - self.word.len()].trim_end()
    }

    fn items(&self, cursor: &Cursor<'_>) -> Vec<CompletionItem> {
        let index = &cursor.folder.index;
        let edit = Span::new(self.word_start, cursor.offset);
        if let Some(expression) = self.in_string() {
            return match expression {
                true => self.names(cursor, edit),
                false => Vec::new(),
            };
        }
        let lead = self.lead();
        if lead.is_empty() {
            return if self.line.starts_with(|c: char| c.is_whitespace()) {
                let mut items = self.clauses();
                items.extend(self.names(cursor, edit));
                items
            } else {
                keywords(&ITEM_KEYWORDS)
            };
        }
        let last = last_word(lead);
        let declared = |like: Symbol, kind| {
            index.declared_like(&like).map(|(symbol, words)| named(symbol, words, kind)).collect::<Vec<_>>()
        };
        let list_of = |clause: &str| {
            let first = self.line.split_whitespace().next().unwrap_or_default();
            last == clause || (lead.ends_with(',') && first == clause)
        };
        if last == "cite" || lead.ends_with("quoted in") {
            return declared(Symbol::Source(String::new()), CompletionItemKind::REFERENCE);
        }
        if self.keyword == "rule" {
            if list_of("lesson") {
                return declared(Symbol::Lesson(String::new()), CompletionItemKind::CONSTANT);
            }
            if last == "evidence" {
                return declared(Symbol::Evidence(String::new()), CompletionItemKind::ENUM_MEMBER);
            }
            if last == "priority" {
                return declared(Symbol::Priority(String::new()), CompletionItemKind::ENUM_MEMBER);
            }
            if list_of("overrides") || list_of("contradicts") {
                return declared(Symbol::Rule(String::new()), CompletionItemKind::FUNCTION);
            }
        }
        if list_of("allow") {
            return crate::lint::WARNINGS
                .iter()
                .map(|code| keyword(code, CompletionItemKind::CONSTANT))
                .collect();
        }
        if last == "says" && self.keyword == "define" {
            return keywords(&["true", "false"]);
        }
        if last == "says" && self.keyword == "fact" {
            let declared_path = self.item.split_whitespace().nth(1).unwrap_or_default();
            return values(index, declared_path);
        }
        if let Some(tested) = self.tested_fact(lead) {
            let mut items = values(index, &self.declared_path(&tested));
            if !lead.ends_with('[') && !lead.ends_with(',') {
                items
                    .extend(keywords(&["known", "unknown", "not", "before", "after", "at least", "at most"]));
            }
            return items;
        }
        self.names(cursor, edit)
    }

    /// Whether the cursor is inside a string: `Some(true)` inside a `{...}` of one (where
    /// names are written), `Some(false)` in its words; `None` outside strings.
    fn in_string(&self) -> Option<bool> {
        let mut inside = false;
        let mut braced = false;
        let mut chars = self.item.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if inside => {
                    chars.next();
                }
                '"' if !braced => inside = !inside,
                '{' if inside => braced = true,
                '}' if inside => braced = false,
                // A comment runs to the end of its line; one the cursor is in is words.
                '#' if !inside && !chars.by_ref().any(|c| c == '\n') => return Some(false),
                _ => {}
            }
        }
        inside.then_some(braced)
    }

    /// The fact whose values may come next: the name before `is` or `is not`, or before
    /// `in [` (and the values already in the list).
    fn tested_fact(&self, lead: &str) -> Option<String> {
        if let Some(before) = lead.strip_suffix(" is not").or_else(|| lead.strip_suffix(" is")) {
            return Some(last_word(before).to_string());
        }
        let open = lead.rfind('[')?;
        if lead[open + 1..].contains(']') || !(lead.ends_with('[') || lead.ends_with(',')) {
            return None;
        }
        let before = lead[..open].trim_end();
        let before = before.strip_suffix(" in")?.trim_end();
        let before = before.strip_suffix(" not").unwrap_or(before);
        Some(last_word(before).to_string())
    }

    /// `written` with a bound name at its start replaced by the declared path of its list's
    /// items: `g.needs` after `any g in groups` is `groups[].needs`.
    fn declared_path(&self, written: &str) -> String {
        let (first, rest) =
            written.split_once('.').map_or((written, None), |(first, rest)| (first, Some(rest)));
        let Some(list) = self.bound_list(first) else { return written.to_string() };
        let list = self.declared_path(&list);
        match rest {
            Some(rest) => format!("{list}[].{rest}"),
            None => list,
        }
    }

    /// The list `name` is bound to in the item before the cursor (`for each name in
    /// list`, `any name in list`, `count name in list`, `highest ... for name in list`):
    /// the last binding of that name.
    fn bound_list(&self, name: &str) -> Option<String> {
        self.bindings()
            .into_iter()
            .filter(|(bound, _)| *bound == name)
            .filter_map(|(_, list)| Some(list?.trim_end_matches(',').to_string()))
            .next_back()
    }

    /// The names bound in the item before the cursor, in order, each with the list it is
    /// bound to when that is written yet (`for each g in groups`, `any g in`).
    fn bindings(&self) -> Vec<(&'t str, Option<&'t str>)> {
        let words: Vec<&str> = self.item.split(|c: char| c.is_whitespace() || c == '(' || c == ')').collect();
        words
            .windows(3)
            .enumerate()
            .filter(|(_, w)| matches!(w[0], "each" | "any" | "all" | "count" | "for") && w[2] == "in")
            .map(|(at, w)| (w[1], words.get(at + 3).copied()))
            .collect()
    }

    /// The names that may be written here: a path's next segments after `.`; otherwise
    /// the facts outside lists, the names bound in this item, derived facts, words and
    /// `as_of`.
    fn names(&self, cursor: &Cursor<'_>, edit: Span) -> Vec<CompletionItem> {
        let index = &cursor.folder.index;
        let written = self.word.trim_end_matches(|c: char| c != '.');
        if let Some(parent) = written.strip_suffix('.') {
            let declared_parent = self.declared_path(parent.trim_end_matches("[]"));
            return index
                .facts
                .iter()
                .filter_map(|(path, fact)| {
                    let rest = path.strip_prefix(&declared_parent)?;
                    let field = rest.strip_prefix("[].").or_else(|| rest.strip_prefix('.'))?;
                    (!field.contains('.')).then(|| {
                        let label = format!("{parent}.{}", field.trim_end_matches("[]"));
                        let mut item = fact_item(&label, fact);
                        item.filter_text = Some(label.clone());
                        item.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
                            range: cursor.folder.range(&cursor.file, edit),
                            new_text: label,
                        }));
                        item
                    })
                })
                .collect();
        }
        let mut items: Vec<CompletionItem> = index
            .facts
            .iter()
            .filter(|(path, _)| !path.contains("[]"))
            .map(|(path, fact)| fact_item(path, fact))
            .collect();
        let mut names: Vec<&str> = self
            .bindings()
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| crate::syntax::is_name(name))
            .collect();
        names.sort_unstable();
        names.dedup();
        items.extend(names.into_iter().map(|name| keyword(name, CompletionItemKind::VARIABLE)));
        for symbol in index.declared.keys() {
            match symbol {
                Symbol::Definition(name) => items.push(keyword(name, CompletionItemKind::PROPERTY)),
                Symbol::Words(name) => items.push(keyword(name, CompletionItemKind::TEXT)),
                _ => {}
            }
        }
        items.push(keyword("as_of", CompletionItemKind::CONSTANT));
        items
    }

    /// The keywords that start a clause of the item the cursor is in.
    fn clauses(&self) -> Vec<CompletionItem> {
        match self.keyword {
            "rule" => {
                let mut words: Vec<&str> = CLAUSE_KEYWORDS.to_vec();
                words.extend(["and", "or"]);
                keywords(&words)
            }
            "fact" => keywords(&["ask", "label", "says", "after", "asked when", "allow"]),
            "define" => keywords(&["says", "label", "allow"]),
            "source" => {
                let fields: Vec<&str> =
                    crate::ast::SourceFieldName::ALL.iter().map(|(field, _)| *field).collect();
                let mut items = keywords(&fields);
                items.push(keyword("allow", CompletionItemKind::KEYWORD));
                items
            }
            "words" => keywords(&["before", "otherwise", "allow"]),
            "policy" => keywords(&["every rule"]),
            _ => Vec::new(),
        }
    }
}

/// Where the item holding the end of `before` starts: the last line that starts with an
/// item's keyword, or the start of the text.
fn item_start(before: &str) -> usize {
    let mut start = 0;
    let mut at = 0;
    for line in before.split_inclusive('\n') {
        let first = line.split(|c: char| !is_name_char(c)).next().unwrap_or_default();
        if ITEM_KEYWORDS.contains(&first) && !line.starts_with(char::is_whitespace) {
            start = at;
        }
        at += line.len();
    }
    start
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The last word of `text`, brackets and commas aside.
fn last_word(text: &str) -> &str {
    let text = text.trim_end_matches([',', '[', ' ', '(']);
    text.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == ',').next().unwrap_or_default()
}

/// The values of the `one of` fact `path`, or `true` and `false` for a true-or-false one.
fn values(index: &Index, path: &str) -> Vec<CompletionItem> {
    match index.facts.get(path).map(|fact| &fact.ty) {
        Some(FactType::OneOf(values)) => values
            .iter()
            .map(|value| CompletionItem {
                label: value.node.clone(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                detail: Some(format!("a value of {path}")),
                ..CompletionItem::default()
            })
            .collect(),
        Some(FactType::Bool) => keywords(&["true", "false"]),
        _ => Vec::new(),
    }
}

fn fact_item(label: &str, fact: &super::index::DeclaredFact) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(CompletionItemKind::FIELD),
        detail: Some(super::hover::declared_type(&fact.ty)),
        ..CompletionItem::default()
    }
}

fn named(symbol: &Symbol, words: &str, kind: CompletionItemKind) -> CompletionItem {
    let label = symbol.name().unwrap_or_default().to_string();
    let detail = match symbol {
        // A source's `text` file says little; its kind says what it is.
        Symbol::Source(_) | Symbol::Rule(_) => symbol.kind().to_string(),
        _ if words.is_empty() => symbol.kind().to_string(),
        _ => words.to_string(),
    };
    CompletionItem { label, kind: Some(kind), detail: Some(detail), ..CompletionItem::default() }
}

fn keywords(words: &[&str]) -> Vec<CompletionItem> {
    words.iter().map(|word| keyword(word, CompletionItemKind::KEYWORD)).collect()
}

fn keyword(word: &str, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem { label: word.to_string(), kind: Some(kind), ..CompletionItem::default() }
}
