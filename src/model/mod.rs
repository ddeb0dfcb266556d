//! The types of a loaded KB: actors, events, statements and what links them,
//! with every reference resolved to a typed index and every date parsed.
//!
//! These are the values queries and renderers work on. What users *write*
//! (spans, unresolved ids) lives in `load::raw`; this module parses only
//! the values that have a text form of their own (dates, ids, kind words).

pub mod date;
mod id;
mod kind;
mod settings;

pub use date::{
    parse_utc_offset, Bounds, Date, DateError, Instant, Precision, Reading, Shape, Zone,
};
pub use id::{id_problem, suggest_id, ActorIx, EventIx, NodeKind, NodeRef, StatementIx};
pub use kind::{
    by_meaning, known_word, ActorKind, EventKind, LevelWord, ParticipationRole, Rating, Stance,
    StatementKind, StatusKind, Vocabulary,
};
pub use settings::{Limits, Settings, MAX_NESTING, MIN_NESTING};

use crate::source_map::Span;
pub use thin_vec::ThinVec;

/// A person or an institution.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Actor {
    pub id: String,
    /// Where the id is written.
    pub span: Span,
    pub name: String,
    pub kind: ActorKind,
    pub aliases: Vec<String>,
    /// The institution this one is part of (a ministry of a government).
    pub part_of: Option<ActorIx>,
    pub roles: Vec<Role>,
    pub note: Option<String>,
    /// A short name for tight places (a picture's lane).
    pub short_name: Option<String>,
}

impl Actor {
    /// The role this person held on `date` (the first that overlaps it).
    pub fn role_on(&self, date: &Date) -> Option<&Role> {
        if self.kind != ActorKind::Person {
            return None;
        }
        let when = date.bounds();
        self.roles.iter().find(|r| r.bounds().overlaps(&when))
    }
}

/// A role a person holds in an institution (or with a person: a press
/// secretary of the president), possibly bounded in time.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Role {
    pub title: String,
    pub of: ActorIx,
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// Where the role is written.
    pub span: Span,
}

impl Role {
    /// The instants the role covers: from the start of `from` to the end of
    /// `until`, open where either is missing.
    pub fn bounds(&self) -> Bounds {
        Bounds {
            start: self
                .from
                .as_ref()
                .map_or(Instant::MIN, |d| d.bounds().start),
            end: self.until.as_ref().map_or(Instant::MAX, |d| d.bounds().end),
        }
    }

    /// Whether the role certainly covers the whole of `date`.
    pub fn covers(&self, date: &Date) -> bool {
        self.bounds().contains(&date.bounds())
    }
}

/// A meeting, press conference, summit, and the like.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub id: String,
    pub span: Span,
    pub name: String,
    pub kind: EventKind,
    pub date: Date,
    pub date_span: Span,
    /// The zone its dates, and those of the statements made at it, are
    /// read in, when it names one.
    pub time_zone: Option<Zone>,
    pub place: Option<String>,
    /// The actors it concerned, each with how it stood: host, participant,
    /// observer, or invited, declined, not invited (those were not there).
    pub participants: Vec<Participant>,
    pub part_of: Option<EventIx>,
    pub sources: Vec<Source>,
    pub topics: Vec<String>,
    pub note: Option<String>,
}

/// An actor listed with an event, and how it stood towards it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Participant {
    pub actor: ActorIx,
    pub role: ParticipationRole,
}

impl Event {
    /// The actors that were there: hosts, participants, observers.
    pub fn attendees(&self) -> impl Iterator<Item = ActorIx> + '_ {
        self.participants
            .iter()
            .filter(|p| p.role.attended())
            .map(|p| p.actor)
    }

    /// How `actor` stood towards the event, if it is listed.
    pub fn role_of(&self, actor: ActorIx) -> Option<ParticipationRole> {
        self.participants
            .iter()
            .find(|p| p.actor == actor)
            .map(|p| p.role)
    }
}

/// Something an actor said, on a date, possibly at an event.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    pub id: String,
    pub span: Span,
    /// The speaker; of a joint statement, the first signatory.
    pub by: ActorIx,
    /// Every signatory of a joint statement, `by` first; empty when one
    /// actor spoke (so a single speaker costs no allocation).
    pub signatories: ThinVec<Signatory>,
    /// The principal a spokesperson spoke for (Peskov for Putin): queries
    /// credit the statement to it.
    pub on_behalf_of: Option<ActorIx>,
    pub date: Date,
    pub date_span: Span,
    /// When it was said, as precisely as the KB knows: the bounds of its
    /// date, or of the event it was made at when those are narrower (a
    /// statement dated by day, made at the 12:00-18:00 session). Queries
    /// order, filter and draw by it; checks read the date as written.
    pub when: Bounds,
    pub at: Option<EventIx>,
    pub kind: StatementKind,
    /// A short headline for labels (boxed: optional, and a KB holds
    /// millions of statements).
    pub title: Option<Box<str>>,
    /// A neutral one-paragraph paraphrase.
    pub summary: String,
    pub summary_span: Span,
    pub quotes: ThinVec<Quote>,
    /// The actors, events and statements it speaks of.
    pub about: ThinVec<NodeRef>,
    pub topics: ThinVec<String>,
    pub responds_to: ThinVec<Response>,
    pub sources: ThinVec<Source>,
    /// What fact-checkers found, in the order written.
    pub verdicts: ThinVec<Verdict>,
    /// What became of it (retracted, corrected), when the KB says.
    pub status: Option<Box<Status>>,
    pub note: Option<String>,
}

/// A fact-checker's judgment of a statement.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// Who judged it: a fact-checking organisation, usually.
    pub by: ActorIx,
    pub date: Option<Date>,
    pub rating: Rating,
    /// Where the verdict is published.
    pub source: Option<Source>,
    pub note: Option<String>,
    /// Where it is written.
    pub span: Span,
}

/// What became of a statement: retracted, corrected, clarified, and when.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub kind: StatusKind,
    pub date: Option<Date>,
    pub note: Option<String>,
    pub span: Span,
}

impl Statement {
    /// Whether a verdict rates it (mostly) false, or it was retracted:
    /// what pictures mark.
    pub fn is_discredited(&self) -> bool {
        self.verdicts.iter().any(|v| v.rating.is_false())
            || self
                .status
                .as_ref()
                .is_some_and(|s| s.kind == StatusKind::Retracted)
    }
}

/// A speaker of a joint statement, with the dates it joined (after the
/// statement was made) or withdrew, when the KB gives them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Signatory {
    pub actor: ActorIx,
    pub joined: Option<Date>,
    pub withdrew: Option<Date>,
    /// Where it is written.
    pub span: Span,
}

impl Statement {
    /// Every speaker: `by` alone, or each signatory in order.
    pub fn speakers(&self) -> impl Iterator<Item = ActorIx> + '_ {
        let one = self.signatories.is_empty().then_some(self.by);
        one.into_iter()
            .chain(self.signatories.iter().map(|s| s.actor))
    }

    /// Whom the statement counts for: the principal it was made on behalf
    /// of, else every speaker.
    pub fn credited(&self) -> impl Iterator<Item = ActorIx> + '_ {
        let (principal, speakers) = match self.on_behalf_of {
            Some(p) => (Some(p), None),
            None => (None, Some(self.speakers())),
        };
        principal.into_iter().chain(speakers.into_iter().flatten())
    }

    /// Whether several actors made it.
    pub fn is_joint(&self) -> bool {
        self.signatories.len() > 1
    }

    /// The responses that answer statements, with the statement each one
    /// answers (responses to events left out).
    pub fn statement_responses(&self) -> impl Iterator<Item = (StatementIx, &Response)> {
        self.responds_to
            .iter()
            .filter_map(|r| Some((r.statement()?, r)))
    }
}

/// A verbatim quotation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    pub text: String,
    /// The language of `text` (an IETF tag such as `en` or `uk`).
    pub lang: Option<String>,
    /// Whether `text` is a translation of what was said.
    pub translated: bool,
    /// The statement's source it is taken from (index in `sources`): two
    /// outlets may quote one statement in different words.
    pub source: Option<u32>,
    /// What was said, in its own language, beside the translation (boxed:
    /// rare, and a KB holds millions of quotes).
    pub original: Option<Box<Original>>,
}

/// The words of a translated quote as they were said.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Original {
    pub text: String,
    /// Their language (an IETF tag).
    pub lang: Option<String>,
}

/// A link from a statement to what it answers: another statement, or an
/// event as a whole (a reaction to a summit).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Response {
    pub to: Answered,
    pub stance: Stance,
    /// Where the response is written.
    pub span: Span,
}

impl Response {
    /// The statement answered, when the response names one.
    pub fn statement(&self) -> Option<StatementIx> {
        self.to.statement()
    }
}

/// What a response answers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Answered {
    Statement(StatementIx),
    Event(EventIx),
}

impl Answered {
    /// The statement answered, when it is one.
    pub fn statement(self) -> Option<StatementIx> {
        match self {
            Answered::Statement(s) => Some(s),
            Answered::Event(_) => None,
        }
    }

    /// The event answered as a whole, when it is one.
    pub fn event(self) -> Option<EventIx> {
        match self {
            Answered::Event(e) => Some(e),
            Answered::Statement(_) => None,
        }
    }

    pub fn node(self) -> NodeRef {
        match self {
            Answered::Statement(s) => NodeRef::Statement(s),
            Answered::Event(e) => NodeRef::Event(e),
        }
    }
}

/// Where something is documented.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// Who published it: a Media actor (`outlet`), or any actor
    /// (`publisher`: a ministry's own site).
    pub outlet: Option<ActorIx>,
    /// Text at its length and the date boxed: a KB holds millions of
    /// sources, and many name their outlet only.
    pub url: Option<Box<str>>,
    /// A copy kept by an archive.
    pub archived: Option<Box<str>>,
    pub title: Option<Box<str>>,
    pub date: Option<Box<Date>>,
    /// When it was read.
    pub accessed: Option<Box<Date>>,
    /// Where the source is written.
    pub span: Span,
}

impl Source {
    /// What makes two sources the same: outlet, url and title.
    pub fn identity(&self) -> (Option<ActorIx>, Option<&str>, Option<&str>) {
        (self.outlet, self.url.as_deref(), self.title.as_deref())
    }
}
