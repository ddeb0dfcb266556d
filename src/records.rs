//! JSON records of KB items: the stable schema of every `--format json` and
//! of `export --format json|jsonl`, shared by query output, exports and
//! pictures (which take their instants from here).
//!
//! Field order is fixed by these structs; fields are only ever added. Dates
//! appear as [`DateView`]: the text as written plus the computed `earliest`
//! and `latest` instants in UTC (RFC 3339, both inclusive, `null` for an open
//! end). The schema is documented with examples in `docs/json.md`.

use serde::Serialize;

use crate::kb::Kb;
use crate::model::{
    ActorIx, Date, EventIx, Instant, NodeRef, ParticipationRole, Quote, Rating, Response, Source,
    Stance, Statement, StatementIx, StatusKind, Verdict,
};
use crate::outline::Sketch;

/// A sequence serialized as it is made: `make` is called when it is
/// written, and each item is serialized and dropped before the next is
/// made, so that an output's views (which are several times the KB) are
/// never held all at once.
pub struct Seq<F>(pub F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// An RFC 3339 UTC timestamp, or `None` for an open end or outside the
/// years 0000 to 9999.
pub use crate::model::date::rfc3339 as instant;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DateView<'a> {
    pub written: &'a str,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    pub uncertain: bool,
    pub approximate: bool,
}

impl<'a> DateView<'a> {
    pub fn of(d: &'a Date) -> DateView<'a> {
        let b = d.bounds();
        DateView {
            written: d.as_str(),
            earliest: instant(b.start),
            latest: if b.end == Instant::MAX {
                None
            } else {
                instant(b.end - 1)
            },
            uncertain: d.is_uncertain(),
            approximate: d.is_approximate(),
        }
    }
}

/// A reference to another node: its id, kind of node and name.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Ref<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub node: &'static str,
    /// The actor's or event's name; a statement's summary.
    pub name: &'a str,
}

impl<'a> Ref<'a> {
    pub fn node(kb: &'a Kb, node: NodeRef) -> Ref<'a> {
        Ref {
            id: kb.id_of(node),
            node: node.kind().as_str(),
            name: kb.name_of(node),
        }
    }

    /// [`Ref::node`] of the KB a sketch is of.
    pub fn sketched(kb: &Sketch<'a>, node: NodeRef) -> Ref<'a> {
        Ref {
            id: kb.id_of(node),
            node: node.kind().as_str(),
            name: kb.name_of(node),
        }
    }

    pub fn actor(kb: &'a Kb, a: ActorIx) -> Ref<'a> {
        Ref::node(kb, NodeRef::Actor(a))
    }

    pub fn event(kb: &'a Kb, e: EventIx) -> Ref<'a> {
        Ref::node(kb, NodeRef::Event(e))
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct QuoteView<'a> {
    pub text: &'a str,
    pub lang: Option<&'a str>,
    pub translated: bool,
    /// The position (from 1) in the statement's `sources` of the source it
    /// is taken from.
    pub source: Option<usize>,
    pub original: Option<&'a str>,
    pub original_lang: Option<&'a str>,
}

impl<'a> QuoteView<'a> {
    fn of(q: &'a Quote) -> QuoteView<'a> {
        QuoteView {
            text: &q.text,
            lang: q.lang.as_deref(),
            translated: q.translated,
            source: q.source.map(|i| i as usize + 1),
            original: q.original.as_ref().map(|o| o.text.as_str()),
            original_lang: q.original.as_ref().and_then(|o| o.lang.as_deref()),
        }
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SourceView<'a> {
    /// Who published it: a Media actor, or any other publisher.
    pub outlet: Option<Ref<'a>>,
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub date: Option<DateView<'a>>,
    pub archived: Option<&'a str>,
    pub accessed: Option<DateView<'a>>,
}

impl<'a> SourceView<'a> {
    pub fn of(kb: &'a Kb, s: &'a Source) -> SourceView<'a> {
        SourceView {
            outlet: s.outlet.map(|o| Ref::actor(kb, o)),
            url: s.url.as_deref(),
            archived: s.archived.as_deref(),
            title: s.title.as_deref(),
            date: s.date.as_deref().map(DateView::of),
            accessed: s.accessed.as_deref().map(DateView::of),
        }
    }
}

/// A fact-checker's verdict.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct VerdictView<'a> {
    pub by: Ref<'a>,
    pub date: Option<DateView<'a>>,
    pub rating: Rating,
    pub source: Option<SourceView<'a>>,
    pub note: Option<&'a str>,
}

impl<'a> VerdictView<'a> {
    pub fn of(kb: &'a Kb, v: &'a Verdict) -> VerdictView<'a> {
        VerdictView {
            by: Ref::actor(kb, v.by),
            date: v.date.as_ref().map(DateView::of),
            rating: v.rating,
            source: v.source.as_ref().map(|s| SourceView::of(kb, s)),
            note: v.note.as_deref(),
        }
    }
}

/// What became of a statement.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StatusView<'a> {
    pub kind: StatusKind,
    pub date: Option<DateView<'a>>,
    pub note: Option<&'a str>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ResponseView<'a> {
    pub to: &'a str,
    pub stance: Stance,
    /// What `to` names: `statement` or `event`.
    pub to_type: &'static str,
}

impl<'a> ResponseView<'a> {
    pub fn of(kb: &'a Kb, r: &Response) -> ResponseView<'a> {
        let to = r.to.node();
        ResponseView {
            to: kb.id_of(to),
            to_type: to.kind().as_str(),
            stance: r.stance,
        }
    }
}

/// An event's participant: the actor's Ref with its role.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ParticipantView<'a> {
    #[serde(flatten)]
    pub actor: Ref<'a>,
    pub role: ParticipationRole,
}

/// A speaker of a statement: the actor's Ref, with the dates (as written)
/// a signatory joined or withdrew.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SpeakerView<'a> {
    #[serde(flatten)]
    pub actor: Ref<'a>,
    /// The role the speaker held on the statement's date, if any.
    pub role: Option<RoleOnDate<'a>>,
    pub joined: Option<&'a str>,
    pub withdrew: Option<&'a str>,
}

/// A role held on a date: its title and whom it is held with.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RoleOnDate<'a> {
    pub title: &'a str,
    pub of: Ref<'a>,
}

impl<'a> SpeakerView<'a> {
    fn of(kb: &'a Kb, s: &'a Statement, actor: ActorIx) -> SpeakerView<'a> {
        SpeakerView {
            actor: Ref::actor(kb, actor),
            role: kb.actor(actor).role_on(&s.date).map(|r| RoleOnDate {
                title: &r.title,
                of: Ref::actor(kb, r.of),
            }),
            joined: None,
            withdrew: None,
        }
    }
}

/// A statement with everything written about it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StatementView<'a> {
    #[serde(rename = "type")]
    pub node: &'static str,
    pub id: &'a str,
    pub date: DateView<'a>,
    /// The speaker; of a joint statement, the first signatory.
    pub by: Ref<'a>,
    pub at: Option<Ref<'a>>,
    pub kind: crate::model::StatementKind,
    pub summary: &'a str,
    pub quotes: Vec<QuoteView<'a>>,
    pub about: Vec<Ref<'a>>,
    pub topics: &'a [String],
    pub responds_to: Vec<ResponseView<'a>>,
    pub sources: Vec<SourceView<'a>>,
    pub note: Option<&'a str>,
    // Added in annals/2, after the fields of annals/1.
    /// Every speaker (one for most statements), with the role held on the
    /// date and the dates a signatory joined or withdrew.
    pub speakers: Vec<SpeakerView<'a>>,
    /// The principal a spokesperson spoke for.
    pub on_behalf_of: Option<Ref<'a>>,
    pub verdicts: Vec<VerdictView<'a>>,
    pub status: Option<StatusView<'a>>,
    // Added in annals/3.
    /// A short headline for labels.
    pub title: Option<&'a str>,
}

impl<'a> StatementView<'a> {
    pub fn of(kb: &'a Kb, ix: StatementIx) -> StatementView<'a> {
        let s: &'a Statement = kb.statement(ix);
        StatementView {
            node: "statement",
            id: &s.id,
            date: DateView::of(&s.date),
            by: Ref::actor(kb, s.by),
            speakers: if s.signatories.is_empty() {
                vec![SpeakerView::of(kb, s, s.by)]
            } else {
                s.signatories
                    .iter()
                    .map(|g| SpeakerView {
                        joined: g.joined.as_ref().map(Date::as_str),
                        withdrew: g.withdrew.as_ref().map(Date::as_str),
                        ..SpeakerView::of(kb, s, g.actor)
                    })
                    .collect()
            },
            on_behalf_of: s.on_behalf_of.map(|p| Ref::actor(kb, p)),
            at: s.at.map(|e| Ref::event(kb, e)),
            kind: s.kind,
            summary: &s.summary,
            quotes: s.quotes.iter().map(QuoteView::of).collect(),
            about: s.about.iter().map(|n| Ref::node(kb, *n)).collect(),
            topics: &s.topics,
            responds_to: s
                .responds_to
                .iter()
                .map(|r| ResponseView::of(kb, r))
                .collect(),
            sources: s
                .sources
                .iter()
                .map(|src| SourceView::of(kb, src))
                .collect(),
            verdicts: s.verdicts.iter().map(|v| VerdictView::of(kb, v)).collect(),
            status: s.status.as_deref().map(|st| StatusView {
                kind: st.kind,
                date: st.date.as_ref().map(DateView::of),
                note: st.note.as_deref(),
            }),
            note: s.note.as_deref(),
            title: s.title.as_deref(),
        }
    }
}

/// An event with everything written about it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct EventView<'a> {
    #[serde(rename = "type")]
    pub node: &'static str,
    pub id: &'a str,
    pub date: DateView<'a>,
    pub name: &'a str,
    pub kind: crate::model::EventKind,
    pub place: Option<&'a str>,
    pub participants: Vec<ParticipantView<'a>>,
    pub part_of: Option<Ref<'a>>,
    pub topics: &'a [String],
    pub sources: Vec<SourceView<'a>>,
    pub note: Option<&'a str>,
    // Added in annals/2.
    /// The zone its dates are read in, when it names one.
    pub time_zone: Option<String>,
}

impl<'a> EventView<'a> {
    pub fn of(kb: &'a Kb, ix: EventIx) -> EventView<'a> {
        let e = kb.event(ix);
        EventView {
            node: "event",
            id: &e.id,
            date: DateView::of(&e.date),
            name: &e.name,
            kind: e.kind,
            place: e.place.as_deref(),
            time_zone: e.time_zone.map(|z| z.to_string()),
            participants: e
                .participants
                .iter()
                .map(|p| ParticipantView {
                    actor: Ref::actor(kb, p.actor),
                    role: p.role,
                })
                .collect(),
            part_of: e.part_of.map(|p| Ref::event(kb, p)),
            topics: &e.topics,
            sources: e.sources.iter().map(|s| SourceView::of(kb, s)).collect(),
            note: e.note.as_deref(),
        }
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RoleView<'a> {
    pub title: &'a str,
    pub of: Ref<'a>,
    pub from: Option<DateView<'a>>,
    pub until: Option<DateView<'a>>,
}

/// An actor with everything written about it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ActorView<'a> {
    #[serde(rename = "type")]
    pub node: &'static str,
    pub id: &'a str,
    pub name: &'a str,
    pub kind: crate::model::ActorKind,
    pub aliases: &'a [String],
    pub part_of: Option<Ref<'a>>,
    pub roles: Vec<RoleView<'a>>,
    pub note: Option<&'a str>,
    // Added in annals/3.
    /// A short name for tight places (a picture's lane).
    pub short_name: Option<&'a str>,
}

impl<'a> ActorView<'a> {
    pub fn of(kb: &'a Kb, ix: ActorIx) -> ActorView<'a> {
        let a = kb.actor(ix);
        ActorView {
            node: "actor",
            id: &a.id,
            name: &a.name,
            kind: a.kind,
            aliases: &a.aliases,
            part_of: a.part_of.map(|p| Ref::actor(kb, p)),
            roles: a
                .roles
                .iter()
                .map(|r| RoleView {
                    title: &r.title,
                    of: Ref::actor(kb, r.of),
                    from: r.from.as_ref().map(DateView::of),
                    until: r.until.as_ref().map(DateView::of),
                })
                .collect(),
            note: a.note.as_deref(),
            short_name: a.short_name.as_deref(),
        }
    }
}

/// Serializes `value` as pretty JSON followed by a newline.
pub fn write<T: Serialize>(out: &mut dyn std::io::Write, value: &T) -> std::io::Result<()> {
    crate::escape::write_json(out, value, true)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Seq` is made when it is written, and again each time.
    #[test]
    fn a_seq_is_made_when_written() {
        let made = std::cell::Cell::new(0);
        let seq = Seq(|| {
            made.set(made.get() + 1);
            (1..=3).map(|n| n * 10)
        });
        assert_eq!(made.get(), 0);
        assert_eq!(serde_json::to_string(&seq).unwrap(), "[10,20,30]");
        assert_eq!(serde_json::to_string(&seq).unwrap(), "[10,20,30]");
        assert_eq!(made.get(), 2);
    }
}
