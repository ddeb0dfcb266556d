//! End-to-end tests of the `annals` binary: one behaviour per test, golden
//! outputs under `tests/fixtures` and `tests/golden`.

// Tests that need a program besides annals (Graphviz, sqlite3) are
// `#[ignore]`d with the reason, so `cargo test` shows them as ignored rather
// than passing them silently; CI runs them with --include-ignored.

mod bundled;
mod cache;
mod check;
#[path = "../../benches/chromium.rs"]
mod chromium;
mod clients;
mod corpus;
mod diff;
mod edtf;
mod fmt;
mod grammar;
mod init;
mod interchange;
mod lsp;
mod model;
mod new;
mod page;
mod pictures;
mod queries;
mod readme;
mod recovery;
mod safety;
mod schema;
mod support;
mod watch;
