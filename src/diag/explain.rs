//! Long explanations of the diagnostic codes, as `rustc --explain` gives
//! them: what the code means, a mistake that raises it, and its fix (each a
//! few lines of a KB file, as the per-code fixtures under
//! `tests/fixtures/check/` show them whole).

use super::Code;

/// What a code means, with an example of the mistake and of the fix.
#[derive(Debug, Clone, Copy)]
pub struct Explanation {
    pub meaning: &'static str,
    pub mistake: &'static str,
    pub fix: &'static str,
}

macro_rules! explain {
    ($($code:ident: $meaning:literal, $mistake:literal, $fix:literal;)+) => {
        impl Code {
            /// The long explanation of the code.
            pub fn explanation(self) -> Explanation {
                match self {
                    $(Code::$code => Explanation { meaning: $meaning, mistake: $mistake, fix: $fix },)+
                }
            }
        }
    };
}

explain! {
    UnreadablePath:
        "A file or folder below the KB folder could not be read: permissions, a symlink loop, a dangling symlink, or something that is not a regular file (a FIFO, a device). It is skipped; the rest of the KB is checked.",
        "kb/stories -> kb/stories        (a symlink to itself)",
        "remove the link, or point it at a real folder of .ron files";
    InvalidUtf8:
        "A KB file is not UTF-8 text (often a file saved as Latin-1 or UTF-16). The position of the first invalid byte is given.",
        "summary: \"Z\\xfcrich\"          (the byte 0xFC, Latin-1 for ü)",
        "save the file as UTF-8: summary: \"Zürich\"";
    FileTooLarge:
        "A KB file is larger than `max_file_bytes` (64 MiB unless annals.ron says otherwise), and is not read.",
        "kb/everything.ron               (80 MB in one file)",
        "split it into several files (one per story), or raise limits: Limits(max_file_bytes: …) in annals.ron";
    SyntaxError:
        "A file is not valid RON: a missing comma, an unclosed bracket, string or comment, or text after the end. annals resynchronises at the next item, so other items of the file are still checked.",
        "    Statement(id: \"a\", …)\n    Statement(id: \"b\", …),",
        "    Statement(id: \"a\", …),\n    Statement(id: \"b\", …),";
    NestingTooDeep:
        "Brackets are nested deeper than `max_nesting` (128 unless annals.ron says otherwise). A KB needs a few levels; deep nesting is a mistake or hostile input.",
        "at: [[[[[[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]]]]]],",
        "at: \"summit-2024\",";
    WrongType:
        "A value has the wrong type for its field: a list where one id goes, a string where a list goes, or an item of the wrong name. The item is left out; the help says what the field takes.",
        "Statement(id: \"s1\", by: [\"putin\", \"lavrov\"], …)",
        "Statement(id: \"s1\", by: \"putin\", …)";
    UnknownField:
        "An item has a field annals does not know, usually a typo. The item is left out (a misspelt field must not be ignored silently); the closest field is suggested.",
        "Actor(id: \"russia\", name: \"Russia\", kind: State, alias: [\"Moscow\"])",
        "Actor(id: \"russia\", name: \"Russia\", kind: State, aliases: [\"Moscow\"])";
    MissingField:
        "A required field is missing. The item is left out; the diagnostic names it and points at its id.",
        "Statement(id: \"s1\", date: \"2024-06-14\", kind: Claim, summary: \"…\")",
        "Statement(id: \"s1\", by: \"putin\", date: \"2024-06-14\", kind: Claim, summary: \"…\")";
    DuplicateField:
        "The same field is written twice in one item; which one was meant is not for annals to guess.",
        "Statement(id: \"s1\", summary: \"First.\", …, summary: \"Second.\")",
        "Statement(id: \"s1\", summary: \"First.\", …)";
    UnknownVariant:
        "A kind, stance or level that does not exist. The closest word is suggested, by spelling or by meaning.",
        "Response(to: \"s1\", stance: Endorses)",
        "Response(to: \"s1\", stance: Supports)";
    InvalidId:
        "An id is not lowercase kebab-case (`[a-z0-9]+(-[a-z0-9]+)*`). Ids are stable names other KBs link to, so they are kept plain.",
        "Actor(id: \"Putin_V\", …)",
        "Actor(id: \"putin\", …)";
    DuplicateId:
        "Two items share one id. Ids are one namespace across the KB (actors, events and statements alike); both places are shown.",
        "Actor(id: \"nato\", …)          and, in another file,  Event(id: \"nato\", …)",
        "Event(id: \"nato-summit-2024\", …)";
    UnknownReference:
        "A reference names an id that no item has. The closest ids of the right kind are suggested.",
        "Statement(id: \"s1\", by: \"putn\", …)",
        "Statement(id: \"s1\", by: \"putin\", …)";
    WrongReferenceKind:
        "A reference names an item of the wrong kind: `by` must name an actor, `at` an event, `responds_to` a statement or an event, `outlet` a Media actor.",
        "Source(outlet: \"putin\")",
        "Source(outlet: \"tass\")";
    DuplicateResponse:
        "A statement names one target more than once in `responds_to`, often with contradicting stances. Every place is shown with its stance; the first is kept.",
        "responds_to: [\"t\", Response(to: \"t\", stance: Rejects)]",
        "responds_to: [Response(to: \"t\", stance: Rejects)]";
    InvalidDate:
        "A date is not one of the accepted forms, or does not exist. The reason is part of the message.",
        "date: \"2024-02-30\"",
        "date: \"2024-02-29\"";
    ReversedInterval:
        "An interval or a role ends before it starts.",
        "date: \"2024-06-16/2024-06-15\"",
        "date: \"2024-06-15/2024-06-16\"";
    InvalidSetting:
        "A value in annals.ron that annals cannot use: an unknown code or zone, a lint set twice, a limit out of range.",
        "Settings(lints: { \"unused-actor\": Allow, \"unused-actor\": Deny })",
        "Settings(lints: { \"unused-actor\": Allow })";
    LimitExceeded:
        "The KB holds more items than `max_items` (5,000,000 unless annals.ron says otherwise).",
        "Settings(limits: Limits(max_items: 100))      with 150 statements",
        "Settings(limits: Limits(max_items: 1000))";
    SelfResponse:
        "A statement responds to itself.",
        "Statement(id: \"s1\", …, responds_to: [\"s1\"])",
        "Statement(id: \"s1\", …, responds_to: [\"s0\"])";
    ResponseBeforeTarget:
        "A response is dated certainly before the statement it responds to: its latest possible instant precedes the target's earliest. Precision is respected: a response dated 2024-06 to a statement of 2024-06-14 is fine.",
        "Statement(id: \"answer\", date: \"2024-06-13\", responds_to: [\"claim-of-2024-06-14\"], …)",
        "Statement(id: \"answer\", date: \"2024-06-15\", responds_to: [\"claim-of-2024-06-14\"], …)";
    ResponseCycle:
        "Statements respond to each other in a cycle, which time forbids; every member is shown.",
        "a responds_to b, b responds_to a",
        "keep the link that follows the dates: b responds_to a";
    PartOfCycle:
        "Actors or events are part of each other in a cycle; roll-up could never reach the top.",
        "Actor(id: \"mfa\", part_of: \"government\"), Actor(id: \"government\", part_of: \"mfa\")",
        "Actor(id: \"mfa\", part_of: \"government\"), Actor(id: \"government\", part_of: \"ukraine\")";
    MissingSource:
        "A statement cites no source. Attribution is the point of the KB: say who reported it.",
        "Statement(id: \"s1\", by: \"putin\", …)",
        "Statement(id: \"s1\", by: \"putin\", …, sources: [Source(outlet: \"tass\")])";
    OutsideEventDates:
        "A statement made `at` an event is dated certainly outside the event's dates (in the KB's time zone).",
        "Event(id: \"summit\", date: \"2024-06-15/2024-06-16\"), Statement(at: \"summit\", date: \"2024-06-18\", …)",
        "Statement(at: \"summit\", date: \"2024-06-16\", …), or drop `at`";
    RoleOutsideDates:
        "A person with roles made a statement outside all of them, so roll-up cannot say whom they spoke for.",
        "Role(title: \"Secretary General\", of: \"nato\", from: \"2014-10-01\", until: \"2024-10-01\"), a statement of 2025",
        "add the role held in 2025, or end the statement's attribution at the person";
    UnusedActor:
        "No item refers to this actor: perhaps a leftover, or an id misspelt where it should be used.",
        "Actor(id: \"lavrov\", …)          and no statement, event or role names it",
        "name it where it belongs (participants: [\"putin\", \"lavrov\"]), or remove it";
    UnusedEvent:
        "No statement is made at this event or speaks of it.",
        "Event(id: \"summit\", …)          and no `at: \"summit\"` or `about: [\"summit\"]`",
        "Statement(…, at: \"summit\"), or remove the event";
    EmptyStatement:
        "A statement has an empty summary and no quotes: it says nothing.",
        "Statement(id: \"s1\", summary: \"\", …)",
        "Statement(id: \"s1\", summary: \"Putin said that …\", …)";
    DuplicateSource:
        "An item cites the same source twice.",
        "sources: [Source(outlet: \"tass\"), Source(outlet: \"tass\")]",
        "sources: [Source(outlet: \"tass\")]";
    VerdictBeforeStatement:
        "A fact-checker's verdict, or a retraction, is dated before the statement it is about: one of the dates is wrong.",
        "Statement(id: \"claim\", date: \"2024-06-14\", verdicts: [Verdict(by: \"checker\", date: \"2024-06-10\", rating: False)], …)",
        "Statement(id: \"claim\", date: \"2024-06-14\", verdicts: [Verdict(by: \"checker\", date: \"2024-06-20\", rating: False)], …)";
    InvalidUrl:
        "A source's `url` or `archived` is not an http(s) address, or the archived copy is the original URL: readers cannot follow it, or the archive was never made.",
        "Source(url: \"www.tass.ru/…\", archived: \"www.tass.ru/…\")",
        "Source(url: \"https://tass.ru/…\", archived: \"https://web.archive.org/web/2024/https://tass.ru/…\")";
    DuplicateEntry:
        "A joint statement names one speaker twice, or an event one participant twice (perhaps with two roles). The first is kept.",
        "by: [\"ukraine\", \"chile\", \"ukraine\"]",
        "by: [\"ukraine\", \"chile\"]";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_explained_with_a_mistake_and_a_fix() {
        for code in Code::ALL {
            let e = code.explanation();
            assert!(e.meaning.ends_with('.'), "{code}");
            assert!(!e.mistake.is_empty() && !e.fix.is_empty(), "{code}");
            assert_ne!(e.mistake, e.fix, "{code}");
        }
    }
}
