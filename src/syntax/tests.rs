//! Unit tests of the parser: what each construct reads to, and the errors and recovery
//! for what it refuses.

use super::*;

use crate::ast::{
    ArithOp, CompareOp, DateStyle, Expr, FactPath, FactType, Item, Literal, PathSegment, Quantifier, Span,
    Spanned, TextPart, Wording,
};
use crate::value::{Date, Duration, DurationUnit};

fn parse_ok(src: &str) -> Vec<Item> {
    let (file, diagnostics) = parse_file("test.accord", src);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    file.items
}

fn condition(src: &str) -> Expr {
    let rule = format!("rule r when {src} note \"t\" \"x\" cite s");
    match parse_ok(&rule).remove(0) {
        Item::Rule(rule) => rule.condition.node,
        other => panic!("not a rule: {other:?}"),
    }
}

fn errors(src: &str) -> Vec<String> {
    let (_, diagnostics) = parse_file("test.accord", src);
    diagnostics
        .iter()
        .map(|d| format!("{} {} @{}", d.code, d.message, d.primary.as_ref().map_or(0, |l| l.span.start)))
        .collect()
}

/// A byte order mark the file reader did not drop (a second, or one in the middle of
/// a file made of two) is named, as it cannot be seen.
#[test]
fn an_invisible_character_is_named() {
    let found = |src: &str| errors(src).remove(0);
    assert_eq!(
        found("\u{feff}source s"),
        "E0101 expected `rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons`, found a byte order mark (U+FEFF) @0"
    );
    assert!(found("rule r\n  when a \u{200b}and b").contains("found an invisible character (U+200B)"));
}

fn name(path: &str) -> Expr {
    let segments = path.split('.').map(|s| PathSegment { name: s.into(), each: false }).collect();
    Expr::Name(FactPath { segments })
}

fn sp(e: Expr) -> Box<Spanned<Expr>> {
    Box::new(Spanned::new(e, Span::default()))
}

#[test]
fn comparisons_in_words_and_symbols_mean_the_same() {
    let eq = Expr::Compare { op: CompareOp::Eq, lhs: sp(name("change.kind")), rhs: sp(name("merger")) };
    assert_eq!(condition("change.kind is merger"), eq);
    assert_eq!(condition("change.kind == merger"), eq);
    let before = |op| Expr::Compare { op, lhs: sp(Expr::AsOf), rhs: sp(name("d")) };
    assert_eq!(condition("as_of is before d"), before(CompareOp::Lt));
    assert_eq!(condition("as_of < d"), before(CompareOp::Lt));
    assert_eq!(condition("as_of is on or after d"), before(CompareOp::Ge));
    assert_eq!(condition("as_of >= d"), before(CompareOp::Ge));
    assert_eq!(condition("as_of is not d"), before(CompareOp::Ne));
    assert_eq!(condition("as_of is not before d"), before(CompareOp::Ge));
    assert_eq!(condition("as_of is not at most d"), before(CompareOp::Gt));
}

#[test]
fn and_binds_tighter_than_or() {
    let (a, b, c) = (sp(name("a")), sp(name("b")), sp(name("c")));
    let expected = Expr::Or(a, sp(Expr::And(b, c)));
    assert_eq!(condition("a or b and c"), expected);
}

#[test]
fn reads_dates_durations_and_arithmetic() {
    let date = Date::parse("2013-04-01").unwrap();
    let months = Duration { amount: 18, unit: DurationUnit::Months };
    let sum = Expr::Arith {
        op: ArithOp::Add,
        lhs: sp(Expr::Literal(Literal::Date(date))),
        rhs: sp(Expr::Literal(Literal::Duration(months))),
    };
    assert_eq!(
        condition("as_of < 2013-04-01 + 18 months"),
        Expr::Compare { op: CompareOp::Lt, lhs: sp(Expr::AsOf), rhs: sp(sum) }
    );
    let between = Expr::MonthsBetween { from: sp(name("change.date")), to: sp(Expr::AsOf) };
    assert_eq!(
        condition("months between change.date and as_of > 3"),
        Expr::Compare { op: CompareOp::Gt, lhs: sp(between), rhs: sp(Expr::Literal(Literal::Number(3.0))) }
    );
}

#[test]
fn reads_membership_presence_and_quantifiers() {
    let list = Expr::List(vec![
        Spanned::new(name("complex"), Span::default()),
        Spanned::new(name("unpredictable"), Span::default()),
    ]);
    let membership = Expr::In { needle: sp(name("g.needs")), haystack: sp(list), negated: false };
    assert_eq!(condition("g.needs in [complex, unpredictable]"), membership);
    assert!(matches!(condition("g.needs is not in [complex]"), Expr::In { negated: true, .. }));
    assert!(matches!(condition("g.needs not in [complex]"), Expr::In { negated: true, .. }));
    assert!(matches!(condition("reasons contains \"save money\""), Expr::In { negated: false, .. }));
    assert!(matches!(condition("change.date is known"), Expr::Known { negated: false, .. }));
    assert!(matches!(condition("change.date is unknown"), Expr::Known { negated: true, .. }));
    assert!(matches!(
        condition("any g in groups where g.needs is complex"),
        Expr::Quantified { quantifier: Quantifier::Any, .. }
    ));
    assert!(matches!(condition("count of groups > 1"), Expr::Compare { .. }));
    assert!(matches!(condition("(count g in groups where g.pooled) >= 2"), Expr::Compare { .. }));
}

#[test]
fn folds_white_space_in_texts_and_reads_interpolations() {
    let items = parse_ok(
        "rule r\n  when a\n  warn \"Until {d + 18 months as month}\"\n    \"one\n     two\n\n     three \\{x\\}\"\n  cite s at \"Figure 2\" quote \"q\"",
    );
    let Item::Rule(rule) = &items[0] else { panic!() };
    assert!(matches!(
        &rule.advice.title.node.parts[1],
        TextPart::Interpolation { style: DateStyle::Month, .. }
    ));
    assert_eq!(rule.advice.text.node.parts, vec![TextPart::Literal("one two\n\nthree {x}".into())]);
    assert_eq!(rule.citations[0].locator.as_ref().unwrap().node, "Figure 2");
    let items = parse_ok("rule r when a note \"t\" \"one\\ntwo\n  three\" cite s");
    let Item::Rule(rule) = &items[0] else { panic!() };
    assert_eq!(rule.advice.text.node.parts, vec![TextPart::Literal("one\ntwo three".into())]);
}

#[test]
fn reads_texts_run_by_run_whatever_their_characters() {
    // Plain runs are read at once up to a quote, a backslash or a brace: the characters
    // around them, multi-byte ones included, must come through unchanged.
    let items = parse_ok(
        "rule r\n  when a\n  warn \"é{d}ü\" \"ß\\\"é\\\\ «{x}» \\{ü\\}\"\n  cite s at \"§ 2 {not interpolated}\"",
    );
    let Item::Rule(rule) = &items[0] else { panic!() };
    let parts = &rule.advice.title.node.parts;
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], TextPart::Literal("é".into()));
    assert!(matches!(parts[1], TextPart::Interpolation { .. }));
    assert_eq!(parts[2], TextPart::Literal("ü".into()));
    let parts = &rule.advice.text.node.parts;
    assert_eq!(parts[0], TextPart::Literal("ß\"é\\ «".into()));
    assert_eq!(parts[2], TextPart::Literal("» {ü}".into()));
    assert_eq!(rule.citations[0].locator.as_ref().unwrap().node, "§ 2 {not interpolated}");
}

#[test]
fn reads_a_priority_scale_the_priority_clause_and_after() {
    let items = parse_ok(concat!(
        "priority scale\n  act_now \"act now\"\n  consider \"consider\"\n",
        "fact b is text ask \"B?\" after a.b\n",
        "rule r\n  priority act_now\n  when priority\n  note \"t\" \"x\"\n  cite s\n",
        "priority scale\n  later \"later\"\n",
    ));
    assert!(matches!(&items[0], Item::PriorityScale(levels) if levels.len() == 2));
    assert!(matches!(&items[1], Item::Fact(f) if f.after.as_ref().unwrap().node.to_string() == "a.b"));
    let Item::Rule(rule) = &items[2] else { panic!() };
    assert_eq!(rule.priority.as_ref().map(|p| p.node.as_str()), Some("act_now"));
    assert!(matches!(&items[3], Item::PriorityScale(levels) if levels.len() == 1));
    assert_eq!(
        errors("rule r\n  priority a\n  priority b\n  when x\n  note \"t\" \"x\"\n  cite s\n"),
        ["E0105 this rule already has its `priority` clause @22"]
    );
}

#[test]
fn reads_declarations() {
    let items = parse_ok(concat!(
        "evidence scale\n  finding \"research finding\"\n  suggests \"research suggests\"\n",
        "# a comment\n",
        "source leutz_1999\n  authors \"Leutz, W.\"\n  year 1999\n  title \"Five laws\"\n",
        "fact groups[].needs is one of mild, complex ask \"How?\"\n",
        "fact change.date is a date\n",
    ));
    assert!(matches!(&items[0], Item::EvidenceScale(levels) if levels.len() == 2));
    assert!(matches!(&items[1], Item::Source(s) if s.fields.len() == 3));
    let Item::Fact(fact) = &items[2] else { panic!() };
    assert_eq!(fact.path.node.to_string(), "groups[].needs");
    assert!(matches!(&fact.ty.node, FactType::OneOf(values) if values.len() == 2));
    assert!(matches!(&items[3], Item::Fact(f) if f.ty.node == FactType::Date));
}

#[test]
fn reads_labels_and_what_values_say() {
    let items = parse_ok(concat!(
        "fact change.kind is one of none, merger\n",
        "  ask \"What change?\"\n",
        "  says merger \"the change is a merger\"\n",
        "  allow W0304 \"kept\"\n",
        "  label \"the kind of change\"\n",
        "define chosen as change.kind is none\n",
        "  says true \"nothing is proposed\"\n",
        "  says false \"a change of {change.kind} is proposed\"\n",
        "fact change.date is a date\n",
    ));
    let Item::Fact(fact) = &items[0] else { panic!() };
    let label = fact.wording.label.as_ref().expect("a label");
    assert_eq!(label.node.parts, [TextPart::Literal("the kind of change".into())]);
    assert_eq!(fact.wording.says.len(), 1);
    assert_eq!(fact.wording.says[0].value.node, "merger");
    assert_eq!(fact.allows.len(), 1);
    let Item::Definition(definition) = &items[1] else { panic!() };
    let values: Vec<&str> = definition.wording.says.iter().map(|s| s.value.node.as_str()).collect();
    assert_eq!(values, ["true", "false"]);
    assert!(matches!(&definition.wording.says[1].words.node.parts[1], TextPart::Interpolation { .. }));
    assert!(matches!(&items[2], Item::Fact(f) if f.wording == Wording::default()));
    assert_eq!(
        errors("fact x is text\n  label \"a\"\n  label \"b\"\n"),
        ["E0105 this item already has its `label` @29"]
    );
    assert_eq!(errors("define d as x\n  says \"x\"\n"), ["E0101 expected a name, found a string @21"]);
}

#[test]
fn reports_errors_where_they_are_and_recovers() {
    assert_eq!(
        errors("rule r when a when b note \"t\" \"x\" cite s"),
        ["E0105 this rule already has its `when` clause @14"]
    );
    assert_eq!(
        errors("rule r when a cite s"),
        ["E0104 rule `r` has no advice (`recommend`, `warn` or `note`) @5"]
    );
    assert_eq!(
        errors("rule r\n  when a and\n  warn \"t\" \"x\"\n  cite s\n"),
        ["E0101 expected a value or condition, found `warn` @22"]
    );
    assert_eq!(errors("rule r when a warn \"t\" \"x\""), ["E0104 rule `r` has no `cite` clause @5"]);
    assert_eq!(
        errors("bogus\nrule r when a warn \"t\" \"x\" cite s\nfact x is colour\n"),
        [
            "E0101 expected `rule`, `source`, `fact`, `define`, `words`, `evidence scale`, `priority scale` or `lessons`, found `bogus` @0",
            "E0101 expected a type, found `colour` @50",
        ]
    );
    assert_eq!(errors("source s title \"open"), ["E0102 unterminated string @15"]);
    assert_eq!(
        errors("rule r when d is 2013-02-30 note \"t\" \"x\" cite s"),
        ["E0103 invalid date: `2013-02-30` is not a day: February 2013 has no day 30 @17"]
    );
    assert_eq!(
        errors("rule r when d is 1.5 months note \"t\" \"x\" cite s"),
        ["E0107 a duration must be a whole number @17"]
    );
    assert_eq!(errors("source s title \"a \\q\""), ["E0106 unknown escape `\\q` @18"]);
}

#[test]
fn words_in_a_row_where_a_value_belongs_are_one_phrase_for_the_checker() {
    let phrase = |words: &[&str]| {
        Spanned::new(Expr::Phrase(words.iter().map(ToString::to_string).collect()), Span::default())
    };
    let list = Expr::List(vec![phrase(&["pooled", "budget"]), Spanned::new(name("merger"), Span::default())]);
    assert_eq!(
        condition("k in [pooled budget, merger]"),
        Expr::In { needle: sp(name("k")), haystack: sp(list), negated: false }
    );
    // A list's items may be split across lines; words that may follow a value end one.
    let list = Expr::List(vec![phrase(&["joint", "commissioning"])]);
    assert_eq!(
        condition("k in [joint\n  # a comment\n  commissioning]"),
        Expr::In { needle: sp(name("k")), haystack: sp(list), negated: false }
    );
    assert_eq!(
        errors("rule r when k in [a or b] note \"t\" \"x\" cite s"),
        ["E0101 expected `]`, found `or` @20"]
    );
    // A value ends before a word that may follow it on its line: `priority` is a
    // clause there, not part of the value.
    let items = parse_ok("rule r when k is merger priority p note \"t\" \"x\" cite s");
    let Item::Rule(rule) = &items[0] else { panic!() };
    assert_eq!(rule.priority.as_ref().map(|p| p.node.as_str()), Some("p"));
    assert!(matches!(condition("k is merger or a"), Expr::Or(..)));
}

/// `says` and `label` may follow a derived fact's condition on its line: they end the
/// value, not extend it into a phrase of several words.
#[test]
fn the_words_of_a_derived_fact_may_follow_its_condition_on_one_line() {
    assert_eq!(errors("define d as k is merger says true \"it is a merger\""), Vec::<String>::new());
    assert_eq!(errors("define d as k is merger label \"the merger\""), Vec::<String>::new());
}

#[test]
fn what_other_languages_write_is_refused_where_it_is_written() {
    let rule = |condition: &str| format!("rule r when {condition} note \"t\" \"x\" cite s");
    assert_eq!(errors(&rule("k = merger")), ["E0101 expected `is` or `==`, found `=` @14"]);
    assert_eq!(errors(&rule("k <> merger")), ["E0101 expected `is not` or `!=`, found `<>` @14"]);
    assert_eq!(errors(&rule("a && b")), ["E0101 expected `and`, found `&&` @14"]);
    assert_eq!(errors(&rule("a | b")), ["E0101 expected `or`, found `|` @14"]);
    assert_eq!(errors(&rule("!a")), ["E0101 expected `not`, found `!` @12"]);
    assert_eq!(errors(&rule("k is one of a, b")), ["E0101 expected a value, found `one of` @17"]);
    assert_eq!(errors(&rule("k in (a, b)")), ["E0101 expected `[`, found `(` @17"]);
    assert_eq!(
        errors(&rule("k is not pooled budget")),
        ["E0101 expected one value, found `pooled budget` @21"]
    );
    // Only on its line: a misspelt clause on the next line is reported as one.
    assert_eq!(
        errors("rule r when k is merger\n  recomend \"t\" \"x\" cite s"),
        [
            "E0101 expected a clause (`lesson`, `evidence`, `priority`, `for each`, `when`, `recommend`, `warn`, `note`, `cite`, `overrides`, `contradicts` or `allow`), found `recomend` @26"
        ]
    );
    // What is valid stays so: `!=`, `==`, a bracketed list of text after `in`.
    assert!(matches!(condition("a != b"), Expr::Compare { op: CompareOp::Ne, .. }));
    assert!(matches!(condition("\"x\" in (reasons)"), Expr::In { .. }));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for deep in [
        "(".repeat(100_000),
        "not ".repeat(100_000),
        "a and ".repeat(100_000) + "a",
        "1 + ".repeat(100_000) + "1",
    ] {
        let src = format!("rule r when {deep} note \"t\" \"x\" cite s");
        let codes: Vec<&str> = parse_file("deep.accord", &src).1.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E0108"]);
    }
    let nested = format!("rule r when {}a{} note \"t\" \"x\" cite s", "(".repeat(49), ")".repeat(49));
    assert!(parse_file("ok.accord", &nested).1.is_empty());
}

#[test]
fn never_panics_on_odd_input() {
    for src in [
        "",
        "\"",
        "rule",
        "rule r when (((",
        "fact x.",
        "rule r when [",
        "{",
        "é",
        "rule r when 2013-",
        "source s year 20",
        "rule r when a is",
        "\u{0}\u{1}",
        "rule r when a =",
        "rule r when a = é",
        "rule r when !",
        "rule r when !é",
        "rule r when a is one of",
        "rule r when a in (",
        "rule r when a in (b,",
        "rule r when a in [b c",
        "rule r when a is b c é",
        "rule r when a &",
    ] {
        let _ = parse_file("odd.accord", src);
    }
}

/// White space folded as it was before `fold_space` went run by run: character by
/// character, each run counted as it ended.
fn fold_space_by_character(text: &str) -> String {
    let fold = |run: &str| match run.matches('\n').count() {
        0 => run.to_string(),
        1 => " ".to_string(),
        _ => "\n\n".to_string(),
    };
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            run.push(c);
            continue;
        }
        out.push_str(&fold(&run));
        run.clear();
        out.push(c);
    }
    out.push_str(&fold(&run));
    out
}

#[test]
fn white_space_folds_as_it_did_character_by_character() {
    let texts = [
        "",
        " ",
        "\n",
        "a",
        "one two",
        "  leading and trailing  ",
        "across\n     a line",
        "a paragraph\n\n     and the next",
        "\n\n\n",
        "tabs\tand\t\tspaces \t\n\t here",
        "no\u{a0}break and\u{2003}em space\u{2028}line separator",
        "ends with a line break\n",
        "\r\n carriage return\r\n\r\nparagraph",
        "é à ü, \n ß",
    ];
    for text in texts {
        assert_eq!(lexical::fold_space(text), fold_space_by_character(text), "{text:?}");
    }
}

proptest::proptest! {
    #[test]
    fn white_space_folds_as_it_did_for_any_text(text in "[a \\t\\n\u{a0}\u{2028}é]{0,40}") {
        proptest::prop_assert_eq!(lexical::fold_space(&text), fold_space_by_character(&text));
    }
}
