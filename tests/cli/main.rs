//! End-to-end tests of the `annals` binary: one behaviour per test, golden
//! outputs under `tests/fixtures` and `tests/golden`.

mod check;
mod queries;
mod support;
