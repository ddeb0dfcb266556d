//! Reading one file and parsing it as RON, turning every failure into a
//! positioned problem: size, encoding, syntax and type errors.
//!
//! Runs on any thread; it knows nothing of other files. A file that fails
//! yields its problems and no document, and never stops other files.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::items;
use super::raw::{BrokenItem, RawActor, RawDoc, RawEvent, RawSettings, RawStatement};
use super::spanned::{parse_slice_with_spans, parse_with_spans};
use crate::diag::Code;
use crate::model::{Limits, NodeKind};
use crate::source_map::strip_bom;
use crate::suggest;

/// A document a file holds, and how it is parsed.
pub trait Document: DeserializeOwned {
    /// Parses `text`, reporting every problem found.
    fn parse(text: &str, limits: &Limits, problems: &mut Vec<FileProblem>) -> Option<Self>;
}

impl Document for RawSettings {
    fn parse(text: &str, limits: &Limits, problems: &mut Vec<FileProblem>) -> Option<Self> {
        parse_whole(text, limits, problems)
    }
}

impl Document for RawDoc {
    /// Item by item: a mistake loses its own item only (see `items`).
    fn parse(text: &str, limits: &Limits, problems: &mut Vec<FileProblem>) -> Option<Self> {
        let Some(split) = items::split(text) else {
            return parse_whole(text, limits, problems);
        };
        problems.extend(split.problems);
        let mut doc = RawDoc::default();
        for (kind, ranges) in split.lists {
            // The items of a file in parallel, in their order: a file
            // changed in an editor is parsed on every core.
            let parsed: Vec<_> = ranges
                .into_par_iter()
                .with_min_len(64)
                .map(|range| {
                    let item = match kind {
                        NodeKind::Actor => {
                            parse_item::<RawActor>(text, &range, kind, limits).map(Item::Actor)
                        }
                        NodeKind::Event => {
                            parse_item::<RawEvent>(text, &range, kind, limits).map(Item::Event)
                        }
                        NodeKind::Statement => {
                            parse_item::<RawStatement>(text, &range, kind, limits)
                                .map(Item::Statement)
                        }
                    };
                    (range, item)
                })
                .collect();
            match kind {
                NodeKind::Actor => doc.actors.reserve_exact(parsed.len()),
                NodeKind::Event => doc.events.reserve_exact(parsed.len()),
                NodeKind::Statement => doc.statements.reserve_exact(parsed.len()),
            }
            for (range, item) in parsed {
                match item {
                    Ok(Item::Actor(a)) => doc.actors.push(a),
                    Ok(Item::Event(e)) => doc.events.push(e),
                    Ok(Item::Statement(s)) => doc.statements.push(s),
                    Err(problem) => {
                        problems.push(problem);
                        let (id, names) = items::salvage(&text[range.clone()]);
                        let id = id.map(|r| {
                            text[range.start + r.start + 1..range.start + r.end - 1].to_owned()
                        });
                        doc.broken.push(BrokenItem { id, names });
                    }
                }
            }
        }
        Some(doc)
    }
}

/// One item of a KB file, parsed.
enum Item {
    Actor(RawActor),
    Event(RawEvent),
    Statement(RawStatement),
}

/// Parses a whole text as one `T`.
fn parse_whole<T: DeserializeOwned>(
    text: &str,
    limits: &Limits,
    problems: &mut Vec<FileProblem>,
) -> Option<T> {
    match parse_with_spans::<T>(text, limits.max_nesting) {
        Ok(value) => Some(value),
        Err(failure) => {
            problems.push(describe(text, &failure.error, failure.inner, limits));
            None
        }
    }
}

/// Parses one item of a file, its problem placed in the file and naming the
/// item where that helps (a missing field).
fn parse_item<T: DeserializeOwned>(
    text: &str,
    range: &Range<usize>,
    kind: NodeKind,
    limits: &Limits,
) -> Result<T, FileProblem> {
    // An item sits two levels deep in its file (`Kb(`, `[`): the limit
    // counts from the top of the file.
    let depth = limits.max_nesting.saturating_sub(2).max(1);
    let failure = match parse_slice_with_spans::<T>(text, range.clone(), depth) {
        Ok(value) => return Ok(value),
        Err(failure) => failure,
    };
    let slice = &text[range.clone()];
    let inner = failure.inner.map(|(e, r)| {
        (
            e,
            r.start.saturating_sub(range.start)..r.end.saturating_sub(range.start),
        )
    });
    let mut problem = describe(slice, &failure.error, inner, limits);
    if let ron::Error::MissingStructField { field, outer } = &failure.error.code {
        let (id, _) = items::salvage(slice);
        let item_name = match kind {
            NodeKind::Actor => "Actor",
            NodeKind::Event => "Event",
            NodeKind::Statement => "Statement",
        };
        let named = id
            .as_ref()
            .map(|r| format!("{} `{}`", kind.as_str(), &slice[r.start + 1..r.end - 1]))
            .unwrap_or_else(|| format!("this {}", kind.as_str()));
        if outer.as_deref() == Some(item_name) {
            problem.message = format!("{named} has no `{field}`");
            problem.range = id.unwrap_or(0..super::parse::token_len(slice));
        } else {
            problem.message = format!("{} (in {named})", problem.message);
        }
        if let Some(help) = field_help(field) {
            problem.help = Some(format!("add it: `{field}` takes {help}"));
        }
    } else if problem.code == Code::WrongType {
        if let Some(field) = field_before(slice, problem.range.start) {
            if let Some(help) = field_help(field) {
                problem.help = Some(format!("`{field}` takes {help}"));
            }
        }
    }
    problem.range = problem.range.start + range.start..problem.range.end + range.start;
    Err(problem)
}

/// The name of the field whose value holds `at`: `by` in `by: [..]`, and
/// `participants` for an element of `participants: [..]`.
pub(crate) fn field_before(text: &str, at: usize) -> Option<&str> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (at.min(b.len()), 0usize);
    while i > 0 {
        i -= 1;
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'{' if depth == 0 => return None,
            b'(' | b'{' | b'[' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                let before = text[..i].trim_end();
                let start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |n| n + 1);
                return Some(&before[start..]).filter(|f| !f.is_empty());
            }
            _ => {}
        }
    }
    None
}

/// What a field takes, with an example in RON.
fn field_help(field: &str) -> Option<String> {
    let text = [
        "name", "summary", "title", "note", "place", "text", "url", "lang",
    ];
    if text.contains(&field) {
        return Some(format!("text in quotes: `{field}: \"…\"`"));
    }
    Some(String::from(match field {
        "id" => "an id in quotes: `id: \"putin-peace-offer\"`",
        "by" => "one actor id: `by: \"putin\"`",
        "at" => "one event id: `at: \"summit-2024\"`",
        "part_of" => "one id: `part_of: \"government-of-ukraine\"`",
        "of" => "one institution's id: `of: \"nato\"`",
        "outlet" => "one Media actor's id: `outlet: \"tass\"`",
        "date" | "from" | "until" => "a date in quotes: `date: \"2024-06-14\"`",
        "participants" => "a list of actor ids, or `Participant(actor: …, role: Host)` for a role: `participants: [\"putin\", \"lavrov\"]`",
        "about" => "a list of ids: `about: [\"nato\"]`",
        "topics" => "a list of words in quotes: `topics: [\"peace-talks\"]`",
        "aliases" => "a list of names in quotes: `aliases: [\"NATO\"]`",
        "responds_to" => "a list of statement or event ids, or responses: `responds_to: [Response(to: \"putin-peace-offer\", stance: Rejects)]`",
        "sources" => "a list of sources: `sources: [Source(outlet: \"tass\")]`",
        "quotes" => "a list of quotes: `quotes: [Quote(text: \"…\", lang: \"en\")]`",
        "roles" => "a list of roles: `roles: [Role(title: \"Secretary General\", of: \"nato\", from: \"2014-10-01\")]`",
        "kind" => "a kind word, without quotes: `kind: Claim`",
        "stance" => "a stance word, without quotes: `stance: Rejects`",
        "to" => "one statement id: `to: \"putin-peace-offer\"`",
        _ => return None,
    }))
}

/// A problem found in one file, before the file has a `FileId`.
#[derive(Debug, Clone)]
pub struct FileProblem {
    pub code: Code,
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// One file read and parsed.
#[derive(Debug)]
pub struct ParsedFile<T> {
    pub name: String,
    pub path: PathBuf,
    /// The text without a byte-order mark (lossily decoded if not UTF-8).
    pub text: String,
    pub value: Option<T>,
    pub problems: Vec<FileProblem>,
}

/// Reads `path` and parses it as `T`, within `limits`.
pub fn read_and_parse<T: Document>(path: &Path, name: String, limits: &Limits) -> ParsedFile<T> {
    let mut parsed = ParsedFile {
        name,
        path: path.to_path_buf(),
        text: String::new(),
        value: None,
        problems: Vec::new(),
    };
    match read(path, limits) {
        Ok(bytes) => parse_bytes_into(&mut parsed, bytes, limits),
        Err(problem) => parsed.problems.push(problem),
    }
    parsed
}

/// Reads `path` within the size limit; why it could not be, as a problem
/// at the file's start.
pub fn read(path: &Path, limits: &Limits) -> Result<Vec<u8>, FileProblem> {
    match read_limited(path, limits.max_file_bytes) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(too_large(limits)),
        Err(e) => Err(FileProblem {
            code: Code::UnreadablePath,
            range: 0..0,
            message: format!("cannot read file: {e}"),
            help: None,
        }),
    }
}

/// A file over `limits.max_file_bytes`, read or given.
fn too_large(limits: &Limits) -> FileProblem {
    FileProblem {
        code: Code::FileTooLarge,
        range: 0..0,
        message: format!("file is larger than the limit of {} bytes", limits.max_file_bytes),
        help: Some("split it into several files, or raise `limits: Limits(max_file_bytes: …)` in annals.ron".into()),
    }
}

/// Parses a file's bytes as `T`, within `limits` (the size limit included).
pub fn parse_bytes<T: Document>(
    path: &Path,
    name: String,
    bytes: Vec<u8>,
    limits: &Limits,
) -> ParsedFile<T> {
    let mut parsed = ParsedFile {
        name,
        path: path.to_path_buf(),
        text: String::new(),
        value: None,
        problems: Vec::new(),
    };
    if bytes.len() as u64 > limits.max_file_bytes {
        parsed.problems.push(too_large(limits));
        return parsed;
    }
    parse_bytes_into(&mut parsed, bytes, limits);
    parsed
}

fn parse_bytes_into<T: Document>(parsed: &mut ParsedFile<T>, bytes: Vec<u8>, limits: &Limits) {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            parsed.text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let at = strip_bom_offset(&parsed.text, at);
            parsed.text = strip_bom(std::mem::take(&mut parsed.text));
            parsed.problems.push(FileProblem {
                code: Code::InvalidUtf8,
                range: at..at + 1,
                message: format!("file is not valid UTF-8 (invalid byte at offset {at})"),
                help: Some("save the file as UTF-8".into()),
            });
            return;
        }
    };
    parsed.text = strip_bom(text);
    // Blank or comments only: say so, rather than what ron expected.
    if super::spanned::trivia_len(&parsed.text) == parsed.text.len() {
        let end = parsed.text.len();
        parsed.problems.push(FileProblem {
            code: Code::SyntaxError,
            range: end..end,
            message: "the file holds no `Kb(…)`".into(),
            help: Some(
                "write `Kb(actors: [], events: [], statements: [])`, or delete the file".into(),
            ),
        });
        return;
    }
    parsed.value = T::parse(&parsed.text, limits, &mut parsed.problems);
}

/// The file's bytes, or `None` when it holds more than `max` bytes.
fn read_limited(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Ok(None);
    }
    // Room for exactly the file (and one byte to see it did not grow):
    // letting the buffer double as it fills would waste up to half of it,
    // and the text is kept for the whole run.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

fn strip_bom_offset(text: &str, at: usize) -> usize {
    if text.starts_with('\u{feff}') {
        at.saturating_sub(3)
    } else {
        at
    }
}

/// Byte offset of a 1-based line and character column in `text`.
fn offset(text: &str, pos: ron::error::Position) -> usize {
    let line_start = if pos.line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(pos.line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    text[line_start..line_end]
        .char_indices()
        .nth(pos.col.saturating_sub(1))
        .map_or(line_end, |(i, _)| line_start + i)
}

/// Length of the token at the start of `s`: a string literal, a word, or one
/// character.
pub(crate) fn token_len(s: &str) -> usize {
    if let Some(rest) = s.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return i + 2,
                '\n' => return i + 1,
                _ => escaped = false,
            }
        }
        return s.len();
    }
    let word = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
        .map_or(s.len(), |(i, _)| i);
    if word > 0 {
        word
    } else {
        s.chars().next().map_or(0, char::len_utf8)
    }
}

/// The opening quote of the last string literal that ends before `pos`, if
/// that string spans lines: the usual cause of an "expected comma" error
/// after an unclosed string. Comments are skipped.
fn string_spanning_lines_before(text: &str, pos: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut last) = (0, None);
    while i < pos.min(b.len()) {
        match b[i] {
            b'"' => {
                let open = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                last = Some((open, i.min(b.len())));
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2 + super::spanned::trivia_len(&text[i..]).saturating_sub(2);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let (open, close) = last?;
    // The string must reach up to the error (only blanks between).
    let between = text.get(close + 1..pos)?;
    (text[open..close].contains('\n') && between.trim().is_empty()).then_some(open)
}

/// Turns ron's error into a problem with a code, a message a person can act
/// on, and the range of the offending value.
fn describe(
    text: &str,
    error: &ron::error::SpannedError,
    inner: Option<(ron::Error, Range<usize>)>,
    limits: &Limits,
) -> FileProblem {
    let (code_err, start, end, exact) = match inner {
        Some((code, range)) => (code, range.start, range.end, true),
        None => (
            error.code.clone(),
            offset(text, error.span.start),
            offset(text, error.span.end),
            false,
        ),
    };
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    let token_at = |at: usize| {
        let at = at + super::spanned::trivia_len(&text[at..]);
        at..at + token_len(&text[at..])
    };
    use ron::Error as E;
    let range = match &code_err {
        // Our own leaf errors carry the leaf's exact range.
        E::Message(_) if exact => start..end,
        // ron spans identifiers exactly.
        E::NoSuchStructField { .. }
        | E::DuplicateStructField { .. }
        | E::ExpectedDifferentStructName { .. }
        | E::NoSuchEnumVariant { .. }
            if end > start =>
        {
            start..end
        }
        E::UnclosedBlockComment => {
            let open = text[..end].rfind("/*").unwrap_or(start);
            open..open + 2
        }
        E::ExpectedComma => {
            if let Some(open) = string_spanning_lines_before(text, start) {
                return FileProblem {
                    code: Code::SyntaxError,
                    range: open..open + 1,
                    message: "this string is not closed on its line".into(),
                    help: Some("add the closing `\"`; a string runs until the next `\"`, which here is on a later line".into()),
                };
            }
            token_at(start)
        }
        // For type errors ron's span starts at the whitespace before the
        // value and ends where it begins: point at the value.
        _ => token_at(if end > start { end } else { start }),
    };
    let (code, message, help) = classify(&code_err, limits);
    FileProblem {
        code,
        range,
        message,
        help,
    }
}

fn classify(error: &ron::Error, limits: &Limits) -> (Code, String, Option<String>) {
    use ron::Error as E;
    let outer = |o: &Option<String>| {
        o.as_deref()
            .map(|o| format!(" in `{o}`"))
            .unwrap_or_default()
    };
    match error {
        E::NoSuchStructField { expected, found, outer: o } => (
            Code::UnknownField,
            format!("unknown field `{found}`{}", outer(&inner_struct(expected).or(o.clone()))),
            suggest::did_you_mean(&suggest::closest(found, expected.iter().copied())).or_else(|| {
                Some(format!(
                    "the fields are: {}",
                    expected.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                ))
            }),
        ),
        E::MissingStructField { field, outer: o } => (
            Code::MissingField,
            format!("missing field `{field}`{}", outer(o)),
            Some(format!("add `{field}: …`")),
        ),
        E::DuplicateStructField { field, outer: o } => (
            Code::DuplicateField,
            format!("field `{field}` is written twice{}", outer(o)),
            Some("keep one of them".into()),
        ),
        E::NoSuchEnumVariant { expected, found, .. } => (
            Code::UnknownVariant,
            format!("unknown variant `{found}`"),
            suggest::did_you_mean(&suggest::closest(found, expected.iter().copied())),
        ),
        E::ExpectedDifferentStructName { expected, found } => (
            Code::WrongType,
            format!("expected `{expected}(…)`, found `{found}(…)`"),
            Some(format!("write `{expected}(…)`")),
        ),
        E::ExceededRecursionLimit => (
            Code::NestingTooDeep,
            format!("brackets nest deeper than {} levels", limits.max_nesting),
            Some("a KB file needs only a few levels; look for unclosed or repeated brackets".into()),
        ),
        E::Message(m) => (Code::WrongType, m.clone(), None),
        E::InvalidValueForType { .. }
        | E::ExpectedString
        | E::ExpectedArray
        | E::ExpectedMap
        | E::ExpectedBoolean
        | E::ExpectedInteger
        | E::ExpectedFloat
        | E::ExpectedStructLike
        | E::ExpectedNamedStructLike(_)
        | E::ExpectedOption
        | E::ExpectedUnit
        | E::ExpectedChar
        | E::IntegerOutOfBounds
        | E::ExpectedDifferentLength { .. } => (Code::WrongType, lower_first(&error.to_string()), None),
        E::Eof => (
            Code::SyntaxError,
            "unexpected end of file".into(),
            Some("a bracket, parenthesis, string or comment is not closed".into()),
        ),
        E::ExpectedComma => (
            Code::SyntaxError,
            "expected `,` or a closing bracket".into(),
            Some("items and fields are separated by commas; an unclosed string before this point can cause this too".into()),
        ),
        E::UnclosedBlockComment => (
            Code::SyntaxError,
            "unclosed block comment".into(),
            Some("close it with `*/`".into()),
        ),
        E::ExpectedStringEnd => (
            Code::SyntaxError,
            "unclosed string".into(),
            Some("close it with `\"`".into()),
        ),
        E::TrailingCharacters => (
            Code::SyntaxError,
            "unexpected text after the end of the document".into(),
            Some("a file holds one `Kb(…)`; put further items inside its lists".into()),
        ),
        other => (Code::SyntaxError, lower_first(&other.to_string()), None),
    }
}

/// The struct a field list belongs to, for values read in one pass (which
/// ron reports under their enclosing struct's name).
fn inner_struct(expected: &[&str]) -> Option<String> {
    match expected {
        ["to", "stance"] => Some("Response".into()),
        ["text", "lang", "translated"] => Some("Quote".into()),
        _ => None,
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_strings_words_or_single_characters() {
        assert_eq!(token_len("\"a\\\"b\", x"), 6);
        assert_eq!(token_len("Persn, x"), 5);
        assert_eq!(token_len(")"), 1);
        assert_eq!(token_len(""), 0);
        assert_eq!(token_len("\"unclosed\nx"), 9);
    }

    #[test]
    fn positions_convert_to_offsets() {
        let text = "ab\nçd\n";
        assert_eq!(offset(text, ron::error::Position { line: 2, col: 2 }), 5);
        assert_eq!(
            offset(text, ron::error::Position { line: 9, col: 1 }),
            text.len()
        );
    }

    /// Every parsed document is held until the KB is resolved: its lists
    /// and its items' lists hold no room beyond their items.
    #[test]
    fn parsed_lists_hold_no_spare_room() {
        let items: String = (0..5)
            .map(|i| format!("Statement(id: \"s{i}\", by: [\"a\", \"b\"], date: \"2024\", kind: Claim, summary: \"x\", responds_to: [\"s0\"], sources: [Source(outlet: \"m\")], topics: [\"t\"], about: [\"a\"]),\n"))
            .collect();
        let text = format!("Kb(statements: [\n{items}])");
        let mut problems = Vec::new();
        let doc = RawDoc::parse(&text, &Limits::default(), &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(doc.statements.capacity(), 5);
        for s in &doc.statements {
            assert_eq!(s.sources.capacity(), 1);
            assert_eq!(s.responds_to.capacity(), 1);
            assert_eq!(s.topics.capacity(), 1);
            assert_eq!(s.about.capacity(), 1);
            let crate::load::spanned::OneOrMany::Many(by) = &s.by else {
                panic!("two speakers are a list");
            };
            assert_eq!(by.capacity(), 2);
            // Without a title, quotes, verdicts or the like, nothing is
            // allocated for them.
            assert!(s.more.is_none());
        }
    }

    /// A statement's rarer fields are kept together, all of them.
    #[test]
    fn rarer_fields_are_kept_apart() {
        let text = r#"Kb(statements: [Statement(id: "s", by: "a", date: "2024", at: "e", on_behalf_of: "p", kind: Claim, title: "T", summary: "x", quotes: ["q"], verdicts: [Verdict(by: "f", rating: False)], status: Status(kind: Retracted), note: "n")])"#;
        let mut problems = Vec::new();
        let doc = RawDoc::parse(text, &Limits::default(), &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let more = doc.statements[0].more();
        assert_eq!(more.at.as_ref().map(|a| a.value.as_str()), Some("e"));
        assert_eq!(
            more.on_behalf_of.as_ref().map(|a| a.value.as_str()),
            Some("p")
        );
        assert_eq!(more.title.as_deref(), Some("T"));
        assert_eq!(more.quotes.len(), 1);
        assert_eq!(more.verdicts.len(), 1);
        assert!(more.status.is_some());
        assert_eq!(more.note.as_deref(), Some("n"));
    }
}
