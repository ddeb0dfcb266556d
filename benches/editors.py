#!/usr/bin/env python3
"""Peak memory of the commands that keep a KB loaded: `annals watch` and
`annals lsp`, each through its first check and one edit.

    cargo build --release --bin annals
    python3 benches/editors.py target/bench-kb-100000 [target/bench-kb-200000t ...]

Each KB is copied first (the edit appends a blank line to one statement
file). Prints one Markdown row per command: seconds to the first check
and from the edit to the check after it (each until the process has left
the CPU idle for a second), max RSS, and RSS / KB size on disk. Max RSS is the process's own (`wait4`), read when it has ended.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.path.abspath("target/release/annals")


def kib(path):
    return int(subprocess.run(["du", "-sk", path], capture_output=True, text=True).stdout.split()[0])


def edited_file(kb):
    statements = os.path.join(kb, "statements")
    return os.path.join(statements, sorted(os.listdir(statements))[0])


def ended(proc):
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss  # KiB on Linux


def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in ticks


def idle(pid, since):
    """Seconds from `since` to when the process last used the CPU, once it
    has used none for a second (it waits for the next edit)."""
    last, changed = cpu(pid), time.monotonic()
    while time.monotonic() - changed < 1.0:
        time.sleep(0.02)
        now = cpu(pid)
        if now != last:
            last, changed = now, time.monotonic()
    return changed - since


def watch(kb):
    """`annals watch` until its first check, then one edit and the check after it."""
    # Run beside the copy, where no exports/exports.ron is: it only checks.
    proc = subprocess.Popen([BIN, "--kb", kb, "watch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=os.path.dirname(kb), env=dict(os.environ, ANNALS_CACHE="off"))
    first = idle(proc.pid, time.monotonic())
    edit = time.monotonic()
    with open(edited_file(kb), "a") as f:
        f.write("\n")
    again = idle(proc.pid, edit)
    proc.send_signal(signal.SIGINT)
    return first, again, ended(proc)


def lsp(kb):
    """`annals lsp` initialized, its first diagnostics, then a file opened and edited."""
    proc = subprocess.Popen([BIN, "--kb", kb, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=os.path.dirname(kb))
    inbox = []

    def read():
        while True:
            length = 0
            while True:
                line = proc.stdout.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.startswith(b"Content-Length: "):
                    length = int(line.split(b": ")[1])
            inbox.append((time.monotonic(), json.loads(proc.stdout.read(length))))

    threading.Thread(target=read, daemon=True).start()

    def send(message):
        body = json.dumps(message).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    start = time.monotonic()
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": "file://" + os.path.dirname(kb), "capabilities": {}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    first = idle(proc.pid, start)
    path = edited_file(kb)
    uri = "file://" + path
    with open(path) as f:
        text = f.read()
    edit = time.monotonic()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "ron", "version": 1, "text": text}}})
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text + "\n"}]}})
    again = idle(proc.pid, edit)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.stdin.close()
    return first, again, ended(proc)


def main():
    for source in sys.argv[1:]:
        size = kib(source)
        print(f"\n### {os.path.basename(source)} ({size // 1024} MB on disk)\n")
        print("| command | first check, s | check after an edit, s | max RSS MB | RSS / KB |")
        print("|---|---|---|---|---|")
        for name, run in (("annals watch", watch), ("annals lsp", lsp)):
            with tempfile.TemporaryDirectory() as tmp:
                kb = os.path.join(tmp, "kb")
                shutil.copytree(source, kb)
                first, again, rss = run(kb)
            print(f"| {name} | {first:.2f} | {again:.2f} | {rss // 1024} | {rss / size:.1f} |")


if __name__ == "__main__":
    main()
