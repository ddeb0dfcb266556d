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
use crate::model::{ActorIx, NodeKind, NodeRef, StatementIx};
use crate::suggest;

/// An id the KB does not have (or has, as another kind of item), with the
/// closest ids of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownId {
    pub id: String,
    pub what: &'static str,
    /// The item the id names when it is of another kind than asked for.
    pub found: Option<NodeRef>,
    pub suggestions: Option<String>,
}

impl std::fmt::Display for UnknownId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = crate::escape::shown(&self.id);
        match self.found {
            Some(node) => write!(
                f,
                "`{id}` is {}, not {} {}",
                node.kind().with_article(),
                if self.what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                },
                self.what
            )?,
            None => write!(f, "unknown {} `{id}`", self.what)?,
        }
        if let Some(s) = &self.suggestions {
            write!(f, "; {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownId {}

/// Looks an id up, requiring a kind of node when `kind` is given.
pub fn resolve(kb: &Kb, id: &str, kind: Option<NodeKind>) -> Result<NodeRef, UnknownId> {
    match kb.lookup(id) {
        Some(node) if kind.is_none_or(|k| node.kind() == k) => Ok(node),
        found => {
            let suggestions = if found.is_some() {
                None
            } else {
                let mut close = suggest::closest(id, kb.ids_of(kind));
                close.sort_unstable();
                suggest::did_you_mean(&close)
            };
            Err(UnknownId {
                id: id.to_owned(),
                what: kind.map_or("id", NodeKind::as_str),
                found,
                suggestions,
            })
        }
    }
}

/// Those who attended the event a joint statement was made at and are not
/// among its signatories ("which participants of the summit did not sign
/// the communiqué"), in the event's order. Empty for a statement by one
/// actor or made at no event.
///
/// ```no_run
/// # let loaded = annals::Kb::load(std::path::Path::new("kb")).unwrap();
/// # let kb = &loaded.kb;
/// use annals::model::NodeRef;
/// let Some(NodeRef::Statement(s)) = kb.lookup("putin-peaceful-option") else { panic!() };
/// assert!(annals::query::not_signed(kb, s).is_empty(), "Putin spoke alone");
/// ```
pub fn not_signed(kb: &Kb, statement: StatementIx) -> Vec<ActorIx> {
    let s = kb.statement(statement);
    match s.at {
        Some(at) if s.is_joint() => kb
            .event(at)
            .attendees()
            .filter(|a| !s.speakers().any(|sp| sp == *a))
            .collect(),
        _ => Vec::new(),
    }
}

/// Drops the items of `list` counted less than its `n`-th most counted:
/// they cannot be among the first `n` (none are kept when `n` is 0). What
/// stays is then ordered; at a million items, most of them drawing one
/// response or matching a word once, this is most of them gone before
/// any is ordered.
pub(crate) fn drop_below_first<T, C: Ord + Copy>(
    list: &mut Vec<T>,
    n: usize,
    count: impl Fn(&T) -> C,
) {
    let Some(last) = n.checked_sub(1) else {
        list.clear();
        return;
    };
    if last < list.len() {
        let mut counts: Vec<C> = list.iter().map(&count).collect();
        let (_, &mut least, _) = counts.select_nth_unstable_by(last, |a, b| b.cmp(a));
        list.retain(|item| count(item) >= least);
    }
}
