//! The rule base's own policy (`policy`), and quotes that cannot be verified: what a team
//! requires of its rules is declared in the rule files and reported by `accord check`.

use accord::RuleFiles;
use accord::format::format_rule_file;

mod common;

use common::{Scratch, scratch};

const DECLARATIONS: &str = r#"
evidence scale
  strong "research suggests"
source paper
  authors "Author, A."
  year 2000
  title "A paper"
  text "paper.txt"
source audit
  authors "Auditor General"
  year 2017
  title "An audit"
lessons
  L1 "A lesson"
fact a is true or false
  ask "Is a so?"
"#;

const PAPER: &str = "Partnerships work when people share values.";

/// A folder of its own for one test's rule files, with the paper's text beside them.
fn rule_folder(declarations: &str, rules: &str) -> Scratch {
    let dir = scratch("policy", "rules");
    std::fs::write(dir.join("v.accord"), declarations).expect("written");
    std::fs::write(dir.join("r.accord"), rules).expect("written");
    std::fs::write(dir.join("paper.txt"), PAPER).expect("written");
    dir
}

/// The errors, and the warnings about policy and quotes (W0312, W0314), for these rules,
/// as `CODE message`. (The small rule bases here leave declarations unused on purpose.)
fn findings(rules: &str) -> Vec<String> {
    findings_with(DECLARATIONS, rules)
}

fn findings_with(declarations: &str, rules: &str) -> Vec<String> {
    let dir = rule_folder(declarations, rules);
    let compiled = RuleFiles::from_paths(&[dir.to_path_buf()]).expect("readable").compile();
    let mut found: Vec<String> =
        compiled.diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
    if let Some(rule_base) = compiled.rule_base {
        let warnings = accord::lint::lint(&rule_base).warnings;
        found.extend(warnings.iter().map(|w| format!("{} {}", w.code, w.message)));
    }
    found.retain(|f| f.starts_with('E') || f.starts_with("W0312") || f.starts_with("W0314"));
    found
}

const BARE_RULE: &str = "rule bare\n  when a\n  note \"t\" \"x\"\n  cite audit\n";

#[test]
fn without_a_policy_a_rule_needs_no_lesson_grade_or_locator() {
    assert_eq!(
        findings(&format!(
            "{BARE_RULE}\nrule other\n  lesson L1\n  when a\n  note \"t\" \"x\"\n  cite paper\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn each_requirement_of_the_policy_is_reported_for_each_rule_that_breaks_it() {
    let policy = "policy\n  every rule names a lesson\n  every rule names its evidence\n  every rule cites a source at a locator\n  every rule cites paper\n\n";
    let found = findings(&format!("{policy}{BARE_RULE}"));
    assert_eq!(
        found,
        [
            "W0312 rule `bare` names no lesson, which the rule base's policy requires",
            "W0312 rule `bare` names no evidence grade, which the rule base's policy requires",
            "W0312 rule `bare` does not cite any source at a locator, which the rule base's policy requires",
            "W0312 rule `bare` does not cite `paper`, which the rule base's policy requires",
        ]
    );
    let compliant =
        "rule good\n  lesson L1\n  evidence strong\n  when a\n  note \"t\" \"x\"\n  cite paper at \"p.1\"\n";
    assert_eq!(findings(&format!("{policy}{compliant}")), Vec::<String>::new());
}

#[test]
fn an_example_does_not_meet_a_requirement_to_cite() {
    let policy = "policy\n  every rule cites audit\n\n";
    let rule = "rule r\n  when a\n  note \"t\" \"x\"\n  cite paper\n  cite audit for example\n";
    assert_eq!(
        findings(&format!("{policy}{rule}")),
        ["W0312 rule `r` does not cite `audit`, which the rule base's policy requires"]
    );
}

#[test]
fn a_rule_that_rightly_does_without_a_requirement_says_why() {
    let policy = "policy\n  every rule names a lesson\n\n";
    let rule = "rule r\n  when a\n  note \"t\" \"x\"\n  cite audit\n  allow W0312 \"rests on the audit, not on a lesson of the paper\"\n";
    let lesson_carried = "rule s\n  lesson L1\n  when a\n  note \"t\" \"x\"\n  cite paper\n";
    assert_eq!(findings(&format!("{policy}{rule}\n{lesson_carried}")), Vec::<String>::new());
}

#[test]
fn a_policy_line_the_language_does_not_know_is_a_syntax_error_listing_those_it_does() {
    let found = findings("policy\n  every rule is short\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("E0101"), "{found:?}");
    let files = vec![("p.accord".to_string(), "policy\n  every rule is short\n".to_string())];
    let diagnostic = &RuleFiles::from_texts(files).compile().diagnostics[0];
    let shown = format!("{} {}", diagnostic.message, diagnostic.help.clone().unwrap_or_default());
    assert!(shown.contains("every rule names a lesson"), "{shown}");
    assert!(shown.contains("every rule cites KEY at a locator"), "{shown}");
}

#[test]
fn a_policy_naming_an_unknown_source_is_an_error_with_the_closest_key() {
    let found = findings("policy\n  every rule cites papr at a locator\n");
    assert_eq!(found, ["E0202 unknown source `papr`"]);
}

#[test]
fn a_fact_may_be_called_policy() {
    let rules = "fact policy is true or false\n  ask \"Is there a policy?\"\n\nrule r\n  when policy\n  note \"t\" \"x\"\n  cite audit\n";
    assert_eq!(findings(rules), Vec::<String>::new());
}

#[test]
fn accord_fmt_lays_a_policy_out_one_requirement_a_line() {
    let messy = "policy every rule names a lesson\n      every rule cites a source   at a locator every rule cites paper\nrule r\n  when a\n  note \"t\" \"x\"\n  cite paper\n";
    let formatted = format_rule_file("p.accord", messy).expect("formats");
    assert_eq!(
        formatted,
        "policy\n  every rule names a lesson\n  every rule cites a source at a locator\n  every rule cites paper\n\nrule r\n  when a\n  note \"t\"\n    \"x\"\n  cite paper\n"
    );
    assert_eq!(format_rule_file("p.accord", &formatted).expect("formats"), formatted);
}

#[test]
fn a_quote_of_a_source_whose_text_is_not_given_is_reported_as_unverifiable() {
    let rule = "rule r\n  when a\n  note \"t\" \"x\"\n  cite audit at \"Summary\"\n    quote \"Integration has not saved money.\"\n";
    assert_eq!(
        findings(rule),
        ["W0314 this quote of `audit` cannot be verified: the rule base does not give its text"]
    );
    // A quote checked against the given text is verified; one that is not there is an error.
    let verified =
        "rule r\n  when a\n  note \"t\" \"x\"\n  cite paper at \"p.1\"\n    quote \"people share values\"\n";
    assert_eq!(findings(verified), Vec::<String>::new());
}

#[test]
fn an_unverifiable_quote_is_silenced_only_with_a_reason_on_the_rule_or_the_source() {
    let rule = "rule r\n  when a\n  note \"t\" \"x\"\n  cite audit at \"Summary\"\n    quote \"Integration has not saved money.\"\n";
    let on_rule = format!("{rule}  allow W0314 \"checked against the printed report, p.7\"\n");
    assert_eq!(findings(&on_rule), Vec::<String>::new());
    let declarations = DECLARATIONS.replace(
        "  title \"An audit\"\n",
        "  title \"An audit\"\n  allow W0314 \"quotes checked against the published PDF, whose licence forbids shipping it\"\n",
    );
    assert_eq!(findings_with(&declarations, rule), Vec::<String>::new());
}
