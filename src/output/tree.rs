//! `annals responses` and `annals thread` output: response trees.
//!
//! Trees are flat lists (see `query::responses`), drawn line by line with a
//! stack of prefixes; past [`MAX_INDENT`] levels lines stop moving right and
//! show their depth instead, so a long reply chain stays readable and its
//! output grows linearly.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{self, TreeView};
use super::style::Role;
use super::table::{cut, Table};
use super::{stance_word, write_table, Format, Style};
use crate::escape;
use crate::kb::Kb;
use crate::model::Stance;
use crate::query::responses::{Node, Thread, Tree};

/// Deepest level drawn with its own indentation.
pub const MAX_INDENT: usize = 24;

/// One statement: `rejects  id  date  speaker: summary`.
fn line(kb: &Kb, node: &Node, with_stance: bool, style: Style) -> String {
    let s = kb.statement(node.statement);
    let stance = match node.stance {
        Some(st) if with_stance => format!("{} ", style.paint(Role::Stance(st), &stance_word(st))),
        _ => String::new(),
    };
    let id = style.paint(Role::Id, &escape::terminal(&s.id));
    if node.repeated {
        return format!("{stance}{id} {}", style.paint(Role::Dim, "(shown above)"));
    }
    let summary = cut(&escape::terminal(&s.summary), 72);
    format!(
        "{stance}{id}  {}  {}: {summary}",
        style.paint(Role::Date, &escape::terminal(s.date.as_str())),
        escape::terminal(&kb.speaker_names(s, 2)),
    )
}

/// Draws every node below the root with box-drawing characters.
fn draw(kb: &Kb, tree: &Tree, indent: &str, out: &mut dyn Write, style: Style) -> io::Result<()> {
    // prefixes[d] is the text before a node at depth d + 1.
    let mut prefixes: Vec<String> = vec![indent.to_owned()];
    for node in tree.nodes.iter().skip(1) {
        let d = node.depth;
        prefixes.truncate(d.min(MAX_INDENT));
        let prefix = prefixes.last().cloned().unwrap_or_default();
        let branch = if node.last { "└─ " } else { "├─ " };
        let deep = if d > MAX_INDENT {
            format!("[depth {d}] ")
        } else {
            String::new()
        };
        writeln!(out, "{prefix}{branch}{deep}{}", line(kb, node, true, style))?;
        if d < MAX_INDENT {
            prefixes.push(format!("{prefix}{}", if node.last { "   " } else { "│  " }));
        }
    }
    Ok(())
}

/// Flattens a tree into rows.
fn rows<'k>(kb: &'k Kb, tree: &Tree, direction: &'static str, table: &mut Table<'k>) {
    for n in &tree.nodes {
        let s = kb.statement(n.statement);
        let parent = n
            .parent
            .map(|p| kb.statement(tree.nodes[p].statement).id.as_str())
            .unwrap_or("");
        table.push(vec![
            direction.into(),
            n.depth.to_string().into(),
            parent.into(),
            n.stance.map(stance_word).unwrap_or_default().into(),
            s.id.as_str().into(),
            s.date.as_str().into(),
            kb.speaker_names(s, usize::MAX).into(),
            s.summary.as_str().into(),
            if n.repeated { "yes" } else { "" }.into(),
        ]);
    }
}

fn table() -> Table<'static> {
    Table::new(&[
        "direction",
        "depth",
        "parent",
        "stance",
        "id",
        "date",
        "by",
        "summary",
        "repeated",
    ])
}

/// `annals responses`.
pub fn write_responses(
    kb: &Kb,
    tree: &Tree,
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(out, &TreeView::of(kb, tree)),
        Format::Text => {
            writeln!(out, "{}", line(kb, tree.root(), false, style))?;
            draw(kb, tree, "", out, style)
        }
        _ => {
            let mut t = table();
            rows(kb, tree, "responses", &mut t);
            write_table(&t, format, out, style)
        }
    }
}

/// A stance in the passive voice: "rejected".
fn passive(s: Stance) -> &'static str {
    match s {
        Stance::Rejects => "rejected",
        Stance::Disputes => "disputed",
        Stance::Supports => "supported",
        Stance::Qualifies => "qualified",
        Stance::Acknowledges => "acknowledged",
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ThreadView<'a> {
    answers: Vec<TreeView<'a>>,
    responses: Vec<TreeView<'a>>,
}

/// `annals thread`: what the statement answers (farthest first), the
/// statement, and what answered it.
pub fn write_thread(
    kb: &Kb,
    thread: &Thread,
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(
            out,
            &ThreadView {
                answers: TreeView::of(kb, &thread.answers),
                responses: TreeView::of(kb, &thread.responses),
            },
        ),
        Format::Text => {
            let up = &thread.answers;
            if !up.is_leaf() {
                writeln!(out, "{}", style.paint(Role::Header, "answers"))?;
                // Each answered statement with who answers it and how; the
                // farthest first, so the exchange reads downward in time.
                for node in up.nodes.iter().skip(1).rev() {
                    let answerer = node
                        .parent
                        .map(|p| up.nodes[p].statement)
                        .unwrap_or(node.statement);
                    let by = style.paint(Role::Id, &escape::terminal(&kb.statement(answerer).id));
                    let stance = node
                        .stance
                        .map(|st| style.paint(Role::Stance(st), passive(st)))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "  {}  ← {stance} by {by}",
                        line(kb, node, false, style)
                    )?;
                }
                writeln!(out)?;
            }
            writeln!(out, "{}", style.paint(Role::Header, "statement"))?;
            writeln!(out, "  {}", line(kb, thread.responses.root(), false, style))?;
            if !thread.responses.is_leaf() {
                writeln!(out)?;
                writeln!(out, "{}", style.paint(Role::Header, "responses"))?;
                draw(kb, &thread.responses, "  ", out, style)?;
            }
            Ok(())
        }
        _ => {
            let mut t = table();
            rows(kb, &thread.answers, "answers", &mut t);
            rows(kb, &thread.responses, "responses", &mut t);
            write_table(&t, format, out, style)
        }
    }
}
