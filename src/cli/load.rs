//! Loading the KB for every command but `check`, in one place.

use std::path::Path;
use std::time::SystemTime;

use annals::cache::{Cache, Outlined, Setting};
use annals::{Kb, Loaded};

use super::Failure;

/// How many hard errors are listed when a query refuses a broken KB.
const MAX_LISTED_ERRORS: usize = 10;

/// Loads the KB for a query: from the cache when `cache` is on and holds
/// the KB as it is now, else from its files (then writing the cache for
/// the next run; a cache that cannot be written is only a slower next
/// run). Queries refuse a KB with hard errors: their answers would silently
/// miss whatever did not load.
///
/// The caller keeps the KB to the end of the process unfreed (see
/// [`Request::run`](super::request::Request::run)): freeing hundreds of
/// thousands of items one by one would only cost time.
pub fn load(kb: &Path, cache: &Setting) -> Result<Kb, Failure> {
    let cache = match cache {
        Setting::On(dir) => Cache::new(dir),
        Setting::Off(_) => return Ok(checked(kb)?.kb),
    };
    if let Ok(kept) = cache.read(kb) {
        return Ok(kept);
    }
    let started = SystemTime::now();
    let loaded = checked(kb)?;
    let _ = cache.write(kb, &loaded, started);
    Ok(loaded.kb)
}

/// The front of the KB's cache (its actors, events and statements'
/// columns; see `Cache::read_outline`), when the cache is on and holds the
/// KB as it is now; `None` sends the caller to [`load`].
pub fn outlined(kb: &Path, cache: &Setting) -> Option<Outlined> {
    match cache {
        Setting::On(dir) => Cache::new(dir).read_outline(kb).ok(),
        Setting::Off(_) => None,
    }
}

/// The KB loaded from its files, with their sources (for a command that
/// shows or edits them); refused with hard errors, as [`load`] does.
pub fn checked(kb: &Path) -> Result<Loaded, Failure> {
    let loaded = Kb::load(kb)?;
    if !loaded.has_errors() {
        return Ok(loaded);
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
