//! Text measured with the bundled font (DejaVu Sans, [`super::png::FONT`]),
//! by its advance widths: the timeline places and cuts labels by the width
//! they will have when drawn, not by a guess per character.

use std::sync::OnceLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use unicode_width::UnicodeWidthChar;

/// Characters whose advance is looked up once: Latin, with its
/// supplements and extensions.
const TABLE: u32 = 0x250;

struct Metrics {
    font: FontRef<'static>,
    /// The advance of each of the first [`TABLE`] characters, in ems.
    table: Vec<f32>,
}

fn metrics() -> Option<&'static Metrics> {
    static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let font = FontRef::new(super::png::FONT).ok()?;
            let glyphs = font.glyph_metrics(Size::new(1.0), LocationRef::default());
            let charmap = font.charmap();
            let table = (0..TABLE).map(|c| advance(&charmap, &glyphs, c)).collect();
            Some(Metrics { font, table })
        })
        .as_ref()
}

/// The advance of `c` in ems; a character the font lacks (drawn by a
/// fallback font, if any) counts as wide as its terminal width says.
fn advance(
    charmap: &skrifa::charmap::Charmap<'_>,
    glyphs: &skrifa::metrics::GlyphMetrics<'_>,
    c: u32,
) -> f32 {
    let missing = || char::from_u32(c).and_then(|c| c.width()).unwrap_or(0) as f32 * 0.6;
    match charmap.map(c) {
        Some(g) if g.to_u32() != 0 => glyphs.advance_width(g).unwrap_or_else(missing),
        _ => missing(),
    }
}

/// The width of `text` drawn at `size` pixels in the bundled font.
///
/// ```
/// let w = annals::render::font::width("Not in good faith", 10.0);
/// assert!(w > 70.0 && w < 100.0, "{w}");
/// assert!(annals::render::font::width("iiii", 10.0) < annals::render::font::width("WWWW", 10.0));
/// ```
pub fn width(text: &str, size: f64) -> f64 {
    let Some(m) = metrics() else {
        return unicode_width::UnicodeWidthStr::width(text) as f64 * size * 0.6;
    };
    let mut rest: Option<(
        skrifa::charmap::Charmap<'_>,
        skrifa::metrics::GlyphMetrics<'_>,
    )> = None;
    let ems: f32 = text
        .chars()
        .map(|c| match m.table.get(c as usize) {
            Some(a) => *a,
            None => {
                let (charmap, glyphs) = rest.get_or_insert_with(|| {
                    (
                        m.font.charmap(),
                        m.font.glyph_metrics(Size::new(1.0), LocationRef::default()),
                    )
                });
                advance(charmap, glyphs, c as u32)
            }
        })
        .sum();
    f64::from(ems) * size
}
