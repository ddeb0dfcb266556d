//! Roll-up: whom a statement speaks for.
//!
//! A person's statement counts for the institution they held a role in on
//! the statement's date, and an institution's for what it is part of, up to
//! the top. Stoltenberg's words of June 2024 count for NATO; the Ukrainian
//! foreign ministry's for the government of Ukraine, then Ukraine.

use crate::kb::Kb;
use crate::model::{ActorIx, ActorKind, Date};

/// The chain of actors a statement by `speaker` on `date` speaks for: the
/// speaker first, then the institution of the role covering the date, then
/// each `part_of` up to the top. Never loops, even on a `part_of` cycle.
///
/// ```no_run
/// # let loaded = annals::Kb::load(std::path::Path::new("kb")).unwrap();
/// # let kb = &loaded.kb;
/// use annals::model::NodeRef;
/// let Some(NodeRef::Statement(s)) = kb.lookup("stoltenberg-nato-support") else { panic!() };
/// let s = kb.statement(s);
/// let chain = annals::query::rollup::chain(kb, s.by, &s.date);
/// let ids: Vec<_> = chain.iter().map(|a| kb.actor(*a).id.as_str()).collect();
/// assert_eq!(ids, ["stoltenberg", "nato"]);
/// ```
pub fn chain(kb: &Kb, speaker: ActorIx, date: &Date) -> Vec<ActorIx> {
    let mut out = vec![speaker];
    let actor = kb.actor(speaker);
    let mut at = if actor.kind == ActorKind::Person {
        actor
            .roles
            .iter()
            .find(|r| r.bounds().overlaps(&date.bounds()))
            .map(|r| r.of)
    } else {
        actor.part_of
    };
    while let Some(next) = at {
        if out.contains(&next) || out.len() > kb.actors.len() {
            break;
        }
        out.push(next);
        at = kb.actor(next).part_of;
    }
    out
}

/// The top of [`chain`]: whom the statement counts for with `--rollup`.
pub fn top(kb: &Kb, speaker: ActorIx, date: &Date) -> ActorIx {
    chain(kb, speaker, date).last().copied().unwrap_or(speaker)
}
