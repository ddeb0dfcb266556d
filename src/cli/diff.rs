//! `annals diff [BASE [HEAD]]`: the story's changes between two revisions
//! (`annals::diff`), in the format asked for.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use annals::diff::git::Repo;
use annals::diff::{self, Side};
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
    let settings = kb.join(annals::load::SETTINGS_FILE);
    let short = |commit: &str| commit.chars().take(7).collect::<String>();
    let (base_label, base_commit) = match base {
        Some(rev) => {
            let commit = repo.commit(rev).map_err(usage)?;
            (format!("{rev} ({})", short(&commit)), commit)
        }
        None => {
            let (branch, commit) = repo.merge_base().map_err(usage)?;
            (
                format!("merge base with {branch} ({})", short(&commit)),
                commit,
            )
        }
    };
    let base_side = Side::from_texts(
        base_label,
        repo.files(&base_commit).map_err(usage)?,
        &settings,
    );
    let head_side = match head {
        Some(rev) => {
            let commit = repo.commit(rev).map_err(usage)?;
            Side::from_texts(
                format!("{rev} ({})", short(&commit)),
                repo.files(&commit).map_err(usage)?,
                &settings,
            )
        }
        None => {
            let loaded = match annals::Kb::load(kb) {
                Ok(loaded) => loaded,
                // No KB files in the working tree: every item was removed.
                Err(annals::LoadError::NoFiles(_)) => annals::Kb::load_texts(Vec::new()),
                Err(e) => return Err(e.into()),
            };
            Side::of("working tree".into(), loaded, &settings)
        }
    };
    let report = diff::compare(&base_side, &head_side);
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
