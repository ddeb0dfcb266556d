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
use std::time::{Duration, Instant};

use crate::interrupt::Tracked;

use super::{fingerprint, ImageFormat, RenderError};

/// The comment that marks a Graphviz SVG with its DOT source's fingerprint.
pub const MARK: &str = "<!-- annals-dot-source: ";

/// How long Graphviz may take by default before it is stopped.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Draws `dot_source` with `dot -T<format>`, stopping Graphviz if it takes
/// longer than `timeout`. The process is tracked (see [`crate::interrupt`]),
/// so an interrupted run ends it too.
pub fn render(
    dot_source: &str,
    format: ImageFormat,
    timeout: Duration,
) -> Result<Vec<u8>, RenderError> {
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
    let failed = |e: std::io::Error| RenderError::Graphviz(e.to_string());
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RenderError::Graphviz("no pipes to Graphviz".into()));
    };
    let child = Tracked::track(child);
    // Feed stdin and drain stdout and stderr from other threads, so that
    // neither a large input nor a large output can deadlock, and this thread
    // can watch the clock.
    let source = dot_source.as_bytes().to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&source));
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let errors = std::thread::spawn(move || {
        let mut err = String::new();
        let _ = stderr.read_to_string(&mut err);
        err
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(failed)? {
            break status;
        }
        if started.elapsed() > timeout {
            child.kill();
            return Err(RenderError::GraphvizTimeout {
                seconds: timeout.as_secs_f64(),
                nodes: node_count(dot_source),
            });
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = feeder.join();
    let mut out = reader
        .join()
        .map_err(|_| RenderError::Graphviz("reading Graphviz's output failed".into()))?
        .map_err(failed)?;
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(RenderError::Graphviz(err.trim().to_owned()));
    }
    if format == ImageFormat::Svg {
        out = mark(&out, dot_source);
    }
    Ok(out)
}

/// How many nodes a DOT text declares (lines `"id"[...]`), for messages.
fn node_count(dot_source: &str) -> usize {
    dot_source
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('"') && !l.contains("->"))
        .count()
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

/// Graphviz's SVG made fit to sit inside an HTML page (the interactive
/// page's response graph): from its `<svg` on (no XML declaration or DTD),
/// preceded by the mark of the DOT it was drawn from, so `build --check`
/// compares that rather than Graphviz's version-dependent bytes. Graphviz
/// writes every KB string as XML text, and the page's policy stops any
/// script or request even so.
pub fn for_page(svg: &[u8], dot_source: &str) -> Vec<u8> {
    let start = svg
        .windows(4)
        .position(|w| w == b"<svg")
        .unwrap_or(svg.len());
    let mut out = format!("{MARK}{:016x} -->\n", fingerprint(dot_source.as_bytes())).into_bytes();
    out.extend_from_slice(&svg[start..]);
    out
}

/// The DOT fingerprint an SVG was marked with, if any.
pub fn marked_fingerprint(svg: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(&svg[..svg.len().min(4096)]).ok()?;
    let at = text.find(MARK)? + MARK.len();
    u64::from_str_radix(text.get(at..at + 16)?, 16).ok()
}
