//! `annals watch`: checks the KB on every save, as `annals check` prints
//! it, and when it loads without an error rebuilds the outputs of the
//! exports manifest that changed. With `--live`, serves the exports folder
//! on 127.0.0.1, its pages reloading themselves when rebuilt.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use annals::artifact::Options;
use annals::build::Manifest;
use annals::escape::shown_path;
use annals::load::Loaded;
use annals::Kb;

use super::args::{CheckFormat, LevelArgs};
use super::Failure;

/// How long the files must be quiet before a run: an editor's save is
/// often several writes (a temporary file, a rename).
const SETTLE: Duration = Duration::from_millis(50);

pub struct Watch<'a> {
    pub kb: &'a Path,
    pub manifest: &'a Path,
    pub levels: &'a LevelArgs,
    pub live: Option<u16>,
    pub color: bool,
}

pub fn run(w: &Watch) -> Result<ExitCode, Failure> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = tx.send(event);
        }
    })
    .map_err(|e| Failure::Usage(format!("cannot watch files: {e}")))?;
    let watch = |watcher: &mut notify::RecommendedWatcher, path: &Path, mode| {
        watcher
            .watch(path, mode)
            .map_err(|e| Failure::Usage(format!("cannot watch `{}`: {e}", shown_path(path))))
    };
    if !w.kb.is_dir() {
        return Err(annals::LoadError::NotFound(w.kb.to_path_buf()).into());
    }
    watch(&mut watcher, w.kb, RecursiveMode::Recursive)?;
    let manifest_dir = w
        .manifest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let has_manifest = w.manifest.is_file();
    if has_manifest {
        watch(&mut watcher, &manifest_dir, RecursiveMode::NonRecursive)?;
    }
    let mut err = io::stderr().lock();
    let live = match w.live {
        Some(port) if has_manifest => {
            let server = annals::live::Live::start(&manifest_dir, port)
                .map_err(|e| Failure::Usage(format!("cannot serve on 127.0.0.1:{port}: {e}")))?;
            writeln!(
                err,
                "serving {} on http://127.0.0.1:{}/ (pages reload when rebuilt)",
                shown_path(&manifest_dir),
                server.port
            )?;
            Some(server)
        }
        Some(_) => {
            return Err(Failure::Usage(format!(
                "--live serves the exports manifest's outputs, and `{}` does not exist",
                shown_path(w.manifest)
            )))
        }
        None => None,
    };
    if !has_manifest {
        writeln!(
            err,
            "no manifest at `{}`: checking only",
            shown_path(w.manifest)
        )?;
    }
    let manifest_real = std::fs::canonicalize(w.manifest).ok();
    let kb_real = std::fs::canonicalize(w.kb).unwrap_or_else(|_| w.kb.to_path_buf());
    let mut last = None;
    loop {
        once(w, has_manifest, live.as_ref(), &mut last)?;
        writeln!(
            err,
            "watching {} for changes (Ctrl-C to stop)",
            shown_path(w.kb)
        )?;
        // Wait for a change to the KB or the manifest, then for quiet.
        loop {
            let event = rx
                .recv()
                .map_err(|_| Failure::Usage("the file watcher stopped".into()))?;
            if relevant(&event, &kb_real, manifest_real.as_deref()) {
                break;
            }
        }
        while rx.recv_timeout(SETTLE).is_ok() {}
    }
}

/// Whether an event touches a KB file or the manifest (not the outputs
/// annals itself writes beside it, nor temporary files).
fn relevant(event: &notify::Event, kb: &Path, manifest: Option<&Path>) -> bool {
    if event.kind.is_access() {
        return false;
    }
    event.paths.iter().any(|p| {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        (p.starts_with(kb) && !hidden) || Some(p.as_path()) == manifest
    })
}

/// One check, and a build when the KB loads without an error. `last` is
/// the last run's load: the files that did not change since are not read
/// again when the change stays within the others.
fn once(
    w: &Watch,
    has_manifest: bool,
    live: Option<&annals::live::Live>,
    last: &mut Option<Loaded>,
) -> Result<(), Failure> {
    let started = Instant::now();
    let loaded = Kb::load_after(w.kb, &HashMap::new(), last.take())
        .and_then(|r| r.loaded.require_files(w.kb));
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let mut out = io::stdout().lock();
            writeln!(out, "error: {}", annals::escape::terminal(&e.to_string()))?;
            return Ok(());
        }
    };
    let done = check_and_build(w, has_manifest, live, &loaded, started);
    *last = Some(loaded);
    done
}

/// The check of a run, and its build when the KB has no error.
fn check_and_build(
    w: &Watch,
    has_manifest: bool,
    live: Option<&annals::live::Live>,
    loaded: &Loaded,
    started: Instant,
) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    super::check::report(loaded, w.levels, CheckFormat::Human, w.color, &mut out)?;
    writeln!(out, "checked in {} ms", started.elapsed().as_millis())?;
    out.flush()?;
    if !has_manifest {
        return Ok(());
    }
    if loaded.has_errors() {
        writeln!(io::stderr(), "not rebuilding: the KB has errors")?;
        return Ok(());
    }
    let manifest = match Manifest::read(w.manifest) {
        Ok(m) => m,
        Err(e) => {
            writeln!(
                io::stderr(),
                "error: {}",
                annals::escape::terminal(&e.to_string())
            )?;
            return Ok(());
        }
    };
    let options = Options {
        graphviz_timeout: super::request::graphviz_timeout()?,
        ..Options::default()
    };
    let tally = super::pictures::make_outputs(&loaded.kb, w.kb, &manifest, false, &options, false)?;
    if tally.written > 0 {
        if let Some(live) = live {
            live.rebuilt();
        }
    }
    Ok(())
}
