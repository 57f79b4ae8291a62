//! The report's timeline: the dated events and periods the rules worked out for the case,
//! and the date of the assessment among them, drawn as an SVG figure for the HTML page
//! (`timeline/svg.rs`) and as a one-line ASCII bar for the text report. Both draw what the
//! entries say, from their dates alone: this module must know nothing of mergers or of
//! any length of time a rule base uses, and must not read the clock.

use std::fmt::Write as _;

use super::{Report, TimelineEntry, When, wrap};
use crate::prose::counted;
use crate::value::{Date, Duration, DurationUnit};

pub(crate) mod svg;
#[cfg(test)]
mod tests;

pub(crate) use svg::svg_figure;

/// The columns of the ASCII bar between its brackets.
const BAR_COLUMNS: i64 = 60;

/// The stretch of time a timeline shows: from a little before the earliest date (of the
/// entries and the assessment) to a little after the latest, an open end's fading part
/// included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// The first day shown.
    pub(crate) start: Date,
    /// The last day shown.
    pub(crate) end: Date,
}

impl Span {
    /// The span of `report`'s timeline.
    pub(crate) fn of(report: &Report) -> Span {
        let mut first = report.as_of;
        let mut last = report.as_of;
        for entry in &report.timeline {
            first = first.min(entry.when.start());
            last = last.max(drawn_end(entry.when));
        }
        // A margin of a twentieth of the span, and at least a month, either side.
        let margin = (first.days_until(last) / 20).max(31);
        Span { start: add_days(first, -margin), end: add_days(last, margin) }
    }

    /// Days from the first day shown to the last, at least 1.
    pub(crate) fn days(self) -> i64 {
        self.start.days_until(self.end).max(1)
    }

    /// Where `date` falls on a line `length` long that shows the span: 0 at its start,
    /// `length` at its end, in whole units.
    pub(crate) fn place(self, date: Date, length: i64) -> i64 {
        let days = self.start.days_until(date).clamp(0, self.days());
        days * length / self.days()
    }
}

/// The last day drawn for an entry: for a period that may go on (`at least`), the end of
/// the part that fades out after its earliest end.
pub(crate) fn drawn_end(when: When) -> Date {
    match when {
        When::On(date) => date,
        When::Period { to, at_least: false, .. } => to,
        When::Period { from, to, at_least: true } => {
            let (from, to) = ordered(from, to);
            add_days(to, fade_days(from, to))
        }
    }
}

/// A period's days in the order of the calendar: a rule that works out an end before the
/// start still gets a band, from the earlier day to the later, and never a panic.
pub(crate) fn ordered(from: Date, to: Date) -> (Date, Date) {
    (from.min(to), from.max(to))
}

/// How many days past its earliest end an open period fades out over: a quarter of its
/// length, and at least a month, so that a short period's fade can still be seen.
pub(crate) fn fade_days(from: Date, to: Date) -> i64 {
    (from.days_until(to) / 4).max(31)
}

fn add_days(date: Date, days: i64) -> Date {
    date.plus(Duration { amount: days, unit: DurationUnit::Days }).unwrap_or(date)
}

/// An entry in words: `Service development may stall: 1 April 2013 to at least 1 October
/// 2014`. Not escaped.
pub(crate) fn entry_in_words(entry: &TimelineEntry) -> String {
    let mut out = format!("{}: ", entry.label);
    match entry.when {
        When::On(date) => date.write_long(&mut out),
        When::Period { from, to, at_least } => {
            from.write_long(&mut out);
            out.push_str(if at_least { " to at least " } else { " to " });
            to.write_long(&mut out);
        }
    }
    out
}

/// Where the date of the assessment stands among the entries, in a sentence: `You are
/// here: 1 September 2013, 5 months into ‘Service development may stall’ (at least 18
/// months).` Not escaped.
pub(crate) fn you_are_here(report: &Report) -> String {
    let mut out = String::from("You are here: ");
    report.as_of.write_long(&mut out);
    let places: Vec<String> = report.timeline.iter().map(|entry| place_of(report.as_of, entry)).collect();
    if !places.is_empty() {
        out.push_str(", ");
        out.push_str(&places.join("; "));
    }
    out.push('.');
    out
}

/// Where `as_of` stands relative to one entry.
fn place_of(as_of: Date, entry: &TimelineEntry) -> String {
    let label = entry.label;
    match entry.when {
        When::On(date) if date <= as_of => format!("{} after \u{2018}{label}\u{2019}", months(date, as_of)),
        When::On(date) => format!("{} before \u{2018}{label}\u{2019}", months(as_of, date)),
        When::Period { from, to, at_least } => {
            // As the drawing draws it: a period written backwards runs from its earlier day.
            let (from, to) = ordered(from, to);
            let length = format!("{}{}", if at_least { "at least " } else { "" }, length(from, to));
            if as_of < from {
                format!("{} before \u{2018}{label}\u{2019} ({length}) begins", months(as_of, from))
            } else if as_of <= to {
                format!("{} into \u{2018}{label}\u{2019} ({length})", months(from, as_of))
            } else if at_least {
                format!("{} past the earliest end of \u{2018}{label}\u{2019} ({length})", months(to, as_of))
            } else {
                format!("{} after the end of \u{2018}{label}\u{2019} ({length})", months(to, as_of))
            }
        }
    }
}

/// The time from `from` to `to` in whole months, as a reader says it: `5 months`, `less
/// than a month`; from two years, in years and months (`2 years and 3 months`), as
/// "40 months" is not how anyone says it.
fn months(from: Date, to: Date) -> String {
    let whole = |n: i64| usize::try_from(n).unwrap_or(usize::MAX);
    match from.months_until(to) {
        n if n < 1 => "less than a month".to_string(),
        n if n < 24 => counted(whole(n), "month", "months"),
        n if n % 12 == 0 => counted(whole(n / 12), "year", "years"),
        n => format!(
            "{} and {}",
            counted(whole(n / 12), "year", "years"),
            counted(whole(n % 12), "month", "months")
        ),
    }
}

/// A period's length as a reader says it: `18 months`, `3 years`, `10 days`.
fn length(from: Date, to: Date) -> String {
    let months = from.months_until(to);
    let whole = |n: i64| usize::try_from(n.max(0)).unwrap_or(usize::MAX);
    if months >= 12
        && months % 12 == 0
        && from.plus(Duration { amount: months, unit: DurationUnit::Months }) == Some(to)
    {
        counted(whole(months / 12), "year", "years")
    } else if months >= 1 {
        counted(whole(months), "month", "months")
    } else {
        counted(whole(from.days_until(to)), "day", "days")
    }
}

/// The timeline as one line of ASCII, at most 88 columns, with a legend below it (a
/// line for each mark); `None` when the report has no timeline. The line runs from the
/// year its first day falls in to the year of its last: each period is a run of its
/// letter (`A`, `B`, ...; a shorter period drawn over a longer one), followed by `>` when
/// it may go on; each event is marked by its number (`1`, `2`, ...) and the date of the
/// assessment by `|`.
///
/// ```text
/// Timeline: 2013 [--1AAAAA|AAAAAAAAAAAAAAAA>BBBBBBBBBBBBBBBBBBBB>-------------] 2017
///   A: Service development may stall: 1 April 2013 to at least 1 October 2014
///   B: After-effects: 1 April 2013 to at least 1 April 2016
///   1: The merger took effect: 1 April 2013
///   |: you are here, 1 September 2013
/// ```
pub fn ascii_bar(report: &Report) -> Option<String> {
    if report.timeline.is_empty() {
        return None;
    }
    let span = Span::of(report);
    let column = |date: Date| usize::try_from(span.place(date, BAR_COLUMNS - 1)).unwrap_or(0);
    let mut bar = vec![b'-'; usize::try_from(BAR_COLUMNS).unwrap_or(60)];
    let mut legend: Vec<String> = Vec::new();
    let mut periods: Vec<(usize, &TimelineEntry)> =
        report.timeline.iter().filter(|e| matches!(e.when, When::Period { .. })).enumerate().collect();
    // The longest first, so that a shorter period within it is drawn over it and seen.
    periods.sort_by_key(|(i, entry)| (std::cmp::Reverse(length_in_days(entry.when)), *i));
    for (i, entry) in &periods {
        if let When::Period { from, to, at_least } = entry.when {
            let (from, to) = ordered(from, to);
            let letter = letter(*i);
            bar[column(from)..=column(to)].fill(letter);
            if at_least && column(to) + 1 < bar.len() {
                bar[column(to) + 1] = b'>';
            }
        }
    }
    periods.sort_by_key(|(i, _)| *i);
    for (i, entry) in &periods {
        legend.push(format!("{}: {}", char::from(letter(*i)), entry_in_words(entry)));
    }
    // Events by number, so that two are told apart (a decision, then its taking effect).
    for (i, entry) in report.timeline.iter().filter(|e| matches!(e.when, When::On(_))).enumerate() {
        let mark = event_mark(i);
        bar[column(entry.when.start())] = mark;
        legend.push(format!("{}: {}", char::from(mark), entry_in_words(entry)));
    }
    bar[column(report.as_of)] = b'|';
    legend.push(format!("|: you are here, {}", report.as_of.long()));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Timeline: {} [{}] {}",
        year_in_words(span.start.year()),
        String::from_utf8_lossy(&bar),
        year_in_words(span.end.year())
    );
    for line in &legend {
        out.push_str(&wrap(&super::shown(line), "  ", "     "));
    }
    Some(out)
}

/// The mark of the `i`th event: `1` to `9`, then `*`.
fn event_mark(i: usize) -> u8 {
    u8::try_from(i).ok().filter(|i| *i < 9).map_or(b'*', |i| b'1' + i)
}

/// The letter of the `i`th period: `A` to `Z`, then `#`.
fn letter(i: usize) -> u8 {
    u8::try_from(i).ok().filter(|i| *i < 26).map_or(b'#', |i| b'A' + i)
}

fn length_in_days(when: When) -> i64 {
    when.start().days_until(drawn_end(when))
}

/// A year as people write it: `2013`, `45 BC`.
pub(crate) fn year_in_words(year: i32) -> String {
    if year >= 1 { year.to_string() } else { format!("{} BC", 1 - i64::from(year)) }
}
