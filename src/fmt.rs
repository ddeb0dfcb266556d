//! `annals fmt`: one canonical layout of KB files.
//!
//! - Fields in the README's order; an item (`Actor`, `Event`, `Statement`)
//!   and the file's top level one field per line; anything else on one line
//!   when it fits in 100 columns and holds no comment, else one child per
//!   line, four spaces deeper, each with a comma.
//! - Bare ids where the default is meant (`Participant(actor: "x")`,
//!   `Signatory(actor: "x")`, `Response(to: "x", stance: Acknowledges)`
//!   become `"x"`; `Quote(text: "…")` becomes `"…"`), `Some(x)` written `x`,
//!   and a struct written without its name (`(id: …)` in `actors`) named.
//! - Strings written with one set of escapes (`\"`, `\\`, `\n`, `\r`, `\t`,
//!   `\u{…}` for other control characters; raw strings become plain ones).
//! - Comments stay where they are: before a value, after it on its line
//!   (at the column it was at, when the line leaves room), at the end of a
//!   list. One blank line between values is kept where there was one.
//!
//! Formatting a formatted file changes nothing, and never changes what a
//! file means: [`plan`] loads the KB before and after and refuses to
//! write anything unless both give byte-identical JSON exports.

mod print;
pub mod tree;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::kb::Kb;
use crate::load::{self, Loaded};
use crate::source_map::{FileId, SourceFile, SourceMap};
use tree::{Child, Open, Seq, Value};
pub use tree::{File, TreeError};

/// What a file holds: a KB document or the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Kb,
    Settings,
}

impl Doc {
    /// The document a KB folder's file holds, by its path.
    pub fn of(path: &Path, kb: &Path) -> Doc {
        if path.strip_prefix(kb).ok() == Some(Path::new(crate::load::SETTINGS_FILE)) {
            Doc::Settings
        } else {
            Doc::Kb
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Doc::Kb => "Kb",
            Doc::Settings => "Settings",
        }
    }
}

/// `text` in the canonical layout.
pub fn format(text: &str, doc: Doc) -> Result<String, TreeError> {
    let mut file = tree::parse(text)?;
    canonical_root(&mut file, doc);
    Ok(print::file(&file))
}

/// Puts a parsed file's tree in canonical form (what [`print`] then lays
/// out).
pub(crate) fn canonical_root(file: &mut File, doc: Doc) {
    canonical(&mut file.root, Some(doc.type_name()));
    if let Value::Seq(seq) = &mut file.root {
        seq.broken = true;
    }
}

/// Lays out an item (an element of `actors`, `events` or `statements`) as
/// it stands in a story file's list, at that list's depth, without a comma.
pub(crate) fn item_text(text: &str, type_name: &'static str) -> Result<String, TreeError> {
    let mut file = tree::parse(text)?;
    canonical(&mut file.root, Some(type_name));
    let mut out = String::new();
    print::value_at(&mut out, &file.root, 8);
    Ok(out)
}

/// The fields of each struct, in the README's order.
pub(crate) fn field_order(type_name: &str) -> &'static [&'static str] {
    STRUCTS
        .iter()
        .find(|(name, _)| *name == type_name)
        .map_or(&[], |(_, fields)| fields)
}

/// The structs a KB file is made of, each with its fields in the README's
/// order.
const STRUCTS: &[(&str, &[&str])] = &[
    ("Kb", &["time_zone", "actors", "events", "statements"]),
    ("Settings", &["time_zone", "lints", "limits"]),
    ("Limits", &["max_file_bytes", "max_nesting", "max_items"]),
    (
        "Actor",
        &[
            "id",
            "name",
            "kind",
            "aliases",
            "short_name",
            "part_of",
            "roles",
            "note",
        ],
    ),
    ("Role", &["title", "of", "from", "until"]),
    (
        "Event",
        &[
            "id",
            "name",
            "kind",
            "date",
            "time_zone",
            "place",
            "participants",
            "part_of",
            "sources",
            "topics",
            "note",
        ],
    ),
    ("Participant", &["actor", "role"]),
    (
        "Statement",
        &[
            "id",
            "by",
            "date",
            "on_behalf_of",
            "at",
            "kind",
            "title",
            "summary",
            "quotes",
            "about",
            "topics",
            "responds_to",
            "sources",
            "verdicts",
            "status",
            "note",
        ],
    ),
    ("Signatory", &["actor", "joined", "withdrew"]),
    ("Quote", crate::load::raw::QUOTE_FIELDS),
    ("Response", &["to", "stance"]),
    (
        "Source",
        &[
            "outlet",
            "publisher",
            "url",
            "title",
            "date",
            "archived",
            "accessed",
        ],
    ),
    ("Verdict", &["by", "date", "rating", "source", "note"]),
    ("Status", &["kind", "date", "note"]),
];

/// The struct a field holds (or its list holds), where it is one.
fn field_type(parent: &str, field: &str) -> Option<&'static str> {
    Some(match (parent, field) {
        ("Kb", "actors") => "Actor",
        ("Kb", "events") => "Event",
        ("Kb", "statements") => "Statement",
        ("Settings", "limits") => "Limits",
        ("Actor", "roles") => "Role",
        ("Event", "participants") => "Participant",
        ("Event" | "Statement", "sources") | ("Verdict", "source") => "Source",
        ("Statement", "by") => "Signatory",
        ("Statement", "quotes") => "Quote",
        ("Statement", "responds_to") => "Response",
        ("Statement", "verdicts") => "Verdict",
        ("Statement", "status") => "Status",
        _ => return None,
    })
}

/// The items of a KB: always one field per line.
fn is_item(type_name: &str) -> bool {
    matches!(type_name, "Actor" | "Event" | "Statement")
}

/// Canonical form of `v`, a `type_name` struct (or a list of them) by where
/// it stands.
fn canonical(v: &mut Value, type_name: Option<&'static str>) {
    let Value::Seq(seq) = v else {
        return;
    };
    match &mut seq.open {
        Open::Bracket => {
            for child in &mut seq.children {
                canonical(&mut child.value, type_name);
            }
            seq.broken = type_name.is_some_and(is_item) && !seq.children.is_empty();
            return;
        }
        Open::Brace => {
            for child in &mut seq.children {
                canonical(&mut child.value, None);
            }
            return;
        }
        Open::Paren(name) => {
            let is_struct =
                !seq.children.is_empty() && seq.children.iter().all(|c| c.key.is_some());
            if name.is_none() && is_struct {
                *name = type_name.map(str::to_owned);
            }
        }
    }
    let Open::Paren(Some(name)) = &seq.open else {
        return;
    };
    let name = field_order_name(name);
    for child in &mut seq.children {
        unwrap_some(&mut child.value);
        let field = match &child.key {
            Some(Value::Atom(key)) => key.as_str(),
            _ => "",
        };
        canonical(&mut child.value, name.and_then(|n| field_type(n, field)));
    }
    if let Some(name) = name {
        let order = field_order(name);
        seq.children.sort_by_key(|c| match &c.key {
            Some(Value::Atom(key)) => order.iter().position(|f| f == key).unwrap_or(order.len()),
            _ => order.len(),
        });
        seq.broken = is_item(name);
        if let Some(short) = shorthand(name, seq) {
            *v = short;
        }
    }
}

/// The name as the tables know it (they hold `'static` names): one of the
/// structs a KB file is made of.
pub(crate) fn field_order_name(name: &str) -> Option<&'static str> {
    STRUCTS.iter().map(|(n, _)| *n).find(|n| *n == name)
}

/// `Some(x)` as `x` (KB files read optional fields without `Some`), when
/// nothing is written inside it but `x`.
fn unwrap_some(v: &mut Value) {
    loop {
        let Value::Seq(seq) = v else { return };
        let plain = seq.open == Open::Paren(Some("Some".into()))
            && seq.children.len() == 1
            && seq.open_comment.is_none()
            && seq.tail.is_empty()
            && comment_free(&seq.children[0]);
        let inner_is_some = matches!(&seq.children.first().map(|c| &c.value),
            Some(Value::Seq(s)) if s.open == Open::Paren(Some("Some".into())));
        if !plain || seq.children[0].key.is_some() || inner_is_some {
            return;
        }
        *v = seq.children.remove(0).value;
    }
}

fn comment_free(c: &Child) -> bool {
    c.leading.is_empty() && c.trailing.is_none()
}

/// The bare form of a struct whose other fields are their defaults.
fn shorthand(name: &str, seq: &Seq) -> Option<Value> {
    if seq.open_comment.is_some() || !seq.tail.is_empty() || !seq.children.iter().all(comment_free)
    {
        return None;
    }
    let fields: Vec<(&str, &Value)> = seq
        .children
        .iter()
        .map(|c| match &c.key {
            Some(Value::Atom(k)) => Some((k.as_str(), &c.value)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (main, default) = match name {
        "Participant" => ("actor", Some(("role", "Participant"))),
        "Signatory" => ("actor", None),
        "Response" => ("to", Some(("stance", "Acknowledges"))),
        "Quote" => ("text", None),
        _ => return None,
    };
    let mut bare = None;
    for (key, value) in fields {
        match (key, value) {
            (k, Value::Str(s)) if k == main => bare = Some(Value::Str(s.clone())),
            (k, Value::Atom(a)) if default.is_some_and(|(f, d)| f == k && d == a) => {}
            _ => return None,
        }
    }
    bare
}

/// Why a file was not formatted.
#[derive(Debug, thiserror::Error)]
pub enum FmtError {
    #[error("`{}` changed since the KB was read; run fmt again", crate::escape::shown_path(.0))]
    Changed(PathBuf),
    #[error("`{}` could not be laid out: {}; it is left as it is (please report this)", crate::escape::shown_path(.0), .1)]
    Layout(PathBuf, TreeError),
    #[error("formatting would change what the KB means, so nothing was written (please report this, with the files)")]
    Meaning,
}

/// What formatting a KB's files would do. It holds no file's text: a
/// changed file's text, and its text formatted, are made again when asked
/// for ([`Plan::texts`]), so that a large KB laid out anew is gone through
/// one file at a time.
#[derive(Debug)]
pub struct Plan {
    /// The KB's files, as loaded.
    pub sources: SourceMap,
    /// Files whose text changes.
    pub changed: Vec<FileId>,
    /// Files already in the canonical layout.
    pub unchanged: Vec<FileId>,
    /// Files left as they are because they have errors.
    pub with_errors: Vec<FileId>,
    /// The hard errors of the KB, each in a file of `with_errors`.
    pub errors: Vec<crate::diag::Diagnostic>,
    /// The settings file's path.
    settings: PathBuf,
}

impl Plan {
    /// A changed file's text as it is, and formatted: what [`plan`] found
    /// to mean the same. Fails if the file changed since it was loaded.
    pub fn texts(&self, id: FileId) -> Result<(Cow<'_, str>, String), FmtError> {
        let file = self.sources.get(id);
        let text = file
            .read()
            .ok_or_else(|| FmtError::Changed(file.path.clone()))?;
        let formatted =
            format(&text, self.doc(file)).map_err(|e| FmtError::Layout(file.path.clone(), e))?;
        Ok((text, formatted))
    }

    fn doc(&self, file: &SourceFile) -> Doc {
        let kb = self.settings.parent().unwrap_or(Path::new(""));
        Doc::of(&file.path, kb)
    }
}

/// Formats the files of `loaded` that `wanted` selects (`settings` is the
/// settings file's path), and checks that the KB means the same after:
/// its JSON export and the codes of its findings are identical. The KB is
/// let go first, and the two KBs compared are loaded one after the other
/// with each file's text made as it is parsed, so that the most memory
/// used is what loading the KB takes.
pub fn plan(
    loaded: Loaded,
    settings: &Path,
    wanted: impl Fn(&SourceFile) -> bool + Sync,
) -> Result<Plan, FmtError> {
    let with_errors: BTreeSet<FileId> = loaded.hard_errors().map(|d| d.primary.span.file).collect();
    let errors = loaded.hard_errors().cloned().collect();
    let mut plan = Plan {
        sources: loaded.into_sources(),
        changed: Vec::new(),
        unchanged: Vec::new(),
        with_errors: with_errors.iter().copied().collect(),
        errors,
        settings: settings.to_path_buf(),
    };
    let chosen: Vec<FileId> = plan
        .sources
        .iter()
        .filter(|(id, file)| wanted(file) && !with_errors.contains(id))
        .map(|(id, _)| id)
        .collect();
    // Which files change, each formatted and let go.
    let changes: Vec<bool> = chosen
        .par_iter()
        .map(|&id| plan.texts(id).map(|(text, formatted)| formatted != text))
        .collect::<Result<_, _>>()?;
    for (id, changes) in chosen.into_iter().zip(changes) {
        if changes {
            plan.changed.push(id);
        } else {
            plan.unchanged.push(id);
        }
    }
    if plan.changed.is_empty() {
        return Ok(plan);
    }
    let changed: BTreeSet<FileId> = plan.changed.iter().copied().collect();
    let formatted = |id| {
        changed
            .contains(&id)
            .then(|| plan.texts(id).map(|(_, after)| after))
    };
    let after = meaning(&load_again(&plan.sources, settings, &formatted)?);
    let before = meaning(&load_again(&plan.sources, settings, &|_| None)?);
    if before != after {
        return Err(FmtError::Meaning);
    }
    Ok(plan)
}

/// Loads the KB of `sources` again, each file's text read again as the
/// load parses it (see [`Kb::load_made`]), or made by `made` for the files
/// it answers for. A file that changed since it was loaded, or could not
/// be made, is the error.
fn load_again(
    sources: &SourceMap,
    settings: &Path,
    made: &(dyn Fn(FileId) -> Option<Result<String, FmtError>> + Sync),
) -> Result<Loaded, FmtError> {
    let failed = std::sync::Mutex::new(None);
    let files = sources
        .iter()
        .map(|(id, file)| {
            let failed = &failed;
            load::Made {
                name: file.name.clone(),
                path: file.path.clone(),
                settings: file.path == settings,
                make: Box::new(move || {
                    let text = made(id).unwrap_or_else(|| {
                        file.read()
                            .map(Cow::into_owned)
                            .ok_or_else(|| FmtError::Changed(file.path.clone()))
                    });
                    text.map_err(|e| {
                        let why = e.to_string();
                        let mut failed = failed.lock().unwrap_or_else(|e| e.into_inner());
                        failed.get_or_insert(e);
                        why
                    })
                }),
            }
        })
        .collect();
    let loaded = Kb::load_made(files);
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => Err(e),
        None => Ok(loaded),
    }
}

/// What a loaded KB says, for comparing two layouts of it: its JSON export
/// (hashed as it is written: the export of a large KB is several times its
/// size) and the codes of what was found in it, in order.
fn meaning(loaded: &Loaded) -> (u128, Vec<crate::diag::Code>) {
    /// A writer that only hashes what it is given.
    struct Hashing(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut json = Hashing(xxhash_rust::xxh3::Xxh3::new());
    let records = crate::export::records(&loaded.kb, &crate::query::Filter::default());
    // Hashing does not fail.
    let _ = crate::export::json::write_json(&loaded.kb, &records, &mut json);
    let mut codes: Vec<_> = loaded.load_findings().iter().map(|d| d.code).collect();
    codes.sort();
    (json.0.digest128(), codes)
}

/// An item of a KB file as the canonical layout writes it, without its
/// comments: what `annals diff` compares, so that a change of layout or of
/// a comment is no change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFields {
    pub kind: crate::model::NodeKind,
    pub id: String,
    /// The byte offset it starts at in its file, and where it ends.
    pub at: usize,
    pub end: usize,
    /// Each field's name and value, on one line.
    pub fields: Vec<(String, String)>,
}

/// The items of a KB file's text, in order (items without a readable id
/// are left out: the loader reports them).
pub fn items(text: &str) -> Result<Vec<ItemFields>, TreeError> {
    use crate::model::NodeKind;
    let mut file = tree::parse(text)?;
    canonical_root(&mut file, Doc::Kb);
    let Value::Seq(root) = &mut file.root else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for list in &mut root.children {
        let kind = match &list.key {
            Some(Value::Atom(k)) if k == "actors" => NodeKind::Actor,
            Some(Value::Atom(k)) if k == "events" => NodeKind::Event,
            Some(Value::Atom(k)) if k == "statements" => NodeKind::Statement,
            _ => continue,
        };
        let Value::Seq(items) = &mut list.value else {
            continue;
        };
        for item in &mut items.children {
            let (at, end) = (item.range.start, item.range.end);
            let Value::Seq(seq) = &mut item.value else {
                continue;
            };
            let mut fields = Vec::new();
            let mut id = None;
            for child in &mut seq.children {
                strip_comments(&mut child.value);
                let (Some(Value::Atom(key)), Some(value)) = (&child.key, print::flat(&child.value))
                else {
                    continue;
                };
                if key == "id" {
                    if let Value::Str(s) = &child.value {
                        id = Some(s.clone());
                    }
                }
                fields.push((key.clone(), value));
            }
            if let Some(id) = id {
                out.push(ItemFields {
                    kind,
                    id,
                    at,
                    end,
                    fields,
                });
            }
        }
    }
    Ok(out)
}

/// `v` without comments, and free to be written on one line.
fn strip_comments(v: &mut Value) {
    if let Value::Seq(seq) = v {
        seq.open_comment = None;
        seq.tail.clear();
        seq.broken = false;
        for child in &mut seq.children {
            child.leading.clear();
            child.trailing = None;
            if let Some(key) = &mut child.key {
                strip_comments(key);
            }
            strip_comments(&mut child.value);
        }
    }
}

/// Why an item was not added to a file.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("`{}` has errors; fix them (`annals check`) before adding to it", crate::escape::shown(.0))]
    FileHasErrors(String),
    #[error("`{}` is the settings file; items go in the KB's other files", crate::escape::shown(.0))]
    SettingsFile(String),
    #[error("`{}` does not hold a `Kb(…)` to add to", crate::escape::shown(.0))]
    NotAKbFile(String),
    #[error("`{}` could not be laid out: {}; it is left as it is (please report this)", crate::escape::shown(.0), .1)]
    Layout(String, TreeError),
    #[error("adding the item to `{}` would make the KB fail to load:\n{}", crate::escape::shown(.0), .1)]
    Breaks(String, String),
    #[error(transparent)]
    Reread(#[from] FmtError),
}

/// The text of `file` with `item` (an `Actor(…)`, `Event(…)` or
/// `Statement(…)`) added at the end of its list (made if missing), the
/// whole file in the canonical layout. The KB with the new text is loaded
/// first: the item must bring no error, and be there. `loaded` is let go
/// before, and the other files read again as the KB is loaded, so that the
/// most memory used is what loading the KB takes.
pub fn append(
    loaded: Loaded,
    settings: &Path,
    file: FileId,
    item: &str,
    kind: crate::model::NodeKind,
) -> Result<String, AppendError> {
    let source = loaded.sources.get(file);
    let name = source.name.clone();
    if source.path == settings {
        return Err(AppendError::SettingsFile(name));
    }
    if loaded.hard_errors().any(|d| d.primary.span.file == file) {
        return Err(AppendError::FileHasErrors(name));
    }
    let count = |kb: &Kb| kb.actors.len() + kb.events.len() + kb.statements.len();
    let before = count(&loaded.kb);
    let sources = loaded.into_sources();
    let source = sources.get(file);
    let layout = |e| AppendError::Layout(name.clone(), e);
    let mut tree = tree::parse(source.text()).map_err(layout)?;
    let item = tree::parse(item).map_err(layout)?.root;
    let Value::Seq(root) = &mut tree.root else {
        return Err(AppendError::NotAKbFile(name));
    };
    let list_name = match kind {
        crate::model::NodeKind::Actor => "actors",
        crate::model::NodeKind::Event => "events",
        crate::model::NodeKind::Statement => "statements",
    };
    let is_list = |c: &Child| c.key == Some(Value::Atom(list_name.to_owned()));
    if !root.children.iter().any(is_list) {
        root.children.push(new_child(
            Some(Value::Atom(list_name.to_owned())),
            Value::Seq(Seq {
                open: Open::Bracket,
                open_comment: None,
                children: Vec::new(),
                tail: Vec::new(),
                broken: false,
            }),
        ));
    }
    let list = root.children.iter_mut().find(|c| is_list(c));
    match list.map(|c| &mut c.value) {
        Some(Value::Seq(seq)) if seq.open == Open::Bracket => {
            seq.children.push(new_child(None, item));
        }
        _ => return Err(AppendError::NotAKbFile(name)),
    }
    canonical_root(&mut tree, Doc::Kb);
    let text = print::file(&tree);
    drop(tree);

    // The KB with the new text: no error in this file, one item more.
    let after = load_again(&sources, settings, &|id| {
        (id == file).then(|| Ok(text.clone()))
    })?;
    let errors: Vec<String> = after
        .hard_errors()
        .filter(|d| d.primary.span.file == file)
        .map(|d| format!("  {}: {}", d.code, d.message))
        .collect();
    if !errors.is_empty() {
        return Err(AppendError::Breaks(name, errors.join("\n")));
    }
    if count(&after.kb) != before + 1 {
        return Err(AppendError::Breaks(
            name,
            "  the KB would not hold one item more".into(),
        ));
    }
    Ok(text)
}

fn new_child(key: Option<Value>, value: Value) -> Child {
    Child {
        key,
        value,
        leading: Vec::new(),
        trailing: None,
        blank_before: false,
        range: 0..0,
    }
}

#[cfg(test)]
mod tests {
    /// A KB means what its export and findings say: the same text laid out
    /// otherwise means the same, a changed summary does not.
    #[test]
    fn meaning_tells_a_change_from_a_layout() {
        let load = |text: &str| {
            crate::Kb::load_texts(vec![crate::load::Text {
                name: "kb/s.ron".into(),
                path: "kb/s.ron".into(),
                text: text.into(),
                settings: false,
            }])
        };
        let one = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)], statements: [Statement(id: "s", by: "a", date: "2024", kind: Claim, summary: "S.")])"#;
        let laid_out = one.replace(", ", ",\n    ");
        let changed = one.replace("S.", "T.");
        assert_eq!(super::meaning(&load(one)), super::meaning(&load(&laid_out)));
        assert_ne!(super::meaning(&load(one)), super::meaning(&load(&changed)));
    }

    /// A plan holds no text: it reads each file again, and refuses one
    /// that changed since the KB was loaded.
    #[test]
    fn a_plan_formats_the_files_as_loaded_and_refuses_a_changed_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        let settings = dir.path().join(crate::load::SETTINGS_FILE);
        let one = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)])"#;
        std::fs::write(&path, one).unwrap();
        let plan = super::plan(crate::Kb::load(dir.path()).unwrap(), &settings, |_| true).unwrap();
        assert_eq!(plan.changed.len(), 1);
        let (text, formatted) = plan.texts(plan.changed[0]).unwrap();
        assert_eq!((text.as_ref(), formatted.as_str()), (one, kb(one).as_str()));

        let loaded = crate::Kb::load(dir.path()).unwrap();
        std::fs::write(&path, one.replace("\"A\"", "\"B\"")).unwrap();
        let err = super::plan(loaded, &settings, |_| true).unwrap_err();
        assert!(
            matches!(&err, super::FmtError::Changed(p) if *p == path),
            "{err}"
        );
    }

    use super::*;

    fn kb(text: &str) -> String {
        format(text, Doc::Kb).expect("formats")
    }

    /// Whatever RON reads as whitespace, `fmt` reads too: a vertical tab
    /// between items loaded but could not be laid out (found by the `fmt`
    /// fuzz target).
    #[test]
    fn every_whitespace_ron_reads_is_read() {
        for blank in [
            "\u{b}", "\u{c}", "\u{85}", "\u{200e}", "\u{200f}", "\u{2028}", "\u{2029}",
        ] {
            let text = format!(
                "Kb(actors: [Actor(id: \"a\", name: \"A\", kind: Person),{blank}Actor(id: \"b\",{blank}name: \"B\", kind: Person)])"
            );
            let loaded = crate::Kb::load_files(&[("kb/a.ron", text.as_bytes())]);
            assert!(
                !loaded.has_errors(),
                "{blank:?}: {:?}",
                loaded.load_findings()
            );
            let out = kb(&text);
            assert!(out.contains("id: \"b\",\n"), "{blank:?}: {out}");
            assert_eq!(kb(&out), out);
        }
    }

    #[test]
    fn bare_ids_where_the_default_is_meant_and_nowhere_else() {
        let out = kb(
            r#"Kb(events: [Event(id: "e", name: "E", kind: Summit, date: "2024",
            participants: [Participant(actor: "a"), Participant(actor: "b", role: Participant),
                           Participant(actor: "c", role: Host)])],
            statements: [Statement(id: "s", by: [Signatory(actor: "a"), Signatory(actor: "b", joined: "2024")],
            date: "2024", kind: Claim, summary: "S", quotes: [Quote(text: "q"), Quote(text: "r", lang: "en")],
            responds_to: [Response(to: "t"), Response(to: "u", stance: Acknowledges), Response(to: "v", stance: Rejects)])])"#,
        );
        assert!(
            out.contains(r#"participants: ["a", "b", Participant(actor: "c", role: Host)],"#),
            "{out}"
        );
        assert!(
            out.contains(r#"by: ["a", Signatory(actor: "b", joined: "2024")],"#),
            "{out}"
        );
        assert!(
            out.contains(r#"quotes: ["q", Quote(text: "r", lang: "en")],"#),
            "{out}"
        );
        assert!(
            out.contains(r#"responds_to: ["t", "u", Response(to: "v", stance: Rejects)],"#),
            "{out}"
        );
    }

    #[test]
    fn some_is_dropped_and_unnamed_items_are_named() {
        let out = kb(r#"Kb(actors: [(id: "a", name: "A", kind: Person, note: Some("n"))])"#);
        assert_eq!(
            out,
            "Kb(\n    actors: [\n        Actor(\n            id: \"a\",\n            name: \"A\",\n            kind: Person,\n            note: \"n\",\n        ),\n    ],\n)\n"
        );
    }

    #[test]
    fn long_values_break_one_child_per_line_and_formatting_is_idempotent() {
        let long = "x".repeat(90);
        let text = format!(
            r#"Kb(statements: [Statement(id: "s", by: "a", date: "2024", kind: Claim, summary: "S", topics: ["{long}", "b"])])"#
        );
        let once = kb(&text);
        assert!(
            once.contains(&format!(
                "topics: [\n                \"{long}\",\n                \"b\",\n            ],"
            )),
            "{once}"
        );
        assert_eq!(kb(&once), once);
    }

    #[test]
    fn a_comment_after_a_value_keeps_its_column_when_the_line_leaves_room() {
        let text = "Settings(\n    time_zone: \"UTC\",          // where times are read\n)\n";
        assert_eq!(format(text, Doc::Settings).unwrap(), text);
        let text = "Settings(time_zone: \"UTC\", /* c */ lints: {})";
        let out = format(text, Doc::Settings).unwrap();
        assert_eq!(
            out,
            "Settings(\n    time_zone: \"UTC\",      /* c */\n    lints: {},\n)\n"
        );
    }

    #[test]
    fn what_it_cannot_read_is_an_error_never_a_panic() {
        for text in ["", "Kb(", "Kb(actors: [", "Kb() x", "Kb(a: \"\\q\")"] {
            assert!(format(text, Doc::Kb).is_err(), "{text:?}");
        }
    }
}
