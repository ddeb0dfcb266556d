//! Starting Debian's Chromium headless for the page's browser tests and its
//! benchmark (shared by `tests/cli/page.rs` and `benches/page.rs`): no
//! sandbox (CI runs as root), and no background requests of its own (this
//! machine's network is closed).

use std::path::PathBuf;
use std::time::Duration;

use headless_chrome::{Browser, LaunchOptions};

/// Chromium, headless, in a 1400x1000 window; `None` when it is not
/// installed.
pub fn launch(idle: Duration) -> Option<Result<Browser, String>> {
    let path = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())?;
    let args: Vec<&std::ffi::OsStr> = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .sandbox(false)
        .window_size(Some((1400, 1000)))
        .args(args)
        .idle_browser_timeout(idle)
        .build()
        .map_err(|e| e.to_string());
    Some(options.and_then(|o| Browser::new(o).map_err(|e| e.to_string())))
}
