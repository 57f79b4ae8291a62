//! Words chosen by date (`words`): which words a text shows on each side of each date, the
//! checks on the item, and the warning for words no text shows. One case per line.

use accord::{Date, RuleBase, RuleFiles, report};

const RULES: &str = r#"
source s
  authors "Author, A."
  year 2000
  title "A title"
fact kind is one of none, merger
  ask "What kind?"

words local_healthwatch
  before 2013-04-01 "the Local Involvement Network (LINk)"
  otherwise         "local Healthwatch"

words nhs_commissioners
  before 2013-04-01 "the primary care trust"
  before 2022-07-01 "the clinical commissioning group"
  otherwise         "the integrated care board"

rule involve
  when kind is merger
  note "Involve {local_healthwatch}"
    "Ask {local_healthwatch} and {nhs_commissioners} about the {kind}."
  cite s
"#;

/// `rules` compiled: the rule base, and the errors and warnings as `CODE message`.
fn compile(rules: &str) -> (Option<RuleBase>, Vec<String>) {
    let compiled = RuleFiles::from_texts(vec![("rules.accord".to_string(), rules.to_string())]).compile();
    let mut found: Vec<String> =
        compiled.diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
    if let Some(rule_base) = &compiled.rule_base {
        found.extend(
            accord::lint::lint(rule_base).warnings.iter().map(|d| format!("{} {}", d.code, d.message)),
        );
    }
    (compiled.rule_base, found)
}

fn found(rules: &str) -> Vec<String> {
    compile(rules).1
}

/// The title and text of the advice of [`RULES`] on `as_of`; the batch writer's JSON is
/// checked against the report's on the way.
fn advice_on(as_of: &str) -> (String, String) {
    let rule_base = compile(RULES).0.expect("the rules check");
    let case =
        accord::parse_case("case.json", r#"{"kind": "merger"}"#, rule_base.vocabulary()).expect("a case");
    let as_of = Date::parse(as_of).expect("a date");
    let report = rule_base.advise(&case, as_of);
    let mut line = Vec::new();
    report::AdviceWriter::new(&rule_base).write_case(&case, as_of, &mut line);
    assert_eq!(
        String::from_utf8(line).expect("UTF-8"),
        format!("{}\n", serde_json::to_string(&report).expect("JSON"))
    );
    let advice = &report.advice[0];
    (advice.title.clone(), advice.text.clone())
}

fn text_on(as_of: &str) -> String {
    advice_on(as_of).1
}

#[test]
fn the_words_are_those_of_the_first_date_after_the_assessment() {
    assert_eq!(
        text_on("2012-06-01"),
        "Ask the Local Involvement Network (LINk) and the primary care trust about the merger."
    );
    assert_eq!(
        text_on("2013-03-31"),
        "Ask the Local Involvement Network (LINk) and the primary care trust about the merger."
    );
    assert_eq!(
        text_on("2013-04-01"),
        "Ask local Healthwatch and the clinical commissioning group about the merger."
    );
    assert_eq!(
        text_on("2022-06-30"),
        "Ask local Healthwatch and the clinical commissioning group about the merger."
    );
    assert_eq!(
        text_on("2022-07-01"),
        "Ask local Healthwatch and the integrated care board about the merger."
    );
    assert_eq!(
        text_on("2030-01-01"),
        "Ask local Healthwatch and the integrated care board about the merger."
    );
    assert_eq!(advice_on("2013-03-31").0, "Involve the Local Involvement Network (LINk)");
    assert_eq!(advice_on("2013-04-01").0, "Involve local Healthwatch");
}

#[test]
fn the_text_report_shows_the_words() {
    let rule_base = compile(RULES).0.expect("the rules check");
    let case =
        accord::parse_case("case.json", r#"{"kind": "merger"}"#, rule_base.vocabulary()).expect("a case");
    let text = report::to_text(&rule_base.advise(&case, Date::parse("2013-04-01").expect("a date")));
    assert!(text.contains("1. Note: Involve local Healthwatch\n"), "{text}");
}

/// [`RULES`] with its first `words` item replaced by `words`.
fn with_words(words: &str) -> String {
    let start = RULES.find("words local_healthwatch").expect("in RULES");
    let end = RULES.find("words nhs_commissioners").expect("in RULES");
    format!("{}{words}\n\n{}", &RULES[..start], &RULES[end..])
}

#[test]
fn words_are_checked() {
    let none: Vec<String> = Vec::new();
    assert_eq!(found(RULES), none);
    assert_eq!(
        found(&with_words(
            "words local_healthwatch\n  before 2013-04-01 \"a\"\n  before 2013-04-01 \"b\"\n  otherwise \"c\""
        )),
        ["E0223 the dates of `words local_healthwatch` must ascend: 2013-04-01 is not after 2013-04-01"]
    );
    assert_eq!(
        found(&with_words(
            "words local_healthwatch\n  before 2014-01-01 \"a\"\n  before 2013-04-01 \"b\"\n  otherwise \"c\""
        )),
        ["E0223 the dates of `words local_healthwatch` must ascend: 2013-04-01 is not after 2014-01-01"]
    );
    assert_eq!(
        found(&with_words("words local_healthwatch\n  before 2013-04-01 \"a\"")),
        ["E0224 `words local_healthwatch` has no `otherwise` line"]
    );
    assert_eq!(
        found(&with_words("words local_healthwatch\n  otherwise \"c\"\n  before 2013-04-01 \"a\"")),
        ["E0224 `otherwise` must be the last line of `words local_healthwatch`"]
    );
    assert_eq!(
        found(&with_words(
            "words local_healthwatch\n  before 2013-04-01 \"a\"\n  otherwise \"c\"\n  otherwise \"d\""
        )),
        ["E0224 `words local_healthwatch` gives `otherwise` twice"]
    );
    assert_eq!(
        found(&with_words("words local_healthwatch\n  otherwise \"c\"")),
        ["E0225 `words local_healthwatch` has no `before` line"]
    );
    // A syntax error drops the item, so its uses are unknown names too.
    let first = |rules: &str| found(rules).remove(0);
    assert_eq!(
        first(&with_words("words local_healthwatch\n  after 2013-04-01 \"a\"")),
        "E0101 expected `before DATE \"words\"` or `otherwise \"words\"`, found `after`"
    );
    assert_eq!(
        first(&with_words("words local_healthwatch\n  before 2013-02-30 \"a\"\n  otherwise \"c\"")),
        "E0103 invalid date: `2013-02-30` is not a day: February 2013 has no day 30"
    );
}

#[test]
fn a_words_name_must_be_its_own() {
    let clash = |item: &str| found(&format!("{RULES}\n{item}\n"));
    let words = "  before 2013-04-01 \"a\"\n  otherwise \"b\"";
    assert_eq!(clash(&format!("words kind\n{words}")), ["E0216 `kind` is already a fact of the case"]);
    assert_eq!(clash(&format!("words merger\n{words}")), ["E0216 `merger` is already a value of `kind`"]);
    assert_eq!(
        clash(&format!("words local_healthwatch\n{words}")),
        ["E0216 `local_healthwatch` is already the name of words chosen by date"]
    );
    assert_eq!(
        clash(&format!("define big as kind is merger\nwords big\n{words}")),
        ["E0216 `big` is already defined"]
    );
    assert_eq!(
        clash("define local_healthwatch as kind is merger"),
        ["E0216 `local_healthwatch` is already defined"]
    );
}

#[test]
fn an_unknown_name_in_a_text_suggests_words() {
    let rules = RULES.replace("Involve {local_healthwatch}", "Involve {local_healthwach}");
    let compiled = RuleFiles::from_texts(vec![("rules.accord".to_string(), rules)]).compile();
    let error = compiled.diagnostics.iter().find(|d| d.code == "E0203").expect("an unknown name");
    assert_eq!(error.message, "unknown name `local_healthwach`");
    assert_eq!(error.help.as_deref(), Some("did you mean `local_healthwatch`?"));
    // Words are for texts only.
    let rules = RULES.replace("when kind is merger", "when kind is merger and local_healthwatch is \"x\"");
    assert_eq!(found(&rules), ["E0203 unknown name `local_healthwatch`"]);
    let rules = RULES.replace("Involve {local_healthwatch}", "Involve {local_healthwatch as month}");
    assert_eq!(found(&rules), ["E0204 `as month` writes a date, but this is words chosen by date"]);
}

#[test]
fn words_no_text_shows_are_a_warning_that_allow_silences() {
    let unused = "words ics\n  before 2022-07-01 \"the sustainability and transformation partnership\"\n  otherwise \"the integrated care system\"";
    assert_eq!(found(&format!("{RULES}\n{unused}\n")), ["W0311 no text shows the words `ics`"]);
    assert_eq!(
        found(&format!("{RULES}\n{unused}\n  allow W0311 \"for the rules being written\"\n")),
        Vec::<String>::new()
    );
    // An `allow` on words that are shown silences nothing.
    let rules = RULES.replace(
        "  otherwise         \"local Healthwatch\"",
        "  otherwise \"local Healthwatch\"\n  allow W0311 \"old\"",
    );
    assert_eq!(found(&rules), ["W0308 `allow W0311` silences nothing"]);
}

#[test]
fn a_text_showing_words_does_not_show_an_unknown_fact() {
    // W0307 would fire for a fact; words are always known.
    assert!(!found(RULES).iter().any(|f| f.starts_with("W0307")));
}
