//! Interchange exports: JSON, JSON Lines, CSV, GraphML, JSON-LD. Golden
//! files, real parsers for each format, a round trip from the RON input to
//! JSON, and SQLite reading the CSV tables to the same answer as
//! `annals who-responded`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{root, Run};

fn export(dir: &Path, format: &str) -> String {
    let out = Run::in_dir(dir).args(["export", "--format", format]).run();
    out.status(0);
    out.stdout.clone()
}

#[test]
fn every_format_matches_its_golden_file_and_is_deterministic() {
    for (format, ext) in [
        ("json", "json"),
        ("jsonl", "jsonl"),
        ("graphml", "graphml"),
        ("jsonld", "jsonld"),
        ("timelinejs", "timeline.json"),
    ] {
        let first = export(&root(), format);
        assert_eq!(
            first,
            export(&root(), format),
            "{format} is byte-identical across runs"
        );
        crate::support::golden(
            &root().join(format!("tests/golden/export/kb.{ext}")),
            &first,
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    Run::bundled()
        .args(["export", "csv", "-o", dir.path().to_str().expect("UTF-8")])
        .run()
        .status(0);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "about.csv",
            "actors.csv",
            "events.csv",
            "participants.csv",
            "quotes.csv",
            "responses.csv",
            "roles.csv",
            "schema.sql",
            "sources.csv",
            "speakers.csv",
            "statements.csv",
            "verdicts.csv"
        ]
    );
    for name in names {
        let text = std::fs::read_to_string(dir.path().join(&name)).expect("read");
        crate::support::golden(
            &root().join(format!("tests/golden/export/csv/{name}")),
            &text,
        );
    }
}

/// The RON files of the bundled KB as JSON values (bare identifiers such as
/// kinds come out as null in ron's generic value; they are checked apart).
fn ron_items(section: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for file in [
        "kb/actors.ron",
        "kb/stories/2024-06-14-putin-peace-conditions.ron",
    ] {
        let text = std::fs::read_to_string(root().join(file)).expect("read");
        let value: ron::Value = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&text)
            .expect("the bundled KB parses");
        let json = serde_json::to_value(&value).expect("to JSON");
        if let Some(items) = json.get(section).and_then(Value::as_array) {
            out.extend(items.iter().cloned());
        }
    }
    out
}

/// Every string written in `ron` appears in the export of the same item.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn the_json_export_carries_every_field_of_the_ron_input() {
    let doc: Value = serde_json::from_str(&export(&root(), "json")).expect("valid JSON");
    assert_eq!(doc["schema"], "annals/3");
    for (section, key) in [
        ("actors", "actors"),
        ("events", "events"),
        ("statements", "statements"),
    ] {
        let exported: BTreeMap<String, &Value> = doc[key]
            .as_array()
            .expect("an array")
            .iter()
            .map(|item| (item["id"].as_str().unwrap_or("").to_owned(), item))
            .collect();
        let written = ron_items(section);
        assert_eq!(
            written.len(),
            exported.len(),
            "{section}: every item is exported"
        );
        for item in written {
            let id = item["id"].as_str().expect("an id");
            let out = exported
                .get(id)
                .unwrap_or_else(|| panic!("{id} is missing"));
            let mut in_ron = Vec::new();
            strings(&item, &mut in_ron);
            let mut in_json = Vec::new();
            strings(out, &mut in_json);
            for s in in_ron {
                assert!(in_json.contains(&s), "{section} {id}: `{s}` is lost");
            }
            // The fields that are bare words in RON.
            assert!(
                out["kind"].as_str().is_some_and(|k| !k.is_empty()),
                "{id}: kind"
            );
            if let (Some(a), Some(b)) = (item.get("responds_to"), out.get("responds_to")) {
                assert_eq!(
                    a.as_array().map(Vec::len),
                    b.as_array().map(Vec::len),
                    "{id}: responses"
                );
                assert!(b
                    .as_array()
                    .is_some_and(|r| r.iter().all(|x| x["stance"].is_string())));
            }
            if let (Some(a), Some(b)) = (item.get("quotes"), out.get("quotes")) {
                let flags = |v: &Value| {
                    v.as_array().map(|q| {
                        q.iter()
                            .map(|x| x["translated"].as_bool().unwrap_or(false))
                            .collect::<Vec<_>>()
                    })
                };
                assert_eq!(flags(a), flags(b), "{id}: translated flags");
            }
        }
    }
}

#[test]
fn json_lines_have_a_type_and_one_record_each() {
    let text = export(&root(), "jsonl");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        *counts
            .entry(v["type"].as_str().expect("a type").to_owned())
            .or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("actor", 15),
        ("event", 3),
        ("statement", 15),
        ("response", 8),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), *n))
    .collect();
    assert_eq!(counts, expected);
}

#[test]
fn graphml_declares_every_key_it_uses_for_the_right_domain() {
    let text = export(&root(), "graphml");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let keys: BTreeMap<&str, &str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .map(|n| {
            (
                n.attribute("id").unwrap_or(""),
                n.attribute("for").unwrap_or(""),
            )
        })
        .collect();
    let mut edges = 0;
    for data in doc.descendants().filter(|n| n.has_tag_name("data")) {
        let key = data.attribute("key").expect("a key");
        let parent = data.parent_element().expect("a parent").tag_name().name();
        assert_eq!(keys.get(key), Some(&parent), "data `{key}` in a {parent}");
    }
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    for edge in doc.descendants().filter(|n| n.has_tag_name("edge")) {
        edges += 1;
        assert!(ids.contains(&edge.attribute("source").unwrap_or("")));
        assert!(ids.contains(&edge.attribute("target").unwrap_or("")));
    }
    assert_eq!(ids.len(), 33);
    assert!(edges > 60, "{edges} edges");
}

#[test]
fn json_ld_nodes_have_their_documented_types_and_properties() {
    let doc: Value = serde_json::from_str(&export(&root(), "jsonld")).expect("valid JSON");
    assert_eq!(doc["@context"]["@vocab"], "https://schema.org/");
    let graph = doc["@graph"].as_array().expect("a graph");
    assert_eq!(graph.len(), 33);
    for node in graph {
        let id = node["@id"].as_str().expect("an @id");
        assert!(id.starts_with("urn:annals:"), "{id}");
        // A state is a Country and an Organization.
        let ty = match &node["@type"] {
            Value::Array(types) => {
                assert_eq!(types.len(), 2, "{id}");
                assert_eq!(types[1], "Organization", "{id}");
                types[0].as_str().expect("a @type")
            }
            ty => ty.as_str().expect("a @type"),
        };
        match ty {
            "Person"
            | "Country"
            | "GovernmentOrganization"
            | "NewsMediaOrganization"
            | "Organization" => {
                assert!(node["name"].is_string(), "{id}")
            }
            "Event" => assert!(
                node["startDate"].is_string() && node["endDate"].is_string(),
                "{id}"
            ),
            "Claim" | "Quotation" => {
                assert!(node["author"]["@id"].is_string(), "{id}");
                assert!(node["dateCreated"].is_string(), "{id}");
                if node["@type"] == "Quotation" {
                    assert_eq!(node["spokenByCharacter"], node["author"], "{id}");
                    // Each quote in its language, and the list of quotes.
                    let texts = node["text"].as_array().expect("quotes");
                    assert!(texts.iter().all(|t| t["@value"].is_string()), "{id}");
                    if let Some(list) = node["annals:quotes"]["@list"].as_array() {
                        assert_eq!(list.len(), texts.len(), "{id}");
                    } else {
                        assert_eq!(texts.len(), 1, "{id}");
                    }
                } else {
                    assert!(node["text"].is_string(), "{id}");
                }
            }
            other => panic!("{id}: unexpected type {other}"),
        }
    }
    let summit = graph
        .iter()
        .find(|n| n["@id"] == "urn:annals:global-peace-summit-2024")
        .expect("the summit");
    assert_eq!(
        (summit["startDate"].as_str(), summit["endDate"].as_str()),
        (Some("2024-06-15"), Some("2024-06-16"))
    );
    let custom = Run::bundled()
        .args(["export", "jsonld", "--base-iri", "https://example.org/kb/"])
        .run();
    assert!(custom
        .stdout
        .contains("\"@id\": \"https://example.org/kb/putin\""));
    // A base no JSON-LD processor could use is refused before anything runs.
    for (base, says) in [
        ("http://x.org/a b/", "percent-encode it (%20)"),
        ("kb/", "is not absolute"),
    ] {
        let refused = Run::bundled()
            .args(["export", "jsonld", "--base-iri", base])
            .run();
        refused.status(2);
        assert!(refused.stderr.contains(says), "{}", refused.stderr);
    }
}

/// Fails a test that needs sqlite3 when it does not run, saying so.
fn require_sqlite() {
    let ok = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "this test needs sqlite3: install it, or run `cargo test` without --include-ignored"
    );
}

fn sqlite_who_responded(kb_dir: &Path) -> String {
    let tables = tempfile::tempdir().expect("temp dir");
    Run::in_dir(kb_dir)
        .args([
            "export",
            "csv",
            "-o",
            tables.path().to_str().expect("UTF-8"),
        ])
        .run()
        .status(0);
    let script = format!(
        // Each link counts once per pair of credited actors (a joint
        // statement speaks for each signatory, a spokesperson's for the
        // principal); a joint statement never answers its own signatory.
        ".mode csv\n.import {t}/speakers.csv speakers\n.import {t}/statements.csv statements\n\
         .import {t}/responses.csv responses\n\
         with joint as (select statement from speakers group by statement having count(*) > 1), \
         credited as (select id statement, on_behalf_of actor from statements \
           where on_behalf_of != '' union all select s.statement, s.actor from speakers s \
           join statements t on t.id = s.statement where t.on_behalf_of = ''), \
         pairs as (select distinct x.\"from\" f, x.\"to\" t, rs.actor r, \
           coalesce(ts.actor, x.\"to\") g, x.to_type tt, \
           (x.\"from\" in joint or x.\"to\" in joint) j \
           from responses x join credited rs on rs.statement = x.\"from\" \
           left join credited ts on ts.statement = x.\"to\" and x.to_type = 'statement') \
         select r, g, count(distinct f), count(*) from pairs where not (j and r = g) \
         group by r, g order by count(*) desc, r, tt = 'event', g;\n",
        t = tables.path().display()
    );
    let mut child = Command::new("sqlite3")
        .arg(":memory:")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sqlite3 runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), script.as_bytes())
        .expect("write the script");
    let out = child.wait_with_output().expect("sqlite3 finishes");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .replace("\r\n", "\n")
}

/// The same aggregate from annals.
fn annals_who_responded(kb_dir: &Path) -> String {
    let out = Run::in_dir(kb_dir)
        .args(["who-responded", "--format", "csv"])
        .run();
    out.status(0);
    out.stdout
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{},{},{}\n", cells[0], cells[2], cells[4], cells[5])
        })
        .collect()
}

#[test]
#[ignore = "needs sqlite3; CI runs it with --include-ignored"]
fn sqlite_reading_the_csv_tables_agrees_with_who_responded() {
    require_sqlite();
    let bundled = sqlite_who_responded(&root());
    assert_eq!(bundled, annals_who_responded(&root()));
    assert!(bundled.contains("stoltenberg,putin,3,4"), "{bundled}");
    // A generated KB with many speakers, chains of responses, reactions to
    // events and joint statements.
    let dir = tempfile::tempdir().expect("temp dir");
    crate::support::write_generated_kb(&dir.path().join("kb"), 900);
    assert_eq!(
        sqlite_who_responded(dir.path()),
        annals_who_responded(dir.path())
    );
}

#[test]
fn hostile_strings_survive_every_interchange_format_with_real_parsers() {
    let dir = crate::support::fixture("hostile-queries");
    let summary = "Breaks out: \"];\n<script>alert(1)</script> ]]> --> {{ -> subgraph";
    let formula = "=HYPERLINK(\"http://x\")";
    // JSON and JSON Lines: the text round-trips exactly.
    let doc: Value = serde_json::from_str(&export(&dir, "json")).expect("valid JSON");
    assert_eq!(doc["statements"][0]["summary"], summary);
    for line in export(&dir, "jsonl").lines() {
        serde_json::from_str::<Value>(line).expect("each line is JSON");
    }
    // JSON-LD.
    let ld: Value = serde_json::from_str(&export(&dir, "jsonld")).expect("valid JSON-LD");
    let texts: Vec<&str> = ld["@graph"]
        .as_array()
        .expect("a graph")
        .iter()
        .filter_map(|n| n["description"].as_str())
        .collect();
    assert!(texts.contains(&summary), "{texts:?}");
    // GraphML: well-formed, and the summary is the text of its data element.
    let graphml = export(&dir, "graphml");
    let xml = roxmltree::Document::parse(&graphml).expect("well-formed GraphML");
    let summaries: Vec<&str> = xml
        .descendants()
        .filter(|n| n.attribute("key") == Some("summary"))
        .filter_map(|n| n.text())
        .collect();
    // The text comes back exactly, line break included.
    assert!(summaries.contains(&summary), "{summaries:?}");
    // CSV tables: a real reader gets the text back exactly; with safe
    // cells, the formula is prefixed so that a spreadsheet does not run it.
    for (cells, expected) in [
        ("exact", formula.to_string()),
        ("safe", format!("'{formula}")),
    ] {
        let tables = tempfile::tempdir().expect("temp dir");
        Run::in_dir(&dir)
            .args(["export", "csv", "--csv-cells", cells, "-o"])
            .args([tables.path().to_str().expect("UTF-8")])
            .run()
            .status(0);
        let mut reader =
            csv::Reader::from_path(tables.path().join("statements.csv")).expect("open the table");
        let rows: Vec<csv::StringRecord> = reader
            .records()
            .map(|r| r.expect("a valid CSV record"))
            .collect();
        let summaries: Vec<&str> = rows.iter().map(|r| &r[7]).collect();
        assert_eq!(summaries, [summary, expected.as_str()], "{cells}");
    }
    // Query output is for pasting into a spreadsheet: safe unless asked.
    for (flags, expected) in [
        (&[][..], format!("'{formula}")),
        (&["--csv-cells", "exact"][..], formula.to_string()),
    ] {
        let out = Run::in_dir(&dir)
            .args(["timeline", "--format", "csv"])
            .args(flags.iter().copied())
            .run();
        out.status(0);
        let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| {
                r.expect("a record")
                    .iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(cells.contains(&expected), "{flags:?}: {cells:?}");
    }
}

/// A GraphML node's attributes, typed as their keys declare them.
fn graphml_nodes(text: &str) -> BTreeMap<String, serde_json::Map<String, Value>> {
    let doc = roxmltree::Document::parse(text).expect("well-formed GraphML");
    let types: BTreeMap<&str, &str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .map(|n| {
            (
                n.attribute("id").unwrap_or(""),
                n.attribute("attr.type").unwrap_or(""),
            )
        })
        .collect();
    doc.descendants()
        .filter(|n| n.has_tag_name("node"))
        .map(|node| {
            let attrs = node
                .children()
                .filter(|d| d.has_tag_name("data"))
                .map(|d| {
                    let key = d.attribute("key").expect("a key");
                    let text = d.text().unwrap_or("");
                    let value = match types[key] {
                        "boolean" => Value::Bool(text == "true"),
                        "long" => Value::from(text.parse::<i64>().expect("a long")),
                        _ => Value::String(text.to_owned()),
                    };
                    (key.to_owned(), value)
                })
                .collect();
            (node.attribute("id").expect("an id").to_owned(), attrs)
        })
        .collect()
}

#[test]
fn graphml_carries_every_field_of_the_json_records_typed() {
    // The next story's KB has every field: joint statements, roles, quotes
    // with sources and originals, verdicts, statuses, zones.
    let dir = crate::support::fixture("next-story");
    let graphml = graphml_nodes(&export(&dir, "graphml"));
    let json: Value = serde_json::from_str(&export(&dir, "json")).expect("JSON");
    let mut checked = 0;
    for list in ["actors", "events", "statements"] {
        for record in json[list].as_array().expect("a list") {
            let id = record["id"].as_str().expect("an id");
            let node = &graphml[id];
            for (field, value) in record.as_object().expect("a record") {
                let got = node.get(field.as_str());
                match value {
                    Value::Null => assert!(got.is_none(), "{id}.{field}"),
                    _ if field == "id" => {}
                    Value::Array(a) if a.is_empty() => assert!(got.is_none(), "{id}.{field}"),
                    Value::Object(o) if o.contains_key("written") => {
                        assert_eq!(got, Some(&o["written"]), "{id}.{field}");
                        for part in ["earliest", "latest", "uncertain", "approximate"] {
                            let key = if field == "date" {
                                part.to_owned()
                            } else {
                                format!("{field}_{part}")
                            };
                            assert_eq!(
                                node.get(&key).unwrap_or(&Value::Null),
                                &o[part],
                                "{id}.{key}"
                            );
                        }
                    }
                    Value::Object(o) if o.contains_key("type") => {
                        assert_eq!(got, Some(&o["id"]), "{id}.{field}")
                    }
                    Value::Array(_) | Value::Object(_) => {
                        let text = got.and_then(Value::as_str).expect("JSON text");
                        let back: Value = serde_json::from_str(text).expect("valid JSON");
                        assert_eq!(&back, value, "{id}.{field}");
                    }
                    scalar => assert_eq!(got, Some(scalar), "{id}.{field}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 250, "{checked} fields checked");
}

#[test]
fn timelinejs_slides_keep_their_day_and_escape_kb_text() {
    // Every calendar date is the day written, wherever it happened and
    // whatever --tz says; a time is the wall clock in --tz.
    for tz in ["UTC", "+14:00", "-12:00", "Europe/Kyiv"] {
        let out = Run::fixture("next-story")
            .args(["export", "--format", "timelinejs", &format!("--tz={tz}")])
            .run();
        out.status(0);
        let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
        let slides = doc["events"].as_array().expect("slides");
        assert_eq!(slides.len(), 11, "{tz}: 2 events and 9 statements");
        for slide in slides {
            let d = &slide["start_date"];
            let written = d["display_date"].as_str().expect("the date as written");
            assert!(d["year"].is_i64(), "{written}: a year");
            let day = written.split('/').next().unwrap_or("");
            if day.len() == 10 {
                let parts = format!(
                    "{:04}-{:02}-{:02}",
                    d["year"].as_i64().unwrap_or(0),
                    d["month"].as_i64().unwrap_or(0),
                    d["day"].as_i64().unwrap_or(0)
                );
                assert_eq!(parts, day, "{tz}");
            }
        }
    }
    // Hostile text is HTML-escaped; only http(s) URLs become links.
    let out = Run::fixture("hostile-queries")
        .args(["export", "--format", "timelinejs"])
        .run();
    out.status(0);
    assert!(!out.stdout.contains("<script>"), "{}", out.stdout);
    assert!(out.stdout.contains("&lt;script&gt;"), "{}", out.stdout);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("kb")).expect("kb folder");
    std::fs::write(
        dir.path().join("kb/s.ron"),
        r#"Kb(
    actors: [Actor(id: "a", name: "A", kind: Person)],
    statements: [Statement(id: "s", by: "a", date: "2024-06-14", kind: Claim, summary: "S",
        sources: [Source(url: "javascript:alert(1)", title: "bad"), Source(url: "https://example.org/\"><x>", title: "good")])],
)"#,
    )
    .expect("write the KB");
    let out = Run::in_dir(dir.path())
        .args(["export", "--format", "timelinejs"])
        .run();
    out.status(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let text = doc["events"][0]["text"]["text"].as_str().expect("text");
    assert!(!text.contains("href=\"javascript"), "{text}");
    assert!(
        text.contains("<a href=\"https://example.org/&quot;&gt;&lt;x&gt;\">good</a>"),
        "{text}"
    );
}

/// JSON, JSON Lines, JSON-LD and TimelineJS are written as they are made,
/// to stdout and to a file alike: the same bytes as the manifest's output,
/// which `build` makes whole (and `build --check` compares).
#[test]
fn streamed_exports_give_the_same_bytes_to_stdout_to_a_file_and_to_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["json", "jsonl", "jsonld", "timelinejs"] {
        let out = Run::bundled().args(["export", "--format", format]).run();
        out.status(0);
        let file = dir.path().join(format!("out.{format}"));
        Run::bundled()
            .args(["export", "--format", format, "-o"])
            .args([file.to_str().expect("UTF-8")])
            .run()
            .status(0);
        let written = std::fs::read_to_string(&file).expect("the export is written");
        assert_eq!(written, out.stdout, "{format}");
        assert!(written.len() > 1000, "{format}: {written}");
    }
    // The four files, and no temporary left beside them.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 4);
    let built = std::fs::read_to_string(root().join("exports/timeline.json")).expect("built");
    let written = std::fs::read_to_string(dir.path().join("out.timelinejs")).expect("written");
    assert_eq!(written, built);
}
