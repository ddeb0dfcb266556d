//! JSON-LD export in the schema.org vocabulary, for fact-check pages and
//! RDF stores. One `@graph`; ids are IRIs made from a base (`--base-iri`,
//! default `urn:annals:`) and the KB id, so they are stable.
//!
//! | KB | schema.org |
//! |---|---|
//! | Person | `Person` |
//! | State | `Country` and `Organization` (a place, and a party that speaks and joins) |
//! | Government, Ministry | `GovernmentOrganization` |
//! | Media | `NewsMediaOrganization` |
//! | Organization, Alliance, Group | `Organization` |
//! | part_of | `parentOrganization` (`memberOf` for a person) |
//! | role | `affiliation` (a `Role` with `roleName`, `startDate`, `endDate`, `affiliation`; of a person in an organization) else `annals:role` (a `Role` with `annals:of`) |
//! | Event | `Event` with `startDate`, `endDate`, `location`, `superEvent`, `attendee` |
//! | Statement with quotes | `Quotation` (`text`: each quote in its language; `spokenByCharacter`: the speaker; `annals:quotes`, when there are several or one carries more than its words and language: the list of quotes, each with `text`, `annals:translated`, `annals:original`, `annals:source`) |
//! | Statement without quotes | `Claim` (`text`: the summary) |
//! | speaker(s), date, summary, title | `author` (a list for a joint statement), `dateCreated`, `description`, `headline` |
//! | an actor's short name | `annals:shortName` |
//! | about, topics | `about`, `keywords` |
//! | sources | `citation` (`subjectOf` for an event): `CreativeWork` with `publisher`, `url`, `name`, `datePublished`, `archivedAt`, `annals:accessed` |
//! | at | `annals:saidAt` |
//! | responds_to | `annals:respondsTo`: `{"annals:target": {"@id"}, "annals:stance": "Rejects"}` |
//! | date as written | `annals:date` |
//! | verdicts | `review`: `ClaimReview` with `author`, `reviewRating` (1 false … 5 true, `alternateName` the rating), `datePublished`, `url`, `reviewBody` |
//! | status | `annals:status`, `annals:statusDate` |
//!
//! `annals:` terms live in `<base>vocab#`; schema.org has no term for a
//! response and its stance. Dates are ISO 8601 as [`Date::iso8601`] gives
//! them: never moved to another day. Text with a language is a language-
//! tagged value where the tag is well-formed (BCP 47 syntax).
//!
//! The base must be an absolute IRI ([`check_base`]): a relative one would
//! be resolved against schema.org, the `@vocab`.

use serde_json::{json, Map, Value};

use super::Records;
use crate::kb::Kb;
use crate::model::{
    ActorIx, ActorKind, Date, EventIx, ParticipationRole, Quote, Source, StatementIx, Verdict,
};

/// The default base of ids.
pub const BASE: &str = "urn:annals:";

/// Whether `base` can start every id: an absolute IRI (a scheme such as
/// `https:` or `urn:`) without the characters IRIs forbid (RFC 3987:
/// spaces, controls, `<>"{}|\^` and backquote).
///
/// ```
/// use annals::export::jsonld::check_base;
/// assert!(check_base("https://example.org/kb/").is_ok());
/// assert!(check_base("http://x.org/a b/").is_err());
/// assert!(check_base("kb/").is_err());
/// ```
pub fn check_base(base: &str) -> Result<(), String> {
    let scheme = base.split_once(':').map_or("", |(s, _)| s);
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(format!(
            "the base IRI `{}` is not absolute: start it with a scheme, such as `https://example.org/kb/` or `urn:example:`",
            crate::escape::shown(base)
        ));
    }
    if let Some(c) = base
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || "<>\"{}|\\^`".contains(*c))
    {
        return Err(format!(
            "the base IRI `{}` holds {:?}, which an IRI cannot: percent-encode it ({})",
            crate::escape::shown(base),
            c,
            c.to_string()
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>()
        ));
    }
    Ok(())
}

/// Whether `tag` is a well-formed language tag (BCP 47's syntax, not its
/// registry): letters, then subtags of letters and digits.
fn language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (1..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A text in a language: a language-tagged JSON-LD value where the tag is
/// well-formed, else the plain text.
fn in_language(text: &str, lang: Option<&str>) -> Value {
    match lang {
        Some(l) if language_tag(l) => json!({ "@value": text, "@language": l }),
        _ => json!(text),
    }
}

/// Whether the actor is a schema.org `Organization` (a state is both a
/// `Country` and an `Organization`).
fn organization(kind: ActorKind) -> bool {
    kind != ActorKind::Person
}

fn iri(base: &str, id: &str) -> Value {
    json!({ "@id": format!("{base}{id}") })
}

/// A date as schema.org wants it (ISO 8601, [`Date::iso8601`]): where it
/// starts, never moved to another day; the written form is kept in
/// `annals:date`.
fn iso(d: &Date) -> Option<String> {
    d.iso8601(false)
}

/// Where a date ends, as [`iso`] gives its start.
fn end(d: &Date) -> Option<String> {
    d.iso8601(true)
}

fn citation(kb: &Kb, base: &str, s: &Source) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("CreativeWork"));
    if let Some(o) = s.outlet {
        m.insert("publisher".into(), iri(base, &kb.actor(o).id));
    }
    if let Some(u) = &s.url {
        m.insert("url".into(), json!(u));
    }
    if let Some(t) = &s.title {
        m.insert("name".into(), json!(t));
    }
    if let Some(d) = s.date.as_deref().and_then(iso) {
        m.insert("datePublished".into(), json!(d));
    }
    if let Some(a) = &s.archived {
        m.insert("archivedAt".into(), json!(a));
    }
    if let Some(d) = s.accessed.as_deref().and_then(iso) {
        m.insert("annals:accessed".into(), json!(d));
    }
    Value::Object(m)
}

/// Adds an item's sources under `key` (`citation` for a statement, a
/// creative work; `subjectOf` for an event), when it has any.
fn cite(kb: &Kb, base: &str, key: &str, sources: &[Source], m: &mut Map<String, Value>) {
    if !sources.is_empty() {
        let cited: Vec<Value> = sources.iter().map(|s| citation(kb, base, s)).collect();
        m.insert(key.into(), Value::Array(cited));
    }
}

/// Writes the JSON-LD document of the records, pretty-printed exactly as
/// `serde_json` would print the whole document, but one node at a time
/// (built and printed in parallel, written in order): a Value tree of a
/// 100,000-statement KB took 1.5 GB.
pub fn write(
    kb: &Kb,
    records: &Records,
    base: &str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let context = json!({ "@vocab": "https://schema.org/", "annals": format!("{base}vocab#") });
    out.write_all(b"{\n  \"@context\": ")?;
    write_indented(out, &context, "  ")?;
    out.write_all(b",\n  \"@graph\": ")?;
    let nodes = records.actors.len() + records.events.len() + records.statements.len();
    if nodes == 0 {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[\n")?;
        let mut first = true;
        write_nodes(&records.actors, |a| actor(kb, base, a), &mut first, out)?;
        write_nodes(&records.events, |e| event(kb, base, e), &mut first, out)?;
        write_nodes(
            &records.statements,
            |s| statement(kb, base, s),
            &mut first,
            out,
        )?;
        out.write_all(b"\n  ]")?;
    }
    out.write_all(b"\n}\n")
}

/// Writes the nodes of `items` as elements of the `@graph` array, each
/// after `,\n` but the very first (`first`), in order, as they are printed.
fn write_nodes<T: Sync>(
    items: &[T],
    node: impl Fn(&T) -> Value + Sync,
    first: &mut bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let print = |item: &T, text: &mut Vec<u8>| {
        text.extend_from_slice(b",\n    ");
        write_indented(text, &node(item), "    ")
    };
    super::print_in_parallel(items, print, |part| {
        // Every item is written after `,\n`; the first needs none.
        let skip = if std::mem::take(first) { 2 } else { 0 };
        out.write_all(&part[skip..])
    })
}

/// Pretty-prints `value` as it would appear nested at `indent`: every line
/// after the first is indented (JSON strings hold no raw newlines, so lines
/// are safe to indent).
fn write_indented(
    out: &mut dyn std::io::Write,
    value: &Value,
    indent: &str,
) -> std::io::Result<()> {
    let mut text = Vec::new();
    crate::escape::write_json(&mut text, value, true)?;
    let text = String::from_utf8(text).map_err(std::io::Error::other)?;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn actor(kb: &Kb, base: &str, a: &ActorIx) -> Value {
    let actor = kb.actor(*a);
    let ty = match actor.kind {
        ActorKind::Person => "Person",
        ActorKind::State => "Country", // and Organization, below
        ActorKind::Government | ActorKind::Ministry => "GovernmentOrganization",
        ActorKind::Media => "NewsMediaOrganization",
        ActorKind::Organization | ActorKind::Alliance | ActorKind::Group => "Organization",
    };
    let mut m = Map::new();
    m.insert("@id".into(), json!(format!("{base}{}", actor.id)));
    if actor.kind == ActorKind::State {
        m.insert("@type".into(), json!([ty, "Organization"]));
    } else {
        m.insert("@type".into(), json!(ty));
    }
    m.insert("name".into(), json!(actor.name));
    if !actor.aliases.is_empty() {
        m.insert("alternateName".into(), json!(actor.aliases));
    }
    let person = !organization(actor.kind);
    if let Some(p) = actor.part_of {
        let key = if person {
            "memberOf"
        } else {
            "parentOrganization"
        };
        m.insert(key.into(), iri(base, &kb.actor(p).id));
    }
    // schema.org's Role pattern: a person's `affiliation` is a Role whose
    // `affiliation` is the organization; other roles in annals' terms.
    let (mut schema_roles, mut other_roles) = (Vec::new(), Vec::new());
    for r in &actor.roles {
        let of = kb.actor(r.of);
        let fits = person && organization(of.kind);
        let mut role = Map::new();
        role.insert("@type".into(), json!("Role"));
        role.insert("roleName".into(), json!(r.title));
        let key = if fits { "affiliation" } else { "annals:of" };
        role.insert(key.into(), iri(base, &of.id));
        if let Some(d) = r.from.as_ref().and_then(iso) {
            role.insert("startDate".into(), json!(d));
        }
        if let Some(d) = r.until.as_ref().and_then(end) {
            role.insert("endDate".into(), json!(d));
        }
        if fits {
            schema_roles.push(Value::Object(role));
        } else {
            other_roles.push(Value::Object(role));
        }
    }
    if !schema_roles.is_empty() {
        m.insert("affiliation".into(), json!(schema_roles));
    }
    if !other_roles.is_empty() {
        m.insert("annals:role".into(), json!(other_roles));
    }
    if let Some(n) = &actor.note {
        m.insert("description".into(), json!(n));
    }
    if let Some(n) = &actor.short_name {
        m.insert("annals:shortName".into(), json!(n));
    }
    Value::Object(m)
}

fn event(kb: &Kb, base: &str, e: &EventIx) -> Value {
    let ev = kb.event(*e);
    let mut m = Map::new();
    m.insert("@id".into(), json!(format!("{base}{}", ev.id)));
    m.insert("@type".into(), json!("Event"));
    m.insert("name".into(), json!(ev.name));
    if let Some(d) = iso(&ev.date) {
        m.insert("startDate".into(), json!(d));
    }
    if let Some(d) = end(&ev.date) {
        m.insert("endDate".into(), json!(d));
    }
    m.insert("annals:date".into(), json!(ev.date.as_str()));
    if let Some(p) = &ev.place {
        m.insert("location".into(), json!({ "@type": "Place", "name": p }));
    }
    if let Some(p) = ev.part_of {
        m.insert("superEvent".into(), iri(base, &kb.event(p).id));
    }
    // Those who were there are schema.org attendees (hosts are organizers,
    // observers annals:observer too); the others carry their role in
    // annals' terms.
    for (key, role) in [
        ("organizer", Some(ParticipationRole::Host)),
        ("attendee", None),
        ("annals:observer", Some(ParticipationRole::Observer)),
        ("annals:invited", Some(ParticipationRole::Invited)),
        ("annals:declined", Some(ParticipationRole::Declined)),
        ("annals:notInvited", Some(ParticipationRole::NotInvited)),
    ] {
        let who: Vec<Value> = ev
            .participants
            .iter()
            .filter(|p| match role {
                None => p.role.attended(),
                Some(r) => p.role == r,
            })
            .map(|p| iri(base, &kb.actor(p.actor).id))
            .collect();
        if !who.is_empty() {
            m.insert(key.into(), json!(who));
        }
    }

    if !ev.topics.is_empty() {
        m.insert("keywords".into(), json!(ev.topics));
    }
    cite(kb, base, "subjectOf", &ev.sources, &mut m);
    if let Some(n) = &ev.note {
        m.insert("description".into(), json!(n));
    }
    Value::Object(m)
}

fn statement(kb: &Kb, base: &str, s: &StatementIx) -> Value {
    let st = kb.statement(*s);
    // One author, or the list of a joint statement's signatories.
    let authors: Vec<Value> = st.speakers().map(|a| iri(base, &kb.actor(a).id)).collect();
    let author = if authors.len() == 1 {
        authors[0].clone()
    } else {
        json!(authors)
    };
    let mut m = Map::new();
    m.insert("@id".into(), json!(format!("{base}{}", st.id)));
    if st.quotes.is_empty() {
        m.insert("@type".into(), json!("Claim"));
        m.insert("text".into(), json!(st.summary));
    } else {
        m.insert("@type".into(), json!("Quotation"));
        // Each quote in its language (an RDF store keeps them as a set), and
        // the quotes in order with all they carry.
        let texts: Vec<Value> = st
            .quotes
            .iter()
            .map(|q| in_language(&q.text, q.lang.as_deref()))
            .collect();
        m.insert("text".into(), json!(texts));
        m.insert("spokenByCharacter".into(), author.clone());
        let first = st.quotes[0].lang.as_deref();
        if first.is_some() && st.quotes.iter().all(|q| q.lang.as_deref() == first) {
            m.insert("inLanguage".into(), json!(first));
        }
        // `text` says all of one plain quote; order and the rest need the list.
        let plain = |q: &Quote| {
            !q.translated
                && q.original.is_none()
                && q.source.is_none()
                && q.lang.as_deref().is_none_or(language_tag)
        };
        if st.quotes.len() > 1 || !st.quotes.iter().all(plain) {
            let quotes: Vec<Value> = st.quotes.iter().map(quote).collect();
            m.insert("annals:quotes".into(), json!({ "@list": quotes }));
        }
    }
    m.insert("author".into(), author);
    if let Some(p) = st.on_behalf_of {
        m.insert("annals:onBehalfOf".into(), iri(base, &kb.actor(p).id));
    }
    if let Some(d) = iso(&st.date) {
        m.insert("dateCreated".into(), json!(d));
    }
    m.insert("annals:date".into(), json!(st.date.as_str()));
    m.insert("description".into(), json!(st.summary));
    if let Some(t) = &st.title {
        m.insert("headline".into(), json!(t));
    }
    m.insert("annals:kind".into(), json!(st.kind.as_str()));
    if !st.about.is_empty() {
        m.insert(
            "about".into(),
            json!(st
                .about
                .iter()
                .map(|n| iri(base, kb.id_of(*n)))
                .collect::<Vec<_>>()),
        );
    }
    if !st.topics.is_empty() {
        m.insert("keywords".into(), json!(st.topics));
    }
    if let Some(at) = st.at {
        m.insert("annals:saidAt".into(), iri(base, &kb.event(at).id));
    }
    if !st.responds_to.is_empty() {
        let responses: Vec<Value> = st
            .responds_to
            .iter()
            .map(|r| json!({ "annals:target": iri(base, kb.id_of(r.to.node())), "annals:stance": r.stance.as_str() }))
            .collect();
        m.insert("annals:respondsTo".into(), json!(responses));
    }
    cite(kb, base, "citation", &st.sources, &mut m);
    if !st.verdicts.is_empty() {
        let own = json!({ "@id": format!("{base}{}", st.id) });
        let reviews: Vec<Value> = st
            .verdicts
            .iter()
            .map(|v| claim_review(kb, base, v, &own))
            .collect();
        m.insert("review".into(), json!(reviews));
    }
    if let Some(status) = &st.status {
        m.insert("annals:status".into(), json!(status.kind.as_str()));
        if let Some(d) = status.date.as_ref().and_then(iso) {
            m.insert("annals:statusDate".into(), json!(d));
        }
    }
    if let Some(n) = &st.note {
        m.insert("annals:note".into(), json!(n));
    }
    Value::Object(m)
}

/// One quote, as a blank node of the `annals:quotes` list.
fn quote(q: &Quote) -> Value {
    let mut m = Map::new();
    m.insert("text".into(), in_language(&q.text, q.lang.as_deref()));
    if let Some(l) = q.lang.as_deref().filter(|l| !language_tag(l)) {
        m.insert("annals:lang".into(), json!(l));
    }
    m.insert("annals:translated".into(), json!(q.translated));
    if let Some(o) = &q.original {
        m.insert(
            "annals:original".into(),
            in_language(&o.text, o.lang.as_deref()),
        );
        if let Some(l) = o.lang.as_deref().filter(|l| !language_tag(l)) {
            m.insert("annals:originalLang".into(), json!(l));
        }
    }
    if let Some(n) = q.source {
        // The position (from 1) in the statement's `citation` list.
        m.insert("annals:source".into(), json!(n + 1));
    }
    Value::Object(m)
}

/// A verdict as a schema.org `ClaimReview` of the statement: the rating on
/// schema.org's 1 (false) to 5 (true) scale with its name, or only the
/// name for `Unproven`.
fn claim_review(kb: &Kb, base: &str, v: &Verdict, reviewed: &Value) -> Value {
    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    rating.insert("alternateName".into(), json!(v.rating.as_str()));
    if let Some(value) = v.rating.value() {
        rating.insert("ratingValue".into(), json!(value));
        rating.insert("bestRating".into(), json!(5));
        rating.insert("worstRating".into(), json!(1));
    }
    let mut m = Map::new();
    m.insert("@type".into(), json!("ClaimReview"));
    m.insert("itemReviewed".into(), reviewed.clone());
    m.insert("author".into(), iri(base, &kb.actor(v.by).id));
    m.insert("reviewRating".into(), Value::Object(rating));
    if let Some(d) = v.date.as_ref().and_then(iso) {
        m.insert("datePublished".into(), json!(d));
    }
    if let Some(url) = v.source.as_ref().and_then(|s| s.url.as_ref()) {
        m.insert("url".into(), json!(url));
    }
    if let Some(n) = &v.note {
        m.insert("reviewBody".into(), json!(n));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Filter;

    /// Streaming prints byte for byte what printing the whole document
    /// would, empty or not.
    #[test]
    fn streamed_output_is_the_pretty_printed_document() {
        let text = r#"Kb(
            actors: [Actor(id: "a", name: "A \"quoted\"", kind: Person, aliases: ["x"])],
            events: [Event(id: "e", name: "E", kind: Summit, date: "2024-06-15/2024-06-16")],
            statements: [
                Statement(id: "s", by: "a", date: "2024-06-15", at: "e", kind: Claim, summary: "S\nline", quotes: ["q"]),
                Statement(id: "t", by: "a", date: "2024-06-16", kind: Claim, summary: "T", responds_to: [Response(to: "s", stance: Rejects)]),
            ],
        )"#;
        let loaded = Kb::load_files(&[("kb.ron", text.as_bytes())]);
        assert!(!loaded.has_errors());
        let kb = loaded.kb;
        for filter in [
            Filter::default(),
            Filter {
                from: Some(0),
                to: Some(1),
                ..Filter::default()
            },
        ] {
            let records = crate::export::records(&kb, &filter);
            let mut streamed = Vec::new();
            write(&kb, &records, BASE, &mut streamed).expect("writes to memory");
            let graph: Vec<Value> = records
                .actors
                .iter()
                .map(|a| actor(&kb, BASE, a))
                .chain(records.events.iter().map(|e| event(&kb, BASE, e)))
                .chain(records.statements.iter().map(|s| statement(&kb, BASE, s)))
                .collect();
            assert_eq!(graph.len(), if filter.from.is_some() { 0 } else { 4 });
            let whole = json!({
                "@context": { "@vocab": "https://schema.org/", "annals": format!("{BASE}vocab#") },
                "@graph": graph,
            });
            let expected = serde_json::to_string_pretty(&whole).expect("prints") + "\n";
            assert_eq!(String::from_utf8(streamed).expect("UTF-8"), expected);
        }
    }
}
