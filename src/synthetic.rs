//! A synthetic KB generator, for benchmarks and scale tests.
//!
//! Deterministic for a given size and seed (its own splitmix64, so the output
//! never changes with a dependency's version) and shaped like a real KB:
//! about N/20 actors of every kind with `part_of` trees and time-bounded
//! roles, N/50 events (some multi-day, some nested), statements over six
//! years in every date form, quotes with quotation marks and non-ASCII text,
//! one or two sources, topics, `about` links, and about 60% responding to
//! one or two earlier statements: long reply chains and three hub statements
//! with thousands of responses. About 1,000 statements per file. Without
//! faults it passes `annals check --deny warnings`; `faults: K` plants K
//! known problems (unknown references, impossible dates, self-responses,
//! duplicate ids, in turn).
//!
//! ```no_run
//! let opts = annals::synthetic::Options { statements: 10_000, seed: 1, faults: 0, tiny: false };
//! annals::synthetic::generate(&opts, std::path::Path::new("/tmp/kb10k")).unwrap();
//! ```

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// splitmix64: small, fast, and fixed forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "ceasefire",
    "sanctions",
    "negotiations",
    "territory",
    "security",
    "guarantees",
    "aid",
    "grain",
    "corridor",
    "energy",
    "talks",
    "summit",
    "withdrawal",
    "sovereignty",
    "troops",
    "border",
    "peace",
    "alliance",
    "treaty",
    "referendum",
    "mobilisation",
    "prisoners",
    "exchange",
    "reconstruction",
];
const QUOTES: &[&str] = &[
    "We will not accept \\\"peace\\\" on these terms.",
    "«Мир» можливий лише на основі Статуту ООН.",
    "Це не мирна пропозиція — це ультиматум.",
    "Nous restons prêts au dialogue, mais pas à n’importe quel prix.",
    "Die Gespräche müssen ehrlich geführt werden – ohne Vorbedingungen.",
    "This is not a proposal made in good faith.",
];
const TOPICS: &[&str] = &[
    "peace-talks",
    "sanctions",
    "territory",
    "security",
    "energy",
    "aid",
    "prisoners",
];
const STANCES: &[&str] = &[
    "Rejects",
    "Disputes",
    "Supports",
    "Qualifies",
    "Acknowledges",
];
const STATEMENT_KINDS: &[&str] = &[
    "Claim",
    "Demand",
    "Proposal",
    "Rejection",
    "Accusation",
    "Warning",
    "Commitment",
    "Appeal",
    "Denial",
    "Other",
];
const EVENT_KINDS: &[&str] = &[
    "Meeting",
    "PressConference",
    "Summit",
    "Speech",
    "Interview",
    "Publication",
    "Session",
];

/// The generated span starts on 2019-01-01 and lasts six years.
const START: i64 = 1_546_300_800;
const SPAN: i64 = 6 * 365 * 86_400;

fn civil(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let d = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
    use chrono::{Datelike, Timelike};
    (
        d.year() as i64,
        d.month(),
        d.day(),
        d.hour(),
        d.minute(),
        d.second(),
    )
}

/// A date containing instant `t`, in one of every written form.
fn date_containing(rng: &mut Rng, t: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    let q = match rng.below(20) {
        0 => "?",
        1 => "~",
        2 => "%",
        _ => "",
    };
    match rng.below(10) {
        0 => format!("{y:04}"),
        1 => format!("{y:04}-{mo:02}{q}"),
        2..=5 => format!("{y:04}-{mo:02}-{d:02}{q}"),
        6 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}Z"),
        7 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        8 => {
            // The same instant written at UTC+3.
            let (y, mo, d, h, mi, _) = civil(t + 3 * 3600);
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}+03:00")
        }
        _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}"),
    }
}

fn day(t: i64) -> String {
    let (y, mo, d, ..) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}")
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    (0..words)
        .map(|_| *rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

struct Actor {
    id: String,
    kind: &'static str,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub statements: usize,
    pub seed: u64,
    /// Known problems to plant (0 for a clean KB).
    pub faults: usize,
    /// Tiny statements: one line each, with only the required fields, a
    /// short summary, one source and the responses (about 130 bytes), the
    /// shape where per-item overhead weighs most against the text.
    pub tiny: bool,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub statements: usize,
    pub actors: usize,
    pub events: usize,
}

/// Writes a synthetic KB into `out`.
pub fn generate(args: &Options, out: &Path) -> io::Result<Generated> {
    let mut rng = Rng(args.seed);
    let n = args.statements.max(10);
    fs::create_dir_all(out.join("statements"))?;

    // Actors: states, their governments and ministries, other institutions,
    // media, groups, and people with roles.
    let n_actors = (n / 20).max(20);
    let states = (n_actors / 20).max(2);
    let mut actors: Vec<Actor> = Vec::new();
    let mut text = String::from("Kb(\n    actors: [\n");
    let mut institutions = Vec::new();
    for s in 0..states {
        let id = format!("state-{s}");
        writeln!(
            text,
            "        Actor(id: \"{id}\", name: \"State {s}\", kind: State),"
        )
        .ok();
        actors.push(Actor {
            id: id.clone(),
            kind: "State",
        });
        let gov = format!("government-{s}");
        writeln!(text, "        Actor(id: \"{gov}\", name: \"Government of State {s}\", kind: Government, part_of: \"{id}\"),").ok();
        actors.push(Actor {
            id: gov.clone(),
            kind: "Government",
        });
        institutions.push(gov.clone());
        for m in 0..2 {
            let min = format!("ministry-{s}-{m}");
            writeln!(text, "        Actor(id: \"{min}\", name: \"Ministry {m} of State {s}\", kind: Ministry, part_of: \"{gov}\", short_name: \"Min. {m}, S{s}\"),").ok();
            actors.push(Actor {
                id: min.clone(),
                kind: "Ministry",
            });
            institutions.push(min);
        }
    }
    let mut media = Vec::new();
    let mut i = 0;
    while actors.len() < n_actors {
        let (kind, prefix) = match i % 10 {
            0 => ("Organization", "org"),
            1 => ("Alliance", "alliance"),
            2 | 3 => ("Media", "media"),
            4 => ("Group", "group"),
            _ => ("Person", "person"),
        };
        let id = format!("{prefix}-{i}");
        match kind {
            "Person" => {
                // Two consecutive roles covering the whole span, so every
                // statement falls inside one.
                let a = rng.pick(&institutions).clone();
                let b = rng.pick(&institutions).clone();
                let mid = day(START + (rng.below(SPAN as usize / 86_400) as i64) * 86_400);
                writeln!(
                    text,
                    "        Actor(id: \"{id}\", name: \"Person {i} Müller-Øster\", kind: Person, aliases: [\"P{i}\"], roles: [Role(title: \"Minister\", of: \"{a}\", until: \"{mid}\"), Role(title: \"Envoy\", of: \"{b}\", from: \"{mid}\")]),"
                )
                .ok();
            }
            "Media" => {
                writeln!(
                    text,
                    "        Actor(id: \"{id}\", name: \"Outlet {i}\", kind: Media),"
                )
                .ok();
                media.push(id.clone());
            }
            _ => {
                writeln!(
                    text,
                    "        Actor(id: \"{id}\", name: \"{kind} {i}\", kind: {kind}),"
                )
                .ok();
                if kind != "Group" {
                    institutions.push(id.clone());
                }
            }
        }
        actors.push(Actor { id, kind });
        i += 1;
    }
    text.push_str("    ],\n)\n");
    fs::write(out.join("actors.ron"), &text)?;
    let speakers: Vec<&Actor> = actors.iter().filter(|a| a.kind != "Media").collect();

    // Events: a fifth multi-day, a tenth nested in an earlier multi-day one.
    let n_events = (n / 50).max(5);
    // Id, start, end, date, and whether it names a zone.
    let mut events: Vec<(String, i64, i64, String, bool)> = Vec::new();
    let mut text = String::from("Kb(\n    events: [\n");
    for e in 0..n_events {
        let id = format!("event-{e}");
        let parent = events
            .iter()
            .rev()
            .take(20)
            .find(|(_, s, end, _, _)| end - s > 86_400)
            .cloned();
        let (start, days, part_of) = match parent {
            Some((pid, ps, _, _, _)) if rng.chance(10) => (ps, 1, format!(", part_of: \"{pid}\"")),
            _ => {
                let start = START + (rng.below(SPAN as usize / 86_400) as i64) * 86_400;
                (
                    start,
                    if rng.chance(20) {
                        2 + rng.below(3) as i64
                    } else {
                        1
                    },
                    String::new(),
                )
            }
        };
        let end = start + days * 86_400;
        let date = if days > 1 {
            format!("{}/{}", day(start), day(end - 86_400))
        } else {
            day(start)
        };
        let who = &rng.pick(&speakers).id;
        // A third of events list a host, an observer or someone who was
        // not there.
        let mut participants = format!("\"{who}\"");
        if rng.chance(33) {
            let other = &rng.pick(&speakers).id;
            if other != who {
                let role = rng.pick(&["Host", "Observer", "Invited", "Declined", "NotInvited"]);
                participants.push_str(&format!(", Participant(actor: \"{other}\", role: {role})"));
            }
        }
        let kind = rng.pick(EVENT_KINDS);
        // A third of events name the zone of their place.
        let zone = if rng.chance(33) {
            format!(
                ", time_zone: \"{}\"",
                rng.pick(&[
                    "Europe/Zurich",
                    "Europe/Kyiv",
                    "America/New_York",
                    "Asia/Tokyo"
                ])
            )
        } else {
            String::new()
        };
        writeln!(
            text,
            "        Event(id: \"{id}\", name: \"{kind} on {}\", kind: {kind}, date: \"{date}\"{zone}, place: \"Genève\", participants: [{participants}]{part_of}, topics: [\"{}\"]),",
            sentence(&mut rng, 2),
            rng.pick(TOPICS)
        )
        .ok();
        events.push((id, start, end, date, !zone.is_empty()));
    }
    text.push_str("    ],\n)\n");
    fs::write(out.join("events.ron"), &text)?;

    // Statements in time order; each file holds about 1,000.
    let mut times: Vec<i64> = (0..n)
        .map(|_| START + (rng.next() % SPAN as u64) as i64)
        .collect();
    times.sort_unstable();
    let hubs = [n / 10, n / 3, n / 2];
    let mut by_start: Vec<(i64, i64, usize)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.1, e.2, i))
        .collect();
    by_start.sort_unstable();
    let step = n.checked_div(args.faults).map_or(usize::MAX, |s| s.max(1));
    let mut faults_left = args.faults;
    let mut file: Option<BufWriter<fs::File>> = None;
    for (k, &t) in times.iter().enumerate() {
        if k % 1000 == 0 {
            if let Some(mut f) = file.take() {
                f.write_all(b"    ],\n)\n")?;
                f.flush()?;
            }
            let path = out.join("statements").join(format!("{:05}.ron", k / 1000));
            let mut f = BufWriter::new(fs::File::create(path)?);
            f.write_all(b"Kb(\n    statements: [\n")?;
            file = Some(f);
        }
        let mut s = String::with_capacity(600);
        let by = rng.pick(&speakers).id.clone();
        // A statement whose instant falls within an event is, half the
        // time, said at it and dated as the event: never outside its dates,
        // never before what it answers. Not at an event that names a zone:
        // its day there is not the UTC day the instant was drawn in, and
        // the statement could end before what it answers was said.
        let upto = by_start.partition_point(|(start, _, _)| *start <= t);
        let containing = by_start[..upto]
            .iter()
            .rev()
            .take(8)
            .find(|(_, end, _)| t < *end)
            .map(|(_, _, e)| *e);
        let (date, at) = match containing {
            Some(e) if rng.chance(50) && !events[e].4 => {
                (events[e].3.clone(), format!(", at: \"{}\"", events[e].0))
            }
            _ => (date_containing(&mut rng, t), String::new()),
        };
        let mut id = format!("s{k}");
        // The value of `by`: one speaker, or for 1% of statements the
        // signatories of a joint statement, one of them joining later.
        let mut by_field = format!("\"{by}\"");
        if rng.chance(1) {
            let mut names = vec![by.clone()];
            for _ in 0..1 + rng.below(4) {
                let other = &rng.pick(&speakers).id;
                if !names.contains(other) {
                    names.push(other.clone());
                }
            }
            let last = names.len() - 1;
            let list: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    if i == last && i > 0 {
                        format!(
                            "Signatory(actor: \"{n}\", joined: \"{}\")",
                            day(t + 86_400 * 7)
                        )
                    } else {
                        format!("\"{n}\"")
                    }
                })
                .collect();
            by_field = format!("[{}]", list.join(", "));
        } else if rng.chance(1) {
            // A spokesperson's statement, for a principal.
            let principal = &rng.pick(&speakers).id;
            if principal != &by {
                by_field.push_str(&format!(", on_behalf_of: \"{principal}\""));
            }
        }
        let mut date_field = date;
        let mut responds = Vec::new();
        if k > 0 && rng.chance(60) {
            let count = 1 + rng.below(2);
            for _ in 0..count {
                let target = match rng.below(10) {
                    0 => hubs.iter().copied().rfind(|h| *h < k).unwrap_or(0),
                    1..=3 => k - 1,
                    _ => rng.below(k),
                };
                let target = format!("s{target}");
                if !responds.iter().any(|(t, _)| *t == target) {
                    responds.push((target, *rng.pick(STANCES)));
                }
            }
        }
        // A few react to an event as a whole, one that began before them
        // (in UTC: not one that names a zone, whose day may begin later).
        if upto > 0 && rng.chance(3) {
            let (_, _, e) = by_start[upto - 1 - rng.below(upto.min(50))];
            if !events[e].4 {
                responds.push((events[e].0.clone(), *rng.pick(STANCES)));
            }
        }
        if faults_left > 0 && k % step == step / 2 {
            faults_left -= 1;
            match faults_left % 4 {
                0 => by_field = format!("\"nobody-{k}\""),
                1 => date_field = "2023-02-30".into(),
                2 => responds = vec![(format!("s{k}"), "Rejects")],
                _ => id = format!("s{}", k.saturating_sub(1)),
            }
        }
        if args.tiny {
            let first = rng.below(media.len());
            let responds: String = responds
                .iter()
                .map(|(t, stance)| format!("Response(to: \"{t}\", stance: {stance}), "))
                .collect();
            let responds = if responds.is_empty() {
                String::new()
            } else {
                format!(", responds_to: [{}]", responds.trim_end_matches(", "))
            };
            writeln!(
                s,
                "        Statement(id: \"{id}\", by: {by_field}, date: \"{date_field}\"{at}, kind: Claim, summary: \"S{k}.\"{responds}, sources: [Source(outlet: \"{}\")]),",
                media[first]
            )
            .ok();
            if let Some(f) = file.as_mut() {
                f.write_all(s.as_bytes())?;
            }
            continue;
        }
        // One in seven has a headline (without drawing on the generator's
        // randomness, so the rest of the KB stays as it was).
        let title = if k % 7 == 3 {
            format!("            title: \"Headline {k}\",\n")
        } else {
            String::new()
        };
        write!(
            s,
            "        Statement(\n            id: \"{id}\",\n            by: {by_field},\n            date: \"{date_field}\"{at},\n            kind: {},\n{title}            summary: \"Statement {k} on {} — “{}”.\",\n",
            rng.pick(STATEMENT_KINDS),
            sentence(&mut rng, 6),
            sentence(&mut rng, 2)
        )
        .ok();
        let quotes = rng.below(4);
        if quotes > 0 {
            s.push_str("            quotes: [");
            for _ in 0..quotes {
                // A third name the source they are taken from; a tenth
                // keep the original beside the translation.
                let source = if rng.chance(33) { ", source: 1" } else { "" };
                let original = if rng.chance(10) {
                    format!(
                        ", original: \"{}\", original_lang: \"uk\"",
                        rng.pick(QUOTES)
                    )
                } else {
                    String::new()
                };
                write!(
                    s,
                    "Quote(text: \"{}\", lang: \"en\", translated: true{source}{original}), ",
                    rng.pick(QUOTES)
                )
                .ok();
            }
            s.push_str("],\n");
        }
        // The first statements name every actor once, so none is unused.
        let about = if k < actors.len() {
            &actors[k].id
        } else {
            &rng.pick(&actors).id
        };
        write!(
            s,
            "            about: [\"{about}\"],\n            topics: [\"{}\"],\n",
            rng.pick(TOPICS)
        )
        .ok();
        if !responds.is_empty() {
            s.push_str("            responds_to: [");
            for (target, stance) in &responds {
                write!(s, "Response(to: \"{target}\", stance: {stance}), ").ok();
            }
            s.push_str("],\n");
        }
        // Half a percent are fact-checked, a tenth of a percent retracted,
        // some days later.
        if rng.chance(1) && rng.chance(50) {
            let rating = rng.pick(&[
                "True",
                "MostlyTrue",
                "Mixed",
                "MostlyFalse",
                "False",
                "Unproven",
            ]);
            writeln!(
                s,
                "            verdicts: [Verdict(by: \"{}\", date: \"{}\", rating: {rating}, source: Source(url: \"https://example.org/check/{k}\"))],",
                rng.pick(&media),
                day(t + 3 * 86_400)
            )
            .ok();
        }
        if rng.chance(1) && rng.chance(10) {
            writeln!(
                s,
                "            status: Status(kind: Retracted, date: \"{}\"),",
                day(t + 5 * 86_400)
            )
            .ok();
        }
        let first = rng.below(media.len());
        write!(
            s,
            "            sources: [Source(outlet: \"{}\", url: \"https://example.org/{k}\")",
            media[first]
        )
        .ok();
        if rng.chance(40) && media.len() > 1 {
            write!(
                s,
                ", Source(outlet: \"{}\")",
                media[(first + 1) % media.len()]
            )
            .ok();
        }
        s.push_str("],\n        ),\n");
        if let Some(f) = file.as_mut() {
            f.write_all(s.as_bytes())?;
        }
    }
    if let Some(mut f) = file.take() {
        f.write_all(b"    ],\n)\n")?;
        f.flush()?;
    }
    Ok(Generated {
        statements: n,
        actors: actors.len(),
        events: events.len(),
    })
}

/// Edits as a hand might make them, for tests that compare a load of an
/// edited KB with another way to the same answer.
#[cfg(test)]
pub(crate) mod edits {
    use std::path::{Path, PathBuf};

    /// The files of [`kb`]'s KB that edits go to.
    pub const FILES: [&str; 4] = [
        "actors.ron",
        "events.ron",
        "statements/00000.ron",
        "statements/00001.ron",
    ];

    /// A generated KB of 1,100 statements in `dir/kb`, clean: its folder.
    pub fn kb(dir: &Path, seed: u64) -> PathBuf {
        let root = dir.join("kb");
        let options = super::Options {
            statements: 1_100,
            seed,
            faults: 0,
            tiny: false,
        };
        super::generate(&options, &root).unwrap();
        root
    }

    /// A xorshift generator: the same edits on every run.
    pub struct Random(u64);

    impl Random {
        pub fn new() -> Random {
            Random(0x9e37_79b9_7f4a_7c15)
        }

        /// A number below `n` (at least 1).
        pub fn below(&mut self, n: usize) -> usize {
            let s = &mut self.0;
            *s ^= *s << 13;
            *s ^= *s >> 7;
            *s ^= *s << 17;
            (*s % n as u64) as usize
        }
    }

    /// A statement to add at the top of the statements of a file of
    /// `lines` (which has some): where to insert it, and its line. Named
    /// for `round`, made by the file's first speaker, answering a
    /// statement of the KB's second file, after every generated one (so
    /// that it may): every statement after it moves one place on, and
    /// from the first file its answer is in a later one.
    pub fn added_statement(
        lines: &[&str],
        round: usize,
        random: &mut Random,
    ) -> Option<(usize, String)> {
        let at = lines.iter().position(|l| l.trim() == "statements: [")? + 1;
        let by = lines.iter().find_map(|l| l.trim().strip_prefix("by: \""))?;
        let by = &by[..by.find('"')?];
        let answered = 1_000 + random.below(100);
        let line = format!(
            "        Statement(id: \"added-{round}\", by: \"{by}\", date: \"2025-01-01\", kind: Claim, summary: \"Added.\", responds_to: [Response(to: \"s{answered}\", stance: Supports)]),"
        );
        Some((at, line))
    }

    /// `line` with a letter or digit from its `from`-th character on
    /// changed into another of its kind, or `None` when it has none.
    pub fn bump(line: &str, from: usize, random: &mut Random) -> Option<String> {
        let mut chars: Vec<char> = line.chars().collect();
        let spots: Vec<usize> = (from..chars.len())
            .filter(|i| chars[*i].is_ascii_alphanumeric())
            .collect();
        if spots.is_empty() {
            return None;
        }
        let i = spots[random.below(spots.len())];
        chars[i] = match chars[i] {
            '0'..='8' => (chars[i] as u8 + 1) as char,
            '9' => '0',
            'z' => 'a',
            'Z' => 'A',
            c => (c as u8 + 1) as char,
        };
        Some(chars.into_iter().collect())
    }
}
