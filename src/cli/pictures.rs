//! Running `export`, `render` and `build` on a loaded KB: outputs made by
//! the library ([`annals::artifact`]), files written atomically (never into
//! the KB folder).

use std::io::{self, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annals::artifact::{self, Format, Made, Options, Plan};
use annals::build::{self, Freshness, Manifest};
use annals::escape;
use annals::query::FilterSpec;
use annals::Kb;

use super::queries::{emit, filter};
use super::Failure;

/// Makes one output and writes it to `output`, or to stdout without one.
/// The KB is kept unfreed to the end of the process, but let go before a
/// PNG is drawn: the picture is 4 bytes a pixel.
pub fn make(
    kb: Kb,
    kb_path: &Path,
    plan: Plan,
    spec: &FilterSpec,
    output: Option<&Path>,
    options: &Options,
) -> Result<ExitCode, Failure> {
    let held = ManuallyDrop::new(kb);
    let kb = &*held;
    let f = filter(kb, spec)?;
    if let Some(how) = artifact::Streamed::of(plan) {
        let write = |out: &mut dyn Write| artifact::stream(kb, how, &f, options, out);
        match output {
            Some(path) => annals::atomic::write_with(path, kb_path, write)?,
            None => emit(write)?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let (Format::Csv, Some(dir)) = (plan.format, output) {
        artifact::write_tables(kb, &f, options, |name, write| {
            annals::atomic::write_with(&dir.join(name), kb_path, write)
        })?;
        writeln!(
            io::stderr(),
            "wrote the tables to {}",
            escape::shown_path(dir)
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let made = artifact::make(kb, plan, &f, options)?;
    if let Made::Raster(_) = made {
        drop(f);
        drop(ManuallyDrop::into_inner(held));
    }
    match (made, output) {
        (made, Some(path)) => {
            let bytes = made.into_bytes(options)?;
            annals::atomic::write(path, &bytes, kb_path)?;
            if plan.format.image().is_some() {
                writeln!(io::stderr(), "wrote {}", escape::shown_path(path))?;
            }
        }
        (made, None) => {
            let bytes = made.into_bytes(options)?;
            emit(|o| o.write_all(&bytes))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses to print a binary picture on a terminal.
pub fn stdout_takes(plan: Plan) -> Result<(), Failure> {
    let binary = matches!(plan.format.image(), Some(f) if f != annals::render::ImageFormat::Svg);
    if binary && io::stdout().is_terminal() {
        return Err(Failure::Usage(format!(
            "a {} picture is not for a terminal: give a file with -o FILE, or redirect stdout",
            plan.format.as_str()
        )));
    }
    Ok(())
}

/// Makes (or with `check`, compares) every output of the manifest, saying
/// what it wrote (and with `say_unchanged`, what it left).
pub fn make_outputs(
    kb: &Kb,
    kb_path: &Path,
    manifest: &Manifest,
    check: bool,
    options: &Options,
    say_unchanged: bool,
) -> Result<Tally, Failure> {
    let mut err = io::stderr().lock();
    if !check {
        let mut folders: Vec<PathBuf> = manifest
            .outputs
            .iter()
            .filter_map(|o| manifest.path_of(o).parent().map(Path::to_path_buf))
            .collect();
        folders.sort();
        folders.dedup();
        for removed in folders
            .iter()
            .flat_map(|d| annals::atomic::remove_stale_temporaries(d))
        {
            writeln!(
                err,
                "removed {}, left by an interrupted run",
                escape::shown_path(&removed)
            )?;
        }
    }
    let (mut stale, mut failed, mut written) = (0, 0, 0);
    for output in &manifest.outputs {
        let path = manifest.path_of(output);
        let shown = escape::shown_path(&path);
        let outcome = build::make(kb, output, options).and_then(|made| {
            if check {
                build::freshness(&made, &path)
            } else {
                build::write(made, &path, kb_path, options).map(|wrote| {
                    if wrote {
                        Freshness::Stale
                    } else {
                        Freshness::Fresh
                    }
                })
            }
        });
        match (check, outcome) {
            (_, Err(e)) => {
                failed += 1;
                writeln!(err, "error: {e}")?;
            }
            (true, Ok(Freshness::Stale)) => {
                stale += 1;
                writeln!(err, "stale: {shown}")?;
            }
            (true, Ok(Freshness::Missing)) => {
                stale += 1;
                writeln!(err, "missing: {shown}")?;
            }
            (true, Ok(Freshness::Fresh)) => {}
            (false, Ok(Freshness::Fresh)) => {
                if say_unchanged {
                    writeln!(err, "unchanged {shown}")?;
                }
            }
            (false, Ok(_)) => {
                written += 1;
                writeln!(err, "wrote {shown}")?;
            }
        }
    }
    Ok(Tally {
        stale,
        failed,
        written,
    })
}

/// What [`make_outputs`] did.
pub struct Tally {
    pub stale: usize,
    pub failed: usize,
    pub written: usize,
}

/// Runs `build`: makes every output it can, reports those it could not,
/// and exits 2 if any failed (1 with --check when some are stale).
pub fn build(
    kb: &Kb,
    kb_path: &Path,
    manifest: &Manifest,
    check: bool,
    options: &Options,
) -> Result<ExitCode, Failure> {
    let Tally { stale, failed, .. } = make_outputs(kb, kb_path, manifest, check, options, true)?;
    let mut err = io::stderr().lock();
    let total = manifest.outputs.len();
    if failed > 0 {
        writeln!(
            err,
            "{failed} of {total} exports could not be {}",
            if check { "checked" } else { "made" }
        )?;
        return Ok(ExitCode::from(2));
    }
    if check {
        if stale > 0 {
            writeln!(
                err,
                "{stale} of {total} exports are not up to date; run `annals build`"
            )?;
            return Ok(ExitCode::from(1));
        }
        writeln!(err, "all {total} exports are up to date")?;
    }
    Ok(ExitCode::SUCCESS)
}
