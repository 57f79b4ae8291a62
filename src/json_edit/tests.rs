//! The unit tests of `json_edit`: splices of answers into texts, and the span tree next to
//! what `serde_json` reads.

use serde_json::{Value as Json, json};

use super::spans::{self, Kind, Node};
use super::splice;
use crate::case::json::generated::{SPACE, json_text};

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

/// The span tree of `text`, next to what `serde_json` reads from it: every node at text
/// that reads as its value, every key at text that reads as its key, the members of an
/// object in the order written (a repeated key kept, its last value the one read).
fn spans_as_serde_reads(text: &str) {
    let Ok(json) = serde_json::from_str::<Json>(text) else { return };
    let root = spans::read(text).unwrap_or_else(|| panic!("{text} not followed"));
    same_as_serde(text, &root, &json);
}

fn same_as_serde(text: &str, node: &Node, value: &Json) {
    let written = &text[node.start..node.end];
    assert_eq!(written, written.trim(), "{written:?} in {text}");
    assert_eq!(&serde_json::from_str::<Json>(written).unwrap(), value, "{written} in {text}");
    match (&node.kind, value) {
        (Kind::Object(members), Json::Object(fields)) => {
            let mut first_seen: Vec<&str> = Vec::new();
            for (n, member) in members.iter().enumerate() {
                let key: String = serde_json::from_str(&text[member.key_start..member.key_end]).unwrap();
                assert_eq!(key, member.key, "in {text}");
                assert_eq!(text[member.key_end..member.value.start].trim(), ":", "in {text}");
                if !first_seen.contains(&key.as_str()) {
                    first_seen.push(&member.key);
                }
                if members[n + 1..].iter().all(|later| later.key != member.key) {
                    same_as_serde(text, &member.value, &fields[&member.key]);
                }
            }
            assert!(first_seen.iter().copied().eq(fields.keys().map(String::as_str)), "in {text}");
        }
        (Kind::Array(items), Json::Array(values)) => {
            assert_eq!(items.len(), values.len(), "in {text}");
            for (item, value) in items.iter().zip(values) {
                same_as_serde(text, item, value);
            }
        }
        (Kind::Scalar, Json::Object(_) | Json::Array(_)) | (Kind::Object(_) | Kind::Array(_), _) => {
            panic!("{written} read as {value} in {text}")
        }
        (Kind::Scalar, _) => {}
    }
}

proptest::proptest! {
    #[test]
    fn every_value_serde_reads_has_its_span(
        text in json_text(),
        space in proptest::sample::select(&["", " ", "\n", "\t\r\n  "][..]),
    ) {
        spans_as_serde_reads(&format!("{space}{}{space}", text.replace(SPACE, space)));
    }
}

#[test]
fn spans_are_where_the_values_were_written() {
    let text =
        " {\"n\" :123456789012345678901234567890,\r\n\t\"t\\u0061\": [1e-400 , -0,{}],\"n\":\"\\\"]}\"}\n";
    spans_as_serde_reads(text);
    let root = spans::read(text).unwrap();
    assert_eq!((root.start, root.end), (1, text.len() - 1));
    let Kind::Object(members) = &root.kind else { panic!("an object") };
    let keys: Vec<&str> = members.iter().map(|member| member.key.as_str()).collect();
    assert_eq!(keys, ["n", "ta", "n"]);
    assert_eq!(&text[members[1].key_start..members[1].key_end], "\"t\\u0061\"");
    let Kind::Array(items) = &members[1].value.kind else { panic!("an array") };
    let written: Vec<&str> = items.iter().map(|item| &text[item.start..item.end]).collect();
    assert_eq!(written, ["1e-400", "-0", "{}"]);
    assert_eq!(&text[members[2].value.start..members[2].value.end], "\"\\\"]}\"");
}

#[test]
fn text_that_is_not_one_value_has_no_spans() {
    for text in ["", " ", "{", "[1,", "{\"a\"", "{\"a\":1,}", "\"\\", "]", "{\"a\" 1}", "1 2", "{} x", "tru"]
    {
        assert_eq!(spans::read(text), None, "{text}");
    }
}

#[test]
fn nesting_deeper_than_the_fast_reader_follows_is_followed() {
    // The case reader gives up past 100 levels; `serde_json` reads up to 128.
    let text = format!("{}{{\"a\": 1}}{}", "[".repeat(120), "]".repeat(120));
    spans_as_serde_reads(&text);
    let old: Json = serde_json::from_str(&text).unwrap();
    let new: Json =
        serde_json::from_str(&format!("{}{{\"a\": 2}}{}", "[".repeat(120), "]".repeat(120))).unwrap();
    assert_eq!(
        splice(&text, &old, &new),
        Some(format!("{}{{\"a\": 2}}{}", "[".repeat(120), "]".repeat(120)))
    );
}
