//! What users write: the RON documents of a KB file and of the settings file,
//! exactly as parsed, before ids are resolved or dates read.
//!
//! Leaves that diagnostics point at are `Spanned`; free text is plain.
//! Unknown fields are rejected (`deny_unknown_fields`): a typo in a field
//! name must not pass silently.

use serde::Deserialize;
use thin_vec::ThinVec;

use std::fmt;

use serde::de::{self, MapAccess, Visitor};

use super::spanned::{exact, offset_of, Located, OneOrMany, OrShort, Spanned, SpannedMap, Word};

/// One KB file: `Kb(actors: [..], events: [..], statements: [..])`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Kb", deny_unknown_fields)]
pub struct RawDoc {
    /// The zone of this file's dates: `UTC`, `+03:00` or `Europe/Kyiv`.
    #[serde(default)]
    pub time_zone: Option<Spanned<String>>,
    #[serde(default)]
    pub actors: Vec<RawActor>,
    #[serde(default)]
    pub events: Vec<RawEvent>,
    #[serde(default)]
    pub statements: Vec<RawStatement>,
    /// Items that did not load (their mistake is reported): what could be
    /// read of them, so that nothing cascades from their absence.
    #[serde(skip)]
    pub broken: Vec<BrokenItem>,
}

/// An item that did not load: its id when it could be read, and the ids it
/// names.
#[derive(Debug)]
pub struct BrokenItem {
    pub id: Option<String>,
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Actor", deny_unknown_fields)]
pub struct RawActor {
    pub id: Spanned<String>,
    pub name: String,
    pub kind: Spanned<Word>,
    #[serde(default, deserialize_with = "exact")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub part_of: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "exact")]
    pub roles: Vec<Located<OrShort<RawRole>>>,
    #[serde(default)]
    pub note: Option<String>,
    /// A short name for tight places (a picture's lane): `MFA Ukraine`.
    #[serde(default)]
    pub short_name: Option<String>,
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
    /// The zone of the place it happened at: its dates, and those of the
    /// statements made at it, are read there.
    #[serde(default)]
    pub time_zone: Option<Spanned<String>>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default, deserialize_with = "exact")]
    pub participants: Vec<Located<OrShort<RawParticipant>>>,
    #[serde(default)]
    pub part_of: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "exact")]
    pub sources: Vec<RawSource>,
    #[serde(default, deserialize_with = "exact")]
    pub topics: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `Participant(actor: "china", role: Declined)`; a bare id is a
/// `Participant` who was there.
#[derive(Debug, Deserialize)]
#[serde(rename = "Participant", deny_unknown_fields)]
pub struct RawParticipant {
    pub actor: Spanned<String>,
    #[serde(default)]
    pub role: Option<Spanned<Word>>,
}

/// An entry that names one actor, written in full or as a bare id.
pub trait NamesActor {
    fn actor(&self) -> &Spanned<String>;
}

impl NamesActor for RawParticipant {
    fn actor(&self) -> &Spanned<String> {
        &self.actor
    }
}

impl<T: NamesActor> Located<OrShort<T>> {
    /// The actor id written, in either form.
    pub fn actor(&self) -> &Spanned<String> {
        match &self.value {
            OrShort::Full(entry) => entry.actor(),
            OrShort::Short(id) => id,
        }
    }
}

/// A statement as parsed. The fields a statement often goes without are
/// boxed together (`more`): a parsed KB is held whole until it is resolved,
/// and a tiny statement took 264 bytes before it named anything.
#[derive(Debug, Deserialize)]
#[serde(from = "WrittenStatement")]
pub struct RawStatement {
    pub id: Spanned<String>,
    /// One speaker, or the signatories of a joint statement.
    pub by: OneOrMany<Located<OrShort<RawSignatory>>>,
    pub date: Spanned<String>,
    pub kind: Spanned<Word>,
    pub summary: Spanned<String>,
    pub about: ThinVec<Spanned<String>>,
    pub topics: ThinVec<String>,
    pub responds_to: ThinVec<RawResponse>,
    pub sources: ThinVec<RawSource>,
    /// See [`RawStatement::more`].
    pub more: Option<Box<MoreFields>>,
}

/// A statement's fields that many statements go without.
#[derive(Debug, Default)]
pub struct MoreFields {
    /// The principal a spokesperson spoke for.
    pub on_behalf_of: Option<Spanned<String>>,
    pub at: Option<Spanned<String>>,
    /// A short headline for labels, beside the summary.
    pub title: Option<Box<str>>,
    pub quotes: ThinVec<RawQuote>,
    pub verdicts: ThinVec<RawVerdict>,
    pub status: Option<RawStatus>,
    pub note: Option<Box<str>>,
}

/// A statement without any of [`MoreFields`].
static NO_MORE: MoreFields = MoreFields {
    on_behalf_of: None,
    at: None,
    title: None,
    quotes: ThinVec::new(),
    verdicts: ThinVec::new(),
    status: None,
    note: None,
};

impl MoreFields {
    fn is_empty(&self) -> bool {
        self.on_behalf_of.is_none()
            && self.at.is_none()
            && self.title.is_none()
            && self.quotes.is_empty()
            && self.verdicts.is_empty()
            && self.status.is_none()
            && self.note.is_none()
    }
}

/// A statement as written: what serde reads (its field names, defaults and
/// errors), then kept as a [`RawStatement`].
#[derive(Debug, Deserialize)]
#[serde(rename = "Statement", deny_unknown_fields)]
struct WrittenStatement {
    id: Spanned<String>,
    by: OneOrMany<Located<OrShort<RawSignatory>>>,
    date: Spanned<String>,
    #[serde(default)]
    on_behalf_of: Option<Spanned<String>>,
    #[serde(default)]
    at: Option<Spanned<String>>,
    kind: Spanned<Word>,
    #[serde(default)]
    title: Option<Box<str>>,
    summary: Spanned<String>,
    #[serde(default, deserialize_with = "exact")]
    quotes: ThinVec<RawQuote>,
    #[serde(default, deserialize_with = "exact")]
    about: ThinVec<Spanned<String>>,
    #[serde(default, deserialize_with = "exact")]
    topics: ThinVec<String>,
    #[serde(default, deserialize_with = "exact")]
    responds_to: ThinVec<RawResponse>,
    #[serde(default, deserialize_with = "exact")]
    sources: ThinVec<RawSource>,
    #[serde(default, deserialize_with = "exact")]
    verdicts: ThinVec<RawVerdict>,
    #[serde(default)]
    status: Option<RawStatus>,
    #[serde(default)]
    note: Option<Box<str>>,
}

impl From<WrittenStatement> for RawStatement {
    fn from(w: WrittenStatement) -> RawStatement {
        let more = MoreFields {
            on_behalf_of: w.on_behalf_of,
            at: w.at,
            title: w.title,
            quotes: w.quotes,
            verdicts: w.verdicts,
            status: w.status,
            note: w.note,
        };
        RawStatement {
            id: w.id,
            by: w.by,
            date: w.date,
            kind: w.kind,
            summary: w.summary,
            about: w.about,
            topics: w.topics,
            responds_to: w.responds_to,
            sources: w.sources,
            more: (!more.is_empty()).then(|| Box::new(more)),
        }
    }
}

/// `Verdict(by: "factcheck", date: "2024-06-20", rating: False, source:
/// Source(url: "…"), note: "…")`.
#[derive(Debug, Deserialize)]
#[serde(rename = "Verdict", deny_unknown_fields)]
pub struct RawVerdict {
    pub by: Spanned<String>,
    #[serde(default)]
    pub date: Option<Spanned<String>>,
    pub rating: Spanned<Word>,
    #[serde(default)]
    pub source: Option<RawSource>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `Status(kind: Retracted, date: "2024-06-21", note: "…")`.
#[derive(Debug, Deserialize)]
#[serde(rename = "Status", deny_unknown_fields)]
pub struct RawStatus {
    pub kind: Spanned<Word>,
    #[serde(default)]
    pub date: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One speaker of a joint statement with the dates it joined or withdrew:
/// `Signatory(actor: "chile", joined: "2024-06-20")`; a bare id joined from
/// the start.
#[derive(Debug, Deserialize)]
#[serde(rename = "Signatory", deny_unknown_fields)]
pub struct RawSignatory {
    pub actor: Spanned<String>,
    #[serde(default)]
    pub joined: Option<Spanned<String>>,
    #[serde(default)]
    pub withdrew: Option<Spanned<String>>,
}

impl NamesActor for RawSignatory {
    fn actor(&self) -> &Spanned<String> {
        &self.actor
    }
}

impl RawStatement {
    /// The fields many statements go without.
    pub fn more(&self) -> &MoreFields {
        self.more.as_deref().unwrap_or(&NO_MORE)
    }

    /// Every speaker id written in `by`, in order (no list is built: this
    /// runs for every statement).
    pub fn speakers(&self) -> impl Iterator<Item = &Spanned<String>> {
        let (one, many) = match &self.by {
            OneOrMany::One(id) => (Some(id), &[][..]),
            OneOrMany::Many(list) => (None, list.as_slice()),
        };
        one.into_iter().chain(many.iter().map(|s| s.actor()))
    }
}

/// A quote: `Quote(text: "…", lang: "en", translated: true, source: 1,
/// original: "…", original_lang: "ru")`, or a bare string for its text.
/// Read in one pass (no position is needed).
#[derive(Debug, Default)]
pub struct RawQuote {
    pub text: String,
    pub lang: Option<String>,
    pub translated: bool,
    /// What few quotes carry, boxed (a KB holds millions of quotes).
    pub extra: Option<Box<RawQuoteExtra>>,
}

/// A quote's rarer fields.
#[derive(Debug, Default)]
pub struct RawQuoteExtra {
    /// The source it is taken from: its position in `sources` (from 1),
    /// or its outlet's id.
    pub source: Option<RawQuoteSource>,
    /// The words as said, when `text` is a translation.
    pub original: Option<String>,
    pub original_lang: Option<String>,
}

/// A quote's fields, in the README's order.
pub(crate) const QUOTE_FIELDS: &[&str] = &[
    "text",
    "lang",
    "translated",
    "source",
    "original",
    "original_lang",
];

/// How a quote names its source.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum RawQuoteSource {
    Position(u64),
    Outlet(String),
}

impl<'de> Deserialize<'de> for RawQuote {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = RawQuote;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`Quote(text: \"…\")` or a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawQuote, E> {
                Ok(RawQuote {
                    text: text.to_owned(),
                    ..RawQuote::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawQuote, A::Error> {
                let mut quote = RawQuote::default();
                let mut text = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<String>()?),
                        "lang" => quote.lang = map.next_value::<Option<String>>()?,
                        "translated" => quote.translated = map.next_value()?,
                        "source" => {
                            quote.extra.get_or_insert_default().source =
                                map.next_value::<Option<RawQuoteSource>>()?
                        }
                        "original" => {
                            quote.extra.get_or_insert_default().original =
                                map.next_value::<Option<String>>()?
                        }
                        "original_lang" => {
                            quote.extra.get_or_insert_default().original_lang =
                                map.next_value::<Option<String>>()?
                        }
                        other => return Err(de::Error::unknown_field(other, QUOTE_FIELDS)),
                    }
                }
                quote.text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(quote)
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A response: `Response(to: "…", stance: Rejects)`, or a bare id for
/// `stance: Acknowledges`. Read in one pass; the bare id's position comes
/// from the borrowed string's address, like every other spanned leaf.
#[derive(Debug)]
pub struct RawResponse {
    pub to: Spanned<String>,
    pub stance: Option<Spanned<Word>>,
}

impl<'de> Deserialize<'de> for RawResponse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = RawResponse;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`Response(to: \"…\", stance: …)` or a statement id")
            }
            fn visit_borrowed_str<E: de::Error>(self, id: &'de str) -> Result<RawResponse, E> {
                // The quotes sit just outside the borrowed slice.
                let start = offset_of(id).map_or(0, |o| o.saturating_sub(1));
                Ok(RawResponse {
                    to: Spanned {
                        value: id.to_owned(),
                        range: (start..start + id.len() + 2).into(),
                    },
                    stance: None,
                })
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawResponse, E> {
                Err(E::custom("write a response's id without escape sequences"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawResponse, A::Error> {
                let (mut to, mut stance) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "to" => to = Some(map.next_value::<Spanned<String>>()?),
                        "stance" => stance = map.next_value::<Option<Spanned<Word>>>()?,
                        other => return Err(de::Error::unknown_field(other, &["to", "stance"])),
                    }
                }
                let to = to.ok_or_else(|| de::Error::missing_field("to"))?;
                Ok(RawResponse { to, stance })
            }
        }
        d.deserialize_any(Visit)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Source", deny_unknown_fields)]
pub struct RawSource {
    /// A Media actor.
    #[serde(default)]
    pub outlet: Option<Spanned<String>>,
    /// Any actor that published it (a ministry's own site).
    #[serde(default)]
    pub publisher: Option<Box<Spanned<String>>>,
    /// Boxed, like the fields after it: a tiny source names its outlet
    /// only, and a KB holds millions of sources.
    #[serde(default)]
    pub url: Option<Box<Spanned<String>>>,
    /// A copy kept by an archive.
    #[serde(default)]
    pub archived: Option<Box<Spanned<String>>>,
    #[serde(default)]
    pub title: Option<Box<str>>,
    #[serde(default)]
    pub date: Option<Box<Spanned<String>>>,
    /// When it was read.
    #[serde(default)]
    pub accessed: Option<Box<Spanned<String>>>,
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
    pub max_nesting: Option<Spanned<usize>>,
    #[serde(default)]
    pub max_items: Option<usize>,
}
