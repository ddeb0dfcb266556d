//! Outputs stay where they belong: never inside the KB folder, never outside
//! the manifest's folder for `build`, never onto something that is not a
//! regular file; no hang on odd files; nothing raw on a terminal.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{copy_of_the_repo, Run};

/// Every file below `dir` with its content hash, sorted.
fn tree_digest(dir: &Path) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg("find . -type f -exec sha256sum {} + | sort")
        .current_dir(dir)
        .output()
        .expect("sha256sum");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn write_manifest(dir: &Path, outputs: &str) {
    std::fs::write(
        dir.join("exports/exports.ron"),
        format!("Exports(\n    outputs: [\n{outputs}    ],\n)\n"),
    )
    .expect("write the manifest");
}

/// Runs annals in `dir` with a deadline: odd files must never make it hang.
fn run_bounded(dir: &Path, args: &[&str], seconds: u64) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_annals"))
        .current_dir(dir)
        .args(args)
        .env_remove("ANNALS_KB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("annals runs");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut err)
                .expect("read stderr");
            return (status.code().unwrap_or(-1), err);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("annals {args:?} hung for more than {seconds} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn output_paths_through_a_missing_folder_and_dotdot_cannot_reach_the_kb() {
    let (_keep, dir) = copy_of_the_repo();
    let before = tree_digest(&dir.join("kb"));
    let story = "kb/stories/2024-06-14-putin-peace-conditions.ron";
    let attempts: &[&[&str]] = &[
        &["render", "timeline", "-o", "x/../kb/t.svg"],
        &["export", "json", "-o", &format!("y/../{story}")],
        &["export", "csv", "-o", "z/../kb/tables"],
        &["export", "dot", "-o", "a/b/../../kb/x.dot"],
    ];
    for args in attempts {
        let out = Run::in_dir(&dir).args(*args).run();
        out.status(2);
        assert!(
            out.stderr.contains("inside the KB folder"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(before, tree_digest(&dir.join("kb")), "kb/ is unchanged");
    for missing in ["x", "y", "z", "a", "kb/tables"] {
        assert!(!dir.join(missing).exists(), "{missing} was created");
    }
}

#[test]
fn a_symlink_into_the_kb_is_followed_and_refused() {
    let (_keep, dir) = copy_of_the_repo();
    std::os::unix::fs::symlink(dir.join("kb"), dir.join("link")).expect("symlink");
    let out = Run::in_dir(&dir)
        .args(["export", "dot", "-o", "link/x.dot"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("inside the KB folder"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("kb/x.dot").exists());
}

#[test]
fn manifest_outputs_must_stay_inside_the_manifest_folder() {
    let (_keep, dir) = copy_of_the_repo();
    let before = tree_digest(&dir.join("kb"));
    let cases = [
        ("nope/../../kb/actors.ron", "leaves the folder"),
        ("../README.md", "leaves the folder"),
        ("/tmp/annals-absolute.mmd", "absolute"),
        ("exports.ron", "the manifest itself"),
        ("", "empty"),
        (".", "names no file"),
        ("sub/..", "names no file"),
    ];
    for (file, expected) in cases {
        write_manifest(
            &dir,
            &format!("        Output(file: {file:?}, view: Responses, format: Dot),\n"),
        );
        for args in [&["build"][..], &["build", "--check"][..]] {
            let out = Run::in_dir(&dir).args(args).run();
            out.status(2);
            assert!(
                out.stderr.contains(expected) && out.stderr.contains("exports/exports.ron:3:"),
                "{file:?}: {}",
                out.stderr
            );
        }
    }
    write_manifest(
        &dir,
        "        Output(file: \"responses.svg\", view: Responses, format: Svg),\n",
    );
    assert_eq!(before, tree_digest(&dir.join("kb")), "kb/ is unchanged");
    assert!(!Path::new("/tmp/annals-absolute.mmd").exists());
    assert!(dir.join("kb/actors.ron").is_file());
    Run::in_dir(&dir).args(["check"]).run().status(0);
}

#[test]
fn two_outputs_naming_one_file_are_a_manifest_error_with_both_positions() {
    let (_keep, dir) = copy_of_the_repo();
    write_manifest(
        &dir,
        "        Output(file: \"a.dot\", view: Responses, format: Dot),\n        Output(file: \"x/../a.dot\", view: Actors, format: Dot),\n",
    );
    let out = Run::in_dir(&dir).args(["build"]).run();
    out.status(2);
    assert!(
        out.stderr.contains("exports/exports.ron:4:")
            && out.stderr.contains("exports/exports.ron:3:")
            && out.stderr.contains("also written by"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("exports/a.dot").exists());
}

#[test]
fn odd_files_at_an_output_path_give_a_diagnostic_and_never_hang() {
    let (_keep, dir) = copy_of_the_repo();
    let exports = dir.join("exports");
    let fifo = exports.join("fifo.dot");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo works here");
    std::os::unix::fs::symlink("/dev/zero", exports.join("zero.dot")).expect("symlink");
    std::fs::create_dir(exports.join("folder.dot")).expect("mkdir");
    std::os::unix::fs::symlink(dir.join("nowhere"), exports.join("dangling")).expect("symlink");
    for (file, expected) in [
        ("fifo.dot", "is a FIFO"),
        ("zero.dot", "is a device"),
        ("folder.dot", "is a folder"),
        ("dangling/x.dot", "dangling symlink"),
    ] {
        write_manifest(
            &dir,
            &format!("        Output(file: {file:?}, view: Responses, format: Dot),\n"),
        );
        for args in [&["build", "--check"][..], &["build"][..]] {
            let (status, stderr) = run_bounded(&dir, args, 30);
            assert_ne!(status, 0, "{file} {args:?}");
            assert!(
                stderr.contains(expected) && !stderr.contains("os error"),
                "{file} {args:?}: {stderr}"
            );
        }
    }
    assert!(std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type()
        .is_fifo_like());
    // The same rule holds for -o.
    let out = Run::in_dir(&dir)
        .args(["export", "dot", "-o", "exports/folder.dot"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("is a folder"), "{}", out.stderr);
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_fifo()
    }
}

#[test]
fn manifest_text_reaches_stderr_escaped() {
    let (_keep, dir) = copy_of_the_repo();
    write_manifest(
        &dir,
        "        Output(file: \"a\\u{1b}]0;pwned\\u{7}\\n::error file=x::forged.dot\", view: Responses, format: Dot),\n        Output(file: \"b.dot\", view: Responses, format: Dot, filter: (actors: [\"\\u{1b}[2J\\n::error::forged\"])),\n",
    );
    for args in [&["build"][..], &["build", "--check"][..]] {
        let out = Run::in_dir(&dir).args(args).run();
        out.status(2);
        assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
        assert!(!out.stderr.contains('\u{7}'), "{:?}", out.stderr);
        assert!(
            !out.stderr.lines().any(|l| l.starts_with("::")),
            "{:?}",
            out.stderr
        );
    }
}

/// Runs a command under a pseudo-terminal (`script`), so that stdout is a
/// terminal as it is for a person.
fn on_a_terminal(dir: &Path, args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_annals");
    let out = Command::new("script")
        .args(["-qec", &format!("{bin} {args}"), "/dev/null"])
        .current_dir(dir)
        .env_remove("ANNALS_KB")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn hazards(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn no_format_prints_raw_controls_on_a_terminal() {
    let dir = crate::support::fixture("terminal");
    for format in ["text", "csv", "md", "json"] {
        let screen = on_a_terminal(&dir, &format!("timeline --format {format} --color never"));
        assert!(screen.lines().count() > 2, "{format}: {screen}");
        assert_eq!(hazards(&screen), Vec::<char>::new(), "{format}: {screen:?}");
    }
}

#[test]
fn csv_to_a_pipe_stays_exact_and_json_escapes_c1_and_bidi() {
    let csv = Run::fixture("terminal")
        .args(["timeline", "--format", "csv"])
        .run();
    csv.status(0);
    assert!(
        !hazards(&csv.stdout).is_empty(),
        "a pipe gets the exact text"
    );
    let json = Run::fixture("terminal")
        .args(["timeline", "--format", "json"])
        .run();
    json.status(0);
    assert_eq!(hazards(&json.stdout), Vec::<char>::new());
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    assert!(
        !hazards(&parsed.to_string()).is_empty(),
        "the escapes decode to the same text"
    );
}

#[test]
fn an_over_long_id_is_cut_in_every_diagnostic_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kb = dir.path().join("kb");
    std::fs::create_dir(&kb).expect("mkdir");
    let long = "x".repeat(5_000_000);
    std::fs::write(
        kb.join("a.ron"),
        format!("Kb(actors: [Actor(id: \"{long}\", name: \"Long\", kind: Person)])\n"),
    )
    .expect("write");
    for format in ["human", "json", "github"] {
        let out = Run::in_dir(dir.path())
            .args(["check", "--format", format])
            .run();
        out.status(1);
        let size = out.stdout.len() + out.stderr.len();
        assert!(size < 4_000, "{format}: {size} bytes");
        assert!(
            out.stdout.contains("(5,000,000 characters)"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn a_long_output_name_is_written_and_stale_temporaries_are_removed() {
    let (_keep, dir) = copy_of_the_repo();
    let name = format!("{}.dot", "n".repeat(246));
    assert_eq!(name.len(), 250);
    Run::in_dir(&dir)
        .args(["export", "dot", "-o", &name])
        .run()
        .status(0);
    assert!(dir.join(&name).is_file());
    // A temporary left by a killed run (a process id no process has), and one
    // of a live process (this test's), which must stay.
    let exports = dir.join("exports");
    let stale = exports.join(".0123456789abcdef.annals-4194999.tmp");
    let live = exports.join(format!(
        ".0123456789abcdef.annals-{}.tmp",
        std::process::id()
    ));
    let other = exports.join(".keep.tmp");
    for f in [&stale, &live, &other] {
        std::fs::write(f, b"half").expect("write");
    }
    let out = Run::in_dir(&dir).args(["build"]).run();
    out.status(0);
    assert!(!stale.exists(), "the stale temporary is removed");
    assert!(
        live.exists() && other.exists(),
        "only stale ones of ours go"
    );
}

#[test]
fn duplicate_response_is_an_error_and_counted_once() {
    let out = Run::fixture("check/duplicate-response")
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    let records = out.json_lines();
    assert_eq!(records.len(), 1, "{}", out.stdout);
    assert_eq!(records[0]["code"], "duplicate-response");
    assert!(
        records[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Acknowledges") && m.contains("Rejects")),
        "{}",
        out.stdout
    );
    assert_eq!(records[0]["labels"].as_array().map(Vec::len), Some(2));
}

#[test]
fn an_empty_annals_kb_variable_means_the_default() {
    let out = Run::bundled()
        .env("ANNALS_KB", "")
        .args(["check", "--deny", "warnings"])
        .run();
    out.status(0);
}

#[test]
fn the_reason_for_an_invalid_date_is_in_every_format() {
    for format in ["human", "json", "github"] {
        let out = Run::fixture("check/invalid-date")
            .args(["check", "--format", format])
            .run();
        out.status(1);
        assert!(
            out.stdout.contains("does not exist") || out.stdout.contains("out of range"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn settings_with_a_duplicate_lint_or_an_out_of_range_limit_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kb = dir.path().join("kb");
    std::fs::create_dir(&kb).expect("mkdir");
    std::fs::write(
        kb.join("annals.ron"),
        "Settings(\n    lints: { \"unused-actor\": Allow, \"unused-actor\": Deny },\n    limits: Limits(max_nesting: 4),\n)\n",
    )
    .expect("write");
    std::fs::write(kb.join("a.ron"), "Kb()\n").expect("write");
    let out = Run::in_dir(dir.path())
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    let records = out.json_lines();
    let messages: Vec<String> = records
        .iter()
        .map(|r| format!("{} {}:{}", r["message"], r["line"], r["column"]))
        .collect();
    assert_eq!(records.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("twice") && messages[0].contains(" 2:"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("max_nesting") && messages[1].contains(" 3:"),
        "{messages:?}"
    );
}

/// A KB whose response graph Graphviz needs many seconds to lay out.
fn slow_to_draw() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    crate::support::write_generated_kb(&dir.path().join("kb"), 4000);
    dir
}

#[test]
#[ignore = "needs Graphviz's dot; CI runs it with --include-ignored"]
fn graphviz_gets_a_time_limit_with_a_clear_error() {
    crate::pictures::require_graphviz();
    let dir = slow_to_draw();
    let out = Run::in_dir(dir.path())
        .env("ANNALS_GRAPHVIZ_TIMEOUT", "0.5")
        .args(["render", "responses", "-o", "r.svg"])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("Graphviz took more than 0.5 s; the graph has ")
            && out.stderr.contains(" nodes: try --view actors"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("r.svg").exists());
    let out = Run::in_dir(dir.path())
        .env("ANNALS_GRAPHVIZ_TIMEOUT", "soon")
        .args(["render", "responses", "-o", "r.svg"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("number of seconds"), "{}", out.stderr);
}

/// The processes whose parent is `pid` and whose command is `name`.
fn children_named(pid: u32, name: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let Some((comm, rest)) = stat.split_once(") ") else {
            continue;
        };
        let ppid = rest.split(' ').nth(1).and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) && comm.ends_with(&format!("({name}")) {
            found.push(child);
        }
    }
    found
}

#[test]
#[ignore = "needs Graphviz's dot; CI runs it with --include-ignored"]
fn interrupting_a_render_ends_graphviz_and_leaves_no_temporary() {
    crate::pictures::require_graphviz();
    let dir = slow_to_draw();
    for signal in ["TERM", "INT"] {
        let mut annals = Command::new(env!("CARGO_BIN_EXE_annals"))
            .current_dir(dir.path())
            .args(["render", "responses", "-o", "r.svg"])
            .env_remove("ANNALS_KB")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("annals runs");
        let deadline = Instant::now() + Duration::from_secs(60);
        let dot = loop {
            if let Some(&dot) = children_named(annals.id(), "dot").first() {
                break dot;
            }
            assert!(
                annals.try_wait().expect("wait").is_none(),
                "annals ended before Graphviz started"
            );
            assert!(Instant::now() < deadline, "Graphviz never started");
            std::thread::sleep(Duration::from_millis(20));
        };
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &annals.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent);
        let status = annals.wait().expect("annals ends");
        assert_eq!(status.code(), Some(130), "{signal}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Path::new(&format!("/proc/{dot}")).exists() {
            assert!(
                Instant::now() < deadline,
                "Graphviz ({dot}) outlived annals after SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(!dir.path().join("r.svg").exists());
    }
}
