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

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::kb::Kb;
use crate::source_map::{SourceMap, Span};
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
        let loaded = Kb::load_with(root, &std::collections::HashMap::new())?;
        if loaded.sources.is_empty() {
            return Err(LoadError::NoFiles(root.to_path_buf()));
        }
        Ok(loaded)
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
            .map(|(name, bytes)| Input {
                settings: *name == SETTINGS_FILE || name.ends_with(&format!("/{SETTINGS_FILE}")),
                name: (*name).to_owned(),
                path: Path::new(name).to_path_buf(),
                bytes: Some(bytes.to_vec()),
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
    /// `annals fmt` loads a KB before and after formatting).
    pub fn load_texts(files: Vec<Text>) -> Loaded {
        let inputs = files
            .into_iter()
            .map(|f| Input {
                settings: f.settings,
                name: f.name,
                path: f.path,
                bytes: Some(f.text.into_bytes()),
            })
            .collect();
        load_inputs(inputs, Vec::new())
    }
}

impl Kb {
    /// Loads the KB in `root` as `load` does, but reads the files in
    /// `open` from there instead of from disk (an editor's unsaved
    /// buffers, by the path the folder's walk finds them at).
    pub fn load_with(
        root: &Path,
        open: &std::collections::HashMap<PathBuf, String>,
    ) -> Result<Loaded, LoadError> {
        let found = discover::discover(root)?;
        let settings_path = root.join(SETTINGS_FILE);
        let inputs = found
            .files
            .into_iter()
            .map(|path| Input {
                settings: path == settings_path,
                name: display(&path),
                bytes: open.get(&path).map(|t| t.clone().into_bytes()),
                path,
            })
            .collect();
        Ok(load_inputs(inputs, found.problems))
    }
}

/// One file to load: read from disk, or given.
struct Input {
    settings: bool,
    name: String,
    path: PathBuf,
    bytes: Option<Vec<u8>>,
}

impl Input {
    fn parse<T: parse::Document>(self, limits: &Limits) -> ParsedFile<T> {
        match self.bytes {
            Some(bytes) => parse::parse_bytes(&self.path, self.name, bytes, limits),
            None => read_and_parse(&self.path, self.name, limits),
        }
    }
}

/// Parses the settings file first (its limits govern the rest), then every
/// other file in parallel, resolves, and checks.
fn load_inputs(inputs: Vec<Input>, unreadable: Vec<(PathBuf, String)>) -> Loaded {
    let mut sources = SourceMap::new();
    let mut findings = Vec::new();
    let mut settings = Settings::default();
    let mut kb_files = Vec::new();
    for input in inputs {
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
    let parsed: Vec<ParsedFile<RawDoc>> = kb_files
        .into_par_iter()
        .map(|input| input.parse(&limits))
        .collect();
    let mut docs = Vec::with_capacity(parsed.len());
    for p in parsed {
        let file = sources.add(p.name, &p.path, p.text);
        findings.extend(p.problems.into_iter().map(|pr| to_diagnostic(file, pr)));
        if let Some(doc) = p.value {
            docs.push((file, doc));
        }
    }
    let limit_span = docs.first().map(|(f, _)| Span::new(*f, 0..0));
    let (kb, resolve_findings) = resolve::resolve(&mut docs, settings, limit_span);
    // What is left of the raw documents: freeing a million items' worth
    // of small allocations takes a while, so both cores do it.
    docs.into_par_iter().for_each(drop);
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
