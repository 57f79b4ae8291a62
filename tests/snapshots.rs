//! Snapshots of what users see: the advice for every fixture (text and JSON), and the
//! rendered diagnostic for every broken rule file and case file.
//!
//! Update with `cargo insta review` after reading each change.

use std::path::Path;
use std::sync::OnceLock;

use accord::diag::{self, SourceMap};
use accord::{Date, RuleBase, RuleFiles, report};

/// Cases without `assessed_on` are assessed on this date, so snapshots never depend on
/// the day the tests run.
const DEFAULT_AS_OF: &str = "2013-06-01";

fn rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check cleanly"))
}

/// The path relative to the crate, as a user running from the crate root would see it.
fn shown(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// A fixture's case, and the date it is assessed on.
fn case(path: &Path) -> (accord::Case, Date) {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let case =
        accord::parse_case(&shown(path), &text, rules().vocabulary()).expect("fixture is a valid case");
    let as_of = case.assessed_on.unwrap_or_else(|| Date::parse(DEFAULT_AS_OF).expect("valid"));
    (case, as_of)
}

fn advise(path: &Path) -> accord::Report<'static> {
    let (case, as_of) = case(path);
    rules().advise(&case, as_of)
}

/// The text report of every fixture, kept beside the fixtures
/// (`fixtures/snapshots/NAME.snap`), where `accord test` reads the same files: a rule
/// author checks them with `accord test --as-of 2013-06-01`, without Rust.
#[test]
fn advice_as_text() {
    let mut fixtures: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"))
        .expect("the fixtures")
        .map(|entry| entry.expect("a fixture").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() > 40, "the fixtures are found");
    for path in fixtures {
        let (case, as_of) = case(&path);
        let name = path.file_stem().expect("a name").to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => "../fixtures/snapshots",
            prepend_module_to_snapshot => false,
            input_file => &path,
        }, {
            insta::assert_snapshot!(name, report::to_text(&rules().advise_in_words(&case, as_of)));
        });
    }
}

/// The text report for those who maintain the rules (`--verbose`): rule ids, lessons, the
/// reasons as written in the rules, the facts asked about and the rules they could change.
#[test]
fn advice_as_verbose_text() {
    let verbose = report::TextOptions { verbose: true };
    for fixture in [
        "01-shire-integrated-care",
        "21-kingsmead-shadow-health-and-wellbeing-board",
        "27-quarrymoor-restructure-without-outcomes",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/{fixture}.json"));
        insta::assert_snapshot!(
            format!("verbose_text@{fixture}"),
            report::to_text_with(&advise(&path), verbose)
        );
    }
}

#[test]
fn advice_as_json() {
    insta::glob!("../fixtures", "*.json", |path| {
        insta::assert_json_snapshot!(report::to_json(&advise(path)));
    });
}

/// The three ways of writing the JSON document give the same text: the tree (what the
/// snapshots hold), serializing the report, and the batch writer, which writes the rules'
/// fixed parts in advance and never builds the report.
#[test]
fn advice_json_is_the_same_however_it_is_written() {
    let writer = report::AdviceWriter::new(rules());
    insta::glob!("../fixtures", "*.json", |path| {
        let (case, as_of) = case(path);
        let report = rules().advise(&case, as_of);
        let from_tree = report::to_json(&report).to_string();
        let serialized = serde_json::to_string(&report).expect("serializes");
        let mut line = Vec::new();
        writer.write_case(&case, as_of, &mut line);
        assert_eq!(serialized, from_tree, "{}", path.display());
        assert_eq!(String::from_utf8(line).expect("UTF-8"), format!("{from_tree}\n"), "{}", path.display());
        let pretty = serde_json::to_string_pretty(&report::to_json(&report)).expect("serializes");
        assert_eq!(serde_json::to_string_pretty(&report).expect("serializes"), pretty);
    });
}

/// Values the case fills into titles, texts, reasons and questions are escaped as
/// `serde_json` escapes them, wherever they fall among the rules' own words.
#[test]
fn the_batch_writer_escapes_what_the_case_fills_in() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/01-shire-integrated-care.json"
    ))
    .expect("fixture is readable");
    let awkward = "a \"quoted\" \\ name,\nover two lines\t\u{1}\u{7f} \u{201c}curly\u{201d}";
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    json["name"] = awkward.into();
    json["replaces"]["name"] = awkward.into();
    json["partners"][0]["name"] = awkward.into();
    json["groups"][1]["name"] = awkward.into();
    let case =
        accord::parse_case("awkward.json", &json.to_string(), rules().vocabulary()).expect("a valid case");
    let as_of = Date::parse(DEFAULT_AS_OF).expect("valid");
    let report = rules().advise(&case, as_of);
    let filled_in = |text: &str| text.contains(awkward);
    assert!(report.advice.iter().any(|a| filled_in(&a.title)), "a title shows the name");
    assert!(report.advice.iter().any(|a| filled_in(&a.text)), "a text shows the name");
    let mut line = Vec::new();
    report::AdviceWriter::new(rules()).write_case(&case, as_of, &mut line);
    let serialized = serde_json::to_string(&report).expect("serializes");
    assert_eq!(String::from_utf8(line).expect("UTF-8"), format!("{serialized}\n"));
}

#[test]
fn errors_in_case_files() {
    insta::glob!("../fixtures/bad-cases", "*.json", |path| {
        let shown = shown(path);
        let rendered = match accord::load::read_text(path) {
            Err(error) => diag::render(&[error.diagnostic(&shown)], &SourceMap::default(), false),
            Ok(text) => {
                let errors = accord::parse_case(&shown, &text, rules().vocabulary())
                    .expect_err("a bad case is refused");
                let mut sources = SourceMap::default();
                sources.add(shown.clone(), text);
                diag::render(&errors, &sources, false)
            }
        };
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn errors_in_rule_files() {
    insta::glob!("../fixtures/bad-rules", "*.accord", |path| {
        let relative = Path::new(env!("CARGO_MANIFEST_DIR")).join(shown(path));
        let relative =
            relative.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("under the crate").to_path_buf();
        let rendered = match RuleFiles::from_paths(&[relative]) {
            Err(diagnostic) => diag::render(&[diagnostic], &SourceMap::default(), false),
            Ok(files) => {
                let compiled = files.compile();
                // Files named for a warning (W...) are accepted with it; the others refused.
                let warning_only = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('W'));
                assert_eq!(compiled.rule_base.is_some(), warning_only, "{}", path.display());
                let mut diagnostics = compiled.diagnostics.clone();
                if let Some(rule_base) = &compiled.rule_base {
                    diagnostics.extend(accord::lint::lint(rule_base).warnings);
                }
                let name = path.file_name().expect("a file").to_string_lossy().into_owned();
                if name.starts_with(['E', 'W']) {
                    let code = &name[..5];
                    assert!(diagnostics.iter().any(|d| d.code == code), "{name} gives no {code}");
                }
                diag::render(&diagnostics, &compiled.sources, false)
            }
        };
        insta::assert_snapshot!(rendered);
    });
}

/// Every error and warning code the rule checker and parser can give has a fixture that
/// triggers it.
#[test]
fn every_rule_error_code_has_a_fixture() {
    // Every file of the stages that give these codes, so that a file split off one of them
    // is read too; their unit tests (`tests.rs`) are left out, as they name codes of others.
    let mut files: Vec<std::path::PathBuf> = vec!["src/lint.rs".into()];
    for folder in ["src/syntax", "src/check", "src/load"] {
        for entry in std::fs::read_dir(folder).expect("source folder readable") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let sources: Vec<String> =
        files.iter().map(|f| std::fs::read_to_string(f).expect("source readable")).collect();
    let fixtures: Vec<String> = std::fs::read_dir("fixtures/bad-rules")
        .expect("fixtures exist")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for source in &sources {
        let codes = source.match_indices("\"E0").chain(source.match_indices("\"W0"));
        for code in codes.map(|(i, _)| &source[i + 1..i + 6]) {
            // W0004 (more than 50 warnings in a file) is held by tests/diagnostics.rs.
            let covered =
                fixtures.iter().any(|f| f.starts_with(code)) || matches!(code, "E0001" | "E0003" | "W0004");
            assert!(covered, "no fixture in fixtures/bad-rules triggers {code}");
        }
    }
}

/// Explanations, text and JSON, for cases that show each outcome: fired, not fired,
/// undetermined (unknown facts) and overridden.
#[test]
fn explanations() {
    let cases = [
        "fixtures/01-shire-integrated-care.json",
        "fixtures/03-brackleigh-care-trust-past-stall-window.json",
        "fixtures/09-ravensholt-several-groups.json",
        "fixtures/12-sedgecombe-mild-needs-full-integration.json",
    ];
    for case in cases {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(case);
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let parsed = accord::parse_case(case, &text, rules().vocabulary()).expect("valid case");
        let as_of = parsed.assessed_on.unwrap_or_else(|| Date::parse(DEFAULT_AS_OF).expect("valid"));
        let explanations = rules().explain(&parsed, as_of, &[]);
        let name = parsed.name.as_deref();
        let stem = path.file_stem().expect("a file name").to_string_lossy().into_owned();
        insta::assert_snapshot!(
            format!("explain_text@{stem}"),
            report::explanation_text(name, as_of, &explanations)
        );
        insta::assert_json_snapshot!(
            format!("explain_json@{stem}"),
            report::explanation_json(name, as_of, &explanations)
        );
    }
}

/// Templates whose values start or end them, or meet with no words between, are written by
/// the batch writer as the report serializes them; so is a `for each` rule's item.
#[test]
fn the_batch_writer_fills_values_wherever_they_fall_in_a_template() {
    let rules = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"
fact kind is one of none, merger
  ask "What kind?"
fact label is text
  ask "What label?"
fact groups is a list of records
  ask "Which groups?"
fact groups[].name is text
  ask "What is the group called?"
rule r
  when kind is merger
  note "{label}{kind}" "{kind}, then {label}{label} and {kind}"
  cite s
rule per_group
  for each g in groups
  when g.name is known
  note "{g.name}" "For {g.name}: \"{label}\""
  cite s
"#;
    let files = vec![("rules.accord".to_string(), rules.to_string())];
    let compiled = RuleFiles::from_texts(files).compile();
    let rule_base = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let case =
        r#"{"kind": "merger", "label": "a \"label\"\n", "groups": [{"name": "x\\y"}, {"name": null}]}"#;
    let case = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("a valid case");
    let as_of = Date::parse(DEFAULT_AS_OF).expect("valid");
    let report = rule_base.advise(&case, as_of);
    assert_eq!(report.advice[0].title, "a \"label\"\nmerger");
    assert_eq!(report.advice[0].text, "merger, then a \"label\"\na \"label\"\n and merger");
    assert_eq!(report.advice[1].item.as_deref(), Some("groups[0]"));
    let mut line = Vec::new();
    report::AdviceWriter::new(&rule_base).write_case(&case, as_of, &mut line);
    let serialized = serde_json::to_string(&report).expect("serializes");
    assert_eq!(String::from_utf8(line).expect("UTF-8"), format!("{serialized}\n"));
}
