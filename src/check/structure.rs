//! Checks on nesting: `part-of-cycle` for actors and for events.

use super::MAX_LABELS;
use crate::diag::{Code, Diagnostic};
use crate::kb::Kb;
use crate::source_map::Span;

pub fn check(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let actors: Vec<Option<usize>> = kb
        .actors
        .iter()
        .map(|a| a.part_of.map(|p| p.index()))
        .collect();
    for cycle in cycles(&actors) {
        let items = cycle
            .iter()
            .map(|&i| (kb.actors[i].id.as_str(), kb.actors[i].span));
        out.push(diagnostic("actors", items.collect()));
    }
    let events: Vec<Option<usize>> = kb
        .events
        .iter()
        .map(|e| e.part_of.map(|p| p.index()))
        .collect();
    for cycle in cycles(&events) {
        let items = cycle
            .iter()
            .map(|&i| (kb.events[i].id.as_str(), kb.events[i].span));
        out.push(diagnostic("events", items.collect()));
    }
}

fn diagnostic(what: &str, items: Vec<(&str, Span)>) -> Diagnostic {
    let chain: Vec<String> = items
        .iter()
        .take(MAX_LABELS)
        .map(|(id, _)| format!("`{id}`"))
        .chain(std::iter::once(format!("`{}`", items[0].0)))
        .collect();
    let mut d = Diagnostic::new(
        Code::PartOfCycle,
        items[0].1,
        format!(
            "{what} are part of each other in a cycle: {}",
            chain.join(" → ")
        ),
    )
    .label("part of the cycle")
    .with_help("`part_of` names the larger whole; one of these links points the wrong way");
    for (_, span) in items.iter().skip(1).take(MAX_LABELS - 1) {
        d = d.with_secondary(*span, "part of the cycle");
    }
    if items.len() > MAX_LABELS {
        d = d.with_note(format!(
            "{} more are in the cycle",
            items.len() - MAX_LABELS
        ));
    }
    d
}

/// Every cycle of a functional graph (each node has at most one parent),
/// each listed from its smallest index, in parent order; every cycle once.
fn cycles(parent: &[Option<usize>]) -> Vec<Vec<usize>> {
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; parent.len()];
    let mut out = Vec::new();
    for start in 0..parent.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                0 => {
                    state[i] = 1;
                    path.push(i);
                    at = parent[i];
                }
                1 => {
                    // Self-loops are cycles of one.
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    let min = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, v)| **v)
                        .map_or(0, |(k, _)| k);
                    cycle.rotate_left(min);
                    out.push(cycle);
                    break;
                }
                _ => break,
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::cycles;

    #[test]
    fn finds_each_cycle_once() {
        // 0 → 1 → 2 → 0, 3 → 0, 4 → 4, 5 → none
        let parent = [Some(1), Some(2), Some(0), Some(0), Some(4), None];
        assert_eq!(cycles(&parent), vec![vec![0, 1, 2], vec![4]]);
    }

    #[test]
    fn a_long_chain_is_no_cycle() {
        let parent: Vec<Option<usize>> = (0..10_000)
            .map(|i| if i == 0 { None } else { Some(i - 1) })
            .collect();
        assert!(cycles(&parent).is_empty());
    }
}
