//! Byte positions of values that parsed fine.
//!
//! ron gives positions only for errors. To point a diagnostic at the `"putn"`
//! in `by: "putn"`, leaves that need a position are deserialized as a
//! `&RawValue` borrowed from the file text; its byte offset is its pointer
//! minus the text's start pointer (recorded in a thread-local while
//! [`parse_with_spans`] runs), and the slice is then parsed into the value.
//! This costs a second parse of the leaf only, so it is used on leaves that
//! diagnostics point at (ids, references, dates, kinds), not on free text.
//!
//! Values that admit a shorthand (a response written as a bare id) are parsed
//! from their raw slice with the same options; an error inside keeps its exact
//! position through [`take_inner_error`].

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ops::Range;

use ron::value::RawValue;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

thread_local! {
    /// Start address and length of the text being parsed on this thread.
    static SOURCE: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// The precise position of an error raised inside a nested parse.
    static INNER_ERROR: RefCell<Option<(ron::Error, Range<usize>)>> = const { RefCell::new(None) };
}

/// ron's parser options for KB files: `implicit_some` on, and a nesting limit.
pub fn options(max_nesting: usize) -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(max_nesting)
}

/// Why a file did not parse: ron's error, and the precise position of an
/// error raised inside a nested value, when there was one.
#[derive(Debug)]
pub struct ParseFailure {
    pub error: ron::error::SpannedError,
    pub inner: Option<(ron::Error, Range<usize>)>,
}

/// Parses `text` as `T`, making byte offsets available to [`Spanned`] leaves.
/// An error comes back with a byte range when one is known more precisely
/// than ron's own position (see [`take_inner_error`]).
pub fn parse_with_spans<T: DeserializeOwned>(
    text: &str,
    max_nesting: usize,
) -> Result<T, Box<ParseFailure>> {
    parse_slice_with_spans(text, 0..text.len(), max_nesting)
}

/// Parses the slice `range` of `text` as `T`, with [`Spanned`] leaves
/// placed in the whole text (an item of a file, parsed on its own).
pub fn parse_slice_with_spans<T: DeserializeOwned>(
    text: &str,
    range: Range<usize>,
    max_nesting: usize,
) -> Result<T, Box<ParseFailure>> {
    struct Reset((usize, usize));
    impl Drop for Reset {
        fn drop(&mut self) {
            SOURCE.with(|s| s.set(self.0));
        }
    }
    let previous = SOURCE.with(|s| s.replace((text.as_ptr() as usize, text.len())));
    let _reset = Reset(previous);
    INNER_ERROR.with(|e| e.borrow_mut().take());
    options(max_nesting)
        .from_str::<T>(&text[range])
        .map_err(|error| {
            Box::new(ParseFailure {
                error,
                inner: take_inner_error(),
            })
        })
}

/// The precise position of the last error raised inside a nested parse.
fn take_inner_error() -> Option<(ron::Error, Range<usize>)> {
    INNER_ERROR.with(|e| e.borrow_mut().take())
}

/// Byte offset of `slice` within the text being parsed, if it lies inside it.
pub(crate) fn offset_of(slice: &str) -> Option<usize> {
    let (base, len) = SOURCE.with(Cell::get);
    let at = slice.as_ptr() as usize;
    (base != 0 && at >= base && at + slice.len() <= base + len).then(|| at - base)
}

/// Whether RON reads `c` as whitespace: ron's own set (Unicode's
/// Pattern_White_Space), vertical tab and line separator included, so that
/// whatever loads, `fmt` reads too.
pub(crate) fn is_ron_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\x0B'
            | '\x0C'
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Length of the whitespace at the start of `s`.
pub(crate) fn whitespace_len(s: &str) -> usize {
    s.find(|c| !is_ron_whitespace(c)).unwrap_or(s.len())
}

/// Length of the whitespace and comments at the start of `s`.
pub fn trivia_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        i += whitespace_len(&s[i..]);
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += block_comment_len(&s[i..]);
        } else {
            return i;
        }
    }
}

/// The length of the block comment `s` starts with (they nest in RON), or
/// all of `s` when it does not close.
pub(crate) fn block_comment_len(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// A value and the byte range of its text in the file (without comments
/// before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

/// A byte range in one file in 8 bytes, half a `Range<usize>`: a parsed
/// KB holds several for every statement until it is resolved. Offsets
/// past 4 GiB are held at the largest `u32`, as [`Span`](crate::source_map::Span)
/// holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    /// How many bytes it covers.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether it covers nothing.
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
}

impl From<Range<usize>> for TextRange {
    fn from(range: Range<usize>) -> TextRange {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        TextRange {
            start: clamp(range.start),
            end: clamp(range.end.max(range.start)),
        }
    }
}

impl From<TextRange> for Range<usize> {
    fn from(range: TextRange) -> Range<usize> {
        range.start as usize..range.end as usize
    }
}

/// Fails a leaf with `message`, recording the leaf's exact range (ron itself
/// would place a custom error after the value).
fn fail<E: serde::de::Error>(range: Range<usize>, message: String) -> E {
    INNER_ERROR
        .with(|slot| *slot.borrow_mut() = Some((ron::Error::Message(message.clone()), range)));
    E::custom(message)
}

/// The raw text of the value being deserialized, with its byte range.
fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<(&'de str, Range<usize>), D::Error> {
    let raw: &'de RawValue = Deserialize::deserialize(d)?;
    let text = raw.get_ron();
    let skip = trivia_len(text);
    let text = &text[skip..];
    let start = offset_of(text).unwrap_or(0);
    Ok((text, start..start + text.len()))
}

/// Parses a value's raw text into `T` with the KB options, recording the
/// absolute position of an error for the caller.
fn nested<T: DeserializeOwned, E: serde::de::Error>(text: &str, start: usize) -> Result<T, E> {
    // Leaves are shallow; the outer parse enforces the real nesting limit.
    match options(64).from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            let line_start = |line: usize| {
                text.match_indices('\n')
                    .nth(line.wrapping_sub(2))
                    .map_or(0, |(i, _)| i + 1)
            };
            let at = |p: ron::error::Position| {
                let ls = if p.line <= 1 { 0 } else { line_start(p.line) };
                let col = text[ls..]
                    .char_indices()
                    .nth(p.col.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| ls + i);
                start + col
            };
            // An error already recorded deeper in (a leaf of the nested
            // value) is more precise than this one.
            let deeper = INNER_ERROR.with(|slot| slot.borrow().is_some());
            let message = e.code.to_string();
            if !deeper {
                let range = at(e.span.start)..at(e.span.end);
                INNER_ERROR.with(|slot| *slot.borrow_mut() = Some((e.code, range)));
            }
            Err(E::custom(message))
        }
    }
}

impl<'de> Deserialize<'de> for Spanned<String> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, range) = raw(d)?;
        spanned_string(text, range)
    }
}

/// A string leaf from its raw text.
fn spanned_string<E: serde::de::Error>(
    text: &str,
    range: Range<usize>,
) -> Result<Spanned<String>, E> {
    {
        if !text.starts_with('"') && !text.starts_with('r') {
            let len = super::parse::token_len(text);
            return Err(fail(
                range.start..range.start + len,
                "expected a string in double quotes".into(),
            ));
        }
        // Most strings hold no escape: their value is the text between the
        // quotes, and parsing them again would only cost time.
        if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            if !inner.contains(['\\', '"']) {
                return Ok(Spanned {
                    value: inner.to_owned(),
                    range: range.into(),
                });
            }
        }
        let value = nested::<String, E>(text, range.start)?;
        Ok(Spanned {
            value,
            range: range.into(),
        })
    }
}

/// A list holding no more room than its items: serde grows a list from
/// nothing to four items' room, and a KB's lists mostly hold one or two (a
/// statement's one source took 4 x 168 bytes; every parsed document is held
/// until the KB is resolved).
pub fn exact<'de, D: Deserializer<'de>, L: Deserialize<'de> + AtLength>(
    d: D,
) -> Result<L, D::Error> {
    let mut list = L::deserialize(d)?;
    list.shrink_to_length();
    Ok(list)
}

/// A list that can give back the room it holds beyond its items.
pub trait AtLength {
    fn shrink_to_length(&mut self);
}

impl<T> AtLength for Vec<T> {
    fn shrink_to_length(&mut self) {
        self.shrink_to_fit();
    }
}

impl<T> AtLength for thin_vec::ThinVec<T> {
    fn shrink_to_length(&mut self) {
        self.shrink_to_fit();
    }
}

/// One id in quotes, or a list (`by: "putin"`, `by: ["ukraine", …]`).
#[derive(Debug, Clone)]
pub enum OneOrMany<T> {
    One(Spanned<String>),
    Many(Vec<T>),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, range) = raw(d)?;
        if text.starts_with('[') {
            let mut list = nested::<Vec<T>, D::Error>(text, range.start)?;
            list.shrink_to_fit();
            Ok(OneOrMany::Many(list))
        } else {
            Ok(OneOrMany::One(spanned_string(text, range)?))
        }
    }
}

/// A bare RON identifier such as `Person` or `Rejects` (a quoted word is
/// accepted too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word(pub Cow<'static, str>);

impl Word {
    /// A known word borrowed from its vocabulary, any other copied: a
    /// parsed KB holds words for millions of statements.
    fn of(word: &str) -> Word {
        Word(match crate::model::known_word(word) {
            Some(known) => Cow::Borrowed(known),
            None => Cow::Owned(word.to_owned()),
        })
    }
}

impl<'de> Deserialize<'de> for Spanned<usize> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, range) = raw(d)?;
        let value = nested::<usize, D::Error>(text, range.start)?;
        Ok(Spanned {
            value,
            range: range.into(),
        })
    }
}

impl<'de> Deserialize<'de> for Spanned<Word> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, range) = raw(d)?;
        if text.starts_with('"') {
            let value = nested::<String, D::Error>(text, range.start)?;
            return Ok(Spanned {
                value: Word::of(&value),
                range: range.into(),
            });
        }
        let word = text.trim_end();
        let is_word = word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_word {
            let len = super::parse::token_len(text);
            return Err(fail(
                range.start..range.start + len,
                format!(
                    "expected a word such as `Person`, found `{}`",
                    word.chars().take(40).collect::<String>()
                ),
            ));
        }
        Ok(Spanned {
            value: Word::of(word),
            range: (range.start..range.start + word.len()).into(),
        })
    }
}

/// A value written either in full or as a bare string (`"putin-conditions"`
/// for `Response(to: "putin-conditions")`). `Full` is parsed from the raw
/// slice, so its own spanned leaves keep their positions.
#[derive(Debug, Clone)]
pub enum OrShort<T> {
    Full(T),
    Short(Spanned<String>),
}

/// Where an `OrShort` value is written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub range: TextRange,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Located<OrShort<T>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, range) = raw(d)?;
        let value = if text.starts_with('"') {
            OrShort::Short(Spanned {
                value: nested::<String, D::Error>(text, range.start)?,
                range: range.clone().into(),
            })
        } else {
            OrShort::Full(nested::<T, D::Error>(text, range.start)?)
        };
        Ok(Located {
            value,
            range: range.into(),
        })
    }
}

/// A map whose keys and values keep their positions, in written order.
#[derive(Debug, Clone)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map such as { \"unused-actor\": Allow }")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(SpannedMap(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Item {
        by: Spanned<String>,
        #[serde(default)]
        at: Option<Spanned<String>>,
        kind: Spanned<Word>,
        #[serde(default)]
        list: Vec<Spanned<String>>,
    }

    fn slice(text: &str, r: &TextRange) -> String {
        text[Range::from(*r)].to_string()
    }

    #[test]
    fn leaves_know_their_byte_range() {
        let text = "Item(\n  by: /* who */ \"putn\",\n  at: \"x\", // implicit some\n  kind: Person,\n  list: [\"a\", \"é\"],\n)";
        let item: Item = parse_with_spans(text, 128).unwrap();
        assert_eq!(item.by.value, "putn");
        assert_eq!(slice(text, &item.by.range), "\"putn\"");
        assert_eq!(slice(text, &item.at.unwrap().range), "\"x\"");
        assert_eq!(item.kind.value, Word("Person".into()));
        assert!(matches!(item.kind.value.0, Cow::Borrowed(_)));
        assert_eq!(slice(text, &item.kind.range), "Person");
        assert_eq!(slice(text, &item.list[1].range), "\"é\"");
    }

    #[test]
    fn a_type_error_in_a_leaf_is_an_error() {
        let text = "Item(by: 42, kind: Person)";
        let err = parse_with_spans::<Item>(text, 128).unwrap_err().error;
        assert!(
            err.code.to_string().contains("expected a string"),
            "{}",
            err.code
        );
    }

    #[test]
    fn trivia_is_skipped() {
        assert_eq!(trivia_len("  // c\n /* a /* b */ */ x"), 24);
        assert_eq!(trivia_len("x"), 0);
        assert_eq!(trivia_len("/* unclosed"), 11);
    }
}
