//! `annals diff [BASE [HEAD]]`: the story's changes between two revisions
//! (`annals::diff`), in the format asked for.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use annals::diff::git::Repo;
use annals::diff::{self, DiffError, Files, Version};
use annals::escape::{Escaping, Stream};

use super::args::DiffFormat;
use super::Failure;

pub fn run(
    kb: &Path,
    base: Option<&str>,
    head: Option<&str>,
    format: DiffFormat,
) -> Result<ExitCode, Failure> {
    let repo = Repo::of(kb).map_err(usage)?;
    let short = |commit: &str| commit.chars().take(7).collect::<String>();
    let base = match base {
        Some(rev) => {
            let commit = repo.commit(rev).map_err(usage)?;
            Version {
                label: format!("{rev} ({})", short(&commit)),
                files: Files::Revision(&repo, commit),
            }
        }
        None => {
            let (branch, commit) = repo.merge_base().map_err(usage)?;
            Version {
                label: format!("merge base with {branch} ({})", short(&commit)),
                files: Files::Revision(&repo, commit),
            }
        }
    };
    let head = match head {
        Some(rev) => {
            let commit = repo.commit(rev).map_err(usage)?;
            Version {
                label: format!("{rev} ({})", short(&commit)),
                files: Files::Revision(&repo, commit),
            }
        }
        None => Version {
            label: "working tree".into(),
            files: Files::Folder(kb),
        },
    };
    let report = match diff::compare(base, head) {
        Ok(report) => report,
        Err(DiffError::Git(e)) => return Err(usage(e)),
        Err(DiffError::Load(e)) => return Err(e.into()),
        Err(e @ DiffError::Changed(_)) => return Err(Failure::Usage(e.to_string())),
    };
    let stdout = io::stdout();
    let mut out: Box<dyn Write> = match format {
        DiffFormat::Text | DiffFormat::Md if stdout.is_terminal() => {
            Box::new(Escaping::new(stdout.lock(), Stream::Terminal))
        }
        _ => Box::new(io::BufWriter::new(stdout.lock())),
    };
    match format {
        DiffFormat::Text => diff::write::text(&mut out, &report)?,
        DiffFormat::Md => diff::write::markdown(&mut out, &report)?,
        DiffFormat::Json => diff::write::json(&mut out, &report)?,
        DiffFormat::Github => diff::write::github(&mut out, &report)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn usage(e: annals::diff::git::GitError) -> Failure {
    Failure::Usage(e.to_string())
}
