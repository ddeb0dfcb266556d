//! Counts and extremes of a KB.

use std::collections::BTreeMap;

use crate::kb::Kb;
use crate::model::{ActorIx, ActorKind, Bounds, EventKind, Instant, StatementIx, StatementKind};

/// What `annals stats` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub actors: BTreeMap<ActorKind, usize>,
    pub events: BTreeMap<EventKind, usize>,
    pub statements: BTreeMap<StatementKind, usize>,
    pub responses: usize,
    /// The earliest and latest instants of dated items (open ends ignored).
    pub range: Option<Bounds>,
    /// Statements with the most responses (at most `top`), most first.
    pub most_responded_statements: Vec<(StatementIx, usize)>,
    /// Actors whose statements drew the most responses, most first.
    pub most_responded_actors: Vec<(ActorIx, usize)>,
    pub without_sources: Vec<StatementIx>,
}

pub fn stats(kb: &Kb, top: usize) -> Stats {
    let mut actors = BTreeMap::new();
    for a in &kb.actors {
        *actors.entry(a.kind).or_default() += 1;
    }
    let mut events = BTreeMap::new();
    for e in &kb.events {
        *events.entry(e.kind).or_default() += 1;
    }
    let mut statements = BTreeMap::new();
    let mut responses = 0;
    let mut by_actor: BTreeMap<ActorIx, usize> = BTreeMap::new();
    let mut per_statement = Vec::new();
    for &ix in kb.statements_in_order() {
        let s = kb.statement(ix);
        *statements.entry(s.kind).or_default() += 1;
        responses += s.responds_to.len();
        let n = kb.responders(ix).len();
        if n > 0 {
            per_statement.push((ix, n));
            for speaker in s.credited() {
                *by_actor.entry(speaker).or_default() += n;
            }
        }
    }
    let dates = kb
        .statements
        .iter()
        .map(|s| s.when)
        .chain(kb.events.iter().map(|e| e.date.bounds()));
    let (mut lo, mut hi) = (Instant::MAX, Instant::MIN);
    for b in dates {
        if b.start != Instant::MIN {
            lo = lo.min(b.start);
            hi = hi.max(b.start);
        }
        if b.end != Instant::MAX {
            hi = hi.max(b.end);
            lo = lo.min(b.end);
        }
    }
    per_statement.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| kb.statement(a.0).id.cmp(&kb.statement(b.0).id))
    });
    per_statement.truncate(top);
    let mut most_actors: Vec<(ActorIx, usize)> = by_actor.into_iter().collect();
    most_actors.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| kb.actor(a.0).id.cmp(&kb.actor(b.0).id))
    });
    most_actors.truncate(top);
    Stats {
        actors,
        events,
        statements,
        responses,
        range: (lo <= hi).then_some(Bounds { start: lo, end: hi }),
        most_responded_statements: per_statement,
        most_responded_actors: most_actors,
        without_sources: kb
            .statements_in_order()
            .iter()
            .copied()
            .filter(|ix| kb.statement(*ix).sources.is_empty())
            .collect(),
    }
}
