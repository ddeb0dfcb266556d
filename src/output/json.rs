//! JSON output of queries: the item records of [`crate::records`], and the
//! response tree.

use serde::Serialize;

use crate::kb::Kb;
use crate::model::Stance;
use crate::query::responses::Tree;
pub use crate::records::*;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TreeView<'a> {
    pub id: &'a str,
    pub by: Ref<'a>,
    pub date: &'a str,
    pub kind: crate::model::StatementKind,
    pub summary: &'a str,
    /// The stance of the link to the parent; `null` at the root.
    pub stance: Option<Stance>,
    /// 0 at the root.
    pub depth: usize,
    /// The parent's id; `null` at the root.
    pub parent: Option<&'a str>,
    /// Already shown earlier in the tree; its links are not followed again.
    pub repeated: bool,
}

impl<'a> TreeView<'a> {
    /// Every node of a tree, in order.
    pub fn of(kb: &'a Kb, tree: &'a Tree) -> Vec<TreeView<'a>> {
        tree.nodes
            .iter()
            .map(|n| {
                let s = kb.statement(n.statement);
                TreeView {
                    id: &s.id,
                    by: Ref::actor(kb, s.by),
                    date: s.date.as_str(),
                    kind: s.kind,
                    summary: &s.summary,
                    stance: n.stance,
                    depth: n.depth,
                    parent: n
                        .parent
                        .map(|p| kb.statement(tree.nodes[p].statement).id.as_str()),
                    repeated: n.repeated,
                }
            })
            .collect()
    }
}
