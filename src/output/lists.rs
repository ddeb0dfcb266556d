//! `annals search`, `annals path` and `annals stats` output.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{self, instant, Ref};
use super::style::Role;
use super::table::{cell, cut, Table};
use super::{write_table, Format, Style};
use crate::escape;
use crate::kb::Kb;
use crate::model::NodeRef;
use crate::outline::Sketch;
use crate::query::path::Step;
use crate::query::search::Hit;
use crate::query::stats::Stats;

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct HitView<'a> {
    #[serde(flatten)]
    item: Ref<'a>,
    score: u32,
    field: &'static str,
    text: &'a str,
    /// Character offsets `[start, end)` of the matches in `text`.
    matches: Vec<[usize; 2]>,
}

/// The text around the first match, at most `width` columns, with every
/// match painted.
fn snippet(hit: &Hit, width: usize, style: Style) -> String {
    let text = &hit.text;
    let first = hit.matches.first().map_or(0, |m| m.start);
    // Start a little before the first match, on a character boundary.
    let mut start = first.saturating_sub(width / 3);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // Begin at a word.
    if start > 0 {
        start = text[..start]
            .rfind(char::is_whitespace)
            .map_or(0, |i| i + 1);
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for m in hit.matches.iter().filter(|m| m.start >= start) {
        if m.start < at {
            continue;
        }
        out.push_str(&escape::terminal(&text[at..m.start]));
        out.push_str(&style.paint(Role::Match, &escape::terminal(&text[m.clone()])));
        at = m.end;
    }
    out.push_str(&escape::terminal(&text[at..]));
    if style.color {
        out
    } else {
        cut(&out, width)
    }
}

pub fn write_search(
    kb: &Kb,
    hits: &[Hit],
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    if format == Format::Json {
        let views: Vec<HitView> = hits
            .iter()
            .map(|h| HitView {
                item: Ref::node(kb, h.node),
                score: h.score,
                field: h.field.as_str(),
                text: &h.text,
                matches: h
                    .matches
                    .iter()
                    .map(|m| {
                        [
                            h.text[..m.start].chars().count(),
                            h.text[..m.end].chars().count(),
                        ]
                    })
                    .collect(),
            })
            .collect();
        return json::write(out, &views);
    }
    if format == Format::Text {
        for h in hits {
            let node = Ref::node(kb, h.node);
            writeln!(
                out,
                "{}  {}  {}: {}",
                style.paint(Role::Id, &escape::terminal(node.id)),
                node.node,
                h.field.as_str(),
                snippet(h, 90, style)
            )?;
        }
        return Ok(());
    }
    let mut table = Table::new(&["id", "type", "score", "field", "text"]);
    for h in hits {
        let node = Ref::node(kb, h.node);
        table.push(vec![
            node.id.into(),
            node.node.into(),
            h.score.to_string().into(),
            h.field.as_str().into(),
            h.text.as_str().into(),
        ]);
    }
    write_table(&table, format, out, style)
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct StepView<'a> {
    from: Ref<'a>,
    link: &'static str,
    /// `forward` when the link points from `from` to `to`, else `backward`.
    direction: &'static str,
    to: Ref<'a>,
}

pub fn write_path(
    kb: &Kb,
    steps: &[Step],
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    if format == Format::Json {
        let views: Vec<StepView> = steps
            .iter()
            .map(|s| StepView {
                from: Ref::node(kb, s.from),
                link: s.link.as_str(),
                direction: if s.forward { "forward" } else { "backward" },
                to: Ref::node(kb, s.to),
            })
            .collect();
        return json::write(out, &views);
    }
    if format == Format::Text {
        for (i, s) in steps.iter().enumerate() {
            if i == 0 {
                writeln!(out, "{}", describe(kb, s.from, style))?;
            }
            let link = if s.forward {
                format!("── {} →", s.link.as_str())
            } else {
                format!("← {} ──", s.link.as_str())
            };
            writeln!(out, "  {}", style.paint(Role::Dim, &link))?;
            writeln!(out, "{}", describe(kb, s.to, style))?;
        }
        return Ok(());
    }
    let mut table = Table::new(&["step", "from", "link", "direction", "to"]);
    for (i, s) in steps.iter().enumerate() {
        table.push(vec![
            (i + 1).to_string().into(),
            kb.id_of(s.from).into(),
            s.link.as_str().into(),
            if s.forward { "forward" } else { "backward" }.into(),
            kb.id_of(s.to).into(),
        ]);
    }
    write_table(&table, format, out, style)
}

fn describe(kb: &Kb, node: crate::model::NodeRef, style: Style) -> String {
    let r = Ref::node(kb, node);
    format!(
        "{} ({}: {})",
        style.paint(Role::Id, &escape::terminal(r.id)),
        r.node,
        cut(&escape::terminal(r.name), 60)
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Counted<'a> {
    #[serde(flatten)]
    item: Ref<'a>,
    responses: usize,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct StatsView<'a> {
    actors: std::collections::BTreeMap<&'static str, usize>,
    events: std::collections::BTreeMap<&'static str, usize>,
    statements: std::collections::BTreeMap<&'static str, usize>,
    responses: usize,
    earliest: Option<String>,
    latest: Option<String>,
    most_responded_statements: Vec<Counted<'a>>,
    most_responded_actors: Vec<Counted<'a>>,
    without_sources: Vec<&'a str>,
}

pub fn write_stats(
    kb: &Sketch,
    stats: &Stats,
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    let view = StatsView {
        actors: stats.actors.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        events: stats.events.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        statements: stats
            .statements
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect(),
        responses: stats.responses,
        earliest: stats.range.and_then(|r| instant(r.start)),
        latest: stats.range.and_then(|r| instant(r.end - 1)),
        most_responded_statements: stats
            .most_responded_statements
            .iter()
            .map(|(s, n)| Counted {
                item: Ref::sketched(kb, NodeRef::Statement(*s)),
                responses: *n,
            })
            .collect(),
        most_responded_actors: stats
            .most_responded_actors
            .iter()
            .map(|(a, n)| Counted {
                item: Ref::sketched(kb, NodeRef::Actor(*a)),
                responses: *n,
            })
            .collect(),
        without_sources: stats
            .without_sources
            .iter()
            .map(|s| kb.statements.id(*s))
            .collect(),
    };
    if format == Format::Json {
        return json::write(out, &view);
    }
    let mut table = Table::new(&["section", "item", "count"]).truncate(1, 70);
    let total =
        |m: &std::collections::BTreeMap<&'static str, usize>| m.values().sum::<usize>().to_string();
    for (section, map) in [
        ("actors", &view.actors),
        ("events", &view.events),
        ("statements", &view.statements),
    ] {
        table.push(vec![
            cell(section, Role::Header),
            "all".into(),
            total(map).into(),
        ]);
        for (k, n) in map {
            table.push(vec!["".into(), (*k).into(), n.to_string().into()]);
        }
    }
    table.push(vec![
        cell("responses", Role::Header),
        "all".into(),
        view.responses.to_string().into(),
    ]);
    let range = match (&view.earliest, &view.latest) {
        (Some(a), Some(b)) => format!("{a} … {b}"),
        _ => "none".into(),
    };
    table.push(vec![cell("dates", Role::Header), range.into(), "".into()]);
    table.push(vec![
        cell("most responded statements", Role::Header),
        "".into(),
        "".into(),
    ]);
    for c in &view.most_responded_statements {
        table.push(vec![
            "".into(),
            cell(c.item.id, Role::Id),
            c.responses.to_string().into(),
        ]);
    }
    table.push(vec![
        cell("most responded actors", Role::Header),
        "".into(),
        "".into(),
    ]);
    for (a, n) in &stats.most_responded_actors {
        table.push(vec![
            "".into(),
            kb.actor(*a).name.as_str().into(),
            n.to_string().into(),
        ]);
    }
    table.push(vec![
        cell("without sources", Role::Header),
        view.without_sources.join(", ").into(),
        view.without_sources.len().to_string().into(),
    ]);
    write_table(&table, format, out, style)
}
