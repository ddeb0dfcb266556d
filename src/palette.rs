//! Colours of the pictures, in one place: every renderer (DOT, SVG, Mermaid)
//! draws a stance in the same colour.

use crate::model::Stance;

/// The colour of a response with this stance.
pub fn stance(s: Stance) -> &'static str {
    match s {
        Stance::Rejects => "#c0392b",
        Stance::Disputes => "#8e44ad",
        Stance::Supports => "#1e8449",
        Stance::Qualifies => "#b9770e",
        Stance::Acknowledges => "#2874a6",
    }
}

/// Fill colours for speakers' clusters and lanes, cycled in lane order.
pub const LANES: &[&str] = &[
    "#eaf2f8", "#fdedec", "#e9f7ef", "#fef5e7", "#f4ecf7", "#e8f8f5", "#fbeee6", "#eaecee",
];

/// Marker and text colours.
pub const INK: &str = "#1b2631";
pub const MUTED: &str = "#707b7c";
/// Secondary text on the page, darker than [`MUTED`] so that small text
/// keeps WCAG AA's contrast of 4.5 to 1 on white (5.6 to 1).
pub const MUTED_TEXT: &str = "#5f6a6a";
pub const GRID: &str = "#d5d8dc";
pub const EVENT: &str = "#5d6d7e";
