//! A few worker threads that run a per-entry function (a jq program, a regular expression)
//! off the async runtime: a page goes in split across the workers through a bounded queue,
//! and comes back in order. The runtime's threads keep reading pages meanwhile.
//!
//! jaq has no fuel, so a program that never ends cannot be stopped. Each worker stamps when it
//! started its current entry; a wait that sees a stamp older than the limit gives up with
//! [`TooLong`]. The stuck worker is left to itself (the process ends with the error), and the
//! pool stays stuck, so every later wait gives up too: nothing is selected by a rule that
//! could not finish.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use crate::api::Entry;

/// What a worker runs on each entry.
pub type Work<R> = Arc<dyn Fn(&Entry) -> R + Send + Sync>;

type Task<R> = (Vec<Entry>, oneshot::Sender<(Vec<Entry>, Vec<R>)>);

/// How often a wait looks for a worker past the limit.
const TICK: Duration = Duration::from_millis(100);

/// An entry ran longer than the limit: the id, and the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLong {
    pub id: String,
    pub limit: Duration,
}

pub struct Pool<R> {
    queue: mpsc::Sender<Task<R>>,
    workers: usize,
    busy: Arc<Vec<Busy>>,
    epoch: Instant,
    limit: Duration,
}

/// When a worker started its current entry (ms since the pool's epoch, plus one; 0: idle),
/// and which entry it is.
#[derive(Default)]
struct Busy {
    since: AtomicU64,
    id: Mutex<String>,
}

impl<R: Send + 'static> Pool<R> {
    /// A pool of one worker per core (at most 4), each entry given at most `limit`.
    pub fn new(work: Work<R>, limit: Duration) -> Pool<R> {
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 4);
        let (queue, rx) = mpsc::channel::<Task<R>>(workers * 2);
        let rx = Arc::new(Mutex::new(rx));
        let busy: Arc<Vec<Busy>> = Arc::new((0..workers).map(|_| Busy::default()).collect());
        let epoch = Instant::now();
        for n in 0..workers {
            let (rx, busy, work) = (rx.clone(), busy.clone(), work.clone());
            std::thread::Builder::new()
                .name("dlq-content".into())
                .spawn(move || serve(&rx, &busy[n], epoch, work.as_ref()))
                .expect("a thread for --where/--grep");
        }
        Pool {
            queue,
            workers,
            busy,
            epoch,
            limit,
        }
    }

    /// Runs the work on every entry: the entries back with their results, in order.
    pub async fn run(&self, entries: Vec<Entry>) -> Result<Vec<(Entry, R)>, TooLong> {
        let all = self.all(entries);
        tokio::pin!(all);
        loop {
            tokio::select! {
                done = &mut all => return Ok(done),
                _ = tokio::time::sleep(TICK) => {
                    if let Some(stuck) = self.stuck() {
                        return Err(stuck);
                    }
                }
            }
        }
    }

    async fn all(&self, mut entries: Vec<Entry>) -> Vec<(Entry, R)> {
        let per = entries.len().div_ceil(self.workers).max(1);
        let mut replies = Vec::new();
        while !entries.is_empty() {
            let rest = entries.split_off(per.min(entries.len()));
            let (tx, rx) = oneshot::channel();
            // The workers live as long as the queue: a send fails only if one panicked.
            if self.queue.send((entries, tx)).await.is_err() {
                return std::future::pending().await;
            }
            replies.push(rx);
            entries = rest;
        }
        let mut out = Vec::new();
        for rx in replies {
            match rx.await {
                Ok((chunk, results)) => out.extend(chunk.into_iter().zip(results)),
                Err(_) => return std::future::pending().await,
            }
        }
        out
    }

    /// A worker on one entry for longer than the limit, if any.
    fn stuck(&self) -> Option<TooLong> {
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        let limit = self.limit.as_millis() as u64;
        self.busy.iter().find_map(|b| {
            let since = b.since.load(Ordering::Acquire);
            (since != 0 && now.saturating_sub(since) > limit).then(|| TooLong {
                id: b.id.lock().map(|s| s.clone()).unwrap_or_default(),
                limit: self.limit,
            })
        })
    }
}

fn serve<R>(
    rx: &Mutex<mpsc::Receiver<Task<R>>>,
    busy: &Busy,
    epoch: Instant,
    work: &(dyn Fn(&Entry) -> R + Send + Sync),
) {
    loop {
        // One worker waits on the queue at a time; the others wait for the lock.
        let task = match rx.lock() {
            Ok(mut rx) => rx.blocking_recv(),
            Err(_) => None,
        };
        let Some((chunk, reply)) = task else {
            return; // the pool is gone
        };
        let mut results = Vec::with_capacity(chunk.len());
        for e in &chunk {
            if let Ok(mut id) = busy.id.lock() {
                id.clone_from(&e.dlq_id);
            }
            busy.since
                .store(epoch.elapsed().as_millis() as u64 + 1, Ordering::Release);
            results.push(work(e));
        }
        busy.since.store(0, Ordering::Release);
        let _ = reply.send((chunk, results));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Entry {
        Entry {
            dlq_id: id.into(),
            ..Entry::default()
        }
    }

    #[tokio::test]
    async fn results_come_back_in_order() {
        let pool = Pool::new(Arc::new(|e: &Entry| e.dlq_id.len()), Duration::from_secs(5));
        let ids: Vec<String> = (0..250).map(|n| "x".repeat(n % 7 + 1)).collect();
        let out = pool
            .run(ids.iter().map(|i| entry(i)).collect())
            .await
            .unwrap();
        let got: Vec<(String, usize)> = out.into_iter().map(|(e, n)| (e.dlq_id, n)).collect();
        let want: Vec<(String, usize)> = ids.iter().map(|i| (i.clone(), i.len())).collect();
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn an_entry_past_the_limit_gives_up_and_names_it() {
        let pool = Pool::new(
            Arc::new(|e: &Entry| {
                if e.dlq_id == "slow" {
                    std::thread::sleep(Duration::from_secs(3600));
                }
            }),
            Duration::from_millis(300),
        );
        let err = pool
            .run(vec![entry("a"), entry("slow"), entry("b")])
            .await
            .unwrap_err();
        assert_eq!(err.id, "slow");
    }
}
