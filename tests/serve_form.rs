//! The case form of `accord serve`: the fields generated from the vocabulary (one control
//! per fact, by type), read back into the case as a browser would send them, the lists'
//! Add and Remove without script, and what hostile or wrong input gets.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::path::{Path, PathBuf};

mod common;

use accord::serve::form::{
    FieldError, MAX_ITEMS, SCRIPT, STYLESHEET, apply_list_edit, case_from_fields, read_fields, write_fields,
};
use accord::{RuleBase, RuleFiles};
use scraper::{ElementRef, Html, Selector};
use serde_json::{Value as Json, json};

/// A small vocabulary with one fact of each type, a nested object and a list of records.
const SMALL: &str = r#"fact open is true or false
  ask "Is the site open?"
  label "whether the site is open"
fact site.kind is one of head_office, branch
  ask "What kind of site is it?"
  label "the kind of site"
fact site.opened is a date
  ask "When did the site open?"
fact site.staff is a number
  ask "How many people work there?"
fact site.town is text
  ask "Which town is it in?"
fact site.notes is a list of text
  ask "What else is known?"
fact people is a list of records
  ask "Who works there?"
fact people[].name is text
  ask "What is this person called?"
fact people[].senior is true or false
  ask "Is {people[].name} senior?"
"#;

fn shipped() -> RuleBase {
    RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")
}

fn small() -> RuleBase {
    common::rules::compile(SMALL, "")
}

fn form(rules: &RuleBase, case: &Json) -> String {
    let mut out = String::new();
    write_fields(rules.vocabulary(), case, &mut out);
    out
}

/// The fields a browser sends for the form `html`, in document order: each input's name
/// and value (radios only when checked), each select's selected option (or its first);
/// nothing inside a `<template>`, no button (none is pressed).
fn sent(html: &str) -> Vec<(String, String)> {
    let document = Html::parse_fragment(html);
    let controls = Selector::parse("input, select").expect("a selector");
    let options = Selector::parse("option").expect("a selector");
    let mut fields = Vec::new();
    for control in document.select(&controls) {
        if in_template(control) {
            continue;
        }
        let element = control.value();
        let Some(name) = element.attr("name") else { continue };
        let value = if element.name() == "select" {
            let mut all = control.select(&options);
            let chosen = control.select(&options).find(|o| o.value().attr("selected").is_some());
            let Some(option) = chosen.or_else(|| all.next()) else { continue };
            option.value().attr("value").map_or_else(|| option.text().collect(), str::to_string)
        } else {
            if element.attr("type") == Some("radio") && element.attr("checked").is_none() {
                continue;
            }
            element.attr("value").unwrap_or_default().to_string()
        };
        fields.push((name.to_string(), value));
    }
    fields
}

fn in_template(element: ElementRef) -> bool {
    element.ancestors().any(|node| node.value().as_element().is_some_and(|e| e.name() == "template"))
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| ((*name).to_string(), (*value).to_string())).collect()
}

fn read(rules: &RuleBase, pairs: &[(&str, &str)]) -> Result<Json, Vec<FieldError>> {
    case_from_fields(rules.vocabulary(), &fields(pairs))
}

/// The messages of the errors, as `field: message`.
fn errors(rules: &RuleBase, pairs: &[(&str, &str)]) -> Vec<String> {
    match read(rules, pairs) {
        Ok(case) => panic!("read without error: {case}"),
        Err(errors) => errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect(),
    }
}

/// The facts a case states: `null` (unknown) left out, and objects left empty by that.
fn facts(value: &Json) -> Option<Json> {
    match value {
        Json::Null => None,
        Json::Object(fields) => {
            let kept: serde_json::Map<String, Json> =
                fields.iter().filter_map(|(k, v)| Some((k.clone(), facts(v)?))).collect();
            (!kept.is_empty()).then_some(Json::Object(kept))
        }
        Json::Array(items) => {
            Some(Json::Array(items.iter().map(|item| facts(item).unwrap_or(json!({}))).collect()))
        }
        other => Some(other.clone()),
    }
}

fn fixtures() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the fixtures folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() > 40, "the fixtures are missing");
    files
}

fn read_json(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

/// The HTML with a line per tag, for snapshots a reader can follow.
fn lines(html: &str) -> String {
    html.replace("><", ">\n<")
}

#[test]
fn every_fixture_comes_back_from_its_form_with_the_same_facts() {
    let rules = shipped();
    for path in fixtures() {
        let case = read_json(&path);
        let html = form(&rules, &case);
        let back = case_from_fields(rules.vocabulary(), &sent(&html))
            .unwrap_or_else(|errors| panic!("{}: {errors:?}", path.display()));
        assert_eq!(facts(&back), facts(&case), "{}", path.display());
        // And the form of what came back is the same form.
        assert_eq!(form(&rules, &back), html, "{}", path.display());
    }
}

#[test]
fn a_case_read_back_keeps_the_vocabularys_order() {
    // The checker declares the lists of records first, whatever their place in the file.
    let rules = small();
    let case =
        read(&rules, &[("people[0].name", "Ann"), ("site.town", "Ely"), ("open", "true"), ("name", "N")])
            .expect("reads");
    assert_eq!(
        case.to_string(),
        r#"{"name":"N","people":[{"name":"Ann"}],"open":true,"site":{"town":"Ely"}}"#
    );
}

#[test]
fn each_type_has_its_control() {
    let rules = small();
    insta::assert_snapshot!("small_empty", lines(&form(&rules, &json!({}))));
    let case = json!({
        "name": "Ely site", "assessed_on": "2020-01-31", "open": false,
        "site": {"kind": "head_office", "opened": "2001-05-04", "staff": 12.5, "town": "Ely", "notes": ["one", "two"]},
        "people": [{"name": "Ann", "senior": true}, {"name": "Bo"}]
    });
    insta::assert_snapshot!("small_filled", lines(&form(&rules, &case)));
}

#[test]
fn fixture_01_as_a_form() {
    let rules = shipped();
    let case =
        read_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/01-shire-integrated-care.json"));
    insta::assert_snapshot!("fixture_01", lines(&form(&rules, &case)));
}

#[test]
fn another_vocabulary_gets_another_form() {
    let html = form(&small(), &json!({}));
    for id in ["field-open-unknown", "field-site-kind", "field-site-opened", "field-people"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(!html.contains("change"));
}

#[test]
fn ids_are_unique() {
    let rules = shipped();
    let case = read_json(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/26-greyhaven-many-partners-three-groups.json"),
    );
    let document = Html::parse_fragment(&form(&rules, &case));
    let with_id = Selector::parse("[id]").expect("a selector");
    let mut ids: Vec<&str> =
        document.select(&with_id).filter(|e| !in_template(*e)).filter_map(|e| e.value().id()).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count);
    // Every label names a control that is there.
    let labels = Selector::parse("label[for]").expect("a selector");
    for label in document.select(&labels).filter(|e| !in_template(*e)) {
        let target = label.value().attr("for").expect("for");
        assert!(ids.binary_search(&target).is_ok(), "label for {target}");
    }
}

#[test]
fn unknown_is_not_false() {
    let rules = small();
    assert_eq!(read(&rules, &[("open", "")]), Ok(json!({})));
    assert_eq!(read(&rules, &[("open", "not known")]), Ok(json!({})));
    assert_eq!(read(&rules, &[("open", "false")]), Ok(json!({"open": false})));
    assert_eq!(read(&rules, &[("open", "true")]), Ok(json!({"open": true})));
    assert_eq!(read(&rules, &[("site.kind", "")]), Ok(json!({})));
    let unknown = form(&rules, &json!({}));
    assert!(unknown.contains(r#"id="field-open-unknown" name="open" value="" checked"#), "{unknown}");
    let no = form(&rules, &json!({"open": false}));
    assert!(no.contains(r#"id="field-open-no" name="open" value="false" checked"#), "{no}");
    assert!(!no.contains(r#"name="open" value="" checked"#), "{no}");
    assert_eq!(sent(&form(&rules, &json!({"open": null}))), sent(&unknown));
}

#[test]
fn values_of_each_type_are_read() {
    let rules = small();
    let case = read(
        &rules,
        &[
            ("site.staff", "12"),
            ("site.opened", "2001-05-04"),
            ("site.kind", "branch"),
            ("site.notes[0]", " a "),
        ],
    );
    assert_eq!(
        case,
        Ok(json!({"site": {"kind": "branch", "opened": "2001-05-04", "staff": 12, "notes": ["a"]}}))
    );
    assert_eq!(read(&rules, &[("site.staff", "1.5e3")]), Ok(json!({"site": {"staff": 1500.0}})));
    // The case's identifier: a number where it is one, else text; shown only when given.
    assert_eq!(read(&rules, &[("id", "7")]), Ok(json!({"id": 7})));
    assert_eq!(read(&rules, &[("id", "007")]), Ok(json!({"id": "007"})));
    assert!(!form(&rules, &json!({})).contains(r#"name="id""#));
    assert!(form(&rules, &json!({"id": 7})).contains(r#"name="id" value="7""#));
}

#[test]
fn bad_values_and_unknown_names_are_errors() {
    let rules = small();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("site.staff", "twelve")], "site.staff: `twelve` is not a number"),
        (&[("site.staff", "NaN")], "site.staff: `NaN` is not a number"),
        (&[("site.staff", "inf")], "site.staff: `inf` is not a number"),
        (
            &[("site.opened", "2013-02-30")],
            "site.opened: `2013-02-30` is not a day: February 2013 has no day 30",
        ),
        (&[("assessed_on", "1/2/2013")], "assessed_on: `1/2/2013` is not a date in the form YYYY-MM-DD"),
        (&[("site.kind", "shop")], "site.kind: `shop` is not one of head_office, branch"),
        (&[("open", "maybe")], "open: `maybe` is not yes or no"),
        (&[("sight.kind", "branch")], "sight.kind: no fact `sight.kind`"),
        (&[("site", "x")], "site: no fact `site`"),
        (&[("site.kind[0]", "x")], "site.kind[0]: no fact `site.kind[0]`"),
        (&[("people[0]", "Ann")], "people[0]: an item of this list is a group of fields, not text"),
        (&[("people", "Ann")], "people: `Ann` is not a list: give each item's fields"),
    ];
    for (pairs, expected) in cases {
        assert_eq!(errors(&rules, pairs), vec![(*expected).to_string()], "{pairs:?}");
    }
}

#[test]
fn a_bad_value_is_kept_as_typed_for_the_form_to_show() {
    let rules = small();
    let (case, errors) =
        read_fields(rules.vocabulary(), &fields(&[("site.opened", "2013-02-30"), ("site.town", "Ely")]));
    assert_eq!(errors.len(), 1);
    assert_eq!(case, json!({"site": {"opened": "2013-02-30", "town": "Ely"}}));
    let html = form(&rules, &case);
    assert!(
        html.contains(r#"<input type="text" id="field-site-opened" name="site.opened" value="2013-02-30""#),
        "{html}"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_shown_as_it_is_in_the_case() {
    let rules = small();
    let html = form(&rules, &json!({"open": "yes", "site": {"staff": [1, 2]}, "people": [{"name": "A"}, 7]}));
    insta::assert_snapshot!("wrong_types", lines(&html));
}

#[test]
fn control_names_are_not_facts() {
    let rules = small();
    let pairs =
        [("token", "abc"), ("save", ""), ("add", "people"), ("remove", "people[0]"), ("open", "true")];
    assert_eq!(read(&rules, &pairs), Ok(json!({"open": true})));
}

#[test]
fn hostile_names_are_errors_not_panics() {
    let rules = small();
    let deep = "site.".repeat(10_000) + "kind";
    let long_index = format!("people[{}].name", "9".repeat(500));
    let names = [
        "a[999999999999].b",
        "people[999999999999].name",
        "people[-1].name",
        "people[+1].name",
        "people[1.5].name",
        "people[].name",
        "people[0",
        "people]0[",
        "[0]",
        "",
        ".open",
        "open.",
        "site..kind",
        "open[]",
        "people[][]",
        "people[0][1]",
        "site.notes[0][0]",
        "__proto__",
        "naïve",
        &deep,
        &long_index,
    ];
    for name in names {
        let result = read(&rules, &[(name, "x")]);
        assert!(result.is_err(), "{name:?} read as {result:?}");
    }
    assert_eq!(
        errors(&rules, &[("people[10000].name", "x")]),
        [
            "people[10000].name: `people[10000].name` is past the end of a list: a list has at most 10000 items"
        ]
    );
    assert_eq!(read(&rules, &[("people[9999].name", "x")]), Ok(json!({"people": [{"name": "x"}]})));
    // A long name is cut in the message.
    let message = &errors(&rules, &[(&deep, "x")])[0];
    assert!(message.len() < 300, "{message}");
}

#[test]
fn ten_thousand_fields_are_read_and_their_errors_counted() {
    let rules = small();
    let good: Vec<(String, String)> =
        (0..MAX_ITEMS).map(|i| (format!("site.notes[{i}]"), format!("n{i}"))).collect();
    let case = case_from_fields(rules.vocabulary(), &good).expect("reads");
    assert_eq!(case["site"]["notes"].as_array().map(Vec::len), Some(MAX_ITEMS));
    assert_eq!(case["site"]["notes"][9_999], "n9999");
    let bad: Vec<(String, String)> = (0..10_000).map(|i| (format!("no{i}"), String::new())).collect();
    let errors = case_from_fields(rules.vocabulary(), &bad).expect_err("errors");
    assert_eq!(errors.len(), 101);
    assert_eq!(errors[100].message, "and 9900 more fields that cannot be read");
}

#[test]
fn lists_come_in_index_order_with_gaps_closed_and_empty_items_dropped() {
    let rules = small();
    let pairs = [
        ("people[7].name", "Cy"),
        ("people[2].name", "Ann"),
        ("people[2].senior", "true"),
        ("people[4].name", ""),
        ("people[4].senior", ""),
        ("site.notes[3]", "c"),
        ("site.notes[1]", ""),
        ("site.notes[0]", "a"),
    ];
    let expected =
        json!({"site": {"notes": ["a", "c"]}, "people": [{"name": "Ann", "senior": true}, {"name": "Cy"}]});
    assert_eq!(read(&rules, &pairs), Ok(expected));
}

#[test]
fn an_empty_list_stays_known() {
    let rules = small();
    let case = json!({"site": {"notes": []}, "people": []});
    let html = form(&rules, &case);
    assert_eq!(
        read(&rules, &[("site.notes[]", ""), ("people[]", ""), ("site.notes[0]", "")]),
        Ok(case.clone())
    );
    assert_eq!(case_from_fields(rules.vocabulary(), &sent(&html)), Ok(case));
    assert_eq!(read(&rules, &[("site.notes[0]", "")]), Ok(json!({})));
}

#[test]
fn add_and_remove_items_without_script() {
    let rules = small();
    let vocabulary = rules.vocabulary();
    let edit =
        |case: Json, add: Option<&str>, remove: Option<&str>| apply_list_edit(vocabulary, case, add, remove);
    assert_eq!(edit(json!({}), Some("people"), None), json!({"people": [{}]}));
    assert_eq!(edit(json!({}), Some("site.notes"), None), json!({"site": {"notes": [""]}}));
    let two = json!({"people": [{"name": "A"}, {"name": "B"}]});
    assert_eq!(
        edit(two.clone(), Some("people"), None),
        json!({"people": [{"name": "A"}, {"name": "B"}, {}]})
    );
    assert_eq!(edit(two.clone(), None, Some("people[0]")), json!({"people": [{"name": "B"}]}));
    assert_eq!(
        edit(json!({"site": {"notes": ["a", "b"]}}), None, Some("site.notes[1]")),
        json!({"site": {"notes": ["a"]}})
    );
    // Names that are not a list or an item of one leave the case as it is.
    for name in ["people[5]", "open", "site", "nothing", "people[0].name", "people[-1]", ""] {
        assert_eq!(edit(two.clone(), Some(name), Some(name)), two, "{name}");
    }
    // The form of the case with an item added shows it, empty, and its Remove button.
    let html = form(&rules, &edit(two, Some("people"), None));
    assert!(html.contains(r#"name="people[2].name" value="""#), "{html}");
    assert!(html.contains(r#"name="remove" value="people[2]""#), "{html}");
    // A list at its limit takes no more.
    let full = json!({"site": {"notes": vec![""; MAX_ITEMS]}});
    assert_eq!(edit(full.clone(), Some("site.notes"), None), full);
}

#[test]
fn texts_from_the_case_are_escaped() {
    let rules = shipped();
    let markup = r#"<script>alert("x")</script> & 'quotes' "too""#;
    let case = json!({
        "name": markup,
        "partners": [{"name": markup, "sector": "health"}],
        "change": {"stated_reasons": [markup], "kind": markup},
    });
    let html = form(&rules, &case);
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'quotes' &quot;too&quot;"),
        "{html}"
    );
    let back = read_fields(rules.vocabulary(), &sent(&html)).0;
    assert_eq!(back["name"], markup);
    assert_eq!(back["partners"][0]["name"], markup);
    assert_eq!(back["change"]["stated_reasons"][0], markup);
    assert_eq!(back["change"]["kind"], markup);
}

#[test]
fn the_script_has_no_eval_and_stays_small() {
    for banned in ["eval(", "new Function", "innerHTML", "document.write", "http:", "https:"] {
        assert!(!SCRIPT.contains(banned), "{banned}");
    }
    assert!(SCRIPT.lines().count() < 120);
    assert!(STYLESHEET.lines().count() < 60);
}
