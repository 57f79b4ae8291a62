//! New values written into a JSON document's own text, for `accord interview --write`:
//! everything the answers do not change is kept byte for byte (numbers as written, such
//! as `123456789012345678901234567890`, `1e-400` or `-0`, which a parsed value would
//! round; spacing; line endings), and what they change is written in the layout of its
//! surroundings.
//!
//! [`splice`] walks the text's positions alongside the old and the new value: an equal
//! value keeps its text, an object or a list of the same length is looked into, and
//! anything else is replaced by the new value written out. New fields go at the end of
//! their object, on lines of their own in an object laid out one field a line (at its
//! fields' indentation), or on the same line in an object on one line (with its
//! separators).
//!
//! Where each value was written comes from `spans.rs`, which reads the text with the
//! case loader's JSON tokeniser: this module must not tokenise JSON itself. New values
//! are written out in the document's layout by `render.rs`.

mod render;
mod spans;
#[cfg(test)]
mod tests;

use serde_json::Value as Json;

use render::{Layout, Style, line_indent, render};
use spans::{Kind, Member, Node};

/// `text` (the JSON document `old` was read from) with the values that differ in `new`
/// written into it. `None` when the text cannot be followed (it is not the JSON of `old`,
/// or is nested too deep), or the result would not read back as `new`: the caller then
/// writes `new` out afresh.
pub(crate) fn splice(text: &str, old: &Json, new: &Json) -> Option<String> {
    if serde_json::from_str::<Json>(text).ok()? != *old {
        return None;
    }
    let root = spans::read(text)?;
    let layout = Layout::of(text);
    let mut edits = Vec::new();
    walk(text, &root, old, new, &layout, &Style::Lines(String::new()), &mut edits)?;
    edits.sort_by_key(|edit| edit.start);
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.with.len()).sum::<usize>());
    let mut done = 0;
    for edit in &edits {
        if edit.start < done {
            return None;
        }
        out.push_str(&text[done..edit.start]);
        out.push_str(&edit.with);
        done = edit.end;
    }
    out.push_str(&text[done..]);
    // The result must read as the new value (numbers compared as serde_json reads them).
    let check: Json = serde_json::from_str(&out).ok()?;
    (check == *new).then_some(out)
}

/// Text at `start..end` replaced `with` other text.
struct Edit {
    /// Where the replaced text starts.
    start: usize,
    /// Where it ends (`start` for an insertion).
    end: usize,
    /// What is written in its place.
    with: String,
}

/// The edits that turn `node` (the text of `old`) into the text of `new`.
fn walk(
    text: &str,
    node: &Node,
    old: &Json,
    new: &Json,
    layout: &Layout,
    style: &Style,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    if old == new {
        return Some(());
    }
    match (&node.kind, old, new) {
        (Kind::Object(members), Json::Object(was), Json::Object(now))
            if was.keys().all(|key| now.contains_key(key)) && members.len() == was.len() =>
        {
            let inner = object_style(text, node, members, layout);
            for member in members {
                walk(
                    text,
                    &member.value,
                    was.get(&member.key)?,
                    now.get(&member.key)?,
                    layout,
                    &inner,
                    edits,
                )?;
            }
            let added: Vec<(&String, &Json)> =
                now.iter().filter(|(key, _)| !was.contains_key(*key)).collect();
            if !added.is_empty() {
                edits.push(insert_fields(text, node, members, &added, layout, &inner));
            }
            Some(())
        }
        (Kind::Array(items), Json::Array(was), Json::Array(now))
            if was.len() == now.len() && items.len() == was.len() =>
        {
            let inner = match style {
                Style::Lines(_) => Style::Lines(line_indent(text, node.start).to_string() + &layout.unit),
                Style::OneLine => Style::OneLine,
            };
            for ((item, was), now) in items.iter().zip(was).zip(now) {
                walk(text, item, was, now, layout, &inner, edits)?;
            }
            Some(())
        }
        _ => {
            let style = match style {
                Style::Lines(_) => Style::Lines(line_indent(text, node.start).to_string()),
                Style::OneLine => Style::OneLine,
            };
            edits.push(Edit { start: node.start, end: node.end, with: render(new, &style, layout) });
            Some(())
        }
    }
}

/// How the fields of an object are laid out: on lines of their own (at the first field's
/// indentation) when a line break comes before the first field, else on one line. An
/// empty object follows the document.
fn object_style(text: &str, node: &Node, members: &[Member], layout: &Layout) -> Style {
    match members.first() {
        Some(first) => {
            let before = &text[node.start + 1..first.key_start];
            match before.rfind('\n') {
                Some(newline) => Style::Lines(before[newline + 1..].to_string()),
                None => Style::OneLine,
            }
        }
        None if text.trim_end().contains('\n') => {
            Style::Lines(line_indent(text, node.start).to_string() + &layout.unit)
        }
        None => Style::OneLine,
    }
}

/// The edit that adds `added` at the end of the object `node`.
fn insert_fields(
    text: &str,
    node: &Node,
    members: &[Member],
    added: &[(&String, &Json)],
    layout: &Layout,
    style: &Style,
) -> Edit {
    let key = |key: &String| serde_json::to_string(key).unwrap_or_default();
    match (members, style) {
        ([], Style::Lines(indent)) => {
            // `{}` on lines of their own: `{`, the fields, `}` at the object's line's
            // indentation.
            let close_indent = line_indent(text, node.start);
            let fields: Vec<String> = added
                .iter()
                .map(|(name, value)| {
                    format!("{indent}{}: {}", key(name), render(value, &Style::Lines(indent.clone()), layout))
                })
                .collect();
            let newline = layout.newline;
            let joined = fields.join(&format!(",{newline}"));
            Edit {
                start: node.start,
                end: node.end,
                with: format!("{{{newline}{joined}{newline}{close_indent}}}"),
            }
        }
        ([], Style::OneLine) => {
            let fields: Vec<String> = added
                .iter()
                .map(|(name, value)| format!("{}: {}", key(name), render(value, style, layout)))
                .collect();
            Edit { start: node.start, end: node.end, with: format!("{{{}}}", fields.join(", ")) }
        }
        ([.., last], _) => {
            // The separators the object already uses.
            let first = &members[0];
            let colon = &text[first.key_end..first.value.start];
            let comma = match (members.get(1), style) {
                (Some(second), Style::OneLine) => text[first.value.end..second.key_start].to_string(),
                // One field: as tight as its colon.
                (_, Style::OneLine) if colon == ":" => ",".to_string(),
                (_, Style::OneLine) => ", ".to_string(),
                (_, Style::Lines(indent)) => format!(",{}{indent}", layout.newline),
            };
            let inner = match style {
                Style::Lines(indent) => Style::Lines(indent.clone()),
                Style::OneLine => Style::OneLine,
            };
            let with: String = added
                .iter()
                .map(|(name, value)| format!("{comma}{}{colon}{}", key(name), render(value, &inner, layout)))
                .collect();
            Edit { start: last.value.end, end: last.value.end, with }
        }
    }
}
