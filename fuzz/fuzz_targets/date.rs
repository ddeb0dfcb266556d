//! The date parser: never panics, and what it accepts has sane bounds and
//! reads back as written.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for offset in [0, 3 * 3600, -12 * 3600] {
        match annals::model::Date::parse(text, offset) {
            Ok(date) => {
                let b = date.bounds();
                assert!(b.start < b.end || date.is_reversed(offset), "{text}: {b:?}");
                assert_eq!(date.as_str(), text);
                let _ = date.precision();
            }
            Err(e) => assert!(e.offset <= text.len(), "{text}: {e:?}"),
        }
    }
});
