//! Checks on responds-to links: `self-response`, `response-before-target`,
//! `response-cycle`.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::MAX_LABELS;
use crate::diag::{Code, Diagnostic};
use crate::kb::Kb;
use crate::model::{Answered, StatementIx};

pub fn check(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let mut graph =
        DiGraph::<StatementIx, usize>::with_capacity(kb.statements.len(), kb.statements.len());
    for i in 0..kb.statements.len() {
        graph.add_node(StatementIx(i as u32));
    }
    for (i, s) in kb.statements.iter().enumerate() {
        for (n, r) in s.responds_to.iter().enumerate() {
            let (target, target_date, target_date_span, noun) = match r.to {
                Answered::Statement(to) if to.index() == i => {
                    out.push(
                        Diagnostic::new(
                            Code::SelfResponse,
                            r.span,
                            format!("statement `{}` responds to itself", s.id),
                        )
                        .label("this response names its own statement")
                        .with_help("name the statement it answers"),
                    );
                    continue;
                }
                Answered::Statement(to) => {
                    graph.add_edge(NodeIndex::new(i), NodeIndex::new(to.index()), n);
                    let t = kb.statement(to);
                    (&t.id, &t.date, t.date_span, "statement")
                }
                Answered::Event(to) => {
                    let e = kb.event(to);
                    (&e.id, &e.date, e.date_span, "event")
                }
            };
            if s.date.certainly_before(target_date) {
                out.push(
                    Diagnostic::new(
                        Code::ResponseBeforeTarget,
                        r.span,
                        format!(
                            "`{}` ({}) responds to `{target}`, which is dated later ({target_date})",
                            s.id, s.date
                        ),
                    )
                    .label(format!("responds to a later {noun}"))
                    .with_secondary(s.date_span, "the response is dated here")
                    .with_secondary(target_date_span, "the target is dated here")
                    .with_help("check both dates, or mark an uncertain one with `?`"),
                );
            }
        }
    }
    for component in tarjan_scc(&graph) {
        if component.len() < 2 {
            continue;
        }
        let mut members: Vec<StatementIx> = component.iter().map(|n| graph[*n]).collect();
        members.sort_by(|a, b| kb.statement(*a).id.cmp(&kb.statement(*b).id));
        // The response each member makes to another member of the cycle.
        let span_of = |ix: StatementIx| {
            kb.statement(ix)
                .statement_responses()
                .find(|&(to, _)| members.contains(&to) && to != ix)
                .map(|(_, r)| r.span)
        };
        let names: Vec<String> = members
            .iter()
            .take(MAX_LABELS)
            .map(|m| format!("`{}`", kb.statement(*m).id))
            .collect();
        let Some(first) = span_of(members[0]) else {
            continue;
        };
        let mut d = Diagnostic::new(
            Code::ResponseCycle,
            first,
            format!(
                "{} statements respond to each other in a cycle: {}{}",
                members.len(),
                names.join(", "),
                if members.len() > MAX_LABELS {
                    ", …"
                } else {
                    ""
                }
            ),
        )
        .label("part of the cycle")
        .with_help("a response answers an earlier statement; remove the link that points back");
        for &m in members.iter().skip(1).take(MAX_LABELS - 1) {
            if let Some(span) = span_of(m) {
                d = d.with_secondary(span, "part of the cycle");
            }
        }
        if members.len() > MAX_LABELS {
            d = d.with_note(format!(
                "{} more statements are in the cycle",
                members.len() - MAX_LABELS
            ));
        }
        out.push(d);
    }
}
