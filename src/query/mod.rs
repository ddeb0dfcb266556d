//! Queries over a loaded KB. Each is a function returning typed results
//! (indices into the KB, counts); formatting them is `output`'s job.
//! Queries read the indexes built at load (date order, statements by actor,
//! responders) and never re-parse text.

pub mod filter;
pub mod path;
pub mod responses;
pub mod rollup;
pub mod search;
pub mod stats;
pub mod timeline;
pub mod who_responded;

pub use filter::{Filter, FilterError, FilterSpec};

use crate::kb::Kb;
use crate::model::{NodeKind, NodeRef};
use crate::suggest;

/// An id the KB does not have, with the closest ids it does have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{}`{}", crate::escape::shown(.id), .suggestions.as_ref().map(|s| format!("; {s}")).unwrap_or_default())]
pub struct UnknownId {
    pub id: String,
    pub what: &'static str,
    pub suggestions: Option<String>,
}

/// Looks an id up, requiring a kind of node when `kind` is given.
pub fn resolve(kb: &Kb, id: &str, kind: Option<NodeKind>) -> Result<NodeRef, UnknownId> {
    match kb.lookup(id) {
        Some(node) if kind.is_none_or(|k| node.kind() == k) => Ok(node),
        _ => {
            let mut close = suggest::closest(id, kb.ids_of(kind));
            close.sort_unstable();
            Err(UnknownId {
                id: id.to_owned(),
                what: kind.map_or("id", NodeKind::as_str),
                suggestions: suggest::did_you_mean(&close),
            })
        }
    }
}
