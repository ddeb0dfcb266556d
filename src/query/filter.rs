//! The filters shared by queries, exports and renders: dates, actors, event,
//! topics, kinds, and roll-up.

use crate::kb::Kb;
use crate::model::{
    ActorIx, Bounds, EventIx, EventKind, Instant, Rating, Statement, StatementIx, StatementKind,
};

use super::rollup;

/// Which items a query keeps. The default keeps everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Keep items whose interval overlaps `[from, to)`.
    pub from: Option<Instant>,
    pub to: Option<Instant>,
    /// Keep statements by any of these actors (with `rollup`, by anyone
    /// they roll up to any of them), and events they took part or spoke in.
    pub actors: Vec<ActorIx>,
    /// Keep this event, its sub-events, and the statements made at them.
    pub event: Option<EventIx>,
    /// Keep items with any of these topics.
    pub topics: Vec<String>,
    pub statement_kinds: Vec<StatementKind>,
    pub event_kinds: Vec<EventKind>,
    /// Keep statements with a verdict of one of these ratings (and no
    /// events).
    pub ratings: Vec<Rating>,
    /// Count statements for the institutions their speakers roll up to.
    pub rollup: bool,
    /// The responses and actors views also draw the statements outside
    /// any exchange (`--all`); other queries keep them anyway.
    pub unanswered: bool,
}

impl Filter {
    /// The date range as bounds (open where unset).
    pub fn bounds(&self) -> Bounds {
        Bounds {
            start: self.from.unwrap_or(Instant::MIN),
            end: self.to.unwrap_or(Instant::MAX),
        }
    }

    fn in_range(&self, b: Bounds) -> bool {
        b.overlaps(&self.bounds())
    }

    fn has_kind_filter(&self) -> bool {
        !self.statement_kinds.is_empty() || !self.event_kinds.is_empty()
    }

    /// Whether the filter keeps every statement and event (it may still
    /// group statements, with `rollup`): exports then carry every actor too.
    pub fn keeps_every_statement(&self) -> bool {
        self.from.is_none()
            && self.to.is_none()
            && self.actors.is_empty()
            && self.event.is_none()
            && self.topics.is_empty()
            && self.ratings.is_empty()
            && !self.has_kind_filter()
    }

    /// Whether the filter keeps a statement.
    pub fn keeps_statement(&self, kb: &Kb, ix: StatementIx) -> bool {
        let s = kb.statement(ix);
        if !self.in_range(s.when) {
            return false;
        }
        if self.has_kind_filter() && !self.statement_kinds.contains(&s.kind) {
            return false;
        }
        if !self.ratings.is_empty() && !s.verdicts.iter().any(|v| self.ratings.contains(&v.rating))
        {
            return false;
        }
        if !self.topics.is_empty() && !s.topics.iter().any(|t| self.topics.contains(t)) {
            return false;
        }
        if let Some(event) = self.event {
            if !s.at.is_some_and(|at| self.within_event(kb, at, event)) {
                return false;
            }
        }
        if !self.actors.is_empty() && !self.speaks_for_actors(kb, s) {
            return false;
        }
        true
    }

    /// Whether a speaker of `s`, or the principal it spoke for, is one of
    /// the filter's actors, or with `--rollup` speaks for one of them.
    fn speaks_for_actors(&self, kb: &Kb, s: &Statement) -> bool {
        s.speakers().chain(s.on_behalf_of).any(|speaker| {
            self.actors.contains(&speaker)
                || (self.rollup
                    && rollup::chain(kb, speaker, &s.date)
                        .iter()
                        .any(|a| self.actors.contains(a)))
        })
    }

    /// Whether the filter keeps an event.
    pub fn keeps_event(&self, kb: &Kb, ix: EventIx) -> bool {
        let e = kb.event(ix);
        if !self.in_range(e.date.bounds()) {
            return false;
        }
        if self.has_kind_filter() && !self.event_kinds.contains(&e.kind) {
            return false;
        }
        if !self.ratings.is_empty() {
            return false;
        }
        if !self.topics.is_empty() && !e.topics.iter().any(|t| self.topics.contains(t)) {
            return false;
        }
        if let Some(event) = self.event {
            if !self.within_event(kb, ix, event) {
                return false;
            }
        }
        if !self.actors.is_empty() {
            // Any role: `--actor china` shows the summit China declined.
            let took_part = e
                .participants
                .iter()
                .any(|p| self.actors.contains(&p.actor));
            let spoke = kb
                .statements_at(ix)
                .iter()
                .any(|s| self.speaks_for_actors(kb, kb.statement(*s)));
            if !took_part && !spoke {
                return false;
            }
        }
        true
    }

    /// Whether `ix` is `event` or one of its sub-events, at any depth.
    fn within_event(&self, kb: &Kb, ix: EventIx, event: EventIx) -> bool {
        let mut at = Some(ix);
        for _ in 0..=kb.events.len() {
            match at {
                Some(e) if e == event => return true,
                Some(e) => at = kb.event(e).part_of,
                None => return false,
            }
        }
        false
    }

    /// The statements the filter keeps, in time order. Uses the date index:
    /// only statements starting before the range's end are looked at.
    pub fn statements(&self, kb: &Kb) -> Vec<StatementIx> {
        kb.statements_in_order()[..self.starting_before_end(kb)]
            .iter()
            .copied()
            .filter(|ix| self.keeps_statement(kb, *ix))
            .collect()
    }

    /// How many statements, in the KB's time order, start before the range
    /// ends: the only ones the filter can keep.
    pub fn starting_before_end(&self, kb: &Kb) -> usize {
        let end = self.to.unwrap_or(Instant::MAX);
        kb.statements_in_order()
            .partition_point(|ix| kb.statement(*ix).when.start < end)
    }

    /// The events the filter keeps, in time order (earliest, latest, id).
    pub fn events(&self, kb: &Kb) -> Vec<EventIx> {
        let mut out: Vec<EventIx> = (0..kb.events.len() as u32)
            .map(EventIx)
            .filter(|ix| self.keeps_event(kb, *ix))
            .collect();
        out.sort_by(|a, b| {
            let (a, b) = (kb.event(*a), kb.event(*b));
            a.date.order(&b.date).then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

/// A filter as written by users (command-line arguments, the exports
/// manifest): dates and ids as text, resolved against a KB by
/// [`FilterSpec::resolve`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilterSpec {
    pub from: Option<String>,
    /// The end of the date range (`to:` is read too, as older manifests
    /// wrote it).
    #[serde(alias = "to")]
    pub until: Option<String>,
    pub actors: Vec<String>,
    pub event: Option<String>,
    pub topics: Vec<String>,
    pub kinds: Vec<String>,
    /// Ratings: keep statements a fact-checker gave one of them.
    pub verdicts: Vec<String>,
    pub rollup: bool,
    /// Views of responses also draw statements outside any exchange.
    pub all: bool,
}

/// Why a filter cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error(transparent)]
    UnknownId(#[from] super::UnknownId),
    #[error("invalid {flag} date `{}`: {message}", crate::escape::shown(.text))]
    Date {
        flag: &'static str,
        text: String,
        message: String,
    },
    #[error("unknown kind `{}`; {}", crate::escape::shown(.kind), crate::escape::terminal(.help))]
    Kind { kind: String, help: String },
    #[error("the date range is reversed: --from {} starts after --until {} ends; swap them", crate::escape::shown(.from), crate::escape::shown(.until))]
    Reversed { from: String, until: String },
    #[error("unknown rating `{}`; {}", crate::escape::shown(.rating), crate::escape::terminal(.help))]
    Rating { rating: String, help: String },
    #[error("no item of the KB has the topic `{}`; {}", crate::escape::shown(.topic), crate::escape::terminal(.help))]
    Topic { topic: String, help: String },
}

impl FilterSpec {
    /// Resolves dates, ids and kinds against `kb`.
    pub fn resolve(&self, kb: &Kb) -> Result<Filter, FilterError> {
        use crate::model::{Date, NodeKind, NodeRef, Vocabulary};
        let date = |flag: &'static str, text: &str| {
            Date::parse(text, kb.settings.zone).map_err(|e| FilterError::Date {
                flag,
                text: text.to_owned(),
                message: e.message,
            })
        };
        let mut f = Filter {
            rollup: self.rollup,
            unanswered: self.all,
            topics: self.topics.clone(),
            ..Filter::default()
        };
        if let Some(from) = &self.from {
            f.from = Some(date("--from", from)?.bounds().start);
        }
        if let Some(until) = &self.until {
            f.to = Some(date("--until", until)?.bounds().end);
        }
        if let (Some(from), Some(to)) = (f.from, f.to) {
            if from >= to {
                return Err(FilterError::Reversed {
                    from: self.from.clone().unwrap_or_default(),
                    until: self.until.clone().unwrap_or_default(),
                });
            }
        }
        if !self.topics.is_empty() {
            let known = kb.topics();
            for topic in &self.topics {
                if known.binary_search(&topic.as_str()).is_err() {
                    let close = crate::suggest::closest(topic, known.iter().copied());
                    return Err(FilterError::Topic {
                        topic: topic.clone(),
                        help: crate::suggest::did_you_mean(&close)
                            .unwrap_or_else(|| "`annals stats` lists the topics".into()),
                    });
                }
            }
        }
        for id in &self.actors {
            if let NodeRef::Actor(a) = super::resolve(kb, id, Some(NodeKind::Actor))? {
                f.actors.push(a);
            }
        }
        if let Some(id) = &self.event {
            if let NodeRef::Event(e) = super::resolve(kb, id, Some(NodeKind::Event))? {
                f.event = Some(e);
            }
        }
        for k in &self.kinds {
            let (s, e) = (
                StatementKind::parse_any_case(k),
                EventKind::parse_any_case(k),
            );
            if s.is_none() && e.is_none() {
                let words = StatementKind::all()
                    .iter()
                    .map(|w| w.word())
                    .chain(EventKind::all().iter().map(|w| w.word()));
                let close = crate::suggest::closest(k, words);
                return Err(FilterError::Kind {
                    kind: k.clone(),
                    help: crate::suggest::did_you_mean(&close)
                        .unwrap_or_else(|| "see `annals timeline --help`".into()),
                });
            }
            f.statement_kinds.extend(s);
            f.event_kinds.extend(e);
        }
        for r in &self.verdicts {
            match Rating::parse_any_case(r) {
                Some(rating) => f.ratings.push(rating),
                None => {
                    // Ratings are matched in any case: so are suggestions.
                    let lower = |w: &str| w.to_ascii_lowercase();
                    let words: Vec<String> =
                        Rating::all().iter().map(|w| lower(w.word())).collect();
                    let close: Vec<&str> =
                        crate::suggest::closest(&lower(r), words.iter().map(String::as_str))
                            .into_iter()
                            .filter_map(|c| Rating::parse_any_case(c).map(|w| w.word()))
                            .collect();
                    return Err(FilterError::Rating {
                        rating: r.clone(),
                        help: crate::suggest::did_you_mean(&close).unwrap_or_else(|| {
                            "ratings: True, MostlyTrue, Mixed, MostlyFalse, False, Unproven".into()
                        }),
                    });
                }
            }
        }
        Ok(f)
    }
}
