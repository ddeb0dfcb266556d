//! The time-proportional timeline, laid out and drawn by annals (SVG).
//!
//! - A horizontal time axis with calendar-aligned ticks chosen from the span
//!   (hours for a day, days for weeks, then months, years, decades); tick
//!   labels that would collide are thinned.
//! - One lane per speaker (per institution with roll-up), ordered so that
//!   response arrows cross few lanes; multi-day events as bars in their own
//!   lane on top.
//! - Statements as markers at the middle of their date's interval, with a
//!   band showing the interval when it is wider than the marker; uncertain or
//!   approximate dates are drawn hollow and dashed. Labels (the statement's
//!   id) never overlap: a marker moves to a free row of its lane, and a label
//!   that finds no room is left out and counted in the legend.
//! - Responds-to links as arrows coloured by stance; a title and a legend.
//! - Above [`DENSE`] statements, markers are small and unlabelled; above
//!   [`MAX_ARROWS`] responses, arrows are left out and counted.
//!
//! Output is deterministic: the same KB and filter give the same bytes.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use unicode_width::UnicodeWidthStr;

mod draw;
mod layout;

pub use crate::export::labels::Caption;
use crate::export::labels::{lane_names, statement_label as marker_label};
use crate::kb::Kb;
use crate::model::{Bounds, Instant, Zone};
use crate::query::Filter;

/// The picture's width unless `--width` says otherwise, and the narrowest
/// and widest it may be.
pub const WIDTH: f64 = 1280.0;
pub const MIN_WIDTH: u32 = 640;
pub const MAX_WIDTH: u32 = 8000;
const LEFT: f64 = 210.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 78.0;
const ROW: f64 = 20.0;
const LANE_PAD: f64 = 7.0;
const R: f64 = 5.0;
/// Most rows a lane grows to before labels are left out.
const MAX_ROWS: usize = 10;
/// Above this many statements, markers are small and unlabelled.
pub const DENSE: usize = 600;
/// Above this many responses, arrows are not drawn.
pub const MAX_ARROWS: usize = 20_000;
/// Above this many statements, lanes become density strips: one shaded bin
/// per two pixels of time, no single markers and no arrows.
pub const BINNED: usize = 5_000;
/// Above this many events, event bars are drawn without labels.
pub const MAX_EVENT_LABELS: usize = 60;
/// Most rows of event bars.
const MAX_EVENT_ROWS: usize = 8;
/// Most lanes drawn; the speakers with fewest statements share the last.
pub const MAX_LANES: usize = 40;
const FONT: f64 = 11.0;

/// Approximate width of text in DejaVu Sans at `size` pixels.
fn text_width(text: &str, size: f64) -> f64 {
    text.width() as f64 * size * 0.6
}

/// The time span drawn, and the mapping from time to x.
struct Scale {
    t0: Instant,
    t1: Instant,
    /// The picture's width.
    width: f64,
}

impl Scale {
    fn x(&self, t: Instant) -> f64 {
        let t = t.clamp(self.t0, self.t1);
        LEFT + (t - self.t0) as f64 / (self.t1 - self.t0).max(1) as f64
            * (self.width - LEFT - RIGHT)
    }

    /// The x of an instant given in fractional seconds.
    fn xf(&self, t: f64) -> f64 {
        self.x(t.round() as Instant)
    }

    /// The middle of an interval, clamped to the span.
    fn mid(&self, b: Bounds) -> f64 {
        let start = b.start.max(self.t0);
        let end = b.end.min(self.t1);
        (self.x(start) + self.x(end)) / 2.0
    }
}

/// The span of the items, padded, with open ends clamped to the finite ones.
fn span(bounds: &[Bounds], width: f64) -> Scale {
    let finite = bounds
        .iter()
        .flat_map(|b| [b.start, b.end])
        .filter(|t| *t != Instant::MIN && *t != Instant::MAX);
    let (lo, hi) = finite.fold((Instant::MAX, Instant::MIN), |(lo, hi), t| {
        (lo.min(t), hi.max(t))
    });
    let (lo, hi) = if lo > hi {
        (0, 86_400)
    } else {
        (lo, hi.max(lo + 3600))
    };
    let pad = ((hi - lo) / 30).max(1800);
    Scale {
        t0: lo - pad,
        t1: hi + pad,
        width,
    }
}

/// A tick step: seconds for fixed steps, months for calendar ones.
#[derive(Clone, Copy)]
enum Step {
    Seconds(i64),
    Months(u32),
}

fn utc(t: Instant) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// Calendar-aligned ticks in `zone` (its midnights, its month starts), at
/// most about ten over the span, each labelled with its wall-clock time.
fn ticks(scale: &Scale, zone: Zone) -> (Vec<(Instant, String)>, &'static str) {
    const H: i64 = 3600;
    const D: i64 = 86_400;
    let steps = [
        (Step::Seconds(H), "hour"),
        (Step::Seconds(3 * H), "hour"),
        (Step::Seconds(6 * H), "hour"),
        (Step::Seconds(12 * H), "hour"),
        (Step::Seconds(D), "day"),
        (Step::Seconds(2 * D), "day"),
        (Step::Seconds(7 * D), "week"),
        (Step::Seconds(14 * D), "week"),
        (Step::Months(1), "month"),
        (Step::Months(3), "month"),
        (Step::Months(6), "month"),
        (Step::Months(12), "year"),
        (Step::Months(24), "year"),
        (Step::Months(60), "year"),
        (Step::Months(120), "decade"),
        (Step::Months(240), "decade"),
        (Step::Months(600), "decade"),
        (Step::Months(1200), "decade"),
    ];
    let span = scale.t1 - scale.t0;
    let (step, unit) = steps
        .iter()
        .copied()
        .find(|(s, _)| match s {
            Step::Seconds(n) => span / n <= 10,
            Step::Months(m) => span / (i64::from(*m) * 30 * D) <= 10,
        })
        .unwrap_or((Step::Months(1200), "decade"));
    let mut out = Vec::new();
    match step {
        Step::Seconds(n) => {
            // Align to the zone's midnight (weeks to Mondays), then step in
            // wall-clock time, so that a day tick stays at midnight across
            // a change to or from summer time.
            let day0 = utc(zone.to_local(scale.t0)).date_naive();
            let mut local = Utc
                .from_utc_datetime(&day0.and_hms_opt(0, 0, 0).unwrap_or_default())
                .timestamp();
            if n == 7 * D || n == 14 * D {
                local -= i64::from(day0.weekday().num_days_from_monday()) * D;
            }
            while zone.from_local(local) < scale.t0 {
                local += n;
            }
            loop {
                let t = zone.from_local(local);
                if t > scale.t1 || out.len() >= 64 {
                    break;
                }
                let d = utc(local);
                let label = if n < D {
                    if d.format("%H:%M").to_string() == "00:00" {
                        d.format("%b %-d").to_string()
                    } else {
                        d.format("%H:%M").to_string()
                    }
                } else {
                    d.format("%b %-d, %Y").to_string()
                };
                out.push((t, label));
                local += n;
            }
        }
        Step::Months(m) => {
            let start = utc(zone.to_local(scale.t0));
            let months = |y: i32, mo: u32| y * 12 + mo as i32 - 1;
            let mut k = months(start.year(), start.month());
            let m = m as i32;
            k = (k + m - 1).div_euclid(m) * m;
            loop {
                let (y, mo) = (k.div_euclid(12), k.rem_euclid(12) as u32 + 1);
                let Some(date) = NaiveDate::from_ymd_opt(y, mo, 1) else {
                    break;
                };
                let t = zone.from_local(
                    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                        .timestamp(),
                );
                if t > scale.t1 || out.len() >= 64 {
                    break;
                }
                if t >= scale.t0 {
                    let label = if m >= 12 {
                        format!("{y}")
                    } else {
                        date.format("%b %Y").to_string()
                    };
                    out.push((t, label));
                }
                k += m;
            }
        }
    }
    (out, unit)
}

/// The timeline of the filtered KB as an SVG document: laid out, then
/// drawn, its axis in `zone`.
pub fn svg(kb: &Kb, filter: &Filter, zone: Zone, caption: &Caption) -> String {
    let width = caption.width.map_or(WIDTH, f64::from);
    draw::svg(kb, &layout::layout(kb, filter, zone, width), caption)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale_of(days: i64) -> Scale {
        Scale {
            t0: 1_718_323_200,
            t1: 1_718_323_200 + days * 86_400,
            width: WIDTH,
        }
    }

    fn ticks_utc(scale: &Scale) -> (Vec<(Instant, String)>, &'static str) {
        ticks(scale, Zone::default())
    }

    #[test]
    fn ticks_in_a_zone_fall_on_its_midnights_across_summer_time() {
        // Eight days across the end of summer time in Zurich: a tick at
        // each local midnight, 25 hours apart on the day the clocks go back.
        let zurich = Zone::parse("Europe/Zurich").expect("zone");
        let t0 = 1_729_900_800; // 2024-10-26T00:00Z
        let (ticks, unit) = ticks(
            &Scale {
                t0,
                t1: t0 + 8 * 86_400,
                width: WIDTH,
            },
            zurich,
        );
        assert_eq!(unit, "day");
        for w in ticks.windows(2) {
            assert!(
                w[1].0 - w[0].0 == 86_400 || w[1].0 - w[0].0 == 90_000,
                "{ticks:?}"
            );
        }
        assert!(ticks.windows(2).any(|w| w[1].0 - w[0].0 == 90_000));
        for (t, _) in &ticks {
            assert_eq!(
                zurich.to_local(*t).rem_euclid(86_400),
                0,
                "midnight in Zurich"
            );
        }
    }

    #[test]
    fn ticks_follow_the_span() {
        let (t, unit) = ticks_utc(&Scale {
            t0: 1_718_323_200,
            t1: 1_718_323_200 + 20 * 3600,
            width: WIDTH,
        });
        assert_eq!(unit, "hour");
        assert!(t.len() <= 11 && t.len() >= 3, "{t:?}");
        assert_eq!(ticks_utc(&scale_of(8)).1, "day");
        assert_eq!(ticks_utc(&scale_of(60)).1, "week");
        assert_eq!(ticks_utc(&scale_of(250)).1, "month");
        assert_eq!(ticks_utc(&scale_of(6 * 365)).1, "year");
        assert_eq!(ticks_utc(&scale_of(80 * 365)).1, "decade");
    }

    #[test]
    fn month_ticks_start_on_the_first() {
        let (t, _) = ticks_utc(&scale_of(250));
        for (at, label) in t {
            assert_eq!(utc(at).day(), 1, "{label}");
        }
    }

    #[test]
    fn x_is_proportional_to_time() {
        let s = scale_of(10);
        let mid = s.x(s.t0 + 5 * 86_400);
        assert!((mid - (LEFT + (WIDTH - LEFT - RIGHT) / 2.0)).abs() < 0.01);
        assert_eq!(s.x(s.t0 - 999), LEFT);
    }
}
