//! `export --format html`: one self-contained interactive page of the
//! (filtered) KB. The timeline with a lane per speaker (zoom and pan), the
//! response graph, filters, a panel for the selected statement and the
//! list of statements; the URL's hash keeps the selection.
//!
//! Everything is inline: the stylesheet, the script and the data (the
//! records of the JSON export, schema [`super::json::SCHEMA`], plus labels
//! and lane names computed here so the page says what the pictures say).
//! A Content-Security-Policy forbids every request and every script but
//! the page's own (by its hash), so the page works from `file://` and a
//! hostile string can neither load nor run anything. KB text reaches the
//! page only as JSON inside a non-executed script element (with `<`, `>`
//! and `&` escaped) or as escaped text; the script turns it into text
//! nodes, never markup.

use std::collections::BTreeMap;
use std::io::{self, Write};

use base64::Engine as _;
use serde::Serialize;
use sha2::Digest;

use super::json::Document;
use super::labels::{default_credit, lane_names, statement_label, Caption};
use super::{select, speaker, Records, View};
use crate::escape::xml;
use crate::kb::Kb;
use crate::model::{Stance, StatementIx, Zone};
use crate::palette;
use crate::query::Filter;

const SCRIPT: &str = include_str!("html/page.js");
const STYLE: &str = include_str!("html/page.css");

/// The zone the page's axis is drawn in: a zone name the browser knows, or
/// a fixed offset.
#[derive(Serialize)]
struct PageZone {
    name: Option<String>,
    offset_minutes: i32,
}

#[derive(Serialize)]
struct Data<'a> {
    /// The records, as `export --format json` writes them.
    #[serde(flatten)]
    records: Document<'a>,
    zone: PageZone,
    /// Each statement's short label (title, or summary cut at a word).
    labels: ByStatement<'a, String>,
    /// The lane each statement is drawn in: its speaker's id.
    speaker: ByStatement<'a, &'a str>,
    /// Each lane's name (short name, disambiguated).
    lanes: BTreeMap<&'a str, String>,
    /// Where statements that share their time with others are drawn, in
    /// milliseconds since the epoch ([`super::spread`]).
    at: BTreeMap<&'a str, i64>,
    /// The statements of the response graph.
    graph: Vec<&'a str>,
    stances: BTreeMap<&'static str, &'static str>,
    lane_colours: &'static [&'static str],
}

/// A map from each statement's id to a value of it, in the records' order
/// (by id, as a `BTreeMap` orders them), made as it is written: a page of
/// 200,000 statements does not hold their labels twice.
struct ByStatement<'a, V> {
    kb: &'a Kb,
    statements: &'a [StatementIx],
    value: &'a dyn Fn(StatementIx) -> V,
}

impl<V: Serialize> Serialize for ByStatement<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.statements
                .iter()
                .map(|&x| (self.kb.statement(x).id.as_str(), (self.value)(x))),
        )
    }
}

/// Writes JSON made safe inside an HTML script element: `<`, `>` and `&`
/// (which only ever occur inside JSON strings) become `\u003c` escapes, so
/// no KB text can close the element or open a comment. (ASCII bytes: a
/// UTF-8 sequence never holds them.)
struct ScriptSafe<'a>(&'a mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|b| matches!(b, b'<' | b'>' | b'&')) {
            self.0.write_all(&rest[..at])?;
            self.0.write_all(match rest[at] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            })?;
            rest = &rest[at + 1..];
        }
        self.0.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Where the Graphviz drawing of the response graph goes in a page that
/// has one ([`Graph::Graphviz`]): the page is written with this comment,
/// and the drawing replaces it when it is made.
pub const GRAPHVIZ_HERE: &str = "<!-- annals-graphviz-response-graph -->";

/// Who lays out the page's response graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graph {
    /// The page's script: a column per step of an exchange.
    Own,
    /// Graphviz: the page holds [`GRAPHVIZ_HERE`] where its SVG goes.
    Graphviz,
}

/// Writes the page of the filtered KB.
pub fn write(
    kb: &Kb,
    records: &Records,
    filter: &Filter,
    zone: Zone,
    caption: &Caption,
    graph: Graph,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut speakers = Vec::new();
    for &s in &records.statements {
        let who = speaker(kb, s, filter);
        if !speakers.contains(&Some(who)) {
            speakers.push(Some(who));
        }
    }
    let names = lane_names(kb, &speakers);
    let lanes = speakers
        .iter()
        .zip(names)
        .filter_map(|(a, n)| Some((kb.actor((*a)?).id.as_str(), n?)))
        .collect();
    let in_graph = select(kb, View::Responses, filter)
        .statements
        .iter()
        .map(|s| kb.statement(*s).id.as_str())
        .collect();
    let data = Data {
        zone: match zone {
            Zone::Named(tz) => PageZone {
                name: Some(tz.name().to_owned()),
                offset_minutes: 0,
            },
            Zone::Fixed(seconds) => PageZone {
                name: None,
                offset_minutes: seconds / 60,
            },
        },
        records: Document::of(kb, records),
        labels: ByStatement {
            kb,
            statements: &records.statements,
            value: &|s| statement_label(kb.statement(s)),
        },
        speaker: ByStatement {
            kb,
            statements: &records.statements,
            value: &|s| kb.actor(speaker(kb, s, filter)).id.as_str(),
        },
        at: super::spread(kb, &records.statements)
            .into_iter()
            .map(|(s, t)| (kb.statement(s).id.as_str(), (t * 1000.0).round() as i64))
            .collect(),
        lanes,
        graph: in_graph,
        stances: Stance::ALL
            .iter()
            .map(|s| (s.as_str(), palette::stance(*s)))
            .collect(),
        lane_colours: palette::LANES,
    };
    let n = records.statements.len();
    let title = caption.title.clone().unwrap_or_else(|| {
        format!(
            "{n} statement{}, {} event{}",
            if n == 1 { "" } else { "s" },
            records.events.len(),
            if records.events.len() == 1 { "" } else { "s" }
        )
    });
    let credit = caption
        .credit
        .clone()
        .unwrap_or_else(|| default_credit(kb, &records.statements, &records.events));
    let mut style = format!(
        ":root{{--ink:{};--muted:{};--grid:{};--event:{}}}\n",
        palette::INK,
        palette::MUTED_TEXT,
        palette::GRID,
        palette::EVENT
    );
    for s in Stance::ALL {
        style.push_str(&format!(
            ".stance[data-stance=\"{}\"]{{border-left:10px solid {};padding-left:4px}}\n",
            s.as_str(),
            palette::stance(*s)
        ));
    }
    style.push_str(STYLE);
    let script_hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SCRIPT.as_bytes()));
    let subtitle = caption
        .subtitle
        .as_deref()
        .map(|s| format!("<p class=\"subtitle\">{}</p>\n", xml(s)))
        .unwrap_or_default();
    write!(
        out,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="annals">
<title>{title}</title>
<style>
{style}</style>
</head>
<body>
<a class="skip" href="#list">Skip to the list of statements</a>
<header>
<h1>{title}</h1>
{subtitle}</header>
<form id="filters" aria-label="Filters">
<button type="button" id="reset">Show all</button>
<output id="count" aria-live="polite"></output>
</form>
<main>
<section id="timeline-section" aria-labelledby="timeline-heading">
<div class="bar-head"><h2 id="timeline-heading">Timeline</h2>
<div class="zoom" role="group" aria-label="Zoom the timeline">
<button type="button" id="zoom-in" aria-label="Zoom in">+</button>
<button type="button" id="zoom-out" aria-label="Zoom out">−</button>
<button type="button" id="zoom-reset">Whole story</button>
</div></div>
<div id="timeline" tabindex="0" role="region" aria-label="Timeline, a lane per speaker: arrow keys pan, plus and minus zoom, 0 shows the whole story, Tab moves through the statements"></div>
</section>
<aside id="panel" aria-live="polite" aria-labelledby="panel-heading"></aside>
<section id="graph-section" aria-labelledby="graph-heading">
<h2 id="graph-heading">Who responded to whom</h2>
<div id="graph">{drawn}</div>
</section>
<section id="list-section" aria-labelledby="list-heading">
<h2 id="list-heading">Statements, in time order</h2>
<ol id="list"></ol>
</section>
</main>
<footer>{credit} · times in {zone}</footer>
<script type="application/json" id="annals-data">"##,
        title = xml(&title),
        credit = xml(&credit),
        drawn = match graph {
            Graph::Own => "",
            Graph::Graphviz => GRAPHVIZ_HERE,
        },
    )?;
    // The data, written as it is serialized (it is most of the page).
    crate::escape::write_json(&mut ScriptSafe(out), &data, false)?;
    write!(
        out,
        "</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
}

/// What a live page (served by `annals watch --live`) runs: it asks the
/// server for its build generation every half second and reloads when it
/// changes (the selection survives in the URL's hash).
const LIVE_SCRIPT: &str = "(function(){var seen=null;function poll(){fetch('/.annals-live',{cache:'no-store'}).then(function(r){return r.text()}).then(function(g){if(seen===null){seen=g}else if(g!==seen){location.reload();return}setTimeout(poll,500)},function(){setTimeout(poll,1000)})}poll()})();";

/// A page annals made, made live: its policy also allows the live script
/// and requests to the server it came from, and the script runs last. The
/// page on disk stays as built (`annals build --check` compares it); only
/// what `annals watch --live` serves is live. `None` for a page annals did
/// not make.
pub fn live(page: &str) -> Option<String> {
    const POLICY: &str = "script-src 'sha256-";
    if !page.starts_with("<!DOCTYPE html>")
        || !page.contains("<meta name=\"generator\" content=\"annals\">")
    {
        return None;
    }
    // The policy comes before any KB text; KB text never holds a raw `<`,
    // so the last `</body>` is the page's own.
    let at = page.find(POLICY)? + POLICY.len();
    let end = at + page[at..].find('\'')?;
    let body = page.rfind("</body>")?;
    let hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(LIVE_SCRIPT.as_bytes()));
    Some(format!(
        "{}' 'sha256-{hash}'; connect-src 'self{}<script>{LIVE_SCRIPT}</script>\n{}",
        &page[..end],
        &page[end..body],
        &page[body..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_element_cannot_close_it() {
        let mut out = Vec::new();
        // Written in pieces, as serde_json writes.
        let mut safe = ScriptSafe(&mut out);
        for piece in [r#"{"a":"<"#, r#"/script><!--&"}"#] {
            safe.write_all(piece.as_bytes()).unwrap();
        }
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, r#"{"a":"\u003c/script\u003e\u003c!--\u0026"}"#);
        let back: serde_json::Value = serde_json::from_str(&s).expect("json");
        assert_eq!(back["a"], "</script><!--&");
    }

    /// WCAG's contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let luminance = |hex: &str| {
            let channel = |i: usize| {
                let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn the_page_s_text_colours_meet_wcag_aa_on_white() {
        for colour in [palette::INK, palette::MUTED_TEXT, "#1f5fad"] {
            let ratio = contrast(colour, "#ffffff");
            assert!(ratio >= 4.5, "{colour}: {ratio:.2}");
        }
        // Text on the event bars (white on the event colour) and the
        // muted text on the filter bar's grey.
        assert!(contrast("#ffffff", palette::EVENT) >= 4.5);
        assert!(contrast(palette::MUTED_TEXT, "#f4f6f7") >= 4.5);
    }
}
