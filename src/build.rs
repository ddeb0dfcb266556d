//! `annals build`: regenerating the pictures and exports listed in a
//! manifest (`exports/exports.ron`), and checking that they are fresh.
//!
//! ```ron
//! Exports(
//!     outputs: [
//!         Output(file: "responses.svg", view: Responses, format: Svg),
//!         Output(file: "actors.svg", view: Actors, format: Svg, filter: (rollup: true)),
//!         Output(file: "timeline.png", view: Timeline, format: Png),
//!     ],
//! )
//! ```
//!
//! Files are written atomically. Outputs annals makes itself (DOT, Mermaid,
//! the timeline's SVG and PNG) are byte-deterministic and checked byte for
//! byte; pictures drawn by Graphviz, whose bytes depend on its version, carry
//! the fingerprint of their DOT source, which is what the check compares.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::export::{self, View};
use crate::kb::Kb;
use crate::query::{FilterError, FilterSpec};
use crate::render::{self, fingerprint, graphviz, ImageFormat, RenderError};

/// The manifest's default place, relative to the working directory.
pub const MANIFEST: &str = "exports/exports.ron";

/// The formats a manifest output can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Format {
    Dot,
    Mermaid,
    Svg,
    Png,
    Pdf,
}

/// The views, as written in a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ViewName {
    Responses,
    Actors,
    Timeline,
    Kb,
}

impl From<ViewName> for View {
    fn from(v: ViewName) -> View {
        match v {
            ViewName::Responses => View::Responses,
            ViewName::Actors => View::Actors,
            ViewName::Timeline => View::Timeline,
            ViewName::Kb => View::Kb,
        }
    }
}

/// Who lays the timeline out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Engine {
    /// annals' own time-proportional layout (timeline only).
    #[default]
    Native,
    /// Graphviz's `dot`, from the DOT export.
    Graphviz,
}

/// One file to generate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Relative to the manifest's folder.
    pub file: PathBuf,
    pub view: ViewName,
    pub format: Format,
    #[serde(default)]
    pub filter: FilterSpec,
    #[serde(default)]
    pub engine: Engine,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "Exports", deny_unknown_fields)]
pub struct Manifest {
    pub outputs: Vec<Output>,
}

/// Why `build` could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot read the exports manifest `{}`: {}", .0.display(), .1)]
    Read(PathBuf, std::io::Error),
    #[error("the exports manifest `{}` is not valid: {}", .0.display(), .1)]
    Parse(PathBuf, String),
    #[error("`{}`: {}", .0.display(), .1)]
    Filter(PathBuf, FilterError),
    #[error("`{}`: {}", .0.display(), .1)]
    Render(PathBuf, RenderError),
    #[error("`{}`: a {} picture is drawn by Graphviz and cannot be checked for freshness; list it as Svg", .0.display(), .1)]
    Unverifiable(PathBuf, &'static str),
    #[error(transparent)]
    Write(#[from] crate::atomic::WriteError),
}

impl Manifest {
    /// Reads a manifest file.
    pub fn read(path: &Path) -> Result<Manifest, BuildError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| BuildError::Read(path.to_path_buf(), e))?;
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&text)
            .map_err(|e| {
                BuildError::Parse(
                    path.to_path_buf(),
                    format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code),
                )
            })
    }
}

/// What an output is, before it is written.
pub enum Made {
    /// Bytes annals made itself: written and compared as they are.
    Bytes(Vec<u8>),
    /// A Graphviz picture: its DOT source (the picture is drawn only when
    /// written) in a format.
    Graphviz(String, ImageFormat),
}

/// Makes one output in memory.
pub fn make(kb: &Kb, output: &Output) -> Result<Made, BuildError> {
    let at = || output.file.clone();
    let filter = output
        .filter
        .resolve(kb)
        .map_err(|e| BuildError::Filter(at(), e))?;
    let view = View::from(output.view);
    let image = |f: Format| match f {
        Format::Svg => ImageFormat::Svg,
        Format::Png => ImageFormat::Png,
        _ => ImageFormat::Pdf,
    };
    Ok(match output.format {
        Format::Dot => Made::Bytes(export::dot::export(kb, view, &filter).into_bytes()),
        Format::Mermaid => Made::Bytes(export::mermaid::export(kb, view, &filter).into_bytes()),
        f if view == View::Timeline && output.engine == Engine::Native => match f {
            Format::Svg => Made::Bytes(render::timeline::svg(kb, &filter).into_bytes()),
            Format::Png => Made::Bytes(
                render::png::from_svg(&render::timeline::svg(kb, &filter), 2.0)
                    .map_err(|e| BuildError::Render(at(), e))?,
            ),
            _ => return Err(BuildError::Render(at(), RenderError::Unsupported)),
        },
        f => Made::Graphviz(export::dot::export(kb, view, &filter), image(f)),
    })
}

/// The state of one output on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    Stale,
    Missing,
}

/// Compares what an output should be with the file on disk.
pub fn freshness(made: &Made, path: &Path) -> Result<Freshness, BuildError> {
    let Ok(on_disk) = std::fs::read(path) else {
        return Ok(Freshness::Missing);
    };
    let fresh = match made {
        Made::Bytes(bytes) => *bytes == on_disk,
        Made::Graphviz(dot, ImageFormat::Svg) => {
            graphviz::marked_fingerprint(&on_disk) == Some(fingerprint(dot.as_bytes()))
        }
        Made::Graphviz(_, f) => {
            return Err(BuildError::Unverifiable(path.to_path_buf(), f.as_str()))
        }
    };
    Ok(if fresh {
        Freshness::Fresh
    } else {
        Freshness::Stale
    })
}

/// Writes an output if it is not fresh; returns whether it was written.
pub fn write(made: Made, path: &Path, kb_root: &Path) -> Result<bool, BuildError> {
    if let Made::Graphviz(_, f) = &made {
        if *f != ImageFormat::Svg {
            return Err(BuildError::Unverifiable(path.to_path_buf(), f.as_str()));
        }
    }
    if freshness(&made, path)? == Freshness::Fresh {
        return Ok(false);
    }
    let bytes = match made {
        Made::Bytes(b) => b,
        Made::Graphviz(dot, f) => {
            graphviz::render(&dot, f).map_err(|e| BuildError::Render(path.to_path_buf(), e))?
        }
    };
    crate::atomic::write(path, &bytes, kb_root)?;
    Ok(true)
}
