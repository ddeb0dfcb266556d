//! Pictures: graph views laid out by Graphviz's `dot`, and the timeline,
//! which annals lays out and draws itself (SVG), rasterising PNG in-process
//! with a bundled font, so it needs neither Graphviz nor system fonts.

pub mod font;
pub mod graphviz;
pub mod png;
pub mod timeline;

/// The image formats annals writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImageFormat {
    Svg,
    Png,
    Pdf,
}

impl ImageFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
            ImageFormat::Pdf => "pdf",
        }
    }

    /// The format a file name's extension names.
    pub fn from_path(path: &std::path::Path) -> Option<ImageFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(ImageFormat::Svg),
            "png" => Some(ImageFormat::Png),
            "pdf" => Some(ImageFormat::Pdf),
            _ => None,
        }
    }
}

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("Graphviz is needed to draw this view, and its `dot` command was not found. Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`), or draw the timeline, which needs no Graphviz")]
    GraphvizMissing,
    #[error("Graphviz failed: {}", crate::escape::terminal(.0))]
    Graphviz(String),
    #[error("Graphviz took more than {seconds} s; the graph has {nodes} nodes: try --view actors or a filter (--from, --actor, --event), or allow more time with ANNALS_GRAPHVIZ_TIMEOUT=<seconds>")]
    GraphvizTimeout { seconds: f64, nodes: usize },
    #[error("cannot rasterise the SVG: {0}")]
    Raster(String),
    #[error("cannot make the output: {0}")]
    Io(String),
}

pub(crate) use crate::fingerprint::fingerprint;
