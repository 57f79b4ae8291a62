//! The formatter's structure pass: which item each token belongs to, which tokens start a
//! line and how far it is indented, where a line break is kept (inside conditions) and
//! which strings are aligned in a column. It knows the items and clauses from the
//! parser's keyword tables. Must not write text: `layout.rs` does.

use crate::syntax;

use super::scan::{Kind, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ItemKind {
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
pub(super) struct Role {
    /// The item it belongs to.
    pub(super) item: usize,
    /// It starts a line indented this far.
    pub(super) starts_line: Option<usize>,
    /// A line break before it in the source is kept (inside conditions).
    pub(super) keeps_break: bool,
    /// How far a line that breaks before it is indented, outside brackets.
    pub(super) continuation: usize,
    /// An entry's string: aligned in a column with the item's other entries.
    pub(super) aligned: bool,
}

pub(super) struct Item {
    pub(super) kind: ItemKind,
    /// Index of its first token.
    pub(super) first: usize,
    /// Width of the widest entry name (`evidence scale`, `lessons`).
    pub(super) name_width: usize,
}

pub(super) struct Structure<'t, 's> {
    pub(super) tokens: &'t [Token<'s>],
    /// Indices of the tokens that are not comments.
    pub(super) code: Vec<usize>,
    pub(super) roles: Vec<Role>,
    pub(super) items: Vec<Item>,
}

impl Structure<'_, '_> {
    /// The `c`th code token, if it is a word that can be a keyword.
    fn keyword(&self, c: usize) -> Option<&str> {
        self.code.get(c).and_then(|&t| self.tokens[t].keyword())
    }

    /// Whether the `c`th code token starts a top-level item.
    fn item_kind(&self, c: usize) -> Option<ItemKind> {
        let keyword = self.keyword(c).filter(|k| syntax::ITEM_KEYWORDS.contains(k))?;
        match keyword {
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

    /// Whether the `c`th code token starts a rule's clause.
    fn is_clause_keyword(&self, c: usize) -> bool {
        self.keyword(c).is_some_and(|k| syntax::CLAUSE_KEYWORDS.contains(&k))
    }

    /// Whether the `c`th code token is a string.
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

    /// Gives the `c`th code token its role.
    fn set(&mut self, c: usize, role: Role) {
        self.roles[self.code[c]] = role;
    }
}

/// Decides, for every token that is not a comment, where it goes.
pub(super) fn structure<'t, 's>(tokens: &'t [Token<'s>]) -> Result<Structure<'t, 's>, String> {
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
        s.set(c, line(item, 0, if kind == ItemKind::Define { 2 } else { 4 }));
        c += 1;
        c = match kind {
            ItemKind::Rule => s.rule_roles(c, item)?,
            ItemKind::Source => s.source_roles(c, item),
            ItemKind::Fact => s.fact_roles(c, item),
            ItemKind::Scale | ItemKind::Lessons => s.entries_roles(c, item, kind),
            ItemKind::Policy => s.policy_roles(c, item),
            ItemKind::Words => s.words_roles(c, item),
            ItemKind::Define => s.define_roles(c, item),
        };
    }
    Ok(s)
}

/// The role of a token that continues its line, in `item`; a line that breaks before it
/// is indented `continuation`.
fn join(item: usize, continuation: usize) -> Role {
    Role { item, continuation, ..Role::default() }
}

/// The role of a token that starts a line indented `indent`, in `item`.
fn line(item: usize, indent: usize, continuation: usize) -> Role {
    Role { starts_line: Some(indent), ..join(item, continuation) }
}

impl Structure<'_, '_> {
    /// Lays out a rule's id and clauses from code token `c`; gives the code token after it.
    /// A condition keeps its line breaks; an advice's text and a citation's `quote` start
    /// lines of their own.
    fn rule_roles(&mut self, mut c: usize, item: usize) -> Result<usize, String> {
        let (tokens, n) = (self.tokens, self.code.len());
        while c < n && self.item_kind(c).is_none() && !self.is_clause_keyword(c) {
            self.set(c, join(item, 4));
            c += 1;
        }
        while c < n && self.item_kind(c).is_none() {
            // A word not in CLAUSE_KEYWORDS is taken for a clause the grammar has
            // gained since; the result is checked all the same.
            let Some(clause) = self.keyword(c).map(str::to_string) else {
                return Err(format!("expected a clause, found `{}`", tokens[self.code[c]].text));
            };
            self.set(c, line(item, 2, 4));
            c += 1;
            // `highest x for g in list` inside a condition: that `for` is no clause.
            let mut open_extremes = 0;
            let mut strings = 0;
            let mut first = true;
            while c < n && self.item_kind(c).is_none() {
                let word = self.keyword(c);
                // `cite key for example`: that `for` is no clause either.
                let example =
                    clause == "cite" && word == Some("for") && self.keyword(c + 1) == Some("example");
                if self.is_clause_keyword(c)
                    && !(clause == "when" && word == Some("for") && open_extremes > 0)
                    && !example
                {
                    break;
                }
                let token = &tokens[self.code[c]];
                let role = match clause.as_str() {
                    "when" => {
                        match word {
                            Some("highest" | "lowest") => open_extremes += 1,
                            Some("for") => open_extremes -= 1,
                            _ => {}
                        }
                        Role { keeps_break: !first, ..join(item, 3) }
                    }
                    "recommend" | "warn" | "note" if token.kind == Kind::Str => {
                        strings += 1;
                        if strings == 2 { line(item, 4, 6) } else { join(item, 4) }
                    }
                    "cite" if word == Some("quote") => line(item, 4, 6),
                    _ => join(item, 4),
                };
                self.set(c, role);
                first = false;
                c += 1;
            }
        }
        Ok(c)
    }

    /// Lays out a source's key and its fields, one per line, from code token `c`; gives the
    /// code token after it.
    fn source_roles(&mut self, mut c: usize, item: usize) -> usize {
        let n = self.code.len();
        if c < n && self.item_kind(c).is_none() {
            self.set(c, join(item, 4));
            c += 1;
        }
        // A field and its value, or `allow CODE "reason"`, per line.
        let mut values_due = 0;
        while c < n && self.item_kind(c).is_none() {
            if values_due == 0 {
                self.set(c, line(item, 2, 4));
                values_due = if self.keyword(c) == Some("allow") { 2 } else { 1 };
            } else {
                self.set(c, join(item, 4));
                values_due -= 1;
            }
            c += 1;
        }
        c
    }

    /// Lays out a fact's path and type, then its `ask`, `after`, `only when`, `label`, `says`
    /// and `allow` lines, from code token `c`; gives the code token after it.
    fn fact_roles(&mut self, mut c: usize, item: usize) -> usize {
        let (tokens, n) = (self.tokens, self.code.len());
        // Within `only when`'s condition, `after` is a comparison (`is on or after`).
        let mut in_condition = false;
        while c < n && self.item_kind(c).is_none() {
            if self.starts_wording(c) {
                in_condition = false;
                c = self.wording_line(c, item);
                continue;
            }
            // `after` in `is one of before, after` is a value, not the clause.
            let value_of_one_of = c > 0 && matches!(tokens[self.code[c - 1]].text, "," | "of");
            let starts = match self.keyword(c) {
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
            self.set(c, if starts { line(item, 2, 4) } else { join(item, 4) });
            c += 1;
        }
        c
    }

    /// Lays out the entries of an `evidence scale`, `priority scale` or `lessons` item, one
    /// per line with their strings aligned, from code token `c`; gives the code token after
    /// them.
    fn entries_roles(&mut self, mut c: usize, item: usize, kind: ItemKind) -> usize {
        let (tokens, n) = (self.tokens, self.code.len());
        if kind == ItemKind::Scale {
            self.set(c, join(item, 4));
            c += 1;
        }
        let mut name = true;
        while c < n && self.item_kind(c).is_none() {
            if name {
                self.set(c, line(item, 2, 4));
                let width = tokens[self.code[c]].text.chars().count();
                self.items[item].name_width = self.items[item].name_width.max(width);
            } else {
                self.set(c, Role { aligned: true, ..join(item, 4) });
            }
            name = !name;
            c += 1;
        }
        c
    }

    /// Lays out a policy's requirements, one per line, from code token `c`; gives the code
    /// token after them.
    fn policy_roles(&mut self, mut c: usize, item: usize) -> usize {
        let n = self.code.len();
        // One requirement per line, each starting with `every`; `rule` in `every
        // rule` and `source` in `a source` are words of the requirement, not items.
        while c < n {
            let within = matches!(
                (self.keyword(c - 1), self.keyword(c)),
                (Some("every"), Some("rule")) | (Some("a"), Some("source"))
            );
            if !within && self.item_kind(c).is_some() {
                break;
            }
            self.set(c, if self.keyword(c) == Some("every") { line(item, 2, 4) } else { join(item, 4) });
            c += 1;
        }
        c
    }

    /// Lays out a `words` item's name and entries from code token `c`, the words aligned
    /// after the widest `before DATE`; gives the code token after it.
    fn words_roles(&mut self, mut c: usize, item: usize) -> usize {
        let (tokens, n) = (self.tokens, self.code.len());
        if c < n && self.item_kind(c).is_none() {
            self.set(c, join(item, 4));
            c += 1;
        }
        // `before DATE "words"`, `otherwise "words"` or `allow CODE "reason"` per
        // line; the words are aligned after the widest `before DATE`.
        let (mut entry_starts, mut width, mut allow) = (true, 0, false);
        while c < n && self.item_kind(c).is_none() {
            let token = &tokens[self.code[c]];
            if entry_starts {
                self.set(c, line(item, 2, 4));
                width = token.text.chars().count();
                allow = self.keyword(c) == Some("allow");
                entry_starts = false;
            } else if token.kind == Kind::Str {
                if allow {
                    self.set(c, join(item, 4));
                } else {
                    self.set(c, Role { aligned: true, ..join(item, 4) });
                    self.items[item].name_width = self.items[item].name_width.max(width);
                }
                entry_starts = true;
            } else {
                self.set(c, join(item, 4));
                width += token.text.chars().count() + usize::from(token.space);
            }
            c += 1;
        }
        c
    }

    /// Lays out a derived fact's definition and its `label`, `says` and `allow` lines from
    /// code token `c`; gives the code token after it.
    fn define_roles(&mut self, mut c: usize, item: usize) -> usize {
        let n = self.code.len();
        // `define name as`, then the expression.
        let mut position = 0;
        while c < n && self.item_kind(c).is_none() {
            if self.starts_wording(c) {
                c = self.wording_line(c, item);
                continue;
            }
            // `allow CODE "reason"`: a reserved word, so never part of the condition.
            if self.keyword(c) == Some("allow") {
                self.set(c, line(item, 2, 4));
                for next in (c + 1..n).take(2) {
                    self.set(next, join(item, 4));
                }
                c = (c + 3).min(n);
                continue;
            }
            self.set(c, Role { keeps_break: position > 2, ..join(item, 2) });
            position += 1;
            c += 1;
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::{Role, Structure};
    use crate::format::scan::scan;
    use crate::syntax::ITEM_KEYWORDS;

    /// Every keyword that starts an item for the parser starts one for the formatter, so
    /// that an item added to the language cannot be read by one and refused by the other.
    #[test]
    fn every_item_keyword_of_the_parser_starts_an_item() {
        for keyword in ITEM_KEYWORDS {
            // `evidence` and `priority` start an item before `scale`, `policy` before `every`.
            let next = if keyword == "policy" { "every" } else { "scale" };
            let src = format!("{keyword} {next}");
            let tokens = scan(&src);
            let code = (0..tokens.len()).collect();
            let roles = vec![Role::default(); tokens.len()];
            let s = Structure { tokens: &tokens, code, roles, items: Vec::new() };
            assert!(s.item_kind(0).is_some(), "`{keyword}` starts no item for the formatter");
        }
    }
}
