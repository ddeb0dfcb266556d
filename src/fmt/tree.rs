//! A RON file as a tree that keeps what ron's parser drops: comments, where
//! they were (before a value, after it on its line, at the end of a list),
//! blank lines between values, and byte ranges. Strings are decoded (by ron
//! itself, so that escapes mean exactly what ron reads); every other leaf
//! (numbers, words, characters, byte strings) is kept as written.
//!
//! It reads files that already loaded: anything it does not understand is an
//! error, and the file is left as it is.

use std::ops::Range;

use crate::load::spanned::block_comment_len;

/// A comment as written (`// …` without its line end, or `/* … */`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    /// The column it started at, for a comment after a value on its line
    /// (kept, so that a column of aligned comments stays aligned).
    pub column: usize,
    /// A blank line came before it.
    pub blank_before: bool,
}

/// What a `(`, `[` or `{` opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Open {
    /// `Name(` or `(`: a struct or a tuple.
    Paren(Option<String>),
    Bracket,
    Brace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A leaf kept as written: `Rejects`, `true`, `1.5`, `'c'`, `b"x"`.
    Atom(String),
    /// A string, decoded.
    Str(String),
    Seq(Seq),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seq {
    pub open: Open,
    /// A comment after the opening bracket, on its line.
    pub open_comment: Option<Comment>,
    pub children: Vec<Child>,
    /// Comments after the last child, on lines of their own.
    pub tail: Vec<Comment>,
    /// Written one child per line even when it would fit on one (an item;
    /// set by the canonical form, never by reading).
    pub broken: bool,
}

/// A field (`key: value`), a map entry (`"k": v`) or an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// A field's name, or a map entry's key.
    pub key: Option<Value>,
    pub value: Value,
    /// Comments on the lines before it (and any written inside it where a
    /// layout has no place for them, such as between a key and its value).
    pub leading: Vec<Comment>,
    /// A comment after it on its line.
    pub trailing: Option<Comment>,
    /// A blank line came before it (or before its first comment).
    pub blank_before: bool,
    /// Where it is in the file (its key through its value).
    pub range: Range<usize>,
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// `#![enable(…)]` lines, as written.
    pub attributes: Vec<String>,
    pub leading: Vec<Comment>,
    pub root: Value,
    /// The root's byte range.
    pub range: Range<usize>,
    pub trailing: Vec<Comment>,
}

/// Why a text could not be read as a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {at})")]
pub struct TreeError {
    pub message: String,
    pub at: usize,
}

/// One comment read, with where it stood.
struct Found {
    comment: Comment,
    /// No line break between the previous token and it.
    same_line: bool,
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

/// Deeper than any file that loaded (ron's own limit is lower).
const MAX_DEPTH: usize = 256;

/// Reads `text` as a tree.
pub fn parse(text: &str) -> Result<File, TreeError> {
    let mut p = Parser {
        text,
        at: 0,
        depth: 0,
    };
    let mut attributes = Vec::new();
    let mut leading = Vec::new();
    loop {
        leading.extend(p.trivia().into_iter().map(|f| f.comment));
        if p.rest().starts_with("#![") {
            let start = p.at;
            let end = p
                .rest()
                .find(']')
                .ok_or_else(|| p.error("unclosed attribute"))?;
            // `#![enable(a, b)]`: the first `]` closes it.
            p.at += end + 1;
            attributes.push(text[start..p.at].to_owned());
            if !leading.is_empty() {
                return Err(p.error("a comment before an attribute"));
            }
        } else {
            break;
        }
    }
    let start = p.at;
    let root = p.value()?;
    let range = start..p.at;
    let trailing: Vec<Comment> = p.trivia().into_iter().map(|f| f.comment).collect();
    if p.at != text.len() {
        return Err(p.error("text after the value"));
    }
    Ok(File {
        attributes,
        leading,
        root,
        range,
        trailing,
    })
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn error(&self, message: &str) -> TreeError {
        TreeError {
            message: message.to_owned(),
            at: self.at,
        }
    }

    /// The column of byte `at` (characters since its line's start).
    fn column(&self, at: usize) -> usize {
        let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        self.text[line_start..at].chars().count()
    }

    /// Reads whitespace and comments.
    fn trivia(&mut self) -> Vec<Found> {
        let mut found = Vec::new();
        let mut newlines = 0usize;
        loop {
            let blank = crate::load::spanned::whitespace_len(self.rest());
            newlines += self.rest()[..blank].matches('\n').count();
            self.at += blank;
            let start = self.at;
            let len = if self.rest().starts_with("//") {
                self.rest().find('\n').unwrap_or(self.rest().len())
            } else if self.rest().starts_with("/*") {
                block_comment_len(self.rest())
            } else {
                return found;
            };
            self.at += len;
            found.push(Found {
                comment: Comment {
                    text: self.text[start..self.at].trim_end().to_owned(),
                    column: self.column(start),
                    blank_before: newlines > 1,
                },
                same_line: newlines == 0,
            });
            newlines = 0;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), TreeError> {
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", c as char)))
        }
    }

    fn value(&mut self) -> Result<Value, TreeError> {
        let Some(c) = self.peek() else {
            return Err(self.error("expected a value"));
        };
        match c {
            b'"' => self.string(),
            b'r' if matches!(self.text.as_bytes().get(self.at + 1), Some(b'"' | b'#')) => {
                self.string()
            }
            b'b' if matches!(
                self.text.as_bytes().get(self.at + 1),
                Some(b'"' | b'\'' | b'r')
            ) =>
            {
                let start = self.at;
                self.at += 1;
                if self.peek() == Some(b'\'') {
                    self.character()?;
                } else {
                    self.string()?;
                }
                Ok(Value::Atom(self.text[start..self.at].to_owned()))
            }
            b'\'' => {
                let start = self.at;
                self.character()?;
                Ok(Value::Atom(self.text[start..self.at].to_owned()))
            }
            b'(' => self.seq(Open::Paren(None)),
            b'[' => self.seq(Open::Bracket),
            b'{' => self.seq(Open::Brace),
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let word = self.word();
                let save = self.at;
                let comments = self.trivia();
                if self.peek() == Some(b'(') && comments.is_empty() {
                    self.seq(Open::Paren(Some(word)))
                } else {
                    self.at = save;
                    Ok(Value::Atom(word))
                }
            }
            c if c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.') => Ok(self.number()),
            _ => Err(self.error("expected a value")),
        }
    }

    /// An identifier, `r#raw` ones included.
    fn word(&mut self) -> String {
        let start = self.at;
        if self.rest().starts_with("r#") {
            self.at += 2;
        }
        let b = self.text.as_bytes();
        while b
            .get(self.at)
            .is_some_and(|c| *c == b'_' || c.is_ascii_alphanumeric())
        {
            self.at += 1;
        }
        self.text[start..self.at].to_owned()
    }

    fn number(&mut self) -> Value {
        let start = self.at;
        let b = self.text.as_bytes();
        self.at += 1;
        while let Some(&c) = b.get(self.at) {
            let exponent_sign = matches!(c, b'+' | b'-')
                && matches!(b[self.at - 1], b'e' | b'E')
                && !self.text[start..self.at].contains("0x");
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
                self.at += 1;
            } else {
                break;
            }
        }
        Value::Atom(self.text[start..self.at].to_owned())
    }

    fn character(&mut self) -> Result<(), TreeError> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    self.at = start;
                    return Err(self.error("unclosed character"));
                }
                Some(b'\\') => self.at += 2,
                Some(b'\'') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(_) => self.at += 1,
            }
        }
    }

    /// A string or raw string, decoded by ron.
    fn string(&mut self) -> Result<Value, TreeError> {
        let start = self.at;
        if self.peek() == Some(b'r') {
            self.at += 1;
            let hashes = self.rest().bytes().take_while(|&c| c == b'#').count();
            self.at += hashes;
            self.expect(b'"')?;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = self
                .rest()
                .find(&close)
                .ok_or_else(|| self.error("unclosed raw string"))?;
            self.at += end + close.len();
        } else {
            self.at += 1;
            loop {
                match self.peek() {
                    None => {
                        self.at = start;
                        return Err(self.error("unclosed string"));
                    }
                    Some(b'\\') => self.at += 2,
                    Some(b'"') => {
                        self.at += 1;
                        break;
                    }
                    Some(_) => self.at += 1,
                }
            }
        }
        let token = &self.text[start..self.at];
        match ron::from_str::<String>(token) {
            Ok(s) => Ok(Value::Str(s)),
            Err(_) if token.starts_with('b') => Ok(Value::Atom(token.to_owned())),
            Err(e) => Err(TreeError {
                message: format!("a string ron does not read: {e}"),
                at: start,
            }),
        }
    }

    /// A `(…)`, `[…]` or `{…}`, the opening bracket next.
    fn seq(&mut self, open: Open) -> Result<Value, TreeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deep"));
        }
        let close = match open {
            Open::Paren(_) => b')',
            Open::Bracket => b']',
            Open::Brace => b'}',
        };
        self.at += 1;
        let mut seq = Seq {
            open,
            open_comment: None,
            children: Vec::new(),
            tail: Vec::new(),
            broken: false,
        };
        let mut pending = self.trivia();
        if pending.first().is_some_and(|f| f.same_line) {
            seq.open_comment = Some(pending.remove(0).comment);
        }
        loop {
            if self.peek() == Some(close) {
                seq.tail.extend(pending.into_iter().map(|f| f.comment));
                self.at += 1;
                break;
            }
            let mut child = self.child(&seq.open, pending)?;
            let mut after = self.trivia();
            let has_comma = self.peek() == Some(b',');
            if has_comma {
                self.at += 1;
                // Comments between the value and its comma go before it.
                child.leading.extend(after.drain(..).map(|f| f.comment));
                after = self.trivia();
            } else if self.peek() != Some(close) {
                return Err(self.error("expected `,`"));
            }
            if after.first().is_some_and(|f| f.same_line) {
                child.trailing = Some(after.remove(0).comment);
            }
            seq.children.push(child);
            pending = after;
        }
        self.depth -= 1;
        Ok(Value::Seq(seq))
    }

    /// A child of a sequence, `comments` read before it.
    fn child(&mut self, open: &Open, comments: Vec<Found>) -> Result<Child, TreeError> {
        // A blank line before a comment is the comment's own.
        let blank_before = comments.is_empty() && self.blank_line_before(self.at);
        let mut leading: Vec<Comment> = comments.into_iter().map(|f| f.comment).collect();
        let start = self.at;
        let key = match open {
            Open::Brace => Some(self.value()?),
            Open::Paren(_) => {
                let save = self.at;
                let is_field = matches!(self.peek(), Some(c) if c == b'_' || c.is_ascii_alphabetic())
                    && {
                        self.word();
                        let between = self.trivia();
                        let colon = self.peek() == Some(b':');
                        drop(between);
                        colon
                    };
                self.at = save;
                is_field.then(|| Value::Atom(self.word()))
            }
            Open::Bracket => None,
        };
        if key.is_some() {
            leading.extend(self.trivia().into_iter().map(|f| f.comment));
            self.expect(b':')?;
            leading.extend(self.trivia().into_iter().map(|f| f.comment));
        }
        let value = self.value()?;
        Ok(Child {
            key,
            value,
            leading,
            trailing: None,
            blank_before,
            range: start..self.at,
        })
    }

    /// Whether an empty line separates `at` from the previous token.
    fn blank_line_before(&self, at: usize) -> bool {
        let before = &self.text[..at];
        let gap = before.len() - before.trim_end().len();
        before[before.len() - gap..].matches('\n').count() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_keep_their_places() {
        let file = parse(
            "// head\nKb( // open\n  // before a\n  a: [1, 2], // after a\n\n  b: \"x\\ny\",\n  // end\n)\n// tail\n",
        )
        .unwrap();
        assert_eq!(file.leading[0].text, "// head");
        assert_eq!(file.trailing[0].text, "// tail");
        let Value::Seq(kb) = &file.root else { panic!() };
        assert_eq!(kb.open, Open::Paren(Some("Kb".into())));
        assert_eq!(kb.open_comment.as_ref().unwrap().text, "// open");
        assert_eq!(kb.children[0].leading[0].text, "// before a");
        assert_eq!(kb.children[0].trailing.as_ref().unwrap().text, "// after a");
        assert!(kb.children[1].blank_before);
        assert_eq!(kb.children[1].value, Value::Str("x\ny".into()));
        assert_eq!(kb.tail[0].text, "// end");
    }

    #[test]
    fn leaves_are_kept_as_written() {
        let file = parse("(a: -1.5e-3, b: 0x1F, c: 'x', d: r#\"r\"#, e: Some(true))").unwrap();
        let Value::Seq(s) = &file.root else { panic!() };
        let values: Vec<_> = s.children.iter().map(|c| c.value.clone()).collect();
        assert_eq!(values[0], Value::Atom("-1.5e-3".into()));
        assert_eq!(values[1], Value::Atom("0x1F".into()));
        assert_eq!(values[2], Value::Atom("'x'".into()));
        assert_eq!(values[3], Value::Str("r".into()));
    }

    #[test]
    fn broken_text_is_an_error_not_a_panic() {
        for text in [
            "(",
            "(a: ",
            "(a: 1 b: 2)",
            "\"x",
            "(a: 1))",
            "/* x",
            "[1,,]",
            "r#\"x",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
