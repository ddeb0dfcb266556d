//! Response trees: what answered a statement (downward), what it answers
//! (upward), and the whole thread around it.

use std::collections::HashSet;

use crate::kb::Kb;
use crate::model::{Stance, StatementIx};

/// A statement in a tree, with the stance of its link to its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub statement: StatementIx,
    /// The stance of the link to the parent (`None` at the root).
    pub stance: Option<Stance>,
    /// Shown earlier in the tree: its subtree is not repeated.
    pub repeated: bool,
    pub children: Vec<Node>,
}

/// The statements that responded to `root`, recursively, down to `depth`
/// levels (unlimited when `None`). A statement reached twice is listed the
/// second time with `repeated` set and no children.
pub fn responses(kb: &Kb, root: StatementIx, depth: Option<usize>) -> Node {
    let mut seen = HashSet::from([root]);
    let children = down(kb, root, depth, 1, &mut seen);
    Node {
        statement: root,
        stance: None,
        repeated: false,
        children,
    }
}

fn down(
    kb: &Kb,
    at: StatementIx,
    depth: Option<usize>,
    level: usize,
    seen: &mut HashSet<StatementIx>,
) -> Vec<Node> {
    if depth.is_some_and(|d| level > d) {
        return Vec::new();
    }
    kb.responders(at)
        .iter()
        .map(|r| {
            let first = seen.insert(r.from);
            Node {
                statement: r.from,
                stance: Some(r.stance),
                repeated: !first,
                children: if first {
                    down(kb, r.from, depth, level + 1, seen)
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// What `root` answers, recursively up to the statements that answer
/// nothing. Children here are the statements answered; a node's stance is
/// the stance its parent takes towards it.
pub fn answered(kb: &Kb, root: StatementIx) -> Node {
    let mut seen = HashSet::from([root]);
    Node {
        statement: root,
        stance: None,
        repeated: false,
        children: up(kb, root, &mut seen),
    }
}

fn up(kb: &Kb, at: StatementIx, seen: &mut HashSet<StatementIx>) -> Vec<Node> {
    kb.statement(at)
        .responds_to
        .iter()
        .map(|r| {
            let first = seen.insert(r.to);
            Node {
                statement: r.to,
                stance: Some(r.stance),
                repeated: !first,
                children: if first {
                    up(kb, r.to, seen)
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// The whole exchange around a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// What the statement answers, upward to the roots.
    pub answers: Node,
    /// What answered it, downward.
    pub responses: Node,
}

pub fn thread(kb: &Kb, focus: StatementIx, depth: Option<usize>) -> Thread {
    Thread {
        answers: answered(kb, focus),
        responses: responses(kb, focus, depth),
    }
}

impl Node {
    /// Every node in depth-first order with its depth (the root at 0).
    pub fn walk(&self) -> Vec<(usize, &Node)> {
        let mut out = Vec::new();
        let mut stack = vec![(0, self)];
        while let Some((d, n)) = stack.pop() {
            out.push((d, n));
            stack.extend(n.children.iter().rev().map(|c| (d + 1, c)));
        }
        out
    }
}
