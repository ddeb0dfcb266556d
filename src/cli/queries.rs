//! Running the query commands on a loaded KB: ids resolved with messages
//! that say what went wrong, the query called, the output written.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::process::ExitCode;

use annals::cache::Outlined;
use annals::kb::Party;
use annals::model::{ActorIx, NodeKind, NodeRef, StatementIx};
use annals::outline::Sketch;
use annals::output::{self, Format, Style};
use annals::query::stats::Stats;
use annals::query::{self, Filter, FilterSpec};
use annals::Kb;

use super::Failure;

/// Runs `write` on buffered stdout (large outputs would otherwise cost a
/// system call per line) and flushes it, so that a failed write is reported.
pub fn emit(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Failure> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

/// [`emit`] for a query's output. CSV keeps KB text exact for files and
/// pipes; on a terminal its control and bidi characters are shown escaped.
/// (Text and Markdown escape them always, JSON writes them as `\u` escapes.)
fn emit_query(
    format: Format,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    use std::io::IsTerminal;
    if matches!(format, Format::Csv(_)) && io::stdout().is_terminal() {
        emit(|out| {
            let mut safe = annals::escape::Escaping::new(out, annals::escape::Stream::Terminal);
            write(&mut safe)?;
            safe.flush()
        })
    } else {
        emit(write)
    }
}

/// An actor named on the command line.
fn actor(kb: &Kb, id: &str) -> Result<ActorIx, Failure> {
    match query::resolve(kb, id, Some(NodeKind::Actor))? {
        NodeRef::Actor(a) => Ok(a),
        _ => unreachable!("resolve returns the kind asked for"),
    }
}

/// A statement named on the command line for `command`; an actor or event
/// id says what to ask instead.
fn statement(kb: &Kb, id: &str, command: &str) -> Result<StatementIx, Failure> {
    match query::resolve(kb, id, Some(NodeKind::Statement)) {
        Ok(NodeRef::Statement(s)) => Ok(s),
        Ok(_) => unreachable!("resolve returns the kind asked for"),
        Err(e) => {
            let shown = annals::escape::shown(id);
            Err(match e.found {
                Some(NodeRef::Actor(a)) => {
                    let n = kb.statements_by(a).len();
                    Failure::Usage(format!(
                        "`{shown}` is an actor; `{command}` takes a statement ({shown} made {n}: `annals timeline --actor {shown}`)"
                    ))
                }
                Some(NodeRef::Event(_)) => Failure::Usage(format!(
                    "`{shown}` is an event; `{command}` takes a statement (the statements made at it: `annals timeline --event {shown}`)"
                )),
                _ => Failure::UnknownId(e),
            })
        }
    }
}

/// Resolves a filter; an id of the wrong kind says what it is.
pub fn filter(kb: &Kb, spec: &FilterSpec) -> Result<Filter, Failure> {
    spec.resolve(kb).map_err(|e| match e {
        query::FilterError::UnknownId(u) => Failure::UnknownId(u),
        other => Failure::Filter(other),
    })
}

/// Says that nothing matched: on stderr for tables (stdout stays empty), as
/// `[]` for JSON.
fn nothing(format: Format, what: &str) -> Result<ExitCode, Failure> {
    if format == Format::Json {
        writeln!(io::stdout(), "[]")?;
    } else {
        writeln!(io::stderr(), "no {what} match")?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn timeline(
    kb: &Kb,
    spec: &FilterSpec,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let kept = filter(kb, spec)?;
    let items = query::timeline::timeline(kb, &kept);
    if items.is_empty() {
        let code = nothing(format, "statements or events")?;
        // Institutions speak through their people: say when roll-up finds
        // what the actor itself did not say.
        if !spec.rollup && !spec.actors.is_empty() {
            let rolled = FilterSpec {
                rollup: true,
                ..spec.clone()
            };
            let found = query::timeline::timeline(kb, &filter(kb, &rolled)?).len();
            if found > 0 {
                writeln!(
                    io::stderr(),
                    "with --rollup, {found} item{} by those who speak for {} match",
                    if found == 1 { "" } else { "s" },
                    spec.actors
                        .iter()
                        .map(|a| format!("`{}`", annals::escape::shown(a)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
        }
        return Ok(code);
    }
    emit_query(format, |o| {
        output::timeline::write(kb, &items, &kept.actors, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn responses(
    kb: &Kb,
    id: &str,
    depth: Option<usize>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let tree = query::responses::responses(kb, statement(kb, id, "responses")?, depth);
    emit_query(format, |o| {
        output::tree::write_responses(kb, &tree, format, o, style)
    })?;
    if tree.is_leaf() && format == Format::Text {
        writeln!(
            io::stderr(),
            "no statements respond to `{}`",
            annals::escape::shown(id)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn thread(
    kb: &Kb,
    id: &str,
    depth: Option<usize>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let thread = query::responses::thread(kb, statement(kb, id, "thread")?, depth);
    emit_query(format, |o| {
        output::tree::write_thread(kb, &thread, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The target of `who-responded --to`: an actor, or an event answered as
/// a whole. A date there points to `--until`, which ends the date range; a
/// statement to `responses`.
fn target(kb: &Kb, text: &str) -> Result<Party, Failure> {
    let shown = annals::escape::shown(text);
    match query::resolve(kb, text, None) {
        Ok(NodeRef::Actor(a)) => Ok(Party::Actor(a)),
        Ok(NodeRef::Event(e)) => Ok(Party::Event(e)),
        Ok(NodeRef::Statement(_)) => Err(Failure::Usage(format!(
            "`{shown}` is a statement; --to names the actor or event responded to (what answered this statement: `annals responses {shown}`)"
        ))),
        Err(_) if annals::model::Date::parse(text, kb.settings.zone).is_ok() => {
            Err(Failure::Usage(format!(
                "`{shown}` is a date, but --to names the target actor or event in who-responded; the date range ends with --until"
            )))
        }
        Err(e) => Err(Failure::UnknownId(e)),
    }
}

pub fn who_responded(
    kb: &Kb,
    spec: &FilterSpec,
    to: Option<&str>,
    by: Option<&str>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let options = query::who_responded::Options {
        to: to.map(|t| target(kb, t)).transpose()?,
        by: by.map(|b| actor(kb, b)).transpose()?,
    };
    let pairs = query::who_responded::who_responded(kb, &filter(kb, spec)?, &options);
    if pairs.is_empty() {
        return nothing(format, "responses");
    }
    emit_query(format, |o| output::who::write(kb, &pairs, format, o, style))?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(kb: &Kb, id: &str, format: Format, style: Style) -> Result<ExitCode, Failure> {
    let node = query::resolve(kb, id, None)?;
    emit_query(format, |o| output::show::write(kb, node, format, o, style))?;
    Ok(ExitCode::SUCCESS)
}

pub fn search(
    kb: &Kb,
    text: &str,
    limit: usize,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let hits = query::search::search(kb, text, Some(limit));
    if hits.is_empty() {
        return nothing(format, "items");
    }
    emit_query(format, |o| {
        output::lists::write_search(kb, &hits, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn path(
    kb: &Kb,
    from: &str,
    to: &str,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let (a, b) = (
        query::resolve(kb, from, None)?,
        query::resolve(kb, to, None)?,
    );
    match query::path::path(kb, a, b) {
        Some(steps) => {
            emit_query(format, |o| {
                output::lists::write_path(kb, &steps, format, o, style)
            })?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            if format == Format::Json {
                writeln!(io::stdout(), "null")?;
            }
            writeln!(
                io::stderr(),
                "no path links `{}` and `{}`",
                annals::escape::shown(from),
                annals::escape::shown(to)
            )?;
            Ok(ExitCode::from(1))
        }
    }
}

pub fn stats(kb: &Kb, top: usize, format: Format, style: Style) -> Result<ExitCode, Failure> {
    let kb = kb.sketch();
    let stats = query::stats::stats(&kb, top);
    write_stats(&kb, &stats, format, style)
}

/// `stats` from the cache's columns (see `Cache::read_outline`), with the
/// statements the report shows read whole from the cache; `None` when
/// these cannot be read (the caller loads the KB).
pub fn stats_outlined(
    outlined: &Outlined,
    top: usize,
    format: Format,
    style: Style,
) -> Option<Result<ExitCode, Failure>> {
    let none = BTreeMap::new();
    let stats = query::stats::stats(&outlined.sketch(&none), top);
    let whole = outlined.fetch(stats.shown()).ok()?;
    Some(write_stats(&outlined.sketch(&whole), &stats, format, style))
}

fn write_stats(
    kb: &Sketch,
    stats: &Stats,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    emit_query(format, |o| {
        output::lists::write_stats(kb, stats, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}
