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
fn root<T: JsonSchema>() -> Schema {
    settings().into_generator().into_root_schema_for::<T>()
}

/// A schema that is any one of the subschemas `parts` makes.
fn any_of(parts: impl FnOnce(&mut SchemaGenerator) -> Vec<Schema>) -> Schema {
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
    use crate::output::json::TreeView;
    use crate::output::{lists, show, timeline, tree, who};
    use crate::records::{ActorView, EventView, StatementView};
    let line = any_of(|g| {
        vec![
            g.subschema_for::<ActorView<'static>>(),
            g.subschema_for::<EventView<'static>>(),
            g.subschema_for::<StatementView<'static>>(),
            g.subschema_for::<crate::export::json::ResponseRecord<'static>>(),
        ]
    });
    let list = [
        (
            "check.json",
            "annals check --format json (one object per line)",
            root::<crate::diag::json::Record<'static>>(),
        ),
        (
            "timeline.json",
            "annals timeline --format json",
            root::<Vec<timeline::ItemView<'static>>>(),
        ),
        (
            "who-responded.json",
            "annals who-responded --format json",
            root::<Vec<who::PairView<'static>>>(),
        ),
        (
            "responses.json",
            "annals responses ID --format json",
            root::<Vec<TreeView<'static>>>(),
        ),
        (
            "thread.json",
            "annals thread ID --format json",
            root::<tree::ThreadView<'static>>(),
        ),
        (
            "show.json",
            "annals show ID --format json",
            root::<show::ShowView<'static>>(),
        ),
        (
            "search.json",
            "annals search WORDS --format json",
            root::<Vec<lists::HitView<'static>>>(),
        ),
        (
            "path.json",
            "annals path FROM TO --format json",
            root::<Vec<lists::StepView<'static>>>(),
        ),
        (
            "stats.json",
            "annals stats --format json",
            root::<lists::StatsView<'static>>(),
        ),
        (
            "diff.json",
            "annals diff --format json",
            root::<crate::diff::Report>(),
        ),
        (
            "export.json",
            "annals export --format json",
            root::<crate::export::json::Document<'static>>(),
        ),
        (
            "export-line.json",
            "annals export --format jsonl (one object per line)",
            line,
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
