//! The ledger of one run's callbacks: each entry's baseline, taken before its first send (many
//! at once where the plan listed the runs), and the look after a lost reply that judges by it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::book::Book;
use super::{judge, Applied, Baseline, RunRef, RUN_BATCH};
use crate::api::{ApiError, Source};
use crate::bulk::action::BulkClient;

/// How many times an entry's own baseline read is tried before its first send.
const BASELINE_TRIES: usize = 3;
/// How long a send waits for a read under way that has its entry before it reads its own: a
/// read that slow is stuck, not merely queued behind the others.
const PATIENCE: Duration = Duration::from_secs(2);
/// How many baselines are read ahead of the sends at most (taken or being read, not sent):
/// enough for the sends of a few round trips at the ceiling of requests in flight.
const AHEAD: usize = 4 * RUN_BATCH;
/// The wire name of a failure callback that was called and has not answered yet.
const IN_PROGRESS: &str = "CALLBACK_INPROGRESS";

/// One look at the server after a lost reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// What the server's logs say of it.
    Told(Applied),
    /// The run logs show no call after the baseline, yet the callback reads
    /// `CALLBACK_INPROGRESS`: a call is under way that they do not show (yet). Sending now
    /// would be refused; look again later.
    Running,
}

/// The baselines of one run's callbacks.
pub struct Ledger {
    /// When the job began (its plan was made): with no baseline, a call that started well after
    /// this is the job's own.
    since_ms: i64,
    book: Book,
    /// A read ahead failed: no more are made.
    ahead_failed: AtomicBool,
}

impl Ledger {
    pub fn new(since_ms: i64) -> Ledger {
        Ledger {
            since_ms,
            book: Book::default(),
            ahead_failed: AtomicBool::new(false),
        }
    }

    /// The runs of entries as the plan listed them, none of them sent yet: their baselines are
    /// read many at once. Never for ids an earlier run may have sent: a baseline read after a
    /// send would hide it. Entries already read or sent are left out.
    pub fn know(&self, runs: impl IntoIterator<Item = (String, RunRef)>) {
        self.book.pool(runs);
    }

    /// Whether `id` has a baseline already, or was sent.
    pub fn has(&self, id: &str) -> bool {
        self.book.has(id)
    }

    /// The run of `id`, once its baseline was taken.
    pub fn run_of(&self, id: &str) -> Option<RunRef> {
        self.book.get(id).map(|b| b.run)
    }

    /// Notes the newest call of `id`'s run before its callback is first sent, then closes its
    /// slot: nothing read after this is ever taken in for it. A read ahead that drew it is
    /// waited for, up to [`PATIENCE`]; a failed read is tried again (before the send, a read
    /// can only help: without a baseline a lost reply is judged by time, which often cannot
    /// tell); after [`BASELINE_TRIES`] the send goes ahead anyway.
    pub async fn before_send(&self, api: &dyn BulkClient, id: &str) -> Result<(), ApiError> {
        let mut read = Ok(());
        for _ in 0..BASELINE_TRIES {
            // A read under way that drew it is waited for, rather than read a second time.
            self.book.answered(id, PATIENCE).await;
            if self.book.has(id) {
                read = Ok(());
                break;
            }
            read = self.take(api, id).await;
            if read.is_ok() {
                break;
            }
        }
        self.book.close(id);
        read
    }

    /// The next entries to read the baselines of ahead of their sends (at most
    /// [`RUN_BATCH`], the first to be sent), while fewer than [`AHEAD`] are read and not sent;
    /// none once a read ahead failed (each send then reads its own, and retries it).
    pub fn ahead(&self) -> Option<Vec<(String, RunRef)>> {
        if self.ahead_failed.load(Ordering::Relaxed) {
            return None;
        }
        let batch = self.book.ahead(RUN_BATCH, AHEAD);
        (!batch.is_empty()).then_some(batch)
    }

    /// Reads the baselines of a batch [`Ledger::ahead`] drew; each entry takes its own only if
    /// nothing came first (the book refuses an answer landing after its send).
    pub async fn read_ahead(&self, api: &dyn BulkClient, batch: Vec<(String, RunRef)>) {
        if self.read(api, batch).await.is_err() {
            self.ahead_failed.store(true, Ordering::Relaxed);
        }
    }

    /// Reads `id`'s baseline; with runs known from the plan, those of up to [`RUN_BATCH`]
    /// entries not sent yet with it (the next to be sent). Each of them takes it only if
    /// nothing came first (its own read, or its send): an answer that lands late is refused
    /// by the book.
    async fn take(&self, api: &dyn BulkClient, id: &str) -> Result<(), ApiError> {
        let (own, others) = self.book.draw(id, RUN_BATCH - 1);
        let run = match own {
            Some(run) => run,
            None => match run_of(api, id).await {
                Ok(Some(run)) => run,
                // Not in the DLQ: the callback request will say so.
                Ok(None) => return self.give_back(others, Ok(())),
                Err(e) => return self.give_back(others, Err(e)),
            },
        };
        let mut batch = vec![(id.to_string(), run)];
        batch.extend(others);
        self.read(api, batch).await
    }

    /// One read of `batch`'s baselines, each offered to its entry; on failure they go back
    /// to the pool, for a later read (their own, or another shared one).
    async fn read(
        &self,
        api: &dyn BulkClient,
        batch: Vec<(String, RunRef)>,
    ) -> Result<(), ApiError> {
        let newest = match newest_calls(api, &batch).await {
            Ok(n) => n,
            Err(e) => return self.give_back(batch, Err(e)),
        };
        for (entry, run) in batch {
            let newest = newest.get(&run).cloned();
            self.book.offer(&entry, Baseline { run, newest });
        }
        self.book.read_ended();
        Ok(())
    }

    fn give_back(
        &self,
        runs: impl IntoIterator<Item = (String, RunRef)>,
        r: Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        self.book.give_back(runs);
        r
    }

    /// After a lost reply for `id`: did its callback run?
    pub async fn check(&self, api: &dyn BulkClient, id: &str) -> Result<Look, ApiError> {
        let before = self.book.get(id);
        let run = match &before {
            Some(b) => b.run.clone(),
            None => match run_of(api, id).await? {
                Some(r) => r,
                None => {
                    return Ok(Look::Told(Applied::Unconfirmed(
                        "reply lost, and the run has left the DLQ: whether its callback ran \
                         cannot be told"
                            .into(),
                    )))
                }
            },
        };
        let after = newest_call(api, &run).await?;
        let first_log = match (&before, &after) {
            (None, Some(m)) => first_log_ms(api, m).await?,
            _ => None,
        };
        let verdict = judge(before.as_ref(), after.as_deref(), first_log, self.since_ms);
        if verdict == Applied::No && running(api, id).await? {
            return Ok(Look::Running);
        }
        Ok(Look::Told(verdict))
    }
}

/// Whether `id`'s failure callback reads in progress (a run gone from the DLQ does not).
async fn running(api: &dyn BulkClient, id: &str) -> Result<bool, ApiError> {
    match api.get(Source::Workflow, id).await {
        Ok(e) => Ok(e.callback_state() == Some(IN_PROGRESS)),
        Err(e) if e.status() == Some(404) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The run of a failed workflow run's DLQ entry; `None` when it is not in the DLQ.
async fn run_of(api: &dyn BulkClient, id: &str) -> Result<Option<RunRef>, ApiError> {
    match api.get(Source::Workflow, id).await {
        Ok(e) => Ok(e.workflow_run_id.map(|r| (r, e.workflow_created_at))),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The message id of the run's newest failure-function call, as the run logs show it.
async fn newest_call(api: &dyn BulkClient, run: &RunRef) -> Result<Option<String>, ApiError> {
    let page = api.run_logs(std::slice::from_ref(run), None).await?;
    Ok(page
        .runs
        .into_iter()
        .filter(|r| r.workflow_run_id == run.0)
        .filter(|r| run.1.is_none() || r.workflow_run_created_at.is_none_or(|t| Some(t) == run.1))
        .find_map(|r| r.failure_function.and_then(|f| f.message_id)))
}

/// The newest failure-function call of each of `batch`'s runs, by run, as the run logs show
/// them: one request for them all (and one more per further page).
async fn newest_calls(
    api: &dyn BulkClient,
    batch: &[(String, RunRef)],
) -> Result<HashMap<RunRef, String>, ApiError> {
    let runs: Vec<RunRef> = batch.iter().map(|(_, r)| r.clone()).collect();
    if let [run] = runs.as_slice() {
        return Ok(newest_call(api, run)
            .await?
            .map(|m| (run.clone(), m))
            .into_iter()
            .collect());
    }
    let mut out = HashMap::new();
    let mut cursor: Option<String> = None;
    let mut guard = crate::bulk::pages::Guard::default();
    loop {
        let page = api.run_logs(&runs, cursor.as_deref()).await?;
        let empty = page.runs.is_empty();
        for r in page.runs {
            let Some(run) = runs.iter().find(|(id, at)| {
                *id == r.workflow_run_id
                    && (at.is_none() || r.workflow_run_created_at.is_none_or(|t| Some(t) == *at))
            }) else {
                continue;
            };
            if let Some(m) = r.failure_function.and_then(|f| f.message_id) {
                out.entry(run.clone()).or_insert(m);
            }
        }
        match guard.step(empty, page.cursor)? {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// When the call's message was first logged (its creation).
async fn first_log_ms(api: &dyn BulkClient, message_id: &str) -> Result<Option<i64>, ApiError> {
    let page = api.logs(Some(message_id), None, None).await?;
    Ok(page
        .logs
        .iter()
        .filter(|l| l.message_id == message_id)
        .map(|l| l.time)
        .min())
}
