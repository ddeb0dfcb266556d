//! Exports of a KB: views drawn as DOT (for Graphviz) and Mermaid, and the
//! (filtered) KB itself as JSON, JSON Lines, CSV tables, GraphML and
//! schema.org JSON-LD.
//!
//! A view picks what to draw from the filtered KB ([`select`]); the data
//! formats carry the [`records`] a filter keeps. Every string from the KB is
//! escaped by `escape` for the format.

pub mod csv;
pub mod dot;
pub mod graphml;
pub mod html;
pub mod json;
pub mod jsonld;
pub mod labels;
pub mod mermaid;
pub mod timelinejs;

use std::collections::BTreeSet;

use crate::kb::Kb;
use crate::model::{ActorIx, Answered, EventIx, StatementIx};
use crate::query::{rollup, Filter};

/// What a picture shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, clap::ValueEnum,
)]
pub enum View {
    /// statements linked by responses, clustered by speaker
    Responses,
    /// who responded to whom, at actor level
    Actors,
    /// statements and events along time
    Timeline,
    /// everything: actors, events, statements and every link
    Kb,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Responses => "responses",
            View::Actors => "actors",
            View::Timeline => "timeline",
            View::Kb => "kb",
        }
    }
}

/// The items a view draws, in time order.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub statements: Vec<StatementIx>,
    pub events: Vec<EventIx>,
}

/// Picks the statements and events of a view: for `Responses`, the kept
/// statements that answer or are answered by another kept statement, or
/// answer a kept event (with `filter.unanswered`, every kept statement); for the timeline and the whole KB, every kept
/// statement. Events are those the filter keeps that a selected statement
/// was said at or answers (all kept events for the timeline and the KB).
pub fn select(kb: &Kb, view: View, filter: &Filter) -> Selection {
    let kept = filter.statements(kb);
    let kept_events = filter.events(kb);
    let statements = match view {
        View::Responses | View::Actors if filter.unanswered => kept,
        View::Responses | View::Actors => {
            let targets = Targets::of(&kept, &kept_events);
            kept.iter()
                .copied()
                .filter(|s| {
                    kb.statement(*s)
                        .responds_to
                        .iter()
                        .any(|r| targets.contains(r.to))
                        || kb
                            .responders(*s)
                            .iter()
                            .any(|r| targets.contains(Answered::Statement(r.from)))
                })
                .collect()
        }
        View::Timeline | View::Kb => kept,
    };
    let events = match view {
        View::Actors => Vec::new(),
        View::Timeline | View::Kb => kept_events,
        View::Responses => {
            let used: BTreeSet<EventIx> = statements
                .iter()
                .flat_map(|s| {
                    let st = kb.statement(*s);
                    st.at
                        .into_iter()
                        .chain(st.responds_to.iter().filter_map(|r| r.to.event()))
                })
                .collect();
            kept_events
                .into_iter()
                .filter(|e| used.contains(e))
                .collect()
        }
    };
    Selection { statements, events }
}

/// Items per parallel job of [`print_in_parallel`].
pub(crate) const CHUNK: usize = 512;

/// Prints `items` in order, `print` writing each into a buffer: chunks of
/// them are printed in parallel, a few per core at a time, and handed to
/// `write` in order as they come, so an output several times the KB is
/// never held whole.
pub(crate) fn print_in_parallel<T: Sync>(
    items: &[T],
    print: impl Fn(&T, &mut Vec<u8>) -> std::io::Result<()> + Sync,
    mut write: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let batch = CHUNK * 2 * rayon::current_num_threads().max(1);
    for window in items.chunks(batch) {
        let parts: Vec<Vec<u8>> = window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut text = Vec::new();
                for item in chunk {
                    print(item, &mut text)?;
                }
                Ok(text)
            })
            .collect::<std::io::Result<_>>()?;
        for part in &parts {
            write(part)?;
        }
    }
    Ok(())
}

/// Everything an interchange export carries: the kept statements and
/// events, and the actors they involve (every actor when nothing is
/// filtered), each sorted by id so exports are stable record by record.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub actors: Vec<ActorIx>,
    pub events: Vec<EventIx>,
    pub statements: Vec<StatementIx>,
}

impl Records {
    /// What the records' responses may point to: their statements and
    /// events (a response to anything else leads out of the export).
    pub fn targets(&self) -> Targets {
        Targets::of(&self.statements, &self.events)
    }
}

/// See [`Records::targets`].
pub struct Targets {
    statements: BTreeSet<StatementIx>,
    events: BTreeSet<EventIx>,
}

impl Targets {
    pub fn of(statements: &[StatementIx], events: &[EventIx]) -> Targets {
        Targets {
            statements: statements.iter().copied().collect(),
            events: events.iter().copied().collect(),
        }
    }

    pub fn contains(&self, to: Answered) -> bool {
        match to {
            Answered::Statement(s) => self.statements.contains(&s),
            Answered::Event(e) => self.events.contains(&e),
        }
    }
}

/// The records of the KB the filter keeps.
pub fn records(kb: &Kb, filter: &Filter) -> Records {
    let mut statements = filter.statements(kb);
    let mut events = filter.events(kb);
    let mut actors: Vec<ActorIx> = if filter.keeps_every_statement() {
        (0..kb.actors.len() as u32).map(ActorIx).collect()
    } else {
        let mut set = BTreeSet::new();
        for s in &statements {
            let st = kb.statement(*s);
            set.extend(st.speakers());
            set.extend(st.about.iter().filter_map(|n| match n {
                crate::model::NodeRef::Actor(a) => Some(*a),
                _ => None,
            }));
            set.extend(st.sources.iter().filter_map(|src| src.outlet));
            set.extend(st.on_behalf_of);
            set.extend(st.verdicts.iter().map(|v| v.by));
        }
        for e in &events {
            set.extend(kb.event(*e).participants.iter().map(|p| p.actor));
        }
        // Institutions they are part of or hold roles in.
        let mut stack: Vec<ActorIx> = set.iter().copied().collect();
        while let Some(a) = stack.pop() {
            let actor = kb.actor(a);
            for next in actor
                .part_of
                .into_iter()
                .chain(actor.roles.iter().map(|r| r.of))
            {
                if set.insert(next) {
                    stack.push(next);
                }
            }
        }
        set.into_iter().collect()
    };
    actors.sort_by(|a, b| kb.actor(*a).id.cmp(&kb.actor(*b).id));
    events.sort_by(|a, b| kb.event(*a).id.cmp(&kb.event(*b).id));
    statements.sort_by(|a, b| kb.statement(*a).id.cmp(&kb.statement(*b).id));
    Records {
        actors,
        events,
        statements,
    }
}

/// Statements grouped by whom they are drawn for (see [`speaker`]), groups
/// in order of their first statement, statements in the given order.
pub fn group_by_speaker(
    kb: &Kb,
    statements: &[StatementIx],
    filter: &Filter,
) -> Vec<(ActorIx, Vec<StatementIx>)> {
    let mut groups: Vec<(ActorIx, Vec<StatementIx>)> = Vec::new();
    let mut index: std::collections::HashMap<ActorIx, usize> = std::collections::HashMap::new();
    for &s in statements {
        let who = speaker(kb, s, filter);
        let at = *index.entry(who).or_insert_with(|| {
            groups.push((who, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(s);
    }
    groups
}

/// An event's label: its name wrapped, then its kind and date.
pub fn event_label(kb: &Kb, e: EventIx) -> String {
    let ev = kb.event(e);
    format!(
        "{}\n{} · {}",
        wrap(&ev.name, 30, 2).join("\n"),
        ev.kind.phrase(),
        ev.date
    )
}

/// Whom a statement is drawn for: its speaker (the first signatory of a
/// joint statement, which is drawn once; the principal a spokesperson spoke
/// for), or with roll-up the institution it counts for.
pub fn speaker(kb: &Kb, s: StatementIx, filter: &Filter) -> ActorIx {
    let st = kb.statement(s);
    let who = st.on_behalf_of.unwrap_or(st.by);
    if filter.rollup {
        rollup::top(kb, who, &st.date)
    } else {
        who
    }
}

/// What fact-checkers and the statement's status say, as one line for a
/// label: "rated False by FactCheck Lakeside; Retracted 2025-03-20".
pub fn standing(kb: &Kb, st: &crate::model::Statement) -> Option<String> {
    let mut parts: Vec<String> = st
        .verdicts
        .iter()
        .map(|v| format!("rated {} by {}", v.rating, kb.actor(v.by).name))
        .collect();
    if let Some(status) = &st.status {
        parts.push(match &status.date {
            Some(d) => format!("{} {d}", status.kind),
            None => status.kind.to_string(),
        });
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `text` on one line of at most `width` characters, cut after a word with
/// `…` when longer ([`wrap`] to one line).
pub fn cut_at_word(text: &str, width: usize) -> String {
    wrap(text, width, 1).pop().unwrap_or_default()
}

/// Wraps text at spaces into lines of at most `width` characters, keeping at
/// most `lines` lines (the last ends with `…` when text was cut).
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
            if out.len() == lines {
                break;
            }
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    let cut = out.len() == lines;
    if !cut && !line.is_empty() {
        out.push(line);
    }
    if cut {
        // The last line ends with `…` after a whole word: words are dropped
        // from its end until the mark fits (one over-long word is cut).
        if let Some(last) = out.last_mut() {
            let mut words: Vec<&str> = last.split(' ').collect();
            while words.len() > 1 && words.join(" ").chars().count() + 1 > width {
                words.pop();
            }
            let mut l = words.join(" ");
            if l.chars().count() + 1 > width {
                l = l.chars().take(width.saturating_sub(1)).collect();
            }
            let l = l.trim_end_matches([',', ';', ':', '.', ' ']).to_string();
            *last = format!("{l}…");
        }
    }
    out.iter_mut().for_each(|l| {
        if l.chars().count() > width {
            *l = l.chars().take(width.saturating_sub(1)).collect::<String>() + "…";
        }
    });
    out
}

/// Where along time to draw statements that share their time with others
/// (several dated by the same day, say): such a group is spread across the
/// time it covers in its known order (a response after what it answers,
/// otherwise by start and as the KB lists them), each kept inside its own
/// interval. Statements group when their intervals overlap and are of about
/// the same length (days with days, not with the year around them). The
/// instant of each spread statement; any other is drawn at the middle of
/// its interval.
pub fn spread(kb: &Kb, statements: &[StatementIx]) -> rustc_hash::FxHashMap<StatementIx, f64> {
    use crate::model::Instant;
    let when = |s: StatementIx| kb.statement(s).when;
    let mut coarse: Vec<StatementIx> = statements
        .iter()
        .copied()
        .filter(|s| {
            let b = when(*s);
            b.start != Instant::MIN && b.end != Instant::MAX && b.end - b.start >= 60
        })
        .collect();
    coarse.sort_by_key(|s| (when(*s).start, *s));
    let mut out = rustc_hash::FxHashMap::default();
    let mut rest = coarse.as_slice();
    while let Some(&first) = rest.first() {
        let len = |s: StatementIx| (when(s).end - when(s).start) as f64;
        let base = len(first);
        let mut hull = when(first);
        let mut n = 1;
        while let Some(&next) = rest.get(n) {
            let b = when(next);
            if b.start >= hull.end || !(base / 1.1..=base * 1.1).contains(&len(next)) {
                break;
            }
            hull.end = hull.end.max(b.end);
            n += 1;
        }
        let (mut group, tail) = (rest[..n].to_vec(), &rest[n..]);
        rest = tail;
        if group.len() < 2 {
            continue;
        }
        // How deep in an exchange inside the group: what a statement
        // answers comes first. At most one pass per member settles it.
        let members: BTreeSet<StatementIx> = group.iter().copied().collect();
        let mut depth: rustc_hash::FxHashMap<StatementIx, usize> =
            group.iter().map(|s| (*s, 0)).collect();
        for _ in 0..group.len() {
            let mut changed = false;
            for &s in &group {
                let d = kb
                    .statement(s)
                    .statement_responses()
                    .filter(|(to, _)| members.contains(to) && *to != s)
                    .map(|(to, _)| depth[&to] + 1)
                    .max()
                    .unwrap_or(0)
                    .min(group.len());
                if d > depth[&s] {
                    depth.insert(s, d);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        group.sort_by_key(|s| (depth[s], when(*s).start, *s));
        let (lo, span, n) = (
            hull.start as f64,
            (hull.end - hull.start) as f64,
            group.len() as f64,
        );
        for (i, s) in group.into_iter().enumerate() {
            let t = lo + span * (2.0 * i as f64 + 1.0) / (2.0 * n);
            let b = when(s);
            out.insert(s, t.clamp(b.start as f64, (b.end - 1) as f64));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_words_and_marks_cuts() {
        assert_eq!(
            wrap("one two three four", 9, 3),
            ["one two", "three", "four"]
        );
        assert_eq!(wrap("one two three four", 9, 2), ["one two", "three…"]);
        assert_eq!(wrap("averyveryverylongword", 8, 2), ["averyve…"]);
        // A cut never splits a word: the last whole word that fits with the
        // mark stays, trailing punctuation goes.
        assert_eq!(wrap("this is not a proposal", 11, 1), ["this is…"]);
        assert_eq!(wrap("one, two, three", 10, 1), ["one, two…"]);
        assert!(wrap("", 8, 2).is_empty());
    }

    #[test]
    fn statements_of_one_day_split_it_responses_after_what_they_answer() {
        use crate::kb::Kb;
        let text = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)], statements: [
            Statement(id: "reply", by: "a", date: "2024-06-14", kind: Claim, summary: "R", responds_to: ["first"]),
            Statement(id: "first", by: "a", date: "2024-06-14", kind: Claim, summary: "F"),
            Statement(id: "other", by: "a", date: "2024-06-14", kind: Claim, summary: "O"),
            Statement(id: "timed", by: "a", date: "2024-06-14T10:00:00Z", kind: Claim, summary: "T"),
            Statement(id: "year", by: "a", date: "2024", kind: Claim, summary: "Y"),
        ])"#;
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let all: Vec<_> = kb.statements_in_order().to_vec();
        let at = super::spread(&kb, &all);
        let at = |id: &str| match kb.lookup(id) {
            Some(crate::model::NodeRef::Statement(s)) => at.get(&s).copied(),
            _ => panic!("{id}"),
        };
        let day = 1_718_323_200.0;
        // Three share the day: `first` (listed second) comes before its
        // reply, `other` keeps its place after `first` in the KB's order;
        // each at the middle of its third of the day.
        assert_eq!(at("first"), Some(day + 14_400.0));
        assert_eq!(at("other"), Some(day + 43_200.0));
        assert_eq!(at("reply"), Some(day + 72_000.0));
        // A time to the second is not spread: it is drawn where it is.
        assert_eq!(at("timed"), None);
    }
}
