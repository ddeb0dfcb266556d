//! Finding the KB's files: every `*.ron` below the KB folder, recursively, in
//! sorted path order. Hidden entries are skipped; symlinks are followed, with
//! loops and dangling links reported rather than followed forever; anything
//! that is neither a regular file nor a folder (a FIFO named `x.ron`) is
//! reported, never opened.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::LoadError;

/// How deep folders may nest below the KB folder.
const MAX_DEPTH: usize = 64;

/// What discovery found: readable candidates and paths it could not use.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    pub problems: Vec<(PathBuf, String)>,
}

/// Lists the `.ron` files below `root`, sorted.
pub fn discover(root: &Path) -> Result<Found, LoadError> {
    let meta = fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(root.to_path_buf()),
        _ => LoadError::Unreadable(root.to_path_buf(), e.to_string()),
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADirectory(root.to_path_buf()));
    }
    let mut found = Found::default();
    let mut ancestors = HashSet::new();
    walk(root, 0, &mut ancestors, &mut found);
    Ok(found)
}

fn walk(dir: &Path, depth: usize, ancestors: &mut HashSet<PathBuf>, found: &mut Found) {
    let canonical = match fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) => {
            found.problems.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    if !ancestors.insert(canonical.clone()) {
        found.problems.push((
            dir.to_path_buf(),
            "symlink loop: this folder contains itself".into(),
        ));
        return;
    }
    if depth > MAX_DEPTH {
        found.problems.push((
            dir.to_path_buf(),
            format!("folders nest deeper than {MAX_DEPTH} levels"),
        ));
        ancestors.remove(&canonical);
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            found.problems.push((dir.to_path_buf(), e.to_string()));
            ancestors.remove(&canonical);
            return;
        }
    };
    let mut names: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| !n.to_string_lossy().starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, depth + 1, ancestors, found),
            Ok(m) if m.is_file() => {
                if is_ron(&path) {
                    found.files.push(path);
                }
            }
            Ok(_) => {
                if is_ron(&path) {
                    found.problems.push((path, "not a regular file".into()));
                }
            }
            Err(e) => {
                // A dangling symlink or a loop of file links.
                if is_ron(&path) || fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) {
                    found.problems.push((path, e.to_string()));
                }
            }
        }
    }
    ancestors.remove(&canonical);
}

fn is_ron(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ron")
}
