//! A small multi-file KB built from structured input (ids from a small set,
//! so references often resolve and sometimes do not), through load, check,
//! every query and every export.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use annals::export::{self, View};
use annals::model::{NodeRef, StatementIx};
use annals::query::{self, Filter};

const IDS: [&str; 8] = ["a", "b", "c", "m", "e", "s1", "s2", "s3"];
const KINDS: [&str; 4] = ["Person", "State", "Media", "Ministry"];
const DATES: [&str; 8] = [
    "2024",
    "2024-06",
    "2024-06-14",
    "2024-06-14T10:00Z",
    "2024-06-15/2024-06-16",
    "2024-06?",
    "../2024",
    "2023-02-30",
];
const STANCES: [&str; 3] = ["Rejects", "Supports", "Acknowledges"];

#[derive(Arbitrary, Debug)]
struct Input {
    actors: Vec<(u8, u8, u8, Option<u8>, String)>,
    events: Vec<(u8, u8, Vec<u8>)>,
    statements: Vec<(u8, u8, u8, Option<u8>, Vec<(u8, u8)>, Vec<u8>, String)>,
    split: bool,
    query: String,
}

fn pick<T: Copy>(list: &[T], i: u8) -> T {
    list[i as usize % list.len()]
}

/// A RON string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn text(input: &Input) -> (String, String) {
    let mut actors = String::from("Kb(actors: [");
    for (id, kind, name, part_of, note) in input.actors.iter().take(8) {
        actors += &format!(
            "Actor(id: {}, name: {}, kind: {}",
            lit(pick(&IDS, *id)),
            lit(&format!("N{name}")),
            pick(&KINDS, *kind)
        );
        if let Some(p) = part_of {
            actors += &format!(", part_of: {}", lit(pick(&IDS, *p)));
        }
        actors += &format!(", note: {}), ", lit(note));
    }
    actors += "], events: [";
    for (id, date, who) in input.events.iter().take(4) {
        let who: Vec<String> = who.iter().take(3).map(|w| lit(pick(&IDS, *w))).collect();
        actors += &format!(
            "Event(id: {}, name: \"E\", kind: Meeting, date: {}, participants: [{}]), ",
            lit(pick(&IDS, *id)),
            lit(pick(&DATES, *date)),
            who.join(", ")
        );
    }
    actors += "])";
    let mut statements = String::from("Kb(statements: [");
    for (id, by, date, at, responds, about, summary) in input.statements.iter().take(12) {
        statements += &format!(
            "Statement(id: {}, by: {}, date: {}, kind: Claim, summary: {}",
            lit(pick(&IDS, *id)),
            lit(pick(&IDS, *by)),
            lit(pick(&DATES, *date)),
            lit(summary)
        );
        if let Some(at) = at {
            statements += &format!(", at: {}", lit(pick(&IDS, *at)));
        }
        let r: Vec<String> = responds
            .iter()
            .take(3)
            .map(|(to, st)| {
                format!(
                    "Response(to: {}, stance: {})",
                    lit(pick(&IDS, *to)),
                    pick(&STANCES, *st)
                )
            })
            .collect();
        let a: Vec<String> = about.iter().take(3).map(|x| lit(pick(&IDS, *x))).collect();
        statements += &format!(
            ", responds_to: [{}], about: [{}], sources: [Source(outlet: \"m\")]), ",
            r.join(", "),
            a.join(", ")
        );
    }
    statements += "])";
    (actors, statements)
}

fuzz_target!(|input: Input| {
    let (a, s) = text(&input);
    let files: Vec<(&str, &[u8])> = if input.split {
        vec![
            ("kb/actors.ron", a.as_bytes()),
            ("kb/story.ron", s.as_bytes()),
        ]
    } else {
        vec![
            ("kb/story.ron", s.as_bytes()),
            ("kb/actors.ron", a.as_bytes()),
        ]
    };
    let loaded = annals::Kb::load_files(&files);
    let diagnostics =
        annals::check::diagnostics(&loaded, &annals::check::Levels::of(&loaded.kb.settings));
    let mut sink = Vec::new();
    let _ = annals::diag::human::write(&mut sink, &diagnostics, &loaded.sources, false);
    let kb = &loaded.kb;
    for filter in [
        Filter::default(),
        Filter {
            rollup: true,
            ..Filter::default()
        },
    ] {
        let _ = query::timeline::timeline(kb, &filter);
        let _ = query::who_responded::who_responded(kb, &filter, &Default::default());
        for view in [View::Responses, View::Actors, View::Timeline, View::Kb] {
            let _ = export::dot::export(kb, view, &filter);
            let _ = export::mermaid::export(kb, view, &filter);
        }
        let caption = annals::render::timeline::Caption {
            title: Some("<t>".into()),
            subtitle: Some("\u{202e}s".into()),
            credit: None,
            width: Some(640),
        };
        let _ = annals::render::timeline::svg(kb, &filter, kb.settings.zone, &caption);
        let records = export::records(kb, &filter);
        let _ = export::json::write_json(kb, &records, &mut sink);
        let _ = export::json::write_jsonl(kb, &records, &mut sink);
        let _ = export::csv::tables(kb, &records, annals::escape::Cells::Exact);
        let _ = export::csv::tables(kb, &records, annals::escape::Cells::Safe);
        let _ = export::graphml::write(kb, &records, &mut sink);
        let _ = export::timelinejs::write(kb, &records, kb.settings.zone, &mut sink);
        let mut jsonld = Vec::new();
        export::jsonld::write(kb, &records, export::jsonld::BASE, &mut jsonld)
            .expect("writing to memory cannot fail");
        serde_json::from_slice::<serde_json::Value>(&jsonld).expect("JSON-LD parses as JSON");
    }
    for i in 0..kb.statements.len() as u32 {
        let s = StatementIx(i);
        let _ = query::responses::thread(kb, s, None);
        let _ = query::path::path(
            kb,
            NodeRef::Statement(s),
            NodeRef::Statement(StatementIx(0)),
        );
    }
    let _ = query::search::search(kb, &input.query, None);
    let _ = query::search::search(kb, &input.query, Some(1));
    let _ = query::stats::stats(&kb.sketch(), 5);
});
