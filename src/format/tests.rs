//! Unit tests of the formatter: the layout of each item, comments, strings and line
//! breaks, and the checks on its own result.

use super::*;

fn fmt(src: &str) -> String {
    match format_rule_file("test.accord", src) {
        Ok(text) => text,
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn splits_clauses_and_indents_them() {
    let src = "rule r when a note \"t\" \"x\" cite s at \"Intro\" quote \"q\" cite u";
    assert_eq!(
        fmt(src),
        "rule r\n  when a\n  note \"t\"\n    \"x\"\n  cite s at \"Intro\"\n    quote \"q\"\n  cite u\n"
    );
}

#[test]
fn keeps_quoted_in_on_the_cite_line_and_for_example_in_its_citation() {
    let src = "rule r when a note \"t\" \"x\" cite s at \"p.1\"\n quoted  in u\n at \"Intro\" quote \"q\" cite v for\n example";
    assert_eq!(
        fmt(src),
        "rule r\n  when a\n  note \"t\"\n    \"x\"\n  cite s at \"p.1\" quoted in u at \"Intro\"\n    quote \"q\"\n  cite v for example\n"
    );
}

#[test]
fn keeps_a_question_s_condition_on_its_line_even_where_it_says_after() {
    // `after` starts a clause of a fact, but inside `only when` it is a comparison: the
    // condition was once split before it.
    let src =
        "fact f is true or false\n  ask \"F?\"\n  after g\n  only when as_of is on or after d + 18 months\n";
    assert_eq!(fmt(src), src);
}

#[test]
fn lays_out_words_like_an_evidence_scale() {
    let src = "words w before 2013-04-01   \"the LINk\" before 2022-07-01 \"the CCG\"\n otherwise \"the ICB\"  # now\n allow W0311 \"kept\"";
    assert_eq!(
        fmt(src),
        "words w\n  before 2013-04-01 \"the LINk\"\n  before 2022-07-01 \"the CCG\"\n  otherwise         \"the ICB\"    # now\n  allow W0311 \"kept\"\n"
    );
}

#[test]
fn keeps_the_line_breaks_of_a_condition_and_aligns_inside_brackets() {
    let src = "rule r\n when a\n and (b\n or (c\n      and d))\n  or e\n note \"t\" \"x\"\n cite s\n";
    assert_eq!(
        fmt(src),
        "rule r\n  when a\n   and (b\n        or (c\n            and d))\n   or e\n  note \"t\"\n    \"x\"\n  cite s\n"
    );
}

#[test]
fn joins_line_breaks_outside_conditions() {
    let src = "rule\n r\n lesson S1,\n  S2\n when\n  a\n warn\n \"t\"\n \"x\"\n cite\n s\n";
    assert_eq!(fmt(src), "rule r\n  lesson S1, S2\n  when a\n  warn \"t\"\n    \"x\"\n  cite s\n");
}

#[test]
fn re_indents_the_continuation_lines_of_strings_and_keeps_their_breaks() {
    let src = "rule r\n\twhen a\n\tnote \"t\"  \"one   \n\t\t  two\n  \n\n  three\"\n\tcite s\n";
    assert_eq!(fmt(src), "rule r\n  when a\n  note \"t\"\n    \"one\n     two\n\n     three\"\n  cite s\n");
}

#[test]
fn lays_out_priorities_and_after_like_the_evidence_scale_and_ask() {
    let src = "priority scale act_now \"act now\" consider \"consider\"\nfact m is text ask \"M?\" after o\nfact k is one of before, after after o\nrule r priority act_now when a note \"t\" \"x\" cite s";
    assert_eq!(
        fmt(src),
        concat!(
            "priority scale\n",
            "  act_now  \"act now\"\n",
            "  consider \"consider\"\n\n",
            "fact m is text\n  ask \"M?\"\n  after o\n",
            "fact k is one of before, after\n  after o\n\n",
            "rule r\n  priority act_now\n  when a\n  note \"t\"\n    \"x\"\n  cite s\n",
        )
    );
}

#[test]
fn aligns_entries_and_their_comments() {
    let src = "evidence scale\n a \"A\" # first\n longer_key \"B\"   # second\n  c \"a longer label\" #third";
    assert_eq!(
        fmt(src),
        concat!(
            "evidence scale\n",
            "  a          \"A\"                 # first\n",
            "  longer_key \"B\"                 # second\n",
            "  c          \"a longer label\"    #third\n",
        )
    );
}

#[test]
fn blank_lines_between_items_and_comments_attached() {
    let src = concat!(
        "\n\n# header\n\n\n# about a\nfact a is text\n  ask \"A?\"\nfact b is text\n\n\n",
        "fact c is text\n# about d\ndefine d as a\ndefine e as b\n",
        "rule r\n  when d\n  note \"t\" \"x\"\n  cite s\n  # the end of r\nsource s\n  title \"T\"\n",
        "  # the end of s\n\n# free\n\n\n# trailing\n",
    );
    assert_eq!(
        fmt(src),
        concat!(
            "# header\n\n# about a\nfact a is text\n  ask \"A?\"\nfact b is text\n\n",
            "fact c is text\n\n# about d\ndefine d as a\ndefine e as b\n\n",
            "rule r\n  when d\n  note \"t\"\n    \"x\"\n  cite s\n  # the end of r\n\nsource s\n  title \"T\"\n",
            "  # the end of s\n\n# free\n\n# trailing\n",
        )
    );
}

#[test]
fn comments_inside_items_take_the_indentation_of_the_next_line() {
    let src = "rule r # r\n# the condition\n when a # a\n       # b too\n    and b\n#the advice\n note \"t\" # title\n \"x\"\n cite s";
    assert_eq!(
        fmt(src),
        concat!(
            "rule r  # r\n  # the condition\n  when a  # a\n   # b too\n   and b\n  #the advice\n",
            "  note \"t\"  # title\n    \"x\"\n  cite s\n",
        )
    );
}

#[test]
fn a_comment_between_tokens_of_a_clause_keeps_a_line_break() {
    let src = "fact x is one of a, # first\n b\n  ask \"X?\"";
    assert_eq!(fmt(src), "fact x is one of a,  # first\n    b\n  ask \"X?\"\n");
}

#[test]
fn strings_with_interpolations_quotes_and_comments_are_single_tokens() {
    let src = concat!(
        "rule r\n  when x is \"a # not a comment\"\n",
        "  note \"{\"}\" in change.stated_reasons # }\"\n   }\" \"{count of groups} \\\"x\\\" \\{y\"\n",
        "  cite s at \"{ not an interpolation\"\n",
        "source s note \"a { b\" title \"t\"",
    );
    assert_eq!(
        fmt(src),
        concat!(
            "rule r\n  when x is \"a # not a comment\"\n",
            "  note \"{\"}\" in change.stated_reasons # }\"\n        }\"\n    \"{count of groups} \\\"x\\\" \\{y\"\n",
            "  cite s at \"{ not an interpolation\"\n\n",
            "source s\n  note \"a { b\"\n  title \"t\"\n",
        )
    );
}

#[test]
fn reserved_words_in_paths_and_highest_for_are_not_clauses() {
    let src = "rule r when change.note is a and (highest g.n for g in groups) > 1\n and x.for\n for each g in groups note \"t\" \"x\" cite s";
    assert_eq!(
        fmt(src),
        "rule r\n  when change.note is a and (highest g.n for g in groups) > 1\n   and x.for\n  for each g in groups\n  note \"t\"\n    \"x\"\n  cite s\n"
    );
}

#[test]
fn definitions_continue_two_spaces_in() {
    let src = "define in_window as change.kind is merger\n and months_since < 18\ndefine m as 1";
    assert_eq!(
        fmt(src),
        "define in_window as change.kind is merger\n  and months_since < 18\ndefine m as 1\n"
    );
}

#[test]
fn windows_line_ends_tabs_and_trailing_white_space() {
    let src = "rule r  \r\n\twhen a\t \r\n\tnote \"t\" \"x\r\n\t y\"\r\n\tcite s\r\n\r\n\r\n";
    assert_eq!(fmt(src), "rule r\n  when a\n  note \"t\"\n    \"x\n     y\"\n  cite s\n");
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n \n"), "");
    assert_eq!(fmt("  # a\n\n\n   # b  \n"), "# a\n\n# b\n");
}

#[test]
fn a_file_that_does_not_parse_is_refused() {
    let result = format_rule_file("bad.accord", "rule r when a and\n note \"t\" \"x\" cite s");
    let Err(FormatError::Syntax(diagnostics)) = result else { panic!("{result:?}") };
    assert_eq!(diagnostics[0].code, "E0101");
}

#[test]
fn a_layout_that_changes_the_meaning_is_caught() {
    let src = "rule r\n  when a and b\n  note \"t\"\n    \"x\"\n  cite s\n";
    let (before, _) = syntax::parse_file("t.accord", src);
    assert!(verify("t.accord", src, &before, src).is_ok());
    let changed = src.replace("a and b", "a or b");
    assert!(verify("t.accord", src, &before, &changed).unwrap_err().contains("parses differently"));
    let lost = format!("# gone\n{src}");
    let (before_lost, _) = syntax::parse_file("t.accord", &lost);
    assert!(verify("t.accord", &lost, &before_lost, src).unwrap_err().contains("comment"));
    let unstable = src.replace("  when", "    when");
    assert!(verify("t.accord", src, &before, &unstable).unwrap_err().contains("again"));
}

#[test]
fn formatting_the_shipped_rules_is_idempotent() {
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut count = 0;
    for entry in std::fs::read_dir(rules).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "accord") {
            let text = std::fs::read_to_string(&path).unwrap();
            let once = fmt(&text);
            assert_eq!(fmt(&once), once, "{}", path.display());
            count += 1;
        }
    }
    assert!(count >= 10);
}
