//! Writing generated files safely: never into the KB folder, and atomically
//! (a temporary file beside the target, synced, then renamed over it), so an
//! interrupted run leaves the old file or the new one, never half of one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write `{}`: it is inside the KB folder `{}`, which annals never writes into", .0.display(), .1.display())]
    InsideKb(PathBuf, PathBuf),
    #[error("cannot write `{}`: {}", .0.display(), .1)]
    Io(PathBuf, io::Error),
}

/// The absolute, normalised form of a path that may not exist yet: its
/// existing ancestor is canonicalised and the rest appended.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        out.push(name);
    }
    out
}

/// Whether `path` lies inside the folder `kb`.
pub fn is_inside(path: &Path, kb: &Path) -> bool {
    absolute(path).starts_with(absolute(kb))
}

/// Writes `bytes` to `path` atomically, refusing paths inside `kb`.
pub fn write(path: &Path, bytes: &[u8], kb: &Path) -> Result<(), WriteError> {
    if is_inside(path, kb) {
        return Err(WriteError::InsideKb(path.to_path_buf(), kb.to_path_buf()));
    }
    let err = |e| WriteError::Io(path.to_path_buf(), e);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.annals-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_the_file_and_leave_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("kb");
        fs::create_dir(&kb).unwrap();
        let out = dir.path().join("out/x.svg");
        write(&out, b"one", &kb).unwrap();
        write(&out, b"two", &kb).unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("out")).unwrap().count(), 1);
    }

    #[test]
    fn paths_inside_the_kb_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("kb");
        fs::create_dir(&kb).unwrap();
        let err = write(&kb.join("sub/../a.ron"), b"x", &kb).unwrap_err();
        assert!(matches!(err, WriteError::InsideKb(..)));
        assert!(!kb.join("a.ron").exists());
    }
}
