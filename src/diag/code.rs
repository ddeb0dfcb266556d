//! Every diagnostic code annals can emit, with its description and default
//! level. Codes are stable: scripts and settings files name them.

use std::fmt;

use super::Severity;

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $hard:literal, $desc:literal;)+) => {
        /// A stable kebab-case diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize)]
        pub enum Code {
            $(#[doc = $desc] $variant),+
        }

        impl Code {
            /// Every code, in the order of the table in the README.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as printed and as written in settings (`unknown-reference`).
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),+ }
            }

            /// A one-line description.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $desc),+ }
            }

            /// The severity before any level is configured.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$level),+ }
            }

            /// Hard errors make the KB unusable (a file that does not parse, a
            /// reference that resolves to nothing); their level cannot be
            /// changed. Every other code is a lint whose level can be set.
            pub fn is_hard(self) -> bool {
                match self { $(Code::$variant => $hard),+ }
            }
        }
    };
}

codes! {
    UnreadablePath = "unreadable-path", Error, true,
        "a file or folder of the KB cannot be read (permissions, a symlink loop, not a file)";
    InvalidUtf8 = "invalid-utf8", Error, true,
        "a KB file is not valid UTF-8 text";
    FileTooLarge = "file-too-large", Error, true,
        "a KB file is larger than the configured limit";
    SyntaxError = "syntax-error", Error, true,
        "a KB file is not valid RON";
    NestingTooDeep = "nesting-too-deep", Error, true,
        "brackets are nested deeper than the configured limit";
    WrongType = "wrong-type", Error, true,
        "a value has the wrong type (a string where a list is expected, `Actr(..)` for `Actor(..)`)";
    UnknownField = "unknown-field", Error, true,
        "a field that the item does not have (often a typo)";
    MissingField = "missing-field", Error, true,
        "a required field is missing";
    DuplicateField = "duplicate-field", Error, true,
        "the same field is written twice in one item";
    UnknownVariant = "unknown-variant", Error, true,
        "an unknown kind, stance or level (`kind: Persn`)";
    InvalidId = "invalid-id", Error, true,
        "an id that is not lowercase kebab-case";
    DuplicateId = "duplicate-id", Error, true,
        "two items share one id (ids are one namespace across the KB)";
    UnknownReference = "unknown-reference", Error, true,
        "a reference to an id that no item has";
    WrongReferenceKind = "wrong-reference-kind", Error, true,
        "a reference to the wrong kind of item (`by` must name an actor, `outlet` a Media actor)";
    DuplicateResponse = "duplicate-response", Error, true,
        "a statement names one target in `responds_to` more than once";
    InvalidDate = "invalid-date", Error, true,
        "a date that is not one of the accepted forms, or does not exist (`2024-02-30`)";
    ReversedInterval = "reversed-interval", Error, true,
        "an interval or role whose end lies before its start";
    InvalidSetting = "invalid-setting", Error, true,
        "a value in the settings file that annals cannot use";
    LimitExceeded = "limit-exceeded", Error, true,
        "the KB holds more items than the configured limit";
    SelfResponse = "self-response", Error, false,
        "a statement responds to itself";
    ResponseBeforeTarget = "response-before-target", Error, false,
        "a response dated certainly before the statement it responds to";
    VerdictBeforeStatement = "verdict-before-statement", Error, false,
        "a verdict or status dated certainly before the statement it judges";
    ResponseCycle = "response-cycle", Error, false,
        "statements that respond to each other in a cycle";
    PartOfCycle = "part-of-cycle", Error, false,
        "actors or events that are part of each other in a cycle";
    MissingSource = "missing-source", Warning, false,
        "a statement without any source";
    OutsideEventDates = "outside-event-dates", Warning, false,
        "a statement dated certainly outside the dates of its event";
    RoleOutsideDates = "role-outside-dates", Warning, false,
        "a statement by a person with roles, dated outside all of them (roll-up cannot attribute it)";
    UnusedActor = "unused-actor", Warning, false,
        "an actor that nothing refers to";
    UnusedEvent = "unused-event", Warning, false,
        "an event that nothing refers to";
    EmptyStatement = "empty-statement", Warning, false,
        "a statement with an empty summary and no quotes";
    DuplicateSource = "duplicate-source", Warning, false,
        "an item that cites the same source twice";
    InvalidUrl = "invalid-url", Warning, false,
        "a source URL that is not http(s), or an archived copy that is the original URL";
    DuplicateEntry = "duplicate-entry", Warning, false,
        "a list that names one actor twice (speakers of a statement, participants of an event)";
}

impl Code {
    /// Looks a code up by its printed name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let name = code.name();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                crate::model::id_problem(name).is_none(),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(*code));
            assert!(!code.description().is_empty());
        }
    }

    #[test]
    fn lints_may_be_errors_but_hard_errors_are_never_warnings() {
        for code in Code::ALL {
            if code.is_hard() {
                assert_eq!(code.default_severity(), Severity::Error, "{code}");
            }
        }
    }
}
