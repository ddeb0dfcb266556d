//! `check` recovers like a compiler: each mistake is reported once, with no
//! other diagnostic, and every independent mistake in one run. The fixtures
//! under `tests/fixtures/recovery/` are the bundled KB with mistakes put in;
//! their golden outputs in the three formats sit beside them.

use crate::support::{fixture, golden, Run};

/// Checks a recovery fixture: exactly these codes, in this order, and the
/// golden output of every format.
fn recovers(case: &str, codes: &[&str]) {
    let rel = format!("recovery/{case}");
    let json = Run::fixture(&rel).args(["check", "--format", "json"]).run();
    json.status(1);
    let found: Vec<String> = json
        .json_lines()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(found, codes, "{case}: {}", json.stdout);
    for format in ["human", "json", "github"] {
        let out = Run::fixture(&rel).args(["check", "--format", format]).run();
        out.status(1);
        golden(&fixture(&rel).join(format!("check.{format}")), &out.stdout);
    }
}

#[test]
fn a_typo_in_an_actor_that_many_items_name_is_one_diagnostic() {
    recovers("typo-in-a-referenced-actor", &["unknown-field"]);
}

#[test]
fn a_missing_field_in_a_statement_others_answer_is_one_diagnostic() {
    recovers("missing-field-in-a-responded-statement", &["missing-field"]);
}

#[test]
fn four_mistakes_in_three_files_are_reported_in_one_run() {
    recovers(
        "four-mistakes-in-three-files",
        &[
            "invalid-setting",
            "unknown-variant",
            "syntax-error",
            "invalid-date",
        ],
    );
    let out = Run::fixture("recovery/four-mistakes-in-three-files")
        .args(["check"])
        .run();
    out.status(1);
    assert!(
        out.stdout.ends_with("4 errors in 3 of 3 files\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_wrong_type_in_a_list_says_what_the_field_takes() {
    recovers("wrong-type-in-a-list", &["wrong-type"]);
    let out = Run::fixture("recovery/wrong-type-in-a-list")
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    assert_eq!(
        out.json_lines()[0]["help"],
        "`participants` takes a list of actor ids, or `Participant(actor: …, role: Host)` for a role: `participants: [\"putin\", \"lavrov\"]`"
    );
}

#[test]
fn explain_gives_the_meaning_a_mistake_and_its_fix() {
    let out = Run::bundled()
        .args(["check", "--explain", "unknown-field"])
        .run();
    out.status(0);
    assert!(out.stdout.contains("For example:") && out.stdout.contains("alias: [\"Moscow\"]"));
    assert!(out.stdout.contains("Fix:") && out.stdout.contains("aliases: [\"Moscow\"]"));
}

#[test]
fn outlets_that_did_not_load_are_not_reported_as_the_same_source() {
    let (_keep, dir) = crate::support::copy_of_the_repo();
    let actors = dir.join("kb/actors.ron");
    let text = std::fs::read_to_string(&actors).unwrap();
    std::fs::write(&actors, text.replace("kind: Media,", "kind: Medya,")).unwrap();
    let out = crate::support::Run::in_dir(&dir).args(["check"]).run();
    out.status(1);
    assert!(
        out.stdout.contains("unknown actor kind `Medya`"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("duplicate-source"), "{}", out.stdout);
}
