//! The timeline: statements and events in the KB's total order (earliest
//! instant, then latest, then id).

use super::Filter;
use crate::kb::Kb;
use crate::model::{Date, EventIx, StatementIx};

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

    pub fn id(self, kb: &Kb) -> &str {
        match self {
            Item::Event(e) => &kb.event(e).id,
            Item::Statement(s) => &kb.statement(s).id,
        }
    }
}

/// Statements and events the filter keeps, ordered by earliest instant,
/// latest instant, then id; an event comes before statements tied with it.
pub fn timeline(kb: &Kb, filter: &Filter) -> Vec<Item> {
    let mut items: Vec<Item> = filter
        .events(kb)
        .into_iter()
        .map(Item::Event)
        .chain(filter.statements(kb).into_iter().map(Item::Statement))
        .collect();
    items.sort_by(|a, b| {
        a.date(kb)
            .order(b.date(kb))
            .then_with(|| matches!(b, Item::Event(_)).cmp(&matches!(a, Item::Event(_))))
            .then_with(|| a.id(kb).cmp(b.id(kb)))
    });
    items
}
