//! The loaded knowledge base: items with resolved references, the petgraph
//! graph of their links, and the indexes queries use (by date, by actor,
//! responses). Everything here is built once and read afterwards: the
//! time order at load, the graph and the indexes of ids, responses,
//! speakers and events when a query first asks for them.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::iter::ParallelIterator;
use rayon::slice::{ParallelSlice, ParallelSliceMut};
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::lists::{Filling, Lists};
use crate::model::Settings;
use crate::model::{
    Actor, ActorIx, Answered, Event, EventIx, NodeKind, NodeRef, ParticipationRole, Stance,
    Statement, StatementIx,
};
use crate::outline::{Outline, Sketch, Whole};
use crate::source_map::Span;

/// The kinds of link between nodes of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    /// statement → its speaker
    SaidBy,
    /// statement → the principal a spokesperson spoke for
    OnBehalfOf,
    /// statement → a fact-checker that judged it
    JudgedBy,
    /// statement → the event it was made at
    SaidAt,
    /// statement → the statement or event it answers
    RespondsTo(Stance),
    /// statement or event → a media actor that reported it
    ReportedBy,
    /// statement → an actor, event or statement it speaks of
    About,
    /// actor → actor, event → event
    PartOf,
    /// actor → event it took part in, or was invited to, declined, …
    ParticipantOf(ParticipationRole),
    /// person → institution, with the index of the role in the person's roles
    RoleOf(u32),
}

impl Link {
    /// The link as a verb phrase, for paths and exports ("responds to").
    pub fn as_str(self) -> &'static str {
        match self {
            Link::SaidBy => "said by",
            Link::OnBehalfOf => "on behalf of",
            Link::JudgedBy => "judged by",
            Link::SaidAt => "said at",
            Link::RespondsTo(_) => "responds to",
            Link::ReportedBy => "reported by",
            Link::About => "about",
            Link::PartOf => "part of",
            Link::ParticipantOf(role) => match role {
                ParticipationRole::Host => "host of",
                ParticipationRole::Participant => "participant of",
                ParticipationRole::Observer => "observer at",
                ParticipationRole::Invited => "invited to",
                ParticipationRole::Declined => "declined",
                ParticipationRole::NotInvited => "not invited to",
            },
            Link::RoleOf(_) => "role of",
        }
    }
}

/// A statement that answers another, seen from the answered one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Responder {
    pub from: StatementIx,
    pub stance: Stance,
}

/// A responds-to link, with what actor-level queries need of both ends,
/// kept in one flat list in the responders' time order so that
/// who-responded scans memory in sequence instead of chasing statements.
/// A link between joint statements is listed once per pair of speakers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseLink {
    /// The responding statement and its position in
    /// [`Kb::statements_in_order`].
    pub from: StatementIx,
    pub position: u32,
    /// The statement or event answered.
    pub to: Answered,
    /// A speaker of the response.
    pub by: ActorIx,
    /// Whom it answers: a speaker of the target statement, or the event.
    pub target: Party,
    pub stance: Stance,
    /// Whether either end is a joint statement (so who-responded need not
    /// look the statements up).
    pub joint: bool,
}

/// One side of an actor-level response: an actor, or an event answered as
/// a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    Actor(ActorIx),
    Event(EventIx),
}

impl Party {
    pub fn node(self) -> NodeRef {
        match self {
            Party::Actor(a) => NodeRef::Actor(a),
            Party::Event(e) => NodeRef::Event(e),
        }
    }
}

/// What an index needs of each statement, gathered in one pass in
/// storage order: an index built in time order would otherwise jump
/// across memory at every statement (and to each target's speakers);
/// these flat lists stay in the processor's caches. `each` pushes one
/// statement's list.
fn per_statement<T: Copy>(
    statements: &[Statement],
    each: impl Fn(&mut Lists<T>, &Statement),
) -> Lists<T> {
    let mut lists = Lists::default();
    for s in statements {
        each(&mut lists, s);
    }
    lists
}

/// What each statement answers, and how.
fn answers(statements: &[Statement]) -> Lists<(Answered, Stance)> {
    per_statement(statements, |l, s| {
        l.push(s.responds_to.iter().map(|r| (r.to, r.stance)));
    })
}

/// The statements that answer each statement, and each event as a whole,
/// in time order.
#[derive(Debug, Default)]
struct Responders {
    statements: Lists<Responder>,
    events: Lists<Responder>,
}

/// Every id of the KB: what it names and where it is defined (loading
/// builds it as it reads the files). FxHash: a million short ids hash
/// several times faster than with SipHash, and ids come from the KB's own
/// files, so flooding is not a concern for a tool that reads them whole.
pub type IdMap = HashMap<String, (NodeRef, Span), FxBuildHasher>;

/// The KB's items by id: a hash table of nodes, hashed by the id each
/// node's item holds, so that no id is held twice (a million ids as keys
/// of their own were ~100 MB, and a million allocations to read a KB back
/// from annals' cache).
#[derive(Debug, Default)]
pub(crate) struct IdIndex {
    nodes: hashbrown::HashTable<NodeRef>,
}

impl IdIndex {
    fn hash(id: &str) -> u64 {
        FxBuildHasher.hash_one(id)
    }

    /// Indexes every item; ids are unique among kept items.
    pub(crate) fn of(actors: &[Actor], events: &[Event], statements: &[Statement]) -> IdIndex {
        let mut table =
            hashbrown::HashTable::with_capacity(actors.len() + events.len() + statements.len());
        let id = |node| item_id(actors, events, statements, node).unwrap_or_default();
        for node in nodes(actors.len(), events.len(), statements.len()) {
            table.insert_unique(Self::hash(id(node)), node, |n| Self::hash(id(*n)));
        }
        IdIndex { nodes: table }
    }

    /// The node `id` names among the items this index was built of.
    pub(crate) fn get(
        &self,
        actors: &[Actor],
        events: &[Event],
        statements: &[Statement],
        id: &str,
    ) -> Option<NodeRef> {
        self.nodes
            .find(Self::hash(id), |n| {
                item_id(actors, events, statements, *n) == Some(id)
            })
            .copied()
    }
}

/// What a KB's indexes may start from instead of being built anew.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    /// The statements' time order as it was: annals' cache keeps it, and a
    /// load read again after an edit has the last one's. Used when it is
    /// still the order; sorted from there when a few statements moved.
    pub order: Option<Vec<StatementIx>>,
    /// The id index, when every item has the id and place it was built
    /// with (a patch that kept every item in its place).
    pub ids: Option<IdIndex>,
}

/// Every node of lists of these lengths: actors, then events, then
/// statements (the graph's order).
pub(crate) fn nodes(
    actors: usize,
    events: usize,
    statements: usize,
) -> impl Iterator<Item = NodeRef> {
    let ix = |i: usize| i as u32;
    (0..actors)
        .map(move |i| NodeRef::Actor(ActorIx(ix(i))))
        .chain((0..events).map(move |i| NodeRef::Event(EventIx(ix(i)))))
        .chain((0..statements).map(move |i| NodeRef::Statement(StatementIx(ix(i)))))
}

/// Where the id of the item `node` names among these items is written, if
/// it names one.
pub(crate) fn item_span(
    actors: &[Actor],
    events: &[Event],
    statements: &[Statement],
    node: NodeRef,
) -> Option<Span> {
    Some(match node {
        NodeRef::Actor(a) => actors.get(a.index())?.span,
        NodeRef::Event(e) => events.get(e.index())?.span,
        NodeRef::Statement(s) => statements.get(s.index())?.span,
    })
}

/// The id of the item `node` names among these items, if it names one.
pub(crate) fn item_id<'a>(
    actors: &'a [Actor],
    events: &'a [Event],
    statements: &'a [Statement],
    node: NodeRef,
) -> Option<&'a str> {
    Some(match node {
        NodeRef::Actor(a) => &actors.get(a.index())?.id,
        NodeRef::Event(e) => &events.get(e.index())?.id,
        NodeRef::Statement(s) => &statements.get(s.index())?.id,
    })
}

/// A loaded KB.
///
/// ```no_run
/// let loaded = annals::Kb::load(std::path::Path::new("kb")).unwrap();
/// assert!(!loaded.has_errors());
/// let kb = &loaded.kb;
/// let putin = kb.lookup("putin").unwrap();
/// println!("{} statements; putin is {:?}", kb.statements.len(), putin);
/// ```
#[derive(Debug, Default)]
pub struct Kb {
    pub actors: Vec<Actor>,
    pub events: Vec<Event>,
    pub statements: Vec<Statement>,
    pub settings: Settings,
    order: Vec<StatementIx>,
    // The indexes below are built when first asked for: a query needs one
    // or two of them (`stats` and a date range no id index, `check` none),
    // and at a million statements each is a pass over them all.
    ids: OnceLock<IdIndex>,
    /// Most queries never walk it, and at a million statements it is
    /// millions of edges.
    graph: OnceLock<DiGraph<NodeRef, Link>>,
    responders: OnceLock<Responders>,
    by_actor: OnceLock<Vec<Vec<StatementIx>>>,
    at_event: OnceLock<Vec<Vec<StatementIx>>>,
    links: OnceLock<Vec<ResponseLink>>,
    outline: OnceLock<Outline>,
    members: Vec<Vec<ActorIx>>,
    actors_by_id: Vec<ActorIx>,
    actor_rank: Vec<u32>,
    event_rank: Vec<u32>,
    events_by_id: Vec<EventIx>,
    sub_events: Vec<Vec<EventIx>>,
    /// Nodes named by items that were left out for errors: not "unused".
    pub(crate) named_by_left_out: std::collections::HashSet<NodeRef>,
}

impl Kb {
    /// Assembles a KB from resolved items (whose ids are unique) and builds
    /// the indexes (the graph when first asked for).
    pub(crate) fn assemble(
        actors: Vec<Actor>,
        events: Vec<Event>,
        statements: Vec<Statement>,
        settings: Settings,
        kept: Kept,
    ) -> Kb {
        // A statement made at an event narrower than its own date happened
        // within the event. Worked out from its own date each time: a
        // statement from annals' cache was narrowed already, and the event
        // may have changed since.
        let mut statements = statements;
        for s in &mut statements {
            s.when = s.date.bounds();
            if let Some(at) = s.at {
                let event = events[at.index()].date.bounds();
                if s.when.contains(&event) && s.when != event {
                    s.when = event;
                }
            }
        }
        let ids = kept.ids.map(OnceLock::from).unwrap_or_default();
        let mut kb = Kb {
            actors,
            events,
            statements,
            settings,
            ids,
            ..Kb::default()
        };
        kb.build_indexes(kept.order);
        kb
    }

    /// The items and settings, with what the indexes can be built again
    /// from (the time order, the id index); the rest let go.
    pub(crate) fn into_parts(self) -> (Vec<Actor>, Vec<Event>, Vec<Statement>, Settings, Kept) {
        let kept = Kept {
            order: Some(self.order),
            ids: self.ids.into_inner(),
        };
        (
            self.actors,
            self.events,
            self.statements,
            self.settings,
            kept,
        )
    }

    fn make_graph(&self) -> DiGraph<NodeRef, Link> {
        let n = self.actors.len() + self.events.len() + self.statements.len();
        // Counted first, so the edges are held once and at their size.
        let mut count = 0;
        self.each_link(|_, _, _| count += 1);
        let mut g = DiGraph::with_capacity(n, count);
        for node in nodes(self.actors.len(), self.events.len(), self.statements.len()) {
            g.add_node(node);
        }
        self.each_link(|from, to, link| {
            g.add_edge(self.node(from), self.node(to), link);
        });
        g
    }

    /// Every link of the KB, from, to and what it is, in the graph's edge
    /// order.
    fn each_link(&self, mut link: impl FnMut(NodeRef, NodeRef, Link)) {
        for (i, a) in self.actors.iter().enumerate() {
            let me = NodeRef::Actor(ActorIx(i as u32));
            if let Some(p) = a.part_of {
                link(me, NodeRef::Actor(p), Link::PartOf);
            }
            for (r, role) in a.roles.iter().enumerate() {
                link(me, NodeRef::Actor(role.of), Link::RoleOf(r as u32));
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            let me = NodeRef::Event(EventIx(i as u32));
            if let Some(p) = e.part_of {
                link(me, NodeRef::Event(p), Link::PartOf);
            }
            for p in &e.participants {
                link(NodeRef::Actor(p.actor), me, Link::ParticipantOf(p.role));
            }
            for s in &e.sources {
                if let Some(o) = s.outlet {
                    link(me, NodeRef::Actor(o), Link::ReportedBy);
                }
            }
        }
        for (i, s) in self.statements.iter().enumerate() {
            let me = NodeRef::Statement(StatementIx(i as u32));
            for speaker in s.speakers() {
                link(me, NodeRef::Actor(speaker), Link::SaidBy);
            }
            if let Some(p) = s.on_behalf_of {
                link(me, NodeRef::Actor(p), Link::OnBehalfOf);
            }
            for v in &s.verdicts {
                link(me, NodeRef::Actor(v.by), Link::JudgedBy);
                if let Some(o) = v.source.as_ref().and_then(|src| src.outlet) {
                    link(me, NodeRef::Actor(o), Link::ReportedBy);
                }
            }
            if let Some(at) = s.at {
                link(me, NodeRef::Event(at), Link::SaidAt);
            }
            for r in &s.responds_to {
                link(me, r.to.node(), Link::RespondsTo(r.stance));
            }
            for src in &s.sources {
                if let Some(o) = src.outlet {
                    link(me, NodeRef::Actor(o), Link::ReportedBy);
                }
            }
            for &about in &s.about {
                link(me, about, Link::About);
            }
        }
    }

    fn build_indexes(&mut self, order: Option<Vec<StatementIx>>) {
        let order = time_order(&self.statements, order);
        let mut actors_by_id: Vec<ActorIx> = (0..self.actors.len() as u32).map(ActorIx).collect();
        actors_by_id.sort_by(|a, b| self.actors[a.index()].id.cmp(&self.actors[b.index()].id));
        let mut actor_rank = vec![0; self.actors.len()];
        for (rank, a) in actors_by_id.iter().enumerate() {
            actor_rank[a.index()] = rank as u32;
        }
        let mut members = vec![Vec::new(); self.actors.len()];
        for (i, a) in self.actors.iter().enumerate() {
            if let Some(p) = a.part_of {
                members[p.index()].push(ActorIx(i as u32));
            }
        }
        let mut sub_events = vec![Vec::new(); self.events.len()];
        for (i, e) in self.events.iter().enumerate() {
            if let Some(p) = e.part_of {
                sub_events[p.index()].push(EventIx(i as u32));
            }
        }
        let mut events_by_id: Vec<EventIx> = (0..self.events.len() as u32).map(EventIx).collect();
        events_by_id.sort_by(|a, b| self.events[a.index()].id.cmp(&self.events[b.index()].id));
        let mut event_rank = vec![0; self.events.len()];
        for (rank, e) in events_by_id.iter().enumerate() {
            event_rank[e.index()] = rank as u32;
        }
        self.order = order;
        self.event_rank = event_rank;
        self.events_by_id = events_by_id;
        self.members = members;
        self.actors_by_id = actors_by_id;
        self.actor_rank = actor_rank;
        self.sub_events = sub_events;
    }

    /// The node an id names, if any.
    pub fn lookup(&self, id: &str) -> Option<NodeRef> {
        let (a, e, s) = (&self.actors, &self.events, &self.statements);
        let ids = self.ids.get_or_init(|| IdIndex::of(a, e, s));
        ids.get(a, e, s, id)
    }

    /// The statements that answer each statement and event.
    fn make_responders(&self) -> Responders {
        let answers = answers(&self.statements);
        let targets = || answers.values.iter().map(|&(to, _)| to);
        let statement = |to: Answered| to.statement().map(StatementIx::index);
        let event = |to: Answered| to.event().map(EventIx::index);
        let blank = Responder {
            from: StatementIx(0),
            stance: Stance::Supports,
        };
        // Sized in storage order, filled in the responders' time order.
        let n = (self.statements.len(), self.events.len());
        let mut statements = Filling::sized(n.0, targets().filter_map(statement), blank);
        let mut events = Filling::sized(n.1, targets().filter_map(event), blank);
        for &ix in &self.order {
            for &(to, stance) in answers.get(ix.index()) {
                let r = Responder { from: ix, stance };
                match to {
                    Answered::Statement(t) => statements.put(t.index(), r),
                    Answered::Event(e) => events.put(e.index(), r),
                }
            }
        }
        let (statements, events) = (statements.lists, events.lists);
        Responders { statements, events }
    }

    /// Each actor's statements in time order: those it spoke (alone or
    /// jointly) and those made on its behalf.
    fn make_by_actor(&self) -> Vec<Vec<StatementIx>> {
        let listed = per_statement(&self.statements, |l, s| {
            l.push(s.speakers().chain(s.on_behalf_of));
        });
        let mut by_actor = vec![Vec::new(); self.actors.len()];
        for &ix in &self.order {
            for &actor in listed.get(ix.index()) {
                let list: &mut Vec<StatementIx> = &mut by_actor[actor.index()];
                if list.last() != Some(&ix) {
                    list.push(ix);
                }
            }
        }
        by_actor
    }

    /// The statements made at each event, in time order.
    fn make_at_event(&self) -> Vec<Vec<StatementIx>> {
        let at: Vec<Option<EventIx>> = self.statements.iter().map(|s| s.at).collect();
        let mut at_event = vec![Vec::new(); self.events.len()];
        for &ix in &self.order {
            if let Some(e) = at[ix.index()] {
                at_event[e.index()].push(ix);
            }
        }
        at_event
    }

    /// Every responds-to link at actor level, in the responders' time
    /// order: one per credited actor of each side (a joint statement
    /// answers, and is answered, for each of its signatories; a
    /// spokesperson's for the principal).
    fn make_links(&self) -> Vec<ResponseLink> {
        let statements = &self.statements;
        let answers = answers(statements);
        let credited = per_statement(statements, |l, s| l.push(s.credited()));
        let joint: Vec<bool> = statements.iter().map(Statement::is_joint).collect();
        let mut links = Vec::new();
        for (position, &ix) in self.order.iter().enumerate() {
            let i = ix.index();
            for &(to, stance) in answers.get(i) {
                // (No list is collected per link: a million responses would
                // be a million allocations.)
                let target_statement = to.statement().map(StatementIx::index);
                let event = to.event().map(Party::Event);
                let joint = joint[i] || target_statement.is_some_and(|t| joint[t]);
                for &by in credited.get(i) {
                    let targets = target_statement
                        .into_iter()
                        .flat_map(|t| credited.get(t).iter().copied().map(Party::Actor))
                        .chain(event);
                    for target in targets {
                        links.push(ResponseLink {
                            from: ix,
                            position: position as u32,
                            to,
                            by,
                            target,
                            stance,
                            joint,
                        });
                    }
                }
            }
        }
        links
    }

    /// The node an id names and where it is defined (its id's span).
    pub fn lookup_span(&self, id: &str) -> Option<(NodeRef, Span)> {
        let node = self.lookup(id)?;
        let span = item_span(&self.actors, &self.events, &self.statements, node)?;
        Some((node, span))
    }

    /// Every id of one kind of node (all kinds for `None`), in the order
    /// of the KB's lists: for suggestions.
    pub fn ids_of(&self, kind: Option<NodeKind>) -> impl Iterator<Item = &str> {
        let wants = move |k| kind.is_none_or(|want| want == k);
        let actors = self.actors.iter().filter(move |_| wants(NodeKind::Actor));
        let events = self.events.iter().filter(move |_| wants(NodeKind::Event));
        let statements = self
            .statements
            .iter()
            .filter(move |_| wants(NodeKind::Statement));
        actors
            .map(|a| a.id.as_str())
            .chain(events.map(|e| e.id.as_str()))
            .chain(statements.map(|s| s.id.as_str()))
    }

    /// The id of a node.
    pub fn id_of(&self, node: NodeRef) -> &str {
        self.try_id_of(node).expect("a node of this KB")
    }

    /// Who made a statement, for labels: "Vladimir Putin"; of a joint
    /// statement the first `shown` names and how many more ("Ukraine,
    /// Chile + 78 more").
    pub fn speaker_names(&self, s: &Statement, shown: usize) -> String {
        let all = s.signatories.len().max(1);
        let names: Vec<&str> = s
            .speakers()
            .take(shown.max(1))
            .map(|a| self.actors[a.index()].name.as_str())
            .collect();
        let (list, more) = (names.join(", "), all - names.len());
        if more == 0 {
            list
        } else {
            format!("{list} + {more} more")
        }
    }

    /// Who made a statement, as a reporter writes it: the speaker with the
    /// role held on the statement's date, and the principal a spokesperson
    /// spoke for ("Dmitry Peskov, Press Secretary, for Vladimir Putin";
    /// "Jens Stoltenberg, Secretary General of NATO"). A joint statement
    /// gives its signatories as [`Kb::speaker_names`] does.
    pub fn attribution(&self, s: &Statement, shown: usize) -> String {
        let mut out = self.speaker_names(s, shown);
        if !s.is_joint() {
            if let Some(role) = self.actors[s.by.index()].role_on(&s.date) {
                out.push_str(", ");
                out.push_str(&role.title);
                if Some(role.of) != s.on_behalf_of {
                    out.push_str(" of ");
                    out.push_str(&self.actors[role.of.index()].name);
                }
            }
        }
        if let Some(p) = s.on_behalf_of {
            out.push_str(", for ");
            out.push_str(&self.actors[p.index()].name);
        }
        out
    }

    /// What a node is called: an actor's or event's name, a statement's
    /// summary.
    pub fn name_of(&self, node: NodeRef) -> &str {
        match node {
            NodeRef::Actor(a) => &self.actors[a.index()].name,
            NodeRef::Event(e) => &self.events[e.index()].name,
            NodeRef::Statement(s) => &self.statements[s.index()].summary,
        }
    }

    pub fn actor(&self, ix: ActorIx) -> &Actor {
        &self.actors[ix.index()]
    }

    pub fn event(&self, ix: EventIx) -> &Event {
        &self.events[ix.index()]
    }

    pub fn statement(&self, ix: StatementIx) -> &Statement {
        &self.statements[ix.index()]
    }

    /// The graph: one node per actor, event and statement, one edge per
    /// link (built on first use).
    pub fn graph(&self) -> &DiGraph<NodeRef, Link> {
        self.graph.get_or_init(|| self.make_graph())
    }

    /// The graph node of a KB node.
    pub fn node(&self, node: NodeRef) -> NodeIndex {
        let (a, e) = (self.actors.len(), self.events.len());
        NodeIndex::new(match node {
            NodeRef::Actor(x) => x.index(),
            NodeRef::Event(x) => a + x.index(),
            NodeRef::Statement(x) => a + e + x.index(),
        })
    }

    /// The statements' columns (built when first asked for).
    pub fn outline(&self) -> &Outline {
        self.outline.get_or_init(|| Outline::of(&self.statements))
    }

    /// The KB as the queries that count read it.
    pub fn sketch(&self) -> Sketch<'_> {
        Sketch::of(
            &self.actors,
            &self.events,
            self.outline(),
            &self.order,
            Whole::All(&self.statements),
        )
    }

    /// Every statement in the KB's total order: earliest instant, latest
    /// instant, id.
    pub fn statements_in_order(&self) -> &[StatementIx] {
        &self.order
    }

    /// The statements that answer `ix`, in time order.
    pub fn responders(&self, ix: StatementIx) -> &[Responder] {
        let all = self.responders.get_or_init(|| self.make_responders());
        all.statements.get(ix.index())
    }

    /// The statements that answer event `ix` as a whole, in time order.
    pub fn event_responders(&self, ix: EventIx) -> &[Responder] {
        let all = self.responders.get_or_init(|| self.make_responders());
        all.events.get(ix.index())
    }

    /// Every responds-to link, in the responders' time order.
    pub fn response_links(&self) -> &[ResponseLink] {
        self.links.get_or_init(|| self.make_links())
    }

    /// Every actor, sorted by id.
    pub fn actors_by_id(&self) -> &[ActorIx] {
        &self.actors_by_id
    }

    /// An actor's position in [`Kb::actors_by_id`]: comparing ranks compares
    /// ids.
    pub fn actor_rank(&self, actor: ActorIx) -> u32 {
        self.actor_rank[actor.index()]
    }

    /// A party's position when actors sort by id, then events by id:
    /// comparing ranks compares parties.
    pub fn party_rank(&self, party: Party) -> u32 {
        match party {
            Party::Actor(a) => self.actor_rank[a.index()],
            Party::Event(e) => self.actors.len() as u32 + self.event_rank[e.index()],
        }
    }

    /// The party of a [`Kb::party_rank`].
    pub fn party_of_rank(&self, rank: u32) -> Party {
        match rank.checked_sub(self.actors.len() as u32) {
            None => Party::Actor(self.actors_by_id[rank as usize]),
            Some(e) => Party::Event(self.events_by_id[e as usize]),
        }
    }

    /// The statements an actor made, in time order.
    pub fn statements_by(&self, actor: ActorIx) -> &[StatementIx] {
        &self.by_actor.get_or_init(|| self.make_by_actor())[actor.index()]
    }

    /// The statements made at an event (not its sub-events), in time order.
    pub fn statements_at(&self, event: EventIx) -> &[StatementIx] {
        &self.at_event.get_or_init(|| self.make_at_event())[event.index()]
    }

    /// The actors directly part of `actor`.
    pub fn members(&self, actor: ActorIx) -> &[ActorIx] {
        &self.members[actor.index()]
    }

    /// Whether an item left out of the KB for an error names `node`.
    pub fn is_named_by_left_out(&self, node: NodeRef) -> bool {
        self.named_by_left_out.contains(&node)
    }

    /// The id of a node, or `None` when no item has that index.
    pub(crate) fn try_id_of(&self, node: NodeRef) -> Option<&str> {
        item_id(&self.actors, &self.events, &self.statements, node)
    }

    /// Whether every item named in the KB was kept (no item was left out
    /// for an error).
    pub(crate) fn is_without_left_out(&self) -> bool {
        self.named_by_left_out.is_empty()
    }

    /// The events directly part of `event`.
    pub fn sub_events(&self, event: EventIx) -> &[EventIx] {
        &self.sub_events[event.index()]
    }

    /// Every topic an item of the KB has, sorted, each once.
    pub fn topics(&self) -> Vec<&str> {
        let mut topics: Vec<&str> = self
            .statements
            .iter()
            .flat_map(|s| &s.topics)
            .chain(self.events.iter().flat_map(|e| &e.topics))
            .map(String::as_str)
            .collect();
        topics.sort_unstable();
        topics.dedup();
        topics
    }
}

/// The statements' indexes in the KB's total order: earliest instant,
/// latest instant, id. `known` (an order a cache or the last load kept)
/// is used when it is that order, checked in one pass: a permutation, each
/// statement before the next; a permutation that is not is sorted from
/// where it is (an edit moved a few statements); anything else is thrown
/// away and the statements sorted.
fn time_order(statements: &[Statement], known: Option<Vec<StatementIx>>) -> Vec<StatementIx> {
    let before = |a: StatementIx, b: StatementIx| {
        let (sa, sb) = (&statements[a.index()], &statements[b.index()]);
        (sa.when.start, sa.when.end)
            .cmp(&(sb.when.start, sb.when.end))
            .then_with(|| sa.id.cmp(&sb.id))
    };
    if let Some(mut order) = known.filter(|o| o.len() == statements.len()) {
        let mut seen = vec![false; statements.len()];
        let permutation = order.iter().all(|ix| {
            seen.get_mut(ix.index())
                .is_some_and(|s| !std::mem::replace(s, true))
        });
        if permutation {
            if !order.par_windows(2).all(|w| before(w[0], w[1]).is_lt()) {
                // A few statements moved (an edit): they are taken out and
                // put back where they go, where sorting compares a million
                // statements again. The order is total, so the result is
                // the same.
                order = put_back(order, before);
            }
            return order;
        }
    }
    let mut order: Vec<StatementIx> = (0..statements.len() as u32).map(StatementIx).collect();
    // Ids are unique, so the order is total and an unstable sort is
    // deterministic.
    order.par_sort_unstable_by(|&a, &b| before(a, b));
    order
}

/// `order` sorted by `cmp` (a total order), when a few of its items are
/// out of place: one pass keeps a sorted run, setting aside both items of
/// each pair out of order (one of them is out of place, and the run stays
/// sorted whichever it is); the few set aside are sorted and each put back
/// where a binary search over the run finds its place. When many are out
/// of place, the whole is sorted, by a merge sort that finds its runs.
fn put_back<T: Copy>(order: Vec<T>, cmp: impl Fn(T, T) -> Ordering) -> Vec<T> {
    let mut run: Vec<T> = Vec::with_capacity(order.len());
    let mut aside = Vec::new();
    for &item in &order {
        match run.last() {
            Some(&last) if cmp(last, item).is_gt() => {
                run.pop();
                aside.extend([last, item]);
            }
            _ => run.push(item),
        }
        if aside.len() > order.len() / 16 + 16 {
            let mut order = order;
            order.sort_by(|&a, &b| cmp(a, b));
            return order;
        }
    }
    aside.sort_by(|&a, &b| cmp(a, b));
    let mut sorted = Vec::with_capacity(order.len());
    let mut rest = &run[..];
    for item in aside {
        let at = rest.partition_point(|&r| cmp(r, item).is_lt());
        sorted.extend_from_slice(&rest[..at]);
        sorted.push(item);
        rest = &rest[at..];
    }
    sorted.extend_from_slice(rest);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_out_of_place_are_put_back_where_a_sort_puts_them() {
        // Sorted lists with items moved, added at either end, or many
        // shuffled (sorted whole), against a sort.
        let sorted: Vec<u32> = (0..1000).collect();
        let mut cases: Vec<Vec<u32>> = vec![Vec::new(), vec![1, 0], sorted.clone()];
        for (from, to) in [(0, 999), (999, 0), (500, 3), (3, 500), (998, 999)] {
            let mut moved = sorted.clone();
            let item = moved.remove(from);
            moved.insert(to, item);
            cases.push(moved);
        }
        let mut several = sorted.clone();
        several.swap(10, 900);
        several.swap(400, 401);
        several.rotate_left(7);
        cases.push(several);
        // Pseudo-random: far more out of place than are put back one by one.
        cases.push((0..1000).map(|i| (i * 7919) % 1000).collect());
        for case in cases {
            let mut expected = case.clone();
            expected.sort();
            assert_eq!(
                put_back(case.clone(), |a, b| a.cmp(&b)),
                expected,
                "{case:?}"
            );
        }
    }

    /// The indexes as the plain reading of their definitions gives them,
    /// visiting statements in time order.
    fn plain_indexes(kb: &Kb) -> String {
        let mut out = String::new();
        let mut responders = vec![Vec::new(); kb.statements.len()];
        let mut event_responders = vec![Vec::new(); kb.events.len()];
        let mut by_actor = vec![Vec::new(); kb.actors.len()];
        let mut at_event = vec![Vec::new(); kb.events.len()];
        for (position, &ix) in kb.statements_in_order().iter().enumerate() {
            let s = kb.statement(ix);
            for a in s.speakers().chain(s.on_behalf_of) {
                if by_actor[a.index()].last() != Some(&ix) {
                    by_actor[a.index()].push(ix);
                }
            }
            if let Some(at) = s.at {
                at_event[at.index()].push(ix);
            }
            for r in &s.responds_to {
                let responder = Responder {
                    from: ix,
                    stance: r.stance,
                };
                let targets: Vec<Party> = match r.to {
                    Answered::Statement(t) => {
                        responders[t.index()].push(responder);
                        kb.statement(t).credited().map(Party::Actor).collect()
                    }
                    Answered::Event(e) => {
                        event_responders[e.index()].push(responder);
                        vec![Party::Event(e)]
                    }
                };
                let joint =
                    s.is_joint() || r.statement().is_some_and(|t| kb.statement(t).is_joint());
                for by in s.credited() {
                    for &target in &targets {
                        let link = (position, r.to, by, target, r.stance, joint);
                        out.push_str(&format!("link {link:?}\n"));
                    }
                }
            }
        }
        out.push_str(&format!("{responders:?}\n{event_responders:?}\n"));
        out.push_str(&format!("{by_actor:?}\n{at_event:?}\n"));
        out
    }

    /// The same, as the KB's indexes give them.
    fn indexes(kb: &Kb) -> String {
        let mut out = String::new();
        for l in kb.response_links() {
            let link = (l.position as usize, l.to, l.by, l.target, l.stance, l.joint);
            out.push_str(&format!("link {link:?}\n"));
        }
        let statements = (0..kb.statements.len() as u32).map(StatementIx);
        let responders: Vec<_> = statements.map(|s| kb.responders(s).to_vec()).collect();
        let events = || (0..kb.events.len() as u32).map(EventIx);
        let event_responders: Vec<_> = events().map(|e| kb.event_responders(e).to_vec()).collect();
        let actors = (0..kb.actors.len() as u32).map(ActorIx);
        let by_actor: Vec<_> = actors.map(|a| kb.statements_by(a).to_vec()).collect();
        let at_event: Vec<_> = events().map(|e| kb.statements_at(e).to_vec()).collect();
        out.push_str(&format!("{responders:?}\n{event_responders:?}\n"));
        out.push_str(&format!("{by_actor:?}\n{at_event:?}\n"));
        out
    }

    #[test]
    fn a_kept_time_order_gives_the_order_whatever_it_holds() {
        let kb = crate::Kb::load(std::path::Path::new("kb")).unwrap().kb;
        let right = kb.statements_in_order().to_vec();
        assert!(right.len() > 5);
        assert_eq!(time_order(&kb.statements, None), right);
        assert_eq!(time_order(&kb.statements, Some(right.clone())), right);
        let mut swapped = right.clone();
        swapped.swap(1, 2);
        let mut repeated = right.clone();
        repeated[1] = repeated[0];
        let mut beyond = right.clone();
        beyond[3] = StatementIx(u32::MAX);
        let reversed: Vec<_> = right.iter().rev().copied().collect();
        let short = right[1..].to_vec();
        // An edit that made the first statement the last.
        let mut moved = right.clone();
        moved.rotate_left(1);
        for wrong in [
            swapped,
            repeated,
            beyond,
            reversed,
            short,
            moved,
            Vec::new(),
        ] {
            assert_eq!(
                time_order(&kb.statements, Some(wrong.clone())),
                right,
                "{wrong:?}"
            );
        }
    }

    #[test]
    fn indexes_are_what_their_definitions_give() {
        let bundled = crate::Kb::load(std::path::Path::new("kb")).unwrap();
        assert!(bundled.kb.response_links().len() > 5);
        assert_eq!(indexes(&bundled.kb), plain_indexes(&bundled.kb));
        let dir = tempfile::tempdir().unwrap();
        let options = crate::synthetic::Options {
            statements: 3_000,
            seed: 7,
            faults: 0,
            tiny: false,
        };
        crate::synthetic::generate(&options, dir.path()).unwrap();
        let generated = crate::Kb::load(dir.path()).unwrap();
        assert!(generated.kb.response_links().len() > 1_000);
        assert_eq!(indexes(&generated.kb), plain_indexes(&generated.kb));
    }
}
