//! The model of the next stories (`tests/fixtures/next-story`): reactions
//! to an event as a whole, and statements counted apart from links.

use serde_json::Value;

use crate::support::Run;

fn story() -> Run {
    Run::fixture("next-story")
}

fn json(args: &[&str]) -> Value {
    let out = story().args(args).args(["--format", "json"]).run();
    out.status(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

/// One table of `export --format csv` on the story.
fn table(name: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let tables = dir.path().join("tables");
    story()
        .args(["export", "--format", "csv", "-o"])
        .args([tables.to_str().expect("UTF-8")])
        .run()
        .status(0);
    std::fs::read_to_string(tables.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `check --format json` on a copy of the story with `from` replaced by
/// `to`; it finds errors (exit 1).
fn check_story_with(from: &str, to: &str) -> crate::support::Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let kb = dir.path().join("kb");
    std::fs::create_dir(&kb).expect("mkdir");
    let story =
        std::fs::read_to_string(crate::support::fixture("next-story/kb/story.ron")).expect("read");
    assert!(story.contains(from), "the story holds {from}");
    std::fs::write(kb.join("story.ron"), story.replace(from, to)).expect("write");
    let out = Run::in_dir(dir.path())
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    out
}

#[test]
fn the_story_checks_clean() {
    story()
        .args(["check", "--deny", "warnings"])
        .run()
        .status(0);
}

#[test]
fn every_query_on_the_story_matches_its_golden_output() {
    let commands: &[(&str, &[&str])] = &[
        ("who-responded", &["who-responded"]),
        ("who-responded-rollup", &["who-responded", "--rollup"]),
        (
            "who-responded-to-event",
            &["who-responded", "--to", "lakeside-summit"],
        ),
        ("show-event", &["show", "lakeside-summit"]),
        ("show-reaction", &["show", "vessel-dismisses-summit"]),
        ("timeline", &["timeline"]),
        ("timeline-declined", &["timeline", "--actor", "zembla"]),
        ("show-communique", &["show", "lakeside-communique"]),
        ("timeline-signatory", &["timeline", "--actor", "southmark"]),
        ("show-spokesperson", &["show", "dal-rejects-communique"]),
        ("timeline-principal", &["timeline", "--actor", "vessel"]),
        ("show-rated-false", &["show", "vessel-no-talks"]),
        ("timeline-false", &["timeline", "--verdict", "false"]),
        ("show-quoted-twice", &["show", "vessel-dismisses-summit"]),
    ];
    for (name, args) in commands {
        for format in ["text", "json"] {
            story()
                .args(*args)
                .args(["--format", format])
                .run()
                .status(0)
                .stdout_golden(&format!("golden/model/{name}.{format}"));
        }
    }
}

#[test]
fn one_statement_answering_two_counts_once_among_statements_and_twice_among_links() {
    let rows = json(&["who-responded", "--to", "vessel"]);
    let row = &rows[0];
    assert_eq!(row["responder"]["id"], "mfa-arcadia");
    assert_eq!(row["statements"], 1);
    assert_eq!(row["count"], 2);
    assert_eq!(row["stances"]["Rejects"], 1);
    assert_eq!(row["stances"]["Disputes"], 1);
}

#[test]
fn a_reaction_to_an_event_names_the_event_as_its_target() {
    let rows = json(&["who-responded", "--to", "lakeside-summit"]);
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["target"]["type"], "event");
    assert_eq!(rows[0]["target"]["id"], "lakeside-summit");
    assert_eq!(rows[0]["responder"]["id"], "vessel");
    // The event's own record lists it among its responses.
    let shown = json(&["show", "lakeside-summit"]);
    assert_eq!(
        shown["links"]["responses"][0][0]["id"],
        "vessel-dismisses-summit"
    );
}

#[test]
fn each_participant_keeps_its_role_and_only_those_there_attended() {
    let shown = json(&["show", "lakeside-summit"]);
    let roles: Vec<(&str, &str)> = shown["item"]["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or(""),
                p["role"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("lakeland", "Host"),
            ("arcadia", "Participant"),
            ("cordovia", "Observer"),
            ("zembla", "Declined"),
            ("borduria", "NotInvited"),
        ]
    );
    // Borduria was not invited: Vessel's reaction to the summit does not
    // answer Borduria, so `--to borduria` lists only answers to Vessel.
    let rows = json(&["who-responded", "--to", "borduria"]);
    let rows = rows.as_array().expect("an array");
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["target"]["id"] == "vessel"),
        "{rows:?}"
    );
    // The tables carry the role.
    let csv = table("participants.csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "event,actor,role");
    assert!(rows.contains(&"lakeside-summit,zembla,Declined"), "{csv}");
}

#[test]
fn a_statement_given_to_who_responded_to_says_what_to_ask_instead() {
    let out = story()
        .args(["who-responded", "--to", "vessel-demands"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("is a statement")
            && out.stderr.contains("annals responses vessel-demands"),
        "{}",
        out.stderr
    );
}

#[test]
fn every_export_carries_the_reaction_to_the_event() {
    let csv = table("responses.csv");
    assert!(
        csv.contains("vessel-dismisses-summit,lakeside-summit,Rejects,event"),
        "{csv}"
    );
    for (format, expected) in [
        ("mermaid", "-->|rejects| e0"),
        ("dot", "\"vessel-dismisses-summit\" -> \"lakeside-summit\""),
        (
            "jsonl",
            "\"to\":\"lakeside-summit\",\"stance\":\"Rejects\",\"to_type\":\"event\"",
        ),
    ] {
        let out = story().args(["export", "--format", format]).run();
        out.status(0);
        assert!(out.stdout.contains(expected), "{format}: {}", out.stdout);
    }
    let out = story().args(["export", "--format", "jsonld"]).run();
    out.status(0);
    let ld: Value = serde_json::from_str(&out.stdout).expect("JSON-LD is JSON");
    let reaction = ld["@graph"]
        .as_array()
        .expect("a graph")
        .iter()
        .find(|n| n["@id"] == "urn:annals:vessel-dismisses-summit")
        .expect("the reaction");
    assert_eq!(
        reaction["annals:respondsTo"][0]["annals:target"]["@id"],
        "urn:annals:lakeside-summit"
    );
}

#[test]
fn a_joint_statement_counts_for_each_signatory_and_never_answers_itself() {
    let pairs = |args: &[&str]| -> Vec<(String, String, u64, u64)> {
        json(args)
            .as_array()
            .expect("an array")
            .iter()
            .map(|r| {
                (
                    r["responder"]["id"].as_str().unwrap_or("").to_owned(),
                    r["target"]["id"].as_str().unwrap_or("").to_owned(),
                    r["statements"].as_u64().unwrap_or(0),
                    r["count"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    // The communiqué answers Vessel for each of its four signatories.
    let to_vessel = pairs(&["who-responded", "--to", "vessel"]);
    for signatory in ["lakeland", "arcadia", "southmark", "westmark"] {
        assert!(
            to_vessel.contains(&(signatory.into(), "vessel".into(), 1, 1)),
            "{signatory}: {to_vessel:?}"
        );
    }
    // Lakeland co-signed the follow-up to its own communiqué: no row has
    // Lakeland answering itself. Rolled up, Arcadia's ministry and Arcadia
    // are one: the follow-up counts once for Arcadia → Borduria's rows and
    // never as Arcadia answering Arcadia.
    for rollup in [false, true] {
        let mut args = vec!["who-responded"];
        if rollup {
            args.push("--rollup");
        }
        for (r, t, _, _) in pairs(&args) {
            assert_ne!(r, t, "a self-response with rollup {rollup}");
        }
    }
    let rolled = pairs(&["who-responded", "--rollup", "--to", "borduria"]);
    assert!(
        rolled.contains(&("arcadia".into(), "borduria".into(), 2, 3)),
        "{rolled:?}"
    );
}

#[test]
fn a_joint_statement_lists_its_signatories_and_who_did_not_sign() {
    let shown = json(&["show", "lakeside-communique"]);
    let speakers: Vec<(&str, &Value, &Value)> = shown["item"]["speakers"]
        .as_array()
        .expect("speakers")
        .iter()
        .map(|s| (s["id"].as_str().unwrap_or(""), &s["joined"], &s["withdrew"]))
        .collect();
    assert_eq!(speakers.len(), 4);
    assert_eq!(
        speakers[2],
        ("southmark", &Value::from("2025-03-20"), &Value::Null)
    );
    assert_eq!(
        speakers[3],
        ("westmark", &Value::Null, &Value::from("2025-04-01"))
    );
    // Cordovia observed the summit and did not sign.
    assert_eq!(shown["links"]["did_not_sign"][0]["id"], "cordovia");
    assert_eq!(
        shown["links"]["did_not_sign"].as_array().map(Vec::len),
        Some(1)
    );
    // `timeline --actor` finds a statement by any of its signatories.
    let items = json(&["timeline", "--actor", "westmark"]);
    assert!(items
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["id"] == "lakeside-communique"));
    let csv = table("speakers.csv");
    assert!(
        csv.lines()
            .any(|l| l == "lakeside-communique,westmark,,2025-04-01"),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l == "vessel-demands,vessel,,"), "{csv}");
}

#[test]
fn a_spokespersons_statement_counts_for_the_principal_with_the_speaker_visible() {
    // Credited to Vessel, not to her press secretary.
    let rows = json(&["who-responded", "--to", "lakeland"]);
    let responders: Vec<&str> = rows
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["responder"]["id"].as_str().unwrap_or(""))
        .collect();
    assert!(responders.contains(&"vessel"), "{responders:?}");
    assert!(!responders.contains(&"dal"), "{responders:?}");
    // Rolled up through Vessel's role: Borduria.
    let rows = json(&["who-responded", "--to", "lakeland", "--rollup"]);
    assert!(rows
        .as_array()
        .expect("an array")
        .iter()
        .any(|r| r["responder"]["id"] == "borduria"));
    // The record names both, and the speaker's role on the date.
    let shown = json(&["show", "dal-rejects-communique"]);
    let item = &shown["item"];
    assert_eq!(item["by"]["id"], "dal");
    assert_eq!(item["on_behalf_of"]["id"], "vessel");
    assert_eq!(item["speakers"][0]["role"]["title"], "Press Secretary");
    assert_eq!(item["speakers"][0]["role"]["of"]["id"], "vessel");
    // Both the speaker's and the principal's timelines list it.
    for actor in ["dal", "vessel"] {
        let items = json(&["timeline", "--actor", actor]);
        assert!(
            items
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"] == "dal-rejects-communique"),
            "{actor}"
        );
    }
}

#[test]
fn an_events_time_zone_decides_what_its_days_mean() {
    // 00:30 Swiss time on the summit's first day is the evening before in
    // UTC: inside the summit read in Zurich, outside it read in UTC.
    story()
        .args(["check", "--deny", "warnings"])
        .run()
        .status(0);
    let shown = json(&["show", "lakeside-summit"]);
    assert_eq!(shown["item"]["time_zone"], "Europe/Zurich");
    assert_eq!(
        shown["item"]["date"]["earliest"], "2025-03-09T23:00:00Z",
        "midnight in Zurich, in winter"
    );
    let out = check_story_with(
        "time_zone: \"Europe/Zurich\"",
        "time_zone: \"Europe/Zurik\"",
    );
    let codes: Vec<String> = out
        .json_lines()
        .iter()
        .map(|d| format!("{} {}", d["code"], d["help"]))
        .collect();
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("\"invalid-setting\"") && c.contains("Europe/Zurich")),
        "{codes:?}"
    );
    // Without the zone the opening remarks fall outside the summit.
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("\"outside-event-dates\"")),
        "{codes:?}"
    );
}

#[test]
fn a_statement_dated_by_day_sorts_within_the_session_it_was_made_at() {
    let items = json(&["timeline", "--until", "2025-03-10"]);
    let ids: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or(""))
        .collect();
    let at = |id: &str| ids.iter().position(|x| *x == id).expect(id);
    // After the summit opened and after the session began: not at midnight.
    assert!(
        at("lakeside-summit") < at("arcadia-session-remarks"),
        "{ids:?}"
    );
    assert!(
        at("lakeland-opens-summit") < at("arcadia-session-remarks"),
        "{ids:?}"
    );
    assert_eq!(
        at("lakeside-session") + 1,
        at("arcadia-session-remarks"),
        "{ids:?}"
    );
    // A range that ends before the session leaves the remarks out.
    let morning = json(&["timeline", "--until", "2025-03-10T11:00+01:00"]);
    assert!(!morning
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["id"] == "arcadia-session-remarks"));
}

#[test]
fn the_timeline_picture_draws_its_axis_in_the_zone_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let svg = dir.path().join("t.svg");
    story()
        .args(["render", "timeline", "--tz", "Europe/Zurich", "-o"])
        .args([svg.to_str().expect("UTF-8")])
        .run()
        .status(0);
    let text = std::fs::read_to_string(&svg).expect("read");
    assert!(
        text.contains("(Europe/Zurich)</text>"),
        "the axis names its zone"
    );
    let out = story()
        .args(["render", "timeline", "--tz", "Mars/Olympus", "-o"])
        .args([svg.to_str().expect("UTF-8")])
        .run();
    out.status(2);
    assert!(out.stderr.contains("is not a time zone"), "{}", out.stderr);
}

#[test]
fn verdicts_and_a_retraction_reach_every_output() {
    let shown = json(&["show", "vessel-no-talks"]);
    let v = &shown["item"]["verdicts"][0];
    assert_eq!(v["by"]["id"], "lake-check");
    assert_eq!(v["rating"], "False");
    assert_eq!(
        v["source"]["url"],
        "https://lake-check.example/borduria-talks"
    );
    let retracted = json(&["show", "vessel-demands"]);
    assert_eq!(retracted["item"]["status"]["kind"], "Retracted");
    // The filter keeps what was rated so, and nothing else.
    let rated = json(&["timeline", "--verdict", "FALSE"]);
    let ids: Vec<&str> = rated
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["vessel-no-talks"]);
    let out = story().args(["timeline", "--verdict", "fals"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `False`"),
        "{}",
        out.stderr
    );
    // Tables, JSON-LD, DOT and the picture.
    let csv = table("verdicts.csv");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("vessel-no-talks,1,lake-check,2025-03-15,False,")),
        "{csv}"
    );
    let ld = story().args(["export", "--format", "jsonld"]).run();
    ld.status(0);
    let ld: Value = serde_json::from_str(&ld.stdout).expect("JSON-LD");
    let node = ld["@graph"]
        .as_array()
        .expect("graph")
        .iter()
        .find(|n| n["@id"] == "urn:annals:vessel-no-talks")
        .expect("the claim");
    let review = &node["review"][0];
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(review["reviewRating"]["ratingValue"], 1);
    assert_eq!(review["reviewRating"]["alternateName"], "False");
    assert_eq!(review["itemReviewed"]["@id"], "urn:annals:vessel-no-talks");
    let dot = story()
        .args(["export", "--format", "dot", "--view", "timeline"])
        .run();
    dot.status(0);
    assert!(
        dot.stdout.contains("rated False by Lake Check"),
        "{}",
        dot.stdout
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let svg = dir.path().join("t.svg");
    story()
        .args(["render", "timeline", "-o"])
        .args([svg.to_str().expect("UTF-8")])
        .run()
        .status(0);
    let text = std::fs::read_to_string(&svg).expect("read");
    assert!(
        text.contains("rated false or retracted"),
        "the legend explains the ring"
    );
    assert!(
        text.contains("[rated False by Lake Check]"),
        "the tooltip says who rated it"
    );
}

#[test]
fn each_quote_names_its_source_and_keeps_its_original() {
    let shown = json(&["show", "vessel-dismisses-summit"]);
    let quotes = shown["item"]["quotes"].as_array().expect("quotes");
    assert_eq!(quotes[0]["source"], 1);
    assert_eq!(quotes[0]["original_lang"], "uk");
    assert_eq!(
        quotes[0]["translated"], true,
        "an original makes it a translation"
    );
    assert_eq!(quotes[1]["source"], 2);
    let sources = shown["item"]["sources"].as_array().expect("sources");
    assert_eq!(sources[1]["outlet"]["id"], "borduria-today");
    assert_eq!(sources[1]["accessed"]["written"], "2025-03-13");
    assert!(sources[1]["archived"]
        .as_str()
        .is_some_and(|a| a.starts_with("https://web.archive.org/")));
    // An official publisher that is not Media.
    let ministry = json(&["show", "arcadia-rejects-both"]);
    assert_eq!(
        ministry["item"]["sources"][1]["outlet"]["id"],
        "mfa-arcadia"
    );
    let csv = table("quotes.csv");
    assert!(
        csv.lines()
            .any(|l| l
                .starts_with("vessel-dismisses-summit,2,Nothing came of that summit.,en,true,2,")),
        "{csv}"
    );
    // A quote taken from a source the statement does not cite.
    let out = check_story_with(
        "translated: true, source: 2)",
        "translated: true, source: 3)",
    );
    let first = &out.json_lines()[0];
    assert_eq!(first["code"], "unknown-reference");
    assert!(
        first["message"].as_str().is_some_and(
            |m| m.contains("quote 2 of `vessel-dismisses-summit` is taken from source 3")
        ),
        "{first}"
    );
}

#[test]
fn every_export_and_picture_of_the_story_matches_its_golden_file() {
    for (name, args) in [
        (
            "responses.dot",
            &["export", "--format", "dot", "--view", "responses"][..],
        ),
        (
            "actors.dot",
            &["export", "--format", "dot", "--view", "actors", "--rollup"],
        ),
        (
            "timeline.dot",
            &["export", "--format", "dot", "--view", "timeline"],
        ),
        (
            "responses.mmd",
            &["export", "--format", "mermaid", "--view", "responses"],
        ),
        ("kb.json", &["export", "--format", "json"]),
        ("kb.jsonld", &["export", "--format", "jsonld"]),
        ("kb.graphml", &["export", "--format", "graphml"]),
    ] {
        story()
            .args(args)
            .run()
            .status(0)
            .stdout_golden(&format!("golden/model/export/{name}"));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let svg = dir.path().join("timeline.svg");
    story()
        .args(["render", "timeline", "--tz", "Europe/Zurich", "-o"])
        .args([svg.to_str().expect("UTF-8")])
        .run()
        .status(0);
    crate::support::golden(
        &crate::support::root().join("tests/golden/model/export/timeline.svg"),
        &std::fs::read_to_string(&svg).expect("read"),
    );
    for table in [
        "participants.csv",
        "speakers.csv",
        "verdicts.csv",
        "quotes.csv",
        "sources.csv",
        "responses.csv",
        "statements.csv",
    ] {
        crate::support::golden(
            &crate::support::root().join(format!("tests/golden/model/export/csv/{table}")),
            &self::table(table),
        );
    }
}
