//! Diagnostics as values, and the sinks that format them.
//!
//! Checks create [`Diagnostic`]s; they never format text. Each output format
//! is a sink over the same values: [`human`] (rustc-like, with snippets),
//! [`json`] (one object per line) and [`github`] (workflow commands). Sinks
//! never decide severity; levels are applied before (see `check::Levels`).

mod code;
mod explain;
pub mod github;
pub mod human;
pub mod json;

pub use code::Code;
pub use explain::Explanation;

use std::fmt;

use crate::source_map::{SourceMap, Span};

/// How bad a diagnostic is, after levels are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file with a short text explaining its part in a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in the KB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The offending value.
    pub primary: Label,
    /// Other places involved (the first definition of a duplicate id, the
    /// rest of a cycle).
    pub secondary: Vec<Label>,
    /// What to do about it ("did you mean `putin`?").
    pub help: Option<String>,
    /// Further facts.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at its code's default severity, pointing at `span`.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: short(message.into()),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Sets the text under the primary span.
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = short(message.into());
        self
    }

    /// Adds another involved place.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: short(message.into()),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(short(help.into()));
        self
    }

    /// Sets the help line when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help.map(short);
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(short(note.into()));
        self
    }

    /// The order diagnostics are reported in: by file, position, then code.
    pub fn sort_key(&self) -> (Span, Code, &str) {
        (self.primary.span, self.code, &self.message)
    }
}

/// A diagnostic text with over-long quoted values cut (a 5 MB id is shown
/// as its first 60 characters and its length).
fn short(text: String) -> String {
    match crate::escape::cut_quoted(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

/// Counts of a run, for the closing summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Files with at least one diagnostic.
    pub files_with_problems: usize,
    /// Files read.
    pub files: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic], sources: &SourceMap) -> Summary {
        let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
        let with: std::collections::BTreeSet<_> =
            diagnostics.iter().map(|d| d.primary.span.file).collect();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            files_with_problems: with.len(),
            files: sources.len(),
        }
    }
}

impl fmt::Display for Summary {
    /// `3 errors, 1 warning in 2 of 12 files`, or `no problems in 12
    /// files`: every problem found is printed, none held back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn plural(n: usize, word: &str) -> String {
            format!("{n} {word}{}", if n == 1 { "" } else { "s" })
        }
        let files = if self.errors + self.warnings == 0 {
            plural(self.files, "file")
        } else {
            format!(
                "{} of {}",
                self.files_with_problems,
                plural(self.files, "file")
            )
        };
        match (self.errors, self.warnings) {
            (0, 0) => write!(f, "no problems in {files}"),
            (e, 0) => write!(f, "{} in {files}", plural(e, "error")),
            (0, w) => write!(f, "{} in {files}", plural(w, "warning")),
            (e, w) => write!(
                f,
                "{}, {} in {files}",
                plural(e, "error"),
                plural(w, "warning")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_reads_naturally() {
        let s = |errors, warnings, files_with_problems, files| {
            Summary {
                errors,
                warnings,
                files_with_problems,
                files,
            }
            .to_string()
        };
        assert_eq!(s(0, 0, 0, 1), "no problems in 1 file");
        assert_eq!(s(3, 1, 2, 12), "3 errors, 1 warning in 2 of 12 files");
        assert_eq!(s(1, 0, 1, 2), "1 error in 1 of 2 files");
        assert_eq!(s(0, 2, 2, 2), "2 warnings in 2 of 2 files");
    }
}
