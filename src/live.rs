//! The local web server of `annals watch --live`: it serves the files of
//! the exports folder to a browser on this machine, pages made live (they
//! reload themselves when rebuilt, see [`crate::export::html::live`]), and
//! the build generation they ask for at `/.annals-live`.
//!
//! Read-only and local: it listens on 127.0.0.1 only, answers GET and HEAD,
//! serves regular files inside the folder only (no `..`, no symlink out),
//! and reads at most 8 KiB of a request.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Where the live generation is asked for.
pub const GENERATION_PATH: &str = "/.annals-live";

/// The most a request may hold before its end.
const MAX_REQUEST: u64 = 8 << 10;

/// A running server: bump [`Live::rebuilt`] after a build that wrote
/// something, and open pages reload.
#[derive(Debug, Clone)]
pub struct Live {
    generation: Arc<AtomicU64>,
    pub port: u16,
}

impl Live {
    /// Serves `root` on 127.0.0.1:`port` (0: any free port) from a thread
    /// of its own.
    pub fn start(root: &Path, port: u16) -> io::Result<Live> {
        let root = std::fs::canonicalize(root)?;
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let port = listener.local_addr()?.port();
        let generation = Arc::new(AtomicU64::new(1));
        let shared = generation.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let generation = shared.clone();
                std::thread::spawn(move || {
                    let _ = answer(stream, &root, generation.load(Ordering::SeqCst));
                });
            }
        });
        Ok(Live { generation, port })
    }

    /// Says that the outputs changed: open pages reload.
    pub fn rebuilt(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// A response: status line, content type and body.
struct Reply {
    status: &'static str,
    kind: &'static str,
    body: Vec<u8>,
}

fn answer(mut stream: TcpStream, root: &Path, generation: u64) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new((&stream).take(MAX_REQUEST));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // The rest of the head, up to the blank line.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let reply = if method != "GET" && method != "HEAD" {
        Reply {
            status: "405 Method Not Allowed",
            kind: "text/plain; charset=utf-8",
            body: b"only GET and HEAD\n".to_vec(),
        }
    } else {
        reply(root, target, generation)
    };
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.kind,
        reply.body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}

fn not_found(what: &str) -> Reply {
    Reply {
        status: "404 Not Found",
        kind: "text/plain; charset=utf-8",
        body: format!("{what}\n").into_bytes(),
    }
}

fn reply(root: &Path, target: &str, generation: u64) -> Reply {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == GENERATION_PATH {
        return Reply {
            status: "200 OK",
            kind: "text/plain; charset=utf-8",
            body: generation.to_string().into_bytes(),
        };
    }
    let Some(decoded) = percent_decode(path) else {
        return not_found("not a path");
    };
    if decoded == "/" {
        return index(root);
    }
    let Some(file) = inside(root, &decoded) else {
        return not_found("no such file in the exports folder");
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return not_found("cannot read it");
    };
    let kind = content_type(&file);
    let body = if kind.starts_with("text/html") {
        match std::str::from_utf8(&bytes)
            .ok()
            .and_then(crate::export::html::live)
        {
            Some(live) => live.into_bytes(),
            None => bytes,
        }
    } else {
        bytes
    };
    Reply {
        status: "200 OK",
        kind,
        body,
    }
}

/// The regular file `path` names inside `root`, if it is one.
fn inside(root: &Path, path: &str) -> Option<PathBuf> {
    let rel = path.strip_prefix('/')?;
    if rel
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == ".." || c.contains('\\') || c.contains('\0'))
    {
        return None;
    }
    let real = std::fs::canonicalize(root.join(rel)).ok()?;
    let meta = std::fs::metadata(&real).ok()?;
    (real.starts_with(root) && meta.is_file()).then_some(real)
}

/// A list of the folder's pages and pictures.
fn index(root: &Path) -> Reply {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let items: String = names
        .iter()
        .map(|n| {
            let href = crate::escape::percent_encode(n, b"-._~");
            format!(
                "<li><a href=\"/{href}\">{}</a></li>\n",
                crate::escape::xml(n)
            )
        })
        .collect();
    Reply {
        status: "200 OK",
        kind: "text/html; charset=utf-8",
        body: format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>annals watch</title></head>\n<body><h1>Exports</h1>\n<ul>\n{items}</ul>\n</body></html>\n"
        )
        .into_bytes(),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "json" | "jsonld" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

/// `%XX` escapes decoded; `None` for a malformed escape or text that is
/// not UTF-8.
pub(crate) fn percent_decode(path: &str) -> Option<String> {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_inside_the_folder_are_served() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(root.join("a.svg"), "<svg/>").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("out")).unwrap();
        assert_eq!(inside(&root, "/a.svg"), Some(root.join("a.svg")));
        for bad in [
            "/../a.svg",
            "/sub",
            "/out",
            "a.svg",
            "/sub/../a.svg",
            "//etc/passwd",
        ] {
            assert_eq!(inside(&root, bad), None, "{bad}");
        }
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }
}
