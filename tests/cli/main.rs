//! End-to-end tests of the `annals` binary: one behaviour per test, golden
//! outputs under `tests/fixtures` and `tests/golden`.

// A test may say on stderr why it skipped (outside CI only).
#![allow(clippy::print_stderr)]

mod check;
mod corpus;
mod interchange;
mod pictures;
mod queries;
mod safety;
mod support;
