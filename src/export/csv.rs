//! CSV export: a folder of tables, RFC 4180, UTF-8, ready for `COPY`,
//! `read_csv` and spreadsheets, and `schema.sql` beside them: every
//! column's SQL type and one `COPY` per table, so DuckDB loads them typed
//! (`duckdb kb.duckdb < schema.sql` in the folder) whatever the data looks
//! like. Cells are the text exactly unless [`Cells::Safe`] is asked for
//! (formulas neutralised for spreadsheets, see `escape::csv_cell`). Lists
//! inside a cell (aliases, topics) are joined with ` | `; everything else
//! that is a list is a table of its own. A date is written as in the KB
//! (`date`, text: EDTF of any precision) and as its bounds (`earliest`,
//! `latest`: UTC instants, inclusive, empty when open), in separate
//! columns. Columns are only ever added, at the end of their table.
//!
//! | table | columns |
//! |---|---|
//! | `actors.csv` | id, name, kind, aliases, part_of, note, short_name |
//! | `roles.csv` | actor, title, of, from, until, from_earliest, until_latest |
//! | `events.csv` | id, name, kind, date, earliest, latest, place, part_of, topics, note, time_zone |
//! | `participants.csv` | event, actor, role (`Host`, `Participant`, `Observer`, `Invited`, `Declined`, `NotInvited`) |
//! | `statements.csv` | id, by (the first speaker), date, earliest, latest, at, kind, summary, topics, note, on_behalf_of, status, status_date, title |
//! | `speakers.csv` | statement, actor, joined, withdrew (every speaker of every statement) |
//! | `verdicts.csv` | statement, position, by, date, rating, url, note |
//! | `quotes.csv` | statement, position, text, lang, translated, source_position (in sources.csv), original, original_lang |
//! | `about.csv` | statement, about, about_type |
//! | `responses.csv` | from, to, stance, to_type (`statement` or `event`) |
//! | `sources.csv` | item, item_type, position, outlet (the publisher), url, title, date, archived, accessed |

use std::io::{self, Write};

use super::Records;
use crate::escape::{csv_cell, Cells};
use crate::kb::Kb;
use crate::model::{Date, Source};
use crate::records::DateView;

/// One table: a file name and its CSV text.
pub type Table = (&'static str, String);

/// A column's SQL type (as DuckDB writes it).
#[derive(Debug, Clone, Copy)]
enum Sql {
    Text,
    Integer,
    Boolean,
    /// An RFC 3339 UTC instant.
    Instant,
}

impl Sql {
    fn as_str(self) -> &'static str {
        match self {
            Sql::Text => "VARCHAR",
            Sql::Integer => "INTEGER",
            Sql::Boolean => "BOOLEAN",
            Sql::Instant => "TIMESTAMPTZ",
        }
    }
}

use Sql::{Boolean, Instant, Integer, Text};

/// A table's file and columns, in order: the header and `schema.sql` are
/// both made from these (the SQL table is the file's name without `.csv`).
type Schema = (&'static str, &'static [(&'static str, Sql)]);

const ACTORS: Schema = (
    "actors.csv",
    &[
        ("id", Text),
        ("name", Text),
        ("kind", Text),
        ("aliases", Text),
        ("part_of", Text),
        ("note", Text),
        ("short_name", Text),
    ],
);
const ROLES: Schema = (
    "roles.csv",
    &[
        ("actor", Text),
        ("title", Text),
        ("of", Text),
        ("from", Text),
        ("until", Text),
        ("from_earliest", Instant),
        ("until_latest", Instant),
    ],
);
const EVENTS: Schema = (
    "events.csv",
    &[
        ("id", Text),
        ("name", Text),
        ("kind", Text),
        ("date", Text),
        ("earliest", Instant),
        ("latest", Instant),
        ("place", Text),
        ("part_of", Text),
        ("topics", Text),
        ("note", Text),
        ("time_zone", Text),
    ],
);
const PARTICIPANTS: Schema = (
    "participants.csv",
    &[("event", Text), ("actor", Text), ("role", Text)],
);
const STATEMENTS: Schema = (
    "statements.csv",
    &[
        ("id", Text),
        ("by", Text),
        ("date", Text),
        ("earliest", Instant),
        ("latest", Instant),
        ("at", Text),
        ("kind", Text),
        ("summary", Text),
        ("topics", Text),
        ("note", Text),
        ("on_behalf_of", Text),
        ("status", Text),
        ("status_date", Text),
        ("title", Text),
    ],
);
const SPEAKERS: Schema = (
    "speakers.csv",
    &[
        ("statement", Text),
        ("actor", Text),
        ("joined", Text),
        ("withdrew", Text),
    ],
);
const VERDICTS: Schema = (
    "verdicts.csv",
    &[
        ("statement", Text),
        ("position", Integer),
        ("by", Text),
        ("date", Text),
        ("rating", Text),
        ("url", Text),
        ("note", Text),
    ],
);
const QUOTES: Schema = (
    "quotes.csv",
    &[
        ("statement", Text),
        ("position", Integer),
        ("text", Text),
        ("lang", Text),
        ("translated", Boolean),
        ("source_position", Integer),
        ("original", Text),
        ("original_lang", Text),
    ],
);
const ABOUT: Schema = (
    "about.csv",
    &[("statement", Text), ("about", Text), ("about_type", Text)],
);
const RESPONSES: Schema = (
    "responses.csv",
    &[
        ("from", Text),
        ("to", Text),
        ("stance", Text),
        ("to_type", Text),
    ],
);
const SOURCES: Schema = (
    "sources.csv",
    &[
        ("item", Text),
        ("item_type", Text),
        ("position", Integer),
        ("outlet", Text),
        ("url", Text),
        ("title", Text),
        ("date", Text),
        ("archived", Text),
        ("accessed", Text),
    ],
);

/// Writes a table's rows, after its header.
type Rows = fn(&Kb, &Records, &mut Out<'_>) -> io::Result<()>;

/// Every table with what writes its rows, in the order they are written.
const TABLES: [(Schema, Rows); 11] = [
    (ACTORS, actors),
    (ROLES, roles),
    (EVENTS, events),
    (PARTICIPANTS, participants),
    (STATEMENTS, statements),
    (SPEAKERS, speakers),
    (VERDICTS, verdicts),
    (QUOTES, quotes),
    (ABOUT, about),
    (RESPONSES, responses),
    (SOURCES, sources),
];

/// The file `schema.sql`, written after the tables.
const SCHEMA_SQL: &str = "schema.sql";

/// One table being written: its header first, then a row at a time.
struct Out<'a> {
    schema: Schema,
    out: &'a mut dyn Write,
    cells: Cells,
    line: String,
}

impl Out<'_> {
    fn row(&mut self, row: &[&str]) -> io::Result<()> {
        debug_assert_eq!(row.len(), self.schema.1.len(), "a row of {}", self.schema.0);
        self.line.clear();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            self.line.push_str(&csv_cell(cell, self.cells));
        }
        self.line.push_str("\r\n");
        self.out.write_all(self.line.as_bytes())
    }
}

/// `schema.sql`: every table with its column types, and a `COPY` for each
/// (DuckDB; paths relative to the folder it runs in).
fn schema_sql() -> String {
    let mut sql = String::from(
        "-- The tables of `annals export --format csv`, typed. In this folder:\n\
         --   duckdb kb.duckdb < schema.sql\n\
         -- `date` columns hold the date as written (EDTF, any precision);\n\
         -- `earliest`/`latest` its bounds in UTC, inclusive, NULL when open.\n",
    );
    for ((file, columns), _) in TABLES {
        let name = file.trim_end_matches(".csv");
        let cols: Vec<String> = columns
            .iter()
            .map(|(c, t)| format!("\"{c}\" {}", t.as_str()))
            .collect();
        sql.push_str(&format!(
            "CREATE TABLE {name} ({});\nCOPY {name} FROM '{file}' (HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"');\n",
            cols.join(", ")
        ));
    }
    sql
}

fn bounds(d: &Date) -> (String, String) {
    let v = DateView::of(d);
    (v.earliest.unwrap_or_default(), v.latest.unwrap_or_default())
}

/// Every table of the records, in memory (`build` compares them with the
/// files on disk).
pub fn tables(kb: &Kb, records: &Records, cells: Cells) -> Vec<Table> {
    let mut tables = Vec::with_capacity(TABLES.len() + 1);
    // Writing into memory does not fail, and cells are made of `&str`s
    // and ASCII punctuation.
    let _: io::Result<()> = write_each(kb, records, cells, |name, write| {
        let mut text = Vec::new();
        write(&mut text)?;
        let text = String::from_utf8(text).map_err(io::Error::other)?;
        tables.push((name, text));
        Ok(())
    });
    tables
}

/// Writes every table of the records, one file after another: `file` is
/// given each file's name and what writes it, and writes it where it
/// belongs. No table is held whole: a KB's tables are about its size.
pub fn write_each<E>(
    kb: &Kb,
    records: &Records,
    cells: Cells,
    mut file: impl FnMut(&'static str, &dyn Fn(&mut dyn Write) -> io::Result<()>) -> Result<(), E>,
) -> Result<(), E> {
    for (schema, rows) in TABLES {
        file(schema.0, &|out: &mut dyn Write| {
            let mut out = Out {
                schema,
                out,
                cells,
                line: String::new(),
            };
            let header: Vec<&str> = schema.1.iter().map(|(c, _)| *c).collect();
            out.row(&header)?;
            rows(kb, records, &mut out)
        })?;
    }
    file(SCHEMA_SQL, &|out: &mut dyn Write| {
        out.write_all(schema_sql().as_bytes())
    })
}

fn actors(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for actor in records.actors.iter().map(|a| kb.actor(*a)) {
        let part_of = actor.part_of.map(|p| kb.actor(p).id.as_str()).unwrap_or("");
        out.row(&[
            &actor.id,
            &actor.name,
            actor.kind.as_str(),
            &actor.aliases.join(" | "),
            part_of,
            actor.note.as_deref().unwrap_or(""),
            actor.short_name.as_deref().unwrap_or(""),
        ])?;
    }
    Ok(())
}

fn roles(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for actor in records.actors.iter().map(|a| kb.actor(*a)) {
        for r in &actor.roles {
            let from = r.from.as_ref().map(Date::as_str).unwrap_or("");
            let until = r.until.as_ref().map(Date::as_str).unwrap_or("");
            let from_earliest = r.from.as_ref().map(|d| bounds(d).0).unwrap_or_default();
            let until_latest = r.until.as_ref().map(|d| bounds(d).1).unwrap_or_default();
            out.row(&[
                &actor.id,
                &r.title,
                &kb.actor(r.of).id,
                from,
                until,
                &from_earliest,
                &until_latest,
            ])?;
        }
    }
    Ok(())
}

fn events(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for ev in records.events.iter().map(|e| kb.event(*e)) {
        let (earliest, latest) = bounds(&ev.date);
        let part_of = ev.part_of.map(|p| kb.event(p).id.as_str()).unwrap_or("");
        out.row(&[
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
            &ev.time_zone.map(|z| z.to_string()).unwrap_or_default(),
        ])?;
    }
    Ok(())
}

fn participants(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for ev in records.events.iter().map(|e| kb.event(*e)) {
        for p in &ev.participants {
            out.row(&[&ev.id, &kb.actor(p.actor).id, p.role.as_str()])?;
        }
    }
    Ok(())
}

fn statements(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        let (earliest, latest) = bounds(&st.date);
        let at = st.at.map(|e| kb.event(e).id.as_str()).unwrap_or("");
        out.row(&[
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
            st.title.as_deref().unwrap_or(""),
        ])?;
    }
    Ok(())
}

fn speakers(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        if st.signatories.is_empty() {
            out.row(&[&st.id, &kb.actor(st.by).id, "", ""])?;
        }
        for g in &st.signatories {
            out.row(&[
                &st.id,
                &kb.actor(g.actor).id,
                g.joined.as_ref().map_or("", Date::as_str),
                g.withdrew.as_ref().map_or("", Date::as_str),
            ])?;
        }
    }
    Ok(())
}

fn verdicts(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        for (i, v) in st.verdicts.iter().enumerate() {
            out.row(&[
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
            ])?;
        }
    }
    Ok(())
}

fn quotes(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        for (i, q) in st.quotes.iter().enumerate() {
            out.row(&[
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
            ])?;
        }
    }
    Ok(())
}

fn about(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        for n in &st.about {
            out.row(&[&st.id, kb.id_of(*n), n.kind().as_str()])?;
        }
    }
    Ok(())
}

fn responses(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    let kept = records.targets();
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        for r in st.responds_to.iter().filter(|r| kept.contains(r.to)) {
            let to = r.to.node();
            out.row(&[&st.id, kb.id_of(to), r.stance.as_str(), to.kind().as_str()])?;
        }
    }
    Ok(())
}

fn sources(kb: &Kb, records: &Records, out: &mut Out<'_>) -> io::Result<()> {
    let mut rows = |item: &str, kind: &str, list: &[Source]| {
        for (i, s) in list.iter().enumerate() {
            let outlet = s.outlet.map(|o| kb.actor(o).id.as_str()).unwrap_or("");
            let date = s.date.as_deref().map(Date::as_str).unwrap_or("");
            out.row(&[
                item,
                kind,
                &(i + 1).to_string(),
                outlet,
                s.url.as_deref().unwrap_or(""),
                s.title.as_deref().unwrap_or(""),
                date,
                s.archived.as_deref().unwrap_or(""),
                s.accessed.as_deref().map_or("", Date::as_str),
            ])?;
        }
        io::Result::Ok(())
    };
    for ev in records.events.iter().map(|e| kb.event(*e)) {
        rows(&ev.id, "event", &ev.sources)?;
    }
    for st in records.statements.iter().map(|s| kb.statement(*s)) {
        rows(&st.id, "statement", &st.sources)?;
    }
    Ok(())
}
