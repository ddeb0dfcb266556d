//! Resolving ids: from raw documents to a [`Kb`] of typed indices.
//!
//! Runs in three phases, so that every problem is reported once and no error
//! cascades into others:
//! 1. each item's own fields: id, kind, required date. An item whose kind or
//!    required date is unusable is *broken*: reported, and left out;
//! 2. ids get indices: actors, then events, then statements (whose `by` must
//!    name an actor, or the statement is broken too); duplicates are reported
//!    with both places;
//! 3. every other reference resolves, or is reported and dropped. A
//!    reference to a broken item is dropped silently: its cause is reported.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::raw::{
    MoreFields, RawActor, RawDoc, RawEvent, RawParticipant, RawQuoteSource, RawResponse, RawRole,
    RawSignatory, RawSource, RawStatement,
};
use super::spanned::{AtLength, Located, OneOrMany, OrShort, Spanned, Word};
use crate::diag::{Code, Diagnostic};
use crate::kb::{item_id, nodes, IdIndex, IdMap, Kb, Kept};
use crate::model::Settings;
use crate::model::{
    id_problem, suggest_id, Actor, ActorIx, ActorKind, Answered, Date, Event, EventIx, EventKind,
    NodeKind, NodeRef, Original, Participant, ParticipationRole, Quote, Rating, Reading, Response,
    Role, Signatory, Source, Stance, Statement, StatementIx, StatementKind, Status, StatusKind,
    ThinVec, Verdict, Vocabulary, Zone,
};
use crate::source_map::{FileId, Span};
use crate::suggest;

/// How many "did you mean" searches a run does at most (each scans all ids).
const MAX_SUGGESTION_SEARCHES: usize = 200;

/// What a reference must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Any,
    Actor,
    Media,
    Event,
    /// A statement or an event: what `responds_to` may name.
    Answerable,
}

impl Want {
    fn noun(self) -> &'static str {
        match self {
            Want::Any => "item",
            Want::Actor => "actor",
            Want::Media => "Media actor",
            Want::Event => "event",
            Want::Answerable => "statement or event",
        }
    }

    fn kind(self) -> Option<NodeKind> {
        match self {
            Want::Any => None,
            Want::Actor | Want::Media => Some(NodeKind::Actor),
            Want::Event => Some(NodeKind::Event),
            // Suggestions look among every id: statements and events.
            Want::Answerable => None,
        }
    }
}

/// An item that passed phases 1 and 2, by where it is written: the index
/// of its document and its index in that document's list of its kind.
struct Pick<K, X> {
    doc: u32,
    item: u32,
    kind: K,
    /// What phase 1 and 2 read besides the kind: the date, the speaker.
    extra: X,
}

/// An item that passed phases 1 and 2, with what was read of it: what
/// phase 3 links.
struct Accepted<'a, R, K, X> {
    file: FileId,
    raw: &'a mut R,
    kind: K,
    /// What phase 1 and 2 read besides the kind: the date, the speaker.
    extra: X,
}

/// Every id and what it names: built in phases 1 and 2, then only read.
#[derive(Default)]
struct Names<'k> {
    /// Every id defined by an item that was kept, with where it is written.
    ids: Ids<'k>,
    /// Ids of items left out in phase 1 or 2.
    broken: HashSet<String>,
    /// Ids that left-out items refer to: still "used" for the unused checks.
    named_by_broken: HashSet<String>,
    actor_kinds: Vec<ActorKind>,
    /// The zone a story file names for its dates.
    file_zones: HashMap<FileId, Zone>,
    /// The zone each kept event names for its dates (and those of the
    /// statements made at it).
    event_zones: Vec<Option<Zone>>,
}

/// The ids resolving reads: its own, over those of the KB a patch is
/// resolved into.
#[derive(Default)]
struct Ids<'k> {
    /// Ids defined by the files resolved, with where each is written.
    own: IdMap,
    /// For a patch: the KB's ids (those of the changed files are in `own`
    /// too, written where they are now).
    base: Option<Base<'k>>,
}

/// The ids of a KB's items as its id index finds them, at the places they
/// take once changed files are read in.
pub(crate) struct Base<'k> {
    pub index: &'k IdIndex,
    pub actors: &'k [Actor],
    pub events: &'k [Event],
    pub statements: &'k [Statement],
    /// When the changed files hold other statements than before: their
    /// ranges of statements, and what each range and those before it
    /// moved by ([`super::shifted`]). Their old statements are gone (the
    /// changed files' own ids name the new ones).
    pub shift: Option<(&'k [std::ops::Range<usize>], &'k [isize])>,
}

impl Base<'_> {
    /// What `id` names, at its place now, and where it is defined.
    pub(crate) fn get(&self, id: &str) -> Option<(NodeRef, Span)> {
        let (a, e, s) = (self.actors, self.events, self.statements);
        let node = self.index.get(a, e, s, id)?;
        Some((self.now(node)?, crate::kb::item_span(a, e, s, node)?))
    }

    /// Where the item at `node` is now; `None` for an old statement of a
    /// changed file.
    fn now(&self, node: NodeRef) -> Option<NodeRef> {
        match (node, self.shift) {
            (NodeRef::Statement(t), Some((ranges, shifts))) => {
                super::shifted(ranges, shifts, t).map(NodeRef::Statement)
            }
            _ => Some(node),
        }
    }
}

impl Ids<'_> {
    /// What `id` names, and where it is defined.
    fn get(&self, id: &str) -> Option<(NodeRef, Span)> {
        match self.own.get(id) {
            Some(&named) => Some(named),
            None => self.base.as_ref()?.get(id),
        }
    }

    /// Calls `f` with every id and what it names.
    fn each(&self, mut f: impl FnMut(&str, NodeRef)) {
        for (id, (node, _)) in &self.own {
            f(id, *node);
        }
        let Some(base) = &self.base else { return };
        let (a, e, s) = (base.actors, base.events, base.statements);
        for node in nodes(a.len(), e.len(), s.len()) {
            match (item_id(a, e, s, node), base.now(node)) {
                (Some(id), Some(now)) if !self.own.contains_key(id) => f(id, now),
                _ => {}
            }
        }
    }
}

/// A reference diagnostic that would help with a "did you mean": each
/// search scans every id, so they run once all items are resolved, for the
/// first [`MAX_SUGGESTION_SEARCHES`] in order (the same ones whether phase 3
/// ran on one thread or many).
struct Wanted {
    /// Index in the diagnostics it was reported with.
    diag: usize,
    written: String,
    want: Want,
}

/// What one resolving task reports.
#[derive(Default)]
struct Report {
    diags: Vec<Diagnostic>,
    wanted: Vec<Wanted>,
}

impl Report {
    /// Appends another task's report, after this one's.
    fn append(&mut self, other: Report) {
        let base = self.diags.len();
        self.diags.extend(other.diags);
        self.wanted.extend(other.wanted.into_iter().map(|w| Wanted {
            diag: w.diag + base,
            ..w
        }));
    }
}

struct Resolver<'k> {
    names: Names<'k>,
    report: Report,
    zone: Zone,
    placing: Placing,
}

/// What a resolve of some files of a KB starts from when the rest of the
/// KB is resolved already (annals' cache, after those files changed):
/// every id of the KB as it was, what the other files' items were read
/// with (actor kinds, event zones), and the places the changed files'
/// items held, in order, which they must take again for the other files'
/// references to stay right.
pub(crate) struct Seed<'k> {
    /// Ids over those of `base`: those of statements that moved.
    pub ids: IdMap,
    /// The KB's ids, at the places the change leaves them.
    pub base: Base<'k>,
    pub actor_kinds: Vec<ActorKind>,
    pub event_zones: Vec<Option<Zone>>,
    pub places: Places,
}

/// Places in the KB's lists of actors, events and statements.
#[derive(Debug, Default)]
pub(crate) struct Places {
    pub actors: Vec<ActorIx>,
    pub events: Vec<EventIx>,
    pub statements: Vec<StatementIx>,
}

/// The items of changed files resolved against a [`Seed`]: each list in
/// the order of its [`Places`].
pub(crate) struct Patched {
    pub places: Places,
    pub actors: Vec<Actor>,
    pub events: Vec<Event>,
    pub statements: Vec<Statement>,
    /// What resolving them found (lints: a hard error gives no patch).
    pub findings: Vec<Diagnostic>,
}

/// Where phase 2 puts the items it keeps.
enum Placing {
    /// After those kept so far: a whole KB.
    Append,
    /// Each in the place the same item held before; `moved` once an item
    /// cannot (another id, another count, another kind or zone than the
    /// other files were read with): the patch is then given up.
    Into { places: Places, moved: bool },
}

impl Resolver<'_> {
    /// Registers the id of the `n`-th item of its kind kept so far, at the
    /// place [`Placing`] gives it; reports a duplicate one. Returns the
    /// node it names if the item is kept.
    fn define(
        &mut self,
        id: &Spanned<String>,
        span: Span,
        n: usize,
        kind: NodeKind,
    ) -> Option<NodeRef> {
        let Placing::Into { places, moved } = &mut self.placing else {
            let node = NodeRef::nth(kind, n as u32);
            return self
                .names
                .define(&mut self.report.diags, id, span, node)
                .then_some(node);
        };
        let place = match kind {
            NodeKind::Actor => places.actors.get(n).map(|a| NodeRef::Actor(*a)),
            NodeKind::Event => places.events.get(n).map(|e| NodeRef::Event(*e)),
            NodeKind::Statement => places.statements.get(n).map(|s| NodeRef::Statement(*s)),
        };
        match (place, self.names.ids.get(&id.value)) {
            (Some(place), Some((node, _))) if node == place => {
                // Where it is written now.
                self.names.ids.own.insert(id.value.clone(), (place, span));
                Some(place)
            }
            _ => {
                *moved = true;
                None
            }
        }
    }

    /// Records what other items are read with (an actor's kind, an event's
    /// zone) for the item at `index`: appended for a whole KB; for a
    /// patch, it must be what the item held before.
    fn record<T: PartialEq>(placing: &mut Placing, list: &mut Vec<T>, index: usize, value: T) {
        match placing {
            Placing::Append => list.push(value),
            Placing::Into { moved, .. } => {
                if list.get(index) != Some(&value) {
                    *moved = true;
                }
            }
        }
    }

    /// Reads items against the names defined so far.
    fn linker(&mut self) -> Linker<'_, '_> {
        Linker {
            names: &self.names,
            report: &mut self.report,
            zone: self.zone,
        }
    }
}

/// Reads an item's fields and resolves its references against [`Names`],
/// reporting into its own [`Report`]: phase 3 runs one per item, in
/// parallel.
struct Linker<'a, 'k> {
    names: &'a Names<'k>,
    report: &'a mut Report,
    zone: Zone,
}

/// Resolves the accepted items of one kind in parallel, keeping their
/// order, and appends what they report in that order.
fn link_all<A: Send, T: Send>(
    items: Vec<A>,
    names: &Names<'_>,
    zone: Zone,
    report: &mut Report,
    link: impl Fn(&mut Linker<'_, '_>, A) -> T + Sync,
) -> Vec<T> {
    let (out, reports): (Vec<T>, Vec<Report>) = items
        .into_par_iter()
        .with_min_len(256)
        .map(|item| {
            let mut own = Report::default();
            let mut linker = Linker {
                names,
                report: &mut own,
                zone,
            };
            (link(&mut linker, item), own)
        })
        .unzip();
    for r in reports {
        report.append(r);
    }
    out
}

/// About how many items phase 3 links between two frees of documents: enough for both cores to share, few enough that the
/// documents of one group are a small part of the KB.
const LINK_GROUP_ITEMS: usize = 16_384;

/// Consecutive runs of documents, each ended by the document that brings
/// it to `items` items or more (the last run may hold fewer).
fn groups(docs: &[(FileId, RawDoc)], items: usize) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let (mut start, mut held) = (0, 0);
    for (i, (_, doc)) in docs.iter().enumerate() {
        held += doc.actors.len() + doc.events.len() + doc.statements.len();
        if held >= items {
            runs.push(start..i + 1);
            (start, held) = (i + 1, 0);
        }
    }
    if start < docs.len() {
        runs.push(start..docs.len());
    }
    runs
}

/// Pairs the picks of document `doc` (next in `picks`, in item order) with
/// the items they name in `items`.
fn accepted_in<'a, R, K, X>(
    picks: &mut std::iter::Peekable<std::vec::IntoIter<Pick<K, X>>>,
    doc: usize,
    file: FileId,
    items: &'a mut [R],
    out: &mut Vec<Accepted<'a, R, K, X>>,
) {
    for (i, raw) in items.iter_mut().enumerate() {
        if let Some(p) = picks.next_if(|p| p.doc as usize == doc && p.item as usize == i) {
            out.push(Accepted {
                file,
                raw,
                kind: p.kind,
                extra: p.extra,
            });
        }
    }
}

/// Resolves parsed documents into a KB, reporting every problem found.
pub fn resolve(
    docs: &mut [(FileId, RawDoc)],
    settings: Settings,
    limit_span: Option<Span>,
) -> (Kb, Vec<Diagnostic>) {
    let (made, diags) = resolve_in_groups(
        docs,
        &settings,
        limit_span,
        LINK_GROUP_ITEMS,
        (Names::default(), Placing::Append),
    );
    let mut kb = Kb::assemble(
        made.actors,
        made.events,
        made.statements,
        settings,
        Kept::default(),
    );
    kb.named_by_left_out = made.named_by_left_out;
    (kb, diags)
}

/// Resolves the documents of changed files against the rest of a KB that
/// was resolved already (`seed`), as [`resolve`] would have resolved them
/// with the whole KB: the same items, references, dates and spans. `None`
/// when the change reaches beyond those files (an item added, removed or
/// renamed, an actor's kind or an event's zone changed: other files were
/// read with them) or when they have hard errors: then the whole KB must
/// be loaded again, which also reports the errors as a load does.
pub(crate) fn patch(
    docs: &mut [(FileId, RawDoc)],
    settings: &Settings,
    seed: Seed<'_>,
) -> Option<Patched> {
    let names = Names {
        ids: Ids {
            own: seed.ids,
            base: Some(seed.base),
        },
        actor_kinds: seed.actor_kinds,
        event_zones: seed.event_zones,
        ..Names::default()
    };
    let placing = Placing::Into {
        places: seed.places,
        moved: false,
    };
    let (made, diags) = resolve_in_groups(docs, settings, None, LINK_GROUP_ITEMS, (names, placing));
    let hard = diags.iter().any(|d| d.code.is_hard());
    (!made.moved && !hard).then_some(Patched {
        places: made.places,
        actors: made.actors,
        events: made.events,
        statements: made.statements,
        findings: diags,
    })
}

/// What resolving made: the items kept, in order.
struct Made {
    actors: Vec<Actor>,
    events: Vec<Event>,
    statements: Vec<Statement>,
    named_by_left_out: HashSet<NodeRef>,
    /// For a patch: the places given, and whether an item could not take
    /// its place.
    places: Places,
    moved: bool,
}

/// [`resolve`] and [`patch`], linking about `group_items` items between
/// two frees, from the names and placing given.
fn resolve_in_groups(
    docs: &mut [(FileId, RawDoc)],
    settings: &Settings,
    limit_span: Option<Span>,
    group_items: usize,
    (names, placing): (Names<'_>, Placing),
) -> (Made, Vec<Diagnostic>) {
    let mut r = Resolver {
        names,
        report: Report::default(),
        zone: settings.zone,
        placing,
    };
    let total: usize = docs
        .iter()
        .map(|(_, d)| d.actors.len() + d.events.len() + d.statements.len())
        .sum();
    // A patch keeps the count of items.
    let whole = matches!(r.placing, Placing::Append);
    if whole && total > settings.limits.max_items {
        if let Some(span) = limit_span {
            r.report.diags.push(
                Diagnostic::new(
                    Code::LimitExceeded,
                    span,
                    format!(
                        "the KB holds {total} items, more than the limit of {}",
                        settings.limits.max_items
                    ),
                )
                .with_help("raise `limits: Limits(max_items: …)` in annals.ron"),
            );
        }
        let made = Made {
            actors: vec![],
            events: vec![],
            statements: vec![],
            named_by_left_out: HashSet::new(),
            places: Places::default(),
            moved: false,
        };
        return (made, r.report.diags);
    }

    r.names.ids.own.reserve(total);
    // Items that did not load: their ids are known as broken, and what they
    // name counts as used, so their mistake is reported once.
    for (_, doc) in docs.iter() {
        for b in &doc.broken {
            if let Some(id) = &b.id {
                r.names.mark_broken(id);
            }
            r.names.named_by_broken.extend(b.names.iter().cloned());
        }
    }
    // Zones named by story files.
    for (file, doc) in docs.iter() {
        if let Some(tz) = &doc.time_zone {
            if let Some(zone) = r.linker().zone_setting(*file, tz) {
                r.names.file_zones.insert(*file, zone);
            }
        }
    }
    // Phase 1 and 2 for actors and events. Items are read in place, and
    // those kept are remembered by position, so that phase 3 can move text
    // out of the documents and free them as it goes.
    // Where each item is written: its file, its document's index and its
    // index in that document's list of its kind.
    let mut actors = Vec::new();
    let (mut raw_actors, mut raw_events) = (Vec::new(), Vec::new());
    for (d, (file, doc)) in docs.iter().enumerate() {
        let at = |i: usize| (d as u32, i as u32);
        raw_actors.extend(
            doc.actors
                .iter()
                .enumerate()
                .map(|(i, raw)| (*file, at(i), raw)),
        );
        raw_events.extend(
            doc.events
                .iter()
                .enumerate()
                .map(|(i, raw)| (*file, at(i), raw)),
        );
    }
    for (file, (doc, item), raw) in raw_actors {
        let span = Span::new(file, raw.id.range);
        r.linker().check_id(file, &raw.id);
        let kind = r.linker().word::<ActorKind>(file, &raw.kind);
        let node = kind.and_then(|_| r.define(&raw.id, span, actors.len(), NodeKind::Actor));
        match (kind, node) {
            (Some(kind), Some(node)) => {
                let kinds = &mut r.names.actor_kinds;
                Resolver::record(&mut r.placing, kinds, node.index(), kind);
                actors.push(Pick {
                    doc,
                    item,
                    kind,
                    extra: (),
                });
            }
            _ => {
                r.names.mark_broken(&raw.id.value);
                let named =
                    raw.part_of
                        .iter()
                        .chain(raw.roles.iter().filter_map(|r| match &r.value {
                            OrShort::Full(role) => Some(&role.of),
                            OrShort::Short(_) => None,
                        }));
                r.names
                    .named_by_broken
                    .extend(named.map(|n| n.value.clone()));
            }
        }
    }
    let mut events = Vec::new();
    for (file, (doc, item), raw) in raw_events {
        let span = Span::new(file, raw.id.range);
        r.linker().check_id(file, &raw.id);
        let kind = r.linker().word::<EventKind>(file, &raw.kind);
        let zone = raw
            .time_zone
            .as_ref()
            .and_then(|tz| r.linker().zone_setting(file, tz));
        let date = {
            let mut l = r.linker();
            let in_zone = zone.unwrap_or_else(|| l.file_zone(file));
            l.date_in(file, &raw.date, in_zone)
        };
        let node = match (kind, &date) {
            (Some(_), Some(_)) => r.define(&raw.id, span, events.len(), NodeKind::Event),
            _ => None,
        };
        match (kind, date, node) {
            (Some(kind), Some(date), Some(node)) => {
                let zones = &mut r.names.event_zones;
                Resolver::record(&mut r.placing, zones, node.index(), zone);
                events.push(Pick {
                    doc,
                    item,
                    kind,
                    extra: (date, zone),
                });
            }
            _ => {
                r.names.mark_broken(&raw.id.value);
                let named = raw
                    .participants
                    .iter()
                    .map(|p| p.actor())
                    .chain(&raw.part_of)
                    .chain(outlets(&raw.sources));
                r.names
                    .named_by_broken
                    .extend(named.map(|n| n.value.clone()));
            }
        }
    }
    // Statements: `by` is required, and actors are all known by now.
    // Their own fields are read in parallel; ids are defined in order. A
    // slice at a time, so that what is read of them is never held for the
    // whole KB beside its parsed documents.
    let event_zones = r.names.event_zones.iter().any(Option::is_some);
    let mut raw_statements = docs.iter().enumerate().flat_map(|(d, (file, doc))| {
        let at = move |i: usize| (d as u32, i as u32);
        doc.statements
            .iter()
            .enumerate()
            .map(move |(i, raw)| (*file, at(i), raw))
    });
    let count = docs.iter().map(|(_, doc)| doc.statements.len()).sum();
    let mut statements = Vec::with_capacity(count);
    let mut slice = Vec::with_capacity(LINK_GROUP_ITEMS.min(count));
    loop {
        slice.clear();
        slice.extend(raw_statements.by_ref().take(LINK_GROUP_ITEMS));
        if slice.is_empty() {
            break;
        }
        let fields = link_all(
            slice.iter().collect(),
            &r.names,
            r.zone,
            &mut r.report,
            |l, item| {
                let (file, raw) = (item.0, item.2);
                l.check_id(file, &raw.id);
                // Made at an event with a zone: read where it was made (no
                // lookup when no event names a zone).
                let event_zone = raw
                    .more()
                    .at
                    .as_ref()
                    .filter(|_| event_zones)
                    .and_then(|at| match l.names.ids.get(&at.value) {
                        Some((NodeRef::Event(e), _)) => l.names.event_zones[e.index()],
                        _ => None,
                    });
                let zone = event_zone.unwrap_or_else(|| l.file_zone(file));
                (
                    l.word::<StatementKind>(file, &raw.kind),
                    l.read_date(file, &raw.date, zone),
                )
            },
        );
        for (&(file, (doc, item), raw), (kind, date)) in slice.iter().zip(fields) {
            let span = Span::new(file, raw.id.range);
            // Every speaker must be known; the first is `by`.
            let none = raw.speakers().next().is_none();
            let mut by = None;
            let mut known = !none;
            for (i, id) in raw.speakers().enumerate() {
                match r.linker().reference(file, id, Want::Actor, "by") {
                    Some(NodeRef::Actor(a)) if i == 0 => by = Some(a),
                    Some(NodeRef::Actor(_)) => {}
                    _ => known = false,
                }
            }
            if none {
                r.report.diags.push(
                    Diagnostic::new(
                        Code::MissingField,
                        span,
                        format!("statement `{}` names no speaker", raw.id.value),
                    )
                    .label("`by: []` is empty")
                    .with_help("name who made it: `by: \"putin\"`, or the signatories of a joint statement: `by: [\"ukraine\", \"chile\"]`"),
                );
            }
            let by = by.filter(|_| known);
            let node = match (kind, &date, by) {
                (Some(_), Some(_), Some(_)) => {
                    r.define(&raw.id, span, statements.len(), NodeKind::Statement)
                }
                _ => None,
            };
            match (kind, date, by, node) {
                (Some(kind), Some(date), Some(by), Some(_)) => {
                    statements.push(Pick {
                        doc,
                        item,
                        kind,
                        extra: (date, by),
                    });
                }
                _ => {
                    r.names.mark_broken(&raw.id.value);
                    let named = raw
                        .speakers()
                        .chain(raw.more().on_behalf_of.as_ref())
                        .chain(raw.more().at.as_ref())
                        .chain(&raw.about)
                        .chain(outlets(&raw.sources));
                    r.names
                        .named_by_broken
                        .extend(named.map(|n| n.value.clone()));
                }
            }
        }
    }

    // Phase 3: everything else, in parallel: names are frozen now. The
    // documents are linked a group of files at a time, each group freed
    // before the next is linked, so the raw documents and the model they become are never both whole in memory.
    let (names, how) = (&r.names, r.zone);
    // The model's arrays are made at their size: grown by doubling, the
    // statement array (272 bytes an item) held up to twice what it needed,
    // and more while it was copied.
    let sizes = (actors.len(), events.len(), statements.len());
    let mut picks = (
        actors.into_iter().peekable(),
        events.into_iter().peekable(),
        statements.into_iter().peekable(),
    );
    let (mut actors, mut events, mut statements) = (
        Vec::with_capacity(sizes.0),
        Vec::with_capacity(sizes.1),
        Vec::with_capacity(sizes.2),
    );
    // One report per kind, appended in the order of a whole-KB pass.
    let mut reports = <[Report; 3]>::default();
    for group in groups(docs, group_items) {
        let (mut a, mut e, mut s) = (Vec::new(), Vec::new(), Vec::new());
        for (d, (file, doc)) in docs[group.clone()].iter_mut().enumerate() {
            let d = group.start + d;
            accepted_in(&mut picks.0, d, *file, &mut doc.actors, &mut a);
            accepted_in(&mut picks.1, d, *file, &mut doc.events, &mut e);
            accepted_in(&mut picks.2, d, *file, &mut doc.statements, &mut s);
        }
        let [ra, re, rs] = &mut reports;
        actors.extend(link_all(a, names, how, ra, |l, a| l.actor(a)));
        events.extend(link_all(e, names, how, re, |l, e| l.event(e)));
        statements.extend(link_all(s, names, how, rs, |l, s| l.statement(s)));
        for (_, doc) in &mut docs[group] {
            *doc = RawDoc::default();
        }
    }
    for report in reports {
        r.report.append(report);
    }
    let searches = &r.report.wanted[..r.report.wanted.len().min(MAX_SUGGESTION_SEARCHES)];
    if !searches.is_empty() {
        let known = names.known();
        let helps: Vec<Option<String>> = searches
            .par_iter()
            .map(|w| known.suggestion(&w.written, w.want))
            .collect();
        for (w, help) in searches.iter().zip(helps) {
            r.report.diags[w.diag].help = help;
        }
    }
    let named_by_left_out = names
        .named_by_broken
        .iter()
        .filter_map(|id| names.ids.get(id))
        .map(|(n, _)| n)
        .collect();
    // A patch must give every place it was given.
    let (places, moved) = match r.placing {
        Placing::Append => (Places::default(), false),
        Placing::Into { places, moved } => {
            let moved = moved
                || places.actors.len() != actors.len()
                || places.events.len() != events.len()
                || places.statements.len() != statements.len();
            (places, moved)
        }
    };
    let made = Made {
        actors,
        events,
        statements,
        named_by_left_out,
        places,
        moved,
    };
    (made, r.report.diags)
}

impl Names<'_> {
    /// Registers an id; reports a duplicate one. Returns whether the item is
    /// kept.
    fn define(
        &mut self,
        diags: &mut Vec<Diagnostic>,
        id: &Spanned<String>,
        span: Span,
        node: NodeRef,
    ) -> bool {
        // One probe: a million ids make each probe a cache miss.
        let (first, first_span) = match self.ids.own.entry(id.value.clone()) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((node, span));
                return true;
            }
            std::collections::hash_map::Entry::Occupied(defined) => *defined.get(),
        };
        let kind = first.kind();
        diags.push(
            Diagnostic::new(
                Code::DuplicateId,
                span,
                format!("duplicate id `{}`", id.value),
            )
            .label("defined again here")
            .with_secondary(
                first_span,
                format!("first defined here, as {}", kind.with_article()),
            )
            .with_help("ids are one namespace across the whole KB; give one of them another id"),
        );
        false
    }

    fn mark_broken(&mut self, id: &str) {
        if self.ids.get(id).is_none() {
            self.broken.insert(id.to_owned());
        }
    }

    /// Every id, in one buffer, for the "did you mean" searches.
    fn known(&self) -> Known {
        let mut known = Known {
            text: String::new(),
            ends: Vec::new(),
            kinds: Vec::new(),
        };
        self.ids.each(|id, node| {
            known.text.push_str(id);
            known.ends.push(known.text.len());
            let media = matches!(node, NodeRef::Actor(a)
                if self.actor_kinds[a.index()] == ActorKind::Media);
            known.kinds.push((node.kind(), media));
        });
        known
    }
}

/// Every id of the KB in one buffer, with the kind of item it names (and
/// whether an actor is a Media one): what the "did you mean" searches go
/// through. A walk of the id map reaches each id through a pointer of its
/// own, a cache miss each: 17 ms a search at 200,000 ids, where the buffer
/// is read in order.
struct Known {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
    kinds: Vec<(NodeKind, bool)>,
}

impl Known {
    /// The closest ids of the right kind to `written`, as a help line.
    fn suggestion(&self, written: &str, want: Want) -> Option<String> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        let candidates = starts
            .zip(&self.ends)
            .zip(&self.kinds)
            .filter(|(_, (kind, media))| {
                want.kind().is_none_or(|k| *kind == k) && (*media || !matches!(want, Want::Media))
            })
            .map(|((start, &end), _)| &self.text[start..end]);
        let mut found = suggest::closest(written, candidates);
        found.sort_unstable();
        suggest::did_you_mean(&found)
    }
}

/// A model list at its length: collected through a filter, a list grows
/// to room for four, and a KB holds millions of lists.
fn at_length<L: AtLength>(mut list: L) -> L {
    list.shrink_to_length();
    list
}

impl Linker<'_, '_> {
    fn span(file: FileId, s: &Spanned<impl Sized>) -> Span {
        Span::new(file, s.range)
    }

    /// Reports an id that is not lowercase kebab-case. Every item's id is
    /// checked, kept or not.
    fn check_id(&mut self, file: FileId, id: &Spanned<String>) {
        if let Some(problem) = id_problem(&id.value) {
            let help = suggest_id(&id.value).map(|s| format!("write `{s}`"));
            self.report.diags.push(
                Diagnostic::new(
                    Code::InvalidId,
                    Self::span(file, id),
                    format!("invalid id `{}`: {problem}", id.value),
                )
                .label("ids are lowercase kebab-case: a-z, 0-9 and single `-`")
                .with_help_opt(help),
            );
        }
    }

    /// Reads a vocabulary word (a kind or stance).
    fn word<V: Vocabulary>(&mut self, file: FileId, w: &Spanned<Word>) -> Option<V> {
        if let Some(v) = V::parse_word(&w.value.0) {
            return Some(v);
        }
        let names = V::all().iter().map(|v| v.word());
        let close = suggest::closest(&w.value.0, names.clone());
        let help = suggest::did_you_mean(&close)
            .or_else(|| {
                crate::model::by_meaning(V::what(), &w.value.0).map(|meant| {
                    format!(
                        "did you mean `{meant}`? it says the same; the {}s are: {}",
                        V::what(),
                        names.clone().collect::<Vec<_>>().join(", ")
                    )
                })
            })
            .unwrap_or_else(|| format!("one of: {}", names.collect::<Vec<_>>().join(", ")));
        self.report.diags.push(
            Diagnostic::new(
                Code::UnknownVariant,
                Self::span(file, w),
                format!("unknown {} `{}`", V::what(), w.value.0),
            )
            .with_help(help),
        );
        None
    }

    /// The zone of a file's dates: its own, else the KB's.
    fn file_zone(&self, file: FileId) -> Zone {
        self.names
            .file_zones
            .get(&file)
            .copied()
            .unwrap_or(self.zone)
    }

    /// Reads a `time_zone` field; a zone annals does not know is reported.
    fn zone_setting(&mut self, file: FileId, tz: &Spanned<String>) -> Option<Zone> {
        let zone = Zone::parse(&tz.value);
        if zone.is_none() {
            self.report.diags.push(
                Diagnostic::new(
                    Code::InvalidSetting,
                    Self::span(file, tz),
                    format!("`{}` is not a time zone annals knows", tz.value),
                )
                .label("not UTC, an offset or a tz database name")
                .with_help(Zone::help_for(&tz.value)),
            );
        }
        zone
    }

    /// Parses a date in its file's zone.
    fn date(&mut self, file: FileId, d: &Spanned<String>) -> Option<Date> {
        let zone = self.file_zone(file);
        self.date_in(file, d, zone)
    }

    /// Parses a date read in `zone`, pointing an error at the offending
    /// character.
    fn date_in(&mut self, file: FileId, d: &Spanned<String>, zone: Zone) -> Option<Date> {
        let reading = self.read_date(file, d, zone)?;
        Some(reading.with_text(d.value.as_str().into()))
    }

    /// What [`Linker::date_in`] reads, without the text: a statement's
    /// date is made once its text can be moved out of the document.
    fn read_date(&mut self, file: FileId, d: &Spanned<String>, zone: Zone) -> Option<Reading> {
        let span = Self::span(file, d);
        match Date::read(&d.value, zone) {
            Ok(date) => {
                if date.is_reversed() {
                    self.report.diags.push(
                        Diagnostic::new(
                            Code::ReversedInterval,
                            span,
                            format!("interval `{}` ends before it starts", d.value),
                        )
                        .label("end is earlier than start")
                        .with_help("swap the two dates"),
                    );
                    return None;
                }
                Some(date)
            }
            Err(e) => {
                // Without escapes the string's text is its value: point inside.
                let plain = d.range.len() == d.value.len() + 2;
                let at = if plain {
                    let start = d.range.start as usize + 1 + e.offset;
                    let len = d.value[e.offset..].chars().next().map_or(0, char::len_utf8);
                    Span::new(file, start..start + len.max(1))
                } else {
                    span
                };
                self.report.diags.push(
                    Diagnostic::new(
                        Code::InvalidDate,
                        at,
                        format!("invalid date `{}`: {}", d.value, e.message),
                    )
                    .label("here")
                    .with_secondary(span, "in this date")
                        .with_help("dates are EDTF: 2024, 2024-06, 2024-06-14, 2024-06-14T15:30+03:00, 2024-06-14?, 201X, 2024-06-15/2024-06-16, 2024-06-15/.., [2024-06-14,2024-06-15]; the README lists every form"),
                );
                None
            }
        }
    }

    fn optional_date(&mut self, file: FileId, d: &Option<Spanned<String>>) -> Option<Date> {
        d.as_ref().and_then(|d| self.date(file, d))
    }

    /// Resolves a reference, reporting unknown ids and wrong kinds.
    fn reference(
        &mut self,
        file: FileId,
        r: &Spanned<String>,
        want: Want,
        field: &str,
    ) -> Option<NodeRef> {
        let span = Self::span(file, r);
        let Some((node, def)) = self.names.ids.get(&r.value) else {
            if !self.names.broken.contains(&r.value) {
                self.report_wanting(
                    Diagnostic::new(
                        Code::UnknownReference,
                        span,
                        format!("unknown {} `{}`", want.noun(), r.value),
                    )
                    .label(format!("no {} has this id", want.noun())),
                    &r.value,
                    want,
                );
            }
            return None;
        };
        let actual = match node {
            NodeRef::Actor(a) => Some(self.names.actor_kinds[a.index()]),
            _ => None,
        };
        let fits = match want {
            Want::Any => true,
            Want::Actor => node.kind() == NodeKind::Actor,
            Want::Media => actual == Some(ActorKind::Media),
            Want::Event => node.kind() == NodeKind::Event,
            Want::Answerable => node.kind() != NodeKind::Actor,
        };
        if fits {
            return Some(node);
        }
        let is = match actual {
            Some(kind) => format!("an actor of kind {kind}"),
            None => node.kind().with_article().to_owned(),
        };
        self.report_wanting(
            Diagnostic::new(
                Code::WrongReferenceKind,
                span,
                format!(
                    "`{field}` must name {} {}, but `{}` is {is}",
                    article(want.noun()),
                    want.noun(),
                    r.value
                ),
            )
            .label(format!("this is {is}"))
            .with_secondary(def, format!("`{}` is defined here", r.value)),
            &r.value,
            want,
        );
        None
    }

    /// Reports a diagnostic that a "did you mean" would help.
    fn report_wanting(&mut self, diag: Diagnostic, written: &str, want: Want) {
        self.report.wanted.push(Wanted {
            diag: self.report.diags.len(),
            written: written.to_owned(),
            want,
        });
        self.report.diags.push(diag);
    }

    fn references(
        &mut self,
        file: FileId,
        refs: &[Spanned<String>],
        want: Want,
        field: &str,
    ) -> Vec<NodeRef> {
        refs.iter()
            .filter_map(|r| self.reference(file, r, want, field))
            .collect()
    }

    fn actor(&mut self, a: Accepted<'_, RawActor, ActorKind, ()>) -> Actor {
        let raw = a.raw;
        let part_of = raw
            .part_of
            .as_ref()
            .and_then(|p| self.reference(a.file, p, Want::Actor, "part_of"))
            .and_then(as_actor);
        let roles = raw
            .roles
            .iter()
            .filter_map(|r| self.role(a.file, r))
            .collect();
        Actor {
            id: std::mem::take(&mut raw.id.value),
            span: Self::span(a.file, &raw.id),
            name: std::mem::take(&mut raw.name),
            kind: a.kind,
            aliases: std::mem::take(&mut raw.aliases),
            part_of,
            roles,
            note: std::mem::take(&mut raw.note),
            short_name: std::mem::take(&mut raw.short_name),
        }
    }

    fn role(&mut self, file: FileId, located: &Located<OrShort<RawRole>>) -> Option<Role> {
        let span = Span::new(file, located.range);
        let raw = match &located.value {
            OrShort::Full(raw) => raw,
            OrShort::Short(written) => {
                self.report.diags.push(
                    Diagnostic::new(Code::WrongType, span, "a role is written `Role(title: …, of: …)`, not a bare string")
                        .with_help(format!("write `Role(title: \"…\", of: \"{}\", from: \"…\")`, e.g. `Role(title: \"Secretary General\", of: \"nato\", from: \"2014-10-01\")`", written.value)),
                );
                return None;
            }
        };
        let of = self
            .reference(file, &raw.of, Want::Actor, "of")
            .and_then(as_actor);
        let from = self.optional_date(file, &raw.from);
        let until = self.optional_date(file, &raw.until);
        let role = Role {
            title: raw.title.clone(),
            of: of?,
            from,
            until,
            span,
        };
        if role.bounds().end <= role.bounds().start {
            self.report.diags.push(
                Diagnostic::new(
                    Code::ReversedInterval,
                    span,
                    "the role ends before it starts",
                )
                .label("`until` is earlier than `from`")
                .with_help("swap `from` and `until`"),
            );
            return None;
        }
        Some(role)
    }

    fn event(&mut self, e: Accepted<'_, RawEvent, EventKind, (Date, Option<Zone>)>) -> Event {
        let raw = e.raw;
        let part_of = raw
            .part_of
            .as_ref()
            .and_then(|p| self.reference(e.file, p, Want::Event, "part_of"))
            .and_then(|n| match n {
                NodeRef::Event(x) => Some(x),
                _ => None,
            });
        let mut participants: Vec<Participant> = Vec::with_capacity(raw.participants.len());
        let mut first_at: Vec<Span> = Vec::new();
        for p in &raw.participants {
            let role = match &p.value {
                OrShort::Full(RawParticipant {
                    role: Some(word), ..
                }) => match self.word::<ParticipationRole>(e.file, word) {
                    Some(role) => role,
                    None => continue,
                },
                _ => ParticipationRole::Participant,
            };
            let Some(actor) = self
                .reference(e.file, p.actor(), Want::Actor, "participants")
                .and_then(as_actor)
            else {
                continue;
            };
            let span = Self::span(e.file, p.actor());
            if let Some(i) = participants.iter().position(|q| q.actor == actor) {
                self.report.diags.push(
                    Diagnostic::new(
                        Code::DuplicateEntry,
                        span,
                        format!(
                            "`{}` is named twice among the participants",
                            p.actor().value
                        ),
                    )
                    .label(format!("named again here, {}", role.words()))
                    .with_secondary(
                        first_at[i],
                        format!("first named here, {}", participants[i].role.words()),
                    )
                    .with_help(
                        "name each participant once, with the one role it had; the first is kept",
                    ),
                );
                continue;
            }
            participants.push(Participant { actor, role });
            first_at.push(span);
        }
        Event {
            id: std::mem::take(&mut raw.id.value),
            span: Self::span(e.file, &raw.id),
            name: std::mem::take(&mut raw.name),
            kind: e.kind,
            date: e.extra.0,
            time_zone: e.extra.1,
            date_span: Self::span(e.file, &raw.date),
            place: std::mem::take(&mut raw.place),
            participants,
            part_of,
            sources: self.sources(e.file, &mut raw.sources, Self::span(e.file, &raw.id)),
            topics: std::mem::take(&mut raw.topics),
            note: std::mem::take(&mut raw.note),
        }
    }

    /// Resolves sources; each is labelled at its outlet (or, without one, at
    /// its owner's id).
    fn sources(&mut self, file: FileId, sources: &mut [RawSource], owner: Span) -> Vec<Source> {
        sources
            .iter_mut()
            .map(|raw| self.source(file, raw, owner))
            .collect()
    }

    /// Resolves one source, labelled at its outlet or publisher (or at
    /// `owner`). URLs must be http(s), and an archived copy another URL.
    fn source(&mut self, file: FileId, raw: &mut RawSource, owner: Span) -> Source {
        let published = raw.outlet.as_ref().or(raw.publisher.as_deref());
        let span = published.map_or(owner, |o| Self::span(file, o));
        if let (Some(_), Some(p)) = (&raw.outlet, &raw.publisher) {
            self.report.diags.push(
                Diagnostic::new(
                    Code::DuplicateField,
                    Self::span(file, p),
                    "a source names both an `outlet` and a `publisher`",
                )
                .label("`publisher` is `outlet` for any actor")
                .with_help("keep one: `outlet` for a Media actor, `publisher` for any other"),
            );
        }
        let outlet = match (&raw.outlet, &raw.publisher) {
            (Some(o), _) => self.reference(file, o, Want::Media, "outlet"),
            (None, Some(p)) => self.reference(file, p, Want::Actor, "publisher"),
            (None, None) => None,
        }
        .and_then(as_actor);
        for u in raw
            .url
            .as_deref()
            .into_iter()
            .chain(raw.archived.as_deref())
        {
            if !(u.value.starts_with("https://") || u.value.starts_with("http://")) {
                self.report.diags.push(
                    Diagnostic::new(
                        Code::InvalidUrl,
                        Self::span(file, u),
                        format!("`{}` is not an http(s) URL", u.value),
                    )
                    .label("not http:// or https://")
                    .with_help("write the address a browser opens, from `https://`"),
                );
            }
        }
        if let (Some(u), Some(a)) = (&raw.url, &raw.archived) {
            if u.value == a.value {
                self.report.diags.push(
                    Diagnostic::new(
                        Code::InvalidUrl,
                        Self::span(file, a),
                        "the archived copy is the original URL",
                    )
                    .label("the same as `url`")
                    .with_secondary(Self::span(file, u), "the original")
                    .with_help("give the archive's address (`https://web.archive.org/web/…`)"),
                );
            }
        }
        Source {
            outlet,
            url: raw.url.take().map(|u| u.value.into_boxed_str()),
            archived: raw.archived.take().map(|u| u.value.into_boxed_str()),
            title: raw.title.take(),
            date: raw
                .date
                .as_deref()
                .and_then(|d| self.date(file, d))
                .map(Box::new),
            accessed: raw
                .accessed
                .as_deref()
                .and_then(|d| self.date(file, d))
                .map(Box::new),
            span,
        }
    }

    fn statement(
        &mut self,
        s: Accepted<'_, RawStatement, StatementKind, (Reading, ActorIx)>,
    ) -> Statement {
        let raw = s.raw;
        let (reading, by) = s.extra;
        let date = reading.with_text(std::mem::take(&mut raw.date.value).into_boxed_str());
        let file = s.file;
        // Without any of them, none is taken: nothing is allocated.
        let mut none = MoreFields::default();
        let more = raw.more.as_deref_mut().unwrap_or(&mut none);
        let on_behalf_of = more
            .on_behalf_of
            .as_ref()
            .and_then(|p| self.reference(file, p, Want::Actor, "on_behalf_of"))
            .and_then(as_actor);
        let at = more
            .at
            .as_ref()
            .and_then(|a| self.reference(file, a, Want::Event, "at"))
            .and_then(|n| match n {
                NodeRef::Event(x) => Some(x),
                _ => None,
            });
        // A quote's source: a position in `sources` (from 1) or the id of
        // one source's outlet or publisher.
        let published: Vec<Option<&str>> = raw
            .sources
            .iter()
            .map(|s| {
                s.outlet
                    .as_ref()
                    .or(s.publisher.as_deref())
                    .map(|o| o.value.as_str())
            })
            .collect();
        let mut unknown_sources = Vec::new();
        let quote_sources: Vec<Option<usize>> = more
            .quotes
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let found = match q.extra.as_ref()?.source.as_ref()? {
                    RawQuoteSource::Position(n) => (*n as usize)
                        .checked_sub(1)
                        .filter(|n| *n < published.len()),
                    RawQuoteSource::Outlet(id) => {
                        published.iter().position(|p| *p == Some(id.as_str()))
                    }
                };
                if found.is_none() {
                    unknown_sources.push((i, q.extra.as_ref().and_then(|e| e.source.clone())));
                }
                found
            })
            .collect();
        for (i, written) in unknown_sources {
            let written = match written {
                Some(RawQuoteSource::Position(n)) => format!("source {n}"),
                Some(RawQuoteSource::Outlet(id)) => format!("source `{id}`"),
                None => continue,
            };
            self.report.diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    Self::span(file, &raw.id),
                    format!(
                        "quote {} of `{}` is taken from {written}, which is not one of its {} sources",
                        i + 1,
                        raw.id.value,
                        published.len()
                    ),
                )
                .label("this statement's quote")
                .with_help("name a source by its position in `sources` (from 1) or by its outlet's id"),
            );
        }
        let quotes = more
            .quotes
            .iter_mut()
            .zip(quote_sources)
            .map(|(q, source)| {
                let original = q.extra.as_mut().and_then(|e| {
                    Some(Box::new(Original {
                        text: e.original.take()?,
                        lang: e.original_lang.take(),
                    }))
                });
                Quote {
                    text: std::mem::take(&mut q.text),
                    lang: q.lang.take(),
                    // Given with its original, a quote is a translation.
                    translated: q.translated || original.is_some(),
                    source: source.map(|i| i as u32),
                    original,
                }
            })
            .collect();
        let about = self.references(file, &raw.about, Want::Any, "about");
        let responses: Vec<Response> = raw
            .responds_to
            .iter()
            .filter_map(|r| {
                let stance = match &r.stance {
                    Some(w) => self.word::<Stance>(file, w)?,
                    None => Stance::Acknowledges,
                };
                let to = match self.reference(file, &r.to, Want::Answerable, "responds_to")? {
                    NodeRef::Statement(s) => Answered::Statement(s),
                    NodeRef::Event(e) => Answered::Event(e),
                    NodeRef::Actor(_) => return None,
                };
                Some(Response {
                    to,
                    stance,
                    span: Self::span(file, &r.to),
                })
            })
            .collect();
        let responds_to = self.distinct_responses(&raw.id.value, &raw.responds_to, responses);
        let signatories = match &raw.by {
            OneOrMany::One(_) => Vec::new(),
            OneOrMany::Many(list) => self.signatories(file, list),
        };
        let verdicts: ThinVec<Verdict> = more
            .verdicts
            .iter_mut()
            .filter_map(|v| {
                let rating = self.word::<Rating>(file, &v.rating);
                let by = self
                    .reference(file, &v.by, Want::Actor, "by")
                    .and_then(as_actor);
                let vdate = self.optional_date(file, &v.date);
                let span = Self::span(file, &v.by);
                let source = v.source.as_mut().map(|s| self.source(file, s, span));
                Some(Verdict {
                    by: by?,
                    date: vdate,
                    rating: rating?,
                    source,
                    note: v.note.take(),
                    span,
                })
            })
            .collect();
        let status = more.status.as_mut().and_then(|st| {
            let kind = self.word::<StatusKind>(file, &st.kind)?;
            Some(Box::new(Status {
                kind,
                date: self.optional_date(file, &st.date),
                note: st.note.take(),
                span: Self::span(file, &st.kind),
            }))
        });
        Statement {
            verdicts: at_length(verdicts),
            status,
            when: date.bounds(),
            signatories: signatories.into(),
            on_behalf_of,
            id: std::mem::take(&mut raw.id.value),
            span: Self::span(file, &raw.id),
            by,
            date,
            date_span: Self::span(file, &raw.date),
            at,
            kind: s.kind,
            title: more.title.take(),
            summary: std::mem::take(&mut raw.summary.value),
            summary_span: Self::span(file, &raw.summary),
            quotes,
            about: about.into(),
            topics: std::mem::take(&mut raw.topics),
            responds_to: responds_to.into(),
            sources: self
                .sources(file, &mut raw.sources, Self::span(file, &raw.id))
                .into(),
            note: more.note.take().map(String::from),
        }
    }
}

impl Linker<'_, '_> {
    /// The signatories of a joint statement (phase 2 knows every actor),
    /// with their dates; one named twice is reported and kept once.
    fn signatories(
        &mut self,
        file: FileId,
        list: &[Located<OrShort<RawSignatory>>],
    ) -> Vec<Signatory> {
        let mut out: Vec<Signatory> = Vec::with_capacity(list.len());
        for written in list {
            let span = Self::span(file, written.actor());
            let Some(NodeRef::Actor(actor)) =
                self.names.ids.get(&written.actor().value).map(|n| n.0)
            else {
                continue;
            };
            let (joined, withdrew) = match &written.value {
                OrShort::Full(s) => (
                    self.optional_date(file, &s.joined),
                    self.optional_date(file, &s.withdrew),
                ),
                OrShort::Short(_) => (None, None),
            };
            if let (Some(j), Some(w)) = (&joined, &withdrew) {
                if w.bounds().end <= j.bounds().start {
                    self.report.diags.push(
                        Diagnostic::new(
                            Code::ReversedInterval,
                            Span::new(file, written.range),
                            "the signatory withdrew before it joined",
                        )
                        .label("`withdrew` is earlier than `joined`")
                        .with_help("swap `joined` and `withdrew`"),
                    );
                }
            }
            if let Some(first) = out.iter().find(|s| s.actor == actor) {
                self.report.diags.push(
                    Diagnostic::new(
                        Code::DuplicateEntry,
                        span,
                        format!(
                            "`{}` is named twice among the speakers",
                            written.actor().value
                        ),
                    )
                    .label("named again here")
                    .with_secondary(first.span, "first named here")
                    .with_help("name each signatory once; the first is kept"),
                );
                continue;
            }
            out.push(Signatory {
                actor,
                joined,
                withdrew,
                span,
            });
        }
        out
    }

    /// Keeps the first response to each target; a target named again is a
    /// `duplicate-response` with every place it is named and the stances
    /// given there (they may contradict each other).
    fn distinct_responses(
        &mut self,
        id: &str,
        written: &[RawResponse],
        responses: Vec<Response>,
    ) -> Vec<Response> {
        let repeated = |(i, r): (usize, &Response)| responses[..i].iter().any(|k| k.to == r.to);
        if !responses.iter().enumerate().any(repeated) {
            return responses;
        }
        let mut kept: Vec<Response> = Vec::with_capacity(responses.len());
        let mut repeats: Vec<Vec<Response>> = Vec::new();
        for r in responses {
            match kept.iter().position(|k| k.to == r.to) {
                None => kept.push(r),
                Some(first) => match repeats.iter_mut().find(|g| g[0].to == r.to) {
                    Some(group) => group.push(r),
                    None => repeats.push(vec![kept[first], r]),
                },
            }
        }
        for group in repeats {
            let stances: Vec<String> = group.iter().map(|r| r.stance.to_string()).collect();
            let target = written
                .iter()
                .find(|w| {
                    (w.to.range.start, w.to.range.end) == (group[0].span.start, group[0].span.end)
                })
                .map_or("", |w| w.to.value.as_str());
            let mut d = Diagnostic::new(
                Code::DuplicateResponse,
                group[1].span,
                format!(
                    "statement `{id}` responds to `{target}` {} times ({})",
                    group.len(),
                    stances.join(", ")
                ),
            )
            .label(format!("named again here, {}", group[1].stance))
            .with_secondary(
                group[0].span,
                format!("first named here, {}", group[0].stance),
            );
            for r in &group[2..] {
                d = d.with_secondary(r.span, format!("named again here, {}", r.stance));
            }
            self.report.diags.push(d.with_help(
                "name each statement once, with the one stance this statement takes towards it",
            ));
        }
        kept
    }
}

fn outlets(sources: &[RawSource]) -> impl Iterator<Item = &Spanned<String>> {
    sources
        .iter()
        .filter_map(|s| s.outlet.as_ref().or(s.publisher.as_deref()))
}

fn as_actor(node: NodeRef) -> Option<ActorIx> {
    match node {
        NodeRef::Actor(a) => Some(a),
        _ => None,
    }
}

/// "a" or "an" before a noun.
fn article(noun: &str) -> &'static str {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use crate::model::Limits;
    use crate::source_map::SourceMap;
    use std::path::Path;

    /// Files whose items refer to each other across files, with mistakes
    /// in several of them: an unknown speaker (the statement is left out,
    /// before one that is kept),
    /// a duplicate id, unknown references, a response to a left-out item.
    const FILES: &[(&str, &str)] = &[
        (
            "actors.ron",
            r#"Kb(actors: [
                Actor(id: "putin", name: "Putin", kind: Person),
                Actor(id: "nato", name: "NATO", kind: Alliance),
                Actor(id: "mfa", name: "MFA", kind: Ministry, part_of: "ukrain"),
                Actor(id: "tass", name: "TASS", kind: Media),
            ])"#,
        ),
        (
            "a.ron",
            r#"Kb(events: [
                Event(id: "pc", name: "Press conference", kind: PressConference, date: "2024-06-14", participants: ["putin"]),
            ], statements: [
                Statement(id: "s2", by: "nobody", date: "2024-06-14", kind: Claim, summary: "Left out."),
                Statement(id: "s1", by: "putin", date: "2024-06-14", at: "pc", kind: Demand, summary: "Conditions.", sources: [Source(outlet: "tass")]),
            ])"#,
        ),
        (
            "b.ron",
            r#"Kb(statements: [
                Statement(id: "s3", by: "mfa", date: "2024-06-14", kind: Rejection, summary: "No.", responds_to: [Response(to: "s1", stance: Rejects), "s2"]),
                Statement(id: "s1", by: "nato", date: "2024-06-15", kind: Claim, summary: "Duplicate."),
            ])"#,
        ),
        (
            "c.ron",
            r#"Kb(statements: [
                Statement(id: "s4", by: "nato", date: "2024-06-15", kind: Rejection, summary: "Not in good faith.", responds_to: ["s1", "s3"], about: ["putn"], quotes: ["Not peace."]),
            ])"#,
        ),
    ];

    /// Resolves [`FILES`] linking `group_items` at a time: the KB as JSON,
    /// every finding, and how many statements each document still holds.
    fn resolved(group_items: usize) -> (String, String, Vec<usize>) {
        let mut sources = SourceMap::new();
        let mut docs = Vec::new();
        for (name, text) in FILES {
            let parsed: parse::ParsedFile<RawDoc> = parse::parse_bytes(
                Path::new(name),
                (*name).to_owned(),
                text.as_bytes().to_vec(),
                &Limits::default(),
            );
            assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
            let file = sources.add(parsed.name, &parsed.path, parsed.text);
            docs.push((file, parsed.value.unwrap()));
        }
        let names = (Names::default(), Placing::Append);
        let settings = Settings::default();
        let (made, diags) = resolve_in_groups(&mut docs, &settings, None, group_items, names);
        let kb = Kb::assemble(
            made.actors,
            made.events,
            made.statements,
            settings,
            Kept::default(),
        );
        let mut json = Vec::new();
        let records = crate::export::records(&kb, &crate::query::Filter::default());
        crate::export::json::write_json(&kb, &records, &mut json).unwrap();
        let held = docs.iter().map(|(_, d)| d.statements.len()).collect();
        (
            String::from_utf8(json).unwrap(),
            format!("{diags:#?}"),
            held,
        )
    }

    /// Phase 3 frees the documents a group of files at a time: the KB and
    /// every finding are the same whatever the groups.
    #[test]
    fn linking_a_group_of_files_at_a_time_changes_nothing() {
        let (json, findings, held) = resolved(usize::MAX);
        assert_eq!(held, [0, 0, 0, 0], "the documents are freed");
        for mistake in ["`nobody`", "duplicate id `s1`", "`putn`", "`ukrain`"] {
            assert!(findings.contains(mistake), "{mistake} not in {findings}");
        }
        for kept in ["Conditions.", "No.", "Not in good faith.", "Not peace."] {
            assert!(json.contains(kept), "{kept} not in {json}");
        }
        for left_out in ["Left out.", "Duplicate."] {
            assert!(!json.contains(left_out), "{left_out} in {json}");
        }
        for group_items in [1, 2, 3, 5, usize::MAX] {
            let (j, f, held) = resolved(group_items);
            assert_eq!(j, json, "groups of {group_items}");
            assert_eq!(f, findings, "groups of {group_items}");
            assert_eq!(held, [0, 0, 0, 0], "the documents are freed");
        }
        assert_eq!(groups_of(&[4, 3, 1, 1], 3), [0..1, 1..2, 2..4]);
        assert_eq!(groups_of(&[1, 1], 5), vec![0..2]);
        assert_eq!(groups_of(&[], 5), Vec::<std::ops::Range<usize>>::new());
    }

    /// [`groups`] of documents holding `sizes` statements.
    fn groups_of(sizes: &[usize], items: usize) -> Vec<std::ops::Range<usize>> {
        let docs: Vec<(FileId, RawDoc)> = sizes
            .iter()
            .map(|n| {
                let text =
                    "Statement(id: \"s\", by: \"a\", date: \"2024\", kind: Claim, summary: \"S\"),"
                        .repeat(*n);
                let parsed: parse::ParsedFile<RawDoc> = parse::parse_bytes(
                    Path::new("f.ron"),
                    "f.ron".to_owned(),
                    format!("Kb(statements: [{text}])").into_bytes(),
                    &Limits::default(),
                );
                (FileId(0), parsed.value.unwrap())
            })
            .collect();
        groups(&docs, items)
    }

    /// Phase 3 runs in parallel, yet "did you mean" goes to the same
    /// references every run: the first ones in file order, up to the limit.
    #[test]
    fn suggestions_go_to_the_first_references_in_order() {
        let n = MAX_SUGGESTION_SEARCHES + 50;
        let mut text = String::from(
            "Kb(actors: [Actor(id: \"putin\", name: \"Putin\", kind: Person)], statements: [",
        );
        for i in 0..n {
            text.push_str(&format!(
                "Statement(id: \"s{i}\", by: \"putin\", date: \"2024\", kind: Claim, \
                 summary: \"S\", about: [\"putn\"]),"
            ));
        }
        text.push_str("])");
        let loaded = Kb::load_files(&[("kb.ron", text.as_bytes())]);
        let unknown: Vec<&Diagnostic> = loaded
            .load_findings()
            .iter()
            .filter(|d| d.code == Code::UnknownReference)
            .collect();
        assert_eq!(unknown.len(), n);
        let helped: Vec<bool> = unknown.iter().map(|d| d.help.is_some()).collect();
        assert!(helped[..MAX_SUGGESTION_SEARCHES].iter().all(|h| *h));
        assert!(helped[MAX_SUGGESTION_SEARCHES..].iter().all(|h| !*h));
        assert_eq!(unknown[0].help.as_deref(), Some("did you mean `putin`?"));
    }

    /// A KB holds millions of lists: the model's hold no room beyond their
    /// items, those collected through a filter included.
    #[test]
    fn model_lists_hold_no_spare_room() {
        let text = r#"Kb(
            actors: [
                Actor(id: "a", name: "A", kind: Person),
                Actor(id: "b", name: "B", kind: Person),
                Actor(id: "m", name: "M", kind: Media),
            ],
            statements: [
                Statement(id: "s1", by: "a", date: "2024", kind: Claim, summary: "x", sources: [Source(outlet: "m")]),
                Statement(id: "s2", by: ["a", "b"], date: "2024", kind: Claim, summary: "y",
                    quotes: ["q"], about: ["a"], topics: ["t"], responds_to: ["s1"],
                    sources: [Source(outlet: "m")],
                    verdicts: [Verdict(by: "m", rating: False)]),
            ],
        )"#;
        let loaded = crate::Kb::load_files(&[("kb/a.ron", text.as_bytes())]);
        assert!(!loaded.has_errors(), "{:?}", loaded.findings);
        let s = loaded.kb.statement(StatementIx(1));
        let lists = [
            (s.signatories.len(), s.signatories.capacity()),
            (s.quotes.len(), s.quotes.capacity()),
            (s.about.len(), s.about.capacity()),
            (s.topics.len(), s.topics.capacity()),
            (s.responds_to.len(), s.responds_to.capacity()),
            (s.sources.len(), s.sources.capacity()),
            (s.verdicts.len(), s.verdicts.capacity()),
        ];
        assert_eq!(
            lists,
            [(2, 2), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1)]
        );
    }
}
