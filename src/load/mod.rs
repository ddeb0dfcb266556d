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
mod reload;
mod resolve;
mod settings;
pub(crate) mod spanned;

pub use crate::model::{Limits, Settings};
pub(crate) use reload::worth_patching;
pub use reload::Reload;
pub use settings::SETTINGS_FILE;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::diag::{Code, Diagnostic};
use crate::kb::{IdIndex, Kb, Kept};
use crate::model::{ActorIx, Answered, EventIx, NodeRef, Statement, StatementIx};
use crate::source_map::{FileId, SourceMap, Span};
use parse::{read_and_parse, FileProblem, ParsedFile};
use raw::{RawDoc, RawSettings};

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
        load_inputs(inputs, Vec::new())
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
        load_inputs(inputs, Vec::new())
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
        load_inputs(inputs, Vec::new())
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
        Ok(load_inputs(inputs, found.problems))
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
    /// What the indexes can start from: the time order the cache kept, or
    /// that and the id index of the KB this was taken from.
    pub kept: Kept,
}

impl Resolved {
    /// The items and settings of `kb`, with its time order and id index;
    /// its other indexes let go.
    pub(crate) fn of(kb: Kb) -> Resolved {
        let (actors, events, statements, settings, kept) = kb.into_parts();
        Resolved {
            actors,
            events,
            statements,
            settings,
            kept,
        }
    }

    /// The KB, with its graph and indexes.
    pub fn assemble(self) -> Kb {
        let (a, e, s) = (self.actors, self.events, self.statements);
        Kb::assemble(a, e, s, self.settings, self.kept)
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
        self,
        root: &Path,
        files: &[PathBuf],
        changed: Vec<(PathBuf, Vec<u8>)>,
    ) -> Option<Kb> {
        self.patch_files(root, files, changed).map(|p| p.kb)
    }

    /// [`Resolved::patch`], with what resolving the changed files found
    /// (lints of their own items: a hard error gives `None`) and their
    /// texts.
    pub(crate) fn patch_files(
        mut self,
        root: &Path,
        files: &[PathBuf],
        changed: Vec<(PathBuf, Vec<u8>)>,
    ) -> Option<Patch> {
        let settings = root.join(SETTINGS_FILE);
        // The file ids a load gives them.
        let order: HashMap<&PathBuf, FileId> =
            settings_first(files.iter().collect(), |f| **f == settings)
                .into_iter()
                .enumerate()
                .map(|(i, f)| (f, FileId(i as u32)))
                .collect();
        let mut docs = Vec::with_capacity(changed.len());
        let mut texts = Vec::with_capacity(changed.len());
        for (path, bytes) in changed {
            let file = *order.get(&path).filter(|_| path != settings)?;
            let parsed: ParsedFile<RawDoc> =
                parse::parse_bytes(&path, display(&path), bytes, &self.settings.limits);
            if !parsed.problems.is_empty() {
                return None;
            }
            docs.push((file, parsed.value?));
            texts.push((file, parsed.text));
        }
        docs.sort_by_key(|(file, _)| *file);
        texts.sort_by_key(|(file, _)| *file);
        let changed: std::collections::HashSet<FileId> = docs.iter().map(|(f, _)| *f).collect();
        let mut kept = std::mem::take(&mut self.kept);
        let mut statements = self.lay_out_statements(&docs)?;
        let statement_places = std::mem::take(&mut statements.places);
        // The changed files are resolved against the KB's id index (the
        // last load's, or built once) with their own ids over it. When
        // their statements moved, so did those of the files after them:
        // places the index gives are moved as they are read, and the time
        // order is moved the same way.
        let (a, e, s) = (&self.actors, &self.events, &self.statements);
        let index = kept.ids.take().unwrap_or_else(|| IdIndex::of(a, e, s));
        let mut ids = crate::kb::IdMap::default();
        let shift = match &statements.moved {
            None => None,
            Some((_, shifts)) => {
                let ranges = &statements.ranges[..];
                kept.order = kept.order.map(|order| {
                    let others = order.into_iter().filter_map(|t| shifted(ranges, shifts, t));
                    others.chain(statement_places.iter().copied()).collect()
                });
                Some((ranges, &shifts[..]))
            }
        };
        let base = resolve::Base {
            index: &index,
            actors: a,
            events: e,
            statements: s,
            shift,
        };
        if let Some((moved, _)) = &statements.moved {
            for (id, &place) in moved {
                // Another item has it: loading reports the duplicate.
                if base.get(id).is_some() {
                    return None;
                }
                // Where it is defined is set as its file is resolved.
                let span = Span::new(FileId(0), 0..0);
                ids.insert(id.clone(), (NodeRef::Statement(place), span));
            }
        }
        let places = resolve::Places {
            actors: places_in(&self.actors, |a| a.span, &changed, ActorIx),
            events: places_in(&self.events, |e| e.span, &changed, EventIx),
            statements: statement_places,
        };
        let seed = resolve::Seed {
            ids,
            base,
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
        // The index holds the places it was built with.
        let ids = statements.moved.is_none().then_some(index);
        self.kept = Kept {
            order: kept.order,
            ids,
        };
        Some(Patch {
            kb: self.assemble(),
            findings: patched.findings,
            texts,
        })
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
                _ => shifted(&ranges, &shifts, t),
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
            moved: Some((moved, shifts)),
        })
    }
}

/// A KB patched with changed files ([`Resolved::patch_files`]).
pub(crate) struct Patch {
    pub kb: Kb,
    /// What resolving the changed files found: lints of their items.
    pub findings: Vec<Diagnostic>,
    /// The changed files' texts, as parsed, in file order.
    pub texts: Vec<(FileId, String)>,
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
    /// each of their ids now, and what each range and the statements
    /// before it moved by ([`shifted`]).
    moved: Option<(HashMap<String, StatementIx>, Vec<isize>)>,
}

/// Where the statement at `t`, outside the `ranges` of changed files, is
/// once the statements of each range before it moved by its `shifts`
/// entry; `None` within a range (or out of bounds).
fn shifted(
    ranges: &[std::ops::Range<usize>],
    shifts: &[isize],
    t: StatementIx,
) -> Option<StatementIx> {
    let i = ranges.partition_point(|r| r.end <= t.index());
    if ranges.get(i).is_some_and(|r| r.contains(&t.index())) {
        return None;
    }
    let now = t.index() as isize + shifts.get(i)?;
    u32::try_from(now).ok().map(StatementIx)
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
            Source::Given(bytes) => parse::parse_bytes(&self.path, self.name, bytes, limits),
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
}

/// Parses the settings file first (its limits govern the rest), then every
/// other file in parallel, resolves, and checks.
fn load_inputs(inputs: Vec<Input<'_>>, unreadable: Vec<(PathBuf, String)>) -> Loaded {
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
    let parsed: Vec<_> = kb_files
        .into_par_iter()
        .map(|input| {
            // A file read from disk that parsed cleanly is kept by its
            // hash: its text is read again if a diagnostic or `fmt` asks
            // for it, and is not held while the KB is resolved and checked.
            let lets_go = input.lets_text_go();
            let mut p = input.parse(&limits);
            let hash = (lets_go && p.problems.is_empty())
                .then(|| xxh3_128(std::mem::take(&mut p.text).as_bytes()));
            (p, hash)
        })
        .collect();
    let mut docs = Vec::with_capacity(parsed.len());
    for (p, hash) in parsed {
        let file = match hash {
            Some(hash) => sources.add_parsed(p.name, &p.path, hash),
            None => sources.add(p.name, &p.path, p.text),
        };
        findings.extend(p.problems.into_iter().map(|pr| to_diagnostic(file, pr)));
        if let Some(doc) = p.value {
            docs.push((file, doc));
        }
    }
    let limit_span = docs.first().map(|(f, _)| Span::new(*f, 0..0));
    // The documents are freed while resolving, a group of files at a time.
    let (kb, resolve_findings) = resolve::resolve(&mut docs, settings, limit_span);
    findings.extend(resolve_findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Loaded {
        kb,
        sources,
        findings,
    }
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
