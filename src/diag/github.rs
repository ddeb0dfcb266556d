//! The GitHub sink: workflow commands that annotate a pull request.
//!
//! `::error file=kb/story.ron,line=16,col=13,endLine=16,endColumn=18,title=unknown-reference::unknown actor `putn` (help: did you mean `putin`?)`
//!
//! Warnings use `::warning`. Values are encoded as GitHub decodes them
//! (`%`, CR, LF; in properties also `:` and `,`, and nothing else). Columns
//! are given only for a one-line span, the end column inclusive, as GitHub
//! reads them.

use std::io::{self, Write};

use super::{Diagnostic, Severity};
use crate::escape::{github_message, github_property};
use crate::source_map::SourceMap;

/// Writes one workflow command per diagnostic.
pub fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    for d in diagnostics {
        let (start, end) = sources.locate(d.primary.span);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!(" (help: {help})"));
        }
        // GitHub takes columns only within one line, and its end column is
        // inclusive (it defaults to the start column), where spans end
        // after their last character.
        let (col, end_col) = if start.line == end.line {
            (
                format!(",col={}", start.column),
                format!(
                    ",endColumn={}",
                    end.column.saturating_sub(1).max(start.column)
                ),
            )
        } else {
            (String::new(), String::new())
        };
        writeln!(
            out,
            "::{command} file={},line={}{col},endLine={}{end_col},title={}::{}",
            github_property(&sources.get(d.primary.span.file).name),
            start.line,
            end.line,
            github_property(d.code.name()),
            github_message(&message),
        )?;
    }
    Ok(())
}
