//! Identifiers: the ids users write, and the typed indices they become.
//!
//! An id is lowercase kebab-case (`[a-z0-9]+(-[a-z0-9]+)*`), unique across the
//! KB. At load every id is resolved once into a typed index; nothing
//! downstream looks up strings again.

use std::fmt;

macro_rules! index {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index!(
    /// Index of an actor in [`crate::Kb::actors`].
    ActorIx
);
index!(
    /// Index of an event in [`crate::Kb::events`].
    EventIx
);
index!(
    /// Index of a statement in [`crate::Kb::statements`].
    StatementIx
);

/// Any node of the KB.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum NodeRef {
    Actor(ActorIx),
    Event(EventIx),
    Statement(StatementIx),
}

/// The three kinds of node, for messages and for references that accept
/// several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Actor,
    Event,
    Statement,
}

impl NodeRef {
    /// The node of kind `kind` at `index` in its list.
    pub fn nth(kind: NodeKind, index: u32) -> NodeRef {
        match kind {
            NodeKind::Actor => NodeRef::Actor(ActorIx(index)),
            NodeKind::Event => NodeRef::Event(EventIx(index)),
            NodeKind::Statement => NodeRef::Statement(StatementIx(index)),
        }
    }

    /// Its index in the list of its kind.
    pub fn index(self) -> usize {
        match self {
            NodeRef::Actor(a) => a.index(),
            NodeRef::Event(e) => e.index(),
            NodeRef::Statement(s) => s.index(),
        }
    }

    pub fn kind(self) -> NodeKind {
        match self {
            NodeRef::Actor(_) => NodeKind::Actor,
            NodeRef::Event(_) => NodeKind::Event,
            NodeRef::Statement(_) => NodeKind::Statement,
        }
    }
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Actor => "actor",
            NodeKind::Event => "event",
            NodeKind::Statement => "statement",
        }
    }

    /// "an actor", "an event", "a statement".
    pub fn with_article(self) -> &'static str {
        match self {
            NodeKind::Actor => "an actor",
            NodeKind::Event => "an event",
            NodeKind::Statement => "a statement",
        }
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a valid id, or `None` when it is one.
///
/// ```
/// assert_eq!(annals::model::id_problem("putin"), None);
/// assert!(annals::model::id_problem("Putin").is_some());
/// assert!(annals::model::id_problem("nato--sg").is_some());
/// ```
pub fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("an id cannot be empty");
    }
    if id.len() > 200 {
        return Some("an id is at most 200 characters");
    }
    if id.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("ids are lowercase");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("ids use only a-z, 0-9 and `-`");
    }
    if id.starts_with('-') || id.ends_with('-') || id.contains("--") {
        return Some("a `-` stands only between letters or digits");
    }
    None
}

/// A suggested spelling: the id lowercased, with every run of other
/// characters turned into one `-`. `None` when nothing usable remains.
pub fn suggest_id(text: &str) -> Option<String> {
    let mut out = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    (!out.is_empty() && out != text).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case_ids_are_valid() {
        for id in ["putin", "mfa-ukraine", "2024-06-14-putin-lavrov", "a1"] {
            assert_eq!(id_problem(id), None, "{id}");
        }
    }

    #[test]
    fn other_ids_are_rejected_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("Putin", "lowercase"),
            ("put in", "only a-z"),
            ("путин", "only a-z"),
            ("a/b", "only a-z"),
            ("-a", "between"),
            ("a-", "between"),
            ("a--b", "between"),
            ("a_b", "only a-z"),
        ];
        for (id, why) in cases {
            let problem = id_problem(id).unwrap_or_else(|| panic!("{id:?} passed"));
            assert!(problem.contains(why), "{id:?}: {problem}");
        }
    }

    #[test]
    fn suggestions_are_valid_ids() {
        assert_eq!(
            suggest_id("Jens Stoltenberg").as_deref(),
            Some("jens-stoltenberg")
        );
        assert_eq!(suggest_id("a_b__c").as_deref(), Some("a-b-c"));
        assert_eq!(suggest_id("путин"), None);
        assert_eq!(suggest_id("ok"), None);
    }
}
