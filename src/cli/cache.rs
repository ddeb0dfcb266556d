//! `annals cache info|clear`: what the cache of loaded KBs holds, and
//! removing it.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use annals::cache::{Cache, Setting};
use annals::escape::shown_path;

/// A path of the cache whole (it is ours: a cut would hide the file),
/// escaped for the terminal.
fn whole_path(path: &Path) -> String {
    annals::escape::terminal(&path.to_string_lossy()).into_owned()
}

use super::args::CacheAction;
use super::Failure;

/// The cache setting from `--no-cache` and the environment.
pub fn setting(no_cache: bool) -> Result<Setting, Failure> {
    Setting::from_env(no_cache).map_err(Failure::Usage)
}

pub fn run(kb: &Path, action: &CacheAction, no_cache: bool) -> Result<ExitCode, Failure> {
    let mut out = io::stdout().lock();
    let dir = match setting(no_cache)? {
        Setting::On(dir) => dir,
        Setting::Off(why) => {
            writeln!(out, "cache: off ({why})")?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let cache = Cache::new(&dir);
    let no_kb = |e: io::Error| {
        Failure::Usage(format!(
            "cannot name the KB folder `{}`: {e}",
            shown_path(kb)
        ))
    };
    match action {
        CacheAction::Info => {
            let info = cache.info(kb).map_err(|e| Failure::Usage(e.to_string()))?;
            writeln!(out, "cache folder: {}", whole_path(cache.dir()))?;
            writeln!(out, "this KB's cache: {}", whole_path(&info.file))?;
            if let Some(bytes) = info.bytes {
                writeln!(out, "size: {}", size(bytes))?;
            }
            match info.state {
                Ok((files, started)) => {
                    let at = chrono::DateTime::<chrono::Utc>::from(started);
                    writeln!(
                        out,
                        "state: fresh: {files} KB file{} as loaded at {}",
                        if files == 1 { "" } else { "s" },
                        at.format("%Y-%m-%d %H:%M:%S UTC")
                    )?;
                }
                Err(stale) => writeln!(out, "state: {stale}")?,
            }
        }
        CacheAction::Clear { all: false } => match cache.clear(kb).map_err(no_kb)? {
            Some(bytes) => writeln!(out, "removed this KB's cache ({})", size(bytes))?,
            None => writeln!(out, "no cache for this KB")?,
        },
        CacheAction::Clear { all: true } => {
            let (count, bytes) = cache.clear_all()?;
            writeln!(
                out,
                "removed {count} cache{} ({}) from {}",
                if count == 1 { "" } else { "s" },
                size(bytes),
                whole_path(cache.dir())
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A size for people: bytes, KB, MB or GB (powers of 1,000).
fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.1} GB", bytes as f64 / 1e9),
    }
}
