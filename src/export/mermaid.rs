//! Mermaid export: a flowchart of responses and a Mermaid `timeline`, so
//! GitHub renders the KB inside Markdown.
//!
//! Node ids are generated (`n0`, `n1`, …) so KB ids never reach Mermaid
//! syntax; every label goes through [`escape::mermaid`].

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{group_by_speaker, select, standing, wrap, View};
use crate::escape;
use crate::kb::Kb;
use crate::model::{Answered, EventIx, StatementIx};
use crate::palette;
use crate::query::Filter;

/// Lines of escaped text joined by Mermaid line breaks.
fn label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape::mermaid(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// The Mermaid text of a view: `Timeline` gives a Mermaid timeline, every
/// other view the flowchart of responses.
pub fn export(kb: &Kb, view: View, filter: &Filter) -> String {
    match view {
        View::Timeline => timeline(kb, filter),
        _ => responses(kb, filter),
    }
}

fn responses(kb: &Kb, filter: &Filter) -> String {
    let sel = select(kb, View::Responses, filter);
    let mut out = String::from("flowchart LR\n");
    let ids: BTreeMap<StatementIx, usize> = sel
        .statements
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i))
        .collect();
    let clusters = group_by_speaker(kb, &sel.statements, filter);
    for (c, (who, list)) in clusters.iter().enumerate() {
        let _ = writeln!(
            out,
            "    subgraph c{c}[\"{}\"]",
            escape::mermaid(&kb.actor(*who).name)
        );
        for s in list {
            let st = kb.statement(*s);
            // The cluster names the first signatory or the principal: a
            // joint statement or a spokesperson's names who spoke.
            let mut lines = if st.is_joint() || st.on_behalf_of.is_some() {
                vec![kb.attribution(st, 2), format!("{} · {}", st.date, st.kind)]
            } else {
                vec![format!("{} · {}", st.date, st.kind)]
            };
            lines.extend(
                standing(kb, st)
                    .map(|s| wrap(&s, 40, 2))
                    .unwrap_or_default(),
            );
            lines.extend(wrap(&st.summary, 40, 3));
            let _ = writeln!(out, "        n{}[\"{}\"]", ids[s], label(&lines));
        }
        out.push_str("    end\n");
    }
    // Events answered as a whole, as rounded nodes `e0`, `e1`, ….
    let answered: std::collections::BTreeSet<EventIx> = sel
        .statements
        .iter()
        .flat_map(|s| &kb.statement(*s).responds_to)
        .filter_map(|r| match r.to {
            Answered::Event(e) if sel.events.contains(&e) => Some(e),
            _ => None,
        })
        .collect();
    let events: BTreeMap<EventIx, usize> = answered
        .into_iter()
        .enumerate()
        .map(|(i, e)| (e, i))
        .collect();
    for (e, i) in &events {
        let ev = kb.event(*e);
        let lines = vec![
            format!("{} · {}", ev.date, ev.kind.phrase()),
            ev.name.clone(),
        ];
        let _ = writeln!(out, "    e{i}([\"{}\"])", label(&lines));
    }
    let mut styles = Vec::new();
    for &s in &sel.statements {
        for r in &kb.statement(s).responds_to {
            let to = match r.to {
                Answered::Statement(to) => ids.get(&to).map(|n| format!("n{n}")),
                Answered::Event(to) => events.get(&to).map(|n| format!("e{n}")),
            };
            if let Some(to) = to {
                let _ = writeln!(
                    out,
                    "    n{} -->|{}| {to}",
                    ids[&s],
                    r.stance.as_str().to_lowercase()
                );
                styles.push(palette::stance(r.stance));
            }
        }
    }
    for (i, color) in styles.iter().enumerate() {
        let _ = writeln!(out, "    linkStyle {i} stroke:{color},color:{color}");
    }
    out
}

fn timeline(kb: &Kb, filter: &Filter) -> String {
    let sel = select(kb, View::Timeline, filter);
    let mut out = String::from("timeline\n    title Timeline\n");
    // One period per date as written, in time order; events first.
    let mut periods: Vec<(String, Vec<String>)> = Vec::new();
    let items = crate::query::timeline::timeline(kb, filter);
    for item in items {
        let (date, text) = match item {
            crate::query::timeline::Item::Event(e) if sel.events.contains(&e) => {
                let ev = kb.event(e);
                (
                    ev.date.to_string(),
                    format!("{} ({})", ev.name, ev.kind.phrase()),
                )
            }
            crate::query::timeline::Item::Statement(s) => {
                let st = kb.statement(s);
                let summary = wrap(&st.summary, 80, 1).join("");
                (
                    st.date.to_string(),
                    format!("{}: {summary}", kb.speaker_names(st, 2)),
                )
            }
            _ => continue,
        };
        match periods.last_mut() {
            Some((d, texts)) if *d == date => texts.push(text),
            _ => periods.push((date, vec![text])),
        }
    }
    for (date, texts) in periods {
        let _ = write!(out, "    {}", escape::mermaid(&date));
        for t in texts {
            let _ = write!(out, " : {}", escape::mermaid(&t));
        }
        out.push('\n');
    }
    out
}
