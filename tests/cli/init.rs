//! `annals init`: a new KB that checks clean and builds, and never a file
//! overwritten.

use crate::support::Run;

#[test]
fn init_writes_a_kb_that_checks_clean_and_builds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = dir.path().join("story");
    let out = Run::in_dir(dir.path()).args(["init", "story"]).run();
    out.status(0);
    for file in [
        "kb/annals.ron",
        "kb/actors.ron",
        "kb/stories/example.ron",
        "exports/exports.ron",
        ".github/workflows/annals.yml",
    ] {
        assert!(new.join(file).is_file(), "{file}");
        assert!(out.stdout.contains(file), "{}", out.stdout);
    }
    assert!(out
        .stdout
        .contains("Next: cd story && annals check && annals build"));
    // No temporary file is left beside them.
    let leftovers: Vec<_> = walk(&new)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".annals-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    Run::in_dir(&new)
        .args(["check", "--deny", "warnings"])
        .run()
        .status(0);
    Run::in_dir(&new).args(["build"]).run().status(0);
    Run::in_dir(&new).args(["build", "--check"]).run().status(0);
    let workflow =
        std::fs::read_to_string(new.join(".github/workflows/annals.yml")).expect("workflow");
    assert!(workflow.contains("annals check --deny warnings --format github"));
    assert!(workflow.contains("annals build --check"));
    assert!(workflow.contains("annals fmt --check"));
    assert!(workflow.contains("--format md > story-diff.md"));
    Run::in_dir(&new).args(["fmt", "--check"]).run().status(0);
}

#[test]
fn init_never_overwrites_anything() {
    let dir = tempfile::tempdir().expect("temp dir");
    Run::in_dir(dir.path()).args(["init"]).run().status(0);
    let story = dir.path().join("kb/stories/example.ron");
    std::fs::write(&story, "// mine\nKb()\n").expect("write");
    let again = Run::in_dir(dir.path()).args(["init"]).run();
    again.status(2);
    assert!(
        again.stderr.contains(
            "`./kb`, `./exports/exports.ron`, `./.github/workflows/annals.yml` already exist;"
        ),
        "{}",
        again.stderr
    );
    assert!(
        again.stderr.contains("never overwrites"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&story).expect("read"),
        "// mine\nKb()\n"
    );

    // A KB folder with anything in it is someone's KB: nothing is written.
    let other = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(other.path().join("kb")).expect("mkdir");
    std::fs::write(other.path().join("kb/mine.ron"), "Kb()\n").expect("write");
    let refused = Run::in_dir(other.path()).args(["init"]).run();
    refused.status(2);
    assert!(!other.path().join("exports").exists());
    assert!(!other.path().join(".github").exists());
    assert_eq!(walk(other.path()).len(), 1);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
