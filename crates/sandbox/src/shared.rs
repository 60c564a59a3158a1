//! A state file that other processes serve too (`--sandbox`): the state's lock is held per
//! request, not for the server's life, so a `stats --watch` or an exporter never keeps the
//! next command waiting.
//!
//! Each turn takes the lock, then reloads the state if another process wrote it since this
//! one last read or wrote it, so a change is always made to the latest state and saved
//! before the lock is let go: two processes never lose one another's writes.

use std::path::{Path, PathBuf};

use super::lock::{self, StateLock};
use super::store::Store;

/// Which version of the state file this process last read or wrote. Every save replaces the
/// file (write and rename), so a write by anyone else gives it a new inode and mtime.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
        #[cfg(unix)]
        inode: std::os::unix::fs::MetadataExt::ino(&m),
    })
}

pub struct Shared {
    dir: PathBuf,
    file: PathBuf,
    /// Requests of this process take turns here before the lock between processes: the OS
    /// lock is per open file, so it would serialise them anyway, at a blocking thread each.
    turns: tokio::sync::Mutex<()>,
    seen: std::sync::Mutex<Option<Stamp>>,
}

/// This process's turn at the state, up to the end of one request (or one tick of a clock).
pub struct Turn<'a> {
    _lock: StateLock,
    _turn: tokio::sync::MutexGuard<'a, ()>,
}

impl Shared {
    /// The state in `file`, whose version now is the one this process holds.
    pub fn new(file: PathBuf) -> Shared {
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let seen = std::sync::Mutex::new(stamp(&file));
        Shared {
            dir,
            file,
            turns: Default::default(),
            seen,
        }
    }

    /// Waits for the lock, then brings `store` up to date with the state file. Returns
    /// whether it was reloaded, for what the other process left unfinished to be settled.
    pub async fn turn(&self, store: &std::sync::RwLock<Store>) -> Result<(Turn<'_>, bool), String> {
        let turn = self.turns.lock().await;
        let lock = lock::acquire(&self.dir).await?;
        let now = stamp(&self.file);
        let mut seen = self.seen.lock().unwrap();
        let reloaded = now.is_some() && *seen != now;
        if reloaded {
            let fresh = super::load_state(&self.file)?;
            let mut store = store.write().unwrap();
            // What is not in the file is this process's own: its request log, and whether
            // its owner is done with it.
            let requests = std::mem::take(&mut store.requests);
            let closed = store.closed;
            *store = fresh;
            store.requests = requests;
            store.closed = closed;
            *seen = now;
        }
        Ok((
            Turn {
                _lock: lock,
                _turn: turn,
            },
            reloaded,
        ))
    }

    /// Records that the file now holds what this process wrote.
    pub fn wrote(&self) {
        *self.seen.lock().unwrap() = stamp(&self.file);
    }
}
