//! `annals diff`: what changed in the story between two versions of a KB.
//!
//! Each side is a loaded KB (from a git revision, read by [`git`], or from
//! the working tree). Items are compared by id, field by field, in the
//! canonical form `annals fmt` writes (comments left out), so a change of
//! layout or of a comment is no change; an item removed and another added
//! with the same fields but its id is a rename. Response links are compared
//! as (from, to) pairs with their stance, and who-responded's counts pair by
//! pair.

pub mod git;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use crate::fmt::ItemFields;
use crate::kb::{Kb, Party};
use crate::load::{self, Loaded};
use crate::model::{Answered, NodeKind, Stance};
use crate::query::who_responded::{who_responded, Options};
use crate::query::Filter;

/// The version of `annals diff --format json`'s document.
pub const SCHEMA: &str = "annals-diff/1";

/// One side of a diff: a KB and where it came from.
pub struct Side {
    /// `main (3f2a9c1)`, `working tree`.
    pub label: String,
    pub loaded: Loaded,
    /// Its items by kind and id, with the file each is in.
    items: BTreeMap<(NodeKind, String), (String, usize, ItemFields)>,
}

impl Side {
    /// A side from a KB loaded from disk or from a revision's files.
    pub fn of(label: String, loaded: Loaded, settings: &Path) -> Side {
        let mut items = BTreeMap::new();
        for (_, file) in loaded.sources.iter() {
            if file.path == settings {
                continue;
            }
            // A file that cannot be read as a tree has errors, which the
            // loaded KB lists; its items are compared where they loaded.
            let Ok(found) = crate::fmt::items(file.text()) else {
                continue;
            };
            for item in found {
                let line = file.line_col(item.at).line;
                items.entry((item.kind, item.id.clone())).or_insert((
                    file.name.clone(),
                    line,
                    item,
                ));
            }
        }
        Side {
            label,
            loaded,
            items,
        }
    }

    /// A side from files given by their text (a revision's).
    pub fn from_texts(label: String, files: Vec<load::Text>, settings: &Path) -> Side {
        Side::of(label, Kb::load_texts(files), settings)
    }

    /// The hard errors of this side, as `file:line: message`.
    fn errors(&self) -> Vec<String> {
        self.loaded
            .hard_errors()
            .map(|d| {
                let (at, _) = self.loaded.sources.locate(d.primary.span);
                let file = &self.loaded.sources.get(d.primary.span.file).name;
                format!("{file}:{}: {}", at.line, d.message)
            })
            .collect()
    }
}

/// What changed, as `--format json` writes it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema: &'static str,
    pub base: String,
    pub head: String,
    /// The hard errors of each side (`file:line: message`): what did not
    /// load is missing from the comparison.
    pub base_errors: Vec<String>,
    pub head_errors: Vec<String>,
    /// Items added, removed, changed or renamed: actors, then events, then
    /// statements, each by id.
    pub items: Vec<ItemChange>,
    /// Response links added, removed, or whose stance changed.
    pub responses: Vec<ResponseChange>,
    /// Who-responded pairs (responder → target actor or event) whose count
    /// of links changed.
    pub who_responded: Vec<PairChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
    Renamed,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ItemChange {
    pub change: Change,
    /// `actor`, `event` or `statement`.
    pub kind: &'static str,
    /// The id (the new one of a rename).
    pub id: String,
    /// The old id of a rename.
    pub renamed_from: Option<String>,
    /// Where it is on the head side (on the base side, when removed).
    pub file: String,
    pub line: usize,
    /// The fields that differ (all of them for an added or removed item),
    /// as RON on one line.
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ResponseChange {
    pub change: Change,
    /// The responding statement.
    pub from: String,
    /// The statement or event answered.
    pub to: String,
    pub before: Option<Stance>,
    pub after: Option<Stance>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PairChange {
    pub responder: String,
    /// An actor, or an event answered as a whole.
    pub target: String,
    /// Response links from one to the other.
    pub before: usize,
    pub after: usize,
}

impl Report {
    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.responses.is_empty() && self.who_responded.is_empty()
    }
}

/// Compares two sides.
pub fn compare(base: &Side, head: &Side) -> Report {
    Report {
        schema: SCHEMA,
        base: base.label.clone(),
        head: head.label.clone(),
        base_errors: base.errors(),
        head_errors: head.errors(),
        items: items(base, head),
        responses: responses(&base.loaded.kb, &head.loaded.kb),
        who_responded: pairs(&base.loaded.kb, &head.loaded.kb),
    }
}

fn kind_word(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Actor => "actor",
        NodeKind::Event => "event",
        NodeKind::Statement => "statement",
    }
}

/// The fields of an item but its id, to recognise a rename.
fn without_id(item: &ItemFields) -> Vec<&(String, String)> {
    item.fields.iter().filter(|(k, _)| k != "id").collect()
}

fn items(base: &Side, head: &Side) -> Vec<ItemChange> {
    let mut out = Vec::new();
    let removed: Vec<_> = base
        .items
        .iter()
        .filter(|(key, _)| !head.items.contains_key(key))
        .collect();
    let added: Vec<_> = head
        .items
        .iter()
        .filter(|(key, _)| !base.items.contains_key(key))
        .collect();
    // A rename: one removed and one added item of a kind with the same
    // fields but the id (the first match, each used once).
    let mut renamed_to = BTreeSet::new();
    let mut renamed_from = BTreeSet::new();
    for ((kind, old), (_, _, before)) in &removed {
        let found = added.iter().find(|((k, new), (_, _, after))| {
            k == kind && !renamed_to.contains(new) && without_id(after) == without_id(before)
        });
        if let Some(((_, new), (file, line, _))) = found {
            renamed_to.insert(new.clone());
            renamed_from.insert(old.clone());
            out.push(ItemChange {
                change: Change::Renamed,
                kind: kind_word(*kind),
                id: new.clone(),
                renamed_from: Some(old.clone()),
                file: file.clone(),
                line: *line,
                fields: Vec::new(),
            });
        }
    }
    for ((kind, id), (file, line, item)) in &removed {
        if !renamed_from.contains(id) {
            out.push(whole(Change::Removed, *kind, id, file, *line, item));
        }
    }
    for ((kind, id), (file, line, item)) in &added {
        if !renamed_to.contains(id) {
            out.push(whole(Change::Added, *kind, id, file, *line, item));
        }
    }
    for (key, (file, line, after)) in &head.items {
        let Some((_, _, before)) = base.items.get(key) else {
            continue;
        };
        let fields = field_changes(before, after);
        if !fields.is_empty() {
            out.push(ItemChange {
                change: Change::Changed,
                kind: kind_word(key.0),
                id: key.1.clone(),
                renamed_from: None,
                file: file.clone(),
                line: *line,
                fields,
            });
        }
    }
    out.sort_by(|a, b| (kind_rank(a.kind), &a.id).cmp(&(kind_rank(b.kind), &b.id)));
    out
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "actor" => 0,
        "event" => 1,
        _ => 2,
    }
}

/// An added or removed item, with every field.
fn whole(
    change: Change,
    kind: NodeKind,
    id: &str,
    file: &str,
    line: usize,
    item: &ItemFields,
) -> ItemChange {
    let fields = item
        .fields
        .iter()
        .filter(|(k, _)| k != "id")
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            before: (change == Change::Removed).then(|| v.clone()),
            after: (change == Change::Added).then(|| v.clone()),
        })
        .collect();
    ItemChange {
        change,
        kind: kind_word(kind),
        id: id.to_owned(),
        renamed_from: None,
        file: file.to_owned(),
        line,
        fields,
    }
}

/// The fields that differ, in the order the canonical layout writes them.
fn field_changes(before: &ItemFields, after: &ItemFields) -> Vec<FieldChange> {
    let b: BTreeMap<&str, &str> = before
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let a: BTreeMap<&str, &str> = after
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // Fields in head order, then those only the base has.
    let mut keys: Vec<&str> = after.fields.iter().map(|(k, _)| k.as_str()).collect();
    keys.extend(
        before
            .fields
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !a.contains_key(k)),
    );
    keys.into_iter()
        .filter(|k| b.get(k) != a.get(k))
        .map(|k| FieldChange {
            field: k.to_owned(),
            before: b.get(k).map(|v| (*v).to_owned()),
            after: a.get(k).map(|v| (*v).to_owned()),
        })
        .collect()
}

/// Every response link of a KB: (from, to) → stance.
fn links(kb: &Kb) -> BTreeMap<(String, String), Stance> {
    let mut out = BTreeMap::new();
    for s in &kb.statements {
        for r in &s.responds_to {
            let to = match r.to {
                Answered::Statement(t) => kb.statement(t).id.to_string(),
                Answered::Event(e) => kb.event(e).id.to_string(),
            };
            out.insert((s.id.to_string(), to), r.stance);
        }
    }
    out
}

fn responses(base: &Kb, head: &Kb) -> Vec<ResponseChange> {
    let (b, a) = (links(base), links(head));
    let keys: BTreeSet<&(String, String)> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (before, after) = (b.get(key).copied(), a.get(key).copied());
            let change = match (before, after) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(x), Some(y)) if x != y => Change::Changed,
                _ => return None,
            };
            Some(ResponseChange {
                change,
                from: key.0.clone(),
                to: key.1.clone(),
                before,
                after,
            })
        })
        .collect()
}

/// Who-responded's counts by (responder, target) id.
fn counts(kb: &Kb) -> BTreeMap<(String, String), usize> {
    who_responded(kb, &Filter::default(), &Options::default())
        .into_iter()
        .map(|p| {
            let target = match p.target {
                Party::Actor(a) => kb.actor(a).id.to_string(),
                Party::Event(e) => kb.event(e).id.to_string(),
            };
            ((kb.actor(p.responder).id.to_string(), target), p.count)
        })
        .collect()
}

fn pairs(base: &Kb, head: &Kb) -> Vec<PairChange> {
    let (b, a) = (counts(base), counts(head));
    let keys: BTreeSet<&(String, String)> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (before, after) = (
                b.get(key).copied().unwrap_or(0),
                a.get(key).copied().unwrap_or(0),
            );
            (before != after).then(|| PairChange {
                responder: key.0.clone(),
                target: key.1.clone(),
                before,
                after,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(text: &str) -> Side {
        let files = vec![load::Text {
            name: "kb/a.ron".into(),
            path: "kb/a.ron".into(),
            text: text.into(),
            settings: false,
        }];
        Side::from_texts("x".into(), files, Path::new("kb/annals.ron"))
    }

    const BASE: &str = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)],
        statements: [
            Statement(id: "s", by: "a", date: "2024", kind: Claim, summary: "S"),
            Statement(id: "t", by: "a", date: "2024", kind: Claim, summary: "T", responds_to: ["s"]),
        ])"#;

    #[test]
    fn a_restyle_is_nothing_and_a_new_id_with_the_same_fields_is_a_rename() {
        let base = side(BASE);
        let restyled = side(&crate::fmt::format(BASE, crate::fmt::Doc::Kb).unwrap());
        assert!(compare(&base, &restyled).is_empty());
        let renamed = side(&BASE.replace("\"t\"", "\"u\""));
        let report = compare(&base, &renamed);
        assert_eq!(report.items.len(), 1);
        assert_eq!(report.items[0].change, Change::Renamed);
        assert_eq!(report.items[0].renamed_from.as_deref(), Some("t"));
        assert_eq!(report.items[0].id, "u");
    }

    #[test]
    fn a_changed_stance_is_a_field_a_link_and_no_count() {
        let head = side(&BASE.replace(
            "responds_to: [\"s\"]",
            "responds_to: [Response(to: \"s\", stance: Rejects)]",
        ));
        let report = compare(&side(BASE), &head);
        assert_eq!(report.items.len(), 1);
        assert_eq!(report.items[0].fields[0].field, "responds_to");
        assert_eq!(report.items[0].fields[0].before.as_deref(), Some("[\"s\"]"));
        assert_eq!(report.responses.len(), 1);
        assert_eq!(report.responses[0].change, Change::Changed);
        assert_eq!(report.responses[0].after, Some(Stance::Rejects));
        assert!(report.who_responded.is_empty());
    }
}
