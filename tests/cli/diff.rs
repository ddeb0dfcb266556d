//! `annals diff` on a temporary git repository whose commits add, remove,
//! change, restyle and rename: golden outputs in every format, a restyle
//! that reports nothing, a revision with errors reported, and the working
//! tree and index untouched.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::{fixture, golden, root, Run};

/// Runs git in `dir` with a fixed author and dates, so commits (and their
/// hashes, which the outputs show) are the same on every run.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Annals Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Annals Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--no-gpg-sign", "-m", message]);
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

/// A repository with tags `base` (the fmt fixture as written), `restyled`
/// (after `annals fmt`), `story` (an item added, one changed, one removed,
/// one renamed) and `broken` (an unknown kind).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let status = Command::new("cp")
        .arg("-r")
        .arg(fixture("fmt/kb"))
        .arg(d.join("kb"))
        .status()
        .unwrap();
    assert!(status.success());
    commit(d, "base");
    git(d, &["tag", "base"]);

    Run::in_dir(d).args(["fmt"]).run().status(0);
    commit(d, "restyle");
    git(d, &["tag", "restyled"]);

    git(d, &["checkout", "-q", "-b", "story"]);
    let talks = d.join("kb/stories/talks.ron");
    // Changed: a summary and a stance.
    edit(
        &talks,
        "withdraw from the border zone.",
        "withdraw its troops from the border zone.",
    );
    edit(
        &talks,
        "Response(to: \"vessel-border\", stance: Rejects)",
        "Response(to: \"vessel-border\", stance: Disputes)",
    );
    // Renamed: the second demand, and the reference to it.
    edit(&talks, "\"vessel-border-2\"", "\"vessel-repeats\"");
    // Removed: an actor nobody names; added: a statement.
    let actors = d.join("kb/actors.ron");
    let text = fs::read_to_string(&actors).unwrap();
    let start = text
        .find("        Actor(\n            id: \"borduria\"")
        .unwrap();
    let end = start + text[start..].find("        ),").unwrap() + "        ),".len();
    let mut text = format!("{}{}", &text[..start], &text[end..]);
    text = text.replace("of: \"borduria\", ", "of: \"arcadia\", ");
    fs::write(&actors, text).unwrap();
    Run::in_dir(d)
        .args([
            "new",
            "statement",
            "--by",
            "arcadia",
            "--date",
            "2025-03-11",
            "--summary",
            "Arcadia | said `talks` <b>may</b> resume.",
            "--responds-to",
            "vessel-repeats:Qualifies",
            "--source",
            "lake-post",
            "--append",
            "kb/stories/talks.ron",
        ])
        .run()
        .status(0);
    Run::in_dir(d).args(["check"]).run().status(0);
    commit(d, "story");
    git(d, &["tag", "story"]);

    git(d, &["checkout", "-q", "-b", "broken-branch"]);
    edit(&talks, "kind: Claim", "kind: Clam");
    commit(d, "broken");
    git(d, &["tag", "broken"]);
    git(d, &["checkout", "-q", "story"]);
    dir
}

#[test]
fn a_story_change_in_every_format() {
    let repo = repository();
    let d = repo.path();
    for (format, file) in [
        ("text", "story.txt"),
        ("md", "story.md"),
        ("json", "story.json"),
        ("github", "story.github"),
    ] {
        let out = Run::in_dir(d)
            .args(["diff", "restyled", "story", "--format", format])
            .run();
        out.status(0);
        golden(&root().join("tests/golden/diff").join(file), &out.stdout);
        if format == "json" {
            let value = serde_json::from_str(&out.stdout).expect("JSON");
            crate::schema::valid("diff.json", &value, "annals diff --format json");
        }
    }
}

#[test]
fn the_default_is_this_branch_against_main_in_the_working_tree() {
    let repo = repository();
    let d = repo.path();
    let status_before = git(d, &["status", "--porcelain"]);
    let index = fs::read(d.join(".git/index")).unwrap();
    let out = Run::in_dir(d).args(["diff"]).run();
    out.status(0);
    let explicit = Run::in_dir(d).args(["diff", "restyled"]).run();
    explicit.status(0);
    // The same changes, with another label for the base.
    let body = |s: &str| s.split_once('\n').unwrap().1.to_owned();
    assert_eq!(body(&out.stdout), body(&explicit.stdout));
    assert!(
        out.stdout.starts_with("merge base with main (")
            && out
                .stdout
                .contains(") → working tree: items: 1 added, 1 removed, 3 changed, 1 renamed\n"),
        "{}",
        out.stdout
    );
    // Nothing in the working tree or the index was touched.
    assert_eq!(git(d, &["status", "--porcelain"]), status_before);
    assert_eq!(fs::read(d.join(".git/index")).unwrap(), index);
}

#[test]
fn a_restyle_is_no_change() {
    let repo = repository();
    let out = Run::in_dir(repo.path())
        .args(["diff", "base", "restyled"])
        .run();
    out.status(0);
    assert!(
        out.stdout.ends_with("no item changed\n") && out.stdout.lines().count() == 1,
        "{}",
        out.stdout
    );
}

#[test]
fn a_revision_with_errors_is_reported_and_compared_where_it_loaded() {
    let repo = repository();
    let out = Run::in_dir(repo.path())
        .args(["diff", "story", "broken"])
        .run();
    out.status(0);
    golden(&root().join("tests/golden/diff/broken.txt"), &out.stdout);
}

#[test]
fn what_it_cannot_compare_is_said_plainly() {
    let repo = repository();
    let d = repo.path();
    let out = Run::in_dir(d).args(["diff", "no-such-rev"]).run();
    out.status(2);
    assert!(
        out.stderr
            .contains("`no-such-rev` is not a revision of this repository"),
        "{}",
        out.stderr
    );
    let out = Run::in_dir(d).args(["diff", "--", "--output=x"]).run();
    out.status(2);
    assert!(!d.join("x").exists());
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir(outside.path().join("kb")).unwrap();
    let out = Run::in_dir(outside.path()).args(["diff"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("is not inside a git repository"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_readme_example_is_lines_of_the_golden_output() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let golden = fs::read_to_string(root().join("tests/golden/diff/story.txt")).unwrap();
    let start = readme
        .find("(`tests/golden/diff/story.txt`, shortened):\n\n```text\n")
        .expect("the README shows the diff example");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    for line in block.lines() {
        assert!(
            golden.lines().any(|g| g == line),
            "README line not in story.txt: {line}"
        );
    }
}
