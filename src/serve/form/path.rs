//! The names of the form's fields: a fact's path with its items' indexes
//! (`partners[1].sector`, `change.stated_reasons[0]`), parsed and found in the vocabulary.
//! Must not read values: `read` and `edit` do, with what this module finds.

use crate::rulebase::{FactId, Node, Shape, Type, Vocabulary};

/// The most items a list may have in the form: more is refused, as a case loader would
/// be swamped by it long before a person typed it.
pub const MAX_ITEMS: usize = 10_000;

/// The most steps (names and indexes) a field's name may have. The vocabulary's paths have
/// at most [`crate::rulebase::MAX_PATH_SEGMENTS`] segments, each with at most one index.
const MAX_STEPS: usize = 2 * crate::rulebase::MAX_PATH_SEGMENTS;

/// One step of a field's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A field of an object: `change`, `date`.
    Key(String),
    /// An item of a list: `[1]`.
    Index(usize),
}

/// What a field's name points at in the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The value of a fact (a raw value when the fact is a list).
    Whole(FactId),
    /// An item of a list of text, or (as raw text) an item of a list of records.
    Item(FactId),
    /// `partners[]`: the list is given, even with no item.
    Given(FactId),
}

/// A field's name parsed into steps, with whether it ends in `[]` (the list is given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    /// The names and indexes, in order.
    pub steps: Vec<Step>,
    /// `partners[]`.
    pub given: bool,
}

/// Parses `partners[1].name`. The error says what is wrong, in words.
pub fn parse(name: &str) -> Result<FieldPath, String> {
    let mut steps = Vec::new();
    let mut given = false;
    let mut rest = name;
    while !rest.is_empty() {
        // A name starts with a field's name, and `[]` ends it.
        if given || steps.len() >= MAX_STEPS || (steps.is_empty() && rest.starts_with('[')) {
            return Err(format!("no fact `{}`", shorten(name)));
        }
        if let Some(after) = rest.strip_prefix("[]") {
            given = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix('[') {
            let (index, after) = parse_index(name, after)?;
            steps.push(Step::Index(index));
            rest = after;
        } else {
            let after = if steps.is_empty() { rest } else { rest.strip_prefix('.').unwrap_or("") };
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return Err(format!("no fact `{}`", shorten(name)));
            }
            steps.push(Step::Key(after[..end].to_string()));
            rest = &after[end..];
        }
    }
    if steps.is_empty() {
        return Err("a field has no name".into());
    }
    Ok(FieldPath { steps, given })
}

/// The index in `[12]` (with `after` the text past the `[`), and the text past the `]`.
fn parse_index<'a>(name: &str, after: &'a str) -> Result<(usize, &'a str), String> {
    let end = after.find(']').ok_or_else(|| format!("no fact `{}`", shorten(name)))?;
    let digits = &after[..end];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("no fact `{}`: an item's number is a whole number from 0", shorten(name)));
    }
    match digits.parse::<usize>() {
        Ok(index) if index < MAX_ITEMS => Ok((index, &after[end + 1..])),
        _ => Err(format!(
            "`{}` is past the end of a list: a list has at most {MAX_ITEMS} items",
            shorten(name)
        )),
    }
}

/// Finds what `path` points at, or `None` where the vocabulary has no such fact.
pub fn resolve(vocabulary: &Vocabulary, path: &FieldPath) -> Option<Target> {
    let mut shape: &Shape = &vocabulary.root;
    let mut steps = path.steps.iter();
    loop {
        let Some(Step::Key(key)) = steps.next() else { return None };
        match shape.fields.get(key)? {
            Node::Object(inner) => shape = inner,
            Node::Fact(id) => {
                let fact = vocabulary.get(*id)?;
                let is_list = matches!(fact.ty, Type::TextList | Type::Records(_));
                let Some(step) = steps.next() else {
                    return match (path.given, is_list) {
                        (true, true) => Some(Target::Given(*id)),
                        (false, _) => Some(Target::Whole(*id)),
                        (true, false) => None,
                    };
                };
                let Step::Index(_) = step else { return None };
                match &fact.ty {
                    Type::TextList | Type::Records(_) if steps.len() == 0 && !path.given => {
                        return Some(Target::Item(*id));
                    }
                    Type::Records(record) => shape = &record.shape,
                    _ => return None,
                }
            }
        }
    }
}

/// The name, cut to a length a message can show.
pub fn shorten(name: &str) -> String {
    const SHOWN: usize = 80;
    if name.chars().count() <= SHOWN {
        return name.to_string();
    }
    let mut cut: String = name.chars().take(SHOWN).collect();
    cut.push_str("...");
    cut
}

/// The `id` of the field named `name`: `partners[0].name` gives `field-partners-0-name`.
/// Letters, digits and `_` are kept, `.` and `[` become `-`, `]` goes, and any other
/// character is written as `-uHEX-`, so that different names give different ids.
pub fn field_id(name: &str) -> String {
    use std::fmt::Write as _;
    let mut id = String::from("field-");
    for c in name.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => id.push(c),
            '.' | '[' => id.push('-'),
            ']' => {}
            other => {
                let _ = write!(id, "-u{:x}-", u32::from(other));
            }
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(name: &str) -> Vec<Step> {
        parse(name).expect("parses").steps
    }

    #[test]
    fn names_parse_into_keys_and_indexes() {
        let key = |k: &str| Step::Key(k.to_string());
        assert_eq!(steps("change.date"), [key("change"), key("date")]);
        assert_eq!(steps("partners[12].name"), [key("partners"), Step::Index(12), key("name")]);
        assert_eq!(parse("partners[]"), Ok(FieldPath { steps: vec![key("partners")], given: true }));
        for bad in ["", ".a", "a.", "a..b", "a[", "a[x]", "a[-1]", "a[]b", "a[][]", "[0]", "[]"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse("a[10000]").is_err());
        assert!(parse("a.".repeat(40).trim_end_matches('.')).is_err());
    }

    #[test]
    fn ids_are_made_from_names() {
        assert_eq!(field_id("partners[0].name"), "field-partners-0-name");
        assert_eq!(field_id("change.stated_reasons[1]"), "field-change-stated_reasons-1");
        assert_eq!(field_id("a-b"), "field-a-u2d-b");
        assert_ne!(field_id("a.b"), field_id("a-b"));
    }

    #[test]
    fn long_names_are_cut_for_messages() {
        assert_eq!(shorten("change.kind"), "change.kind");
        assert_eq!(shorten(&"x".repeat(100)).len(), 83);
    }
}
