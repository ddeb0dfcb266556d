//! GraphML export: actors, events and statements as nodes, every link as an
//! edge, with typed attributes declared as GraphML keys, so the KB opens in
//! Gephi, yEd or NetworkX. Every `data` element's key is declared for its
//! domain (node or edge); text is XML-escaped in one place.

use std::fmt::Write;

use petgraph::visit::EdgeRef;

use super::Records;
use crate::escape::xml;
use crate::kb::{Kb, Link};
use crate::model::NodeRef;
use crate::records::DateView;

/// The declared keys: id, domain, type.
const KEYS: &[(&str, &str)] = &[
    ("label", "node"),
    ("type", "node"),
    ("name", "node"),
    ("kind", "node"),
    ("date", "node"),
    ("earliest", "node"),
    ("latest", "node"),
    ("summary", "node"),
    ("place", "node"),
    ("link", "edge"),
    ("stance", "edge"),
];

/// The GraphML document of the records.
pub fn export(kb: &Kb, records: &Records) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (id, domain) in KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{id}\" attr.type=\"string\"/>"
        );
    }
    out.push_str("  <graph id=\"annals\" edgedefault=\"directed\">\n");
    let nodes: Vec<NodeRef> = records
        .actors
        .iter()
        .map(|a| NodeRef::Actor(*a))
        .chain(records.events.iter().map(|e| NodeRef::Event(*e)))
        .chain(records.statements.iter().map(|s| NodeRef::Statement(*s)))
        .collect();
    let included: std::collections::BTreeSet<NodeRef> = nodes.iter().copied().collect();
    let data = |out: &mut String, key: &str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml(value));
        }
    };
    for n in &nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", xml(kb.id_of(*n)));
        match *n {
            NodeRef::Actor(a) => {
                let actor = kb.actor(a);
                data(&mut out, "label", &actor.name);
                data(&mut out, "type", "actor");
                data(&mut out, "name", &actor.name);
                data(&mut out, "kind", actor.kind.as_str());
            }
            NodeRef::Event(e) => {
                let ev = kb.event(e);
                let d = DateView::of(&ev.date);
                data(&mut out, "label", &ev.name);
                data(&mut out, "type", "event");
                data(&mut out, "name", &ev.name);
                data(&mut out, "kind", ev.kind.as_str());
                data(&mut out, "date", d.written);
                data(&mut out, "earliest", &d.earliest.unwrap_or_default());
                data(&mut out, "latest", &d.latest.unwrap_or_default());
                data(&mut out, "place", ev.place.as_deref().unwrap_or(""));
            }
            NodeRef::Statement(s) => {
                let st = kb.statement(s);
                let d = DateView::of(&st.date);
                data(
                    &mut out,
                    "label",
                    &format!("{} · {}", kb.speaker_names(st, 2), st.date),
                );
                data(&mut out, "type", "statement");
                data(&mut out, "kind", st.kind.as_str());
                data(&mut out, "date", d.written);
                data(&mut out, "earliest", &d.earliest.unwrap_or_default());
                data(&mut out, "latest", &d.latest.unwrap_or_default());
                data(&mut out, "summary", &st.summary);
            }
        }
        out.push_str("    </node>\n");
    }
    let g = kb.graph();
    let mut count = 0;
    for n in &nodes {
        let mut edges: Vec<_> = g
            .edges(kb.node(*n))
            .map(|e| (g[e.target()], *e.weight()))
            .collect();
        edges.sort_by(|a, b| kb.id_of(a.0).cmp(kb.id_of(b.0)));
        for (target, link) in edges {
            if !included.contains(&target) {
                continue;
            }
            let _ = writeln!(
                out,
                "    <edge id=\"e{count}\" source=\"{}\" target=\"{}\">",
                xml(kb.id_of(*n)),
                xml(kb.id_of(target))
            );
            data(&mut out, "link", link.as_str());
            if let Link::RespondsTo(stance) = link {
                data(&mut out, "stance", stance.as_str());
            }
            out.push_str("    </edge>\n");
            count += 1;
        }
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
