//! Writing generated files safely: never into the KB folder, never onto
//! something that is not a regular file, and atomically (a temporary file
//! beside the target, synced, then renamed over it), so an interrupted run
//! leaves the old file or the new one, never half of one.
//!
//! Every command that writes (`render -o`, `export -o`, `build`) asks
//! [`target`] where a path really leads before anything is created: the path
//! is made absolute, `..` is resolved against the real parent chain, and
//! every symlink on the way is followed, so `missing/../kb/x` and a link into
//! the KB are both seen for what they are.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::escape::shown_path;
use crate::interrupt;

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write `{}`: it is inside the KB folder `{}`, which annals never writes into", shown_path(.0), shown_path(.1))]
    InsideKb(PathBuf, PathBuf),
    #[error("refusing to write `{}`: it {}, not a regular file; name a file instead", shown_path(.0), .1)]
    NotAFile(PathBuf, &'static str),
    #[error("refusing to write into `{}`: it {}, not a folder", shown_path(.0), .1)]
    NotAFolder(PathBuf, &'static str),
    #[error("cannot write `{}`: `{}` on the way is a dangling symlink (or a symlink loop)", shown_path(.0), shown_path(.1))]
    DanglingSymlink(PathBuf, PathBuf),
    #[error("cannot write `{}`: {}", shown_path(.0), .1)]
    Io(PathBuf, io::Error),
    #[error("left `{}` as it is: it changed since annals read it (saved by an editor?); run the command again", shown_path(.0))]
    Changed(PathBuf),
    #[error("left `{}` as it is: it is a link to `{}`, outside the KB folder, and annals writes only inside it", shown_path(.0), shown_path(.1))]
    OutsideKb(PathBuf, PathBuf),
}

/// Where `path` really leads: absolute, `..` resolved against the real
/// parent chain and every existing symlink followed, whether or not the path
/// exists yet. Nothing is created.
pub fn resolve(path: &Path) -> Result<PathBuf, WriteError> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| WriteError::Io(path.to_path_buf(), e))?
            .join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => out.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                let is_link = fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink());
                if is_link {
                    out = fs::canonicalize(&out).map_err(|_| {
                        WriteError::DanglingSymlink(path.to_path_buf(), out.clone())
                    })?;
                }
            }
        }
    }
    Ok(out)
}

/// What kind of thing other than a regular file stands at a path.
fn odd_file(meta: &fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("is a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("is a FIFO");
        }
        if t.is_socket() {
            return Some("is a socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return Some("is a device");
        }
    }
    Some("is a special file")
}

/// The real place `path` leads to, checked for writing: not inside the
/// folder `kb`, and either absent or a regular file.
pub fn target(path: &Path, kb: &Path) -> Result<PathBuf, WriteError> {
    let real = resolve(path)?;
    if real.starts_with(resolve(kb)?) {
        return Err(WriteError::InsideKb(path.to_path_buf(), kb.to_path_buf()));
    }
    match fs::metadata(&real) {
        Ok(meta) => match odd_file(&meta) {
            Some(what) => Err(WriteError::NotAFile(path.to_path_buf(), what)),
            None => Ok(real),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(real),
        Err(e) => Err(WriteError::Io(path.to_path_buf(), e)),
    }
}

/// The real place of a folder to write files into (`export csv -o DIR`):
/// not inside the folder `kb`, and either absent or a folder.
pub fn target_folder(path: &Path, kb: &Path) -> Result<PathBuf, WriteError> {
    let real = resolve(path)?;
    if real.starts_with(resolve(kb)?) {
        return Err(WriteError::InsideKb(path.to_path_buf(), kb.to_path_buf()));
    }
    match fs::metadata(&real) {
        Ok(meta) if meta.is_dir() => Ok(real),
        Ok(meta) => Err(WriteError::NotAFolder(
            path.to_path_buf(),
            odd_file(&meta).unwrap_or("is a file"),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(real),
        Err(e) => Err(WriteError::Io(path.to_path_buf(), e)),
    }
}

/// The regular file at `path`, read whole if it is at most `limit` bytes;
/// `Ok(None)` when nothing is there, `Err` when something other than a
/// regular file is (a FIFO is never opened, a device never read).
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<ReadBack>, WriteError> {
    use std::io::Read;
    let real = resolve(path)?;
    let meta = match fs::metadata(&real) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(WriteError::Io(path.to_path_buf(), e)),
    };
    if let Some(what) = odd_file(&meta) {
        return Err(WriteError::NotAFile(path.to_path_buf(), what));
    }
    let mut bytes = Vec::new();
    fs::File::open(&real)
        .and_then(|f| f.take(limit).read_to_end(&mut bytes))
        .map_err(|e| WriteError::Io(path.to_path_buf(), e))?;
    Ok(Some(ReadBack {
        len: meta.len(),
        head: bytes,
    }))
}

/// A regular file read back: its length, and its first bytes (all of them
/// when it was within the limit).
#[derive(Debug)]
pub struct ReadBack {
    pub len: u64,
    pub head: Vec<u8>,
}

/// The temporary file beside `real` (the target), named
/// `.<16 hex digits>.annals-<pid>.tmp`: within 255 bytes whatever the
/// target's name, and recognisable by [`remove_stale_temporaries`].
fn temporary(real: &Path, dir: &Path) -> PathBuf {
    let name = real
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or_default();
    dir.join(format!(
        ".{:016x}.annals-{}.tmp",
        crate::fingerprint::fingerprint(name),
        std::process::id()
    ))
}

/// Writes `bytes` to `path` atomically, refusing paths inside `kb` and
/// anything at the target that is not a regular file.
pub fn write(path: &Path, bytes: &[u8], kb: &Path) -> Result<(), WriteError> {
    write_with(path, kb, |out| out.write_all(bytes))
}

/// [`write()`] for output made as it is written: `make` writes into the
/// temporary file (buffered), which replaces `path` only once it is whole.
/// An output larger than the KB is never held in memory.
pub fn write_with(
    path: &Path,
    kb: &Path,
    make: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    let real = target(path, kb)?;
    swap_in(&real, Durability::Synced, make).map_err(|e| WriteError::Io(path.to_path_buf(), e))
}

/// Whether a file written is synced to disk before it replaces the old one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    Synced,
    /// For a file that may be lost in a crash but must never be seen half
    /// written (annals' cache, which then fails its checksum).
    Unsynced,
}

/// Writes the file at `real` (a place [`target`] checked) through a
/// temporary file beside it, renamed over it once whole; makes its folder.
fn swap_in(
    real: &Path,
    sync: Durability,
    make: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = real
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    fs::create_dir_all(&dir)?;
    let tmp = temporary(real, &dir);
    let _ = fs::remove_file(&tmp);
    let _tracked = interrupt::Temporary::track(&tmp);
    let result = fill_unsynced(&tmp, make)
        .and_then(|f| {
            if sync == Durability::Synced {
                f.sync_all()
            } else {
                Ok(())
            }
        })
        .and_then(|()| fs::rename(&tmp, real));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Replaces the KB file at `path`, a file of the KB folder `kb`, with
/// `bytes` atomically, only if it still holds `loaded` (the text annals read
/// and changed, a byte-order mark aside: an editor that saved it meanwhile
/// wins, and [`WriteError::Changed`] says so). A symlink is followed only
/// within the KB folder: a KB file that leads outside it is refused with
/// [`WriteError::OutsideKb`]. The file keeps its permissions. This is how
/// `annals fmt` and `annals new --append` write, the two commands that
/// write into the KB folder.
pub fn replace(path: &Path, kb: &Path, bytes: &[u8], loaded: &str) -> Result<(), WriteError> {
    let err = |e| WriteError::Io(path.to_path_buf(), e);
    let real = fs::canonicalize(path).map_err(err)?;
    let kb_real = fs::canonicalize(kb).map_err(|e| WriteError::Io(kb.to_path_buf(), e))?;
    if !real.starts_with(&kb_real) {
        return Err(WriteError::OutsideKb(path.to_path_buf(), real));
    }
    let meta = fs::metadata(&real).map_err(err)?;
    if let Some(what) = odd_file(&meta) {
        return Err(WriteError::NotAFile(path.to_path_buf(), what));
    }
    let now = fs::read(&real).map_err(err)?;
    if now.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&now) != loaded.as_bytes() {
        return Err(WriteError::Changed(path.to_path_buf()));
    }
    let dir = real
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    let tmp = temporary(&real, &dir);
    let _ = fs::remove_file(&tmp);
    let _tracked = interrupt::Temporary::track(&tmp);
    let result = fill(&tmp, |out| out.write_all(bytes))
        .and_then(|()| fs::set_permissions(&tmp, meta.permissions()))
        .and_then(|()| fs::rename(&tmp, &real));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Writes `bytes` into a new file at `tmp` and syncs it to disk.
fn fill(tmp: &Path, make: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    fill_unsynced(tmp, make)?.sync_all()
}

/// Writes `bytes` into a new file at `tmp`; returns the file, written but
/// not synced.
fn fill_unsynced(
    tmp: &Path,
    make: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<fs::File> {
    let f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    let mut out = io::BufWriter::with_capacity(1 << 16, f);
    make(&mut out)?;
    out.into_inner().map_err(io::IntoInnerError::into_error)
}

/// Replaces the file at `real` (a place [`target`] checked) atomically, as
/// [`write_with`] does, but without syncing it to disk: for a file that may
/// be lost in a crash but must never be seen half written (annals' cache,
/// which a crash leaves failing its checksum).
pub(crate) fn write_unsynced(
    real: &Path,
    make: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    swap_in(real, Durability::Unsynced, make)
}

/// Writes a file that must not exist yet, whole or not at all: into a
/// temporary file beside it, then linked to its name, which fails rather
/// than replaces if something took the name meanwhile (`annals init`).
pub fn create(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.annals-new"));
    let _ = fs::remove_file(&tmp);
    let _tracked = interrupt::Temporary::track(&tmp);
    let result = fill(&tmp, |out| out.write_all(bytes)).and_then(|()| fs::hard_link(&tmp, path));
    let _ = fs::remove_file(&tmp);
    result
}

/// The process id in a temporary file name of ours, if `name` is one.
fn temporary_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, pid) = rest.rsplit_once(".annals-")?;
    pid.parse().ok()
}

/// Removes the temporary files of annals' own naming in `dir` whose process
/// is no longer running (left by a run that was killed). Returns what was
/// removed. Where running processes cannot be seen (no `/proc`), nothing is
/// removed.
pub fn remove_stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return Vec::new();
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temporary_owner) else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && !proc.join(pid.to_string()).exists() && fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb_in(dir: &Path) -> PathBuf {
        let kb = dir.join("kb");
        fs::create_dir(&kb).unwrap();
        kb
    }

    #[test]
    fn writes_replace_the_file_and_leave_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb_in(dir.path());
        let out = dir.path().join("out/x.svg");
        write(&out, b"one", &kb).unwrap();
        write(&out, b"two", &kb).unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("out")).unwrap().count(), 1);
    }

    /// An output written as it is made replaces the file only once whole:
    /// a failure halfway (a full disk, an interrupted export) leaves the old
    /// file as it was, and no temporary beside it.
    #[test]
    fn a_streamed_write_that_fails_halfway_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb_in(dir.path());
        let out = dir.path().join("out/x.json");
        write_with(&out, &kb, |w| w.write_all(b"[1, 2]")).unwrap();
        let err = write_with(&out, &kb, |w| {
            w.write_all(&[b' '; 1 << 17])?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(fs::read(&out).unwrap(), b"[1, 2]");
        assert_eq!(fs::read_dir(dir.path().join("out")).unwrap().count(), 1);
        write_with(&out, &kb, |w| w.write_all(b"[3]")).unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"[3]");
    }

    #[test]
    fn paths_inside_the_kb_are_refused_even_through_missing_folders() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb_in(dir.path());
        for path in [
            kb.join("sub/../a.ron"),
            dir.path().join("missing/../kb/a.ron"),
            dir.path().join("a/b/../../kb/a.ron"),
        ] {
            let err = write(&path, b"x", &kb).unwrap_err();
            assert!(matches!(err, WriteError::InsideKb(..)), "{path:?}: {err}");
        }
        assert!(!kb.join("a.ron").exists());
        assert!(!dir.path().join("missing").exists() && !dir.path().join("a").exists());
    }

    #[test]
    fn resolving_follows_links_and_dotdot_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(real.join("deep/er")).unwrap();
        std::os::unix::fs::symlink(real.join("deep/er"), real.join("link")).unwrap();
        // `link/..` is `deep`, not the folder holding `link`.
        assert_eq!(
            resolve(&real.join("link/../x")).unwrap(),
            real.join("deep/x")
        );
        assert_eq!(
            resolve(&real.join("no/./such/../y")).unwrap(),
            real.join("no/y")
        );
    }

    #[test]
    fn replacing_keeps_permissions_and_refuses_a_file_changed_meanwhile() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.ron");
        fs::write(&file, "\u{feff}old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        replace(&file, dir.path(), b"new", "old").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let err = replace(&file, dir.path(), b"newer", "old").unwrap_err();
        assert!(matches!(err, WriteError::Changed(_)), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_kb_file_linked_outside_the_kb_folder_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb_in(dir.path());
        let outside = dir.path().join("elsewhere.ron");
        fs::write(&outside, "old").unwrap();
        std::os::unix::fs::symlink(&outside, kb.join("linked.ron")).unwrap();
        let err = replace(&kb.join("linked.ron"), &kb, b"new", "old").unwrap_err();
        assert!(matches!(err, WriteError::OutsideKb(..)), "{err}");
        assert!(err.to_string().contains("outside the KB folder"), "{err}");
        assert_eq!(fs::read(&outside).unwrap(), b"old");
        // A link to a file inside the KB folder is followed.
        fs::write(kb.join("real.ron"), "old").unwrap();
        std::os::unix::fs::symlink("real.ron", kb.join("alias.ron")).unwrap();
        replace(&kb.join("alias.ron"), &kb, b"new", "old").unwrap();
        assert_eq!(fs::read(kb.join("real.ron")).unwrap(), b"new");
        assert!(fs::symlink_metadata(kb.join("alias.ron"))
            .unwrap()
            .is_symlink());
    }

    #[test]
    fn odd_targets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let kb = kb_in(dir.path());
        fs::create_dir(dir.path().join("folder")).unwrap();
        let err = write(&dir.path().join("folder"), b"x", &kb).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        let err = write(Path::new("/dev/null"), b"x", &kb).unwrap_err();
        assert!(err.to_string().contains("is a device"), "{err}");
    }

    #[test]
    fn temporary_names_stay_short_and_are_recognised() {
        let dir = Path::new("/x");
        let tmp = temporary(&dir.join("n".repeat(255)), dir);
        let name = tmp.file_name().unwrap().to_str().unwrap();
        assert!(name.len() < 60, "{name}");
        assert_eq!(temporary_owner(name), Some(std::process::id()));
        assert_eq!(temporary_owner(".a.svg.annals-12.tmp"), Some(12));
        assert_eq!(temporary_owner(".keep.tmp"), None);
        assert_eq!(temporary_owner("x.annals-1.tmp"), None);
    }
}
