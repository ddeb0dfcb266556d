//! Running `export`, `render` and `build`: arguments in, library calls,
//! files written atomically (never into the KB folder).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use annals::escape;

use annals::build::{self, Freshness, Manifest};
use annals::export::View;
use annals::query::Filter;
use annals::render::{self, ImageFormat};

use super::queries::{emit, filter, load};
use crate::{Failure, FilterArgs};

/// Writes `bytes` to `output`, or to stdout without one.
fn deliver(bytes: &[u8], output: Option<&Path>, kb: &Path) -> Result<(), Failure> {
    match output {
        Some(path) => {
            annals::atomic::write(path, bytes, kb).map_err(|e| Failure::Usage(e.to_string()))
        }
        None => emit(|o| o.write_all(bytes)),
    }
}

/// Refuses an output path before any work is done for it.
fn writable(path: &Path, kb: &Path) -> Result<(), Failure> {
    annals::atomic::target(path, kb)
        .map(drop)
        .map_err(|e| Failure::Usage(e.to_string()))
}

/// How long Graphviz may take: `ANNALS_GRAPHVIZ_TIMEOUT` seconds, or the
/// default.
fn graphviz_timeout() -> Result<Duration, Failure> {
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
        _ => Ok(render::graphviz::DEFAULT_TIMEOUT),
    }
}

pub enum ExportFormat {
    Dot,
    Mermaid,
    Json,
    Jsonl,
    Csv,
    Graphml,
    Jsonld,
}

#[allow(clippy::too_many_arguments)]
pub fn export(
    kb_path: &Path,
    format: ExportFormat,
    view: View,
    args: &FilterArgs,
    to: Option<&str>,
    output: Option<&Path>,
    base_iri: &str,
) -> Result<ExitCode, Failure> {
    match (output, &format) {
        (Some(dir), ExportFormat::Csv) => {
            annals::atomic::target_folder(dir, kb_path)
                .map_err(|e| Failure::Usage(e.to_string()))?;
        }
        (Some(path), _) => writable(path, kb_path)?,
        (None, _) => {}
    }
    let loaded = load(kb_path)?;
    let kb = &loaded.kb;
    let f: Filter = filter(kb, args, to)?;
    let records = || annals::export::records(kb, &f);
    let bytes = match format {
        ExportFormat::Dot => annals::export::dot::export(kb, view, &f).into_bytes(),
        ExportFormat::Mermaid => annals::export::mermaid::export(kb, view, &f).into_bytes(),
        ExportFormat::Json => {
            let mut out = Vec::new();
            annals::export::json::write_json(kb, &records(), &mut out)?;
            out
        }
        ExportFormat::Jsonl => {
            let mut out = Vec::new();
            annals::export::json::write_jsonl(kb, &records(), &mut out)?;
            out
        }
        ExportFormat::Graphml => annals::export::graphml::export(kb, &records()).into_bytes(),
        ExportFormat::Jsonld => {
            let mut out = Vec::new();
            annals::export::jsonld::write(kb, &records(), base_iri, &mut out)?;
            out
        }
        ExportFormat::Csv => {
            let dir = output.ok_or_else(|| {
                Failure::Usage("csv writes a folder of tables: give it with -o DIR".into())
            })?;
            for (name, text) in annals::export::csv::tables(kb, &records()) {
                let path = dir.join(name);
                annals::atomic::write(&path, text.as_bytes(), kb_path)
                    .map_err(|e| Failure::Usage(e.to_string()))?;
            }
            writeln!(
                io::stderr(),
                "wrote the tables to {}",
                escape::shown_path(dir)
            )?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    deliver(&bytes, output, kb_path)?;
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
pub fn render(
    kb_path: &Path,
    view: View,
    output: &Path,
    format: Option<ImageFormat>,
    graphviz: bool,
    args: &FilterArgs,
    to: Option<&str>,
) -> Result<ExitCode, Failure> {
    let format = format
        .or_else(|| ImageFormat::from_path(output))
        .ok_or_else(|| Failure::Usage(format!("cannot tell the image format of `{}`: name it .svg, .png or .pdf, or pass --format", escape::shown_path(output))))?;
    writable(output, kb_path)?;
    let timeout = graphviz_timeout()?;
    let loaded = load(kb_path)?;
    let kb = &loaded.kb;
    let f = filter(kb, args, to)?;
    let err = |e: render::RenderError| match e {
        render::RenderError::GraphvizMissing => Failure::Usage(e.to_string()),
        other => Failure::Usage(other.to_string()),
    };
    let bytes = if view == View::Timeline && !graphviz {
        let svg = render::timeline::svg(kb, &f);
        match format {
            ImageFormat::Svg => svg.into_bytes(),
            ImageFormat::Png => render::png::from_svg(&svg, 2.0).map_err(err)?,
            ImageFormat::Pdf => return Err(err(render::RenderError::Unsupported)),
        }
    } else {
        let dot = annals::export::dot::export(kb, view, &f);
        render::graphviz::render(&dot, format, timeout).map_err(err)?
    };
    deliver(&bytes, Some(output), kb_path)?;
    writeln!(io::stderr(), "wrote {}", escape::shown_path(output))?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `build`: makes every output it can, reports those it could not,
/// and exits 2 if any failed (1 with --check when some are stale).
pub fn build(kb_path: &Path, manifest_path: &Path, check: bool) -> Result<ExitCode, Failure> {
    let manifest = Manifest::read(manifest_path).map_err(|e| Failure::Usage(e.to_string()))?;
    let timeout = graphviz_timeout()?;
    let loaded = load(kb_path)?;
    let kb = &loaded.kb;
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
    let (mut stale, mut failed) = (0, 0);
    for output in &manifest.outputs {
        let path = manifest.path_of(output);
        let shown = escape::shown_path(&path);
        let outcome = build::make(kb, output).and_then(|made| {
            if check {
                build::freshness(&made, &path).map(Some)
            } else {
                build::write(made, &path, kb_path, timeout).map(|wrote| {
                    Some(if wrote {
                        Freshness::Stale
                    } else {
                        Freshness::Fresh
                    })
                })
            }
        });
        match (check, outcome) {
            (_, Err(e)) => {
                failed += 1;
                writeln!(err, "error: {e}")?;
            }
            (true, Ok(Some(Freshness::Stale))) => {
                stale += 1;
                writeln!(err, "stale: {shown}")?;
            }
            (true, Ok(Some(Freshness::Missing))) => {
                stale += 1;
                writeln!(err, "missing: {shown}")?;
            }
            (false, Ok(Some(Freshness::Stale))) => writeln!(err, "wrote {shown}")?,
            (false, Ok(_)) => writeln!(err, "unchanged {shown}")?,
            (true, Ok(_)) => {}
        }
    }
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
