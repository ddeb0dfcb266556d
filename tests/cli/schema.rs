//! The JSON Schemas in `docs/schema/`: the files are the schemas annals
//! derives from its output structs, and every `--format json` output, on
//! the bundled KB, on the next story's KB (every field) and on a KB with
//! problems (for `check`), is valid against its file.

use serde_json::Value;

use crate::support::{golden, root, Run};

fn schema_dir() -> std::path::PathBuf {
    root().join("docs/schema")
}

#[test]
fn the_shipped_schemas_are_the_ones_annals_derives() {
    let outputs = annals::schema::outputs();
    for o in &outputs {
        let mut text = serde_json::to_string_pretty(&o.schema).expect("a schema is JSON");
        text.push('\n');
        golden(&schema_dir().join(o.file), &text);
    }
    let mut shipped: Vec<String> = std::fs::read_dir(schema_dir())
        .expect("docs/schema")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    shipped.sort();
    let mut expected: Vec<String> = outputs.iter().map(|o| o.file.to_owned()).collect();
    expected.sort();
    assert_eq!(shipped, expected, "docs/schema holds exactly the schemas");
}

/// Validates `instance` against the shipped `file`, naming every error.
pub fn valid(file: &str, instance: &Value, what: &str) {
    let text = std::fs::read_to_string(schema_dir().join(file)).expect("a schema file");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} against {file}:\n{}",
        errors.join("\n")
    );
}

/// Runs `args` in `dir` and validates its JSON (one document, or one per
/// line) against `file`.
fn check_output(dir: &std::path::Path, file: &str, args: &[&str], lines: bool, status: i32) {
    let out = Run::in_dir(dir).args(args.iter().copied()).run();
    out.status(status);
    let what = format!("`annals {}` in {}", args.join(" "), dir.display());
    if lines {
        let mut n = 0;
        for line in out.stdout.lines() {
            valid(
                file,
                &serde_json::from_str(line).expect("a JSON line"),
                &what,
            );
            n += 1;
        }
        assert!(n > 0, "{what} printed no lines");
    } else {
        valid(
            file,
            &serde_json::from_str(&out.stdout).expect("JSON"),
            &what,
        );
    }
}

#[test]
fn every_json_output_is_valid_against_its_shipped_schema() {
    let next = crate::support::fixture("next-story");
    for dir in [root(), next.clone()] {
        let j = ["--format", "json"];
        let with = |args: &[&'static str]| -> Vec<&'static str> {
            args.iter().copied().chain(j).collect()
        };
        check_output(&dir, "timeline.json", &with(&["timeline"]), false, 0);
        check_output(
            &dir,
            "who-responded.json",
            &with(&["who-responded"]),
            false,
            0,
        );
        check_output(&dir, "stats.json", &with(&["stats"]), false, 0);
        check_output(
            &dir,
            "export.json",
            &["export", "--format", "json"],
            false,
            0,
        );
        check_output(
            &dir,
            "export-line.json",
            &["export", "--format", "jsonl"],
            true,
            0,
        );
    }
    let bundled = root();
    for id in [
        "putin",
        "global-peace-summit-2024",
        "putin-withdrawal-condition",
    ] {
        check_output(
            &bundled,
            "show.json",
            &["show", id, "--format", "json"],
            false,
            0,
        );
    }
    check_output(
        &bundled,
        "responses.json",
        &[
            "responses",
            "putin-withdrawal-condition",
            "--format",
            "json",
        ],
        false,
        0,
    );
    check_output(
        &bundled,
        "thread.json",
        &[
            "thread",
            "stoltenberg-not-in-good-faith",
            "--format",
            "json",
        ],
        false,
        0,
    );
    check_output(
        &bundled,
        "search.json",
        &["search", "peace", "--format", "json"],
        false,
        0,
    );
    check_output(
        &bundled,
        "path.json",
        &["path", "stoltenberg", "putin", "--format", "json"],
        false,
        0,
    );
    // The next story: joint statements, spokespeople, verdicts, statuses.
    for id in [
        "lakeside-communique",
        "vessel-dismisses-summit",
        "dal",
        "lakeside-summit",
    ] {
        check_output(
            &next,
            "show.json",
            &["show", id, "--format", "json"],
            false,
            0,
        );
    }
    check_output(
        &next,
        "thread.json",
        &["thread", "lakeside-communique", "--format", "json"],
        false,
        0,
    );
    // Diagnostics, from a KB with twenty problems.
    let problems = crate::support::fixture("many-problems");
    check_output(
        &problems,
        "check.json",
        &["check", "--format", "json"],
        true,
        1,
    );
}
