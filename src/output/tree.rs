//! `annals responses` and `annals thread` output: response trees.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{self, TreeView};
use super::style::Role;
use super::table::{cut, Table};
use super::{name, stance_word, write_table, Format, Style};
use crate::escape;
use crate::kb::Kb;
use crate::query::responses::{Node, Thread};

/// One line of a tree: `├─ rejects  id  date  speaker: summary`.
fn line(kb: &Kb, node: &Node, style: Style) -> String {
    let s = kb.statement(node.statement);
    let stance = node
        .stance
        .map(|st| format!("{} ", style.paint(Role::Stance(st), &stance_word(st))))
        .unwrap_or_default();
    let id = style.paint(Role::Id, &escape::terminal(&s.id));
    if node.repeated {
        return format!("{stance}{id} {}", style.paint(Role::Dim, "(shown above)"));
    }
    let summary = cut(&escape::terminal(&s.summary), 72);
    format!(
        "{stance}{id}  {}  {}: {summary}",
        style.paint(Role::Date, &escape::terminal(s.date.as_str())),
        escape::terminal(name(kb, s.by)),
    )
}

/// A stance in the passive voice: "rejected".
fn passive(s: crate::model::Stance) -> &'static str {
    use crate::model::Stance::*;
    match s {
        Rejects => "rejected",
        Disputes => "disputed",
        Supports => "supported",
        Qualifies => "qualified",
        Acknowledges => "acknowledged",
    }
}

/// Draws a tree with box-drawing characters.
fn draw(kb: &Kb, node: &Node, prefix: &str, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let n = node.children.len();
    for (i, child) in node.children.iter().enumerate() {
        let last = i + 1 == n;
        writeln!(
            out,
            "{prefix}{}{}",
            if last { "└─ " } else { "├─ " },
            line(kb, child, style)
        )?;
        let deeper = format!("{prefix}{}", if last { "   " } else { "│  " });
        draw(kb, child, &deeper, out, style)?;
    }
    Ok(())
}

/// Flattens a tree into rows: depth, parent, stance, statement.
fn rows(kb: &Kb, root: &Node, direction: &'static str, table: &mut Table) {
    fn visit(
        kb: &Kb,
        node: &Node,
        parent: Option<&str>,
        depth: usize,
        direction: &'static str,
        table: &mut Table,
    ) {
        let s = kb.statement(node.statement);
        table.push(vec![
            direction.into(),
            depth.to_string().into(),
            parent.unwrap_or("").into(),
            node.stance.map(stance_word).unwrap_or_default().into(),
            s.id.as_str().into(),
            s.date.as_str().into(),
            name(kb, s.by).into(),
            s.summary.as_str().into(),
            if node.repeated { "yes" } else { "" }.into(),
        ]);
        for c in &node.children {
            visit(kb, c, Some(&s.id), depth + 1, direction, table);
        }
    }
    visit(kb, root, None, 0, direction, table);
}

fn table() -> Table {
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
    tree: &Node,
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(out, &TreeView::of(kb, tree)),
        Format::Text => {
            writeln!(out, "{}", line(kb, tree, style))?;
            draw(kb, tree, "", out, style)
        }
        _ => {
            let mut t = table();
            rows(kb, tree, "responses", &mut t);
            write_table(&t, format, out, style)
        }
    }
}

#[derive(Serialize)]
struct ThreadView<'a> {
    answers: TreeView<'a>,
    responses: TreeView<'a>,
}

/// `annals thread`: what the statement answers (drawn upward, roots first),
/// the statement, and what answered it.
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
            // Each answered statement once, with who answers it and how;
            // the farthest ancestors first, so the exchange reads downward.
            let mut lines = Vec::new();
            let mut stack = vec![&thread.answers];
            while let Some(node) = stack.pop() {
                let answerer = style.paint(
                    Role::Id,
                    &escape::terminal(&kb.statement(node.statement).id),
                );
                for child in &node.children {
                    let plain = Node {
                        stance: None,
                        ..child.clone()
                    };
                    let stance = child
                        .stance
                        .map(|st| style.paint(Role::Stance(st), passive(st)))
                        .unwrap_or_default();
                    lines.push(format!(
                        "{}  ← {stance} by {answerer}",
                        line(kb, &plain, style)
                    ));
                    stack.push(child);
                }
            }
            if !lines.is_empty() {
                writeln!(out, "{}", style.paint(Role::Header, "answers"))?;
                for l in lines.iter().rev() {
                    writeln!(out, "  {l}")?;
                }
                writeln!(out)?;
            }
            writeln!(out, "{}", style.paint(Role::Header, "statement"))?;
            writeln!(out, "  {}", line(kb, &thread.responses, style))?;
            if !thread.responses.children.is_empty() {
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
