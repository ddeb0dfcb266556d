//! The binary's glue: turning arguments into library calls and results into
//! output. No query logic lives here.

pub mod pictures;
pub mod queries;
