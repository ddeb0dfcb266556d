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
        let mut out = String::new();
        self.paint_into(&mut out, role, text);
        out
    }

    /// [`Style::paint`], appended to `out` (a table line made in one
    /// buffer).
    pub fn paint_into(&self, out: &mut String, role: Role, text: &str) {
        let code = match role {
            _ if !self.color || text.is_empty() => None,
            Role::Plain => None,
            Role::Header => Some("1"),
            Role::Id => Some("36"),
            Role::Date => Some("2"),
            Role::Dim => Some("2"),
            Role::Match => Some("1;33"),
            Role::Stance(Stance::Rejects) => Some("31"),
            Role::Stance(Stance::Disputes) => Some("35"),
            Role::Stance(Stance::Supports) => Some("32"),
            Role::Stance(Stance::Qualifies) => Some("33"),
            Role::Stance(Stance::Acknowledges) => Some("34"),
        };
        match code {
            Some(code) => {
                out.push_str("\u{1b}[");
                out.push_str(code);
                out.push('m');
                out.push_str(text);
                out.push_str("\u{1b}[0m");
            }
            None => out.push_str(text),
        }
    }
}
