//! `annals check`: every diagnostic code, every format, exit statuses, levels.

use std::path::Path;

use crate::support::{fixture, golden, root, Run};

/// Every folder under `tests/fixtures/check/` is named after the one code it
/// plants. For each: the code is reported (and nothing unplanned is), the
/// exit status follows the severity, and the human, json and github outputs
/// match their golden files.
#[test]
fn each_code_fixture_reports_its_code_in_every_format() {
    let dir = fixture("check");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 29,
        "a fixture per code, found {}",
        cases.len()
    );
    for case in &cases {
        let rel = format!("check/{case}");
        let json = Run::fixture(&rel).args(["check", "--format", "json"]).run();
        let records = json.json_lines();
        let codes: Vec<&str> = records
            .iter()
            .map(|r| r["code"].as_str().expect("code"))
            .collect();
        assert!(codes.contains(&case.as_str()), "{case}: reported {codes:?}");
        let errors = records.iter().any(|r| r["severity"] == "error");
        json.status(if errors { 1 } else { 0 });
        golden(&dir.join(case).join("check.json"), &json.stdout);
        for format in ["human", "github"] {
            let out = Run::fixture(&rel).args(["check", "--format", format]).run();
            out.status(json.status);
            golden(&dir.join(case).join(format!("check.{format}")), &out.stdout);
        }
    }
}

#[test]
fn every_code_has_a_fixture() {
    for code in annals::diag::Code::ALL {
        let dir = fixture("check").join(code.name());
        assert!(dir.is_dir(), "no fixture for {code}");
    }
}

#[test]
fn the_bundled_kb_is_clean_with_warnings_denied() {
    Run::bundled()
        .args(["check", "--deny", "warnings"])
        .run()
        .status(0)
        .stdout_golden("golden/check-bundled.txt");
}

#[test]
fn a_misspelled_speaker_is_pointed_at_with_a_suggestion() {
    let out = Run::fixture("check/unknown-reference")
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    let d = &out.json_lines()[1];
    assert_eq!(d["code"], "unknown-reference");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(9), Some(17))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(9), Some(23))
    );
    assert_eq!(d["help"], "did you mean `putin`?");
}

#[test]
fn twenty_problems_in_five_files_are_reported_in_one_run() {
    let out = Run::fixture("many-problems")
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    let records = out.json_lines();
    assert_eq!(records.len(), 20, "{}", out.stdout);
    let files: std::collections::BTreeSet<_> = records
        .iter()
        .map(|r| r["file"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(files.len(), 5);
    assert_eq!(out.stderr, "15 errors, 5 warnings in 5 of 5 files\n");
    Run::fixture("many-problems")
        .args(["check"])
        .run()
        .status(1)
        .stdout_golden("golden/check-many-problems.txt");
}

#[test]
fn positions_count_characters_through_bom_crlf_tabs_and_non_ascii() {
    let out = Run::fixture("positions")
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    let d = out
        .json_lines()
        .into_iter()
        .find(|d| d["code"] == "unknown-reference")
        .expect("the unknown reference is reported");
    // Line 7 is `\t\tStatement(id: "s1", summary: "«Мир» — ✓", by: "putn", …`:
    // two tabs and 46 characters precede the opening quote of "putn".
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(49))
    );
    assert_eq!(d["end_column"].as_u64(), Some(55));
}

#[test]
fn kb_text_cannot_inject_terminal_escapes() {
    let out = Run::fixture("hostile")
        .args(["check", "--color", "always"])
        .run();
    out.status(1);
    // Colour codes of our own are fine; the KB's ESC [2J and RTL override are not.
    assert!(!out.stdout.contains("\u{1b}[2J"), "{}", out.stdout);
    assert!(!out.stdout.contains('\u{202e}'));
    assert!(out.stdout.contains("evil\\u{1b}[2J\\u{202e}"));
    let plain = Run::fixture("hostile").args(["check"]).run();
    plain.status(1);
    assert!(!plain.stdout.contains('\u{1b}'));
    let github = Run::fixture("hostile")
        .args(["check", "--format", "github"])
        .run();
    github.status(1);
    assert!(!github.stdout.contains('\u{1b}'));
}

#[test]
fn settings_set_levels_and_the_command_line_overrides_them() {
    // annals.ron allows unused-actor and denies missing-source.
    let base = Run::fixture("levels")
        .args(["check", "--format", "json"])
        .run();
    let codes: Vec<_> = base
        .json_lines()
        .iter()
        .map(|d| (d["code"].clone(), d["severity"].clone()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("unused-event".into(), "warning".into()),
            ("missing-source".into(), "error".into())
        ]
    );
    base.status(1);
    let out = Run::fixture("levels")
        .args([
            "check",
            "--format",
            "json",
            "-W",
            "missing-source",
            "-A",
            "unused-event",
            "-W",
            "unused-actor",
        ])
        .run();
    let codes: Vec<_> = out
        .json_lines()
        .iter()
        .map(|d| (d["code"].clone(), d["severity"].clone()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("unused-actor".into(), "warning".into()),
            ("missing-source".into(), "warning".into())
        ]
    );
    out.status(0);
    Run::fixture("levels")
        .args(["check", "-W", "missing-source", "--deny", "warnings"])
        .run()
        .status(1);
    Run::fixture("levels")
        .args([
            "check",
            "-A",
            "missing-source",
            "-A",
            "unused-event",
            "-D",
            "warnings",
        ])
        .run()
        .status(0);
}

#[test]
fn hard_errors_cannot_be_allowed() {
    Run::fixture("check/unknown-reference")
        .args(["check", "-A", "unknown-reference"])
        .run()
        .status(1);
}

#[test]
fn a_missing_kb_folder_exits_2_with_one_line() {
    let out = Run::bundled().args(["check", "--kb", "/nonexistent"]).run();
    out.status(2);
    assert_eq!(
        out.stderr,
        "error: KB folder `/nonexistent` does not exist (give another with --kb DIR or ANNALS_KB)\n"
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_kb_that_is_a_file_or_has_no_ron_files_exits_2() {
    let out = Run::bundled().args(["--kb", "Cargo.toml", "check"]).run();
    out.status(2);
    assert!(out.stderr.contains("is not a folder"), "{}", out.stderr);
    let empty = tempfile::tempdir().expect("temp dir");
    std::fs::write(empty.path().join("notes.txt"), "not a KB").expect("write");
    let out = Run::in_dir(empty.path()).args(["check", "--kb", "."]).run();
    out.status(2);
    assert_eq!(out.stderr, "error: no .ron files in KB folder `.`\n");
}

#[test]
fn the_kb_folder_comes_from_the_environment_or_either_side_of_the_command() {
    let dir = fixture("check/unused-event");
    let kb = dir.join("kb");
    let kb = kb.to_str().expect("UTF-8 path");
    Run::bundled().args(["check", "--kb", kb]).run().status(0);
    Run::bundled().args(["--kb", kb, "check"]).run().status(0);
    let out = Run::bundled()
        .args(["check", "--format", "json"])
        .env("ANNALS_KB", kb)
        .run();
    out.status(0);
    assert_eq!(out.json_lines()[0]["code"], "unused-event");
}

#[test]
fn an_unknown_code_on_the_command_line_is_a_usage_error() {
    let out = Run::bundled().args(["check", "-A", "unused-actr"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("did you mean `unused-actor`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn codes_are_listed_and_explained() {
    Run::bundled()
        .args(["check", "--list-codes"])
        .run()
        .status(0)
        .stdout_golden("golden/check-list-codes.txt");
    Run::bundled()
        .args(["check", "--explain", "response-before-target"])
        .run()
        .status(0)
        .stdout_golden("golden/check-explain.txt");
}

#[test]
fn the_readme_documents_every_code() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    for code in annals::diag::Code::ALL {
        let row = format!("| `{}` |", code.name());
        assert!(readme.contains(&row), "README lacks a row for {code}");
    }
}

#[test]
fn check_never_writes_into_the_kb() {
    let before = snapshot(&fixture("many-problems"));
    Run::fixture("many-problems")
        .args(["check"])
        .run()
        .status(1);
    assert_eq!(before, snapshot(&fixture("many-problems")));
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn github_annotations_name_the_real_file_and_encode_what_the_runner_decodes() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("kb")).expect("mkdir");
    // A file name with a comma and a colon, and an id with a carriage
    // return, a line feed that would start a forged command, and ESC.
    std::fs::write(
        dir.path().join("kb/a,b:c.ron"),
        "Kb(actors: [Actor(id: \"x\\r\\n::error::forged\\u{1b}\", name: \"X\", kind: Group)])\n",
    )
    .expect("write");
    let out = Run::in_dir(dir.path())
        .args(["check", "--format", "github"])
        .run();
    out.status(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{lines:?}"
    );
    let invalid = lines
        .iter()
        .find(|l| l.contains("title=invalid-id"))
        .expect("the id is reported");
    assert!(
        invalid.starts_with("::error file=kb/a%2Cb%3Ac.ron,line=1,col=23,endLine=1,endColumn="),
        "{invalid}"
    );
    assert!(
        invalid.contains("%0D%0A::error::forged\\u{1b}"),
        "{invalid}"
    );
}

/// The synthetic KBs the benchmarks measure are valid KBs (with no faults
/// asked for): a benchmark of `check` measures checking, not reporting. With
/// events in other time zones, statements dated by their event's day had
/// ended before what they answered (about one in a thousand).
#[test]
fn generated_kbs_check_clean() {
    for tiny in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = annals::synthetic::Options {
            statements: 20_000,
            seed: 1,
            faults: 0,
            tiny,
        };
        annals::synthetic::generate(&options, dir.path()).expect("write the generated KB");
        let out = Run::in_dir(dir.path())
            .args(["--kb", ".", "check", "--deny", "warnings"])
            .run();
        out.status(0);
        assert!(out.stdout.contains("no problems"), "{}", out.stdout);
    }
}
