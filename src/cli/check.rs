//! `annals check`: load the KB, run every check, apply the levels from the
//! settings file and the command line, print the diagnostics.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use annals::check::{Level, Levels};
use annals::diag::{self, Code, Summary};
use annals::Kb;

use super::args::{CheckArgs, CheckFormat, Deny, LevelArgs};
use super::Failure;

pub fn run(kb: &Path, args: &CheckArgs, color: bool) -> Result<ExitCode, Failure> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    if args.list_codes {
        for code in Code::ALL {
            let level = if code.is_hard() {
                "error (hard)".to_string()
            } else {
                code.default_severity().to_string()
            };
            writeln!(
                out,
                "{:<24} {:<13} {}",
                code.name(),
                level,
                code.description()
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(code) = args.explain {
        let level = if code.is_hard() {
            "error; a hard error, its level cannot be changed".to_string()
        } else {
            format!(
                "{} by default; set with -A/-W/-D or `lints` in annals.ron",
                code.default_severity()
            )
        };
        let e = code.explanation();
        let indent = |text: &str| {
            text.lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        writeln!(
            out,
            "{}: {}\nlevel: {level}\n\n{}\n\nFor example:\n\n{}\n\nFix:\n\n{}\n\nEach code has a whole example KB under tests/fixtures/check/{} in annals' repository.",
            code.name(),
            code.description(),
            textwrap(e.meaning, 78),
            indent(e.mistake),
            indent(e.fix),
            code.name()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let loaded = Kb::load(kb)?;
    let diagnostics = diagnostics(&loaded, &args.levels);
    // The process ends after printing: freeing a large KB item by item
    // would only cost time. But printing a diagnostic reads its file's
    // text again and keeps it, so with diagnostics to print the KB is let
    // go first: the texts of many files with problems are not held
    // beside it.
    let summary = if diagnostics.is_empty() {
        let summary = write(&diagnostics, &loaded.sources, args.format, color, &mut out)?;
        std::mem::forget(loaded);
        summary
    } else {
        let sources = loaded.into_sources();
        let summary = write(&diagnostics, &sources, args.format, color, &mut out)?;
        std::mem::forget(sources);
        summary
    };
    out.flush()?;
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs every check of `loaded` at the levels of its settings and of
/// `args`, and prints the diagnostics in `format` (the summary on stdout
/// for people, on stderr beside JSON and annotations).
pub fn report(
    loaded: &annals::Loaded,
    args: &LevelArgs,
    format: CheckFormat,
    color: bool,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    write(
        &diagnostics(loaded, args),
        &loaded.sources,
        format,
        color,
        out,
    )
}

/// Every check of `loaded`, at the levels of its settings and of `args`.
fn diagnostics(loaded: &annals::Loaded, args: &LevelArgs) -> Vec<diag::Diagnostic> {
    let mut levels = Levels::of(&loaded.kb.settings);
    for &code in &args.allow {
        levels.set(code, Level::Allow);
    }
    for &code in &args.warn {
        levels.set(code, Level::Warn);
    }
    for deny in &args.deny {
        match *deny {
            Deny::Warnings => {
                levels.deny_warnings(true);
            }
            Deny::Code(code) => {
                levels.set(code, Level::Deny);
            }
        }
    }
    annals::check::diagnostics(loaded, &levels)
}

/// Prints `diagnostics` in `format` (the summary on stdout for people, on
/// stderr beside JSON and annotations).
fn write(
    diagnostics: &[diag::Diagnostic],
    sources: &annals::source_map::SourceMap,
    format: CheckFormat,
    color: bool,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    let summary = Summary::of(diagnostics, sources);
    match format {
        CheckFormat::Human => diag::human::write(out, diagnostics, sources, color)
            .and_then(|()| writeln!(out, "{summary}")),
        CheckFormat::Json => diag::json::write(out, diagnostics, sources)
            .and_then(|()| writeln!(io::stderr(), "{summary}")),
        CheckFormat::Github => diag::github::write(out, diagnostics, sources)
            .and_then(|()| writeln!(io::stderr(), "{summary}")),
    }?;
    Ok(summary)
}

/// `text` broken into lines of at most `width` columns, at spaces.
fn textwrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}
