//! `annals diff` between two KBs of two files each, made of arbitrary
//! bytes (split at the first NUL bytes): the comparison and its four
//! formats. A KB compared with itself, restyled or not, is no change.
#![no_main]

use annals::diff::{self, Files, Version};
use annals::load::Text;
use libfuzzer_sys::fuzz_target;

fn version(label: &str, parts: &[&[u8]]) -> Version<'static> {
    let files = parts
        .iter()
        .enumerate()
        .map(|(i, bytes)| Text {
            name: format!("kb/{i}.ron"),
            path: format!("kb/{i}.ron").into(),
            text: String::from_utf8_lossy(bytes).into_owned(),
            settings: false,
        })
        .collect();
    Version {
        label: label.into(),
        files: Files::Texts(files),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0);
    let mut next = || parts.next().unwrap_or_default();
    let (base, head) = ([next(), next()], [next(), next()]);
    let report = diff::compare(version("base", &base), version("head", &head))
        .expect("texts in memory are always compared");
    let mut sink = Vec::new();
    diff::write::text(&mut sink, &report).unwrap();
    diff::write::markdown(&mut sink, &report).unwrap();
    diff::write::json(&mut sink, &report).unwrap();
    diff::write::github(&mut sink, &report).unwrap();
    let same = diff::compare(version("base", &base), version("again", &base))
        .expect("texts in memory are always compared");
    assert!(same.is_empty(), "a KB differs from itself: {same:?}");
});
