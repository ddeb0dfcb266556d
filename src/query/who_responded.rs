//! "Who responded to whom", at actor level.

use rayon::prelude::*;

use super::{rollup, Filter};
use crate::kb::{Kb, Party, ResponseLink};
use crate::model::{ActorIx, Answered, Stance, StatementIx};

/// One responder → target pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub responder: ActorIx,
    /// An actor, or an event answered as a whole.
    pub target: Party,
    /// How many responds-to links go from one to the other: one statement
    /// rejecting two of the target's statements is two links.
    pub count: usize,
    /// How many responding statements those links come from.
    pub statements: usize,
    /// The earliest and latest responding statements.
    pub first: StatementIx,
    pub last: StatementIx,
    /// Responses by stance.
    pub stances: StanceCounts,
}

/// How many responses took each stance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StanceCounts([u32; Stance::ALL.len()]);

impl StanceCounts {
    pub fn add(&mut self, stance: Stance) {
        self.0[stance as usize] += 1;
    }

    pub fn get(&self, stance: Stance) -> usize {
        self.0[stance as usize] as usize
    }

    /// The stances taken at least once, with their counts, in the order of
    /// [`Stance::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Stance, usize)> + '_ {
        Stance::ALL
            .iter()
            .map(|s| (*s, self.get(*s)))
            .filter(|(_, n)| *n > 0)
    }

    /// The stance taken most often (on a tie, the later in [`Stance::ALL`]);
    /// `None` when there is none.
    pub fn dominant(&self) -> Option<Stance> {
        self.iter().max_by_key(|(_, n)| *n).map(|(s, _)| s)
    }
}

/// Options beyond the shared filter.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keep only responses whose target speaks for this actor (or answer
    /// an event it took part in, or someone speaking for it did), or answer
    /// this event.
    pub to: Option<Party>,
    /// Keep only responses whose responder speaks for this actor.
    pub by: Option<ActorIx>,
}

/// Aggregates every responds-to link whose responding statement the filter
/// keeps. With `filter.rollup`, both sides count for the institutions their
/// speakers roll up to on the statements' dates. Sorted by count (most
/// first), then responder and target id.
///
/// `--by` and `--to` match an actor's own statements and those of everyone
/// who speaks for it (its people in their roles, its member institutions);
/// `--to` an actor also keeps reactions to events it took part in, with the
/// event as the target.
///
/// Works on the KB's flat list of links in time order: each kept link
/// becomes a key of two actor ranks (so sorting the keys sorts by ids), the
/// keys are sorted in parallel and counted in one pass.
pub fn who_responded(kb: &Kb, filter: &Filter, options: &Options) -> Vec<Pair> {
    // The links whose responding statement starts before the range ends.
    let links = kb.response_links();
    let upto = filter.starting_before_end(kb) as u32;
    let links = &links[..links.partition_point(|l| l.position < upto)];
    let every = filter.keeps_every_statement();
    let date = |ix: StatementIx| &kb.statement(ix).date;
    let side = |actor: ActorIx, ix: StatementIx| {
        if filter.rollup {
            rollup::top(kb, actor, date(ix))
        } else {
            actor
        }
    };
    let keep = |l: &ResponseLink| {
        (every || filter.keeps_statement(kb, l.from))
            && options
                .by
                .is_none_or(|by| rollup::speaks_for(kb, l.by, date(l.from), by))
            && options.to.is_none_or(|to| match (to, l.target, l.to) {
                (Party::Actor(to), Party::Actor(t), Answered::Statement(s)) => {
                    rollup::speaks_for(kb, t, date(s), to)
                }
                // A reaction to an event answers its participants.
                (Party::Actor(to), Party::Event(e), _) => {
                    let event = kb.event(e);
                    event
                        .attendees()
                        .any(|p| rollup::speaks_for(kb, p, &event.date, to))
                }
                (Party::Event(to), Party::Event(e), _) => to == e,
                _ => false,
            })
    };
    // A key per link: the pair of ranks (so sorting the keys sorts by ids),
    // the responding statement's position, what it answers, the stance.
    // Links between joint statements are listed per pair of speakers:
    // `None` for a pair that two signatories rolled up into (one institution
    // answering itself, or a pair already counted for this link).
    let key = |l: &ResponseLink| {
        let target = match (l.target, l.to) {
            (Party::Actor(t), Answered::Statement(s)) => Party::Actor(side(t, s)),
            (target, _) => target,
        };
        let responder = side(l.by, l.from);
        if l.joint && target == Party::Actor(responder) {
            return None;
        }
        let key = u64::from(kb.actor_rank(responder)) << 32 | u64::from(kb.party_rank(target));
        let to = match l.to {
            Answered::Statement(s) => s.0,
            Answered::Event(e) => e.0 | 1 << 31,
        };
        Some((key, l.position, to, l.stance))
    };
    let mut keys: Vec<(u64, u32, u32, Stance)> =
        if every && options.by.is_none() && options.to.is_none() {
            links.par_iter().filter_map(key).collect()
        } else {
            links
                .par_iter()
                .filter(|l| keep(l))
                .filter_map(key)
                .collect()
        };
    // By pair, then responding statement, so that one statement's links to
    // one pair sit side by side and count once among `statements`; a link
    // that reaches one pair through several signatories counts once.
    keys.par_sort_unstable_by_key(|k| (k.0, k.1, k.2));
    keys.dedup_by_key(|k| (k.0, k.1, k.2));

    // Each run of equal keys is one pair: (start in keys, length).
    let mut runs: Vec<(u32, u32)> = Vec::with_capacity(keys.len());
    let mut start = 0;
    for run in keys.chunk_by(|a, b| a.0 == b.0) {
        runs.push((start, run.len() as u32));
        start += run.len() as u32;
    }
    let order = kb.statements_in_order();
    let by_rank = kb.actors_by_id();
    by_count_descending(runs)
        .into_par_iter()
        .map(|(start, len)| {
            let run = &keys[start as usize..(start + len) as usize];
            let key = run[0].0;
            let mut stances = StanceCounts::default();
            let (mut first, mut last) = (u32::MAX, 0);
            for &(_, position, _, stance) in run {
                stances.add(stance);
                first = first.min(position);
                last = last.max(position);
            }
            let statements = run.chunk_by(|a, b| a.1 == b.1).count();
            Pair {
                responder: by_rank[(key >> 32) as usize],
                target: kb.party_of_rank((key & u64::from(u32::MAX)) as u32),
                count: run.len(),
                statements,
                first: order[first as usize],
                last: order[last as usize],
                stances,
            }
        })
        .collect()
}

/// Sorts runs `(start, length)` by length, longest first, keeping the order
/// of runs of equal length: a counting sort, since lengths are small
/// integers and there may be a run for nearly every response.
fn by_count_descending(runs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let most = runs.iter().map(|r| r.1 as usize).max().unwrap_or(0);
    // Where each length's runs start in the output: `most` first.
    let mut start = vec![0usize; most + 1];
    for r in &runs {
        start[most - r.1 as usize] += 1;
    }
    let mut at = 0;
    for slot in &mut start {
        let n = *slot;
        *slot = at;
        at += n;
    }
    let mut out = vec![(0, 0); runs.len()];
    for r in runs {
        let slot = &mut start[most - r.1 as usize];
        out[*slot] = r;
        *slot += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stance_counts_list_what_was_taken_and_the_dominant_stance() {
        let mut c = StanceCounts::default();
        assert_eq!(c.dominant(), None);
        c.add(Stance::Supports);
        c.add(Stance::Rejects);
        c.add(Stance::Rejects);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [(Stance::Rejects, 2), (Stance::Supports, 1)]
        );
        assert_eq!(c.get(Stance::Disputes), 0);
        assert_eq!(c.dominant(), Some(Stance::Rejects));
    }

    #[test]
    fn runs_sort_by_length_and_keep_their_order_on_ties() {
        let runs = vec![(0, 1), (1, 3), (4, 1), (5, 2), (7, 3)];
        assert_eq!(
            by_count_descending(runs),
            [(1, 3), (7, 3), (5, 2), (0, 1), (4, 1)]
        );
        assert!(by_count_descending(Vec::new()).is_empty());
    }
}
