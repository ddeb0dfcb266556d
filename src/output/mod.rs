//! Formatting query results: plain text for a terminal (aligned, coloured
//! when asked), JSON with a stable schema, CSV and Markdown tables.
//!
//! Every string from the KB passes through `escape` for the format it lands
//! in. Writers take a `Write`; the library never prints by itself.

pub mod json;
pub mod lists;
pub mod show;
pub mod style;
pub mod table;
pub mod timeline;
pub mod tree;
pub mod who;

pub use style::Style;
pub use table::Table;

/// The output formats of queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// CSV, its cells exact or safe for a spreadsheet.
    Csv(crate::escape::Cells),
    Md,
}

use crate::kb::Kb;
use crate::model::{ActorIx, Stance};

/// The name of an actor as shown in tables.
pub(crate) fn name(kb: &Kb, a: ActorIx) -> &str {
    &kb.actor(a).name
}

/// A stance as a lowercase verb: `rejects`.
pub(crate) fn stance_word(s: Stance) -> String {
    s.as_str().to_lowercase()
}

/// Writes a table in the chosen format (JSON is the caller's).
pub(crate) fn write_table(
    table: &Table,
    format: Format,
    out: &mut dyn std::io::Write,
    style: Style,
) -> std::io::Result<()> {
    match format {
        Format::Csv(cells) => table.write_csv(out, cells),
        Format::Md => table.write_md(out),
        Format::Text | Format::Json => table.write_text(out, style),
    }
}

/// Writes `rows` under the columns of `head` (its own rows are not read)
/// in the chosen format, as they are made.
pub(crate) fn write_rows(
    head: &Table,
    rows: &table::Indexed,
    format: Format,
    out: &mut dyn std::io::Write,
    style: Style,
) -> std::io::Result<()> {
    match format {
        Format::Csv(cells) => head.write_csv_of(&|f| rows.each(f), out, cells),
        Format::Md => head.write_md_of(&|f| rows.each(f), out),
        Format::Text | Format::Json => head.write_text_indexed(rows, out, style),
    }
}
