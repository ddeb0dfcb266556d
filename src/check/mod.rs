//! The checks that run on a resolved KB, one file per family:
//! `responses` (self-responses, responses before their target, cycles),
//! `structure` (`part_of` cycles), `dates` (statements outside their
//! event's or speaker's role dates) and `hygiene` (sources, empty
//! statements, unused items).
//!
//! Checks only create diagnostics at their default severity; levels are
//! applied afterwards ([`Levels`]) and sinks format them. Loading problems
//! (syntax, ids, references, dates) are reported by `load`.

mod dates;
mod hygiene;
mod levels;
mod responses;
mod structure;

pub use levels::{Level, Levels};

use crate::diag::Diagnostic;
use crate::kb::Kb;
use crate::load::Loaded;

/// Every diagnostic of a loaded KB, loading's and the lints', with `levels`
/// applied, sorted by file and position.
pub fn diagnostics(loaded: &Loaded, levels: &Levels) -> Vec<Diagnostic> {
    let mut all = loaded.load_findings().to_vec();
    all.extend(run(&loaded.kb));
    let mut all = levels.apply(all);
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}

/// Runs every check on `kb`.
pub fn run(kb: &Kb) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    responses::check(kb, &mut out);
    structure::check(kb, &mut out);
    dates::check(kb, &mut out);
    hygiene::check(kb, &mut out);
    out
}

/// At most this many places are labelled in one diagnostic about a cycle;
/// a note counts the rest.
pub(crate) const MAX_LABELS: usize = 12;
