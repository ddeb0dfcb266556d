//! "Who responded to whom", at actor level.

use std::collections::BTreeMap;

use super::{rollup, Filter};
use crate::kb::Kb;
use crate::model::{ActorIx, Date, Stance, StatementIx};

/// One responder → target pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub responder: ActorIx,
    pub target: ActorIx,
    /// How many responses (statement-level links) go from one to the other.
    pub count: usize,
    /// The earliest and latest responding statements.
    pub first: StatementIx,
    pub last: StatementIx,
    /// Responses by stance.
    pub stances: BTreeMap<Stance, usize>,
}

/// Options beyond the shared filter.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keep only responses whose target speaks for this actor.
    pub to: Option<ActorIx>,
    /// Keep only responses whose responder speaks for this actor.
    pub by: Option<ActorIx>,
}

/// Aggregates every responds-to link whose responding statement the filter
/// keeps. With `filter.rollup`, both sides count for the institutions their
/// speakers roll up to on the statements' dates. Sorted by count (most
/// first), then responder and target id.
pub fn who_responded(kb: &Kb, filter: &Filter, options: &Options) -> Vec<Pair> {
    let side = |actor: ActorIx, date: &Date| {
        if filter.rollup {
            rollup::top(kb, actor, date)
        } else {
            actor
        }
    };
    // An actor names its own statements and those of everyone who speaks
    // for it (its people in their roles, its member institutions).
    let matches = |wanted: Option<ActorIx>, actor: ActorIx, date: &Date| {
        wanted.is_none_or(|w| rollup::chain(kb, actor, date).contains(&w))
    };
    // Ignore --actor here: --by and --to say which side; the shared filter
    // still applies dates, topics, kinds and events to the responder.
    let responder_filter = Filter {
        actors: Vec::new(),
        ..filter.clone()
    };
    let mut pairs: BTreeMap<(ActorIx, ActorIx), Pair> = BTreeMap::new();
    for ix in responder_filter.statements(kb) {
        let s = kb.statement(ix);
        if !filter.actors.is_empty() && !filter.keeps_statement(kb, ix) {
            continue;
        }
        if !matches(options.by, s.by, &s.date) {
            continue;
        }
        for r in &s.responds_to {
            let t = kb.statement(r.to);
            if !matches(options.to, t.by, &t.date) {
                continue;
            }
            let key = (side(s.by, &s.date), side(t.by, &t.date));
            let pair = pairs.entry(key).or_insert_with(|| Pair {
                responder: key.0,
                target: key.1,
                count: 0,
                first: ix,
                last: ix,
                stances: BTreeMap::new(),
            });
            pair.count += 1;
            // Statements come in time order: the first seen is the earliest.
            pair.last = ix;
            *pair.stances.entry(r.stance).or_default() += 1;
        }
    }
    let mut out: Vec<Pair> = pairs.into_values().collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| kb.actor(a.responder).id.cmp(&kb.actor(b.responder).id))
            .then_with(|| kb.actor(a.target).id.cmp(&kb.actor(b.target).id))
    });
    out
}
