//! The binary's glue, in three steps as ripgrep does it: clap parses what
//! was typed ([`args`]); [`request`] resolves it once into what a command
//! needs (formats, filters, outputs checked before any work); the KB is
//! loaded in one place ([`load`]); then the command runs. No query logic
//! lives here.

pub mod args;
mod cache;
mod check;
mod diff;
mod failure;
mod fmt;
mod load;
mod pictures;
mod queries;
mod request;
mod watch;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use annals::output::Style;

pub use args::Cli;
use args::{Color, Command};
pub use failure::Failure;

/// Runs the parsed command line; the exit status says how it went.
pub fn run(cli: Cli) -> ExitCode {
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&cli.kb, &args, color),
        Command::Init { dir } => init(&dir),
        Command::Diff { base, head, format } => {
            diff::run(&cli.kb, base.as_deref(), head.as_deref(), format)
        }
        Command::Watch {
            manifest,
            levels,
            live,
        } => watch::run(&watch::Watch {
            kb: &cli.kb,
            manifest: &manifest,
            levels: &levels,
            live,
            color,
        }),
        Command::Lsp => {
            let (connection, threads) = lsp_server::Connection::stdio();
            let served = annals::lsp::run(&connection, &cli.kb);
            drop(connection);
            match served.map(|()| threads.join()) {
                Ok(Ok(())) => Ok(ExitCode::SUCCESS),
                Ok(Err(e)) => Err(Failure::Io(e)),
                Err(e) => Err(Failure::Usage(format!("language server: {e}"))),
            }
        }
        Command::Fmt { check, paths } => fmt::run(&cli.kb, &paths, check, color),
        Command::New {
            item,
            known,
            append,
        } => fmt::new(&cli.kb, item, &known, append.as_deref()),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "annals", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Cache { action } => cache::run(&cli.kb, &action, cli.no_cache),
        command => request::Request::resolve(command, &cli.kb).and_then(|request| {
            let (setting, style) = (cache::setting(cli.no_cache)?, Style { color });
            if let Some(answered) = request.run_outlined(&cli.kb, &setting, style) {
                return answered;
            }
            let kb = load::load(&cli.kb, &setting)?;
            request.run(kb, &cli.kb, style)
        }),
    };
    match result {
        Ok(code) => code,
        // A reader that stopped early (`annals … | head`) is not an error.
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            // Values in messages are escaped where they are written; this
            // keeps any that were missed from reaching the terminal raw.
            let message = failure.to_string();
            let safe: Vec<_> = message.lines().map(annals::escape::terminal).collect();
            let _ = writeln!(io::stderr(), "error: {}", safe.join("\n"));
            ExitCode::from(2)
        }
    }
}

/// `annals init DIR`: writes a new KB, then says what was written and what
/// to do next.
fn init(dir: &std::path::Path) -> Result<ExitCode, Failure> {
    let written = annals::init::init(dir).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    for path in &written {
        writeln!(out, "wrote {}", annals::escape::shown_path(path))?;
    }
    let here = dir == std::path::Path::new(".");
    let cd = if here {
        String::new()
    } else {
        format!("cd {} && ", annals::escape::shown_path(dir))
    };
    writeln!(
        out,
        "\nNext: {cd}annals check && annals build\nThen replace kb/stories/example.ron with your story; `git init` if this is a new repository."
    )?;
    Ok(ExitCode::SUCCESS)
}
