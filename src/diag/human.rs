//! The human sink: rustc-like diagnostics with a source snippet, the span
//! underlined, labels at every involved place, and help and notes below.
//! Rendering is codespan-reporting's; KB text is made terminal-safe first.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};

use super::{Diagnostic, Label, Severity};
use crate::escape;
use crate::source_map::{FileId, SourceMap};

/// The source map as codespan sees it, with terminal hazards in file text
/// replaced (same byte length, so spans stay valid).
struct SafeFiles<'a> {
    sources: &'a SourceMap,
    texts: Vec<Cow<'a, str>>,
    names: Vec<String>,
}

impl<'a> SafeFiles<'a> {
    /// Makes safe copies of the files the diagnostics point at; the others
    /// are never shown and stay empty.
    fn new(sources: &'a SourceMap, diagnostics: &[Diagnostic]) -> SafeFiles<'a> {
        let shown: std::collections::HashSet<FileId> = diagnostics
            .iter()
            .flat_map(|d| std::iter::once(&d.primary).chain(&d.secondary))
            .map(|l| l.span.file)
            .collect();
        SafeFiles {
            sources,
            texts: sources
                .iter()
                .map(|(id, f)| {
                    if shown.contains(&id) {
                        escape::terminal_same_width(f.text())
                    } else {
                        Cow::Borrowed("")
                    }
                })
                .collect(),
            names: sources
                .iter()
                .map(|(_, f)| escape::terminal(&f.name).into_owned())
                .collect(),
        }
    }
}

impl<'a> Files<'a> for SafeFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.names
            .get(id.0 as usize)
            .map(String::as_str)
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.texts
            .get(id.0 as usize)
            .map(|t| t.as_ref())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let starts = self.sources.get(id).line_starts();
        Ok(starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.sources.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text().len());
        Ok(start..end)
    }
}

/// Writes every diagnostic in the rich format, coloured when `color` is set.
pub fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    color: bool,
) -> io::Result<()> {
    let files = SafeFiles::new(sources, diagnostics);
    let config = term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for d in diagnostics {
        term::emit_to_write_style(&mut buffer, &config, &files, &to_codespan(d, sources))
            .map_err(io::Error::other)?;
    }
    out.write_all(buffer.as_slice())
}

/// Lines longer than this are not shown as a snippet (a minified or
/// generated file could put megabytes on one line); the place is named in a
/// note instead.
const MAX_SNIPPET_LINE: usize = 400;

/// Whether a label's lines are short enough to show.
fn showable(sources: &SourceMap, label: &Label) -> bool {
    let file = sources.get(label.span.file);
    if file.text().is_empty() {
        return false;
    }
    let starts = file.line_starts();
    let first = starts
        .partition_point(|&s| s <= label.span.start as usize)
        .saturating_sub(1);
    let last = starts
        .partition_point(|&s| s <= label.span.end as usize)
        .saturating_sub(1);
    (first..=last).all(|line| {
        let start = starts[line];
        let end = starts.get(line + 1).copied().unwrap_or(file.text().len());
        end - start <= MAX_SNIPPET_LINE
    })
}

fn to_codespan(d: &Diagnostic, sources: &SourceMap) -> cs::Diagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut labels = Vec::new();
    let mut hidden = Vec::new();
    for (i, label) in std::iter::once(&d.primary).chain(&d.secondary).enumerate() {
        if showable(sources, label) {
            let make = if i == 0 {
                cs::Label::primary
            } else {
                cs::Label::secondary
            };
            labels.push(
                make(label.span.file, label.span.range())
                    .with_message(escape::terminal(&label.message)),
            );
        } else {
            let file = sources.get(label.span.file);
            let name = escape::terminal(&file.name);
            let text = escape::terminal(&label.message);
            let sep = if text.is_empty() { "" } else { ": " };
            if file.text().is_empty() {
                // A file that could not be read has no text to show.
                hidden.push(format!("in {name}{sep}{text}"));
            } else {
                let (at, _) = sources.locate(label.span);
                hidden.push(format!(
                    "at {name}:{}:{}{sep}{text} (line too long to show)",
                    at.line, at.column
                ));
            }
        }
    }
    let mut notes = hidden;
    notes.extend(
        d.help
            .iter()
            .map(|h| format!("help: {}", escape::terminal(h))),
    );
    notes.extend(
        d.notes
            .iter()
            .map(|n| format!("note: {}", escape::terminal(n))),
    );
    cs::Diagnostic::new(severity)
        .with_code(d.code.name())
        .with_message(escape::terminal(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}
