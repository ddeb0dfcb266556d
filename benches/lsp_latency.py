#!/usr/bin/env python3
"""How soon `annals lsp` publishes diagnostics after an edit.

Generates a KB (the release example `generate`), starts the release binary's
`annals lsp` on it, opens one statements file, then for each run sends the
file's text with one more comment line and times the change to the
diagnostics published for it (which include the server's 50 ms wait for
typing to stop), and reads the server's own figure for the re-check from
the message it logs after each.

    cargo build --release --examples && cargo build --release
    python3 benches/lsp_latency.py --statements 10000 --runs 10
"""
import argparse, json, os, pathlib, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--statements", type=int, default=10000)
ap.add_argument("--runs", type=int, default=10)
args = ap.parse_args()
root = pathlib.Path(__file__).resolve().parent.parent
release = root / "target" / "release"
work = pathlib.Path(tempfile.mkdtemp())
subprocess.run([release / "examples" / "generate", "--statements", str(args.statements),
                "--out", work / "kb"], check=True, stdout=subprocess.DEVNULL)
server = subprocess.Popen([release / "annals", "lsp"], cwd=work,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()

def receive():
    length = 0
    while True:
        line = server.stdout.readline().strip()
        if not line:
            break
        if line.startswith(b"Content-Length:"):
            length = int(line.split(b":")[1])
    return json.loads(server.stdout.read(length))

def wait(predicate):
    while True:
        m = receive()
        if predicate(m):
            return m

send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
      "params": {"processId": None, "rootUri": "file://%s" % work, "capabilities": {}}})
wait(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
path = sorted((work / "kb" / "statements").glob("*.ron"))[0]
uri = "file://%s" % path
text = path.read_text()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "ron", "version": 1, "text": text}}})
is_ours = lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
times, checks = [], []
for run in range(args.runs):
    time.sleep(0.3)
    text += "// run %d\n" % run
    # A diagnostic in this file, so that it is published after each change.
    edited = text.replace('kind: Claim', 'kind: Clam', 1) if run % 2 == 0 else text
    start = time.monotonic()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": run + 2}, "contentChanges": [{"text": edited}]}})
    wait(is_ours)
    times.append((time.monotonic() - start) * 1000)
    # The server's own figure for the re-check, logged after publishing.
    log = wait(lambda m: m.get("method") == "window/logMessage")["params"]["message"]
    checks.append(int(log.split(" in ")[1].split(" ms")[0]))
    print("run %d: diagnostics %.0f ms after the change; %s" % (run, times[-1], log))
for name, values in (("edit to diagnostics", times), ("re-check (server)", checks)):
    values.sort()
    print("%d statements: %s min %.0f ms, median %.0f ms, max %.0f ms"
          % (args.statements, name, values[0], statistics.median(values), values[-1]))
server.kill()
