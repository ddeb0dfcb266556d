//! The command line as typed: clap's structures, every flag documented once
//! here (that text serves `--help` and the completions). Nothing is resolved
//! here; `cli::run` turns these into library calls.
//!
//! The grammar, the same in every command:
//! - `--from DATE` / `--until DATE` bound the date range (`--to` is still
//!   read as `--until` where it cannot mean an actor);
//! - `--format` picks the output format, also for `check` and `export`;
//!   where `-o FILE` names a file, its extension decides when `--format` is
//!   not given;
//! - `--limit N` caps how many rows a list shows; `--depth N` how many
//!   levels of responses a tree follows;
//! - words on the command line are read in any case (`--kind demand`).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use annals::artifact::{Engine, Format as OutputFormat, View};
use annals::diag::Code;
use annals::model::Zone;

/// A structured event-timeline knowledge base: who said what, when, and who
/// responded to whom.
#[derive(Parser)]
#[command(name = "annals", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// The KB folder: every *.ron file below it is read.
    #[arg(
        long,
        global = true,
        env = "ANNALS_KB",
        default_value = "kb",
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub kb: PathBuf,

    /// When to colour output.
    #[arg(
        long,
        global = true,
        value_enum,
        ignore_case = true,
        default_value_t = Color::Auto,
        value_name = "WHEN",
        help_heading = "Global options"
    )]
    pub color: Color,

    /// Neither read nor write the cache of loaded KBs (as ANNALS_CACHE=off
    /// does); see `annals cache --help`.
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  annals check                         check ./kb, report every problem
  annals check --deny warnings         fail on warnings too (for CI)
  annals check --format github         annotate a pull request
  annals timeline --from 2024-06-14 --until 2024-06-16
  annals --kb research/kb check -A unused-actor";

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
pub enum Command {
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
  annals timeline --from 2024-06-14 --until 2024-06-16
  annals timeline --actor stoltenberg
  annals timeline --actor ukraine --rollup --format md")]
    Timeline {
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        to: OldTo,
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
        #[command(flatten)]
        depth: DepthArgs,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// The whole exchange around a statement: what it answers, up to the
    /// first statement, and what answers it.
    #[command(after_help = "Example:\n  annals thread stoltenberg-not-in-good-faith")]
    Thread {
        /// The statement's id.
        id: String,
        #[command(flatten)]
        depth: DepthArgs,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Who responded to whom, at actor level: responses, first and last
    /// date, stances.
    ///
    /// Filters apply to the responding statements. --to names the target
    /// actor here; the date range ends with --until, as everywhere.
    #[command(after_help = "Examples:
  annals who-responded --to putin
  annals who-responded --to russia --rollup
  annals who-responded --by nato --until 2024-06-15 --format json")]
    WhoResponded {
        /// Only responses to statements by this actor (or by anyone speaking
        /// for it: its people in their roles, its member institutions) and
        /// to events it took part in; or only responses to this event.
        #[arg(long = "to", value_name = "ACTOR|EVENT")]
        target: Option<String>,
        /// Only responses by this actor (or by anyone speaking for it).
        #[arg(long = "by", value_name = "ACTOR")]
        responder: Option<String>,
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
        after_help = "Examples:\n  annals search peace summit\n  annals search burgenstock --limit 5"
    )]
    Search {
        /// The words to look for (all remaining words).
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        #[command(flatten)]
        limit: LimitArgs,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// The shortest chain of links between two ids.
    #[command(after_help = "Example:\n  annals path stoltenberg putin")]
    Path {
        /// Where the chain starts: an actor, event or statement id.
        from: String,
        /// Where the chain ends: an actor, event or statement id.
        to: String,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Counts by kind, the date range, the most-responded statements and
    /// actors, statements without sources.
    #[command(after_help = "Examples:\n  annals stats\n  annals stats --limit 10 --format json")]
    Stats {
        #[command(flatten)]
        limit: LimitArgs,
        #[command(flatten)]
        output: OutputArgs,
    },

    /// Export the KB, or a view of it, for other tools.
    ///
    /// dot and mermaid draw a view (--view). json, jsonl, csv, graphml and
    /// jsonld carry the (filtered) KB itself: every actor, event, statement,
    /// response and source, with ids resolved and dates as written plus their
    /// UTC bounds. csv writes a folder of tables (-o DIR). Without --format,
    /// the extension of -o decides.
    #[command(after_help = "Examples:
  annals export --format dot --view responses -o responses.dot
  annals export --format mermaid --view timeline --from 2024-06
  annals export -o kb.json
  annals export --format jsonl | duckdb -c \"select type, count(*) from read_json_auto('/dev/stdin') group by 1\"
  annals export --format csv -o tables/
  annals export -o kb.graphml
  annals export --format jsonld --base-iri https://example.org/kb/")]
    Export {
        /// The format (older scripts may give it first, as a word).
        #[arg(value_enum, ignore_case = true, hide = true, value_name = "FORMAT")]
        format_word: Option<OutputFormat>,
        /// The format: dot, mermaid, json, jsonl, csv, graphml, jsonld,
        /// timelinejs or html.
        #[arg(long, value_enum, ignore_case = true, hide_possible_values = true)]
        format: Option<OutputFormat>,
        /// What dot and mermaid draw (responses when not given).
        #[arg(long, value_enum, ignore_case = true)]
        view: Option<View>,
        /// For html: who lays out the page's response graph: native (the
        /// page itself, unless given) or graphviz (its drawing; needs dot).
        #[arg(long, value_enum, ignore_case = true)]
        engine: Option<Engine>,
        /// Write to FILE (atomically) instead of stdout; for csv, the folder.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// The base of the IRIs that jsonld gives every item (`<base><id>`).
        #[arg(long, value_name = "IRI", default_value = annals::export::jsonld::BASE)]
        base_iri: String,
        /// For csv: the text exactly, or cells safe to open in a spreadsheet.
        #[arg(long, value_enum, ignore_case = true, default_value_t = CsvCells::Exact)]
        csv_cells: CsvCells,
        /// For timelinejs and html: the zone its dates are given in (the
        /// KB's when not given): UTC, +03:00, Europe/Kyiv.
        #[arg(long = "tz", value_name = "ZONE", value_parser = zone)]
        tz: Option<Zone>,
        /// With the responses and actors views: also the statements outside
        /// any exchange.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        caption: CaptionArgs,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        to: OldTo,
    },

    /// Draw a view as an image: svg, png or pdf.
    ///
    /// The response and actor graphs are laid out by Graphviz's `dot`, which
    /// must be installed. The timeline is laid out and drawn by annals itself
    /// (SVG, and PNG rasterised with a bundled font), so it works anywhere;
    /// --engine graphviz draws the DOT timeline instead (and PDF). Without
    /// --format, the extension of -o decides; without -o, the image goes to
    /// stdout (not to a terminal).
    #[command(after_help = "Examples:
  annals render timeline -o timeline.png
  annals render responses -o responses.svg
  annals render actors --rollup -o actors.pdf
  annals render timeline --format svg > timeline.svg")]
    Render {
        /// What to draw.
        #[arg(value_enum, ignore_case = true)]
        view: View,
        /// The image file, written atomically.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// The image format: svg, png or pdf.
        #[arg(long, value_enum, ignore_case = true, hide_possible_values = true)]
        format: Option<OutputFormat>,
        /// Who lays the picture out (native for the timeline, graphviz for
        /// the graphs, unless given).
        #[arg(long, value_enum, ignore_case = true)]
        engine: Option<Engine>,
        /// The zone of the timeline's axis: its days and hours (`UTC`,
        /// `+03:00`, `Europe/Kyiv`); the KB's zone unless given.
        #[arg(long = "tz", value_name = "ZONE", value_parser = zone)]
        tz: Option<Zone>,
        #[command(flatten)]
        caption: CaptionArgs,
        /// The timeline's width in pixels (640 to 8000; 1280 unless given).
        #[arg(long, value_name = "PX", value_parser = clap::value_parser!(u32).range(640..=8000))]
        width: Option<u32>,
        /// With the responses and actors views: also the statements outside
        /// any exchange.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        to: OldTo,
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

    /// Print a new statement, actor or event, ready to paste into a story
    /// file, or add it to one with --append.
    ///
    /// Every id, kind, stance and date given is checked against the KB
    /// first (with suggestions), and the item gets an id that is not taken:
    /// from the speaker and the first words of the title or summary, or
    /// from the name. It is laid out as `annals fmt` lays items out.
    #[command(after_help = "Examples:
  annals new statement --by putin --date 2024-06-14 --at putin-lavrov-meeting-2024-06-14 --kind Demand --summary \"Putin demanded ...\" --source tass
  annals new statement --by stoltenberg --date 2024-06-14 --summary \"...\" --responds-to putin-peaceful-option:Rejects
  annals new actor --name \"Dmitry Peskov\" --kind Person
  annals new event --name \"Summit on Peace in Ukraine\" --kind Summit --date 2024-06-15/2024-06-16
  annals new actor --name \"Dmitry Peskov\" --kind Person --append kb/actors.ron")]
    New {
        /// What to write.
        #[arg(value_enum, ignore_case = true)]
        item: annals::new::Item,
        #[command(flatten)]
        known: annals::new::Known,
        /// Add it at the end of its list in FILE, a file of the KB, instead
        /// of printing it: atomically, the file laid out as `annals fmt`
        /// lays it out, and only if the KB still loads without an error in
        /// that file.
        #[arg(long, value_name = "FILE")]
        append: Option<PathBuf>,
    },

    /// Lay out KB files the one canonical way (fields in the README's
    /// order, one per line for items, comments kept), without changing what
    /// they mean.
    ///
    /// Rewrites every file of the KB, or those under the PATHs given
    /// (files or folders inside the KB folder), atomically; a file with
    /// errors is left as it is, with its diagnostics. With --check nothing
    /// is written: the changes are printed as a unified diff and the exit
    /// status is 1 if there are any (for CI).
    #[command(after_help = "Examples:
  annals fmt                                   format every file of ./kb
  annals fmt kb/stories/2024-06-14-putin-peace-conditions.ron
  annals fmt --check                           in CI: print a diff, exit 1 if any")]
    Fmt {
        /// Print what would change as a diff, and write nothing.
        #[arg(long)]
        check: bool,
        /// Files or folders of the KB to format (all of it unless given).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },

    /// What changed in the story between two git revisions: items added,
    /// removed, changed (field by field) and renamed, response links, and
    /// who-responded counts.
    ///
    /// BASE defaults to where the current branch left the default branch
    /// (origin's HEAD, else main, else master); HEAD to the working tree.
    /// Items are compared as `annals fmt` writes them, so a change of layout
    /// or of a comment is no change. Revisions are read with the `git`
    /// command, without touching the working tree or the index; a revision
    /// whose KB has errors is reported and compared where it loaded.
    #[command(after_help = "Examples:
  annals diff                          this branch's changes to the story
  annals diff main                     the working tree against main
  annals diff v1 v2 --format md        to post on a pull request")]
    Diff {
        /// The revision to compare from.
        #[arg(value_name = "BASE")]
        base: Option<String>,
        /// The revision to compare to (the working tree unless given).
        #[arg(value_name = "HEAD")]
        head: Option<String>,
        #[arg(long, value_enum, ignore_case = true, default_value = "text")]
        format: DiffFormat,
    },

    /// Check the KB on every save and rebuild the exports that changed.
    ///
    /// Prints the diagnostics as `annals check` does after each change to a
    /// KB file or the manifest; when the KB loads without an error, rebuilds
    /// the manifest's outputs (writing only those that changed). With
    /// --live, serves the exports folder on 127.0.0.1: a page opened from
    /// there reloads itself when it is rebuilt (the files on disk stay as
    /// `annals build` makes them).
    #[command(after_help = "Examples:
  annals watch
  annals watch --live            then open http://127.0.0.1:8149/story.html
  annals watch -A unused-actor")]
    Watch {
        /// The manifest whose outputs are rebuilt (checking only if it does
        /// not exist).
        #[arg(long, value_name = "FILE", default_value = annals::build::MANIFEST)]
        manifest: PathBuf,
        #[command(flatten)]
        levels: LevelArgs,
        /// Serve the exports folder on 127.0.0.1:PORT (8149 unless given;
        /// 0 for any free port), pages reloading when rebuilt.
        #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "8149")]
        live: Option<u16>,
    },

    /// Serve the language server protocol on stdin and stdout, for editors.
    ///
    /// Diagnostics as `annals check` gives them while you type, completion
    /// of ids and words, go to definition, references, hover, rename,
    /// did-you-mean fixes, the outline of a file and `annals fmt`'s layout.
    /// The KB folder (--kb) is taken relative to the editor's workspace.
    /// It never writes to disk: changes go to the editor as edits.
    #[command(
        after_help = "Set your editor's LSP client to run `annals lsp` for *.ron files; see the README's \"Editors\" section."
    )]
    Lsp,

    /// Start a new KB in DIR (the current folder unless given).
    ///
    /// Writes kb/annals.ron (the settings, documented), kb/actors.ron,
    /// kb/stories/example.ron (an example story to replace),
    /// exports/exports.ron (outputs that need nothing but annals) and
    /// .github/workflows/annals.yml (check --format github and build
    /// --check on every push). Never overwrites anything: if any of these
    /// exists, or DIR/kb holds anything, nothing is written.
    #[command(after_help = "Examples:
  annals init my-story
  cd my-story && annals check && annals build")]
    Init {
        /// The folder to start the KB in (made if missing).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },

    /// The cache that makes commands on an unchanged KB fast.
    ///
    /// Queries, exports, pictures and builds keep what loading made of a KB
    /// in a cache outside the KB folder, and use it while no KB file
    /// changed: in $ANNALS_CACHE_DIR, else $XDG_CACHE_HOME/annals, else
    /// ~/.cache/annals. A cache is used only when every file is the one it
    /// was made from (same size, times and inode, or same content); a cache
    /// that is cut short, corrupt or written by another build of annals is
    /// rewritten. ANNALS_CACHE=off or --no-cache bypass it. `check` always
    /// reads the files.
    #[command(after_help = "Examples:
  annals cache info
  annals cache clear
  annals cache clear --all")]
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },

    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  mkdir -p ~/.local/share/bash-completion/completions\n  annals completions bash > ~/.local/share/bash-completion/completions/annals"
    )]
    Completions {
        /// The shell.
        #[arg(ignore_case = true)]
        shell: clap_complete::Shell,
    },
}

/// What `annals cache` does.
#[derive(Subcommand)]
pub enum CacheAction {
    /// Where the cache of this KB is, its size, and whether it would be
    /// used now (or why not).
    Info,
    /// Remove the cache of this KB (it is made again by the next query).
    Clear {
        /// Remove the caches of every KB, and temporary files left by runs
        /// that were killed; nothing else in the folder.
        #[arg(long)]
        all: bool,
    },
}

/// Filters shared by queries, exports and pictures.
#[derive(clap::Args)]
pub struct FilterArgs {
    /// Keep items whose date overlaps the range from the start of DATE.
    /// Any KB date form: 2024, 2024-06, 2024-06-14, 2024-06-14T15:30Z. An item
    /// dated only to a month is kept when that month overlaps the range.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Keep items whose date overlaps the range up to the end of DATE
    /// (`--until 2024-06` includes all of June).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Keep statements by this actor, and events it took part or spoke in.
    /// Repeatable. With --rollup, statements by anyone speaking for it count.
    #[arg(long, value_name = "ID")]
    pub actor: Vec<String>,
    /// Keep this event, its sub-events, and statements made at them.
    #[arg(long, value_name = "ID")]
    pub event: Option<String>,
    /// Keep items with this topic (one the KB uses). Repeatable.
    #[arg(long, value_name = "T")]
    pub topic: Vec<String>,
    /// Keep statements or events of this kind (claim, demand, summit, …;
    /// any case). Repeatable.
    #[arg(long, value_name = "K")]
    pub kind: Vec<String>,
    /// Keep statements a fact-checker rated so: True, MostlyTrue, Mixed,
    /// MostlyFalse, False, Unproven (any case). Repeatable.
    #[arg(long, value_name = "RATING")]
    pub verdict: Vec<String>,
    /// Count a person's statements for the institution they held a role in on
    /// that date, and an institution's for what it is part of, to the top.
    #[arg(long)]
    pub rollup: bool,
}

/// `--to DATE`, the older spelling of `--until`, kept for scripts in the
/// commands where `--to` names no actor.
#[derive(clap::Args)]
pub struct OldTo {
    #[arg(
        long = "to",
        value_name = "DATE",
        hide = true,
        conflicts_with = "until"
    )]
    pub to: Option<String>,
}

/// How many levels of responses a tree follows.
#[derive(clap::Args)]
pub struct DepthArgs {
    /// How many levels of responses to follow (all when omitted).
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
}

/// How many rows a list shows.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// Show at most N rows (search: 20 unless given; stats: the N
    /// most-responded statements and actors, 5 unless given).
    #[arg(long, value_name = "N", alias = "top")]
    pub limit: Option<usize>,
}

#[derive(clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// With --format csv: cells safe to open in a spreadsheet (formulas
    /// neutralised), or the text exactly.
    #[arg(long, value_enum, ignore_case = true, default_value_t = CsvCells::Safe)]
    pub csv_cells: CsvCells,
}

impl OutputArgs {
    /// The format asked for, CSV with its cells.
    pub fn format(&self) -> annals::output::Format {
        match self.format {
            QueryFormat::Csv => annals::output::Format::Csv(self.csv_cells.into()),
            other => other.into(),
        }
    }
}

/// What CSV cells hold.
#[derive(Clone, Copy, ValueEnum)]
pub enum CsvCells {
    /// the text exactly, for DuckDB, pandas and COPY
    Exact,
    /// a leading ' before what a spreadsheet would run as a formula
    Safe,
}

impl From<CsvCells> for annals::escape::Cells {
    fn from(c: CsvCells) -> annals::escape::Cells {
        match c {
            CsvCells::Exact => annals::escape::Cells::Exact,
            CsvCells::Safe => annals::escape::Cells::Safe,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum QueryFormat {
    /// aligned text, coloured on a terminal
    Text,
    /// JSON with a stable schema (docs/json.md)
    Json,
    /// RFC 4180 CSV (cells: --csv-cells)
    Csv,
    /// a Markdown table
    Md,
}

impl From<QueryFormat> for annals::output::Format {
    fn from(f: QueryFormat) -> annals::output::Format {
        use annals::output::Format;
        match f {
            QueryFormat::Text => Format::Text,
            QueryFormat::Json => Format::Json,
            QueryFormat::Csv => Format::Csv(annals::escape::Cells::Safe),
            QueryFormat::Md => Format::Md,
        }
    }
}

/// The levels of lints, beyond the settings file's (check, watch).
#[derive(clap::Args, Default)]
pub struct LevelArgs {
    /// Allow a lint (do not report it). Repeatable.
    #[arg(short = 'A', long = "allow", value_name = "CODE", value_parser = parse_code)]
    pub allow: Vec<Code>,

    /// Warn on a lint. Repeatable.
    #[arg(short = 'W', long = "warn", value_name = "CODE", value_parser = parse_code)]
    pub warn: Vec<Code>,

    /// Deny a lint (report it as an error), or `warnings` for every warning.
    /// Repeatable. Applied after -A and -W.
    #[arg(short = 'D', long = "deny", value_name = "CODE|warnings", value_parser = parse_deny)]
    pub deny: Vec<Deny>,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Output format of the diagnostics.
    #[arg(long, value_enum, ignore_case = true, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    #[command(flatten)]
    pub levels: LevelArgs,

    /// Explain a diagnostic code and exit.
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    pub explain: Option<Code>,

    /// List every diagnostic code with its default level and exit.
    #[arg(long)]
    pub list_codes: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// for a terminal
    Text,
    /// Markdown, to post as a pull-request comment
    Md,
    /// one JSON document (docs/schema/diff.json)
    Json,
    /// GitHub Actions notices on the changed lines
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    /// rustc-like, with source snippets (also `text`)
    #[value(alias = "text")]
    Human,
    /// one JSON object per line
    Json,
    /// GitHub Actions workflow commands
    Github,
}

#[derive(Clone, Copy)]
pub enum Deny {
    Warnings,
    Code(Code),
}

/// The words `-D` takes besides codes.
const DENY_WORDS: [&str; 1] = ["warnings"];

fn unknown_code(text: &str, extra: &[&str]) -> String {
    let names = Code::ALL
        .iter()
        .map(|c| c.name())
        .chain(extra.iter().copied());
    let close = annals::suggest::closest(text, names);
    let help = annals::suggest::did_you_mean(&close)
        .unwrap_or_else(|| "`annals check --list-codes` lists them".into());
    format!(
        "unknown diagnostic code `{}`; {help}",
        annals::escape::shown(text)
    )
}

fn parse_code(text: &str) -> Result<Code, String> {
    Code::from_name(text).ok_or_else(|| unknown_code(text, &[]))
}

fn parse_deny(text: &str) -> Result<Deny, String> {
    if text == DENY_WORDS[0] {
        Ok(Deny::Warnings)
    } else {
        Code::from_name(text)
            .map(Deny::Code)
            .ok_or_else(|| unknown_code(text, &DENY_WORDS))
    }
}

/// Reads a `--tz` value.
fn zone(text: &str) -> Result<Zone, String> {
    Zone::parse(text).ok_or_else(|| {
        format!(
            "`{}` is not a time zone: write `UTC`, an offset such as `+03:00`, or a tz database name such as `Europe/Kyiv`",
            annals::escape::shown(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        <Cli as clap::CommandFactory>::command().debug_assert();
    }
}

/// The title, subtitle and credit of the timeline picture and the page.
#[derive(Debug, clap::Args)]
pub struct CaptionArgs {
    /// The title (else what it shows: how many statements and events, and
    /// when).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// A line under the title.
    #[arg(long, value_name = "TEXT")]
    pub subtitle: Option<String>,
    /// The credit line (else the outlets the statements cite, and annals).
    #[arg(long, value_name = "TEXT")]
    pub credit: Option<String>,
}
