//! The harness: run the `annals` binary in a fixture folder, compare outputs
//! with golden files. `ANNALS_BLESS=1 cargo test` rewrites the golden files;
//! review the diff before committing it.
//!
//! As in just's test harness, a run expects exit status 0 and an empty
//! stderr unless the test says otherwise: an [`Outcome`] whose status the
//! test never asserted checks both when it is dropped, and names the line
//! of the test that ran it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The cache folder of every run of this test process (unless a test sets
/// its own): emptied once when the process starts, so a KB's first query
/// in a test run loads it from its files and writes the cache, and later
/// ones answer from it (both must give the goldens). Never the user's.
pub fn cache_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-cache");
        let _ = std::fs::remove_dir_all(&dir);
        dir
    })
}

/// One run of the binary, built fluently.
pub struct Run {
    dir: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    /// Whether the test said what status it expects.
    checked: std::cell::Cell<bool>,
    /// The test line that ran it.
    caller: &'static std::panic::Location<'static>,
}

impl Drop for Outcome {
    fn drop(&mut self) {
        if self.checked.get() || std::thread::panicking() {
            return;
        }
        assert!(
            self.status == 0 && self.stderr.is_empty(),
            "the run at {} was expected to exit 0 with an empty stderr (say `.status(N)` otherwise)\nstatus {}\n--- stdout\n{}\n--- stderr\n{}",
            self.caller,
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

impl Run {
    /// A run with `dir` as the working directory.
    pub fn in_dir(dir: impl AsRef<Path>) -> Run {
        Run {
            dir: dir.as_ref().to_path_buf(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// A run in `tests/fixtures/<rel>`.
    pub fn fixture(rel: &str) -> Run {
        Run::in_dir(fixture(rel))
    }

    /// A run at the repository root (the bundled KB).
    pub fn bundled() -> Run {
        Run::in_dir(root())
    }

    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.into(), value.into()));
        self
    }

    #[track_caller]
    pub fn run(self) -> Outcome {
        let caller = std::panic::Location::caller();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_annals"));
        cmd.current_dir(&self.dir)
            .args(&self.args)
            .env_remove("ANNALS_KB")
            .env_remove("NO_COLOR")
            .env_remove("ANNALS_CACHE")
            .env("ANNALS_CACHE_DIR", cache_dir())
            .env("COLUMNS", "100");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the annals binary runs");
        Outcome {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            checked: std::cell::Cell::new(false),
            caller,
        }
    }
}

impl Outcome {
    /// Asserts the exit status, showing the outputs when it differs; stderr
    /// may then hold anything the test does not check itself.
    #[track_caller]
    pub fn status(&self, expected: i32) -> &Outcome {
        self.checked.set(true);
        assert_eq!(
            self.status, expected,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts stdout equals the golden file at `tests/<rel>`.
    #[track_caller]
    pub fn stdout_golden(&self, rel: &str) -> &Outcome {
        golden(&root().join("tests").join(rel), &self.stdout);
        self
    }

    /// Accepts any exit status: for runs that only must not panic or hang.
    pub fn any_status(&self) -> &Outcome {
        self.checked.set(true);
        self
    }

    /// The stdout parsed as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

/// Compares `actual` with the file at `path`, or writes it when blessing.
pub fn golden(path: &Path, actual: &str) {
    if std::env::var_os("ANNALS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden files live in a folder"))
            .expect("create folder");
        std::fs::write(path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {} (run with ANNALS_BLESS=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from {}\n--- expected\n{expected}\n--- actual\n{actual}\n(run with ANNALS_BLESS=1 to accept)",
            path.display()
        );
    }
}

/// Writes a valid KB of about `statements` statements into `dir`, with the
/// synthetic generator the benchmarks use (`annals::synthetic`, seed 1):
/// many speakers, hubs and long chains of responses.
pub fn write_generated_kb(dir: &Path, statements: usize) {
    let options = annals::synthetic::Options {
        statements,
        seed: 1,
        faults: 0,
        tiny: false,
    };
    annals::synthetic::generate(&options, dir).expect("write the generated KB");
}

/// A copy of the bundled KB and its exports in a temporary folder.
pub fn copy_of_the_repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["kb", "exports"] {
        let status = Command::new("cp")
            .arg("-r")
            .arg(root().join(name))
            .arg(dir.path().join(name))
            .status()
            .expect("cp runs");
        assert!(status.success());
    }
    let path = dir.path().to_path_buf();
    (dir, path)
}
