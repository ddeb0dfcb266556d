//! Writing a tree in the canonical layout: a value on one line when it fits
//! in [`WIDTH`] columns and holds no comment, else one child per line,
//! indented by four spaces, each followed by a comma.

use unicode_width::UnicodeWidthStr;

use super::tree::{Child, Comment, File, Open, Seq, Value};

/// The widest a line may be for a value to stay on it.
pub const WIDTH: usize = 100;

const INDENT: usize = 4;

/// Writes `file`.
pub fn file(file: &File) -> String {
    let mut out = String::new();
    for attribute in &file.attributes {
        out.push_str(attribute);
        out.push('\n');
    }
    comments(&mut out, &file.leading, 0);
    value(&mut out, &file.root, 0);
    out.push('\n');
    if !file.trailing.is_empty() {
        comments(&mut out, &file.trailing, 0);
    }
    out
}

/// Comments on lines of their own, at `indent`.
fn comments(out: &mut String, list: &[Comment], indent: usize) {
    for c in list {
        if c.blank_before && !at_block_start(out) {
            out.push('\n');
        }
        push_indent(out, indent);
        out.push_str(&c.text);
        out.push('\n');
    }
}

/// Whether nothing but an opening bracket (or nothing) precedes the line
/// being started: no blank line goes there.
fn at_block_start(out: &str) -> bool {
    let trimmed = out.trim_end_matches('\n');
    trimmed.is_empty() || trimmed.ends_with(['(', '[', '{']) || out.ends_with("\n\n")
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// The width of the line being written.
fn line_width(out: &str) -> usize {
    let start = out.rfind('\n').map_or(0, |n| n + 1);
    out[start..].width()
}

/// Writes `v` as a child `indent` columns deep writes it (an item given on
/// its own, placed in its list later).
pub(super) fn value_at(out: &mut String, v: &Value, indent: usize) {
    push_indent(out, indent);
    let start = out.len();
    value(out, v, indent);
    out.replace_range(..start, "");
}

/// Writes `v`, the line already holding what comes before it.
fn value(out: &mut String, v: &Value, indent: usize) {
    if let Some(flat) = flat(v) {
        // The comma after it counts.
        if line_width(out) + flat.width() < WIDTH {
            out.push_str(&flat);
            return;
        }
    }
    match v {
        Value::Seq(seq) => broken(out, seq, indent),
        leaf => out.push_str(&leaf_text(leaf)),
    }
}

fn leaf_text(v: &Value) -> String {
    match v {
        Value::Atom(a) => a.clone(),
        Value::Str(s) => crate::escape::ron_string(s),
        Value::Seq(_) => unreachable!("a sequence is not a leaf"),
    }
}

/// `v` on one line, if it may be written so.
pub(super) fn flat(v: &Value) -> Option<String> {
    let Value::Seq(seq) = v else {
        return Some(leaf_text(v));
    };
    if seq.broken || seq.open_comment.is_some() || !seq.tail.is_empty() {
        return None;
    }
    let mut parts = Vec::with_capacity(seq.children.len());
    for child in &seq.children {
        if !child.leading.is_empty() || child.trailing.is_some() {
            return None;
        }
        let mut part = String::new();
        if let Some(key) = &child.key {
            part.push_str(&flat(key)?);
            part.push_str(": ");
        }
        part.push_str(&flat(&child.value)?);
        parts.push(part);
    }
    let body = parts.join(", ");
    Some(match &seq.open {
        Open::Paren(name) => format!("{}({body})", name.as_deref().unwrap_or("")),
        Open::Bracket => format!("[{body}]"),
        Open::Brace if body.is_empty() => "{}".to_owned(),
        Open::Brace => format!("{{ {body} }}"),
    })
}

/// `seq` with one child per line.
fn broken(out: &mut String, seq: &Seq, indent: usize) {
    let (open, close) = match &seq.open {
        Open::Paren(name) => (format!("{}(", name.as_deref().unwrap_or("")), ')'),
        Open::Bracket => ("[".to_owned(), ']'),
        Open::Brace => ("{".to_owned(), '}'),
    };
    out.push_str(&open);
    if let Some(c) = &seq.open_comment {
        out.push(' ');
        out.push_str(&c.text);
    }
    out.push('\n');
    let inner = indent + INDENT;
    for (i, c) in seq.children.iter().enumerate() {
        child(out, c, inner, i == 0);
    }
    comments(out, &seq.tail, inner);
    push_indent(out, indent);
    out.push(close);
}

fn child(out: &mut String, c: &Child, indent: usize, first: bool) {
    if c.blank_before && c.leading.is_empty() && !first {
        out.push('\n');
    }
    comments(out, &c.leading, indent);
    push_indent(out, indent);
    if let Some(key) = &c.key {
        value(out, key, indent);
        out.push_str(": ");
    }
    value(out, &c.value, indent);
    out.push(',');
    if let Some(comment) = &c.trailing {
        let width = line_width(out);
        push_indent(out, comment.column.saturating_sub(width).max(1));
        out.push_str(&comment.text);
    }
    out.push('\n');
}
