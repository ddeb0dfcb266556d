//! `annals who-responded` output.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{self, Ref};
use super::style::Role;
use super::table::{cell, Cell, Indexed, Table};
use super::{name, stance_word, write_rows, Format, Style};
use crate::kb::Kb;
use crate::model::{Stance, StatementIx};
use crate::query::who_responded::Pair;
use crate::records::Seq;

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Endpoint<'a> {
    statement: &'a str,
    date: &'a str,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct PairView<'a> {
    responder: Ref<'a>,
    target: Ref<'a>,
    /// Links (one statement answering two is two).
    count: usize,
    first: Endpoint<'a>,
    last: Endpoint<'a>,
    /// Every stance, with zero counts, in a fixed order.
    stances: std::collections::BTreeMap<&'static str, usize>,
    /// Responding statements (added in annals/2).
    statements: usize,
}

fn endpoint(kb: &Kb, ix: StatementIx) -> Endpoint<'_> {
    let s = kb.statement(ix);
    Endpoint {
        statement: &s.id,
        date: s.date.as_str(),
    }
}

/// "3 rejects, 1 disputes".
fn stances(pair: &Pair) -> String {
    pair.stances
        .iter()
        .map(|(s, n)| format!("{n} {}", stance_word(s)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn write(
    kb: &Kb,
    pairs: &[Pair],
    format: Format,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    if format == Format::Json {
        // One pair's view at a time: a million pairs' views held at once
        // took hundreds of megabytes.
        let views = Seq(|| {
            pairs.iter().map(|p| PairView {
                responder: Ref::actor(kb, p.responder),
                target: Ref::node(kb, p.target.node()),
                count: p.count,
                statements: p.statements,
                first: endpoint(kb, p.first),
                last: endpoint(kb, p.last),
                stances: Stance::ALL
                    .iter()
                    .map(|s| (s.as_str(), p.stances.get(*s)))
                    .collect(),
            })
        });
        return json::write(out, &views);
    }
    let text = format == Format::Text;
    let head = if text {
        Table::new(&[
            "responder",
            "",
            "target",
            "statements",
            "links",
            "first",
            "last",
            "stances",
        ])
    } else {
        Table::new(&[
            "responder",
            "responder_name",
            "target",
            "target_name",
            "statements",
            "links",
            "first",
            "last",
            "stances",
        ])
    };
    let rows = Indexed {
        len: pairs.len(),
        row: &|i| row(kb, &pairs[i], text),
    };
    write_rows(&head, &rows, format, out, style)
}

/// A pair's row: in text, eight columns; in CSV and Markdown, nine.
fn row<'k>(kb: &'k Kb, p: &Pair, text: bool) -> Vec<Cell<'k>> {
    let (first, last) = (
        kb.statement(p.first).date.as_str(),
        kb.statement(p.last).date.as_str(),
    );
    if text {
        let dominant = p.stances.dominant();
        vec![
            cell(name(kb, p.responder), Role::Plain),
            "→".into(),
            kb.name_of(p.target.node()).into(),
            p.statements.to_string().into(),
            p.count.to_string().into(),
            cell(first, Role::Date),
            cell(last, Role::Date),
            cell(stances(p), dominant.map_or(Role::Plain, Role::Stance)),
        ]
    } else {
        vec![
            kb.actor(p.responder).id.as_str().into(),
            name(kb, p.responder).into(),
            kb.id_of(p.target.node()).into(),
            kb.name_of(p.target.node()).into(),
            p.statements.to_string().into(),
            p.count.to_string().into(),
            first.into(),
            last.into(),
            stances(p).into(),
        ]
    }
}
