//! Values the engine computes with: dates, durations and the values of facts.
//!
//! Shared by every stage: the parser reads date and duration literals, the case loader
//! reads fact values, the evaluator computes with them and the report writes them out.

use std::cmp::Ordering;
use std::fmt;

/// A calendar date (no time, no zone), in the Gregorian calendar carried back and forward
/// without end.
///
/// Rule files and cases give dates of the years 1 to 9999, but arithmetic may pass either
/// end: `9999-06-01 + 18 months` is 1 December 10000. Such a date is kept exactly, so it is
/// after (or before) every date a file can give, and ordered among others past the end by
/// its place in the calendar. (A date that could not be held made a test of it unknown
/// with every fact known, and the advice resting on it went missing without a question.)
/// Years are counted as ISO 8601 counts them: the year 0 is 1 BC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // In this order, so that the derived ordering is the calendar's.
    year: i32,
    month: u8,
    day: u8,
}

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

/// Whether `year` has a 29 February.
fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1 to 12) in `year`.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date (negative before it), for any year: H. Hinnant's
/// `days_from_civil`, which counts in eras of 400 years (146,097 days each).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    // Months from March, so that 29 February ends the counting year.
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The year, month and day `days` after 1970-01-01: the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The most days a date may move in one step: far more than any rule can add (a duration
/// is at most a million years, and sums are nested at most 50 deep), and small enough that
/// no arithmetic on a day count overflows.
const MAX_DAYS: i64 = 1 << 40;

impl Date {
    /// The date `year-month-day`, or `None` when there is no such day (`2013-02-30`).
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        Date::from_parts(i64::from(year), i64::from(month), i64::from(day))
    }

    /// As [`Date::new`], for any year a date can hold.
    fn from_parts(year: i64, month: i64, day: i64) -> Option<Date> {
        let real = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
        // A real month and day fit a byte; the conversions fail only when `real` is false.
        let (year, month, day) =
            (i32::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?);
        real.then_some(Date { year, month, day })
    }

    /// Days from 1970-01-01.
    fn days(self) -> i64 {
        days_from_civil(i64::from(self.year), i64::from(self.month), i64::from(self.day))
    }

    /// The date `days` after 1970-01-01, if its year can be held.
    fn from_days(days: i64) -> Option<Date> {
        let (year, month, day) = civil_from_days(days);
        Date::from_parts(year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD`, of a year from 0001 to 9999. The error says what is
    /// wrong, in words. The fast case
    /// reader calls this for every date of every case: a date that parses costs no
    /// allocation.
    pub fn parse(text: &str) -> Result<Date, String> {
        let Some((year, month, day)) = iso_parts(text) else {
            return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
        };
        // Files and cases give the years 1 to 9999; the year 0 (1 BC) only arithmetic reaches.
        if year == 0 {
            return Err(format!("`{text}` has no year 0000: the years start at 0001"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("`{text}` has no month {month}"));
        }
        Date::from_parts(i64::from(year), i64::from(month), i64::from(day))
            .ok_or_else(|| format!("`{text}` is not a day: {} has no day {day}", month_year(year, month)))
    }

    /// Today's date in UTC, read from the system clock. Only the command line calls this,
    /// and only when neither `--as-of` nor the case's `assessed_on` gives a date.
    pub fn today() -> Date {
        let today = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        let (year, month, day) = (i64::from(today.year()), i64::from(today.month()), i64::from(today.day()));
        Date::from_parts(year, month, day).unwrap_or(Date { year: 1970, month: 1, day: 1 })
    }

    /// The date `duration` later (month arithmetic keeps the day, clamped to the month's
    /// end: 31 January + 1 month is 28 or 29 February). Past either end of the years 1 to
    /// 9999 as readily as within them; `None` only for a year of more than nine digits,
    /// which no rule reaches.
    pub fn plus(self, duration: Duration) -> Option<Date> {
        let amount = duration.amount;
        match duration.unit {
            DurationUnit::Days => self.plus_days(amount),
            DurationUnit::Weeks => self.plus_days(amount.checked_mul(7)?),
            DurationUnit::Months => self.plus_months(amount),
            DurationUnit::Years => self.plus_months(amount.checked_mul(12)?),
        }
    }

    fn plus_days(self, days: i64) -> Option<Date> {
        if days.abs() > MAX_DAYS {
            return None;
        }
        Date::from_days(self.days() + days)
    }

    fn plus_months(self, months: i64) -> Option<Date> {
        if months.abs() > MAX_DAYS {
            return None;
        }
        let from_year_0 = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let (year, month) = (from_year_0.div_euclid(12), from_year_0.rem_euclid(12) + 1);
        let day = i64::from(self.day).min(days_in_month(year, month));
        Date::from_parts(year, month, day)
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier): from
    /// 2013-04-01 to 2013-09-01 is 5; to 2013-08-31 is 4.
    pub fn months_until(self, later: Date) -> i64 {
        let (a, b) = (self, later);
        let mut months =
            (i64::from(b.year) - i64::from(a.year)) * 12 + i64::from(b.month) - i64::from(a.month);
        if months > 0 && b.day < a.day {
            months -= 1;
        } else if months < 0 && b.day > a.day {
            months += 1;
        }
        months
    }

    /// Days from `self` to `later` (negative when `later` is earlier): from 2013-04-01 to
    /// 2013-09-01 is 153. For drawing dates on a line, as the report's timeline does.
    pub fn days_until(self, later: Date) -> i64 {
        later.days() - self.days()
    }

    /// The year, as ISO 8601 counts it (0 is 1 BC).
    pub fn year(self) -> i32 {
        self.year
    }

    /// `1 October 2014`
    pub fn long(self) -> String {
        let mut text = String::new();
        self.write_long(&mut text);
        text
    }

    /// Appends [`Date::long`]'s text to `out`.
    pub fn write_long(self, out: &mut String) {
        write_integer(out, i64::from(self.day));
        out.push(' ');
        self.write_month_and_year(out);
    }

    /// `October 2014`
    pub fn month_and_year(self) -> String {
        month_year(i64::from(self.year), self.month)
    }

    /// Appends [`Date::month_and_year`]'s text to `out`.
    pub fn write_month_and_year(self, out: &mut String) {
        write_month_year(out, i64::from(self.year), self.month);
    }

    /// Appends the date as ISO 8601, `2013-04-01`, digit by digit: explanations and
    /// reasons write many dates, and `write!` costs several times more.
    /// The same text as `Display`.
    pub fn write_iso(self, out: &mut String) {
        match self.iso_digits() {
            Some(digits) => digits.iter().for_each(|&byte| out.push(char::from(byte))),
            // Arithmetic can reach years past either end: rare, and left to `Display`.
            None => {
                let _ = fmt::Write::write_fmt(out, format_args!("{self}"));
            }
        }
    }

    /// The date as ISO 8601, `2013-04-01`, for years 0 to 9999 (`None` for others).
    pub fn iso_digits(self) -> Option<[u8; 10]> {
        let year = u32::try_from(self.year).ok().filter(|year| *year <= 9999)?;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let (month, day) = (u32::from(self.month), u32::from(self.day));
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
fn iso_parts(text: &str) -> Option<(i16, u8, u8)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digit = |at: usize| bytes[at].is_ascii_digit().then(|| bytes[at] - b'0');
    let year =
        [digit(0)?, digit(1)?, digit(2)?, digit(3)?].into_iter().fold(0, |year, d| year * 10 + i16::from(d));
    Some((year, digit(5)? * 10 + digit(6)?, digit(8)? * 10 + digit(9)?))
}

fn month_year(year: impl Into<i64>, month: u8) -> String {
    let mut text = String::new();
    write_month_year(&mut text, year.into(), month);
    text
}

/// Appends `October 2014`; a year before 1 as people write it, `March 45 BC`.
fn write_month_year(out: &mut String, year: i64, month: u8) {
    out.push_str(MONTH_NAMES[usize::from(month) - 1]);
    out.push(' ');
    if year >= 1 {
        write_integer(out, year);
    } else {
        write_integer(out, 1 - year);
        out.push_str(" BC");
    }
}

impl fmt::Display for Date {
    /// `2013-04-01`; a year before 0 with its sign, `-0044-03-15`, and one after 9999 with
    /// all its digits, `10000-12-01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.year < 0 { "-" } else { "" };
        write!(f, "{sign}{:04}-{:02}-{:02}", self.year.unsigned_abs(), self.month, self.day)
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
        // A whole number of magnitude below 10^15 converts to `i64` exactly.
        #[allow(clippy::cast_possible_truncation)]
        let whole = n as i64;
        write_integer(out, whole);
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
        let year: i16 = text[0..4].parse().expect("digits");
        let (month, day): (i8, i8) =
            (text[5..7].parse().expect("digits"), text[8..10].parse().expect("digits"));
        if year == 0 || !(1..=12).contains(&month) {
            return None;
        }
        Date::new(year, month, day)
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
        assert_eq!(
            Date::parse("0000-01-01").unwrap_err(),
            "`0000-01-01` has no year 0000: the years start at 0001"
        );
        assert!(Date::parse("0001-01-01").is_ok());
    }

    #[test]
    fn adds_months_clamping_to_month_end() {
        assert_eq!(date("2013-04-01").plus(months(18)), Some(date("2014-10-01")));
        assert_eq!(date("2013-01-31").plus(months(1)), Some(date("2013-02-28")));
        assert_eq!(date("2013-04-01").plus(months(-3)), Some(date("2013-01-01")));
        let three_years = Duration { amount: 3, unit: DurationUnit::Years };
        assert_eq!(date("2012-02-29").plus(three_years), Some(date("2015-02-28")));
        // Past the end of the years files give, exactly.
        assert_eq!(date("9999-12-01").plus(months(1)).map(|d| d.to_string()).as_deref(), Some("10000-01-01"));
        assert_eq!(date("0001-01-01").plus(days(-1)).map(|d| d.to_string()).as_deref(), Some("0000-12-31"));
        assert_eq!(
            date("0001-01-01").plus(years(-45)).map(|d| d.to_string()).as_deref(),
            Some("-0044-01-01")
        );
        assert!(date("9999-12-31").plus(days(1)) > Some(date("9999-12-31")));
        assert_eq!(
            date("9999-06-01").plus(years(1_000_000)).map(Date::month_and_year).as_deref(),
            Some("June 1009999")
        );
        // A step past any a rule can take is refused, not wrapped round.
        assert_eq!(date("2013-04-01").plus(days(i64::MAX)), None);
        assert_eq!(date("2013-04-01").plus(years(i64::MIN)), None);
    }

    #[test]
    fn writes_years_before_1_as_bc() {
        let before = date("0001-03-01").plus(years(-45)).expect("a date");
        assert_eq!(before.long(), "1 March 45 BC");
        assert_eq!(date("0001-03-01").plus(years(-1)).expect("a date").month_and_year(), "March 1 BC");
    }

    fn days(amount: i64) -> Duration {
        Duration { amount, unit: DurationUnit::Days }
    }

    fn years(amount: i64) -> Duration {
        Duration { amount, unit: DurationUnit::Years }
    }

    proptest::proptest! {
        /// Within the years 1 to 9999, arithmetic gives the dates `jiff` gives.
        #[test]
        fn arithmetic_agrees_with_jiff(
            year in 1i16..=9999, month in 1i8..=12, day in 1i8..=31,
            amount in -4_000_000i64..4_000_000, unit in 0..4usize,
        ) {
            let Ok(theirs) = jiff::civil::Date::new(year, month, day) else { return Ok(()) };
            let ours = Date::new(year, month, day).expect("the same days are real");
            let unit = [DurationUnit::Days, DurationUnit::Weeks, DurationUnit::Months, DurationUnit::Years][unit];
            let span = match unit {
                DurationUnit::Days => jiff::Span::new().try_days(amount),
                DurationUnit::Weeks => jiff::Span::new().try_weeks(amount),
                DurationUnit::Months => jiff::Span::new().try_months(amount),
                DurationUnit::Years => jiff::Span::new().try_years(amount),
            };
            let Ok(span) = span else { return Ok(()) };
            let Ok(later) = theirs.checked_add(span) else { return Ok(()) };
            let ours = ours.plus(Duration { amount, unit }).expect("a date");
            if (0..=9999).contains(&later.year()) {
                proptest::prop_assert_eq!(ours.to_string(), later.to_string());
            }
            let back = Date::new(later.year(), later.month(), later.day()).expect("real");
            proptest::prop_assert_eq!(ours, back);
        }
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
