//! Values the engine computes with: dates, durations and the values of facts.
//!
//! Shared by every stage: the parser reads date and duration literals, the case loader
//! reads fact values, the evaluator computes with them and the report writes them out.

use std::cmp::Ordering;
use std::fmt;

use jiff::civil;

/// A calendar date (no time, no zone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// The date `year-month-day`, or `None` when there is no such day (`2013-02-30`).
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        civil::Date::new(year, month, day).ok().map(Date)
    }

    /// Parses exactly `YYYY-MM-DD`. The error says what is wrong, in words. The fast case
    /// reader calls this for every date of every case: a date that parses costs no
    /// allocation.
    pub fn parse(text: &str) -> Result<Date, String> {
        let Some((year, month, day)) = iso_parts(text) else {
            return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
        };
        if !(1..=12).contains(&month) {
            return Err(format!("`{text}` has no month {month}"));
        }
        Date::new(year, month as i8, day as i8)
            .ok_or_else(|| format!("`{text}` is not a day: {} has no day {day}", month_year(year, month)))
    }

    /// Today's date in UTC, read from the system clock. Only the command line calls this,
    /// and only when neither `--as-of` nor the case's `assessed_on` gives a date.
    pub fn today() -> Date {
        Date(jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
    }

    /// The date `duration` later (month arithmetic keeps the day, clamped to the month's
    /// end: 31 January + 1 month is 28 or 29 February). `None` outside years 1-9999.
    pub fn plus(self, duration: Duration) -> Option<Date> {
        let span = match duration.unit {
            DurationUnit::Days => jiff::Span::new().try_days(duration.amount).ok()?,
            DurationUnit::Weeks => jiff::Span::new().try_weeks(duration.amount).ok()?,
            DurationUnit::Months => jiff::Span::new().try_months(duration.amount).ok()?,
            DurationUnit::Years => jiff::Span::new().try_years(duration.amount).ok()?,
        };
        self.0.checked_add(span).ok().map(Date)
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier): from
    /// 2013-04-01 to 2013-09-01 is 5; to 2013-08-31 is 4.
    pub fn months_until(self, later: Date) -> i64 {
        let (a, b) = (self.0, later.0);
        let mut months =
            (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month());
        if months > 0 && b.day() < a.day() {
            months -= 1;
        } else if months < 0 && b.day() > a.day() {
            months += 1;
        }
        months
    }

    /// `1 October 2014`
    pub fn long(self) -> String {
        let mut text = String::new();
        self.write_long(&mut text);
        text
    }

    /// Appends [`Date::long`]'s text to `out`.
    pub fn write_long(self, out: &mut String) {
        write_integer(out, i64::from(self.0.day()));
        out.push(' ');
        self.write_month_and_year(out);
    }

    /// `October 2014`
    pub fn month_and_year(self) -> String {
        month_year(self.0.year(), i16::from(self.0.month()))
    }

    /// Appends [`Date::month_and_year`]'s text to `out`.
    pub fn write_month_and_year(self, out: &mut String) {
        write_month_year(out, self.0.year(), i16::from(self.0.month()));
    }

    /// Appends the date as ISO 8601, `2013-04-01`, digit by digit: explanations and
    /// reasons write many dates, and `write!` costs several times more.
    /// The same text as `Display`.
    pub fn write_iso(self, out: &mut String) {
        match self.iso_digits() {
            Some(digits) => digits.iter().for_each(|&byte| out.push(char::from(byte))),
            // Arithmetic can reach years before 1: rare, and left to `Display`.
            None => {
                let _ = fmt::Write::write_fmt(out, format_args!("{self}"));
            }
        }
    }

    /// The date as ISO 8601, `2013-04-01`, for years 0 to 9999 (`None` for others).
    pub fn iso_digits(self) -> Option<[u8; 10]> {
        let year = self.0.year();
        if !(0..=9999).contains(&year) {
            return None;
        }
        let digit = |n: i16| b'0' + (n % 10) as u8;
        let (month, day) = (i16::from(self.0.month()), i16::from(self.0.day()));
        Some([
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ])
    }
}

/// The year, month and day of a text shaped exactly `YYYY-MM-DD`, digits where the digits
/// go; not yet checked to be a day.
fn iso_parts(text: &str) -> Option<(i16, i16, i16)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digit = |at: usize| bytes[at].is_ascii_digit().then(|| i16::from(bytes[at] - b'0'));
    let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
    Some((year, digit(5)? * 10 + digit(6)?, digit(8)? * 10 + digit(9)?))
}

fn month_year(year: i16, month: i16) -> String {
    let mut text = String::new();
    write_month_year(&mut text, year, month);
    text
}

/// Appends `October 2014`.
fn write_month_year(out: &mut String, year: i16, month: i16) {
    out.push_str(MONTH_NAMES[(month - 1) as usize]);
    out.push(' ');
    write_integer(out, i64::from(year));
}

impl fmt::Display for Date {
    /// `2013-04-01`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

/// A length of time: `18 months`, `3 years`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    /// How many units (may be negative after subtraction).
    pub amount: i64,
    /// Which unit.
    pub unit: DurationUnit,
}

/// The unit of a [`Duration`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    /// `days`
    Days,
    /// `weeks`
    Weeks,
    /// `months`
    Months,
    /// `years`
    Years,
}

impl DurationUnit {
    /// The unit's plural name, and the singular.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            DurationUnit::Days => ("days", "day"),
            DurationUnit::Weeks => ("weeks", "week"),
            DurationUnit::Months => ("months", "month"),
            DurationUnit::Years => ("years", "year"),
        }
    }

    /// The unit named by `word`, singular or plural.
    pub fn from_word(word: &str) -> Option<DurationUnit> {
        [DurationUnit::Days, DurationUnit::Weeks, DurationUnit::Months, DurationUnit::Years].into_iter().find(
            |unit| {
                let (plural, singular) = unit.names();
                word == plural || word == singular
            },
        )
    }
}

impl Duration {
    /// The duration in the smallest unit it converts to exactly: years and months as
    /// months, weeks and days as days.
    pub fn in_common_unit(self) -> Option<(i64, DurationUnit)> {
        match self.unit {
            DurationUnit::Years => self.amount.checked_mul(12).map(|m| (m, DurationUnit::Months)),
            DurationUnit::Weeks => self.amount.checked_mul(7).map(|d| (d, DurationUnit::Days)),
            unit => Some((self.amount, unit)),
        }
    }
}

impl fmt::Display for Duration {
    /// `18 months`, `1 year`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (plural, singular) = self.unit.names();
        let name = if self.amount.abs() == 1 { singular } else { plural };
        write!(f, "{} {name}", self.amount)
    }
}

/// The value of a fact or of an expression. Absent and `null` facts have no `Value`: they
/// are unknown, which the evaluator represents with `Option<Value>`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A text.
    Text(String),
    /// A value of an enumeration, as its index in the declared list.
    Enum(u32),
    /// A date.
    Date(Date),
    /// A duration.
    Duration(Duration),
    /// A list of text.
    TextList(Vec<String>),
    /// A list of records; each record holds its fields' values by slot.
    Records(Vec<Record>),
}

/// One item of a list of records: the value of each declared field, by slot.
pub type Record = Vec<Option<Value>>;

/// `a + b`, or `a - b` when `minus`: `None` when the result is past the largest number a
/// double holds. Every number the engine reads is finite (cases and rule literals are
/// refused otherwise); keeping sums finite keeps it so, as infinity compares equal to every
/// number within a rounding error, and infinity minus itself (NaN) to everything.
pub fn add_numbers(a: f64, b: f64, minus: bool) -> Option<f64> {
    let sum = if minus { a - b } else { a + b };
    sum.is_finite().then_some(sum)
}

/// Compares two numbers, treating them as equal within a rounding error.
pub fn compare_numbers(a: f64, b: f64) -> Ordering {
    if (a - b).abs() <= f64::EPSILON * a.abs().max(b.abs()).max(1.0) {
        Ordering::Equal
    } else {
        a.partial_cmp(&b).unwrap_or(Ordering::Equal)
    }
}

/// Writes a number as people do: `18`, `2.5`.
pub fn format_number(n: f64) -> String {
    let mut text = String::new();
    write_number(&mut text, n);
    text
}

/// Appends [`format_number`]'s text to `out`.
pub fn write_number(out: &mut String, n: f64) {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        write_integer(out, n as i64);
    } else {
        let _ = fmt::Write::write_fmt(out, format_args!("{n}"));
    }
}

/// Appends `n` in decimal, as `Display` writes it, digit by digit: advice writes many
/// small numbers (item indexes, days, years, counts), and `write!` costs several times
/// more.
pub fn write_integer(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    write_digits(out, n.unsigned_abs());
}

fn write_digits(out: &mut String, n: u64) {
    if n >= 10 {
        write_digits(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("valid date in test")
    }

    fn months(amount: i64) -> Duration {
        Duration { amount, unit: DurationUnit::Months }
    }

    #[test]
    fn writes_iso_dates_as_display_does() {
        let early = date("0001-03-01").plus(Duration { amount: -1000, unit: DurationUnit::Years });
        let dates = [date("2013-04-01"), date("0999-12-31"), date("9999-12-31"), date("0001-01-01")];
        for date in dates.into_iter().chain(early) {
            let mut written = String::new();
            date.write_iso(&mut written);
            assert_eq!(written, date.to_string());
        }
        assert!(early.is_some(), "arithmetic reaches years before 1");
    }

    /// `Date::parse` as it was first written, field by field with `str::parse`: the
    /// digit-by-digit reading must agree with it.
    fn parse_by_fields(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> i16 { text[range].parse().expect("digits") };
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        if !(1..=12).contains(&month) {
            return None;
        }
        Date::new(year, month as i8, day as i8)
    }

    #[test]
    fn reads_dates_as_reading_each_field_does() {
        for text in [
            "2013-04-01",
            "2012-02-29",
            "2013-02-29",
            "0000-01-01",
            "9999-12-31",
            "2013-00-10",
            "2013-13-01",
            "2013-1-01",
            "2013/04/01",
            "2013-04-0a",
            "+013-04-01",
            "2013-04-01 ",
            "",
            "\u{e9}013-04-01",
        ] {
            assert_eq!(Date::parse(text).ok(), parse_by_fields(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_date_reads_as_reading_each_field_does(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9-]{8,11}") {
            proptest::prop_assert_eq!(Date::parse(&text).ok(), parse_by_fields(&text));
        }
    }

    #[test]
    fn parses_only_real_dates() {
        assert_eq!(date("2013-04-01").to_string(), "2013-04-01");
        assert_eq!(
            Date::parse("2013-02-30").unwrap_err(),
            "`2013-02-30` is not a day: February 2013 has no day 30"
        );
        assert_eq!(Date::parse("2013-13-01").unwrap_err(), "`2013-13-01` has no month 13");
        assert_eq!(Date::parse("1/4/2013").unwrap_err(), "`1/4/2013` is not a date in the form YYYY-MM-DD");
        assert!(Date::parse("2012-02-29").is_ok());
        assert!(Date::parse("2013-02-29").is_err());
    }

    #[test]
    fn adds_months_clamping_to_month_end() {
        assert_eq!(date("2013-04-01").plus(months(18)), Some(date("2014-10-01")));
        assert_eq!(date("2013-01-31").plus(months(1)), Some(date("2013-02-28")));
        assert_eq!(date("2013-04-01").plus(months(-3)), Some(date("2013-01-01")));
        let years = Duration { amount: 3, unit: DurationUnit::Years };
        assert_eq!(date("2012-02-29").plus(years), Some(date("2015-02-28")));
        assert_eq!(date("9999-12-01").plus(months(1)), None);
    }

    #[test]
    fn counts_whole_months() {
        assert_eq!(date("2013-04-01").months_until(date("2013-09-01")), 5);
        assert_eq!(date("2013-04-01").months_until(date("2013-08-31")), 4);
        assert_eq!(date("2013-09-01").months_until(date("2013-04-01")), -5);
        assert_eq!(date("2013-09-01").months_until(date("2013-04-02")), -4);
        assert_eq!(date("2013-04-01").months_until(date("2013-04-30")), 0);
    }

    #[test]
    fn writes_dates_and_durations_in_words() {
        assert_eq!(date("2014-10-01").long(), "1 October 2014");
        assert_eq!(date("2014-10-01").month_and_year(), "October 2014");
        assert_eq!(months(18).to_string(), "18 months");
        assert_eq!(Duration { amount: 1, unit: DurationUnit::Years }.to_string(), "1 year");
        assert_eq!(format_number(18.0), "18");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(-3.0), "-3");
        for n in [0, 7, 10, 1234, -1, -45, i64::MAX, i64::MIN] {
            let mut written = String::new();
            write_integer(&mut written, n);
            assert_eq!(written, n.to_string());
        }
    }
}
