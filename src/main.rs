//! The `annals` command line: parses arguments, calls the library, prints.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use annals::check::{Level, Levels};
use annals::diag::{self, Code, Summary};
use annals::Kb;

/// A structured event-timeline knowledge base: who said what, when, and who
/// responded to whom.
#[derive(Parser)]
#[command(name = "annals", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    /// The KB folder: every *.ron file below it is read.
    #[arg(
        long,
        global = true,
        env = "ANNALS_KB",
        default_value = "kb",
        value_name = "DIR"
    )]
    kb: PathBuf,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,

    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  annals check                         check ./kb, report every problem
  annals check --deny warnings         fail on warnings too (for CI)
  annals check --format github         annotate a pull request
  annals --kb research/kb check -A unused-actor";

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check the whole KB; report every diagnostic.
    ///
    /// Exit status: 0 when no error is reported, 1 when one is (or a warning
    /// with --deny warnings), 2 when the KB cannot be read or the arguments
    /// are wrong.
    #[command(after_help = "Examples:
  annals check
  annals check --format json | jq -r .code
  annals check -D missing-source -A unused-event
  annals check --explain response-before-target")]
    Check(CheckArgs),

    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  annals completions bash > ~/.local/share/bash-completion/completions/annals"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Allow a lint (do not report it). Repeatable.
    #[arg(short = 'A', long = "allow", value_name = "CODE", value_parser = parse_code)]
    allow: Vec<Code>,

    /// Warn on a lint. Repeatable.
    #[arg(short = 'W', long = "warn", value_name = "CODE", value_parser = parse_code)]
    warn: Vec<Code>,

    /// Deny a lint (report it as an error), or `warnings` for every warning.
    /// Repeatable. Applied after -A and -W.
    #[arg(short = 'D', long = "deny", value_name = "CODE|warnings", value_parser = parse_deny)]
    deny: Vec<Deny>,

    /// Explain a diagnostic code and exit.
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    explain: Option<Code>,

    /// List every diagnostic code with its default level and exit.
    #[arg(long)]
    list_codes: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-like, with source snippets
    Human,
    /// one JSON object per line
    Json,
    /// GitHub Actions workflow commands
    Github,
}

#[derive(Clone, Copy)]
enum Deny {
    Warnings,
    Code(Code),
}

fn parse_code(text: &str) -> Result<Code, String> {
    Code::from_name(text).ok_or_else(|| {
        let close = annals::suggest::closest(text, Code::ALL.iter().map(|c| c.name()));
        let help = annals::suggest::did_you_mean(&close)
            .unwrap_or_else(|| "`annals check --list-codes` lists them".into());
        format!("unknown diagnostic code `{text}`; {help}")
    })
}

fn parse_deny(text: &str) -> Result<Deny, String> {
    if text == "warnings" {
        Ok(Deny::Warnings)
    } else {
        parse_code(text).map(Deny::Code)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(&cli.kb, &args, color),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "annals", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        // A reader that stopped early (`annals … | head`) is not an error.
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = writeln!(io::stderr(), "error: {failure}");
            ExitCode::from(2)
        }
    }
}

/// Why a command could not do its job; every variant exits with status 2.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Load(#[from] annals::LoadError),
    #[error("{0}")]
    Io(#[from] io::Error),
}

fn check(kb: &std::path::Path, args: &CheckArgs, color: bool) -> Result<ExitCode, Failure> {
    let mut out = io::stdout().lock();
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
        writeln!(
            out,
            "{}: {}\nlevel: {level}",
            code.name(),
            code.description()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let loaded = Kb::load(kb)?;
    let mut levels: Levels = loaded.levels();
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
    let diagnostics = loaded.diagnostics(&levels);
    let summary = Summary::of(&diagnostics, &loaded.sources);
    let written = match args.format {
        Format::Human => diag::human::write(&mut out, &diagnostics, &loaded.sources, color)
            .and_then(|()| writeln!(out, "{summary}")),
        Format::Json => diag::json::write(&mut out, &diagnostics, &loaded.sources)
            .and_then(|()| writeln!(io::stderr(), "{summary}")),
        Format::Github => diag::github::write(&mut out, &diagnostics, &loaded.sources)
            .and_then(|()| writeln!(io::stderr(), "{summary}")),
    };
    written?;
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
