//! The Markdown report: a snapshot of every fixture's, and each read back with a
//! `CommonMark` parser to hold what a reader relies on: one level-1 heading, headings in
//! order, every citation linking to a reference of the list, numbered as the text report
//! numbers them, no markup but the references' anchors, and a case's text shown as text.

#![allow(clippy::panic, reason = "a test fails by panicking, with what went wrong")]

use std::path::Path;
use std::sync::OnceLock;

use accord::report::{self, About, TimelineEntry, When};
use accord::{Date, RuleBase, RuleFiles};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Cases without `assessed_on` are assessed on this date, as in `tests/snapshots.rs`.
const DEFAULT_AS_OF: &str = "2013-06-01";

fn rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check cleanly"))
}

/// A footer that does not change with the rules or accord's version, so that the
/// snapshots hold the layout (the command line's tests hold the real footer).
fn about() -> About {
    About { rule_base: "the rules of the tests".to_string(), accord: "0.0.0" }
}

/// The report of the case at `path`, with the reasons in words, as `accord advise` gives it.
fn advise(path: &Path) -> accord::Report<'static> {
    let text = std::fs::read_to_string(path).expect("a readable case");
    let case = accord::parse_case("case.json", &text, rules().vocabulary()).expect("a valid case");
    let as_of = case.assessed_on.unwrap_or_else(|| Date::parse(DEFAULT_AS_OF).expect("a date"));
    rules().advise_in_words(&case, as_of)
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

#[test]
fn markdown_of_every_fixture() {
    insta::glob!("../fixtures", "*.json", |path| {
        let markdown = report::to_markdown(&advise(path), &about());
        check_structure(&markdown);
        insta::assert_snapshot!(markdown);
    });
}

#[test]
fn references_are_numbered_as_in_the_text_report() {
    insta::glob!("../fixtures", "*.json", |path| {
        let report = advise(path);
        let markdown = report::to_markdown(&report, &about());
        assert_eq!(references_in_markdown(&markdown), references_in_text(&report::to_text(&report)));
    });
}

#[test]
fn a_hostile_case_shows_as_text() {
    let markdown = report::to_markdown(&advise(&fixture("tests/data/reports/hostile.json")), &about());
    check_structure(&markdown);
    let texts = texts_of_blocks(&markdown);
    for written in [
        "# <script>alert(1)</script> *bold* _under_ [x](y)",
        "- <b>people</b> with *needs* & [x](y)",
        "1. fewer admissions",
        "> quoted <img src=x onerror=alert(1)>",
        "> The old `committee` | $x$ ~~gone~~ @who",
    ] {
        assert!(
            texts.iter().any(|text| text.contains(written)),
            "`{written}` is not shown as text in:\n{markdown}"
        );
    }
    let headings = headings(&markdown);
    assert_eq!(headings[0], (1, "# <script>alert(1)</script> *bold* _under_ [x](y)".to_string()));
    insta::assert_snapshot!("hostile", markdown);
}

#[test]
fn the_timeline_is_listed_in_words_under_the_summary_after_where_the_assessment_stands() {
    let mut report = advise(&fixture("fixtures/01-shire-integrated-care.json"));
    let date = |text: &str| Date::parse(text).expect("a date");
    report.timeline = vec![
        TimelineEntry { label: "The merger took effect", when: When::On(date("2013-04-01")) },
        TimelineEntry {
            label: "# Service development may *stall*",
            when: When::Period { from: date("2013-04-01"), to: date("2014-10-01"), at_least: true },
        },
        TimelineEntry {
            label: "Shadow year",
            when: When::Period { from: date("2012-04-01"), to: date("2013-03-31"), at_least: false },
        },
    ];
    let markdown = report::to_markdown(&report, &about());
    check_structure(&markdown);
    let timeline = section(&markdown, "## Timeline");
    assert_eq!(
        timeline,
        "You are here: 1 September 2013, 5 months after ‘The merger took effect’; 5 months into \
         ‘\\# Service development may \\*stall\\*’ (at least 18 months); 5 months after the end of \
         ‘Shadow year’ (11 months).\n"
    );
    assert!(markdown.contains(
        "\n\n- 1 April 2013: The merger took effect\n\
         - 1 April 2013 to at least 1 October 2014: \\# Service development may \\*stall\\*\n\
         - 1 April 2012 to 31 March 2013: Shadow year\n"
    ));
    let titles: Vec<String> = headings(&markdown).into_iter().map(|(_, title)| title).collect();
    let at = |title: &str| titles.iter().position(|t| t == title).expect("the heading is there");
    assert!(at("First things to do") < at("Timeline") && at("Timeline") < at("Advice"));
}

#[test]
fn a_case_without_advice_has_only_its_heading_and_footer() {
    let report = accord::Report {
        case: None,
        as_of: Date::parse("2013-09-01").expect("a date"),
        advice: Vec::new(),
        questions: Vec::new(),
        timeline: Vec::new(),
    };
    let markdown = report::to_markdown(&report, &about());
    check_structure(&markdown);
    assert_eq!(
        markdown,
        "# Unnamed case\n\nAdvice as of 1 September 2013: 0 pieces of advice, 0 open questions.\n\n\
         * * *\n\nAdvice as of 1 September 2013, written by accord 0.0.0 from a rule base of the rules \
         of the tests.\n"
    );
}

#[test]
fn each_report_of_a_document_of_several_links_to_its_own_references() {
    let parts: Vec<String> =
        ["fixtures/01-shire-integrated-care.json", "fixtures/09-ravensholt-several-groups.json"]
            .iter()
            .enumerate()
            .map(|(n, path)| report::to_markdown_part(&advise(&fixture(path)), &about(), n + 1))
            .collect();
    assert_eq!(
        parts[0],
        report::to_markdown(&advise(&fixture("fixtures/01-shire-integrated-care.json")), &about())
    );
    let document = parts.join("\n* * *\n\n");
    let mut links = Vec::new();
    let mut anchors = Vec::new();
    for event in Parser::new(&document) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push(dest_url.trim_start_matches('#').to_string());
            }
            Event::InlineHtml(html) if html.starts_with("<a name=\"") => {
                anchors.push(html.trim_start_matches("<a name=\"").trim_end_matches("\">").to_string());
            }
            _ => {}
        }
    }
    let unique: std::collections::BTreeSet<&String> = anchors.iter().collect();
    assert_eq!(unique.len(), anchors.len(), "every anchor is unique: {anchors:?}");
    for link in &links {
        assert!(anchors.contains(link), "the link to #{link} has no anchor");
    }
    assert!(parts[1].contains("](#ref-2-1)") && !parts[1].contains("](#ref-1)"));
}

#[test]
fn the_index_is_a_table_of_the_cases_with_their_links() {
    let shire = advise(&fixture("fixtures/01-shire-integrated-care.json"));
    let hostile = advise(&fixture("tests/data/reports/hostile.json"));
    let rows = [
        report::IndexRow::of(&shire, "01-shire-integrated-care.md".to_string()),
        report::IndexRow::of(&hostile, "hostile case (1).md".to_string()),
    ];
    let index = report::index_markdown(&rows, &about());
    insta::assert_snapshot!("index", index);
    let mut cells = Vec::new();
    let mut links = Vec::new();
    let mut current = String::new();
    for event in Parser::new_ext(&index, Options::ENABLE_TABLES) {
        match event {
            Event::Text(text) => current.push_str(&text),
            Event::End(TagEnd::TableCell) => cells.push(std::mem::take(&mut current)),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Html(html) | Event::InlineHtml(html) => panic!("HTML `{html}` in the index"),
            _ => {}
        }
    }
    assert_eq!(links, ["01-shire-integrated-care.md", "hostile%20case%20%281%29.md"]);
    // A header and two rows of seven cells: the hostile name stays in its cell.
    assert_eq!(cells.len(), 21, "{cells:?}");
    assert_eq!(cells[14], "# <script>alert(1)</script> *bold* _under_ [x](y)");
    assert_eq!(
        cells[7..14],
        [
            "Shire integrated care partnership",
            "1 September 2013",
            "7",
            "6",
            "0",
            "act now 6, plan for 5, consider 2",
            "2"
        ]
    );
}

/// What every Markdown report must be: one level-1 heading, first; no level skipped; every
/// link to `#ref-N` has its anchor, and each anchor is linked to; no markup but anchors.
fn check_structure(markdown: &str) {
    let levels: Vec<usize> = headings(markdown).into_iter().map(|(level, _)| level).collect();
    assert_eq!(levels.first(), Some(&1), "the case's name is the first heading:\n{markdown}");
    assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "one level-1 heading:\n{markdown}");
    for pair in levels.windows(2) {
        assert!(pair[1] <= pair[0] + 1, "a heading level is skipped ({pair:?}):\n{markdown}");
    }
    let mut linked = Vec::new();
    let mut anchored = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TASKLISTS) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let number =
                    dest_url.strip_prefix("#ref-").unwrap_or_else(|| panic!("a link to `{dest_url}`"));
                linked.push(number.parse::<usize>().expect("a reference's number"));
            }
            Event::InlineHtml(html) => anchored.push(anchor_number(&html)),
            Event::Html(html) => panic!("a block of HTML `{html}` in:\n{markdown}"),
            _ => {}
        }
    }
    // Each reference has two tags of anchor, `<a name>` then `<span id>` (and their ends).
    let numbers: Vec<usize> = anchored.iter().flatten().copied().collect();
    let expected: Vec<usize> = (1..=numbers.len() / 2).flat_map(|n| [n, n]).collect();
    assert_eq!(numbers, expected, "the anchors are the references' numbers in order");
    for number in &linked {
        assert!(numbers.contains(number), "the link to #ref-{number} has no anchor:\n{markdown}");
    }
    for number in &numbers {
        assert!(linked.contains(number), "reference {number} is not cited:\n{markdown}");
    }
}

/// The number of a reference's anchor tag, `None` for the tag that ends it; any other HTML
/// fails the test.
fn anchor_number(html: &str) -> Option<usize> {
    if html == "</a>" || html == "</span>" {
        return None;
    }
    let number = html
        .strip_prefix("<a name=\"ref-")
        .or_else(|| html.strip_prefix("<span id=\"ref-"))
        .and_then(|rest| rest.strip_suffix("\">"))
        .unwrap_or_else(|| panic!("HTML `{html}` that is not a reference's anchor"));
    Some(number.parse().expect("a reference's number"))
}

/// The headings: their levels and texts.
fn headings(markdown: &str) -> Vec<(usize, String)> {
    let mut headings = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level_number(level), String::new())),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, title)) = &mut current {
                    title.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(current.take()),
            _ => {}
        }
    }
    headings
}

fn level_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of each paragraph, heading and list item, as a reader sees it.
fn texts_of_blocks(markdown: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut current = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TASKLISTS) {
        match event {
            Event::Text(text) => current.push_str(&text),
            Event::SoftBreak => current.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                texts.push(std::mem::take(&mut current));
            }
            _ => {}
        }
    }
    texts
}

/// The lines of the section under `heading`, up to the next blank line.
fn section<'m>(markdown: &'m str, heading: &str) -> &'m str {
    let start = markdown.find(&format!("{heading}\n\n")).expect("the section is there") + heading.len() + 2;
    let rest = &markdown[start..];
    &rest[..rest.find("\n\n").map_or(rest.len(), |end| end + 1)]
}

/// The references of the Markdown report, as texts, in order.
fn references_in_markdown(markdown: &str) -> Vec<String> {
    let Some(start) = markdown.find("## References\n\n") else { return Vec::new() };
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for event in Parser::new(&markdown[start..]) {
        match event {
            Event::Start(Tag::Item) => depth += 1,
            Event::Text(text) if depth > 0 => current.push_str(&text),
            Event::End(TagEnd::Item) => {
                depth -= 1;
                items.push(std::mem::take(&mut current));
            }
            Event::End(TagEnd::List(_)) => break,
            _ => {}
        }
    }
    items
}

/// The references of the text report, as texts (their lines joined), in order.
fn references_in_text(text: &str) -> Vec<String> {
    let Some(start) = text.find("\nReferences\n") else { return Vec::new() };
    let mut items: Vec<String> = Vec::new();
    for line in text[start + "\nReferences\n".len()..].lines() {
        match line.strip_prefix('[').and_then(|rest| rest.split_once("] ")) {
            Some((_, entry)) => items.push(entry.to_string()),
            None => {
                let last = items.last_mut().expect("a continued reference");
                last.push(' ');
                last.push_str(line.trim());
            }
        }
    }
    items
}
