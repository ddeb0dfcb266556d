//! Pictures: graph views laid out by Graphviz's `dot`, and the timeline,
//! which annals lays out and draws itself (SVG), rasterising PNG in-process
//! with a bundled font, so it needs neither Graphviz nor system fonts.

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
    #[error("Graphviz failed: {0}")]
    Graphviz(String),
    #[error("cannot rasterise the SVG: {0}")]
    Raster(String),
    #[error("the timeline is drawn as SVG or PNG; for PDF use --engine graphviz")]
    Unsupported,
}

/// A 64-bit FNV-1a hash, to mark which DOT source a Graphviz picture was
/// drawn from (not for security).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
