//! Running Graphviz's `dot` on DOT text.
//!
//! A subprocess fed through stdin (graphviz-rust's `exec` writes a temporary
//! file and reports a missing `dot` as a bare "No such file or directory");
//! a missing `dot` becomes [`RenderError::GraphvizMissing`], which says how
//! to install it. SVG output carries a comment with the fingerprint of its
//! DOT source, which `annals build --check` compares instead of Graphviz's
//! version-dependent bytes.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use super::{fingerprint, ImageFormat, RenderError};

/// The comment that marks a Graphviz SVG with its DOT source's fingerprint.
pub const MARK: &str = "<!-- annals-dot-source: ";

/// Draws `dot_source` with `dot -T<format>`.
pub fn render(dot_source: &str, format: ImageFormat) -> Result<Vec<u8>, RenderError> {
    let mut child = Command::new("dot")
        .arg(format!("-T{}", format.as_str()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RenderError::GraphvizMissing,
            _ => RenderError::Graphviz(e.to_string()),
        })?;
    // Feed stdin from another thread so a large output cannot deadlock.
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| RenderError::Graphviz("no stdin".into()))?;
    let source = dot_source.as_bytes().to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&source));
    let mut out = Vec::new();
    let mut err = String::new();
    if let Some(mut s) = child.stdout.take() {
        s.read_to_end(&mut out)
            .map_err(|e| RenderError::Graphviz(e.to_string()))?;
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    let status = child
        .wait()
        .map_err(|e| RenderError::Graphviz(e.to_string()))?;
    let _ = feeder.join();
    if !status.success() {
        return Err(RenderError::Graphviz(err.trim().to_owned()));
    }
    if format == ImageFormat::Svg {
        out = mark(&out, dot_source);
    }
    Ok(out)
}

/// Inserts the fingerprint comment after the SVG's first line.
fn mark(svg: &[u8], dot_source: &str) -> Vec<u8> {
    let comment = format!("{MARK}{:016x} -->\n", fingerprint(dot_source.as_bytes()));
    let split = svg.iter().position(|b| *b == b'\n').map_or(0, |i| i + 1);
    let mut out = Vec::with_capacity(svg.len() + comment.len());
    out.extend_from_slice(&svg[..split]);
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&svg[split..]);
    out
}

/// The DOT fingerprint an SVG was marked with, if any.
pub fn marked_fingerprint(svg: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(&svg[..svg.len().min(4096)]).ok()?;
    let at = text.find(MARK)? + MARK.len();
    u64::from_str_radix(text.get(at..at + 16)?, 16).ok()
}
