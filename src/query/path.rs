//! The shortest chain of links between two nodes, whatever the links'
//! direction.

use std::collections::VecDeque;

use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::kb::{Kb, Link};
use crate::model::NodeRef;

/// One link of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub from: NodeRef,
    pub to: NodeRef,
    pub link: Link,
    /// Whether the link points from `from` to `to` (else it is followed
    /// backwards: `to` said `from`).
    pub forward: bool,
}

/// The shortest path from `from` to `to` (breadth-first, ties broken by the
/// graph's edge order, so the answer is deterministic); `None` when they are
/// not connected. An empty path when `from == to`.
pub fn path(kb: &Kb, from: NodeRef, to: NodeRef) -> Option<Vec<Step>> {
    let g = kb.graph();
    let (start, goal) = (kb.node(from), kb.node(to));
    let mut prev: Vec<Option<(petgraph::graph::NodeIndex, Link, bool)>> =
        vec![None; g.node_count()];
    let mut visited = vec![false; g.node_count()];
    visited[start.index()] = true;
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        if at == goal {
            break;
        }
        let mut next: Vec<_> = g
            .edges_directed(at, Direction::Outgoing)
            .map(|e| (e.target(), *e.weight(), true))
            .chain(
                g.edges_directed(at, Direction::Incoming)
                    .map(|e| (e.source(), *e.weight(), false)),
            )
            .collect();
        next.sort_by_key(|(n, _, fwd)| (n.index(), !fwd));
        for (n, link, forward) in next {
            if !visited[n.index()] {
                visited[n.index()] = true;
                prev[n.index()] = Some((at, link, forward));
                queue.push_back(n);
            }
        }
    }
    if !visited[goal.index()] {
        return None;
    }
    let mut steps = Vec::new();
    let mut at = goal;
    while let Some((p, link, forward)) = prev[at.index()] {
        steps.push(Step {
            from: g[p],
            to: g[at],
            link,
            forward,
        });
        at = p;
    }
    steps.reverse();
    Some(steps)
}
