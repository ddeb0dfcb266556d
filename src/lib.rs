//! annals: a structured event-timeline knowledge base.
//!
//! A KB is a folder of RON files describing actors, events and statements,
//! and who responded to whom. This crate loads it into a typed graph, checks
//! it like a compiler checks code, and answers queries over it.
//!
//! The stages stay separate: [`load`] reads files and resolves ids into a
//! [`Kb`]; [`check`] finds problems as [`diag::Diagnostic`] values; the
//! sinks in [`diag`] format them. The library never prints.
//!
//! ```no_run
//! use annals::{check::Levels, Kb};
//!
//! let loaded = Kb::load(std::path::Path::new("kb"))?;
//! let diagnostics = annals::check::diagnostics(&loaded, &Levels::of(&loaded.kb.settings));
//! annals::diag::human::write(&mut std::io::stderr(), &diagnostics, &loaded.sources, false)?;
//! println!("{} statements", loaded.kb.statements.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod artifact;
pub mod atomic;
pub mod build;
pub mod cache;
pub mod check;
pub mod diag;
pub mod diff;
pub mod escape;
pub mod export;
pub(crate) mod fingerprint;
pub mod fmt;
pub mod init;
pub mod interrupt;
pub mod kb;
pub(crate) mod lists;
pub mod live;
pub mod load;
pub mod lsp;
pub mod model;
pub mod new;
pub mod outline;
pub mod output;
pub(crate) mod palette;
pub mod query;
pub mod records;
pub mod render;
pub mod schema;
pub mod source_map;
pub mod suggest;
pub mod synthetic;

pub use kb::Kb;
pub use load::{LoadError, Loaded};

/// The README's Rust example, compiled and run by `cargo test` (its other
/// code blocks are shell, RON and output, which rustdoc does not run).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExample;
