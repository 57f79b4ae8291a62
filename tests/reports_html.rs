//! The HTML report: a snapshot of the page of every fixture, and each page parsed as a
//! browser parses it (HTML5, with `scraper`) to check what a reader and a screen reader
//! rely on: one h1, headings in order, unique ids, links that resolve, citations that
//! reach the reference list, nothing run and nothing fetched, every text of the case shown
//! as text; and the timeline, drawn from a hand-made one.
//!
//! The snapshots leave out the stylesheet (the same in every page: one test checks that
//! each page holds it), and name a fixed rule base, so that they change only when what the
//! page says does.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use accord::report::{self, About, IndexRow, TimelineEntry, When};
use accord::{Date, RuleBase, RuleFiles};
use scraper::{ElementRef, Html, Selector};

/// Cases without `assessed_on` are assessed on this date, as in `tests/snapshots.rs`.
const DEFAULT_AS_OF: &str = "2013-06-01";

fn rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check cleanly"))
}

/// The footer's facts, fixed, so that the snapshots do not change with the rules' content.
fn about() -> About {
    About { rule_base: "53 rules, content 0123456789abcdef".to_string(), accord: "0.0.0-test" }
}

fn advise(path: &Path) -> accord::Report<'static> {
    let text = std::fs::read_to_string(path).expect("case is readable");
    let case = accord::parse_case("case.json", &text, rules().vocabulary()).expect("a valid case");
    let as_of = case.assessed_on.unwrap_or_else(|| Date::parse(DEFAULT_AS_OF).expect("valid"));
    rules().advise_in_words(&case, as_of)
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn select<'a>(page: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    page.select(&Selector::parse(selector).expect("a valid selector")).collect()
}

fn text(element: &ElementRef) -> String {
    element.text().collect()
}

/// The page with its stylesheet left out.
fn without_stylesheet(page: &str) -> String {
    let start = page.find("<style>\n").expect("a stylesheet") + "<style>\n".len();
    let end = page.find("</style>").expect("a stylesheet");
    format!("{}/* report.css */\n{}", &page[..start], &page[end..])
}

#[test]
fn html_report_of_every_fixture() {
    insta::glob!("../fixtures", "*.json", |path| {
        let page = report::to_html(&advise(path), &about());
        insta::assert_snapshot!(without_stylesheet(&page));
    });
}

/// What every page must be, whatever the case: the checks a reader, a screen reader and a
/// printer rely on.
fn check_page(page_text: &str, what: &str) {
    let page = Html::parse_document(page_text);
    assert!(page.errors.is_empty(), "{what}: {:?}", page.errors);
    assert_eq!(select(&page, "html[lang=en]").len(), 1, "{what}: the language");
    assert_eq!(select(&page, "meta[name=viewport]").len(), 1, "{what}: the width on a phone");
    for landmark in ["header", "main", "footer"] {
        assert_eq!(select(&page, landmark).len(), 1, "{what}: one {landmark}");
    }
    assert_eq!(select(&page, "h1").len(), 1, "{what}: one h1");
    let mut previous = 0;
    for heading in select(&page, "h1, h2, h3, h4, h5, h6") {
        let level: usize = heading.value().name()[1..].parse().expect("h1 to h6");
        assert!(
            level <= previous + 1,
            "{what}: {} after h{previous}: {}",
            heading.value().name(),
            text(&heading)
        );
        previous = level;
    }
    let mut ids = HashSet::new();
    for element in select(&page, "[id]") {
        let id = element.value().attr("id").expect("an id");
        assert!(ids.insert(id.to_string()), "{what}: the id {id} is given twice");
    }
    for link in select(&page, "a[href^='#']") {
        let href = link.value().attr("href").expect("an href");
        assert!(ids.contains(&href[1..]), "{what}: {href} leads nowhere");
    }
    let references: HashSet<String> = select(&page, "ol.references > li[id]")
        .iter()
        .map(|li| li.value().attr("id").expect("an id").to_string())
        .collect();
    for citation in select(&page, "a.cite") {
        let href = citation.value().attr("href").expect("an href");
        assert!(references.contains(&href[1..]), "{what}: the citation {href} is not in the references");
        assert_eq!(text(&citation), format!("[{}]", &href[5..]), "{what}: its number");
    }
    assert!(select(&page, "script").is_empty(), "{what}: no script");
    for element in select(&page, "[src], link[href]") {
        let address = element.value().attr("src").or_else(|| element.value().attr("href")).unwrap_or("");
        assert!(!address.contains("//"), "{what}: {address} would be fetched");
    }
    assert_eq!(select(&page, "style").len(), 1, "{what}: the stylesheet is inline");
}

#[test]
fn every_page_is_well_formed_accessible_and_self_contained() {
    insta::glob!("../fixtures", "*.json", |path| {
        let report = advise(path);
        let page = report::to_html(&report, &about());
        check_page(&page, &path.display().to_string());
        assert_eq!(page.matches("@page").count(), 1, "the print stylesheet, once");
        let parsed = Html::parse_document(&page);
        assert_eq!(select(&parsed, "article").len(), report.advice.len());
        assert_eq!(select(&parsed, ".checklist > li").len(), report.questions.len(), "every question");
    });
}

/// The references are numbered as the text report numbers them, with the same entries.
#[test]
fn references_are_numbered_as_in_the_text_report() {
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    insta::glob!("../fixtures", "*.json", |path| {
        let report = advise(path);
        let text = report::to_text(&report);
        let from_text = text.split("\nReferences\n").nth(1).map(words).unwrap_or_default();
        let page = Html::parse_document(&report::to_html(&report, &about()));
        let from_page =
            words(&select(&page, "ol.references > li").iter().map(text_of).collect::<Vec<_>>().join(" "));
        assert_eq!(from_page, from_text, "{}", path.display());
    });
}

fn text_of(element: &ElementRef) -> String {
    text(element)
}

/// A case whose every name is markup: the page runs nothing and shows each name as text.
#[test]
fn what_a_case_writes_is_shown_as_text() {
    let path = fixture("tests/data/html/hostile-names.json");
    let report = advise(&path);
    let source = std::fs::read_to_string(&path).expect("readable");
    let case: serde_json::Value = serde_json::from_str(&source).expect("JSON");
    let page_text = report::to_html(&report, &about());
    check_page(&page_text, "hostile names");
    assert!(!page_text.contains("<script"), "no script element, even unparsed");
    assert!(!page_text.contains("<img"), "no image from a name");
    assert!(!page_text.contains("<b>"), "no markup from a name");
    let page = Html::parse_document(&page_text);
    let name = case["name"].as_str().expect("a name");
    assert_eq!(text(&select(&page, "h1")[0]), name);
    assert!(text(&select(&page, "title")[0]).starts_with(name));
    let shown: String = page.root_element().text().collect();
    for shown_name in [
        case["groups"][0]["name"].as_str().expect("a group"),
        case["replaces"]["name"].as_str().expect("a name"),
    ] {
        assert!(shown.contains(shown_name), "{shown_name} is shown verbatim");
    }
}

fn date(text: &str) -> Date {
    Date::parse(text).expect("a date")
}

/// A report with a hand-made timeline (until the rules give one): the figure is drawn in
/// the colours the browser test looks for, and says every entry in words.
#[test]
fn a_timeline_is_drawn_with_a_text_alternative() {
    let mut report = advise(&fixture("fixtures/01-shire-integrated-care.json"));
    report.timeline = vec![
        TimelineEntry { label: "The merger took effect", when: When::On(date("2013-04-01")) },
        TimelineEntry {
            label: "Service development may stall",
            when: When::Period { from: date("2013-04-01"), to: date("2014-10-01"), at_least: true },
        },
        TimelineEntry {
            label: "After-effects of the merger",
            when: When::Period { from: date("2013-04-01"), to: date("2016-04-01"), at_least: true },
        },
    ];
    let page_text = report::to_html(&report, &about());
    check_page(&page_text, "timeline");
    let page = Html::parse_document(&page_text);
    let figure = &select(&page, "section figure.timeline")[0];
    let svg = figure.select(&Selector::parse("svg[role=img]").expect("valid")).next().expect("an SVG");
    assert!(select(&page, "rect[fill='#d97706']").len() >= 2, "the bands, solid");
    assert!(
        select(&page, "linearGradient stop[stop-color='#d97706'][stop-opacity='0']").len() == 2,
        "fading"
    );
    let line = &select(&page, "line[stroke='#1d4ed8']")[0];
    let width: u32 = line.value().attr("stroke-width").expect("a width").parse().expect("a number");
    assert!(width >= 3, "the as-of line is at least 3 wide");
    let alternative: String =
        svg.select(&Selector::parse("title, desc").expect("valid")).flat_map(|e| e.text()).collect();
    let listed: String =
        figure.select(&Selector::parse("ul li").expect("valid")).flat_map(|e| e.text()).collect();
    for words in [
        "The merger took effect: 1 April 2013",
        "Service development may stall: 1 April 2013 to at least 1 October 2014",
        "After-effects of the merger: 1 April 2013 to at least 1 April 2016",
    ] {
        assert!(alternative.contains(words) && listed.contains(words), "{words}");
    }
    let caption =
        text(&figure.select(&Selector::parse("figcaption").expect("valid")).next().expect("a caption"));
    assert!(
        caption.starts_with("You are here: 1 September 2013, 5 months after \u{2018}The merger took effect\u{2019}; 5 months into \u{2018}Service development may stall\u{2019} (at least 18 months)"),
        "{caption}"
    );
    // The text report draws it too, under the summary.
    let text_report = report::to_text(&report);
    let bar = text_report.find("Timeline: 2013 [").expect("the bar");
    assert!(
        text_report.find("First things to do") < Some(bar) && Some(bar) < text_report.find("\n1. Warning")
    );
    insta::assert_snapshot!("timeline_figure", figure.html());
}

/// The index of many reports: a table with a caption and headers, a row per case linking
/// to its report.
#[test]
fn the_index_is_a_table_of_the_cases() {
    let names =
        ["01-shire-integrated-care", "21-kingsmead-shadow-health-and-wellbeing-board", "14-marrowby-minimal"];
    let rows: Vec<IndexRow> = names
        .iter()
        .map(|name| IndexRow::of(&advise(&fixture(&format!("fixtures/{name}.json"))), format!("{name}.html")))
        .collect();
    let mut hostile =
        IndexRow::of(&advise(&fixture("tests/data/html/hostile-names.json")), "a\"b<c>.html".into());
    hostile.case.push_str(" </td>");
    let mut all = rows.clone();
    all.push(hostile);
    let index = report::index_html(&all, &about());
    check_page(&index, "index");
    assert!(!index.contains("<script"));
    let page = Html::parse_document(&index);
    assert_eq!(select(&page, "table > caption").len(), 1);
    assert!(select(&page, "thead th").iter().all(|th| th.value().attr("scope") == Some("col")));
    let links = select(&page, "tbody th[scope=row] a");
    assert_eq!(links.len(), all.len());
    assert_eq!(links[0].value().attr("href"), Some("01-shire-integrated-care.html"));
    assert_eq!(links[3].value().attr("href"), Some("a\"b<c>.html"));
    assert!(text(&links[3]).ends_with(" </td>"));
    insta::assert_snapshot!("index", without_stylesheet(&report::index_html(&rows, &about())));
}
