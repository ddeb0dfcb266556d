//! Splitting a KB file into items before ron reads them, so that a mistake
//! loses at most its own item (as a compiler recovers at the next
//! statement).
//!
//! One tolerant pass over the bytes finds `Kb(`, its three lists and the
//! byte range of every item, skipping strings, raw strings, characters and
//! comments. It resynchronises:
//! - after an item that closes but is not followed by `,` (a missing comma
//!   between two items: both items are kept, the comma is reported);
//! - at the next line that starts an item of the list at the list's
//!   indentation (`Statement(`), when an item's brackets or a string are not
//!   closed before it (ron then reports the unclosed item).
//!
//! A file whose outer shape is not `Kb(actors: [..], events: [..],
//! statements: [..])` is not split: it is parsed whole, and ron reports
//! what is wrong with it.

use std::ops::Range;

use super::parse::FileProblem;
use super::spanned::trivia_len;
use crate::diag::Code;
use crate::model::NodeKind;

/// A file split into its items.
#[derive(Debug, Default)]
pub(crate) struct Split {
    /// Each list's kind and the ranges of its items, in order.
    pub lists: Vec<(NodeKind, Vec<Range<usize>>)>,
    /// Missing commas between items.
    pub problems: Vec<FileProblem>,
}

fn skip_trivia(text: &str, i: usize) -> usize {
    i + text.get(i..).map_or(0, trivia_len)
}

fn ident_at(b: &[u8], i: usize) -> &[u8] {
    let end = b[i..]
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .map_or(b.len(), |n| i + n);
    &b[i..end]
}

/// Splits `text`, or `None` when its outer shape is not a KB document's.
pub(crate) fn split(text: &str) -> Option<Split> {
    let b = text.as_bytes();
    let mut out = Split::default();
    let mut i = skip_trivia(text, 0);
    if ident_at(b, i) == b"Kb" {
        i = skip_trivia(text, i + 2);
    }
    if b.get(i) != Some(&b'(') {
        return None;
    }
    i += 1;
    let mut seen: Vec<NodeKind> = Vec::new();
    loop {
        i = skip_trivia(text, i);
        match b.get(i)? {
            b')' => {
                i += 1;
                break;
            }
            _ => {
                let kind = match ident_at(b, i) {
                    b"actors" => NodeKind::Actor,
                    b"events" => NodeKind::Event,
                    b"statements" => NodeKind::Statement,
                    _ => return None,
                };
                if seen.contains(&kind) {
                    return None;
                }
                seen.push(kind);
                i = skip_trivia(text, i + ident_at(b, i).len());
                if b.get(i) != Some(&b':') {
                    return None;
                }
                i = skip_trivia(text, i + 1);
                if b.get(i) != Some(&b'[') {
                    return None;
                }
                let (items, end) = list(text, i + 1, kind, &mut out.problems)?;
                out.lists.push((kind, items));
                i = skip_trivia(text, end);
                match b.get(i)? {
                    b',' => i += 1,
                    b')' => {}
                    _ => return None,
                }
            }
        }
    }
    // Trailing text, or a block comment that may not close: ron says what
    // is wrong with the file as a whole.
    let rest = &text[i..];
    (skip_trivia(text, i) == b.len() && !rest.contains("/*")).then_some(out)
}

/// The name an item of a list starts with.
fn type_name(kind: NodeKind) -> &'static [u8] {
    match kind {
        NodeKind::Actor => b"Actor",
        NodeKind::Event => b"Event",
        NodeKind::Statement => b"Statement",
    }
}

/// The column of `i` when only blanks precede it on its line.
fn indent_of(b: &[u8], i: usize) -> Option<usize> {
    let line_start = b[..i]
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |n| n + 1);
    b[line_start..i]
        .iter()
        .all(|c| *c == b' ' || *c == b'\t')
        .then_some(i - line_start)
}

/// How many blanks (spaces, tabs) start `b[i..]`.
fn blanks(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .take_while(|c| **c == b' ' || **c == b'\t')
        .count()
}

/// Whether the line starting at `i` starts an item of the list: its type
/// name and `(` at the list's indentation.
fn starts_item(b: &[u8], i: usize, indent: Option<usize>, name: &[u8]) -> bool {
    let Some(indent) = indent else {
        return false;
    };
    let blanks = blanks(b, i);
    if blanks != indent {
        return false;
    }
    let at = i + blanks;
    b[at..].starts_with(name)
        && b[at + name.len()..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            == Some(&b'(')
}

/// Scans a list from just after its `[`: the items' ranges and the index
/// just after its `]`.
fn list(
    text: &str,
    mut i: usize,
    kind: NodeKind,
    problems: &mut Vec<FileProblem>,
) -> Option<(Vec<Range<usize>>, usize)> {
    let b = text.as_bytes();
    let name = type_name(kind);
    let mut items = Vec::new();
    let mut indent = None;
    loop {
        i = skip_trivia(text, i);
        match *b.get(i)? {
            b']' => return Some((items, i + 1)),
            b',' => return None,
            _ => {}
        }
        if items.is_empty() {
            indent = indent_of(b, i);
        }
        let start = i;
        let (end, closed) = item(b, i, indent, name)?;
        if end == start {
            // A stray closing bracket: no item to take, so the file is
            // parsed whole and ron says where it goes wrong.
            return None;
        }
        let trimmed = start + text[start..end].trim_end().len();
        items.push(start..trimmed);
        i = skip_trivia(text, end);
        match b.get(i)? {
            b',' => i += 1,
            b']' => {}
            _ if closed => {
                // Two items with no comma between them: both are kept.
                let next = i..i + super::parse::token_len(&text[i..]).max(1);
                problems.push(FileProblem {
                    code: Code::SyntaxError,
                    range: next,
                    message: "expected `,` between two items".into(),
                    help: Some("add a comma after the item before this one".into()),
                });
            }
            // An item cut at the next item's line: ron reports what is
            // unclosed in it.
            _ => {}
        }
    }
}

/// Whether the line starting at `i` closes the list: `]` indented less
/// than the list's items.
fn ends_list(b: &[u8], i: usize, indent: Option<usize>) -> bool {
    let Some(indent) = indent else {
        return false;
    };
    let blanks = blanks(b, i);
    blanks < indent && b.get(i + blanks) == Some(&b']')
}

/// Scans one item from `i`: where it ends, and whether it ended cleanly
/// (its brackets and strings closed) rather than at a resync point: the
/// next line that starts an item, or the line that closes the list.
fn item(b: &[u8], mut i: usize, indent: Option<usize>, name: &[u8]) -> Option<(usize, bool)> {
    let mut depth = 0usize;
    let resync = |at: usize| starts_item(b, at, indent, name) || ends_list(b, at, indent);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    match b[i] {
                        b'\\' => i += 1,
                        b'\n' if resync(i + 1) => return Some((i, false)),
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'r' if i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    i += 2 + hashes;
                    loop {
                        if i >= b.len() {
                            return Some((b.len(), false));
                        }
                        if b[i] == b'\n' && resync(i + 1) {
                            return Some((i, false));
                        }
                        if b[i..].starts_with(&close) {
                            i += close.len();
                            break;
                        }
                        i += 1;
                    }
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                // A character literal: 'a', '\n', '\u{1F600}'.
                let end = b[i + 1..]
                    .iter()
                    .take(12)
                    .position(|c| *c == b'\'')
                    .map_or(i + 1, |n| i + 2 + n);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') || b.get(i + 1) == Some(&b'*') => {
                let skipped = trivia_len(std::str::from_utf8(&b[i..]).ok()?);
                i += skipped.max(1);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return Some((i, true));
                }
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Some((i, true));
                }
            }
            b',' if depth == 0 => return Some((i, true)),
            b'\n' if depth > 0 && resync(i + 1) => return Some((i, false)),
            _ => i += 1,
        }
    }
    Some((b.len(), depth == 0))
}

/// What can be read of an item that did not load: its id, and every id-like
/// string it names (so what it refers to is not reported unused).
pub(crate) fn salvage(text: &str) -> (Option<Range<usize>>, Vec<String>) {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    let (mut id, mut names) = (None, Vec::new());
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let value = text.get(start + 1..i.min(b.len())).unwrap_or("");
                if crate::model::id_problem(value).is_none() {
                    let key_start = text[..start].trim_end().strip_suffix(':').map(|k| {
                        let k = k.trim_end();
                        k.len()
                            - k.bytes()
                                .rev()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                                .count()
                    });
                    let key = key_start
                        .map(|s| text[s..start].trim_end().trim_end_matches(':').trim_end());
                    if depth == 1 && key == Some("id") && id.is_none() {
                        id = Some(start..(i + 1).min(b.len()));
                    } else {
                        names.push(value.to_owned());
                    }
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') || b.get(i + 1) == Some(&b'*') => {
                i += trivia_len(&text[i..]).max(1);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    (id, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<Vec<&str>> {
        split(text)
            .expect("a KB document")
            .lists
            .iter()
            .map(|(_, ranges)| ranges.iter().map(|r| &text[r.clone()]).collect())
            .collect()
    }

    #[test]
    fn items_are_found_past_strings_comments_and_nesting() {
        let text = r##"// head
Kb(
    actors: [
        Actor(id: "a", name: "A, \"b\" (c", kind: Person), // a comment, with ( and [
        Actor(id: "b", name: r#"raw ) ]"#, kind: Group, roles: [Role(title: "x", of: "a")]),
    ],
    statements: [ /* none */ ],
)
"##;
        let found = items(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].len(), 2);
        assert!(found[0][0].starts_with("Actor(id: \"a\"") && found[0][0].ends_with(')'));
        assert!(found[0][1].ends_with("roles: [Role(title: \"x\", of: \"a\")])"));
        assert!(found[1].is_empty());
    }

    #[test]
    fn a_missing_comma_keeps_both_items_and_is_reported() {
        let text = "Kb(statements: [\n    Statement(id: \"a\")\n    Statement(id: \"b\"),\n])";
        let split = split(text).expect("split");
        assert_eq!(split.lists[0].1.len(), 2);
        assert_eq!(split.problems.len(), 1);
        assert_eq!(&text[split.problems[0].range.clone()], "Statement");
    }

    #[test]
    fn an_unclosed_item_stops_at_the_next_item_line() {
        let text = "Kb(statements: [\n    Statement(id: \"a\", summary: \"open\n    Statement(id: \"b\"),\n    Statement(id: \"c\", about: [\"x\"),\n    Statement(id: \"d\"),\n])";
        let found = items(text);
        assert_eq!(found[0].len(), 4, "{found:?}");
        assert!(found[0][1].starts_with("Statement(id: \"b\""));
        assert!(found[0][3].starts_with("Statement(id: \"d\""));
    }

    #[test]
    fn an_unclosed_last_item_stops_at_the_end_of_its_list() {
        let text = "Kb(\n    statements: [\n        Statement(id: \"a\"),\n        Statement(id: \"b\", summary: \"\n    ],\n    actors: [\n        Actor(id: \"x\"),\n    ],\n)";
        let found = items(text);
        assert_eq!(found[0].len(), 2, "{found:?}");
        assert_eq!(found[1], vec!["Actor(id: \"x\")"]);
    }

    #[test]
    fn a_stray_closing_bracket_is_left_to_ron_and_never_loops() {
        assert!(split("Kb(statements: [Statement(id: \"a\")) ),])").is_none());
        assert!(split("Kb(statements: [)])").is_none());
    }

    #[test]
    fn an_unknown_shape_is_not_split() {
        assert!(split("Kb(actorz: [])").is_none());
        assert!(split("[1, 2]").is_none());
        assert!(split("Kb(actors: [], actors: [])").is_none());
        assert!(split("Kb(actors: [Actor(id: \"a\")]) trailing").is_none());
    }

    #[test]
    fn salvage_reads_the_id_and_the_names() {
        let (id, names) =
            salvage(r#"Statement(id: "s1", by: "putin", sumary: "x y", about: ["nato"])"#);
        let text = r#"Statement(id: "s1", by: "putin", sumary: "x y", about: ["nato"])"#;
        assert_eq!(&text[id.expect("an id")], "\"s1\"");
        assert_eq!(names, vec!["putin", "nato"]);
    }
}
