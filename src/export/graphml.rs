//! GraphML export: actors, events and statements as nodes, every link as an
//! edge, so the KB opens in Gephi, yEd or NetworkX, with nothing left out.
//!
//! A node's attributes are its JSON record (`records.rs`, documented in
//! docs/json.md) field by field: text as `string`, counts as `long`, flags
//! as `boolean`; the item's date as `date` (written), `earliest`, `latest`,
//! `uncertain` and `approximate`; a reference as the id it names; a list
//! or nested object (quotes, sources, roles, verdicts …) as its JSON text.
//! Every key is declared once, for its domain, with its type; text is
//! written exactly ([`xml_data`]: line breaks and bidi controls as character
//! references; only the C0 controls XML 1.0 cannot hold are dropped).

use std::fmt::Write;

use petgraph::visit::EdgeRef;
use serde_json::Value;

use super::Records;
use crate::escape::{xml, xml_data};
use crate::kb::{Kb, Link};
use crate::model::NodeRef;
use crate::records::{ActorView, EventView, StatementView};

/// A GraphML attribute type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    String,
    Long,
    Boolean,
}

impl Ty {
    fn as_str(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Long => "long",
            Ty::Boolean => "boolean",
        }
    }
}

/// The keys of edges: what the link is, a response's stance and its
/// position in the statement's `responds_to` (from 1), a participant's
/// role.
const EDGE_KEYS: &[(&str, Ty)] = &[
    ("link", Ty::String),
    ("stance", Ty::String),
    ("position", Ty::Long),
    ("role", Ty::String),
];

/// One attribute of a node: key, type, value as GraphML writes it.
type Datum = (String, Ty, String);

/// A node's attributes from its JSON record, in the record's field order.
fn flatten(record: Value) -> Vec<Datum> {
    let Value::Object(fields) = record else {
        return Vec::new();
    };
    let mut data = Vec::new();
    for (key, value) in fields {
        match value {
            // The node's id is the node's own.
            Value::Null => {}
            _ if key == "id" => {}
            Value::Bool(b) => data.push((key, Ty::Boolean, b.to_string())),
            Value::Number(n) => data.push((key, Ty::Long, n.to_string())),
            Value::String(s) => data.push((key, Ty::String, s)),
            Value::Array(a) if a.is_empty() => {}
            // A date: written form, bounds and qualifiers.
            Value::Object(o) if o.contains_key("written") && o.contains_key("earliest") => {
                let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
                // The item's own date keeps the short names.
                let name = |part: &str| {
                    if key == "date" {
                        part.to_owned()
                    } else {
                        format!("{key}_{part}")
                    }
                };
                if let Some(w) = text(o.get("written")) {
                    data.push((key.clone(), Ty::String, w));
                }
                for bound in ["earliest", "latest"] {
                    if let Some(t) = text(o.get(bound)) {
                        data.push((name(bound), Ty::String, t));
                    }
                }
                for flag in ["uncertain", "approximate"] {
                    let on = o.get(flag).and_then(Value::as_bool).unwrap_or(false);
                    data.push((name(flag), Ty::Boolean, on.to_string()));
                }
            }
            // A reference: the id it names.
            Value::Object(o) if o.contains_key("id") && o.contains_key("type") => {
                if let Some(id) = o.get("id").and_then(Value::as_str) {
                    data.push((key, Ty::String, id.to_owned()));
                }
            }
            other => data.push((key, Ty::String, other.to_string())),
        }
    }
    data
}

/// A node's label and attributes.
fn node_data(kb: &Kb, n: NodeRef) -> (String, Vec<Datum>) {
    let (label, record) = match n {
        NodeRef::Actor(a) => (
            kb.actor(a).name.clone(),
            serde_json::to_value(ActorView::of(kb, a)),
        ),
        NodeRef::Event(e) => (
            kb.event(e).name.clone(),
            serde_json::to_value(EventView::of(kb, e)),
        ),
        NodeRef::Statement(s) => {
            let st = kb.statement(s);
            let label = format!("{} · {}", kb.speaker_names(st, 2), st.date);
            (label, serde_json::to_value(StatementView::of(kb, s)))
        }
    };
    (label, flatten(record.unwrap_or(Value::Null)))
}

/// Writes the GraphML document of the records to `out` as it is made: the
/// nodes' attributes are read twice (once to declare every key, once to
/// write them) rather than held (ten times the KB at 100,000 statements).
pub fn write(kb: &Kb, records: &Records, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    let nodes: Vec<NodeRef> = records
        .actors
        .iter()
        .map(|a| NodeRef::Actor(*a))
        .chain(records.events.iter().map(|e| NodeRef::Event(*e)))
        .chain(records.statements.iter().map(|s| NodeRef::Statement(*s)))
        .collect();
    // Every key first, each with the first type seen (the records give one
    // field one type), in the order the nodes give them.
    let seen: Vec<Vec<(String, Ty)>> = nodes
        .par_chunks(super::CHUNK)
        .map(|chunk| {
            let mut keys: Vec<(String, Ty)> = Vec::new();
            for n in chunk {
                for (key, ty, _) in node_data(kb, *n).1 {
                    if !keys.iter().any(|(k, _)| *k == key) {
                        keys.push((key, ty));
                    }
                }
            }
            keys
        })
        .collect();
    let mut keys: Vec<(String, Ty)> = vec![("label".into(), Ty::String)];
    for (key, ty) in seen.into_iter().flatten() {
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, ty));
        }
    }

    let mut head = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    head.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    let declare = |out: &mut String, domain: &str, prefix: &str, key: &str, ty: Ty| {
        let _ = writeln!(
            out,
            "  <key id=\"{prefix}{}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{}\"/>",
            xml(key),
            xml(key),
            ty.as_str()
        );
    };
    for (key, ty) in &keys {
        declare(&mut head, "node", "", key, *ty);
    }
    // Edge keys get their own ids: a node and an edge attribute may share
    // a name (`role`).
    for (key, ty) in EDGE_KEYS {
        declare(&mut head, "edge", "edge_", key, *ty);
    }
    head.push_str("  <graph id=\"annals\" edgedefault=\"directed\">\n");
    out.write_all(head.as_bytes())?;
    let data = |out: &mut String, key: &str, value: &str| {
        let _ = writeln!(
            out,
            "      <data key=\"{}\">{}</data>",
            xml(key),
            xml_data(value)
        );
    };
    // The nodes, printed in parallel and written as they come.
    let print = |n: &NodeRef, text: &mut Vec<u8>| {
        let (label, attrs) = node_data(kb, *n);
        let mut node = format!("    <node id=\"{}\">\n", xml(kb.id_of(*n)));
        data(&mut node, "label", &label);
        for (key, _, value) in &attrs {
            data(&mut node, key, value);
        }
        node.push_str("    </node>\n");
        text.extend_from_slice(node.as_bytes());
        Ok(())
    };
    super::print_in_parallel(&nodes, print, |part| out.write_all(part))?;
    let included: std::collections::BTreeSet<NodeRef> = nodes.iter().copied().collect();
    let g = kb.graph();
    let mut count = 0;
    let mut text = String::new();
    for n in &nodes {
        let mut edges: Vec<_> = g
            .edges(kb.node(*n))
            .map(|e| (g[e.target()], *e.weight()))
            .collect();
        edges.sort_by(|a, b| kb.id_of(a.0).cmp(kb.id_of(b.0)));
        text.clear();
        for (target, link) in edges {
            if !included.contains(&target) {
                continue;
            }
            let _ = writeln!(
                text,
                "    <edge id=\"e{count}\" source=\"{}\" target=\"{}\">",
                xml(kb.id_of(*n)),
                xml(kb.id_of(target))
            );
            data(&mut text, "edge_link", link.as_str());
            match (link, *n) {
                (Link::RespondsTo(stance), NodeRef::Statement(s)) => {
                    data(&mut text, "edge_stance", stance.as_str());
                    let position = kb
                        .statement(s)
                        .responds_to
                        .iter()
                        .position(|r| r.to.node() == target && r.stance == stance);
                    if let Some(p) = position {
                        data(&mut text, "edge_position", &(p + 1).to_string());
                    }
                }
                (Link::ParticipantOf(role), _) => data(&mut text, "edge_role", role.as_str()),
                _ => {}
            }
            text.push_str("    </edge>\n");
            count += 1;
        }
        out.write_all(text.as_bytes())?;
    }
    out.write_all(b"  </graph>\n</graphml>\n")
}
