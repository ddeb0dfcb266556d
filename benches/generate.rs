//! The synthetic KB generator's command line.
//!
//! ```sh
//! cargo run --release --example generate -- --statements 100000 --seed 1 --out /tmp/kb100k
//! cargo run --release --example generate -- --statements 10000 --faults 20 --out /tmp/kb-bad
//! ```
//!
//! What it writes is described in `annals::synthetic`.

// A command-line tool: it reports on stderr.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

use annals::synthetic::{generate, Options};

fn parse_args() -> Result<(Options, PathBuf), String> {
    let mut opts = Options {
        statements: 10_000,
        seed: 1,
        faults: 0,
        tiny: false,
    };
    let mut out = PathBuf::from("kb-generated");
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--statements" => {
                opts.statements = value()?.parse().map_err(|e| format!("--statements: {e}"))?
            }
            "--seed" => opts.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--faults" => opts.faults = value()?.parse().map_err(|e| format!("--faults: {e}"))?,
            "--tiny" => opts.tiny = true,
            "--out" => out = PathBuf::from(value()?),
            _ => {
                return Err(
                    "usage: generate --statements N [--seed S] [--faults K] [--tiny] --out DIR"
                        .into(),
                )
            }
        }
    }
    Ok((opts, out))
}

fn main() -> std::process::ExitCode {
    let (opts, out) = match parse_args() {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    match generate(&opts, &out) {
        Ok(g) => {
            eprintln!(
                "wrote {} statements, {} actors, {} events to {}",
                g.statements,
                g.actors,
                g.events,
                out.display()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {}: {e}", out.display());
            std::process::ExitCode::from(1)
        }
    }
}
