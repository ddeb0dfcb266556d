//! What labels, names and captions say, shared by the pictures and the
//! page: a statement's short label, a lane's speaker name, and a caption's
//! default credit.

use crate::kb::Kb;
use crate::model::{ActorIx, EventIx, Statement, StatementIx};

/// The label beside a statement's marker: its title, else the start of
/// its summary cut after a word (the lane names the speaker; the id is in
/// the tooltip), and for a joint statement (drawn once, in its first
/// signatory's lane) how many other signatories it has: `Communiqué (+3)`.
pub fn statement_label(s: &Statement) -> String {
    let text = s.title.as_deref().unwrap_or(&s.summary);
    let label = super::cut_at_word(text, 32);
    match s.signatories.len() {
        0 | 1 => label,
        n => format!("{label} (+{})", n - 1),
    }
}

/// The name of a lane's speaker: its short name, else its name cut after a
/// word; two lanes that would read the same are told apart by what each is
/// part of ("Ministry of Foreign… (Ukraine)").
pub fn lane_names(kb: &Kb, actors: &[Option<ActorIx>]) -> Vec<Option<String>> {
    let short = |a: ActorIx, max: usize| {
        let actor = kb.actor(a);
        match &actor.short_name {
            Some(s) => cut(s, max),
            None => super::cut_at_word(&actor.name, max),
        }
    };
    let plain: Vec<Option<String>> = actors
        .iter()
        .map(|a| a.map(|a| short(a, LANE_NAME)))
        .collect();
    actors
        .iter()
        .zip(&plain)
        .map(|(a, name)| {
            let (a, name) = (a.as_ref()?, name.as_ref()?);
            let same = plain.iter().filter(|n| n.as_ref() == Some(name)).count() > 1;
            Some(match kb.actor(*a).part_of {
                Some(p) if same => {
                    let parent = short(p, 12);
                    let room = LANE_NAME.saturating_sub(parent.chars().count() + 3).max(8);
                    format!("{} ({parent})", short(*a, room))
                }
                _ => name.clone(),
            })
        })
        .collect()
}

/// The most characters of a lane's name (two lines of the left margin).
pub const LANE_NAME: usize = 48;

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// How a picture presents itself: a title (else what it shows, how many
/// and when), a subtitle under it, a credit line at the foot (else the
/// outlets its statements cite, and annals), and its width in pixels
/// (`render::timeline::MIN_WIDTH` to `MAX_WIDTH`; 1280 when not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caption {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub credit: Option<String>,
    pub width: Option<u32>,
}

/// The outlets and publishers the given statements and events cite, and
/// annals: "Sources: European Pravda, TASS · drawn with annals".
pub fn default_credit(kb: &Kb, statements: &[StatementIx], events: &[EventIx]) -> String {
    let sources = statements
        .iter()
        .flat_map(|s| kb.statement(*s).sources.iter())
        .chain(events.iter().flat_map(|e| kb.event(*e).sources.iter()));
    let outlets: std::collections::BTreeSet<&str> = sources
        .filter_map(|s| s.outlet)
        .map(|o| kb.actor(o).name.as_str())
        .collect();
    let mut names: Vec<&str> = outlets.iter().copied().take(6).collect();
    let more = outlets.len().saturating_sub(names.len());
    let more = format!("{more} more");
    if outlets.len() > names.len() {
        names.push(&more);
    }
    if names.is_empty() {
        "Drawn with annals".into()
    } else {
        format!("Sources: {} · drawn with annals", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_names_are_short_and_never_read_the_same() {
        let text = r#"Kb(actors: [
            Actor(id: "ua", name: "Ukraine", kind: State),
            Actor(id: "ru", name: "Russia", kind: State),
            Actor(id: "mfa-ua", name: "Ministry of Foreign Affairs and International Cooperation of Ukraine", kind: Ministry, part_of: "ua"),
            Actor(id: "mfa-ru", name: "Ministry of Foreign Affairs and International Cooperation of Russia", kind: Ministry, part_of: "ru"),
            Actor(id: "nato", name: "North Atlantic Treaty Organization", kind: Alliance, short_name: "NATO"),
        ])"#;
        let loaded = Kb::load_files(&[("kb.ron", text.as_bytes())]);
        let kb = loaded.kb;
        let ix = |id: &str| match kb.lookup(id) {
            Some(crate::model::NodeRef::Actor(a)) => Some(a),
            _ => None,
        };
        let names = lane_names(&kb, &[ix("mfa-ua"), ix("mfa-ru"), ix("nato"), None]);
        assert_eq!(
            names,
            [
                Some("Ministry of Foreign Affairs and… (Ukraine)".to_string()),
                Some("Ministry of Foreign Affairs and… (Russia)".to_string()),
                Some("NATO".to_string()),
                None
            ]
        );
        for n in names.iter().flatten() {
            assert!(n.chars().count() <= LANE_NAME, "{n}");
        }
    }

    #[test]
    fn statement_labels_are_titles_or_the_summary_cut_after_a_word() {
        let text = r#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)], statements: [
            Statement(id: "with-title", by: "a", date: "2024", kind: Claim, title: "Not in good faith", summary: "S"),
            Statement(id: "without", by: "a", date: "2024", kind: Claim, summary: "Stoltenberg stated that Putin's stance on peace talks is not sincere"),
        ])"#;
        let kb = Kb::load_files(&[("kb.ron", text.as_bytes())]).kb;
        let label = |id: &str| match kb.lookup(id) {
            Some(crate::model::NodeRef::Statement(s)) => statement_label(kb.statement(s)),
            _ => panic!("{id} is a statement"),
        };
        assert_eq!(label("with-title"), "Not in good faith");
        assert_eq!(label("without"), "Stoltenberg stated that Putin's…");
    }
}
