//! The filters shared by queries, exports and renders: dates, actors, event,
//! topics, kinds, and roll-up.

use crate::kb::Kb;
use crate::model::{ActorIx, Bounds, EventIx, EventKind, Instant, StatementIx, StatementKind};

use super::rollup;

/// Which items a query keeps. The default keeps everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Keep items whose interval overlaps `[from, to)`.
    pub from: Option<Instant>,
    pub to: Option<Instant>,
    /// Keep statements by any of these actors (with `rollup`, by anyone
    /// they roll up to any of them), and events they took part or spoke in.
    pub actors: Vec<ActorIx>,
    /// Keep this event, its sub-events, and the statements made at them.
    pub event: Option<EventIx>,
    /// Keep items with any of these topics.
    pub topics: Vec<String>,
    pub statement_kinds: Vec<StatementKind>,
    pub event_kinds: Vec<EventKind>,
    /// Count statements for the institutions their speakers roll up to.
    pub rollup: bool,
}

impl Filter {
    /// The date range as bounds (open where unset).
    pub fn bounds(&self) -> Bounds {
        Bounds {
            start: self.from.unwrap_or(Instant::MIN),
            end: self.to.unwrap_or(Instant::MAX),
        }
    }

    fn in_range(&self, b: Bounds) -> bool {
        b.overlaps(&self.bounds())
    }

    fn has_kind_filter(&self) -> bool {
        !self.statement_kinds.is_empty() || !self.event_kinds.is_empty()
    }

    /// Whether the filter keeps a statement.
    pub fn keeps_statement(&self, kb: &Kb, ix: StatementIx) -> bool {
        let s = kb.statement(ix);
        if !self.in_range(s.date.bounds()) {
            return false;
        }
        if self.has_kind_filter() && !self.statement_kinds.contains(&s.kind) {
            return false;
        }
        if !self.topics.is_empty() && !s.topics.iter().any(|t| self.topics.contains(t)) {
            return false;
        }
        if let Some(event) = self.event {
            if !s.at.is_some_and(|at| self.within_event(kb, at, event)) {
                return false;
            }
        }
        if !self.actors.is_empty() {
            let speaks_for = if self.rollup {
                rollup::chain(kb, s.by, &s.date)
            } else {
                vec![s.by]
            };
            if !speaks_for.iter().any(|a| self.actors.contains(a)) {
                return false;
            }
        }
        true
    }

    /// Whether the filter keeps an event.
    pub fn keeps_event(&self, kb: &Kb, ix: EventIx) -> bool {
        let e = kb.event(ix);
        if !self.in_range(e.date.bounds()) {
            return false;
        }
        if self.has_kind_filter() && !self.event_kinds.contains(&e.kind) {
            return false;
        }
        if !self.topics.is_empty() && !e.topics.iter().any(|t| self.topics.contains(t)) {
            return false;
        }
        if let Some(event) = self.event {
            if !self.within_event(kb, ix, event) {
                return false;
            }
        }
        if !self.actors.is_empty() {
            let took_part = e.participants.iter().any(|p| self.actors.contains(p));
            let spoke = kb.statements_at(ix).iter().any(|s| {
                let s = kb.statement(*s);
                self.actors.contains(&s.by)
                    || (self.rollup
                        && rollup::chain(kb, s.by, &s.date)
                            .iter()
                            .any(|a| self.actors.contains(a)))
            });
            if !took_part && !spoke {
                return false;
            }
        }
        true
    }

    /// Whether `ix` is `event` or one of its sub-events, at any depth.
    fn within_event(&self, kb: &Kb, ix: EventIx, event: EventIx) -> bool {
        let mut at = Some(ix);
        for _ in 0..=kb.events.len() {
            match at {
                Some(e) if e == event => return true,
                Some(e) => at = kb.event(e).part_of,
                None => return false,
            }
        }
        false
    }

    /// The statements the filter keeps, in time order. Uses the date index:
    /// only statements starting before the range's end are looked at.
    pub fn statements(&self, kb: &Kb) -> Vec<StatementIx> {
        let order = kb.statements_in_order();
        let end = self.to.unwrap_or(Instant::MAX);
        let upto = order.partition_point(|ix| kb.statement(*ix).date.bounds().start < end);
        order[..upto]
            .iter()
            .copied()
            .filter(|ix| self.keeps_statement(kb, *ix))
            .collect()
    }

    /// The events the filter keeps, in time order (earliest, latest, id).
    pub fn events(&self, kb: &Kb) -> Vec<EventIx> {
        let mut out: Vec<EventIx> = (0..kb.events.len() as u32)
            .map(EventIx)
            .filter(|ix| self.keeps_event(kb, *ix))
            .collect();
        out.sort_by(|a, b| {
            let (a, b) = (kb.event(*a), kb.event(*b));
            a.date.order(&b.date).then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}
