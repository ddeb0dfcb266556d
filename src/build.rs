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

use crate::atomic;
use crate::escape::{shown, shown_path};
use crate::export::{self, View};
use crate::kb::Kb;
use crate::load::spanned::{parse_with_spans, Spanned};
use crate::query::{FilterError, FilterSpec};
use crate::render::{self, fingerprint, graphviz, ImageFormat, RenderError};
use crate::source_map::{SourceMap, Span};

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
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the manifest's folder, normalised (no `.` or `..`).
    pub file: PathBuf,
    /// Where the output is written in the manifest (`exports/exports.ron:3:22`).
    pub at: String,
    pub view: ViewName,
    pub format: Format,
    pub filter: FilterSpec,
    pub engine: Engine,
}

/// An output as written, with the position of its file name.
#[derive(Deserialize)]
#[serde(rename = "Output", deny_unknown_fields)]
struct RawOutput {
    file: Spanned<String>,
    view: ViewName,
    format: Format,
    #[serde(default)]
    filter: FilterSpec,
    #[serde(default)]
    engine: Engine,
}

#[derive(Deserialize)]
#[serde(rename = "Exports", deny_unknown_fields)]
struct RawManifest {
    outputs: Vec<RawOutput>,
}

/// A manifest, read and validated: every output is a distinct file inside
/// the manifest's folder.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The folder outputs are relative to.
    pub dir: PathBuf,
    pub outputs: Vec<Output>,
}

/// Why `build` could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot read the exports manifest `{}`: {}", shown_path(.0), .1)]
    Read(PathBuf, std::io::Error),
    #[error("the exports manifest is not valid:\n{}", .0.join("\n"))]
    Manifest(Vec<String>),
    #[error("{0}: {1}")]
    Filter(String, FilterError),
    #[error("`{}`: {}", shown_path(.0), .1)]
    Render(PathBuf, RenderError),
    #[error("`{}`: a {} picture is drawn by Graphviz and cannot be checked for freshness; list it as Svg", shown_path(.0), .1)]
    Unverifiable(PathBuf, &'static str),
    #[error(transparent)]
    Write(#[from] crate::atomic::WriteError),
}

/// An output's file name, normalised, or why it cannot be one: it must be
/// relative, stay inside the manifest's folder and name a file.
fn normalise(file: &str) -> Result<PathBuf, &'static str> {
    use std::path::Component;
    if file.is_empty() {
        return Err("the file name is empty");
    }
    let mut out = PathBuf::new();
    for component in Path::new(file).components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Err("is absolute; outputs are relative to the manifest's folder")
            }
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return Err("leaves the folder of the manifest; outputs stay inside it");
                }
            }
            Component::Normal(name) => out.push(name),
        }
    }
    if out.as_os_str().is_empty() {
        return Err("names no file (it is the manifest's folder)");
    }
    Ok(out)
}

impl Manifest {
    /// Reads a manifest file, reporting every output that cannot be written
    /// where it says: outside the manifest's folder, the manifest itself, or
    /// a file another output writes too.
    pub fn read(path: &Path) -> Result<Manifest, BuildError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| BuildError::Read(path.to_path_buf(), e))?;
        let mut sources = SourceMap::new();
        let name = path.to_string_lossy().into_owned();
        let file = sources.add(name.clone(), path, text);
        let text = &sources.get(file).text;
        let at = |range: std::ops::Range<usize>| {
            let (start, _) = sources.locate(Span::new(file, range));
            format!("{}:{}:{}", shown(&name), start.line, start.column)
        };
        let raw: RawManifest = parse_with_spans(text, 64).map_err(|failure| {
            let (range, message) = match &failure.inner {
                Some((code, range)) => (range.clone(), code.to_string()),
                None => {
                    let p = failure.error.span.start;
                    let line_col = format!("{}:{}:{}", shown(&name), p.line, p.col);
                    return BuildError::Manifest(vec![format!(
                        "{line_col}: {}",
                        crate::escape::shown(&failure.error.code.to_string())
                    )]);
                }
            };
            BuildError::Manifest(vec![format!(
                "{}: {}",
                at(range),
                crate::escape::shown(&message)
            )])
        })?;
        let own_name = path.file_name().map(PathBuf::from);
        let mut problems = Vec::new();
        let mut outputs: Vec<Output> = Vec::with_capacity(raw.outputs.len());
        for o in raw.outputs {
            let here = at(o.file.range.clone());
            let shown_file = shown(&o.file.value);
            let file = match normalise(&o.file.value) {
                Ok(file) => file,
                Err(why) => {
                    problems.push(format!("{here}: output `{shown_file}` {why}"));
                    continue;
                }
            };
            if Some(&file) == own_name.as_ref() {
                problems.push(format!(
                    "{here}: output `{shown_file}` is the manifest itself"
                ));
                continue;
            }
            if let Some(first) = outputs.iter().find(|earlier| earlier.file == file) {
                problems.push(format!(
                    "{here}: output `{shown_file}` is also written by the output at {}; each file is made by one output",
                    first.at
                ));
                continue;
            }
            outputs.push(Output {
                file,
                at: here,
                view: o.view,
                format: o.format,
                filter: o.filter,
                engine: o.engine,
            });
        }
        if !problems.is_empty() {
            return Err(BuildError::Manifest(problems));
        }
        Ok(Manifest {
            dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            outputs,
        })
    }

    /// Where an output is written.
    pub fn path_of(&self, output: &Output) -> PathBuf {
        self.dir.join(&output.file)
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
        .map_err(|e| BuildError::Filter(output.at.clone(), e))?;
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

/// Compares what an output should be with the file on disk. Only a regular
/// file is read, and no more of it than the comparison needs: a FIFO, a
/// device or a folder at the path is an error, never a hang.
pub fn freshness(made: &Made, path: &Path) -> Result<Freshness, BuildError> {
    /// Graphviz SVGs carry their mark near the top.
    const MARK_WITHIN: u64 = 4096;
    let limit = match made {
        Made::Bytes(bytes) => bytes.len() as u64,
        Made::Graphviz(..) => MARK_WITHIN,
    };
    let Some(on_disk) = atomic::read_regular(path, limit)? else {
        return Ok(Freshness::Missing);
    };
    let fresh = match made {
        Made::Bytes(bytes) => on_disk.len == bytes.len() as u64 && on_disk.head == *bytes,
        Made::Graphviz(dot, ImageFormat::Svg) => {
            graphviz::marked_fingerprint(&on_disk.head) == Some(fingerprint(dot.as_bytes()))
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
/// Graphviz gets at most `timeout` to draw it.
pub fn write(
    made: Made,
    path: &Path,
    kb_root: &Path,
    timeout: std::time::Duration,
) -> Result<bool, BuildError> {
    if let Made::Graphviz(_, f) = &made {
        if *f != ImageFormat::Svg {
            return Err(BuildError::Unverifiable(path.to_path_buf(), f.as_str()));
        }
    }
    // Refuse a bad target before any work is done for it.
    atomic::target(path, kb_root)?;
    if freshness(&made, path)? == Freshness::Fresh {
        return Ok(false);
    }
    let bytes = match made {
        Made::Bytes(b) => b,
        Made::Graphviz(dot, f) => graphviz::render(&dot, f, timeout)
            .map_err(|e| BuildError::Render(path.to_path_buf(), e))?,
    };
    atomic::write(path, &bytes, kb_root)?;
    Ok(true)
}
