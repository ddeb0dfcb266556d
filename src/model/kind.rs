//! The closed vocabularies of the KB: kinds of actors, events and statements,
//! and response stances. Users write them as bare RON identifiers
//! (`kind: Person`); an unknown word is an error with the closest known word
//! suggested. Each set may grow; none may shrink without a migration.

use std::fmt;

/// A closed set of words users write as bare identifiers.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every word, in declaration order.
    fn all() -> &'static [Self];
    /// What the words name, for messages ("actor kind").
    fn what() -> &'static str;
    /// The word as written.
    fn word(self) -> &'static str;
    /// Reads a word (case-sensitive, like RON).
    fn parse_word(word: &str) -> Option<Self>;
    /// Reads a word in any case (`demand` for `Demand`), as the command
    /// line accepts it.
    fn parse_any_case(word: &str) -> Option<Self> {
        Self::all()
            .iter()
            .copied()
            .find(|w| w.word().eq_ignore_ascii_case(word))
    }
}

/// The word of any vocabulary spelled `word`, as a static string: what a
/// parsed KB holds for a word instead of a copy of it (a statement's kind
/// and each of its stances).
pub fn known_word(word: &str) -> Option<&'static str> {
    fn of<V: Vocabulary>(word: &str) -> Option<&'static str> {
        V::parse_word(word).map(V::word)
    }
    of::<StatementKind>(word)
        .or_else(|| of::<Stance>(word))
        .or_else(|| of::<ActorKind>(word))
        .or_else(|| of::<EventKind>(word))
        .or_else(|| of::<ParticipationRole>(word))
        .or_else(|| of::<Rating>(word))
        .or_else(|| of::<StatusKind>(word))
        .or_else(|| of::<LevelWord>(word))
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every word, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the word names, for messages ("actor kind").
            pub const WHAT: &'static str = $what;

            /// The word as users write it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }

            /// The word as a reader says it, for labels: `PressConference`
            /// is "Press conference".
            ///
            /// ```
            /// assert_eq!(annals::model::EventKind::PressConference.phrase(), "Press conference");
            /// ```
            pub fn phrase(self) -> String {
                let mut out = String::new();
                for (i, c) in self.as_str().chars().enumerate() {
                    if i > 0 && c.is_ascii_uppercase() {
                        out.push(' ');
                        out.push(c.to_ascii_lowercase());
                    } else {
                        out.push(c);
                    }
                }
                out
            }

            /// Reads the word as users write it (case-sensitive, like RON).
            pub fn from_name(word: &str) -> Option<$name> {
                match word {
                    $(stringify!($variant) => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Vocabulary for $name {
            fn all() -> &'static [$name] {
                $name::ALL
            }
            fn what() -> &'static str {
                $what
            }
            fn word(self) -> &'static str {
                self.as_str()
            }
            fn parse_word(word: &str) -> Option<$name> {
                $name::from_name(word)
            }
        }

        /// The word in formats people read (JSON); its position in
        /// [`Self::ALL`] in binary ones (annals' cache).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    return s.serialize_str(self.as_str());
                }
                // Declared in the order of ALL, without explicit values.
                s.serialize_u8(*self as u8)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                use serde::de::Error;
                if d.is_human_readable() {
                    let word = <&str>::deserialize(d)?;
                    return $name::from_name(word)
                        .ok_or_else(|| D::Error::custom(format_args!("unknown {} `{word}`", $what)));
                }
                let at = u8::deserialize(d)?;
                $name::ALL
                    .get(usize::from(at))
                    .copied()
                    .ok_or_else(|| D::Error::custom(format_args!("no {} numbered {at}", $what)))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("A", " ", $what, ": one of the words"),
                    "type": "string",
                    "enum": [$(stringify!($variant)),+]
                })
            }
        }
    };
}

vocabulary! {
    /// What kind of actor: a person or an institution of some sort.
    ActorKind, "actor kind" {
        Person, State, Government, Ministry, Organization, Alliance, Media, Group,
    }
}

vocabulary! {
    /// What kind of event.
    EventKind, "event kind" {
        Meeting, PressConference, Summit, Speech, Interview, Publication, Session, Other,
    }
}

vocabulary! {
    /// What kind of speech act a statement is.
    StatementKind, "statement kind" {
        Claim, Demand, Proposal, Rejection, Accusation, Warning, Commitment, Appeal, Denial, Other,
    }
}

vocabulary! {
    /// How a response stands towards the statement it answers.
    Stance, "stance" {
        Rejects, Disputes, Supports, Qualifies, Acknowledges,
    }
}

vocabulary! {
    /// How an actor stood towards an event: the first three were there.
    ParticipationRole, "participation role" {
        Host, Participant, Observer, Invited, Declined, NotInvited,
    }
}

impl ParticipationRole {
    /// Whether the actor was there: host, participant or observer (not one
    /// that was invited and stayed away, declined or was not invited).
    pub fn attended(self) -> bool {
        matches!(
            self,
            ParticipationRole::Host | ParticipationRole::Participant | ParticipationRole::Observer
        )
    }

    /// The role as lowercase words: `not invited`.
    pub fn words(self) -> &'static str {
        match self {
            ParticipationRole::Host => "host",
            ParticipationRole::Participant => "participant",
            ParticipationRole::Observer => "observer",
            ParticipationRole::Invited => "invited",
            ParticipationRole::Declined => "declined",
            ParticipationRole::NotInvited => "not invited",
        }
    }
}

vocabulary! {
    /// A fact-checker's rating of a claim, from true to false, or unproven.
    Rating, "rating" {
        True, MostlyTrue, Mixed, MostlyFalse, False, Unproven,
    }
}

impl Rating {
    /// Whether the rating says the claim is wrong: mostly false or false.
    pub fn is_false(self) -> bool {
        matches!(self, Rating::MostlyFalse | Rating::False)
    }

    /// The rating's place on schema.org's scale (5 true … 1 false); none
    /// for `Unproven`, which is not on it.
    pub fn value(self) -> Option<u8> {
        match self {
            Rating::True => Some(5),
            Rating::MostlyTrue => Some(4),
            Rating::Mixed => Some(3),
            Rating::MostlyFalse => Some(2),
            Rating::False => Some(1),
            Rating::Unproven => None,
        }
    }
}

vocabulary! {
    /// What became of a statement after it was made.
    StatusKind, "status" {
        Retracted, Corrected, Clarified,
    }
}

vocabulary! {
    /// A lint level, as written in the settings file.
    LevelWord, "lint level" {
        Allow, Warn, Deny,
    }
}

/// Words people write for a stance or statement kind that annals names
/// otherwise, by meaning: a typo finds its word by spelling, a synonym
/// (`Endorses`) only through this table.
const SYNONYMS: &[(&str, &[&str], &str)] = &[
    (
        "stance",
        &[
            "endorses",
            "endorse",
            "agrees",
            "backs",
            "welcomes",
            "approves",
            "accepts",
            "praises",
            "supported",
        ],
        "Supports",
    ),
    (
        "stance",
        &[
            "denies",
            "refutes",
            "dismisses",
            "condemns",
            "opposes",
            "reject",
            "rejected",
            "refuses",
        ],
        "Rejects",
    ),
    (
        "stance",
        &[
            "questions",
            "doubts",
            "challenges",
            "contests",
            "dispute",
            "disputed",
            "contradicts",
        ],
        "Disputes",
    ),
    (
        "stance",
        &[
            "notes",
            "mentions",
            "cites",
            "responds",
            "replies",
            "answers",
            "acknowledge",
        ],
        "Acknowledges",
    ),
    (
        "stance",
        &[
            "clarifies",
            "nuances",
            "amends",
            "limits",
            "qualify",
            "partially",
        ],
        "Qualifies",
    ),
    (
        "statement kind",
        &["statement", "remark", "comment", "assertion", "allegation"],
        "Claim",
    ),
    (
        "statement kind",
        &["request", "ultimatum", "condition", "precondition"],
        "Demand",
    ),
    (
        "statement kind",
        &["offer", "plan", "initiative", "suggestion"],
        "Proposal",
    ),
    (
        "statement kind",
        &["refusal", "dismissal", "reject"],
        "Rejection",
    ),
    (
        "statement kind",
        &["charge", "accuse", "blame"],
        "Accusation",
    ),
    ("statement kind", &["threat", "caution"], "Warning"),
    (
        "statement kind",
        &["promise", "pledge", "vow"],
        "Commitment",
    ),
    (
        "statement kind",
        &["call", "plea", "request-for-help"],
        "Appeal",
    ),
];

/// The word of vocabulary `what` ("stance") that means what `word` does,
/// when `word` is a known synonym (`Endorses` -> `Supports`).
pub fn by_meaning(what: &str, word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    SYNONYMS
        .iter()
        .find(|(w, words, _)| *w == what && words.contains(&lower.as_str()))
        .map(|(_, _, meant)| *meant)
}

impl ActorKind {
    /// Institutions: every kind but `Person`.
    pub fn is_institution(self) -> bool {
        self != ActorKind::Person
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for k in ActorKind::ALL {
            assert_eq!(ActorKind::from_name(k.as_str()), Some(*k));
        }
        for s in Stance::ALL {
            assert_eq!(Stance::from_name(&s.to_string()), Some(*s));
        }
        assert_eq!(
            EventKind::from_name("PressConference"),
            Some(EventKind::PressConference)
        );
        assert_eq!(StatementKind::from_name("claim"), None);
        assert_eq!(by_meaning("stance", "Endorses"), Some("Supports"));
        assert_eq!(by_meaning("statement kind", "Promise"), Some("Commitment"));
        assert_eq!(by_meaning("stance", "Promise"), None);
        for (what, _, meant) in SYNONYMS {
            let known = match *what {
                "stance" => Stance::from_name(meant).is_some(),
                _ => StatementKind::from_name(meant).is_some(),
            };
            assert!(known, "{meant} is a {what}");
        }
    }
}
