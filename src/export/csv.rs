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

/// Every table, in the order they are written.
const SCHEMAS: [Schema; 11] = [
    ACTORS,
    ROLES,
    EVENTS,
    PARTICIPANTS,
    STATEMENTS,
    SPEAKERS,
    VERDICTS,
    QUOTES,
    ABOUT,
    RESPONSES,
    SOURCES,
];

/// One table being written: its header first, then a row at a time.
struct Out {
    schema: Schema,
    text: String,
    cells: Cells,
}

impl Out {
    fn new(schema: Schema, cells: Cells) -> Out {
        let mut out = Out {
            schema,
            text: String::new(),
            cells,
        };
        let header: Vec<&str> = schema.1.iter().map(|(c, _)| *c).collect();
        out.row(&header);
        out
    }

    fn row(&mut self, row: &[&str]) {
        debug_assert_eq!(row.len(), self.schema.1.len(), "a row of {}", self.schema.0);
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push_str(&csv_cell(cell, self.cells));
        }
        self.text.push_str("\r\n");
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
    for (file, columns) in SCHEMAS {
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

/// Every table of the records.
pub fn tables(kb: &Kb, records: &Records, cells: Cells) -> Vec<Table> {
    let mut actors = Out::new(ACTORS, cells);
    let mut roles = Out::new(ROLES, cells);
    for a in &records.actors {
        let actor = kb.actor(*a);
        let part_of = actor.part_of.map(|p| kb.actor(p).id.as_str()).unwrap_or("");
        actors.row(&[
            &actor.id,
            &actor.name,
            actor.kind.as_str(),
            &actor.aliases.join(" | "),
            part_of,
            actor.note.as_deref().unwrap_or(""),
            actor.short_name.as_deref().unwrap_or(""),
        ]);
        for r in &actor.roles {
            let from = r.from.as_ref().map(Date::as_str).unwrap_or("");
            let until = r.until.as_ref().map(Date::as_str).unwrap_or("");
            let from_earliest = r.from.as_ref().map(|d| bounds(d).0).unwrap_or_default();
            let until_latest = r.until.as_ref().map(|d| bounds(d).1).unwrap_or_default();
            roles.row(&[
                &actor.id,
                &r.title,
                &kb.actor(r.of).id,
                from,
                until,
                &from_earliest,
                &until_latest,
            ]);
        }
    }
    let mut events = Out::new(EVENTS, cells);
    let mut participants = Out::new(PARTICIPANTS, cells);
    let mut sources = Out::new(SOURCES, cells);
    let source_rows = |item: &str, kind: &str, list: &[Source], out: &mut Out| {
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
            ]);
        }
    };
    for e in &records.events {
        let ev = kb.event(*e);
        let (earliest, latest) = bounds(&ev.date);
        let part_of = ev.part_of.map(|p| kb.event(p).id.as_str()).unwrap_or("");
        events.row(&[
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
        ]);
        for p in &ev.participants {
            participants.row(&[&ev.id, &kb.actor(p.actor).id, p.role.as_str()]);
        }
        source_rows(&ev.id, "event", &ev.sources, &mut sources);
    }
    let mut statements = Out::new(STATEMENTS, cells);
    let mut verdicts = Out::new(VERDICTS, cells);
    let mut speakers = Out::new(SPEAKERS, cells);
    let mut quotes = Out::new(QUOTES, cells);
    let mut about = Out::new(ABOUT, cells);
    let mut responses = Out::new(RESPONSES, cells);
    let kept = records.targets();
    for s in &records.statements {
        let st = kb.statement(*s);
        let (earliest, latest) = bounds(&st.date);
        let at = st.at.map(|e| kb.event(e).id.as_str()).unwrap_or("");
        statements.row(&[
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
        ]);
        for (i, v) in st.verdicts.iter().enumerate() {
            verdicts.row(&[
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
            speakers.row(&[&st.id, &kb.actor(st.by).id, "", ""]);
        }
        for g in &st.signatories {
            speakers.row(&[
                &st.id,
                &kb.actor(g.actor).id,
                g.joined.as_ref().map_or("", Date::as_str),
                g.withdrew.as_ref().map_or("", Date::as_str),
            ]);
        }
        for (i, q) in st.quotes.iter().enumerate() {
            quotes.row(&[
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
            about.row(&[&st.id, kb.id_of(*n), n.kind().as_str()]);
        }
        for r in st.responds_to.iter().filter(|r| kept.contains(r.to)) {
            let to = r.to.node();
            responses.row(&[&st.id, kb.id_of(to), r.stance.as_str(), to.kind().as_str()]);
        }
        source_rows(&st.id, "statement", &st.sources, &mut sources);
    }
    let mut tables: Vec<Table> = [
        actors,
        roles,
        events,
        participants,
        statements,
        speakers,
        verdicts,
        quotes,
        about,
        responses,
        sources,
    ]
    .into_iter()
    .map(|t| (t.schema.0, t.text))
    .collect();
    tables.push(("schema.sql", schema_sql()));
    tables
}
