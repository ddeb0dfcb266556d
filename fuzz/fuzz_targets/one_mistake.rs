//! One mistake put into one statement of a valid KB file: loading must lose
//! at most that statement (and keep both statements around a missing comma),
//! whatever the mistake's text.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

const STATEMENTS: usize = 12;

#[derive(Arbitrary, Debug)]
enum Mistake {
    UnknownField,
    WrongType,
    MissingField,
    InvalidDate,
    MissingComma,
    UnclosedString,
    Garbage,
}

#[derive(Arbitrary, Debug)]
struct Input {
    item: u8,
    mistake: Mistake,
    text: String,
}

/// A valid KB, one statement per line.
fn lines() -> Vec<String> {
    let mut lines = vec![
        "Kb(".to_owned(),
        "    actors: [".to_owned(),
        "        Actor(id: \"m\", name: \"M\", kind: Media),".to_owned(),
    ];
    for a in 0..4 {
        lines.push(format!(
            "        Actor(id: \"a{a}\", name: \"A{a}\", kind: Person),"
        ));
    }
    lines.push("    ],".to_owned());
    lines.push("    statements: [".to_owned());
    for s in 0..STATEMENTS {
        let responds = if s > 0 {
            format!("responds_to: [\"s{}\"], ", s - 1)
        } else {
            String::new()
        };
        lines.push(format!(
            "        Statement(id: \"s{s}\", by: \"a{}\", date: \"2024-06-{:02}\", kind: Claim, summary: \"Statement {s}.\", {responds}sources: [Source(outlet: \"m\")]),",
            s % 4,
            1 + s
        ));
    }
    lines.push("    ],".to_owned());
    lines.push(")".to_owned());
    lines
}

/// `text` as it may stand inside a RON string.
fn escaped(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            '\n' | '\r' => vec![' '],
            c => vec![c],
        })
        .collect()
}

fuzz_target!(|input: Input| {
    let mut lines = lines();
    let item = input.item as usize % STATEMENTS;
    let at = lines
        .iter()
        .position(|l| l.contains(&format!("id: \"s{item}\"")))
        .expect("the item");
    let line = lines[at].clone();
    let word: String = input
        .text
        .chars()
        .filter(|c| c.is_ascii_lowercase() || *c == '_')
        .take(20)
        .collect();
    let word = if word.is_empty() {
        "zzz".to_owned()
    } else {
        word
    };
    lines[at] = match input.mistake {
        Mistake::UnknownField => {
            line.replacen("Statement(", &format!("Statement({word}: \"x\", "), 1)
        }
        Mistake::WrongType => line.replacen(
            "by: \"",
            &format!("by: [\"{}\"], xby: \"", escaped(&input.text)),
            1,
        ),
        Mistake::MissingField => line.replacen("kind: Claim, ", "", 1),
        Mistake::InvalidDate => line.replacen(
            "date: \"2024-06-",
            &format!("date: \"{}", escaped(&input.text)),
            1,
        ),
        Mistake::MissingComma => line.trim_end_matches(',').to_owned(),
        Mistake::UnclosedString => {
            let cut = line.find("summary: \"").expect("a summary") + 10;
            format!("{}{}", &line[..cut], escaped(&input.text))
        }
        Mistake::Garbage => {
            let garbage: String = input
                .text
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | ':' | '-' | '_' | '.'))
                .collect();
            line.replacen("Statement(", &format!("Statement({garbage} "), 1)
        }
    };
    let text = lines.join("\n");
    let loaded = annals::Kb::load_files(&[("kb/a.ron", text.as_bytes())]);
    let kept = loaded.kb.statements.len();
    match input.mistake {
        Mistake::MissingComma => assert_eq!(kept, STATEMENTS, "{text}"),
        _ => assert!(
            kept >= STATEMENTS - 1,
            "only s{item} may be lost, {kept} kept:\n{text}"
        ),
    }
    assert!(loaded.kb.actors.len() == 5, "no actor is lost:\n{text}");
});
