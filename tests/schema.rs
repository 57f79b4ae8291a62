//! The JSON Schema of case files (`accord schema`), checked with an independent validator
//! (the `jsonschema` crate): it is valid draft 2020-12, every example case passes it, the
//! broken cases fail it, and it agrees with accord's own case loader.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::path::{Path, PathBuf};

mod common;

use common::{accord, scratch};

use accord::schema::{DRAFT_2020_12, case_schema};
use accord::{RuleBase, RuleFiles};
use serde_json::{Value, json};

fn rules() -> RuleBase {
    RuleFiles::embedded().compile().rule_base.expect("the shipped rules check")
}

fn schema() -> Value {
    case_schema(rules().vocabulary())
}

/// A validator as an editor without format checks runs it: `format` is only an annotation,
/// so dates are checked by their pattern alone.
fn pattern_only(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("the schema compiles")
}

/// A validator that also checks `format: date` (whether the day exists).
fn with_formats(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles")
}

/// The problems the validator finds, one line each.
fn problems(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn json_files(folder: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no cases in {}", folder.display());
    files
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = schema();
    assert_eq!(schema["$schema"], DRAFT_2020_12);
    if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("not a valid draft 2020-12 schema: {error} at {}", error.instance_path());
    }
    assert!(jsonschema::meta::is_valid(&schema));
}

#[test]
fn every_example_case_validates() {
    let schema = schema();
    let validators = [pattern_only(&schema), with_formats(&schema)];
    let mut failures = Vec::new();
    for path in json_files("fixtures").into_iter().chain(json_files("fixtures/interview")) {
        let case = read_json(&path);
        for validator in &validators {
            for problem in problems(validator, &case) {
                failures.push(format!("{}: {problem}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_broken_case_that_is_json_is_rejected() {
    let rules = rules();
    let schema = case_schema(rules.vocabulary());
    let (pattern_only, with_formats) = (pattern_only(&schema), with_formats(&schema));
    let mut checked = Vec::new();
    for path in json_files("fixtures/bad-cases") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&path) else { continue }; // not UTF-8: binary.json
        // Not JSON at all (empty, a trailing comma, nested too deep): not a schema's matter.
        let Ok(case) = serde_json::from_str::<Value>(&text) else { continue };
        // accord itself refuses every one of them.
        assert!(accord::parse_case(&name, &text, rules.vocabulary()).is_err(), "{name}");
        match name.as_str() {
            // A key given twice is lost in parsing (the last one is kept), so no schema can
            // see it; accord's own loader reports it (E0306).
            "duplicate-field.json" => assert!(pattern_only.is_valid(&case), "{name}"),
            // 2013-02-30 matches the YYYY-MM-DD pattern: only validators that check
            // `format: date` reject it (accord's loader always does, E0305).
            "impossible-date.json" => {
                assert!(pattern_only.is_valid(&case), "{name}");
                assert!(!with_formats.is_valid(&case), "{name}");
            }
            // Unknown fields, wrong types, values outside an enumeration, bad date formats,
            // not an object: rejected by the schema alone, even without format checks.
            _ => assert!(!pattern_only.is_valid(&case), "{name} should be rejected"),
        }
        checked.push(name);
    }
    for expected in [
        "bad-date-format.json",
        "not-an-object.json",
        "not-in-enumeration.json",
        "several-errors.json",
        "unknown-field-typo.json",
        "unknown-nested-field.json",
        "wrong-type-bool.json",
        "wrong-type-list.json",
    ] {
        assert!(checked.iter().any(|name| name == expected), "{expected} was not checked: {checked:?}");
    }
}

#[test]
fn several_errors_are_all_found_where_accord_finds_them() {
    let schema = schema();
    let case =
        read_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad-cases/several-errors.json"));
    let found = problems(&pattern_only(&schema), &case).join("\n");
    for path in ["/partners/1/sector", "/groups/0", "/change/expects_savings"] {
        assert!(found.contains(path), "{path} not in:\n{found}");
    }
}

/// The schema and accord's case loader agree, case by case, on what a case may hold.
#[test]
fn the_schema_agrees_with_the_case_loader() {
    let rules = rules();
    let schema = case_schema(rules.vocabulary());
    let validator = with_formats(&schema);
    let cases = [
        // Built-ins.
        json!({}),
        json!({"name": null, "id": null, "assessed_on": null, "$schema": null}),
        json!({"id": 17, "$schema": "./case.schema.json"}),
        json!({"id": "ABC-1"}),
        json!({"id": true}),
        json!({"name": 3}),
        json!({"assessed_on": "2013-9-1"}),
        json!({"assessed_on": "2012-02-29"}),
        json!({"assessed_on": "2013-13-01"}),
        // The years start at 0001.
        json!({"assessed_on": "0000-06-01"}),
        json!({"assessed_on": "0001-01-01"}),
        json!({"assessed_on": "0010-01-01"}),
        json!({"assessed_on": "1000-01-01"}),
        // Null is unknown, for facts and for the objects that hold them.
        json!({"change": null, "culture": {"model": null}, "groups": null, "partners": []}),
        json!({"change": {"kind": "merger", "date": "2013-04-01", "stated_reasons": []}}),
        json!({"change": {"stated_reasons": [null]}}),
        json!({"change": {"stated_reasons": ["save money", 3]}}),
        json!({"change": "merger"}),
        json!({"change": {"kind": "Merger"}}),
        json!({"change": {"date": 20130401}}),
        // Lists of records: items are objects whose fields may be null, and no others.
        json!({"groups": [{"name": "older people", "needs": null, "pooled_funding": false}]}),
        json!({"groups": [null]}),
        json!({"groups": [{"name": "older people", "size": 3}]}),
        json!({"groups": {"name": "older people"}}),
        json!({"partners": [{"sector": "health", "provider": "yes"}]}),
        json!({"board": {"users_carers": true, "patients": true}}),
        json!([]),
        json!("case"),
    ];
    for case in cases {
        let text = case.to_string();
        let accord_accepts = accord::parse_case("case.json", &text, rules.vocabulary()).is_ok();
        assert_eq!(validator.is_valid(&case), accord_accepts, "{text}: {:?}", problems(&validator, &case));
    }
}

#[test]
fn descriptions_are_the_questions_and_the_order_is_the_vocabulary_s() {
    let schema = schema();
    let properties = schema["properties"].as_object().unwrap();
    let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
    assert_eq!(keys[..6], ["$schema", "name", "id", "assessed_on", "partners", "groups"]);
    assert_eq!(
        schema["properties"]["change"]["properties"]["date"]["description"],
        "On what date did (or will) the change take effect?"
    );
    // A question naming the item asked about reads "this group".
    assert_eq!(
        schema["properties"]["groups"]["items"]["properties"]["pooled_funding"]["description"],
        "Is funding for this group pooled between the partners?"
    );
    assert_eq!(
        schema["properties"]["partners"]["items"]["properties"]["sector"]["enum"],
        json!(["health", "local_government", "third_sector", "independent", "users_carers", null])
    );
    for object in [&schema, &schema["properties"]["change"], &schema["properties"]["groups"]["items"]] {
        assert_eq!(object["additionalProperties"], false);
    }
    assert_eq!(case_schema(rules().vocabulary()), schema, "deterministic");
}

#[test]
fn the_command_prints_the_schema() {
    let output = accord(&["schema"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(printed, schema());
    // Pretty and deterministic, keys in the vocabulary's order.
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text, format!("{}\n", serde_json::to_string_pretty(&schema()).unwrap()));
    assert_eq!(accord(&["schema", "--rules", "rules/"]).stdout, text.as_bytes());
}

#[test]
fn the_command_reads_another_rule_base() {
    let dir = scratch("schema", "tiny");
    let file = dir.join("tiny.accord");
    std::fs::write(
        &file,
        "fact size is a number\n  ask \"How big is it?\"\nfact sites is a list of records\n  ask \"Which sites?\"\n\
         fact sites[].name is text\n  ask \"What is the site called?\"\n\
         fact sites[].opened is a date\n  ask \"When did {sites[].name} open?\"\n",
    )
    .unwrap();
    let output = accord(&["schema", "--rules", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let schema: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        schema["properties"]["size"],
        json!({"description": "How big is it?", "type": ["number", "null"]})
    );
    let opened = &schema["properties"]["sites"]["items"]["properties"]["opened"];
    assert_eq!(opened["description"], "When did this site open?");
    assert_eq!(opened["format"], "date");
    let validator = with_formats(&schema);
    assert!(validator.is_valid(&json!({"size": 2.5, "sites": [{"name": "A", "opened": "2001-01-31"}]})));
    assert!(!validator.is_valid(&json!({"size": "2"})));
    assert!(!validator.is_valid(&json!({"change": {}})));
}
