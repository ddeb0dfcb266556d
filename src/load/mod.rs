//! Loading a KB folder: find the files, read and parse them in parallel,
//! resolve ids into typed indices and build the graph. The lints run
//! afterwards, where they are wanted (`check::diagnostics`).
//!
//! Loading never stops at the first problem: a file that fails to parse is
//! reported and the others are still read and checked. Only a KB that cannot
//! be read at all (no such folder, no `.ron` file) is a [`LoadError`].

mod discover;
mod items;
pub(crate) mod parse;
pub(crate) mod raw;
mod resolve;
mod settings;
pub(crate) mod spanned;

pub use crate::model::{Limits, Settings};
pub use settings::SETTINGS_FILE;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::diag::{Code, Diagnostic};
use crate::kb::Kb;
use crate::model::{ActorIx, Answered, EventIx, NodeRef, Statement, StatementIx};
use crate::source_map::{FileId, SourceMap, Span};
use parse::{read_and_parse, FileProblem, ParsedFile};
use raw::{RawDoc, RawSettings};
use resolve::RawDocs;

/// Why a KB cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("KB folder `{}` does not exist (give another with --kb DIR or ANNALS_KB)", crate::escape::shown_path(.0))]
    NotFound(PathBuf),
    #[error("`{}` is not a folder; --kb names the folder that holds the KB's .ron files", crate::escape::shown_path(.0))]
    NotADirectory(PathBuf),
    #[error("cannot read KB folder `{}`: {}", crate::escape::shown_path(.0), .1)]
    Unreadable(PathBuf, String),
    #[error("no .ron files in KB folder `{}`", crate::escape::shown_path(.0))]
    NoFiles(PathBuf),
}

/// A loaded KB with the text of its files and every finding.
#[derive(Debug)]
pub struct Loaded {
    pub kb: Kb,
    pub sources: SourceMap,
    /// What loading found, at each code's default severity.
    findings: Vec<Diagnostic>,
}

impl Loaded {
    /// What loading found (syntax, ids, references, dates, settings), at
    /// each code's default severity. The lints on top of these are
    /// `check::run`'s; `check::diagnostics` gives both with levels applied.
    pub fn load_findings(&self) -> &[Diagnostic] {
        &self.findings
    }

    /// Whether the KB has hard errors: a file that does not parse, a
    /// reference that does not resolve. Queries refuse such a KB, since
    /// their answers would silently miss items.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|d| d.code.is_hard())
    }

    /// The KB, or [`LoadError::NoFiles`] when the folder `root` it was
    /// loaded from holds no KB file.
    pub fn require_files(self, root: &Path) -> Result<Loaded, LoadError> {
        if self.sources.is_empty() {
            return Err(LoadError::NoFiles(root.to_path_buf()));
        }
        Ok(self)
    }

    /// The files' sources, without the KB (what `annals fmt` keeps while
    /// it loads the KB formatted).
    pub fn into_sources(self) -> SourceMap {
        self.sources
    }

    /// The hard errors, for a command that refuses to run on them.
    pub fn hard_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.findings.iter().filter(|d| d.code.is_hard())
    }
}

impl Kb {
    /// Loads and checks the KB in `root`.
    ///
    /// ```no_run
    /// let loaded = annals::Kb::load(std::path::Path::new("kb"))?;
    /// for d in annals::check::diagnostics(&loaded, &annals::check::Levels::of(&loaded.kb.settings)) {
    ///     eprintln!("{}: {}", d.code, d.message);
    /// }
    /// # Ok::<(), annals::LoadError>(())
    /// ```
    pub fn load(root: &Path) -> Result<Loaded, LoadError> {
        Kb::load_with(root, &HashMap::new())?.require_files(root)
    }

    /// Loads and checks a KB given as named file contents, in that order:
    /// what `load` does with a folder, without the file system (for tests,
    /// fuzzing, and tools that hold the files in memory). A file named
    /// `annals.ron` is the settings file.
    ///
    /// ```
    /// let loaded = annals::Kb::load_files(&[("kb/a.ron", br#"Kb(actors: [Actor(id: "x", name: "X", kind: Group)])"#)]);
    /// assert_eq!(loaded.kb.actors.len(), 1);
    /// ```
    pub fn load_files(files: &[(&str, &[u8])]) -> Loaded {
        let inputs = files
            .iter()
            .map(|(name, bytes)| {
                let settings =
                    *name == SETTINGS_FILE || name.ends_with(&format!("/{SETTINGS_FILE}"));
                Input::given(
                    settings,
                    name.to_string(),
                    name.into(),
                    Source::Given(bytes.to_vec()),
                )
            })
            .collect();
        load_inputs(inputs, Vec::new(), None)
    }
}

/// A file given by its text, for [`Kb::load_texts`].
#[derive(Debug, Clone)]
pub struct Text {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
    /// Whether it is the settings file.
    pub settings: bool,
}

impl Kb {
    /// Loads and checks a KB given as texts, each said to be the settings
    /// file or not (what a KB loaded from disk holds, changed in memory:
    /// `annals new --append` loads the KB with the item added, `annals
    /// diff` a git revision's files).
    pub fn load_texts(files: Vec<Text>) -> Loaded {
        let inputs = files
            .into_iter()
            .map(|f| {
                Input::given(
                    f.settings,
                    f.name,
                    f.path,
                    Source::Given(f.text.into_bytes()),
                )
            })
            .collect();
        load_inputs(inputs, Vec::new(), None)
    }

    /// Loads and checks a KB whose files' texts are made as the load parses
    /// them, in parallel, each let go once it parsed cleanly (as a file read
    /// from disk is): what comparing two versions of a large KB needs
    /// without holding either's text (`annals fmt` checks that formatting
    /// means no change). A file whose text could not be made is reported
    /// as unreadable, with the reason. The sources of the KB hold the text
    /// of files with problems only; the others read as empty unless their
    /// path holds the same text.
    ///
    /// ```
    /// let loaded = annals::Kb::load_made(vec![annals::load::Made {
    ///     name: "kb/a.ron".into(),
    ///     path: "kb/a.ron".into(),
    ///     settings: false,
    ///     make: Box::new(|| Ok(r#"Kb(actors: [Actor(id: "x", name: "X", kind: Group)])"#.into())),
    /// }]);
    /// assert_eq!(loaded.kb.actors.len(), 1);
    /// ```
    pub fn load_made(files: Vec<Made<'_>>) -> Loaded {
        let inputs = files
            .into_iter()
            .map(|f| Input::given(f.settings, f.name, f.path, Source::Made(f.make)))
            .collect();
        load_inputs(inputs, Vec::new(), None)
    }
}

/// A file given by what makes its text, for [`Kb::load_made`].
pub struct Made<'a> {
    pub name: String,
    pub path: PathBuf,
    /// Whether it is the settings file.
    pub settings: bool,
    /// Makes the text, or says why it could not.
    pub make: Box<dyn FnOnce() -> Result<String, String> + Send + 'a>,
}

impl Kb {
    /// Loads the KB in `root` as `load` does, but reads the files in
    /// `open` from there instead of from disk (an editor's unsaved
    /// buffers, by the path the folder's walk finds them at).
    pub fn load_with(root: &Path, open: &HashMap<PathBuf, String>) -> Result<Loaded, LoadError> {
        Kb::load_reusing(root, open, None)
    }

    /// Loads the KB in `root` as `load_with` does, taking from `cache` the
    /// parse of every file whose bytes did not change since the last load
    /// through it, and keeping this load's parses there for the next: what
    /// a process that loads one KB again and again (`annals lsp`, `annals
    /// watch`) uses, so that an edit costs the parse of one file.
    pub fn load_cached(
        root: &Path,
        open: &HashMap<PathBuf, String>,
        cache: &mut ParseCache,
    ) -> Result<Loaded, LoadError> {
        Kb::load_reusing(root, open, Some(cache))
    }

    fn load_reusing(
        root: &Path,
        open: &HashMap<PathBuf, String>,
        cache: Option<&mut ParseCache>,
    ) -> Result<Loaded, LoadError> {
        let found = discover::discover(root)?;
        let settings_path = root.join(SETTINGS_FILE);
        let inputs = found
            .files
            .into_iter()
            .map(|path| Input {
                settings: path == settings_path,
                name: display(&path),
                source: open
                    .get(&path)
                    .map_or(Source::Disk, |t| Source::Given(t.clone().into_bytes())),
                path,
            })
            .collect();
        Ok(load_inputs(inputs, found.problems, cache))
    }
}

/// The KB files below `root`, as loading finds them (annals' cache checks
/// that they are the files it was made from).
pub(crate) fn kb_files(root: &Path) -> Result<discover::Found, LoadError> {
    discover::discover(root)
}

/// A KB as loading resolved it, before its graph and indexes are built:
/// what annals' cache keeps of a load.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub actors: Vec<crate::model::Actor>,
    pub events: Vec<crate::model::Event>,
    pub statements: Vec<crate::model::Statement>,
    pub settings: Settings,
}

impl Resolved {
    /// The KB, with its graph and indexes.
    pub fn assemble(self) -> Kb {
        Kb::assemble(self.actors, self.events, self.statements, self.settings)
    }

    /// The KB in the folder `root` once the files `changed` (paths below
    /// `root`, with their bytes now) are read again into `self`, resolved
    /// from the KB as it was before: what [`Kb::load`] would give, without
    /// reading the other files. `files` are the KB's files as
    /// `kb_files` lists them. `None` when that cannot be told without
    /// loading the whole KB: the settings changed, a changed file does not
    /// parse or has hard errors, or the change reaches other files (an
    /// actor or event added, removed, renamed or moved, an actor's kind or
    /// an event's zone changed, a statement another file names gone); the
    /// caller then loads the KB from its files. Statements may be added,
    /// removed, renamed or reordered: the others move to their new places.
    pub fn patch(
        mut self,
        root: &Path,
        files: &[PathBuf],
        changed: Vec<(PathBuf, Vec<u8>)>,
    ) -> Option<Kb> {
        let settings = root.join(SETTINGS_FILE);
        // The file ids a load gives them.
        let order: HashMap<&PathBuf, FileId> =
            settings_first(files.iter().collect(), |f| **f == settings)
                .into_iter()
                .enumerate()
                .map(|(i, f)| (f, FileId(i as u32)))
                .collect();
        let mut docs = Vec::with_capacity(changed.len());
        for (path, bytes) in changed {
            let file = *order.get(&path).filter(|_| path != settings)?;
            let parsed: ParsedFile<RawDoc> =
                parse::parse_bytes(&path, display(&path), bytes, &self.settings.limits);
            if !parsed.problems.is_empty() {
                return None;
            }
            docs.push((file, parsed.value?));
        }
        docs.sort_by_key(|(file, _)| *file);
        let changed: std::collections::HashSet<FileId> = docs.iter().map(|(f, _)| *f).collect();
        let mut statements = self.lay_out_statements(&docs)?;
        let mut ids = self.id_map();
        if let Some(moved) = &statements.moved {
            for range in &statements.ranges {
                for s in &self.statements[range.clone()] {
                    ids.remove(&s.id);
                }
            }
            for (id, &place) in moved {
                // Where it is defined is set as its file is resolved.
                let span = Span::new(FileId(0), 0..0);
                if ids
                    .insert(id.clone(), (NodeRef::Statement(place), span))
                    .is_some()
                {
                    // Another item has it: loading reports the duplicate.
                    return None;
                }
            }
        }
        let places = resolve::Places {
            actors: places_in(&self.actors, |a| a.span, &changed, ActorIx),
            events: places_in(&self.events, |e| e.span, &changed, EventIx),
            statements: std::mem::take(&mut statements.places),
        };
        let seed = resolve::Seed {
            ids,
            actor_kinds: self.actors.iter().map(|a| a.kind).collect(),
            event_zones: self.events.iter().map(|e| e.time_zone).collect(),
            places,
        };
        let patched = resolve::patch(&mut docs, &self.settings, seed)?;
        let places = patched.places;
        for (at, actor) in places.actors.into_iter().zip(patched.actors) {
            self.actors[at.index()] = actor;
        }
        for (at, event) in places.events.into_iter().zip(patched.events) {
            self.events[at.index()] = event;
        }
        // Each changed file's statements in its range, the last range
        // first so that the others stay where they are.
        let mut made = patched.statements;
        for (range, &count) in statements.ranges.iter().zip(&statements.counts).rev() {
            let file_statements = made.split_off(made.len().checked_sub(count)?);
            self.statements.splice(range.clone(), file_statements);
        }
        Some(self.assemble())
    }

    /// Where the statements of the changed files `docs` are and will be.
    /// When a file holds other statements than before (added, removed,
    /// renamed, reordered), the statements of the other files are moved
    /// into their new places: their references to statements are made to
    /// name the new places. `None` when the KB's statements are not in file
    /// order, or another file's statement names one that is gone (loading
    /// reports it).
    fn lay_out_statements(&mut self, docs: &[(FileId, RawDoc)]) -> Option<StatementLayout> {
        let changed = |s: &Statement| docs.iter().any(|(f, _)| *f == s.span.file);
        let statements = &self.statements;
        let mut ranges = Vec::with_capacity(docs.len());
        for (file, _) in docs {
            let start = statements.partition_point(|s| s.span.file < *file);
            let end = statements.partition_point(|s| s.span.file <= *file);
            ranges.push(start..end);
        }
        // Statements are kept in file order: each changed file's are its
        // range, and no others.
        let in_ranges: usize = ranges.iter().map(|r| r.len()).sum();
        let of_changed = statements.iter().filter(|s| changed(s)).count();
        if in_ranges != of_changed
            || ranges
                .iter()
                .zip(docs)
                .any(|(r, (f, _))| statements[r.clone()].iter().any(|s| s.span.file != *f))
        {
            return None;
        }
        let counts: Vec<usize> = docs.iter().map(|(_, d)| d.statements.len()).collect();
        // More items than the settings allow: loading reports it.
        let items = self.actors.len() + self.events.len() + statements.len() - in_ranges
            + counts.iter().sum::<usize>();
        if items > self.settings.limits.max_items {
            return None;
        }
        let same = ranges.iter().zip(docs).all(|(range, (_, doc))| {
            range.len() == doc.statements.len()
                && statements[range.clone()]
                    .iter()
                    .zip(&doc.statements)
                    .all(|(s, raw)| s.id == raw.id.value)
        });
        if same {
            let places = ranges
                .iter()
                .flat_map(|r| r.clone().map(|i| StatementIx(i as u32)))
                .collect();
            return Some(StatementLayout {
                ranges,
                counts,
                places,
                moved: None,
            });
        }
        // The new places: each range moves by what the ranges before it
        // gained or lost.
        let mut shifts = Vec::with_capacity(ranges.len() + 1);
        let mut shift = 0isize;
        let mut places = Vec::new();
        let mut moved = HashMap::new();
        for ((range, (_, doc)), &count) in ranges.iter().zip(docs).zip(&counts) {
            shifts.push(shift);
            let start = range.start as isize + shift;
            for (k, raw) in doc.statements.iter().enumerate() {
                let place = StatementIx(u32::try_from(start + k as isize).ok()?);
                places.push(place);
                if moved.insert(raw.id.value.clone(), place).is_some() {
                    return None;
                }
            }
            shift += count as isize - range.len() as isize;
        }
        shifts.push(shift);
        // Where a statement named by another file is now.
        let old_ids: Vec<Vec<String>> = ranges
            .iter()
            .map(|r| statements[r.clone()].iter().map(|s| s.id.clone()).collect())
            .collect();
        let now = |t: StatementIx| -> Option<StatementIx> {
            let i = ranges.partition_point(|r| r.end <= t.index());
            match ranges.get(i) {
                Some(r) if r.contains(&t.index()) => {
                    moved.get(&old_ids[i][t.index() - r.start]).copied()
                }
                _ => u32::try_from(t.index() as isize + shifts[i])
                    .ok()
                    .map(StatementIx),
            }
        };
        for s in self.statements.iter_mut().filter(|s| !changed(s)) {
            for r in &mut s.responds_to {
                if let Answered::Statement(t) = &mut r.to {
                    *t = now(*t)?;
                }
            }
            for about in &mut s.about {
                if let NodeRef::Statement(t) = about {
                    *t = now(*t)?;
                }
            }
        }
        Some(StatementLayout {
            ranges,
            counts,
            places,
            moved: Some(moved),
        })
    }

    /// Every id, what it names and where it is defined, as loading defines
    /// them.
    fn id_map(&self) -> crate::kb::IdMap {
        let (actors, events, statements) = (&self.actors, &self.events, &self.statements);
        let all = crate::kb::nodes(actors.len(), events.len(), statements.len());
        let mut ids = crate::kb::IdMap::default();
        ids.reserve(actors.len() + events.len() + statements.len());
        for node in all {
            let id = crate::kb::item_id(actors, events, statements, node);
            let span = crate::kb::item_span(actors, events, statements, node);
            if let (Some(id), Some(span)) = (id, span) {
                ids.insert(id.to_owned(), (node, span));
            }
        }
        ids
    }
}

/// Where a patch puts the statements of the changed files.
struct StatementLayout {
    /// Each changed file's statements in the KB before, in file order.
    ranges: Vec<std::ops::Range<usize>>,
    /// How many each file holds now.
    counts: Vec<usize>,
    /// The place of each of their statements now, in file order.
    places: Vec<StatementIx>,
    /// When the files hold other statements than before: the place of
    /// each of their ids now.
    moved: Option<HashMap<String, StatementIx>>,
}

/// `files` with the settings file first and the others in their order: the
/// order in which a load reads them and numbers them ([`FileId`]).
fn settings_first<T>(files: Vec<T>, is_settings: impl Fn(&T) -> bool) -> Vec<T> {
    let (mut first, others): (Vec<T>, Vec<T>) = files.into_iter().partition(is_settings);
    first.extend(others);
    first
}

/// The places of the items defined in the files `changed`, in order.
fn places_in<T, I>(
    items: &[T],
    span: impl Fn(&T) -> Span,
    changed: &std::collections::HashSet<FileId>,
    ix: impl Fn(u32) -> I,
) -> Vec<I> {
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| changed.contains(&span(item).file))
        .map(|(i, _)| ix(i as u32))
        .collect()
}

/// Parsed KB files kept from one load of a KB to the next (see
/// [`Kb::load_cached`]). A file's parse is taken again only when its bytes
/// hash (XXH3-128) to the text it was parsed from and the limits are the
/// same; files that were not exact UTF-8 text (a byte-order mark, an
/// invalid byte) are parsed every time, so equal bytes always mean an
/// equal parse. The texts are not kept: each load reads them to compare,
/// and a file read from disk that parsed cleanly is kept in the KB's
/// sources by its hash, as in a load without the cache.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: HashMap<PathBuf, Kept>,
    /// How many KB files the last load parsed, of how many it read.
    last: (usize, usize),
}

/// One file's parse, as the cache keeps it.
#[derive(Debug)]
struct Kept {
    limits: Limits,
    /// The XXH3-128 of the text it was parsed from (the text itself is
    /// read again each load, to be compared).
    hash: u128,
    doc: Option<RawDoc>,
    problems: Vec<FileProblem>,
}

impl ParseCache {
    /// How many files' parses are kept.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no parse is kept.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// How many KB files the last load through the cache parsed, of how
    /// many it read (the others' parses were taken from the cache).
    pub fn last_parsed(&self) -> (usize, usize) {
        self.last
    }

    /// Takes out the parse of the file at `path` if it was parsed from
    /// `bytes` within `limits`.
    fn take(&mut self, path: &Path, bytes: &[u8], limits: &Limits) -> Option<Kept> {
        let kept = self.files.get(path)?;
        if kept.limits != *limits || kept.hash != xxh3_128(bytes) {
            return None;
        }
        self.files.remove(path)
    }
}

/// One file to load.
struct Input<'a> {
    settings: bool,
    name: String,
    path: PathBuf,
    source: Source<'a>,
}

/// Where a file's text comes from.
enum Source<'a> {
    /// Read from its path.
    Disk,
    /// Given, and kept in the KB's sources.
    Given(Vec<u8>),
    /// Read from its path already (to compare with a kept parse), and let
    /// go once it parsed cleanly, as if read by the parse.
    Read(Vec<u8>),
    /// Made when it is parsed, and let go once it parsed cleanly.
    Made(Box<dyn FnOnce() -> Result<String, String> + Send + 'a>),
}

impl<'a> Input<'a> {
    fn given(settings: bool, name: String, path: PathBuf, source: Source<'a>) -> Input<'a> {
        Input {
            settings,
            name,
            path,
            source,
        }
    }

    fn parse<T: parse::Document>(self, limits: &Limits) -> ParsedFile<T> {
        match self.source {
            Source::Given(bytes) | Source::Read(bytes) => {
                parse::parse_bytes(&self.path, self.name, bytes, limits)
            }
            Source::Disk => read_and_parse(&self.path, self.name, limits),
            Source::Made(make) => match make() {
                Ok(text) => parse::parse_bytes(&self.path, self.name, text.into_bytes(), limits),
                Err(why) => ParsedFile {
                    name: self.name,
                    path: self.path,
                    text: String::new(),
                    value: None,
                    problems: vec![FileProblem {
                        code: Code::UnreadablePath,
                        range: 0..0,
                        message: format!("cannot read file: {why}"),
                        help: None,
                    }],
                },
            },
        }
    }

    /// Whether the text is let go once it parsed cleanly: only given text
    /// is kept, since reading the path again would not find it.
    fn lets_text_go(&self) -> bool {
        !matches!(self.source, Source::Given(_))
    }

    /// Whether the given bytes are exactly the text parsing sees (UTF-8,
    /// no byte-order mark), so that a parse of them may be kept.
    fn is_exact(&self) -> bool {
        let (Source::Given(b) | Source::Read(b)) = &self.source else {
            return false;
        };
        !b.starts_with("\u{feff}".as_bytes()) && std::str::from_utf8(b).is_ok()
    }
}

/// Parses the settings file first (its limits govern the rest), then every
/// other file in parallel, resolves, and checks.
fn load_inputs(
    inputs: Vec<Input<'_>>,
    unreadable: Vec<(PathBuf, String)>,
    cache: Option<&mut ParseCache>,
) -> Loaded {
    let mut sources = SourceMap::new();
    let mut findings = Vec::new();
    let mut settings = Settings::default();
    let mut kb_files = Vec::new();
    for input in settings_first(inputs, |i| i.settings) {
        if input.settings {
            let parsed: ParsedFile<RawSettings> = input.parse(&Limits::default());
            let mut problems = parsed.problems;
            if let Some(raw) = parsed.value {
                settings = settings::read(raw, &mut problems);
            }
            let file = sources.add(parsed.name, &parsed.path, parsed.text);
            findings.extend(problems.into_iter().map(|p| to_diagnostic(file, p)));
        } else {
            kb_files.push(input);
        }
    }
    for (path, message) in unreadable {
        let file = sources.add(display(&path), &path, String::new());
        findings.push(
            Diagnostic::new(
                Code::UnreadablePath,
                Span::new(file, 0..0),
                format!("cannot read `{}`: {message}", display(&path)),
            )
            .label("skipped"),
        );
    }
    let limits = settings.limits;
    let (parsed, mut cache) = match cache {
        None => {
            let parsed: Vec<_> = kb_files
                .into_par_iter()
                .map(|input| {
                    // A file read from disk that parsed cleanly is kept by
                    // its hash: its text is read again if a diagnostic or
                    // `fmt` asks for it, and is not held while the KB is
                    // resolved and checked.
                    let lets_go = input.lets_text_go();
                    let mut p = input.parse(&limits);
                    let hash = (lets_go && p.problems.is_empty())
                        .then(|| xxh3_128(std::mem::take(&mut p.text).as_bytes()));
                    (p, false, hash)
                })
                .collect();
            (parsed, None)
        }
        Some(cache) => (parse_reusing(kb_files, &limits, cache), Some(cache)),
    };
    let mut docs = Vec::with_capacity(parsed.len());
    // Files whose parse the cache keeps, with what parsing found in them.
    let mut keep = HashMap::new();
    for (p, kept, hash) in parsed {
        let file = match hash {
            Some(hash) => sources.add_parsed(p.name, &p.path, hash),
            None => sources.add(p.name, &p.path, p.text),
        };
        if kept {
            keep.insert(file, p.problems.clone());
        }
        findings.extend(p.problems.into_iter().map(|pr| to_diagnostic(file, pr)));
        if let Some(doc) = p.value {
            docs.push((file, doc));
        }
    }
    let limit_span = docs.first().map(|(f, _)| Span::new(*f, 0..0));
    let raw = match cache {
        Some(_) => RawDocs::Keep,
        None => RawDocs::Consume,
    };
    let (kb, resolve_findings) = resolve::resolve(&mut docs, settings, limit_span, raw);
    if let Some(cache) = cache.as_mut() {
        let mut docs: HashMap<_, _> = docs.into_iter().collect();
        for (file, problems) in keep {
            let source = sources.get(file);
            let kept = Kept {
                limits,
                hash: source.hash(),
                doc: docs.remove(&file),
                problems,
            };
            cache.files.insert(source.path.clone(), kept);
        }
    }
    // Consumed documents were freed while resolving, a group of files at a
    // time; kept ones are in the cache now.
    findings.extend(resolve_findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Loaded {
        kb,
        sources,
        findings,
    }
}

/// Reads every file, takes from `cache` the parse of those that did not
/// change and parses the others in parallel; with whether the cache should
/// keep each parse. The cache is left holding nothing: what this load
/// keeps goes back into it once resolved.
fn parse_reusing(
    inputs: Vec<Input<'_>>,
    limits: &Limits,
    cache: &mut ParseCache,
) -> Vec<(ParsedFile<RawDoc>, bool, Option<u128>)> {
    let mut todo = Vec::with_capacity(inputs.len());
    for mut input in inputs {
        if let Source::Disk = input.source {
            // A file that cannot be read is read again by the parse, which
            // reports why.
            if let Ok(bytes) = parse::read(&input.path, limits) {
                input.source = Source::Read(bytes);
            }
        }
        let kept = match &input.source {
            Source::Given(bytes) | Source::Read(bytes) => cache.take(&input.path, bytes, limits),
            _ => None,
        };
        todo.push((input, kept));
    }
    cache.files.clear();
    let parsed = todo.iter().filter(|(_, kept)| kept.is_none()).count();
    cache.last = (parsed, todo.len());
    todo.into_par_iter()
        .map(|(input, kept)| {
            // As in a load without the cache, a file read from disk that
            // parsed cleanly is kept by its hash, not its text.
            let lets_go = input.lets_text_go();
            let (mut parsed, keep, hash) = match kept {
                Some(kept) => {
                    // A parse is kept for bytes in hand, exact UTF-8 (the
                    // kept parse was of exact text).
                    let text = match input.source {
                        Source::Given(bytes) | Source::Read(bytes) => {
                            String::from_utf8(bytes).unwrap_or_default()
                        }
                        Source::Disk | Source::Made(_) => String::new(),
                    };
                    let parsed = ParsedFile {
                        name: input.name,
                        path: input.path,
                        text,
                        value: kept.doc,
                        problems: kept.problems,
                    };
                    (parsed, true, kept.hash)
                }
                None => {
                    let exact = input.is_exact();
                    let parsed: ParsedFile<RawDoc> = input.parse(limits);
                    let hash = xxh3_128(parsed.text.as_bytes());
                    (parsed, exact, hash)
                }
            };
            let hash = (lets_go && parsed.problems.is_empty()).then(|| {
                parsed.text = String::new();
                hash
            });
            (parsed, keep, hash)
        })
        .collect()
}

fn to_diagnostic(file: crate::source_map::FileId, p: FileProblem) -> Diagnostic {
    Diagnostic::new(p.code, Span::new(file, p.range), p.message).with_help_opt(p.help)
}

/// A path as shown to users, with `/` separators on every platform.
fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    text.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a load gives a user: the JSON export and every finding.
    fn answer(loaded: &Loaded) -> (String, String) {
        let mut json = Vec::new();
        let records = crate::export::records(&loaded.kb, &crate::query::Filter::default());
        crate::export::json::write_json(&loaded.kb, &records, &mut json).unwrap();
        let text = String::from_utf8(json).unwrap();
        (text, format!("{:#?}", loaded.load_findings()))
    }

    #[test]
    fn a_cached_load_answers_as_a_fresh_one_after_each_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        std::fs::create_dir_all(root.join("stories")).unwrap();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("kb");
        let story = "stories/2024-06-14-putin-peace-conditions.ron";
        for file in ["actors.ron", "annals.ron", story] {
            std::fs::copy(bundled.join(file), root.join(file)).unwrap();
        }
        let original = std::fs::read_to_string(root.join(story)).unwrap();
        let typo = original.replacen("by: \"putin\"", "by: \"putni\"", 1);
        assert_ne!(typo, original);
        let mut bom = "\u{feff}".to_owned();
        bom.push_str(&original.replacen("summary: \"", "summary: \"Said: ", 1));
        let extra = root.join("stories/extra.ron");
        let mut cache = ParseCache::default();
        let none = HashMap::new();
        let check = |step: &str, open: &HashMap<PathBuf, String>, cache: &mut ParseCache| {
            let cached = Kb::load_cached(&root, open, cache).unwrap();
            let fresh = Kb::load_with(&root, open).unwrap();
            assert_eq!(answer(&cached), answer(&fresh), "{step}");
        };
        check("first load", &none, &mut cache);
        assert_eq!(cache.len(), 2, "the KB files, not the settings");
        assert_eq!(cache.last_parsed(), (2, 2));
        check("nothing changed", &none, &mut cache);
        assert_eq!(cache.last_parsed(), (0, 2));
        std::fs::write(root.join(story), &typo).unwrap();
        check("an unknown speaker", &none, &mut cache);
        assert_eq!(cache.last_parsed(), (1, 2));
        std::fs::write(root.join(story), &original).unwrap();
        check("the mistake mended", &none, &mut cache);
        std::fs::write(root.join(story), &bom).unwrap();
        check("a byte-order mark and a new summary", &none, &mut cache);
        assert_eq!(cache.len(), 1, "a file with a byte-order mark is not kept");
        std::fs::write(root.join(story), "Kb(statements: [").unwrap();
        check("a file cut short", &none, &mut cache);
        std::fs::write(root.join(story), &original).unwrap();
        std::fs::write(
            &extra,
            "Kb(actors: [Actor(id: \"x\", name: \"X\", kind: Group)])",
        )
        .unwrap();
        check("a file added", &none, &mut cache);
        assert_eq!(cache.len(), 3);
        std::fs::remove_file(&extra).unwrap();
        check("a file removed", &none, &mut cache);
        assert_eq!(cache.len(), 2, "a removed file's parse is dropped");
        let open = HashMap::from([(root.join(story), typo.clone())]);
        check("an editor's unsaved buffer", &open, &mut cache);
        check("the buffer closed", &none, &mut cache);
        std::fs::write(
            root.join("annals.ron"),
            "Settings(limits: Limits(max_file_bytes: 100))",
        )
        .unwrap();
        check("the settings' limits changed", &none, &mut cache);
    }

    #[test]
    fn a_cached_load_holds_the_text_of_open_buffers_and_files_with_problems_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let actors = r#"Kb(actors: [Actor(id: "x", name: "X", kind: Group)])"#;
        let (clean, broken, open) = (root.join("a.ron"), root.join("b.ron"), root.join("c.ron"));
        std::fs::write(&clean, actors).unwrap();
        std::fs::write(&broken, "Kb(actors: [").unwrap();
        std::fs::write(&open, "Kb()").unwrap();
        let buffers = HashMap::from([(open.clone(), "Kb(events: [])".to_owned())]);
        let mut cache = ParseCache::default();
        for step in ["parsed", "taken from the cache"] {
            let loaded = Kb::load_cached(root, &buffers, &mut cache).unwrap();
            // Changed on disk since: only a held text still reads.
            for path in [&clean, &broken, &open] {
                std::fs::write(path, "changed").unwrap();
            }
            let held = |path: &PathBuf| {
                let (_, file) = loaded
                    .sources
                    .iter()
                    .find(|(_, f)| &f.path == path)
                    .unwrap();
                file.read().is_some()
            };
            assert!(!held(&clean), "{step}");
            assert!(held(&broken) && held(&open), "{step}");
            std::fs::write(&clean, actors).unwrap();
            std::fs::write(&broken, "Kb(actors: [").unwrap();
            std::fs::write(&open, "Kb()").unwrap();
        }
        assert_eq!(
            cache.last_parsed(),
            (0, 3),
            "every parse taken the second time"
        );
    }
}
