//! Reading a KB folder as it was at a git revision, through the `git`
//! command: `ls-tree` lists the folder's files and one `cat-file --batch`
//! reads them all. Both only read the object store: the working tree and
//! the index are never touched.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::load::Text;

/// Why a revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("annals diff reads revisions with the `git` command, which could not be run: {0}")]
    NoGit(std::io::Error),
    #[error("`{}` is not inside a git repository", crate::escape::shown_path(.0))]
    NotARepository(PathBuf),
    #[error("`{}` is not a revision of this repository (a branch, tag or commit)", crate::escape::shown(.0))]
    UnknownRevision(String),
    #[error("no default branch to compare with (no origin/HEAD, main or master); name the base: `annals diff BASE`")]
    NoDefaultBranch,
    #[error("git {0} failed: {1}")]
    Failed(String, String),
}

/// A repository and where the KB folder is in it.
#[derive(Debug, Clone)]
pub struct Repo {
    top: PathBuf,
    /// The KB folder, relative to the top, with `/` separators.
    kb: String,
    /// The KB folder as the user named it (names of files start with it).
    shown: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::NoGit)
}

fn stdout_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Repo {
    /// The repository holding the KB folder `kb`.
    pub fn of(kb: &Path) -> Result<Repo, GitError> {
        let real = std::fs::canonicalize(kb).map_err(|_| GitError::NotARepository(kb.into()))?;
        let out = git(&real, &["rev-parse", "--show-toplevel"])?;
        if !out.status.success() {
            return Err(GitError::NotARepository(kb.into()));
        }
        let top = std::fs::canonicalize(stdout_line(&out))
            .map_err(|_| GitError::NotARepository(kb.into()))?;
        let rel = real
            .strip_prefix(&top)
            .map_err(|_| GitError::NotARepository(kb.into()))?;
        let kb_rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Repo {
            top,
            kb: kb_rel,
            shown: kb.to_path_buf(),
        })
    }

    /// The commit `rev` names, as a full hash.
    pub fn commit(&self, rev: &str) -> Result<String, GitError> {
        if rev.starts_with('-') {
            return Err(GitError::UnknownRevision(rev.into()));
        }
        let out = git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )?;
        if !out.status.success() {
            return Err(GitError::UnknownRevision(rev.into()));
        }
        Ok(stdout_line(&out))
    }

    /// Where the current branch left the default branch (origin's HEAD,
    /// else `main`, else `master`): the base of a pull request.
    pub fn merge_base(&self) -> Result<(String, String), GitError> {
        let remote = git(
            &self.top,
            &["rev-parse", "--abbrev-ref", "--quiet", "origin/HEAD"],
        )?;
        let mut candidates = Vec::new();
        if remote.status.success() {
            candidates.push(stdout_line(&remote));
        }
        candidates.extend(["main".to_owned(), "master".to_owned()]);
        for branch in candidates {
            if self.commit(&branch).is_err() {
                continue;
            }
            let out = git(&self.top, &["merge-base", "HEAD", &branch])?;
            if out.status.success() {
                return Ok((branch, stdout_line(&out)));
            }
        }
        Err(GitError::NoDefaultBranch)
    }

    /// The KB's `.ron` files at `commit` (hidden files and folders left
    /// out, as when reading a folder), named as the working tree's are.
    pub fn files(&self, commit: &str) -> Result<Vec<Text>, GitError> {
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit];
        if !self.kb.is_empty() {
            args.extend(["--", self.kb.as_str()]);
        }
        let out = git(&self.top, &args)?;
        if !out.status.success() {
            return Err(GitError::Failed(
                "ls-tree".into(),
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
        let prefix = if self.kb.is_empty() {
            String::new()
        } else {
            format!("{}/", self.kb)
        };
        let mut wanted = Vec::new();
        for entry in out.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(_mode), Some(kind), Some(object)) = (meta.next(), meta.next(), meta.next())
            else {
                continue;
            };
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            if kind != "blob"
                || !rel.ends_with(".ron")
                || rel.split('/').any(|c| c.starts_with('.'))
            {
                continue;
            }
            wanted.push((rel.to_owned(), object.to_owned()));
        }
        wanted.sort();
        let blobs = self.read_blobs(wanted.iter().map(|(_, o)| o.as_str()))?;
        let settings = crate::load::SETTINGS_FILE;
        Ok(wanted
            .into_iter()
            .zip(blobs)
            .map(|((rel, _), bytes)| {
                let path = self.shown.join(&rel);
                Text {
                    name: path
                        .to_string_lossy()
                        .trim_start_matches("./")
                        .replace('\\', "/"),
                    settings: rel == settings,
                    path,
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                }
            })
            .collect())
    }

    /// The contents of `objects`, in order, by one `git cat-file --batch`.
    fn read_blobs<'a>(
        &self,
        objects: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<Vec<u8>>, GitError> {
        let input: String = objects.map(|o| format!("{o}\n")).collect();
        let count = input.lines().count();
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::NoGit)?;
        let mut stdin = child.stdin.take().expect("piped");
        // Written from another thread: git answers while it reads, and a
        // full pipe either way would otherwise stop both.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let failed = |what: &str| GitError::Failed("cat-file".into(), what.into());
        let mut blobs = Vec::with_capacity(count);
        for _ in 0..count {
            let mut header = String::new();
            out.read_line(&mut header)
                .map_err(|e| failed(&e.to_string()))?;
            let size: usize = header
                .trim_end()
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| failed(header.trim_end()))?;
            let mut bytes = vec![0; size];
            out.read_exact(&mut bytes)
                .map_err(|e| failed(&e.to_string()))?;
            let mut newline = [0u8; 1];
            out.read_exact(&mut newline)
                .map_err(|e| failed(&e.to_string()))?;
            blobs.push(bytes);
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(blobs)
    }
}
