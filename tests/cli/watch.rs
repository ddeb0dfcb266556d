//! `annals watch`: a check after every save, a rebuild when the KB loads,
//! and with `--live` a local server whose pages reload when rebuilt.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::support::Run;

/// A running `annals watch`, its output read line by line; killed when
/// dropped.
pub struct Watching {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    /// Everything read so far, for failure messages.
    pub seen: String,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Watching {
    /// Starts `annals watch ARGS` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_annals"))
            .arg("watch")
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("annals watch starts");
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Watching {
            child,
            stdout,
            stderr,
            seen: String::new(),
        }
    }

    /// Waits (at most 30 s) for a line of stdout or stderr holding `text`,
    /// and returns it.
    pub fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            for rx in [&self.stdout, &self.stderr] {
                while let Ok(line) = rx.try_recv() {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    if line.contains(text) {
                        return line;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no line with {text:?} in 30 s; seen:\n{}", self.seen);
    }

    /// The port `--live` serves on.
    pub fn port(&mut self) -> u16 {
        let line = self.wait_for("serving ");
        let at = line.find("127.0.0.1:").expect("an address") + "127.0.0.1:".len();
        line[at..]
            .split('/')
            .next()
            .unwrap()
            .parse()
            .expect("a port")
    }
}

/// A new KB (with a manifest that needs no Graphviz) in a temporary folder.
pub fn new_kb() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    Run::in_dir(dir.path()).args(["init"]).run().status(0);
    let path = dir.path().to_path_buf();
    (dir, path)
}

/// GET `path` from the server on `port`: status line and body.
pub fn get(port: u16, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("a head");
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn every_save_is_checked_and_a_kb_without_errors_is_rebuilt() {
    let (_keep, dir) = new_kb();
    let mut watch = Watching::start(&dir, &[]);
    watch.wait_for("no problems in 3 files");
    watch.wait_for("wrote exports/story.html");
    watch.wait_for("watching kb for changes");
    let story = dir.join("kb/stories/example.ron");

    edit(&story, "kind: Proposal", "kind: Proposel");
    watch.wait_for("error[unknown-variant]: unknown statement kind `Proposel`");
    watch.wait_for("1 error in 1 of 3 files");
    watch.wait_for("not rebuilding: the KB has errors");

    edit(&story, "kind: Proposel", "kind: Proposal");
    edit(&story, "a new bus line.", "a new tram line.");
    watch.wait_for("no problems in 3 files");
    watch.wait_for("wrote exports/story.html");
    let page = std::fs::read_to_string(dir.join("exports/story.html")).unwrap();
    assert!(page.contains("a new tram line."));
    // What watch wrote is what build makes.
    Run::in_dir(&dir).args(["build", "--check"]).run().status(0);
}

#[test]
fn live_serves_pages_that_reload_and_files_as_built() {
    let (_keep, dir) = new_kb();
    let mut watch = Watching::start(&dir, &["--live", "0"]);
    let port = watch.port();
    watch.wait_for("watching kb for changes");
    let (status, first) = get(port, "/.annals-live");
    assert_eq!(status, "HTTP/1.1 200 OK");

    let (status, page) = get(port, "/story.html");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        page.contains("; connect-src 'self'"),
        "the live page may ask the server"
    );
    assert!(page.contains("/.annals-live"));
    let on_disk = std::fs::read_to_string(dir.join("exports/story.html")).unwrap();
    assert!(
        !on_disk.contains("connect-src"),
        "the page on disk stays as built"
    );
    let (_, svg) = get(port, "/timeline.svg");
    assert_eq!(
        svg,
        std::fs::read_to_string(dir.join("exports/timeline.svg")).unwrap()
    );
    for outside in ["/../kb/actors.ron", "/%2e%2e/kb/actors.ron", "/nope.html"] {
        assert_eq!(get(port, outside).0, "HTTP/1.1 404 Not Found", "{outside}");
    }

    edit(
        &dir.join("kb/stories/example.ron"),
        "a new bus line.",
        "a new tram line.",
    );
    watch.wait_for("wrote exports/story.html");
    watch.wait_for("watching kb for changes");
    let (_, after) = get(port, "/.annals-live");
    assert_ne!(after, first, "a rebuild moves the generation on");
}
