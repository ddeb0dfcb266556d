//! Response trees: what answered a statement (downward), what it answers
//! (upward), and the whole thread around it.
//!
//! A tree is a flat list of nodes in depth-first pre-order, each with its
//! depth and parent, built with an explicit stack: a reply chain a hundred
//! thousand statements long must not overflow the call stack, in building,
//! printing or dropping the tree.

use crate::kb::Kb;
use crate::model::{Stance, StatementIx};

/// A statement in a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub statement: StatementIx,
    /// The stance of the link between this node and its parent (`None` at
    /// the root). Downward, the node takes it towards its parent; upward,
    /// the parent takes it towards the node.
    pub stance: Option<Stance>,
    /// 0 at the root.
    pub depth: usize,
    /// Index of the parent in [`Tree::nodes`].
    pub parent: Option<usize>,
    /// Shown earlier in the tree: its own links are not followed again.
    pub repeated: bool,
    /// The last child of its parent (for drawing).
    pub last: bool,
}

/// A tree of statements, root first, in depth-first pre-order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    /// Whether the root has no children.
    pub fn is_leaf(&self) -> bool {
        self.nodes.len() == 1
    }
}

/// Walks from `root` along `next` (which appends a statement's neighbours,
/// with the stance of each link, to a buffer), down to `depth` levels
/// (unlimited when `None`).
fn walk(
    kb: &Kb,
    root: StatementIx,
    depth: Option<usize>,
    next: impl Fn(StatementIx, &mut Vec<(StatementIx, Stance)>),
) -> Tree {
    let mut seen = vec![false; kb.statements.len()];
    let mut nodes = Vec::new();
    let mut children = Vec::new();
    // (statement, stance, depth, parent, last)
    let mut stack = vec![(root, None, 0usize, None, true)];
    while let Some((statement, stance, d, parent, last)) = stack.pop() {
        let repeated = std::mem::replace(&mut seen[statement.index()], true);
        let index = nodes.len();
        nodes.push(Node {
            statement,
            stance,
            depth: d,
            parent,
            repeated,
            last,
        });
        if repeated || depth.is_some_and(|max| d >= max) {
            continue;
        }
        children.clear();
        next(statement, &mut children);
        let n = children.len();
        for (i, &(child, st)) in children.iter().enumerate().rev() {
            stack.push((child, Some(st), d + 1, Some(index), i + 1 == n));
        }
    }
    Tree { nodes }
}

/// The statements that responded to `root`, recursively, down to `depth`
/// levels. A statement reached twice is listed the second time with
/// `repeated` set and no children.
pub fn responses(kb: &Kb, root: StatementIx, depth: Option<usize>) -> Tree {
    walk(kb, root, depth, |s, out| {
        out.extend(kb.responders(s).iter().map(|r| (r.from, r.stance)));
    })
}

/// What `root` answers, recursively up to the statements that answer
/// nothing: a node's children are the statements it answers.
pub fn answered(kb: &Kb, root: StatementIx) -> Tree {
    walk(kb, root, None, |s, out| {
        out.extend(
            kb.statement(s)
                .statement_responses()
                .map(|(to, r)| (to, r.stance)),
        );
    })
}

/// The whole exchange around a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// What the statement answers, upward to the roots.
    pub answers: Tree,
    /// What answered it, downward.
    pub responses: Tree,
}

pub fn thread(kb: &Kb, focus: StatementIx, depth: Option<usize>) -> Thread {
    Thread {
        answers: answered(kb, focus),
        responses: responses(kb, focus, depth),
    }
}
