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

use crate::kb::Kb;
use crate::model::{ActorIx, Bounds, Instant, Statement, Zone};
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

/// The label beside a statement's marker: its title, else the start of
/// its summary cut after a word (the lane names the speaker; the id is in
/// the tooltip), and for a joint statement (drawn once, in its first
/// signatory's lane) how many other signatories it has: `Communiqué (+3)`.
fn marker_label(s: &Statement) -> String {
    let text = s.title.as_deref().unwrap_or(&s.summary);
    let label = crate::export::cut_at_word(text, 32);
    match s.signatories.len() {
        0 | 1 => label,
        n => format!("{label} (+{})", n - 1),
    }
}

/// The name of a lane's speaker: its short name, else its name cut after a
/// word; two lanes that would read the same are told apart by what each is
/// part of ("Ministry of Foreign… (Ukraine)").
fn lane_names(kb: &Kb, actors: &[Option<ActorIx>]) -> Vec<Option<String>> {
    let short = |a: ActorIx, max: usize| {
        let actor = kb.actor(a);
        match &actor.short_name {
            Some(s) => cut(s, max),
            None => crate::export::cut_at_word(&actor.name, max),
        }
    };
    let plain: Vec<Option<String>> = actors
        .iter()
        .map(|a| a.map(|a| short(a, LANE_NAME)))
        .collect();
    actors
        .iter()
        .zip(&plain)
        .map(|(a, name)| {
            let (a, name) = (a.as_ref()?, name.as_ref()?);
            let same = plain.iter().filter(|n| n.as_ref() == Some(name)).count() > 1;
            Some(match kb.actor(*a).part_of {
                Some(p) if same => {
                    let parent = short(p, 12);
                    let room = LANE_NAME.saturating_sub(parent.chars().count() + 3).max(8);
                    format!("{} ({parent})", short(*a, room))
                }
                _ => name.clone(),
            })
        })
        .collect()
}

/// The most characters of a lane's name (the left margin's width at 12 px).
const LANE_NAME: usize = 28;

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
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

/// How a picture presents itself: a title (else what it shows, how many
/// and when), a subtitle under it, a credit line at the foot (else the
/// outlets its statements cite, and annals), and its width in pixels
/// ([`MIN_WIDTH`] to [`MAX_WIDTH`]; 1280 when not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caption {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub credit: Option<String>,
    pub width: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_names_are_short_and_never_read_the_same() {
        let text = r#"Kb(actors: [
            Actor(id: "ua", name: "Ukraine", kind: State),
            Actor(id: "ru", name: "Russia", kind: State),
            Actor(id: "mfa-ua", name: "Ministry of Foreign Affairs of Ukraine", kind: Ministry, part_of: "ua"),
            Actor(id: "mfa-ru", name: "Ministry of Foreign Affairs of Russia", kind: Ministry, part_of: "ru"),
            Actor(id: "nato", name: "North Atlantic Treaty Organization", kind: Alliance, short_name: "NATO"),
        ])"#;
        let loaded = Kb::load_files(&[("kb.ron", text.as_bytes())]);
        let kb = loaded.kb;
        let ix = |id: &str| match kb.lookup(id) {
            Some(crate::model::NodeRef::Actor(a)) => Some(a),
            _ => None,
        };
        let names = lane_names(&kb, &[ix("mfa-ua"), ix("mfa-ru"), ix("nato"), None]);
        assert_eq!(
            names,
            [
                Some("Ministry of… (Ukraine)".to_string()),
                Some("Ministry of… (Russia)".to_string()),
                Some("NATO".to_string()),
                None
            ]
        );
        for n in names.iter().flatten() {
            assert!(n.chars().count() <= LANE_NAME, "{n}");
        }
    }

    #[test]
    fn marker_labels_are_titles_or_the_summary_cut_after_a_word() {
        let text = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)], statements: [
            Statement(id: "with-title", by: "a", date: "2024", kind: Claim, title: "Not in good faith", summary: "S"),
            Statement(id: "without", by: "a", date: "2024", kind: Claim, summary: "Stoltenberg stated that Putin's stance on peace talks is not sincere"),
        ])"#;
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let label = |id: &str| match kb.lookup(id) {
            Some(crate::model::NodeRef::Statement(s)) => marker_label(kb.statement(s)),
            _ => panic!("{id} is a statement"),
        };
        assert_eq!(label("with-title"), "Not in good faith");
        assert_eq!(label("without"), "Stoltenberg stated that Putin's…");
    }

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
