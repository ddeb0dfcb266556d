//! Full-text search over names, aliases, summaries and quotes, case- and
//! accent-insensitive (`burgenstock` finds `Bürgenstock`).

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
    let mut map = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        for d in c.to_lowercase().nfd().filter(|d| !is_combining_mark(*d)) {
            let d = match d {
                'ß' => 's',
                'ı' => 'i',
                '’' | '‘' | 'ʼ' => '\'',
                other => other,
            };
            for _ in 0..d.len_utf8() {
                map.push(at);
            }
            out.push(d);
        }
    }
    map.push(text.len());
    (out, map)
}

/// The words of a query, folded.
fn words(query: &str) -> Vec<String> {
    fold(query)
        .0
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Lowercases and strips accents, without a map back to the original. ASCII
/// text, the common case, only needs lowercasing.
fn fold_fast(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(text.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    } else {
        std::borrow::Cow::Owned(fold(text).0)
    }
}

/// Scores one text against the words: every word must occur. Returns the
/// score and the original byte ranges of the matches (computed only for a
/// text that matches).
fn score(
    text: &str,
    words: &[String],
    phrase: &str,
    field: Field,
) -> Option<(u32, Vec<std::ops::Range<usize>>)> {
    let quick = fold_fast(text);
    if !words.iter().all(|w| quick.contains(w.as_str())) {
        return None;
    }
    let (folded, map) = fold(text);
    let mut ranges = Vec::new();
    for w in words {
        for (i, _) in folded.match_indices(w.as_str()) {
            ranges.push(map[i]..map[i + w.len()]);
        }
    }
    ranges.sort_by_key(|r| r.start);
    let mut score = field.weight() * 10;
    if words.len() > 1 && folded.contains(phrase) {
        score += field.weight() * 5;
    }
    if folded == phrase {
        score += field.weight() * 10;
    }
    Some((score, ranges))
}

/// Every searchable text of the KB, folded once: a search then only scans
/// folded strings, and folds the original again only for the texts that
/// match (to place the highlights).
#[derive(Debug, Default)]
pub struct Index {
    /// (item, field, index among the item's texts of that field, folded text)
    entries: Vec<(NodeRef, Field, u32, String)>,
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

fn nodes(kb: &Kb) -> impl Iterator<Item = NodeRef> + '_ {
    (0..kb.actors.len() as u32)
        .map(|i| NodeRef::Actor(ActorIx(i)))
        .chain((0..kb.events.len() as u32).map(|i| NodeRef::Event(EventIx(i))))
        .chain((0..kb.statements.len() as u32).map(|i| NodeRef::Statement(StatementIx(i))))
}

impl Index {
    /// How many texts the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Folds every text of the KB.
    pub fn build(kb: &Kb) -> Index {
        let mut entries = Vec::new();
        for node in nodes(kb) {
            for (k, (field, text)) in texts(kb, node).into_iter().enumerate() {
                entries.push((node, field, k as u32, fold_fast(text).into_owned()));
            }
        }
        Index { entries }
    }
}

/// Searches every item; results ranked by score, then id. Uses the KB's
/// search index, built on first use.
pub fn search(kb: &Kb, query: &str) -> Vec<Hit> {
    let words = words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let phrase = words.join(" ");
    let index = kb.search_index();
    // Items with at least one text holding every word.
    let mut matched: Vec<NodeRef> = index
        .entries
        .iter()
        .filter(|(_, _, _, folded)| words.iter().all(|w| folded.contains(w.as_str())))
        .map(|(node, _, _, _)| *node)
        .collect();
    matched.dedup();
    let mut hits = Vec::new();
    for node in matched {
        let mut top: Option<Hit> = None;
        let mut total = 0;
        for (field, text) in texts(kb, node) {
            if let Some((s, matches)) = score(text, &words, &phrase, field) {
                total += s;
                if top.as_ref().is_none_or(|t| s > t.score) {
                    top = Some(Hit {
                        node,
                        score: s,
                        field,
                        text: text.to_owned(),
                        matches,
                    });
                }
            }
        }
        if let Some(mut hit) = top {
            hit.score = total;
            hits.push(hit);
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| kb.id_of(a.node).cmp(kb.id_of(b.node)))
    });
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
    fn every_word_must_match() {
        let w = words("peace summit");
        assert!(score("Global Peace Summit", &w, "peace summit", Field::Name).is_some());
        assert!(score("Global Peace", &w, "peace summit", Field::Name).is_none());
        let (_, ranges) = score(
            "Bürgenstock",
            &words("burgenstock"),
            "burgenstock",
            Field::Place,
        )
        .unwrap();
        assert_eq!(ranges, vec![0.."Bürgenstock".len()]);
    }
}
