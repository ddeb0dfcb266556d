//! Counts and extremes of a KB.

use std::collections::BTreeMap;

use crate::model::{ActorIx, ActorKind, Bounds, EventKind, Instant, StatementIx, StatementKind};
use crate::outline::Sketch;

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

/// The counts and extremes of the KB `kb` sketches, with the `top` most
/// responded statements and actors. Reads only the sketch's columns, so
/// annals' cache can answer it without reading the statements whole.
pub fn stats(kb: &Sketch, top: usize) -> Stats {
    let mut actors = BTreeMap::new();
    for a in kb.actors {
        *actors.entry(a.kind).or_default() += 1;
    }
    let mut events = BTreeMap::new();
    for e in kb.events {
        *events.entry(e.kind).or_default() += 1;
    }
    let mut range = Range::default();
    for e in kb.events {
        range.add(e.date.bounds());
    }
    let columns = kb.statements;
    // Column by column, each a pass over one array.
    let mut kinds = [0; StatementKind::ALL.len()];
    for &kind in columns.kinds() {
        kinds[kind as usize] += 1;
    }
    let statements = (StatementKind::ALL.iter().zip(kinds))
        .filter(|&(_, n)| n > 0)
        .map(|(&kind, n)| (kind, n))
        .collect();
    let responses = columns.response_counts().iter().map(|&n| n as usize).sum();
    for &when in columns.whens() {
        range.add(when);
    }
    // Each statement's responders counted, not listed (`Kb::responders`
    // lists them in time order: a million lists to read their lengths).
    let mut answered = vec![0u32; columns.len()];
    for to in columns.all_answers() {
        answered[to.index()] += 1;
    }
    let mut per_statement = Vec::new();
    // By index, not in a map: tens of thousands of actors, each looked up
    // once per statement answered.
    let mut by_actor = vec![0; kb.actors.len()];
    for (i, &n) in answered.iter().enumerate() {
        if n > 0 {
            let ix = StatementIx(i as u32);
            per_statement.push((ix, n as usize));
            for speaker in columns.credited(ix) {
                by_actor[speaker.index()] += n as usize;
            }
        }
    }
    first(&mut per_statement, top, |a, b| {
        columns.id(a.0).cmp(columns.id(b.0))
    });
    let mut most_actors: Vec<(ActorIx, usize)> = (by_actor.into_iter().enumerate())
        .filter(|&(_, n)| n > 0)
        .map(|(a, n)| (ActorIx(a as u32), n))
        .collect();
    first(&mut most_actors, top, |a, b| {
        kb.actor(a.0).id.cmp(&kb.actor(b.0).id)
    });
    Stats {
        actors,
        events,
        statements,
        responses,
        range: range.bounds(),
        most_responded_statements: per_statement,
        most_responded_actors: most_actors,
        without_sources: kb
            .statements_in_order()
            .iter()
            .copied()
            .filter(|&ix| !columns.is_sourced(ix))
            .collect(),
    }
}

impl Stats {
    /// The statements its report shows whole (their summaries).
    pub fn shown(&self) -> impl Iterator<Item = StatementIx> + '_ {
        self.most_responded_statements.iter().map(|&(s, _)| s)
    }
}

/// The earliest and latest instants seen, open ends left out.
struct Range {
    lo: Instant,
    hi: Instant,
}

impl Default for Range {
    fn default() -> Range {
        Range {
            lo: Instant::MAX,
            hi: Instant::MIN,
        }
    }
}

impl Range {
    fn add(&mut self, b: Bounds) {
        let open = [b.start == Instant::MIN, b.end == Instant::MAX];
        for (end, open) in [b.start, b.end].into_iter().zip(open) {
            if !open {
                self.lo = self.lo.min(end);
                self.hi = self.hi.max(end);
            }
        }
    }

    fn bounds(&self) -> Option<Bounds> {
        (self.lo <= self.hi).then_some(Bounds {
            start: self.lo,
            end: self.hi,
        })
    }
}

/// Keeps the first `n` items of `list`, most counted first, then by
/// `tie` (a total order), sorted: a selection, then a sort of those kept
/// (the statements that drew responses are not all sorted to show ten).
/// Items counted less than the `n`-th most counted cannot be among them,
/// and are dropped first: at a million statements hundreds of thousands
/// drew one response, and ordering them by id reads each one's id.
fn first<T>(
    list: &mut Vec<(T, usize)>,
    n: usize,
    tie: impl Fn(&(T, usize), &(T, usize)) -> std::cmp::Ordering,
) {
    super::drop_below_first(list, n, |(_, c)| *c);
    let Some(last) = n.checked_sub(1) else {
        return;
    };
    let cmp = |a: &(T, usize), b: &(T, usize)| b.1.cmp(&a.1).then_with(|| tie(a, b));
    if n < list.len() {
        list.select_nth_unstable_by(last, cmp);
        list.truncate(n);
    }
    list.sort_unstable_by(cmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kb;

    #[test]
    fn statements_without_sources_are_listed_in_time_order() {
        // Written in another order than time's, with responses to count.
        let text = r#"Kb(
    actors: [Actor(id: "a", name: "A", kind: State), Actor(id: "b", name: "B", kind: State)],
    statements: [
        Statement(id: "late", by: "a", date: "2024-03-01", kind: Claim, summary: "L."),
        Statement(id: "early", by: "b", date: "2024-01-01", kind: Claim, summary: "E.",
            responds_to: [Response(to: "mid", stance: Rejects)]),
        Statement(id: "mid", by: "a", date: "2024-02-01", kind: Proposal, summary: "M.",
            sources: [Source(url: "https://example.org/m")]),
        Statement(id: "first", by: "b", date: "2023-12-01", kind: Claim, summary: "F.",
            responds_to: [Response(to: "mid", stance: Supports)]),
    ],
)"#;
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let stats = stats(&kb.sketch(), 10);
        let ids = |list: &[StatementIx]| {
            let ids = list.iter().map(|&ix| kb.statement(ix).id.as_str());
            ids.collect::<Vec<_>>()
        };
        assert_eq!(ids(&stats.without_sources), ["first", "early", "late"]);
        assert_eq!(stats.responses, 2);
        assert_eq!(stats.statements[&StatementKind::Claim], 3);
        let most = &stats.most_responded_statements;
        assert_eq!(ids(&most.iter().map(|m| m.0).collect::<Vec<_>>()), ["mid"]);
        assert_eq!(most[0].1, 2);
        let a = match kb.lookup("a") {
            Some(crate::model::NodeRef::Actor(a)) => a,
            other => panic!("{other:?}"),
        };
        assert_eq!(stats.most_responded_actors, [(a, 2)]);
    }

    #[test]
    fn the_range_runs_from_the_earliest_to_the_latest_known_instant() {
        // Open ends are left out: the earliest instant is the end of a
        // statement open at its start, the latest an event's end.
        let text = r#"Kb(
    actors: [Actor(id: "a", name: "A", kind: State)],
    events: [Event(id: "e", name: "E", kind: Summit, date: "2024-06-15/2024-06-16")],
    statements: [
        Statement(id: "open", by: "a", date: "../2024-03-01", kind: Claim, summary: "O."),
        Statement(id: "late", by: "a", date: "2024-05-01/..", kind: Claim, summary: "L."),
    ],
)"#;
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let range = stats(&kb.sketch(), 10).range.expect("dated items");
        let day = |d: &str| d.parse::<crate::model::Date>().unwrap().bounds();
        assert_eq!(range.start, day("2024-03-01").end);
        assert_eq!(range.end, day("2024-06-16").end);
        let none = Kb::load_files(&[("kb.ron", b"Kb()".as_slice())]).kb;
        assert_eq!(stats(&none.sketch(), 10).range, None);
    }

    #[test]
    fn the_first_n_are_those_a_whole_sort_keeps() {
        // Counts with many ties, broken by the item.
        let list: Vec<(u32, usize)> = (0..500).map(|i| (i, (i as usize * 7919) % 13)).collect();
        for n in [0, 1, 10, 38, 39, 40, 210, 499, 500, 600] {
            let mut sorted = list.clone();
            sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            sorted.truncate(n);
            let mut kept = list.clone();
            first(&mut kept, n, |a, b| a.0.cmp(&b.0));
            assert_eq!(kept, sorted, "{n}");
        }
    }
}
