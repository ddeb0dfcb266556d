//! Escaping of KB text for each format it lands in, in one place.
//!
//! Every string that comes from a KB file is hostile until escaped: a summary
//! may hold ANSI escape sequences, right-to-left overrides, quotes or
//! newlines. Each output format has exactly one function here, and writers
//! call it; nothing escapes ad hoc at a call site.

use std::borrow::Cow;
use std::io::{self, Write};

/// Characters that must never reach a terminal raw: C0 and C1 controls (but
/// tab and newline), DEL, and the Unicode bidirectional controls that can
/// reorder what a reader sees.
fn is_terminal_hazard(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Whether `text` is printable ASCII only (space to `~`): what most KB text
/// is, told in one pass over its bytes instead of testing each character
/// for controls and bidi marks.
fn is_printable_ascii(text: &str) -> bool {
    // A fold without an early exit, so that it is vectorised: KB text is
    // short, and a scan to its end costs less than a branch per byte.
    text.bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(b' ') <= b'~' - b' '))
}

/// Text for a terminal, on one line: controls, newlines and bidi overrides
/// become visible escapes (`\n`, `\u{1b}`), so KB text can neither move the
/// cursor, change colours, nor reorder a line.
///
/// ```
/// assert_eq!(annals::escape::terminal("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
/// ```
pub fn terminal(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text)
        || !text
            .chars()
            .any(|c| is_terminal_hazard(c) || c == '\n' || c == '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_terminal_hazard(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// How many characters of an over-long value a message shows.
const SHOWN_CHARS: usize = 60;

/// A value for a message: terminal-safe, and cut after 60 characters with
/// the full length said (`xxxx… (5,000,000 characters)`), so a 5 MB id
/// cannot make 5 MB of diagnostics.
///
/// ```
/// let long = "x".repeat(100);
/// assert_eq!(annals::escape::shown(&long), format!("{}… (100 characters)", "x".repeat(60)));
/// assert_eq!(annals::escape::shown("a\u{1b}b"), "a\\u{1b}b");
/// ```
pub fn shown(text: &str) -> String {
    terminal(&cut(text)).into_owned()
}

/// A path for a message, as [`shown`].
pub fn shown_path(path: &std::path::Path) -> String {
    shown(&path.to_string_lossy())
}

/// `text` cut after 60 characters, with its full length said.
fn cut(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(SHOWN_CHARS) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!(
            "{}… ({} characters)",
            &text[..end],
            thousands(text.chars().count())
        )),
    }
}

/// Cuts every over-long value quoted in backticks in a message (``…`id`…``),
/// and a message that is over-long as a whole. Diagnostics pass their texts
/// through this once, so no check has to remember to.
pub fn cut_quoted(message: &str) -> Cow<'_, str> {
    const MAX_MESSAGE: usize = 2_000;
    if message.len() <= SHOWN_CHARS + 2 {
        return Cow::Borrowed(message);
    }
    let parts: Vec<&str> = message.split('`').collect();
    let quoted_too_long = parts
        .iter()
        .skip(1)
        .step_by(2)
        .any(|p| p.chars().nth(SHOWN_CHARS).is_some());
    let out: Cow<'_, str> = if quoted_too_long && parts.len() % 2 == 1 {
        let mut out = String::with_capacity(message.len().min(MAX_MESSAGE));
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 0 {
                out.push_str(part);
                continue;
            }
            out.push('`');
            match part.char_indices().nth(SHOWN_CHARS) {
                Some((end, _)) => {
                    out.push_str(&part[..end]);
                    out.push_str("…` (");
                    out.push_str(&thousands(part.chars().count()));
                    out.push_str(" characters)");
                }
                None => {
                    out.push_str(part);
                    out.push('`');
                }
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(message)
    };
    if out.len() > MAX_MESSAGE {
        Cow::Owned(cut_at(&out, MAX_MESSAGE))
    } else {
        out
    }
}

/// `text` cut at about `bytes`, at a character boundary, with its length said.
fn cut_at(text: &str, bytes: usize) -> String {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} characters)",
        &text[..end],
        thousands(text.chars().count())
    )
}

/// `5000000` as `5,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Characters JSON output always writes as `\uXXXX` escapes, though JSON
/// would allow them raw: C1 controls (a terminal obeys U+009B as ESC `[`),
/// bidi controls (they reorder what a reader sees), and the line and
/// paragraph separators (JavaScript string literals break on them). The
/// escapes decode to the same text.
fn is_json_hazard(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// How an [`Escaping`] writer rewrites the text passing through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// JSON text: C1 controls, bidi controls and U+2028/2029 become `\u009b`. Only
    /// strings can hold such characters, so the JSON stays valid.
    Json,
    /// Data shown on a terminal (CSV): control and bidi characters other
    /// than line breaks and tabs become visible `\u{1b}` escapes.
    Terminal,
}

impl Stream {
    fn hazard(self, c: char) -> bool {
        match self {
            Stream::Json => is_json_hazard(c),
            Stream::Terminal => is_terminal_hazard(c) && c != '\r',
        }
    }

    fn write_escape(self, out: &mut dyn Write, c: char) -> io::Result<()> {
        match self {
            Stream::Json => write!(out, "\\u{:04x}", c as u32),
            Stream::Terminal => write!(out, "\\u{{{:x}}}", c as u32),
        }
    }
}

/// A writer that escapes hazardous characters on their way to `inner`
/// (see [`Stream`]). Characters split across two writes are handled.
///
/// ```
/// use std::io::Write;
/// let mut out = Vec::new();
/// let mut w = annals::escape::Escaping::new(&mut out, annals::escape::Stream::Json);
/// w.write_all("\"a\u{202e}b\"".as_bytes()).unwrap();
/// w.flush().unwrap();
/// drop(w);
/// assert_eq!(out, br#""a\u202eb""#);
/// ```
pub struct Escaping<W: Write> {
    inner: W,
    stream: Stream,
    /// The start of a character whose other bytes have not come yet.
    pending: Vec<u8>,
}

impl<W: Write> Escaping<W> {
    pub fn new(inner: W, stream: Stream) -> Escaping<W> {
        Escaping {
            inner,
            stream,
            pending: Vec::new(),
        }
    }

    /// Whether a byte may start a hazard of this stream.
    fn may_start_hazard(&self, b: u8) -> bool {
        match self.stream {
            // C1 controls are C2 80..9F; the others start with E2.
            Stream::Json => b == 0xC2 || b == 0xE2,
            Stream::Terminal => b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2,
        }
    }

    fn write_escaped(&mut self, data: &[u8]) -> io::Result<()> {
        let mut from = 0;
        let mut i = 0;
        while i < data.len() {
            // JSON output can be hundreds of megabytes: jump to the next
            // byte that may start a hazard.
            if self.stream == Stream::Json {
                match memchr::memchr2(0xC2, 0xE2, &data[i..]) {
                    Some(n) => i += n,
                    None => break,
                }
            }
            let b = data[i];
            if !self.may_start_hazard(b) {
                i += 1;
                continue;
            }
            let len = match b {
                0xC2 => 2,
                0xE2 => 3,
                _ => 1,
            };
            if i + len > data.len() {
                self.inner.write_all(&data[from..i])?;
                self.pending.extend_from_slice(&data[i..]);
                return Ok(());
            }
            let c = std::str::from_utf8(&data[i..i + len])
                .ok()
                .and_then(|s| s.chars().next());
            match c {
                Some(c) if self.stream.hazard(c) => {
                    self.inner.write_all(&data[from..i])?;
                    self.stream.write_escape(&mut self.inner, c)?;
                    i += len;
                    from = i;
                }
                _ => i += 1,
            }
        }
        self.inner.write_all(&data[from..])
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.write_escaped(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.write_escaped(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }
}

impl<W: Write> Escaping<W> {
    /// Writes the start of a character still pending, without flushing the
    /// writer underneath: one record of many written into a buffered stream
    /// must not cost a flush (a system call, on stdout) each.
    pub fn finish(mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.inner.write_all(&rest)
    }
}

impl<W: Write> Drop for Escaping<W> {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            let _ = self.inner.write_all(&rest);
        }
    }
}

/// Serializes `value` as JSON (pretty when asked) with the hazards of
/// [`Stream::Json`] escaped: every JSON annals writes goes through here.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    // serde_json writes many small pieces: gather them before they are
    // scanned, so the scan runs over large chunks.
    let mut safe = io::BufWriter::with_capacity(8 << 10, Escaping::new(&mut *out, Stream::Json));
    if pretty {
        serde_json::to_writer_pretty(&mut safe, value)?;
    } else {
        serde_json::to_writer(&mut safe, value)?;
    }
    // Written through, not flushed: whoever owns `out` flushes it once.
    safe.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .finish()
}

/// A whole source file for a terminal snippet. Hazards are replaced by a
/// visible character *of the same byte length and one column*, so byte
/// offsets and columns into the text stay valid. Newlines, tabs and carriage
/// returns are kept (the snippet renderer handles them).
pub fn terminal_same_width(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text) || !text.chars().any(|c| is_terminal_hazard(c) && c != '\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c == '\r' || !is_terminal_hazard(c) {
                    c
                } else {
                    match c.len_utf8() {
                        1 => '?',
                        2 => '\u{bf}',   // ¿
                        _ => '\u{fffd}', // �, three bytes like every hazard this wide
                    }
                }
            })
            .collect(),
    )
}

/// A GitHub Actions workflow-command message, encoded as the runner
/// decodes it: `%` as `%25`, CR as `%0D`, LF as `%0A`, so a line break in KB
/// text can never start a forged command. Other controls and bidi
/// overrides are made visible (`\u{1b}`): the message is shown in the log
/// and on the pull request, where they would recolour or reorder it.
///
/// ```
/// assert_eq!(annals::escape::github_message("50%\r\n::error::x"), "50%25%0D%0A::error::x");
/// ```
pub fn github_message(text: &str) -> String {
    github(text, false)
}

/// A GitHub Actions workflow-command property value (`file=`, `title=`):
/// exactly GitHub's encoding (`%`, CR, LF, `:`, `,`) and nothing else, so
/// `file=` names the real file whatever characters its name holds.
///
/// ```
/// assert_eq!(annals::escape::github_property("kb/a,b:c\t.ron"), "kb/a%2Cb%3Ac\t.ron");
/// ```
pub fn github_property(text: &str) -> String {
    github(text, true)
}

/// GitHub's workflow-command encoding: of a property value, or of a
/// message (whose hazards are shown).
fn github(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if !property && is_terminal_hazard(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record written into a stream is written through but not flushed:
    /// JSON Lines of 200,000 records to stdout had cost a system call each.
    #[test]
    fn json_records_are_written_through_without_a_flush_each() {
        struct Counting {
            bytes: Vec<u8>,
            flushes: usize,
        }
        impl Write for Counting {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.bytes.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                self.flushes += 1;
                Ok(())
            }
        }
        let mut out = Counting {
            bytes: Vec::new(),
            flushes: 0,
        };
        for text in ["a\u{1b}b", "é", "\u{202e}"] {
            write_json(&mut out, &[text], false).unwrap();
        }
        assert_eq!(out.flushes, 0);
        assert_eq!(
            String::from_utf8(out.bytes).unwrap(),
            r#"["a\u001bb"]["é"]["\u202e"]"#
        );
    }

    #[test]
    fn json_streams_escape_c1_bidi_and_separators_even_when_split() {
        let text = "{\"a\":\"x\u{9b}y\u{202e}z\u{2028}\u{1b}é—\"}";
        for split in 0..text.len() {
            let mut out = Vec::new();
            let mut w = Escaping::new(&mut out, Stream::Json);
            w.write_all(&text.as_bytes()[..split]).unwrap();
            w.write_all(&text.as_bytes()[split..]).unwrap();
            w.flush().unwrap();
            drop(w);
            let out = String::from_utf8(out).unwrap();
            assert_eq!(
                out, "{\"a\":\"x\\u009by\\u202ez\\u2028\u{1b}é—\"}",
                "split at {split}"
            );
        }
    }

    #[test]
    fn terminal_streams_make_controls_visible_but_keep_line_ends() {
        let mut out = Vec::new();
        let mut w = Escaping::new(&mut out, Stream::Terminal);
        w.write_all("a,\u{1b}]0;x\u{7}\u{9b}\u{202e}\r\n".as_bytes())
            .unwrap();
        drop(w);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\\u{1b}]0;x\\u{7}\\u{9b}\\u{202e}\r\n"
        );
    }

    #[test]
    fn long_quoted_values_are_cut_with_their_length() {
        let id = "x".repeat(5_000_000);
        let message = format!("invalid id `{id}`: not kebab-case");
        let cut = cut_quoted(&message);
        assert_eq!(
            cut,
            format!(
                "invalid id `{}…` (5,000,000 characters): not kebab-case",
                "x".repeat(60)
            )
        );
        assert_eq!(cut_quoted("unknown actor `putn`"), "unknown actor `putn`");
        assert!(cut_quoted(&"y".repeat(10_000)).len() < 2_100);
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }

    #[test]
    fn printable_ascii_passes_as_it_is_and_nothing_else_does() {
        for b in 0u8..=0x7f {
            let text = format!("a{}b", b as char);
            let kept = matches!(terminal(&text), Cow::Borrowed(_));
            assert_eq!(kept, !b.is_ascii_control(), "byte {b:#x}");
            assert_eq!(
                is_printable_ascii(&text),
                !b.is_ascii_control(),
                "byte {b:#x}"
            );
        }
        // Beyond ASCII, the characters are tested one by one.
        assert!(matches!(terminal("Müller-Øster"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(terminal("a\u{85}b"), "a\\u{85}b");
    }

    #[test]
    fn terminal_text_cannot_carry_escapes() {
        let hostile = "x\u{1b}[2J\u{7}\r\u{202e}evil\u{9b}";
        let safe = terminal(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe}");
        assert!(!safe.contains('\u{202e}'));
        assert_eq!(terminal("plain — Bürgenstock"), "plain — Bürgenstock");
    }

    #[test]
    fn same_width_replacement_keeps_offsets() {
        let text = "a\u{1b}b\u{9b}c\u{202e}d\r\n\te";
        let safe = terminal_same_width(text);
        assert_eq!(safe.len(), text.len());
        assert_eq!(safe.chars().count(), text.chars().count());
        assert_eq!(safe, "a?b\u{bf}c\u{fffd}d\r\n\te");
    }

    #[test]
    fn github_values_are_encoded() {
        assert_eq!(github_message("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(github_property("kb/a,b:c.ron"), "kb/a%2Cb%3Ac.ron");
        assert_eq!(github_message("\u{1b}[31m"), "\\u{1b}[31m");
        // A carriage return is GitHub's to decode, not a hazard to show.
        assert_eq!(github_message("a\rb"), "a%0Db");
        assert_eq!(github_property("a\rb"), "a%0Db");
        // A file name keeps every other character, so it names the file.
        let name = "kb/\u{1b}x\u{202e}\u{85}\u{2028}.ron";
        assert_eq!(github_property(name), name);
    }
}

/// What CSV cells hold: the text exactly (for DuckDB, pandas, `COPY`), or
/// the text made safe to open in a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    /// The text as it is: `-5% growth` stays `-5% growth`.
    Exact,
    /// A cell a spreadsheet would run as a formula gets a leading `'`.
    Safe,
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF,
/// with quotes doubled. With [`Cells::Safe`], a cell that a spreadsheet
/// would run as a formula (first non-blank character `=`, `+`, `-`, `@`,
/// or a leading tab or CR) is prefixed with `'`, so opening the file never
/// executes KB text.
///
/// ```
/// use annals::escape::{csv_cell, Cells};
/// assert_eq!(csv_cell("a,b", Cells::Exact), "\"a,b\"");
/// assert_eq!(csv_cell("=1+1", Cells::Exact), "=1+1");
/// assert_eq!(csv_cell("=HYPERLINK(\"x\")", Cells::Safe), "\"'=HYPERLINK(\"\"x\"\")\"");
/// ```
pub fn csv_cell(text: &str, cells: Cells) -> Cow<'_, str> {
    let first = text.trim_start_matches(' ').chars().next();
    let risky = cells == Cells::Safe
        && (matches!(first, Some('=' | '+' | '-' | '@')) || text.starts_with(['\t', '\r']));
    let text: Cow<'_, str> = if risky {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        text
    }
}

/// `text` for a URL's path: ASCII letters, digits and the bytes in `keep`
/// as they are, every other byte as `%XX`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` on one line: line breaks and tabs become spaces.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A Markdown table cell: Markdown and HTML syntax is backslash-escaped,
/// pipes cannot end the cell, and line breaks become spaces.
pub fn markdown_cell(text: &str) -> String {
    let flat = one_line(text);
    let mut out = String::with_capacity(flat.len());
    for c in terminal(&flat).chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod table_cell_tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised_when_safe() {
        let safe = |t: &str| csv_cell(t, Cells::Safe).into_owned();
        assert_eq!(safe("plain"), "plain");
        assert_eq!(safe("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(safe("two\nlines"), "\"two\nlines\"");
        assert_eq!(safe("+1"), "'+1");
        assert_eq!(safe("  @SUM(A1)"), "'  @SUM(A1)");
        assert_eq!(safe("-"), "'-");
        assert_eq!(safe("2024-06-14"), "2024-06-14");
        // Exact cells are the text, quoted only as RFC 4180 needs.
        let exact = |t: &str| csv_cell(t, Cells::Exact).into_owned();
        assert_eq!(exact("-5% growth"), "-5% growth");
        assert_eq!(exact("-1985"), "-1985");
        assert_eq!(exact("=1+1"), "=1+1");
        assert_eq!(exact("\t@x,y"), "\"\t@x,y\"");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(markdown_cell("a | b"), "a \\| b");
        assert_eq!(markdown_cell("<script>"), "\\<script\\>");
        assert_eq!(markdown_cell("x\ny"), "x y");
    }
}

/// A DOT quoted string, quotes included: `\` and `"` are backslash-escaped,
/// a line break becomes DOT's `\n` (centred line), other control characters
/// and bidi overrides are dropped. graphviz-rust quotes nothing itself.
///
/// ```
/// assert_eq!(annals::escape::dot_quoted("say \"hi\"\n\\"), r#""say \"hi\"\n\\""#);
/// ```
pub fn dot_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if is_terminal_hazard(c) || c == '\t' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A RON string literal: quotes and backslashes escaped, line breaks and tabs as
/// `\n`, `\r`, `\t`, other control characters as `\u{..}`; everything
/// else as written.
///
/// ```
/// assert_eq!(annals::escape::ron_string("a \"b\"\n\u{1b}"), r#""a \"b\"\n\u{1b}""#);
/// ```
pub fn ron_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The entity XML writes for one of its markup characters.
fn xml_entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&apos;",
        _ => return None,
    })
}

/// XML (and SVG) character data and attribute values: `&`, `<`, `>`, `"`
/// and `'` become entities; characters XML 1.0 forbids (most C0 controls)
/// and bidi overrides are dropped.
///
/// ```
/// assert_eq!(annals::escape::xml("<a href='x'>&</a>"), "&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;");
/// ```
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some(entity) = xml_entity(c) {
            out.push_str(entity);
            continue;
        }
        match c {
            '\n' | '\t' => out.push(' '),
            c if is_terminal_hazard(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

/// XML character data for a data file (GraphML), exactly: as [`xml`], but
/// line breaks and tabs are kept as character references (`&#10;`), and
/// C1 controls, bidi controls and line/paragraph separators are written as
/// references (`&#x202E;`), which a parser reads back and a viewer of the
/// raw file does not obey. Only what XML 1.0 cannot hold at all (the other
/// C0 controls, U+FFFE, U+FFFF) is dropped.
///
/// ```
/// assert_eq!(annals::escape::xml_data("a\nb\u{202e}<"), "a&#10;b&#x202E;&lt;");
/// ```
pub fn xml_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some(entity) = xml_entity(c) {
            out.push_str(entity);
            continue;
        }
        match c {
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c if is_terminal_hazard(c) || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("&#x{:X};", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Mermaid label text: letters, digits, spaces and plain punctuation stay;
/// everything else (quotes, brackets, `:`, `;`, `#`, `<`, control and bidi
/// characters) becomes a numeric entity code (`#34;`), which Mermaid renders
/// as the character but never parses as syntax. Line breaks become spaces.
///
/// ```
/// assert_eq!(annals::escape::mermaid("a \"b\" [c]: (d)"), "a #34;b#34; #91;c#93;#58; (d)");
/// ```
pub fn mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_terminal_hazard(c) => {}
            c if c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '.' | ',' | '!' | '?' | '\'' | '-' | '/' | '(' | ')' | '’' | '—' | '–'
                ) =>
            {
                out.push(c)
            }
            c => out.push_str(&format!("#{};", c as u32)),
        }
    }
    out
}
