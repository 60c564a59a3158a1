//! `--server-side`: drives the API's own filter-and-cursor bulk call until no cursor is left.
//!
//! Fewest requests, no preview and no per-entry account. A lost reply is answered by sending the
//! same cursor again, which is safe: entries already acted on no longer match. What the lost
//! request did is unknown, so it is counted as "unconfirmed": the true count lies between
//! `done` and `done + unconfirmed`, and `--limit N` is never exceeded because every request
//! asks for at most `N - done - unconfirmed` entries.
//!
//! Servers that misbehave cannot make it loop: a cursor returned twice, or a long run of empty
//! pages that still carry a cursor, stop the run with an error.

use std::time::{Duration, Instant};

use super::action::Action;
use super::action::BulkClient;
use super::cancel::Cancel;
use super::exec::{Halt, Pacer, Progress};
use super::journal::ServerProgress as Done;
use super::outcome::Summary;
use super::pages::Guard;
use crate::api::{backoff, ApiError, Filter};

/// Consecutive failed requests before the run gives up.
const ROUNDS: u32 = 8;

pub struct ServerSide<'a> {
    pub api: &'a dyn BulkClient,
    pub action: &'a Action,
    pub filter: &'a Filter,
    pub limit: Option<u64>,
    pub cancel: &'a Cancel,
    pub progress: &'a dyn Progress,
    pub pacer: Option<Pacer>,
    /// The longest the run waits in back-off for one request before giving up.
    pub budget: Duration,
}

impl ServerSide<'_> {
    /// Runs from `start` (the progress of earlier runs of the same job); `record` sees the
    /// cumulative progress after every request.
    pub async fn run(
        &self,
        start: Done,
        record: &mut dyn FnMut(Done) -> std::io::Result<()>,
    ) -> (Summary, Option<Halt>) {
        let started = Instant::now();
        let mut at = start;
        let mut requests = 0u64;
        let mut cursor: Option<String> = None;
        let mut guard = Guard::default();
        let mut failures = 0u32;
        let mut waited = Duration::ZERO;
        let mut halt = None;
        loop {
            let count = match self.limit {
                Some(l) => l.saturating_sub(at.done + at.unconfirmed).min(100) as u32,
                None => 100,
            };
            if count == 0 || self.cancel.is_cancelled() {
                break;
            }
            if let Some(p) = &self.pacer {
                if !p.wait(self.cancel).await {
                    break;
                }
            }
            requests += 1;
            let result = self
                .action
                .apply_matching(self.api, self.filter, Some(count), cursor.as_deref())
                .await;
            match result {
                Ok((n, next)) => {
                    (failures, waited) = (0, Duration::ZERO);
                    at.done += n;
                    if let Err(e) = record(at) {
                        halt = Some(Halt::Journal(e));
                        break;
                    }
                    self.progress.acted(n);
                    match guard.step(n == 0, next) {
                        Ok(None) => break,
                        Ok(Some(c)) => cursor = Some(c),
                        Err(e) => {
                            halt = Some(Halt::Failed(e));
                            break;
                        }
                    }
                }
                Err(e) if matches!(e.status(), Some(401 | 403)) => {
                    halt = Some(Halt::Refused(e));
                    break;
                }
                Err(e) if failures < ROUNDS && (e.outcome_unknown() || e.status() == Some(429)) => {
                    failures += 1;
                    if e.outcome_unknown() {
                        // It may have acted on up to `count` entries: never ask beyond the limit.
                        at.unconfirmed += u64::from(count);
                        if let Err(e) = record(at) {
                            halt = Some(Halt::Journal(e));
                            break;
                        }
                    }
                    let wait = match &e {
                        ApiError::Status {
                            retry_after: Some(d),
                            ..
                        } => *d,
                        _ => backoff(failures),
                    };
                    if waited + wait > self.budget {
                        halt = Some(Halt::Failed(e));
                        break;
                    }
                    waited += wait;
                    if wait >= Duration::from_secs(1) {
                        self.progress.waiting(wait, &e.wait_reason());
                    }
                    if !self.cancel.sleep(wait).await {
                        break;
                    }
                }
                Err(e) => {
                    halt = Some(Halt::Failed(e));
                    break;
                }
            }
        }
        let summary = Summary {
            planned: at.done + at.unconfirmed,
            done: at.done,
            unconfirmed: at.unconfirmed,
            requests,
            seconds: started.elapsed().as_secs_f64(),
            interrupted: self.cancel.is_cancelled() && halt.is_none(),
            ..Summary::default()
        };
        (summary, halt)
    }
}
