//! The `annals` command line: parse, hand over to `cli`, exit.

use std::process::ExitCode;

use clap::Parser;

mod cli;

// jemalloc, set up in .cargo/config.toml (why: Cargo.toml).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // An empty variable means unset, as for NO_COLOR: `ANNALS_KB= annals …`
    // reads ./kb rather than failing on an empty folder name.
    if std::env::var_os("ANNALS_KB").is_some_and(|v| v.is_empty()) {
        std::env::remove_var("ANNALS_KB");
    }
    // On SIGINT or SIGTERM, stop any Graphviz child and remove the temporary
    // file being written, then exit as interrupted.
    let _ = ctrlc::set_handler(|| {
        annals::interrupt::clean_up();
        std::process::exit(130);
    });
    cli::run(cli::Cli::parse())
}
