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

/// The scale PNGs are drawn at: sharp on most screens.
pub const SCALE: f32 = 2.0;

/// Rasterises `svg` at `scale` ([`SCALE`] for a sharp picture on most
/// screens).
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
    drop(tree);
    encode(&pixmap).map_err(|e| RenderError::Raster(e.to_string()))
}

/// The PNG of `pixmap`, byte for byte as `Pixmap::encode_png` writes it.
/// A picture drawn on white is opaque: its pixels are their own
/// demultiplied colours, and are encoded as they are, where
/// `encode_png` copies the whole picture first (4 bytes a pixel: 35 MB
/// for the timeline of 200,000 statements).
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    if pixmap.pixels().iter().any(|p| p.alpha() != u8::MAX) {
        return pixmap.encode_png();
    }
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixmap.data())?;
    writer.finish()?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opaque or not, a picture is encoded as `encode_png` encodes it.
    #[test]
    fn encoded_as_tiny_skia_encodes() {
        let mut pixmap = tiny_skia::Pixmap::new(7, 5).unwrap();
        pixmap.fill(tiny_skia::Color::from_rgba8(200, 30, 90, 255));
        assert_eq!(encode(&pixmap).unwrap(), pixmap.encode_png().unwrap());
        pixmap.fill(tiny_skia::Color::from_rgba8(200, 30, 90, 100));
        assert_eq!(encode(&pixmap).unwrap(), pixmap.encode_png().unwrap());
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect x="3.3" y="2.1" width="20" height="9.5" fill="red" fill-opacity="0.4"/></svg>"#;
        let png = from_svg(svg, SCALE).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (80, 60));
    }
}
