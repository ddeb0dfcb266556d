//! The `annals` command line: parses arguments, calls the library, prints.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use annals::check::{Level, Levels};
use annals::diag::{self, Code, Summary};
use annals::{output, Kb};

mod cli;
use cli::{pictures, queries};

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

    /// Statements and events in time order.
    ///
    /// Items are ordered by earliest instant, then latest, then id. Dates are
    /// shown as written, with their qualifiers.
    #[command(after_help = "Examples:
  annals timeline --from 2024-06-14 --to 2024-06-16
  annals timeline --actor stoltenberg
  annals timeline --actor ukraine --rollup --format md")]
    Timeline {
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        to: DateTo,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// The statements that responded to a statement, recursively, as a tree.
    #[command(after_help = "Examples:
  annals responses putin-withdrawal-condition
  annals responses putin-peaceful-option --depth 1 --format json")]
    Responses {
        /// The statement's id.
        id: String,
        /// How many levels of responses to follow (all when omitted).
        #[arg(long, value_name = "N")]
        depth: Option<usize>,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// The whole exchange around a statement: what it answers, up to the
    /// first statement, and what answers it.
    #[command(after_help = "Example:\n  annals thread stoltenberg-not-in-good-faith")]
    Thread {
        /// The statement's id.
        id: String,
        /// How many levels of responses to follow downward.
        #[arg(long, value_name = "N")]
        depth: Option<usize>,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Who responded to whom, at actor level: responses, first and last
    /// date, stances.
    ///
    /// Filters apply to the responding statements. The date range ends with
    /// --until here, since --to names the target.
    #[command(after_help = "Examples:
  annals who-responded --to putin
  annals who-responded --to russia --rollup
  annals who-responded --by nato --format json")]
    WhoResponded {
        /// Only responses to statements by this actor (or by anyone speaking
        /// for it: its people in their roles, its member institutions).
        #[arg(long = "to", value_name = "ACTOR")]
        target: Option<String>,
        /// Only responses by this actor (or by anyone speaking for it).
        #[arg(long = "by", value_name = "ACTOR")]
        responder: Option<String>,
        /// Keep items whose date overlaps the range up to the end of DATE.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Everything about one actor, event or statement, with its links in
    /// both directions.
    #[command(
        after_help = "Examples:\n  annals show stoltenberg\n  annals show global-peace-summit-2024 --format json"
    )]
    Show {
        /// The id.
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Full-text search over names, aliases, places, summaries, quotes,
    /// topics and notes; case- and accent-insensitive. Every word must match.
    #[command(
        after_help = "Examples:\n  annals search \"peace summit\"\n  annals search burgenstock"
    )]
    Search {
        /// The words to look for.
        text: String,
        /// Show at most N results.
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// The shortest chain of links between two ids.
    #[command(after_help = "Example:\n  annals path stoltenberg putin")]
    Path {
        from: String,
        to: String,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Counts by kind, the date range, the most-responded statements and
    /// actors, statements without sources.
    Stats {
        /// How many most-responded statements and actors to list.
        #[arg(long, value_name = "N", default_value_t = 5)]
        top: usize,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Export the KB, or a view of it, for other tools.
    ///
    /// dot and mermaid draw a view (--view). json, jsonl, csv, graphml and
    /// jsonld carry the (filtered) KB itself: every actor, event, statement,
    /// response and source, with ids resolved and dates as written plus their
    /// UTC bounds. csv writes a folder of tables (-o DIR).
    #[command(after_help = "Examples:
  annals export dot --view responses -o responses.dot
  annals export mermaid --view timeline --from 2024-06
  annals export json -o kb.json
  annals export jsonl | duckdb -c \"select type, count(*) from read_json_auto('/dev/stdin') group by 1\"
  annals export csv -o tables/
  annals export graphml -o kb.graphml
  annals export jsonld --base-iri https://example.org/kb/")]
    Export {
        /// The format.
        #[arg(value_enum)]
        format: ExportArg,
        /// What to draw.
        #[arg(long, value_enum, default_value_t = ViewArg::Responses)]
        view: ViewArg,
        /// Write to FILE (atomically) instead of stdout; for csv, the folder.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// The base of the IRIs that jsonld gives every item (`<base><id>`).
        #[arg(long, value_name = "IRI", default_value = annals::export::jsonld::BASE)]
        base_iri: String,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        to: DateTo,
    },

    /// Draw a view as an image: .svg, .png or .pdf.
    ///
    /// The response and actor graphs are laid out by Graphviz's `dot`, which
    /// must be installed. The timeline is laid out and drawn by annals itself
    /// (SVG, and PNG rasterised with a bundled font), so it works anywhere;
    /// --engine graphviz draws the DOT timeline instead (and PDF).
    #[command(after_help = "Examples:
  annals render timeline -o timeline.png
  annals render responses -o responses.svg
  annals render actors --rollup -o actors.pdf")]
    Render {
        /// What to draw.
        #[arg(value_enum)]
        view: ViewArg,
        /// The image file; its extension gives the format.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// The image format, overriding the extension.
        #[arg(long, value_enum)]
        format: Option<ImageArg>,
        /// Who lays out the timeline.
        #[arg(long, value_enum, default_value_t = EngineArg::Native)]
        engine: EngineArg,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        to: DateTo,
    },

    /// Regenerate every file listed in the exports manifest.
    ///
    /// With --check, nothing is written: each file is regenerated in memory
    /// and compared; stale or missing files are named, and the exit status
    /// is then 1. Pictures drawn by Graphviz are compared through the DOT
    /// source they were drawn from, since their bytes depend on its version.
    #[command(after_help = "Examples:\n  annals build\n  annals build --check")]
    Build {
        /// Check that every export is up to date; write nothing.
        #[arg(long)]
        check: bool,
        /// The manifest.
        #[arg(long, value_name = "FILE", default_value = annals::build::MANIFEST)]
        manifest: PathBuf,
    },

    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  annals completions bash > ~/.local/share/bash-completion/completions/annals"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Filters shared by queries.
#[derive(clap::Args)]
struct FilterArgs {
    /// Keep items whose date overlaps the range from the start of DATE.
    /// Any KB date form: 2024, 2024-06, 2024-06-14, 2024-06-14T15:30Z. An item
    /// dated only to a month is kept when that month overlaps the range.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Keep statements by this actor, and events it took part or spoke in.
    /// Repeatable. With --rollup, statements by anyone speaking for it count.
    #[arg(long, value_name = "ID")]
    actor: Vec<String>,
    /// Keep this event, its sub-events, and statements made at them.
    #[arg(long, value_name = "ID")]
    event: Option<String>,
    /// Keep items with this topic. Repeatable.
    #[arg(long, value_name = "T")]
    topic: Vec<String>,
    /// Keep statements or events of this kind (Claim, Demand, Summit, …).
    /// Repeatable.
    #[arg(long, value_name = "K")]
    kind: Vec<String>,
    /// Count a person's statements for the institution they held a role in on
    /// that date, and an institution's for what it is part of, to the top.
    #[arg(long)]
    rollup: bool,
}

/// The end of the date range.
#[derive(clap::Args)]
struct DateTo {
    /// Keep items whose date overlaps the range up to the end of DATE
    /// (`--to 2024-06` includes all of June).
    #[arg(long = "to", visible_alias = "until", value_name = "DATE")]
    to: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportArg {
    /// Graphviz DOT of a view
    Dot,
    /// Mermaid (flowchart of responses, or a timeline)
    Mermaid,
    /// the whole resolved KB as one JSON document (schema annals/1)
    Json,
    /// one JSON record per line, with a type field
    Jsonl,
    /// a folder of CSV tables (-o DIR)
    Csv,
    /// GraphML for Gephi, yEd, NetworkX
    Graphml,
    /// schema.org JSON-LD
    Jsonld,
}

#[derive(Clone, Copy, ValueEnum)]
enum ViewArg {
    /// statements linked by responses, clustered by speaker
    Responses,
    /// who responded to whom, at actor level
    Actors,
    /// statements and events along time
    Timeline,
    /// everything
    Kb,
}

impl From<ViewArg> for annals::export::View {
    fn from(v: ViewArg) -> annals::export::View {
        use annals::export::View;
        match v {
            ViewArg::Responses => View::Responses,
            ViewArg::Actors => View::Actors,
            ViewArg::Timeline => View::Timeline,
            ViewArg::Kb => View::Kb,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ImageArg {
    Svg,
    Png,
    Pdf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    /// annals' own time-proportional timeline
    Native,
    /// Graphviz's dot
    Graphviz,
}

#[derive(clap::Args)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    format: QueryFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum QueryFormat {
    /// aligned text, coloured on a terminal
    Text,
    /// JSON with a stable schema (docs/json.md)
    Json,
    /// RFC 4180 CSV, formulas neutralised
    Csv,
    /// a Markdown table
    Md,
}

impl From<QueryFormat> for output::Format {
    fn from(f: QueryFormat) -> output::Format {
        match f {
            QueryFormat::Text => output::Format::Text,
            QueryFormat::Json => output::Format::Json,
            QueryFormat::Csv => output::Format::Csv,
            QueryFormat::Md => output::Format::Md,
        }
    }
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
    // An empty variable means unset, as for NO_COLOR: `ANNALS_KB= annals …`
    // reads ./kb rather than failing on an empty folder name.
    if std::env::var_os("ANNALS_KB").is_some_and(|v| v.is_empty()) {
        std::env::remove_var("ANNALS_KB");
    }
    // On SIGINT or SIGTERM, stop any Graphviz child and remove the temporary
    // file being written, then exit as interrupted.
    let _ = ctrlc::set_handler(|| {
        annals::interrupt::clean_up();
        std::process::exit(130);
    });
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    let style = output::Style { color };
    let result = match cli.command {
        Command::Check(args) => check(&cli.kb, &args, color),
        Command::Timeline { filter, to, output } => queries::timeline(
            &cli.kb,
            &filter,
            to.to.as_deref(),
            output.format.into(),
            style,
        ),
        Command::Responses { id, depth, output } => {
            queries::responses(&cli.kb, &id, depth, output.format.into(), style)
        }
        Command::Thread { id, depth, output } => {
            queries::thread(&cli.kb, &id, depth, output.format.into(), style)
        }
        Command::WhoResponded {
            target,
            responder,
            until,
            filter,
            output,
        } => queries::who_responded(
            &cli.kb,
            &filter,
            until.as_deref(),
            target.as_deref(),
            responder.as_deref(),
            output.format.into(),
            style,
        ),
        Command::Show { id, output } => queries::show(&cli.kb, &id, output.format.into(), style),
        Command::Search {
            text,
            limit,
            output,
        } => queries::search(&cli.kb, &text, limit, output.format.into(), style),
        Command::Path { from, to, output } => {
            queries::path(&cli.kb, &from, &to, output.format.into(), style)
        }
        Command::Stats { top, output } => queries::stats(&cli.kb, top, output.format.into(), style),
        Command::Export {
            format,
            view,
            output,
            base_iri,
            filter,
            to,
        } => pictures::export(
            &cli.kb,
            match format {
                ExportArg::Dot => pictures::ExportFormat::Dot,
                ExportArg::Mermaid => pictures::ExportFormat::Mermaid,
                ExportArg::Json => pictures::ExportFormat::Json,
                ExportArg::Jsonl => pictures::ExportFormat::Jsonl,
                ExportArg::Csv => pictures::ExportFormat::Csv,
                ExportArg::Graphml => pictures::ExportFormat::Graphml,
                ExportArg::Jsonld => pictures::ExportFormat::Jsonld,
            },
            view.into(),
            &filter,
            to.to.as_deref(),
            output.as_deref(),
            &base_iri,
        ),
        Command::Render {
            view,
            output,
            format,
            engine,
            filter,
            to,
        } => pictures::render(
            &cli.kb,
            view.into(),
            &output,
            format.map(|f| match f {
                ImageArg::Svg => annals::render::ImageFormat::Svg,
                ImageArg::Png => annals::render::ImageFormat::Png,
                ImageArg::Pdf => annals::render::ImageFormat::Pdf,
            }),
            engine == EngineArg::Graphviz,
            &filter,
            to.to.as_deref(),
        ),
        Command::Build { check, manifest } => pictures::build(&cli.kb, &manifest, check),
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
            // Values in messages are escaped where they are written; this
            // keeps any that were missed from reaching the terminal raw.
            let message = failure.to_string();
            let safe: Vec<_> = message.lines().map(annals::escape::terminal).collect();
            let _ = writeln!(io::stderr(), "error: {}", safe.join("\n"));
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
    #[error(transparent)]
    UnknownId(#[from] annals::query::UnknownId),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    BrokenKb(String),
}

fn check(kb: &std::path::Path, args: &CheckArgs, color: bool) -> Result<ExitCode, Failure> {
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
    out.flush()?;
    // The process ends now: freeing a large KB item by item would only cost time.
    std::mem::forget(loaded);
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
