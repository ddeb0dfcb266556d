//! What users write: the RON documents of a KB file and of the settings file,
//! exactly as parsed, before ids are resolved or dates read.
//!
//! Leaves that diagnostics point at are [`Spanned`]; free text is plain.
//! Unknown fields are rejected (`deny_unknown_fields`): a typo in a field
//! name must not pass silently.

use serde::Deserialize;

use super::spanned::{Located, OrShort, Spanned, SpannedMap, Word};

/// One KB file: `Kb(actors: [..], events: [..], statements: [..])`.
#[derive(Debug, Deserialize)]
#[serde(rename = "Kb", deny_unknown_fields)]
pub struct RawDoc {
    #[serde(default)]
    pub actors: Vec<RawActor>,
    #[serde(default)]
    pub events: Vec<RawEvent>,
    #[serde(default)]
    pub statements: Vec<RawStatement>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Actor", deny_unknown_fields)]
pub struct RawActor {
    pub id: Spanned<String>,
    pub name: String,
    pub kind: Spanned<Word>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub part_of: Option<Spanned<String>>,
    #[serde(default)]
    pub roles: Vec<Located<OrShort<RawRole>>>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Role", deny_unknown_fields)]
pub struct RawRole {
    pub title: String,
    pub of: Spanned<String>,
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub until: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Event", deny_unknown_fields)]
pub struct RawEvent {
    pub id: Spanned<String>,
    pub name: String,
    pub kind: Spanned<Word>,
    pub date: Spanned<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub participants: Vec<Spanned<String>>,
    #[serde(default)]
    pub part_of: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Located<RawSource>>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Statement", deny_unknown_fields)]
pub struct RawStatement {
    pub id: Spanned<String>,
    pub by: Spanned<String>,
    pub date: Spanned<String>,
    #[serde(default)]
    pub at: Option<Spanned<String>>,
    pub kind: Spanned<Word>,
    pub summary: Spanned<String>,
    #[serde(default)]
    pub quotes: Vec<Located<OrShort<RawQuote>>>,
    #[serde(default)]
    pub about: Vec<Spanned<String>>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub responds_to: Vec<Located<OrShort<RawResponse>>>,
    #[serde(default)]
    pub sources: Vec<Located<RawSource>>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Quote", deny_unknown_fields)]
pub struct RawQuote {
    pub text: String,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub translated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Response", deny_unknown_fields)]
pub struct RawResponse {
    pub to: Spanned<String>,
    #[serde(default)]
    pub stance: Option<Spanned<Word>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Source", deny_unknown_fields)]
pub struct RawSource {
    #[serde(default)]
    pub outlet: Option<Spanned<String>>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub date: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for Located<RawSource> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A source has no shorthand; reuse the located parse for its range.
        let located = Located::<OrShort<RawSource>>::deserialize(d)?;
        match located.value {
            OrShort::Full(value) => Ok(Located {
                value,
                range: located.range,
            }),
            OrShort::Short(_) => Err(serde::de::Error::custom(
                "a source is written `Source(outlet: \"…\", url: \"…\")`, not a bare string",
            )),
        }
    }
}

/// The settings file, `annals.ron` at the top of the KB folder.
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Settings", deny_unknown_fields)]
pub struct RawSettings {
    /// The zone of times written without an offset: `UTC` or `+03:00`.
    #[serde(default)]
    pub time_zone: Option<Spanned<String>>,
    /// Lint levels by code: `{ "unused-actor": Allow }`.
    #[serde(default)]
    pub lints: SpannedMap<Spanned<Word>>,
    #[serde(default)]
    pub limits: Option<RawLimits>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Limits", deny_unknown_fields)]
pub struct RawLimits {
    #[serde(default)]
    pub max_file_bytes: Option<u64>,
    #[serde(default)]
    pub max_nesting: Option<usize>,
    #[serde(default)]
    pub max_items: Option<usize>,
}
