//! Checks on completeness: `missing-source`, `empty-statement`,
//! `duplicate-source`, `unused-actor`, `unused-event`.

use petgraph::Direction;

use crate::diag::{Code, Diagnostic};
use crate::kb::{Kb, Link};
use crate::model::{NodeRef, Source};

pub fn check(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for s in &kb.statements {
        if s.sources.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::MissingSource,
                    s.span,
                    format!("statement `{}` has no source", s.id),
                )
                .label("no `sources`")
                .with_help("add `sources: [Source(outlet: \"…\", url: \"…\")]`"),
            );
        }
        if s.summary.trim().is_empty() && s.quotes.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::EmptyStatement,
                    s.summary_span,
                    format!("statement `{}` says nothing", s.id),
                )
                .label("empty summary, and no quotes")
                .with_help("write a neutral one-paragraph summary, or add a verbatim quote"),
            );
        }
        duplicate_sources(&s.id, &s.sources, out);
    }
    for e in &kb.events {
        duplicate_sources(&e.id, &e.sources, out);
    }
    let graph = kb.graph();
    for (i, a) in kb.actors.iter().enumerate() {
        let me = NodeRef::Actor(crate::model::ActorIx(i as u32));
        let node = kb.node(me);
        // Participant links point from the actor to the event, but it is the
        // event that names the actor.
        let referred = graph
            .neighbors_directed(node, Direction::Incoming)
            .next()
            .is_some()
            || graph
                .edges_directed(node, Direction::Outgoing)
                .any(|e| matches!(e.weight(), Link::ParticipantOf(_)))
            || kb.is_named_by_left_out(me);
        if !referred {
            out.push(
                Diagnostic::new(Code::UnusedActor, a.span, format!("actor `{}` is not used", a.id))
                    .label("nothing refers to this actor")
                    .with_help("remove it, or refer to it (`by`, `about`, `participants`, `part_of`, a role's `of`, an `outlet`, a verdict's `by`)"),
            );
        }
    }
    for (i, e) in kb.events.iter().enumerate() {
        let node = kb.node(NodeRef::Event(crate::model::EventIx(i as u32)));
        if graph
            .neighbors_directed(node, Direction::Incoming)
            .next()
            .is_none()
        {
            out.push(
                Diagnostic::new(Code::UnusedEvent, e.span, format!("event `{}` is not used", e.id))
                    .label("nothing refers to this event")
                    .with_help("remove it, or refer to it (`at`, `about`, `part_of`, or list its `participants`)"),
            );
        }
    }
}

fn duplicate_sources(owner: &str, sources: &[Source], out: &mut Vec<Diagnostic>) {
    for (i, s) in sources.iter().enumerate() {
        // A source whose outlet did not resolve (its mistake is reported)
        // says nothing to compare: two such are not the same source.
        if s.identity() == (None, None, None) {
            continue;
        }
        if let Some(first) = sources[..i].iter().find(|f| f.identity() == s.identity()) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateSource,
                    s.span,
                    format!("`{owner}` cites the same source twice"),
                )
                .label("cited again here")
                .with_secondary(first.span, "first cited here")
                .with_help("remove one of them"),
            );
        }
    }
}
