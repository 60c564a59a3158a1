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

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::stream::StreamExt;
use futures::FutureExt;

mod applied;
mod chunk;
mod publishing;
mod republish;
mod short;

use super::action::Action;
use super::action::BulkClient;
use super::callback::Ledger;
use super::cancel::Cancel;
use super::flow::Controller;
use super::idlist::{Chunks, IdList};
use super::outcome::{Outcome, Status, Summary};
use super::republish::{Republishing, Step};
use crate::api::ApiError;

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

/// Callback: reads of baselines under way at once ahead of the sends. Each reads up to
/// [`super::callback::RUN_BATCH`] runs in one request, more than the sends of a round trip
/// at the usual ceiling of requests in flight.
const READS_AHEAD: usize = 2;

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

/// A hook that must succeed before ids are sent (the journal's in-flight mark, synced). It may
/// wait for the disk: other requests go on meanwhile.
pub type Sending<'a> =
    &'a (dyn Fn(&[String]) -> futures::future::BoxFuture<'static, std::io::Result<()>> + Sync);

/// Republish: a hook that must succeed before the engine goes on past a step (the journal).
pub type Noting<'a> = &'a (dyn Fn(&Step) -> std::io::Result<()> + Sync);

pub struct Engine<'a> {
    pub api: &'a dyn BulkClient,
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
    /// Ids per request: the API's cap for the action.
    pub chunk_size: usize,
    /// Callback only: what each run showed before its callback was sent, to judge lost replies
    /// by (see [`super::callback`]). Its start is when the job began.
    pub callbacks: Ledger,
    /// Republish only: each entry's new message, what was published, and the journal of it.
    pub republish: Option<(&'a Republishing, Noting<'a>)>,
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
        api: &'a dyn BulkClient,
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
            chunk_size: action.verb.chunk_size(action.source),
            callbacks: Ledger::new(jiff::Timestamp::now().as_millisecond()),
            republish: None,
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
        ids: &IdList,
        unknown: &HashSet<String>,
        record: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> (Summary, Option<Halt>) {
        // Everything is planned already: no batch will come.
        let (_, rx) = tokio::sync::mpsc::unbounded_channel();
        let chunks = ids.chunks(self.chunk_size.max(1));
        self.run_from(chunks, rx, unknown, record).await
    }

    /// Runs the action over ids that arrive in batches (a pipelined run sends each listed
    /// page once it is journaled), until the sender is dropped. The ids of a batch are acted
    /// on in chunks, as many in flight as the [`Controller`] allows.
    pub async fn run_batches(
        &self,
        batches: tokio::sync::mpsc::UnboundedReceiver<Vec<String>>,
        unknown: &HashSet<String>,
        record: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> (Summary, Option<Halt>) {
        let none = IdList::default();
        self.run_from(none.chunks(1), batches, unknown, record)
            .await
    }

    /// Runs the action over `planned`, then over the ids that arrive in `batches`. The
    /// planned ids are read (from disk, for a long plan) only as chunks are started, so a
    /// large plan is never held in memory.
    async fn run_from(
        &self,
        mut planned: Chunks<'_>,
        mut batches: tokio::sync::mpsc::UnboundedReceiver<Vec<String>>,
        unknown: &HashSet<String>,
        record: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> (Summary, Option<Halt>) {
        let started = Instant::now();
        let mut summary = Summary::default();
        let size = self.chunk_size.max(1);
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
        summary.planned += planned.left() as u64;
        // Callback: the baselines of listed entries, read ahead of their sends.
        let mut reads = futures::stream::FuturesUnordered::new();
        loop {
            self.take_planned(&mut planned, &mut waiting);
            if !tail.is_empty() && (!open || (running.is_empty() && waiting.is_empty())) {
                waiting.push_back(std::mem::take(&mut tail));
            }
            while reads.len() < READS_AHEAD && !self.cancel.is_cancelled() {
                let Some(batch) = self.callbacks.ahead() else {
                    break;
                };
                reads.push(self.read_ahead(batch));
            }
            while running.len() < self.flow.limit() && !waiting.is_empty() {
                running.push(task(waiting.pop_front().unwrap()));
            }
            // A read ahead still under way is dropped: reads change nothing.
            if running.is_empty() && !open {
                break;
            }
            // A new batch and a finished chunk are awaited together: a pipelined run acts on
            // one page while the next is listed.
            tokio::select! {
                batch = batches.recv(), if open => match batch {
                    Some(ids) => {
                        summary.planned += ids.len() as u64;
                        whole_chunks(ids, &mut tail, &mut waiting, size);
                    }
                    None => open = false,
                },
                Some(()) = reads.next(), if !reads.is_empty() => {}
                Some(r) = running.next(), if !running.is_empty() => {
                    let mut outcomes = Vec::new();
                    self.finished(r, running.len(), &mut summary, &mut outcomes);
                    // Chunks that finished meanwhile are recorded with it: one journal sync
                    // for them all, however many requests (a callback's: an id each) end
                    // together.
                    while let Some(Some(r)) = running.next().now_or_never() {
                        self.finished(r, running.len(), &mut summary, &mut outcomes);
                    }
                    // A failed record stops new chunks but drains those in flight: dropping
                    // a request mid-flight would leave its outcome unknown.
                    if !outcomes.is_empty() {
                        if let Err(e) = record(&outcomes) {
                            self.stop(Halt::Journal(e));
                        }
                    }
                }
            }
            if self.cancel.is_cancelled() {
                // Nothing more starts: what waits is left for `--continue`.
                summary.pending += waiting.drain(..).map(|c| c.len() as u64).sum::<u64>();
                summary.pending += std::mem::take(&mut tail).len() as u64;
                summary.pending += planned.stop() as u64;
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

    /// Takes planned chunks until as many wait as may run. One that cannot be read stops the
    /// run; it and the rest stay planned, for `--continue`.
    fn take_planned(
        &self,
        planned: &mut Chunks<'_>,
        waiting: &mut std::collections::VecDeque<Vec<String>>,
    ) {
        while waiting.len() < self.flow.limit() && !self.cancel.is_cancelled() {
            match planned.take() {
                Some(Ok(chunk)) => waiting.push_back(chunk),
                Some(Err(e)) => {
                    let why = format!("cannot read the plan's ids back: {e}");
                    self.stop(Halt::Journal(std::io::Error::new(e.kind(), why)));
                }
                None => break,
            }
        }
    }

    /// A chunk ended, `running` others still in flight: what the server's replies say of its
    /// pressure, the counts and the progress; its outcomes join those to record.
    fn finished(
        &self,
        r: ChunkResult,
        running: usize,
        summary: &mut Summary,
        outcomes: &mut Vec<Outcome>,
    ) {
        let reading = self.api.pressure();
        if let (Some(p), Some(limit)) = (self.pacer, reading.limit) {
            p.server_limit(limit);
        }
        self.flow.observe(reading);
        self.progress.concurrency(running + 1, self.flow.limit());
        summary.pending += r.left as u64;
        r.outcomes.iter().for_each(|o| summary.count(o));
        if !r.outcomes.is_empty() {
            self.progress.advance(&r.outcomes);
        }
        outcomes.extend(r.outcomes);
    }

    fn stop(&self, why: Halt) {
        let mut h = self.halt.lock().unwrap();
        if h.is_none() {
            *h = Some(why);
        }
        self.cancel.cancel();
    }

    /// Waits for a request's slot; false when a stop came first: after a Ctrl-C or a halt
    /// nothing more is sent, and what is left waits for `--continue`.
    async fn pace(&self) -> bool {
        if let Some(p) = self.pacer {
            if !p.wait(self.cancel).await {
                return false;
            }
        }
        !self.cancel.is_cancelled()
    }

    /// Paces a mutation of `ids` and marks them in flight; false when it must not be sent.
    /// Counted only once it goes: a journal that cannot be written sends nothing.
    async fn ready_to_send(&self, ids: &[String]) -> bool {
        if !self.pace().await || !self.mark(ids).await {
            return false;
        }
        self.count_request();
        true
    }

    /// Paces a lookup; false when it must not be sent.
    async fn ready_to_ask(&self) -> bool {
        if !self.pace().await {
            return false;
        }
        self.count_request();
        true
    }

    fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Marks ids in flight; false (and the run halted) when that cannot be recorded.
    async fn mark(&self, ids: &[String]) -> bool {
        let Some(sending) = self.sending else {
            return true;
        };
        match sending(ids).await {
            Err(e) => {
                self.stop(Halt::Journal(e));
                false
            }
            Ok(()) => true,
        }
    }
}

/// Listed ids join the held `tail`; each whole chunk of it waits to be started.
fn whole_chunks(
    ids: Vec<String>,
    tail: &mut Vec<String>,
    waiting: &mut std::collections::VecDeque<Vec<String>>,
    size: usize,
) {
    tail.extend(ids);
    while tail.len() >= size {
        let rest = tail.split_off(size);
        waiting.push_back(std::mem::replace(tail, rest));
    }
}
