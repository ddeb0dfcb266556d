//! The settings that apply to a KB (read from `annals.ron` by `load`):
//! the time zone of times without an offset, lint levels, and limits.

use crate::diag::Code;
use crate::model::LevelWord;

/// The range `max_nesting` may be set in: a KB needs about 8 levels, and
/// deeper parsing risks the stack.
pub const MIN_NESTING: usize = 16;
pub const MAX_NESTING: usize = 1024;

/// Resource limits: exceeding one is a diagnostic, never a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Largest KB file read, in bytes (default 64 MiB).
    pub max_file_bytes: u64,
    /// Deepest bracket nesting parsed (default 128).
    pub max_nesting: usize,
    /// Most actors, events and statements in the whole KB (default 5,000,000).
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_nesting: 128,
            max_items: 5_000_000,
        }
    }
}

/// The settings that apply to a KB.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Where times written without an offset, and days, are read.
    pub zone: crate::model::Zone,
    /// Lint levels set in the file, in written order.
    pub lints: Vec<(Code, LevelWord)>,
    pub limits: Limits,
}
