//! The warnings about one quote cited by two rules: W0309 (different evidence grades) and
//! W0310 (rules that can fire together). One case per line: two rules, the warnings.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use accord::RuleFiles;

const DECLARATIONS: &str = r#"
evidence scale
  strong "research suggests"
  weak   "the paper's argument"
source s
  authors "Author, A."
  year 2000
  title "A title"
source t
  authors "Other, B."
  year 2001
  title "Another title"
fact a is true or false
  ask "Is a so?"
fact b is true or false
  ask "Is b so?"
fact groups is a list of records
  ask "Which groups?"
fact groups[].needs is one of mild, complex
  ask "What needs?"
"#;

/// A rule `id` with a clause or two (`when ...` and the like), citing `cite`.
fn rule(id: &str, clauses: &str, cite: &str) -> String {
    format!("rule {id}\n  {clauses}\n  note \"t\" \"x\"\n  cite {cite}\n")
}

/// The codes of the W0309 and W0310 warnings for the rules.
fn warnings(rules: &[String]) -> Vec<String> {
    let files =
        vec![("d.accord".to_string(), DECLARATIONS.to_string()), ("r.accord".to_string(), rules.concat())];
    let compiled = RuleFiles::from_texts(files).compile();
    let rule_base = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let findings = accord::lint::lint(&rule_base);
    findings
        .warnings
        .iter()
        .filter(|w| ["W0309", "W0310"].contains(&w.code))
        .map(|w| w.code.to_string())
        .collect()
}

const Q: &str = "s quote \"one claim\"";

#[test]
fn a_quote_cited_with_two_grades() {
    let graded = |one: &str, two: &str| {
        warnings(&[rule("r1", &format!("when a {one}"), Q), rule("r2", &format!("when not a {two}"), Q)])
    };
    assert_eq!(graded("evidence strong", "evidence weak"), ["W0309"]);
    assert_eq!(graded("evidence strong", ""), ["W0309"]);
    assert_eq!(graded("evidence strong", "evidence strong"), Vec::<String>::new());
    assert_eq!(graded("", ""), Vec::<String>::new());
    // The same words after the quote checker's normalisation; another source's is another quote.
    let spaced = "s quote \"one\n     claim\"";
    assert_eq!(
        warnings(&[rule("r1", "when a evidence strong", Q), rule("r2", "when not a evidence weak", spaced)]),
        ["W0309"]
    );
    assert_eq!(
        warnings(&[
            rule("r1", "when a evidence strong", Q),
            rule("r2", "when not a evidence weak", "t quote \"one claim\"")
        ]),
        Vec::<String>::new()
    );
    assert_eq!(
        warnings(&[
            rule("r1", "when a evidence strong", Q),
            rule("r2", "when not a evidence weak", "s quote \"another\"")
        ]),
        Vec::<String>::new()
    );
}

#[test]
fn a_quote_cited_by_rules_that_can_fire_together() {
    let together = |one: &str, two: &str| warnings(&[rule("r1", one, Q), rule("r2", two, Q)]);
    assert_eq!(together("when a", "when a and b"), ["W0310"]);
    assert_eq!(together("when a", "when b"), ["W0310"]);
    assert_eq!(together("when a", "when not a"), Vec::<String>::new());
    // An override means they never give advice together.
    assert_eq!(together("when a", "when a and b\n  overrides r1"), Vec::<String>::new());
    assert_eq!(together("when a\n  overrides r2", "when a and b"), Vec::<String>::new());
    // Per item: together means for the same item, as for overrides.
    let each = "for each g in groups\n  when g.needs is";
    assert_eq!(together(&format!("{each} mild"), &format!("{each} mild or a")), ["W0310"]);
    assert_eq!(together(&format!("{each} mild"), &format!("{each} complex")), Vec::<String>::new());
    // Both warnings at once.
    assert_eq!(together("when a\n  evidence strong", "when b\n  evidence weak"), ["W0309", "W0310"]);
}

#[test]
fn allow_silences_them_on_the_second_rule() {
    let allowed = "when a and b\n  allow W0310 \"both pieces of advice need the quote\"";
    assert_eq!(warnings(&[rule("r1", "when a", Q), rule("r2", allowed, Q)]), Vec::<String>::new());
}
