//! How `json_edit` writes out a value it puts into a text: the document's line ending and
//! unit of indentation, and a value on lines of its own or on one line. It only writes
//! values out: where they go, and what stays, is `json_edit`'s.

use serde_json::Value as Json;

/// The document's line ending and unit of indentation.
pub(super) struct Layout {
    /// `\r\n` if the text has any, else `\n`.
    pub(super) newline: &'static str,
    /// One level of indentation.
    pub(super) unit: String,
}

impl Layout {
    /// The layout `text` is written in (two spaces a level, if nothing is indented).
    pub(super) fn of(text: &str) -> Layout {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        // The indentation of the first indented line that starts a field or an item.
        let unit = text
            .lines()
            .skip(1)
            .map(|line| {
                let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
                &line[..indent]
            })
            .find(|indent| !indent.is_empty())
            .unwrap_or("  ")
            .to_string();
        Layout { newline, unit }
    }
}

/// How a value written out is laid out: on lines of its own, its lines indented by the
/// indentation given, or on one line.
pub(super) enum Style {
    /// On lines of their own, the closing bracket at this indentation.
    Lines(String),
    /// On one line.
    OneLine,
}

/// The white space at the start of the line holding `at`.
pub(super) fn line_indent(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `value` written out: on one line (`{"a": 1, "b": [2, 3]}`), or on lines of their own,
/// the closing bracket at `indent` and the contents one unit deeper.
pub(super) fn render(value: &Json, style: &Style, layout: &Layout) -> String {
    let mut out = String::new();
    render_into(value, style, layout, &mut out);
    out
}

/// [`render`] into `out`.
fn render_into(value: &Json, style: &Style, layout: &Layout, out: &mut String) {
    let (open, close, items): (char, char, Vec<(Option<&String>, &Json)>) = match value {
        Json::Object(fields) if !fields.is_empty() => {
            ('{', '}', fields.iter().map(|(k, v)| (Some(k), v)).collect())
        }
        Json::Array(items) if !items.is_empty() => ('[', ']', items.iter().map(|v| (None, v)).collect()),
        _ => {
            out.push_str(&serde_json::to_string(value).unwrap_or_default());
            return;
        }
    };
    out.push(open);
    let inner = match style {
        Style::Lines(indent) => Style::Lines(format!("{indent}{}", layout.unit)),
        Style::OneLine => Style::OneLine,
    };
    for (n, (key, item)) in items.iter().enumerate() {
        match &inner {
            Style::Lines(indent) => {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(layout.newline);
                out.push_str(indent);
            }
            Style::OneLine if n > 0 => out.push_str(", "),
            Style::OneLine => {}
        }
        if let Some(key) = key {
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push_str(": ");
        }
        render_into(item, &inner, layout, out);
    }
    if let Style::Lines(indent) = style {
        out.push_str(layout.newline);
        out.push_str(indent);
    }
    out.push(close);
}
