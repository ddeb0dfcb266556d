//! Loading the KB for every command but `check`, in one place.

use std::path::Path;

use annals::{Kb, Loaded};

use super::Failure;

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
