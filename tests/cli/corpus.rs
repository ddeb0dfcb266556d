//! The bad-input corpus: every kind of broken KB gives clear diagnostics,
//! the right exit status, in bounded time and output, and never a panic.
//! Cases are generated here (the large ones would not belong in git).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::Run;

const A: &str = r#"Actor(id: "a", name: "A", kind: Group), Actor(id: "m", name: "M", kind: Media)"#;

fn statement(id: &str, extra: &str) -> String {
    format!(
        r#"Statement(id: "{id}", by: "a", date: "2024-06-14", kind: Claim, summary: "x", sources: [Source(outlet: "m")]{extra}),"#
    )
}

fn kb(statements: &str) -> Vec<u8> {
    format!("Kb(actors: [{A}], statements: [{statements}])\n").into_bytes()
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    status: i32,
    /// Codes that must be reported, with how many times (0: at least once).
    codes: Vec<(&'static str, usize)>,
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    status: i32,
    codes: &[(&'static str, usize)],
) -> Case {
    Case {
        name,
        files,
        status,
        codes: codes.to_vec(),
    }
}

fn cases() -> Vec<Case> {
    let cycle: String = (0..1000)
        .map(|i| {
            statement(
                &format!("c{i}"),
                &format!(r#", responds_to: ["c{}"]"#, (i + 1) % 1000),
            )
        })
        .collect();
    let same_id: String = (0..10_000).map(|_| statement("same", "")).collect();
    let one_line: String = (0..20_000)
        .map(|i| statement(&format!("s{i}"), ""))
        .collect();
    let huge_summary = format!(
        r#"Kb(actors: [{A}], statements: [Statement(id: "big", by: "a", date: "2024", kind: Claim, summary: "{}", sources: [Source(outlet: "m")])])"#,
        "x".repeat(50 * 1024 * 1024)
    );
    let wrong_kinds = format!(
        r#"Kb(
    actors: [{A}, Actor(id: "p", name: "P", kind: Person, part_of: "e", roles: [Role(title: "T", of: "a"), Role(title: "U", of: "e")])],
    events: [Event(id: "e", name: "E", kind: Meeting, date: "2024", participants: ["s2"])],
    statements: [
        Statement(id: "s1", by: "e", date: "2024", kind: Claim, summary: "x"),
        Statement(id: "s2", by: "a", date: "2024", at: "a", kind: Claim, summary: "x", responds_to: ["a"], sources: [Source(outlet: "p")]),
    ],
)"#
    );
    vec![
        case("empty file", vec![("kb/a.ron", vec![])], 1, &[("syntax-error", 1)]),
        case("whitespace and comments only", vec![("kb/a.ron", b"  \n// nothing\n/* here */\n".to_vec())], 1, &[("syntax-error", 1)]),
        case("binary garbage", vec![("kb/a.ron", (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect())], 1, &[("invalid-utf8", 1)]),
        case("invalid UTF-8 in a string", vec![("kb/a.ron", [b"Kb(actors: [Actor(id: \"a\", name: \"\xc3\x28\", kind: Group)])".as_slice()].concat())], 1, &[("invalid-utf8", 1)]),
        case("a byte-order mark", vec![("kb/a.ron", [b"\xef\xbb\xbf".as_slice(), &kb(&statement("s", ""))].concat())], 0, &[]),
        case("CRLF line endings", vec![("kb/a.ron", String::from_utf8(kb(&statement("s", ""))).unwrap_or_default().replace('\n', "\r\n").replace(", ", ",\r\n").into_bytes())], 0, &[]),
        case("lone CR line endings", vec![("kb/a.ron", String::from_utf8(kb(&statement("s", ""))).unwrap_or_default().replace(", ", ",\r").into_bytes())], 0, &[]),
        case("a NUL byte in a string", vec![("kb/a.ron", kb(&statement("nul\0id", "")))], 1, &[("invalid-id", 1)]),
        // Where a list of items is expected, the first inner bracket is a type
        // error; inside a value ron skips through (a reference), the nesting
        // limit stops it long before the stack would overflow.
        case("100,000 nested brackets", vec![("kb/a.ron", format!("Kb(actors: [{}])", "[".repeat(100_000)).into_bytes())], 1, &[("wrong-type", 1)]),
        case(
            "100,000 nested brackets in a reference",
            vec![("kb/a.ron", kb(&statement("s", "").replace(r#"by: "a""#, &format!("by: {}", "[".repeat(100_000)))))],
            1,
            &[("nesting-too-deep", 1)],
        ),
        case("a 10 MB line", vec![("kb/a.ron", kb(&one_line))], 0, &[]),
        case("a 50 MB string", vec![("kb/a.ron", huge_summary.into_bytes())], 0, &[]),
        case("an unterminated string at the end", vec![("kb/a.ron", b"Kb(actors: [Actor(id: \"a".to_vec())], 1, &[("syntax-error", 1)]),
        case("an unterminated comment at the end", vec![("kb/a.ron", b"Kb(actors: []) /* never closed".to_vec())], 1, &[("syntax-error", 1)]),
        case("a duplicated field", vec![("kb/a.ron", kb(&statement("s", r#", summary: "again""#)))], 1, &[("duplicate-field", 1)]),
        case("a struct of the wrong name", vec![("kb/a.ron", kb(&statement("s", "").replace("Statement(", "Statment(")))], 1, &[("wrong-type", 1)]),
        case("a kind that does not exist", vec![("kb/a.ron", kb(&statement("s", "").replace("kind: Claim", "kind: Rumour")))], 1, &[("unknown-variant", 1)]),
        case(
            "ids with upper case, spaces, unicode and path characters",
            vec![("kb/a.ron", kb(&[statement("Upper", ""), statement("with space", ""), statement("путін", ""), statement("../etc/passwd", "")].concat()))],
            1,
            &[("invalid-id", 4)],
        ),
        case(
            "impossible dates",
            vec![("kb/a.ron", kb(&["2024-02-30", "2024-13", "0000-00-00", "99999"].iter().enumerate().map(|(i, d)| statement(&format!("d{i}"), "").replace("2024-06-14", d)).collect::<String>()))],
            1,
            &[("invalid-date", 4)],
        ),
        case("an interval that ends before it starts", vec![("kb/a.ron", kb(&statement("s", "").replace("2024-06-14", "2024-06-16/2024-06-15")))], 1, &[("reversed-interval", 1)]),
        case("a statement responding to itself", vec![("kb/a.ron", kb(&statement("s", r#", responds_to: ["s"]"#)))], 1, &[("self-response", 1)]),
        case("a responds-to cycle of 1,000 statements", vec![("kb/a.ron", kb(&cycle))], 1, &[("response-cycle", 1)]),
        case(
            "a part_of cycle",
            vec![("kb/a.ron", br#"Kb(actors: [Actor(id: "x", name: "X", kind: Ministry, part_of: "y"), Actor(id: "y", name: "Y", kind: Government, part_of: "x")])"#.to_vec())],
            1,
            &[("part-of-cycle", 1)],
        ),
        case("10,000 statements with the same id", vec![("kb/a.ron", kb(&same_id))], 1, &[("duplicate-id", 9_999)]),
        case("a reference to every wrong kind of node", vec![("kb/a.ron", wrong_kinds.into_bytes())], 1, &[("wrong-reference-kind", 7)]),
        case("a directory named x.ron", vec![("kb/x.ron/a.ron", kb(&statement("s", "")))], 0, &[]),
    ]
}

fn write(dir: &Path, files: &[(&str, Vec<u8>)]) {
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

#[test]
fn every_corpus_case_is_diagnosed_without_a_panic() {
    for c in cases() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), &c.files);
        let started = Instant::now();
        let out = Run::in_dir(dir.path())
            .args(["check", "--format", "json"])
            .run();
        out.any_status();
        let took = started.elapsed();
        assert!(
            !out.stderr.contains("panicked"),
            "{}: {}",
            c.name,
            out.stderr
        );
        assert_eq!(
            out.status,
            c.status,
            "{}: {}\n{}",
            c.name,
            out.stderr,
            &out.stdout[..out.stdout.len().min(2000)]
        );
        assert!(took < Duration::from_secs(60), "{}: took {took:?}", c.name);
        let records = out.json_lines();
        for (code, count) in &c.codes {
            let n = records.iter().filter(|r| r["code"] == *code).count();
            if *count == 0 {
                assert!(n > 0, "{}: no {code} in {records:?}", c.name);
            } else {
                assert_eq!(n, *count, "{}: {code}", c.name);
            }
        }
        for r in &records {
            assert!(
                r["line"].as_u64().is_some_and(|l| l >= 1),
                "{}: a position",
                c.name
            );
        }
        // The human format never echoes megabytes of input.
        let human = Run::in_dir(dir.path()).args(["check"]).run();
        human.any_status();
        assert!(
            human.stdout.len() < 4_000_000 || c.name.contains("same id"),
            "{}: {} bytes",
            c.name,
            human.stdout.len()
        );
    }
}

#[test]
fn a_symlink_loop_and_a_fifo_are_reported_not_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), &[("kb/a.ron", kb(&statement("s", "")))]);
    std::os::unix::fs::symlink("..", dir.path().join("kb/loop")).expect("symlink");
    let fifo = dir.path().join("kb/pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let out = Run::in_dir(dir.path())
        .args(["check", "--format", "json"])
        .run();
    out.status(1);
    let codes: Vec<String> = out
        .json_lines()
        .iter()
        .map(|r| format!("{} {}", r["code"], r["file"]))
        .collect();
    assert!(
        codes
            .iter()
            .any(|c| c.contains("unreadable-path") && c.contains("loop")),
        "{codes:?}"
    );
    if made {
        assert!(
            codes
                .iter()
                .any(|c| c.contains("unreadable-path") && c.contains("pipe.ron")),
            "{codes:?}"
        );
    }
}

#[test]
fn a_kb_folder_that_cannot_be_read_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    std::fs::write(dir.path().join("file.ron"), b"Kb()").expect("write");
    for (kb, message) in [
        ("missing", "does not exist"),
        ("file.ron", "is not a folder"),
        ("empty", "no .ron files"),
    ] {
        let out = Run::in_dir(dir.path()).args(["check", "--kb", kb]).run();
        out.status(2);
        assert!(out.stderr.contains(message), "{kb}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{kb}: one line");
    }
}

#[test]
fn every_command_leaves_a_read_only_kb_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(crate::support::root().join("kb"))
        .arg(dir.path())
        .status();
    assert!(status.is_ok_and(|s| s.success()));
    let kb = dir.path().join("kb");
    let before = std::process::Command::new("sh")
        .arg("-c")
        .arg("find kb -type f -exec sha256sum {} + | sort")
        .current_dir(dir.path())
        .output()
        .expect("sha256sum");
    let commands: &[&[&str]] = &[
        &["check"],
        &["timeline"],
        &["who-responded"],
        &["stats"],
        &["export", "json"],
        &["export", "dot"],
        &["render", "timeline", "-o", "out/t.svg"],
        &["render", "timeline", "-o", "kb/t.svg"],
        &["export", "csv", "-o", "kb"],
    ];
    for args in commands {
        let out = Run::in_dir(dir.path()).args(*args).run();
        out.any_status();
        assert!(!out.stderr.contains("panicked"), "{args:?}");
    }
    let after = std::process::Command::new("sh")
        .arg("-c")
        .arg("find kb -type f -exec sha256sum {} + | sort")
        .current_dir(dir.path())
        .output()
        .expect("sha256sum");
    assert_eq!(before.stdout, after.stdout, "the KB folder is unchanged");
    assert!(!kb.join("t.svg").exists() && !kb.join("actors.csv").exists());
}
