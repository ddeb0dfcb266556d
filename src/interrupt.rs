//! What must not outlive an interrupted run: Graphviz processes annals
//! started, and temporary files it is writing.
//!
//! Writers register what they start ([`Temporary::track`], [`Tracked::track`]);
//! on SIGINT or SIGTERM the binary calls [`clean_up`], which kills the
//! children and removes the temporaries, then exits. The library itself
//! installs no signal handler.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Mutex, MutexGuard};

/// Temporary files being written, and child processes running.
struct Running {
    temporaries: Vec<PathBuf>,
    children: Vec<(u64, Child)>,
    next_child: u64,
}

static RUNNING: Mutex<Running> = Mutex::new(Running {
    temporaries: Vec::new(),
    children: Vec::new(),
    next_child: 0,
});

fn running() -> MutexGuard<'static, Running> {
    // A panic while the lock was held leaves the lists valid.
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A temporary file that is removed on interrupt while this value lives.
pub struct Temporary(PathBuf);

impl Temporary {
    pub fn track(path: &Path) -> Temporary {
        running().temporaries.push(path.to_path_buf());
        Temporary(path.to_path_buf())
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        let mut r = running();
        if let Some(i) = r.temporaries.iter().position(|p| *p == self.0) {
            r.temporaries.swap_remove(i);
        }
    }
}

/// A child process killed on interrupt. It is polled through this handle
/// (the registry owns it), so the interrupt handler can kill it at any time.
pub struct Tracked(u64);

impl Tracked {
    pub fn track(child: Child) -> Tracked {
        let mut r = running();
        let id = r.next_child;
        r.next_child += 1;
        r.children.push((id, child));
        Tracked(id)
    }

    /// The child's exit status if it has ended.
    pub fn try_wait(&self) -> std::io::Result<Option<std::process::ExitStatus>> {
        let mut r = running();
        match r.children.iter_mut().find(|(id, _)| *id == self.0) {
            Some((_, child)) => child.try_wait(),
            None => Err(std::io::Error::other("the process was stopped")),
        }
    }

    /// Kills the child and waits for it.
    pub fn kill(&self) {
        let mut r = running();
        if let Some((_, child)) = r.children.iter_mut().find(|(id, _)| *id == self.0) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let mut r = running();
        if let Some(i) = r.children.iter().position(|(id, _)| *id == self.0) {
            let (_, mut child) = r.children.swap_remove(i);
            // Never leave a process behind: a child still running here was
            // abandoned by an error on our side.
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

/// Kills every tracked child and removes every tracked temporary file, for
/// the binary's SIGINT/SIGTERM handler, which exits right after. The
/// registry stays locked from then on: a thread still watching its child
/// waits for the exit instead of seeing the child die and reporting that as
/// a Graphviz failure.
pub fn clean_up() {
    let mut r = running();
    for (_, child) in &mut r.children {
        let _ = child.kill();
        let _ = child.wait();
    }
    for path in r.temporaries.drain(..) {
        let _ = std::fs::remove_file(path);
    }
    std::mem::forget(r);
}
