//! `annals fmt` and `annals new --append`: one layout, comments kept,
//! meaning never changed, only the files asked for rewritten, a file with
//! errors left alone.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{copy_of_the_repo, fixture, golden, root, write_generated_kb, Run};

/// A copy of the KB folder `kb` in a temporary folder, as `<tmp>/kb`.
fn copy_kb(kb: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(kb)
        .arg(dir.path().join("kb"))
        .status()
        .expect("cp runs");
    assert!(status.success());
    let path = dir.path().to_path_buf();
    (dir, path)
}

/// Every file below `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

fn json_export(dir: &Path) -> String {
    let out = Run::in_dir(dir).args(["export", "--format", "json"]).run();
    out.status(0);
    out.stdout.clone()
}

#[test]
fn check_prints_a_unified_diff_and_exits_1_writing_nothing() {
    let (_keep, dir) = copy_kb(&fixture("fmt/kb"));
    let before = files(&dir);
    let out = Run::in_dir(&dir).args(["fmt", "--check"]).run();
    out.status(1);
    golden(&root().join("tests/golden/fmt/check.diff"), &out.stdout);
    assert!(
        out.stderr
            .contains("3 of 3 files would be reformatted (diff above); run `annals fmt`"),
        "{}",
        out.stderr
    );
    assert_eq!(files(&dir), before, "--check wrote something");
}

#[test]
fn formatting_lays_out_keeps_comments_and_means_the_same() {
    let (_keep, dir) = copy_kb(&fixture("fmt/kb"));
    let json_before = json_export(&dir);
    let out = Run::in_dir(&dir).args(["fmt"]).run();
    out.status(0);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("3 files formatted, 0 already formatted"),
        "{}",
        out.stderr
    );
    for name in ["annals.ron", "actors.ron", "stories/talks.ron"] {
        let text = fs::read_to_string(dir.join("kb").join(name)).unwrap();
        golden(&root().join("tests/golden/fmt/kb").join(name), &text);
    }
    // Every comment is still there, in its order.
    for name in ["annals.ron", "actors.ron", "stories/talks.ron"] {
        let original = fs::read_to_string(fixture("fmt/kb").join(name)).unwrap();
        let formatted = fs::read_to_string(dir.join("kb").join(name)).unwrap();
        let comments = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.contains("://"))
                .filter_map(|l| {
                    l.find("//")
                        .or_else(|| l.find("/*"))
                        .map(|i| l[i..].to_owned())
                })
                .collect()
        };
        assert_eq!(comments(&formatted), comments(&original), "{name}");
    }
    assert_eq!(
        json_export(&dir),
        json_before,
        "formatting changed the KB's meaning"
    );
    // Idempotent: a second run changes nothing.
    let before = files(&dir);
    let again = Run::in_dir(&dir).args(["fmt", "--check"]).run();
    again.status(0);
    assert!(again.stdout.is_empty());
    assert!(
        again.stderr.contains("3 files formatted"),
        "{}",
        again.stderr
    );
    Run::in_dir(&dir).args(["fmt"]).run().status(0);
    assert_eq!(files(&dir), before);
}

#[test]
fn only_the_files_named_are_rewritten() {
    let (_keep, dir) = copy_kb(&fixture("fmt/kb"));
    let out = Run::in_dir(&dir).args(["fmt", "kb/stories"]).run();
    out.status(0);
    assert!(
        out.stderr.contains("formatted kb/stories/talks.ron"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 file formatted"), "{}", out.stderr);
    for name in ["annals.ron", "actors.ron"] {
        assert_eq!(
            fs::read(dir.join("kb").join(name)).unwrap(),
            fs::read(fixture("fmt/kb").join(name)).unwrap(),
            "{name} was rewritten"
        );
    }
    // A path outside the KB folder is refused, and nothing is written.
    fs::write(dir.join("outside.ron"), "Kb()").unwrap();
    let out = Run::in_dir(&dir).args(["fmt", "outside.ron"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("is outside the KB folder"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read(dir.join("outside.ron")).unwrap(), b"Kb()");
    let out = Run::in_dir(&dir).args(["fmt", "kb/missing.ron"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("cannot read `kb/missing.ron`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_kb_file_linked_from_outside_the_kb_folder_is_not_written() {
    let (_keep, dir) = copy_kb(&fixture("fmt/kb"));
    // The story lives outside the KB folder; the KB reads it through a link.
    let outside = dir.join("shared-story.ron");
    fs::rename(dir.join("kb/stories/talks.ron"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("kb/stories/talks.ron")).unwrap();
    let before = fs::read(&outside).unwrap();
    let out = Run::in_dir(&dir).args(["fmt"]).run();
    out.status(1);
    assert!(
        out.stderr
            .contains("left `kb/stories/talks.ron` as it is: it is a link to")
            && out
                .stderr
                .contains("outside the KB folder, and annals writes only inside it"),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs::read(&outside).unwrap(),
        before,
        "the linked file was written"
    );
    // The KB's own files were formatted; --check still reads the linked one.
    assert!(
        out.stderr.contains("formatted kb/actors.ron"),
        "{}",
        out.stderr
    );
    let out = Run::in_dir(&dir).args(["fmt", "--check"]).run();
    out.status(1);
    assert!(
        out.stdout.contains("b/kb/stories/talks.ron"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_file_with_errors_is_left_untouched_with_its_diagnostics() {
    let (_keep, dir) = copy_kb(&fixture("fmt/kb"));
    let broken = dir.join("kb/stories/broken.ron");
    let text = "Kb(statements: [Statement(id: \"x\", by: \"vessel\", date: \"2025-03-09\", kind: Clam, summary: \"s\")])\n";
    fs::write(&broken, text).unwrap();
    let out = Run::in_dir(&dir).args(["fmt"]).run();
    out.status(1);
    assert!(
        out.stderr.contains("error[unknown-variant]"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("kb/stories/broken.ron:1:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("left kb/stories/broken.ron as it is: it has errors"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read_to_string(&broken).unwrap(), text);
    // The other files were formatted.
    assert!(out.stderr.contains("3 files formatted"), "{}", out.stderr);
}

#[test]
fn the_bundled_kb_and_a_new_kb_are_formatted() {
    Run::bundled().args(["fmt", "--check"]).run().status(0);
    let dir = tempfile::tempdir().unwrap();
    Run::in_dir(dir.path()).args(["init"]).run().status(0);
    let out = Run::in_dir(dir.path()).args(["fmt", "--check"]).run();
    out.status(0);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// The KB folders among the fixtures: each `kb` folder, and each folder
/// of `.ron` files that is not inside one.
fn fixture_kbs() -> Vec<PathBuf> {
    let mut kbs = Vec::new();
    let mut stack = vec![root().join("tests/fixtures")];
    while let Some(d) = stack.pop() {
        if d.file_name().is_some_and(|n| n == "kb") {
            kbs.push(d);
            continue;
        }
        for entry in fs::read_dir(&d).unwrap().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    kbs.sort();
    kbs
}

#[test]
fn every_fixture_round_trips_formatting_keeps_its_meaning_and_is_idempotent() {
    let kbs = fixture_kbs();
    assert!(kbs.len() > 40, "{kbs:?}");
    for kb in kbs {
        let (_keep, dir) = copy_kb(&kb);
        let export = |dir: &Path| Run::in_dir(dir).args(["export", "--format", "json"]).run();
        let before = export(&dir);
        before.any_status();
        let first = Run::in_dir(&dir).args(["fmt"]).run();
        // 0, or 1 for a fixture that has errors (its files left as they are).
        first.any_status();
        assert!(
            matches!(first.status, 0 | 1),
            "{}: {}",
            kb.display(),
            first.stderr
        );
        assert!(
            !first.stderr.contains("please report"),
            "{}: {}",
            kb.display(),
            first.stderr
        );
        let after = export(&dir);
        after.any_status();
        assert_eq!(after.stdout, before.stdout, "{}", kb.display());
        let again = Run::in_dir(&dir).args(["fmt", "--check"]).run();
        again.any_status();
        assert!(
            again.stdout.is_empty(),
            "{}: {}",
            kb.display(),
            again.stdout
        );
    }
}

#[test]
fn a_generated_kb_keeps_its_meaning_and_formats_once() {
    let dir = tempfile::tempdir().unwrap();
    write_generated_kb(&dir.path().join("kb"), 3000);
    let before = json_export(dir.path());
    Run::in_dir(dir.path()).args(["fmt"]).run().status(0);
    assert_eq!(json_export(dir.path()), before);
    Run::in_dir(dir.path())
        .args(["fmt", "--check"])
        .run()
        .status(0);
}

#[test]
fn new_append_adds_the_item_formatted_and_checked() {
    let (_keep, dir) = copy_of_the_repo();
    let story = "kb/stories/2024-06-14-putin-peace-conditions.ron";
    let out = Run::in_dir(&dir)
        .args([
            "new",
            "statement",
            "--by",
            "stoltenberg",
            "--date",
            "2024-06-15",
            "--summary",
            "Stoltenberg said the summit showed broad support for Ukraine.",
            "--responds-to",
            "putin-peaceful-option:Disputes",
            "--source",
            "european-pravda",
            "--append",
            story,
        ])
        .run();
    out.status(0);
    assert!(out.stdout.is_empty());
    assert_eq!(
        out.stderr,
        "added Statement \"stoltenberg-summit-showed-broad\" to kb/stories/2024-06-14-putin-peace-conditions.ron\n"
    );
    let text = fs::read_to_string(dir.join(story)).unwrap();
    assert!(
        text.ends_with(
            r#"        Statement(
            id: "stoltenberg-summit-showed-broad",
            by: "stoltenberg",
            date: "2024-06-15",
            kind: Claim,
            summary: "Stoltenberg said the summit showed broad support for Ukraine.",
            responds_to: [Response(to: "putin-peaceful-option", stance: Disputes)],
            sources: [Source(outlet: "european-pravda")],
        ),
    ],
)
"#
        ),
        "{text}"
    );
    Run::in_dir(&dir)
        .args(["check", "--deny", "warnings"])
        .run()
        .status(0);
    Run::in_dir(&dir).args(["fmt", "--check"]).run().status(0);
    // The only change is the new item.
    let original = fs::read_to_string(root().join(story)).unwrap();
    assert!(text.starts_with(
        original
            .trim_end()
            .trim_end_matches("],\n)")
            .trim_end_matches("    ],\n)")
    ));

    // A file without the list gets one, in the README's place.
    let out = Run::in_dir(&dir)
        .args([
            "new",
            "event",
            "--name",
            "NATO summit in Washington",
            "--kind",
            "Summit",
            "--date",
            "2024-07-09/2024-07-11",
            "--append",
            "kb/actors.ron",
        ])
        .run();
    out.status(0);
    let actors = fs::read_to_string(dir.join("kb/actors.ron")).unwrap();
    assert!(
        actors.contains(
            "    events: [\n        Event(\n            id: \"nato-summit-washington-2024-07-09\","
        ),
        "{actors}"
    );
}

#[test]
fn new_append_refuses_what_it_cannot_add_to_and_writes_nothing() {
    let (_keep, dir) = copy_of_the_repo();
    let before = files(&dir.join("kb"));
    let base = ["new", "actor", "--name", "Dmitry Peskov", "--append"];
    for (file, says) in [
        ("kb/annals.ron", "is the settings file"),
        ("README.md", "cannot read `README.md`"),
        ("exports/exports.ron", "is not a file of the KB"),
    ] {
        let out = Run::in_dir(&dir)
            .args(base.iter().copied().chain([file]))
            .run();
        out.status(2);
        assert!(out.stderr.contains(says), "{file}: {}", out.stderr);
    }
    // An id that is taken, or a file with errors, writes nothing either.
    let out = Run::in_dir(&dir)
        .args([
            "new",
            "actor",
            "--name",
            "Putin",
            "--id",
            "putin",
            "--append",
            "kb/actors.ron",
        ])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("the id `putin` is taken"),
        "{}",
        out.stderr
    );
    assert_eq!(files(&dir.join("kb")), before);
}
