//! Rasterising our SVG to PNG in-process with resvg and the bundled DejaVu
//! Sans, so PNGs look the same on every machine, with or without fonts.
//! (resvg draws no text, silently, when no font is loaded.)

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use super::RenderError;

/// DejaVu Sans, under the Bitstream Vera licence (assets/fonts).
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family name our SVGs ask for.
pub const FAMILY: &str = "DejaVu Sans";

/// Rasterises `svg` at `scale` (2.0 for a sharp picture on most screens).
pub fn from_svg(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(FONT.to_vec());
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    db.set_monospace_family(FAMILY);
    let options = usvg::Options {
        font_family: FAMILY.to_owned(),
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::Raster(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| RenderError::Raster("empty picture".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| RenderError::Raster("picture too large".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Raster(e.to_string()))
}
