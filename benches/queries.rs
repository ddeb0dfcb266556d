//! In-process benchmarks on a generated KB (divan).
//!
//! ```sh
//! cargo bench --bench queries                               # 100,000 statements
//! ANNALS_BENCH_STATEMENTS=1000000 cargo bench --bench queries
//! ```
//!
//! The KB is generated once into `target/bench-kb-<N>` (deterministic, seed
//! 1). `floor` parses the same files into plain serde structs in parallel,
//! with no positions, resolving or checks: the cost every other figure is
//! compared with.

use std::path::PathBuf;
use std::sync::LazyLock;

use annals::model::{NodeKind, NodeRef};
use annals::query::{self, Filter};
use annals::{Kb, Loaded};

#[path = "floor.rs"]
mod floor;

fn main() {
    divan::main();
}

fn statements() -> usize {
    std::env::var("ANNALS_BENCH_STATEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let n = statements();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-kb-{n}"));
    if !dir.join("actors.ron").exists() {
        let opts = annals::synthetic::Options {
            statements: n,
            seed: 1,
            faults: 0,
            tiny: false,
        };
        annals::synthetic::generate(&opts, &dir).expect("generate the benchmark KB");
    }
    dir
});

static LOADED: LazyLock<Loaded> = LazyLock::new(|| Kb::load(&DIR).expect("the benchmark KB loads"));

#[divan::bench(sample_count = 5, sample_size = 1)]
fn floor_parse_only() -> usize {
    floor::floor(&DIR).expect("the floor reads every file")
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn load_and_check() -> usize {
    let loaded = Kb::load(&DIR).expect("loads");
    let n = loaded.kb.statements.len();
    std::mem::forget(loaded);
    n
}

/// The first hub statement of the generator: thousands of descendants.
fn hub() -> annals::model::StatementIx {
    let id = format!("s{}", statements() / 10);
    match query::resolve(&LOADED.kb, &id, Some(NodeKind::Statement)) {
        Ok(NodeRef::Statement(s)) => s,
        _ => panic!("{id} is in the benchmark KB"),
    }
}

#[divan::bench]
fn transitive_responses(b: divan::Bencher) {
    let (kb, root) = (&LOADED.kb, hub());
    b.bench(|| query::responses::responses(kb, root, None).nodes.len());
}

#[divan::bench(sample_count = 10)]
fn who_responded_everything(b: divan::Bencher) {
    let kb = &LOADED.kb;
    b.bench(|| {
        query::who_responded::who_responded(kb, &Filter::default(), &Default::default()).len()
    });
}

/// A date range holding about 10,000 statements (the KB spans six years).
#[divan::bench]
fn date_range_10k(b: divan::Bencher) {
    let kb = &LOADED.kb;
    let start = 1_546_300_800 + 86_400 * 30;
    let span = 6 * 365 * 86_400 * 10_000 / statements() as i64;
    let filter = Filter {
        from: Some(start),
        to: Some(start + span),
        ..Filter::default()
    };
    b.bench(|| filter.statements(kb).len());
}

#[divan::bench(sample_count = 10)]
fn search(b: divan::Bencher) {
    let kb = &LOADED.kb;
    b.bench(|| query::search::search(kb, "ceasefire territory", Some(20)).len());
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn export_dot_responses() -> usize {
    annals::export::dot::export(
        &LOADED.kb,
        annals::export::View::Responses,
        &Filter::default(),
    )
    .len()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn render_timeline_svg() -> usize {
    annals::render::timeline::svg(
        &LOADED.kb,
        &Filter::default(),
        Default::default(),
        &Default::default(),
    )
    .len()
}
