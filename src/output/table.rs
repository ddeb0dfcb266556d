//! A table of cells, written as aligned text, CSV or Markdown.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::style::{Role, Style};
use crate::escape;

/// A cell: its text (unescaped KB text) and how to colour it.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub role: Role,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            role: Role::Plain,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_owned())
    }
}

/// Builds a cell with a role.
pub fn cell(text: impl Into<String>, role: Role) -> Cell {
    Cell {
        text: text.into(),
        role,
    }
}

/// Rows under named columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// Columns whose text is cut to this display width in text output.
    pub truncate: Vec<(usize, usize)>,
}

impl Table {
    pub fn new(columns: &[&'static str]) -> Table {
        Table {
            columns: columns.to_vec(),
            ..Table::default()
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// In text output, cut column `col` to `width` display columns.
    pub fn truncate(mut self, col: usize, width: usize) -> Table {
        self.truncate.push((col, width));
        self
    }

    /// Aligned columns for a terminal, with a header line.
    pub fn write_text(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let shown: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let text = escape::terminal(&c.text).into_owned();
                        match self.truncate.iter().find(|(col, _)| *col == i) {
                            Some((_, w)) => cut(&text, *w),
                            None => text,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.width()).collect();
        for row in &shown {
            for (i, t) in row.iter().enumerate() {
                widths[i] = widths[i].max(t.width());
            }
        }
        let last = self.columns.len().saturating_sub(1);
        let header: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                pad(
                    &style.paint(Role::Header, &c.to_uppercase()),
                    c.width(),
                    widths[i],
                    i == last,
                )
            })
            .collect();
        writeln!(out, "{}", header.join("  "))?;
        for (row, texts) in self.rows.iter().zip(&shown) {
            let line: Vec<String> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    pad(
                        &style.paint(row[i].role, t),
                        t.width(),
                        widths[i],
                        i == last,
                    )
                })
                .collect();
            writeln!(out, "{}", line.join("  ").trim_end())?;
        }
        Ok(())
    }

    /// RFC 4180 CSV with a header row and CRLF line ends.
    pub fn write_csv(&self, out: &mut dyn Write, cells: escape::Cells) -> io::Result<()> {
        let line = |row: Vec<String>| row.join(",") + "\r\n";
        let header = self.columns.iter().map(|c| escape::csv_cell(c, cells));
        out.write_all(line(header.collect()).as_bytes())?;
        for row in &self.rows {
            out.write_all(
                line(
                    row.iter()
                        .map(|c| escape::csv_cell(&c.text, cells))
                        .collect(),
                )
                .as_bytes(),
            )?;
        }
        Ok(())
    }

    /// A GitHub-flavoured Markdown table.
    pub fn write_md(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "| {} |", self.columns.join(" | "))?;
        writeln!(
            out,
            "|{}|",
            self.columns
                .iter()
                .map(|_| "---")
                .collect::<Vec<_>>()
                .join("|")
        )?;
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| escape::markdown_cell(&c.text)).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        Ok(())
    }
}

fn pad(painted: &str, width: usize, to: usize, last: bool) -> String {
    if last {
        painted.to_owned()
    } else {
        format!("{painted}{}", " ".repeat(to.saturating_sub(width)))
    }
}

/// Cuts text to `max` display columns, ending with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.trim_end().to_owned() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_columns_align_by_display_width() {
        let mut t = Table::new(&["who", "what"]);
        t.push(vec!["Путін".into(), "x".into()]);
        t.push(vec!["NATO chief".into(), "y".into()]);
        let mut out = Vec::new();
        t.write_text(&mut out, Style::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "WHO         WHAT\nПутін       x\nNATO chief  y\n"
        );
    }

    #[test]
    fn cutting_keeps_width_and_marks_the_cut() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
