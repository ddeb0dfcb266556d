//! Query commands on the bundled KB: golden outputs for every command and
//! format, the answers users rely on, errors, and the JSON schemas of
//! docs/json.md.

use serde_json::Value;

use crate::support::{fixture, Run};

/// Every command with the arguments its golden files are made with.
pub const COMMANDS: &[(&str, &[&str])] = &[
    ("timeline", &["timeline"]),
    (
        "timeline-range",
        &["timeline", "--from", "2024-06-14", "--to", "2024-06-16"],
    ),
    (
        "timeline-stoltenberg",
        &["timeline", "--actor", "stoltenberg"],
    ),
    ("responses", &["responses", "putin-withdrawal-condition"]),
    ("thread", &["thread", "stoltenberg-not-in-good-faith"]),
    ("who-responded", &["who-responded", "--to", "putin"]),
    (
        "who-responded-rollup",
        &["who-responded", "--to", "putin", "--rollup"],
    ),
    ("show-actor", &["show", "stoltenberg"]),
    ("show-event", &["show", "global-peace-summit-2024"]),
    ("show-statement", &["show", "putin-withdrawal-condition"]),
    ("search", &["search", "peace summit"]),
    ("path", &["path", "stoltenberg", "putin"]),
    ("stats", &["stats"]),
];

#[test]
fn every_command_and_format_matches_its_golden_output() {
    for (name, args) in COMMANDS {
        for format in ["text", "json", "csv", "md"] {
            let out = Run::bundled().args(*args).args(["--format", format]).run();
            out.status(0);
            out.stdout_golden(&format!("golden/queries/{name}.{format}"));
        }
    }
}

fn json(args: &[&str]) -> Value {
    let out = Run::bundled().args(args).args(["--format", "json"]).run();
    out.status(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

#[test]
fn who_responded_to_putin_names_stoltenberg_and_the_ministry_answering_him_and_his_meeting() {
    let rows = json(&["who-responded", "--to", "putin"]);
    let rows = rows.as_array().expect("an array");
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["responder"]["id"].as_str().unwrap_or(""),
                r["target"]["id"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // The ministry answered Putin's statements at the meeting as a whole:
    // those rows name the meeting, which Putin took part in.
    assert_eq!(
        pairs,
        [
            ("stoltenberg", "putin"),
            ("mfa-ukraine", "putin-lavrov-meeting-2024-06-14"),
            ("mfa-ukraine", "putin")
        ]
    );
    assert_eq!(rows[0]["stances"]["Rejects"], 3);
    assert_eq!(rows[0]["statements"], 3);
    assert_eq!(rows[1]["target"]["type"], "event");
    assert_eq!(rows[1]["stances"]["Rejects"], 2);
}

#[test]
fn with_rollup_the_rows_read_nato_and_ukraine_to_russia() {
    let rows = json(&["who-responded", "--to", "putin", "--rollup"]);
    let pairs: Vec<(String, String)> = rows
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["responder"]["name"].to_string(),
                r["target"]["name"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("\"NATO\"".into(), "\"Russia\"".into()),
            (
                "\"Ukraine\"".into(),
                "\"Putin's meeting with Foreign Minister Lavrov\"".into()
            ),
            ("\"Ukraine\"".into(), "\"Russia\"".into()),
        ]
    );
}

#[test]
fn responses_to_putins_conditions_include_both_reactions() {
    let children = |id: &str| -> Vec<String> {
        json(&["responses", id])
            .as_array()
            .expect("a flat list of nodes")
            .iter()
            .filter(|n| n["depth"] == 1 && n["parent"] == id)
            .map(|c| c["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(
        children("putin-withdrawal-condition"),
        [
            "stoltenberg-goal-was-territory",
            "stoltenberg-not-in-good-faith",
            "stoltenberg-russia-should-withdraw"
        ]
    );
    assert_eq!(
        children("putin-peaceful-option"),
        [
            "mfa-ukraine-summit-first-step",
            "stoltenberg-not-in-good-faith"
        ]
    );
}

#[test]
fn a_thread_shows_the_statement_answered_above_the_response() {
    let out = Run::bundled()
        .args(["thread", "stoltenberg-not-in-good-faith"])
        .run();
    let putin = out
        .stdout
        .find("putin-withdrawal-condition")
        .expect("Putin's statement is shown");
    let response = out.stdout.find("statement\n").expect("the focus is shown");
    assert!(putin < response, "{}", out.stdout);
}

#[test]
fn the_timeline_of_the_story_is_in_time_order_and_narrows_to_an_actor() {
    let items = json(&["timeline", "--from", "2024-06-14", "--to", "2024-06-16"]);
    let items = items.as_array().expect("an array");
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.first(), Some(&"putin-lavrov-meeting-2024-06-14"));
    assert_eq!(ids.last(), Some(&"global-peace-summit-2024"));
    for needed in [
        "putin-withdrawal-condition",
        "mfa-ukraine-absurd-peacemaker",
        "stoltenberg-not-in-good-faith",
    ] {
        assert!(ids.contains(&needed), "{needed} missing");
    }
    let starts: Vec<&str> = items
        .iter()
        .map(|i| i["date"]["earliest"].as_str().unwrap_or(""))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    let his = json(&["timeline", "--actor", "stoltenberg"]);
    for item in his.as_array().expect("an array") {
        let by = item["by"]["id"].as_str();
        assert!(
            by == Some("stoltenberg") || item["type"] == "event",
            "{item}"
        );
    }
}

#[test]
fn a_date_range_keeps_items_that_overlap_it() {
    // The summit (June 15-16) overlaps June 16 alone; June 14 items do not.
    let items = json(&["timeline", "--from", "2024-06-16"]);
    let ids: Vec<&str> = items
        .as_array()
        .expect("an array")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["global-peace-summit-2024"]);
    // A month-precision bound covers the whole month.
    let june = json(&["timeline", "--to", "2024-06"]);
    assert_eq!(june.as_array().map(Vec::len), Some(18));
}

#[test]
fn search_ignores_case_and_accents() {
    let hits = json(&["search", "BURGENSTOCK"]);
    assert_eq!(hits[0]["id"], "global-peace-summit-2024");
    assert_eq!(hits[0]["field"], "place");
    assert_eq!(hits[0]["matches"][0], serde_json::json!([0, 11]));
    let hits = json(&["search", "europe"]);
    assert!(hits.as_array().is_some_and(|h| !h.is_empty()));
}

#[test]
fn the_path_from_stoltenberg_to_putin_goes_through_a_statement() {
    let steps = json(&["path", "stoltenberg", "putin"]);
    let steps = steps.as_array().expect("an array");
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["from"]["id"], "stoltenberg");
    assert_eq!(steps[1]["to"]["id"], "putin");
}

#[test]
fn an_unknown_id_exits_2_with_suggestions() {
    let out = Run::bundled().args(["responses", "putin-withdrawal"]).run();
    out.status(2);
    assert_eq!(
        out.stderr,
        "error: unknown statement `putin-withdrawal`; did you mean `putin-withdrawal-condition`?\n"
    );
    let out = Run::bundled().args(["who-responded", "--to", "putn"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `putin`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_result_is_not_an_error() {
    let out = Run::bundled().args(["timeline", "--from", "2030"]).run();
    out.status(0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "no statements or events match\n");
    let out = Run::bundled()
        .args(["timeline", "--from", "2030", "--format", "json"])
        .run();
    out.status(0);
    assert_eq!(out.stdout, "[]\n");
}

#[test]
fn queries_refuse_a_kb_with_errors() {
    let out = Run::fixture("check/unknown-reference")
        .args(["timeline"])
        .run();
    out.status(2);
    assert_eq!(
        out.stderr,
        "error: the KB has 1 error; run `annals check` and fix them first:\n  kb/story.ron:9:17: unknown actor `putn`\n"
    );
}

#[test]
fn bad_filter_values_are_usage_errors() {
    let out = Run::bundled().args(["timeline", "--from", "June"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("invalid --from date `June`"),
        "{}",
        out.stderr
    );
    let out = Run::bundled().args(["timeline", "--kind", "Demnd"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `Demand`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn kind_and_topic_filters_combine() {
    let items = json(&["timeline", "--kind", "Demand", "--topic", "sanctions"]);
    let ids: Vec<&str> = items
        .as_array()
        .expect("an array")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["putin-sanctions-condition"]);
}

/// The fields docs/json.md documents for each kind of record, with their
/// JSON types ("?" marks a field that may be null).
const STATEMENT: &[(&str, &str)] = &[
    ("type", "string"),
    ("id", "string"),
    ("date", "object"),
    ("by", "object"),
    ("at", "object?"),
    ("kind", "string"),
    ("summary", "string"),
    ("quotes", "array"),
    ("about", "array"),
    ("topics", "array"),
    ("responds_to", "array"),
    ("sources", "array"),
    ("note", "string?"),
    ("speakers", "array"),
    ("on_behalf_of", "object?"),
    ("verdicts", "array"),
    ("status", "object?"),
    ("title", "string?"),
];
const EVENT: &[(&str, &str)] = &[
    ("type", "string"),
    ("id", "string"),
    ("date", "object"),
    ("name", "string"),
    ("kind", "string"),
    ("place", "string?"),
    ("participants", "array"),
    ("part_of", "object?"),
    ("topics", "array"),
    ("sources", "array"),
    ("note", "string?"),
    ("time_zone", "string?"),
];
const DATE: &[(&str, &str)] = &[
    ("written", "string"),
    ("earliest", "string?"),
    ("latest", "string?"),
    ("uncertain", "bool"),
    ("approximate", "bool"),
];
const PAIR: &[(&str, &str)] = &[
    ("responder", "object"),
    ("target", "object"),
    ("count", "number"),
    ("first", "object"),
    ("last", "object"),
    ("stances", "object"),
    ("statements", "number"),
];
const TREE: &[(&str, &str)] = &[
    ("id", "string"),
    ("by", "object"),
    ("date", "string"),
    ("kind", "string"),
    ("summary", "string"),
    ("stance", "string?"),
    ("depth", "number"),
    ("parent", "string?"),
    ("repeated", "bool"),
];
const HIT: &[(&str, &str)] = &[
    ("id", "string"),
    ("type", "string"),
    ("name", "string"),
    ("score", "number"),
    ("field", "string"),
    ("text", "string"),
    ("matches", "array"),
];

/// Asserts `value` has exactly the documented fields, in order, of the
/// documented types.
fn conforms(value: &Value, schema: &[(&str, &str)]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"));
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let documented: Vec<&str> = schema.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, documented, "fields of {value}");
    for (key, ty) in schema {
        let v = &object[*key];
        let (ty, nullable) = ty.strip_suffix('?').map_or((*ty, false), |t| (t, true));
        let ok = (nullable && v.is_null())
            || match ty {
                "string" => v.is_string(),
                "object" => v.is_object(),
                "array" => v.is_array(),
                "number" => v.is_number(),
                "bool" => v.is_boolean(),
                _ => false,
            };
        assert!(ok, "{key} should be {ty}: {v}");
    }
}

#[test]
fn json_outputs_follow_the_documented_schema() {
    for item in json(&["timeline"]).as_array().expect("an array") {
        match item["type"].as_str() {
            Some("statement") => conforms(item, STATEMENT),
            Some("event") => conforms(item, EVENT),
            other => panic!("unknown type {other:?}"),
        }
        conforms(&item["date"], DATE);
    }
    for pair in json(&["who-responded"]).as_array().expect("an array") {
        conforms(pair, PAIR);
    }
    let tree = json(&["responses", "putin-peaceful-option"]);
    for node in tree.as_array().expect("a flat list of nodes") {
        conforms(node, TREE);
    }
    for hit in json(&["search", "peace"]).as_array().expect("an array") {
        conforms(hit, HIT);
    }
    let docs =
        std::fs::read_to_string(crate::support::root().join("docs/json.md")).expect("docs/json.md");
    for (key, _) in STATEMENT
        .iter()
        .chain(EVENT)
        .chain(PAIR)
        .chain(TREE)
        .chain(HIT)
    {
        assert!(
            docs.contains(&format!("`{key}`")),
            "docs/json.md does not document `{key}`"
        );
    }
}

#[test]
fn hostile_text_is_escaped_in_every_query_format() {
    let dir = fixture("hostile-queries");
    let run = |format: &str| {
        Run::in_dir(&dir)
            .args(["timeline", "--format", format])
            .run()
    };
    let text = run("text");
    text.status(0);
    assert!(
        !text.stdout.contains('\u{1b}') && !text.stdout.contains('\u{202e}'),
        "{}",
        text.stdout
    );
    let json: Value = serde_json::from_str(&run("json").stdout).expect("valid JSON");
    assert!(json[0]["summary"]
        .as_str()
        .is_some_and(|s| s.contains("\"];\n<script>")));
    let csv = run("csv").stdout.clone();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    let md = run("md").stdout.clone();
    assert!(
        md.contains("\\<script\\>") && !md.contains("<script>"),
        "{md}"
    );
    // A header, a separator and one line per item: no cell broke a row.
    assert_eq!(md.lines().filter(|l| l.starts_with('|')).count(), 4, "{md}");
}

#[test]
fn a_long_reply_chain_neither_overflows_the_stack_nor_grows_quadratically() {
    // 10,000 statements, each answering the one before, run with a 1 MiB
    // stack: the depth-first walks must not recurse per level.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from(
        "Kb(actors: [Actor(id: \"a\", name: \"A\", kind: Group), Actor(id: \"m\", name: \"M\", kind: Media)], statements: [\n",
    );
    for i in 0..10_000 {
        let responds = if i > 0 {
            format!(", responds_to: [\"s{}\"]", i - 1)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "Statement(id: \"s{i}\", by: \"a\", date: \"2024\", kind: Claim, summary: \"x\"{responds}, sources: [Source(outlet: \"m\")]),\n"
        ));
    }
    text.push_str("])\n");
    std::fs::create_dir(dir.path().join("kb")).expect("mkdir");
    std::fs::write(dir.path().join("kb/chain.ron"), text).expect("write");
    for args in [
        &["responses", "s0"][..],
        &["thread", "s9999"],
        &["responses", "s0", "--format", "json"],
    ] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -s 1024 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_annals"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("the binary runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout.len() < 3_000_000,
            "{args:?}: {} bytes",
            out.stdout.len()
        );
        if args == ["responses", "s0"] {
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("[depth 9999]"),
                "deep lines show their depth"
            );
        }
    }
}
