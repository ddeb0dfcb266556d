//! How fast the interactive page (`export --format html`) is in a real
//! browser: generates a KB, exports its page, opens it in Debian's Chromium
//! over the DevTools protocol and reports, for each run, the page's size,
//! the time from navigation to the page being interactive (its script has
//! drawn everything: `data-ready`, measured by the page's own clock from
//! the start of navigation), and how long a filter change and a zoom take.
//!
//! ```sh
//! cargo run --release --example page -- --statements 10000 --runs 5
//! ```

// A command-line tool: it reports on stdout.
#![allow(clippy::print_stdout)]

use std::time::Duration;

mod chromium;
mod common;

use annals::artifact::{self, Artifact, Format, Options as ArtifactOptions};
use annals::query::Filter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (statements, runs) = common::statements_and_runs(10_000, 5, "page")?;
    let (dir, kb) = common::generated_kb(statements)?;
    let page = dir.path().join("story.html");
    let loaded = annals::Kb::load(&kb)?;
    let plan = Artifact {
        format: Format::Html,
        view: None,
        engine: None,
    }
    .plan()?;
    let made = artifact::make(
        &loaded.kb,
        plan,
        &Filter::default(),
        &ArtifactOptions::default(),
    )?;
    std::fs::write(&page, made.into_bytes(&ArtifactOptions::default())?)?;
    let bytes = std::fs::metadata(&page)?.len();
    println!(
        "{statements} statements: page of {:.1} MB",
        bytes as f64 / 1e6
    );

    let browser = chromium::launch(Duration::from_secs(300))
        .ok_or("this benchmark needs Chromium: apt-get install chromium")??;
    let url = format!("file://{}", page.canonicalize()?.display());
    println!("run  interactive_ms  filter_ms  zoom_ms");
    for run in 1..=runs {
        let tab = browser.new_tab()?;
        tab.navigate_to(&url)?;
        tab.wait_until_navigated()?;
        tab.wait_for_element_with_custom_timeout("html[data-ready]", Duration::from_secs(120))?;
        let number = |js: &str| -> Result<f64, Box<dyn std::error::Error>> {
            let value = tab.evaluate(js, true)?.value;
            value
                .and_then(|v| v.as_f64())
                .ok_or_else(|| format!("{js} gave no number").into())
        };
        let ready = number("Number(document.documentElement.dataset.readyMs)")?;
        // A filter change, and a zoom, each until the next frame is drawn.
        let filter = number(
            "new Promise((done) => { const f = document.getElementById('filter-kind'); \
             const t = performance.now(); f.value = f.options[1].value; \
             f.dispatchEvent(new Event('change')); \
             requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t))); })",
        )?;
        let zoom = number(
            "new Promise((done) => { const t = performance.now(); \
             document.getElementById('zoom-in').click(); \
             requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t))); })",
        )?;
        println!("{run:>3}  {ready:>14.0}  {filter:>9.0}  {zoom:>7.0}");
        tab.close(false)?;
    }
    Ok(())
}
