//! Drawing a laid-out timeline as SVG: every position comes from the
//! [`Layout`]; this only writes elements, with KB text escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::layout::Layout;
use super::{
    marker_label, text_width, Caption, BINNED, DENSE, FONT, LANE_PAD, MAX_EVENT_LABELS, ROW, TOP,
};
use crate::escape::xml;
use crate::kb::Kb;
use crate::model::{Instant, Stance};
use crate::palette;

/// The SVG document of a laid-out timeline.
pub(super) fn svg(kb: &Kb, l: &Layout, caption: &Caption) -> String {
    let Layout {
        sel,
        dense,
        binned,
        bars,
        event_rows,
        labelled_events,
        events_y,
        lanes,
        elided,
        plot_bottom,
        legend_y,
        height,
        ..
    } = l;
    let (scale, pos, r) = (&l.scale, &l.pos, l.r);
    let width = scale.width;
    let (dense, binned, labelled_events, elided) = (*dense, *binned, *labelled_events, *elided);
    let (events_y, plot_bottom, legend_y, height, event_rows) =
        (*events_y, *plot_bottom, *legend_y, *height, *event_rows);
    // What the picture left out or aggregated, in lines that fit; then
    // room at the foot for them and the credit line.
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
    if l.responses > l.arrows.len() {
        notes.push(format!(
            "{} responses not drawn",
            l.responses - l.arrows.len()
        ));
    }
    let chars = ((width - 40.0) / (10.0 * 0.6)) as usize;
    let note_lines = crate::export::wrap(&notes.join(" · "), chars, 4);
    let height = height + CREDIT_ROOM + 14.0 * note_lines.len().saturating_sub(1) as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans" font-size="{FONT}">"#
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
    // The first and last day shown, in the axis's zone.
    let day = |t: Instant| crate::records::instant(l.zone.to_local(t)).map(|s| s[..10].to_owned());
    let range = match (day(scale.t0), day(scale.t1)) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => String::new(),
    };
    let title = caption.title.clone().unwrap_or_else(|| {
        format!(
            "Timeline · {} statement{}, {} event{} · {range}",
            sel.statements.len(),
            if sel.statements.len() == 1 { "" } else { "s" },
            sel.events.len(),
            if sel.events.len() == 1 { "" } else { "s" },
        )
    });
    let _ = writeln!(
        out,
        r#"<text x="20" y="30" font-size="17" fill="{}">{}</text>"#,
        palette::INK,
        xml(&fit(&title, 17.0, width))
    );
    if let Some(sub) = &caption.subtitle {
        let _ = writeln!(
            out,
            r#"<text x="20" y="50" font-size="12" fill="{}">{}</text>"#,
            palette::MUTED,
            xml(&fit(sub, 12.0, width))
        );
    }

    // Axis and grid.
    for tick in &l.ticks {
        let x = tick.x;
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{}" stroke-width="1"/>"#,
            TOP - 4.0,
            plot_bottom,
            palette::GRID
        );
        if tick.shown {
            let _ = writeln!(
                out,
                r#"<text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="{}">{}</text>"#,
                TOP - 10.0,
                palette::MUTED,
                xml(&tick.label)
            );
        }
    }
    let _ = writeln!(
        out,
        r#"<text x="20" y="{:.1}" font-size="10" fill="{}">ticks: {}s ({})</text>"#,
        TOP - 10.0,
        palette::MUTED,
        l.unit,
        xml(&l.zone.to_string())
    );

    // Event lane.
    if !bars.is_empty() {
        let h = event_rows as f64 * 22.0 + 2.0 * LANE_PAD;
        let _ = writeln!(
            out,
            r##"<rect x="0" y="{events_y:.1}" width="{width:.0}" height="{h:.1}" fill="#f4f6f6"/>"##
        );
        let _ = writeln!(
            out,
            r#"<text x="20" y="{:.1}" font-size="12" fill="{}">Events</text>"#,
            events_y + LANE_PAD + 14.0,
            palette::INK
        );
        for bar in bars.iter() {
            let (x0, x1, label) = (bar.x0, bar.x1, &bar.label);
            let ev = kb.event(bar.event);
            let by = events_y + LANE_PAD + bar.row as f64 * 22.0 + 3.0;
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
                xml(&format!("{} ({}, {})", ev.name, ev.kind.phrase(), ev.date))
            );
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{}">{}</text>"#,
                bar.label_x,
                by + 11.0,
                palette::INK,
                xml(label)
            );
        }
    }

    // Lanes.
    for (i, lane) in lanes.iter().enumerate() {
        let h = lane.rows as f64 * ROW + 2.0 * LANE_PAD;
        let fill = palette::LANES[i % palette::LANES.len()];
        let _ = writeln!(
            out,
            r#"<rect x="0" y="{:.1}" width="{width:.0}" height="{h:.1}" fill="{fill}" fill-opacity="0.6"/>"#,
            lane.y
        );
        for (n, line) in lane.name.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"<text x="20" y="{:.1}" font-size="12" fill="{}">{}</text>"#,
                lane.y + LANE_PAD + 14.0 + 15.0 * n as f64,
                palette::INK,
                xml(line)
            );
        }
    }

    // Breaks in the axis: a white gap through the plot, the axis's break
    // mark, and how much time it leaves out.
    for (x0, x1, skipped) in &l.breaks {
        let (x0, x1) = (x0 + 4.0, x1 - 4.0);
        let mid = (x0 + x1) / 2.0;
        let top = TOP - 4.0;
        let _ = writeln!(
            out,
            r##"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="#ffffff"/>"##,
            x1 - x0,
            plot_bottom - top
        );
        for x in [x0, x1] {
            let _ = writeln!(
                out,
                r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="1.5"/>"#,
                x - 3.0,
                top + 5.0,
                x + 3.0,
                top - 5.0,
                palette::MUTED
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{mid:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="{}" transform="rotate(-90 {mid:.1} {:.1})">{}</text>"#,
            top + 40.0,
            palette::MUTED,
            top + 40.0,
            xml(skipped)
        );
    }

    // Density strips: statements per two pixels of time, shaded by count.
    if binned {
        for lane in lanes.iter() {
            let mut bins: BTreeMap<i64, usize> = BTreeMap::new();
            for s in &lane.statements {
                *bins
                    .entry((scale.mid(kb.statement(*s).when) / 2.0) as i64)
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
    let (stroke, opacity) = if dense { (0.5, 0.3) } else { (1.4, 0.8) };
    for arrow in &l.arrows {
        let ((x1, y1), (c1x, c1y), (c2x, c2y), (ex, ey)) =
            (arrow.from, arrow.c1, arrow.c2, arrow.to);
        let _ = writeln!(
            out,
            r#"<path d="M{x1:.1},{y1:.1} C{c1x:.1},{c1y:.1} {c2x:.1},{c2y:.1} {ex:.1},{ey:.1}" fill="none" stroke="{}" stroke-width="{stroke}" stroke-opacity="{opacity}" marker-end="url(#arrow-{})"/>"#,
            palette::stance(arrow.stance),
            arrow.stance.as_str().to_lowercase()
        );
    }

    // Markers and labels.
    let (mut discredited, mut solid, mut hollow) = (false, false, false);
    for lane in lanes.iter() {
        for p in &lane.placed {
            let st = kb.statement(p.s);
            let (x, y) = pos[&p.s];
            let b = st.when;
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
            let standing = crate::export::standing(kb, st)
                .map(|s| format!(" [{s}]"))
                .unwrap_or_default();
            let tip = xml(&format!(
                "{} · {} · {} by {}{standing}: {}",
                st.id,
                st.date,
                st.kind,
                kb.attribution(st, usize::MAX),
                st.summary
            ));
            // Rated false or retracted: a red ring around the marker.
            if st.is_discredited() {
                discredited = true;
                let _ = writeln!(
                    out,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="none" stroke="{}" stroke-width="2"/>"##,
                    r + 3.0,
                    palette::stance(Stance::Rejects)
                );
            }
            if st.date.is_qualified() {
                hollow = true;
                let _ = writeln!(
                    out,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="#ffffff" stroke="{}" stroke-width="1.5" stroke-dasharray="2,1.5"><title>{tip}</title></circle>"##,
                    palette::INK
                );
            } else {
                solid = true;
                let _ = writeln!(
                    out,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{}"><title>{tip}</title></circle>"#,
                    palette::INK
                );
            }
            if p.label {
                // A white halo drawn first, then the text over it: no
                // reliance on `paint-order`, which some renderers ignore.
                let (tx, ty, label) = (x + r + 4.0, y + 3.5, xml(&marker_label(st)));
                // Near the right edge the label ends left of the marker.
                let (tx, anchor) = if p.left {
                    (x - r - 4.0, r#" text-anchor="end""#)
                } else {
                    (tx, "")
                };
                let _ = writeln!(
                    out,
                    r##"<text x="{tx:.1}" y="{ty:.1}" font-size="10"{anchor} fill="#ffffff" stroke="#ffffff" stroke-width="3" stroke-opacity="0.8" aria-hidden="true">{label}</text>"##
                );
                let _ = writeln!(
                    out,
                    r#"<text x="{tx:.1}" y="{ty:.1}" font-size="10"{anchor} fill="{}">{label}</text>"#,
                    palette::INK
                );
            }
        }
    }

    // Legend: one entry per stance drawn, then the marker kinds.
    enum Key {
        Line(&'static str),
        Dot,
        Hollow,
        Ring,
        Bar,
    }
    let mut keys: Vec<(Key, String)> = l
        .stances
        .iter()
        .map(|s| (Key::Line(palette::stance(*s)), s.as_str().to_lowercase()))
        .collect();
    // Only what is drawn.
    if solid {
        keys.push((Key::Dot, "statement".into()));
    }
    if hollow {
        keys.push((Key::Hollow, "uncertain or approximate date".into()));
    }
    if discredited {
        keys.push((Key::Ring, "rated false or retracted".into()));
    }
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
            Key::Ring => writeln!(
                out,
                r##"<circle cx="{:.1}" cy="{ly:.1}" r="7" fill="none" stroke="{}" stroke-width="2"/>"##,
                lx + 10.0,
                palette::stance(Stance::Rejects)
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
    for (n, line) in note_lines.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="20" y="{:.1}" font-size="10" fill="{}">{}</text>"#,
            ly + 24.0 + 14.0 * n as f64,
            palette::MUTED,
            xml(line)
        );
    }
    let credit = caption
        .credit
        .clone()
        .unwrap_or_else(|| crate::export::labels::default_credit(kb, &sel.statements, &sel.events));
    let _ = writeln!(
        out,
        r#"<text x="20" y="{:.1}" font-size="10" fill="{}">{}</text>"#,
        height - 12.0,
        palette::MUTED,
        xml(&fit(&credit, 10.0, width))
    );
    out.push_str("</svg>\n");
    out
}

/// Room below the legend for the credit line.
const CREDIT_ROOM: f64 = 18.0;

/// `text` cut after a word so that, at `size` pixels, it fits the width
/// of the picture.
fn fit(text: &str, size: f64, width: f64) -> String {
    let room = width - 40.0;
    if text_width(text, size) <= room {
        return text.to_owned();
    }
    let mut chars = (room / (size * 0.45)) as usize;
    loop {
        let cut = crate::export::cut_at_word(text, chars.max(8));
        if chars <= 8 || text_width(&cut, size) <= room {
            return cut;
        }
        chars -= 1;
    }
}
