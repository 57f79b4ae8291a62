//! The unit tests of `json_edit`: splices of answers into texts, and the span tree next to
//! the parser it replaced.

use proptest::prelude::{Strategy, prop_oneof};
use serde_json::{Value as Json, json};

use super::spans::{self, Kind, Member, Node};
use super::splice;

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

/// The parser `json_edit` had before it read with the case's tokeniser, kept to check
/// that the span tree is the same.
mod old {
    use super::{Kind, Member, Node};

    const MAX_DEPTH: usize = 256;

    pub(super) fn read(text: &str) -> Option<Node> {
        let mut parser = Parser { text: text.as_bytes(), at: 0 };
        parser.space();
        let root = parser.value(0)?;
        parser.space();
        (parser.at == text.len()).then_some(root)
    }

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
}

/// Stands for whitespace in generated JSON until a run chooses which.
const SPACE: char = '\u{1}';

/// JSON text, valid or not quite (leading zeros, numbers past the largest double), nested
/// a few levels, keys few enough to repeat, strings with every kind of escape, numbers
/// that a parsed value would round (`1e-400`, `-0`, big integers).
fn json_text() -> impl Strategy<Value = String> {
    let string = "\"([a-z\u{e9}\u{1f600} /]|\\\\[\"\\\\/bfnrt]|\\\\u00e9|\\\\uD83D\\\\uDE00){0,6}\"";
    let number = "-?[0-9]{1,3}(\\.[0-9]{1,3})?([eE][-+]?[0-9]{1,3})?|-?0|1e-400|-?[1-9][0-9]{15,40}";
    let leaf = prop_oneof![
        string.prop_map(|s| s),
        number.prop_map(|s| s),
        proptest::sample::select(&["true", "false", "null"][..]).prop_map(str::to_string),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let key = proptest::sample::select(&["\"a\"", "\"b\"", "\"\\u0061\"", "\"\"", "\"\\\"\\\\\""][..]);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{SPACE}{}{SPACE}]", items.join(&format!("{SPACE},{SPACE}")))),
            proptest::collection::vec((key, inner), 0..4).prop_map(|members| {
                let members: Vec<String> =
                    members.iter().map(|(key, value)| format!("{key}{SPACE}:{SPACE}{value}")).collect();
                format!("{{{SPACE}{}{SPACE}}}", members.join(&format!("{SPACE},{SPACE}")))
            }),
        ]
    })
}

proptest::proptest! {
    #[test]
    fn the_span_tree_is_the_old_parsers(
        text in json_text(),
        space in proptest::sample::select(&["", " ", "\n", "\t\r\n  "][..]),
    ) {
        let text = format!("{space}{}{space}", text.replace(SPACE, space));
        // `splice` follows only text that `serde_json` reads.
        if serde_json::from_str::<Json>(&text).is_ok() {
            let new = spans::read(&text);
            proptest::prop_assert!(new.is_some(), "{text}");
            proptest::prop_assert_eq!(new, old::read(&text), "{}", text);
        }
    }
}

#[test]
fn nesting_deeper_than_the_fast_reader_follows_is_followed() {
    // The case reader gives up past 100 levels; `serde_json` reads up to 128.
    let text = format!("{}{{\"a\": 1}}{}", "[".repeat(120), "]".repeat(120));
    assert_eq!(spans::read(&text), old::read(&text));
    let old: Json = serde_json::from_str(&text).unwrap();
    let new: Json =
        serde_json::from_str(&format!("{}{{\"a\": 2}}{}", "[".repeat(120), "]".repeat(120))).unwrap();
    assert_eq!(
        splice(&text, &old, &new),
        Some(format!("{}{{\"a\": 2}}{}", "[".repeat(120), "]".repeat(120)))
    );
}
