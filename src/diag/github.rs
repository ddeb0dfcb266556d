//! The GitHub sink: workflow commands that annotate a pull request.
//!
//! `::error file=kb/story.ron,line=16,col=13,endLine=16,endColumn=19,title=unknown-reference::unknown actor `putn` (help: did you mean `putin`?)`
//!
//! Warnings use `::warning`. Values are encoded as GitHub documents
//! (`%`, CR, LF; in properties also `:` and `,`).

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
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_property(&sources.get(d.primary.span.file).name),
            start.line,
            start.column,
            end.line,
            end.column,
            github_property(d.code.name()),
            github_message(&message),
        )?;
    }
    Ok(())
}
