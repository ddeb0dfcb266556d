//! How soon `annals watch` reports after a save: generates a KB, starts the
//! release binary's `watch` on it (no manifest: checking only), then for
//! each run changes one story file and measures the time from the write to
//! the line `checked in … ms` that ends the new report.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example watch -- --statements 10000 --runs 10
//! ```

// A command-line tool: it reports on stdout.
#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (statements, runs) = common::statements_and_runs(10_000, 10, "watch")?;
    let (dir, kb) = common::generated_kb(statements)?;
    // target/release/examples/watch → target/release/annals
    let annals = std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("annals"))
        .filter(|p| p.exists())
        .ok_or("build the binary first: cargo build --release")?;
    let mut child = Command::new(annals)
        .args(["watch", "--manifest", "none.ron"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("checked in ") && tx.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    let (_, first) = rx.recv_timeout(Duration::from_secs(120))?;
    println!("{statements} statements; first check: {first}");
    // Some time for the watcher to be registered after the first report.
    std::thread::sleep(Duration::from_millis(500));
    let file = std::fs::read_dir(kb.join("statements"))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "ron"))
        .ok_or("no statements file")?;
    let mut latencies = Vec::new();
    for run in 0..runs {
        let mut text = std::fs::read_to_string(&file)?;
        text.push_str(&format!("// run {run}\n"));
        let saved = Instant::now();
        std::fs::write(&file, text)?;
        let (reported, line) = rx.recv_timeout(Duration::from_secs(60))?;
        let ms = reported.duration_since(saved).as_secs_f64() * 1000.0;
        println!("run {run}: reported {ms:.0} ms after the save ({line})");
        latencies.push(ms);
        std::thread::sleep(Duration::from_millis(300));
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "save to report: min {:.0} ms, median {:.0} ms, max {:.0} ms",
        latencies[0],
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );
    let _ = child.kill();
    Ok(())
}
