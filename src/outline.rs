//! What the queries that count and order statements read of each one, in
//! columns: its id, when it was said, its kind, whether it cites a source,
//! the actors it is credited to and the statements it answers. A twentieth
//! of the statements' size in memory, so that annals' cache can answer such a query
//! on a KB that did not change by reading the columns alone (see
//! [`crate::cache`]), and a query given a [`Sketch`] works the same on a
//! KB loaded from its files and on one read that way.

use std::collections::BTreeMap;
use std::io::{self, Read};

use crate::lists::Lists;
use crate::model::{Actor, ActorIx, Bounds, Event, NodeRef, Statement, StatementIx, StatementKind};

/// The statements' columns, indexed by [`StatementIx`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    ids: Lists<u8>,
    when: Vec<Bounds>,
    kind: Vec<StatementKind>,
    sourced: Vec<bool>,
    /// How many responds-to links each has, to statements and to events.
    responses: Vec<u32>,
    credited: Lists<ActorIx>,
    answers: Lists<StatementIx>,
}

/// Writes lists as two columns: their starts, then their values.
fn put_lists<T: Cell>(out: &mut Vec<u8>, lists: &Lists<T>) {
    put(out, &lists.starts);
    put(out, &lists.values);
}

/// Reads lists [`put_lists`] wrote.
fn read_lists<T: Cell>(input: &mut io::Take<impl Read>) -> io::Result<Lists<T>> {
    let starts = read(input)?;
    let values = read(input)?;
    Ok(Lists { starts, values })
}

/// A value of a column as annals' cache stores it: `SIZE` bytes, little
/// endian. Read back with [`read`], a column is one allocation of its
/// exact length and a pass over its bytes (postcard's variable-length
/// numbers, one at a time, took a sixth of a `stats` answered from the
/// cache).
trait Cell: Sized {
    const SIZE: usize;
    fn put(&self, out: &mut Vec<u8>);
    /// The value of these `SIZE` bytes, if they hold one.
    fn get(bytes: &[u8]) -> Option<Self>;
}

impl Cell for u8 {
    const SIZE: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn get(bytes: &[u8]) -> Option<u8> {
        bytes.first().copied()
    }
}

impl Cell for u32 {
    const SIZE: usize = 4;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_le_bytes());
    }
    fn get(bytes: &[u8]) -> Option<u32> {
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }
}

impl Cell for i64 {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_le_bytes());
    }
    fn get(bytes: &[u8]) -> Option<i64> {
        Some(i64::from_le_bytes(bytes.try_into().ok()?))
    }
}

impl Cell for bool {
    const SIZE: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn get(bytes: &[u8]) -> Option<bool> {
        match bytes.first()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Cell for StatementKind {
    const SIZE: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
    fn get(bytes: &[u8]) -> Option<StatementKind> {
        StatementKind::ALL.get(*bytes.first()? as usize).copied()
    }
}

impl Cell for ActorIx {
    const SIZE: usize = 4;
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
    }
    fn get(bytes: &[u8]) -> Option<ActorIx> {
        u32::get(bytes).map(ActorIx)
    }
}

impl Cell for StatementIx {
    const SIZE: usize = 4;
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
    }
    fn get(bytes: &[u8]) -> Option<StatementIx> {
        u32::get(bytes).map(StatementIx)
    }
}

impl Cell for Bounds {
    const SIZE: usize = 16;
    fn put(&self, out: &mut Vec<u8>) {
        self.start.put(out);
        self.end.put(out);
    }
    fn get(bytes: &[u8]) -> Option<Bounds> {
        let (start, end) = bytes.split_at_checked(8)?;
        Some(Bounds {
            start: i64::get(start)?,
            end: i64::get(end)?,
        })
    }
}

/// Writes a column: its length (u64 LE), then each value.
fn put<T: Cell>(out: &mut Vec<u8>, column: &[T]) {
    out.extend((column.len() as u64).to_le_bytes());
    out.reserve(column.len() * T::SIZE);
    for value in column {
        value.put(out);
    }
}

/// Reads a column that [`put`] wrote from `input`, a slice of bytes at
/// a time, straight into its array (the cache's bytes are not held): an
/// error of kind `InvalidData` when they do not hold one, `UnexpectedEof`
/// when its length is past the bytes left (before any memory is taken).
fn read<T: Cell>(input: &mut io::Take<impl Read>) -> io::Result<Vec<T>> {
    let mut len = [0; 8];
    input.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    let bytes = (len.checked_mul(T::SIZE as u64))
        .filter(|&bytes| bytes <= input.limit())
        .ok_or(io::ErrorKind::UnexpectedEof)?;
    let mut values = Vec::with_capacity(len as usize);
    let mut slice = vec![0; (1 << 16) / T::SIZE * T::SIZE];
    let mut left = bytes as usize;
    while left > 0 {
        let n = left.min(slice.len());
        input.read_exact(&mut slice[..n])?;
        for cell in slice[..n].chunks_exact(T::SIZE) {
            values.push(T::get(cell).ok_or(io::ErrorKind::InvalidData)?);
        }
        left -= n;
    }
    Ok(values)
}

impl Outline {
    /// The columns of `statements`.
    pub fn of(statements: &[Statement]) -> Outline {
        let n = statements.len();
        let id_bytes = statements.iter().map(|s| s.id.len()).sum();
        let mut o = Outline {
            ids: Lists::with_capacity(n, id_bytes),
            when: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            sourced: Vec::with_capacity(n),
            responses: Vec::with_capacity(n),
            credited: Lists::with_capacity(n, n),
            answers: Lists::with_capacity(n, n),
        };
        for s in statements {
            o.ids.push(s.id.bytes());
            o.when.push(s.when);
            o.kind.push(s.kind);
            o.sourced.push(!s.sources.is_empty());
            o.responses.push(s.responds_to.len() as u32);
            o.credited.push(s.credited());
            o.answers.push(s.statement_responses().map(|(to, _)| to));
        }
        o
    }

    /// Writes the columns for annals' cache.
    pub(crate) fn put(&self, out: &mut Vec<u8>) {
        put_lists(out, &self.ids);
        put(out, &self.when);
        put(out, &self.kind);
        put(out, &self.sourced);
        put(out, &self.responses);
        put_lists(out, &self.credited);
        put_lists(out, &self.answers);
    }

    /// Reads the columns [`Outline::put`] wrote from `input`: errors as
    /// [`read`]'s. Whether they are whole is [`Outline::is_whole`]'s.
    pub(crate) fn read(input: &mut io::Take<impl Read>) -> io::Result<Outline> {
        Ok(Outline {
            ids: read_lists(input)?,
            when: read(input)?,
            kind: read(input)?,
            sourced: read(input)?,
            responses: read(input)?,
            credited: read_lists(input)?,
            answers: read_lists(input)?,
        })
    }

    /// Whether its columns are whole and name only the `actors` actors and
    /// its own statements: what an outline read from a cache must be before
    /// it is used (its checksum holds against damage, this against a cache
    /// of another shape).
    pub(crate) fn is_whole(&self, actors: usize) -> bool {
        let n = self.when.len();
        self.ids.is_whole(n)
            && self.kind.len() == n
            && self.sourced.len() == n
            && self.responses.len() == n
            && self.credited.is_whole(n)
            && self.answers.is_whole(n)
            && std::str::from_utf8(&self.ids.values).is_ok_and(|all| {
                (self.ids.starts.iter()).all(|&at| all.is_char_boundary(at as usize))
            })
            && self.credited.values.iter().all(|a| a.index() < actors)
            && self.answers.values.iter().all(|s| s.index() < n)
    }

    /// How many statements.
    pub fn len(&self) -> usize {
        self.when.len()
    }

    pub fn is_empty(&self) -> bool {
        self.when.is_empty()
    }

    pub fn id(&self, s: StatementIx) -> &str {
        // Whole by construction, and checked in one read from a cache.
        std::str::from_utf8(self.ids.get(s.index())).unwrap_or_default()
    }

    /// When it was said (see [`Statement::when`]).
    pub fn when(&self, s: StatementIx) -> Bounds {
        self.when[s.index()]
    }

    pub fn kind(&self, s: StatementIx) -> StatementKind {
        self.kind[s.index()]
    }

    /// Whether it cites at least one source.
    pub fn is_sourced(&self, s: StatementIx) -> bool {
        self.sourced[s.index()]
    }

    /// How many responds-to links it has.
    pub fn responses(&self, s: StatementIx) -> usize {
        self.responses[s.index()] as usize
    }

    /// The actors it is credited to (see [`Statement::credited`]).
    pub fn credited(&self, s: StatementIx) -> &[ActorIx] {
        self.credited.get(s.index())
    }

    /// The statements it answers, one per link (see
    /// [`Statement::statement_responses`]).
    pub fn answers(&self, s: StatementIx) -> &[StatementIx] {
        self.answers.get(s.index())
    }

    /// Every statement's kind, in storage order.
    pub fn kinds(&self) -> &[StatementKind] {
        &self.kind
    }

    /// Every statement's [`Outline::when`], in storage order.
    pub fn whens(&self) -> &[Bounds] {
        &self.when
    }

    /// Every statement's count of responds-to links, in storage order.
    pub fn response_counts(&self) -> &[u32] {
        &self.responses
    }

    /// Every statement answered, once per link that answers it, in the
    /// answering statements' storage order.
    pub fn all_answers(&self) -> &[StatementIx] {
        &self.answers.values
    }
}

/// The statements a [`Sketch`] has whole: all of a loaded KB's, or those
/// read from a cache for what a query shows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Whole<'a> {
    All(&'a [Statement]),
    Part(&'a BTreeMap<StatementIx, Statement>),
}

/// A KB as queries that count read it: its actors and events, its
/// statements' columns and time order, and the statements a query shows.
#[derive(Debug, Clone, Copy)]
pub struct Sketch<'a> {
    pub actors: &'a [Actor],
    pub events: &'a [Event],
    pub statements: &'a Outline,
    order: &'a [StatementIx],
    whole: Whole<'a>,
}

impl<'a> Sketch<'a> {
    /// The sketch of these items; `order` is the statements' time order,
    /// `whole` the statements it has whole.
    pub(crate) fn of(
        actors: &'a [Actor],
        events: &'a [Event],
        outline: &'a Outline,
        order: &'a [StatementIx],
        whole: Whole<'a>,
    ) -> Sketch<'a> {
        Sketch {
            actors,
            events,
            statements: outline,
            order,
            whole,
        }
    }

    /// The statements in time order (see [`crate::Kb::statements_in_order`]).
    pub fn statements_in_order(&self) -> &'a [StatementIx] {
        self.order
    }

    pub fn actor(&self, a: ActorIx) -> &'a Actor {
        &self.actors[a.index()]
    }

    /// The statement `s` whole, when the sketch has it (a sketch read from
    /// a cache has those its query asked for).
    pub fn statement(&self, s: StatementIx) -> Option<&'a Statement> {
        match self.whole {
            Whole::All(all) => all.get(s.index()),
            Whole::Part(some) => some.get(&s),
        }
    }

    pub fn id_of(&self, node: NodeRef) -> &'a str {
        match node {
            NodeRef::Actor(a) => &self.actors[a.index()].id,
            NodeRef::Event(e) => &self.events[e.index()].id,
            NodeRef::Statement(s) => self.statements.id(s),
        }
    }

    /// An actor's or event's name, a statement's summary (empty for a
    /// statement the sketch does not have whole).
    pub fn name_of(&self, node: NodeRef) -> &'a str {
        match node {
            NodeRef::Actor(a) => &self.actors[a.index()].name,
            NodeRef::Event(e) => &self.events[e.index()].name,
            NodeRef::Statement(s) => self.statement(s).map_or("", |s| &s.summary),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kb;

    const KB: &str = r#"Kb(
    actors: [
        Actor(id: "a", name: "A", kind: State),
        Actor(id: "b", name: "B", kind: State),
        Actor(id: "p", name: "P", kind: Person),
    ],
    events: [Event(id: "e", name: "E", kind: Summit, date: "2024-06-15")],
    statements: [
        Statement(id: "joint", by: ["a", "b"], date: "2024", kind: Claim, summary: "J."),
        Statement(id: "reply", by: "p", on_behalf_of: "a", date: "2024-06-15", at: "e",
            kind: Rejection, summary: "R.", sources: [Source(url: "https://example.org/r")],
            responds_to: [
                Response(to: "joint", stance: Rejects),
                Response(to: "e", stance: Supports),
                Response(to: "other", stance: Disputes),
            ]),
        Statement(id: "other", by: "b", date: "2023", kind: Claim, summary: "O."),
    ],
)"#;

    fn kb() -> Kb {
        let loaded = Kb::load_files(&[("kb.ron", KB.as_bytes())]);
        assert!(!loaded.has_errors(), "{:?}", loaded.load_findings());
        loaded.kb
    }

    #[test]
    fn columns_hold_what_the_statements_say() {
        let kb = kb();
        let o = kb.outline();
        let [joint, reply] = [StatementIx(0), StatementIx(1)];
        assert_eq!(o.len(), 3);
        assert_eq!([o.id(joint), o.id(reply)], ["joint", "reply"]);
        let ix = |id: &str| match kb.lookup(id) {
            Some(NodeRef::Actor(a)) => a,
            other => panic!("{other:?}"),
        };
        // Joint statements are credited to every signatory, a spokesperson's
        // to its principal.
        assert_eq!(o.credited(joint), [ix("a"), ix("b")]);
        assert_eq!(o.credited(reply), [ix("a")]);
        assert_eq!(o.answers(joint), []);
        assert_eq!(o.answers(reply), [joint, StatementIx(2)]);
        assert_eq!([o.responses(joint), o.responses(reply)], [0, 3]);
        assert_eq!([o.is_sourced(joint), o.is_sourced(reply)], [false, true]);
        assert_eq!(o.kind(reply), StatementKind::Rejection);
        // Narrowed to the event's day, as the statement's `when` is.
        assert_eq!(o.when(reply), kb.statement(reply).when);
        assert!(o.is_whole(kb.actors.len()));
    }

    #[test]
    fn columns_that_name_what_is_not_there_are_not_whole() {
        let kb = kb();
        let whole = kb.outline().clone();
        let actors = kb.actors.len();
        type Damage = (&'static str, fn(&mut Outline));
        let damaged: [Damage; 7] = [
            ("a column short", |o| {
                o.kind.pop();
            }),
            ("an end past the items", |o| {
                *o.answers.starts.last_mut().unwrap() += 1
            }),
            ("ends out of order", |o| o.credited.starts[1] = 5),
            ("an unknown actor", |o| o.credited.values[0] = ActorIx(3)),
            ("an unknown statement", |o| {
                o.answers.values[0] = StatementIx(3)
            }),
            ("an id cut inside a letter", |o| {
                o.ids.values = "jointéxo".into();
                o.ids.starts = vec![0, 6, 8, 9];
            }),
            ("items past the last end", |o| o.ids.values.push(b'x')),
        ];
        for (what, damage) in damaged {
            let mut o = whole.clone();
            damage(&mut o);
            assert!(!o.is_whole(actors), "{what}");
        }
        assert!(whole.is_whole(actors));
        assert!(!whole.is_whole(1), "two actors are named");
        // Letters beyond ASCII, whole, are whole.
        let mut o = whole.clone();
        o.ids.values = "jointéxo".into();
        o.ids.starts = vec![0, 5, 8, 9];
        assert!(o.is_whole(actors));
        assert_eq!(o.id(StatementIx(1)), "éx");
    }

    #[test]
    fn columns_read_back_as_written_and_bad_bytes_are_refused() {
        let kb = kb();
        let o = kb.outline();
        let mut bytes = Vec::new();
        o.put(&mut bytes);
        let read = |b: &[u8]| Outline::read(&mut b.take(b.len() as u64));
        assert_eq!(read(&bytes).unwrap(), *o);
        // Slices of a column longer than the reading slice of 64 KiB.
        let many: Vec<Bounds> = (0..10_000)
            .map(|i| Bounds {
                start: -i,
                end: i64::MAX - i,
            })
            .collect();
        let mut column = Vec::new();
        put(&mut column, &many);
        let back: Vec<Bounds> = read_column(&column).unwrap();
        assert_eq!(back, many);
        // Cut anywhere: the bytes end early.
        for cut in 0..bytes.len() {
            let e = read(&bytes[..cut]).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
        }
        // A kind or a yes/no that is none, a length past the bytes.
        let kinds = [StatementKind::ALL.len() as u8];
        assert_eq!(
            read_column::<StatementKind>(&[&1u64.to_le_bytes()[..], &kinds].concat())
                .unwrap_err()
                .kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            read_column::<bool>(&[&1u64.to_le_bytes()[..], &[2]].concat())
                .unwrap_err()
                .kind(),
            io::ErrorKind::InvalidData
        );
        for len in [u64::MAX, u64::MAX / 4, 3] {
            let e = read_column::<u32>(&[&len.to_le_bytes()[..], &[0; 8]].concat()).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "{len}");
        }
    }

    /// A column read from `bytes`.
    fn read_column<T: Cell>(bytes: &[u8]) -> io::Result<Vec<T>> {
        read(&mut bytes.take(bytes.len() as u64))
    }

    #[test]
    fn a_sketch_names_what_it_has_whole() {
        let kb = kb();
        let sketch = kb.sketch();
        let reply = NodeRef::Statement(StatementIx(1));
        assert_eq!(sketch.id_of(reply), "reply");
        assert_eq!(sketch.name_of(reply), "R.");
        assert_eq!(sketch.statements_in_order(), kb.statements_in_order());
        let some = BTreeMap::from([(StatementIx(1), kb.statement(StatementIx(1)).clone())]);
        let part = Sketch::of(
            &kb.actors,
            &kb.events,
            kb.outline(),
            kb.statements_in_order(),
            Whole::Part(&some),
        );
        assert_eq!(part.name_of(reply), "R.");
        assert_eq!(part.id_of(NodeRef::Statement(StatementIx(0))), "joint");
        assert_eq!(part.name_of(NodeRef::Statement(StatementIx(0))), "");
        assert!(part.statement(StatementIx(0)).is_none());
    }
}
