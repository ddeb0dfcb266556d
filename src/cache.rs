//! The cache of loaded KBs, kept outside the KB folder: what lets a query
//! on a large KB that did not change skip reading, parsing and checking its
//! files. The RON files stay the only source of truth; the cache is a copy
//! of what loading made of them, used only when it provably still is.
//!
//! One file per KB folder, `kb-<32 hex digits>.cache` (the start of the
//! SHA-256 of the folder's canonical path), in `$ANNALS_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/annals`, else `$HOME/.cache/annals`. It is written after
//! a query loaded a KB without hard errors, and holds:
//!
//! ```text
//! MAGIC (16 bytes) | format (u32 LE) | header length (u64 LE) | postcard(Header)
//!   | XXH3-128 of the header (16 bytes LE) | model
//!   | model length (u64 LE) | XXH3-128 of the model (16 bytes LE)
//! model = front length (u64 LE) | front | XXH3-128 of the front
//!         | per chunk of 4,096 statements: byte length (u64 LE), postcard(each)
//!         | per chunk: byte length (u64 LE), XXH3-128 of its bytes
//!         | chunk count (u64 LE) | XXH3-128 of the chunk table
//! front = prefix length (u64 LE) | postcard(actors, events, settings)
//!         | columns length (u64 LE) | the statements' columns
//!         | the statements' time order (u32 LE each)
//! column = value count (u64 LE) | each value, little-endian, fixed size
//! ```
//!
//! The header names the version of annals and the program file
//! that wrote it (its size and modification time: a rebuilt annals never
//! reads a cache of another build), when loading started, and every KB file
//! read with its size, modification and change times, inode and the XXH3
//! hash of its text. The model is the KB as loading resolved it: its items
//! (each holds its id and where that is defined), settings and the
//! statements' columns ([`Outline`]); the id index, the graph and the other
//! indexes are built again from it, as a cold load builds them.
//!
//! A query that reads only the columns (`stats`) reads the header and the
//! front, each checked against its own checksum, and the statements it
//! shows from the chunks that hold them, each chunk checked against its
//! checksum in the table ([`Cache::read_outline`]): at a million statements
//! 50 MB of a 440 MB cache. A flip in a byte such a query does not read
//! changes nothing it says; the next query that reads the model whole finds
//! it and rebuilds the cache.
//!
//! The header has a checksum of its own, so that
//! the KB's files are checked against it before the model is read; the
//! model is read a few chunks at a time, summed as it is read, and decoded
//! on every core: the cache file is never held whole (at a million
//! statements it is 390 MB that a query would hold beside the model).
//!
//! Trust nothing: a cache is used only when its magic, lengths and checksums
//! hold, it names this format, version and program, the KB folder
//! holds exactly the files it lists, and every file is the one it read.
//! A file is the one read when its size, times and inode are unchanged and
//! it was last changed well before loading started; otherwise its bytes are
//! read and hashed (a file touched but not changed still matches). A file
//! changed in the same clock tick as loading read it is therefore always
//! hashed, as git treats "racily clean" index entries. Files that had to
//! be hashed and matched give the cache their new stamps once these are
//! old enough to be trusted (the header is written again, the model's bytes
//! as they were), so a `git checkout` or a `touch` costs the hashing once,
//! not on every run.
//!
//! Files whose text changed are parsed and resolved again against the rest
//! of the cached model (`load::Resolved::patch`), when the change stays within
//! them: every actor and event keeps its id and its place, actors their
//! kinds and events their zones (what other files' items were read with),
//! statements named by other files keep their ids (statements may be
//! added, removed, renamed or reordered: the others move to their new
//! places), the settings are unchanged, the files parse without hard
//! errors and are at most a quarter of the KB. The result is what loading every file gives,
//! spans included; the model is rewritten once the changed files add up to
//! 1/32 of the KB, and until then they are read again on each run. Any
//! other change is a [`Stale`] reason, and the caller loads the KB from its
//! files (which also reports the errors a load reports).
//!
//! Writes go to a temporary file in the cache folder, renamed over the old
//! cache when whole: two runs racing on a cold cache each write a whole
//! cache and the last rename wins; a reader sees the old file or the new
//! one. The cache is not synced to disk: a cache cut short by a crash fails
//! its checksum and is rebuilt. A cache folder inside the KB folder is
//! refused (annals never writes into the KB).
//!
//! The checksum guards against damage, not forgery: a cache crafted to
//! pass it (which takes write access to the user's cache folder, as
//! replacing the annals binary would) is believed, as the model it holds
//! is what the checks made of the files and is not checked again.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use crate::atomic;
use crate::kb::{Kb, Kept};
use crate::load::{worth_patching, Loaded, Resolved};
use crate::model::{Actor, Event, Settings, Statement, StatementIx};
use crate::outline::{Outline, Sketch, Whole};

/// What every cache file starts with.
const MAGIC: &[u8; 16] = b"annals KB cache\n";

/// The layout's number, written after [`MAGIC`]: raised whenever the frame,
/// the header or the model stored changes shape (the program stamp guards
/// builds that forget to).
const FORMAT: u32 = 5;

/// How long before loading started a file must have last changed to be
/// trusted by its size and times alone: file systems that keep times to
/// the second (or two, FAT) make a later change look earlier.
const RACY: Duration = Duration::from_secs(2);

/// Whether a cache that files of `changed` bytes were read again into,
/// in a KB of `all` bytes, is rewritten with them. Rewriting encodes the
/// whole model (about 2 s for a million statements); not rewriting leaves
/// those files to be read again on each run, which costs little while they
/// are a small part of the KB (1/32). So a few files edited between
/// queries cost their own reading, and the cache is rewritten once they
/// add up.
fn worth_rewriting(changed: u64, all: u64) -> bool {
    changed >= all / 32
}

/// What reading a cache took, besides the cache: how many KB files had to
/// be hashed, how many changed and were read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Reading {
    hashed: usize,
    patched: usize,
}

/// The name's prefix and suffix of cache files, which `clear --all` removes
/// and nothing else.
const PREFIX: &str = "kb-";
const SUFFIX: &str = ".cache";

/// Whether the cache is used, as `ANNALS_CACHE` and `--no-cache` say, and
/// where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// Used, in this folder.
    On(PathBuf),
    /// Not used, and why (for `annals cache info`).
    Off(&'static str),
}

impl Setting {
    /// The setting from the environment: `ANNALS_CACHE` (`on`, the default,
    /// or `off`), and the folder from `ANNALS_CACHE_DIR`, `XDG_CACHE_HOME`
    /// or `HOME`. `no_cache` is the `--no-cache` flag.
    pub fn from_env(no_cache: bool) -> Result<Setting, String> {
        Setting::from_vars(no_cache, |name| std::env::var_os(name))
    }

    /// [`Setting::from_env`] reading variables through `var` (for tests).
    pub fn from_vars(
        no_cache: bool,
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Setting, String> {
        if no_cache {
            return Ok(Setting::Off("--no-cache"));
        }
        let set = var("ANNALS_CACHE").unwrap_or_default();
        match set.to_str().map(str::to_ascii_lowercase).as_deref() {
            Some("" | "on" | "1" | "true" | "yes") => {}
            Some("off" | "0" | "false" | "no") => return Ok(Setting::Off("ANNALS_CACHE=off")),
            _ => {
                return Err(format!(
                    "ANNALS_CACHE is `{}`: set it to `on` or `off`",
                    crate::escape::terminal(&set.to_string_lossy())
                ))
            }
        }
        let non_empty = |name| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(dir) = non_empty("ANNALS_CACHE_DIR") {
            return Ok(Setting::On(dir));
        }
        // The XDG specification ignores relative paths.
        if let Some(dir) = non_empty("XDG_CACHE_HOME").filter(|d| d.is_absolute()) {
            return Ok(Setting::On(dir.join("annals")));
        }
        Ok(match non_empty("HOME") {
            Some(home) => Setting::On(home.join(".cache").join("annals")),
            None => Setting::Off("no cache folder: set ANNALS_CACHE_DIR, XDG_CACHE_HOME or HOME"),
        })
    }
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// Why a cache was not used.
#[derive(Debug)]
pub enum Stale {
    /// No cache was written for this KB yet.
    Absent,
    /// The KB folder cannot be named (it does not exist, say).
    NoKb(io::Error),
    Unreadable(io::Error),
    /// Shorter than it says, or not a cache at all.
    Truncated,
    /// Its checksum does not hold, or its body does not decode.
    Corrupt(String),
    /// Written by another format, version or build of annals.
    OtherProgram,
    /// The KB folder holds other files than those it was made from.
    FilesDiffer,
    /// This KB file changed since.
    Changed(PathBuf),
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::Absent => f.write_str("none yet (the next query writes it)"),
            Stale::NoKb(e) => write!(f, "the KB folder cannot be read: {e}"),
            Stale::Unreadable(e) => write!(f, "unreadable: {e}"),
            Stale::Truncated => f.write_str("cut short or not a cache; the next query rewrites it"),
            Stale::Corrupt(why) => write!(f, "corrupt ({why}); the next query rewrites it"),
            Stale::OtherProgram => {
                f.write_str("written by another build of annals; the next query rewrites it")
            }
            Stale::FilesDiffer => f.write_str(
                "files were added to or removed from the KB since; the next query rewrites it",
            ),
            Stale::Changed(path) => write!(
                f,
                "`{}` changed since; queries read it again (the whole KB if the change reaches other files)",
                crate::escape::shown_path(path)
            ),
        }
    }
}

/// Why a cache was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Place(#[from] atomic::WriteError),
    #[error("cannot name the KB folder: {0}")]
    NoKb(io::Error),
    #[error("the KB has hard errors (queries refuse it)")]
    HasErrors,
    #[error("a KB file's path is not relative to the KB folder or not UTF-8")]
    OddPath,
    #[error("the program's own file cannot be read: {0}")]
    NoProgram(io::Error),
}

/// What `annals cache info` shows of one KB's cache.
#[derive(Debug)]
pub struct Info {
    pub file: PathBuf,
    /// Its size in bytes, when there is one.
    pub bytes: Option<u64>,
    /// Whether it would be used now: `Ok` with how many KB files it covers
    /// and when loading them started, or why not.
    pub state: Result<(usize, SystemTime), Stale>,
}

/// What the header says of one KB file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    /// Nanoseconds since the epoch.
    modified: i128,
    changed: i128,
    inode: u64,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        let modified = meta.modified().map_or(0, nanos);
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (changed, inode) = (modified, 0);
        Stamp {
            len: meta.len(),
            modified,
            changed,
            inode,
        }
    }

    /// Whether the file changed so close to `started` that its times
    /// cannot tell whether it changed after loading read it.
    fn is_racy(&self, started: i128) -> bool {
        let margin = RACY.as_nanos() as i128;
        self.modified.max(self.changed) >= started - margin
    }
}

fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// One KB file the cache was made from.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// Relative to the KB folder.
    path: String,
    stamp: Stamp,
    /// XXH3-128 of its text (without a byte-order mark).
    hash: u128,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    version: String,
    program: Stamp,
    /// When loading started, in nanoseconds since the epoch.
    started: i128,
    /// Sorted by path.
    files: Vec<Entry>,
}

/// The model as stored: the items (each holds its id and where that is
/// defined), the settings, the statements' columns ([`Outline`]) and time
/// order. First the front: actors, events and settings as postcard
/// encodes them, the columns, the time order (which the KB then need not
/// sort again: it checks it in one pass), with a checksum of its own, so
/// that a query that reads only the columns (`stats`) reads the front
/// alone. Then the statements, most of the model, in chunks of [`CHUNK`]
/// (each chunk's byte length and bytes), so that reading decodes the
/// chunks in parallel, straight into one array, a [`BATCH`] of chunks read
/// at a time; and last the table of the chunks' lengths and checksums, so
/// that a query that shows a few statements whole reads and checks only
/// the chunks that hold them.
struct StoredRef<'a> {
    actors: &'a [Actor],
    events: &'a [Event],
    statements: &'a [Statement],
    settings: &'a Settings,
    outline: &'a Outline,
    order: &'a [StatementIx],
}

struct Stored {
    actors: Vec<Actor>,
    events: Vec<Event>,
    statements: Vec<Statement>,
    settings: Settings,
    order: Vec<StatementIx>,
}

/// The front of a stored model: all of it but the statements; the
/// statements' columns when they were asked for.
#[derive(Debug)]
struct Front {
    actors: Vec<Actor>,
    events: Vec<Event>,
    settings: Settings,
    outline: Option<Outline>,
    order: Vec<StatementIx>,
}

/// Statements per chunk of the stored model: a few megabytes, so that two
/// cores share a million statements evenly and a chunk's buffer is small
/// when writing.
const CHUNK: usize = 4096;

/// Chunks read before they are decoded together: enough for both cores,
/// few enough that the buffers they are read into (kept from batch to
/// batch) are tens of megabytes, not the cache's size.
const BATCH: usize = 16;

/// The bytes of one chunk's entry in the chunk table: its length and
/// checksum.
const CHUNK_ENTRY: u64 = 8 + 16;

impl StoredRef<'_> {
    fn encode(&self, out: &mut dyn Write) -> io::Result<()> {
        let prefix =
            postcard::to_stdvec(&(self.actors, self.events, self.settings)).map_err(io_error)?;
        let mut front = Vec::new();
        front.extend((prefix.len() as u64).to_le_bytes());
        front.extend(prefix);
        let mut columns = Vec::new();
        self.outline.put(&mut columns);
        front.extend((columns.len() as u64).to_le_bytes());
        front.extend(columns);
        front.extend(self.order.iter().flat_map(|ix| ix.0.to_le_bytes()));
        out.write_all(&(front.len() as u64).to_le_bytes())?;
        out.write_all(&front)?;
        out.write_all(&xxh3_128(&front).to_le_bytes())?;
        drop(front);
        let mut buffer = Vec::new();
        let mut table = Vec::new();
        for chunk in self.statements.chunks(CHUNK) {
            buffer.clear();
            for s in chunk {
                buffer = postcard::to_extend(s, buffer).map_err(io_error)?;
            }
            out.write_all(&(buffer.len() as u64).to_le_bytes())?;
            out.write_all(&buffer)?;
            table.extend((buffer.len() as u64).to_le_bytes());
            table.extend(xxh3_128(&buffer).to_le_bytes());
        }
        out.write_all(&table)?;
        out.write_all(&(self.statements.chunks(CHUNK).len() as u64).to_le_bytes())?;
        out.write_all(&xxh3_128(&table).to_le_bytes())
    }
}

/// The program's own stamp: which build of annals this is.
fn program() -> io::Result<Stamp> {
    let exe = std::env::current_exe()?;
    Ok(Stamp::of(&fs::metadata(exe)?))
}

/// The hash of a KB file's text as loading sees it.
fn text_hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes))
}

impl Cache {
    /// The cache in folder `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache file of the KB folder `root`.
    pub fn file_for(&self, root: &Path) -> io::Result<PathBuf> {
        let real = fs::canonicalize(root)?;
        let digest = sha2::Sha256::digest(real.as_os_str().as_encoded_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Ok(self.dir.join(format!("{PREFIX}{hex}{SUFFIX}")))
    }

    /// The KB in `root` as its cache holds it, if the cache is whole, of
    /// this build, and every file of the KB is the one it was made from,
    /// or only a few files changed in ways that stay within them (see
    /// `load::Resolved::patch`): those are read again, and the cache
    /// rewritten once they add up.
    pub fn read(&self, root: &Path) -> Result<Kb, Stale> {
        self.read_at(root, SystemTime::now()).map(|(kb, _)| kb)
    }

    /// The front of the cached model of the KB in `root` (its actors,
    /// events and statements' columns: what `stats` reads), if the cache
    /// is whole, of this build, and every file of the KB is the one it was
    /// made from; statements are read whole from it when asked for
    /// ([`Outlined::fetch`]). A KB whose files changed is read with
    /// [`Cache::read`] (which reads them again into the model).
    pub fn read_outline(&self, root: &Path) -> Result<Outlined, Stale> {
        let file = self.file_for(root).map_err(Stale::NoKb)?;
        let now = nanos(SystemTime::now());
        let (mut cached, mut header) = Opened::open(&file)?;
        let checked = check_files(&header, root)?;
        if let Some(changed) = checked.changed.first() {
            return Err(Stale::Changed(changed.path.clone()));
        }
        let outlined = cached.read_outline()?;
        if checked.restamp(&mut header, now) {
            self.restamp(root, &header, &mut cached);
        }
        Ok(outlined)
    }

    /// Writes the cache of `root` again with `header`, the model's bytes
    /// as they are in `cached`. A cache that cannot be rewritten is only
    /// hashed again by the next run.
    fn restamp(&self, root: &Path, header: &Header, cached: &mut Opened) {
        let _ = self.store(root, header, |out| {
            cached
                .copy_model(out)
                .map_err(|e| io::Error::other(e.to_string()))
        });
    }

    /// [`Cache::read`] at the time `now`; also says how many files had to
    /// be hashed, and how many were read again. When a file was hashed
    /// (touched, or changed just before the cache was made) and matched,
    /// and its stamp is now old enough to be trusted, the cache is written
    /// again with the new stamps (the model's bytes as they are), so that
    /// the next runs need not hash it.
    fn read_at(&self, root: &Path, now: SystemTime) -> Result<(Kb, Reading), Stale> {
        let file = self.file_for(root).map_err(Stale::NoKb)?;
        let now = nanos(now);
        let (stored, mut header, checked, rewrite) = {
            let (mut cached, mut header) = Opened::open(&file)?;
            let checked = check_files(&header, root)?;
            // Changed files are read again into the model only when they are
            // a small part of the KB; else it is not worth decoding.
            let changed_bytes: u64 = checked.changed.iter().map(|c| c.stamp.len).sum();
            let all_bytes: u64 = header.files.iter().map(|e| e.stamp.len).sum();
            let share = (changed_bytes, all_bytes);
            if let Some(first) = checked.changed.first() {
                if !worth_patching(changed_bytes, all_bytes) {
                    return Err(Stale::Changed(first.path.clone()));
                }
            }
            let stored = cached.read_model()?;
            let rewrite = !checked.changed.is_empty() && worth_rewriting(share.0, share.1);
            // Changed files keep their entries (the model holds them as
            // they were): the next runs read them again, and trust the
            // others by their stamps.
            if checked.restamp(&mut header, now) && !rewrite {
                self.restamp(root, &header, &mut cached);
            }
            (stored, header, checked, rewrite)
        };
        let resolved = stored.into_resolved();
        let reading = Reading {
            hashed: checked.hashed.len(),
            patched: checked.changed.len(),
        };
        let Some(first) = checked.changed.first().map(|c| c.path.clone()) else {
            return Ok((resolved.assemble(), reading));
        };
        // Files changed: read them again into the model if the change stays
        // within them.
        let mut texts = Vec::with_capacity(checked.changed.len());
        for c in checked.changed {
            header.files[c.entry].stamp = c.stamp;
            header.files[c.entry].hash = text_hash(&c.bytes);
            texts.push((c.path, c.bytes));
        }
        let kb = resolved
            .patch(root, &checked.found, texts)
            .ok_or(Stale::Changed(first))?;
        // A cache that cannot be rewritten only costs the next run this one's
        // work again.
        if rewrite {
            let _ = self.store_kb(root, &header, &kb);
        }
        Ok((kb, reading))
    }

    /// Writes the cache of `loaded`, loaded from the KB folder `root` by a
    /// load that started at `started` (taken before any file was read).
    pub fn write(
        &self,
        root: &Path,
        loaded: &Loaded,
        started: SystemTime,
    ) -> Result<(), WriteError> {
        if loaded.has_errors() {
            return Err(WriteError::HasErrors);
        }
        let kb = &loaded.kb;
        // A cache cannot say which items were left out.
        if !kb.is_without_left_out() {
            return Err(WriteError::HasErrors);
        }
        let mut files = Vec::with_capacity(loaded.sources.len());
        for (_, source) in loaded.sources.iter() {
            let path = source
                .path
                .strip_prefix(root)
                .ok()
                .and_then(Path::to_str)
                .ok_or(WriteError::OddPath)?;
            let meta = fs::metadata(&source.path)
                .map_err(|e| atomic::WriteError::Io(source.path.clone(), e))?;
            files.push(Entry {
                path: path.to_owned(),
                stamp: Stamp::of(&meta),
                hash: source.hash(),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let header = Header {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            program: program().map_err(WriteError::NoProgram)?,
            started: nanos(started),
            files,
        };
        self.store_kb(root, &header, kb)
    }

    /// Writes the cache of the KB folder `root`: `header`, then the model
    /// of `kb`.
    fn store_kb(&self, root: &Path, header: &Header, kb: &Kb) -> Result<(), WriteError> {
        let stored = StoredRef {
            actors: &kb.actors,
            events: &kb.events,
            statements: &kb.statements,
            settings: &kb.settings,
            outline: kb.outline(),
            order: kb.statements_in_order(),
        };
        self.store(root, header, |out| stored.encode(out))
    }

    /// Writes the cache of the KB folder `root`: `header`, then the model
    /// as `model` writes it, framed and summed.
    fn store(
        &self,
        root: &Path,
        header: &Header,
        model: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), WriteError> {
        let file = self.file_for(root).map_err(WriteError::NoKb)?;
        let real = atomic::target(&file, root)?;
        let dir = real
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        atomic::remove_stale_temporaries(&dir);
        let io = |e| atomic::WriteError::Io(file.clone(), e);
        atomic::write_unsynced(&real, |out| {
            let header = postcard::to_stdvec(header).map_err(io_error)?;
            out.write_all(MAGIC)?;
            out.write_all(&FORMAT.to_le_bytes())?;
            out.write_all(&(header.len() as u64).to_le_bytes())?;
            out.write_all(&header)?;
            out.write_all(&xxh3_128(&header).to_le_bytes())?;
            let mut body = Summed {
                out,
                len: 0,
                sum: Xxh3::new(),
            };
            model(&mut body)?;
            let (len, sum) = (body.len, body.sum.digest128());
            out.write_all(&len.to_le_bytes())?;
            out.write_all(&sum.to_le_bytes())
        })
        .map_err(io)?;
        Ok(())
    }

    /// What the cache of the KB folder `root` holds and whether it would be
    /// used now.
    pub fn info(&self, root: &Path) -> Result<Info, Stale> {
        let file = self.file_for(root).map_err(Stale::NoKb)?;
        let bytes = fs::metadata(&file).ok().map(|m| m.len());
        let state = Opened::open(&file).and_then(|(mut cached, header)| {
            let checked = check_files(&header, root)?;
            if let Some(changed) = checked.changed.first() {
                return Err(Stale::Changed(changed.path.clone()));
            }
            cached.copy_model(&mut io::sink())?;
            let started = UNIX_EPOCH + Duration::from_nanos(header.started.max(0) as u64);
            Ok((header.files.len(), started))
        });
        Ok(Info { file, bytes, state })
    }

    /// Removes the cache of the KB folder `root`; returns its size, or
    /// `None` when there was none.
    pub fn clear(&self, root: &Path) -> io::Result<Option<u64>> {
        let file = self.file_for(root)?;
        remove(&file)
    }

    /// Removes every KB's cache from the folder, and temporary files left
    /// by runs that were killed while writing one; nothing else in the
    /// folder is touched. Returns how many caches and how many bytes.
    pub fn clear_all(&self) -> io::Result<(usize, u64)> {
        atomic::remove_stale_temporaries(&self.dir);
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((0, 0)),
            Err(e) => return Err(e),
        };
        let (mut count, mut total) = (0, 0);
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let ours = name
                .to_str()
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX));
            if ours && entry.file_type()?.is_file() {
                if let Some(bytes) = remove(&entry.path())? {
                    count += 1;
                    total += bytes;
                }
            }
        }
        Ok((count, total))
    }
}

/// A writer that counts and hashes what passes through it.
struct Summed<'a> {
    out: &'a mut dyn Write,
    len: u64,
    sum: Xxh3,
}

impl Write for Summed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.sum.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn io_error(e: postcard::Error) -> io::Error {
    io::Error::other(e.to_string())
}

/// Removes a file; returns its size, or `None` if there was none.
fn remove(file: &Path) -> io::Result<Option<u64>> {
    let bytes = match fs::symlink_metadata(file) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match fs::remove_file(file) {
        Ok(()) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A cache file opened for reading, its header read and checked, its model
/// not yet read.
struct Opened {
    file: fs::File,
    /// Where the model starts, its length and its checksum.
    model_at: u64,
    model_len: u64,
    model_sum: u128,
}

/// The bytes of the frame around the header and the model: magic, format
/// and header length; the header's checksum; the model's length and
/// checksum.
const FRAME: u64 = MAGIC.len() as u64 + 4 + 8 + 16 + 8 + 16;

/// What a failed read of a cache file means: one that ended early was cut
/// short (or changed while it was read).
fn read_error(e: io::Error) -> Stale {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Stale::Truncated,
        _ => Stale::Unreadable(e),
    }
}

/// Eight bytes read as a little-endian number.
fn read_u64(input: &mut impl Read) -> Result<u64, Stale> {
    let mut bytes = [0; 8];
    input.read_exact(&mut bytes).map_err(read_error)?;
    Ok(u64::from_le_bytes(bytes))
}

/// Sixteen bytes read as a little-endian checksum.
fn read_sum(input: &mut impl Read) -> Result<u128, Stale> {
    let mut bytes = [0; 16];
    input.read_exact(&mut bytes).map_err(read_error)?;
    Ok(u128::from_le_bytes(bytes))
}

/// Reads the next `len` bytes of `input` into `buffer` (emptied first),
/// when that many are left of it: a damaged length fails on the bytes
/// left, not on the memory it would take.
fn read_into<R: Read>(
    input: &mut io::Take<R>,
    len: u64,
    buffer: &mut Vec<u8>,
) -> Result<(), Stale> {
    if len > input.limit() {
        return Err(Stale::Truncated);
    }
    buffer.clear();
    usize::try_from(len)
        .ok()
        .and_then(|len| buffer.try_reserve_exact(len).ok())
        .ok_or(Stale::Truncated)?;
    let read = input
        .by_ref()
        .take(len)
        .read_to_end(buffer)
        .map_err(read_error)?;
    match read as u64 == len {
        true => Ok(()),
        false => Err(Stale::Truncated),
    }
}

/// A reader that sums what passes through it.
struct Summing<R> {
    inner: R,
    sum: Xxh3,
}

impl<R: Read> Read for Summing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }
}

impl Opened {
    /// Opens the cache file `path` (a regular file only) and reads its
    /// header, once its frame, the header's checksum, format, version and
    /// program are checked.
    fn open(path: &Path) -> Result<(Opened, Header), Stale> {
        // Not opened when it is not a regular file (a FIFO would block).
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(Stale::Unreadable(io::Error::other("not a regular file"))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Stale::Absent),
            Err(e) => return Err(Stale::Unreadable(e)),
        }
        let mut file = match fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Stale::Absent),
            Err(e) => return Err(Stale::Unreadable(e)),
        };
        // The size of the file opened: a writer may have renamed another
        // over the name since.
        let size = file.metadata().map_err(Stale::Unreadable)?.len();
        if size < FRAME {
            return Err(Stale::Truncated);
        }
        let mut magic = [0; MAGIC.len()];
        file.read_exact(&mut magic).map_err(read_error)?;
        if &magic != MAGIC {
            return Err(Stale::Truncated);
        }
        let mut format = [0; 4];
        file.read_exact(&mut format).map_err(read_error)?;
        if u32::from_le_bytes(format) != FORMAT {
            return Err(Stale::OtherProgram);
        }
        let header_len = read_u64(&mut file)?;
        // What the frame and the header leave of the file is the model.
        let model_len = (size - FRAME)
            .checked_sub(header_len)
            .ok_or(Stale::Truncated)?;
        let mut header = Vec::new();
        read_into(&mut (&mut file).take(header_len), header_len, &mut header)?;
        if xxh3_128(&header) != read_sum(&mut file)? {
            return Err(Stale::Corrupt(
                "the header's checksum does not match".into(),
            ));
        }
        let model_at = FRAME - 24 + header_len;
        file.seek(SeekFrom::Start(size - 24))
            .map_err(Stale::Unreadable)?;
        if read_u64(&mut file)? != model_len {
            return Err(Stale::Truncated);
        }
        let model_sum = read_sum(&mut file)?;
        let header: Header = match postcard::take_from_bytes(&header) {
            Ok((header, [])) => header,
            Ok(_) => return Err(Stale::Corrupt("bytes after the header".into())),
            Err(e) => return Err(Stale::Corrupt(e.to_string())),
        };
        let program = program().map_err(Stale::Unreadable)?;
        if header.version != env!("CARGO_PKG_VERSION") || header.program != program {
            return Err(Stale::OtherProgram);
        }
        let opened = Opened {
            file,
            model_at,
            model_len,
            model_sum,
        };
        Ok((opened, header))
    }

    /// The model's bytes from the start, summed as they are read.
    fn model(&mut self) -> Result<Summing<&mut fs::File>, Stale> {
        self.file
            .seek(SeekFrom::Start(self.model_at))
            .map_err(Stale::Unreadable)?;
        Ok(Summing {
            inner: &mut self.file,
            sum: Xxh3::new(),
        })
    }

    /// Reads and decodes the model, checked against its checksum.
    fn read_model(&mut self) -> Result<Stored, Stale> {
        let (len, sum) = (self.model_len, self.model_sum);
        let mut model = self.model()?;
        let stored = Stored::read(&mut model, len)?;
        match model.sum.digest128() == sum {
            true => Ok(stored),
            false => Err(Stale::Corrupt("the model's checksum does not match".into())),
        }
    }

    /// Reads the model's front and chunk table, each checked against its
    /// checksum; the statements are left where they are.
    fn read_outline(&mut self) -> Result<Outlined, Stale> {
        let corrupt = |what: &str| Stale::Corrupt(format!("the {what} does not match"));
        let end = self.model_at + self.model_len;
        self.file
            .seek(SeekFrom::Start(self.model_at))
            .map_err(Stale::Unreadable)?;
        let mut input = (&mut self.file).take(self.model_len);
        let front = Front::read(&mut input, true)?;
        let first = end - input.limit();
        // The table's count and checksum end the model.
        let trailer = end.checked_sub(8 + 16).ok_or(Stale::Truncated)?;
        self.file
            .seek(SeekFrom::Start(trailer))
            .map_err(Stale::Unreadable)?;
        let chunks = read_u64(&mut self.file)?;
        let sum = read_sum(&mut self.file)?;
        let table_at = chunks
            .checked_mul(CHUNK_ENTRY)
            .and_then(|len| trailer.checked_sub(len))
            .filter(|&at| at >= first)
            .ok_or(Stale::Truncated)?;
        self.file
            .seek(SeekFrom::Start(table_at))
            .map_err(Stale::Unreadable)?;
        let mut table = Vec::new();
        read_into(
            &mut (&mut self.file).take(trailer - table_at),
            trailer - table_at,
            &mut table,
        )?;
        let table = chunk_table(&table, chunks, sum, first)?;
        // The chunks fill the room between the front and the table, one
        // per [`CHUNK`] statements.
        let filled = table
            .last()
            .map_or(Some(first), |c| c.at.checked_add(c.len));
        if filled != Some(table_at) || table.len() != front.order.len().div_ceil(CHUNK) {
            return Err(corrupt("chunk table"));
        }
        let file = self.file.try_clone().map_err(Stale::Unreadable)?;
        Ok(Outlined {
            file,
            outline: front.outline.ok_or(Stale::Truncated)?,
            actors: front.actors,
            events: front.events,
            order: front.order,
            chunks: table,
        })
    }

    /// Copies the model's bytes to `out` as they are, checked against its
    /// checksum (which fails the copy).
    fn copy_model(&mut self, out: &mut dyn Write) -> Result<(), Stale> {
        let (len, sum) = (self.model_len, self.model_sum);
        let mut model = self.model()?;
        let copied = io::copy(&mut (&mut model).take(len), out).map_err(read_error)?;
        if copied != len {
            return Err(Stale::Truncated);
        }
        match model.sum.digest128() == sum {
            true => Ok(()),
            false => Err(Stale::Corrupt("the model's checksum does not match".into())),
        }
    }
}

/// The front of a cached model (see [`Cache::read_outline`]), with the
/// cache file it was read from, opened: the file a writer may rename
/// another over stays the one read.
#[derive(Debug)]
pub struct Outlined {
    file: fs::File,
    actors: Vec<Actor>,
    events: Vec<Event>,
    outline: Outline,
    order: Vec<StatementIx>,
    chunks: Vec<Chunk>,
}

impl Outlined {
    /// The KB as the queries that count read it, with the statements in
    /// `whole` (as [`Outlined::fetch`] read them) whole.
    pub fn sketch<'a>(&'a self, whole: &'a BTreeMap<StatementIx, Statement>) -> Sketch<'a> {
        Sketch::of(
            &self.actors,
            &self.events,
            &self.outline,
            &self.order,
            Whole::Part(whole),
        )
    }

    /// The statements `wanted`, read whole from the chunks that hold them,
    /// each chunk checked against its checksum.
    pub fn fetch(
        &self,
        wanted: impl IntoIterator<Item = StatementIx>,
    ) -> Result<BTreeMap<StatementIx, Statement>, Stale> {
        let mut wanted: Vec<StatementIx> = wanted.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let count = self.outline.len();
        let mut whole = BTreeMap::new();
        let mut bytes = Vec::new();
        let mut file = &self.file;
        for group in wanted.chunk_by(|a, b| a.index() / CHUNK == b.index() / CHUNK) {
            let first = group[0].index() / CHUNK * CHUNK;
            let chunk = self.chunks.get(first / CHUNK).ok_or(Stale::Truncated)?;
            file.seek(SeekFrom::Start(chunk.at))
                .map_err(Stale::Unreadable)?;
            read_into(&mut file.take(chunk.len), chunk.len, &mut bytes)?;
            if xxh3_128(&bytes) != chunk.sum {
                return Err(Stale::Corrupt("a chunk's checksum does not match".into()));
            }
            let mut slots = vec![None; (count - first).min(CHUNK)];
            decode_chunk(&bytes, slots.iter_mut()).map_err(|e| Stale::Corrupt(e.to_string()))?;
            for &ix in group {
                let s = slots.get_mut(ix.index() - first).and_then(Option::take);
                whole.insert(ix, s.ok_or(Stale::Truncated)?);
            }
        }
        Ok(whole)
    }
}

/// What [`check_files`] found of the KB's files against a cache's header.
struct Checked {
    /// The KB's files, as loading lists them.
    found: Vec<PathBuf>,
    /// Files that had to be hashed and matched (by their position in the
    /// header), with their stamps now.
    hashed: Vec<(usize, Stamp)>,
    /// Files whose text changed.
    changed: Vec<Changed>,
}

impl Checked {
    /// Gives `header` the stamps of the files that had to be hashed and
    /// matched, and `now` as when loading started; says whether any of
    /// those stamps is old enough to be trusted (so worth writing).
    fn restamp(&self, header: &mut Header, now: i128) -> bool {
        for &(i, stamp) in &self.hashed {
            header.files[i].stamp = stamp;
        }
        header.started = now;
        self.hashed.iter().any(|(_, s)| !s.is_racy(now))
    }
}

/// A KB file whose text changed since the cache was made.
struct Changed {
    /// Its position in the header.
    entry: usize,
    path: PathBuf,
    /// Its stamp and bytes now.
    stamp: Stamp,
    bytes: Vec<u8>,
}

/// Whether the KB folder `root` holds exactly the files `header` lists,
/// and which of them are no longer as they were read.
fn check_files(header: &Header, root: &Path) -> Result<Checked, Stale> {
    let found = crate::load::kb_files(root).map_err(|e| Stale::NoKb(io::Error::other(e)))?;
    if !found.problems.is_empty() {
        return Err(Stale::FilesDiffer);
    }
    let mut now: Vec<(&str, &PathBuf)> = Vec::with_capacity(found.files.len());
    for path in &found.files {
        let rel = path.strip_prefix(root).ok().and_then(Path::to_str);
        now.push((rel.ok_or(Stale::FilesDiffer)?, path));
    }
    now.sort_unstable_by_key(|(rel, _)| *rel);
    if now.len() != header.files.len()
        || now
            .iter()
            .zip(&header.files)
            .any(|((r, _), e)| *r != e.path)
    {
        return Err(Stale::FilesDiffer);
    }
    /// One file against its entry.
    enum Seen {
        Same,
        Hashed(Stamp),
        Changed(Stamp, Vec<u8>),
    }
    let seen: Vec<Seen> = now
        .par_iter()
        .zip(&header.files)
        .map(|((_, path), entry)| {
            // A file that cannot be read is for a load to report.
            let gone = || Stale::Changed(path.to_path_buf());
            let stamp = Stamp::of(&fs::metadata(path).map_err(|_| gone())?);
            if stamp == entry.stamp && !stamp.is_racy(header.started) {
                return Ok(Seen::Same);
            }
            let bytes = fs::read(path).map_err(|_| gone())?;
            if text_hash(&bytes) == entry.hash {
                Ok(Seen::Hashed(stamp))
            } else {
                Ok(Seen::Changed(stamp, bytes))
            }
        })
        .collect::<Result<_, Stale>>()?;
    let (mut hashed, mut changed) = (Vec::new(), Vec::new());
    for (entry, (seen, (_, path))) in seen.into_iter().zip(&now).enumerate() {
        match seen {
            Seen::Same => {}
            Seen::Hashed(stamp) => hashed.push((entry, stamp)),
            Seen::Changed(stamp, bytes) => changed.push(Changed {
                entry,
                path: path.to_path_buf(),
                stamp,
                bytes,
            }),
        }
    }
    Ok(Checked {
        found: found.files,
        hashed,
        changed,
    })
}

impl Front {
    /// Reads the front of a model ([`StoredRef`]): its length, bytes and
    /// checksum. The columns are read straight into their arrays, the
    /// front's bytes summed as they pass (at a million statements they
    /// are 50 MB, which a query would hold and copy once more).
    ///
    /// The columns are decoded when `columns` asks for them, else only
    /// summed: only a query that reads them alone needs them (a KB loaded
    /// whole builds them from its statements if it needs them).
    fn read(input: &mut io::Take<impl Read>, columns: bool) -> Result<Front, Stale> {
        let corrupt = |e: postcard::Error| Stale::Corrupt(e.to_string());
        let bad = || corrupt(postcard::Error::DeserializeBadEncoding);
        let len = read_u64(input)?;
        if len > input.limit() {
            return Err(Stale::Truncated);
        }
        let summing = Summing {
            inner: input.by_ref(),
            sum: Xxh3::new(),
        };
        let mut front = summing.take(len);
        let mut bytes = Vec::new();
        let prefix_len = read_u64(&mut front)?;
        read_into(&mut front, prefix_len, &mut bytes)?;
        let (actors, rest) = take_vec(&bytes).map_err(corrupt)?;
        let (events, rest) = take_vec(rest).map_err(corrupt)?;
        let (settings, rest) = postcard::take_from_bytes(rest).map_err(corrupt)?;
        if !rest.is_empty() {
            return Err(bad());
        }
        let columns_len = read_u64(&mut front)?;
        if columns_len > front.limit() {
            return Err(Stale::Truncated);
        }
        let mut in_columns = (&mut front).take(columns_len);
        let outline = match columns {
            true => Some(Outline::read(&mut in_columns).map_err(|e| match e.kind() {
                io::ErrorKind::InvalidData => bad(),
                _ => read_error(e),
            })?),
            false => {
                io::copy(&mut in_columns, &mut io::sink()).map_err(read_error)?;
                None
            }
        };
        if in_columns.limit() != 0 || front.limit() % 4 != 0 {
            return Err(bad());
        }
        let count = (front.limit() / 4) as usize;
        read_into(&mut front, count as u64 * 4, &mut bytes)?;
        if front.into_inner().sum.digest128() != read_sum(input)? {
            return Err(Stale::Corrupt("the front's checksum does not match".into()));
        }
        // Columns that name what is not there would fail the queries that
        // read them.
        let order: Vec<StatementIx> = (bytes.chunks_exact(4))
            .map(|b| StatementIx(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect();
        let whole = outline
            .as_ref()
            .is_none_or(|o| o.len() == count && o.is_whole(actors.len()));
        if !whole || order.iter().any(|ix| ix.index() >= count) {
            return Err(bad());
        }
        Ok(Front {
            actors,
            events,
            settings,
            outline,
            order,
        })
    }
}

/// Where a chunk of statements lies in the cache file, and its checksum.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    at: u64,
    len: u64,
    sum: u128,
}

/// The chunk table's entries (`bytes`, [`CHUNK_ENTRY`] each), once their
/// count is `chunks` and their checksum `sum`; the first chunk's length
/// starts at `first` in the file.
fn chunk_table(bytes: &[u8], chunks: u64, sum: u128, first: u64) -> Result<Vec<Chunk>, Stale> {
    if Some(bytes.len() as u64) != chunks.checked_mul(CHUNK_ENTRY) {
        return Err(Stale::Corrupt(
            "the chunk table's length does not match".into(),
        ));
    }
    if xxh3_128(bytes) != sum {
        return Err(Stale::Corrupt(
            "the chunk table's checksum does not match".into(),
        ));
    }
    let mut at = first;
    let mut table = Vec::with_capacity(bytes.len() / CHUNK_ENTRY as usize);
    for entry in bytes.chunks_exact(CHUNK_ENTRY as usize) {
        let (len, sum) = entry.split_at(8);
        let len = u64::from_le_bytes(len.try_into().unwrap_or_default());
        let sum = u128::from_le_bytes(sum.try_into().unwrap_or_default());
        // Past the length that precedes it.
        let start = at.checked_add(8).ok_or(Stale::Truncated)?;
        table.push(Chunk {
            at: start,
            len,
            sum,
        });
        at = start.checked_add(len).ok_or(Stale::Truncated)?;
    }
    Ok(table)
}

impl Stored {
    /// Reads and decodes the model of `len` bytes that [`StoredRef::encode`]
    /// wrote, a [`BATCH`] of statement chunks at a time.
    fn read(input: impl Read, len: u64) -> Result<Stored, Stale> {
        let corrupt = |e: postcard::Error| Stale::Corrupt(e.to_string());
        let mut input = input.take(len);
        let front = Front::read(&mut input, false)?;
        let count = front.order.len();
        // Each statement takes at least a byte: a count past the bytes
        // left fails on them, not on the memory.
        if count as u64 > input.limit() {
            return Err(Stale::Truncated);
        }
        // Room for statements added to an edited file (a patch splices
        // them in) without moving the array. The model is decoded before
        // its checksum is known, so the room is only reserved (pages never
        // written to cost no memory, and a reservation the system refuses
        // is a damaged count), and filled a batch at a time, once the
        // batch's bytes are read.
        let mut slots: Vec<Option<Statement>> = Vec::new();
        slots
            .try_reserve_exact(count + count / 16 + CHUNK)
            .map_err(|_| Stale::Truncated)?;
        let mut buffers = vec![Vec::new(); BATCH];
        while slots.len() < count {
            let start = slots.len();
            let batch = (count - start).min(CHUNK * BATCH);
            let chunks = &mut buffers[..batch.div_ceil(CHUNK)];
            for buffer in chunks.iter_mut() {
                let len = read_u64(&mut input)?;
                read_into(&mut input, len, buffer)?;
            }
            slots.resize(start + batch, None);
            slots[start..]
                .par_chunks_mut(CHUNK)
                .zip(&*chunks)
                .try_for_each(|(slots, bytes)| decode_chunk(bytes, slots.iter_mut()))
                .map_err(corrupt)?;
        }
        // The chunk table, which the model's checksum covers: only its
        // length is checked here.
        let chunks = count.div_ceil(CHUNK) as u64;
        let table_len = chunks * CHUNK_ENTRY + 8 + 16;
        read_into(&mut input, table_len, &mut buffers[0])?;
        drop(buffers);
        if input.limit() != 0 {
            return Err(corrupt(postcard::Error::DeserializeBadEncoding));
        }
        let statements = filled(slots);
        if statements.len() != count {
            return Err(corrupt(postcard::Error::DeserializeBadEncoding));
        }
        Ok(Stored {
            actors: front.actors,
            events: front.events,
            statements,
            settings: front.settings,
            order: front.order,
        })
    }

    /// The model as loading resolved it, with the statements' time order.
    fn into_resolved(self) -> Resolved {
        Resolved {
            actors: self.actors,
            events: self.events,
            statements: self.statements,
            settings: self.settings,
            kept: Kept {
                order: Some(self.order),
                ids: None,
            },
        }
    }
}

/// Decodes the statements of a chunk's `bytes` into `slots`, as many as
/// there are slots, which must be all its bytes.
fn decode_chunk<'a>(
    bytes: &[u8],
    slots: impl Iterator<Item = &'a mut Option<Statement>>,
) -> postcard::Result<()> {
    let mut bytes = bytes;
    for slot in slots {
        let (s, after) = postcard::take_from_bytes(bytes)?;
        *slot = Some(s);
        bytes = after;
    }
    match bytes.is_empty() {
        true => Ok(()),
        false => Err(postcard::Error::DeserializeBadEncoding),
    }
}

/// The values of `slots`, every one of which is filled, in the same array:
/// an `Option` of a statement is the size of a statement, and collecting a
/// `filter_map` of a vector's own iterator reuses its allocation (`flatten`
/// copies to a new one: 384 MB more, 0.4 s at a million statements).
#[allow(clippy::filter_map_identity)]
fn filled<T>(slots: Vec<Option<T>>) -> Vec<T> {
    slots.into_iter().filter_map(|s| s).collect()
}

/// A sequence encoded as postcard encodes a `Vec`, decoded into a vector
/// of its exact length: serde reserves at most 1 MB up front and doubles
/// from there, and each doubling holds the old and the new array at once
/// (a 77 MB statement array at 200k tiny statements peaked at 40 MB more).
/// Each element takes at least a byte, so no more are reserved than bytes
/// are left: a damaged length fails on the bytes, not on the reservation.
fn take_vec<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> postcard::Result<(Vec<T>, &[u8])> {
    let (len, mut rest) = postcard::take_from_bytes::<usize>(bytes)?;
    let mut items = Vec::new();
    // Reserved, not allocated: the bytes are read before their checksum
    // is known, and a length the system cannot reserve is a damaged one.
    items
        .try_reserve_exact(len.min(rest.len()))
        .map_err(|_| postcard::Error::DeserializeUnexpectedEnd)?;
    for _ in 0..len {
        let (item, after) = postcard::take_from_bytes(rest)?;
        items.push(item);
        rest = after;
    }
    Ok((items, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeRef;

    const FILES: &[(&str, &str)] = &[
        (
            "actors.ron",
            r#"Kb(actors: [
    Actor(id: "kyiv", name: "Ukraine", kind: State),
    Actor(id: "mfa", name: "Ministry of Foreign Affairs", kind: Ministry, part_of: "kyiv"),
    Actor(id: "nato", name: "NATO", kind: Alliance),
])"#,
        ),
        ("annals.ron", r#"Settings(time_zone: "Europe/Kyiv")"#),
        (
            "story/june.ron",
            r#"Kb(
    events: [Event(id: "summit", name: "Summit", kind: Summit, date: "2024-06-15/2024-06-16")],
    statements: [
        Statement(id: "a", by: "mfa", date: "2024-06-14T18:00", kind: Rejection, summary: "No.", topics: ["peace"]),
        Statement(id: "b", by: "nato", date: "2024-06-15", at: "summit", kind: Claim, summary: "Yes.",
            responds_to: [Response(to: "a", stance: Supports)]),
    ],
)"#,
        ),
        (
            "story/later.ron",
            r#"Kb(statements: [
    Statement(id: "c", by: "kyiv", date: "2024-06", at: "summit", kind: Claim, summary: "Said at the summit."),
])"#,
        ),
    ];

    /// A KB folder holding [`FILES`], and a cache folder beside it.
    fn kb() -> (tempfile::TempDir, PathBuf, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        for (name, text) in FILES {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let cache = Cache::new(dir.path().join("cache"));
        (dir, root, cache)
    }

    /// Loads the KB from its files and writes its cache, as a load that
    /// started at `started`.
    fn cold(root: &Path, cache: &Cache, started: SystemTime) -> Loaded {
        let loaded = Kb::load(root).unwrap();
        assert!(!loaded.has_errors(), "{:?}", loaded.load_findings());
        cache.write(root, &loaded, started).unwrap();
        loaded
    }

    /// Everything a command can see of a KB.
    fn seen(kb: &Kb) -> String {
        let mut ids: Vec<_> = kb
            .ids_of(None)
            .map(|id| (id.to_owned(), kb.lookup_span(id)))
            .collect();
        ids.sort();
        let mut json = Vec::new();
        let records = crate::export::records(kb, &crate::query::Filter::default());
        crate::export::json::write_json(kb, &records, &mut json).unwrap();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{ids:?}\n{:?}\n{}",
            kb.actors,
            kb.events,
            kb.statements,
            kb.settings,
            kb.response_links(),
            String::from_utf8(json).unwrap()
        )
    }

    #[test]
    fn a_kb_read_from_its_cache_is_the_kb_loaded_from_its_files() {
        let (_dir, root, cache) = kb();
        assert!(matches!(cache.read(&root), Err(Stale::Absent)));
        let loaded = cold(&root, &cache, SystemTime::now());
        let kept = cache.read(&root).unwrap();
        assert_eq!(seen(&kept), seen(&loaded.kb));
        assert!(
            seen(&kept).contains("Europe/Kyiv"),
            "the settings' zone is kept"
        );
        let info = cache.info(&root).unwrap();
        assert_eq!(info.state.unwrap().0, FILES.len());
    }

    #[test]
    fn a_changed_file_is_seen_whatever_its_times_say() {
        let (_dir, root, cache) = kb();
        let file = root.join("story/june.ron");
        let before = fs::metadata(&file).unwrap().modified().unwrap();
        // As if loading started long after every file last changed: the
        // files are trusted by their stamps.
        cold(&root, &cache, SystemTime::now() + Duration::from_secs(3600));
        // Same size, same modification time: only the change time and the
        // content say it changed.
        let text = fs::read_to_string(&file).unwrap().replace("No.", "Na.");
        fs::write(&file, text).unwrap();
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(before)
            .unwrap();
        let (kb, reading) = cache.read_at(&root, SystemTime::now()).unwrap();
        assert_eq!(reading.patched, 1, "the file is read again");
        assert!(seen(&kb).contains("Na."));
        assert_eq!(seen(&kb), seen(&Kb::load(&root).unwrap().kb));
    }

    /// Writes `text` over the KB file `name`; reads the cache (which reads
    /// changed files again, or says it cannot) and the KB from its files,
    /// and asserts they agree; returns how many files were read again into
    /// the cache, or why it was not used.
    fn change(root: &Path, cache: &Cache, edits: &[(&str, &str)]) -> Result<usize, Stale> {
        for (name, text) in edits {
            fs::write(root.join(name), text).unwrap();
        }
        let cold = Kb::load(root).unwrap();
        let read = cache.read_at(root, SystemTime::now());
        match &read {
            Ok((kb, _)) => {
                assert!(!cold.has_errors(), "{:?}", cold.load_findings());
                assert_eq!(seen(kb), seen(&cold.kb), "{edits:?}");
                // Rewritten: the next read reads no file again.
                let (again, reading) = cache.read_at(root, SystemTime::now()).unwrap();
                assert_eq!(reading.patched, 0);
                assert_eq!(seen(&again), seen(&cold.kb));
            }
            // Not patched: what the caller does then.
            Err(_) if !cold.has_errors() => cache.write(root, &cold, SystemTime::now()).unwrap(),
            Err(_) => {}
        }
        read.map(|(_, reading)| reading.patched)
    }

    fn file(name: &str) -> &'static str {
        FILES.iter().find(|(n, _)| *n == name).unwrap().1
    }

    #[test]
    fn changes_within_files_are_read_again_into_the_cache() {
        let (_dir, root, cache) = kb();
        cold(&root, &cache, SystemTime::now());
        let june = file("story/june.ron");
        let actors = file("actors.ron");
        let edits: &[&[(&str, &str)]] = &[
            // Every later span moves.
            &[(
                "story/june.ron",
                &june.replace("No.", "No, and never: a longer summary."),
            )],
            // The statements made at the summit (in this file and another)
            // now happened within it, then no longer.
            &[(
                "story/june.ron",
                &june.replace("2024-06-15/2024-06-16", "2024-06-15T10:00/2024-06-15T12:00"),
            )],
            &[("story/june.ron", june)],
            &[("story/june.ron", &june.replace("Supports", "Rejects"))],
            &[(
                "story/june.ron",
                &june.replace(
                    "responds_to: [Response(to: \"a\", stance: Supports)]",
                    "responds_to: [Response(to: \"summit\", stance: Supports)], about: [\"kyiv\"]",
                ),
            )],
            &[(
                "story/june.ron",
                &june.replace(
                    "topics: [\"peace\"]",
                    "topics: [\"war\"], quotes: [Quote(text: \"Never.\")]",
                ),
            )],
            // Another file, then two at once.
            &[("actors.ron", &actors.replace(", part_of: \"kyiv\"", ""))],
            &[("actors.ron", actors), ("story/june.ron", june)],
            // Comments and layout only.
            &[("story/june.ron", &format!("// June\n\n{june}\n"))],
        ];
        for edit in edits {
            let patched = change(&root, &cache, edit).map_err(|e| format!("{edit:?}: {e:?}"));
            assert_eq!(patched.unwrap(), edit.len(), "{edit:?}");
        }
    }

    #[test]
    fn changes_that_reach_other_files_load_the_kb_again() {
        let (_dir, root, cache) = kb();
        cold(&root, &cache, SystemTime::now());
        let june = file("story/june.ron");
        let actors = file("actors.ron");
        let last = "],\n)";
        let edits: &[(&str, String)] = &[
            // Actors and events added, removed, renamed, reordered; a
            // statement given another item's id.
            ("story/june.ron", june.replace(last, "Statement(id: \"c\", by: \"nato\", date: \"2024-06-16\", kind: Claim, summary: \"C.\"),\n],\n)")),
            ("actors.ron", actors.replace("    Actor(id: \"nato\", name: \"NATO\", kind: Alliance),\n", "")),
            ("story/june.ron", june.replace("events: [", "events: [Event(id: \"eve\", name: \"Eve\", kind: Meeting, date: \"2024-06-14\"), ")),
            ("actors.ron", actors.replace("\"kyiv\", name: \"Ukraine\"", "\"kyiv2\", name: \"Ukraine\"").replace("part_of: \"kyiv\"", "part_of: \"kyiv2\"")),
            ("actors.ron", {
                let nato = "    Actor(id: \"nato\", name: \"NATO\", kind: Alliance),\n";
                actors.replace(nato, "").replacen("    Actor(", &format!("{nato}    Actor("), 1)
            }),
            // What other files' items were read with.
            ("actors.ron", actors.replace("kind: Alliance", "kind: Media")),
            ("story/june.ron", june.replace("kind: Summit,", "kind: Summit, time_zone: \"Europe/Zurich\",")),
            // Hard errors: the load reports them.
            ("story/june.ron", june.replace("by: \"nato\"", "by: \"natto\"")),
            ("story/june.ron", june.replace("Kb(", "Kb((")),
            ("story/june.ron", june.replace("id: \"b\"", "id: \"mfa\"")),
            // The settings read every file.
            ("annals.ron", r#"Settings(time_zone: "UTC")"#.to_owned()),
        ];
        for (name, text) in edits {
            let path = root.join(name);
            match change(&root, &cache, &[(name, text)]) {
                Err(Stale::Changed(p)) => assert_eq!(p, path, "{text}"),
                other => panic!("{text}: {:?}", other.map(|_| ())),
            }
            // Back as it was, through the cache again.
            let _ = change(&root, &cache, &[(name, file(name))]);
        }
    }

    #[test]
    fn statements_added_removed_or_renamed_are_read_again_into_the_cache() {
        let (_dir, root, cache) = kb();
        // A statement of another file answers one of june's, and speaks of
        // another: june's statements moving must move what it names.
        let later = file("story/later.ron").replace(
            "summary: \"Said at the summit.\"",
            "summary: \"Said at the summit.\", responds_to: [\"b\"], about: [\"a\", \"b\"]",
        );
        fs::write(root.join("story/later.ron"), &later).unwrap();
        cold(&root, &cache, SystemTime::now());
        let june = file("story/june.ron");
        let first = "    statements: [\n";
        let added = |id: &str| {
            format!("        Statement(id: \"{id}\", by: \"kyiv\", date: \"2024-06-13\", kind: Claim, summary: \"{id}.\", responds_to: [\"b\"]),\n")
        };
        let a = "        Statement(id: \"a\", by: \"mfa\", date: \"2024-06-14T18:00\", kind: Rejection, summary: \"No.\", topics: [\"peace\"]),\n";
        assert!(june.contains(a) && june.contains(first));
        let edits: &[&[(&str, &str)]] = &[
            // One added first: every later statement moves.
            &[(
                "story/june.ron",
                &june.replacen(first, &format!("{first}{}", added("a0")), 1),
            )],
            // And removed again.
            &[("story/june.ron", june)],
            // Two added last.
            &[(
                "story/june.ron",
                &june.replace(
                    "    ],\n)",
                    &format!("{}{}    ],\n)", added("x"), added("y")),
                ),
            )],
            // One renamed.
            &[(
                "story/june.ron",
                &june.replace(
                    "    ],\n)",
                    &format!("{}{}    ],\n)", added("x2"), added("y")),
                ),
            )],
            // One removed.
            &[(
                "story/june.ron",
                &june.replace("    ],\n)", &format!("{}    ],\n)", added("y"))),
            )],
            &[("story/june.ron", june)],
            // Reordered.
            &[(
                "story/june.ron",
                &june
                    .replace(a, "")
                    .replace("    ],\n)", &format!("{a}    ],\n)")),
            )],
            &[("story/june.ron", june)],
            // Added in two files at once, the last one included.
            &[
                (
                    "story/june.ron",
                    &june.replacen(first, &format!("{first}{}", added("j1")), 1),
                ),
                (
                    "story/later.ron",
                    &later.replace(
                        "Kb(statements: [\n",
                        &format!("Kb(statements: [\n{}", added("l1")),
                    ),
                ),
            ],
        ];
        for edit in edits {
            let patched = change(&root, &cache, edit).map_err(|e| format!("{edit:?}: {e:?}"));
            assert_eq!(patched.unwrap(), edit.len(), "{edit:?}");
        }
        // What another file names gone, or an id taken twice: loading
        // reports it.
        let _ = change(
            &root,
            &cache,
            &[("story/june.ron", june), ("story/later.ron", &later)],
        );
        // More items than the settings allow.
        let settings = r#"Settings(time_zone: "Europe/Kyiv", limits: Limits(max_items: 7))"#;
        let _ = change(&root, &cache, &[("annals.ron", settings)]);
        let one_more = june.replacen(first, &format!("{first}{}", added("c9")), 1);
        match change(&root, &cache, &[("story/june.ron", &one_more)]) {
            Err(Stale::Changed(p)) => assert_eq!(p, root.join("story/june.ron")),
            other => panic!("past the limit: {:?}", other.map(|_| ())),
        }
        let _ = change(
            &root,
            &cache,
            &[("story/june.ron", june), ("annals.ron", file("annals.ron"))],
        );
        let b = june.find("        Statement(id: \"b\"").unwrap();
        let without_b = format!("{}    ],\n)", &june[..b]);
        let edits = [
            without_b,
            june.replace("id: \"b\"", "id: \"b0\""),
            june.replacen(first, &format!("{first}{}", added("c")), 1),
        ];
        for text in &edits {
            match change(&root, &cache, &[("story/june.ron", text)]) {
                Err(Stale::Changed(p)) => assert_eq!(p, root.join("story/june.ron"), "{text}"),
                other => panic!("{text}: {:?}", other.map(|_| ())),
            }
            let _ = change(&root, &cache, &[("story/june.ron", june)]);
        }
    }

    #[test]
    fn small_changes_are_read_again_on_each_run_until_they_add_up() {
        let (_dir, root, cache) = kb();
        // An archive of 32 times the other files: one of those is a
        // small part of the KB.
        let others: usize = FILES.iter().map(|(_, t)| t.len()).sum();
        let mut archive = String::from("Kb(statements: [\n");
        let mut n = 0;
        while archive.len() < 32 * others {
            archive.push_str(&format!(
                "    Statement(id: \"old-{n}\", by: \"kyiv\", date: \"2023\", kind: Claim, summary: \"Old {n}.\"),\n"
            ));
            n += 1;
        }
        archive.push_str("])\n");
        fs::write(root.join("archive.ron"), &archive).unwrap();
        cold(&root, &cache, SystemTime::now());
        let june = file("story/june.ron").replace("No.", "Not at all.");
        let read = |what| {
            let (kb, reading) = cache.read_at(&root, SystemTime::now()).unwrap();
            assert_eq!(seen(&kb), seen(&Kb::load(&root).unwrap().kb), "{what}");
            reading.patched
        };
        fs::write(root.join("story/june.ron"), &june).unwrap();
        assert_eq!(read("june edited"), 1);
        assert_eq!(read("not rewritten: read again"), 1);
        fs::write(
            root.join("archive.ron"),
            archive.replace("Old 1.", "Older 1."),
        )
        .unwrap();
        assert_eq!(read("the archive edited too"), 2);
        assert_eq!(read("rewritten"), 0);
    }

    /// Edits as a hand might make them, at random places of a generated
    /// KB: whatever the cache answers after each is what loading the files
    /// answers, and a good share of them is read into the cache.
    #[test]
    fn random_edits_read_again_give_what_a_load_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = crate::synthetic::edits::kb(dir.path(), 3);
        let cache = Cache::new(dir.path().join("cache"));
        cold(&root, &cache, SystemTime::now());
        let files = crate::synthetic::edits::FILES;
        let mut random = crate::synthetic::edits::Random::new();
        let (mut patched, mut reloaded) = (0, 0);
        for round in 0..36 {
            let path = root.join(files[random.below(files.len())]);
            let before = fs::read_to_string(&path).unwrap();
            let mut lines: Vec<&str> = before.lines().collect();
            let at = random.below(lines.len());
            let mut edited = lines.clone();
            let line: String;
            match random.below(5) {
                // A letter or digit changed into another of its kind.
                0 | 1 => {
                    let Some(bumped) = crate::synthetic::edits::bump(lines[at], 0, &mut random)
                    else {
                        continue;
                    };
                    line = bumped;
                    edited[at] = &line;
                }
                // A line removed, or two swapped.
                2 => {
                    edited.remove(at);
                }
                3 => {
                    let other = random.below(lines.len());
                    edited.swap(at, other);
                }
                // A statement added at the top of a file's.
                _ => {
                    let added =
                        crate::synthetic::edits::added_statement(&lines, round, &mut random);
                    let Some((at, added)) = added else { continue };
                    line = added;
                    edited.insert(at, &line);
                }
            }
            lines = edited;
            fs::write(&path, lines.join("\n") + "\n").unwrap();
            let loaded = Kb::load(&root).unwrap();
            match cache.read_at(&root, SystemTime::now()) {
                Ok((kb, reading)) => {
                    assert!(
                        !loaded.has_errors(),
                        "round {round}: the cache took a broken KB"
                    );
                    // Not assert_eq: the two are megabytes long.
                    let same = seen(&kb) == seen(&loaded.kb);
                    assert!(same, "round {round}: the cache and the files differ");
                    patched += reading.patched.min(1);
                }
                Err(_) => reloaded += 1,
            }
            // A broken KB is mended (the next query would refuse it); a
            // whole one is cached, as a query does.
            if loaded.has_errors() {
                fs::write(&path, before).unwrap();
            } else {
                cache.write(&root, &loaded, SystemTime::now()).unwrap();
            }
        }
        assert!(
            patched >= 8,
            "read again {patched} times, reloaded {reloaded}"
        );
    }

    #[test]
    fn a_patch_is_for_small_shares_of_the_kb() {
        assert!(worth_patching(100, 400));
        assert!(worth_patching(1 << 20, 1 << 20), "small changes always");
        assert!(worth_patching(2 << 20, 8 << 20));
        assert!(!worth_patching(3 << 20, 8 << 20));
        assert!(!worth_rewriting(31, 32 * 32));
        assert!(worth_rewriting(32, 32 * 32));
    }

    #[test]
    fn a_file_touched_but_not_changed_keeps_the_cache() {
        let (_dir, root, cache) = kb();
        cold(&root, &cache, SystemTime::now());
        let file = root.join("actors.ron");
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(SystemTime::now())
            .unwrap();
        cache.read(&root).unwrap();
    }

    #[test]
    fn files_hashed_once_are_trusted_by_their_stamps_once_old_enough() {
        let (_dir, root, cache) = kb();
        // Made right after the files were written: all of them are hashed,
        // and still too fresh to be trusted by their stamps.
        cold(&root, &cache, SystemTime::now());
        let hashed = |at| cache.read_at(&root, at).unwrap().1.hashed;
        assert_eq!(hashed(SystemTime::now()), FILES.len());
        assert_eq!(hashed(SystemTime::now()), FILES.len());
        // An hour later: hashed once more, and the cache takes their stamps.
        let later = SystemTime::now() + Duration::from_secs(3600);
        assert_eq!(hashed(later), FILES.len());
        let (kb, reading) = cache.read_at(&root, later).unwrap();
        assert_eq!(reading, Reading::default());
        assert_eq!(seen(&kb), seen(&Kb::load(&root).unwrap().kb));
        // A change is still seen.
        let file = root.join("actors.ron");
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, text.replace("NATO", "OTAN")).unwrap();
        let (kb, _) = cache.read_at(&root, later).unwrap();
        assert!(seen(&kb).contains("OTAN"));
        assert_eq!(seen(&kb), seen(&Kb::load(&root).unwrap().kb));
    }

    #[test]
    fn files_hashed_beside_a_changed_one_are_trusted_once_old_enough() {
        let (_dir, root, cache) = kb();
        // A large file, so that the change below is too small a share of
        // the KB to rewrite the cache: it is read again on each run.
        let notes = format!("// {}\nKb()\n", "x".repeat(64 * 1024));
        fs::write(root.join("notes.ron"), notes).unwrap();
        // Made right after the files were written: too fresh to be trusted
        // by their stamps.
        cold(&root, &cache, SystemTime::now());
        let file = root.join("actors.ron");
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, text.replace("NATO", "OTAN")).unwrap();
        let later = SystemTime::now() + Duration::from_secs(3600);
        let (kb, first) = cache.read_at(&root, later).unwrap();
        let hashed = FILES.len();
        assert_eq!(first, Reading { hashed, patched: 1 });
        assert!(seen(&kb).contains("OTAN"));
        // The others were hashed once: their stamps are trusted now.
        let (kb, next) = cache.read_at(&root, later).unwrap();
        assert_eq!(
            next,
            Reading {
                hashed: 0,
                patched: 1
            }
        );
        assert_eq!(seen(&kb), seen(&Kb::load(&root).unwrap().kb));
    }

    #[test]
    fn statements_added_before_others_leave_references_to_later_files_right() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        fs::create_dir_all(&root).unwrap();
        let statement = |id: &str, day: u32, more: &str| {
            format!("Statement(id: \"{id}\", by: \"x\", date: \"2024-01-{day:02}\", kind: Claim, summary: \"{id}.\"{more}),")
        };
        let file = |statements: &[String]| format!("Kb(statements: [{}])", statements.concat());
        fs::write(
            root.join("actors.ron"),
            "Kb(actors: [Actor(id: \"x\", name: \"X\", kind: State)])",
        )
        .unwrap();
        let b = [statement("b1", 2, ""), statement("b2", 3, "")];
        fs::write(root.join("b.ron"), file(&b)).unwrap();
        let c = [statement(
            "c1",
            5,
            ", responds_to: [Response(to: \"b1\", stance: Disputes)]",
        )];
        fs::write(root.join("c.ron"), file(&c)).unwrap();
        fs::write(root.join("a.ron"), file(&[statement("a1", 1, "")])).unwrap();
        let cache = Cache::new(dir.path().join("cache"));
        cold(&root, &cache, SystemTime::now());
        // a.ron gains a statement before its first, which answers a
        // statement of a later file: every statement after it moves.
        let answers = ", responds_to: [Response(to: \"b2\", stance: Supports)], about: [\"c1\"]";
        let a = [statement("a0", 4, answers), statement("a1", 1, "")];
        fs::write(root.join("a.ron"), file(&a)).unwrap();
        let later = SystemTime::now() + Duration::from_secs(3600);
        let (kb, reading) = cache.read_at(&root, later).unwrap();
        assert_eq!(reading.patched, 1, "read into the cache, not loaded again");
        let fresh = Kb::load(&root).unwrap().kb;
        assert_eq!(seen(&kb), seen(&fresh));
        let b2 = kb.lookup("b2").unwrap();
        let crate::model::NodeRef::Statement(b2) = b2 else {
            panic!("{b2:?}")
        };
        let a0 = kb.lookup("a0").unwrap();
        let responders: Vec<_> = kb.responders(b2).iter().map(|r| r.from).collect();
        assert_eq!(responders.len(), 1);
        assert_eq!(crate::model::NodeRef::Statement(responders[0]), a0);
    }

    #[test]
    fn files_added_or_removed_make_it_stale() {
        let (_dir, root, cache) = kb();
        cold(&root, &cache, SystemTime::now());
        fs::write(root.join("more.ron"), "Kb()").unwrap();
        assert!(matches!(cache.read(&root), Err(Stale::FilesDiffer)));
        fs::remove_file(root.join("more.ron")).unwrap();
        cache.read(&root).unwrap();
        fs::remove_file(root.join("actors.ron")).unwrap();
        assert!(matches!(cache.read(&root), Err(Stale::FilesDiffer)));
    }

    #[test]
    fn filled_slots_become_values_in_the_same_array() {
        let slots: Vec<Option<Statement>> = vec![None; 3];
        let mut slots = slots;
        let one = {
            let (_dir, root, _cache) = kb();
            let loaded = Kb::load(&root).unwrap();
            loaded.kb.statements[0].clone()
        };
        for slot in &mut slots {
            *slot = Some(one.clone());
        }
        let at = slots.as_ptr() as usize;
        let values = filled(slots);
        assert_eq!(values.len(), 3);
        assert_eq!(values.as_ptr() as usize, at);
    }

    #[test]
    fn statements_are_stored_in_chunks_read_back_in_order() {
        let (_dir, root, _cache) = kb();
        let loaded = Kb::load(&root).unwrap();
        let kb = &loaded.kb;
        let one = &kb.statements[0];
        // Two whole chunks and a part.
        let statements: Vec<Statement> = (0..2 * CHUNK + 5)
            .map(|i| Statement {
                id: format!("s{i}"),
                ..one.clone()
            })
            .collect();
        let order: Vec<StatementIx> = (0..statements.len() as u32)
            .rev()
            .map(StatementIx)
            .collect();
        let outline = Outline::of(&statements);
        let stored = StoredRef {
            actors: &kb.actors,
            events: &kb.events,
            statements: &statements,
            settings: &kb.settings,
            outline: &outline,
            order: &order,
        };
        let mut bytes = Vec::new();
        stored.encode(&mut bytes).unwrap();
        let read = Stored::read(&bytes[..], bytes.len() as u64).unwrap();
        let ids = |s: &[Statement]| s.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&read.statements), ids(&statements));
        assert_eq!(read.order, order);
        assert_eq!(read.actors.len(), kb.actors.len());
        // Cut anywhere, or with a byte more, it does not decode.
        for cut in [1, 100, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                Stored::read(&bytes[..cut], cut as u64).is_err(),
                "cut at {cut}"
            );
        }
        bytes.push(0);
        assert!(Stored::read(&bytes[..], bytes.len() as u64).is_err());
        bytes.pop();
        // A damaged front fails its checksum, whatever it says: the
        // statements' count is the columns' length.
        let front = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        for at in [8, 8 + front / 2, 8 + front - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x40;
            assert!(
                matches!(
                    Stored::read(&bad[..], bad.len() as u64),
                    Err(Stale::Corrupt(_))
                ),
                "byte {at}"
            );
        }
    }

    #[test]
    fn sequences_decode_into_arrays_of_their_exact_length() {
        // 40,000 elements of 32 bytes: past the megabyte serde reserves.
        let items: Vec<[u64; 4]> = (0..40_000u64).map(|i| [i, i + 1, i + 2, i + 3]).collect();
        let mut bytes = postcard::to_stdvec(&items).unwrap();
        bytes.push(7);
        let (read, rest) = take_vec::<[u64; 4]>(&bytes).unwrap();
        assert_eq!(read, items);
        assert_eq!(read.capacity(), items.len());
        assert_eq!(rest, [7]);
        // A length past the bytes left fails without reserving it.
        let mut huge = postcard::to_stdvec(&(u32::MAX as usize)).unwrap();
        huge.extend_from_slice(&[1, 2, 3]);
        assert!(take_vec::<[u64; 4]>(&huge).is_err());
    }

    #[test]
    fn a_cut_short_or_corrupt_cache_is_never_used() {
        let (_dir, root, cache) = kb();
        let kb = cold(&root, &cache, SystemTime::now()).kb;
        let all: Vec<StatementIx> = (0..kb.statements.len() as u32).map(StatementIx).collect();
        let file = cache.file_for(&root).unwrap();
        let whole = fs::read(&file).unwrap();
        for cut in 0..whole.len() {
            fs::write(&file, &whole[..cut]).unwrap();
            assert!(
                matches!(cache.read(&root), Err(Stale::Truncated | Stale::Corrupt(_))),
                "cut at {cut}"
            );
            assert!(cache.read_outline(&root).is_err(), "cut at {cut}");
        }
        // Every byte: the magic, the format, the header's length, the
        // header, its checksum, the model, the model's length and its
        // checksum.
        let (mut in_chunks, mut unread) = (0, 0);
        for at in 0..whole.len() {
            let mut bad = whole.clone();
            bad[at] ^= 0x20;
            fs::write(&file, &bad).unwrap();
            assert!(
                matches!(
                    cache.read(&root),
                    Err(Stale::Truncated | Stale::Corrupt(_) | Stale::OtherProgram)
                ),
                "byte {at} flipped"
            );
            assert!(cache.info(&root).unwrap().state.is_err(), "byte {at}");
            // Read for its front alone, it is refused, or what it gives is
            // the KB's: a flipped byte it does not read (in a statement not
            // asked for, or the model's checksum) changes nothing it says.
            if let Ok(outlined) = cache.read_outline(&root) {
                assert_eq!(outlined.outline, *kb.outline(), "byte {at}");
                assert_eq!(format!("{:?}", outlined.actors), format!("{:?}", kb.actors));
                assert_eq!(format!("{:?}", outlined.events), format!("{:?}", kb.events));
                assert_eq!(outlined.order, kb.statements_in_order(), "byte {at}");
                match outlined.fetch(all.clone()) {
                    Ok(whole) => {
                        let whole: Vec<_> = whole.into_values().collect();
                        assert_eq!(format!("{whole:?}"), format!("{:?}", kb.statements));
                        unread += 1;
                    }
                    Err(_) => in_chunks += 1,
                }
            }
        }
        // Both happen: flips in the statements' chunks, found when they
        // are read; flips in what a front alone does not read.
        assert!(in_chunks > 0 && unread > 0, "{in_chunks} {unread}");
        fs::write(&file, &whole).unwrap();
        cache.read(&root).unwrap();
        cache.read_outline(&root).unwrap();
    }

    #[test]
    fn the_front_of_the_model_is_read_alone_and_statements_by_chunk() {
        let (_dir, root, cache) = kb();
        assert!(matches!(cache.read_outline(&root), Err(Stale::Absent)));
        let loaded = cold(&root, &cache, SystemTime::now() - Duration::from_secs(60));
        let kb = &loaded.kb;
        let outlined = cache.read_outline(&root).unwrap();
        let none = BTreeMap::new();
        let stats = |s: &Sketch| format!("{:?}", crate::query::stats::stats(s, 10));
        assert_eq!(stats(&outlined.sketch(&none)), stats(&kb.sketch()));
        let b = StatementIx(1);
        let whole = outlined.fetch([b, b]).unwrap();
        assert_eq!(whole.keys().copied().collect::<Vec<_>>(), [b]);
        assert_eq!(format!("{:?}", whole[&b]), format!("{:?}", kb.statement(b)));
        let sketch = outlined.sketch(&whole);
        assert_eq!(sketch.name_of(NodeRef::Statement(b)), "Yes.");
        assert_eq!(outlined.fetch([]).unwrap().len(), 0);
        // A statement past the last chunk is not there to read.
        let past = StatementIx((CHUNK * 2) as u32);
        assert!(outlined.fetch([past]).is_err());
        // A KB whose files changed is read whole (and read again).
        let file = root.join("story/later.ron");
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, text.replace("Said at", "Told at")).unwrap();
        assert!(matches!(cache.read_outline(&root), Err(Stale::Changed(_))));
        // A file touched but not changed keeps the front.
        fs::write(&file, text).unwrap();
        let outlined = cache.read_outline(&root).unwrap();
        assert_eq!(stats(&outlined.sketch(&none)), stats(&kb.sketch()));
    }

    #[test]
    fn a_cache_of_another_build_is_not_used() {
        let (_dir, root, cache) = kb();
        cold(&root, &cache, SystemTime::now());
        let file = cache.file_for(&root).unwrap();
        let whole = fs::read(&file).unwrap();
        // The version string follows the format number: change a byte of
        // it and fix the checksum, as another build would have written it.
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        let at = whole
            .windows(version.len())
            .position(|w| w == version)
            .unwrap();
        let mut other = whole.clone();
        other[at] = b'9';
        let start = MAGIC.len() + 4 + 8;
        let len = u64::from_le_bytes(other[start - 8..start].try_into().unwrap()) as usize;
        let sum = xxh3_128(&other[start..start + len]).to_le_bytes();
        other[start + len..start + len + 16].copy_from_slice(&sum);
        fs::write(&file, &other).unwrap();
        assert!(matches!(cache.read(&root), Err(Stale::OtherProgram)));
        // So does a cache of another format.
        let mut other = whole.clone();
        other[MAGIC.len()] ^= 1;
        fs::write(&file, &other).unwrap();
        assert!(matches!(cache.read(&root), Err(Stale::OtherProgram)));
    }

    #[test]
    fn a_kb_with_hard_errors_is_not_cached() {
        let (_dir, root, cache) = kb();
        fs::write(root.join("broken.ron"), "Kb(actors: [").unwrap();
        let loaded = Kb::load(&root).unwrap();
        assert!(matches!(
            cache.write(&root, &loaded, SystemTime::now()),
            Err(WriteError::HasErrors)
        ));
        assert!(!cache.dir().exists());
    }

    #[test]
    fn a_cache_folder_inside_the_kb_is_refused() {
        let (_dir, root, _) = kb();
        let inside = Cache::new(root.join("cache"));
        let loaded = Kb::load(&root).unwrap();
        assert!(matches!(
            inside.write(&root, &loaded, SystemTime::now()),
            Err(WriteError::Place(atomic::WriteError::InsideKb(..)))
        ));
        assert!(!root.join("cache").exists());
    }

    #[test]
    fn clearing_removes_caches_and_nothing_else() {
        let (_dir, root, cache) = kb();
        cold(&root, &cache, SystemTime::now());
        fs::write(cache.dir().join("notes.txt"), "mine").unwrap();
        let size = fs::metadata(cache.file_for(&root).unwrap()).unwrap().len();
        assert_eq!(cache.clear(&root).unwrap(), Some(size));
        assert_eq!(cache.clear(&root).unwrap(), None);
        cold(&root, &cache, SystemTime::now());
        assert_eq!(cache.clear_all().unwrap(), (1, size));
        assert!(cache.dir().join("notes.txt").exists());
    }

    #[test]
    fn the_setting_comes_from_the_flag_then_the_environment() {
        let vars = |pairs: &'static [(&str, &str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.into())
            }
        };
        let on = |dir: &str| Ok(Setting::On(PathBuf::from(dir)));
        let home = &[("HOME", "/home/me"), ("XDG_CACHE_HOME", "/x")][..];
        assert_eq!(
            Setting::from_vars(true, vars(home)),
            Ok(Setting::Off("--no-cache"))
        );
        assert_eq!(Setting::from_vars(false, vars(home)), on("/x/annals"));
        assert_eq!(
            Setting::from_vars(
                false,
                vars(&[("HOME", "/home/me"), ("XDG_CACHE_HOME", "rel")])
            ),
            on("/home/me/.cache/annals")
        );
        assert_eq!(
            Setting::from_vars(false, vars(&[("ANNALS_CACHE_DIR", "/c"), ("HOME", "/h")])),
            on("/c")
        );
        assert_eq!(
            Setting::from_vars(false, vars(&[("ANNALS_CACHE", "OFF"), ("HOME", "/h")])),
            Ok(Setting::Off("ANNALS_CACHE=off"))
        );
        assert!(Setting::from_vars(false, vars(&[("ANNALS_CACHE", "maybe")])).is_err());
        assert!(matches!(
            Setting::from_vars(false, vars(&[])),
            Ok(Setting::Off(_))
        ));
    }
}
