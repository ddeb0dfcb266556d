//! The text of every KB file, and positions inside it.
//!
//! Positions are data: everything downstream carries a [`Span`] (a file and a
//! byte range). Line and column are computed only when a diagnostic is
//! rendered, counting lines by `\n` and columns in characters (a tab and a
//! carriage return count as one character each), which is how ron and rustc
//! count. A UTF-8 byte-order mark is stripped before a file is registered, so
//! columns match what an editor shows.
//!
//! The loader hands it each file's text. A file that parsed cleanly may be
//! registered by its hash instead ([`SourceMap::add_parsed`]): its text is
//! read again the first time something asks for it (a diagnostic to show,
//! `fmt`), and used only if it hashes to what was parsed, so that a large
//! KB does not keep all its text while it is resolved and checked.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_128;

/// Index of a file in a [`SourceMap`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct FileId(pub(crate) u32);

/// A byte range in one file of a [`SourceMap`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: impl Into<Range<usize>>) -> Span {
        let range = range.into();
        Span {
            file,
            start: clamp_u32(range.start),
            end: clamp_u32(range.end.max(range.start)),
        }
    }

    /// The byte range, for indexing the file's text.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The byte offsets at which each line of `text` starts.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// The line (from 1) of the byte offset `at`, given where lines start.
pub(crate) fn line_of(starts: &[usize], at: usize) -> usize {
    starts.partition_point(|&start| start <= at)
}

/// `text` without a leading byte-order mark.
pub(crate) fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and column (column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One registered file: its path as shown to users, and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown in diagnostics: relative to the current directory
    /// when the KB was given relatively, as given otherwise.
    pub name: String,
    /// The path used to read the file.
    pub path: PathBuf,
    /// The text, once given or read again.
    text: OnceLock<String>,
    /// For a file registered by its hash: the XXH3-128 of its text.
    parsed: Option<u128>,
    /// Where each line starts, computed on first use: only files with
    /// something to report need it (at a million statements, computing it
    /// for every file took half a second and 200 MB).
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    fn new(name: String, path: PathBuf, text: Option<String>, parsed: Option<u128>) -> SourceFile {
        SourceFile {
            name,
            path,
            text: text.map_or_else(OnceLock::new, OnceLock::from),
            parsed,
            line_starts: OnceLock::new(),
        }
    }

    /// The file's text (without a byte-order mark). A file registered by its
    /// hash is read again the first time; if it changed since it was parsed
    /// (or cannot be read), its text is empty: positions in it would point
    /// elsewhere.
    pub fn text(&self) -> &str {
        self.text
            .get_or_init(|| self.read_again().unwrap_or_default())
    }

    /// The file's text without keeping it: the text held, or for a file
    /// registered by its hash, read again; `None` if it changed since it
    /// was parsed or cannot be read. What goes through a large KB's files
    /// one at a time (`annals fmt`) uses it, so as not to hold them all.
    pub fn read(&self) -> Option<Cow<'_, str>> {
        match self.text.get() {
            Some(text) => Some(Cow::Borrowed(text)),
            None => self.read_again().map(Cow::Owned),
        }
    }

    /// The file's text if it is held (given, or read again already), without
    /// reading it.
    pub fn held(&self) -> Option<&str> {
        self.text.get().map(String::as_str)
    }

    /// The text of a file registered by its hash, read again if it still
    /// hashes to what was parsed.
    fn read_again(&self) -> Option<String> {
        let hash = self.parsed?;
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(strip_bom)
            .filter(|t| xxh3_128(t.as_bytes()) == hash)
    }

    /// The XXH3-128 of the text.
    pub fn hash(&self) -> u128 {
        self.parsed
            .unwrap_or_else(|| xxh3_128(self.text().as_bytes()))
    }

    /// The byte offsets at which each line starts.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(self.text()))
    }

    /// Line and column of a byte offset (clamped to the text, and moved back
    /// to a character boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let text = self.text();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = line_of(starts, offset);
        let start = starts[line - 1];
        LineCol {
            line,
            column: text[start..offset].chars().count() + 1,
        }
    }

    /// Byte offset of a 1-based line and character column, as ron reports
    /// them. Out-of-range positions clamp to the end of the line or text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let text = self.text();
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let end = starts.get(line).map_or(text.len(), |&next| next - 1);
        let line_text = &text[start..end];
        let skip = column.saturating_sub(1);
        line_text
            .char_indices()
            .nth(skip)
            .map_or(end, |(i, _)| start + i)
    }
}

/// Every file of a KB, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Registers a file. A leading byte-order mark is removed from `text`.
    pub fn add(&mut self, name: String, path: &Path, text: String) -> FileId {
        let text = strip_bom(text);
        let id = FileId(clamp_u32(self.files.len()));
        self.files
            .push(SourceFile::new(name, path.to_path_buf(), Some(text), None));
        id
    }

    /// Registers a file by the XXH3-128 of its text (without a byte-order
    /// mark), which is read again from `path` when first asked for.
    pub fn add_parsed(&mut self, name: String, path: &Path, hash: u128) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        self.files
            .push(SourceFile::new(name, path.to_path_buf(), None, Some(hash)));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(clamp_u32(i)), f))
    }

    /// Start and end of a span as line and column.
    pub fn locate(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (
            file.line_col(span.start as usize),
            file.line_col(span.end as usize),
        )
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let file = self.get(span.file);
        file.text().get(span.range()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> (SourceMap, FileId) {
        let mut m = SourceMap::new();
        let id = m.add("kb/a.ron".into(), Path::new("kb/a.ron"), text.into());
        (m, id)
    }

    #[test]
    fn a_file_registered_by_its_hash_is_read_again_only_as_it_was_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        let text = "Kb(\n  actors: [],\n)";
        // Written with a byte-order mark, which the text leaves out.
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
        let hash = xxh3_128(text.as_bytes());
        let mut m = SourceMap::new();
        let f = m.add_parsed("kb/a.ron".into(), &path, hash);
        let g = m.add_parsed("kb/a.ron".into(), &path, hash);
        let k = m.add_parsed("kb/a.ron".into(), &path, hash);
        // Read without being kept, then kept once asked for.
        assert_eq!(m.get(k).read().as_deref(), Some(text));
        assert!(m.get(k).text.get().is_none());
        assert_eq!(m.get(f).text(), text);
        assert_eq!(m.get(f).read().as_deref(), Some(text));
        assert_eq!(m.get(f).hash(), hash);
        assert_eq!(m.get(f).line_col(6), LineCol { line: 2, column: 3 });
        // Changed since it was parsed: positions in it would point
        // elsewhere, so it shows as empty.
        std::fs::write(&path, "Kb(\n  events: [],\n)").unwrap();
        assert_eq!(m.get(k).read(), None);
        assert_eq!(m.get(g).text(), "");
        assert_eq!(m.snippet(Span::new(g, 3..9)), "");
        // A text given is kept.
        let h = m.add("kb/b.ron".into(), &path, text.into());
        assert_eq!(m.get(h).text(), text);
        assert_eq!(m.get(h).hash(), hash);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let (m, f) = map("name: \"Bürgenstock\", by: \"putn\"");
        let start = m.get(f).text().find("\"putn").unwrap();
        let lc = m.get(f).line_col(start);
        assert_eq!(
            lc,
            LineCol {
                line: 1,
                column: 26
            }
        );
    }

    #[test]
    fn crlf_lines_keep_columns_of_the_visible_text() {
        let (m, f) = map("a\r\n  by: \"putn\"\r\n");
        let start = m.get(f).text().find("\"putn").unwrap();
        assert_eq!(m.get(f).line_col(start), LineCol { line: 2, column: 7 });
    }

    #[test]
    fn a_tab_is_one_column() {
        let (m, f) = map("\t\tby: \"x\"");
        let start = m.get(f).text().find('"').unwrap();
        assert_eq!(m.get(f).line_col(start), LineCol { line: 1, column: 7 });
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let (m, f) = map("\u{feff}by: \"x\"");
        let start = m.get(f).text().find('"').unwrap();
        assert_eq!(m.get(f).line_col(start), LineCol { line: 1, column: 5 });
    }

    #[test]
    fn offset_is_the_inverse_of_line_col() {
        let text = "ä\nbé: \"ü\"\r\n\tx\n";
        let (m, f) = map(text);
        let file = m.get(f);
        for (i, _) in text.char_indices() {
            let lc = file.line_col(i);
            assert_eq!(file.offset(lc.line, lc.column), i, "offset {i}");
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let (m, f) = map("ab\ncd");
        let file = m.get(f);
        assert_eq!(file.offset(9, 1), 5);
        assert_eq!(file.offset(1, 40), 2);
        assert_eq!(file.line_col(400), LineCol { line: 2, column: 3 });
    }
}
