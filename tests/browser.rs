//! The HTML report in a real browser: Debian's headless Chromium renders the report of
//! `fixtures/01` at a phone's width and a desktop's, and prints it to PDF; the tests read
//! the pictures' pixels and the PDF's text and page count. Where the page's parts fall is
//! read from a screenshot of a copy that outlines them in colours of their own
//! (`browser/layout.rs`). The timeline's checks are themselves tested on a small hand-made
//! page that draws one as the report is agreed to (the period bands' solid part `#d97706`,
//! the "You are here" line `#1d4ed8`, at least 3 px wide, between the summary and the
//! advice), on pages that break the agreement each in one way, and the pixel readers on
//! pictures drawn here.
//!
//! Needs `chromium`, `pdftotext` and `pdfinfo` (`apt-get install chromium poppler-utils`;
//! `.ci/run` installs them); without them the tests fail, saying so, unless
//! `ACCORD_SKIP_BROWSER_TESTS=1`.

#![allow(clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod common;

#[path = "browser/chromium.rs"]
mod chromium;
#[path = "browser/layout.rs"]
mod layout;
#[path = "browser/pdf.rs"]
mod pdf;
#[path = "browser/picture.rs"]
mod picture;

use std::path::{Path, PathBuf};

use chromium::Browser;
use layout::Layout;
use picture::{Band, Picture, hex};

/// The widths the report is looked at: a phone's and a desktop's, each 2400 pixels tall.
const WIDTHS: [u32; 2] = [PHONE, 1280];
const PHONE: u32 = 390;
const HEIGHT: u32 = 2400;

/// The colour of the solid part of the timeline's period bands.
const BAND: &str = "#d97706";
/// The colour of the timeline's "You are here" line.
const HERE: &str = "#1d4ed8";

/// What the report of a case must show, known from the case and the rules.
struct Expected {
    case: String,
    first_advice: String,
    first_author: String,
}

#[test]
fn the_report_renders_on_a_phone_a_desktop_and_paper() {
    let dir = common::scratch("browser", "renders");
    let Some(browser) = chromium::browser(&dir) else { return };
    let (page, expected) = report_page(&dir);
    for width in WIDTHS {
        let png = browser.screenshot(&page, &format!("report-{width}.png"), width, HEIGHT);
        assert_drawn(&Picture::open(&png), width);
    }
    let pdf = browser.pdf(&page, "report.pdf");
    let text = pdf::text(&pdf);
    for phrase in [expected.case.as_str(), "First things to do", "References", expected.first_author.as_str()]
    {
        assert!(text.contains(phrase), "the PDF does not say `{phrase}`:\n{text}");
    }
    let pages = pdf::pages(&pdf);
    assert!((1..=12).contains(&pages), "the PDF has {pages} pages");
}

#[test]
fn timeline_is_drawn() {
    let dir = common::scratch("browser", "timeline");
    let Some(browser) = chromium::browser(&dir) else { return };
    let (page, expected) = report_page(&dir);
    assert_timeline_drawn(&browser, &page, &expected.first_advice);
    assert_pages_numbered(&browser.pdf(&page, "report.pdf"));
}

#[test]
fn the_report_fits_a_phone_screen() {
    let dir = common::scratch("browser", "phone");
    let Some(browser) = chromium::browser(&dir) else { return };
    let (page, expected) = report_page(&dir);
    let overflow = overflow(&browser, &page, &expected.first_advice, PHONE);
    assert_eq!(overflow, 0, "at {PHONE} px the report is laid out {overflow} px wider: it scrolls sideways");
}

#[test]
fn the_phone_check_sees_a_page_wider_than_a_phone() {
    let dir = common::scratch("browser", "wide");
    let Some(browser) = chromium::browser(&dir) else { return };
    let page = dir.join("wide.html");
    let line = "Say why the merger is the best way to achieve what the partners want. ".repeat(3);
    std::fs::write(&page, format!("<!DOCTYPE html><html lang=\"en\"><body><pre>{line}</pre></body></html>"))
        .unwrap();
    let overflow = overflow(&browser, &page, "Say why", PHONE);
    assert!(
        overflow > 100,
        "a page with a long line of preformatted text overflows a phone by {overflow} px"
    );
}

#[test]
fn the_timeline_checks_pass_on_a_page_that_draws_the_timeline_as_agreed() {
    let dir = common::scratch("browser", "agreed");
    let Some(browser) = chromium::browser(&dir) else { return };
    let page = hand_made_page(&dir, "agreed", &Timeline::default());
    assert_timeline_drawn(&browser, &page, ADVICE_TITLE);
    assert_pages_numbered(&browser.pdf(&page, "agreed.pdf"));
    let overflow = overflow(&browser, &page, ADVICE_TITLE, PHONE);
    assert_eq!(overflow, 0, "the hand-made page overflows a phone by {overflow} px");
}

#[test]
fn the_timeline_checks_fail_on_pages_that_break_the_agreement() {
    let dir = common::scratch("browser", "broken");
    let Some(browser) = chromium::browser(&dir) else { return };
    let agreed = Timeline::default();
    let broken = [
        (Timeline { band: "#d97707", ..agreed }, "no band of #d97706"),
        (Timeline { band_width: 120, ..agreed }, "no band of #d97706"),
        (Timeline { band_height: 2, ..agreed }, "no band of #d97706"),
        (Timeline { here: "#1d4ed9", ..agreed }, "no #1d4ed8 line"),
        (Timeline { here_width: 1, ..agreed }, "no #1d4ed8 line"),
        (Timeline { here_from: 60, ..agreed }, "no #1d4ed8 line"),
        (Timeline { after_advice: true, ..agreed }, "not above the first advice"),
        (Timeline { before_summary: true, ..agreed }, "not below the summary"),
    ];
    for (n, (timeline, why)) in broken.iter().enumerate() {
        let page = hand_made_page(&dir, &format!("broken-{n}"), timeline);
        let failed = timeline_drawn(&browser, &page, ADVICE_TITLE).expect_err(why);
        assert!(failed.contains(why), "{timeline:?}: expected `{why}`, got `{failed}`");
    }
}

/// The case the browser renders.
const FIXTURE: &str = "fixtures/01-shire-integrated-care.json";

/// Writes the HTML report of fixture 01 into `dir` with `accord advise --format html
/// --output`; gives its path and what it must show, from the same case's JSON advice and
/// text report.
fn report_page(dir: &Path) -> (PathBuf, Expected) {
    let page = dir.join("report.html");
    let written =
        common::accord(&["advise", "--format", "html", "--output", page.to_str().expect("UTF-8"), FIXTURE]);
    assert!(written.status.success(), "accord advise --format html failed:\n{}", common::stderr(&written));
    let advice = common::json(&common::accord(&["advise", "--format", "json", FIXTURE]));
    let text = common::stdout(&common::accord(&["advise", "--format", "text", FIXTURE]));
    let expected = Expected {
        case: advice["case"].as_str().expect("fixture 01 has a name").to_string(),
        first_advice: advice["advice"][0]["title"].as_str().expect("fixture 01 has advice").to_string(),
        first_author: first_author(&text),
    };
    (page, expected)
}

/// The authors of reference [1], as the text report lists its references.
fn first_author(text: &str) -> String {
    let entry = text.split_once("\nReferences\n[1] ").expect("the text report has references").1;
    entry.split_once(" (").expect("a year after the authors").0.to_string()
}

/// A screenshot `width` pixels wide shows a page: not blank, with text.
fn assert_drawn(picture: &Picture, width: u32) {
    assert_eq!((picture.width, picture.height), (width as usize, HEIGHT as usize), "the screenshot's size");
    let colours = picture.colours();
    assert!(colours >= 32, "the screenshot at {width} px has {colours} colours: blank, or nearly");
    let dark = picture.dark_pixels();
    assert!(dark >= 10_000, "the screenshot at {width} px has {dark} dark pixels: not a screenful of text");
}

fn assert_timeline_drawn(browser: &Browser, page: &Path, first_advice: &str) {
    if let Err(failed) = timeline_drawn(browser, page, first_advice) {
        panic!("{failed}");
    }
}

/// The PDF's pages are numbered "Page N of M" by the print stylesheet, on A4.
fn assert_pages_numbered(pdf: &Path) {
    let text = pdf::text(pdf);
    let pages = pdf::pages(pdf);
    for n in [1, pages] {
        let number = format!("Page {n} of {pages}");
        assert!(text.contains(&number), "the PDF's page {n} is not numbered `{number}`:\n{text}");
    }
    let size = pdf::page_size(pdf);
    assert!(size.ends_with("(A4)"), "the PDF's pages are not A4: {size}");
}

/// How many pixels wider than a window `width` pixels wide `page` is laid out.
fn overflow(browser: &Browser, page: &Path, first_advice: &str, width: u32) -> usize {
    let marked = layout::marked_copy(page, first_advice);
    let name =
        format!("{}-overflow-{width}.png", page.file_stem().and_then(|s| s.to_str()).unwrap_or("page"));
    layout::read(&Picture::open(&browser.screenshot(&marked, &name, width, HEIGHT))).overflow
}

/// Checks, at both widths, that the timeline is drawn as agreed, or says what is not.
fn timeline_drawn(browser: &Browser, page: &Path, first_advice: &str) -> Result<(), String> {
    // The marked copy is laid out as the page is, with its parts outlined in colours that
    // the timeline does not use: one screenshot shows both.
    let marked = layout::marked_copy(page, first_advice);
    let stem = page.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    for width in WIDTHS {
        let picture =
            Picture::open(&browser.screenshot(&marked, &format!("{stem}-{width}.png"), width, HEIGHT));
        timeline_in(&picture, &layout::read(&picture))
            .map_err(|failed| format!("at {width} px: {failed}"))?;
    }
    Ok(())
}

/// The picture has a band of the solid colour of a period, at least a fifth of the width
/// and a few pixels tall, inside an SVG picture, below the summary and above the first
/// advice; and a "You are here" line, at least 2 pixels of the exact colour wide (a 3 px
/// line at any position covers 2 whole pixels), across every row of that band.
fn timeline_in(picture: &Picture, layout: &Layout) -> Result<(), String> {
    let mut bands: Vec<Band> =
        picture.bands(hex(BAND), picture.width.div_ceil(5)).into_iter().filter(|b| b.height() >= 4).collect();
    // Widest first: when no band is placed as agreed, the widest says why.
    bands.sort_by_key(|band| std::cmp::Reverse(band.width()));
    let Some(widest) = bands.first() else {
        return Err(format!("no band of {BAND} over a fifth of the width, 4 px tall or more"));
    };
    if bands.iter().any(|band| band_placed(picture, layout, band).is_ok()) {
        return Ok(());
    }
    band_placed(picture, layout, widest)
}

/// The band is in an SVG picture, between the summary and the first advice, with a "You
/// are here" line across it.
fn band_placed(picture: &Picture, layout: &Layout, band: &Band) -> Result<(), String> {
    let (top, bottom) = (band.top, band.bottom);
    if !layout.svgs.iter().any(|&(svg_top, svg_bottom)| svg_top < top && bottom < svg_bottom) {
        return Err(format!("the band {band:?} is in no SVG picture: {layout:?}"));
    }
    let summary = layout.summary_bottom.ok_or("no heading `First things to do`")?;
    if top <= summary {
        return Err(format!(
            "the band {band:?} is not below the summary, whose heading ends at row {summary}"
        ));
    }
    let advice = layout.advice_top.ok_or("the first advice's title is not on the page")?;
    if bottom >= advice {
        return Err(format!("the band {band:?} is not above the first advice, at row {advice}"));
    }
    if picture.vertical_lines(hex(HERE), 2, band.top, band.bottom).is_empty() {
        return Err(format!("no {HERE} line, 2 px wide or more, across the band {band:?}"));
    }
    Ok(())
}

/// The title of the advice on the hand-made page.
const ADVICE_TITLE: &str = "Say why you are merging";

/// How the hand-made page draws its timeline: as agreed by default, and each field a way
/// to break the agreement.
#[derive(Clone, Copy, Debug)]
struct Timeline {
    /// The band's fill.
    band: &'static str,
    /// The band's width, of the picture's 800.
    band_width: u32,
    /// The band's height, of the picture's 120.
    band_height: u32,
    /// The line's colour.
    here: &'static str,
    /// The line's width, in pixels whatever the picture's scale.
    here_width: u32,
    /// Where the line starts, of the picture's 120 (the band spans 40 to 40 + its height).
    here_from: u32,
    /// The timeline drawn after the first advice, not before.
    after_advice: bool,
    /// The timeline drawn before the summary, not after.
    before_summary: bool,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            band: BAND,
            band_width: 400,
            band_height: 24,
            here: HERE,
            here_width: 3,
            here_from: 20,
            after_advice: false,
            before_summary: false,
        }
    }
}

/// Writes a small page with a timeline drawn as `timeline` says, as `name.html` in `dir`.
fn hand_made_page(dir: &Path, name: &str, timeline: &Timeline) -> PathBuf {
    let Timeline { band, band_width, band_height, here, here_width, here_from, .. } = *timeline;
    let svg = format!(
        r#"<svg viewBox="0 0 800 120" width="100%" role="img" aria-label="Timeline">
<defs><linearGradient id="fade"><stop offset="0" stop-color="{band}"/><stop offset="1" stop-color="{band}" stop-opacity="0"/></linearGradient></defs>
<rect x="80" y="40" width="{band_width}" height="{band_height}" fill="{band}"/>
<rect x="{fade_x}" y="40" width="160" height="{band_height}" fill="url(#fade)"/>
<line x1="300" y1="{here_from}" x2="300" y2="100" stroke="{here}" stroke-width="{here_width}" vector-effect="non-scaling-stroke"/>
<text x="306" y="112" font-size="14">You are here</text></svg>"#,
        fade_x = 80 + band_width
    );
    let summary = "<h2>First things to do</h2><ol><li>Say why you are merging</li></ol>";
    let advice = format!("<h2>Advice</h2><h3>{ADVICE_TITLE}</h3><p>Because the change is a merger.</p>");
    let body = match (timeline.before_summary, timeline.after_advice) {
        (true, _) => format!("{svg}{summary}{advice}"),
        (_, true) => format!("{summary}{advice}{svg}"),
        _ => format!("{summary}{svg}{advice}"),
    };
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A timeline</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>@page {{ size: A4; margin: 20mm; @bottom-center {{ content: "Page " counter(page) " of " counter(pages); }} }}
body {{ font-family: sans-serif; margin: 1rem; }}</style></head>
<body><main><h1>A case</h1>{body}<h2>References</h2><p>Glasby, J. (2012)</p></main></body></html>"#
    );
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).expect("the page is written");
    page
}

// The pixel readers, on pictures drawn here.

const WHITE: [u8; 3] = [255, 255, 255];

/// A white picture `width` by `height` with the rectangles `(left, top, right, bottom,
/// colour)` painted in order, their last rows and columns included.
fn painted(width: usize, height: usize, rectangles: &[(usize, usize, usize, usize, &str)]) -> Picture {
    let mut pixels = vec![WHITE; width * height];
    for &(left, top, right, bottom, colour) in rectangles {
        for y in top..=bottom {
            pixels[y * width + left..=y * width + right].fill(hex(colour));
        }
    }
    Picture::new(width, pixels)
}

#[test]
fn a_band_is_found_across_a_line_drawn_over_it() {
    let picture = painted(100, 20, &[(10, 5, 60, 9, BAND), (30, 2, 32, 15, HERE)]);
    assert_eq!(picture.bands(hex(BAND), 20), [Band { top: 5, bottom: 9, left: 10, right: 60 }]);
    assert_eq!(picture.vertical_lines(hex(HERE), 2, 5, 9), [30]);
    assert_eq!(picture.vertical_lines(hex(HERE), 4, 5, 9), [] as [usize; 0]);
    assert_eq!(picture.vertical_lines(hex(HERE), 2, 0, 9), [] as [usize; 0], "the line starts at row 2");
}

#[test]
fn a_band_is_not_found_where_the_colour_is_too_narrow_or_broken_up() {
    assert_eq!(painted(100, 20, &[(10, 5, 28, 9, BAND)]).bands(hex(BAND), 20), []);
    let broken = painted(100, 20, &[(10, 5, 20, 9, BAND), (30, 5, 40, 9, BAND)]);
    assert_eq!(broken.bands(hex(BAND), 20), [], "a gap of 9 pixels breaks a band");
    let faded = painted(100, 20, &[(10, 5, 60, 9, "#d97707")]);
    assert_eq!(faded.bands(hex(BAND), 20), [], "only the exact colour counts");
}

#[test]
fn bands_in_rows_apart_are_two_bands() {
    let picture = painted(100, 30, &[(10, 5, 60, 9, BAND), (40, 20, 99, 25, BAND)]);
    let bands = picture.bands(hex(BAND), 20);
    assert_eq!(
        bands,
        [Band { top: 5, bottom: 9, left: 10, right: 60 }, Band { top: 20, bottom: 25, left: 40, right: 99 }]
    );
}

#[test]
fn the_timeline_check_reads_the_marks() {
    let marks = [
        (2, 2, 97, 10, "#ff00ff"),
        (3, 3, 96, 9, "#ffffff"),
        (2, 14, 97, 30, "#00ffff"),
        (3, 15, 96, 29, "#ffffff"),
        (2, 34, 97, 40, "#00ff00"),
    ];
    let mut rectangles = marks.to_vec();
    rectangles.extend([(10, 20, 60, 25, BAND), (30, 16, 31, 28, HERE)]);
    let picture = painted(100, 45, &rectangles);
    let layout = layout::read(&picture);
    assert_eq!(
        layout,
        Layout { summary_bottom: Some(10), advice_top: Some(34), svgs: vec![(14, 30)], overflow: 0 }
    );
    assert_eq!(timeline_in(&picture, &layout), Ok(()));
    let above = Layout { advice_top: Some(22), ..layout::read(&picture) };
    assert!(timeline_in(&picture, &above).is_err_and(|e| e.contains("not above the first advice")));
}
