//! `annals lsp`, driven over stdio with JSON-RPC as an editor drives it:
//! diagnostics for a typo'd id, completion, definition in another file,
//! references, rename, the did-you-mean code action, hover, symbols,
//! formatting, and a file outside the KB.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::copy_of_the_repo;

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for something else.
    notifications: Vec<Value>,
    next: i64,
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

impl Client {
    /// Starts `annals lsp` and initializes it on the workspace `root`.
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_annals"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("annals lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            notifications: Vec::new(),
            next: 1,
        };
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn receive(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        self.incoming.recv_timeout(left).unwrap_or_else(|_| {
            panic!(
                "no message from the server in time; had {:?}",
                self.notifications
            )
        })
    }

    /// Sends a request and returns its response (`result`, or the error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let message = self.receive(deadline);
            if message["id"] == json!(id) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The next diagnostics published for `uri` that satisfy `wanted`.
    fn diagnostics(&mut self, uri: &str, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // Diagnostics seen are used up (older ones must not match a
            // later call); other notifications are kept.
            let (published, others): (Vec<Value>, Vec<Value>) =
                std::mem::take(&mut self.notifications)
                    .into_iter()
                    .partition(|n| n["method"] == "textDocument/publishDiagnostics");
            self.notifications = others;
            for n in published.into_iter().rev() {
                if n["params"]["uri"] == uri {
                    let list = n["params"]["diagnostics"].as_array().unwrap().clone();
                    if wanted(&list) {
                        return list;
                    }
                }
            }
            let message = self.receive(deadline);
            self.notifications.push(message);
        }
    }

    /// The first message the server logged that satisfies `wanted`.
    fn log(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut at = 0;
        loop {
            while let Some(n) = self.notifications.get(at) {
                if n["method"] == "window/logMessage" {
                    let message = n["params"]["message"].as_str().unwrap_or_default();
                    if wanted(message) {
                        return message.to_owned();
                    }
                }
                at += 1;
            }
            let message = self.receive(deadline);
            self.notifications.push(message);
        }
    }
}

fn position(text: &str, needle: &str, plus: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the text"))
        + plus;
    let line = text[..at].matches('\n').count();
    let column = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count();
    json!({"line": line, "character": column})
}

#[test]
fn an_editor_gets_checks_completion_navigation_and_fixes() {
    let (_keep, dir) = copy_of_the_repo();
    let story_path = dir.join("kb/stories/2024-06-14-putin-peace-conditions.ron");
    let story = uri(&story_path);
    let actors = uri(&dir.join("kb/actors.ron"));
    let text = std::fs::read_to_string(&story_path).unwrap();
    let mut client = Client::start(&dir);

    // A typo'd id, in an unsaved buffer: the diagnostic at its range.
    let typo = text.replacen("by: \"putin\"", "by: \"putn\"", 1);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": story, "languageId": "ron", "version": 1, "text": typo}}),
    );
    let list = client.diagnostics(&story, |l| !l.is_empty());
    let d = list
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(d["range"]["start"], position(&typo, "\"putn\"", 0));
    assert_eq!(d["range"]["end"], position(&typo, "\"putn\"", 6));
    assert_eq!(d["severity"], 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `putin`"),
        "{d}"
    );

    // The did-you-mean fix.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": story}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let edit = &actions["result"][0]["edit"]["changes"][&story][0];
    assert_eq!(edit["newText"], "\"putin\"");
    assert_eq!(edit["range"], d["range"]);

    // Completion of `by: "pu`.
    let partial = typo.replacen("by: \"putn\"", "by: \"pu", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": story, "version": 2}, "contentChanges": [{"text": partial}]}),
    );
    let completion = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": story}, "position": position(&partial, "by: \"pu", 7)}),
    );
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["putin"], "{completion}");
    assert_eq!(completion["result"][0]["detail"], "Vladimir Putin (Person)");

    // Back to the text on disk: no diagnostics left.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": story, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    client.diagnostics(&story, |l| l.iter().all(|d| d["severity"] != 1));
    // A KB with errors is checked whole; an edit to a KB without any is
    // read into the KB as it was: the edited file is parsed alone.
    let log = client.log(|m| m.contains("files parsed again"));
    assert!(log.contains("(2 of 2 files parsed again)"), "{log}");
    let reworded = text.replacen("summary: \"", "summary: \"Reworded: ", 1);
    assert_ne!(reworded, text);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": story, "version": 4}, "contentChanges": [{"text": reworded}]}),
    );
    let log = client.log(|m| m.contains("(1 of 2 files parsed again)"));
    assert!(log.starts_with("annals: checked the KB in "), "{log}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": story, "version": 5}, "contentChanges": [{"text": text}]}),
    );

    // Definition of an id written in another file.
    let def = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": story}, "position": position(&text, "by: \"putin\"", 7)}),
    );
    assert_eq!(def["result"]["uri"], actors, "{def}");
    let actors_text = std::fs::read_to_string(dir.join("kb/actors.ron")).unwrap();
    assert_eq!(
        def["result"]["range"]["start"],
        position(&actors_text, "id: \"putin\"", 4)
    );

    // The three responses to a statement.
    let at = position(&text, "id: \"putin-withdrawal-condition\"", 8);
    let refs = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": story}, "position": at, "context": {"includeDeclaration": false}}),
    );
    let lines: Vec<u64> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("to: \"putin-withdrawal-condition\""))
        .map(|(i, _)| i as u64)
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(lines.len(), 3);

    // Hover says who said it and how many answered.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": story}, "position": at}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**Vladimir Putin** (Demand, 2024-06-14)"),
        "{shown}"
    );
    assert!(shown.ends_with("3 responses to it"), "{shown}");

    // Rename: every place, as edits; a taken id is refused.
    let renamed = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": story}, "position": at, "newName": "putin-withdrawal-demand"}),
    );
    let edits = renamed["result"]["changes"][&story].as_array().unwrap();
    assert_eq!(edits.len(), 4, "{renamed}");
    assert!(edits
        .iter()
        .all(|e| e["newText"] == "putin-withdrawal-demand"));
    let taken = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": story}, "position": at, "newName": "putin"}),
    );
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the id `putin` is taken"),
        "{taken}"
    );

    // The outline of the file, and formatting (already formatted: no edit).
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": story}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"putin-withdrawal-condition")
            && names.contains(&"global-peace-summit-2024")
    );
    let formatting = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": story}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(formatting["result"], json!([]));

    // A file outside the KB is said to be so.
    let outside = dir.join("exports/exports.ron");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&outside), "languageId": "ron", "version": 1, "text": "Exports(outputs: [])"}}),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if client.notifications.iter().any(|n| {
            n["method"] == "window/showMessage"
                && n["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("is outside the KB folder")
        }) {
            break;
        }
        let m = client.receive(deadline);
        client.notifications.push(m);
    }

    // It never wrote to disk.
    assert_eq!(std::fs::read_to_string(&story_path).unwrap(), text);
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    client.notify("exit", Value::Null);
}
