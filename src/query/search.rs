//! Full-text search over names, aliases, summaries and quotes, case- and
//! accent-insensitive (`burgenstock` finds `Bürgenstock`).

use rayon::prelude::*;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::kb::Kb;
use crate::model::{ActorIx, EventIx, NodeRef, StatementIx};

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
/// appended byte came from.
fn fold_into(text: &str, out: &mut String, mut map: Option<&mut Vec<usize>>) {
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            if let Some(map) = map.as_deref_mut() {
                map.push(at);
            }
            continue;
        }
        for d in c.to_lowercase().nfd().filter(|d| !is_combining_mark(*d)) {
            let d = match d {
                'ß' => 's',
                'ı' => 'i',
                '’' | '‘' | 'ʼ' => '\'',
                other => other,
            };
            if let Some(map) = map.as_deref_mut() {
                map.extend(std::iter::repeat_n(at, d.len_utf8()));
            }
            out.push(d);
        }
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

/// Every searchable text of the KB, folded once into one buffer, so that a
/// search is a vectorised substring scan (memchr's `memmem`) over
/// contiguous memory, in parallel, with no allocation per text. The
/// original is folded again only for the hits shown (to place the
/// highlights).
#[derive(Debug, Default)]
pub struct Index {
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

fn nodes(kb: &Kb) -> Vec<NodeRef> {
    (0..kb.actors.len() as u32)
        .map(|i| NodeRef::Actor(ActorIx(i)))
        .chain((0..kb.events.len() as u32).map(|i| NodeRef::Event(EventIx(i))))
        .chain((0..kb.statements.len() as u32).map(|i| NodeRef::Statement(StatementIx(i))))
        .collect()
}

/// Items folded per parallel job when building the index.
const BUILD_CHUNK: usize = 8192;

impl Index {
    /// How many texts the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Folds every text of the KB, in parallel.
    pub fn build(kb: &Kb) -> Index {
        let parts: Vec<Index> = nodes(kb)
            .par_chunks(BUILD_CHUNK)
            .map(|chunk| {
                let mut part = Index::default();
                for &node in chunk {
                    for (k, (field, text)) in texts(kb, node).into_iter().enumerate() {
                        part.starts.push(part.folded.len());
                        fold_into(text, &mut part.folded, None);
                        part.folded.push('\n');
                        part.entries.push((node, field, k as u32));
                    }
                }
                part
            })
            .collect();
        let mut index = Index {
            folded: String::with_capacity(parts.iter().map(|p| p.folded.len()).sum()),
            starts: Vec::with_capacity(parts.iter().map(|p| p.starts.len()).sum::<usize>() + 1),
            entries: Vec::with_capacity(parts.iter().map(|p| p.entries.len()).sum()),
        };
        for part in parts {
            let base = index.folded.len();
            index.starts.extend(part.starts.iter().map(|s| s + base));
            index.folded.push_str(&part.folded);
            index.entries.extend(part.entries);
        }
        index.starts.push(index.folded.len());
        index
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
        let chunks: Vec<usize> = (0..self.entries.len()).step_by(SCAN_CHUNK).collect();
        chunks
            .par_iter()
            .flat_map_iter(|&first| {
                let end = (first + SCAN_CHUNK).min(self.entries.len());
                let bytes = self.folded.as_bytes();
                let mut found = Vec::new();
                let mut entry = first;
                while entry < end {
                    let from = self.starts[entry];
                    let Some(at) = finder.find(&bytes[from..self.starts[end]]) else {
                        break;
                    };
                    // The entry holding the match: the last start at or
                    // before it.
                    let at = from + at;
                    entry += self.starts[entry..=end].partition_point(|s| *s <= at) - 1;
                    let text = self.text(entry).as_bytes();
                    if others.iter().all(|f| f.find(text).is_some()) {
                        found.push(entry);
                    }
                    entry += 1;
                }
                found
            })
            .collect()
    }
}

/// Texts scanned per parallel job.
const SCAN_CHUNK: usize = 1 << 16;

/// Searches every item; results ranked by score, then id. The index is
/// built once per KB ([`Index::build`]) and may serve many searches.
pub fn search(kb: &Kb, index: &Index, query: &str) -> Vec<Hit> {
    let words = words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let phrase = words.join(" ");
    let matched = index.matching(&words);
    // An item's texts are adjacent: one group of matching entries per item.
    let groups: Vec<&[usize]> = matched
        .chunk_by(|a, b| index.entries[*a].0 == index.entries[*b].0)
        .collect();
    let mut hits: Vec<Hit> = groups
        .par_iter()
        .map(|group| {
            let mut total = 0;
            let mut top = (0, group[0]);
            for &entry in *group {
                let s = score(index.text(entry), &words, &phrase, index.entries[entry].1);
                total += s;
                if s > top.0 {
                    top = (s, entry);
                }
            }
            let (node, field, k) = index.entries[top.1];
            let text = texts(kb, node)
                .get(k as usize)
                .map_or("", |(_, text)| *text)
                .to_owned();
            Hit {
                node,
                score: total,
                field,
                matches: highlights(&text, &words),
                text,
            }
        })
        .collect();
    // Keys first: comparing through `kb.id_of` chased each item twice per
    // comparison, most of the time of a search with many hits.
    hits.par_sort_by_cached_key(|h| (std::cmp::Reverse(h.score), kb.id_of(h.node)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_strips_case_and_accents_and_maps_back() {
        let (folded, map) = fold("Bürgenstock ÉTÉ");
        assert_eq!(folded, "burgenstock ete");
        let at = folded.find("ete").unwrap();
        assert_eq!(map[at], "Bürgenstock ".len());
        assert_eq!(fold("Європейська").0, "європеиська");
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
