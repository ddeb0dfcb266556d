//! Escaping of KB text for each format it lands in, in one place.
//!
//! Every string that comes from a KB file is hostile until escaped: a summary
//! may hold ANSI escape sequences, right-to-left overrides, quotes or
//! newlines. Each output format has exactly one function here, and writers
//! call it; nothing escapes ad hoc at a call site.

use std::borrow::Cow;

/// Characters that must never reach a terminal raw: C0 and C1 controls (but
/// tab and newline), DEL, and the Unicode bidirectional controls that can
/// reorder what a reader sees.
fn is_terminal_hazard(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal, on one line: controls, newlines and bidi overrides
/// become visible escapes (`\n`, `\u{1b}`), so KB text can neither move the
/// cursor, change colours, nor reorder a line.
///
/// ```
/// assert_eq!(annals::escape::terminal("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
/// ```
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text
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

/// A whole source file for a terminal snippet. Hazards are replaced by a
/// visible character *of the same byte length and one column*, so byte
/// offsets and columns into the text stay valid. Newlines, tabs and carriage
/// returns are kept (the snippet renderer handles them).
pub fn terminal_same_width(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_terminal_hazard(c) && c != '\r') {
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

/// A GitHub Actions workflow-command message: `%`, CR and LF are encoded, and
/// terminal hazards are made visible.
pub fn github_message(text: &str) -> String {
    terminal_keep_newlines(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub Actions workflow-command property value (`file=`, `title=`): as a
/// message, plus `:` and `,`.
pub fn github_property(text: &str) -> String {
    github_message(text).replace(':', "%3A").replace(',', "%2C")
}

fn terminal_keep_newlines(text: &str) -> String {
    text.split('\n')
        .map(|line| terminal(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF,
/// with quotes doubled. A cell that a spreadsheet would run as a formula
/// (first non-blank character `=`, `+`, `-`, `@`, or a leading tab or CR) is
/// prefixed with `'`, so opening the file never executes KB text.
///
/// ```
/// assert_eq!(annals::escape::csv_cell("a,b"), "\"a,b\"");
/// assert_eq!(annals::escape::csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
/// ```
pub fn csv_cell(text: &str) -> String {
    let first = text.trim_start_matches(' ').chars().next();
    let risky = matches!(first, Some('=' | '+' | '-' | '@')) || text.starts_with(['\t', '\r']);
    let text: Cow<'_, str> = if risky {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.into_owned()
    }
}

/// A Markdown table cell: Markdown and HTML syntax is backslash-escaped,
/// pipes cannot end the cell, and line breaks become spaces.
pub fn markdown_cell(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
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
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("  @SUM(A1)"), "'  @SUM(A1)");
        assert_eq!(csv_cell("-"), "'-");
        assert_eq!(csv_cell("2024-06-14"), "2024-06-14");
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
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(' '),
            c if is_terminal_hazard(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
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
