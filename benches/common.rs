//! What the benchmark examples share: their two flags and the KB they
//! generate.

use std::path::PathBuf;

use annals::synthetic::{generate, Options};

/// `--statements N --runs R` from the command line, with defaults.
pub fn statements_and_runs(
    statements: usize,
    runs: usize,
    name: &str,
) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let (mut statements, mut runs) = (statements, runs);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--statements" => statements = value.parse()?,
            "--runs" => runs = value.parse()?,
            _ => return Err(format!("usage: {name} [--statements N] [--runs R]").into()),
        }
    }
    Ok((statements, runs))
}

/// A generated KB of about `statements` statements (seed 1) in `kb/` of a
/// temporary folder.
pub fn generated_kb(
    statements: usize,
) -> Result<(tempfile::TempDir, PathBuf), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let kb = dir.path().join("kb");
    generate(
        &Options {
            statements,
            seed: 1,
            faults: 0,
            tiny: false,
        },
        &kb,
    )?;
    Ok((dir, kb))
}
