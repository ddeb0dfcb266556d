//! `annals build`: regenerating the pictures and exports listed in a
//! manifest (`exports/exports.ron`), and checking that they are fresh.
//!
//! ```ron
//! Exports(
//!     outputs: [
//!         Output(file: "responses.svg", format: Svg, view: Responses),
//!         Output(file: "actors.svg", format: Svg, view: Actors, filter: (rollup: true)),
//!         Output(file: "timeline.png", format: Png, view: Timeline),
//!         Output(file: "kb.json", format: Json),
//!     ],
//! )
//! ```
//!
//! An output is any [`Format`] with its view and engine, as `export` and
//! `render` take them ([`Artifact`]); a CSV output is a folder of tables.
//! Files are written atomically. Outputs annals makes itself (DOT, Mermaid,
//! the data formats, the timeline's SVG and PNG) are byte-deterministic and
//! checked byte for byte; pictures drawn by Graphviz, whose bytes depend on its version, carry
//! the fingerprint of their DOT source, which is what the check compares.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::artifact::{self, Artifact, Engine, Format, Made, Options, Plan, View};
use crate::atomic;
use crate::escape::{shown, shown_path};
use crate::kb::Kb;
use crate::load::spanned::{parse_with_spans, Spanned};
use crate::model::Zone;
use crate::query::{FilterError, FilterSpec};
use crate::render::{fingerprint, graphviz, ImageFormat, RenderError};
use crate::source_map::{SourceMap, Span};

/// The manifest's default place, relative to the working directory.
pub const MANIFEST: &str = "exports/exports.ron";

/// One file to generate.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the manifest's folder, normalised (no `.` or `..`).
    pub file: PathBuf,
    /// Where the output is written in the manifest (`exports/exports.ron:3:22`).
    pub at: String,
    pub plan: Plan,
    pub filter: FilterSpec,
    /// The zone of a timeline picture's axis, when the output names one.
    pub time_zone: Option<Zone>,
    /// A timeline picture's title, subtitle and credit.
    pub caption: crate::render::timeline::Caption,
}

/// An output as written, with the position of its file name.
#[derive(Deserialize)]
#[serde(rename = "Output", deny_unknown_fields)]
struct RawOutput {
    file: Spanned<String>,
    format: Format,
    #[serde(default)]
    view: Option<View>,
    #[serde(default)]
    engine: Option<Engine>,
    #[serde(default)]
    filter: FilterSpec,
    #[serde(default)]
    time_zone: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    subtitle: Option<String>,
    #[serde(default)]
    credit: Option<String>,
    #[serde(default)]
    width: Option<u32>,
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
        let text = &sources.get(file).text();
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
            let here = at(o.file.range.into());
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
            let time_zone = match &o.time_zone {
                None => None,
                Some(tz) => match Zone::parse(&tz.value) {
                    Some(zone) => Some(zone),
                    None => {
                        problems.push(format!(
                            "{}: `{}` is not a time zone annals knows ({})",
                            at(tz.range.into()),
                            shown(&tz.value),
                            Zone::help_for(&tz.value)
                        ));
                        continue;
                    }
                },
            };
            let asked = Artifact {
                format: o.format,
                view: o.view,
                engine: o.engine,
            };
            use crate::render::timeline::{MAX_WIDTH, MIN_WIDTH};
            if let Some(w) = o.width.filter(|w| !(MIN_WIDTH..=MAX_WIDTH).contains(w)) {
                problems.push(format!(
                    "{here}: a width of {w} pixels; a picture is {MIN_WIDTH} to {MAX_WIDTH} wide"
                ));
                continue;
            }
            let caption = crate::render::timeline::Caption {
                title: o.title,
                subtitle: o.subtitle,
                credit: o.credit,
                width: o.width,
            };
            match asked.plan() {
                Ok(plan) if o.filter.all && !matches!(plan.view, View::Responses | View::Actors) => {
                    problems.push(format!(
                        "{here}: `all` draws the statements outside any exchange in the responses and actors views; this output has every statement already"
                    ))
                }
                Ok(plan) if !plan.draws_caption() && caption.width.is_some() => {
                    problems.push(format!(
                        "{here}: a width is the timeline picture's (svg or png), not this output's"
                    ))
                }
                Ok(plan) if !plan.has_caption() && caption != Default::default() => {
                    problems.push(format!(
                        "{here}: a title, subtitle or credit is the timeline picture's (svg or png) and the page's (html), not this output's"
                    ))
                }
                Ok(plan) => outputs.push(Output {
                    file,
                    at: here,
                    plan,
                    filter: o.filter,
                    time_zone,
                    caption,
                }),
                Err(e) => problems.push(format!("{here}: {e}")),
            }
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

/// Makes one output in memory.
pub fn make(kb: &Kb, output: &Output, options: &Options) -> Result<Made, BuildError> {
    let filter = output
        .filter
        .resolve(kb)
        .map_err(|e| BuildError::Filter(output.at.clone(), e))?;
    let options = Options {
        zone: output.time_zone.or(options.zone),
        caption: output.caption.clone(),
        ..options.clone()
    };
    artifact::make(kb, output.plan, &filter, &options)
        .map_err(|e| BuildError::Render(output.file.clone(), e))
}

/// The state of one output on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    Stale,
    Missing,
}

/// Compares what an output should be with what is on disk. Only regular
/// files are read, and no more of them than the comparison needs: a FIFO, a
/// device or a folder at the path is an error, never a hang.
pub fn freshness(made: &Made, path: &Path) -> Result<Freshness, BuildError> {
    /// Graphviz SVGs carry their mark near the top.
    const MARK_WITHIN: u64 = 4096;
    let compare = |path: &Path, bytes: &[u8]| -> Result<Freshness, BuildError> {
        Ok(match atomic::read_regular(path, bytes.len() as u64)? {
            None => Freshness::Missing,
            Some(disk) if disk.len == bytes.len() as u64 && disk.head == bytes => Freshness::Fresh,
            Some(_) => Freshness::Stale,
        })
    };
    match made {
        Made::Bytes(bytes) => compare(path, bytes),
        Made::Raster(svg) => {
            let png = crate::render::png::from_svg(svg, crate::render::png::SCALE)
                .map_err(|e| BuildError::Render(path.to_path_buf(), e))?;
            compare(path, &png)
        }
        Made::Tables(tables) => {
            let mut worst = Freshness::Fresh;
            for (name, text) in tables {
                match compare(&path.join(name), text.as_bytes())? {
                    Freshness::Fresh => {}
                    Freshness::Missing => return Ok(Freshness::Missing),
                    Freshness::Stale => worst = Freshness::Stale,
                }
            }
            Ok(worst)
        }
        Made::Graphviz(dot, ImageFormat::Svg) => {
            Ok(match atomic::read_regular(path, MARK_WITHIN)? {
                None => Freshness::Missing,
                Some(disk)
                    if graphviz::marked_fingerprint(&disk.head)
                        == Some(fingerprint(dot.as_bytes())) =>
                {
                    Freshness::Fresh
                }
                Some(_) => Freshness::Stale,
            })
        }
        Made::Graphviz(_, f) => Err(BuildError::Unverifiable(path.to_path_buf(), f.as_str())),
        Made::Page { head, dot, tail } => {
            // The page around the drawing byte for byte; the drawing by the
            // mark of its DOT.
            const DRAWING_AT_MOST: u64 = 64 << 20;
            let most = (head.len() + tail.len()) as u64 + DRAWING_AT_MOST;
            Ok(match atomic::read_regular(path, most)? {
                None => Freshness::Missing,
                Some(disk)
                    if disk.len == disk.head.len() as u64
                        && disk.head.len() >= head.len() + tail.len()
                        && disk.head.starts_with(head)
                        && disk.head.ends_with(tail)
                        && graphviz::marked_fingerprint(
                            &disk.head[head.len()..disk.head.len() - tail.len()],
                        ) == Some(fingerprint(dot.as_bytes())) =>
                {
                    Freshness::Fresh
                }
                Some(_) => Freshness::Stale,
            })
        }
    }
}

/// Writes an output if it is not fresh; returns whether it was written.
pub fn write(
    made: Made,
    path: &Path,
    kb_root: &Path,
    options: &Options,
) -> Result<bool, BuildError> {
    if let Made::Graphviz(_, f) = &made {
        if *f != ImageFormat::Svg {
            return Err(BuildError::Unverifiable(path.to_path_buf(), f.as_str()));
        }
    }
    // Refuse a bad target before any work is done for it.
    match &made {
        Made::Tables(_) => atomic::target_folder(path, kb_root)?,
        _ => atomic::target(path, kb_root)?,
    };
    // Drawn once, to compare and to write.
    let made = match made {
        Made::Raster(_) => Made::Bytes(
            made.into_bytes(options)
                .map_err(|e| BuildError::Render(path.to_path_buf(), e))?,
        ),
        made => made,
    };
    if freshness(&made, path)? == Freshness::Fresh {
        return Ok(false);
    }
    if let Made::Tables(tables) = &made {
        for (name, text) in tables {
            atomic::write(&path.join(name), text.as_bytes(), kb_root)?;
        }
        return Ok(true);
    }
    let bytes = made
        .into_bytes(options)
        .map_err(|e| BuildError::Render(path.to_path_buf(), e))?;
    atomic::write(path, &bytes, kb_root)?;
    Ok(true)
}
