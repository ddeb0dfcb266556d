//! CSV export: a folder of tables, RFC 4180, UTF-8, formula-neutralised
//! cells (see `escape::csv_cell`), ready for `COPY`, `read_csv` and
//! spreadsheets. Lists inside a cell (aliases, topics) are joined with
//! ` | `; everything else that is a list is a table of its own.
//!
//! | table | columns |
//! |---|---|
//! | `actors.csv` | id, name, kind, aliases, part_of, note |
//! | `roles.csv` | actor, title, of, from, until |
//! | `events.csv` | id, name, kind, date, earliest, latest, place, part_of, topics, note |
//! | `participants.csv` | event, actor, role (`Host`, `Participant`, `Observer`, `Invited`, `Declined`, `NotInvited`) |
//! | `statements.csv` | id, by (the first speaker), date, earliest, latest, at, kind, summary, topics, note, on_behalf_of, status, status_date |
//! | `speakers.csv` | statement, actor, joined, withdrew (every speaker of every statement) |
//! | `verdicts.csv` | statement, position, by, date, rating, url, note |
//! | `quotes.csv` | statement, position, text, lang, translated, source_position (in sources.csv), original, original_lang |
//! | `about.csv` | statement, about, about_type |
//! | `responses.csv` | from, to, stance, to_type (`statement` or `event`) |
//! | `sources.csv` | item, item_type, position, outlet (the publisher), url, title, date, archived, accessed |

use super::Records;
use crate::escape::csv_cell;
use crate::kb::Kb;
use crate::model::{Date, Source};
use crate::records::DateView;

/// One table: a file name and its CSV text.
pub type Table = (&'static str, String);

fn row(cells: &[&str]) -> String {
    cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",")
        + "\r\n"
}

fn bounds(d: &Date) -> (String, String) {
    let v = DateView::of(d);
    (v.earliest.unwrap_or_default(), v.latest.unwrap_or_default())
}

/// Every table of the records.
pub fn tables(kb: &Kb, records: &Records) -> Vec<Table> {
    let mut actors = row(&["id", "name", "kind", "aliases", "part_of", "note"]);
    let mut roles = row(&["actor", "title", "of", "from", "until"]);
    for a in &records.actors {
        let actor = kb.actor(*a);
        let part_of = actor.part_of.map(|p| kb.actor(p).id.as_str()).unwrap_or("");
        actors += &row(&[
            &actor.id,
            &actor.name,
            actor.kind.as_str(),
            &actor.aliases.join(" | "),
            part_of,
            actor.note.as_deref().unwrap_or(""),
        ]);
        for r in &actor.roles {
            let from = r.from.as_ref().map(Date::as_str).unwrap_or("");
            let until = r.until.as_ref().map(Date::as_str).unwrap_or("");
            roles += &row(&[&actor.id, &r.title, &kb.actor(r.of).id, from, until]);
        }
    }
    let mut events = row(&[
        "id", "name", "kind", "date", "earliest", "latest", "place", "part_of", "topics", "note",
    ]);
    let mut participants = row(&["event", "actor", "role"]);
    let mut sources = row(&[
        "item",
        "item_type",
        "position",
        "outlet",
        "url",
        "title",
        "date",
        "archived",
        "accessed",
    ]);
    let source_rows = |item: &str, kind: &str, list: &[Source], out: &mut String| {
        for (i, s) in list.iter().enumerate() {
            let outlet = s.outlet.map(|o| kb.actor(o).id.as_str()).unwrap_or("");
            let date = s.date.as_ref().map(Date::as_str).unwrap_or("");
            *out += &row(&[
                item,
                kind,
                &(i + 1).to_string(),
                outlet,
                s.url.as_deref().unwrap_or(""),
                s.title.as_deref().unwrap_or(""),
                date,
                s.archived.as_deref().unwrap_or(""),
                s.accessed.as_deref().map_or("", Date::as_str),
            ]);
        }
    };
    for e in &records.events {
        let ev = kb.event(*e);
        let (earliest, latest) = bounds(&ev.date);
        let part_of = ev.part_of.map(|p| kb.event(p).id.as_str()).unwrap_or("");
        events += &row(&[
            &ev.id,
            &ev.name,
            ev.kind.as_str(),
            ev.date.as_str(),
            &earliest,
            &latest,
            ev.place.as_deref().unwrap_or(""),
            part_of,
            &ev.topics.join(" | "),
            ev.note.as_deref().unwrap_or(""),
        ]);
        for p in &ev.participants {
            participants += &row(&[&ev.id, &kb.actor(p.actor).id, p.role.as_str()]);
        }
        source_rows(&ev.id, "event", &ev.sources, &mut sources);
    }
    let mut statements = row(&[
        "id",
        "by",
        "date",
        "earliest",
        "latest",
        "at",
        "kind",
        "summary",
        "topics",
        "note",
        "on_behalf_of",
        "status",
        "status_date",
    ]);
    let mut verdicts = row(&[
        "statement",
        "position",
        "by",
        "date",
        "rating",
        "url",
        "note",
    ]);
    let mut speakers = row(&["statement", "actor", "joined", "withdrew"]);
    let mut quotes = row(&[
        "statement",
        "position",
        "text",
        "lang",
        "translated",
        "source_position",
        "original",
        "original_lang",
    ]);
    let mut about = row(&["statement", "about", "about_type"]);
    let mut responses = row(&["from", "to", "stance", "to_type"]);
    let kept = records.targets();
    for s in &records.statements {
        let st = kb.statement(*s);
        let (earliest, latest) = bounds(&st.date);
        let at = st.at.map(|e| kb.event(e).id.as_str()).unwrap_or("");
        statements += &row(&[
            &st.id,
            &kb.actor(st.by).id,
            st.date.as_str(),
            &earliest,
            &latest,
            at,
            st.kind.as_str(),
            &st.summary,
            &st.topics.join(" | "),
            st.note.as_deref().unwrap_or(""),
            st.on_behalf_of.map_or("", |p| kb.actor(p).id.as_str()),
            st.status.as_ref().map_or("", |s| s.kind.as_str()),
            st.status
                .as_ref()
                .and_then(|s| s.date.as_ref())
                .map_or("", Date::as_str),
        ]);
        for (i, v) in st.verdicts.iter().enumerate() {
            verdicts += &row(&[
                &st.id,
                &(i + 1).to_string(),
                &kb.actor(v.by).id,
                v.date.as_ref().map_or("", Date::as_str),
                v.rating.as_str(),
                v.source
                    .as_ref()
                    .and_then(|s| s.url.as_deref())
                    .unwrap_or(""),
                v.note.as_deref().unwrap_or(""),
            ]);
        }
        if st.signatories.is_empty() {
            speakers += &row(&[&st.id, &kb.actor(st.by).id, "", ""]);
        }
        for g in &st.signatories {
            speakers += &row(&[
                &st.id,
                &kb.actor(g.actor).id,
                g.joined.as_ref().map_or("", Date::as_str),
                g.withdrew.as_ref().map_or("", Date::as_str),
            ]);
        }
        for (i, q) in st.quotes.iter().enumerate() {
            quotes += &row(&[
                &st.id,
                &(i + 1).to_string(),
                &q.text,
                q.lang.as_deref().unwrap_or(""),
                if q.translated { "true" } else { "false" },
                &q.source.map(|i| (i + 1).to_string()).unwrap_or_default(),
                q.original.as_ref().map_or("", |o| o.text.as_str()),
                q.original
                    .as_ref()
                    .and_then(|o| o.lang.as_deref())
                    .unwrap_or(""),
            ]);
        }
        for n in &st.about {
            about += &row(&[&st.id, kb.id_of(*n), n.kind().as_str()]);
        }
        for r in st.responds_to.iter().filter(|r| kept.contains(r.to)) {
            let to = r.to.node();
            responses += &row(&[&st.id, kb.id_of(to), r.stance.as_str(), to.kind().as_str()]);
        }
        source_rows(&st.id, "statement", &st.sources, &mut sources);
    }
    vec![
        ("actors.csv", actors),
        ("roles.csv", roles),
        ("events.csv", events),
        ("participants.csv", participants),
        ("statements.csv", statements),
        ("speakers.csv", speakers),
        ("verdicts.csv", verdicts),
        ("quotes.csv", quotes),
        ("about.csv", about),
        ("responses.csv", responses),
        ("sources.csv", sources),
    ]
}
