//! The rule language's keyword tables: the words that start an item, the clauses of a
//! rule, and the words that cannot be names. The parser and the formatter both read them
//! here, so the two cannot disagree. Must hold only words and how an item starts, no
//! parsing.

use super::lexical::{skip_space, starts_with_word};

/// The keywords that start a top-level item. `priority` does so only before `scale`, and
/// `policy` only before `every` (see `starts_item`): elsewhere they are a rule's clause,
/// or a name.
pub const ITEM_KEYWORDS: [&str; 9] =
    ["rule", "source", "fact", "evidence", "priority", "lessons", "define", "words", "policy"];

/// The keywords that start a clause of a rule, in the order the syntax error for an unknown
/// clause names them. `for` starts `for each`; `recommend`, `warn` and `note` the advice.
pub const CLAUSE_KEYWORDS: [&str; 14] = [
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
    "event",
    "period",
];

/// Words that cannot name a fact, a variable or a rule, because the grammar gives them a
/// meaning where a name could also stand.
pub(super) const RESERVED: [&str; 36] = [
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
    "event",
    "period",
];

/// Whether `text` starts with a top-level item's keyword: `priority` only as `priority
/// scale`, so that `priority` may still name a rule's clause, a fact or a value.
pub(super) fn starts_item(text: &str) -> bool {
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
