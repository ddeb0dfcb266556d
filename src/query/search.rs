//! Full-text search over names, aliases, summaries and quotes, case- and
//! accent-insensitive (`burgenstock` finds `Bürgenstock`).

use rayon::prelude::*;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::kb::Kb;
use crate::model::NodeRef;

/// Where a match was found, most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Alias,
    Place,
    Summary,
    Quote,
    Topic,
    Note,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Alias => "alias",
            Field::Place => "place",
            Field::Summary => "summary",
            Field::Quote => "quote",
            Field::Topic => "topic",
            Field::Note => "note",
        }
    }

    fn weight(self) -> u32 {
        match self {
            Field::Id | Field::Name => 8,
            Field::Alias => 6,
            Field::Place | Field::Topic => 4,
            Field::Summary => 3,
            Field::Quote => 2,
            Field::Note => 1,
        }
    }
}

/// One item that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub node: NodeRef,
    pub score: u32,
    /// The best-matching field and its text.
    pub field: Field,
    pub text: String,
    /// Byte ranges in `text` where the query's words match.
    pub matches: Vec<std::ops::Range<usize>>,
}

/// Lowercases and strips accents, keeping for each output byte the byte
/// offset in `text` it came from.
pub fn fold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    fold_into(text, &mut out, Some(&mut map));
    map.push(text.len());
    (out, map)
}

/// Appends `text` folded to `out`, and to `map` the offset in `text` each
/// appended byte came from. Runs of ASCII (most of most texts) are copied
/// and lowercased whole; other characters are looked up in [`FOLDS`], or
/// folded one at a time past it.
fn fold_into(text: &str, out: &mut String, mut map: Option<&mut Vec<usize>>) {
    let mut at = 0;
    while at < text.len() {
        let ascii = ascii_prefix(&text.as_bytes()[at..]);
        let start = out.len();
        out.push_str(&text[at..at + ascii]);
        out[start..].make_ascii_lowercase();
        if let Some(map) = map.as_deref_mut() {
            map.extend(at..at + ascii);
        }
        at += ascii;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let start = out.len();
        match FOLDS.get(c) {
            Some(folded) => out.push_str(folded),
            None => fold_char(c, out),
        }
        if let Some(map) = map.as_deref_mut() {
            map.extend(std::iter::repeat_n(at, out.len() - start));
        }
        at += c.len_utf8();
    }
}

/// How many bytes `bytes` starts with are ASCII, eight at a time.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        if u64::from_ne_bytes(word) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        n += 8;
    }
    let rest = &bytes[n..];
    n + rest
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(rest.len())
}

/// Appends one character folded: lowercased, decomposed, its combining
/// marks dropped (so their canonical order does not matter), and a few
/// letters and apostrophes made one.
fn fold_char(c: char, out: &mut String) {
    for d in c.to_lowercase().nfd().filter(|d| !is_combining_mark(*d)) {
        out.push(match d {
            'ß' => 's',
            'ı' => 'i',
            '’' | '‘' | 'ʼ' => '\'',
            other => other,
        });
    }
}

/// The folds of the characters before [`Folds::END`] past ASCII (Latin,
/// Greek, Cyrillic, Hebrew, Arabic, general punctuation), made once by
/// [`fold_char`]: lowercasing and decomposing each character of a text
/// was most of a search's time.
struct Folds {
    folded: String,
    /// Where each character's fold starts in `folded`, and the end.
    starts: Vec<u32>,
}

static FOLDS: std::sync::LazyLock<Folds> = std::sync::LazyLock::new(Folds::make);

impl Folds {
    const START: u32 = 0x80;
    const END: u32 = 0x3000;

    fn make() -> Folds {
        let mut folds = Folds {
            folded: String::new(),
            starts: Vec::with_capacity((Self::END - Self::START) as usize + 1),
        };
        for code in Self::START..Self::END {
            folds.starts.push(folds.folded.len() as u32);
            // No surrogates below U+3000: every code is a character.
            if let Some(c) = char::from_u32(code) {
                fold_char(c, &mut folds.folded);
            }
        }
        folds.starts.push(folds.folded.len() as u32);
        folds
    }

    fn get(&self, c: char) -> Option<&str> {
        let i = (c as u32).checked_sub(Self::START)? as usize;
        let (&start, &end) = (self.starts.get(i)?, self.starts.get(i + 1)?);
        Some(&self.folded[start as usize..end as usize])
    }
}

/// The words of a query, folded.
fn words(query: &str) -> Vec<String> {
    fold(query)
        .0
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Scores one folded text that holds every word.
fn score(folded: &str, words: &[String], phrase: &str, field: Field) -> u32 {
    let mut score = field.weight() * 10;
    if words.len() > 1 && folded.contains(phrase) {
        score += field.weight() * 5;
    }
    if folded == phrase {
        score += field.weight() * 10;
    }
    score
}

/// The byte ranges of `text` where the words occur, in order.
fn highlights(text: &str, words: &[String]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    if text.is_ascii() {
        // Folding ASCII only lowercases: offsets are the same.
        let folded = text.to_ascii_lowercase();
        for w in words {
            ranges.extend(
                folded
                    .match_indices(w.as_str())
                    .map(|(i, _)| i..i + w.len()),
            );
        }
    } else {
        let (folded, map) = fold(text);
        for w in words {
            for (i, _) in folded.match_indices(w.as_str()) {
                ranges.push(map[i]..map[i + w.len()]);
            }
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// The searchable texts of some items, folded into one buffer, so that a
/// search is a vectorised substring scan (memchr's `memmem`) over
/// contiguous memory with no allocation per text. A search folds the KB a
/// slice of items at a time, on every core, into a buffer each job keeps
/// (a KB's folded texts whole were 380 MB at a million statements); the
/// original is folded again only for the hits shown (to place the
/// highlights).
#[derive(Debug, Default)]
struct Index {
    /// Every folded text, each followed by a newline. Query words never
    /// hold whitespace, so no match spans two texts.
    folded: String,
    /// Where each text starts in `folded`, plus the end of the buffer.
    starts: Vec<usize>,
    /// Each text's item, field, and index among the item's texts; an
    /// item's texts are adjacent.
    entries: Vec<(NodeRef, Field, u32)>,
}

/// The texts of one item, with their fields.
fn texts(kb: &Kb, node: NodeRef) -> Vec<(Field, &str)> {
    match node {
        NodeRef::Actor(a) => {
            let a = kb.actor(a);
            let mut f = vec![(Field::Id, a.id.as_str()), (Field::Name, a.name.as_str())];
            f.extend(a.aliases.iter().map(|x| (Field::Alias, x.as_str())));
            f.extend(a.note.iter().map(|x| (Field::Note, x.as_str())));
            f
        }
        NodeRef::Event(e) => {
            let e = kb.event(e);
            let mut f = vec![(Field::Id, e.id.as_str()), (Field::Name, e.name.as_str())];
            f.extend(e.place.iter().map(|x| (Field::Place, x.as_str())));
            f.extend(e.topics.iter().map(|x| (Field::Topic, x.as_str())));
            f.extend(e.note.iter().map(|x| (Field::Note, x.as_str())));
            f
        }
        NodeRef::Statement(s) => {
            let s = kb.statement(s);
            let mut f = vec![
                (Field::Id, s.id.as_str()),
                (Field::Summary, s.summary.as_str()),
            ];
            f.extend(s.quotes.iter().map(|q| (Field::Quote, q.text.as_str())));
            f.extend(s.topics.iter().map(|x| (Field::Topic, x.as_str())));
            f.extend(s.note.iter().map(|x| (Field::Note, x.as_str())));
            f
        }
    }
}

/// Items folded and scanned per parallel job: a few megabytes of text.
const CHUNK: usize = 8192;

impl Index {
    /// Folds the texts of `nodes` into this index, emptied first (its
    /// buffers kept).
    fn fill(&mut self, kb: &Kb, nodes: &[NodeRef]) {
        self.folded.clear();
        self.starts.clear();
        self.entries.clear();
        for &node in nodes {
            for (k, (field, text)) in texts(kb, node).into_iter().enumerate() {
                self.starts.push(self.folded.len());
                fold_into(text, &mut self.folded, None);
                self.folded.push('\n');
                self.entries.push((node, field, k as u32));
            }
        }
        self.starts.push(self.folded.len());
    }

    /// The folded text of entry `i`, without its newline.
    fn text(&self, i: usize) -> &str {
        &self.folded[self.starts[i]..self.starts[i + 1] - 1]
    }

    /// The entries holding every word, in index order. Scans for the
    /// longest word (the likeliest to be rare) and checks the others only
    /// in the texts where it occurs.
    fn matching(&self, words: &[String]) -> Vec<usize> {
        let Some(driver) = words.iter().max_by_key(|w| w.len()) else {
            return Vec::new();
        };
        let finder = memchr::memmem::Finder::new(driver.as_bytes());
        let others: Vec<memchr::memmem::Finder<'_>> = words
            .iter()
            .filter(|w| *w != driver)
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
            .collect();
        let bytes = self.folded.as_bytes();
        let end = self.entries.len();
        let mut found = Vec::new();
        let mut entry = 0;
        while entry < end {
            let from = self.starts[entry];
            let Some(at) = finder.find(&bytes[from..self.starts[end]]) else {
                break;
            };
            // The entry holding the match: the last start at or before it.
            let at = from + at;
            entry += self.starts[entry..=end].partition_point(|s| *s <= at) - 1;
            let text = self.text(entry).as_bytes();
            if others.iter().all(|f| f.find(text).is_some()) {
                found.push(entry);
            }
            entry += 1;
        }
        found
    }

    /// The items whose texts hold every word, each with its score and
    /// where its best match is.
    fn found(&self, words: &[String], phrase: &str) -> Vec<Found> {
        let matched = self.matching(words);
        // An item's texts are adjacent: one group of matching entries per
        // item.
        let groups = matched.chunk_by(|a, b| self.entries[*a].0 == self.entries[*b].0);
        groups
            .map(|group| {
                let mut total = 0;
                let mut top = (0, group[0]);
                for &entry in group {
                    let s = score(self.text(entry), words, phrase, self.entries[entry].1);
                    total += s;
                    if s > top.0 {
                        top = (s, entry);
                    }
                }
                let (node, field, k) = self.entries[top.1];
                Found {
                    node,
                    score: total,
                    field,
                    text: k,
                }
            })
            .collect()
    }
}

/// An item that matched, before its text is looked up.
struct Found {
    node: NodeRef,
    score: u32,
    field: Field,
    /// Which of the item's texts matched best.
    text: u32,
}

/// Searches every item; the first `limit` results (all when `None`) by
/// score, then id.
pub fn search(kb: &Kb, query: &str, limit: Option<usize>) -> Vec<Hit> {
    let words = words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let phrase = words.join(" ");
    let nodes: Vec<NodeRef> =
        crate::kb::nodes(kb.actors.len(), kb.events.len(), kb.statements.len()).collect();
    let mut found: Vec<Found> = nodes
        .par_chunks(CHUNK)
        .map_init(Index::default, |index, chunk| {
            index.fill(kb, chunk);
            index.found(&words, &phrase)
        })
        .flatten_iter()
        .collect();
    // Items scored below the `limit`-th best cannot be among the first
    // (a common word matches a million statements, and ordering them by
    // id reads each one's).
    if let Some(limit) = limit {
        super::drop_below_first(&mut found, limit, |f| f.score);
    }
    // Keys first: comparing through `kb.id_of` chased each item twice per
    // comparison, most of the time of a search with many hits.
    found.par_sort_by_cached_key(|f| (std::cmp::Reverse(f.score), kb.id_of(f.node)));
    found.truncate(limit.unwrap_or(usize::MAX));
    found
        .into_par_iter()
        .map(|f| {
            let text = texts(kb, f.node)
                .get(f.text as usize)
                .map_or("", |(_, text)| *text)
                .to_owned();
            Hit {
                node: f.node,
                score: f.score,
                field: f.field,
                matches: highlights(&text, &words),
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActorIx;

    #[test]
    fn folding_strips_case_and_accents_and_maps_back() {
        let (folded, map) = fold("Bürgenstock ÉTÉ");
        assert_eq!(folded, "burgenstock ete");
        let at = folded.find("ete").unwrap();
        assert_eq!(map[at], "Bürgenstock ".len());
        assert_eq!(fold("Європейська").0, "європеиська");
    }

    #[test]
    fn folding_maps_every_byte_back_to_the_character_it_came_from() {
        // ASCII runs lowercased whole, a letter stripped of its accent, a
        // dash kept, an apostrophe made plain, a Greek capital lowered.
        let text = "ÀBc—d’Ωx";
        let (folded, map) = fold(text);
        assert_eq!(folded, "abc—d'ωx");
        // Bytes of the text: À 0-1, B 2, c 3, — 4-6, d 7, ’ 8-10, Ω 11-12,
        // x 13; then the end.
        assert_eq!(map, [0, 2, 3, 4, 4, 4, 7, 8, 11, 11, 13, 14]);
    }

    #[test]
    fn ascii_runs_end_at_the_first_other_byte_wherever_it_falls() {
        for len in 0..20 {
            let ascii = "a".repeat(len);
            assert_eq!(ascii_prefix(ascii.as_bytes()), len);
            for at in 0..len {
                let mut text = ascii.clone();
                text.replace_range(at..at + 1, "é");
                assert_eq!(ascii_prefix(text.as_bytes()), at, "{text}");
            }
        }
    }

    #[test]
    fn the_table_folds_each_character_as_folding_it_alone_does() {
        // Every character the table holds, and a few past its end.
        for code in Folds::START..Folds::END + 0x100 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut alone = String::new();
            fold_char(c, &mut alone);
            assert_eq!(fold(c.encode_utf8(&mut [0; 4])).0, alone, "U+{code:04X}");
        }
        assert_eq!(fold("ẞİ‘").0, "si'");
    }

    #[test]
    fn every_word_must_match_in_one_text() {
        let index = Index {
            folded: "global peace summit\nglobal peace\nsummit\n".into(),
            starts: vec![0, 20, 33, 40],
            entries: vec![(NodeRef::Actor(ActorIx(0)), Field::Name, 0); 3],
        };
        assert_eq!(index.text(1), "global peace");
        assert_eq!(index.matching(&words("Peace SUMMIT")), [0]);
        assert_eq!(index.matching(&words("summit")), [0, 2]);
        assert_eq!(index.matching(&words("peace global")), [0, 1]);
        // No match spans two texts.
        assert!(index.matching(&words("peacesummit")).is_empty());
        assert!(index.matching(&words("summitglobal")).is_empty());
    }

    #[test]
    fn highlights_point_into_the_original_text() {
        let ranges = highlights("Bürgenstock", &words("burgenstock"));
        assert_eq!((ranges.len(), ranges[0].end), (1, "Bürgenstock".len()));
        assert_eq!(highlights("Peace, peace", &words("peace")), [0..5, 7..12]);
        let phrase = "peace summit";
        assert!(
            score("peace summit", &words(phrase), phrase, Field::Name)
                > score("global peace summit", &words(phrase), phrase, Field::Name)
        );
    }
}
