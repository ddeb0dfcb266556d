//! The JSON sink: one object per diagnostic, one per line (JSON Lines).
//!
//! The schema is stable; fields are only ever added:
//!
//! ```json
//! {"code":"unknown-reference","severity":"error","file":"kb/story.ron",
//!  "line":16,"column":13,"end_line":16,"end_column":19,
//!  "message":"unknown actor `putn`","help":"did you mean `putin`?",
//!  "labels":[{"file":"kb/story.ron","line":16,"column":13,"end_line":16,
//!             "end_column":19,"message":"no actor has this id"}],
//!  "notes":[]}
//! ```
//!
//! Lines and columns are 1-based; columns count characters. `end_*` is the
//! position just past the offending value. `help` is `null` when there is
//! none. `labels` lists the other places involved (both places of a duplicate
//! id, every member of a cycle).

use std::io::{self, Write};

use serde::Serialize;

use super::{Diagnostic, Label};
use crate::source_map::SourceMap;

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Place<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Record<'a> {
    code: &'a str,
    severity: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    labels: Vec<Place<'a>>,
    notes: &'a [String],
}

fn place<'a>(label: &'a Label, sources: &'a SourceMap) -> Place<'a> {
    let (start, end) = sources.locate(label.span);
    Place {
        file: &sources.get(label.span.file).name,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: &label.message,
    }
}

/// Writes one JSON object per diagnostic, each on its own line.
pub fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    for d in diagnostics {
        let p = place(&d.primary, sources);
        let record = Record {
            code: d.code.name(),
            severity: d.severity.as_str(),
            file: p.file,
            line: p.line,
            column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
            message: &d.message,
            help: d.help.as_deref(),
            labels: d.secondary.iter().map(|l| place(l, sources)).collect(),
            notes: &d.notes,
        };
        crate::escape::write_json(out, &record, false)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
