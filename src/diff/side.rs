//! One side of a diff: a version of the KB loaded and reduced to what the
//! comparison needs before the other side loads (the two KBs are never
//! held at once): its files' names and text hashes, its hard errors, and
//! its response links and who-responded counts hashed by file and by
//! responder ([`Graph`]). What differs from the other side is then read
//! again: items from the files whose text differs, links and counts from
//! a second load of the side when their hashes differ.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use xxhash_rust::xxh3::Xxh3;

use super::git::{Blobs, GitError, Listed, Repo};
use crate::fmt::ItemFields;
use crate::kb::{Kb, Party};
use crate::load::{self, Loaded, Made};
use crate::model::{Answered, NodeKind, Stance};
use crate::query::who_responded::{who_responded, Options};
use crate::query::Filter;
use crate::source_map::{line_of, line_starts, FileId, SourceMap};

/// Where a version's files are.
pub enum Files<'a> {
    /// A KB folder as it is on disk.
    Folder(&'a Path),
    /// The KB folder at a commit (a full hash) of its repository.
    Revision(&'a Repo, String),
    /// Files given by their text.
    Texts(Vec<load::Text>),
}

/// A version of a KB to compare.
pub struct Version<'a> {
    /// `main (3f2a9c1)`, `working tree`.
    pub label: String,
    pub files: Files<'a>,
}

/// Why two versions could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Load(#[from] crate::LoadError),
    #[error("`{}` changed while annals diff read it; run it again", crate::escape::shown(.0))]
    Changed(String),
}

/// An id, interned: both sides' ids are held once.
pub(super) type Id = u32;

/// The ids met on either side, each held once, one after another in one
/// buffer: a side's ids are interned while its KB is loaded, and one
/// allocation each would be left scattered over the pages the KB held.
#[derive(Default)]
pub(super) struct Ids {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
    table: hashbrown::HashTable<Id>,
}

impl Ids {
    fn hash(name: &str) -> u64 {
        FxBuildHasher.hash_one(name)
    }

    /// The id of `name`, if it was met.
    pub fn find(&self, name: &str) -> Option<Id> {
        self.table
            .find(Self::hash(name), |&i| self.name(i) == name)
            .copied()
    }

    /// The id of `name`, met now if not before.
    pub fn id(&mut self, name: &str) -> Id {
        self.index();
        if let Some(id) = self.find(name) {
            return id;
        }
        let id = Id::try_from(self.ends.len()).expect("fewer than 2^32 ids");
        self.text.push_str(name);
        let end = u32::try_from(self.text.len()).expect("ids within 4 GB");
        self.ends.push(end);
        let (text, ends) = (&self.text, &self.ends);
        self.table.insert_unique(Self::hash(name), id, |&i| {
            Self::hash(Self::slice(text, ends, i))
        });
        id
    }

    pub fn name(&self, id: Id) -> &str {
        Self::slice(&self.text, &self.ends, id)
    }

    /// Lets the table that finds ids by name go, while a KB loads.
    fn set_aside(&mut self) {
        self.table = hashbrown::HashTable::new();
    }

    /// Makes the table again if it was set aside.
    pub fn index(&mut self) {
        if self.table.len() == self.ends.len() {
            return;
        }
        let (text, ends) = (&self.text, &self.ends);
        let hash = |i: &Id| Self::hash(Self::slice(text, ends, *i));
        let mut table = hashbrown::HashTable::with_capacity(ends.len());
        for id in 0..ends.len() as Id {
            table.insert_unique(hash(&id), id, hash);
        }
        self.table = table;
    }

    fn slice<'a>(text: &'a str, ends: &[u32], id: Id) -> &'a str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        &text[start..ends[i] as usize]
    }
}

/// An item by kind and id.
pub(super) type Key = (NodeKind, Id);

/// Where an item is and what it holds, hashed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Digest {
    pub file: FileId,
    pub line: usize,
    /// Its fields in the canonical layout, hashed.
    pub all: u64,
    /// Its fields but the id, hashed: a rename keeps them.
    pub rest: u64,
}

/// The items of some of a side's files: each item where it is first met,
/// and the fields of those that were asked for.
#[derive(Default)]
pub(super) struct Items {
    pub digests: FxHashMap<Key, Digest>,
    pub fields: FxHashMap<Key, ItemFields>,
}

/// An item as a file's scan finds it, its id not yet interned.
pub(super) struct Scanned {
    kind: NodeKind,
    id: String,
    line: usize,
    all: u64,
    rest: u64,
    fields: Option<ItemFields>,
}

/// Which items' fields a scan keeps: by kind, id and the hash of all the
/// fields.
pub(super) type Keep<'a> = dyn Fn(NodeKind, &str, u64) -> bool + Sync + 'a;

/// A version of the KB as the comparison keeps it.
pub(super) struct Side<'a> {
    pub label: String,
    /// Where it is read from, to load it again.
    origin: Origin<'a>,
    /// The files' names and hashes (and the text of those with problems).
    sources: SourceMap,
    /// The settings file's path, left out of the comparison of items.
    settings: Option<PathBuf>,
    /// The hard errors, as `file:line: message`.
    pub errors: Vec<String>,
    /// Its links and counts, hashed.
    pub graph: Graph,
    /// The links and counts kept: those that may differ from the other
    /// side's ([`Side::keep`]).
    pub links: Pairs<Stance>,
    pub counts: Pairs<u32>,
}

/// Where a side is read from.
enum Origin<'a> {
    Folder(&'a Path),
    Revision { listed: Vec<Listed>, blobs: Blobs },
    Texts(Vec<load::Text>),
}

/// A side's response links and who-responded counts, hashed: what is
/// kept of a side while the other loads. Links are hashed by the file
/// their statement is in, so that only those of files whose links differ
/// are compared one by one.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Graph {
    /// File name -> the links from its statements, hashed (in any order).
    pub links: FxHashMap<String, u64>,
    /// The hash of a responder's id -> its (target, count) pairs, hashed
    /// (in any order).
    pub counts: FxHashMap<u64, u64>,
}

impl Graph {
    /// The files whose links differ from `other`'s, and the responders
    /// (by the hash of their ids) whose counts do.
    fn differing<'g>(&'g self, other: &Graph) -> (FxHashSet<&'g str>, FxHashSet<u64>) {
        let files = self
            .links
            .iter()
            .filter(|(name, h)| other.links.get(*name) != Some(h))
            .map(|(name, _)| name.as_str())
            .collect();
        let responders = self
            .counts
            .iter()
            .filter(|(r, h)| other.counts.get(*r) != Some(h))
            .map(|(r, _)| *r)
            .collect();
        (files, responders)
    }
}

/// A hash of strings, each measured so that no two lists hash alike by
/// where one ends.
fn hash_of<'s>(parts: impl IntoIterator<Item = &'s str>) -> u64 {
    let mut h = Xxh3::new();
    for part in parts {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.digest()
}

impl Origin<'_> {
    fn load(&self) -> Result<Loaded, DiffError> {
        Ok(match self {
            Origin::Folder(root) => match Kb::load(root) {
                Ok(loaded) => loaded,
                // No KB files: every item was removed.
                Err(crate::LoadError::NoFiles(_)) => Kb::load_texts(Vec::new()),
                Err(e) => return Err(e.into()),
            },
            Origin::Revision { listed, blobs } => {
                // Each text read as the load parses it, and let go after.
                let made = listed
                    .iter()
                    .map(|f| Made {
                        name: f.name.clone(),
                        path: f.path.clone(),
                        settings: f.settings,
                        make: Box::new(|| {
                            blobs
                                .read(&f.object)
                                .map(text_of)
                                .map_err(|e| e.to_string())
                        }),
                    })
                    .collect();
                Kb::load_made(made)
            }
            Origin::Texts(texts) => Kb::load_texts(texts.clone()),
        })
    }

    fn settings(&self) -> Option<PathBuf> {
        match self {
            Origin::Folder(root) => Some(root.join(load::SETTINGS_FILE)),
            Origin::Revision { listed, .. } => {
                listed.iter().find(|f| f.settings).map(|f| f.path.clone())
            }
            Origin::Texts(texts) => texts.iter().find(|t| t.settings).map(|t| t.path.clone()),
        }
    }
}

/// Every response link of a KB: (from, to, stance) and the file of the
/// statement it is from.
fn links_of(kb: &Kb) -> impl Iterator<Item = (FileId, &str, &str, Stance)> {
    kb.statements.iter().flat_map(move |s| {
        s.responds_to.iter().map(move |r| {
            let to = match r.to {
                Answered::Statement(t) => &kb.statement(t).id,
                Answered::Event(e) => &kb.event(e).id,
            };
            (s.span.file, s.id.as_str(), to.as_str(), r.stance)
        })
    })
}

/// Who-responded's counts of a KB: (responder, target, count).
fn counts_of(kb: &Kb) -> Vec<(&str, &str, u32)> {
    who_responded(kb, &Filter::default(), &Options::default())
        .into_iter()
        .map(|p| {
            let target = match p.target {
                Party::Actor(a) => &kb.actor(a).id,
                Party::Event(e) => &kb.event(e).id,
            };
            let count = u32::try_from(p.count).unwrap_or(u32::MAX);
            (kb.actor(p.responder).id.as_str(), target.as_str(), count)
        })
        .collect()
}

/// A loaded KB's links and counts, hashed; and, if `other` is given, its
/// links and counts that may differ from those `other` hashes, ids
/// interned.
fn graph(
    loaded: &Loaded,
    other: Option<&Graph>,
    ids: &mut Ids,
) -> (Graph, Pairs<Stance>, Pairs<u32>) {
    let kb = &loaded.kb;
    let mut graph = Graph::default();
    for (file, from, to, stance) in links_of(kb) {
        let name = &loaded.sources.get(file).name;
        let h = hash_of([from, to, stance.as_str()]);
        match graph.links.get_mut(name) {
            Some(sum) => *sum = sum.wrapping_add(h),
            None => {
                graph.links.insert(name.clone(), h);
            }
        }
    }
    let counts = counts_of(kb);
    for (responder, target, n) in &counts {
        let h = hash_of([*target, &n.to_string()]);
        let sum = graph.counts.entry(hash_of([*responder])).or_default();
        *sum = sum.wrapping_add(h);
    }
    let Some(other) = other else {
        return (graph, Pairs::default(), Pairs::default());
    };
    let (files, responders) = graph.differing(other);
    let links = links_of(kb)
        .filter(|(file, ..)| files.contains(loaded.sources.get(*file).name.as_str()))
        .map(|(_, from, to, stance)| ((ids.id(from), ids.id(to)), stance))
        .collect();
    let counts = counts
        .into_iter()
        .filter(|(r, ..)| responders.contains(&hash_of([*r])))
        .map(|(r, t, n)| ((ids.id(r), ids.id(t)), n))
        .collect();
    drop((files, responders));
    (graph, Pairs::of(links), Pairs::of(counts))
}

/// Values by pairs of ids, sorted by pair: a side's links and counts,
/// kept while the other side loads (two allocations, no table).
pub(super) struct Pairs<V> {
    pairs: Vec<(Id, Id)>,
    values: Vec<V>,
}

impl<V> Default for Pairs<V> {
    fn default() -> Pairs<V> {
        Pairs {
            pairs: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<V: Copy> Pairs<V> {
    /// The values, the last of those given for one pair kept.
    fn of(mut given: Vec<((Id, Id), V)>) -> Pairs<V> {
        given.sort_by_key(|(pair, _)| *pair);
        // `later` follows `kept`: the later value stays.
        given.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        let (pairs, values) = given.into_iter().unzip();
        Pairs { pairs, values }
    }

    pub fn get(&self, pair: &(Id, Id)) -> Option<V> {
        let at = self.pairs.binary_search(pair).ok()?;
        Some(self.values[at])
    }

    pub fn pairs(&self) -> impl Iterator<Item = &(Id, Id)> {
        self.pairs.iter()
    }
}

/// A blob's text, as the load reads a file's (a byte-order mark left out).
fn text_of(bytes: Vec<u8>) -> String {
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    crate::source_map::strip_bom(text)
}

impl<'a> Side<'a> {
    /// Loads `version` and keeps what the comparison needs of it: with
    /// `other`, the links and counts that may differ from those it hashes.
    pub fn load(
        version: Version<'a>,
        other: Option<&Graph>,
        ids: &mut Ids,
    ) -> Result<Side<'a>, DiffError> {
        let Version { label, files } = version;
        let origin = match files {
            Files::Folder(root) => Origin::Folder(root),
            Files::Revision(repo, commit) => Origin::Revision {
                listed: repo.files(&commit)?,
                blobs: repo.blobs()?,
            },
            Files::Texts(texts) => Origin::Texts(texts),
        };
        let loaded = origin.load()?;
        let errors: Vec<(FileId, usize, String)> = loaded
            .hard_errors()
            .map(|d| {
                let span = d.primary.span;
                (span.file, span.range().start, d.message.clone())
            })
            .collect();
        let (graph, links, counts) = graph(&loaded, other, ids);
        let mut side = Side {
            label,
            settings: origin.settings(),
            origin,
            sources: loaded.into_sources(),
            errors: Vec::new(),
            graph,
            links,
            counts,
        };
        side.errors = side.located(errors)?;
        Ok(side)
    }

    /// Keeps the links and counts that may differ from those `other`
    /// hashes, loading the side again if there are any (its files as they
    /// were: a file changed since stops the comparison).
    pub fn keep(&mut self, other: &Graph, ids: &mut Ids) -> Result<(), DiffError> {
        let (files, responders) = self.graph.differing(other);
        if files.is_empty() && responders.is_empty() {
            return Ok(());
        }
        ids.set_aside();
        let loaded = self.origin.load()?;
        for (file, f) in loaded.sources.iter() {
            let same = (file.0 as usize) < self.sources.len() && {
                let was = self.sources.get(file);
                was.name == f.name && was.hash() == f.hash()
            };
            if !same {
                return Err(DiffError::Changed(f.name.clone()));
            }
        }
        if loaded.sources.len() != self.sources.len() {
            return Err(DiffError::Changed(self.label.clone()));
        }
        let (graph, links, counts) = graph(&loaded, Some(other), ids);
        if graph != self.graph {
            return Err(DiffError::Changed(self.label.clone()));
        }
        (self.links, self.counts) = (links, counts);
        Ok(())
    }

    /// Errors as `file:line: message`, in order, each file read again
    /// once (a revision's files are not on disk, and their texts were let
    /// go) and let go before the next.
    fn located(&self, errors: Vec<(FileId, usize, String)>) -> Result<Vec<String>, DiffError> {
        let mut order: Vec<usize> = (0..errors.len()).collect();
        order.sort_by_key(|&i| errors[i].0);
        let mut lines = vec![0; errors.len()];
        for group in order.chunk_by(|&a, &b| errors[a].0 == errors[b].0) {
            let starts = line_starts(&self.text(errors[group[0]].0)?);
            for &i in group {
                lines[i] = line_of(&starts, errors[i].1);
            }
        }
        Ok(errors
            .into_iter()
            .zip(lines)
            .map(|((file, _, message), line)| format!("{}:{line}: {message}", self.name(file)))
            .collect())
    }

    /// The files whose items are compared (all but the settings), with
    /// their names and their texts' hashes.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &str, u128)> {
        self.sources
            .iter()
            .filter(|(_, f)| Some(&f.path) != self.settings.as_ref())
            .map(|(id, f)| (id, f.name.as_str(), f.hash()))
    }

    pub fn name(&self, file: FileId) -> &str {
        &self.sources.get(file).name
    }

    /// A file's text, read again.
    fn text(&self, file: FileId) -> Result<Cow<'_, str>, DiffError> {
        let f = self.sources.get(file);
        let changed = || DiffError::Changed(f.name.clone());
        match &self.origin {
            // A revision's file is read from git, not from the working
            // tree at its path, unless its text is held.
            Origin::Revision { listed, blobs } => match f.held() {
                Some(text) => Ok(Cow::Borrowed(text)),
                None => {
                    let listed = listed
                        .iter()
                        .find(|l| l.name == f.name)
                        .ok_or_else(changed)?;
                    Ok(Cow::Owned(text_of(blobs.read(&listed.object)?)))
                }
            },
            Origin::Folder(_) | Origin::Texts(_) => f.read().ok_or_else(changed),
        }
    }

    /// The items of the files `which` (in the order the load read them),
    /// with the fields of those `keep` wants.
    pub fn items(
        &self,
        which: &[FileId],
        keep: &Keep<'_>,
    ) -> Result<Vec<(FileId, Vec<Scanned>)>, DiffError> {
        which
            .par_iter()
            .map(|&file| Ok((file, scan(&self.text(file)?, keep))))
            .collect()
    }
}

/// The items of a file's text. A file that cannot be read as a tree has
/// errors, which its side lists; its items are compared where they loaded.
fn scan(text: &str, keep: &Keep<'_>) -> Vec<Scanned> {
    let Ok(items) = crate::fmt::items(text) else {
        return Vec::new();
    };
    // Items come in the canonical order of their lists, not the file's.
    let starts = line_starts(text);
    items
        .into_iter()
        .map(|item| {
            let line = line_of(&starts, item.at);
            let all = digest(item.fields.iter());
            let rest = digest(item.fields.iter().filter(|(k, _)| k != "id"));
            Scanned {
                kind: item.kind,
                id: item.id.clone(),
                line,
                all,
                rest,
                fields: keep(item.kind, &item.id, all).then_some(item),
            }
        })
        .collect()
}

/// A hash of fields, names and values.
fn digest<'a>(fields: impl Iterator<Item = &'a (String, String)>) -> u64 {
    hash_of(fields.flat_map(|(name, value)| [name.as_str(), value.as_str()]))
}

impl Items {
    /// The items scanned, each kept where it is first met, ids interned.
    pub fn of(scanned: Vec<(FileId, Vec<Scanned>)>, ids: &mut Ids) -> Items {
        let mut items = Items::default();
        for (file, found) in scanned {
            for s in found {
                let key = (s.kind, ids.id(&s.id));
                if items.digests.contains_key(&key) {
                    continue;
                }
                items.digests.insert(
                    key,
                    Digest {
                        file,
                        line: s.line,
                        all: s.all,
                        rest: s.rest,
                    },
                );
                if let Some(fields) = s.fields {
                    items.fields.insert(key, fields);
                }
            }
        }
        items
    }
}
