//! `annals timeline` output.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{self, EventView, StatementView};
use super::style::Role;
use super::table::{cell, Cell, Indexed, Table};
use super::{name, stance_word, write_rows, Format, Style};
use crate::kb::Kb;
use crate::model::{ActorIx, Date, ParticipationRole};
use crate::query::timeline::Item;
use crate::records::Seq;

#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(crate) enum ItemView<'a> {
    Statement(Box<StatementView<'a>>),
    Event(Box<EventView<'a>>),
}

/// How many whole days an interval spans, for multi-day events.
fn span_days(d: &Date) -> Option<i64> {
    let b = d.bounds();
    if !d.is_interval() || b.start == i64::MIN || b.end == i64::MAX {
        return None;
    }
    let days = (b.end - b.start) / 86_400;
    (days > 1).then_some(days)
}

/// Writes a timeline. For an event, the `who` column names how the
/// `focus` actors (those the filter asked for) stood towards it when they
/// were not plain participants ("China: declined"), else the event's kind.
pub fn write(
    kb: &Kb,
    items: &[Item],
    focus: &[ActorIx],
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    if format == Format::Json {
        // One item's view at a time: 200,000 statements' views held at
        // once took nine times the KB.
        let views = Seq(|| {
            items.iter().map(|i| match *i {
                Item::Statement(s) => ItemView::Statement(Box::new(StatementView::of(kb, s))),
                Item::Event(e) => ItemView::Event(Box::new(EventView::of(kb, e))),
            })
        });
        return json::write(out, &views);
    }
    let text = format == Format::Text;
    let head = if text {
        Table::new(&["date", "who", "id", "what", "responds to"]).truncate(3, 60)
    } else {
        Table::new(&[
            "date",
            "earliest",
            "latest",
            "type",
            "id",
            "who",
            "kind",
            "what",
            "responds_to",
        ])
    };
    let rows = Indexed {
        len: items.len(),
        row: &|i| row(kb, items[i], focus, text),
    };
    write_rows(&head, &rows, format, out, style)
}

/// An item's row: in text, five columns; in CSV and Markdown, nine.
fn row<'k>(kb: &'k Kb, item: Item, focus: &[ActorIx], text: bool) -> Vec<Cell<'k>> {
    let date = item.date(kb);
    let dv = json::DateView::of(date);
    let (kind, who, what, responds) = match item {
        Item::Statement(ix) => {
            let s = kb.statement(ix);
            // Grouped by stance, in the order first written.
            let mut groups: Vec<(crate::model::Stance, Vec<&str>)> = Vec::new();
            for r in &s.responds_to {
                let to = kb.id_of(r.to.node());
                match groups.iter_mut().find(|(st, _)| *st == r.stance) {
                    Some((_, ids)) => ids.push(to),
                    None => groups.push((r.stance, vec![to])),
                }
            }
            let responds: Vec<String> = groups
                .iter()
                .map(|(st, ids)| format!("{} {}", stance_word(*st), ids.join(", ")))
                .collect();
            let responds = if text && !responds.is_empty() {
                vec![format!("→ {}", responds.join("; "))]
            } else {
                responds
            };
            // On a terminal, verdicts and a status lead, so a false or
            // retracted claim is never read as standing (the other
            // formats carry them in their own fields: JSON, `show`).
            let mut marks: Vec<String> = s
                .verdicts
                .iter()
                .map(|v| format!("[{}]", v.rating))
                .collect();
            marks.extend(s.status.as_ref().map(|st| format!("[{}]", st.kind)));
            let marks = if marks.is_empty() {
                String::new()
            } else {
                format!("{} ", marks.join(" "))
            };
            let what = if text {
                format!("{marks}{}: {}", s.kind, s.summary)
            } else {
                s.summary.clone()
            };
            ("statement", kb.attribution(s, 2), what, responds.join("; "))
        }
        Item::Event(ix) => {
            let e = kb.event(ix);
            let mut what = e.name.clone();
            if let Some(place) = &e.place {
                what.push_str(&format!(", {place}"));
            }
            if let Some(days) = span_days(&e.date) {
                what.push_str(&format!(" ({days} days)"));
            }
            let roles: Vec<String> = e
                .participants
                .iter()
                .filter(|p| p.role != ParticipationRole::Participant && focus.contains(&p.actor))
                .map(|p| format!("{}: {}", name(kb, p.actor), p.role.words()))
                .collect();
            let who = if roles.is_empty() {
                e.kind.to_string()
            } else {
                roles.join("; ")
            };
            ("event", who, what, String::new())
        }
    };
    let kind_word = match item {
        Item::Statement(ix) => kb.statement(ix).kind.to_string(),
        Item::Event(ix) => kb.event(ix).kind.to_string(),
    };
    if text {
        vec![
            cell(date.as_str(), Role::Date),
            who.into(),
            cell(item.id(kb), Role::Id),
            what.into(),
            responds.into(),
        ]
    } else {
        vec![
            date.as_str().into(),
            dv.earliest.unwrap_or_default().into(),
            dv.latest.unwrap_or_default().into(),
            kind.into(),
            item.id(kb).into(),
            who.into(),
            kind_word.into(),
            what.into(),
            responds.into(),
        ]
    }
}
