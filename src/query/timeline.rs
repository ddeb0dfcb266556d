//! The timeline: statements and events in the KB's total order (earliest
//! instant, then latest, then id).

use super::Filter;
use crate::kb::Kb;
use crate::model::{Bounds, Date, EventIx, StatementIx};

/// One line of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Event(EventIx),
    Statement(StatementIx),
}

impl Item {
    pub fn date(self, kb: &Kb) -> &Date {
        match self {
            Item::Event(e) => &kb.event(e).date,
            Item::Statement(s) => &kb.statement(s).date,
        }
    }

    /// When it happened: an event's dates, a statement's
    /// [`when`](crate::model::Statement::when).
    pub fn when(self, kb: &Kb) -> Bounds {
        match self {
            Item::Event(e) => kb.event(e).date.bounds(),
            Item::Statement(s) => kb.statement(s).when,
        }
    }

    pub fn id(self, kb: &Kb) -> &str {
        match self {
            Item::Event(e) => &kb.event(e).id,
            Item::Statement(s) => &kb.statement(s).id,
        }
    }
}

/// Statements and events the filter keeps, ordered by earliest instant,
/// latest instant, then id; an event comes before statements tied with it
/// (a statement made at an event narrower than its date is placed at the
/// event).
pub fn timeline(kb: &Kb, filter: &Filter) -> Vec<Item> {
    let mut items: Vec<Item> = filter
        .events(kb)
        .into_iter()
        .map(Item::Event)
        .chain(filter.statements(kb).into_iter().map(Item::Statement))
        .collect();
    items.sort_by(|a, b| {
        let (x, y) = (a.when(kb), b.when(kb));
        (x.start, x.end)
            .cmp(&(y.start, y.end))
            .then_with(|| matches!(b, Item::Event(_)).cmp(&matches!(a, Item::Event(_))))
            .then_with(|| a.id(kb).cmp(b.id(kb)))
    });
    items
}
