//! A KB of two files loaded, then one file changed on disk and the other
//! given as an editor's buffer (all four texts arbitrary bytes, split at
//! the first NUL bytes), and loaded again after the first load
//! (`Kb::load_after`, what `annals watch` and `annals lsp` do): the answer
//! must be a fresh load's, to the byte: the KB as JSON, what loading
//! found, every diagnostic with the lints, and each file's text.
#![no_main]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use annals::check::{diagnostics, Levels};
use annals::{Kb, Loaded};
use libfuzzer_sys::fuzz_target;

fn answer(loaded: &Loaded) -> String {
    let mut json = Vec::new();
    let records = annals::export::records(&loaded.kb, &annals::query::Filter::default());
    annals::export::json::write_json(&loaded.kb, &records, &mut json).unwrap();
    let all = diagnostics(loaded, &Levels::of(&loaded.kb.settings));
    let files: Vec<_> = loaded
        .sources
        .iter()
        .map(|(_, f)| (f.name.clone(), f.read().map(String::from)))
        .collect();
    format!(
        "{}\n{:?}\n{all:?}\n{files:?}",
        String::from_utf8_lossy(&json),
        loaded.load_findings()
    )
}

/// A folder of this process's own, emptied.
fn folder() -> PathBuf {
    let root = std::env::temp_dir().join(format!("annals-fuzz-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    root
}

fn write(root: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(root.join(name), bytes).unwrap();
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0);
    let mut next = || parts.next().unwrap_or_default();
    let (a, b, a_now, b_open) = (next(), next(), next(), next());
    let root = folder();
    write(&root, "a.ron", a);
    write(&root, "b.ron", b);
    let none = HashMap::new();
    let Ok(first) = Kb::load_after(&root, &none, None) else {
        return;
    };
    write(&root, "a.ron", a_now);
    let open = match std::str::from_utf8(b_open) {
        Ok(text) if !text.is_empty() => HashMap::from([(root.join("b.ron"), text.to_owned())]),
        _ => HashMap::new(),
    };
    let after = Kb::load_after(&root, &open, Some(first.loaded)).unwrap();
    let fresh = Kb::load_with(&root, &open).unwrap();
    assert_eq!(
        answer(&after.loaded),
        answer(&fresh),
        "a load after another differs"
    );
});
