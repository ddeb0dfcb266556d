//! Running `export`, `render` and `build`: arguments in, library calls,
//! files written atomically (never into the KB folder).

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

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
            writeln!(io::stderr(), "wrote the tables to {}", dir.display())?;
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
        .ok_or_else(|| Failure::Usage(format!("cannot tell the image format of `{}`: name it .svg, .png or .pdf, or pass --format", output.display())))?;
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
        render::graphviz::render(&dot, format).map_err(err)?
    };
    deliver(&bytes, Some(output), kb_path)?;
    writeln!(io::stderr(), "wrote {}", output.display())?;
    Ok(ExitCode::SUCCESS)
}

pub fn build(kb_path: &Path, manifest_path: &Path, check: bool) -> Result<ExitCode, Failure> {
    let manifest = Manifest::read(manifest_path).map_err(|e| Failure::Usage(e.to_string()))?;
    let loaded = load(kb_path)?;
    let kb = &loaded.kb;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let mut stale = 0;
    let mut err = io::stderr().lock();
    for output in &manifest.outputs {
        let path = dir.join(&output.file);
        let shown = path.display();
        let made = build::make(kb, output).map_err(|e| Failure::Usage(e.to_string()))?;
        if check {
            match build::freshness(&made, &path).map_err(|e| Failure::Usage(e.to_string()))? {
                Freshness::Fresh => {}
                Freshness::Stale => {
                    stale += 1;
                    writeln!(err, "stale: {shown}")?;
                }
                Freshness::Missing => {
                    stale += 1;
                    writeln!(err, "missing: {shown}")?;
                }
            }
        } else if build::write(made, &path, kb_path).map_err(|e| Failure::Usage(e.to_string()))? {
            writeln!(err, "wrote {shown}")?;
        } else {
            writeln!(err, "unchanged {shown}")?;
        }
    }
    if check {
        if stale > 0 {
            writeln!(
                err,
                "{stale} of {} exports are not up to date; run `annals build`",
                manifest.outputs.len()
            )?;
            return Ok(ExitCode::from(1));
        }
        writeln!(err, "all {} exports are up to date", manifest.outputs.len())?;
    }
    Ok(ExitCode::SUCCESS)
}
