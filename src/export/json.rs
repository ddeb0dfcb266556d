//! JSON and JSON Lines exports of the whole resolved KB (or its filtered
//! part): every actor, event and statement with ids resolved and dates as
//! written plus their UTC bounds, in the schema of `docs/json.md`.
//!
//! JSON: one document `{"schema": "annals/3", "actors": [..], "events":
//! [..], "statements": [..]}`, records sorted by id. JSON Lines: one record
//! per line with a `type` (`actor`, `event`, `statement`, then `response`
//! records `{"type": "response", "from", "to", "stance"}` for edge tables).

use std::io::{self, Write};

use serde::Serialize;

use super::Records;
use crate::kb::Kb;
use crate::model::{ActorIx, EventIx, Stance, StatementIx};
use crate::records::{ActorView, EventView, StatementView};

/// The schema version of these exports.
pub const SCHEMA: &str = "annals/3";

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Document<'a> {
    schema: &'static str,
    #[schemars(with = "Vec<ActorView<'a>>")]
    actors: Each<'a, ActorIx, ActorView<'a>>,
    #[schemars(with = "Vec<EventView<'a>>")]
    events: Each<'a, EventIx, EventView<'a>>,
    #[schemars(with = "Vec<StatementView<'a>>")]
    statements: Each<'a, StatementIx, StatementView<'a>>,
}

impl<'a> Document<'a> {
    /// The document of the records.
    pub(crate) fn of(kb: &'a Kb, records: &'a Records) -> Document<'a> {
        Document {
            schema: SCHEMA,
            actors: Each::new(kb, &records.actors, ActorView::of),
            events: Each::new(kb, &records.events, EventView::of),
            statements: Each::new(kb, &records.statements, StatementView::of),
        }
    }
}

/// A list of records, each made as it is written: a KB's records are
/// never all held at once (serialized as the list they make).
pub(crate) struct Each<'a, I, T> {
    kb: &'a Kb,
    items: &'a [I],
    view: fn(&'a Kb, I) -> T,
}

impl<'a, I, T> Each<'a, I, T> {
    fn new(kb: &'a Kb, items: &'a [I], view: fn(&'a Kb, I) -> T) -> Each<'a, I, T> {
        Each { kb, items, view }
    }
}

impl<I: Copy, T: Serialize> Serialize for Each<'_, I, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.items.iter().map(|i| (self.view)(self.kb, *i)))
    }
}

/// Writes the records as one JSON document.
pub fn write_json(kb: &Kb, records: &Records, out: &mut dyn Write) -> io::Result<()> {
    crate::records::write(out, &Document::of(kb, records))
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ResponseRecord<'a> {
    #[serde(rename = "type")]
    node: &'static str,
    from: &'a str,
    to: &'a str,
    stance: Stance,
    /// What `to` names: `statement` or `event`.
    to_type: &'static str,
}

/// Writes the records as JSON Lines.
pub fn write_jsonl(kb: &Kb, records: &Records, out: &mut dyn Write) -> io::Result<()> {
    let mut line = |value: &dyn erased::Line| -> io::Result<()> {
        value.write_to(out)?;
        out.write_all(b"\n")
    };
    for a in &records.actors {
        line(&ActorView::of(kb, *a))?;
    }
    for e in &records.events {
        line(&EventView::of(kb, *e))?;
    }
    for s in &records.statements {
        line(&StatementView::of(kb, *s))?;
    }
    let kept = records.targets();
    for s in &records.statements {
        let st = kb.statement(*s);
        for r in st.responds_to.iter().filter(|r| kept.contains(r.to)) {
            let to = r.to.node();
            line(&ResponseRecord {
                node: "response",
                from: &st.id,
                to: kb.id_of(to),
                to_type: to.kind().as_str(),
                stance: r.stance,
            })?;
        }
    }
    Ok(())
}

/// Serialising different record types through one closure.
mod erased {
    use std::io::{self, Write};

    pub trait Line {
        fn write_to(&self, out: &mut dyn Write) -> io::Result<()>;
    }

    impl<T: serde::Serialize> Line for T {
        fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
            crate::escape::write_json(out, self, false)
        }
    }
}
