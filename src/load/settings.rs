//! The optional KB settings file, `annals.ron` at the top of the KB folder:
//!
//! ```ron
//! Settings(
//!     time_zone: "UTC",                      // or "+03:00", "Europe/Kyiv": days and times without an offset
//!     lints: { "unused-actor": Allow, "missing-source": Deny },
//!     limits: Limits(max_file_bytes: 67108864, max_nesting: 128, max_items: 5000000),
//! )
//! ```

use super::parse::FileProblem;
use super::raw::RawSettings;
use super::spanned::Spanned;
use crate::diag::Code;
use crate::model::{LevelWord, Limits, Settings, Zone, MAX_NESTING, MIN_NESTING};
use crate::suggest;

/// The settings file's name, at the top of the KB folder.
pub const SETTINGS_FILE: &str = "annals.ron";

/// Reads parsed settings, reporting every value it cannot use.
pub(crate) fn read(raw: RawSettings, problems: &mut Vec<FileProblem>) -> Settings {
    let mut settings = Settings::default();
    if let Some(tz) = raw.time_zone {
        match Zone::parse(&tz.value) {
            Some(zone) => settings.zone = zone,
            None => problems.push(FileProblem {
                code: Code::InvalidSetting,
                range: tz.range.into(),
                message: format!("`{}` is not a time zone annals knows", tz.value),
                help: Some(Zone::help_for(&tz.value)),
            }),
        }
    }
    let mut seen: Vec<&Spanned<String>> = Vec::with_capacity(raw.lints.0.len());
    for (name, level) in &raw.lints.0 {
        if seen.iter().any(|s| s.value == name.value) {
            problems.push(FileProblem {
                code: Code::InvalidSetting,
                range: name.range.into(),
                message: format!("`{}` is set twice in `lints`", name.value),
                help: Some(
                    "keep one level per code: which one was meant is not for annals to guess"
                        .into(),
                ),
            });
            continue;
        }
        seen.push(name);
        let Some(code) = Code::from_name(&name.value) else {
            let close = suggest::closest(&name.value, Code::ALL.iter().map(|c| c.name()));
            problems.push(FileProblem {
                code: Code::InvalidSetting,
                range: name.range.into(),
                message: format!("unknown diagnostic code `{}`", name.value),
                help: suggest::did_you_mean(&close)
                    .or_else(|| Some("`annals check --list-codes` lists them".into())),
            });
            continue;
        };
        if code.is_hard() {
            problems.push(FileProblem {
                code: Code::InvalidSetting,
                range: name.range.into(),
                message: format!("`{code}` is a hard error; its level cannot be changed"),
                help: None,
            });
            continue;
        }
        match LevelWord::from_name(&level.value.0) {
            Some(word) => settings.lints.push((code, word)),
            None => problems.push(FileProblem {
                code: Code::UnknownVariant,
                range: level.range.into(),
                message: format!("unknown lint level `{}`", level.value.0),
                help: Some("write `Allow`, `Warn` or `Deny`".into()),
            }),
        }
    }
    if let Some(limits) = raw.limits {
        let l = &mut settings.limits;
        l.max_file_bytes = limits.max_file_bytes.unwrap_or(l.max_file_bytes);
        if let Some(n) = limits.max_nesting {
            if (MIN_NESTING..=MAX_NESTING).contains(&n.value) {
                l.max_nesting = n.value;
            } else {
                problems.push(FileProblem {
                    code: Code::InvalidSetting,
                    range: n.range.into(),
                    message: format!(
                        "`max_nesting` is {}; it must be from {MIN_NESTING} to {MAX_NESTING}",
                        n.value
                    ),
                    help: Some(format!(
                        "the default, {}, fits every hand-written KB",
                        Limits::default().max_nesting
                    )),
                });
            }
        }
        l.max_items = limits.max_items.unwrap_or(l.max_items);
    }
    settings
}
