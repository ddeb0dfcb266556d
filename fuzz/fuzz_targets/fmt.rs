//! `annals fmt` on one KB file of arbitrary bytes: a file that loads without
//! an error is formatted; formatting must succeed, keep what the KB means
//! (`fmt::plan` compares the JSON exports before and after and fails
//! otherwise) and change nothing when run again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = annals::Kb::load_files(&[("kb/a.ron", data)]);
    if loaded.has_errors() {
        return;
    }
    let settings = std::path::Path::new("kb/annals.ron");
    let plan = annals::fmt::plan(loaded, settings, |_| true)
        .unwrap_or_else(|e| panic!("a file that loads was not formatted: {e}"));
    for &id in &plan.changed {
        let (_, text) = plan.texts(id).expect("a file given is read again");
        let again =
            annals::fmt::format(&text, annals::fmt::Doc::Kb).expect("formatted text reads back");
        assert_eq!(again, text, "formatting is not idempotent");
    }
});
