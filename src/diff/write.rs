//! Writing a [`Report`]: text for a terminal, Markdown to post on a pull
//! request, JSON, and GitHub annotations on the changed lines. KB text is
//! escaped for each (terminal controls, Markdown, GitHub's workflow
//! commands).

use std::io::{self, Write};

use super::{Change, ItemChange, Report};
use crate::escape;

fn sign(change: Change) -> &'static str {
    match change {
        Change::Added => "+",
        Change::Removed => "-",
        Change::Changed => "~",
        Change::Renamed => ">",
    }
}

fn word(change: Change) -> &'static str {
    match change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed => "changed",
        Change::Renamed => "renamed",
    }
}

/// `3 added, 1 changed` for the items of a report.
fn tally(report: &Report) -> String {
    let counts: Vec<String> = [
        Change::Added,
        Change::Removed,
        Change::Changed,
        Change::Renamed,
    ]
    .into_iter()
    .filter_map(|c| {
        let n = report.items.iter().filter(|i| i.change == c).count();
        (n > 0).then(|| format!("{n} {}", word(c)))
    })
    .collect();
    if counts.is_empty() {
        "no item changed".into()
    } else {
        format!("items: {}", counts.join(", "))
    }
}

/// The headline of an item's change: `+ statement x`, `> statement a → b`.
fn headline(i: &ItemChange) -> String {
    match &i.renamed_from {
        Some(old) => format!("{} {} {} → {}", sign(i.change), i.kind, old, i.id),
        None => format!("{} {} {}", sign(i.change), i.kind, i.id),
    }
}

fn stance(s: Option<crate::model::Stance>) -> String {
    s.map_or_else(String::new, |s| s.to_string())
}

/// Plain text (escaped for a terminal by the caller's writer).
pub fn text(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out, "{} → {}: {}", report.base, report.head, tally(report))?;
    errors(out, report, "")?;
    for i in &report.items {
        writeln!(out, "{}  ({}:{})", headline(i), i.file, i.line)?;
        for f in &i.fields {
            match (&f.before, &f.after) {
                (Some(b), Some(a)) => writeln!(out, "    {}: {b} → {a}", f.field)?,
                (Some(b), None) => writeln!(out, "    - {}: {b}", f.field)?,
                (None, Some(a)) => writeln!(out, "    + {}: {a}", f.field)?,
                (None, None) => {}
            }
        }
    }
    if !report.responses.is_empty() {
        writeln!(out, "responses:")?;
        for r in &report.responses {
            let stances = match r.change {
                Change::Changed => format!("{} → {}", stance(r.before), stance(r.after)),
                _ => stance(r.after.or(r.before)),
            };
            writeln!(out, "{} {} → {} ({stances})", sign(r.change), r.from, r.to)?;
        }
    }
    if !report.who_responded.is_empty() {
        writeln!(out, "who responded to whom (links):")?;
        for p in &report.who_responded {
            writeln!(
                out,
                "  {} → {}: {} → {}",
                p.responder, p.target, p.before, p.after
            )?;
        }
    }
    Ok(())
}

fn errors(out: &mut dyn Write, report: &Report, bullet: &str) -> io::Result<()> {
    for (side, list) in [
        (&report.base, &report.base_errors),
        (&report.head, &report.head_errors),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(
            out,
            "{bullet}{side} has {} error{} (what did not load is not compared):",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        )?;
        for e in list.iter().take(10) {
            writeln!(out, "{bullet}  {e}")?;
        }
        if list.len() > 10 {
            writeln!(out, "{bullet}  … and {} more", list.len() - 10)?;
        }
    }
    Ok(())
}

/// RON in Markdown: a code span no backtick inside can close, on one line,
/// terminal controls escaped; in a table, `|` cannot end the cell.
fn code_in(text: &str, table: bool) -> String {
    let mut flat = escape::one_line(&escape::terminal(text));
    if table {
        flat = flat.replace('|', "\\|");
    }
    let ticks = "`".repeat(longest_run(&flat, '`') + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{flat}{pad}{ticks}")
}

fn code(text: &str) -> String {
    code_in(text, false)
}

fn cell(text: &str) -> String {
    code_in(text, true)
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Markdown, to post as a pull-request comment.
pub fn markdown(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "### annals diff: {} → {}\n\n{}\n",
        escape::markdown_cell(&report.base),
        escape::markdown_cell(&report.head),
        tally(report)
    )?;
    if !report.base_errors.is_empty() || !report.head_errors.is_empty() {
        let mut buffer = Vec::new();
        errors(&mut buffer, report, "> ")?;
        for line in String::from_utf8_lossy(&buffer).lines() {
            writeln!(out, "{}", escape::markdown_cell(line))?;
        }
        writeln!(out)?;
    }
    for i in &report.items {
        let what = match &i.renamed_from {
            Some(old) => format!("{} {} → {}", i.kind, code(old), code(&i.id)),
            None => format!("{} {}", i.kind, code(&i.id)),
        };
        writeln!(
            out,
            "- **{}** {what} ({})",
            word(i.change),
            code(&format!("{}:{}", i.file, i.line))
        )?;
        for f in &i.fields {
            let change = match (&f.before, &f.after) {
                (Some(b), Some(a)) => format!("{} → {}", code(b), code(a)),
                (Some(b), None) => format!("{} (removed)", code(b)),
                (None, Some(a)) => code(a),
                (None, None) => String::new(),
            };
            writeln!(out, "  - {}: {change}", code(&f.field))?;
        }
    }
    if !report.responses.is_empty() {
        writeln!(
            out,
            "\n**Responses**\n\n| | from | to | stance |\n|---|---|---|---|"
        )?;
        for r in &report.responses {
            let stances = match r.change {
                Change::Changed => format!("{} → {}", stance(r.before), stance(r.after)),
                _ => stance(r.after.or(r.before)),
            };
            writeln!(
                out,
                "| {} | {} | {} | {stances} |",
                word(r.change),
                cell(&r.from),
                cell(&r.to)
            )?;
        }
    }
    if !report.who_responded.is_empty() {
        writeln!(
            out,
            "\n**Who responded to whom** (links)\n\n| responder | target | before | after |\n|---|---|---:|---:|"
        )?;
        for p in &report.who_responded {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&p.responder),
                cell(&p.target),
                p.before,
                p.after
            )?;
        }
    }
    Ok(())
}

/// JSON: one document, schema `annals-diff/1` (docs/schema/diff.json).
pub fn json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    escape::write_json(out, report, true)?;
    writeln!(out)
}

/// GitHub workflow commands: a notice on the line of each added, changed or
/// renamed item, and one for each removed item (on the file it was in).
pub fn github(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    for side in [&report.base_errors, &report.head_errors] {
        for e in side {
            writeln!(
                out,
                "::warning title=annals diff::{}",
                escape::github_message(e)
            )?;
        }
    }
    for i in &report.items {
        let mut message = headline(i);
        for f in &i.fields {
            if let (Some(b), Some(a)) = (&f.before, &f.after) {
                message.push_str(&format!("\n{}: {b} → {a}", f.field));
            }
        }
        let title = format!("{} {}", i.kind, word(i.change));
        if i.change == Change::Removed {
            writeln!(
                out,
                "::notice file={},title={}::{}",
                escape::github_property(&i.file),
                escape::github_property(&title),
                escape::github_message(&format!("{message} (was at line {})", i.line))
            )?;
        } else {
            writeln!(
                out,
                "::notice file={},line={},title={}::{}",
                escape::github_property(&i.file),
                i.line,
                escape::github_property(&title),
                escape::github_message(&message)
            )?;
        }
    }
    Ok(())
}
