//! Why a command could not do its job, and the exit status that says so.

use std::io;

/// A command's failure: every variant exits with status 2 (a query that
/// finds nothing where something was asked for, `path`, exits 1 without
/// failing).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Load(#[from] annals::LoadError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error(transparent)]
    UnknownId(#[from] annals::query::UnknownId),
    #[error(transparent)]
    Filter(#[from] annals::query::FilterError),
    #[error(transparent)]
    Combo(#[from] annals::artifact::ComboError),
    #[error(transparent)]
    Write(#[from] annals::atomic::WriteError),
    #[error(transparent)]
    Build(#[from] annals::build::BuildError),
    #[error(transparent)]
    Render(#[from] annals::render::RenderError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    BrokenKb(String),
}
