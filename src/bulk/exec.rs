//! Executing a frozen plan: chunks of ids, several in flight, paced, each with an exact account.
//!
//! A chunk is retried until every id in it has a definite outcome. When a reply is lost (a 5xx,
//! a reset, a timeout, a 2xx whose body cannot be read), the engine never re-sends blindly: it
//! first asks the server which ids still wait for the action and re-sends only those. A 404 for
//! a chunk means some ids are gone; they are found and reported, the rest re-sent. A chunk
//! refused as a whole (400) is re-sent id by id, so each id gets the server's own reason. A
//! refused token (401, 403) stops the whole run at once: every other request would be refused
//! too. So does a redirect: the base URL points somewhere that answers every request that way,
//! and a redirected mutation may have been acted on (a 303 after a POST says it was), so its
//! ids stay in flight for `--continue` to check instead of being sent again.
//!
//! Before each mutation is sent, its ids are handed to [`Engine::sending`] (the journal marks
//! them in flight), so a run killed mid-request leaves ids that `--continue` checks first.

mod short;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

use super::action::Action;
use super::cancel::Cancel;
use super::flow::Controller;
use super::outcome::{Outcome, Status, Summary};
use crate::api::{ApiError, Client};

/// Rounds per chunk before its remaining ids are reported as failed.
const ROUNDS: u32 = 8;
/// Reads in flight while reconciling one chunk.
const CHECKS: usize = 8;

/// Spaces requests out: at most `--rps` a second across all tasks, and, once the server says
/// its per-second limit (`Burst-RateLimit-Limit`), a little under that, so a run keeps close to
/// the limit without running into it.
pub struct Pacer {
    /// The gap `--rps` asks for.
    asked: Option<Duration>,
    /// The gap the server's limit asks for, in nanoseconds; 0 until it says.
    server: std::sync::atomic::AtomicU64,
    next: tokio::sync::Mutex<tokio::time::Instant>,
}

/// The share of the server's limit a run uses: headroom for other clients and clock skew.
const SERVER_SHARE: f64 = 0.95;

impl Pacer {
    /// A pacer for `--rps` (none: only the server's limit, once known, paces).
    pub fn new(rps: Option<f64>) -> Pacer {
        Pacer {
            asked: rps.map(|r| Duration::from_secs_f64(1.0 / r.max(0.001))),
            server: Default::default(),
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// The server allows `limit` requests a second.
    pub fn server_limit(&self, limit: u64) {
        let gap = Duration::from_secs_f64(1.0 / (limit as f64 * SERVER_SHARE));
        self.server.store(gap.as_nanos() as u64, Ordering::Relaxed);
    }

    fn gap(&self) -> Duration {
        let server = Duration::from_nanos(self.server.load(Ordering::Relaxed));
        self.asked.map_or(server, |a| a.max(server))
    }

    /// Waits for the next slot; false when a cancel came first (then nothing may be sent).
    pub async fn wait(&self, cancel: &Cancel) -> bool {
        let gap = self.gap();
        if gap.is_zero() {
            return !cancel.is_cancelled();
        }
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + gap;
            slot
        };
        cancel.sleep_until(slot).await
    }
}

/// Progress as the engine sees it; `output` draws it.
pub trait Progress: Sync {
    fn advance(&self, outcomes: &[Outcome]);
    /// The engine is about to wait `d` before trying again, because of `why`.
    fn waiting(&self, _d: Duration, _why: &str) {}
    /// `n` more entries were acted on where there is no per-entry account (server-side).
    fn acted(&self, _n: u64) {}
    /// Requests in flight now, and how many the run allows at the moment.
    fn concurrency(&self, _in_flight: usize, _limit: usize) {}
}

/// Why a run stopped before its plan was done, besides a Ctrl-C.
#[derive(Debug)]
pub enum Halt {
    /// The journal could not be written: nothing more may be sent.
    Journal(std::io::Error),
    /// The server refused the token: every other request would be refused too.
    Refused(ApiError),
    /// The run met an error it cannot go past (a looping cursor, a server that keeps failing
    /// a server-side run, a redirect): what was done so far stands, and the job can be
    /// continued.
    Failed(ApiError),
}

/// A hook that must succeed before ids are sent (the journal's in-flight mark).
pub type Sending<'a> = &'a (dyn Fn(&[String]) -> std::io::Result<()> + Sync);

pub struct Engine<'a> {
    pub api: &'a Client,
    pub action: &'a Action,
    /// How many chunks are in flight at once.
    pub flow: Controller,
    pub pacer: Option<&'a Pacer>,
    /// Set by Ctrl-C: chunks not yet started are left for `--continue`.
    pub cancel: &'a Cancel,
    pub progress: &'a dyn Progress,
    pub sending: Option<Sending<'a>>,
    /// The longest the engine waits in back-off for one chunk before giving up on it.
    pub budget: Duration,
    requests: AtomicU64,
    halt: Mutex<Option<Halt>>,
}

/// What became of one chunk: outcomes, and how many ids were left untried.
struct ChunkResult {
    outcomes: Vec<Outcome>,
    left: usize,
}

impl<'a> Engine<'a> {
    pub fn new(
        api: &'a Client,
        action: &'a Action,
        cancel: &'a Cancel,
        progress: &'a dyn Progress,
    ) -> Self {
        Engine {
            api,
            action,
            flow: Controller::fixed(4),
            pacer: None,
            cancel,
            progress,
            sending: None,
            budget: Duration::from_secs(60),
            requests: AtomicU64::new(0),
            halt: Mutex::new(None),
        }
    }

    /// Runs the action over `ids`; ids in `unknown` may already have been acted on (they were
    /// in flight when an earlier run stopped) and are checked before anything is sent for them.
    /// `record` sees every outcome once, in completion order, and may fail (a journal that
    /// cannot be written stops the run).
    pub async fn run(
        &self,
        ids: &[String],
        unknown: &HashSet<String>,
        record: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> (Summary, Option<Halt>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        // Everything is planned already: one batch, then the end.
        let _ = tx.send(ids.to_vec());
        drop(tx);
        self.run_batches(rx, unknown, record).await
    }

    /// Runs the action over ids that arrive in batches (a pipelined run sends each listed
    /// page once it is journaled), until the sender is dropped. The ids of a batch are acted
    /// on in chunks, as many in flight as the [`Controller`] allows.
    pub async fn run_batches(
        &self,
        mut batches: tokio::sync::mpsc::UnboundedReceiver<Vec<String>>,
        unknown: &HashSet<String>,
        record: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> (Summary, Option<Halt>) {
        let started = Instant::now();
        let mut summary = Summary::default();
        let size = self.action.verb.chunk_size(self.action.source);
        let mut waiting: std::collections::VecDeque<Vec<String>> = Default::default();
        // Ids short of a whole chunk: held while more may come and others are in flight, so
        // pages cut short (a slice's last page, repeats dropped) do not cost extra requests.
        let mut tail: Vec<String> = Vec::new();
        let mut open = true;
        let mut running = futures::stream::FuturesUnordered::new();
        let task = |chunk: Vec<String>| async move {
            if self.cancel.is_cancelled() {
                return ChunkResult {
                    outcomes: Vec::new(),
                    left: chunk.len(),
                };
            }
            let (todo, maybe): (Vec<String>, Vec<String>) =
                chunk.into_iter().partition(|id| !unknown.contains(id));
            self.chunk(todo, maybe).await
        };
        loop {
            if !tail.is_empty() && (!open || (running.is_empty() && waiting.is_empty())) {
                waiting.push_back(std::mem::take(&mut tail));
            }
            while running.len() < self.flow.limit() && !waiting.is_empty() {
                running.push(task(waiting.pop_front().unwrap()));
            }
            if running.is_empty() && !open {
                break;
            }
            // A new batch and a finished chunk are awaited together: a pipelined run acts on
            // one page while the next is listed.
            tokio::select! {
                batch = batches.recv(), if open => match batch {
                    Some(ids) => {
                        summary.planned += ids.len() as u64;
                        tail.extend(ids);
                        while tail.len() >= size {
                            let rest = tail.split_off(size);
                            waiting.push_back(std::mem::replace(&mut tail, rest));
                        }
                    }
                    None => open = false,
                },
                Some(r) = running.next(), if !running.is_empty() => {
                    let reading = self.api.pressure();
                    if let (Some(p), Some(limit)) = (self.pacer, reading.limit) {
                        p.server_limit(limit);
                    }
                    self.flow.observe(reading);
                    self.progress.concurrency(running.len() + 1, self.flow.limit());
                    summary.pending += r.left as u64;
                    if !r.outcomes.is_empty() {
                        r.outcomes.iter().for_each(|o| summary.count(o));
                        self.progress.advance(&r.outcomes);
                        // A failed record stops new chunks but drains those in flight:
                        // dropping a request mid-flight would leave its outcome unknown.
                        if let Err(e) = record(&r.outcomes) {
                            self.stop(Halt::Journal(e));
                        }
                    }
                }
            }
            if self.cancel.is_cancelled() {
                // Nothing more starts: what waits is left for `--continue`.
                summary.pending += waiting.drain(..).map(|c| c.len() as u64).sum::<u64>();
                summary.pending += std::mem::take(&mut tail).len() as u64;
            }
        }
        summary.interrupted = self.cancel.is_cancelled() && summary.pending > 0;
        summary.requests = self.requests.load(Ordering::SeqCst);
        summary.seconds = started.elapsed().as_secs_f64();
        let halt = self.halt.lock().unwrap().take();
        if halt.is_some() {
            summary.interrupted = false;
        }
        (summary, halt)
    }

    fn stop(&self, why: Halt) {
        let mut h = self.halt.lock().unwrap();
        if h.is_none() {
            *h = Some(why);
        }
        self.cancel.cancel();
    }

    /// Waits for a request's slot and counts it; false when a stop came first: after a
    /// Ctrl-C or a halt nothing more is sent, and what is left waits for `--continue`.
    async fn pace(&self) -> bool {
        if let Some(p) = self.pacer {
            if !p.wait(self.cancel).await {
                return false;
            }
        }
        if self.cancel.is_cancelled() {
            return false;
        }
        self.requests.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// Marks ids in flight; false (and the run halted) when that cannot be recorded.
    fn mark(&self, ids: &[String]) -> bool {
        match self.sending.map(|f| f(ids)) {
            Some(Err(e)) => {
                self.stop(Halt::Journal(e));
                false
            }
            _ => true,
        }
    }

    /// Drives one chunk to a definite outcome for each of its ids. `unknown` ids may have been
    /// acted on already and are checked first.
    async fn chunk(&self, ids: Vec<String>, maybe: Vec<String>) -> ChunkResult {
        let total = ids.len() + maybe.len();
        let mut out = Vec::with_capacity(total);
        let mut todo = ids; // known to still wait for the action
        let mut unknown = maybe; // the action may or may not have happened
        let mut last_err: Option<ApiError> = None;
        let mut waited = Duration::ZERO;
        for round in 0..ROUNDS {
            // Done before any pause: a chunk that succeeded must not wait out a backoff.
            if todo.is_empty() && unknown.is_empty() {
                break;
            }
            if round > 0 {
                let wait = match &last_err {
                    Some(ApiError::Status {
                        retry_after: Some(d),
                        ..
                    }) => *d,
                    _ => crate::api::backoff(round),
                };
                if waited + wait > self.budget {
                    last_err = Some(ApiError::Invalid(format!(
                        "the retry budget of {}s is spent",
                        self.budget.as_secs()
                    )));
                    break;
                }
                waited += wait;
                if wait >= Duration::from_secs(1) {
                    let why = last_err
                        .as_ref()
                        .map_or("retrying".into(), |e| e.wait_reason());
                    self.progress.waiting(wait, &why);
                }
                if !self.cancel.sleep(wait).await {
                    break;
                }
            }
            if !unknown.is_empty() {
                let (applied, pending, still_unknown) =
                    self.reconcile(std::mem::take(&mut unknown)).await;
                out.extend(applied.iter().map(|id| self.applied_unseen(id)));
                todo.extend(pending);
                unknown = still_unknown;
            }
            if todo.is_empty() {
                continue;
            }
            if !self.pace().await || !self.mark(&todo) {
                break;
            }
            match self.apply(&todo).await {
                Ok(done) => {
                    out.extend(done);
                    todo.clear();
                }
                Err(e) if matches!(e.status(), Some(401 | 403)) => {
                    // Nothing was applied; the ids stay as they were, for a later run.
                    self.stop(Halt::Refused(e));
                    break;
                }
                Err(e @ ApiError::Redirect { .. }) => {
                    // Re-sending would only be redirected again. The server may have acted,
                    // so the ids stay marked in flight: `--continue` checks them first.
                    self.stop(Halt::Failed(e));
                    break;
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
        // Finished, or stopped by a cancel or a halt: what was never sent is left for
        // `--continue`, and ids whose outcome is unknown stay marked in flight, so
        // `--continue` checks them first.
        if (todo.is_empty() && unknown.is_empty()) || self.cancel.is_cancelled() {
            return ChunkResult {
                left: total - out.len(),
                outcomes: out,
            };
        }
        let reason = last_err.map_or("gave up".to_string(), |e| e.reason());
        let reason = format!("gave up: {reason}");
        out.extend(
            todo.iter()
                .map(|id| Outcome::failed(id, Status::Failed, reason.clone())),
        );
        out.extend(unknown.iter().map(|id| {
            Outcome::failed(
                id,
                Status::Unknown,
                format!("the reply was lost and the server could not be asked; {reason}"),
            )
        }));
        ChunkResult {
            left: total - out.len(),
            outcomes: out,
        }
    }

    /// Done, found so after the reply was lost: a verb that creates something cannot say what.
    fn applied_unseen(&self, id: &str) -> Outcome {
        let why = match self.action.verb {
            super::action::Verb::Delete => "acted on, but the reply was lost",
            _ => "acted on, but the reply was lost: new id unknown",
        };
        Outcome {
            error: Some(why.into()),
            ..Outcome::done(id)
        }
    }

    /// Splits ids into (applied, still waiting, could not tell) by asking the server.
    async fn reconcile(&self, ids: Vec<String>) -> (Vec<String>, Vec<String>, Vec<String>) {
        let checks = stream::iter(ids)
            .map(|id| async move {
                if !self.pace().await {
                    return (id, Err(None));
                }
                let r = self.action.was_applied(self.api, &id).await;
                (id, r.map_err(Some))
            })
            .buffer_unordered(CHECKS)
            .collect::<Vec<_>>()
            .await;
        let (mut applied, mut pending, mut unsure) = (Vec::new(), Vec::new(), Vec::new());
        for (id, r) in checks {
            match r {
                Ok(true) => applied.push(id),
                Ok(false) => pending.push(id),
                Err(Some(e)) if matches!(e.status(), Some(401 | 403)) => {
                    self.stop(Halt::Refused(e));
                    unsure.push(id);
                }
                Err(Some(e @ ApiError::Redirect { .. })) => {
                    self.stop(Halt::Failed(e));
                    unsure.push(id);
                }
                Err(_) => unsure.push(id),
            }
        }
        (applied, pending, unsure)
    }

    /// Sends each id on its own, for per-id reasons when the server refused a whole chunk.
    async fn one_by_one(&self, ids: Vec<String>) -> Vec<Outcome> {
        stream::iter(ids)
            .map(|id| async move {
                if !self.pace().await || !self.mark(std::slice::from_ref(&id)) {
                    return None;
                }
                Some(match self.action.apply_one(self.api, &id).await {
                    Ok(o) => o,
                    Err(e) if matches!(e.status(), Some(401 | 403)) => {
                        self.stop(Halt::Refused(e));
                        return None;
                    }
                    Err(e @ ApiError::Redirect { .. }) => {
                        self.stop(Halt::Failed(e));
                        return None;
                    }
                    Err(e) if e.status() == Some(404) => {
                        Outcome::failed(&id, Status::NotFound, e.reason())
                    }
                    Err(e) if e.outcome_unknown() => {
                        match self.action.was_applied(self.api, &id).await {
                            Ok(true) => self.applied_unseen(&id),
                            Ok(false) => Outcome::failed(&id, Status::Failed, e.reason()),
                            Err(_) => Outcome::failed(&id, Status::Unknown, e.reason()),
                        }
                    }
                    Err(e) => Outcome::failed(&id, Status::Failed, e.reason()),
                })
            })
            .buffer_unordered(CHECKS)
            .filter_map(|o| async move { o })
            .collect()
            .await
    }
}
