//! `annals diff`: what changed in the story between two versions of a KB.
//!
//! Each side is a version of the KB (a git revision, read by [`git`], the
//! working tree, or texts), loaded in turn, its model let go before the
//! other side loads, so that a diff takes the memory of one load: a side
//! keeps its files' names and hashes, its hard errors, and its response
//! links and who-responded counts hashed by file and by responder. Links
//! and counts whose hashes differ are then compared one by one (the first
//! side loaded again for its own). Items are compared by id, field by
//! field, in the canonical form `annals fmt` writes (comments left out), so
//! a change of layout or of a comment is no change; only files whose text
//! differs between the sides are read again for their items. An item
//! removed and another added with the same fields but its id is a rename.
//! Response links are compared as (from, to) pairs with their stance, and
//! who-responded's counts pair by pair.

pub mod git;
mod side;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::fmt::ItemFields;
use crate::model::{NodeKind, Stance};
pub use side::{DiffError, Files, Version};
use side::{Ids, Items, Key, Side};

/// The version of `annals diff --format json`'s document.
pub const SCHEMA: &str = "annals-diff/1";

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

/// Compares two versions of a KB, loading one after the other.
pub fn compare(base: Version<'_>, head: Version<'_>) -> Result<Report, DiffError> {
    let mut ids = Ids::default();
    let mut base = Side::load(base, None, &mut ids)?;
    let head = Side::load(head, Some(&base.graph), &mut ids)?;
    base.keep(&head.graph, &mut ids)?;
    ids.index();
    // A file with the same name and text on both sides holds the same
    // items: only the others are read again.
    let names = |side: &Side| -> FxHashSet<(String, u128)> {
        side.files().map(|(_, n, h)| (n.to_owned(), h)).collect()
    };
    let (in_base, in_head) = (names(&base), names(&head));
    let differing = |side: &Side, other: &FxHashSet<(String, u128)>| -> Vec<_> {
        side.files()
            .filter(|(_, n, h)| !other.contains(&((*n).to_owned(), *h)))
            .map(|(id, _, _)| id)
            .collect()
    };
    let (base_files, head_files) = (differing(&base, &in_head), differing(&head, &in_base));
    drop((in_base, in_head));
    let scanned = base.items(&base_files, &|_, _, _| false)?;
    let mut before = Items::of(scanned, &mut ids);
    // The head's fields are kept for items the base has not, or not so.
    let differs = |kind, id: &str, all| {
        ids.find(id)
            .and_then(|id| before.digests.get(&(kind, id)))
            .is_none_or(|d| d.all != all)
    };
    let scanned = head.items(&head_files, &differs)?;
    let after = Items::of(scanned, &mut ids);
    // The base's fields, for the items removed or changed: their files
    // read once more.
    let wanted: FxHashSet<Key> = before
        .digests
        .iter()
        .filter(|(k, d)| after.digests.get(k).is_none_or(|a| a.all != d.all))
        .map(|(k, _)| *k)
        .collect();
    let files: BTreeSet<_> = wanted.iter().map(|k| before.digests[k].file).collect();
    let files: Vec<_> = files.into_iter().collect();
    let want = |kind, id: &str, _| ids.find(id).is_some_and(|id| wanted.contains(&(kind, id)));
    let scanned = base.items(&files, &want)?;
    before.fields = Items::of(scanned, &mut ids).fields;
    Ok(Report {
        schema: SCHEMA,
        items: items((&base, &before), (&head, &after), &ids),
        responses: responses(&base, &head, &ids),
        who_responded: pairs(&base, &head, &ids),
        base: base.label,
        head: head.label,
        base_errors: base.errors,
        head_errors: head.errors,
    })
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

fn items(base: (&Side, &Items), head: (&Side, &Items), ids: &Ids) -> Vec<ItemChange> {
    let ((base, before), (head, after)) = (base, head);
    let by_name = |keys: &mut Vec<Key>| keys.sort_by_key(|&(kind, id)| (kind, ids.name(id)));
    let only = |a: &Items, b: &Items| -> Vec<Key> {
        let mut keys: Vec<Key> = a
            .digests
            .keys()
            .filter(|k| !b.digests.contains_key(k))
            .copied()
            .collect();
        by_name(&mut keys);
        keys
    };
    let (removed, added) = (only(before, after), only(after, before));
    let at = |side: &Side, items: &Items, key: &Key| {
        let d = items.digests[key];
        (side.name(d.file).to_owned(), d.line)
    };
    let mut out = Vec::new();
    // A rename: one removed and one added item of a kind with the same
    // fields but the id (the first match, each used once).
    let mut renamed_to = FxHashSet::default();
    let mut renamed_from = FxHashSet::default();
    // Added items by kind and fields but the id, in name order.
    let mut by_rest: FxHashMap<(NodeKind, u64), Vec<Key>> = FxHashMap::default();
    for new in &added {
        by_rest
            .entry((new.0, after.digests[new].rest))
            .or_default()
            .push(*new);
    }
    for old in &removed {
        let (Some(was), rest) = (before.fields.get(old), before.digests[old].rest) else {
            continue;
        };
        let candidates = by_rest.get(&(old.0, rest)).map_or(&[][..], Vec::as_slice);
        let found = candidates.iter().find(|new| {
            !renamed_to.contains(*new)
                && after
                    .fields
                    .get(*new)
                    .is_some_and(|now| without_id(now) == without_id(was))
        });
        if let Some(new) = found {
            renamed_to.insert(*new);
            renamed_from.insert(*old);
            let (file, line) = at(head, after, new);
            out.push(ItemChange {
                change: Change::Renamed,
                kind: kind_word(new.0),
                id: ids.name(new.1).to_owned(),
                renamed_from: Some(ids.name(old.1).to_owned()),
                file,
                line,
                fields: Vec::new(),
            });
        }
    }
    let mut whole = |change, side, items: &Items, key: &Key| {
        if let Some(fields) = items.fields.get(key) {
            let (file, line) = at(side, items, key);
            out.push(whole(change, key.0, ids.name(key.1), file, line, fields));
        }
    };
    for key in removed.iter().filter(|k| !renamed_from.contains(*k)) {
        whole(Change::Removed, base, before, key);
    }
    for key in added.iter().filter(|k| !renamed_to.contains(*k)) {
        whole(Change::Added, head, after, key);
    }
    for (key, now) in &after.digests {
        if before.digests.get(key).is_none_or(|was| was.all == now.all) {
            continue;
        }
        let (Some(b), Some(a)) = (before.fields.get(key), after.fields.get(key)) else {
            continue;
        };
        let fields = field_changes(b, a);
        if !fields.is_empty() {
            let (file, line) = at(head, after, key);
            out.push(ItemChange {
                change: Change::Changed,
                kind: kind_word(key.0),
                id: ids.name(key.1).to_owned(),
                renamed_from: None,
                file,
                line,
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
    file: String,
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
        file,
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

fn responses(base: &Side, head: &Side, ids: &Ids) -> Vec<ResponseChange> {
    let (b, a) = (&base.links, &head.links);
    let mut out: Vec<ResponseChange> = b
        .pairs()
        .chain(a.pairs().filter(|k| b.get(k).is_none()))
        .filter_map(|key| {
            let (before, after) = (b.get(key), a.get(key));
            let change = match (before, after) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(x), Some(y)) if x != y => Change::Changed,
                _ => return None,
            };
            Some(ResponseChange {
                change,
                from: ids.name(key.0).to_owned(),
                to: ids.name(key.1).to_owned(),
                before,
                after,
            })
        })
        .collect();
    out.sort_by(|x, y| (&x.from, &x.to).cmp(&(&y.from, &y.to)));
    out
}

fn pairs(base: &Side, head: &Side, ids: &Ids) -> Vec<PairChange> {
    let (b, a) = (&base.counts, &head.counts);
    let mut out: Vec<PairChange> = b
        .pairs()
        .chain(a.pairs().filter(|k| b.get(k).is_none()))
        .filter_map(|key| {
            let (before, after) = (b.get(key).unwrap_or(0), a.get(key).unwrap_or(0));
            let (before, after) = (before as usize, after as usize);
            (before != after).then(|| PairChange {
                responder: ids.name(key.0).to_owned(),
                target: ids.name(key.1).to_owned(),
                before,
                after,
            })
        })
        .collect();
    out.sort_by(|x, y| (&x.responder, &x.target).cmp(&(&y.responder, &y.target)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(text: &str) -> Version<'static> {
        sides(&[("kb/a.ron", text)])
    }

    fn sides(files: &[(&str, &str)]) -> Version<'static> {
        let files = files
            .iter()
            .map(|(name, text)| crate::load::Text {
                name: (*name).into(),
                path: name.into(),
                text: (*text).into(),
                settings: false,
            })
            .collect();
        Version {
            label: "x".into(),
            files: Files::Texts(files),
        }
    }

    fn compare(base: Version<'_>, head: Version<'_>) -> Report {
        super::compare(base, head).unwrap()
    }

    const BASE: &str = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)],
        statements: [
            Statement(id: "s", by: "a", date: "2024", kind: Claim, summary: "S"),
            Statement(id: "t", by: "a", date: "2024", kind: Claim, summary: "T", responds_to: ["s"]),
        ])"#;

    #[test]
    fn a_restyle_is_nothing_and_a_new_id_with_the_same_fields_is_a_rename() {
        let restyled = side(&crate::fmt::format(BASE, crate::fmt::Doc::Kb).unwrap());
        assert!(compare(side(BASE), restyled).is_empty());
        let renamed = side(&BASE.replace("\"t\"", "\"u\""));
        let report = compare(side(BASE), renamed);
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
        let report = compare(side(BASE), head);
        assert_eq!(report.items.len(), 1);
        assert_eq!(report.items[0].fields[0].field, "responds_to");
        assert_eq!(report.items[0].fields[0].before.as_deref(), Some("[\"s\"]"));
        assert_eq!(report.responses.len(), 1);
        assert_eq!(report.responses[0].change, Change::Changed);
        assert_eq!(report.responses[0].after, Some(Stance::Rejects));
        assert!(report.who_responded.is_empty());
    }

    const ACTORS: &str = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person), Actor(id: "b", name: "B", kind: Person)])"#;
    const S: &str = r#"Statement(id: "s", by: "a", date: "2024", kind: Claim, summary: "S")"#;
    const T: &str = r#"Statement(id: "t", by: "b", date: "2024", kind: Claim, summary: "T", responds_to: ["s"])"#;

    fn statements(items: &[&str]) -> String {
        format!("Kb(statements: [{}])", items.join(", "))
    }

    #[test]
    fn an_item_moved_to_another_file_is_no_change() {
        let (one, two) = (statements(&[S, T]), statements(&[]));
        let before = sides(&[
            ("kb/actors.ron", ACTORS),
            ("kb/one.ron", &one),
            ("kb/two.ron", &two),
        ]);
        let (one, two) = (statements(&[S]), statements(&[T]));
        let after = sides(&[
            ("kb/actors.ron", ACTORS),
            ("kb/one.ron", &one),
            ("kb/two.ron", &two),
        ]);
        let report = compare(before, after);
        assert!(report.is_empty(), "{report:?}");
    }

    #[test]
    fn a_link_lost_in_a_file_whose_text_did_not_change_is_reported() {
        // `t` (in a file left as it was) answers `s`, which another file
        // drops: the link, and b's count towards a, are gone.
        let (one, two) = (statements(&[T]), statements(&[S]));
        let before = sides(&[
            ("kb/actors.ron", ACTORS),
            ("kb/one.ron", &one),
            ("kb/two.ron", &two),
        ]);
        let (one, two) = (statements(&[T]), statements(&[]));
        let after = sides(&[
            ("kb/actors.ron", ACTORS),
            ("kb/one.ron", &one),
            ("kb/two.ron", &two),
        ]);
        let report = compare(before, after);
        assert_eq!(report.items.len(), 1);
        assert_eq!(
            (report.items[0].change, report.items[0].id.as_str()),
            (Change::Removed, "s")
        );
        assert_eq!(report.responses.len(), 1);
        let r = &report.responses[0];
        assert_eq!(
            (r.change, r.from.as_str(), r.to.as_str()),
            (Change::Removed, "t", "s")
        );
        assert_eq!(report.who_responded.len(), 1);
        let p = &report.who_responded[0];
        assert_eq!(
            (p.responder.as_str(), p.target.as_str(), p.before, p.after),
            ("b", "a", 1, 0)
        );
        assert_eq!(report.head_errors.len(), 1, "{:?}", report.head_errors);
        assert!(
            report.head_errors[0].starts_with("kb/one.ron:1: "),
            "{:?}",
            report.head_errors
        );
    }

    #[test]
    fn a_file_saved_while_the_diff_reads_it_stops_it() {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path();
        std::fs::write(kb.join("actors.ron"), ACTORS).unwrap();
        std::fs::write(kb.join("one.ron"), statements(&[S])).unwrap();
        let version = Version {
            label: "working tree".into(),
            files: Files::Folder(kb),
        };
        let mut ids = Ids::default();
        let loaded = Side::load(version, None, &mut ids).unwrap();
        let (file, name, _) = loaded
            .files()
            .find(|(_, n, _)| n.ends_with("one.ron"))
            .unwrap();
        let name = name.to_owned();
        std::fs::write(kb.join("one.ron"), statements(&[S, T])).unwrap();
        match loaded.items(&[file], &|_, _, _| true) {
            Err(DiffError::Changed(changed)) => assert_eq!(changed, name),
            other => panic!("{:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn items_of_lists_in_any_order_are_found_on_their_lines() {
        // fmt lists actors first; the file has them after its statements.
        let text = |name: &str| {
            format!("Kb(\n  statements: [\n    {S},\n  ],\n  actors: [\n    Actor(id: \"a\", name: \"{name}\", kind: Person),\n  ],\n)\n")
        };
        let report = compare(side(&text("A")), side(&text("Ann")));
        assert_eq!(report.items.len(), 1, "{report:?}");
        assert_eq!(
            (report.items[0].id.as_str(), report.items[0].line),
            ("a", 6)
        );
    }
}
