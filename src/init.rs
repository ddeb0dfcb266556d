//! `annals init`: a new KB folder ready for git and CI. Settings documented
//! inline, shared actors, one example story, an exports manifest that needs
//! nothing but annals, and a GitHub Actions workflow that runs `check
//! --format github` and `build --check`. It never overwrites anything: if
//! any of its files exists, or the KB folder holds anything, it writes
//! nothing and names them.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files `init` writes, relative to the folder it is given.
pub const FILES: &[(&str, &str)] = &[
    ("kb/annals.ron", include_str!("init/annals.ron")),
    ("kb/actors.ron", include_str!("init/actors.ron")),
    ("kb/stories/example.ron", include_str!("init/example.ron")),
    ("exports/exports.ron", include_str!("init/exports.ron")),
    (
        ".github/workflows/annals.yml",
        include_str!("init/annals.yml"),
    ),
];

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{} already exist{}; init never overwrites anything: start in a new folder (annals init DIR)", list(.0), if .0.len() == 1 { "s" } else { "" })]
    Exists(Vec<PathBuf>),
    #[error("cannot write `{}`: {}", crate::escape::shown_path(.0), .1)]
    Io(PathBuf, io::Error),
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("`{}`", crate::escape::shown_path(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes a new KB into `dir` (made if missing); returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let mut taken: Vec<PathBuf> = FILES
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.symlink_metadata().is_ok())
        .collect();
    // A KB folder that holds anything is someone's KB already.
    let kb = dir.join("kb");
    if fs::read_dir(&kb).is_ok_and(|mut entries| entries.next().is_some()) {
        taken.retain(|p| !p.starts_with(&kb));
        taken.insert(0, kb);
    }
    if !taken.is_empty() {
        return Err(InitError::Exists(taken));
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        crate::atomic::create(&path, text.as_bytes())
            .map_err(|e| InitError::Io(path.clone(), e))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_kb_loads_without_a_problem() {
        let files: Vec<(&str, &[u8])> = FILES
            .iter()
            .filter(|(rel, _)| rel.starts_with("kb/") && !rel.ends_with("annals.ron"))
            .map(|(rel, text)| (*rel, text.as_bytes()))
            .collect();
        let loaded = crate::Kb::load_files(&files);
        assert!(
            loaded.load_findings().is_empty(),
            "{:?}",
            loaded.load_findings()
        );
        assert_eq!(loaded.kb.statements.len(), 2);
    }
}
