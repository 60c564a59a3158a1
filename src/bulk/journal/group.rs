//! Group commit: the events of many requests made durable by one sync, which runs off the
//! async runtime's threads.
//!
//! A bulk run syncs each request's in-flight mark before sending it. A callback sends a
//! request per entry, many at once; a sync each, made on the thread that drives every request
//! of the run, held them all up while the disk answered, and under load (a busy disk, busy
//! CPUs) that was most of a run's time (issue 31). Here each writer appends its events at
//! once (to the page cache: cheap) and then waits for a sync that began after its write: one
//! sync covers every write made before it began, and writers that come while it runs share
//! the next one.

use std::fs::File;
use std::io;
use std::sync::{Arc, Mutex};

/// Syncs of one file, shared by its writers.
#[derive(Clone)]
pub struct GroupSync {
    inner: Arc<Inner>,
}

struct Inner {
    file: File,
    state: Mutex<SyncState>,
    done: tokio::sync::Notify,
}

#[derive(Default)]
struct SyncState {
    /// Tickets handed out: one per write, in the order the writes were made.
    written: u64,
    /// Every write up to this ticket is on disk.
    synced: u64,
    syncing: bool,
    /// Syncs made.
    count: u64,
    /// A sync failed: what was written since may be lost, so no later write is ever durable.
    failed: Option<(io::ErrorKind, String)>,
}

impl GroupSync {
    /// Syncs for writes made through `file` (or any handle of the same file).
    pub fn new(file: File) -> GroupSync {
        GroupSync {
            inner: Arc::new(Inner {
                file,
                state: Mutex::default(),
                done: tokio::sync::Notify::new(),
            }),
        }
    }

    /// A write is made (it returned): its ticket for [`GroupSync::synced`].
    pub fn wrote(&self) -> u64 {
        let mut s = self.inner.state.lock().unwrap();
        s.written += 1;
        s.written
    }

    /// Waits until the write of `ticket` is on disk: a sync that began after it finished.
    pub async fn synced(&self, ticket: u64) -> io::Result<()> {
        loop {
            // Registered before the state is read, so a sync ending in between is not missed.
            let done = self.inner.done.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            {
                let mut s = self.inner.state.lock().unwrap();
                if let Some((kind, why)) = &s.failed {
                    return Err(io::Error::new(*kind, why.clone()));
                }
                if s.synced >= ticket {
                    return Ok(());
                }
                if !s.syncing {
                    s.syncing = true;
                    self.start(s.written);
                }
            }
            done.await;
        }
    }

    /// Starts a sync covering the writes up to `upto`. It runs to its end on a thread of its
    /// own even if every writer waiting for it goes away, so a sync is never left marked as
    /// running.
    fn start(&self, upto: u64) {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let r = inner.file.sync_data();
            let mut s = inner.state.lock().unwrap();
            s.syncing = false;
            s.count += 1;
            match r {
                Ok(()) => s.synced = s.synced.max(upto),
                Err(e) => s.failed = Some((e.kind(), e.to_string())),
            }
            drop(s);
            inner.done.notify_waiters();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[tokio::test]
    async fn writers_that_come_together_share_syncs_and_each_waits_for_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events");
        let mut f = File::create(&path).unwrap();
        let syncs = GroupSync::new(f.try_clone().unwrap());
        let mut tickets = Vec::new();
        for i in 0..50 {
            writeln!(f, "{i}").unwrap();
            tickets.push(syncs.wrote());
        }
        let waits = tickets.iter().map(|t| syncs.synced(*t));
        for r in futures::future::join_all(waits).await {
            r.unwrap();
        }
        let s = syncs.inner.state.lock().unwrap();
        assert_eq!(s.synced, 50, "every write is covered by a sync");
        assert_eq!(s.count, 1, "the writes made before the first sync share it");
        assert!(!s.syncing);
    }
}
