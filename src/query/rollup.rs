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
    let mut out = Vec::new();
    walk(kb, speaker, date, |a| {
        out.push(a);
        true
    });
    out
}

/// The top of [`chain`]: whom the statement counts for with `--rollup`.
pub fn top(kb: &Kb, speaker: ActorIx, date: &Date) -> ActorIx {
    let mut top = speaker;
    walk(kb, speaker, date, |a| {
        top = a;
        true
    });
    top
}

/// Whether a statement by `speaker` on `date` speaks for `actor`: whether
/// `actor` is in its [`chain`].
pub fn speaks_for(kb: &Kb, speaker: ActorIx, date: &Date, actor: ActorIx) -> bool {
    let mut found = false;
    walk(kb, speaker, date, |a| {
        found = a == actor;
        !found
    });
    found
}

/// Calls `visit` with each actor of the [`chain`], in order, until it
/// returns false. Queries call this once per statement, so it does not
/// allocate for chains of up to 16 actors (real ones are 2 to 4 long).
fn walk(kb: &Kb, speaker: ActorIx, date: &Date, mut visit: impl FnMut(ActorIx) -> bool) {
    const INLINE: usize = 16;
    let mut seen = [speaker; INLINE];
    let mut spilled: Vec<ActorIx> = Vec::new();
    let mut len = 1;
    if !visit(speaker) {
        return;
    }
    let mut at = up(kb, speaker, date);
    while let Some(next) = at {
        let repeated = seen[..len.min(INLINE)].contains(&next) || spilled.contains(&next);
        if repeated || len > kb.actors.len() {
            return;
        }
        if len < INLINE {
            seen[len] = next;
        } else {
            spilled.push(next);
        }
        len += 1;
        if !visit(next) {
            return;
        }
        at = up(kb, next, date);
    }
}

/// One step up the chain: a person to the actor of the role covering
/// `date` (an institution, or a person: a press secretary speaks for the
/// president), an institution to what it is part of.
fn up(kb: &Kb, actor: ActorIx, date: &Date) -> Option<ActorIx> {
    let actor = kb.actor(actor);
    if actor.kind == ActorKind::Person {
        actor.role_on(date).map(|r| r.of)
    } else {
        actor.part_of
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeRef;

    fn kb(text: &str) -> Kb {
        Kb::load_files(&[("kb.ron", text.as_bytes())]).kb
    }

    fn ix(kb: &Kb, id: &str) -> ActorIx {
        match kb.lookup(id) {
            Some(NodeRef::Actor(a)) => a,
            other => panic!("{id}: {other:?}"),
        }
    }

    #[test]
    fn a_part_of_cycle_ends_the_chain_before_repeating() {
        // a -> b -> c -> a: every actor once, whatever the length.
        let mut text = String::from("Kb(actors: [");
        let n = 40;
        for i in 0..n {
            text.push_str(&format!(
                "Actor(id: \"a{i}\", name: \"A{i}\", kind: Organization, part_of: \"a{}\"),",
                (i + 1) % n
            ));
        }
        text.push_str("])");
        let kb = kb(&text);
        let date = Date::parse("2024", 0).expect("a date");
        let chain = chain(&kb, ix(&kb, "a0"), &date);
        assert_eq!(chain.len(), n);
        assert_eq!(top(&kb, ix(&kb, "a0"), &date), ix(&kb, "a39"));
        assert!(speaks_for(&kb, ix(&kb, "a0"), &date, ix(&kb, "a20")));
        assert!(speaks_for(&kb, ix(&kb, "a3"), &date, ix(&kb, "a2")));
    }
}
