//! `annals fmt [--check] [PATH...]`: the canonical layout of the KB's
//! files (`annals::fmt`). The one command that rewrites KB files, and only
//! those it is asked to: every file of the KB, or those named.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annals::escape::{shown_path, Escaping, Stream};
use annals::source_map::SourceFile;
use annals::Kb;

use super::Failure;

/// How long the diff of one file may take with `--check`.
const DIFF_TIME: std::time::Duration = std::time::Duration::from_millis(20);

pub fn run(kb: &Path, paths: &[PathBuf], check: bool, color: bool) -> Result<ExitCode, Failure> {
    let loaded = Kb::load(kb)?;
    let root = canonical(kb)?;
    let wanted = wanted_paths(paths, &root)?;
    let chosen = |file: &SourceFile| {
        let Ok(real) = std::fs::canonicalize(&file.path) else {
            return false;
        };
        wanted.is_empty() || wanted.iter().any(|w| real.starts_with(w))
    };
    if !paths.is_empty() && !loaded.sources.iter().any(|(_, f)| chosen(f)) {
        return Err(Failure::Usage(format!(
            "no KB file under {}: fmt formats the .ron files the KB reads",
            paths
                .iter()
                .map(|p| format!("`{}`", shown_path(p)))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let settings = kb.join(annals::load::SETTINGS_FILE);
    let plan =
        annals::fmt::plan(loaded, &settings, chosen).map_err(|e| Failure::Usage(e.to_string()))?;

    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut out: Box<dyn Write> = if terminal {
        Box::new(Escaping::new(stdout.lock(), Stream::Terminal))
    } else {
        Box::new(io::BufWriter::new(stdout.lock()))
    };
    let mut err = io::stderr().lock();
    if !plan.with_errors.is_empty() {
        annals::diag::human::write(&mut err, &plan.errors, &plan.sources, color)?;
        for id in &plan.with_errors {
            writeln!(
                err,
                "left {} as it is: it has errors (above); fix them, then format it",
                annals::escape::terminal(&plan.sources.get(*id).name)
            )?;
        }
    }
    let (mut written, mut failed) = (0, 0);
    for &id in &plan.changed {
        let file = plan.sources.get(id);
        // Each file is read and formatted again here, one at a time.
        let (before, after) = match plan.texts(id) {
            Ok(texts) => texts,
            Err(e) => {
                writeln!(err, "error: {}", annals::escape::terminal(&e.to_string()))?;
                failed += 1;
                continue;
            }
        };
        if check {
            let name = &file.name;
            // Patience, and a time limit: a file laid out anew changes on
            // every line, and a minimal diff of thousands of lines took
            // seconds a file (past the limit the diff is still right, only
            // longer).
            let diff = similar::TextDiff::configure()
                .algorithm(similar::Algorithm::Patience)
                .timeout(DIFF_TIME)
                .diff_lines(before.as_ref(), after.as_str());
            write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            )?;
        } else {
            // A file an editor saved since the KB was loaded is left alone.
            let result = annals::atomic::replace(&file.path, kb, after.as_bytes(), &before);
            if let Err(e) = result {
                writeln!(err, "error: {}", annals::escape::terminal(&e.to_string()))?;
                failed += 1;
                continue;
            }
            writeln!(err, "formatted {}", annals::escape::terminal(&file.name))?;
            written += 1;
        }
    }
    out.flush()?;
    let total = plan.changed.len() + plan.unchanged.len() + plan.with_errors.len();
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    if check {
        if plan.changed.is_empty() && plan.with_errors.is_empty() {
            writeln!(err, "{total} {} formatted", files(total))?;
        } else if !plan.changed.is_empty() {
            writeln!(
                err,
                "{} of {total} {} would be reformatted (diff above); run `annals fmt`",
                plan.changed.len(),
                files(total)
            )?;
        }
    } else {
        writeln!(
            err,
            "{written} {} formatted, {} already formatted",
            files(written),
            plan.unchanged.len()
        )?;
    }
    Ok(
        if (check && !plan.changed.is_empty()) || !plan.with_errors.is_empty() || failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

fn canonical(path: &Path) -> Result<PathBuf, Failure> {
    std::fs::canonicalize(path)
        .map_err(|e| Failure::Usage(format!("cannot read `{}`: {e}", shown_path(path))))
}

/// The real paths named, each inside the KB folder `root`.
fn wanted_paths(paths: &[PathBuf], root: &Path) -> Result<Vec<PathBuf>, Failure> {
    paths
        .iter()
        .map(|p| {
            let real = canonical(p)?;
            if real.starts_with(root) {
                Ok(real)
            } else {
                Err(Failure::Usage(format!(
                    "`{}` is outside the KB folder `{}`: fmt formats the KB's files only (give another KB with --kb)",
                    shown_path(p),
                    shown_path(root)
                )))
            }
        })
        .collect()
}

/// `annals new`: prints the item, or adds it to a file of the KB.
pub fn new(
    kb: &Path,
    what: annals::new::Item,
    known: &annals::new::Known,
    append: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let loaded = super::load::checked(kb)?;
    let new = annals::new::item(&loaded.kb, what, known)
        .map_err(|problems| Failure::Usage(problems.join("\n")))?;
    let text = new.text;
    let Some(path) = append else {
        io::stdout().write_all(text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    };
    let real = canonical(path)?;
    let file = loaded
        .sources
        .iter()
        .find(|(_, f)| std::fs::canonicalize(&f.path).is_ok_and(|p| p == real))
        .map(|(id, _)| id)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "`{}` is not a file of the KB `{}`; --append adds to one of its .ron files",
                shown_path(path),
                shown_path(kb)
            ))
        })?;
    let settings = kb.join(annals::load::SETTINGS_FILE);
    let source = loaded.sources.get(file);
    let (name, target, before) = (
        source.name.clone(),
        source.path.clone(),
        source.text().to_owned(),
    );
    let after = annals::fmt::append(
        loaded,
        &settings,
        file,
        text.trim().trim_end_matches(','),
        annals::new::node_kind(what),
    )
    .map_err(|e| Failure::Usage(e.to_string()))?;
    annals::atomic::replace(&target, kb, after.as_bytes(), &before)?;

    writeln!(
        io::stderr(),
        "added {} {} to {}",
        annals::new::type_name(what),
        annals::escape::ron_string(&new.id),
        annals::escape::terminal(&name)
    )?;
    Ok(ExitCode::SUCCESS)
}
