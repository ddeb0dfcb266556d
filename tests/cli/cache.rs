//! The cache of loaded KBs, end to end: answers from the cache are the
//! answers from the files, for every query and format; edits, touches,
//! deleted, cut-short and corrupt caches, racing runs; `annals cache`.

use std::fs;
use std::path::Path;

use crate::queries::COMMANDS;
use crate::support::{copy_of_the_repo, write_generated_kb, Run};

/// A run in `dir` with the cache in `cache`.
fn cached(dir: &Path, cache: &Path) -> Run {
    Run::in_dir(dir).env("ANNALS_CACHE_DIR", cache.to_str().unwrap())
}

/// A run on the KB folder `kb` (below `dir`) with its cache in `cache`;
/// its stdout.
fn run(dir: &Path, cache: &Path, args: &[&str]) -> String {
    let out = cached(dir, cache).args(args).run();
    out.status(0);
    out.stdout.clone()
}

/// The same run without the cache.
fn cold(dir: &Path, args: &[&str]) -> String {
    let out = Run::in_dir(dir).env("ANNALS_CACHE", "off").args(args).run();
    out.status(0);
    out.stdout.clone()
}

/// `annals cache info`'s state line.
fn state(dir: &Path, cache: &Path) -> String {
    let info = run(dir, cache, &["cache", "info"]);
    let line = info.lines().find(|l| l.starts_with("state: "));
    line.unwrap_or_else(|| panic!("no state in {info}"))
        .to_owned()
}

/// The cache file in the cache folder `cache`.
fn cache_file(cache: &Path) -> std::path::PathBuf {
    fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "cache"))
        .expect("a cache file")
}

/// A cache folder, and a folder holding a generated KB of `statements`.
fn generated(statements: usize) -> (tempfile::TempDir, tempfile::TempDir) {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_generated_kb(&dir.path().join("kb"), statements);
    (cache, dir)
}

fn is_fresh(state: &str) -> bool {
    state.starts_with("state: fresh")
}

/// Every query in every format, and the exports that print to stdout.
fn every_answer() -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for (_, args) in COMMANDS {
        for format in ["text", "json", "csv", "md"] {
            let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            a.extend(["--format".into(), format.into()]);
            all.push(a);
        }
    }
    for format in [
        "json",
        "jsonl",
        "jsonld",
        "timelinejs",
        "graphml",
        "mermaid",
        "dot",
    ] {
        all.push(vec!["export".into(), "--format".into(), format.into()]);
    }
    all.push(vec![
        "render".into(),
        "timeline".into(),
        "--format".into(),
        "svg".into(),
    ]);
    all
}

#[test]
fn answers_from_the_cache_are_the_answers_from_the_files() {
    let cache = tempfile::tempdir().unwrap();
    let (_repo, dir) = copy_of_the_repo();
    assert_eq!(
        state(&dir, cache.path()),
        "state: none yet (the next query writes it)"
    );
    for args in every_answer() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let from_files = cold(&dir, &args);
        let first = run(&dir, cache.path(), &args);
        assert!(is_fresh(&state(&dir, cache.path())), "{args:?}");
        let from_cache = run(&dir, cache.path(), &args);
        assert_eq!(first, from_files, "{args:?}, cold then cached");
        assert_eq!(from_cache, from_files, "{args:?} from the cache");
    }
}

#[test]
fn answers_from_the_cache_of_a_generated_kb_are_the_answers_from_its_files() {
    let (cache, dir) = generated(3_000);
    let queries: &[&[&str]] = &[
        &["who-responded"],
        &["who-responded", "--rollup"],
        &["timeline", "--from", "2021-03", "--until", "2021-05"],
        &["timeline", "--actor", "state-0"],
        &["responses", "s0"],
        &["thread", "s40"],
        &["show", "s0"],
        &["show", "state-0"],
        &["search", "peace"],
        &["stats"],
    ];
    let mut all: Vec<Vec<&str>> = Vec::new();
    for args in queries {
        for format in ["text", "json", "csv", "md"] {
            all.push([*args, &["--format", format]].concat());
        }
    }
    for format in ["jsonl", "graphml", "mermaid", "dot"] {
        all.push(vec!["export", "--format", format]);
    }
    all.push(vec!["export", "--format", "dot", "--view", "kb"]);
    for args in &all {
        let from_files = cold(dir.path(), args);
        run(dir.path(), cache.path(), args);
        assert!(is_fresh(&state(dir.path(), cache.path())));
        assert_eq!(run(dir.path(), cache.path(), args), from_files, "{args:?}");
    }
}

#[test]
fn an_edited_kb_is_answered_from_its_files_then_cached_again() {
    let cache = tempfile::tempdir().unwrap();
    let (_repo, dir) = copy_of_the_repo();
    let query = ["show", "stoltenberg"];
    let before = run(&dir, cache.path(), &query);
    assert!(before.contains("Jens Stoltenberg"));
    // One letter, same length: the size does not tell.
    let file = dir.join("kb/actors.ron");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("Jens Stoltenberg", "Jens Stoltenbarg")).unwrap();
    assert!(state(&dir, cache.path()).contains("`kb/actors.ron` changed"));
    let after = run(&dir, cache.path(), &query);
    assert_eq!(
        after,
        before.replace("Jens Stoltenberg", "Jens Stoltenbarg")
    );
    assert!(is_fresh(&state(&dir, cache.path())));
    assert_eq!(run(&dir, cache.path(), &query), after);

    // A new file, then a file removed.
    fs::write(
        dir.join("kb/extra.ron"),
        "Kb(actors: [Actor(id: \"extra\", name: \"Extra\", kind: Group)])",
    )
    .unwrap();
    assert!(state(&dir, cache.path()).contains("added to or removed"));
    assert!(run(&dir, cache.path(), &["show", "extra"]).contains("Extra"));
    fs::remove_file(dir.join("kb/extra.ron")).unwrap();
    let gone = cached(&dir, cache.path()).args(["show", "extra"]).run();
    gone.status(2);
    assert!(
        gone.stderr.contains("unknown id `extra`"),
        "{}",
        gone.stderr
    );
}

#[test]
fn a_touched_file_keeps_the_cache_and_a_broken_kb_is_refused_as_without_it() {
    let cache = tempfile::tempdir().unwrap();
    let (_repo, dir) = copy_of_the_repo();
    let answer = run(&dir, cache.path(), &["stats"]);
    let status = std::process::Command::new("touch")
        .arg(dir.join("kb/actors.ron"))
        .status()
        .unwrap();
    assert!(status.success());
    assert!(is_fresh(&state(&dir, cache.path())));
    assert_eq!(run(&dir, cache.path(), &["stats"]), answer);

    fs::write(dir.join("kb/broken.ron"), "Kb(actors: [").unwrap();
    let refused = cached(&dir, cache.path()).args(["stats"]).run();
    refused.status(2);
    assert!(
        refused.stderr.contains("run `annals check`"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_deleted_cut_short_or_corrupt_cache_is_rebuilt_never_believed() {
    let cache = tempfile::tempdir().unwrap();
    let (_repo, dir) = copy_of_the_repo();
    let query = ["who-responded", "--format", "json"];
    let answer = cold(&dir, &query);
    run(&dir, cache.path(), &query);
    let file = cache_file(cache.path());
    let whole = fs::read(&file).unwrap();
    let mut flipped = whole.clone();
    let middle = whole.len() / 2;
    flipped[middle] ^= 1;
    let damage: [(&str, Option<Vec<u8>>); 4] = [
        ("deleted", None),
        ("cut short", Some(whole[..middle].to_vec())),
        ("corrupt", Some(flipped)),
        ("not a cache", Some(b"hello".to_vec())),
    ];
    for (what, bytes) in damage {
        match bytes {
            None => fs::remove_file(&file).unwrap(),
            Some(b) => fs::write(&file, b).unwrap(),
        }
        assert!(!is_fresh(&state(&dir, cache.path())), "{what}");
        assert_eq!(run(&dir, cache.path(), &query), answer, "{what}");
        assert!(is_fresh(&state(&dir, cache.path())), "{what}: rebuilt");
        assert_eq!(run(&dir, cache.path(), &query), answer, "{what}: then used");
    }
}

#[test]
fn stats_read_from_a_damaged_cache_answer_right() {
    // `stats` reads the cache's front and the chunks of the statements it
    // shows; a flip anywhere else goes unseen by it and changes nothing it
    // says, a flip there sends it to the files. Two chunks of
    // statements; each run starts from the damaged cache.
    let (cache, dir) = generated(5_000);
    let query = ["stats", "--format", "json"];
    let answer = cold(dir.path(), &query);
    run(dir.path(), cache.path(), &query);
    let file = cache_file(cache.path());
    let whole = fs::read(&file).unwrap();
    // And inside the summary the report shows first, read from its chunk.
    let shown: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let summary = shown["most_responded_statements"][0]["name"]
        .as_str()
        .unwrap()
        .as_bytes();
    let in_summary = whole
        .windows(summary.len())
        .position(|w| w == summary)
        .expect("the summary in the cache")
        + summary.len() / 2;
    let spread = (0..whole.len()).step_by(whole.len() / 41);
    for at in spread.chain([in_summary, whole.len() - 1]) {
        let mut flipped = whole.clone();
        flipped[at] ^= 0x10;
        fs::write(&file, &flipped).unwrap();
        assert_eq!(run(dir.path(), cache.path(), &query), answer, "byte {at}");
    }
    fs::write(&file, &whole).unwrap();
    assert!(is_fresh(&state(dir.path(), cache.path())));
    assert_eq!(run(dir.path(), cache.path(), &query), answer);
}

#[test]
fn runs_racing_on_a_cold_cache_all_answer_right() {
    let (cache, dir) = generated(2_000);
    let query = ["who-responded", "--format", "csv"];
    let answer = cold(dir.path(), &query);
    for round in 0..3 {
        let children: Vec<_> = (0..6)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_annals"))
                    .current_dir(dir.path())
                    .env_remove("ANNALS_KB")
                    .env_remove("ANNALS_CACHE")
                    .env("ANNALS_CACHE_DIR", cache.path())
                    .args(query)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8(out.stdout).unwrap(),
                answer,
                "round {round}"
            );
        }
        assert!(is_fresh(&state(dir.path(), cache.path())));
        // Only the cache: no temporary file left behind.
        let names: Vec<_> = fs::read_dir(cache.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        fs::remove_dir_all(cache.path()).unwrap();
    }
}

#[test]
fn the_cache_can_be_turned_off_cleared_and_is_never_in_the_kb() {
    let cache = tempfile::tempdir().unwrap();
    let (_repo, dir) = copy_of_the_repo();
    let c = cache.path().to_str().unwrap();
    let is_empty = |p: &Path| fs::read_dir(p).map_or(true, |mut d| d.next().is_none());

    // Off: nothing written, and info says why.
    for off in [&["--no-cache", "stats"][..], &["stats"]] {
        let out = Run::in_dir(&dir)
            .env("ANNALS_CACHE_DIR", c)
            .env("ANNALS_CACHE", if off[0] == "stats" { "off" } else { "on" })
            .args(off)
            .run();
        out.status(0);
    }
    assert!(is_empty(cache.path()));
    let info = Run::in_dir(&dir)
        .env("ANNALS_CACHE", "off")
        .args(["cache", "info"])
        .run();
    info.status(0);
    assert_eq!(info.stdout, "cache: off (ANNALS_CACHE=off)\n");
    let bad = Run::in_dir(&dir)
        .env("ANNALS_CACHE", "later")
        .args(["stats"])
        .run();
    bad.status(2);
    assert_eq!(
        bad.stderr,
        "error: ANNALS_CACHE is `later`: set it to `on` or `off`\n"
    );

    // On: written; cleared for this KB, then for all.
    run(&dir, cache.path(), &["stats"]);
    assert!(!is_empty(cache.path()));
    let cleared = run(&dir, cache.path(), &["cache", "clear"]);
    assert!(
        cleared.starts_with("removed this KB's cache ("),
        "{cleared}"
    );
    assert_eq!(
        run(&dir, cache.path(), &["cache", "clear"]),
        "no cache for this KB\n"
    );
    run(&dir, cache.path(), &["stats"]);
    fs::write(cache.path().join("keep.txt"), "not ours").unwrap();
    // Left by a run that was killed while writing (no process has this id).
    let stale = cache.path().join(".0123456789abcdef.annals-4294967295.tmp");
    fs::write(&stale, "half a cache").unwrap();
    let all = run(&dir, cache.path(), &["cache", "clear", "--all"]);
    assert!(all.starts_with("removed 1 cache ("), "{all}");
    assert!(cache.path().join("keep.txt").exists());
    assert!(!stale.exists());

    // A cache folder inside the KB: refused, the KB untouched, answers right.
    let inside = dir.join("kb/cache");
    let out = cached(&dir, &inside).args(["stats"]).run();
    out.status(0);
    assert_eq!(out.stdout, cold(&dir, &["stats"]));
    assert!(!inside.exists());
}

#[test]
fn a_cache_that_cannot_be_written_only_makes_the_next_run_slower() {
    let (_repo, dir) = copy_of_the_repo();
    // A cache folder below a regular file cannot be made, even by root.
    let blocked = dir.join("exports/exports.ron/cache");
    let out = cached(&dir, &blocked).args(["who-responded"]).run();
    out.status(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_eq!(out.stdout, cold(&dir, &["who-responded"]));
    assert!(!is_fresh(&state(&dir, &blocked)));
}

/// What a run says, whole: status, stdout and stderr.
fn said(dir: &Path, cache: Option<&Path>, args: &[&str]) -> (i32, String, String) {
    let run = match cache {
        Some(c) => cached(dir, c),
        None => Run::in_dir(dir).env("ANNALS_CACHE", "off"),
    };
    let out = run.args(args).run();
    out.any_status();
    (out.status, out.stdout.clone(), out.stderr.clone())
}

/// A change to a KB file, named.
type Change<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// Replaces the first character of the first summary in `text`.
fn edit_a_summary(text: &str) -> String {
    let at = text.find("summary: \"").expect("a summary") + "summary: \"".len();
    let mut edited = text.to_owned();
    let c = if text[at..].starts_with('X') {
        "Y"
    } else {
        "X"
    };
    edited.replace_range(at..at + 1, c);
    edited
}

#[test]
fn after_each_change_to_a_kb_file_the_cache_answers_as_the_files_do() {
    let cache = tempfile::tempdir().unwrap();
    let (_repo, dir) = copy_of_the_repo();
    let kb = dir.join("kb");
    let story = fs::read_dir(kb.join("stories"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "ron"))
        .expect("a story file");
    let text = fs::read_to_string(&story).unwrap();
    let settings = kb.join("annals.ron");
    let zone = fs::read_to_string(&settings)
        .unwrap()
        .replace("\"UTC\"", "\"Asia/Tokyo\"");
    let write = |path: &Path, text: &str| fs::write(path, text).unwrap();
    let changes: Vec<Change> = vec![
        (
            "a summary edited, same length",
            Box::new(|| write(&story, &edit_a_summary(&text))),
        ),
        (
            "touched",
            Box::new(|| {
                let f = fs::File::options().write(true).open(&story).unwrap();
                f.set_modified(std::time::SystemTime::now()).unwrap();
            }),
        ),
        (
            "cut short (a syntax error)",
            Box::new(|| write(&story, &text[..text.len() / 2])),
        ),
        ("made whole again", Box::new(|| write(&story, &text))),
        ("emptied", Box::new(|| write(&story, ""))),
        ("deleted", Box::new(|| fs::remove_file(&story).unwrap())),
        ("put back", Box::new(|| write(&story, &text))),
        (
            "the settings' zone changed",
            Box::new(|| write(&settings, &zone)),
        ),
    ];
    let queries: &[&[&str]] = &[
        &["timeline", "--format", "json"],
        &["who-responded", "--format", "csv"],
    ];
    for args in queries {
        said(&dir, Some(cache.path()), args);
    }
    for (what, change) in changes {
        change();
        for args in queries {
            let from_files = said(&dir, None, args);
            let cached = said(&dir, Some(cache.path()), args);
            assert_eq!(cached, from_files, "{what}: {args:?}");
            let again = said(&dir, Some(cache.path()), args);
            assert_eq!(again, from_files, "{what}, again: {args:?}");
        }
    }
}

#[test]
fn after_changes_to_one_file_of_a_generated_kb_the_cache_answers_as_its_files_do() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    write_generated_kb(&kb, 2_000);
    let (file, events) = (kb.join("statements/00001.ron"), kb.join("events.ron"));
    let text = fs::read_to_string(&file).unwrap();
    let dates = fs::read_to_string(&events).unwrap();
    let added = text.replacen(
        "Statement(",
        "Statement(id: \"new-one\", by: \"state-0\", date: \"2020\", kind: Claim, summary: \"New.\"),\n        Statement(",
        1,
    );
    // Read again into the cache (the first five), or not (the others: the
    // change reaches other files, or has errors): answers as the files give.
    let changes: &[(&str, &Path, String)] = &[
        ("a summary edited", &file, edit_a_summary(&text)),
        (
            "stances changed",
            &file,
            text.replace("stance: Supports", "stance: Rejects"),
        ),
        (
            "dates a year earlier",
            &file,
            text.replace("date: \"2019-", "date: \"2018-"),
        ),
        ("back as generated", &file, text.clone()),
        (
            "events moved",
            &events,
            dates.replace("date: \"2023-", "date: \"2019-"),
        ),
        ("a statement added", &file, added),
        (
            "an id renamed",
            &file,
            text.replacen("\"s1000\"", "\"s1000-renamed\"", 1),
        ),
        (
            "a speaker unknown",
            &file,
            text.replacen("by: \"", "by: \"nobody-", 1),
        ),
        ("back again", &file, text.clone()),
    ];
    let queries: &[&[&str]] = &[
        &["who-responded", "--format", "json"],
        &[
            "timeline", "--from", "2019-01", "--until", "2019-03", "--format", "json",
        ],
        &["responses", "s0"],
        &["thread", "s1040"],
        &["show", "s1000", "--format", "json"],
        &["stats", "--format", "json"],
        &["export", "--format", "dot"],
    ];
    for args in queries {
        said(dir.path(), Some(cache.path()), args);
    }
    for (what, path, changed) in changes {
        fs::write(path, changed).unwrap();
        for args in queries {
            let from_files = said(dir.path(), None, args);
            let cached = said(dir.path(), Some(cache.path()), args);
            assert_eq!(cached, from_files, "{what}: {args:?}");
            let again = said(dir.path(), Some(cache.path()), args);
            assert_eq!(again, from_files, "{what}, again: {args:?}");
        }
    }
}
