//! Colours for terminal text. Off unless asked for; the caller decides from
//! `--color`, `NO_COLOR` and whether stdout is a terminal.

use crate::model::Stance;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

/// What a piece of text is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Plain,
    Header,
    Id,
    Date,
    Dim,
    Match,
    Stance(Stance),
}

impl Style {
    /// Wraps already escaped text in the colour of its role.
    pub fn paint(&self, role: Role, text: &str) -> String {
        if !self.color || text.is_empty() {
            return text.to_owned();
        }
        let code = match role {
            Role::Plain => return text.to_owned(),
            Role::Header => "1",
            Role::Id => "36",
            Role::Date => "2",
            Role::Dim => "2",
            Role::Match => "1;33",
            Role::Stance(Stance::Rejects) => "31",
            Role::Stance(Stance::Disputes) => "35",
            Role::Stance(Stance::Supports) => "32",
            Role::Stance(Stance::Qualifies) => "33",
            Role::Stance(Stance::Acknowledges) => "34",
        };
        format!("\u{1b}[{code}m{text}\u{1b}[0m")
    }
}
