//! The timeline drawn from hand-made entries: what it draws comes from their dates alone.

use super::{ascii_bar, svg_figure, you_are_here};
use crate::report::{Report, TimelineEntry, When};
use crate::value::Date;

fn date(text: &str) -> Date {
    Date::parse(text).expect("a date")
}

fn report(as_of: &str, timeline: Vec<TimelineEntry<'static>>) -> Report<'static> {
    Report { case: Some("Test".into()), as_of: date(as_of), advice: vec![], questions: vec![], timeline }
}

fn period(label: &'static str, from: &str, to: &str, at_least: bool) -> TimelineEntry<'static> {
    TimelineEntry { label, when: When::Period { from: date(from), to: date(to), at_least } }
}

fn event(label: &'static str, on: &str) -> TimelineEntry<'static> {
    TimelineEntry { label, when: When::On(date(on)) }
}

/// The width of the first band (`<rect ... fill="#d97706"/>`) the figure draws.
fn band_width(svg: &str) -> i64 {
    let rect =
        svg.lines().find(|l| l.starts_with("<rect") && l.contains("fill=\"#d97706\"")).expect("a band");
    let width = rect.split("width=\"").nth(1).expect("a width");
    width[..width.find('"').expect("closed")].parse().expect("an integer")
}

#[test]
fn no_timeline_draws_nothing() {
    let empty = report("2013-09-01", vec![]);
    assert_eq!(svg_figure(&empty), None);
    assert_eq!(ascii_bar(&empty), None);
}

#[test]
fn one_period_is_a_solid_band_without_a_fade() {
    let report = report("2013-09-01", vec![period("Shadow year", "2013-04-01", "2014-04-01", false)]);
    let svg = svg_figure(&report).expect("a figure");
    assert!(band_width(&svg) > 100, "{svg}");
    assert!(!svg.contains("linearGradient"), "{svg}");
    assert!(
        svg.contains("stroke=\"#1d4ed8\" stroke-width=\"5\" vector-effect=\"non-scaling-stroke\""),
        "{svg}"
    );
    assert!(svg.contains("Shadow year: 1 April 2013 to 1 April 2014"), "{svg}");
    assert_eq!(
        you_are_here(&report),
        "You are here: 1 September 2013, 5 months into \u{2018}Shadow year\u{2019} (1 year)."
    );
}

#[test]
fn an_open_ended_period_fades_out_past_its_earliest_end() {
    let report = report("2013-09-01", vec![period("Stall", "2013-04-01", "2014-10-01", true)]);
    let svg = svg_figure(&report).expect("a figure");
    assert!(svg.contains("<linearGradient id=\"timeline-fade-1\""), "{svg}");
    assert!(svg.contains("stop-color=\"#d97706\" stop-opacity=\"0\""), "{svg}");
    assert!(svg.contains("fill=\"url(#timeline-fade-1)\""), "{svg}");
    assert_eq!(
        you_are_here(&report),
        "You are here: 1 September 2013, 5 months into \u{2018}Stall\u{2019} (at least 18 months)."
    );
    let bar = ascii_bar(&report).expect("a bar");
    assert!(bar.lines().next().expect("a line").contains("A>"), "{bar}");
}

#[test]
fn an_event_is_a_marker_with_its_date() {
    let report = report("2013-09-01", vec![event("The merger took effect", "2013-04-01")]);
    let svg = svg_figure(&report).expect("a figure");
    assert!(svg.contains("<polygon"), "{svg}");
    assert!(svg.contains("The merger took effect: 1 April 2013"), "{svg}");
    assert_eq!(
        you_are_here(&report),
        "You are here: 1 September 2013, 5 months after \u{2018}The merger took effect\u{2019}."
    );
    let bar = ascii_bar(&report).expect("a bar");
    let line = bar.lines().next().expect("a line");
    let inside = &line[line.find('[').expect("[")..];
    assert!(inside.contains('1') && bar.contains("1: The merger took effect: 1 April 2013"), "{bar}");
}

/// Two events are told apart by their numbers, in order of date.
#[test]
fn events_are_numbered_in_the_bar() {
    let report = report(
        "2013-09-01",
        vec![event("Decision to merge", "2012-10-15"), event("Merger takes effect", "2013-04-01")],
    );
    let bar = ascii_bar(&report).expect("a bar");
    let line = bar.lines().next().expect("a line");
    let inside = &line[line.find('[').expect("[")..];
    assert!(inside.find('1') < inside.find('2') && inside.find('2') < inside.find('|'), "{bar}");
    assert!(bar.contains("1: Decision to merge: 15 October 2012"), "{bar}");
    assert!(bar.contains("2: Merger takes effect: 1 April 2013"), "{bar}");
}

#[test]
fn the_caption_says_whether_the_assessment_is_before_inside_or_after_a_period() {
    let stall = || vec![period("Stall", "2013-04-01", "2014-10-01", true)];
    let said = |as_of: &str| you_are_here(&report(as_of, stall()));
    assert_eq!(
        said("2012-12-15"),
        "You are here: 15 December 2012, 3 months before \u{2018}Stall\u{2019} (at least 18 months) begins."
    );
    assert_eq!(
        said("2013-04-10"),
        "You are here: 10 April 2013, less than a month into \u{2018}Stall\u{2019} (at least 18 months)."
    );
    assert_eq!(
        said("2016-01-01"),
        "You are here: 1 January 2016, 15 months past the earliest end of \u{2018}Stall\u{2019} (at least 18 months)."
    );
    let closed = report("2016-01-01", vec![period("Pilot", "2013-04-01", "2015-04-01", false)]);
    assert_eq!(
        you_are_here(&closed),
        "You are here: 1 January 2016, 9 months after the end of \u{2018}Pilot\u{2019} (2 years)."
    );
}

/// The as-of line is left of, within and right of the band as the dates are.
#[test]
fn the_as_of_line_stands_where_its_date_is() {
    let x_of_as_of = |as_of: &str| {
        let svg = svg_figure(&report(as_of, vec![period("P", "2014-01-01", "2015-01-01", false)]))
            .expect("a figure");
        let line = svg.lines().find(|l| l.contains("#1d4ed8")).expect("the line").to_string();
        let band = svg.lines().find(|l| l.starts_with("<rect")).expect("the band").to_string();
        let number = |text: &str, key: &str| -> i64 {
            let rest = text.split(key).nth(1).expect("the attribute");
            rest[..rest.find('"').expect("closed")].parse().expect("an integer")
        };
        let start = number(&band, "x=\"");
        (number(&line, "x1=\""), start, start + number(&band, "width=\""))
    };
    let (before, start, _) = x_of_as_of("2013-10-01");
    assert!(before < start);
    let (inside, start, end) = x_of_as_of("2014-06-01");
    assert!(start < inside && inside < end);
    let (after, _, end) = x_of_as_of("2015-06-01");
    assert!(after > end);
}

/// The drawing comes from the dates: a 24-month period from the same day is drawn
/// longer than an 18-month one on the same axis, and by a third.
#[test]
fn a_24_month_period_is_drawn_longer_than_an_18_month_one() {
    let both = report(
        "2013-09-01",
        vec![
            period("18", "2013-04-01", "2014-10-01", false),
            period("24", "2013-04-01", "2015-04-01", false),
        ],
    );
    let svg = svg_figure(&both).expect("a figure");
    let widths: Vec<i64> =
        svg.lines().filter(|l| l.starts_with("<rect") && l.contains("#d97706")).map(band_width).collect();
    assert_eq!(widths.len(), 2);
    assert!(widths[1] > widths[0], "{widths:?}");
    let ratio = widths[1] * 100 / widths[0];
    assert!((130..=137).contains(&ratio), "{widths:?}");
    // Alone, each draws what it says: the 24-month one reaches a later year.
    let alone = |to: &str| {
        svg_figure(&report("2013-09-01", vec![period("P", "2013-04-01", to, false)])).expect("a figure")
    };
    assert!(alone("2015-04-01").contains(">2015</text>"));
    assert!(!alone("2014-10-01").contains(">2015</text>"));
}

#[test]
fn the_ascii_bar_is_one_line_of_at_most_88_columns_and_a_legend() {
    let report = report(
        "2013-09-01",
        vec![
            event("The merger took effect", "2013-04-01"),
            period("Service development may stall", "2013-04-01", "2014-10-01", true),
            period("After-effects", "2013-04-01", "2016-04-01", true),
        ],
    );
    let bar = ascii_bar(&report).expect("a bar");
    let lines: Vec<&str> = bar.lines().collect();
    assert!(lines.iter().all(|l| l.chars().count() <= 88), "{bar}");
    assert!(lines[0].is_ascii() && lines[1..].iter().all(|l| l.starts_with("  ")), "{bar}");
    // From before the first date to after the fading end of the longest period.
    assert!(lines[0].starts_with("Timeline: 2013 [") && lines[0].ends_with("] 2017"), "{bar}");
    assert!(lines[0].chars().count() <= 88);
    let inside = &lines[0][lines[0].find('[').expect("[") + 1..lines[0].find(']').expect("]")];
    // Left to right: the event, the shorter period over the longer, the assessment.
    assert!(
        inside.contains('1') && inside.contains('|') && inside.contains('A') && inside.contains('B'),
        "{bar}"
    );
    assert!(inside.find('1') < inside.find('|') && inside.rfind('A') < inside.rfind('B'), "{bar}");
    assert_eq!(lines.len(), 5, "a legend line for each mark: {bar}");
    let legend = lines[1..].join(" ");
    assert!(
        legend.contains("A: Service development may stall: 1 April 2013 to at least 1 October 2014"),
        "{bar}"
    );
    assert!(legend.contains("|: you are here, 1 September 2013"), "{bar}");
}

#[test]
fn every_entry_has_a_text_alternative() {
    let report = report(
        "2013-09-01",
        vec![event("Decision", "2012-11-20"), period("Stall", "2013-04-01", "2014-10-01", true)],
    );
    let svg = svg_figure(&report).expect("a figure");
    let desc = &svg[svg.find("<desc").expect("desc")..svg.find("</desc>").expect("desc")];
    let list = &svg[svg.find("<ul").expect("list")..];
    for words in ["Decision: 20 November 2012", "Stall: 1 April 2013 to at least 1 October 2014"] {
        assert!(desc.contains(words) && list.contains(words), "{svg}");
    }
    assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"timeline-title\">"));
    assert!(list.contains("You are here: 1 September 2013"));
}

/// Whatever dates a rule works out (an end before its start, days thousands of years
/// apart, many entries), the timeline is drawn without a panic, within its bounds.
#[test]
fn odd_timelines_are_drawn_without_a_panic() {
    let odd = [
        vec![period("Backwards", "2015-01-01", "2013-01-01", true)],
        vec![period("Ages", "0001-01-01", "9999-12-31", true), event("Now", "2013-09-01")],
        vec![event("Same day", "2013-09-01")],
        (0..40).map(|_| period("Many", "2013-01-01", "2013-02-01", false)).collect(),
    ];
    for timeline in odd {
        let report = report("2013-09-01", timeline);
        let svg = svg_figure(&report).expect("a figure");
        assert!(svg.contains("#1d4ed8"));
        let bar = ascii_bar(&report).expect("a bar");
        assert!(bar.lines().all(|line| line.chars().count() <= 88), "{bar}");
        let ticks = svg.matches("text-anchor=\"middle\"").count();
        assert!(ticks <= 13, "{ticks} ticks");
    }
}

/// The labels come from the rules: escaped in the figure like every other text.
#[test]
fn labels_are_escaped_in_the_figure() {
    let report = report("2013-09-01", vec![event("<script>alert(1)</script> & 'q'", "2013-04-01")]);
    let svg = svg_figure(&report).expect("a figure");
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;q&#39;"), "{svg}");
}

/// Two years and more are said in years and months, as a reader says them.
#[test]
fn long_times_are_said_in_years_and_months() {
    let report = report("2016-07-01", vec![event("Merger takes effect", "2013-04-01")]);
    assert_eq!(
        you_are_here(&report),
        "You are here: 1 July 2016, 3 years and 3 months after \u{2018}Merger takes effect\u{2019}."
    );
    let report = report_of("2015-04-01", "2013-04-01");
    assert!(you_are_here(&report).contains(", 2 years after"), "{}", you_are_here(&report));
    let report = report_of("2014-03-01", "2013-04-01");
    assert!(you_are_here(&report).contains(", 11 months after"), "{}", you_are_here(&report));
}

fn report_of(as_of: &str, on: &str) -> Report<'static> {
    report(as_of, vec![event("E", on)])
}
