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

use chrono::{Offset, TimeZone};

/// Where a date without an offset is read: a fixed offset from UTC, or a
/// zone of the tz database, whose offset may change with the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "ZoneName", try_from = "ZoneName")]
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

/// How a [`Zone`] is stored (annals' cache): a tz database zone by its
/// name, so that stored zones do not depend on chrono-tz's numbering.
#[derive(serde::Serialize, serde::Deserialize)]
enum ZoneName {
    Fixed(i32),
    Named(String),
}

impl From<Zone> for ZoneName {
    fn from(zone: Zone) -> ZoneName {
        match zone {
            Zone::Fixed(offset) => ZoneName::Fixed(offset),
            Zone::Named(tz) => ZoneName::Named(tz.name().to_owned()),
        }
    }
}

impl TryFrom<ZoneName> for Zone {
    type Error = String;

    fn try_from(stored: ZoneName) -> Result<Zone, String> {
        match stored {
            ZoneName::Fixed(offset) => Ok(Zone::Fixed(offset)),
            ZoneName::Named(name) => name
                .parse::<chrono_tz::Tz>()
                .map(Zone::Named)
                .map_err(|_| format!("unknown time zone `{name}`")),
        }
    }
}

/// Seconds since 1970-01-01T00:00:00Z.
pub type Instant = i64;

/// A calendar day: year, month, day.
pub type Civil = (i64, u32, u32);

/// How precisely a date is written: its finest component.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Precision {
    Year,
    /// A month, or a season, quarter or other part of a year.
    Month,
    Day,
    Minute,
    Second,
}

/// Half-open bounds `[start, end)` in seconds since the Unix epoch, UTC.
/// An open end is `Instant::MIN` or `Instant::MAX`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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

/// What a date denotes as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One year, month, season, day or time (possibly with unspecified
    /// digits: one of the times it could be).
    Point,
    /// `A/B`: from A to B, an end possibly open (`..`) or unknown (empty).
    Interval,
    /// `[a,b,c]`: one of these.
    OneOf,
    /// `{a,b,c}`: all of these.
    AllOf,
}

/// Why a date string is not a date, and where in the string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
    /// Byte offset in the date text where the problem is.
    pub offset: usize,
}

const INTERVAL: u8 = 1;
const ONE_OF: u8 = 2;
const ALL_OF: u8 = 4;
const UNCERTAIN: u8 = 8;
const APPROXIMATE: u8 = 16;
const UNSPECIFIED: u8 = 32;
const REVERSED: u8 = 64;
const UNKNOWN_END: u8 = 128;

/// A date or interval as written in the KB, with its computed bounds.
///
/// Only the text, the bounds and a few flags are kept (40 bytes); what
/// else an export needs is read again from the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Date {
    text: Box<str>,
    bounds: Bounds,
    flags: u8,
    precision: Precision,
}

/// A date as read from its text, without the text (24 bytes): what loading
/// holds for every statement between reading its date and making it, when
/// the text is moved into the date instead of copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    bounds: Bounds,
    flags: u8,
    precision: Precision,
}

impl Reading {
    /// The date, given the text it was read from.
    pub fn with_text(self, text: Box<str>) -> Date {
        Date {
            text,
            bounds: self.bounds,
            flags: self.flags,
            precision: self.precision,
        }
    }

    /// See [`Date::is_reversed`].
    pub fn is_reversed(&self) -> bool {
        self.flags & REVERSED != 0
    }
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
    /// // One of two days: from the start of the first to the end of the second.
    /// let either = Date::parse("[2024-06-14,2024-06-15]", 0).unwrap();
    /// assert_eq!(either.bounds().start, d.bounds().start - 86_400);
    /// assert_eq!(either.bounds().end, d.bounds().end - 86_400);
    /// ```
    pub fn parse(text: &str, zone: impl Into<Zone>) -> Result<Date, DateError> {
        Ok(Date::read(text, zone)?.with_text(text.into()))
    }

    /// What [`Date::parse`] reads from `text`, without a copy of the text:
    /// [`Reading::with_text`] makes the date, from the text itself.
    ///
    /// ```
    /// use annals::model::Date;
    /// let text = "2024-06-15/2024-06-16";
    /// let read = Date::read(text, 3 * 3600).unwrap();
    /// assert_eq!(read.with_text(text.into()), Date::parse(text, 3 * 3600).unwrap());
    /// ```
    pub fn read(text: &str, zone: impl Into<Zone>) -> Result<Reading, DateError> {
        let parsed = parse(text)?;
        let zone = zone.into();
        let first = parsed.first.map(|p| p.utc(zone));
        let last = parsed.last.map(|p| p.utc(zone));
        let mut flags = parsed.flags;
        if let (Some(a), Some(b)) = (first, last) {
            if flags & INTERVAL != 0 && b.end <= a.start {
                flags |= REVERSED;
            }
        }
        Ok(Reading {
            bounds: Bounds {
                start: first.map_or(Instant::MIN, |b| b.start),
                end: last.map_or(Instant::MAX, |b| b.end),
            },
            flags,
            precision: parsed.precision,
        })
    }

    /// The date exactly as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    pub fn shape(&self) -> Shape {
        if self.flags & INTERVAL != 0 {
            Shape::Interval
        } else if self.flags & ONE_OF != 0 {
            Shape::OneOf
        } else if self.flags & ALL_OF != 0 {
            Shape::AllOf
        } else {
            Shape::Point
        }
    }

    pub fn is_interval(&self) -> bool {
        self.flags & INTERVAL != 0
    }

    /// Whether an end of the interval is written as unknown (`2024-06/`,
    /// `/2024-06`) rather than open (`..`). Both leave the bounds open.
    pub fn has_unknown_end(&self) -> bool {
        self.flags & UNKNOWN_END != 0
    }

    /// Whether a digit is written as unspecified (`201X`, `2024-06-XX`).
    pub fn is_unspecified(&self) -> bool {
        self.flags & UNSPECIFIED != 0
    }

    /// The finest precision among the written components.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Whether any component is marked uncertain (`?`) or approximate
    /// (`~`, `%`).
    pub fn is_qualified(&self) -> bool {
        self.flags & (UNCERTAIN | APPROXIMATE) != 0
    }

    pub fn is_uncertain(&self) -> bool {
        self.flags & UNCERTAIN != 0
    }

    pub fn is_approximate(&self) -> bool {
        self.flags & APPROXIMATE != 0
    }

    /// For an interval: whether its end lies entirely before its start (in
    /// the zone it was parsed in).
    pub fn is_reversed(&self) -> bool {
        self.flags & REVERSED != 0
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

    /// The first and the last calendar day it covers where it happened (in
    /// the zone it is read in, whatever that is: a day never moves), or
    /// `None` for an open or unknown end.
    ///
    /// ```
    /// use annals::model::Date;
    /// let d = Date::parse("2001-21", 3 * 3600).unwrap(); // spring
    /// assert_eq!(d.calendar_days(), (Some((2001, 3, 1)), Some((2001, 5, 31))));
    /// ```
    pub fn calendar_days(&self) -> (Option<Civil>, Option<Civil>) {
        let Ok(parsed) = parse(&self.text) else {
            return (None, None);
        };
        let day = |t: i64| civil_from_days(t.div_euclid(86_400));
        (
            parsed.first.map(|p| day(p.lo)),
            parsed.last.map(|p| day(p.hi - 1)),
        )
    }

    /// The date as ISO 8601 (schema.org's `Date`/`DateTime`), for where it
    /// starts or ends, without ever moving it to another day:
    ///
    /// - a time with its own offset as written (`2024-06-14T10:00+03:00`);
    ///   a time read in the zone as its UTC instant (`2024-06-14T07:00Z`);
    /// - otherwise the finest calendar year, month or day that holds that
    ///   side whole, as a calendar in the place it happened (`2024-06-14`;
    ///   `2001-21`, spring, is `2001`; `201X` is no one year: `None`).
    ///
    /// `None` for an open or unknown end.
    pub fn iso8601(&self, end: bool) -> Option<String> {
        let parsed = parse(&self.text).ok()?;
        let side = if end { parsed.last } else { parsed.first }?;
        match side.time {
            Some(Timed { offset, seconds }) => {
                let (local, offset) = match offset {
                    Some(o) => (side.lo, Some(o)),
                    // Read in the zone: the UTC instant this side starts at.
                    None if end => (self.bounds.end - (side.hi - side.lo), None),
                    None => (self.bounds.start, None),
                };
                let (day, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
                let (y, m, d) = civil_from_days(day);
                let mut s = format!(
                    "{}-{m:02}-{d:02}T{:02}:{:02}",
                    year_text(y),
                    secs / 3600,
                    secs % 3600 / 60
                );
                if seconds {
                    s.push_str(&format!(":{:02}", secs % 60));
                }
                s.push_str(&offset.map_or_else(|| "Z".into(), offset_text));
                Some(s)
            }
            None => {
                let (y1, m1, d1) = civil_from_days(side.lo.div_euclid(86_400));
                let (y2, m2, d2) = civil_from_days((side.hi - 1).div_euclid(86_400));
                let year = year_text(y1);
                let whole_year = (m1, d1) == (1, 1) && (m2, d2) == (12, 31);
                let whole_month = d1 == 1 && d2 == days_in_month(y2, m2);
                if y1 != y2 {
                    None
                } else if whole_year {
                    Some(year)
                } else if m1 == m2 && whole_month {
                    Some(format!("{year}-{m1:02}"))
                } else if (m1, d1) == (m2, d2) {
                    Some(format!("{year}-{m1:02}-{d1:02}"))
                } else if m1 == m2 {
                    Some(format!("{year}-{m1:02}"))
                } else {
                    Some(year)
                }
            }
        }
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

/// An RFC 3339 UTC timestamp (`2024-06-14T07:00:00Z`), or `None` for an
/// open end and for an instant outside the years 0000 to 9999, which RFC
/// 3339 cannot write.
///
/// ```
/// use annals::model::date::rfc3339;
/// assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
/// assert_eq!(rfc3339(-62_167_219_201), None); // a second before year 0
/// ```
pub fn rfc3339(t: Instant) -> Option<String> {
    if t == Instant::MIN || t == Instant::MAX {
        return None;
    }
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    (0..=9999).contains(&y).then(|| {
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s % 3600 / 60,
            s % 60
        )
    })
}

fn year_text(y: i64) -> String {
    match y {
        y if y < 0 => format!("-{:04}", -y),
        y if y > 9999 => format!("+{y}"),
        y => format!("{y:04}"),
    }
}

fn offset_text(o: i32) -> String {
    let sign = if o < 0 { '-' } else { '+' };
    let a = o.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

/// Parses a UTC offset setting: `UTC`, `Z`, `+03:00`, `-05:30`, `+0300`,
/// `+03`, at most 14 hours either way. Returns seconds east of UTC.
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
    let secs = h * 3600 + m * 60;
    (m < 60 && secs <= MAX_OFFSET).then_some(sign * secs)
}

/// The largest UTC offset, either way: 14 hours.
const MAX_OFFSET: i32 = 14 * 3600;

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

// ---------------------------------------------------------------------------
// The calendar, proleptic Gregorian, for any year an i64 of seconds holds.

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day counted from 1970-01-01, in
/// the proleptic Gregorian calendar, for any day an [`Instant`] reaches.
///
/// ```
/// use annals::model::date::civil_from_days;
/// assert_eq!(civil_from_days(0), (1970, 1, 1));
/// assert_eq!(civil_from_days(-719_528), (0, 1, 1));
/// ```
pub fn civil_from_days(z: i64) -> Civil {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The first day of the month after `m` of year `y`.
fn month_after(y: i64, m: u32) -> i64 {
    if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    }
}

/// The largest year written (the bounds of 10^11 years still fit in an
/// i64 of seconds).
const MAX_YEAR: i64 = 100_000_000_000;

/// Parts of a year written as a "month" from 21 (EDTF level 1 seasons,
/// level 2 hemispheres, quarters, quadrimesters, semesters): first and
/// last month, the last possibly in the next year (13 = January after).
fn sub_year(code: u32) -> Option<(u32, u32)> {
    Some(match code {
        21 | 25 => (3, 5),   // spring (northern)
        22 | 26 => (6, 8),   // summer (northern)
        23 | 27 => (9, 11),  // autumn (northern)
        24 | 28 => (12, 14), // winter (northern): December to February
        29 => (9, 11),       // spring (southern)
        30 => (12, 14),      // summer (southern)
        31 => (3, 5),        // autumn (southern)
        32 => (6, 8),        // winter (southern)
        33 => (1, 3),
        34 => (4, 6),
        35 => (7, 9),
        36 => (10, 12),
        37 => (1, 4),
        38 => (5, 8),
        39 => (9, 12),
        40 => (1, 6),
        41 => (7, 12),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Parsing.

/// A parsed date before it is read in a zone.
struct Parsed {
    /// Where it starts (`None`: open or unknown).
    first: Option<Piece>,
    /// Where it ends.
    last: Option<Piece>,
    flags: u8,
    precision: Precision,
}

/// The wall-clock span of one point, or of the hull of a set: `[lo, hi)` in
/// seconds since the epoch read as if in UTC.
#[derive(Debug, Clone, Copy)]
struct Piece {
    lo: i64,
    hi: i64,
    /// Set for a point with a time of day.
    time: Option<Timed>,
}

#[derive(Debug, Clone, Copy)]
struct Timed {
    /// The offset written with it, seconds east of UTC.
    offset: Option<i32>,
    /// Whether seconds are written.
    seconds: bool,
}

impl Piece {
    fn hull(self, other: Piece) -> Piece {
        Piece {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
            time: None,
        }
    }

    /// Its bounds in UTC, read in `zone` unless it carries an offset.
    fn utc(self, zone: Zone) -> Bounds {
        let written = self.time.and_then(|t| t.offset);
        let offset =
            |local: Instant| i64::from(written.unwrap_or_else(|| zone.offset_at_local(local)));
        Bounds {
            start: self.lo - offset(self.lo),
            end: self.hi - offset(self.hi),
        }
    }
}

const FORMS: &str = "write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][Z|±hh[:mm]], \
optionally followed by ?, ~ or %; X for an unspecified digit; an interval A/B (`..` open, \
empty unknown); [A,B] for one of, {A,B} for all of";

fn parse(text: &str) -> Result<Parsed, DateError> {
    let mut marks = Marks::default();
    match text.as_bytes().first() {
        None => Err(err(format!("the date is empty; {FORMS}"), 0)),
        Some(b'[') => set(text, b']', &mut marks).map(|hull| marks.parsed(hull, ONE_OF)),
        Some(b'{') => set(text, b'}', &mut marks).map(|hull| marks.parsed(hull, ALL_OF)),
        _ => match text.find('/') {
            Some(slash) => interval(text, slash, &mut marks),
            None => {
                let p = point(text, 0, &mut marks)?;
                Ok(marks.parsed((Some(p), Some(p)), 0))
            }
        },
    }
}

/// What the points of a date carry: qualifiers, unspecified digits, the
/// finest precision.
#[derive(Default, Clone, Copy)]
struct Marks {
    flags: u8,
    precision: Option<Precision>,
}

impl Marks {
    fn precision(&mut self, p: Precision) {
        self.precision = Some(self.precision.map_or(p, |q| q.max(p)));
    }

    fn parsed(&self, (first, last): (Option<Piece>, Option<Piece>), shape: u8) -> Parsed {
        Parsed {
            first,
            last,
            flags: self.flags | shape,
            precision: self.precision.unwrap_or(Precision::Year),
        }
    }
}

fn interval(text: &str, slash: usize, marks: &mut Marks) -> Result<Parsed, DateError> {
    let mut end = |part: &str, base: usize| -> Result<Option<Piece>, DateError> {
        match part {
            ".." => Ok(None),
            "" => {
                marks.flags |= UNKNOWN_END;
                Ok(None)
            }
            _ => point(part, base, marks).map(Some),
        }
    };
    let first = end(&text[..slash], 0)?;
    let last = end(&text[slash + 1..], slash + 1)?;
    if first.is_none() && last.is_none() {
        return Err(err("an interval needs at least one known end", 0));
    }
    Ok(marks.parsed((first, last), INTERVAL))
}

/// `[a,b,c..d]` or `{..a,b}`: returns the hull of the members, each side
/// `None` when a member is open that way.
fn set(
    text: &str,
    close: u8,
    marks: &mut Marks,
) -> Result<(Option<Piece>, Option<Piece>), DateError> {
    if text.len() < 2 || text.as_bytes()[text.len() - 1] != close {
        return Err(err(
            format!("the set is not closed with `{}`", close as char),
            text.len(),
        ));
    }
    let inner = &text[1..text.len() - 1];
    let mut first: Option<Option<Piece>> = None;
    let mut last: Option<Option<Piece>> = None;
    let mut widen = |lo: Option<Piece>, hi: Option<Piece>| {
        first = Some(match (first, lo) {
            (None, lo) => lo,
            (Some(Some(a)), Some(b)) => Some(a.hull(b)),
            _ => None,
        });
        last = Some(match (last, hi) {
            (None, hi) => hi,
            (Some(Some(a)), Some(b)) => Some(a.hull(b)),
            _ => None,
        });
    };
    let mut base = 1;
    for member in inner.split(',') {
        if member.is_empty() {
            return Err(err("a member of the set is empty", base));
        }
        match member.find("..") {
            Some(0) => {
                let p = point(&member[2..], base + 2, marks)?;
                widen(None, Some(p));
            }
            Some(i) if i + 2 == member.len() => {
                let p = point(&member[..i], base, marks)?;
                widen(Some(p), None);
            }
            Some(i) => {
                let a = point(&member[..i], base, marks)?;
                let b = point(&member[i + 2..], base + i + 2, marks)?;
                if b.hi <= a.lo {
                    return Err(err(
                        format!("the range `{member}` ends before it starts"),
                        base,
                    ));
                }
                widen(Some(a), Some(b));
            }
            None => {
                let p = point(member, base, marks)?;
                widen(Some(p), Some(p));
            }
        }
        if member.contains('T') {
            return Err(err(
                "a member of a set is a date without a time of day",
                base,
            ));
        }
        base += member.len() + 1;
    }
    let hull = |side: Option<Option<Piece>>| side.flatten().map(|p| Piece { time: None, ..p });
    Ok((hull(first), hull(last)))
}

/// A small cursor over a point's text; `base` is its offset in the date.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    base: usize,
}

impl<'a> Cursor<'a> {
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

    /// A qualifier, if one is here.
    fn qualifier(&mut self, marks: &mut Marks) {
        let flags = match self.peek() {
            Some(b'?') => UNCERTAIN,
            Some(b'~') => APPROXIMATE,
            Some(b'%') => UNCERTAIN | APPROXIMATE,
            _ => return,
        };
        marks.flags |= flags;
        self.pos += 1;
    }

    fn run(&self, pred: impl Fn(u8) -> bool) -> usize {
        self.text.as_bytes()[self.pos..]
            .iter()
            .take_while(|b| pred(**b))
            .count()
    }

    /// Exactly `n` digits (or `X` where `x` allows), not followed by another.
    fn pattern(&mut self, n: usize, what: &str, x: bool) -> Result<&'a str, DateError> {
        let run = self.run(|b| b.is_ascii_digit() || (x && b == b'X'));
        if run != n {
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
        let text: &'a str = self.text;
        let s = &text[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Exactly `n` digits.
    fn number(&mut self, n: usize, what: &str) -> Result<u32, DateError> {
        let at = self.at();
        let s = self.pattern(n, what, false)?;
        digits(s).ok_or_else(|| err("not a number", at))
    }

    /// One or more digits, as a number no larger than [`MAX_YEAR`].
    fn long(&mut self, what: &str) -> Result<(i64, usize), DateError> {
        let at = self.at();
        let run = self.run(|b| b.is_ascii_digit());
        if run == 0 {
            return Err(err(format!("expected digits for the {what}"), at));
        }
        let s = &self.text[self.pos..self.pos + run];
        self.pos += run;
        match s.parse::<i64>() {
            Ok(n) if n <= MAX_YEAR => Ok((n, run)),
            _ => Err(err(
                format!("the {what} is too large (at most {MAX_YEAR})"),
                at,
            )),
        }
    }
}

/// The years a point's year may be.
enum Years {
    /// A year, or with unspecified digits every year they may be.
    Pattern(YearPattern),
    /// Every year from the first to the last (significant digits).
    Range(i64, i64),
}

/// Four digits or `X`s (`20XX`), possibly before the common era; a year
/// written in full (or with `Y`) has no `X`.
#[derive(Clone, Copy)]
struct YearPattern {
    negative: bool,
    /// The absolute value's digits, `None` where unspecified.
    digits: [Option<u8>; 4],
    /// A year with no `X`, of any size.
    exact: Option<i64>,
}

impl YearPattern {
    fn exact(year: i64) -> YearPattern {
        YearPattern {
            negative: year < 0,
            digits: [None; 4],
            exact: Some(year),
        }
    }

    fn is_unspecified(&self) -> bool {
        self.exact.is_none()
    }

    /// The years it may be, ascending or descending, computed as they are
    /// taken (never more than 10,000, without allocating).
    fn years(self, ascending: bool) -> impl Iterator<Item = i64> {
        let unknown = self.digits.iter().filter(|d| d.is_none()).count() as u32;
        let count: i64 = if self.exact.is_some() {
            1
        } else {
            10_i64.pow(unknown)
        };
        // Ascending years are descending absolute values before the era.
        let up = ascending != self.negative;
        (0..count).filter_map(move |i| {
            if let Some(y) = self.exact {
                return Some(y);
            }
            let mut k = if up { i } else { count - 1 - i };
            let mut abs = 0;
            // Fill the unknown digits from the last: k's digits in order.
            let mut place = 1;
            for d in self.digits.iter().rev() {
                let digit = match d {
                    Some(d) => i64::from(*d),
                    None => {
                        let digit = k % 10;
                        k /= 10;
                        digit
                    }
                };
                abs += digit * place;
                place *= 10;
            }
            match (self.negative, abs) {
                (true, 0) => None, // -0000 is not a year
                (true, a) => Some(-a),
                (false, a) => Some(a),
            }
        })
    }
}

/// Which values of 1..=`max` a two-character pattern (`0X`, `XX`, `12`)
/// admits.
fn admitted(pattern: &str, max: u32) -> Vec<u32> {
    let p = pattern.as_bytes();
    let fits = |want: u8, digit: u32| want == b'X' || u32::from(want.wrapping_sub(b'0')) == digit;
    (1..=max)
        .filter(|v| p.len() == 2 && fits(p[0], v / 10) && fits(p[1], v % 10))
        .collect()
}

/// The span of one written point: a year (four digits, `X` for unknown
/// ones, `-` before the year BCE, `Y` for long years with `E` exponent and
/// `S` significant digits), a month or part of a year, a day, a time, and
/// qualifiers before or after any component.
fn point(text: &str, base: usize, marks: &mut Marks) -> Result<Piece, DateError> {
    let mut c = Cursor { text, pos: 0, base };
    c.qualifier(marks);
    let years = year(&mut c, marks)?;
    c.qualifier(marks);
    let mut month: Option<(usize, &str)> = None;
    let mut day: Option<(usize, &str)> = None;
    let mut time = None;
    if c.eat(b'-') {
        c.qualifier(marks);
        let at = c.at();
        month = Some((at, c.pattern(2, "month", true)?));
        c.qualifier(marks);
        if c.eat(b'-') {
            c.qualifier(marks);
            let at = c.at();
            day = Some((at, c.pattern(2, "day", true)?));
            c.qualifier(marks);
            if c.peek() == Some(b'T') {
                let at = c.at();
                c.pos += 1;
                time = Some((at, parse_time(&mut c)?));
                c.qualifier(marks);
            }
        }
    }
    if c.pos < text.len() {
        let rest = &text[c.pos..];
        return Err(err(
            format!("unexpected `{rest}` after the date; {FORMS}"),
            c.at(),
        ));
    }
    let unspecified = month.is_some_and(|(_, m)| m.contains('X'))
        || day.is_some_and(|(_, d)| d.contains('X'))
        || matches!(&years, Years::Pattern(p) if p.is_unspecified());
    if unspecified {
        marks.flags |= UNSPECIFIED;
    }
    let years = match years {
        Years::Range(a, b) if month.is_none() => {
            return Ok(Piece {
                lo: days_from_civil(a, 1, 1) * 86_400,
                hi: days_from_civil(b + 1, 1, 1) * 86_400,
                time: None,
            })
        }
        Years::Range(..) => {
            return Err(err(
                "significant digits (`S`) are written on a year alone",
                base,
            ))
        }
        Years::Pattern(years) => years,
    };
    // A month number from 21 is a season or another part of the year.
    if let Some((at, m)) = month {
        let n: u32 = digits(m).unwrap_or(0);
        if !m.contains('X') && !(1..=12).contains(&n) {
            let Some((first, last)) = sub_year(n) else {
                return Err(err(
                    format!(
                        "month {m} does not exist (01 to 12, or 21 to 41 for seasons, \
                         quarters, quadrimesters and semesters)"
                    ),
                    at,
                ));
            };
            if let Some((at, _)) = day {
                return Err(err("a season or part of a year has no day", at - 1));
            }
            marks.precision(Precision::Month);
            let (Some(y0), Some(y1)) = (years.years(true).next(), years.years(false).next()) else {
                return Err(err("no year matches", base));
            };
            let (last_year, last_month) = if last > 12 {
                (y1 + 1, last - 12)
            } else {
                (y1, last)
            };
            return Ok(Piece {
                lo: days_from_civil(y0, first, 1) * 86_400,
                hi: month_after(last_year, last_month) * 86_400,
                time: None,
            });
        }
        if m.contains('X') && admitted(m, 12).is_empty() {
            return Err(err(format!("no month matches `{m}`"), at));
        }
    }
    if let Some((t_at, _)) = time {
        if unspecified {
            return Err(err("a time needs a date with every digit given", t_at));
        }
    }
    marks.precision(match (time, day, month) {
        (Some((_, (_, _, Some(_), _))), _, _) => Precision::Second,
        (Some(_), _, _) => Precision::Minute,
        (None, Some(_), _) => Precision::Day,
        (None, None, Some(_)) => Precision::Month,
        (None, None, None) => Precision::Year,
    });
    let months = month.map_or_else(|| (1..=12).collect(), |(_, m)| admitted(m, 12));
    let days = day.map(|(_, d)| admitted(d, 31));
    // The first and the last day the point may be (a fully written day
    // is both).
    let first_day = |y: i64| -> Option<(u32, u32)> {
        months.iter().find_map(|&m| match &days {
            None => Some((m, 1)),
            Some(ds) => ds
                .iter()
                .find(|&&d| d <= days_in_month(y, m))
                .map(|&d| (m, d)),
        })
    };
    let last_day = |y: i64| -> Option<(u32, u32)> {
        months.iter().rev().find_map(|&m| match &days {
            None => Some((m, days_in_month(y, m))),
            Some(ds) => ds
                .iter()
                .rev()
                .find(|&&d| d <= days_in_month(y, m))
                .map(|&d| (m, d)),
        })
    };
    // A day that exists in no year (not even a leap year) is refused at
    // once, before any search through the years.
    let start = first_day(2000).and_then(|_| {
        years
            .years(true)
            .find_map(|y| first_day(y).map(|(m, d)| days_from_civil(y, m, d)))
    });
    let end = years
        .years(false)
        .find_map(|y| last_day(y).map(|(m, d)| days_from_civil(y, m, d) + 1));
    let (Some(start), Some(end)) = (start, end) else {
        let (at, d) = day.unwrap_or((base, text));
        return Err(match (month, unspecified) {
            (Some((_, m)), false) => err(
                format!(
                    "day {d} does not exist in {}-{m}",
                    year_text(years.years(true).next().unwrap_or(0))
                ),
                at,
            ),
            _ => err(format!("no day matches `{text}`"), at),
        });
    };
    Ok(match time {
        Some((_, (h, mi, s, offset))) => {
            let lo = start * 86_400 + i64::from(h * 3600 + mi * 60 + s.unwrap_or(0));
            Piece {
                lo,
                hi: lo + if s.is_some() { 1 } else { 60 },
                time: Some(Timed {
                    offset,
                    seconds: s.is_some(),
                }),
            }
        }
        None => Piece {
            lo: start * 86_400,
            hi: end * 86_400,
            time: None,
        },
    })
}

/// The year of a point: `2024`, `-0044`, `20XX`, `1950S2`, `Y170000002`,
/// `Y-17E7`, `Y3388E2S3`.
fn year(c: &mut Cursor<'_>, marks: &mut Marks) -> Result<Years, DateError> {
    let at = c.at();
    let (value, len) = if c.eat(b'Y') {
        let negative = c.eat(b'-');
        let (mantissa, run) = c.long("year")?;
        let (value, len) = if c.eat(b'E') {
            let (exp, _) = c.long("exponent")?;
            let value = u32::try_from(exp)
                .ok()
                .and_then(|e| 10_i64.checked_pow(e))
                .and_then(|p| mantissa.checked_mul(p))
                .filter(|v| *v <= MAX_YEAR)
                .ok_or_else(|| err(format!("the year is too large (at most {MAX_YEAR})"), at))?;
            (value, value.to_string().len())
        } else {
            if run <= 4 {
                return Err(err(
                    "`Y` is for years of more than four digits: write a year such as `2024` without it",
                    at,
                ));
            }
            // Leading zeros are not significant digits.
            (mantissa, mantissa.to_string().len())
        };
        (if negative { -value } else { value }, len)
    } else {
        let negative = c.eat(b'-');
        let digits_at = c.at();
        let p = c.pattern(4, "year", true).map_err(|mut e| {
            if c.run(|b| b.is_ascii_digit()) > 4 {
                e.message = "a year of more than four digits is written with `Y`: `Y12345`".into();
            } else {
                e.message = format!("{}; {FORMS}", e.message);
            }
            e
        })?;
        if p.contains('X') {
            if c.peek() == Some(b'S') {
                return Err(err(
                    "significant digits (`S`) need a year with every digit given",
                    c.at(),
                ));
            }
            let mut digits = [None; 4];
            for (slot, b) in digits.iter_mut().zip(p.bytes()) {
                *slot = b.is_ascii_digit().then(|| b - b'0');
            }
            marks.precision(Precision::Year);
            let pattern = YearPattern {
                negative,
                digits,
                exact: None,
            };
            return Ok(Years::Pattern(pattern));
        }
        let value: i64 = digits(p).unwrap_or(0);
        if negative && value == 0 {
            return Err(err(
                "`-0000` is not a year: the year before 0001 is `0000`",
                digits_at,
            ));
        }
        (if negative { -value } else { value }, 4)
    };
    marks.precision(Precision::Year);
    if c.eat(b'S') {
        let s_at = c.at() - 1;
        let (s, _) = c.long("significant digits")?;
        let len = len as i64;
        if s == 0 || s > len {
            return Err(err(
                format!("significant digits must be 1 to {len}, the digits of the year"),
                s_at,
            ));
        }
        let unit = 10_i64.pow((len - s) as u32);
        let lo = value.abs() / unit * unit;
        let hi = lo + unit - 1;
        if hi > MAX_YEAR {
            return Err(err(
                format!("the years it may be reach past {MAX_YEAR}"),
                s_at,
            ));
        }
        return Ok(if value < 0 {
            Years::Range(-hi, -lo)
        } else {
            Years::Range(lo, hi)
        });
    }
    Ok(Years::Pattern(YearPattern::exact(value)))
}

/// `hh:mm[:ss]` and an optional offset: `Z`, `±hh` or `±hh:mm`.
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
            let oh = c.number(2, "offset hours").map_err(|mut e| {
                if c.run(|b| b.is_ascii_digit()) == 4 {
                    e.message = "write the offset as ±hh:mm (`+04:30`) or ±hh (`-04`)".into();
                    e.offset = at;
                }
                e
            })?;
            let om = if c.eat(b':') {
                c.number(2, "offset minutes")?
            } else {
                0
            };
            let secs = (oh * 3600 + om * 60) as i32;
            if om > 59 || secs > MAX_OFFSET {
                return Err(err("UTC offset out of range (-14:00 to +14:00)", at));
            }
            if sign == b'-' && secs == 0 {
                return Err(err(
                    "`-00:00` is not an offset (RFC 3339 uses it for an unknown one): write `Z` or `+00:00`",
                    at,
                ));
            }
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
                "2024-06-14T12:30-05:00",
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
            ("99999", 0, "written with `Y`"),
            ("Y2024", 0, "`Y` is for years of more than four digits"),
            ("-0000", 1, "`-0000` is not a year"),
            ("2024-06-14T12:30-0500", 16, "write the offset as ±hh:mm"),
            ("2024-06-14T12:30+14:30", 16, "UTC offset out of range"),
            ("2024-06-14T12:30-00:00", 16, "`-00:00` is not an offset"),
            ("2024-06-14T12:30-00", 16, "`-00:00` is not an offset"),
            ("2024-42", 5, "month 42 does not exist"),
            ("2024-21-03", 7, "a season or part of a year has no day"),
            ("XXXX-02-30", 8, "no day matches"),
            ("2024-02-3X", 8, "no day matches"),
            ("XXX1-02-29", 8, "no day matches"),
            (
                "20XX-06-14T10:00",
                10,
                "a time needs a date with every digit",
            ),
            ("1950S5", 4, "significant digits must be 1 to 4"),
            (
                "1950S2-06",
                0,
                "significant digits (`S`) are written on a year alone",
            ),
            ("Y1E12", 0, "the year is too large"),
            ("Y100000000000S1", 13, "reach past"),
            ("[2024,2025", 10, "not closed with `]`"),
            ("[2024,,2025]", 6, "a member of the set is empty"),
            ("[2024-06-14T10:00]", 1, "without a time of day"),
            ("{2025..2024}", 1, "ends before it starts"),
            ("", 0, "the date is empty"),
            ("24-06-14", 0, "expected 4 digits for the year"),
            ("2024-6-14", 5, "expected 2 digits for the month, found 1"),
            ("2024-06-14T25:00", 11, "time out of range"),
            ("2024-06-14T15", 13, "expected `:`"),
            ("2024-06-14 15:30", 10, "unexpected ` 15:30`"),
            ("2024-06-14T15:30+15:00", 16, "UTC offset out of range"),
            ("June 2024", 0, "expected 4 digits for the year, found none"),
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
        assert!(d("2024-06-16/2024-06-15").is_reversed());
        assert!(!d("2024-06-15/2024-06-16").is_reversed());
        assert!(!d("2024-06/2024-06-10").is_reversed());
        assert!(!d("2024-06-14/2024-06-14").is_reversed());
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
    fn edtf_level_one_and_two_forms_parse_to_their_hull() {
        let cases = [
            (
                "1985-04-12T23:20:30-04",
                "1985-04-13T03:20:30Z",
                "1985-04-13T03:20:31Z",
            ),
            ("-1985", "-1985-01-01", "-1984-01-01"),
            ("Y170000002", "+170000002-01-01", "+170000003-01-01"),
            ("Y-17E7", "-170000000-01-01", "-169999999-01-01"),
            ("1950S2", "1900-01-01", "2000-01-01"),
            ("Y3388E2S3", "+338000-01-01", "+339000-01-01"),
            // Found by the fuzzer: leading zeros are not significant.
            (
                "Y0010466110420S1",
                "+10000000000-01-01",
                "+20000000000-01-01",
            ),
            ("2001-21", "2001-03-01", "2001-06-01"),
            ("2001-24", "2001-12-01", "2002-03-01"),
            ("2001-30", "2001-12-01", "2002-03-01"),
            ("2001-34", "2001-04-01", "2001-07-01"),
            ("2001-41", "2001-07-01", "2002-01-01"),
            ("201X", "2010-01-01", "2020-01-01"),
            ("-198X", "-1989-01-01", "-1979-01-01"),
            ("1985-XX-XX", "1985-01-01", "1986-01-01"),
            ("1984-1X", "1984-10-01", "1985-01-01"),
            ("156X-12-25", "1560-12-25", "1569-12-26"),
            ("XXXX-12-XX", "0000-12-01", "10000-01-01"),
            ("190X-02-29", "1904-02-29", "1908-03-01"),
            ("1X00-02-29", "1200-02-29", "1600-03-01"),
            ("-00X0", "-0090-01-01", "-0009-01-01"),
            ("?2004-06-~11", "2004-06-11", "2004-06-12"),
            ("2004?-06-11", "2004-06-11", "2004-06-12"),
            ("[2024-06-14,2024-06-15]", "2024-06-14", "2024-06-16"),
            ("{1667,1668,1670..1672}", "1667-01-01", "1673-01-01"),
            ("2004-06-XX/2004-07-03", "2004-06-01", "2004-07-04"),
        ];
        for (text, start, end) in cases {
            let b = d(text).bounds();
            let got = (rfc_or_day(b.start), rfc_or_day(b.end));
            assert_eq!(got, (day_of(start), day_of(end)), "{text}");
        }
    }

    /// A bound as the day it starts (or the instant, where it has a time).
    fn rfc_or_day(t: Instant) -> String {
        if t % 86_400 == 0 {
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            format!("{y}-{m:02}-{d:02}")
        } else {
            rfc3339(t).unwrap_or_default()
        }
    }

    fn day_of(s: &str) -> String {
        if s.contains('T') {
            return s.to_string();
        }
        let (sign, rest) = match s.as_bytes()[0] {
            b'-' => (-1, &s[1..]),
            b'+' => (1, &s[1..]),
            _ => (1, s),
        };
        let mut it = rest.split('-');
        let y: i64 = it.next().unwrap().parse().unwrap();
        let m = it.next().unwrap();
        let dd = it.next().unwrap();
        format!("{}-{m}-{dd}", sign * y)
    }

    #[test]
    fn sets_and_ends_that_are_open_or_unknown() {
        assert_eq!(d("[..1760-12-03]").bounds().start, Instant::MIN);
        assert_eq!(d("[1760-01,1760-12..]").bounds().end, Instant::MAX);
        assert_eq!(d("{..1984}").shape(), Shape::AllOf);
        assert_eq!(d("[1667,1760-12]").shape(), Shape::OneOf);
        let unknown = d("1985-04-12/");
        assert!(unknown.has_unknown_end() && unknown.is_interval());
        assert_eq!(unknown.bounds().end, Instant::MAX);
        assert!(!d("1985-04-12/..").has_unknown_end());
        assert_eq!(d("/1985").bounds().start, Instant::MIN);
        assert!(d("201X").is_unspecified() && !d("2010").is_unspecified());
        assert!(d("2004-06~-11").is_approximate());
    }

    #[test]
    fn iso8601_never_moves_a_day() {
        let kyiv = Zone::parse("Europe/Kyiv").unwrap();
        let iso = |text: &str, zone: Zone| {
            let date = Date::parse(text, zone).unwrap();
            (date.iso8601(false), date.iso8601(true))
        };
        let s = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
        for zone in [Zone::Fixed(-5 * 3600), Zone::Fixed(14 * 3600), kyiv] {
            assert_eq!(iso("2024-06-14", zone), s("2024-06-14", "2024-06-14"));
            assert_eq!(iso("2024-06~", zone), s("2024-06", "2024-06"));
            assert_eq!(iso("2001-21", zone), s("2001", "2001"));
            assert_eq!(
                iso("2024-06-14/2024-06-15", zone),
                s("2024-06-14", "2024-06-15")
            );
            assert_eq!(
                iso("[2024-06-14,2024-06-15]", zone),
                s("2024-06", "2024-06")
            );
            assert_eq!(iso("201X", zone), (None, None));
            assert_eq!(
                iso("2024-06-14/..", zone),
                (Some("2024-06-14".into()), None)
            );
            assert_eq!(
                iso("2024-06-14T10:00+03:00", zone),
                s("2024-06-14T10:00+03:00", "2024-06-14T10:00+03:00")
            );
        }
        assert_eq!(
            iso("2024-06-14T10:00:05", Zone::Fixed(3 * 3600)),
            s("2024-06-14T07:00:05Z", "2024-06-14T07:00:05Z")
        );
        assert_eq!(iso("-0044-03-15", kyiv), s("-0044-03-15", "-0044-03-15"));
    }

    #[test]
    fn rfc3339_only_within_years_0000_to_9999() {
        let zone = Zone::Fixed(3 * 3600);
        let b = Date::parse("0000", zone).unwrap().bounds();
        assert_eq!(rfc3339(b.start), None);
        assert_eq!(rfc3339(b.end - 1).as_deref(), Some("0000-12-31T20:59:59Z"));
        let b = Date::parse("9999", Zone::Fixed(-5 * 3600))
            .unwrap()
            .bounds();
        assert_eq!(rfc3339(b.start).as_deref(), Some("9999-01-01T05:00:00Z"));
        assert_eq!(rfc3339(b.end - 1), None);
    }

    #[test]
    fn utc_offsets_in_settings() {
        assert_eq!(parse_utc_offset("UTC"), Some(0));
        assert_eq!(parse_utc_offset("+03:00"), Some(10800));
        assert_eq!(parse_utc_offset("-05:30"), Some(-19800));
        assert_eq!(parse_utc_offset("+0300"), Some(10800));
        assert_eq!(parse_utc_offset("Europe/Kyiv"), None);
        assert_eq!(parse_utc_offset("+25:00"), None);
        assert_eq!(parse_utc_offset("+14:30"), None);
        assert_eq!(parse_utc_offset("-14:00"), Some(-14 * 3600));
    }
}
