//! Lint levels: which codes are allowed, warned about or denied.
//!
//! Levels come from the code's default, then the settings file, then the
//! command line (`-A`, `-W`, `-D`, in order), then `--deny warnings`. Hard
//! errors keep their level whatever is asked.

use crate::diag::{Code, Diagnostic, Severity};

/// What to do with a lint: `Allow` (not reported), `Warn` (a warning) or
/// `Deny` (an error). The same word the settings file's `lints` map takes.
pub use crate::model::LevelWord as Level;

/// The levels in force for one run.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    overrides: Vec<(Code, Level)>,
    deny_warnings: bool,
}

impl Levels {
    pub fn new() -> Levels {
        Levels::default()
    }

    /// The levels a KB's settings file sets, to which the command line may
    /// add its own.
    pub fn of(settings: &crate::model::Settings) -> Levels {
        let mut levels = Levels::new();
        for &(code, word) in &settings.lints {
            levels.set(code, word);
        }
        levels
    }

    /// Sets a code's level; later calls win. Hard errors are left alone.
    pub fn set(&mut self, code: Code, level: Level) -> &mut Levels {
        if !code.is_hard() {
            self.overrides.push((code, level));
        }
        self
    }

    /// Turns every remaining warning into an error.
    pub fn deny_warnings(&mut self, yes: bool) -> &mut Levels {
        self.deny_warnings = yes;
        self
    }

    /// The level of `code`.
    pub fn level(&self, code: Code) -> Level {
        let default = match code.default_severity() {
            Severity::Error => Level::Deny,
            Severity::Warning => Level::Warn,
        };
        let level = self
            .overrides
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map_or(default, |(_, l)| *l);
        match level {
            Level::Warn if self.deny_warnings => Level::Deny,
            other => other,
        }
    }

    /// Applies the levels: allowed diagnostics are dropped, the rest get the
    /// severity of their level.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut d| {
                d.severity = match self.level(d.code) {
                    Level::Allow => return None,
                    Level::Warn => Severity::Warning,
                    Level::Deny => Severity::Error,
                };
                Some(d)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_settings_win_and_hard_errors_stay_errors() {
        let mut levels = Levels::new();
        levels
            .set(Code::UnusedActor, Level::Deny)
            .set(Code::UnusedActor, Level::Allow)
            .set(Code::UnknownReference, Level::Allow);
        assert_eq!(levels.level(Code::UnusedActor), Level::Allow);
        assert_eq!(levels.level(Code::UnknownReference), Level::Deny);
        assert_eq!(levels.level(Code::MissingSource), Level::Warn);
    }

    #[test]
    fn deny_warnings_raises_warnings_but_not_allowed_lints() {
        let mut levels = Levels::new();
        levels
            .set(Code::UnusedEvent, Level::Allow)
            .deny_warnings(true);
        assert_eq!(levels.level(Code::MissingSource), Level::Deny);
        assert_eq!(levels.level(Code::UnusedEvent), Level::Allow);
    }
}
