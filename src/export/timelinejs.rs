//! TimelineJS export: the JSON that Knight Lab's TimelineJS (version 3)
//! reads, so a newsroom that already embeds TimelineJS can show the KB.
//!
//! Every statement is a slide: its headline is "Speaker: title", or without
//! a title "Speaker: the start of the summary" cut at a word, its text the summary, the quotes, what it answers
//! and its sources as links; its `group` is the speaker, so TimelineJS draws
//! a row per speaker. Every event is a slide in the group "Events", with an
//! end date when it lasts. A source's page is the slide's `media` (a link
//! card) with the outlet as its `credit`.
//!
//! A calendar date is the days it covers where it happened (never moved to
//! another day); a time is the wall clock in a zone (the KB's, or `--tz`).
//! `display_date` is the date as written, so a month-precise date reads
//! "2024-06", not June 1. Text is HTML: every KB string is
//! escaped, and only `http(s)` URLs become links.

use serde_json::{json, Map, Value};

use super::{cut_at_word, Records};
use crate::escape::xml;
use crate::kb::Kb;
use crate::model::{Answered, Date, Instant, Precision, Source, Statement, Zone};

/// A TimelineJS date, as precise as the date is written.
fn parts((y, m, d): crate::model::date::Civil, time: Option<i64>, precision: Precision) -> Value {
    let mut o = Map::new();
    o.insert("year".into(), json!(y));
    if precision >= Precision::Month {
        o.insert("month".into(), json!(m));
    }
    if precision >= Precision::Day {
        o.insert("day".into(), json!(d));
    }
    if let Some(secs) = time {
        o.insert("hour".into(), json!(secs / 3600));
        o.insert("minute".into(), json!(secs % 3600 / 60));
    }
    Value::Object(o)
}

/// A slide's `start_date` and, when it lasts, `end_date`: a date with a
/// time as the wall clock in `zone`; a calendar date as the days it
/// covers where it happened (never moved to another day). `None` when no
/// end is known.
fn dates(d: &Date, zone: Zone, slide: &mut Map<String, Value>) -> Option<()> {
    let precision = d.precision();
    let b = d.bounds();
    let local = |t: Instant| {
        let l = zone.to_local(t);
        (
            crate::model::date::civil_from_days(l.div_euclid(86_400)),
            l.rem_euclid(86_400),
        )
    };
    let (first, last) = if precision >= Precision::Minute {
        let at = |t: Instant, open: bool| (!open).then(|| local(t));
        (
            at(b.start, b.start == Instant::MIN).map(|(d, s)| (d, Some(s))),
            at(b.end - 1, b.end == Instant::MAX).map(|(d, s)| (d, Some(s))),
        )
    } else {
        let (first, last) = d.calendar_days();
        (first.map(|d| (d, None)), last.map(|d| (d, None)))
    };
    let (start, end) = match (first, last) {
        (Some(f), l) => (f, l),
        (None, Some(l)) => (l, None),
        (None, None) => return None,
    };
    let start_parts = parts(start.0, start.1, precision);
    let mut start_date = start_parts.clone();
    start_date["display_date"] = json!(d.as_str());
    slide.insert("start_date".into(), start_date);
    // An end only where it differs from the start at the date's precision.
    let end_date = end.map(|e| parts(e.0, e.1, precision));
    if let Some(e) = end_date.filter(|e| *e != start_parts) {
        slide.insert("end_date".into(), e);
    }
    Some(())
}

/// Whether a URL is a web page's, the only kind made a link.
fn web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// A link to `url` with `text`, when the URL is http(s); else the text.
fn link(url: Option<&str>, text: &str) -> String {
    match url {
        Some(u) if web(u) => {
            format!("<a href=\"{}\">{}</a>", xml(u), xml(text))
        }
        _ => xml(text),
    }
}

fn source_line(kb: &Kb, s: &Source) -> String {
    let outlet = s.outlet.map(|o| kb.actor(o).name.as_str());
    let name = match (outlet, s.title.as_deref()) {
        (Some(o), Some(t)) => format!("{o}: {t}"),
        (Some(o), None) => o.to_owned(),
        (None, Some(t)) => t.to_owned(),
        (None, None) => s.url.as_deref().unwrap_or("source").to_owned(),
    };
    let mut line = link(s.url.as_deref(), &name);
    if let Some(d) = &s.date {
        line.push_str(&format!(" ({})", xml(d.as_str())));
    }
    line
}

/// A statement's headline: who, and its title or the start of what they
/// said.
fn headline(kb: &Kb, st: &Statement) -> String {
    let what = match &st.title {
        Some(t) => t.to_string(),
        None => cut_at_word(&st.summary, 80),
    };
    xml(&format!("{}: {what}", kb.speaker_names(st, 2)))
}

fn statement_slide(kb: &Kb, st: &Statement, zone: Zone) -> Option<Value> {
    let mut slide = Map::new();
    dates(&st.date, zone, &mut slide)?;
    let mut text = format!("<p>{}</p>", xml(&st.summary));
    for q in &st.quotes {
        let lang = q
            .lang
            .as_deref()
            .map(|l| format!(" lang=\"{}\"", xml(l)))
            .unwrap_or_default();
        text.push_str(&format!("<blockquote{lang}>{}</blockquote>", xml(&q.text)));
    }
    for r in &st.responds_to {
        let target = match r.to {
            Answered::Statement(t) => headline(kb, kb.statement(t)),
            Answered::Event(e) => xml(&kb.event(e).name),
        };
        text.push_str(&format!(
            "<p>{} {target}</p>",
            xml(&r.stance.as_str().to_lowercase())
        ));
    }
    if !st.sources.is_empty() {
        let lines: Vec<String> = st.sources.iter().map(|s| source_line(kb, s)).collect();
        text.push_str(&format!("<p>Sources: {}</p>", lines.join("; ")));
    }
    slide.insert(
        "text".into(),
        json!({ "headline": headline(kb, st), "text": text }),
    );
    slide.insert("group".into(), json!(xml(&kb.attribution(st, 2))));
    slide.insert("unique_id".into(), json!(st.id));
    media(kb, &st.sources, &mut slide);
    Some(Value::Object(slide))
}

/// The first source with a web page, as the slide's media with its credit.
fn media(kb: &Kb, sources: &[Source], slide: &mut Map<String, Value>) {
    let web = sources.iter().find(|s| s.url.as_deref().is_some_and(web));
    if let Some(s) = web {
        let credit = s.outlet.map_or("", |o| kb.actor(o).name.as_str());
        slide.insert(
            "media".into(),
            json!({ "url": s.url, "credit": xml(credit) }),
        );
    }
}

/// The TimelineJS document of the records, its dates read in `zone`.
pub fn write(
    kb: &Kb,
    records: &Records,
    zone: Zone,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // One slide at a time: the slides of 100,000 statements held as one
    // value took ten times the KB.
    let slides = crate::records::Seq(|| {
        let events = records
            .events
            .iter()
            .filter_map(|e| event_slide(kb, *e, zone));
        let statements = records
            .statements
            .iter()
            .filter_map(|s| statement_slide(kb, kb.statement(*s), zone));
        events.chain(statements)
    });
    #[derive(serde::Serialize)]
    struct Page<E> {
        events: E,
    }
    crate::records::write(out, &Page { events: slides })
}

/// An event's slide, when its date can be placed.
fn event_slide(kb: &Kb, e: crate::model::EventIx, zone: Zone) -> Option<Value> {
    let ev = kb.event(e);
    let mut slide = Map::new();
    dates(&ev.date, zone, &mut slide)?;
    let mut text = format!("<p>{}", xml(&ev.kind.phrase()));
    if let Some(p) = &ev.place {
        text.push_str(&format!(", {}", xml(p)));
    }
    text.push_str("</p>");
    if !ev.sources.is_empty() {
        let lines: Vec<String> = ev.sources.iter().map(|s| source_line(kb, s)).collect();
        text.push_str(&format!("<p>Sources: {}</p>", lines.join("; ")));
    }
    slide.insert(
        "text".into(),
        json!({ "headline": xml(&ev.name), "text": text }),
    );
    slide.insert("group".into(), json!("Events"));
    slide.insert("unique_id".into(), json!(ev.id));
    media(kb, &ev.sources, &mut slide);
    Some(Value::Object(slide))
}
