//! DOT export of every view, built with graphviz-rust's types and printer.
//!
//! graphviz-rust escapes nothing: every id and label goes through
//! [`escape::dot_quoted`] here, in one place (`q`). Output is
//! deterministic: items are visited in the KB's total order and attributes
//! are written in a fixed order.

use std::collections::BTreeMap;
use std::io::{self, Write};

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{event_label, group_by_speaker, select, standing, wrap, View};
use crate::escape;
use crate::kb::{Kb, Link, Party};
use crate::model::{Answered, EventIx, NodeRef, StatementIx};
use crate::palette;
use crate::query::who_responded::{self, Options};
use crate::query::Filter;

/// A quoted DOT id or value.
fn q(text: &str) -> Id {
    Id::Escaped(escape::dot_quoted(text))
}

fn attr(key: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(key.to_owned()), q(value))
}

fn node(id: &str, attrs: Vec<Attribute>) -> Stmt {
    Stmt::Node(Node::new(NodeId(q(id), None), attrs))
}

fn edge(from: &str, to: &str, attrs: Vec<Attribute>) -> Stmt {
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(
            Vertex::N(NodeId(q(from), None)),
            Vertex::N(NodeId(q(to), None)),
        ),
        attributes: attrs,
    })
}

fn defaults(title: &str, rankdir: &str) -> Vec<Stmt> {
    vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("label", title),
            attr("labelloc", "t"),
            attr("fontname", "DejaVu Sans"),
            attr("fontsize", "16"),
            attr("rankdir", rankdir),
            attr("nodesep", "0.3"),
            attr("ranksep", "0.6"),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", "DejaVu Sans"),
            attr("fontsize", "10"),
            attr("shape", "box"),
            attr("style", "rounded,filled"),
            attr("fillcolor", "#ffffff"),
            attr("color", palette::MUTED),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", "DejaVu Sans"),
            attr("fontsize", "9"),
            attr("color", palette::MUTED),
        ])),
    ]
}

/// A digraph printed one top-level statement at a time, byte for byte as
/// graphviz-rust prints the whole `Graph`, and written as it is printed: a
/// view's statements (a node of 100,000 statements, each with its
/// attributes) and its text never all exist at once. The first write that
/// fails ends the printing; `finish` returns its error.
struct Printer<'a> {
    out: &'a mut dyn Write,
    ctx: PrinterContext,
    empty: bool,
    failed: Option<io::Error>,
}

impl<'a> Printer<'a> {
    /// Starts the digraph `id` with `stmts`, written to `out`.
    fn new(id: &str, stmts: Vec<Stmt>, out: &'a mut dyn Write) -> Printer<'a> {
        let mut ctx = PrinterContext::default();
        // The graph printed with no statements: its first line, and the
        // context as printing its statements needs it (a digraph, indented).
        let graph = Graph::DiGraph {
            id: q(id),
            strict: false,
            stmts: vec![],
        };
        let whole = graph.print(&mut ctx);
        let head = whole.strip_suffix("\n}").unwrap_or(&whole);
        let failed = out.write_all(head.as_bytes()).err();
        let mut printer = Printer {
            out,
            ctx,
            empty: true,
            failed,
        };
        for stmt in stmts {
            printer.push(stmt);
        }
        printer
    }

    fn push(&mut self, stmt: Stmt) {
        if self.failed.is_some() {
            return;
        }
        let separator = if self.empty { "" } else { "\n" };
        self.empty = false;
        let text = stmt.print(&mut self.ctx);
        let wrote = self
            .out
            .write_all(separator.as_bytes())
            .and_then(|()| self.out.write_all(text.as_bytes()));
        self.failed = wrote.err();
    }

    /// Closes the digraph.
    fn finish(self) -> io::Result<()> {
        match self.failed {
            Some(e) => Err(e),
            None => self.out.write_all(b"\n}\n"),
        }
    }
}

/// A statement's label: date, kind, and its summary wrapped (the speaker
/// is the cluster's label, or given by `with_speaker`; a joint statement's
/// signatories and a spokesperson are always named, since the cluster
/// names only the first signatory or the principal).
fn statement_label(kb: &Kb, s: StatementIx, with_speaker: bool) -> String {
    let st = kb.statement(s);
    let head = if with_speaker || st.is_joint() || st.on_behalf_of.is_some() {
        format!("{} · {} · {}", kb.attribution(st, 2), st.date, st.kind)
    } else {
        format!("{} · {}", st.date, st.kind)
    };
    let mut lines = vec![head];
    lines.extend(
        standing(kb, st)
            .map(|s| wrap(&s, 38, 2))
            .unwrap_or_default(),
    );
    lines.extend(wrap(&st.summary, 38, 3));
    lines.join("\n")
}

/// A statement's node: rated false or retracted, it is drawn with a
/// dashed red border.
fn statement_node(kb: &Kb, s: StatementIx, with_speaker: bool) -> Stmt {
    let st = kb.statement(s);
    let mut attrs = vec![attr("label", &statement_label(kb, s, with_speaker))];
    if st.is_discredited() {
        attrs.push(attr(
            "color",
            palette::stance(crate::model::Stance::Rejects),
        ));
        attrs.push(attr("style", "rounded,filled,dashed"));
        attrs.push(attr("penwidth", "2"));
    }
    node(&st.id, attrs)
}

/// An event as a grey ellipse.
fn event_node(kb: &Kb, e: EventIx) -> Stmt {
    node(
        &kb.event(e).id,
        vec![
            attr("label", &event_label(kb, e)),
            attr("shape", "ellipse"),
            attr("style", "filled"),
            attr("fillcolor", "#f2f3f4"),
        ],
    )
}

fn stance_edge(
    kb: &Kb,
    from: StatementIx,
    to: Answered,
    stance: crate::model::Stance,
    extra: Vec<Attribute>,
) -> Stmt {
    let color = palette::stance(stance);
    let mut attrs = vec![
        attr("label", &stance.as_str().to_lowercase()),
        attr("color", color),
        attr("fontcolor", color),
        attr("penwidth", "1.6"),
        // The label is tied to its edge by a line, never left floating.
        attr("decorate", "true"),
    ];
    attrs.extend(extra);
    edge(&kb.statement(from).id, kb.id_of(to.node()), attrs)
}

/// The DOT text of a view.
///
/// ```no_run
/// # let loaded = annals::Kb::load(std::path::Path::new("kb")).unwrap();
/// use annals::export::{dot, View};
/// let text = dot::export(&loaded.kb, View::Responses, &annals::query::Filter::default());
/// assert!(text.starts_with("digraph"));
/// ```
/// The DOT text of `view`, whole (Graphviz and pages take it so).
pub fn export(kb: &Kb, view: View, filter: &Filter) -> String {
    let mut text = Vec::new();
    // Writing into memory fails only if memory does, and DOT from `q` and
    // `attr` is UTF-8.
    let _ = write(kb, view, filter, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the DOT text of `view` to `out` as it is printed.
pub fn write(kb: &Kb, view: View, filter: &Filter, out: &mut dyn Write) -> io::Result<()> {
    match view {
        View::Responses => responses(kb, filter, out),
        View::Actors => actors(kb, filter, out),
        View::Timeline => timeline(kb, filter, out),
        View::Kb => whole(kb, filter, out),
    }
}

fn responses(kb: &Kb, filter: &Filter, out: &mut dyn Write) -> io::Result<()> {
    let sel = select(kb, View::Responses, filter);
    let mut stmts = Printer::new("responses", defaults("Who responded to whom", "LR"), out);
    // One cluster per speaker (or institution), in order of first statement.
    let clusters = group_by_speaker(kb, &sel.statements, filter);
    for (i, (who, list)) in clusters.iter().enumerate() {
        let actor = kb.actor(*who);
        let mut inner = vec![
            Stmt::Attribute(attr("label", &actor.name)),
            Stmt::Attribute(attr("style", "rounded,filled")),
            Stmt::Attribute(attr("fillcolor", palette::LANES[i % palette::LANES.len()])),
            Stmt::Attribute(attr("color", palette::GRID)),
        ];
        for &s in list {
            // With roll-up the cluster is an institution: name the speaker.
            inner.push(statement_node(kb, s, filter.rollup));
        }
        stmts.push(Stmt::Subgraph(Subgraph {
            id: q(&format!("cluster_{}", actor.id)),
            stmts: inner,
        }));
    }
    for &e in &sel.events {
        stmts.push(event_node(kb, e));
    }
    let selected: std::collections::BTreeSet<StatementIx> =
        sel.statements.iter().copied().collect();
    for &s in &sel.statements {
        let st = kb.statement(s);
        for r in &st.responds_to {
            let drawn = match r.to {
                Answered::Statement(to) => selected.contains(&to),
                Answered::Event(to) => sel.events.contains(&to),
            };
            if drawn {
                stmts.push(stance_edge(kb, s, r.to, r.stance, vec![]));
            }
        }
        if let Some(at) = st.at.filter(|at| sel.events.contains(at)) {
            stmts.push(edge(
                &st.id,
                &kb.event(at).id,
                vec![
                    attr("style", "dashed"),
                    attr("arrowhead", "none"),
                    attr("color", palette::GRID),
                ],
            ));
        }
    }
    stmts.finish()
}

fn actors(kb: &Kb, filter: &Filter, out: &mut dyn Write) -> io::Result<()> {
    let pairs = who_responded::who_responded(kb, filter, &Options::default());
    let mut stmts = Printer::new(
        "actors",
        defaults("Who responded to whom (actors)", "LR"),
        out,
    );
    let mut seen: Vec<Party> = pairs
        .iter()
        .flat_map(|p| [Party::Actor(p.responder), p.target])
        .collect();
    seen.sort_by_key(|a| kb.party_rank(*a));
    seen.dedup();
    for party in &seen {
        stmts.push(match *party {
            Party::Actor(a) => {
                let actor = kb.actor(a);
                node(
                    &actor.id,
                    vec![attr("label", &format!("{}\n{}", actor.name, actor.kind))],
                )
            }
            Party::Event(e) => event_node(kb, e),
        });
    }
    for p in &pairs {
        let dominant = p.stances.dominant();
        let color = dominant.map_or(palette::MUTED, palette::stance);
        let stances: Vec<String> = p
            .stances
            .iter()
            .map(|(s, n)| format!("{n} {}", s.as_str().to_lowercase()))
            .collect();
        let width = 1.0 + (p.count as f64).ln_1p() * 1.5;
        stmts.push(edge(
            &kb.actor(p.responder).id,
            kb.id_of(p.target.node()),
            vec![
                attr("label", &stances.join("\n")),
                attr("color", color),
                attr("fontcolor", color),
                attr("penwidth", &format!("{width:.1}")),
            ],
        ));
    }
    stmts.finish()
}

fn timeline(kb: &Kb, filter: &Filter, out: &mut dyn Write) -> io::Result<()> {
    let sel = select(kb, View::Timeline, filter);
    let mut stmts = Printer::new("timeline", defaults("Timeline", "LR"), out);
    // One rank per day (the start day of each item's date), with a date axis.
    let day = |start: i64| {
        crate::records::instant(start).map_or_else(|| "open".to_owned(), |t| t[..10].to_owned())
    };
    let mut ranks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for &e in &sel.events {
        let ev = kb.event(e);
        let label = event_label(kb, e);
        stmts.push(node(
            &ev.id,
            vec![
                attr("label", &label),
                attr("shape", "ellipse"),
                attr("fillcolor", "#f2f3f4"),
            ],
        ));
        ranks
            .entry(day(ev.date.bounds().start))
            .or_default()
            .push(ev.id.clone());
    }
    for &s in &sel.statements {
        let st = kb.statement(s);
        stmts.push(statement_node(kb, s, true));
        ranks
            .entry(day(st.when.start))
            .or_default()
            .push(st.id.clone());
    }
    let days: Vec<&String> = ranks.keys().collect();
    for d in &days {
        stmts.push(node(
            &format!("day {d}"),
            vec![
                attr("label", d),
                attr("shape", "plaintext"),
                attr("style", ""),
            ],
        ));
    }
    for w in days.windows(2) {
        stmts.push(edge(
            &format!("day {}", w[0]),
            &format!("day {}", w[1]),
            vec![attr("style", "invis")],
        ));
    }
    for (d, ids) in &ranks {
        let mut inner = vec![Stmt::Attribute(attr("rank", "same"))];
        inner.push(node(&format!("day {d}"), vec![]));
        inner.extend(ids.iter().map(|id| node(id, vec![])));
        stmts.push(Stmt::Subgraph(Subgraph {
            id: q(&format!("rank {d}")),
            stmts: inner,
        }));
    }
    for &s in &sel.statements {
        for (to, r) in kb.statement(s).statement_responses() {
            if sel
                .statements
                .binary_search_by(|x| order(kb, *x, to))
                .is_ok()
            {
                stmts.push(stance_edge(
                    kb,
                    s,
                    r.to,
                    r.stance,
                    vec![attr("constraint", "false")],
                ));
            }
        }
    }
    stmts.finish()
}

/// The position of statements in the KB's total order.
fn order(kb: &Kb, a: StatementIx, b: StatementIx) -> std::cmp::Ordering {
    let (x, y) = (kb.statement(a), kb.statement(b));
    (x.when.start, x.when.end)
        .cmp(&(y.when.start, y.when.end))
        .then_with(|| x.id.cmp(&y.id))
}

fn whole(kb: &Kb, filter: &Filter, out: &mut dyn Write) -> io::Result<()> {
    let sel = select(kb, View::Kb, filter);
    let mut stmts = Printer::new("kb", defaults("Knowledge base", "LR"), out);
    let mut shown: std::collections::BTreeSet<NodeRef> = std::collections::BTreeSet::new();
    for &s in &sel.statements {
        shown.insert(NodeRef::Statement(s));
    }
    for &e in &sel.events {
        shown.insert(NodeRef::Event(e));
    }
    // Actors linked to anything shown, and everything they link to.
    let g = kb.graph();
    for n in shown.clone() {
        for m in g.neighbors_undirected(kb.node(n)) {
            if let NodeRef::Actor(a) = g[m] {
                shown.insert(NodeRef::Actor(a));
            }
        }
    }
    for n in &shown {
        let (id, label, shape) = match *n {
            NodeRef::Actor(a) => {
                let actor = kb.actor(a);
                (&actor.id, format!("{}\n{}", actor.name, actor.kind), "box")
            }
            NodeRef::Event(e) => {
                let ev = kb.event(e);
                (
                    &ev.id,
                    format!("{}\n{}", wrap(&ev.name, 30, 2).join("\n"), ev.date),
                    "ellipse",
                )
            }
            NodeRef::Statement(s) => (&kb.statement(s).id, statement_label(kb, s, true), "note"),
        };
        stmts.push(node(id, vec![attr("label", &label), attr("shape", shape)]));
    }
    for n in &shown {
        let from = kb.node(*n);
        let mut out: Vec<_> = g
            .edges(from)
            .map(|e| (petgraph::visit::EdgeRef::target(&e), *e.weight()))
            .collect();
        out.sort_by_key(|(t, _)| t.index());
        for (t, link) in out {
            if !shown.contains(&g[t]) {
                continue;
            }
            let mut attrs = vec![attr("label", link.as_str())];
            if let Link::RespondsTo(stance) = link {
                attrs = vec![
                    attr("label", &stance.as_str().to_lowercase()),
                    attr("color", palette::stance(stance)),
                ];
            }
            stmts.push(edge(kb.id_of(*n), kb.id_of(g[t]), attrs));
        }
    }
    stmts.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Printing statement by statement gives graphviz-rust's own printing
    /// of the whole graph, byte for byte: graph attributes, nodes, nested
    /// clusters and edges (so a graphviz-rust upgrade that changes its
    /// layout of text fails here, not in a golden file far away).
    #[test]
    fn the_printer_prints_as_graphviz_rust_prints_the_whole_graph() {
        let stmts = || {
            let mut stmts = defaults("A \"title\"", "LR");
            stmts.push(Stmt::Subgraph(Subgraph {
                id: q("cluster_a"),
                stmts: vec![
                    Stmt::Attribute(attr("label", "A")),
                    node("s1", vec![attr("label", "one\nline")]),
                    Stmt::Subgraph(Subgraph {
                        id: q("cluster_inner"),
                        stmts: vec![node("s2", vec![])],
                    }),
                ],
            }));
            stmts.push(node("e1", vec![attr("shape", "ellipse")]));
            stmts.push(edge("s2", "s1", vec![attr("color", "#c0392b")]));
            stmts.push(edge("s1", "e1", vec![]));
            stmts
        };
        let graph = Graph::DiGraph {
            id: q("view"),
            strict: false,
            stmts: stmts(),
        };
        let whole = graph.print(&mut PrinterContext::default()) + "\n";
        let mut out = Vec::new();
        let mut printer = Printer::new("view", vec![], &mut out);
        for stmt in stmts() {
            printer.push(stmt);
        }
        printer.finish().unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert!(printed.contains("\"s2\" -> \"s1\""), "{printed}");
        assert_eq!(printed, whole);
        let mut none = Vec::new();
        Printer::new("none", vec![], &mut none).finish().unwrap();
        assert_eq!(
            String::from_utf8(none).unwrap(),
            Graph::DiGraph {
                id: q("none"),
                strict: false,
                stmts: vec![]
            }
            .print(&mut PrinterContext::default())
                + "\n"
        );
    }

    /// The first write that fails ends the printing, and is what it returns.
    #[test]
    fn a_failed_write_ends_the_printing() {
        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                self.0 += 1;
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut full = Full(0);
        let mut printer = Printer::new("x", defaults("t", "LR"), &mut full);
        printer.push(node("s1", vec![]));
        let failed = printer.finish().unwrap_err();
        assert_eq!(failed.to_string(), "disk full");
        assert_eq!(full.0, 1, "nothing is written after a failed write");
    }
}
