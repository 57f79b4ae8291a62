//! The checker on one-line rules: each mistake, the code and message it gets.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use accord::RuleFiles;

const VOCABULARY: &str = r#"
evidence scale
  strong "research suggests"
source s
  authors "Author, A."
  year 2000
  title "A title"
fact a is true or false
  ask "Is a so?"
fact n is a number
  ask "What is n?"
fact d is a date
  ask "When is d?"
fact kind is one of none, merger
  ask "What kind?"
fact label is text
  ask "What label?"
fact reasons is a list of text
  ask "What reasons?"
fact groups is a list of records
  ask "Which groups?"
fact groups[].needs is one of mild, complex
  ask "What needs?"
"#;

/// The errors for a rule with this condition, as `CODE message`.
fn errors(condition: &str) -> Vec<String> {
    errors_in(&format!("rule r\n  when {condition}\n  note \"t\" \"x\"\n  cite s\n"))
}

fn errors_in(rules: &str) -> Vec<String> {
    let files =
        vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), rules.to_string())];
    let compiled = RuleFiles::from_texts(files).compile();
    compiled.diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect()
}

#[test]
fn well_typed_conditions_pass() {
    for condition in [
        "a",
        "not a and kind is merger",
        "kind in [none, merger]",
        "n >= 2 and n - 1 < 5",
        "d + 18 months is after as_of",
        "months between d and as_of is at least 18",
        "label is \"x\" or \"y\" in reasons",
        "any g in groups where g.needs is complex",
        "(count g in groups where g.needs is mild) > 1",
        "count of groups == 0 or reasons is unknown",
    ] {
        assert_eq!(errors(condition), Vec::<String>::new(), "{condition}");
    }
}

#[test]
fn mistakes_get_a_code_and_a_message() {
    let cases: &[(&str, &str)] = &[
        ("kind is mergr", "E0206 `mergr` is not a value of `kind`"),
        ("knd is merger", "E0203 unknown name `knd`"),
        ("d is before 18", "E0204 cannot compare a date with a number"),
        ("label is x", "E0204 cannot compare text with the word `x`"),
        (
            "label < \"x\"",
            "E0204 `before`, `after`, `<` and `>` compare numbers, dates, durations or values of a `one of` fact (in the order declared), not text",
        ),
        ("n", "E0204 expected a condition, found a number"),
        ("count g in groups where g.needs is mild", "E0204 expected a condition, found a number"),
        ("d - d", "E0204 dates cannot be subtracted"),
        ("d + 3", "E0204 expected a duration, found a number"),
        ("groups[].needs is mild", "E0203 `groups[].needs` is a field of each item of `groups`"),
        ("any g in kind where g", "E0204 expected a list, found a value of `kind`"),
        ("any g in groups where g.need is mild", "E0203 unknown name `g.need`"),
        ("(any g in groups where a) and g.needs is mild", "E0203 unknown name `g.needs`"),
        ("n in reasons", "E0204 expected text, found a number"),
        ("label in kind", "E0204 `in` and `contains` need a list, found a value of `kind`"),
    ];
    for (condition, expected) in cases {
        assert_eq!(errors(condition), [*expected], "{condition}");
    }
}

/// The one error for a rule with this condition, as `CODE message`, and its help.
fn error_and_help(condition: &str) -> (String, String) {
    let rules = format!("rule r\n  when {condition}\n  note \"t\" \"x\"\n  cite s\n");
    let files = vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), rules)];
    let compiled = RuleFiles::from_texts(files).compile();
    let [diagnostic] = compiled.diagnostics.as_slice() else {
        panic!("{condition}: not one error: {:#?}", compiled.diagnostics)
    };
    (format!("{} {}", diagnostic.code, diagnostic.message), diagnostic.help.clone().unwrap_or_default())
}

#[test]
fn conditions_written_as_said_in_english_get_the_fix_in_the_authors_terms() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "kind is none or merger",
            "E0204 `merger` is a value of `kind`, not a condition",
            "write `kind in [none, merger]` (or `kind is none or kind is merger`)",
        ),
        (
            "a and kind is not none or merger",
            "E0204 `merger` is a value of `kind`, not a condition",
            "write `kind not in [none, merger]` (or `kind is not none and kind is not merger`)",
        ),
        (
            "any g in groups where (g.needs == mild or complex)",
            "E0204 `complex` is a value of `g.needs`, not a condition",
            "write `g.needs in [mild, complex]`",
        ),
        (
            "kind in [none] and\n   # a comment\n   merger",
            "E0204 `merger` is a value of `kind`, not a condition",
            "write `kind in [none, merger]`",
        ),
        ("a and merger", "E0204 `merger` is a value, not a condition", "`kind is merger`"),
        (
            "kind in [merger, no change]",
            "E0206 `no change` is not a value of `kind`",
            "one word, with underscores (`no_change`), and values in a list are separated by commas",
        ),
        ("kind in [none merger]", "E0206 `none merger` is not a value of `kind`", "`[none, merger]`"),
        ("kind is no change", "E0101 expected one value, found `no change`", "with underscores, `no_change`"),
        (
            "kind is \"merger\"",
            "E0204 cannot compare a value of `kind` with text",
            "without quotes: `merger`",
        ),
        ("kind in [\"Merger\"]", "E0204 expected a value of `kind`, found text", "did you mean `merger`?"),
        ("label in [x y]", "E0204 expected text, found the word `x y`", "`\"x y\"`"),
        ("kind = merger", "E0101 expected `is` or `==`, found `=`", "`kind is merger`"),
        ("kind <> merger", "E0101 expected `is not` or `!=`, found `<>`", "`kind is not merger`"),
        ("a && kind is merger", "E0101 expected `and`, found `&&`", "write `and`"),
        ("a || a", "E0101 expected `or`, found `||`", "write `or`"),
        ("!a", "E0101 expected `not`, found `!`", "`not a`"),
        ("kind is one of none, merger", "E0101 expected a value, found `one of`", "`kind in [none, merger]`"),
        ("kind in (none, merger)", "E0101 expected `[`, found `(`", "`[none, merger]`"),
    ];
    for (condition, expected, help) in cases {
        let (error, given) = error_and_help(condition);
        assert_eq!(&error, expected, "{condition}");
        assert!(given.contains(help), "{condition}: {given}");
    }
    // A run of values after one test is one error, naming them all.
    let (error, help) = error_and_help("kind is none or merger or merger");
    assert_eq!(error, "E0204 `merger` and `merger` are values of `kind`, not conditions");
    assert!(help.contains("`kind in [none, merger, merger]`"), "{help}");
}

#[test]
fn rules_and_citations_are_checked() {
    let rule = |id: &str, extra: &str| format!("rule {id}\n  when a\n  note \"t\" \"x\"\n  cite s\n{extra}");
    assert_eq!(errors_in(&(rule("r", "") + &rule("r", ""))), ["E0201 duplicate rule id `r`"]);
    assert_eq!(errors_in(&rule("r", "  cite t\n")), ["E0202 unknown source `t`"]);
    assert_eq!(errors_in(&rule("r", "  evidence strng\n")), ["E0209 unknown evidence level `strng`"]);
    let per_item = "rule r\n  for each g in kind\n  when a\n  note \"t\" \"x\"\n  cite s\n";
    assert_eq!(
        errors_in(per_item),
        ["E0204 `for each` needs a list of records, but `kind` is one of none, merger"]
    );
    let bad_text = "rule r\n  when a\n  note \"{n as month}\" \"{nope}\"\n  cite s\n";
    assert_eq!(
        errors_in(bad_text),
        ["E0204 `as month` writes a date, but this is a number", "E0203 unknown name `nope`"]
    );
}

#[test]
fn declarations_are_checked() {
    assert_eq!(
        errors_in("fact x is text\n  ask \"X?\"\n  only when d + 1 month\n"),
        ["E0204 `only when` needs a condition, true or false"]
    );
    assert_eq!(
        errors_in("fact x is text\n  ask \"X?\"\n  only when nope is known\n"),
        ["E0203 unknown name `nope`"]
    );
    assert_eq!(errors_in("fact id is a number\n"), ["E0210 `id` is a built-in field of every case"]);
    assert_eq!(
        errors_in("fact groups[].needs.x is text\n"),
        ["E0210 `needs` is a fact, so it cannot hold other facts"]
    );
    let chapter = "source c\n  authors \"A\"\n  year 2001\n  title \"T\"\n  in \"E. Ditor (ed.)\"\n";
    assert_eq!(
        errors_in(chapter),
        ["E0208 source `c` is a chapter, which needs both `in` (the editors) and `book`"]
    );
    let both =
        "source c\n  authors \"A\"\n  year 2001\n  title \"T\"\n  journal \"J\"\n  in \"E\"\n  book \"B\"\n";
    assert_eq!(
        errors_in(both),
        ["E0208 source `c` is both an article (`journal`) and a chapter (`in`, `book`)"]
    );
    let pages = "source c\n  authors \"A\"\n  year 2001\n  title \"T\"\n  pages \"1-2\"\n";
    assert_eq!(errors_in(pages), ["E0208 source `c` has `volume`, `issue` or `pages` but no `journal`"]);
}

#[test]
fn a_name_used_after_its_quantifier_ends_gets_a_bracketing_hint() {
    let files = vec![
        ("v.accord".to_string(), VOCABULARY.to_string()),
        ("r.accord".to_string(), "rule r\n  when any g in groups where g.needs is complex and g.needs is mild\n  note \"t\" \"x\"\n  cite s\n".to_string()),
    ];
    let compiled = RuleFiles::from_texts(files).compile();
    let help = compiled.diagnostics[0].help.clone().unwrap_or_default();
    assert!(help.contains("bracket the condition after `where`"), "{help}");
}

/// The codes of the static analysis's warnings for a rule base.
fn lint_codes(rules: &str) -> Vec<String> {
    let files =
        vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), rules.to_string())];
    let rule_base = RuleFiles::from_texts(files).compile().rule_base.expect("the rules check");
    accord::lint::lint(&rule_base).warnings.iter().map(|w| format!("{} {}", w.code, w.message)).collect()
}

#[test]
fn rules_that_fire_only_on_later_assessment_dates_or_through_derived_windows_are_not_called_dead() {
    // The case search once assessed every case on 2013-01-01 and drew candidate dates only
    // from the constants of a rule's own condition: both rules were reported never to fire.
    let rules = "define settled as as_of is on or after d + 3 years\n\
                 rule after_a_date\n  when a and as_of is on or after 2013-04-01\n  note \"t\" \"x\"\n  cite s\n\n\
                 rule after_a_window\n  when settled and kind is merger\n  note \"t\" \"x\"\n  cite s\n";
    let dead: Vec<String> = lint_codes(rules).into_iter().filter(|w| w.starts_with("W0301")).collect();
    assert_eq!(dead, Vec::<String>::new());
    let impossible =
        "rule never\n  when a and not a and as_of is on or after 2013-04-01\n  note \"t\" \"x\"\n  cite s\n";
    assert!(lint_codes(impossible).iter().any(|w| w.starts_with("W0301 rule `never`")));
}

#[test]
fn facts_the_reasons_show_need_words_once_the_rule_base_gives_some() {
    let w0312 = |rules: &str| -> Vec<String> {
        lint_codes(rules).into_iter().filter(|w| w.starts_with("W0313")).collect()
    };
    let rule = "rule r\n  when a and settled and n > 1\n  note \"t\" \"x\"\n  cite s\n";
    // No words anywhere: the rule base says every fact by its question or name alike.
    assert_eq!(w0312(&format!("define settled as kind is merger\n\n{rule}")), Vec::<String>::new());
    // Words for one derived fact: the others the reasons show are wanting; `kind`, read
    // only inside the derived fact, is not.
    let some = format!("define settled as kind is merger\n  says true \"settled\"\n\n{rule}");
    assert_eq!(
        w0312(&some),
        [
            "W0313 the fact `a` has no `says true` or `says false`, but the reasons for `r` can show it",
            "W0313 the derived fact `settled` has no `says false`, but the reasons for `r` can show it",
            "W0313 the fact `n` has no `label`, but the reasons for `r` can show it",
        ]
    );
    // Allowed on the derived fact, a line of it like its words.
    let allowed = format!(
        "define settled as kind is merger\n  says true \"settled\"\n  allow W0313 \"said only when it holds\"\n\n{rule}"
    );
    assert!(!w0312(&allowed).iter().any(|w| w.contains("`settled`")), "{:?}", w0312(&allowed));
}

#[test]
fn words_shown_only_in_the_words_of_a_derived_fact_are_shown() {
    let rules = "words body\n  before 2013-04-01 \"the LINk\"\n  otherwise \"local Healthwatch\"\n\n\
                 define involved as a\n  says true \"{body} is involved\"\n  says false \"{body} is not involved\"\n\n\
                 rule r\n  when involved\n  note \"t\" \"x\"\n  cite s\n";
    assert!(!lint_codes(rules).iter().any(|w| w.starts_with("W0311")), "{:?}", lint_codes(rules));
}

/// A number literal past the largest number a double holds was read as infinity: it
/// checked without a word, then equalled every number (and W0301 called sound rules dead).
#[test]
fn a_number_too_large_to_compute_with_is_refused_at_the_literal() {
    let digits = format!("1{}", "0".repeat(400));
    let rules = format!("rule r\n  when n is {digits} or n is 5\n  note \"t\" \"x\"\n  cite s\n");
    let files =
        vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), rules.clone())];
    let compiled = RuleFiles::from_texts(files).compile();
    assert!(compiled.rule_base.is_none(), "refused");
    let codes: Vec<String> =
        compiled.diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
    assert_eq!(codes, ["E0109 this number is too large"]);
    let label = compiled.diagnostics[0].primary.as_ref().expect("a place");
    let start = rules.find(&digits).expect("the literal");
    assert_eq!((label.span.start, label.span.end), (start, start + digits.len()), "the whole literal");
    // The largest finite numbers are still numbers, with or without a fraction.
    let largest = format!("1{}", "0".repeat(308));
    assert_eq!(errors(&format!("n is {largest} or n is {largest}.5")), Vec::<String>::new());
}

/// A rule on a date near the calendar's end can fire: `d + 18 months` past 9999-12-31 was
/// unknown, and W0301 called the rule's condition a contradiction.
#[test]
fn a_rule_on_dates_near_the_calendar_s_end_is_not_called_dead() {
    let rules = "rule late\n  when d is after 9999-01-01 and as_of is before d + 18 months\n  note \"t\" \"x\"\n  cite s\n";
    let dead: Vec<String> = lint_codes(rules).into_iter().filter(|w| w.starts_with("W0301")).collect();
    assert_eq!(dead, Vec::<String>::new());
}

/// A rule file whose one rule nests `depth` quantifiers over a list of records.
fn nested_quantifiers(depth: usize) -> String {
    let quantifiers: String = (0..depth).map(|i| format!("any g{i} in groups where ")).collect();
    format!("rule deep\n  when {quantifiers}g{}.needs is complex\n  note \"t\" \"x\"\n  cite s\n", depth - 1)
}

/// The analysis gives up on a rule whose case search runs past its budget, and says so in
/// a note, not a warning: 25 nested quantifiers evaluate their body 2^25 times per case
/// tried, and the search asked for 2 GB and aborted.
#[test]
fn the_analysis_gives_up_on_a_rule_too_costly_to_search_with_a_note() {
    let files = vec![
        ("v.accord".to_string(), VOCABULARY.to_string()),
        ("r.accord".to_string(), nested_quantifiers(25)),
    ];
    let rule_base = RuleFiles::from_texts(files).compile().rule_base.expect("the rules check");
    let started = std::time::Instant::now();
    let findings = accord::lint::lint(&rule_base);
    assert!(started.elapsed().as_secs() < 30, "within its budget: {:?}", started.elapsed());
    let codes: Vec<&str> = findings.warnings.iter().map(|w| w.code).collect();
    assert!(!codes.contains(&"W0301"), "giving up is not a finding: {codes:?}");
    let unanalysed: Vec<(&str, Vec<String>)> =
        findings.unanalysed.iter().map(|u| (u.rule.as_str(), u.checks.clone())).collect();
    assert_eq!(unanalysed, [("deep", vec!["W0301".to_string()])]);
    // A rule nested a little less deep is searched to the end, as before.
    let files = vec![
        ("v.accord".to_string(), VOCABULARY.to_string()),
        ("r.accord".to_string(), nested_quantifiers(3)),
    ];
    let rule_base = RuleFiles::from_texts(files).compile().rule_base.expect("the rules check");
    assert_eq!(accord::lint::lint(&rule_base).unanalysed, []);
}

/// Lines ended by a carriage return alone (as old Mac editors save them) are lines: a
/// comment used to run to the end of the file, which then checked as empty, and errors
/// were placed on line 1.
#[test]
fn lines_ended_by_a_carriage_return_alone_are_lines() {
    let rules =
        "# The vocabulary.\rfact x is true or false\r\rrule r\r  when y\r  note \"t\" \"x\"\r  cite s\r";
    let files =
        vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), rules.to_string())];
    let compiled = RuleFiles::from_texts(files).compile();
    let found: Vec<(String, (usize, usize))> = compiled
        .diagnostics
        .iter()
        .map(|d| {
            let label = d.primary.as_ref().expect("a place");
            let text = compiled.sources.get(&label.file).expect("the file");
            (format!("{} {}", d.code, d.message), accord::diag::line_col(text, label.span.start))
        })
        .collect();
    assert_eq!(found, [("E0203 unknown name `y`".to_string(), (5, 8))]);
    let fixed = rules.replace("when y", "when x");
    let files = vec![("v.accord".to_string(), VOCABULARY.to_string()), ("r.accord".to_string(), fixed)];
    let rule_base = RuleFiles::from_texts(files).compile().rule_base.expect("checks");
    assert_eq!(rule_base.rules().len(), 1, "the rule after the comment is read");
}

/// A date of the year 0000 in a rule was read, and arithmetic on it gave years before 1:
/// refused as an invalid date (E0103), as in cases (E0305).
#[test]
fn a_date_in_the_year_0000_is_an_invalid_date() {
    assert_eq!(
        errors("d is after 0000-12-31"),
        ["E0103 invalid date: `0000-12-31` has no year 0000: the years start at 0001"]
    );
    assert_eq!(errors("d is after 0001-01-01"), Vec::<String>::new());
}
