//! One command-line grammar: `--from`/`--until` for dates, `--format` for
//! formats, `--limit` for row counts, any case for words; results that say
//! why they are empty or wrong.

use crate::support::{copy_of_the_repo, Run};

#[test]
fn the_date_range_ends_with_until_in_every_command() {
    let until = Run::bundled()
        .args(["timeline", "--from", "2024-06-14", "--until", "2024-06-14"])
        .run();
    until.status(0);
    // The older spelling still works where --to names no actor.
    let to = Run::bundled()
        .args(["timeline", "--from", "2024-06-14", "--to", "2024-06-14"])
        .run();
    to.status(0);
    assert_eq!(until.stdout, to.stdout);
    Run::bundled()
        .args(["who-responded", "--to", "putin", "--until", "2024-06-14"])
        .run()
        .status(0);
    Run::bundled()
        .args(["export", "--format", "dot", "--until", "2024-06-14"])
        .run()
        .status(0);
    let help = Run::bundled().args(["timeline", "--help"]).run();
    help.status(0);
    assert!(help.stdout.contains("--until <DATE>"), "{}", help.stdout);
    assert!(!help.stdout.contains("--to <DATE>"), "--to is hidden");
}

#[test]
fn a_date_given_to_who_responded_to_points_to_until() {
    let out = Run::bundled()
        .args(["who-responded", "--to", "2024-06"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("`2024-06` is a date") && out.stderr.contains("--until"),
        "{}",
        out.stderr
    );
}

#[test]
fn format_is_a_flag_everywhere_and_the_extension_decides_without_it() {
    let flag = Run::bundled().args(["export", "--format", "dot"]).run();
    flag.status(0);
    let word = Run::bundled().args(["export", "dot"]).run();
    word.status(0);
    assert_eq!(
        flag.stdout, word.stdout,
        "the old positional form still works"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("kb.json");
    Run::bundled()
        .args(["export", "-o", json.to_str().expect("UTF-8")])
        .run()
        .status(0);
    assert!(std::fs::read_to_string(&json)
        .expect("written")
        .contains("\"annals/3\""));
    let none = Run::bundled().args(["export"]).run();
    none.status(2);
    assert!(none.stderr.contains("pass --format"), "{}", none.stderr);
    Run::bundled()
        .args(["check", "--format", "text"])
        .run()
        .status(0);
    let picture = Run::bundled().args(["export", "--format", "png"]).run();
    picture.status(2);
    assert!(
        picture.stderr.contains("annals render"),
        "{}",
        picture.stderr
    );
}

#[test]
fn render_without_o_writes_the_picture_to_stdout() {
    let out = Run::bundled()
        .args(["render", "timeline", "--format", "svg"])
        .run();
    out.status(0);
    assert!(out.stdout.starts_with("<svg") || out.stdout.starts_with("<?xml"));
    let none = Run::bundled().args(["render", "timeline"]).run();
    none.status(2);
    assert!(none.stderr.contains("pass --format"), "{}", none.stderr);
}

#[test]
fn limit_caps_rows_in_search_and_stats() {
    let search = Run::bundled()
        .args(["search", "putin", "--limit", "2", "--format", "json"])
        .run();
    search.status(0);
    let hits: serde_json::Value = serde_json::from_str(&search.stdout).expect("JSON");
    assert_eq!(hits.as_array().map(Vec::len), Some(2));
    let limit = Run::bundled()
        .args(["stats", "--limit", "1", "--format", "json"])
        .run();
    limit.status(0);
    let top = Run::bundled()
        .args(["stats", "--top", "1", "--format", "json"])
        .run();
    top.status(0);
    assert_eq!(limit.stdout, top.stdout, "--top is still read");
}

#[test]
fn words_on_the_command_line_are_read_in_any_case() {
    let lower = Run::bundled()
        .args(["timeline", "--kind", "demand", "--format", "JSON"])
        .run();
    lower.status(0);
    let exact = Run::bundled()
        .args(["timeline", "--kind", "Demand", "--format", "json"])
        .run();
    exact.status(0);
    assert_eq!(lower.stdout, exact.stdout);
    assert!(lower.stdout.contains("putin-withdrawal-condition"));
    Run::bundled()
        .args(["render", "TIMELINE", "--format", "SVG"])
        .run()
        .status(0);
}

#[test]
fn search_takes_every_remaining_word() {
    let two = Run::bundled()
        .args(["search", "peace", "summit", "--format", "json"])
        .run();
    two.status(0);
    let quoted = Run::bundled()
        .args(["search", "peace summit", "--format", "json"])
        .run();
    quoted.status(0);
    assert_eq!(two.stdout, quoted.stdout);
}

#[test]
fn a_reversed_range_is_an_error() {
    let out = Run::bundled()
        .args(["timeline", "--from", "2024-06-16", "--until", "2024-06-13"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("reversed"), "{}", out.stderr);
}

#[test]
fn an_unknown_topic_is_an_error_with_the_closest_ones() {
    let out = Run::bundled()
        .args(["timeline", "--topic", "peace_talks"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `peace-talks`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_timeline_says_when_rollup_would_find_items() {
    let out = Run::bundled()
        .args(["timeline", "--actor", "ukraine"])
        .run();
    out.status(0);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("with --rollup, 4 items by those who speak for `ukraine`"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_id_of_the_wrong_kind_says_what_it_is() {
    let out = Run::bundled().args(["responses", "putin"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("`putin` is an actor; `responses` takes a statement (putin made 7: `annals timeline --actor putin`)"),
        "{}",
        out.stderr
    );
    let out = Run::bundled()
        .args(["thread", "global-peace-summit-2024"])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("is an event; `thread` takes a statement"),
        "{}",
        out.stderr
    );
    let out = Run::bundled()
        .args(["timeline", "--actor", "global-peace-summit-2024"])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("`global-peace-summit-2024` is an event, not an actor"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_view_that_a_format_does_not_draw_is_an_error_naming_those_it_does() {
    let out = Run::bundled()
        .args(["export", "--format", "mermaid", "--view", "actors"])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("mermaid draws the views responses, timeline"),
        "{}",
        out.stderr
    );
    let out = Run::bundled()
        .args(["export", "--format", "json", "--view", "actors"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("not a view"), "{}", out.stderr);
    let out = Run::bundled()
        .args([
            "render",
            "responses",
            "--engine",
            "native",
            "--format",
            "svg",
        ])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("annals draws only the timeline itself"),
        "{}",
        out.stderr
    );
}

#[test]
fn show_prints_the_sources_of_an_event() {
    let out = Run::bundled()
        .args(["show", "stoltenberg-press-conference-2024-06-14"])
        .run();
    out.status(0);
    assert!(
        out.stdout.contains("source        European Pravda"),
        "{}",
        out.stdout
    );
}

#[test]
fn near_misses_are_suggested_by_spelling_and_by_meaning() {
    let out = Run::bundled().args(["check", "--deny", "warning"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `warnings`?"),
        "{}",
        out.stderr
    );
    let (_keep, dir) = copy_of_the_repo();
    let story = dir.join("kb/stories/2024-06-14-putin-peace-conditions.ron");
    let text = std::fs::read_to_string(&story).expect("read");
    assert!(text.contains("stance: Rejects"));
    std::fs::write(
        &story,
        text.replacen("stance: Rejects", "stance: Endorses", 1),
    )
    .expect("write");
    let out = Run::in_dir(&dir).args(["check", "--format", "json"]).run();
    out.status(1);
    assert!(
        out.stdout.contains("unknown stance `Endorses`")
            && out
                .stdout
                .contains("did you mean `Supports`? it says the same"),
        "{}",
        out.stdout
    );
}

#[test]
fn global_options_have_their_own_help_heading() {
    let out = Run::bundled().args(["timeline", "--help"]).run();
    out.status(0);
    let global = out.stdout.find("Global options:").expect("a heading");
    assert!(out.stdout[global..].contains("--kb <DIR>"));
    assert!(!out.stdout[..global].contains("--kb <DIR>"));
}
