//! What annals makes from a KB, typed once: a [`Format`], the [`View`] it
//! draws and the [`Engine`] that lays it out. `export`, `render` and the
//! exports manifest of `build` all name their outputs with these types, and
//! [`Artifact::plan`] is the one place that says which combinations exist
//! and which engine draws which view.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::escape::Cells;
use crate::export;
pub use crate::export::View;
use crate::kb::Kb;
use crate::model::Zone;
use crate::query::Filter;
use crate::render::{self, graphviz, ImageFormat, RenderError};

/// Every format annals writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, clap::ValueEnum)]
pub enum Format {
    /// Graphviz DOT of a view
    Dot,
    /// Mermaid: a flowchart of responses, or a timeline
    Mermaid,
    /// the whole resolved KB as one JSON document (schema annals/3)
    Json,
    /// one JSON record per line, with a type field
    Jsonl,
    /// a folder of CSV tables
    Csv,
    /// GraphML for Gephi, yEd, NetworkX
    Graphml,
    /// schema.org JSON-LD
    Jsonld,
    /// TimelineJS 3's JSON, for newsrooms that embed it
    Timelinejs,
    /// one self-contained interactive page (no network)
    Html,
    /// an SVG picture
    Svg,
    /// a PNG picture
    Png,
    /// a PDF picture (Graphviz)
    Pdf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Graphml => "graphml",
            Format::Jsonld => "jsonld",
            Format::Timelinejs => "timelinejs",
            Format::Html => "html",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
        }
    }

    /// The picture format, for images.
    pub fn image(self) -> Option<ImageFormat> {
        match self {
            Format::Svg => Some(ImageFormat::Svg),
            Format::Png => Some(ImageFormat::Png),
            Format::Pdf => Some(ImageFormat::Pdf),
            _ => None,
        }
    }

    /// Formats that carry the (filtered) KB itself rather than a view of it.
    pub fn is_data(self) -> bool {
        matches!(
            self,
            Format::Json
                | Format::Jsonl
                | Format::Csv
                | Format::Graphml
                | Format::Jsonld
                | Format::Timelinejs
                | Format::Html
        )
    }

    /// The format a file name's extension names (`.gv` is DOT, `.mmd`
    /// Mermaid, `.ndjson` JSON Lines). A CSV export is a folder: no extension
    /// names it.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "dot" | "gv" => Format::Dot,
            "mmd" | "mermaid" => Format::Mermaid,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "graphml" => Format::Graphml,
            "jsonld" => Format::Jsonld,
            "html" | "htm" => Format::Html,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }
}

/// Who lays a picture out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
pub enum Engine {
    /// annals' own time-proportional timeline (SVG, PNG)
    Native,
    /// Graphviz's dot, from the DOT export
    Graphviz,
}

impl Engine {
    /// The engine that draws a view unless another is asked for: annals
    /// draws the timeline itself, Graphviz lays out the graphs.
    pub fn default_for(view: View) -> Engine {
        match view {
            View::Timeline => Engine::Native,
            View::Responses | View::Actors | View::Kb => Engine::Graphviz,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Graphviz => "graphviz",
        }
    }
}

/// An output as asked for: a format, and the view and engine when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Artifact {
    pub format: Format,
    pub view: Option<View>,
    pub engine: Option<Engine>,
}

/// An output that exists: every part decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub format: Format,
    pub view: View,
    pub engine: Engine,
}

impl Plan {
    /// Whether the output is annals' own timeline picture, the one that
    /// draws a title, subtitle and credit ([`render::timeline::Caption`])
    /// at a width.
    pub fn draws_caption(self) -> bool {
        self.engine == Engine::Native
            && self.view == View::Timeline
            && self.format.image().is_some()
    }

    /// Whether the output has a title, subtitle and credit: the timeline
    /// picture, and the page.
    pub fn has_caption(self) -> bool {
        self.draws_caption() || self.format == Format::Html
    }
}

/// A combination annals does not make.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ComboError(String);

impl Artifact {
    /// Decides the view and engine, or says why this combination does not
    /// exist and which do.
    ///
    /// ```
    /// use annals::artifact::{Artifact, Engine, Format, View};
    /// let plan = Artifact { format: Format::Png, view: Some(View::Timeline), engine: None }.plan().unwrap();
    /// assert_eq!(plan.engine, Engine::Native);
    /// let err = Artifact { format: Format::Mermaid, view: Some(View::Actors), engine: None }.plan().unwrap_err();
    /// assert!(err.to_string().contains("responses, timeline"));
    /// ```
    pub fn plan(self) -> Result<Plan, ComboError> {
        let f = self.format.as_str();
        if self.format.is_data() {
            if let Some(view) = self.view {
                return Err(ComboError(format!(
                    "{f} carries the whole (filtered) KB, not a view: drop `--view {}` (views are drawn by dot, mermaid, svg, png and pdf)",
                    view.as_str()
                )));
            }
            if self.engine.is_some() && self.format != Format::Html {
                return Err(ComboError(format!(
                    "{f} is not laid out by an engine: drop --engine (only the html page's response graph has one)"
                )));
            }
            return Ok(Plan {
                format: self.format,
                view: View::Kb,
                engine: self.engine.unwrap_or(Engine::Native),
            });
        }
        let view = self.view.unwrap_or(View::Responses);
        let v = view.as_str();
        match self.format {
            Format::Mermaid if matches!(view, View::Actors | View::Kb) => {
                return Err(ComboError(format!(
                    "mermaid draws the views responses, timeline; for the {v} view use dot, svg, png or pdf"
                )))
            }
            Format::Dot | Format::Mermaid if self.engine.is_some() => {
                return Err(ComboError(format!(
                    "{f} is text, not laid out by an engine: drop --engine"
                )))
            }
            _ => {}
        }
        let engine = self.engine.unwrap_or(Engine::default_for(view));
        if engine == Engine::Native && self.format.image().is_some() {
            if view != View::Timeline {
                return Err(ComboError(format!(
                    "annals draws only the timeline itself; the {v} view is laid out by Graphviz (--engine graphviz)"
                )));
            }
            if self.format == Format::Pdf {
                return Err(ComboError(
                    "annals draws the timeline as svg or png; for pdf use --engine graphviz".into(),
                ));
            }
        }
        Ok(Plan {
            format: self.format,
            view,
            engine,
        })
    }
}

/// An output made in memory, before it is written.
pub enum Made {
    /// Bytes annals made itself: written and compared as they are.
    Bytes(Vec<u8>),
    /// A Graphviz picture: its DOT source, drawn only when written.
    Graphviz(String, ImageFormat),
    /// A PNG of annals' own SVG, rasterised only when written: the command
    /// can let the KB go first (the picture is 4 bytes a pixel).
    Raster(String),
    /// A folder of named files (CSV tables).
    Tables(Vec<(&'static str, String)>),
    /// The interactive page with Graphviz's response graph: the page before
    /// and after the graph, and the graph's DOT, drawn only when written.
    Page {
        head: Vec<u8>,
        dot: String,
        tail: Vec<u8>,
    },
}

/// What making an output needs beyond the KB and the filter.
#[derive(Debug, Clone)]
pub struct Options {
    /// The base of JSON-LD IRIs.
    pub base_iri: String,
    /// How long Graphviz may take to draw one picture.
    pub graphviz_timeout: Duration,
    /// The zone of the timeline picture's axis; the KB's when `None`.
    pub zone: Option<Zone>,
    /// What the CSV tables' cells hold: exact text unless asked otherwise.
    pub cells: Cells,
    /// The timeline picture's title, subtitle and credit.
    pub caption: render::timeline::Caption,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            base_iri: export::jsonld::BASE.to_owned(),
            graphviz_timeout: graphviz::DEFAULT_TIMEOUT,
            zone: None,
            cells: Cells::Exact,
            caption: render::timeline::Caption::default(),
        }
    }
}

/// The formats written straight to their file or to stdout as they are
/// made (record by record, DOT statement by statement; TimelineJS as one value): an output larger than
/// the KB (a KB's JSON is several times its RON) is never held whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    Dot(View),
    /// The page with annals' own response graph (Graphviz's drawing is
    /// made before the page is written around it).
    Html,
    Graphml,
    Json,
    Jsonl,
    Jsonld,
    Timelinejs,
}

impl Streamed {
    /// How `plan` is written, if it is streamed.
    pub fn of(plan: Plan) -> Option<Streamed> {
        match plan.format {
            Format::Dot => Some(Streamed::Dot(plan.view)),
            Format::Html if plan.engine == Engine::Native => Some(Streamed::Html),
            Format::Graphml => Some(Streamed::Graphml),
            Format::Json => Some(Streamed::Json),
            Format::Jsonl => Some(Streamed::Jsonl),
            Format::Jsonld => Some(Streamed::Jsonld),
            Format::Timelinejs => Some(Streamed::Timelinejs),
            _ => None,
        }
    }
}

/// Writes the streamed output `how` of the filtered KB to `out`.
pub fn stream(
    kb: &Kb,
    how: Streamed,
    filter: &Filter,
    options: &Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let records = || export::records(kb, filter);
    let zone = options.zone.unwrap_or(kb.settings.zone);
    match how {
        Streamed::Dot(view) => export::dot::write(kb, view, filter, out),
        Streamed::Html => {
            let (caption, graph) = (&options.caption, export::html::Graph::Own);
            export::html::write(kb, &records(), filter, zone, caption, graph, out)
        }
        Streamed::Graphml => export::graphml::write(kb, &records(), out),
        Streamed::Json => export::json::write_json(kb, &records(), out),
        Streamed::Jsonl => export::json::write_jsonl(kb, &records(), out),
        Streamed::Jsonld => export::jsonld::write(kb, &records(), &options.base_iri, out),
        Streamed::Timelinejs => export::timelinejs::write(kb, &records(), zone, out),
    }
}

/// Writes the CSV tables of the filtered KB one file after another:
/// `file` is given each file's name and what writes it (see
/// [`export::csv::write_each`]).
pub fn write_tables<E>(
    kb: &Kb,
    filter: &Filter,
    options: &Options,
    file: impl FnMut(
        &'static str,
        &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), E>,
) -> Result<(), E> {
    export::csv::write_each(kb, &export::records(kb, filter), options.cells, file)
}

/// Makes `plan` from the filtered KB.
pub fn make(kb: &Kb, plan: Plan, filter: &Filter, options: &Options) -> Result<Made, RenderError> {
    let records = || export::records(kb, filter);
    let text = |s: String| Ok(Made::Bytes(s.into_bytes()));
    let written = |write: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        write(&mut out).map_err(|e| RenderError::Io(e.to_string()))?;
        Ok(Made::Bytes(out))
    };
    let whole = |how| written(&|out| stream(kb, how, filter, options, out));
    match plan.format {
        Format::Dot => whole(Streamed::Dot(plan.view)),
        Format::Mermaid => text(export::mermaid::export(kb, plan.view, filter)),
        Format::Json => whole(Streamed::Json),
        Format::Jsonl => whole(Streamed::Jsonl),
        Format::Jsonld => whole(Streamed::Jsonld),
        Format::Graphml => whole(Streamed::Graphml),
        Format::Timelinejs => whole(Streamed::Timelinejs),
        Format::Html if plan.engine == Engine::Native => whole(Streamed::Html),
        Format::Html => {
            // The page around Graphviz's drawing, which is made later.
            let zone = options.zone.unwrap_or(kb.settings.zone);
            let graph = export::html::Graph::Graphviz;
            let page = written(&|out| {
                let r = records();
                export::html::write(kb, &r, filter, zone, &options.caption, graph, out)
            })?;
            match page {
                Made::Bytes(page) => {
                    let here = export::html::GRAPHVIZ_HERE.as_bytes();
                    let at = page
                        .windows(here.len())
                        .position(|w| w == here)
                        .unwrap_or(page.len());
                    Ok(Made::Page {
                        head: page[..at].to_vec(),
                        dot: export::dot::export(kb, View::Responses, filter),
                        tail: page[(at + here.len()).min(page.len())..].to_vec(),
                    })
                }
                page => Ok(page),
            }
        }
        Format::Csv => Ok(Made::Tables(export::csv::tables(
            kb,
            &records(),
            options.cells,
        ))),
        Format::Svg | Format::Png | Format::Pdf => {
            let image = plan.format.image().unwrap_or(ImageFormat::Svg);
            if plan.engine == Engine::Graphviz {
                return Ok(Made::Graphviz(
                    export::dot::export(kb, plan.view, filter),
                    image,
                ));
            }
            let zone = options.zone.unwrap_or(kb.settings.zone);
            let svg = render::timeline::svg(kb, filter, zone, &options.caption);
            match image {
                ImageFormat::Png => Ok(Made::Raster(svg)),
                _ => text(svg),
            }
        }
    }
}

impl Made {
    /// The bytes of a single-file output, drawing a Graphviz picture now.
    pub fn into_bytes(self, options: &Options) -> Result<Vec<u8>, RenderError> {
        match self {
            Made::Bytes(bytes) => Ok(bytes),
            Made::Raster(svg) => render::png::from_svg(&svg, render::png::SCALE),
            Made::Graphviz(dot, format) => graphviz::render(&dot, format, options.graphviz_timeout),
            Made::Page { head, dot, tail } => {
                let svg = graphviz::render(&dot, ImageFormat::Svg, options.graphviz_timeout)?;
                Ok([head, graphviz::for_page(&svg, &dot), tail].concat())
            }
            Made::Tables(_) => Err(RenderError::Io(
                "csv makes a folder of tables, not one file: give the folder with -o DIR".into(),
            )),
        }
    }
}
