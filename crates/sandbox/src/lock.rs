//! One `--sandbox` process at a time at the state. Each reads the state file, changes it and
//! writes it back whole, so two at once lose one another's changes; holding this lock from
//! before the state is read until it is written (a command's start, then each request its
//! server answers: see `shared`) makes them take turns.
//!
//! It is the OS's advisory lock on `<dir>/lock` (flock on Unix, LockFileEx on Windows), tied to
//! the open file: a command that is killed releases it, so there is never a stale lock to clean.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Held for as long as the state may be read or written; dropping it lets the next one in.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// How long a command waits in silence before saying why nothing happens.
const PATIENCE: Duration = Duration::from_secs(1);

/// The lock file of the state kept in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join("lock")
}

/// Takes the lock of the state in `dir`, waiting for whoever holds it. After [`PATIENCE`],
/// says once on stderr what it is waiting for: a command that seems to hang should say why,
/// even with `-q`, as a warning would.
pub async fn acquire(dir: &Path) -> Result<StateLock, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = path(dir);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let failed = |e: std::io::Error| format!("cannot lock {}: {e}", path.display());
    match file.try_lock() {
        Ok(()) => return Ok(StateLock { _file: file }),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(e)) => return Err(failed(e)),
    }
    // The blocking wait runs on its own thread and the timer races it, so the message costs
    // no polling and the lock is taken the moment it is free.
    let mut wait = tokio::task::spawn_blocking(move || file.lock().map(|()| file));
    let done = match tokio::time::timeout(PATIENCE, &mut wait).await {
        Ok(done) => done,
        Err(_) => {
            eprintln!(
                "waiting for another dlq --sandbox command to finish (lock: {})",
                path.display()
            );
            wait.await
        }
    };
    let file = done
        .map_err(|e| format!("waiting for {}: {e}", path.display()))?
        .map_err(failed)?;
    Ok(StateLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_holder_gets_the_lock_only_once_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).await.unwrap();
        let dir2 = dir.path().to_path_buf();
        let second = tokio::spawn(async move { acquire(&dir2).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!second.is_finished(), "the lock is held");
        drop(first);
        second.await.unwrap().unwrap();
    }
}
