//! The parse floor: read every `.ron` file of a KB and deserialise it into
//! plain serde structs, in parallel, with no positions, no id resolution and
//! no checks. What `annals check` costs beyond this is annals' own work.
//!
//! ```sh
//! cargo run --release --example floor -- /tmp/kb100k
//! ```

// A command-line tool: it reports on stderr.
#![allow(clippy::print_stderr)]

use rayon::prelude::*;
use serde::Deserialize;

use serde::de::IgnoredAny;

// The same shapes annals reads, as plain typed structs: no spans, no
// shorthands, bare words skipped.
#[derive(Deserialize)]
#[serde(rename = "Kb")]
#[allow(dead_code)]
struct Doc {
    #[serde(default)]
    actors: Vec<Actor>,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    statements: Vec<Statement>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Actor {
    id: String,
    name: String,
    kind: IgnoredAny,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    part_of: Option<String>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Role {
    title: String,
    of: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    until: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Event {
    id: String,
    name: String,
    kind: IgnoredAny,
    date: String,
    #[serde(default)]
    place: Option<String>,
    /// Ids, or `Participant(actor: …, role: …)`.
    #[serde(default)]
    participants: Vec<IgnoredAny>,
    #[serde(default)]
    part_of: Option<String>,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Statement {
    id: String,
    /// An id, or the signatories of a joint statement.
    by: IgnoredAny,
    date: String,
    #[serde(default)]
    at: Option<String>,
    kind: IgnoredAny,
    summary: String,
    /// Bare strings, or `Quote(text: …, …)`.
    #[serde(default)]
    quotes: Vec<IgnoredAny>,
    #[serde(default)]
    about: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    responds_to: Vec<Response>,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Response {
    to: String,
    #[serde(default)]
    stance: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Source {
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "ron")
            && p.file_name().is_some_and(|n| n != "annals.ron")
        {
            out.push(p);
        }
    }
}

/// Parses every file; returns how many statements were read, or the first
/// file these structs could not read (a floor that skipped files would be
/// no floor: the generator's forms must all parse here).
pub fn floor(dir: &std::path::Path) -> Result<usize, String> {
    let mut paths = Vec::new();
    files(dir, &mut paths);
    let opts =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    paths
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            opts.from_str::<Doc>(&text)
                .map(|d| d.statements.len())
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .sum()
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "kb".into());
    match floor(std::path::Path::new(&dir)) {
        Ok(n) => {
            eprintln!("{n} statements parsed");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("the floor cannot read {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
