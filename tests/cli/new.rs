//! `annals new`: items that check clean once pasted, every mistake named
//! at once, and ids that are never taken.

use crate::support::{copy_of_the_repo, Run};

#[test]
fn a_new_statement_checks_clean_in_a_story_file() {
    let out = Run::bundled()
        .args([
            "new",
            "statement",
            "--by",
            "stoltenberg",
            "--date",
            "2024-06-14",
            "--at",
            "stoltenberg-press-conference-2024-06-14",
            "--kind",
            "rejection",
            "--title",
            "No peace on Putin's terms",
            "--summary",
            "Stoltenberg said that \"peace\" on these terms would reward aggression.",
            "--responds-to",
            "putin-withdrawal-condition:Rejects",
            "--source",
            "european-pravda",
            "--topic",
            "peace-talks",
        ])
        .run();
    out.status(0);
    assert_eq!(
        out.stdout,
        r#"        Statement(
            id: "stoltenberg-no-peace-putin",
            by: "stoltenberg",
            date: "2024-06-14",
            at: "stoltenberg-press-conference-2024-06-14",
            kind: Rejection,
            title: "No peace on Putin's terms",
            summary: "Stoltenberg said that \"peace\" on these terms would reward aggression.",
            topics: ["peace-talks"],
            responds_to: [Response(to: "putin-withdrawal-condition", stance: Rejects)],
            sources: [Source(outlet: "european-pravda")],
        ),
"#
    );
    // Pasted into a story file of a copy of the repository, it checks clean.
    let (_keep, dir) = copy_of_the_repo();
    let file = dir.join("kb/stories/new.ron");
    std::fs::write(
        &file,
        format!("Kb(\n    statements: [\n{}    ],\n)\n", out.stdout),
    )
    .expect("write");
    Run::in_dir(&dir)
        .args(["check", "--deny", "warnings"])
        .run()
        .status(0);
}

#[test]
fn every_mistake_is_named_at_once_with_suggestions() {
    let out = Run::bundled()
        .args([
            "new",
            "statement",
            "--by",
            "putn",
            "--date",
            "2024-13-01",
            "--kind",
            "Rejectoin",
            "--source",
            "TASS",
            "--responds-to",
            "putin-peaceful-option:Reject",
        ])
        .run();
    out.status(2);
    for expected in [
        "unknown actor `putn`; did you mean `putin`?",
        "unknown actor `TASS`; did you mean `tass`?",
        "a new statement needs --summary",
        "invalid --date `2024-13-01`: month 13 does not exist",
        "unknown statement kind `Rejectoin`; did you mean `Rejection`?",
        "unknown stance `Reject`; did you mean `Rejects`?",
    ] {
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn a_new_item_never_takes_an_id_that_is_taken() {
    let taken = Run::bundled()
        .args(["new", "actor", "--name", "Vladimir Putin", "--id", "putin"])
        .run();
    taken.status(2);
    assert!(
        taken.stderr.contains("the id `putin` is taken"),
        "{}",
        taken.stderr
    );
    // The suggested id skips one in use: `nato` exists, so NATO's is nato-2.
    let out = Run::bundled()
        .args(["new", "actor", "--name", "NATO", "--kind", "alliance"])
        .run();
    out.status(0);
    assert!(out.stdout.contains("id: \"nato-2\""), "{}", out.stdout);
    assert!(out.stdout.contains("kind: Alliance"), "{}", out.stdout);
}
