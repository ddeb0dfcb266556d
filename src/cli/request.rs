//! Resolving what was typed, once, into what a command needs: a filter
//! spec, an output plan checked against the formats that exist, an output
//! path checked before any work is done. Only ids wait for the KB.

use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use annals::artifact::{Artifact, Format, Options, Plan};
use annals::build::Manifest;
use annals::cache::Setting;
use annals::escape;
use annals::output::{self, Style};
use annals::query::FilterSpec;
use annals::render::timeline::Caption;
use annals::Kb;

use super::args::{CaptionArgs, Command, FilterArgs, OldTo};
use super::{load, pictures, queries, Failure};

/// A command, resolved.
pub enum Request {
    Timeline(FilterSpec, output::Format),
    Responses(String, Option<usize>, output::Format),
    Thread(String, Option<usize>, output::Format),
    WhoResponded {
        filter: FilterSpec,
        to: Option<String>,
        by: Option<String>,
        format: output::Format,
    },
    Show(String, output::Format),
    Search(String, usize, output::Format),
    Path(String, String, output::Format),
    Stats(usize, output::Format),
    Make {
        plan: Plan,
        filter: FilterSpec,
        output: Option<PathBuf>,
        options: Options,
    },
    Build {
        manifest: Manifest,
        check: bool,
        options: Options,
    },
}

/// The filter as typed, with `--to` read as `--until` where it is a date.
fn spec(args: FilterArgs, to: Option<OldTo>) -> FilterSpec {
    FilterSpec {
        from: args.from,
        until: args.until.or(to.and_then(|t| t.to)),
        actors: args.actor,
        event: args.event,
        topics: args.topic,
        kinds: args.kind,
        verdicts: args.verdict,
        rollup: args.rollup,
        all: false,
    }
}

/// How long Graphviz may take: `ANNALS_GRAPHVIZ_TIMEOUT` seconds, or the
/// default.
pub(super) fn graphviz_timeout() -> Result<Duration, Failure> {
    match std::env::var("ANNALS_GRAPHVIZ_TIMEOUT") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "ANNALS_GRAPHVIZ_TIMEOUT must be a number of seconds, not `{}`",
                    escape::shown(&v)
                ))
            }),
        _ => Ok(annals::render::graphviz::DEFAULT_TIMEOUT),
    }
}

/// The format given, or the one `-o`'s extension names.
fn format_of(
    given: Option<Format>,
    output: Option<&Path>,
    choices: &str,
) -> Result<Format, Failure> {
    given
        .or_else(|| output.and_then(Format::from_path))
        .ok_or_else(|| {
            Failure::Usage(match output {
                Some(path) => format!(
                    "cannot tell the format of `{}` from its name: pass --format ({choices})",
                    escape::shown_path(path)
                ),
                None => format!("pass --format ({choices}), or -o FILE with its extension"),
            })
        })
}

/// Checks where an output goes before any work is done for it.
fn check_output(plan: Plan, output: Option<&Path>, kb_path: &Path) -> Result<(), Failure> {
    match output {
        Some(dir) if plan.format == Format::Csv => {
            annals::atomic::target_folder(dir, kb_path)?;
        }
        Some(path) => {
            annals::atomic::target(path, kb_path)?;
        }
        None if plan.format == Format::Csv => {
            return Err(Failure::Usage(
                "csv writes a folder of tables: give it with -o DIR".into(),
            ))
        }
        None => pictures::stdout_takes(plan)?,
    }
    Ok(())
}

const EXPORT_FORMATS: &str = "dot, mermaid, json, jsonl, csv, graphml, jsonld, timelinejs, html";
const IMAGE_FORMATS: &str = "svg, png, pdf";

impl Request {
    /// An output of `export` or `render`: planned, its path checked.
    fn make(
        asked: Artifact,
        filter: FilterSpec,
        output: Option<PathBuf>,
        options: Options,
        kb_path: &Path,
    ) -> Result<Request, Failure> {
        let plan = asked.plan()?;
        check_output(plan, output.as_deref(), kb_path)?;
        Ok(Request::Make {
            plan,
            filter,
            output,
            options,
        })
    }

    /// Resolves a command (any but `check` and `completions`).
    pub fn resolve(command: Command, kb_path: &Path) -> Result<Request, Failure> {
        Ok(match command {
            Command::Timeline { filter, to, output } => {
                Request::Timeline(spec(filter, Some(to)), output.format())
            }
            Command::Responses { id, depth, output } => {
                Request::Responses(id, depth.depth, output.format())
            }
            Command::Thread { id, depth, output } => {
                Request::Thread(id, depth.depth, output.format())
            }
            Command::WhoResponded {
                target,
                responder,
                filter,
                output,
            } => Request::WhoResponded {
                filter: spec(filter, None),
                to: target,
                by: responder,
                format: output.format(),
            },
            Command::Show { id, output } => Request::Show(id, output.format()),
            Command::Search {
                words,
                limit,
                output,
            } => Request::Search(words.join(" "), limit.limit.unwrap_or(20), output.format()),
            Command::Path { from, to, output } => Request::Path(from, to, output.format()),
            Command::Stats { limit, output } => {
                Request::Stats(limit.limit.unwrap_or(5), output.format())
            }
            Command::Export {
                format_word,
                format,
                view,
                engine,
                output,
                base_iri,
                csv_cells,
                tz,
                all,
                caption,
                filter,
                to,
            } => {
                let format = format_of(format.or(format_word), output.as_deref(), EXPORT_FORMATS)?;
                if format.image().is_some() {
                    return Err(Failure::Usage(format!(
                        "{} is a picture: draw it with `annals render VIEW -o FILE.{}`",
                        format.as_str(),
                        format.as_str()
                    )));
                }
                let asked = Artifact {
                    format,
                    view,
                    engine,
                };
                annals::export::jsonld::check_base(&base_iri).map_err(Failure::Usage)?;
                let options = Options {
                    base_iri,
                    cells: csv_cells.into(),
                    zone: tz,
                    caption: caption.with_width(None),
                    graphviz_timeout: graphviz_timeout()?,
                };
                check_caption(asked, &options.caption)?;
                let spec = with_all(spec(filter, Some(to)), all, asked)?;
                Request::make(asked, spec, output, options, kb_path)?
            }
            Command::Render {
                view,
                output,
                format,
                engine,
                tz,
                caption,
                width,
                all,
                filter,
                to,
            } => {
                let format = format_of(format, output.as_deref(), IMAGE_FORMATS)?;
                if format.image().is_none() {
                    return Err(Failure::Usage(format!(
                        "{} is not a picture: export it with `annals export --format {}`",
                        format.as_str(),
                        format.as_str()
                    )));
                }
                let asked = Artifact {
                    format,
                    view: Some(view),
                    engine,
                };
                let caption = caption.with_width(width);
                let options = Options {
                    graphviz_timeout: graphviz_timeout()?,
                    zone: tz,
                    caption,
                    ..Options::default()
                };
                check_caption(asked, &options.caption)?;
                let spec = with_all(spec(filter, Some(to)), all, asked)?;
                Request::make(asked, spec, output, options, kb_path)?
            }
            Command::Build { check, manifest } => Request::Build {
                manifest: Manifest::read(&manifest)?,
                check,
                options: Options {
                    graphviz_timeout: graphviz_timeout()?,
                    ..Options::default()
                },
            },
            Command::Check(_)
            | Command::Init { .. }
            | Command::Fmt { .. }
            | Command::Diff { .. }
            | Command::Watch { .. }
            | Command::Lsp
            | Command::Cache { .. }
            | Command::New { .. }
            | Command::Completions { .. } => {
                unreachable!("commands that do not query the KB run without a request")
            }
        })
    }

    /// Answers the request from the front of the KB's cache alone, when it
    /// is one that needs no more (`stats`) and the cache holds the KB as
    /// it is now; `None` when the KB must be loaded ([`Request::run`]).
    pub fn run_outlined(
        &self,
        kb_path: &Path,
        cache: &Setting,
        style: Style,
    ) -> Option<Result<ExitCode, Failure>> {
        match *self {
            Request::Stats(limit, format) => {
                // Kept unfreed to the end of the process, as a loaded KB is
                // (see `Request::run`): tens of thousands of actors.
                let outlined = ManuallyDrop::new(load::outlined(kb_path, cache)?);
                queries::stats_outlined(&outlined, limit, format, style)
            }
            _ => None,
        }
    }

    /// Runs the request on the loaded KB. The KB is kept unfreed to the end
    /// of the process (freeing hundreds of thousands of items one by one
    /// would only cost time), but by `render` and `export`, which let it go
    /// before drawing a PNG.
    pub fn run(self, kb: Kb, kb_path: &Path, style: Style) -> Result<ExitCode, Failure> {
        let held = ManuallyDrop::new(kb);
        let kb = &*held;
        match self {
            Request::Timeline(filter, format) => queries::timeline(kb, &filter, format, style),
            Request::Responses(id, depth, format) => {
                queries::responses(kb, &id, depth, format, style)
            }
            Request::Thread(id, depth, format) => queries::thread(kb, &id, depth, format, style),
            Request::WhoResponded {
                filter,
                to,
                by,
                format,
            } => queries::who_responded(kb, &filter, to.as_deref(), by.as_deref(), format, style),
            Request::Show(id, format) => queries::show(kb, &id, format, style),
            Request::Search(text, limit, format) => {
                queries::search(kb, &text, limit, format, style)
            }
            Request::Path(from, to, format) => queries::path(kb, &from, &to, format, style),
            Request::Stats(limit, format) => queries::stats(kb, limit, format, style),
            Request::Make {
                plan,
                filter,
                output,
                options,
            } => {
                let kb = ManuallyDrop::into_inner(held);
                pictures::make(kb, kb_path, plan, &filter, output.as_deref(), &options)
            }
            Request::Build {
                manifest,
                check,
                options,
            } => pictures::build(kb, kb_path, &manifest, check, &options),
        }
    }
}

/// A title, subtitle and credit are annals' own timeline's and the page's,
/// a width only the timeline's; the Graphviz pictures and the data formats
/// have none of them.
fn check_caption(asked: Artifact, caption: &Caption) -> Result<(), Failure> {
    let plan = asked.plan().map_err(|e| Failure::Usage(e.to_string()))?;
    if caption.width.is_some() && !plan.draws_caption() {
        return Err(Failure::Usage(format!(
            "--width is the timeline picture's; the {} view is laid out by Graphviz",
            plan.view.as_str()
        )));
    }
    if *caption != Caption::default() && !plan.has_caption() {
        return Err(Failure::Usage(match plan.format.is_data() {
            true => format!(
                "--title, --subtitle and --credit are the page's (html) and the timeline picture's, not {}'s",
                plan.format.as_str()
            ),
            false => format!(
                "--title, --subtitle, --credit and --width are the timeline picture's; the {} view is laid out by Graphviz",
                plan.view.as_str()
            ),
        }));
    }
    Ok(())
}

impl CaptionArgs {
    fn with_width(self, width: Option<u32>) -> Caption {
        Caption {
            title: self.title,
            subtitle: self.subtitle,
            credit: self.credit,
            width,
        }
    }
}

/// `--all` draws the statements outside any exchange in the views of
/// responses; elsewhere every statement is there already.
fn with_all(spec: FilterSpec, all: bool, asked: Artifact) -> Result<FilterSpec, Failure> {
    let views = matches!(
        asked.plan().map(|p| p.view),
        Ok(annals::artifact::View::Responses | annals::artifact::View::Actors)
    );
    if all && !views {
        return Err(Failure::Usage(
            "--all draws the statements outside any exchange in the responses and actors views; the other outputs have every statement already".into(),
        ));
    }
    Ok(FilterSpec { all, ..spec })
}
