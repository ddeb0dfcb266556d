//! The date parser: never panics, and what it accepts has sane bounds and
//! reads back as written.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    use annals::model::Zone;
    let zones = [
        Zone::Fixed(0),
        Zone::Fixed(3 * 3600),
        Zone::Fixed(-12 * 3600),
        Zone::Named(chrono_tz::Europe::Zurich),
        Zone::Named(chrono_tz::Pacific::Chatham),
    ];
    for zone in zones {
        match annals::model::Date::parse(text, zone) {
            Ok(date) => {
                let b = date.bounds();
                assert!(b.start < b.end || date.is_reversed(), "{text}: {b:?}");
                assert_eq!(date.as_str(), text);
                let _ = date.precision();
                // What JSON and JSON-LD write of it never panics either.
                let _ = (date.iso8601(false), date.iso8601(true));
                let _ = (
                    annals::model::date::rfc3339(b.start),
                    annals::model::date::rfc3339(b.end),
                );
            }
            Err(e) => assert!(e.offset <= text.len(), "{text}: {e:?}"),
        }
    }
});
