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

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use unicode_width::UnicodeWidthStr;

use crate::escape::xml;
use crate::export::{group_by_speaker, select, View};
use crate::kb::Kb;
use crate::model::{ActorIx, Bounds, Instant, Stance, StatementIx};
use crate::palette;
use crate::query::Filter;

const WIDTH: f64 = 1280.0;
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
}

impl Scale {
    fn x(&self, t: Instant) -> f64 {
        let t = t.clamp(self.t0, self.t1);
        LEFT + (t - self.t0) as f64 / (self.t1 - self.t0).max(1) as f64 * (WIDTH - LEFT - RIGHT)
    }

    /// The middle of an interval, clamped to the span.
    fn mid(&self, b: Bounds) -> f64 {
        let start = b.start.max(self.t0);
        let end = b.end.min(self.t1);
        (self.x(start) + self.x(end)) / 2.0
    }
}

/// The span of the items, padded, with open ends clamped to the finite ones.
fn span(bounds: &[Bounds]) -> Scale {
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

/// Calendar-aligned ticks, at most about ten over the span.
fn ticks(scale: &Scale) -> (Vec<(Instant, String)>, &'static str) {
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
            // Align to UTC midnight (weeks to Mondays), then step.
            let day0 = utc(scale.t0).date_naive();
            let mut t = Utc
                .from_utc_datetime(&day0.and_hms_opt(0, 0, 0).unwrap_or_default())
                .timestamp();
            if n == 7 * D || n == 14 * D {
                t -= i64::from(day0.weekday().num_days_from_monday()) * D;
            }
            while t < scale.t0 {
                t += n;
            }
            while t <= scale.t1 && out.len() < 64 {
                let d = utc(t);
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
                t += n;
            }
        }
        Step::Months(m) => {
            let start = utc(scale.t0);
            let months = |y: i32, mo: u32| y * 12 + mo as i32 - 1;
            let mut k = months(start.year(), start.month());
            let m = m as i32;
            k = (k + m - 1).div_euclid(m) * m;
            loop {
                let (y, mo) = (k.div_euclid(12), k.rem_euclid(12) as u32 + 1);
                let Some(date) = NaiveDate::from_ymd_opt(y, mo, 1) else {
                    break;
                };
                let t = Utc
                    .from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                    .timestamp();
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

/// One statement placed in its lane.
struct Placed {
    s: StatementIx,
    x: f64,
    row: usize,
    label: bool,
}

struct Lane {
    actor: ActorIx,
    /// How many speakers share the lane (0: only `actor`).
    others: usize,
    statements: Vec<StatementIx>,
    placed: Vec<Placed>,
    rows: usize,
    y: f64,
}

/// Orders lanes so responses cross few lanes: by first statement, then
/// barycentre passes, keeping the order with the least total distance.
fn order_lanes(lanes: &mut [Lane], links: &BTreeMap<(ActorIx, ActorIx), usize>) {
    let cost = |order: &[ActorIx]| -> usize {
        let pos: BTreeMap<ActorIx, usize> =
            order.iter().enumerate().map(|(i, a)| (*a, i)).collect();
        links
            .iter()
            .filter_map(|((a, b), n)| Some(pos.get(a)?.abs_diff(*pos.get(b)?) * n))
            .sum()
    };
    let mut best: Vec<ActorIx> = lanes.iter().map(|l| l.actor).collect();
    let mut best_cost = cost(&best);
    let mut current = best.clone();
    for _ in 0..6 {
        let pos: BTreeMap<ActorIx, usize> =
            current.iter().enumerate().map(|(i, a)| (*a, i)).collect();
        let mut keyed: Vec<(f64, usize, ActorIx)> = current
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (sum, n) = links
                    .iter()
                    .filter_map(|((x, y), w)| match (*x == *a, *y == *a) {
                        (true, false) => Some((*pos.get(y)? as f64 * *w as f64, *w)),
                        (false, true) => Some((*pos.get(x)? as f64 * *w as f64, *w)),
                        _ => None,
                    })
                    .fold((0.0, 0), |(s, c), (v, w)| (s + v, c + w));
                let key = if n == 0 {
                    i as f64
                } else {
                    (sum / n as f64 + i as f64) / 2.0
                };
                (key, i, *a)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        current = keyed.into_iter().map(|(_, _, a)| a).collect();
        let c = cost(&current);
        if c < best_cost {
            best_cost = c;
            best = current.clone();
        }
    }
    lanes.sort_by_key(|l| best.iter().position(|a| *a == l.actor));
}

/// The timeline of the filtered KB as an SVG document.
pub fn svg(kb: &Kb, filter: &Filter) -> String {
    let sel = select(kb, View::Timeline, filter);
    let dense = sel.statements.len() > DENSE;
    let r = if dense { 2.0 } else { R };
    let mut bounds: Vec<Bounds> = sel
        .statements
        .iter()
        .map(|s| kb.statement(*s).date.bounds())
        .collect();
    bounds.extend(sel.events.iter().map(|e| kb.event(*e).date.bounds()));
    let scale = span(&bounds);

    // Lanes, in order of first statement.
    let mut lanes: Vec<Lane> = group_by_speaker(kb, &sel.statements, filter)
        .into_iter()
        .map(|(actor, statements)| Lane {
            actor,
            others: 0,
            statements,
            placed: vec![],
            rows: 1,
            y: 0.0,
        })
        .collect();
    // Too many lanes: the least active speakers share the last one.
    let merged = if lanes.len() > MAX_LANES {
        let first: BTreeMap<StatementIx, usize> = sel
            .statements
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i))
            .collect();
        lanes.sort_by(|a, b| {
            b.statements
                .len()
                .cmp(&a.statements.len())
                .then(first[&a.statements[0]].cmp(&first[&b.statements[0]]))
        });
        let rest = lanes.split_off(MAX_LANES - 1);
        lanes.sort_by_key(|l| first[&l.statements[0]]);
        let mut statements: Vec<StatementIx> = rest
            .iter()
            .flat_map(|l| l.statements.iter().copied())
            .collect();
        statements.sort_by_key(|s| first[s]);
        Some(Lane {
            actor: rest[0].actor,
            others: rest.len(),
            statements,
            placed: vec![],
            rows: 1,
            y: 0.0,
        })
    } else {
        None
    };
    let mut lane_of: BTreeMap<StatementIx, ActorIx> = BTreeMap::new();
    for l in lanes.iter().chain(merged.iter()) {
        for s in &l.statements {
            lane_of.insert(*s, l.actor);
        }
    }
    let mut links: BTreeMap<(ActorIx, ActorIx), usize> = BTreeMap::new();
    let mut responses = 0;
    for &s in &sel.statements {
        for resp in &kb.statement(s).responds_to {
            if let Some(t) = lane_of.get(&resp.to) {
                responses += 1;
                *links.entry((lane_of[&s], *t)).or_default() += 1;
            }
        }
    }
    order_lanes(&mut lanes, &links);
    lanes.extend(merged);
    let binned = sel.statements.len() > BINNED;

    // Rows within lanes: a marker and its label take the first free row.
    let mut elided = 0;
    for lane in &mut lanes {
        let mut ends: Vec<f64> = Vec::new();
        let mut order = lane.statements.clone();
        order.sort_by(|a, b| {
            scale
                .mid(kb.statement(*a).date.bounds())
                .total_cmp(&scale.mid(kb.statement(*b).date.bounds()))
                .then(a.cmp(b))
        });
        for s in order {
            let x = scale.mid(kb.statement(s).date.bounds());
            if dense {
                if !binned {
                    lane.placed.push(Placed {
                        s,
                        x,
                        row: 0,
                        label: false,
                    });
                }
                continue;
            }
            let need = r + 4.0 + text_width(&cut(&kb.statement(s).id, 32), 10.0) + 8.0;
            let free = ends.iter().position(|e| *e <= x - r - 2.0);
            let (row, label) = match free {
                Some(row) => (row, true),
                None if ends.len() < MAX_ROWS => {
                    ends.push(f64::MIN);
                    (ends.len() - 1, true)
                }
                None => {
                    elided += 1;
                    let row = ends
                        .iter()
                        .enumerate()
                        .min_by(|a, b| a.1.total_cmp(b.1))
                        .map_or(0, |(i, _)| i);
                    (row, false)
                }
            };
            ends[row] = ends[row].max(if label { x + need } else { x + r + 2.0 });
            lane.placed.push(Placed { s, x, row, label });
        }
        lane.rows = ends.len().max(1);
    }

    // Event bars: rows of non-overlapping bars with their labels; past
    // MAX_EVENT_LABELS events, bars alone, and past MAX_EVENT_ROWS rows a bar
    // shares the row that frees up first.
    let labelled_events = sel.events.len() <= MAX_EVENT_LABELS;
    let mut event_rows: Vec<f64> = Vec::new();
    let mut bars = Vec::new();
    for &e in &sel.events {
        let ev = kb.event(e);
        let b = ev.date.bounds();
        let (x0, x1) = (scale.x(b.start.max(scale.t0)), scale.x(b.end.min(scale.t1)));
        let x1 = x1.max(x0 + 4.0);
        let label = if labelled_events {
            cut(&ev.name, 40)
        } else {
            String::new()
        };
        let end = if labelled_events {
            x1.max(x0 + text_width(&label, 10.0) + 10.0) + 6.0
        } else {
            x1 + 2.0
        };
        let row = match event_rows.iter().position(|e| *e <= x0) {
            Some(r) => r,
            None if event_rows.len() < MAX_EVENT_ROWS => {
                event_rows.push(0.0);
                event_rows.len() - 1
            }
            None => event_rows
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i),
        };
        event_rows[row] = event_rows[row].max(end);
        bars.push((e, x0, x1, row, label));
    }

    // Vertical layout.
    let mut y = TOP + 8.0;
    let events_y = y;
    if !bars.is_empty() {
        y += event_rows.len() as f64 * 22.0 + 2.0 * LANE_PAD;
    }
    for lane in &mut lanes {
        lane.y = y;
        y += lane.rows as f64 * ROW + 2.0 * LANE_PAD;
    }
    let plot_bottom = y;
    let legend_y = plot_bottom + 24.0;
    let height = legend_y + 40.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" font-family="DejaVu Sans" font-size="{FONT}">"#
    );
    out.push_str("<defs>\n");
    for s in Stance::ALL {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            s.as_str().to_lowercase(),
            palette::stance(*s)
        );
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );

    // Title.
    let range = match (
        crate::output::json::instant(scale.t0),
        crate::output::json::instant(scale.t1),
    ) {
        (Some(a), Some(b)) => format!("{} – {}", &a[..10], &b[..10]),
        _ => String::new(),
    };
    let title = format!(
        "Timeline · {} statement{}, {} event{} · {range}",
        sel.statements.len(),
        if sel.statements.len() == 1 { "" } else { "s" },
        sel.events.len(),
        if sel.events.len() == 1 { "" } else { "s" },
    );
    let _ = writeln!(
        out,
        r#"<text x="20" y="30" font-size="17" fill="{}">{}</text>"#,
        palette::INK,
        xml(&title)
    );

    // Axis and grid.
    let (ticks, unit) = ticks(&scale);
    let mut last_label_end = f64::MIN;
    for (t, label) in &ticks {
        let x = scale.x(*t);
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{plot_bottom:.1}" stroke="{}" stroke-width="1"/>"#,
            TOP - 4.0,
            palette::GRID
        );
        let w = text_width(label, 10.0);
        if x - w / 2.0 > last_label_end + 6.0 && x + w / 2.0 <= WIDTH {
            let _ = writeln!(
                out,
                r#"<text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="{}">{}</text>"#,
                TOP - 10.0,
                palette::MUTED,
                xml(label)
            );
            last_label_end = x + w / 2.0;
        }
    }
    let _ = writeln!(
        out,
        r#"<text x="20" y="{:.1}" font-size="10" fill="{}">ticks: {unit}s (UTC)</text>"#,
        TOP - 10.0,
        palette::MUTED
    );

    // Event lane.
    if !bars.is_empty() {
        let h = event_rows.len() as f64 * 22.0 + 2.0 * LANE_PAD;
        let _ = writeln!(
            out,
            r##"<rect x="0" y="{events_y:.1}" width="{WIDTH:.0}" height="{h:.1}" fill="#f4f6f6"/>"##
        );
        let _ = writeln!(
            out,
            r#"<text x="20" y="{:.1}" font-size="12" fill="{}">Events</text>"#,
            events_y + LANE_PAD + 14.0,
            palette::INK
        );
        for (e, x0, x1, row, label) in &bars {
            let ev = kb.event(*e);
            let by = events_y + LANE_PAD + *row as f64 * 22.0 + 3.0;
            let dashed = if ev.date.is_qualified() {
                r#" stroke-dasharray="3,2""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<rect x="{x0:.1}" y="{by:.1}" width="{:.1}" height="14" rx="3" fill="{}" fill-opacity="0.35" stroke="{}"{dashed}><title>{}</title></rect>"#,
                x1 - x0,
                palette::EVENT,
                palette::EVENT,
                xml(&format!("{} ({}, {})", ev.name, ev.kind, ev.date))
            );
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{}">{}</text>"#,
                x0 + 4.0,
                by + 11.0,
                palette::INK,
                xml(label)
            );
        }
    }

    // Lanes.
    let mut pos: BTreeMap<StatementIx, (f64, f64)> = BTreeMap::new();
    for (i, lane) in lanes.iter().enumerate() {
        let h = lane.rows as f64 * ROW + 2.0 * LANE_PAD;
        let fill = palette::LANES[i % palette::LANES.len()];
        let _ = writeln!(
            out,
            r#"<rect x="0" y="{:.1}" width="{WIDTH:.0}" height="{h:.1}" fill="{fill}" fill-opacity="0.6"/>"#,
            lane.y
        );
        let name = if lane.others > 0 {
            format!("Other speakers ({})", lane.others)
        } else {
            cut(&kb.actor(lane.actor).name, 28)
        };
        let _ = writeln!(
            out,
            r#"<text x="20" y="{:.1}" font-size="12" fill="{}">{}</text>"#,
            lane.y + LANE_PAD + 14.0,
            palette::INK,
            xml(&name)
        );
        for p in &lane.placed {
            pos.insert(
                p.s,
                (p.x, lane.y + LANE_PAD + p.row as f64 * ROW + ROW / 2.0),
            );
        }
    }

    // Density strips: statements per two pixels of time, shaded by count.
    if binned {
        for lane in &lanes {
            let mut bins: BTreeMap<i64, usize> = BTreeMap::new();
            for s in &lane.statements {
                *bins
                    .entry((scale.mid(kb.statement(*s).date.bounds()) / 2.0) as i64)
                    .or_default() += 1;
            }
            let most = bins.values().copied().max().unwrap_or(1) as f64;
            for (bin, n) in bins {
                let _ = writeln!(
                    out,
                    r#"<rect x="{}" y="{:.1}" width="2" height="{:.1}" fill="{}" fill-opacity="{:.2}"><title>{n}</title></rect>"#,
                    bin * 2,
                    lane.y + LANE_PAD + 2.0,
                    ROW - 4.0,
                    palette::INK,
                    0.15 + 0.85 * (n as f64 / most).sqrt()
                );
            }
        }
    }

    // Arrows under the markers.
    let mut arrows_drawn = 0;
    if responses <= MAX_ARROWS && !binned {
        for &s in &sel.statements {
            for resp in &kb.statement(s).responds_to {
                let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(&s), pos.get(&resp.to)) else {
                    continue;
                };
                // Bulge to the left: labels are on the right of markers.
                let bulge = -(24.0 + (y2 - y1).abs() * 0.15);
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                // Stop at the target marker's edge.
                let (ex, ey) = (x2 - dx / len * (r + 1.0), y2 - dy / len * (r + 1.0));
                let color = palette::stance(resp.stance);
                let (width, opacity) = if dense { (0.5, 0.3) } else { (1.4, 0.8) };
                let _ = writeln!(
                    out,
                    r#"<path d="M{x1:.1},{y1:.1} C{:.1},{:.1} {:.1},{:.1} {ex:.1},{ey:.1}" fill="none" stroke="{color}" stroke-width="{width}" stroke-opacity="{opacity}" marker-end="url(#arrow-{})"/>"#,
                    x1 + bulge,
                    y1 + dy * 0.25,
                    x2 + bulge,
                    y2 - dy * 0.25,
                    resp.stance.as_str().to_lowercase()
                );
                arrows_drawn += 1;
            }
        }
    }

    // Markers and labels.
    for lane in &lanes {
        for p in &lane.placed {
            let st = kb.statement(p.s);
            let (x, y) = pos[&p.s];
            let b = st.date.bounds();
            let (bx0, bx1) = (scale.x(b.start), scale.x(b.end));
            if bx1 - bx0 > 2.0 * r + 2.0 {
                let _ = writeln!(
                    out,
                    r#"<rect x="{bx0:.1}" y="{:.1}" width="{:.1}" height="3" rx="1.5" fill="{}" fill-opacity="0.12"/>"#,
                    y - 1.5,
                    bx1 - bx0,
                    palette::INK
                );
            }
            let tip = xml(&format!(
                "{} · {} · {}: {}",
                st.id, st.date, st.kind, st.summary
            ));
            if st.date.is_qualified() {
                let _ = writeln!(
                    out,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="#ffffff" stroke="{}" stroke-width="1.5" stroke-dasharray="2,1.5"><title>{tip}</title></circle>"##,
                    palette::INK
                );
            } else {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{}"><title>{tip}</title></circle>"#,
                    palette::INK
                );
            }
            if p.label {
                let _ = writeln!(
                    out,
                    r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="{}" stroke="#ffffff" stroke-width="3" stroke-opacity="0.8" paint-order="stroke">{}</text>"##,
                    x + r + 4.0,
                    y + 3.5,
                    palette::INK,
                    xml(&cut(&st.id, 32))
                );
            }
        }
    }

    // Legend: one entry per stance drawn, then the marker kinds.
    enum Key {
        Line(&'static str),
        Dot,
        Hollow,
        Bar,
    }
    let used: std::collections::BTreeSet<Stance> = sel
        .statements
        .iter()
        .flat_map(|s| {
            kb.statement(*s)
                .responds_to
                .iter()
                .filter(|r| pos.contains_key(&r.to))
                .map(|r| r.stance)
        })
        .collect();
    let mut keys: Vec<(Key, String)> = used
        .iter()
        .map(|s| (Key::Line(palette::stance(*s)), s.as_str().to_lowercase()))
        .collect();
    keys.push((Key::Dot, "statement".into()));
    keys.push((Key::Hollow, "uncertain or approximate date".into()));
    if !bars.is_empty() {
        keys.push((Key::Bar, "event".into()));
    }
    let (mut lx, ly) = (20.0, legend_y);
    for (key, text) in &keys {
        let _ = match key {
            Key::Line(c) => writeln!(
                out,
                r#"<line x1="{lx:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{c}" stroke-width="2"/>"#,
                lx + 20.0
            ),
            Key::Dot => writeln!(
                out,
                r#"<circle cx="{:.1}" cy="{ly:.1}" r="5" fill="{}"/>"#,
                lx + 10.0,
                palette::INK
            ),
            Key::Hollow => writeln!(
                out,
                r##"<circle cx="{:.1}" cy="{ly:.1}" r="5" fill="#ffffff" stroke="{}" stroke-width="1.5" stroke-dasharray="2,1.5"/>"##,
                lx + 10.0,
                palette::INK
            ),
            Key::Bar => writeln!(
                out,
                r#"<rect x="{lx:.1}" y="{:.1}" width="20" height="10" rx="2" fill="{}" fill-opacity="0.35" stroke="{}"/>"#,
                ly - 5.0,
                palette::EVENT,
                palette::EVENT
            ),
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{}">{}</text>"#,
            lx + 26.0,
            ly + 4.0,
            palette::INK,
            xml(text)
        );
        lx += 26.0 + text_width(text, 10.0) + 18.0;
    }
    let mut notes = Vec::new();
    if elided > 0 {
        notes.push(format!(
            "{elided} label{} left out for room",
            if elided == 1 { "" } else { "s" }
        ));
    }
    if binned {
        notes.push(format!("over {BINNED} statements: each lane shows how many statements fall in each moment (darker: more)"));
    } else if dense {
        notes.push(format!("over {DENSE} statements: labels left out"));
    }
    if !labelled_events {
        notes.push(format!(
            "over {MAX_EVENT_LABELS} events: event names left out (hover a bar in the SVG)"
        ));
    }
    if let Some(m) = lanes.iter().find(|l| l.others > 0) {
        notes.push(format!(
            "the {} least active speakers share the last lane",
            m.others
        ));
    }
    if responses > arrows_drawn {
        notes.push(format!("{} responses not drawn", responses - arrows_drawn));
    }
    if !notes.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="20" y="{:.1}" font-size="10" fill="{}">{}</text>"#,
            ly + 24.0,
            palette::MUTED,
            xml(&notes.join(" · "))
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale_of(days: i64) -> Scale {
        Scale {
            t0: 1_718_323_200,
            t1: 1_718_323_200 + days * 86_400,
        }
    }

    #[test]
    fn ticks_follow_the_span() {
        let (t, unit) = ticks(&Scale {
            t0: 1_718_323_200,
            t1: 1_718_323_200 + 20 * 3600,
        });
        assert_eq!(unit, "hour");
        assert!(t.len() <= 11 && t.len() >= 3, "{t:?}");
        assert_eq!(ticks(&scale_of(8)).1, "day");
        assert_eq!(ticks(&scale_of(60)).1, "week");
        assert_eq!(ticks(&scale_of(250)).1, "month");
        assert_eq!(ticks(&scale_of(6 * 365)).1, "year");
        assert_eq!(ticks(&scale_of(80 * 365)).1, "decade");
    }

    #[test]
    fn month_ticks_start_on_the_first() {
        let (t, _) = ticks(&scale_of(250));
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
