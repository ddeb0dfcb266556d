//! `annals new statement|actor|event`: a complete item, written as the
//! KB's files write items (fields in the README's order, one per line,
//! indented for a story file's list), from what the user knows. Every id,
//! kind, stance and date is checked against the KB first, with the usual
//! suggestions, and the item gets an id of its own that is not taken.

use crate::kb::Kb;
use crate::model::{ActorKind, Date, EventKind, NodeKind, Stance, StatementKind, Vocabulary};
use crate::query::resolve;

/// What the user knows of a new item (the flags of `annals new`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Known {
    /// The id (else one is suggested that is not taken).
    #[arg(long)]
    pub id: Option<String>,
    /// A statement's speaker (an actor id).
    #[arg(long, value_name = "ACTOR")]
    pub by: Option<String>,
    /// An actor's or event's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The date, in any KB date form.
    #[arg(long)]
    pub date: Option<String>,
    /// The event a statement was made at.
    #[arg(long, value_name = "EVENT")]
    pub at: Option<String>,
    /// The kind (Claim, Demand, Rejection, ... for a statement; Meeting,
    /// Summit, ... for an event; Person, State, Media, ... for an actor).
    #[arg(long)]
    pub kind: Option<String>,
    /// A statement's short headline.
    #[arg(long)]
    pub title: Option<String>,
    /// What a statement says, in a sentence.
    #[arg(long)]
    pub summary: Option<String>,
    /// What a statement answers: ID or ID:STANCE (Rejects unless given).
    #[arg(long = "responds-to", value_name = "ID[:STANCE]")]
    pub responds_to: Vec<String>,
    /// An outlet a statement was reported by (an actor id).
    #[arg(long = "source", value_name = "OUTLET")]
    pub sources: Vec<String>,
    /// A topic.
    #[arg(long = "topic")]
    pub topics: Vec<String>,
    /// What an actor or event is part of.
    #[arg(long = "part-of", value_name = "ID")]
    pub part_of: Option<String>,
    /// An event's place.
    #[arg(long)]
    pub place: Option<String>,
    /// An event's participant (an actor id).
    #[arg(long = "participant", value_name = "ACTOR")]
    pub participants: Vec<String>,
}

/// The kind of item to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Item {
    Statement,
    Actor,
    Event,
}

/// A new item: its id, and its text as it stands in a story file's list.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub id: String,
    pub text: String,
}

/// Writes the item, or says every way what the user gave is wrong.
pub fn item(kb: &Kb, what: Item, known: &Known) -> Result<NewItem, Vec<String>> {
    let mut problems = Vec::new();
    let mut check_id = |id: &str, kind: NodeKind| {
        if let Err(e) = resolve(kb, id, Some(kind)) {
            problems.push(e.to_string());
        }
    };
    match what {
        Item::Statement => {
            if let Some(by) = &known.by {
                check_id(by, NodeKind::Actor);
            }
            if let Some(at) = &known.at {
                check_id(at, NodeKind::Event);
            }
            for s in &known.sources {
                check_id(s, NodeKind::Actor);
            }
            for (to, _) in known.responds_to.iter().map(|r| target(r)) {
                if let Err(e) = resolve(kb, to, None) {
                    problems.push(e.to_string());
                }
            }
        }
        Item::Event => {
            for p in &known.participants {
                check_id(p, NodeKind::Actor);
            }
            if let Some(p) = &known.part_of {
                check_id(p, NodeKind::Event);
            }
        }
        Item::Actor => {
            if let Some(p) = &known.part_of {
                check_id(p, NodeKind::Actor);
            }
        }
    }
    let required = |field: &Option<String>, flag: &str, problems: &mut Vec<String>| {
        if field.as_deref().is_none_or(|v| v.trim().is_empty()) {
            problems.push(format!("a new {} needs {flag}", item_word(what)));
        }
    };
    match what {
        Item::Statement => {
            required(&known.by, "--by (who said it)", &mut problems);
            required(&known.date, "--date", &mut problems);
            required(
                &known.summary,
                "--summary (what was said, in a sentence)",
                &mut problems,
            );
        }
        Item::Event => {
            required(&known.name, "--name", &mut problems);
            required(&known.date, "--date", &mut problems);
        }
        Item::Actor => required(&known.name, "--name", &mut problems),
    }
    if let Some(d) = &known.date {
        if let Err(e) = Date::parse(d, kb.settings.zone) {
            problems.push(format!(
                "invalid --date `{}`: {}",
                crate::escape::shown(d),
                e.message
            ));
        }
    }
    let kind = match what {
        Item::Statement => {
            word::<StatementKind>(known.kind.as_deref().unwrap_or("Claim"), &mut problems)
        }
        Item::Event => word::<EventKind>(known.kind.as_deref().unwrap_or("Meeting"), &mut problems),
        Item::Actor => word::<ActorKind>(known.kind.as_deref().unwrap_or("Person"), &mut problems),
    };
    let mut responses = Vec::new();
    for (to, stance) in known.responds_to.iter().map(|r| target(r)) {
        if let Some(stance) = word::<Stance>(stance, &mut problems) {
            responses.push((to.to_owned(), stance));
        }
    }
    if let Some(id) = &known.id {
        if let Some(why) = crate::model::id_problem(id) {
            problems.push(format!("--id `{}`: {why}", crate::escape::shown(id)));
        } else if kb.lookup(id).is_some() {
            problems.push(format!(
                "the id `{}` is taken; leave --id out for one that is not",
                crate::escape::shown(id)
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let id = known.id.clone().unwrap_or_else(|| free_id(kb, what, known));
    let q = |s: &str| crate::escape::ron_string(s);
    let list = |items: &[String]| {
        format!(
            "[{}]",
            items.iter().map(|i| q(i)).collect::<Vec<_>>().join(", ")
        )
    };
    let mut fields: Vec<String> = vec![format!("id: {}", q(&id))];
    let kind = kind.unwrap_or_default();
    match what {
        Item::Statement => {
            fields.push(format!("by: {}", q(known.by.as_deref().unwrap_or(""))));
            fields.push(format!("date: {}", q(known.date.as_deref().unwrap_or(""))));
            if let Some(at) = &known.at {
                fields.push(format!("at: {}", q(at)));
            }
            fields.push(format!("kind: {kind}"));
            if let Some(t) = &known.title {
                fields.push(format!("title: {}", q(t)));
            }
            fields.push(format!(
                "summary: {}",
                q(known.summary.as_deref().unwrap_or(""))
            ));
            if !responses.is_empty() {
                let rs: Vec<String> = responses
                    .iter()
                    .map(|(to, stance)| format!("Response(to: {}, stance: {stance})", q(to)))
                    .collect();
                fields.push(format!("responds_to: [{}]", rs.join(", ")));
            }
            let sources: Vec<String> = known
                .sources
                .iter()
                .map(|s| format!("Source(outlet: {})", q(s)))
                .collect();
            fields.push(format!("sources: [{}]", sources.join(", ")));
            if !known.topics.is_empty() {
                fields.push(format!("topics: {}", list(&known.topics)));
            }
        }
        Item::Event => {
            fields.push(format!("name: {}", q(known.name.as_deref().unwrap_or(""))));
            fields.push(format!("kind: {kind}"));
            fields.push(format!("date: {}", q(known.date.as_deref().unwrap_or(""))));
            if let Some(p) = &known.place {
                fields.push(format!("place: {}", q(p)));
            }
            if !known.participants.is_empty() {
                fields.push(format!("participants: {}", list(&known.participants)));
            }
            if let Some(p) = &known.part_of {
                fields.push(format!("part_of: {}", q(p)));
            }
            if !known.topics.is_empty() {
                fields.push(format!("topics: {}", list(&known.topics)));
            }
        }
        Item::Actor => {
            fields.push(format!("name: {}", q(known.name.as_deref().unwrap_or(""))));
            fields.push(format!("kind: {kind}"));
            if let Some(p) = &known.part_of {
                fields.push(format!("part_of: {}", q(p)));
            }
        }
    }
    let head = type_name(what);
    let text = format!("{head}({})", fields.join(", "));
    let laid_out = crate::fmt::item_text(&text, head).map_err(|e| {
        vec![format!(
            "annals could not lay out the item: {e} (please report this)"
        )]
    })?;
    Ok(NewItem {
        id,
        text: format!("        {laid_out},\n"),
    })
}

/// The struct an item is written as.
pub fn type_name(what: Item) -> &'static str {
    match what {
        Item::Statement => "Statement",
        Item::Actor => "Actor",
        Item::Event => "Event",
    }
}

/// The list of a KB file the item goes in.
pub fn node_kind(what: Item) -> NodeKind {
    match what {
        Item::Statement => NodeKind::Statement,
        Item::Actor => NodeKind::Actor,
        Item::Event => NodeKind::Event,
    }
}

/// A `--responds-to` value: the id, and the stance (Rejects unless given).
fn target(written: &str) -> (&str, &str) {
    written.split_once(':').unwrap_or((written, "Rejects"))
}

fn item_word(what: Item) -> &'static str {
    match what {
        Item::Statement => "statement",
        Item::Actor => "actor",
        Item::Event => "event",
    }
}

/// A word of a vocabulary, in any case, or a problem with suggestions.
fn word<V: Vocabulary + std::fmt::Display>(
    written: &str,
    problems: &mut Vec<String>,
) -> Option<String> {
    match V::parse_any_case(written) {
        Some(w) => Some(w.to_string()),
        None => {
            let close = crate::suggest::closest(written, V::all().iter().map(|w| w.word()));
            let words: Vec<&str> = V::all().iter().map(|w| w.word()).collect();
            problems.push(format!(
                "unknown {} `{}`; {}",
                V::what(),
                crate::escape::shown(written),
                crate::suggest::did_you_mean(&close)
                    .unwrap_or_else(|| format!("one of {}", words.join(", ")))
            ));
            None
        }
    }
}

/// An id from what the item is (speaker, date and first words of the
/// title or summary; a name), lowercase words joined by hyphens, with
/// `-2`, `-3`… when taken.
fn free_id(kb: &Kb, what: Item, known: &Known) -> String {
    let words = |text: &str, most: usize| -> Vec<String> {
        const SMALL: &[&str] = &[
            "a", "an", "the", "of", "to", "and", "or", "in", "on", "for", "that", "is", "it",
            "its", "with", "said", "says", "stated",
        ];
        text.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|w| !w.is_empty() && !SMALL.contains(&w.as_str()))
            .take(most)
            .collect()
    };
    let mut parts: Vec<String> = match what {
        Item::Statement => {
            // The speaker, then words that do not repeat the speaker's.
            let by = known.by.clone().unwrap_or_default();
            let text = known
                .title
                .as_deref()
                .or(known.summary.as_deref())
                .unwrap_or("");
            let mut p = vec![by.clone()];
            p.extend(
                words(text, 8)
                    .into_iter()
                    .filter(|w| !by.split('-').any(|b| b == w))
                    .take(3),
            );
            p
        }
        Item::Event => {
            let mut p = words(known.name.as_deref().unwrap_or(""), 4);
            p.push(
                // The start of an interval: `2024-07-09` of `2024-07-09/2024-07-11`.
                known
                    .date
                    .as_deref()
                    .unwrap_or("")
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '-')
                    .collect(),
            );
            p
        }
        Item::Actor => words(known.name.as_deref().unwrap_or(""), 4),
    };
    parts.retain(|p| !p.is_empty());
    let joined = parts.join("-");
    let base = match crate::model::id_problem(&joined) {
        None => Some(joined),
        Some(_) => crate::model::suggest_id(&joined),
    }
    .map(|b| {
        b.chars()
            .take(80)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    })
    .filter(|b| !b.is_empty())
    .unwrap_or_else(|| item_word(what).to_owned());
    let mut id = base.clone();
    let mut n = 2;
    while kb.lookup(&id).is_some() {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_written_as_ron_reads_them_back() {
        for text in [
            "plain",
            "a \"quote\" and a \\ backslash",
            "line\nbreak\ttab\r",
            "esc \u{1b}[31m bell \u{7} c1 \u{9b}",
            "Bürgenstock \u{202e} 😀 it's",
        ] {
            let back: String =
                ron::from_str(&crate::escape::ron_string(text)).expect("RON reads it");
            assert_eq!(back, text);
        }
    }
}
