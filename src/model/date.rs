//! Dates as users write them: a subset of EDTF (ISO 8601-2), listed in the
//! README's "Dates" section.
//!
//! Every date denotes an interval of time. It is parsed once, at load, into
//! half-open UTC bounds in seconds, `[start, end)`, so that queries and checks
//! compare numbers and never re-parse text:
//!
//! | written                     | bounds                                     |
//! |-----------------------------|--------------------------------------------|
//! | `2024`                      | the whole year                             |
//! | `2024-06`, `2024-06-14`     | the whole month, the whole day             |
//! | `2024-06-14T15:30`          | that minute (`T15:30:05`: that second)     |
//! | `2024-06-14T15:30+03:00`    | that minute at UTC+3 (`Z` is UTC)          |
//! | `2024-06-14?` `2024-06~` `2024-06%` | as without the qualifier (uncertain, approximate, both) |
//! | `2024-06-15/2024-06-16`     | from the start of the first to the end of the second |
//! | `2024-06-15/..`, `../2024`  | open at one end                            |
//!
//! A time without an offset, and every date without a time, is read in a
//! [`Zone`]: a fixed offset or a zone of the tz database (`Europe/Zurich`),
//! whose offset on that day decides (summer time included). The KB's zone
//! is UTC unless the settings say otherwise; a story file or an event may
//! name its own.
//!
//! "A before B" is *certain* only when A ends before B starts and neither date
//! carries a qualifier; checks use certainty, so precision never raises a
//! false alarm.

use std::cmp::Ordering;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};

/// Where a date without an offset is read: a fixed offset from UTC, or a
/// zone of the tz database, whose offset may change with the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Seconds east of UTC.
    Fixed(i32),
    Named(chrono_tz::Tz),
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::Fixed(0)
    }
}

impl From<i32> for Zone {
    fn from(offset: i32) -> Zone {
        Zone::Fixed(offset)
    }
}

impl Zone {
    /// Reads `UTC`, a fixed offset (`+03:00`) or a tz database name
    /// (`Europe/Kyiv`, exactly as the database spells it).
    ///
    /// ```
    /// use annals::model::Zone;
    /// assert_eq!(Zone::parse("+03:00"), Some(Zone::Fixed(10_800)));
    /// assert!(matches!(Zone::parse("Europe/Zurich"), Some(Zone::Named(_))));
    /// assert_eq!(Zone::parse("Mars/Olympus"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Zone> {
        parse_utc_offset(text)
            .map(Zone::Fixed)
            .or_else(|| text.parse::<chrono_tz::Tz>().ok().map(Zone::Named))
    }

    /// What to write instead of a zone annals does not know: the closest tz
    /// database names, or the forms it accepts.
    pub fn help_for(written: &str) -> String {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
        crate::suggest::did_you_mean(&crate::suggest::closest(written, names)).unwrap_or_else(|| {
            "write `UTC`, a fixed offset such as `+03:00`, or a tz database name such as `Europe/Kyiv`"
                .into()
        })
    }

    /// Seconds east of UTC in effect at the wall-clock time `local` (given
    /// as seconds since the epoch read as if it were UTC). A wall time that
    /// a summer-time change skips reads with the offset before the change.
    pub fn offset_at_local(self, local: Instant) -> i32 {
        // The offset at the instant the wall time would be with the offset
        // in effect then: two steps settle it.
        let first = self.offset_at(local);
        self.offset_at(local - i64::from(first))
    }

    /// Seconds east of UTC in effect at the instant `utc`.
    pub fn offset_at(self, utc: Instant) -> i32 {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Named(tz) => chrono::DateTime::from_timestamp(utc, 0).map_or(0, |t| {
                tz.offset_from_utc_datetime(&t.naive_utc())
                    .fix()
                    .local_minus_utc()
            }),
        }
    }

    /// The wall-clock time at the instant `utc`, as seconds since the epoch
    /// read as if it were UTC (what [`Zone::offset_at_local`] takes).
    pub fn to_local(self, utc: Instant) -> Instant {
        utc + i64::from(self.offset_at(utc))
    }

    /// The instant of the wall-clock time `local`.
    pub fn from_local(self, local: Instant) -> Instant {
        local - i64::from(self.offset_at_local(local))
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Fixed(0) => f.write_str("UTC"),
            Zone::Fixed(o) => {
                let sign = if *o < 0 { '-' } else { '+' };
                let a = o.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
            }
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

/// Seconds since 1970-01-01T00:00:00Z.
pub type Instant = i64;

/// How precisely a point in time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
    Minute,
    Second,
}

/// Half-open bounds `[start, end)` in seconds since the Unix epoch, UTC.
/// An open end is `Instant::MIN` or `Instant::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bounds {
    pub start: Instant,
    pub end: Instant,
}

impl Bounds {
    /// Whether the two intervals share at least one instant.
    pub fn overlaps(&self, other: &Bounds) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies entirely within `self`.
    pub fn contains(&self, other: &Bounds) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One point of a date: a year, month, day or time, with its qualifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
    /// Hour, minute, optional second, optional UTC offset in seconds.
    pub time: Option<(u32, u32, Option<u32>, Option<i32>)>,
    pub uncertain: bool,
    pub approximate: bool,
}

impl Point {
    pub fn precision(&self) -> Precision {
        match (&self.time, self.day, self.month) {
            (Some((_, _, Some(_), _)), _, _) => Precision::Second,
            (Some(_), _, _) => Precision::Minute,
            (None, Some(_), _) => Precision::Day,
            (None, None, Some(_)) => Precision::Month,
            (None, None, None) => Precision::Year,
        }
    }

    /// The calendar date as written, at its own precision (`2024`,
    /// `2024-06`, `2024-06-14`), for a point without a time: the same day
    /// in every zone.
    pub fn calendar(&self) -> Option<String> {
        if self.time.is_some() {
            return None;
        }
        let year = if self.year < 0 {
            format!("-{:04}", -i64::from(self.year))
        } else {
            format!("{:04}", self.year)
        };
        Some(match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{year}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{year}-{m:02}"),
            _ => year,
        })
    }

    /// The instants this point covers, reading it in `zone` where it
    /// carries no offset of its own.
    fn bounds(&self, zone: Zone) -> Bounds {
        let month = self.month.unwrap_or(1);
        let day = self.day.unwrap_or(1);
        // Validated at parse time, so these constructions cannot fail; fall
        // back to the epoch rather than panic if they ever did.
        let date = NaiveDate::from_ymd_opt(self.year, month, day).unwrap_or_default();
        let (start, end) = match self.time {
            Some((h, m, s, _)) => {
                let t = NaiveTime::from_hms_opt(h, m, s.unwrap_or(0)).unwrap_or_default();
                let start = NaiveDateTime::new(date, t).and_utc().timestamp();
                let len = if s.is_some() { 1 } else { 60 };
                (start, start + len)
            }
            None => {
                let start = date.and_time(NaiveTime::MIN).and_utc().timestamp();
                let next = match (self.month, self.day) {
                    (Some(_), Some(_)) => date.succ_opt(),
                    (Some(_), None) => date.checked_add_months(chrono::Months::new(1)),
                    _ => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
                };
                let end = next.map_or(Instant::MAX, |d| {
                    d.and_time(NaiveTime::MIN).and_utc().timestamp()
                });
                (start, end)
            }
        };
        let written = self.time.and_then(|(_, _, _, o)| o);
        let offset =
            |local: Instant| i64::from(written.unwrap_or_else(|| zone.offset_at_local(local)));
        Bounds {
            start: start - offset(start),
            end: if end == Instant::MAX {
                end
            } else {
                end.saturating_sub(offset(end))
            },
        }
    }
}

/// Why a date string is not a date, and where in the string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
    /// Byte offset in the date text where the problem is.
    pub offset: usize,
}

/// A date or interval as written in the KB, with its computed bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    text: String,
    start: Option<Point>,
    end: Option<Point>,
    interval: bool,
    bounds: Bounds,
}

impl Date {
    /// Parses `text`, reading times without an offset, and days, in `zone`
    /// (a [`Zone`], or seconds east of UTC).
    ///
    /// ```
    /// use annals::model::Date;
    /// let d = Date::parse("2024-06-15/2024-06-16", 0).unwrap();
    /// assert!(d.is_interval());
    /// assert_eq!(d.bounds().end - d.bounds().start, 2 * 86_400);
    /// assert!(Date::parse("2024-02-30", 0).is_err());
    /// ```
    pub fn parse(text: &str, zone: impl Into<Zone>) -> Result<Date, DateError> {
        let zone = zone.into();
        let (start, end, interval) = match text.find('/') {
            Some(slash) => {
                let (a, b) = (&text[..slash], &text[slash + 1..]);
                let start = parse_end(a, 0)?;
                let end = parse_end(b, slash + 1)?;
                if start.is_none() && end.is_none() {
                    return Err(DateError {
                        message: "an interval needs at least one known end".into(),
                        offset: 0,
                    });
                }
                (start, end, true)
            }
            None => (Some(parse_point(text, 0)?), None, false),
        };
        let first = start.as_ref().map(|p| p.bounds(zone));
        let last = if interval {
            end.as_ref().map(|p| p.bounds(zone))
        } else {
            first
        };
        let bounds = Bounds {
            start: first.map_or(Instant::MIN, |b| b.start),
            end: last.map_or(Instant::MAX, |b| b.end),
        };
        Ok(Date {
            text: text.to_owned(),
            start,
            end,
            interval,
            bounds,
        })
    }

    /// The point it starts at (`None` for an open start).
    pub fn first(&self) -> Option<&Point> {
        self.start.as_ref()
    }

    /// The point it ends at: the second of an interval (`None` when open),
    /// else the date's only point.
    pub fn last(&self) -> Option<&Point> {
        if self.interval {
            self.end.as_ref()
        } else {
            self.start.as_ref()
        }
    }

    /// The date exactly as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    pub fn is_interval(&self) -> bool {
        self.interval
    }

    /// The finest precision among the written points.
    pub fn precision(&self) -> Precision {
        self.points()
            .map(Point::precision)
            .max()
            .unwrap_or(Precision::Year)
    }

    fn points(&self) -> impl Iterator<Item = &Point> {
        self.start.iter().chain(self.end.iter())
    }

    /// Whether any point is marked uncertain (`?`) or approximate (`~`, `%`).
    pub fn is_qualified(&self) -> bool {
        self.points().any(|p| p.uncertain || p.approximate)
    }

    pub fn is_uncertain(&self) -> bool {
        self.points().any(|p| p.uncertain)
    }

    pub fn is_approximate(&self) -> bool {
        self.points().any(|p| p.approximate)
    }

    /// For an interval: whether its end lies entirely before its start.
    pub fn is_reversed(&self, zone: impl Into<Zone>) -> bool {
        let zone = zone.into();
        match (&self.start, &self.end) {
            (Some(a), Some(b)) => b.bounds(zone).end <= a.bounds(zone).start,
            _ => false,
        }
    }

    /// Whether `self` certainly ends before `other` starts: their bounds do
    /// not touch and neither is qualified as uncertain or approximate.
    ///
    /// ```
    /// use annals::model::Date;
    /// let june = Date::parse("2024-06", 0).unwrap();
    /// let day = Date::parse("2024-06-14", 0).unwrap();
    /// let july = Date::parse("2024-07-01", 0).unwrap();
    /// assert!(!june.certainly_before(&day)); // only possibly
    /// assert!(june.certainly_before(&july));
    /// ```
    pub fn certainly_before(&self, other: &Date) -> bool {
        !self.is_qualified() && !other.is_qualified() && self.bounds.end <= other.bounds.start
    }

    /// Whether `self` might be before `other` (some instant of it precedes
    /// some instant of the other).
    pub fn possibly_before(&self, other: &Date) -> bool {
        self.bounds.start < other.bounds.end
    }

    /// The KB's total order: earliest instant, then latest. Callers break
    /// the remaining ties by id.
    pub fn order(&self, other: &Date) -> Ordering {
        (self.bounds.start, self.bounds.end).cmp(&(other.bounds.start, other.bounds.end))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    /// Parses with times read in UTC.
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s, 0)
    }
}

/// Parses a UTC offset setting: `UTC`, `Z`, `+03:00`, `-05:30`, `+0300`.
/// Returns seconds east of UTC.
pub fn parse_utc_offset(text: &str) -> Option<i32> {
    if text.eq_ignore_ascii_case("utc") || text == "Z" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = match rest.len() {
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        4 => (&rest[..2], &rest[2..]),
        2 => (rest, "00"),
        _ => return None,
    };
    let h: i32 = digits(h)?;
    let m: i32 = digits(m)?;
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn err(message: impl Into<String>, offset: usize) -> DateError {
    DateError {
        message: message.into(),
        offset,
    }
}

/// One end of an interval: a point, or `..` for an open end.
fn parse_end(text: &str, base: usize) -> Result<Option<Point>, DateError> {
    match text {
        ".." => Ok(None),
        "" => Err(err(
            "an interval end is empty; write `..` for an open end",
            base,
        )),
        _ => parse_point(text, base).map(Some),
    }
}

/// A small cursor over a point's text; `base` is its offset in the date.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    base: usize,
}

impl Cursor<'_> {
    fn at(&self) -> usize {
        self.base + self.pos
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` ASCII digits, not followed by another digit.
    fn number(&mut self, n: usize, what: &str) -> Result<u32, DateError> {
        self.digits(n, what, true)
    }

    /// `n` ASCII digits; with `whole`, the run of digits must end there.
    fn digits(&mut self, n: usize, what: &str, whole: bool) -> Result<u32, DateError> {
        let start = self.pos;
        let run = self.text.as_bytes()[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run < n || (whole && run != n) {
            let found = if run == 0 {
                "none".to_string()
            } else {
                run.to_string()
            };
            return Err(err(
                format!("expected {n} digits for the {what}, found {found}"),
                self.at(),
            ));
        }
        self.pos += n;
        digits(&self.text[start..start + n]).ok_or_else(|| err("not a number", self.base + start))
    }
}

const FORMS: &str = "write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][Z|±hh:mm], \
optionally followed by ?, ~ or %, or an interval A/B with `..` for an open end";

fn parse_point(text: &str, base: usize) -> Result<Point, DateError> {
    let mut c = Cursor { text, pos: 0, base };
    let year = c.number(4, "year").map_err(|mut e| {
        e.message = format!("{}; {FORMS}", e.message);
        e
    })? as i32;
    let mut point = Point {
        year,
        month: None,
        day: None,
        time: None,
        uncertain: false,
        approximate: false,
    };
    if c.eat(b'-') {
        let at = c.at();
        let month = c.number(2, "month")?;
        if !(1..=12).contains(&month) {
            return Err(err(format!("month {month:02} does not exist"), at));
        }
        point.month = Some(month);
        if c.eat(b'-') {
            let at = c.at();
            let day = c.number(2, "day")?;
            if NaiveDate::from_ymd_opt(year, month, day).is_none() {
                return Err(err(
                    format!("day {day:02} does not exist in {year:04}-{month:02}"),
                    at,
                ));
            }
            point.day = Some(day);
            if c.eat(b'T') {
                point.time = Some(parse_time(&mut c)?);
            }
        }
    }
    match c.peek() {
        Some(b'?') => point.uncertain = true,
        Some(b'~') => point.approximate = true,
        Some(b'%') => {
            point.uncertain = true;
            point.approximate = true;
        }
        _ => {}
    }
    if point.uncertain || point.approximate {
        c.pos += 1;
    }
    if c.pos < text.len() {
        let rest = &text[c.pos..];
        return Err(err(
            format!("unexpected `{rest}` after the date; {FORMS}"),
            c.at(),
        ));
    }
    Ok(point)
}

fn parse_time(c: &mut Cursor<'_>) -> Result<(u32, u32, Option<u32>, Option<i32>), DateError> {
    let at = c.at();
    let h = c.number(2, "hour")?;
    if !c.eat(b':') {
        return Err(err("expected `:` between hour and minute", c.at()));
    }
    let m = c.number(2, "minute")?;
    let s = if c.eat(b':') {
        Some(c.number(2, "second")?)
    } else {
        None
    };
    if h > 23 || m > 59 || s.is_some_and(|s| s > 59) {
        return Err(err("time out of range (00:00 to 23:59:59)", at));
    }
    let offset = match c.peek() {
        Some(b'Z') => {
            c.pos += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            let at = c.at();
            c.pos += 1;
            // `+0300` runs hours and minutes together.
            let oh = c.digits(2, "offset hours", false)?;
            c.eat(b':');
            let om = c.number(2, "offset minutes")?;
            if oh > 14 || om > 59 {
                return Err(err("UTC offset out of range (-14:00 to +14:00)", at));
            }
            let secs = (oh * 3600 + om * 60) as i32;
            Some(if sign == b'-' { -secs } else { secs })
        }
        _ => None,
    };
    Ok((h, m, s, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s, 0).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn ts(s: &str) -> Instant {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn every_written_form_parses_to_its_interval() {
        let cases = [
            ("2024", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
            ("2024-06", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"),
            ("2024-12", "2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z"),
            ("2024-06-14", "2024-06-14T00:00:00Z", "2024-06-15T00:00:00Z"),
            (
                "2024-06-14T15:30",
                "2024-06-14T15:30:00Z",
                "2024-06-14T15:31:00Z",
            ),
            (
                "2024-06-14T15:30:05",
                "2024-06-14T15:30:05Z",
                "2024-06-14T15:30:06Z",
            ),
            (
                "2024-06-14T15:30:00+03:00",
                "2024-06-14T12:30:00Z",
                "2024-06-14T12:30:01Z",
            ),
            (
                "2024-06-14T15:30+03:00",
                "2024-06-14T12:30:00Z",
                "2024-06-14T12:31:00Z",
            ),
            (
                "2024-06-14T12:30Z",
                "2024-06-14T12:30:00Z",
                "2024-06-14T12:31:00Z",
            ),
            (
                "2024-06-14T12:30-0500",
                "2024-06-14T17:30:00Z",
                "2024-06-14T17:31:00Z",
            ),
            (
                "2024-06-14?",
                "2024-06-14T00:00:00Z",
                "2024-06-15T00:00:00Z",
            ),
            ("2024-06~", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"),
            ("2024-06%", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"),
            (
                "2024-06-15/2024-06-16",
                "2024-06-15T00:00:00Z",
                "2024-06-17T00:00:00Z",
            ),
        ];
        for (text, start, end) in cases {
            let b = d(text).bounds();
            assert_eq!((b.start, b.end), (ts(start), ts(end)), "{text}");
            assert_eq!(d(text).as_str(), text);
        }
    }

    #[test]
    fn open_intervals_reach_to_the_end_of_time() {
        assert_eq!(d("2024-06-15/..").bounds().end, Instant::MAX);
        assert_eq!(
            d("2024-06-15/..").bounds().start,
            ts("2024-06-15T00:00:00Z")
        );
        assert_eq!(d("../2024").bounds().start, Instant::MIN);
        assert_eq!(d("../2024").bounds().end, ts("2025-01-01T00:00:00Z"));
        assert!(Date::parse("../..", 0).is_err());
    }

    #[test]
    fn the_default_offset_applies_only_where_none_is_written() {
        let kyiv = 3 * 3600;
        let day = Date::parse("2024-06-14", kyiv).unwrap().bounds();
        assert_eq!(day.start, ts("2024-06-13T21:00:00Z"));
        let explicit = Date::parse("2024-06-14T10:00Z", kyiv).unwrap().bounds();
        assert_eq!(explicit.start, ts("2024-06-14T10:00:00Z"));
    }

    #[test]
    fn impossible_dates_are_rejected_with_the_offending_position() {
        let cases = [
            ("2024-02-30", 8, "day 30 does not exist in 2024-02"),
            ("2023-02-29", 8, "day 29 does not exist"),
            ("2024-13", 5, "month 13 does not exist"),
            ("0000-00-00", 5, "month 00 does not exist"),
            ("99999", 0, "expected 4 digits for the year, found 5"),
            ("24-06-14", 0, "expected 4 digits for the year"),
            ("2024-6-14", 5, "expected 2 digits for the month, found 1"),
            ("2024-06-14T25:00", 11, "time out of range"),
            ("2024-06-14T15", 13, "expected `:`"),
            ("2024-06-14 15:30", 10, "unexpected ` 15:30`"),
            ("2024-06-14T15:30+15:00", 16, "UTC offset out of range"),
            ("June 2024", 0, "expected 4 digits for the year, found none"),
            ("", 0, "expected 4 digits"),
            ("2024-06-15/", 11, "write `..` for an open end"),
            ("2024-06-15/2024-06-3x", 19, "expected 2 digits for the day"),
            ("2024??", 5, "unexpected `?`"),
        ];
        for (text, offset, message) in cases {
            let e = Date::parse(text, 0).expect_err(text);
            assert!(e.message.contains(message), "{text}: {}", e.message);
            assert_eq!(e.offset, offset, "{text}: {}", e.message);
        }
    }

    #[test]
    fn a_leap_day_exists_in_leap_years() {
        assert!(Date::parse("2024-02-29", 0).is_ok());
        assert!(Date::parse("2000-02-29", 0).is_ok());
        assert!(Date::parse("1900-02-29", 0).is_err());
    }

    #[test]
    fn reversed_intervals_are_detected_but_overlapping_ones_are_not() {
        assert!(d("2024-06-16/2024-06-15").is_reversed(0));
        assert!(!d("2024-06-15/2024-06-16").is_reversed(0));
        assert!(!d("2024-06/2024-06-10").is_reversed(0));
        assert!(!d("2024-06-14/2024-06-14").is_reversed(0));
    }

    #[test]
    fn before_is_certain_only_when_intervals_do_not_touch() {
        assert!(d("2024-06-13").certainly_before(&d("2024-06-14")));
        assert!(!d("2024-06-14").certainly_before(&d("2024-06-14")));
        assert!(!d("2024-06").certainly_before(&d("2024-06-14")));
        assert!(!d("2024-06-14").certainly_before(&d("2024-06")));
        assert!(d("2024-06-14T10:00").certainly_before(&d("2024-06-14T10:01")));
        assert!(!d("2024-06-14T10:00").certainly_before(&d("2024-06-14")));
        assert!(d("2024-06-14").possibly_before(&d("2024-06")));
        assert!(!d("2024-07").possibly_before(&d("2024-06")));
    }

    #[test]
    fn qualified_dates_are_never_certainly_ordered() {
        assert!(!d("2024-06-13?").certainly_before(&d("2024-06-14")));
        assert!(!d("2024-06-13").certainly_before(&d("2024-06-14~")));
        assert!(d("2024-06-14?").is_uncertain() && !d("2024-06-14?").is_approximate());
        assert!(d("2024-06%").is_uncertain() && d("2024-06%").is_approximate());
    }

    #[test]
    fn order_is_by_earliest_then_latest() {
        let mut dates = [
            d("2024-06-14"),
            d("2024-06"),
            d("2024-06-14T09:00"),
            d("2024"),
        ];
        dates.sort_by(Date::order);
        let texts: Vec<_> = dates.iter().map(Date::as_str).collect();
        assert_eq!(texts, ["2024", "2024-06", "2024-06-14", "2024-06-14T09:00"]);
    }

    #[test]
    fn precision_is_the_finest_written() {
        assert_eq!(d("2024").precision(), Precision::Year);
        assert_eq!(d("2024-06~").precision(), Precision::Month);
        assert_eq!(d("2024-06-15/2024-06-16").precision(), Precision::Day);
        assert_eq!(d("2024-06-14T15:30Z").precision(), Precision::Minute);
        assert_eq!(d("2024-06-14T15:30:01Z").precision(), Precision::Second);
    }

    #[test]
    fn days_in_a_named_zone_follow_its_summer_time() {
        let zurich = Zone::parse("Europe/Zurich").expect("a tz database name");
        let day = |text: &str| Date::parse(text, zurich).expect("a date").bounds();
        // A winter day starts at 23:00 UTC the day before, a summer day at
        // 22:00; the day summer time begins has 23 hours, the day it ends 25.
        assert_eq!(day("2024-01-15").start, ts("2024-01-14T23:00:00Z"));
        assert_eq!(day("2024-06-15").start, ts("2024-06-14T22:00:00Z"));
        let (spring, autumn) = (day("2024-03-31"), day("2024-10-27"));
        assert_eq!(spring.end - spring.start, 23 * 3600);
        assert_eq!(autumn.end - autumn.start, 25 * 3600);
        // A time with its own offset ignores the zone; one without reads in it.
        assert_eq!(
            day("2024-06-15T00:30+02:00").start,
            ts("2024-06-14T22:30:00Z")
        );
        assert_eq!(day("2024-06-15T00:30").start, ts("2024-06-14T22:30:00Z"));
        // A wall time that the spring change skips reads with winter's offset.
        assert_eq!(day("2024-03-31T02:30").start, ts("2024-03-31T01:30:00Z"));
        // Open ends stay open; years far from today still read.
        assert_eq!(day("2024-06-15/..").end, Instant::MAX);
        assert!(day("1200").start < day("1201").start);
        assert_eq!(zurich.to_string(), "Europe/Zurich");
        assert_eq!(Zone::Fixed(-19_800).to_string(), "-05:30");
    }

    #[test]
    fn utc_offsets_in_settings() {
        assert_eq!(parse_utc_offset("UTC"), Some(0));
        assert_eq!(parse_utc_offset("+03:00"), Some(10800));
        assert_eq!(parse_utc_offset("-05:30"), Some(-19800));
        assert_eq!(parse_utc_offset("+0300"), Some(10800));
        assert_eq!(parse_utc_offset("Europe/Kyiv"), None);
        assert_eq!(parse_utc_offset("+25:00"), None);
    }
}
