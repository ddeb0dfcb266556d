//! `annals show ID`: everything about one item, with its links both ways.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::json::{self, ActorView, EventView, Ref, StatementView};
use super::style::Role;
use super::table::cut;
use super::{stance_word, Format, Style};
use crate::escape;
use crate::kb::Kb;
use crate::model::{ActorIx, EventIx, NodeRef, ParticipationRole, Stance, StatementIx};
use crate::query;

/// Links into and out of one item, gathered from the KB's indexes.
#[derive(Serialize, Default, schemars::JsonSchema)]
pub(crate) struct Links<'a> {
    /// Actors: institutions part of this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    members: Vec<Ref<'a>>,
    /// Actors: people who hold a role in this institution.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    role_holders: Vec<Ref<'a>>,
    /// Actors: statements made; events: statements made at it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    statements: Vec<Ref<'a>>,
    /// Events this actor took part in; sub-events of this event.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    events: Vec<Ref<'a>>,
    /// Statements whose `about` names this item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about_it: Vec<Ref<'a>>,
    /// Statements that respond to this one (statements), or to this actor's
    /// statements (actors), with their stance.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    responses: Vec<(Ref<'a>, Stance)>,
    /// Responses received, by stance.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    responses_by_stance: BTreeMap<&'static str, usize>,
    /// A joint statement made at an event: those there who did not sign.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    did_not_sign: Vec<Ref<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(crate) enum ItemView<'a> {
    Actor(ActorView<'a>),
    Event(EventView<'a>),
    Statement(Box<StatementView<'a>>),
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ShowView<'a> {
    item: ItemView<'a>,
    links: Links<'a>,
}

/// Statements whose `about` names `node`, in time order: a walk of the
/// statements (the graph would be built for it, every link of the KB, and
/// 5% of a `show` at a million statements went to that).
fn about(kb: &Kb, node: NodeRef) -> Vec<Ref<'_>> {
    kb.statements_in_order()
        .iter()
        .filter(|&&s| kb.statement(s).about.contains(&node))
        .map(|&s| Ref::node(kb, NodeRef::Statement(s)))
        .collect()
}

fn statement_ref(kb: &Kb, s: StatementIx) -> Ref<'_> {
    Ref::node(kb, NodeRef::Statement(s))
}

fn links(kb: &Kb, node: NodeRef) -> Links<'_> {
    let mut l = Links {
        about_it: about(kb, node),
        ..Links::default()
    };
    let count = |l: &mut Links, stance: Stance| {
        *l.responses_by_stance.entry(stance.as_str()).or_default() += 1
    };
    match node {
        NodeRef::Actor(a) => {
            l.members = kb.members(a).iter().map(|m| Ref::actor(kb, *m)).collect();
            l.role_holders = (0..kb.actors.len() as u32)
                .map(ActorIx)
                .filter(|p| kb.actor(*p).roles.iter().any(|r| r.of == a))
                .map(|p| Ref::actor(kb, p))
                .collect();
            l.statements = kb
                .statements_by(a)
                .iter()
                .map(|s| statement_ref(kb, *s))
                .collect();
            l.events = (0..kb.events.len() as u32)
                .map(EventIx)
                .filter(|e| kb.event(*e).role_of(a).is_some())
                .map(|e| Ref::event(kb, e))
                .collect();
            for s in kb.statements_by(a) {
                for r in kb.responders(*s) {
                    l.responses.push((statement_ref(kb, r.from), r.stance));
                    count(&mut l, r.stance);
                }
            }
        }
        NodeRef::Event(e) => {
            l.statements = kb
                .statements_at(e)
                .iter()
                .map(|s| statement_ref(kb, *s))
                .collect();
            l.events = kb
                .sub_events(e)
                .iter()
                .map(|x| Ref::event(kb, *x))
                .collect();
            for r in kb.event_responders(e) {
                l.responses.push((statement_ref(kb, r.from), r.stance));
                count(&mut l, r.stance);
            }
        }
        NodeRef::Statement(s) => {
            l.did_not_sign = query::not_signed(kb, s)
                .into_iter()
                .map(|a| Ref::actor(kb, a))
                .collect();
            for r in kb.responders(s) {
                l.responses.push((statement_ref(kb, r.from), r.stance));
                count(&mut l, r.stance);
            }
        }
    }
    l
}

pub fn write(
    kb: &Kb,
    node: NodeRef,
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    let item = match node {
        NodeRef::Actor(a) => ItemView::Actor(ActorView::of(kb, a)),
        NodeRef::Event(e) => ItemView::Event(EventView::of(kb, e)),
        NodeRef::Statement(s) => ItemView::Statement(Box::new(StatementView::of(kb, s))),
    };
    let links = links(kb, node);
    if format == Format::Json {
        return json::write(out, &ShowView { item, links });
    }
    // Text, Markdown and CSV share one readable layout: a field per line.
    let t = |s: &str| escape::terminal(s).into_owned();
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut field = |k: &str, v: String| lines.push((k.to_owned(), v));
    let refs = |v: &[Ref]| {
        v.iter()
            .map(|r| format!("{} ({})", t(r.id), cut(&t(r.name), 60)))
            .collect::<Vec<_>>()
    };
    match &item {
        ItemView::Actor(a) => {
            field("actor", format!("{} ({})", t(a.name), a.kind));
            field("id", t(a.id));
            if let Some(n) = a.short_name {
                field("short name", t(n));
            }
            if !a.aliases.is_empty() {
                field(
                    "aliases",
                    a.aliases
                        .iter()
                        .map(|x| t(x))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            if let Some(p) = &a.part_of {
                field("part of", format!("{} ({})", t(p.id), t(p.name)));
            }
            for r in &a.roles {
                let from = r.from.as_ref().map_or("..", |d| d.written);
                let until = r.until.as_ref().map_or("..", |d| d.written);
                field(
                    "role",
                    format!("{} of {}, {from} to {until}", t(r.title), t(r.of.name)),
                );
            }
            if let Some(n) = a.note {
                field("note", t(n));
            }
        }
        ItemView::Event(e) => {
            field("event", format!("{} ({})", t(e.name), e.kind));
            field("id", t(e.id));
            field("date", t(e.date.written));
            if let Some(p) = e.place {
                field("place", t(p));
            }
            if let Some(z) = &e.time_zone {
                field("time zone", t(z));
            }
            // One line per role: hosts, participants, observers, then
            // those who were not there.
            for role in ParticipationRole::ALL {
                let names: Vec<String> = e
                    .participants
                    .iter()
                    .filter(|p| p.role == *role)
                    .map(|p| t(p.actor.name))
                    .collect();
                if !names.is_empty() {
                    let label = match role {
                        ParticipationRole::Participant => "participants",
                        other => other.words(),
                    };
                    field(label, names.join(", "));
                }
            }
            if let Some(p) = &e.part_of {
                field("part of", format!("{} ({})", t(p.id), t(p.name)));
            }
            if !e.topics.is_empty() {
                field(
                    "topics",
                    e.topics.iter().map(|x| t(x)).collect::<Vec<_>>().join(", "),
                );
            }
            for src in &e.sources {
                field("source", source_line(src));
            }
            if let Some(n) = e.note {
                field("note", t(n));
            }
        }
        ItemView::Statement(s) => {
            field("statement", t(s.id));
            for sp in &s.speakers {
                let mut id = t(sp.actor.id);
                if let Some(d) = sp.joined {
                    id.push_str(&format!(", joined {}", t(d)));
                }
                if let Some(d) = sp.withdrew {
                    id.push_str(&format!(", withdrew {}", t(d)));
                }
                let role = sp.role.as_ref().map_or(String::new(), |r| {
                    format!(", {} of {}", t(r.title), t(r.of.name))
                });
                field("by", format!("{} ({id}){role}", t(sp.actor.name)));
            }
            if let Some(p) = &s.on_behalf_of {
                field("for", format!("{} ({})", t(p.name), t(p.id)));
            }
            field("date", t(s.date.written));
            if let Some(at) = &s.at {
                field("at", format!("{} ({})", t(at.name), t(at.id)));
            }
            field("kind", s.kind.to_string());
            if let Some(title) = s.title {
                field("title", t(title));
            }
            field("summary", t(s.summary));
            for q in &s.quotes {
                let mut line = format!("“{}”", t(q.text));
                match (q.original, q.original_lang) {
                    (Some(o), Some(lang)) => {
                        line.push_str(&format!(" (translated from {}: “{}”)", t(lang), t(o)))
                    }
                    (Some(o), None) => line.push_str(&format!(" (translated from “{}”)", t(o))),
                    (None, _) if q.translated => line.push_str(" (translated)"),
                    _ => {}
                }
                if let Some(src) = q.source.and_then(|i| s.sources.get(i - 1)) {
                    let name = src
                        .outlet
                        .as_ref()
                        .map(|o| o.name)
                        .or(src.title)
                        .or(src.url);
                    if let Some(name) = name {
                        line.push_str(&format!(" — {}", t(name)));
                    }
                }
                field("quote", line);
            }
            if !s.about.is_empty() {
                field(
                    "about",
                    s.about
                        .iter()
                        .map(|r| t(r.id))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            if !s.topics.is_empty() {
                field(
                    "topics",
                    s.topics.iter().map(|x| t(x)).collect::<Vec<_>>().join(", "),
                );
            }
            for r in &s.responds_to {
                field(
                    "responds to",
                    format!("{} ({})", t(r.to), stance_word(r.stance)),
                );
            }
            for src in &s.sources {
                field("source", source_line(src));
            }
            for v in &s.verdicts {
                let mut line = format!("{} by {}", v.rating, t(v.by.name));
                if let Some(d) = &v.date {
                    line.push_str(&format!(", {}", t(d.written)));
                }
                if let Some(src) = &v.source {
                    line.push_str(&format!(" ({})", source_line(src)));
                }
                if let Some(n) = v.note {
                    line.push_str(&format!(": {}", t(n)));
                }
                field("verdict", line);
            }
            if let Some(st) = &s.status {
                let mut line = st.kind.to_string();
                if let Some(d) = &st.date {
                    line.push_str(&format!(" on {}", t(d.written)));
                }
                if let Some(n) = st.note {
                    line.push_str(&format!(": {}", t(n)));
                }
                field("status", line);
            }
            if let Some(n) = s.note {
                field("note", t(n));
            }
        }
    }
    for m in refs(&links.members) {
        field("member", m);
    }
    for m in refs(&links.role_holders) {
        field("role holder", m);
    }
    for m in refs(&links.events) {
        field(
            if matches!(node, NodeRef::Event(_)) {
                "sub-event"
            } else {
                "took part in"
            },
            m,
        );
    }
    for m in refs(&links.statements) {
        field(
            if matches!(node, NodeRef::Event(_)) {
                "said here"
            } else {
                "said"
            },
            m,
        );
    }
    for m in refs(&links.about_it) {
        field("spoken of in", m);
    }
    for (r, stance) in &links.responses {
        field(
            "answered by",
            format!(
                "{} ({}): {}",
                t(r.id),
                stance_word(*stance),
                cut(&t(r.name), 50)
            ),
        );
    }
    if !links.did_not_sign.is_empty() {
        let names: Vec<String> = links.did_not_sign.iter().map(|r| t(r.name)).collect();
        field("did not sign", names.join(", "));
    }
    if !links.responses_by_stance.is_empty() {
        let counts: Vec<String> = links
            .responses_by_stance
            .iter()
            .map(|(s, n)| format!("{n} {}", s.to_lowercase()))
            .collect();
        field("responses", counts.join(", "));
    }

    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    match format {
        Format::Md => {
            writeln!(out, "| field | value |\n|---|---|")?;
            for (k, v) in &lines {
                writeln!(out, "| {} | {} |", k, escape::markdown_cell(v))?;
            }
        }
        Format::Csv(cells) => {
            out.write_all(b"field,value\r\n")?;
            for (k, v) in &lines {
                let (k, v) = (escape::csv_cell(k, cells), escape::csv_cell(v, cells));
                write!(out, "{k},{v}\r\n")?;
            }
        }
        _ => {
            for (k, v) in &lines {
                writeln!(
                    out,
                    "{}  {v}",
                    style.paint(Role::Header, &format!("{k:<width$}"))
                )?;
            }
        }
    }
    Ok(())
}

/// A source on one line: outlet, “title”, url (date when given).
fn source_line(src: &super::json::SourceView<'_>) -> String {
    let t = |s: &str| escape::terminal(s).into_owned();
    let mut parts = Vec::new();
    if let Some(o) = &src.outlet {
        parts.push(t(o.name));
    }
    if let Some(x) = src.title {
        parts.push(format!("“{}”", t(x)));
    }
    if let Some(x) = src.url {
        parts.push(t(x));
    }
    if let Some(x) = src.archived {
        parts.push(format!("archived {}", t(x)));
    }
    if let Some(d) = &src.accessed {
        parts.push(format!("accessed {}", t(d.written)));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_about_an_item_come_in_time_order_once_each() {
        let text = r#"Kb(
            actors: [Actor(id: "x", name: "X", kind: Person)],
            statements: [
                Statement(id: "later", by: "x", date: "2024-01-03", kind: Claim, summary: "L", about: ["x"]),
                Statement(id: "unrelated", by: "x", date: "2024-01-02", kind: Claim, summary: "U"),
                Statement(id: "earlier", by: "x", date: "2024-01-01", kind: Claim, summary: "E", about: ["x"]),
            ],
        )"#;
        let loaded = Kb::load_files(&[("kb.ron", text.as_bytes())]);
        assert!(!loaded.has_errors(), "{:?}", loaded.load_findings());
        let kb = &loaded.kb;
        let found: Vec<&str> = about(kb, NodeRef::Actor(ActorIx(0)))
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(found, ["earlier", "later"]);
    }
}
