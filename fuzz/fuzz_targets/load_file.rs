//! One KB file of arbitrary bytes through the loader, every check and every
//! diagnostic sink.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = annals::Kb::load_files(&[("kb/a.ron", data)]);
    let diagnostics =
        annals::check::diagnostics(&loaded, &annals::check::Levels::of(&loaded.kb.settings));
    let mut sink = Vec::new();
    let _ = annals::diag::human::write(&mut sink, &diagnostics, &loaded.sources, true);
    let _ = annals::diag::json::write(&mut sink, &diagnostics, &loaded.sources);
    let _ = annals::diag::github::write(&mut sink, &diagnostics, &loaded.sources);
});
