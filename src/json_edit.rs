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

use serde_json::Value as Json;

/// `text` (the JSON document `old` was read from) with the values that differ in `new`
/// written into it. `None` when the text cannot be followed (it is not the JSON of `old`,
/// or is nested too deep), or the result would not read back as `new`: the caller then
/// writes `new` out afresh.
pub(crate) fn splice(text: &str, old: &Json, new: &Json) -> Option<String> {
    if serde_json::from_str::<Json>(text).ok()? != *old {
        return None;
    }
    let mut parser = Parser { text: text.as_bytes(), at: 0 };
    parser.space();
    let root = parser.value(0)?;
    parser.space();
    if parser.at != text.len() {
        return None;
    }
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

/// A value's place in the text.
#[derive(Debug)]
struct Node {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// `{`, its fields, and `}` at `end - 1`.
    Object(Vec<Member>),
    Array(Vec<Node>),
    Scalar,
}

#[derive(Debug)]
struct Member {
    key: String,
    key_start: usize,
    key_end: usize,
    value: Node,
}

/// The deepest nesting followed (`serde_json`, which read the case, stops at 128).
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn space(&mut self) {
        while self.text.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.text.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.at;
        let kind = match self.text.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.eat(b'}').is_none() {
                    loop {
                        self.space();
                        let key_start = self.at;
                        self.string()?;
                        let key_end = self.at;
                        let key = serde_json::from_slice(&self.text[key_start..key_end]).ok()?;
                        self.space();
                        self.eat(b':')?;
                        self.space();
                        let value = self.value(depth + 1)?;
                        members.push(Member { key, key_start, key_end, value });
                        self.space();
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                Kind::Object(members)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.eat(b']').is_none() {
                    loop {
                        self.space();
                        items.push(self.value(depth + 1)?);
                        self.space();
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                Kind::Array(items)
            }
            b'"' => {
                self.string()?;
                Kind::Scalar
            }
            _ => {
                while self.text.get(self.at).is_some_and(|b| !b",]} \t\n\r".contains(b)) {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
                Kind::Scalar
            }
        };
        Some(Node { start, end: self.at, kind })
    }

    /// Past a string, quotes included.
    fn string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            match self.text.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }
}

/// The document's line ending and unit of indentation.
struct Layout {
    newline: &'static str,
    unit: String,
}

impl Layout {
    fn of(text: &str) -> Layout {
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
enum Style {
    Lines(String),
    OneLine,
}

struct Edit {
    start: usize,
    end: usize,
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

/// The white space at the start of the line holding `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `value` written out: on one line (`{"a": 1, "b": [2, 3]}`), or on lines of their own,
/// the closing bracket at `indent` and the contents one unit deeper.
fn render(value: &Json, style: &Style, layout: &Layout) -> String {
    let mut out = String::new();
    render_into(value, style, layout, &mut out);
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `text` with `path` (`a.b`) set to `value`, as the interview would.
    fn set(text: &str, path: &str, value: Json) -> String {
        let old: Json = serde_json::from_str(text).unwrap();
        let mut new = old.clone();
        crate::interview::set_at_path(&mut new, path, value).unwrap();
        splice(text, &old, &new).expect("the text can be followed")
    }

    #[test]
    fn a_value_is_replaced_in_place_and_nothing_else_moves() {
        let text = "{\"n\": 123456789012345678901234567890, \"tiny\": 1e-400,\n \"z\": -0, \"a\" :\tnull }";
        assert_eq!(
            set(text, "a", json!(true)),
            "{\"n\": 123456789012345678901234567890, \"tiny\": 1e-400,\n \"z\": -0, \"a\" :\ttrue }"
        );
    }

    #[test]
    fn new_fields_follow_their_neighbours() {
        let lines = "{\r\n    \"a\": 1,\r\n    \"b\": {}\r\n}\r\n";
        assert_eq!(
            set(lines, "c", json!(["x", "y"])),
            "{\r\n    \"a\": 1,\r\n    \"b\": {},\r\n    \"c\": [\r\n        \"x\",\r\n        \"y\"\r\n    ]\r\n}\r\n"
        );
        assert_eq!(
            set(lines, "b.d", json!("x")),
            "{\r\n    \"a\": 1,\r\n    \"b\": {\r\n        \"d\": \"x\"\r\n    }\r\n}\r\n"
        );
        let one_line = "{\"a\":1,\"b\":{\"c\":null}}";
        assert_eq!(set(one_line, "b.d", json!(2)), "{\"a\":1,\"b\":{\"c\":null,\"d\":2}}");
        assert_eq!(set(one_line, "e.f", json!([1])), "{\"a\":1,\"b\":{\"c\":null},\"e\":{\"f\": [1]}}");
        assert_eq!(set("{}", "a.b", json!(1)), "{\"a\": {\"b\": 1}}");
        assert_eq!(set("{\n}\n", "a", json!(1)), "{\n  \"a\": 1\n}\n");
    }

    #[test]
    fn a_null_becomes_an_object_laid_out_like_the_file() {
        let text = "{\n  \"name\": \"x\",\n  \"board\": null\n}\n";
        assert_eq!(
            set(text, "board.statutory", json!(true)),
            "{\n  \"name\": \"x\",\n  \"board\": {\n    \"statutory\": true\n  }\n}\n"
        );
    }

    #[test]
    fn fields_of_list_items_are_reached() {
        let text = "{\"groups\": [ {\"name\": \"a\"},\n  {\"name\": \"b\", \"needs\": null} ], \"n\": 1.50}";
        assert_eq!(
            set(text, "groups[1].needs", json!("complex")),
            "{\"groups\": [ {\"name\": \"a\"},\n  {\"name\": \"b\", \"needs\": \"complex\"} ], \"n\": 1.50}"
        );
    }

    #[test]
    fn text_that_is_not_the_value_is_not_followed() {
        assert_eq!(splice("{\"a\": 1}", &json!({"a": 2}), &json!({"a": 3})), None);
        assert_eq!(splice("{\"a\": 1} x", &json!({"a": 1}), &json!({"a": 3})), None);
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        assert_eq!(splice(&deep, &json!(1), &json!(2)), None);
    }
}
