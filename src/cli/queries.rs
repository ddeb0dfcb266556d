//! Running the query commands: load the KB (refusing one with hard errors),
//! resolve ids and filters from arguments, call the query, write the output.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use annals::model::{ActorIx, NodeKind, NodeRef, StatementIx};
use annals::output::{self, Format, Style};
use annals::query::{self, Filter};
use annals::{Kb, Loaded};

use crate::{Failure, FilterArgs};

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
    if format == Format::Csv && io::stdout().is_terminal() {
        emit(|out| {
            let mut safe = annals::escape::Escaping::new(out, annals::escape::Stream::Terminal);
            write(&mut safe)?;
            safe.flush()
        })
    } else {
        emit(write)
    }
}

/// How many hard errors are listed when a query refuses a broken KB.
const MAX_LISTED_ERRORS: usize = 10;

/// Loads the KB for a query. Queries refuse a KB with hard errors: their
/// answers would silently miss whatever did not load.
///
/// The KB is leaked: the process ends right after the query, and freeing
/// hundreds of thousands of items one by one would only cost time.
pub fn load(kb: &Path) -> Result<&'static Loaded, Failure> {
    let loaded = Kb::load(kb)?;
    if !loaded.has_errors() {
        return Ok(Box::leak(Box::new(loaded)));
    }
    let errors: Vec<String> = loaded
        .hard_errors()
        .map(|d| {
            let (at, _) = loaded.sources.locate(d.primary.span);
            let file = &loaded.sources.get(d.primary.span.file).name;
            annals::escape::terminal(&format!(
                "  {file}:{}:{}: {}",
                at.line, at.column, d.message
            ))
            .into_owned()
        })
        .collect();
    let shown = errors
        .iter()
        .take(MAX_LISTED_ERRORS)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    let more = errors.len().saturating_sub(MAX_LISTED_ERRORS);
    let more = if more > 0 {
        format!("\n  … and {more} more")
    } else {
        String::new()
    };
    Err(Failure::BrokenKb(format!(
        "the KB has {} error{}; run `annals check` and fix them first:\n{shown}{more}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )))
}

fn actor(kb: &Kb, id: &str) -> Result<ActorIx, Failure> {
    match query::resolve(kb, id, Some(NodeKind::Actor))? {
        NodeRef::Actor(a) => Ok(a),
        _ => unreachable!("resolve returns the kind asked for"),
    }
}

fn statement(kb: &Kb, id: &str) -> Result<StatementIx, Failure> {
    match query::resolve(kb, id, Some(NodeKind::Statement))? {
        NodeRef::Statement(s) => Ok(s),
        _ => unreachable!("resolve returns the kind asked for"),
    }
}

/// Builds the library's filter from arguments, resolving every id.
pub fn filter(kb: &Kb, args: &FilterArgs, to: Option<&str>) -> Result<Filter, Failure> {
    let spec = query::FilterSpec {
        from: args.from.clone(),
        to: to.map(str::to_owned),
        actors: args.actor.clone(),
        event: args.event.clone(),
        topics: args.topic.clone(),
        kinds: args.kind.clone(),
        rollup: args.rollup,
    };
    spec.resolve(kb).map_err(|e| match e {
        query::FilterError::UnknownId(u) => Failure::UnknownId(u),
        other => Failure::Usage(other.to_string()),
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
    kb: &Path,
    args: &FilterArgs,
    to: Option<&str>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let items = query::timeline::timeline(kb, &filter(kb, args, to)?);
    if items.is_empty() {
        return nothing(format, "statements or events");
    }
    emit_query(format, |o| {
        output::timeline::write(kb, &items, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn responses(
    kb: &Path,
    id: &str,
    depth: Option<usize>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let tree = query::responses::responses(kb, statement(kb, id)?, depth);
    emit_query(format, |o| {
        output::tree::write_responses(kb, &tree, format, o, style)
    })?;
    if tree.is_leaf() && format == Format::Text {
        writeln!(
            io::stderr(),
            "no statements respond to `{}`",
            annals::escape::terminal(id)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn thread(
    kb: &Path,
    id: &str,
    depth: Option<usize>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let thread = query::responses::thread(kb, statement(kb, id)?, depth);
    emit_query(format, |o| {
        output::tree::write_thread(kb, &thread, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
pub fn who_responded(
    kb: &Path,
    args: &FilterArgs,
    until: Option<&str>,
    target: Option<&str>,
    responder: Option<&str>,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let options = query::who_responded::Options {
        to: target.map(|t| actor(kb, t)).transpose()?,
        by: responder.map(|b| actor(kb, b)).transpose()?,
    };
    let pairs = query::who_responded::who_responded(kb, &filter(kb, args, until)?, &options);
    if pairs.is_empty() {
        return nothing(format, "responses");
    }
    emit_query(format, |o| output::who::write(kb, &pairs, format, o, style))?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(kb: &Path, id: &str, format: Format, style: Style) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let node = query::resolve(kb, id, None)?;
    emit_query(format, |o| output::show::write(kb, node, format, o, style))?;
    Ok(ExitCode::SUCCESS)
}

pub fn search(
    kb: &Path,
    text: &str,
    limit: usize,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let mut hits = query::search::search(kb, text);
    hits.truncate(limit);
    if hits.is_empty() {
        return nothing(format, "items");
    }
    emit_query(format, |o| {
        output::lists::write_search(kb, &hits, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn path(
    kb: &Path,
    from: &str,
    to: &str,
    format: Format,
    style: Style,
) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
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
            writeln!(io::stderr(), "no path links `{from}` and `{to}`")?;
            Ok(ExitCode::from(1))
        }
    }
}

pub fn stats(kb: &Path, top: usize, format: Format, style: Style) -> Result<ExitCode, Failure> {
    let loaded = load(kb)?;
    let kb = &loaded.kb;
    let stats = query::stats::stats(kb, top);
    emit_query(format, |o| {
        output::lists::write_stats(kb, &stats, format, o, style)
    })?;
    Ok(ExitCode::SUCCESS)
}
