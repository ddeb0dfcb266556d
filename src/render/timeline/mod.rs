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

/// The width of text in the bundled DejaVu Sans at `size` pixels.
fn text_width(text: &str, size: f64) -> f64 {
    super::font::width(text, size)
}

/// The time span drawn, and the mapping from time to x: proportional,
/// except across [`Scale::breaks`].
struct Scale {
    t0: Instant,
    t1: Instant,
    /// The picture's width.
    width: f64,
    /// Stretches of time with nothing in them, much longer than the rest of
    /// the story: each is drawn as a break of [`BREAK`] pixels, so that one
    /// early statement does not squeeze the story into a corner. In order,
    /// inside `t0..t1`.
    breaks: Vec<(Instant, Instant)>,
}

/// The width of a break in the axis.
const BREAK: f64 = 28.0;

impl Scale {
    /// The time drawn to scale: the span less its breaks.
    fn kept(&self) -> i64 {
        self.t1 - self.t0 - self.breaks.iter().map(|(a, b)| b - a).sum::<i64>()
    }

    fn x(&self, t: Instant) -> f64 {
        let t = t.clamp(self.t0, self.t1);
        let plot = self.width - LEFT - RIGHT - BREAK * self.breaks.len() as f64;
        let per = plot / self.kept().max(1) as f64;
        let (mut x, mut from) = (LEFT, self.t0);
        for &(a, b) in &self.breaks {
            if t <= a {
                break;
            }
            if t < b {
                return x + (a - from) as f64 * per + (t - a) as f64 / (b - a) as f64 * BREAK;
            }
            x += (a - from) as f64 * per + BREAK;
            from = b;
        }
        x + (t - from) as f64 * per
    }

    /// The stretches drawn to scale, between the breaks.
    fn segments(&self) -> Vec<(Instant, Instant)> {
        let mut out = Vec::with_capacity(self.breaks.len() + 1);
        let mut from = self.t0;
        for &(a, b) in &self.breaks {
            out.push((from, a));
            from = b;
        }
        out.push((from, self.t1));
        out
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

/// The most breaks an axis gets.
const MAX_BREAKS: usize = 4;

/// The span of the items, padded, with open ends clamped to the finite
/// ones, and broken where nothing happens for longer than the rest of the
/// story: a gap between items is a break when it is over two thirds of
/// the time still drawn to scale (largest gaps first, at most
/// [`MAX_BREAKS`]).
fn span(bounds: &[Bounds], width: f64) -> Scale {
    let finite = |t: &Instant| *t != Instant::MIN && *t != Instant::MAX;
    let mut items: Vec<(Instant, Instant)> = bounds
        .iter()
        .filter_map(|b| match (finite(&b.start), finite(&b.end)) {
            (true, true) => Some((b.start, b.end)),
            (true, false) => Some((b.start, b.start)),
            (false, true) => Some((b.end, b.end)),
            (false, false) => None,
        })
        .collect();
    items.sort_unstable();
    let (lo, hi) = match (items.first(), items.iter().map(|i| i.1).max()) {
        (Some(first), Some(last)) => (first.0, last.max(first.0 + 3600)),
        _ => (0, 86_400),
    };
    // The gaps between runs of overlapping items.
    let mut gaps: Vec<(Instant, Instant)> = Vec::new();
    let mut reach = lo;
    for &(a, b) in &items {
        if a > reach {
            gaps.push((reach, a));
        }
        reach = reach.max(b);
    }
    gaps.sort_by_key(|(a, b)| std::cmp::Reverse(b - a));
    let mut kept = hi - lo;
    let mut breaks: Vec<(Instant, Instant)> = Vec::new();
    for (a, b) in gaps.into_iter().take(MAX_BREAKS) {
        if (b - a) * 3 <= kept * 2 {
            break;
        }
        kept -= b - a;
        breaks.push((a, b));
    }
    let pad = (kept / 30).max(1800);
    // Air on both sides of a break, as at the ends of the axis.
    let mut breaks: Vec<(Instant, Instant)> = breaks
        .into_iter()
        .filter(|(a, b)| b - a > 4 * pad)
        .map(|(a, b)| (a + pad, b - pad))
        .collect();
    breaks.sort_unstable();
    Scale {
        t0: lo - pad,
        t1: hi + pad,
        width,
        breaks,
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
    // The step fits the time drawn to scale; ticks fall in each stretch
    // between breaks.
    let span = scale.kept();
    let (step, unit) = steps
        .iter()
        .copied()
        .find(|(s, _)| match s {
            Step::Seconds(n) => span / n <= 10,
            Step::Months(m) => span / (i64::from(*m) * 30 * D) <= 10,
        })
        .unwrap_or((Step::Months(1200), "decade"));
    let mut out = Vec::new();
    for (t0, t1) in scale.segments() {
        ticks_between(t0, t1, step, zone, &mut out);
    }
    (out, unit)
}

/// The ticks of `step` from `t0` to `t1`, added to `out` (at most 64 in
/// all).
fn ticks_between(
    t0: Instant,
    t1: Instant,
    step: Step,
    zone: Zone,
    out: &mut Vec<(Instant, String)>,
) {
    const D: i64 = 86_400;
    match step {
        Step::Seconds(n) => {
            // Align to the zone's midnight (weeks to Mondays), then step in
            // wall-clock time, so that a day tick stays at midnight across
            // a change to or from summer time.
            let day0 = utc(zone.to_local(t0)).date_naive();
            let mut local = Utc
                .from_utc_datetime(&day0.and_hms_opt(0, 0, 0).unwrap_or_default())
                .timestamp();
            if n == 7 * D || n == 14 * D {
                local -= i64::from(day0.weekday().num_days_from_monday()) * D;
            }
            while zone.from_local(local) < t0 {
                local += n;
            }
            loop {
                let t = zone.from_local(local);
                if t > t1 || out.len() >= 64 {
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
            let start = utc(zone.to_local(t0));
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
                if t > t1 || out.len() >= 64 {
                    break;
                }
                if t >= t0 {
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
            breaks: Vec::new(),
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
                breaks: Vec::new(),
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
            breaks: Vec::new(),
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

    #[test]
    fn a_quiet_fortnight_before_the_story_is_a_break_not_a_squeeze() {
        const D: i64 = 86_400;
        let june14 = 1_718_323_200;
        let day = |start: i64| Bounds {
            start,
            end: start + D,
        };
        // One day two weeks early, then four busy days.
        let items = [
            day(june14 - 14 * D),
            day(june14),
            day(june14 + D),
            day(june14 + 3 * D),
        ];
        let scale = span(&items, WIDTH);
        assert_eq!(scale.breaks.len(), 1, "{:?}", scale.breaks);
        let (a, b) = scale.breaks[0];
        assert!(a > june14 - 13 * D && b < june14, "{a} {b}");
        // The four days get most of the width; the break its own few pixels.
        let story = scale.x(june14 + 4 * D) - scale.x(june14);
        assert!(story > 0.6 * (WIDTH - LEFT - RIGHT), "{story}");
        assert!((scale.x(b) - scale.x(a) - BREAK).abs() < 1e-6);
        // x keeps increasing across the break.
        let xs: Vec<f64> = (0..=40)
            .map(|k| scale.x(scale.t0 + k * (scale.t1 - scale.t0) / 40))
            .collect();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{xs:?}");
        assert!((xs[40] - (WIDTH - RIGHT)).abs() < 1e-6);
        // Ticks fall on either side, none inside the break.
        let (ticks, _) = ticks(&scale, Zone::default());
        assert!(ticks.iter().all(|(t, _)| *t <= a || *t >= b));
        assert!(ticks.iter().any(|(t, _)| *t < a) && ticks.iter().any(|(t, _)| *t > b));

        // Items spread evenly, with gaps no longer than the story: no break.
        let even: Vec<Bounds> = (0..6).map(|k| day(june14 + 3 * k * D)).collect();
        assert!(span(&even, WIDTH).breaks.is_empty());
        // A two-day pause in a four-day story is part of the story.
        let pause = [day(june14), day(june14 + D), day(june14 + 3 * D)];
        assert!(span(&pause, WIDTH).breaks.is_empty());
    }
}
