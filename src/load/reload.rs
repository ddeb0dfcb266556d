//! Loading a KB again after a load of it, in a process that keeps the last
//! load (`annals watch`, `annals lsp`): the files that changed are read
//! again into the KB as it was ([`Resolved::patch_files`]), when the change
//! stays within them; otherwise the KB is loaded from its files.
//!
//! Nothing is kept beside the last load: not the files' texts, not their
//! parses (a parse of every file held for the next load took more memory
//! than the KB itself). Each load reads every file to hash it and compare
//! with the hash the last load registered it by.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use super::{discover, parse, settings_first, LoadError, Loaded, Resolved, SETTINGS_FILE};
use crate::kb::Kb;
use crate::source_map::{FileId, SourceMap};

/// A load after another ([`Kb::load_after`]): the KB, and how many of its
/// files were parsed of how many were read.
#[derive(Debug)]
pub struct Reload {
    pub loaded: Loaded,
    /// KB files parsed (the settings file aside).
    pub parsed: usize,
    /// KB files read (the settings file aside).
    pub files: usize,
}

/// Whether files of `changed` bytes, in a KB of `all` bytes, are read
/// again into a KB resolved before rather than the whole KB loaded from its
/// files: when they are at most a quarter of the KB (beyond, the load
/// costs little more than the patch, and a failed patch would add to it),
/// or small enough (1 MB) to cost nothing either way.
pub(crate) fn worth_patching(changed: u64, all: u64) -> bool {
    changed <= all / 4 || changed <= 1 << 20
}

impl Kb {
    /// Loads the KB in `root` as [`Kb::load_with`] does, after `last`, a
    /// load of the same folder. When `last` had no hard error, the files it
    /// read are still there and no other has come, the settings did not
    /// change, and the files whose bytes changed hold a change that stays
    /// within them (every actor and event keeps its id, place, kind and
    /// zone; statements named by other files keep their ids; no hard
    /// error in them), only those are parsed, and resolved against the KB
    /// as it was. Otherwise the KB is loaded from its files, `last` let go
    /// first. Either way, what is loaded is what `load_with` gives: the
    /// same KB, findings and sources.
    pub fn load_after(
        root: &Path,
        open: &HashMap<PathBuf, String>,
        last: Option<Loaded>,
    ) -> Result<Reload, LoadError> {
        if let Some(last) = last {
            if let Some(reload) = patched(root, open, last)? {
                return Ok(reload);
            }
        }
        let loaded = Kb::load_with(root, open)?;
        let settings = root.join(SETTINGS_FILE);
        let files = loaded
            .sources
            .iter()
            .filter(|(_, f)| f.path != settings)
            .count();
        Ok(Reload {
            loaded,
            parsed: files,
            files,
        })
    }
}

/// One KB file as read for a load after another.
struct Read {
    /// Its bytes when they changed since the last load.
    changed: Option<Vec<u8>>,
    /// The XXH3-128 of its text at the last load.
    was: u128,
    size: u64,
}

/// `last` with the files that changed since read again into it, or `None`
/// when the KB must be loaded from its files (`last` is let go then).
fn patched(
    root: &Path,
    open: &HashMap<PathBuf, String>,
    last: Loaded,
) -> Result<Option<Reload>, LoadError> {
    if last.has_errors() {
        return Ok(None);
    }
    let found = discover::discover(root)?;
    if !found.problems.is_empty() {
        return Ok(None);
    }
    let settings = root.join(SETTINGS_FILE);
    let files = settings_first(found.files, |f| *f == settings);
    let same_files = files.len() == last.sources.len()
        && files
            .iter()
            .zip(last.sources.iter())
            .all(|(path, (_, f))| *path == f.path);
    if !same_files {
        return Ok(None);
    }
    let limits = last.kb.settings.limits;
    let read: Option<Vec<Read>> = files
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let bytes = match open.get(path) {
                Some(text) => text.clone().into_bytes(),
                None => parse::read(path, &limits).ok()?,
            };
            let was = last.sources.get(FileId(i as u32)).hash();
            // The hash registered is of the text without a byte-order mark.
            let same = !bytes.starts_with("\u{feff}".as_bytes()) && xxh3_128(&bytes) == was;
            Some(Read {
                size: bytes.len() as u64,
                changed: (!same).then_some(bytes),
                was,
            })
        })
        .collect();
    let Some(mut read) = read else {
        return Ok(None);
    };
    let all: u64 = read.iter().map(|r| r.size).sum();
    let mut changed = Vec::new();
    let mut changed_ids = Vec::new();
    for (i, (r, path)) in read.iter_mut().zip(&files).enumerate() {
        if let Some(bytes) = r.changed.take() {
            changed_ids.push(FileId(i as u32));
            changed.push((path.clone(), bytes));
        }
    }
    let changed_bytes: u64 = changed.iter().map(|(_, b)| b.len() as u64).sum();
    if !worth_patching(changed_bytes, all) {
        return Ok(None);
    }
    let Loaded {
        mut kb,
        sources: old,
        findings,
    } = last;
    // What loading found in the files that did not change stays: lints of
    // their own items (a hard error anywhere loads the KB from its files).
    let touches_changed = |d: &crate::diag::Diagnostic| {
        std::iter::once(&d.primary)
            .chain(&d.secondary)
            .any(|l| changed_ids.contains(&l.span.file))
    };
    let (gone, mut kept): (Vec<_>, Vec<_>) = findings.into_iter().partition(touches_changed);
    if gone
        .iter()
        .any(|d| !changed_ids.contains(&d.primary.span.file))
    {
        // A finding of an unchanged file that points into a changed one.
        return Ok(None);
    }
    drop(gone);
    let parsed = changed.len();
    let texts = if changed.is_empty() {
        Vec::new()
    } else {
        match Resolved::of(kb).patch_files(root, &files, changed) {
            Some(patch) => {
                kept.extend(patch.findings);
                kb = patch.kb;
                patch.texts
            }
            None => return Ok(None),
        }
    };
    let mut texts: HashMap<FileId, String> = texts.into_iter().collect();
    let mut sources = SourceMap::new();
    for (id, file) in old.iter() {
        let name = file.name.clone();
        let text = texts.remove(&id);
        match (open.get(&file.path), text) {
            (Some(given), None) => sources.add(name, &file.path, given.clone()),
            (Some(_), Some(text)) => sources.add(name, &file.path, text),
            (None, Some(text)) => sources.add_parsed(name, &file.path, xxh3_128(text.as_bytes())),
            (None, None) => sources.add_parsed(name, &file.path, read[id.0 as usize].was),
        };
    }
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Some(Reload {
        loaded: Loaded {
            kb,
            sources,
            findings: kept,
        },
        parsed,
        files: files.iter().filter(|f| **f != settings).count(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{diagnostics, Levels};

    /// What a load gives a user: the JSON export, what loading found, every
    /// diagnostic with the lints, and each file's name and text as read.
    fn answer(loaded: &Loaded) -> String {
        let mut json = Vec::new();
        let records = crate::export::records(&loaded.kb, &crate::query::Filter::default());
        crate::export::json::write_json(&loaded.kb, &records, &mut json).unwrap();
        let all = diagnostics(loaded, &Levels::of(&loaded.kb.settings));
        let files: Vec<_> = loaded
            .sources
            .iter()
            .map(|(_, f)| (f.name.clone(), f.path.clone(), f.read().map(String::from)))
            .collect();
        format!(
            "{}\n{:#?}\n{all:#?}\n{files:#?}",
            String::from_utf8(json).unwrap(),
            loaded.load_findings()
        )
    }

    /// Loads `root` after `last` and as a fresh load: the two must answer
    /// alike. Returns the load after, and how many files it parsed of how
    /// many.
    fn after(
        step: &str,
        root: &Path,
        open: &HashMap<PathBuf, String>,
        last: Option<Loaded>,
    ) -> (Loaded, (usize, usize)) {
        let reload = Kb::load_after(root, open, last).unwrap();
        let fresh = Kb::load_with(root, open).unwrap();
        // Not assert_eq: the two may be long.
        let (a, b) = (answer(&reload.loaded), answer(&fresh));
        assert!(a == b, "{step}: the load after differs:\n{a}\n---\n{b}");
        (reload.loaded, (reload.parsed, reload.files))
    }

    #[test]
    fn a_load_after_another_answers_as_a_fresh_one_after_each_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        std::fs::create_dir_all(root.join("stories")).unwrap();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("kb");
        let story = "stories/2024-06-14-putin-peace-conditions.ron";
        for file in ["actors.ron", "annals.ron", story] {
            std::fs::copy(bundled.join(file), root.join(file)).unwrap();
        }
        let original = std::fs::read_to_string(root.join(story)).unwrap();
        let actors = std::fs::read_to_string(root.join("actors.ron")).unwrap();
        let edit = |from: &str, to: &str| {
            let edited = original.replacen(from, to, 1);
            assert_ne!(edited, original, "{from}");
            edited
        };
        let write = |file: &str, text: &str| std::fs::write(root.join(file), text).unwrap();
        let typo = edit("by: \"putin\"", "by: \"putni\"");
        let summary = edit("summary: \"", "summary: \"Said: ");
        let warned = edit(
            "Source(outlet: \"tass\")",
            "Source(outlet: \"tass\", url: \"ftp://tass.example\")",
        );
        let mut bom = "\u{feff}".to_owned();
        bom.push_str(&summary);
        let extra = root.join("stories/extra.ron");
        let none = HashMap::new();
        let (mut last, mut parsed);
        (last, parsed) = after("first load", &root, &none, None);
        assert_eq!(parsed, (2, 2));
        (last, parsed) = after("nothing changed", &root, &none, Some(last));
        assert_eq!(parsed, (0, 2));
        write(story, &summary);
        (last, parsed) = after("a summary edited", &root, &none, Some(last));
        assert_eq!(parsed, (1, 2), "only the story is read again");
        write(story, &warned);
        (last, parsed) = after("a warning", &root, &none, Some(last));
        assert_eq!(parsed, (1, 2));
        assert_eq!(last.load_findings().len(), 1, "{:?}", last.load_findings());
        write(
            "actors.ron",
            &actors.replacen("Vladimir Putin", "V. Putin", 1),
        );
        (last, parsed) = after("another file, the warning kept", &root, &none, Some(last));
        assert_eq!(parsed, (1, 2));
        write(story, &typo);
        (last, parsed) = after("an unknown speaker", &root, &none, Some(last));
        assert_eq!(parsed, (2, 2), "a hard error: the whole KB");
        write(story, &original);
        (last, parsed) = after("the mistake mended", &root, &none, Some(last));
        assert_eq!(parsed, (2, 2), "after a hard error: the whole KB");
        write(story, &bom);
        (last, parsed) = after("a byte-order mark", &root, &none, Some(last));
        assert_eq!(parsed, (1, 2));
        write(story, "Kb(statements: [");
        (last, _) = after("a file cut short", &root, &none, Some(last));
        write(story, &original);
        (last, _) = after("mended again", &root, &none, Some(last));
        std::fs::write(
            &extra,
            "Kb(actors: [Actor(id: \"x\", name: \"X\", kind: Group)])",
        )
        .unwrap();
        (last, parsed) = after("a file added", &root, &none, Some(last));
        assert_eq!(parsed, (3, 3));
        std::fs::remove_file(&extra).unwrap();
        (last, parsed) = after("a file removed", &root, &none, Some(last));
        assert_eq!(parsed, (2, 2));
        let open = HashMap::from([(root.join(story), summary.clone())]);
        (last, parsed) = after("an editor's unsaved buffer", &root, &open, Some(last));
        assert_eq!(parsed, (1, 2));
        (last, parsed) = after("the buffer unchanged", &root, &open, Some(last));
        assert_eq!(parsed, (0, 2));
        let open_typo = HashMap::from([(root.join(story), typo.clone())]);
        (last, _) = after("a mistake in the buffer", &root, &open_typo, Some(last));
        (last, _) = after("the buffer closed", &root, &none, Some(last));
        write(
            "annals.ron",
            "Settings(limits: Limits(max_file_bytes: 100))",
        );
        (last, parsed) = after("the settings' limits changed", &root, &none, Some(last));
        assert_eq!(parsed, (2, 2));
        drop(last);
    }

    #[test]
    fn statements_added_before_others_are_read_in_with_references_to_later_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        std::fs::create_dir_all(&root).unwrap();
        let write = |file: &str, text: &str| std::fs::write(root.join(file), text).unwrap();
        write(
            "actors.ron",
            r#"Kb(actors: [Actor(id: "x", name: "X", kind: State)])"#,
        );
        write(
            "a.ron",
            r#"Kb(statements: [Statement(id: "a1", by: "x", date: "2024-01-01", kind: Claim, summary: "A1.")])"#,
        );
        write(
            "b.ron",
            r#"Kb(statements: [Statement(id: "b1", by: "x", date: "2024-01-02", kind: Claim, summary: "B1."), Statement(id: "b2", by: "x", date: "2024-01-03", kind: Claim, summary: "B2.")])"#,
        );
        let none = HashMap::new();
        let (last, _) = after("first load", &root, &none, None);
        // A statement before a.ron's first, answering one of b.ron's:
        // every statement of b.ron moves one place on.
        write(
            "a.ron",
            r#"Kb(statements: [Statement(id: "a0", by: "x", date: "2024-01-04", kind: Claim, summary: "A0.", responds_to: [Response(to: "b2", stance: Supports)]), Statement(id: "a1", by: "x", date: "2024-01-01", kind: Claim, summary: "A1.")])"#,
        );
        let (last, parsed) = after("a statement added", &root, &none, Some(last));
        assert_eq!(parsed, (1, 3), "only a.ron is read again");
        let kb = &last.kb;
        let Some(crate::model::NodeRef::Statement(b2)) = kb.lookup("b2") else {
            panic!("b2")
        };
        let answers: Vec<&str> = kb
            .responders(b2)
            .iter()
            .map(|r| kb.statement(r.from).id.as_str())
            .collect();
        assert_eq!(answers, ["a0"]);
    }

    #[test]
    fn a_load_after_another_holds_the_text_of_open_buffers_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let actors = r#"Kb(actors: [Actor(id: "x", name: "X", kind: Group)])"#;
        let (clean, open) = (root.join("a.ron"), root.join("c.ron"));
        std::fs::write(&clean, actors).unwrap();
        std::fs::write(&open, "Kb()").unwrap();
        let buffers = HashMap::from([(open.clone(), "Kb(events: [])".to_owned())]);
        let mut last = None;
        for (step, parsed) in [("loaded", 2), ("read again", 1)] {
            let reload = Kb::load_after(root, &buffers, last).unwrap();
            assert_eq!(reload.parsed, parsed, "{step}");
            let loaded = reload.loaded;
            // Changed on disk since: only a held text still reads.
            for path in [&clean, &open] {
                std::fs::write(path, "changed").unwrap();
            }
            let held = |path: &PathBuf| {
                let (_, file) = loaded
                    .sources
                    .iter()
                    .find(|(_, f)| &f.path == path)
                    .unwrap();
                file.read().is_some()
            };
            assert!(!held(&clean), "{step}");
            assert!(held(&open), "{step}");
            std::fs::write(&clean, actors.replace("\"X\"", "\"Y\"")).unwrap();
            std::fs::write(&open, "Kb()").unwrap();
            last = Some(loaded);
        }
    }

    /// Edits as a hand might make them, at random places of a generated KB,
    /// on disk or in an editor's buffer, mistakes left in for a while: each
    /// load after the last answers as a fresh load, and a good share of
    /// them reads only the changed file.
    #[test]
    fn random_edits_loaded_after_the_last_give_what_a_fresh_load_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = crate::synthetic::edits::kb(dir.path(), 5);
        let files = crate::synthetic::edits::FILES;
        let mut random = crate::synthetic::edits::Random::new();
        let mut open = HashMap::new();
        let (mut last, _) = after("first load", &root, &open, None);
        let mut read_again = 0;
        for round in 0..60 {
            let path = root.join(files[random.below(files.len())]);
            let before = match open.get(&path) {
                Some(text) => String::clone(text),
                None => std::fs::read_to_string(&path).unwrap(),
            };
            let lines: Vec<&str> = before.lines().collect();
            let kind = random.below(7);
            // Where: any line, or one with what the edit changes.
            let wanted = match kind {
                1 => "summary: \"",
                2 | 3 => "https:",
                _ => "",
            };
            let spots: Vec<usize> = (0..lines.len())
                .filter(|i| lines[*i].contains(wanted))
                .collect();
            if spots.is_empty() {
                continue;
            }
            let at = spots[random.below(spots.len())];
            let mut edited = lines.clone();
            let line: String;
            match kind {
                // A letter or digit changed into another of its kind,
                // anywhere or in a summary.
                0 | 1 => {
                    let from = match kind {
                        0 => 0,
                        _ => lines[at][..lines[at].find(wanted).unwrap_or(0) + wanted.len()]
                            .chars()
                            .count(),
                    };
                    let Some(bumped) = crate::synthetic::edits::bump(lines[at], from, &mut random)
                    else {
                        continue;
                    };
                    line = bumped;
                    edited[at] = &line;
                }
                // A source's address made one a lint warns of.
                2 | 3 => {
                    line = lines[at].replacen("https:", "ftp:", 1);
                    edited[at] = &line;
                }
                // A line removed, or two swapped.
                4 => {
                    edited.remove(at);
                }
                5 => {
                    let other = random.below(lines.len());
                    edited.swap(at, other);
                }
                // A statement added at the top of a file's.
                _ => {
                    let added =
                        crate::synthetic::edits::added_statement(&lines, round, &mut random);
                    let Some((at, added)) = added else { continue };
                    line = added;
                    edited.insert(at, &line);
                }
            }
            let text = edited.join("\n") + "\n";
            if random.below(4) == 0 {
                open.insert(path, text);
            } else {
                open.remove(&path);
                std::fs::write(&path, text).unwrap();
            }
            let parsed;
            (last, parsed) = after(&format!("round {round}"), &root, &open, Some(last));
            if (1..parsed.1).contains(&parsed.0) {
                read_again += 1;
            }
            // A broken KB is mended, most often at once, as its author
            // would.
            if last.has_errors() && random.below(4) != 0 {
                for file in files {
                    open.remove(&root.join(file));
                }
                crate::synthetic::edits::kb(dir.path(), 5);
            }
        }
        assert!(read_again >= 8, "only {read_again} loads read files again");
    }
}
