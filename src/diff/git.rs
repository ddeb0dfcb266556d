//! Reading a KB folder as it was at a git revision, through the `git`
//! command: `ls-tree` lists the folder's files and one `cat-file --batch`
//! reads them, one at a time as they are wanted. Both only read the object store: the working tree and
//! the index are never touched.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, PoisonError};

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
    /// out, as when reading a folder), named as the working tree's are,
    /// each with the object that holds its text.
    pub fn files(&self, commit: &str) -> Result<Vec<Listed>, GitError> {
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
        let settings = crate::load::SETTINGS_FILE;
        Ok(wanted
            .into_iter()
            .map(|(rel, object)| {
                let path = self.shown.join(&rel);
                Listed {
                    name: path
                        .to_string_lossy()
                        .trim_start_matches("./")
                        .replace('\\', "/"),
                    settings: rel == settings,
                    path,
                    object,
                }
            })
            .collect())
    }

    /// A reader of this repository's objects, for the texts of the files
    /// [`Repo::files`] lists.
    pub fn blobs(&self) -> Result<Blobs, GitError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::NoGit)?;
        let stdin = child.stdin.take().expect("piped");
        let out = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Blobs {
            talk: Mutex::new(Some(Talk { child, stdin, out })),
        })
    }
}

/// A KB file at a revision.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its name as the working tree's file at its place is shown.
    pub name: String,
    pub path: PathBuf,
    /// Whether it is the settings file.
    pub settings: bool,
    /// The blob holding its text.
    pub object: String,
}

/// One `git cat-file --batch` process, asked for one object at a time
/// (from any thread, in turn), so that a revision's files are read as a
/// load parses them, not all held at once.
pub struct Blobs {
    /// `None` once an answer could not be read: the conversation is lost.
    talk: Mutex<Option<Talk>>,
}

struct Talk {
    child: Child,
    stdin: ChildStdin,
    out: BufReader<ChildStdout>,
}

impl Blobs {
    /// The bytes of the blob `object`.
    pub fn read(&self, object: &str) -> Result<Vec<u8>, GitError> {
        let failed = |what: &str| GitError::Failed("cat-file".into(), what.into());
        let mut talk = self.talk.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(t) = talk.as_mut() else {
            return Err(failed("an earlier answer could not be read"));
        };
        let answer = Self::ask(t, object);
        if answer.is_err() {
            if let Some(mut lost) = talk.take() {
                let _ = lost.child.kill();
                let _ = lost.child.wait();
            }
        }
        answer.map_err(|e| failed(&e))
    }

    fn ask(t: &mut Talk, object: &str) -> Result<Vec<u8>, String> {
        // git flushes each answer (no --buffer), so one question at a time
        // cannot block either side.
        writeln!(t.stdin, "{object}")
            .and_then(|()| t.stdin.flush())
            .map_err(|e| e.to_string())?;
        let mut header = String::new();
        t.out.read_line(&mut header).map_err(|e| e.to_string())?;
        let header = header.trim_end();
        let size: usize = match header.rsplit_once(' ') {
            Some((_, size)) if !header.ends_with(" missing") => {
                size.parse().map_err(|_| header.to_owned())?
            }
            _ => return Err(format!("no object {}", crate::escape::shown(header))),
        };
        let mut bytes = vec![0; size];
        t.out.read_exact(&mut bytes).map_err(|e| e.to_string())?;
        let mut newline = [0u8; 1];
        t.out.read_exact(&mut newline).map_err(|e| e.to_string())?;
        Ok(bytes)
    }
}

impl Drop for Blobs {
    fn drop(&mut self) {
        let talk = self.talk.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(Talk {
            mut child, stdin, ..
        }) = talk.take()
        {
            // Its input closed, git ends.
            drop(stdin);
            let _ = child.wait();
        }
    }
}
