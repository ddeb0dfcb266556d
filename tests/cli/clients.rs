//! Each export loaded by the real client of its format, in Python
//! (`tests/clients/check.py`): JSON-LD through pyld (expanded with nothing
//! dropped, to N-Quads and back) and rdflib, GraphML through networkx with
//! typed attributes, the CSV tables through DuckDB with the shipped
//! `schema.sql`, JSON through the jsonschema package against docs/schema,
//! and the recorded EDTF bounds against the python `edtf` package.

use std::path::Path;
use std::process::Command;

use crate::support::{fixture, root, Run};

/// Writes every export of the KB in `kb_dir` into `out`.
fn exports(kb_dir: &Path, out: &Path) {
    std::fs::create_dir_all(out).expect("an output folder");
    for (format, file) in [
        ("json", "kb.json"),
        ("jsonl", "kb.jsonl"),
        ("jsonld", "kb.jsonld"),
        ("graphml", "kb.graphml"),
        ("csv", "tables"),
    ] {
        let target = out.join(file);
        Run::in_dir(kb_dir)
            .args(["export", "--format", format, "-o"])
            .args([target.to_str().expect("UTF-8")])
            .run()
            .status(0);
    }
}

#[test]
#[ignore = "needs python3 with pyld, rdflib, networkx, duckdb, jsonschema and edtf; CI installs them"]
fn real_clients_load_every_export_without_loss() {
    let python = Command::new("python3")
        .args([
            "-c",
            "import pyld, rdflib, networkx, duckdb, jsonschema, edtf",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        python,
        "this test needs python3 with pyld, rdflib, networkx, duckdb, jsonschema and edtf \
         (pip install -r tests/clients/requirements.txt), or run `cargo test` without --include-ignored"
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let generated = tmp.path().join("generated");
    crate::support::write_generated_kb(&generated.join("kb"), 400);
    let kbs = [
        ("bundled", root()),
        ("next-story", fixture("next-story")),
        ("generated", generated),
    ];
    let mut dirs = Vec::new();
    for (name, kb) in &kbs {
        let out = tmp.path().join("out").join(name);
        exports(kb, &out);
        dirs.push(out);
    }
    let run = Command::new("python3")
        .arg(root().join("tests/clients/check.py"))
        .args(&dirs)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "the clients refused:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("bundled:"), "{stdout}");
}
