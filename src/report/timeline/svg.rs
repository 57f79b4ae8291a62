//! The timeline as an inline SVG figure for the HTML page: a time axis with year ticks,
//! each period a labelled band (fading out past its earliest end when it may go on), each
//! event a marker, the date of the assessment a line marked "You are here"; with a
//! caption, and every entry also as a list for those who cannot see the drawing. Integer
//! coordinates only, so the same report always draws the same figure. Must not decide
//! what the entries are: it draws the dates it is given.

use std::fmt::Write as _;

use super::{Span, drawn_end, entry_in_words, ordered, year_in_words, you_are_here};
use crate::report::html::Html;
use crate::report::{Report, TimelineEntry, When};
use crate::value::Date;

/// The colour of a period's band: the browser test looks for its pixels.
pub(crate) const PERIOD_COLOUR: &str = "#d97706";
/// The colour of the line and words that mark the date of the assessment.
pub(crate) const AS_OF_COLOUR: &str = "#1d4ed8";
/// The colour of the axis, its ticks and the events' markers.
pub(crate) const AXIS_COLOUR: &str = "#4b5563";

/// The drawing's width, in its own units.
const WIDTH: i64 = 640;
/// The margin left and right of the axis.
const SIDE: i64 = 16;
/// The height above the first row, for the "You are here" label.
const TOP: i64 = 44;
/// The height of an entry's row: its label, then its band or marker.
const ROW: i64 = 44;
/// At most this many year ticks.
const MOST_TICKS: i64 = 12;

/// The timeline of `report` as a `<figure>` holding the SVG, its caption and the list of
/// its entries; `None` when the report has no timeline.
pub(crate) fn svg_figure(report: &Report) -> Option<String> {
    if report.timeline.is_empty() {
        return None;
    }
    let span = Span::of(report);
    let rows = i64::try_from(report.timeline.len()).unwrap_or(i64::MAX / 2 / ROW);
    let axis_y = TOP + rows * ROW + 8;
    let height = axis_y + 32;
    let here = you_are_here(report);
    let mut out = String::with_capacity(4096);
    out.push_str("<figure class=\"timeline\">\n");
    let _ = writeln!(
        out,
        "<svg role=\"img\" aria-labelledby=\"timeline-title timeline-desc\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\">"
    );
    out.push_str("<title id=\"timeline-title\">Timeline</title>\n");
    let _ = write!(out, "<desc id=\"timeline-desc\">{}", Html(&here));
    for entry in &report.timeline {
        let _ = write!(out, " {}.", Html(&entry_in_words(entry)));
    }
    out.push_str("</desc>\n");
    write_gradients(&mut out, report);
    write_axis(&mut out, span, axis_y);
    // The words go over the line of the date of the assessment, which goes over the
    // shapes: the line crosses every band, and no label is struck through.
    let mut labels = String::with_capacity(1024);
    for (i, entry) in report.timeline.iter().enumerate() {
        let y = TOP + i64::try_from(i).unwrap_or(0) * ROW;
        write_entry(&mut out, &mut labels, span, entry, i, y);
    }
    write_as_of(&mut out, span, report.as_of, axis_y);
    out.push_str(&labels);
    out.push_str("</svg>\n");
    let _ = writeln!(out, "<figcaption>{}</figcaption>", Html(&here));
    out.push_str("<ul class=\"timeline-entries\">\n");
    for entry in &report.timeline {
        let _ = writeln!(out, "<li>{}</li>", Html(&entry_in_words(entry)));
    }
    out.push_str("<li>You are here: ");
    report.as_of.write_long(&mut out);
    out.push_str("</li>\n</ul>\n</figure>\n");
    Some(out)
}

/// The x coordinate of `date`.
fn x(span: Span, date: Date) -> i64 {
    SIDE + span.place(date, WIDTH - 2 * SIDE)
}

/// A gradient for each period that may go on: the band's colour fading to nothing.
fn write_gradients(out: &mut String, report: &Report) {
    let open = |entry: &TimelineEntry| matches!(entry.when, When::Period { at_least: true, .. });
    if !report.timeline.iter().any(open) {
        return;
    }
    out.push_str("<defs>\n");
    for (i, _) in report.timeline.iter().enumerate().filter(|(_, entry)| open(entry)) {
        let _ = writeln!(
            out,
            "<linearGradient id=\"timeline-fade-{}\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"0\"><stop offset=\"0\" stop-color=\"{PERIOD_COLOUR}\"/><stop offset=\"1\" stop-color=\"{PERIOD_COLOUR}\" stop-opacity=\"0\"/></linearGradient>",
            i + 1
        );
    }
    out.push_str("</defs>\n");
}

/// The time axis, with a tick and the year at each first of January it shows (every
/// year, or every 2, 5, 10, ... years when the span is long).
fn write_axis(out: &mut String, span: Span, axis_y: i64) {
    let _ = writeln!(
        out,
        "<line x1=\"{SIDE}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"2\"/>",
        WIDTH - SIDE
    );
    let (first, last) = (i64::from(span.start.year()) + 1, i64::from(span.end.year()));
    let step = tick_step(last - first + 1);
    let mut year = first + (step - first.rem_euclid(step)) % step;
    while year <= last {
        if let Some(january) = i16::try_from(year).ok().and_then(|y| Date::new(y, 1, 1)) {
            let x = x(span, january);
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{axis_y}\" x2=\"{x}\" y2=\"{}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"2\"/><text class=\"tl-text\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                axis_y + 6,
                axis_y + 24,
                year_in_words(i32::try_from(year).unwrap_or(0))
            );
        }
        year += step;
    }
}

/// Years between ticks: 1, 2, 5, 10, 20, 50, ... so that there are at most
/// [`MOST_TICKS`].
fn tick_step(years: i64) -> i64 {
    let mut power = 1_i64;
    loop {
        for step in [power, power * 2, power * 5] {
            if years <= MOST_TICKS * step {
                return step;
            }
        }
        if power > i64::MAX / 100 {
            return power;
        }
        power *= 10;
    }
}

/// One entry's row: a period's band (solid to its end, then fading out when it may go
/// on), or an event's marker, into `out`; and its label in words above it, into `labels`.
fn write_entry(out: &mut String, labels: &mut String, span: Span, entry: &TimelineEntry, i: usize, y: i64) {
    let band_y = y + 20;
    let left = match entry.when {
        When::On(date) => {
            let x = x(span, date);
            let _ = writeln!(
                out,
                "<polygon points=\"{x},{} {},{} {x},{} {},{}\" fill=\"{AXIS_COLOUR}\"/>",
                band_y - 2,
                x + 10,
                band_y + 8,
                band_y + 18,
                x - 10,
                band_y + 8
            );
            x - 12
        }
        When::Period { from, to, at_least } => {
            let (from, to) = ordered(from, to);
            let (start, end) = (x(span, from), x(span, to).max(x(span, from) + 2));
            let _ = writeln!(
                out,
                "<rect x=\"{start}\" y=\"{band_y}\" width=\"{}\" height=\"16\" fill=\"{PERIOD_COLOUR}\"/>",
                end - start
            );
            if at_least {
                let fade_end = x(span, drawn_end(entry.when)).max(end + 8);
                let _ = writeln!(
                    out,
                    "<rect x=\"{end}\" y=\"{band_y}\" width=\"{}\" height=\"16\" fill=\"url(#timeline-fade-{})\"/>",
                    fade_end - end,
                    i + 1
                );
            }
            start
        }
    };
    // The label with its dates (a period's by month, as the axis is read), or the label
    // alone when that would not fit the drawing; the list under it gives every day.
    let room = WIDTH - 2 * SIDE;
    let words = Some(label_with_dates(entry))
        .filter(|words| text_width(words) <= room)
        .unwrap_or_else(|| entry.label.to_string());
    let width = text_width(&words).min(room);
    // Words run right from the left of what they label, moved left as far as they must
    // to end inside the drawing.
    let at = left.min(WIDTH - SIDE - width).max(SIDE);
    let _ = writeln!(
        labels,
        "<text class=\"tl-text\" x=\"{at}\" y=\"{}\" text-anchor=\"start\">{}</text>",
        y + 14,
        Html(&words)
    );
}

/// An entry's label and dates, short enough for the drawing: `Possible stall: April 2013
/// to at least October 2014`, an event's day in full. Not escaped.
fn label_with_dates(entry: &TimelineEntry) -> String {
    match entry.when {
        When::On(_) => entry_in_words(entry),
        When::Period { from, to, at_least } => {
            let to_words = if at_least { "to at least" } else { "to" };
            format!("{}: {} {to_words} {}", entry.label, from.month_and_year(), to.month_and_year())
        }
    }
}

/// About how wide `text` is drawn, in the drawing's units: its characters at the width of
/// an average letter of the 15-pixel sans-serif face the stylesheet gives the drawing,
/// rounded up (a label measured short would run off the drawing's edge).
fn text_width(text: &str) -> i64 {
    i64::try_from(text.chars().count()).unwrap_or(i64::MAX / 9).saturating_mul(8)
}

/// The line at the date of the assessment, from the top to the axis, labelled. Its width
/// does not scale with the drawing: 5 pixels on a phone's narrow screen as on paper.
fn write_as_of(out: &mut String, span: Span, as_of: Date, axis_y: i64) {
    let x = x(span, as_of);
    let _ = writeln!(
        out,
        "<line x1=\"{x}\" y1=\"24\" x2=\"{x}\" y2=\"{axis_y}\" stroke=\"{AS_OF_COLOUR}\" stroke-width=\"5\" vector-effect=\"non-scaling-stroke\"/>"
    );
    let (anchor, at) = if x <= WIDTH / 2 { ("start", x + 8) } else { ("end", x - 8) };
    let mut label = String::from("You are here: ");
    as_of.write_long(&mut label);
    let _ =
        writeln!(out, "<text class=\"tl-here\" x=\"{at}\" y=\"18\" text-anchor=\"{anchor}\">{label}</text>");
}
