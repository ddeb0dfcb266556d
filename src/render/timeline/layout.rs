//! The timeline's layout: lanes, rows, bars, ticks, markers and arrows as
//! plain data (positions in pixels), computed from the KB before anything is
//! drawn, so tests can check it (no overlaps, inside the canvas) without
//! reading SVG.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    lane_names, marker_label, span, text_width, ticks, Scale, BINNED, DENSE, LANE_PAD, LEFT,
    MAX_ARROWS, MAX_EVENT_LABELS, MAX_EVENT_ROWS, MAX_LANES, MAX_ROWS, R, ROW, TOP,
};
use crate::export::{group_by_speaker, select, Selection, View};
use crate::kb::Kb;
use crate::model::{ActorIx, Answered, Bounds, EventIx, Stance, StatementIx, Zone};
use crate::query::Filter;

/// One statement placed in its lane.
pub(super) struct Placed {
    pub s: StatementIx,
    pub x: f64,
    pub row: usize,
    pub label: bool,
    /// The label is left of the marker (near the right edge, where it
    /// would leave the canvas on the right).
    pub left: bool,
}

#[cfg(test)]
impl Placed {
    /// Where the marker and its label, if drawn, start and end.
    pub fn span(&self, label_width: f64, r: f64) -> (f64, f64) {
        match (self.label, self.left) {
            (false, _) => (self.x - r, self.x + r),
            (true, false) => (self.x - r, self.x + r + 4.0 + label_width),
            (true, true) => (self.x - r - 4.0 - label_width, self.x + r),
        }
    }
}

pub(super) struct Lane {
    pub actor: ActorIx,
    /// How many speakers share the lane (0: only `actor`).
    pub others: usize,
    pub statements: Vec<StatementIx>,
    pub placed: Vec<Placed>,
    pub rows: usize,
    pub y: f64,
    /// The lane's name, in one or two lines that fit the left margin.
    pub name: Vec<String>,
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

/// An event bar: its event, its left and right x, its row, its label.
pub(super) struct Bar {
    pub event: EventIx,
    pub x0: f64,
    pub x1: f64,
    pub row: usize,
    pub label: String,
    /// Where the label starts: inside the bar when it fits there, else
    /// after the bar, or before it near the right edge.
    pub label_x: f64,
}

/// A tick of the time axis, and whether its label has room.
pub(super) struct Tick {
    pub x: f64,
    pub label: String,
    pub shown: bool,
}

/// A response arrow: a cubic curve from the responding marker to the edge
/// of the target's.
#[derive(Debug, Clone, Copy)]
pub(super) struct Arrow {
    pub from: (f64, f64),
    pub c1: (f64, f64),
    pub c2: (f64, f64),
    pub to: (f64, f64),
    pub stance: Stance,
}

/// Everything the drawing needs, positioned.
pub(super) struct Layout {
    pub sel: Selection,
    pub scale: Scale,
    /// Small unlabelled markers, faint arrows.
    pub dense: bool,
    /// Lanes are density strips.
    pub binned: bool,
    /// The marker radius.
    pub r: f64,
    pub ticks: Vec<Tick>,
    pub unit: &'static str,
    /// The breaks in the axis: where each is drawn, and how much time it
    /// leaves out ("13 days").
    pub breaks: Vec<(f64, f64, String)>,
    /// The zone of the axis.
    pub zone: Zone,
    pub bars: Vec<Bar>,
    pub event_rows: usize,
    pub labelled_events: bool,
    pub events_y: f64,
    pub lanes: Vec<Lane>,
    /// Each placed statement's marker centre.
    pub pos: BTreeMap<StatementIx, (f64, f64)>,
    pub arrows: Vec<Arrow>,
    /// Responses between drawn statements, drawn as arrows or not.
    pub responses: usize,
    /// The stances of the responses between drawn statements.
    pub stances: BTreeSet<Stance>,
    /// Labels left out for room.
    pub elided: usize,
    pub plot_bottom: f64,
    pub legend_y: f64,
    pub height: f64,
}

/// Lays out the timeline of the filtered KB.
pub(super) fn layout(kb: &Kb, filter: &Filter, zone: Zone, width: f64) -> Layout {
    let sel = select(kb, View::Timeline, filter);
    let dense = sel.statements.len() > DENSE;
    let r = if dense { 2.0 } else { R };
    let mut bounds: Vec<Bounds> = sel
        .statements
        .iter()
        .map(|s| kb.statement(*s).when)
        .collect();
    bounds.extend(sel.events.iter().map(|e| kb.event(*e).date.bounds()));
    let scale = span(&bounds, width);

    // Lanes, in order of first statement.
    let mut lanes: Vec<Lane> = group_by_speaker(kb, &sel.statements, filter)
        .into_iter()
        .map(|(actor, statements)| Lane {
            actor,
            others: 0,
            statements,
            placed: vec![],
            rows: 1,
            name: Vec::new(),
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
            name: Vec::new(),
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
        for (to, _) in kb.statement(s).statement_responses() {
            if let Some(t) = lane_of.get(&to) {
                responses += 1;
                *links.entry((lane_of[&s], *t)).or_default() += 1;
            }
        }
        responses += kb
            .statement(s)
            .responds_to
            .iter()
            .filter(|r| matches!(r.to, Answered::Event(e) if sel.events.contains(&e)))
            .count();
    }
    order_lanes(&mut lanes, &links);
    lanes.extend(merged);
    let binned = sel.statements.len() > BINNED;

    // Rows within lanes: a marker and its label take the first free row.
    // Statements that share an interval split it (`export::spread`).
    let spread = crate::export::spread(kb, &sel.statements);
    let at = |s: StatementIx| match spread.get(&s) {
        Some(t) => scale.xf(*t),
        None => scale.mid(kb.statement(s).when),
    };
    let mut elided = 0;
    for lane in &mut lanes {
        let mut ends: Vec<f64> = Vec::new();
        // The last statement placed in each row, by index in `lane.placed`.
        let mut last: Vec<usize> = Vec::new();
        let mut order = lane.statements.clone();
        order.sort_by(|a, b| at(*a).total_cmp(&at(*b)).then(a.cmp(b)));
        for s in order {
            let x = at(s);
            if dense {
                if !binned {
                    lane.placed.push(Placed {
                        s,
                        x,
                        row: 0,
                        label: false,
                        left: false,
                    });
                }
                continue;
            }
            let tw = text_width(&marker_label(kb.statement(s)), 10.0);
            let need = r + 4.0 + tw + 8.0;
            // Near the right edge the label goes left of the marker, so it
            // never leaves the canvas; the row must then be free from where
            // the label starts.
            let left = x + need > width - 4.0;
            let start = if left {
                x - r - 4.0 - tw - 6.0
            } else {
                x - r - 2.0
            };
            let free = ends.iter().position(|e| *e <= start);
            let (row, label) = match free {
                Some(row) => (row, true),
                None if ends.len() < MAX_ROWS => {
                    ends.push(f64::MIN);
                    last.push(usize::MAX);
                    (ends.len() - 1, true)
                }
                None => {
                    // No room for a label: the marker goes to the row that
                    // frees up first, and if a label still runs there, that
                    // label is left out too, so no marker covers text.
                    elided += 1;
                    let row = ends
                        .iter()
                        .enumerate()
                        .min_by(|a, b| a.1.total_cmp(b.1))
                        .map_or(0, |(i, _)| i);
                    if let Some(prev) = lane.placed.get_mut(last[row]) {
                        if prev.label && ends[row] > x - r - 2.0 {
                            prev.label = false;
                            elided += 1;
                            ends[row] = prev.x + r + 2.0;
                        }
                    }
                    (row, false)
                }
            };
            let end = if label && !left {
                x + need
            } else {
                x + r + 2.0
            };
            ends[row] = ends[row].max(end);
            last[row] = lane.placed.len();
            lane.placed.push(Placed {
                s,
                x,
                row,
                label,
                left: label && left,
            });
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
            crate::export::cut_at_word(&ev.name, 60)
        } else {
            String::new()
        };
        // The label inside its bar when it fits, else after the bar, else
        // (at the right edge) before it; the row is taken from where the
        // bar or its label starts to where either ends.
        let tw = text_width(&label, 10.0);
        let (label_x, start, end) = if !labelled_events {
            (x0, x0, x1 + 2.0)
        } else if tw + 8.0 <= x1 - x0 {
            (x0 + 4.0, x0, x1 + 6.0)
        } else if x1 + 4.0 + tw <= width - 4.0 {
            (x1 + 4.0, x0, x1 + 4.0 + tw + 6.0)
        } else {
            let lx = (x0 - 4.0 - tw).max(4.0);
            (lx, lx, x1 + 6.0)
        };
        let row = match event_rows.iter().position(|e| *e <= start) {
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
        bars.push(Bar {
            event: e,
            x0,
            x1,
            row,
            label,
            label_x,
        });
    }

    // Lane names: short, told apart, wrapped to two lines of the margin
    // (a lane grows to two rows for them).
    let speakers: Vec<Option<ActorIx>> = lanes
        .iter()
        .map(|l| (l.others == 0).then_some(l.actor))
        .collect();
    for (lane, name) in lanes.iter_mut().zip(lane_names(kb, &speakers)) {
        let name = name.unwrap_or_else(|| format!("Other speakers ({})", lane.others));
        lane.name = fit_lines(&name, 12.0, LEFT - 30.0, 2);
        if lane.name.len() > 1 {
            lane.rows = lane.rows.max(2);
        }
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

    // Tick labels that would collide with the previous one are thinned.
    let (tick_times, unit) = ticks(&scale, zone);
    let mut last_label_end = f64::MIN;
    let ticks = tick_times
        .into_iter()
        .map(|(t, label)| {
            let x = scale.x(t);
            let w = text_width(&label, 10.0);
            let shown = x - w / 2.0 > last_label_end + 6.0 && x + w / 2.0 <= width;
            if shown {
                last_label_end = x + w / 2.0;
            }
            Tick { x, label, shown }
        })
        .collect();

    // Marker centres.
    let mut pos: BTreeMap<StatementIx, (f64, f64)> = BTreeMap::new();
    for lane in &lanes {
        for p in &lane.placed {
            pos.insert(
                p.s,
                (p.x, lane.y + LANE_PAD + p.row as f64 * ROW + ROW / 2.0),
            );
        }
    }

    // Where a response to an event ends: under its bar, straight above
    // the responding statement where the bar spans it.
    let bar_at: BTreeMap<EventIx, (f64, f64, f64)> = bars
        .iter()
        .map(|b| {
            let bottom = events_y + LANE_PAD + b.row as f64 * 22.0 + 17.0;
            (b.event, (b.x0, b.x1, bottom))
        })
        .collect();
    // The point a response ends at, and how far short of it the arrow
    // stops (a statement's marker radius; nothing for a bar).
    let target = |from_x: f64, to: Answered| match to {
        Answered::Statement(t) => pos.get(&t).map(|&(x, y)| (x, y, r + 1.0)),
        Answered::Event(e) => bar_at
            .get(&e)
            .map(|&(x0, x1, bottom)| (from_x.clamp(x0, x1), bottom + 1.0, 0.0)),
    };

    // Arrows, bulging to the left (labels are on the right of markers).
    // Several into one target fan in: each ends at its own point of the
    // marker's left edge (about 9 px apart, tilted toward the side it
    // comes from) or of the bar's foot (at least 8 px apart), arriving
    // straight at it, so no two arrowheads stack and none comes in over
    // the target's label.
    let mut arrows = Vec::new();
    if responses <= MAX_ARROWS && !binned {
        // The markers that answer each target, with their stances.
        type Sources = Vec<((f64, f64), Stance)>;
        let mut into: BTreeMap<Answered, Sources> = BTreeMap::new();
        for &s in &sel.statements {
            let Some(&from) = pos.get(&s) else {
                continue;
            };
            for resp in &kb.statement(s).responds_to {
                if target(from.0, resp.to).is_some() {
                    into.entry(resp.to).or_default().push((from, resp.stance));
                }
            }
        }
        for (to, mut sources) in into {
            let ends: Vec<((f64, f64), (f64, f64))> = match to {
                Answered::Statement(_) => {
                    let Some((x2, y2, stop)) = target(0.0, to) else {
                        continue;
                    };
                    // From the left (labels are on the right), tilted
                    // toward the source's side.
                    let toward = |(_, y): (f64, f64)| {
                        std::f64::consts::PI - 0.7 * ((y - y2) / 40.0).clamp(-1.0, 1.0)
                    };
                    sources.sort_by(|a, b| toward(a.0).total_cmp(&toward(b.0)));
                    let wanted: Vec<f64> = sources.iter().map(|(f, _)| toward(*f)).collect();
                    // Ends about 9 px apart, all on the left half: many
                    // end on a wider circle.
                    let stop = stop.max(9.0 * (wanted.len().max(1) - 1) as f64 / 2.6);
                    let gap = 9.0 / stop;
                    let mut angles = wanted.clone();
                    for i in 1..angles.len() {
                        angles[i] = angles[i].max(angles[i - 1] + gap);
                    }
                    use std::f64::consts::FRAC_PI_2;
                    let (first, last) = (angles[0], angles[angles.len() - 1]);
                    let shift = ((wanted.iter().sum::<f64>() - angles.iter().sum::<f64>())
                        / angles.len() as f64)
                        .clamp(FRAC_PI_2 + 0.15 - first, 3.0 * FRAC_PI_2 - 0.15 - last);
                    angles
                        .iter()
                        .map(|a| {
                            let (c, s) = ((a + shift).cos(), (a + shift).sin());
                            (
                                (x2 + c * stop, y2 + s * stop),
                                (x2 + c * (stop + 30.0), y2 + s * (stop + 30.0)),
                            )
                        })
                        .collect()
                }
                Answered::Event(_) => {
                    sources.sort_by(|a, b| a.0 .0.total_cmp(&b.0 .0));
                    let mut last = f64::MIN;
                    sources
                        .iter()
                        .filter_map(|(from, _)| {
                            let (x2, y2, _) = target(from.0, to)?;
                            let x = x2.max(last + 8.0);
                            last = x;
                            Some(((x, y2), (x, y2 + 22.0 + (from.1 - y2).abs() * 0.2)))
                        })
                        .collect()
                }
            };
            for (((x1, y1), stance), (end, c2)) in sources.into_iter().zip(ends) {
                let bulge = -(24.0 + (end.1 - y1).abs() * 0.15);
                arrows.push(Arrow {
                    from: (x1, y1),
                    c1: (x1 + bulge, y1 + (end.1 - y1) * 0.25),
                    c2,
                    to: end,
                    stance,
                });
            }
        }
    }
    // Arrows routed around the labels: of a few bulges, each arrow takes
    // the one whose curve crosses the fewest labels.
    if !dense {
        let boxes: Vec<Box2> = lanes
            .iter()
            .flat_map(|lane| lane.placed.iter().filter(|p| p.label))
            .map(|p| {
                let (x, y) = pos[&p.s];
                let w = text_width(&marker_label(kb.statement(p.s)), 10.0);
                let (x0, x1) = if p.left {
                    (x - r - 4.0 - w, x - r - 4.0)
                } else {
                    (x + r + 4.0, x + r + 4.0 + w)
                };
                (x0, y - 5.5, x1, y + 4.5)
            })
            .collect();
        for arrow in &mut arrows {
            route(arrow, &boxes);
        }
    }
    let stances = sel
        .statements
        .iter()
        .flat_map(|s| {
            kb.statement(*s)
                .responds_to
                .iter()
                .filter(|resp| target(0.0, resp.to).is_some())
                .map(|resp| resp.stance)
        })
        .collect();

    let breaks = scale
        .breaks
        .iter()
        .map(|&(a, b)| (scale.x(a), scale.x(b), skipped(b - a)))
        .collect();
    Layout {
        breaks,
        sel,
        scale,
        dense,
        binned,
        r,
        ticks,
        unit,
        zone,
        bars,
        event_rows: event_rows.len(),
        labelled_events,
        events_y,
        lanes,
        pos,
        arrows,
        responses,
        stances,
        elided,
        plot_bottom,
        legend_y,
        height,
    }
}

/// `text` wrapped at words into at most `lines` lines that each fit
/// `room` pixels at `size` (the last cut after a word with `…`).
fn fit_lines(text: &str, size: f64, room: f64, lines: usize) -> Vec<String> {
    let mut chars = text.chars().count().max(1);
    loop {
        let wrapped = crate::export::wrap(text, chars, lines);
        if chars <= 6 || wrapped.iter().all(|l| text_width(l, size) <= room) {
            return wrapped;
        }
        chars -= 1;
    }
}

/// How much time a break in the axis leaves out, in round words.
fn skipped(seconds: i64) -> String {
    let days = seconds / 86_400;
    let (n, unit) = match days {
        0 => (seconds / 3600, "hour"),
        1..=60 => (days, "day"),
        61..=730 => (days / 30, "month"),
        _ => (days / 365, "year"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A box on the picture: left, top, right, bottom.
type Box2 = (f64, f64, f64, f64);

/// The point of an arrow's cubic curve at `t` (0 to 1).
fn point(a: &Arrow, t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (b0, b1, b2, b3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        b0 * a.from.0 + b1 * a.c1.0 + b2 * a.c2.0 + b3 * a.to.0,
        b0 * a.from.1 + b1 * a.c1.1 + b2 * a.c2.1 + b3 * a.to.1,
    )
}

/// How many of 24 points along the arrow (its ends aside) fall on a label.
fn crossings(a: &Arrow, boxes: &[Box2]) -> usize {
    (1..24)
        .map(|k| point(a, f64::from(k) / 24.0))
        .filter(|(x, y)| {
            boxes
                .iter()
                .any(|(x0, y0, x1, y1)| x >= x0 && x <= x1 && y >= y0 && y <= y1)
        })
        .count()
}

/// Bends an arrow around labels: its control points are pushed across it
/// (the first more than the second, so it still arrives as it did) or the
/// first further left, until the curve crosses the fewest labels; the
/// first of equals wins, so an arrow that crosses none keeps its shape.
fn route(arrow: &mut Arrow, boxes: &[Box2]) {
    let near: Vec<Box2> = {
        let xs = [arrow.from.0, arrow.c1.0, arrow.c2.0, arrow.to.0];
        let ys = [arrow.from.1, arrow.c1.1, arrow.c2.1, arrow.to.1];
        let (lo_x, hi_x) = (
            xs.iter().copied().fold(f64::MAX, f64::min) - 200.0,
            xs.iter().copied().fold(f64::MIN, f64::max) + 80.0,
        );
        let (lo_y, hi_y) = (
            ys.iter().copied().fold(f64::MAX, f64::min),
            ys.iter().copied().fold(f64::MIN, f64::max),
        );
        boxes
            .iter()
            .copied()
            .filter(|(x0, y0, x1, y1)| *x1 >= lo_x && *x0 <= hi_x && *y1 >= lo_y && *y0 <= hi_y)
            .collect()
    };
    if near.is_empty() {
        return;
    }
    let base = *arrow;
    // Across the arrow (its normal), and further to the left.
    let (dx, dy) = (base.to.0 - base.from.0, base.to.1 - base.from.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let normal = (-dy / len, dx / len);
    let across = [30.0, -30.0, 60.0, -60.0, 110.0, -110.0].map(|k| {
        (
            (normal.0 * k, normal.1 * k),
            (normal.0 * k * 0.3, normal.1 * k * 0.3),
        )
    });
    let left = [-40.0, -90.0, -160.0].map(|k| ((k, 0.0), (0.0, 0.0)));
    let mut best = (crossings(&base, &near), base);
    for ((x1, y1), (x2, y2)) in across.into_iter().chain(left) {
        if best.0 == 0 {
            break;
        }
        let mut a = base;
        a.c1 = (a.c1.0 + x1, a.c1.1 + y1);
        a.c2 = (a.c2.0 + x2, a.c2.1 + y2);
        let n = crossings(&a, &near);
        if n < best.0 {
            best = (n, a);
        }
    }
    *arrow = best.1;
}

#[cfg(test)]
mod tests {
    use super::super::{LEFT, RIGHT, WIDTH};
    use super::*;

    /// A KB of `n` statements by three speakers on two days, each answering
    /// the one before: crowded lanes.
    fn crowded(n: usize) -> Kb {
        let mut text = String::from(
            "Kb(actors: [Actor(id: \"m\", name: \"M\", kind: Media), Actor(id: \"a\", name: \"A\", kind: Person), Actor(id: \"b\", name: \"B\", kind: Person), Actor(id: \"c\", name: \"C\", kind: Person)], statements: [",
        );
        for i in 0..n {
            let by = ["a", "b", "c"][i % 3];
            let day = 14 + i % 2;
            let responds = if i > 0 {
                format!("responds_to: [\"s{}\"], ", i - 1)
            } else {
                String::new()
            };
            text.push_str(&format!(
                "Statement(id: \"s{i}\", by: \"{by}\", date: \"2024-06-{day}T{:02}:00Z\", kind: Claim, summary: \"S\", {responds}sources: [Source(outlet: \"m\")]),",
                i % 24
            ));
        }
        text.push_str("])");
        Kb::load_files(&[("kb.ron", text.as_bytes())]).kb
    }

    #[test]
    fn labels_in_a_row_never_overlap_and_markers_stay_on_the_canvas() {
        let kb = crowded(500);
        let l = layout(&kb, &Filter::default(), Zone::default(), WIDTH);
        for lane in &l.lanes {
            let mut by_row: BTreeMap<usize, Vec<(f64, f64, bool)>> = BTreeMap::new();
            for p in &lane.placed {
                assert!(p.x >= LEFT && p.x <= WIDTH - RIGHT, "marker at {}", p.x);
                let (start, end) = p.span(text_width(&marker_label(kb.statement(p.s)), 10.0), l.r);
                // No label leaves the canvas: near the right edge it is
                // drawn left of its marker.
                assert!(start >= 0.0 && end <= WIDTH, "a label at {start}..{end}");
                by_row.entry(p.row).or_default().push((start, end, p.label));
            }
            // Markers at one moment may sit on each other; text never sits
            // under anything.
            for boxes in by_row.values_mut() {
                boxes.sort_by(|a, b| a.0.total_cmp(&b.0));
                for pair in boxes.windows(2) {
                    let labelled = pair[0].2 || pair[1].2;
                    assert!(
                        !labelled || pair[0].1 <= pair[1].0 + 0.01,
                        "{pair:?} overlap"
                    );
                }
            }
        }
        assert!(
            l.elided > 0,
            "a crowded lane leaves labels out, and counts them"
        );
    }

    #[test]
    fn a_label_at_the_right_edge_is_drawn_left_of_its_marker() {
        let text = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)], statements: [
            Statement(id: "first", by: "a", date: "2024-06-01", kind: Claim, summary: "The first one"),
            Statement(id: "middle", by: "a", date: "2024-06-15", kind: Claim, summary: "The middle one"),
            Statement(id: "last", by: "a", date: "2024-06-30", kind: Claim, summary: "The last one, with a long summary"),
        ])"#;
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let l = layout(&kb, &Filter::default(), Zone::default(), WIDTH);
        let placed: Vec<&Placed> = l.lanes.iter().flat_map(|lane| &lane.placed).collect();
        let by_id = |id: &str| {
            placed
                .iter()
                .find(|p| kb.statement(p.s).id == id)
                .copied()
                .expect("placed")
        };
        assert!(!by_id("first").left && by_id("first").label);
        let last = by_id("last");
        assert!(last.left && last.label);
        let (start, end) = last.span(text_width(&marker_label(kb.statement(last.s)), 10.0), l.r);
        assert!(start >= 0.0 && end <= WIDTH, "{start}..{end}");
    }

    #[test]
    fn event_names_are_whole_and_never_overlap_a_bar_or_leave_the_canvas() {
        // Short bars with long names, one at the right edge, one a week.
        let mut text =
            String::from("Kb(actors: [Actor(id: \"a\", name: \"A\", kind: Person)], events: [");
        for (i, day) in [1, 2, 3, 4, 28, 29].iter().enumerate() {
            text.push_str(&format!(
                "Event(id: \"e{i}\", name: \"The meeting of the foreign ministers of the countries number {i}\", kind: Meeting, date: \"2024-06-{day:02}\"),"
            ));
        }
        text.push_str("Event(id: \"w\", name: \"Week\", kind: Summit, date: \"2024-06-10/2024-06-16\")], statements: [");
        text.push_str(
            "Statement(id: \"s\", by: \"a\", date: \"2024-06-15\", kind: Claim, summary: \"S\")])",
        );
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let l = layout(&kb, &Filter::default(), Zone::default(), WIDTH);
        let mut boxes: Vec<(usize, f64, f64)> = Vec::new();
        for bar in &l.bars {
            assert!(
                !bar.label.ends_with('…') || bar.label.len() > 40,
                "{}",
                bar.label
            );
            let tw = text_width(&bar.label, 10.0);
            let (lx0, lx1) = (bar.label_x, bar.label_x + tw);
            assert!(
                lx0 >= 0.0 && lx1 <= WIDTH,
                "on the canvas: {} at {lx0}..{lx1}",
                bar.label
            );
            let inside = lx0 >= bar.x0 && lx1 <= bar.x1;
            assert!(
                inside || lx1 <= bar.x0 || lx0 >= bar.x1,
                "beside its bar, not across its edge"
            );
            boxes.push((bar.row, bar.x0.min(lx0), bar.x1.max(lx1)));
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(
                    a.0 != b.0 || a.2 <= b.1 || b.2 <= a.1,
                    "{a:?} overlaps {b:?}"
                );
            }
        }
    }

    #[test]
    fn lanes_stack_without_overlap_inside_the_image() {
        let kb = crowded(30);
        let l = layout(&kb, &Filter::default(), Zone::default(), WIDTH);
        let mut bottom = l.events_y;
        for lane in &l.lanes {
            assert!(lane.y >= bottom, "lane at {} over the one above", lane.y);
            bottom = lane.y + lane.rows as f64 * ROW + 2.0 * LANE_PAD;
        }
        assert!(bottom <= l.plot_bottom && l.plot_bottom < l.legend_y && l.legend_y < l.height);
        assert_eq!(l.arrows.len(), 29, "every response drawn");
        assert_eq!(l.responses, 29);
    }

    #[test]
    fn responses_to_one_statement_fan_in_without_stacked_arrowheads() {
        let mut text = String::from(
            "Kb(actors: [Actor(id: \"a\", name: \"A\", kind: Person), Actor(id: \"b\", name: \"B\", kind: Person)], statements: [Statement(id: \"t\", by: \"a\", date: \"2024-06-14T08:00:00Z\", kind: Claim, summary: \"T\"),",
        );
        for i in 0..5 {
            text.push_str(&format!(
                "Statement(id: \"r{i}\", by: \"b\", date: \"2024-06-14T{:02}:00:00Z\", kind: Claim, summary: \"R\", responds_to: [\"t\"]),",
                10 + i
            ));
        }
        text.push_str("])");
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let l = layout(&kb, &Filter::default(), Zone::default(), WIDTH);
        assert_eq!(l.arrows.len(), 5);
        let t = match kb.lookup("t") {
            Some(crate::model::NodeRef::Statement(t)) => l.pos[&t],
            _ => panic!("t"),
        };
        for (i, a) in l.arrows.iter().enumerate() {
            // Every arrow ends on the target's left, off its label.
            assert!(a.to.0 < t.0, "{:?} ends right of {:?}", a.to, t);
            for b in &l.arrows[i + 1..] {
                let d = ((a.to.0 - b.to.0).powi(2) + (a.to.1 - b.to.1).powi(2)).sqrt();
                assert!(
                    d > 5.0,
                    "two arrowheads {d:.1} px apart: {:?} {:?}",
                    a.to,
                    b.to
                );
            }
        }
    }

    #[test]
    fn an_arrow_bends_around_a_label_in_its_way_and_keeps_its_shape_otherwise() {
        let straight = Arrow {
            from: (300.0, 100.0),
            c1: (250.0, 100.0),
            c2: (150.0, 100.0),
            to: (100.0, 100.0),
            stance: Stance::Rejects,
        };
        let label = [(180.0, 95.0, 220.0, 105.0)];
        assert!(crossings(&straight, &label) > 0);
        let mut routed = straight;
        route(&mut routed, &label);
        assert_eq!(crossings(&routed, &label), 0, "{routed:?}");
        assert_eq!((routed.from, routed.to), (straight.from, straight.to));
        // Nothing in the way: the arrow is left as it is.
        let mut clear = straight;
        route(&mut clear, &[(180.0, 300.0, 220.0, 310.0)]);
        assert_eq!(clear.c1, straight.c1);
    }
}
