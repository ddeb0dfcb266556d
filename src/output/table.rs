//! A table of cells, written as aligned text, CSV or Markdown.

use std::borrow::Cow;
use std::io::{self, Write};

use rayon::prelude::*;
use unicode_width::UnicodeWidthStr;

use super::style::{Role, Style};
use crate::escape;

/// A cell: its text (unescaped KB text, borrowed from the KB where it can
/// be: a million rows' names are not copied to be printed) and how to
/// colour it.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    pub text: Cow<'a, str>,
    pub role: Role,
}

impl From<String> for Cell<'_> {
    fn from(text: String) -> Self {
        cell(text, Role::Plain)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        cell(text, Role::Plain)
    }
}

/// Builds a cell with a role.
pub fn cell<'a>(text: impl Into<Cow<'a, str>>, role: Role) -> Cell<'a> {
    Cell {
        text: text.into(),
        role,
    }
}

/// Rows under named columns.
#[derive(Debug, Clone, Default)]
pub struct Table<'a> {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell<'a>>>,
    /// Columns whose text is cut to this display width in text output.
    pub truncate: Vec<(usize, usize)>,
}

impl<'a> Table<'a> {
    pub fn new(columns: &[&'static str]) -> Table<'a> {
        Table {
            columns: columns.to_vec(),
            ..Table::default()
        }
    }

    pub fn push(&mut self, row: Vec<Cell<'a>>) {
        self.rows.push(row);
    }

    /// In text output, cut column `col` to `width` display columns.
    pub fn truncate(mut self, col: usize, width: usize) -> Table<'a> {
        self.truncate.push((col, width));
        self
    }

    /// Calls `f` with every row in order.
    fn each_row(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        self.rows.iter().try_for_each(|row| f(row))
    }

    /// A cell's text as a terminal shows it in column `i`: escaped, and
    /// cut where the column is.
    fn shown<'c>(&self, i: usize, c: &'c Cell) -> std::borrow::Cow<'c, str> {
        let text = escape::terminal(&c.text);
        match self.truncate.iter().find(|(col, _)| *col == i) {
            Some((_, w)) => std::borrow::Cow::Owned(cut(&text, *w)),
            None => text,
        }
    }

    /// Aligned columns for a terminal, with a header line.
    pub fn write_text(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let mut widths = self.header_widths();
        for row in &self.rows {
            self.measure(row, &mut widths);
        }
        self.write_aligned(&widths, &|f| self.each_row(f), out, style)
    }

    /// Aligned columns of rows made by index (this table's own are not
    /// read), never all held: measured in a first pass on every core (the
    /// widths are the same in any order, and measuring reads each row's
    /// items out of place: a third of `who-responded` at a million rows),
    /// written in order in a second.
    pub fn write_text_indexed(
        &self,
        rows: &Indexed,
        out: &mut dyn Write,
        style: Style,
    ) -> io::Result<()> {
        let widths = (0..rows.len)
            .into_par_iter()
            .fold(
                || self.header_widths(),
                |mut widths, i| {
                    self.measure(&(rows.row)(i), &mut widths);
                    widths
                },
            )
            .reduce(
                || self.header_widths(),
                |a, b| a.into_iter().zip(b).map(|(a, b)| a.max(b)).collect(),
            );
        self.write_aligned(&widths, &|f| rows.each(f), out, style)
    }

    /// The columns' widths before any row: their names'.
    fn header_widths(&self) -> Vec<usize> {
        self.columns.iter().map(|c| c.width()).collect()
    }

    /// Widens `widths` to hold `row` as a terminal shows it.
    fn measure(&self, row: &[Cell], widths: &mut [usize]) {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(self.shown(i, c).width());
        }
    }

    /// Writes the header and `rows` in columns of `widths`.
    fn write_aligned(
        &self,
        widths: &[usize],
        rows: Rows,
        out: &mut dyn Write,
        style: Style,
    ) -> io::Result<()> {
        let last = self.columns.len().saturating_sub(1);
        // Each line made in one buffer, kept from line to line.
        let mut line = String::new();
        let mut write = |row: &[Cell]| {
            line.clear();
            for (i, c) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let t = self.shown(i, c);
                style.paint_into(&mut line, c.role, &t);
                if i != last {
                    line.extend(std::iter::repeat_n(
                        ' ',
                        widths[i].saturating_sub(t.width()),
                    ));
                }
            }
            line.truncate(line.trim_end().len());
            line.push('\n');
            out.write_all(line.as_bytes())
        };
        let header: Vec<Cell> = (self.columns.iter())
            .map(|c| cell(c.to_uppercase(), Role::Header))
            .collect();
        write(&header)?;
        rows(&mut |row| write(row))
    }

    /// RFC 4180 CSV with a header row and CRLF line ends.
    pub fn write_csv(&self, out: &mut dyn Write, cells: escape::Cells) -> io::Result<()> {
        self.write_csv_of(&|f| self.each_row(f), out, cells)
    }

    /// [`Table::write_csv`] of `rows`, written as they are made.
    pub fn write_csv_of(
        &self,
        rows: Rows,
        out: &mut dyn Write,
        cells: escape::Cells,
    ) -> io::Result<()> {
        // Each line made in one buffer, kept from line to line.
        let mut line = String::new();
        let mut write = |texts: &mut dyn Iterator<Item = &str>| {
            line.clear();
            for (i, text) in texts.enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(&escape::csv_cell(text, cells));
            }
            line.push_str("\r\n");
            out.write_all(line.as_bytes())
        };
        write(&mut self.columns.iter().copied())?;
        rows(&mut |row| write(&mut row.iter().map(|c| &*c.text)))
    }

    /// A GitHub-flavoured Markdown table.
    pub fn write_md(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_md_of(&|f| self.each_row(f), out)
    }

    /// [`Table::write_md`] of `rows`, written as they are made.
    pub fn write_md_of(&self, rows: Rows, out: &mut dyn Write) -> io::Result<()> {
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
        rows(&mut |row| {
            let cells: Vec<String> = row.iter().map(|c| escape::markdown_cell(&c.text)).collect();
            writeln!(out, "| {} |", cells.join(" | "))
        })
    }
}

/// A table's rows made on demand: called with `f`, it calls `f` with every
/// row in order (aligned text calls it twice). A query's rows are made one
/// at a time instead of held: a timeline of 200,000 statements as a table
/// took six times the KB.
pub type Rows<'a> = &'a dyn Fn(&mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()>;

/// A table's rows made on demand by index: `row(i)` for each `i` below
/// `len`, so that they can be measured on every core and written in order.
pub struct Indexed<'r, 'k> {
    pub len: usize,
    pub row: &'r (dyn Fn(usize) -> Vec<Cell<'k>> + Sync),
}

impl Indexed<'_, '_> {
    /// Calls `f` with every row in order.
    pub fn each(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        (0..self.len).try_for_each(|i| f(&(self.row)(i)))
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
    fn rows_measured_on_every_core_align_as_rows_measured_in_order() {
        // The widest cell of each column in a different row, far apart,
        // wide characters among them, one column cut.
        let make = |i: usize| -> Vec<Cell<'static>> {
            let wide = |at: usize, text: &str| match i == at {
                true => text.to_owned(),
                false => (i % 97).to_string(),
            };
            vec![
                wide(17, "Путін-Путін-Путін").into(),
                wide(9_000, "東京東京東京").into(),
                wide(4_321, &"x".repeat(80)).into(),
                cell(wide(123, "\u{1b}[31mred"), Role::Date),
            ]
        };
        let head = Table::new(&["a", "b", "c", "d"]).truncate(2, 30);
        let mut held = head.clone();
        for i in 0..10_000 {
            held.push(make(i));
        }
        let mut in_order = Vec::new();
        held.write_text(&mut in_order, Style::default()).unwrap();
        let mut on_cores = Vec::new();
        let rows = Indexed {
            len: 10_000,
            row: &make,
        };
        head.write_text_indexed(&rows, &mut on_cores, Style::default())
            .unwrap();
        assert_eq!(
            String::from_utf8(on_cores).unwrap(),
            String::from_utf8(in_order).unwrap()
        );
    }

    #[test]
    fn cutting_keeps_width_and_marks_the_cut() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
