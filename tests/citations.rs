//! Citations beyond `cite key at "locator" quote "..."`: a passage quoted in another work
//! (`quoted in`), checked against that work's text, and works offered as examples (`for
//! example`). The rules below cite the shipped sources, whose texts are in `rules/texts/`.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use accord::{Date, Report, RuleBase, RuleFiles, report};

/// The shipped declarations with `rules` added: (rule base, `CODE message` of each error).
fn compile(rules: &str) -> (Option<RuleBase>, Vec<String>) {
    let mut files: Vec<(String, String)> =
        ["rules/vocabulary.accord", "rules/sources-glasby-2012.accord", "rules/evidence.accord"]
            .iter()
            .map(|path| {
                (path.to_string(), std::fs::read_to_string(path).expect("shipped rules are readable"))
            })
            .collect();
    files.push(("rules/test.accord".to_string(), rules.to_string()));
    let compiled = RuleFiles::from_texts(files).compile();
    let errors = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    (compiled.rule_base, errors)
}

/// A rule that always fires, with these `cite` clauses.
fn rule(cites: &str) -> String {
    format!("rule r\n  when true\n  note \"t\" \"x\"\n  {cites}\n")
}

fn errors(cites: &str) -> Vec<String> {
    compile(&rule(cites)).1
}

/// The advice of a rule with these `cite` clauses, for an empty case: as JSON and as text.
fn advice(cites: &str) -> (serde_json::Value, String) {
    let (rule_base, errors) = compile(&rule(cites));
    let rule_base: &'static RuleBase = Box::leak(Box::new(rule_base.unwrap_or_else(|| panic!("{errors:?}"))));
    let case = accord::parse_case("case.json", "{}", rule_base.vocabulary()).expect("a valid case");
    let as_of = Date::parse("2013-06-01").expect("a date");
    let report: Report<'static> = rule_base.advise(&case, as_of);
    // The batch writer writes the citations as the report serializes them.
    let mut line = Vec::new();
    report::AdviceWriter::new(rule_base).write_case(&case, as_of, &mut line);
    let serialized = serde_json::to_string(&report).expect("serializes");
    assert_eq!(String::from_utf8(line).expect("UTF-8"), format!("{serialized}\n"));
    (report::to_json(&report)["advice"][0]["citations"].clone(), report::to_text(&report))
}

const PARKER: &str = "cite parker_2000 at \"pp.228-229\" quoted in glasby_2012 at \"Values and culture\"";
const PARKER_QUOTE: &str =
    "quote \"Cultural management in the sense of creating an enduring set of beliefs is impossible...\"";

#[test]
fn a_quote_is_checked_against_the_text_of_the_work_it_is_quoted_in() {
    assert_eq!(errors(&format!("{PARKER} {PARKER_QUOTE}")), Vec::<String>::new());
    assert_eq!(errors(&format!("{PARKER}\n    {PARKER_QUOTE}")), Vec::<String>::new());
    assert_eq!(
        errors("cite parker_2000 quoted in glasby_2012 quote \"set of beliefs is impossible\""),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&format!("{PARKER} quote \"Culture is easy to change\"")),
        ["E0205 quote not found in the text of `glasby_2012`"]
    );
    // Without `quoted in`, parker_2000 has no text: the quote is not checked.
    assert_eq!(errors("cite parker_2000 quote \"Culture is easy to change\""), Vec::<String>::new());
    assert_eq!(
        errors("cite parker_2000 quoted in glasbey_2012 quote \"x\""),
        ["E0202 unknown source `glasbey_2012`"]
    );
    assert_eq!(
        errors("cite parkr_2000 quoted in glasbey_2012"),
        ["E0202 unknown source `parkr_2000`", "E0202 unknown source `glasbey_2012`"]
    );
}

#[test]
fn an_unknown_quoting_work_gets_did_you_mean() {
    let files = vec![("rules/test.accord".to_string(), rule("cite parker_2000 quoted in glasbey_2012"))];
    let mut all = vec![(
        "rules/sources-glasby-2012.accord".to_string(),
        std::fs::read_to_string("rules/sources-glasby-2012.accord").expect("readable"),
    )];
    all.extend(files);
    let compiled = RuleFiles::from_texts(all).compile();
    let help = compiled.diagnostics.iter().find(|d| d.code == "E0202").and_then(|d| d.help.clone());
    assert_eq!(help.as_deref(), Some("did you mean `glasby_2012`?"));
}

#[test]
fn a_quoted_in_citation_names_the_quoting_work() {
    let (json, text) = advice(&format!("{PARKER} {PARKER_QUOTE}"));
    assert_eq!(json[0]["key"], "parker_2000");
    assert_eq!(json[0]["locator"], "pp.228-229");
    assert_eq!(json[0]["quoted_in"]["key"], "glasby_2012");
    assert_eq!(json[0]["quoted_in"]["authors"], "Glasby, J.");
    assert_eq!(json[0]["quoted_in"]["year"], 2012);
    assert_eq!(json[0]["quoted_in"]["locator"], "Values and culture");
    assert!(
        json[0]["quoted_in"]["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("Glasby, J. (2012) 'We have to stop"))
    );
    assert_eq!(json[0]["role"], "source");
    assert!(
        text.contains("   [1] Parker, M. (2000), pp.228-229, quoted in Glasby, J. (2012), Values and culture:\n       “Cultural management"),
        "{text}"
    );
    // The quoting work is in the references, numbered once.
    assert!(text.contains("\n[1] Parker, M. (2000)"), "{text}");
    assert!(text.contains("\n[2] Glasby, J. (2012) 'We have"), "{text}");
    let (json, text) = advice(&format!("cite glasby_2012\n  {PARKER} {PARKER_QUOTE}"));
    assert_eq!(json[0]["quoted_in"], serde_json::Value::Null);
    assert_eq!(text.matches("Glasby, J. (2012) 'We have").count(), 1, "{text}");
    // Works cited whole are listed after the passages cited: Parker's comes first.
    assert!(text.contains("\n[1] Parker, M. (2000)"), "{text}");
    assert!(text.contains("\n   [2] Glasby, J. (2012)\n"), "{text}");
}

#[test]
fn works_cited_for_example_are_listed_together() {
    let (json, text) = advice(
        "cite glasby_2012 at \"Values and culture\"\n  cite field_peck_2003 for example\n  cite peck_freeman_2005 for example",
    );
    let roles: Vec<&str> =
        json.as_array().expect("a list").iter().map(|c| c["role"].as_str().expect("a role")).collect();
    assert_eq!(roles, ["source", "example", "example"]);
    assert_eq!(json[1]["locator"], serde_json::Value::Null);
    assert_eq!(json[1]["quote"], serde_json::Value::Null);
    assert!(
        text.contains("   Sources:\n   [1] Glasby, J. (2012), Values and culture\n   See, for example: [2] Field, J. and Peck, E. (2003); [3] Peck, E. and Freeman, T.\n     (2005)\n"),
        "{text}"
    );
    // Shown after the other citations whatever the order written.
    let (_, text) = advice("cite field_peck_2003 for example\n  cite glasby_2012");
    assert!(
        text.contains("   [1] Glasby, J. (2012)\n   See, for example: [2] Field, J. and Peck, E. (2003)\n"),
        "{text}"
    );
}

#[test]
fn an_example_takes_no_locator_or_quote() {
    let refused = ["E0222 `field_peck_2003` is cited as an example, so it takes no locator or quote"];
    assert_eq!(errors("cite field_peck_2003 for example"), Vec::<String>::new());
    assert_eq!(errors("cite field_peck_2003 for example at \"p.3\""), refused);
    assert_eq!(errors("cite field_peck_2003 for example quote \"x\""), refused);
    assert_eq!(errors("cite field_peck_2003 for example quoted in glasby_2012"), refused);
}

/// A quote must hold a word: an empty quote, white space, or punctuation alone was "found"
/// in any text (the empty string is in every text), and passed the quote check.
#[test]
fn a_quote_without_a_word_is_refused() {
    for quote in ["", " ", "\\n  ", "...", "\u{2014}", "\u{201c}\u{201d}", "*", "- , ;"] {
        for cite in
            [format!("cite glasby_2012 quote \"{quote}\""), format!("cite parker_2000 quote \"{quote}\"")]
        {
            assert_eq!(errors(&cite), ["E0205 this quote has no word in it"], "{cite}");
        }
    }
    // A single word, or a number, is a quote.
    assert_eq!(errors("cite glasby_2012 quote \"partnership\""), Vec::<String>::new());
    assert_eq!(errors("cite glasby_2012 quote \"18\""), Vec::<String>::new());
}
