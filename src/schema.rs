//! JSON Schemas (2020-12) of every `--format json` output, derived from
//! the structs that serialize them (so a schema cannot drift from its
//! output) and shipped in `docs/schema/`, where a test keeps the files equal
//! to [`outputs`] and validates real outputs against them.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// One output's schema and where it is shipped.
pub struct Output {
    /// The file in `docs/schema/`.
    pub file: &'static str,
    /// The command whose output it describes.
    pub command: &'static str,
    pub schema: Schema,
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().for_serialize()
}

/// The schema of a whole output of type `T`.
pub(crate) fn root<T: JsonSchema>() -> Schema {
    settings().into_generator().into_root_schema_for::<T>()
}

/// A schema that is any one of the subschemas `parts` makes.
pub(crate) fn any_of(parts: impl FnOnce(&mut SchemaGenerator) -> Vec<Schema>) -> Schema {
    let mut g = settings().into_generator();
    let any: Vec<Schema> = parts(&mut g);
    let defs = g.take_definitions(true);
    schemars::json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "anyOf": any,
        "$defs": defs,
    })
}

/// Every output's schema, titled with its command.
pub fn outputs() -> Vec<Output> {
    let (responses, thread) = crate::output::tree::schemas();
    let [search, path, stats] = crate::output::lists::schemas();
    let (export, jsonl) = crate::export::json::schemas();
    let list = [
        (
            "check.json",
            "annals check --format json (one object per line)",
            crate::diag::json::schema(),
        ),
        (
            "timeline.json",
            "annals timeline --format json",
            crate::output::timeline::schema(),
        ),
        (
            "who-responded.json",
            "annals who-responded --format json",
            crate::output::who::schema(),
        ),
        (
            "responses.json",
            "annals responses ID --format json",
            responses,
        ),
        ("thread.json", "annals thread ID --format json", thread),
        (
            "show.json",
            "annals show ID --format json",
            crate::output::show::schema(),
        ),
        ("search.json", "annals search WORDS --format json", search),
        ("path.json", "annals path FROM TO --format json", path),
        ("stats.json", "annals stats --format json", stats),
        ("export.json", "annals export --format json", export),
        (
            "export-line.json",
            "annals export --format jsonl (one object per line)",
            jsonl,
        ),
    ];
    list.into_iter()
        .map(|(file, command, mut schema)| {
            schema.insert("title".into(), command.into());
            Output {
                file,
                command,
                schema,
            }
        })
        .collect()
}
