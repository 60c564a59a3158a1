//! Executing a frozen plan: chunks of ids, several in flight, paced, each with an exact account.
//!
//! A chunk is retried until every id in it has a definite outcome. When a reply is lost (a 5xx,
//! a reset, a timeout), the engine never re-sends blindly: it first asks the server which ids
//! still wait for the action and re-sends only those. A 404 for a chunk means some ids are gone;
//! they are found and reported, the rest re-sent. A chunk refused as a whole (400) is re-sent
//! id by id, so each id gets the server's own reason.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

use super::action::Action;
use super::outcome::{Outcome, Status, Summary};
use crate::api::{ApiError, Client};

/// Rounds per chunk before its remaining ids are reported as failed.
const ROUNDS: u32 = 8;
/// Reads in flight while reconciling one chunk.
const CHECKS: usize = 8;

/// Spaces requests out to at most `rps` a second across all tasks.
pub struct Pacer {
    gap: Duration,
    next: tokio::sync::Mutex<tokio::time::Instant>,
}

impl Pacer {
    pub fn new(rps: f64) -> Pacer {
        Pacer {
            gap: Duration::from_secs_f64(1.0 / rps.max(0.001)),
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + self.gap;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Progress as the engine sees it; `output` draws it.
pub trait Progress: Sync {
    fn advance(&self, outcomes: &[Outcome]);
}

pub struct Engine<'a> {
    pub api: &'a Client,
    pub action: &'a Action,
    pub concurrency: usize,
    pub pacer: Option<Pacer>,
    /// Set by Ctrl-C: chunks not yet started are left for `--continue`.
    pub cancel: &'a AtomicBool,
    pub progress: &'a dyn Progress,
    requests: AtomicU64,
}

/// What became of one chunk.
enum ChunkResult {
    Finished(Vec<Outcome>),
    /// Not attempted because the run was interrupted.
    Skipped(usize),
}

impl<'a> Engine<'a> {
    pub fn new(
        api: &'a Client,
        action: &'a Action,
        cancel: &'a AtomicBool,
        progress: &'a dyn Progress,
    ) -> Self {
        Engine {
            api,
            action,
            concurrency: 4,
            pacer: None,
            cancel,
            progress,
            requests: AtomicU64::new(0),
        }
    }

    /// Runs the action over `ids`; `record` sees every outcome once, in completion order, and
    /// may fail (a journal that cannot be written stops the run).
    pub async fn run(
        &self,
        ids: &[String],
        record: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> std::io::Result<Summary> {
        let started = Instant::now();
        let mut summary = Summary {
            planned: ids.len() as u64,
            ..Summary::default()
        };
        let size = self.action.verb.chunk_size(self.action.source);
        let mut results = stream::iter(ids.chunks(size))
            .map(|chunk| async move {
                if self.cancel.load(Ordering::SeqCst) {
                    ChunkResult::Skipped(chunk.len())
                } else {
                    ChunkResult::Finished(self.chunk(chunk.to_vec()).await)
                }
            })
            .buffer_unordered(self.concurrency.max(1));
        // A failed record stops new chunks but drains those in flight: dropping a request
        // mid-flight would leave its outcome unknown.
        let mut record_err = None;
        while let Some(r) = results.next().await {
            match r {
                ChunkResult::Finished(outcomes) => {
                    outcomes.iter().for_each(|o| summary.count(o));
                    self.progress.advance(&outcomes);
                    if record_err.is_none() {
                        if let Err(e) = record(&outcomes) {
                            self.cancel.store(true, Ordering::SeqCst);
                            record_err = Some(e);
                        }
                    }
                }
                ChunkResult::Skipped(n) => summary.pending += n as u64,
            }
        }
        if let Some(e) = record_err {
            return Err(e);
        }
        summary.interrupted = self.cancel.load(Ordering::SeqCst) && summary.pending > 0;
        summary.requests = self.requests.load(Ordering::SeqCst);
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    async fn pace(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        if let Some(p) = &self.pacer {
            p.wait().await;
        }
    }

    /// Drives one chunk to a definite outcome for each of its ids.
    async fn chunk(&self, ids: Vec<String>) -> Vec<Outcome> {
        let mut out = Vec::with_capacity(ids.len());
        let mut todo = ids; // known to still wait for the action
        let mut unknown: Vec<String> = Vec::new(); // the action may or may not have happened
        let mut last_err: Option<ApiError> = None;
        for round in 0..ROUNDS {
            // Done before any pause: a chunk that succeeded must not wait out a backoff.
            if todo.is_empty() && unknown.is_empty() {
                return out;
            }
            if round > 0 {
                let wait = match &last_err {
                    Some(ApiError::Status {
                        retry_after: Some(d),
                        ..
                    }) => *d,
                    _ => crate::api::backoff(round),
                };
                tokio::time::sleep(wait).await;
            }
            if !unknown.is_empty() {
                let (applied, pending, still_unknown) =
                    self.reconcile(std::mem::take(&mut unknown)).await;
                out.extend(applied.iter().map(|id| Outcome {
                    error: Some(
                        "reply lost; the action was applied but its new id is unknown".into(),
                    ),
                    ..Outcome::done(id)
                }));
                todo.extend(pending);
                unknown = still_unknown;
            }
            if todo.is_empty() {
                continue;
            }
            self.pace().await;
            match self.action.apply_chunk(self.api, &todo).await {
                Ok(done) => {
                    out.extend(done);
                    todo.clear();
                }
                Err(e) if e.status() == Some(404) && todo.len() == 1 => {
                    out.push(Outcome::failed(&todo[0], Status::NotFound, e.reason()));
                    todo.clear();
                }
                Err(e) if e.status() == Some(404) => {
                    // Some ids are gone and the server changed nothing: find them.
                    let (gone, pending, unsure) = self.reconcile(std::mem::take(&mut todo)).await;
                    out.extend(
                        gone.iter()
                            .map(|id| Outcome::failed(id, Status::NotFound, "not in the DLQ")),
                    );
                    todo = pending;
                    unknown.extend(unsure);
                    last_err = Some(e);
                }
                Err(e) if matches!(e.status(), Some(400..=499)) && e.status() != Some(429) => {
                    out.extend(self.one_by_one(std::mem::take(&mut todo)).await);
                }
                Err(e) if e.outcome_unknown() => {
                    unknown.append(&mut todo);
                    last_err = Some(e);
                }
                Err(e) => last_err = Some(e), // rate limited or never sent: same ids again
            }
        }
        let reason = last_err.map_or("gave up".to_string(), |e| e.reason());
        let reason = format!("gave up after {ROUNDS} rounds: {reason}");
        out.extend(
            todo.iter()
                .map(|id| Outcome::failed(id, Status::Failed, reason.clone())),
        );
        out.extend(unknown.iter().map(|id| {
            Outcome::failed(
                id,
                Status::Failed,
                format!("outcome unknown (could not check); {reason}"),
            )
        }));
        out
    }

    /// Splits ids into (applied, still waiting, could not tell) by asking the server.
    async fn reconcile(&self, ids: Vec<String>) -> (Vec<String>, Vec<String>, Vec<String>) {
        let checks = stream::iter(ids)
            .map(|id| async move {
                self.pace().await;
                let r = self.action.was_applied(self.api, &id).await;
                (id, r)
            })
            .buffer_unordered(CHECKS)
            .collect::<Vec<_>>()
            .await;
        let (mut applied, mut pending, mut unsure) = (Vec::new(), Vec::new(), Vec::new());
        for (id, r) in checks {
            match r {
                Ok(true) => applied.push(id),
                Ok(false) => pending.push(id),
                Err(_) => unsure.push(id),
            }
        }
        (applied, pending, unsure)
    }

    /// Sends each id on its own, for per-id reasons when the server refused a whole chunk.
    async fn one_by_one(&self, ids: Vec<String>) -> Vec<Outcome> {
        stream::iter(ids)
            .map(|id| async move {
                self.pace().await;
                match self.action.apply_one(self.api, &id).await {
                    Ok(o) => o,
                    Err(e) if e.status() == Some(404) => {
                        Outcome::failed(&id, Status::NotFound, e.reason())
                    }
                    Err(e) if e.outcome_unknown() => {
                        match self.action.was_applied(self.api, &id).await {
                            Ok(true) => Outcome {
                                error: Some("reply lost; applied".into()),
                                ..Outcome::done(&id)
                            },
                            _ => Outcome::failed(&id, Status::Failed, e.reason()),
                        }
                    }
                    Err(e) => Outcome::failed(&id, Status::Failed, e.reason()),
                }
            })
            .buffer_unordered(CHECKS)
            .collect()
            .await
    }
}

/// `--server-side`: drives the API's own filter-and-cursor bulk call until no cursor is left.
///
/// Fewest requests, no preview and no per-entry account. A lost reply is answered by sending the
/// same cursor again, which is safe: entries already acted on no longer match.
pub async fn server_side(
    api: &Client,
    action: &Action,
    filter: &crate::api::Filter,
    limit: Option<u64>,
    cancel: &AtomicBool,
    progress: &dyn Progress,
) -> Result<Summary, ApiError> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut cursor: Option<String> = None;
    let mut failures = 0;
    loop {
        if cancel.load(Ordering::SeqCst) {
            summary.interrupted = true;
            break;
        }
        let count = limit.map(|l| (l - summary.done).min(100) as u32);
        if count == Some(0) {
            break;
        }
        summary.requests += 1;
        match action
            .apply_matching(api, filter, count.or(Some(100)), cursor.as_deref())
            .await
        {
            Ok((n, next)) => {
                failures = 0;
                summary.done += n;
                progress.advance(&[]);
                match next {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            Err(e) if failures < ROUNDS && (e.outcome_unknown() || e.status() == Some(429)) => {
                failures += 1;
                let wait = match &e {
                    ApiError::Status {
                        retry_after: Some(d),
                        ..
                    } => *d,
                    _ => crate::api::backoff(failures),
                };
                tokio::time::sleep(wait).await;
            }
            Err(e) => return Err(e),
        }
    }
    summary.planned = summary.done;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
