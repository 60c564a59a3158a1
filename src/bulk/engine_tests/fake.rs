//! A scripted DLQ server in memory, for the engine's in-process tests.
//!
//! A faithful little model, so outcomes are checked against its truth: a set of entries in the
//! DLQ, and a count of how often the action took effect on each. A bulk call with an id not in
//! the DLQ is a 404 that changes nothing (a bulk delete deletes the others and counts them), one
//! with an entry the server refuses is a 400 that changes nothing (as the sandbox says); retry, resume, restart and delete take
//! the entry out, a callback moves its callback state from failed to in progress.
//!
//! On top of the model, a script of [`Rule`]s bends chosen requests: the reply lost after the
//! server acted or before it did, a short reply, a status, a 429 with Retry-After, a redirect,
//! a Ctrl-C while the request is in flight. Every request is logged as one line
//! (`retry a1,a2 -> lost`) with the (paused) time it started.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::model::{lost, made, shorten, status, Item, State};
pub use super::model::{FAILED, IN_PROGRESS};
pub use super::script::{Fault, On, Rule};
use crate::api::{
    ApiError, Batched, Entry, FailureCall, Filter, LogEntry, LogPage, Outgoing, Page, Published,
    Reading, RunLog, RunLogPage, Selector, Source,
};
use crate::bulk::action::{Acted, BulkClient, Call, Made};
use crate::bulk::action::{Action, Verb};
use crate::bulk::cancel::Cancel;

/// A request logged: its place in the log, its fault, how long it takes.
type Begun = (usize, Fault, Duration);

pub struct Fake {
    st: Mutex<State>,
    start: Instant,
    /// The server's clock at `start`, in ms: its log times are this plus the (paused) time
    /// since, so a test's judgments by time do not depend on how fast the machine is.
    pub epoch_ms: i64,
    /// How long each request takes.
    pub latency: Duration,
    /// `Burst-RateLimit-Limit` on every reply, when set.
    pub limit: Option<u64>,
    /// `Burst-RateLimit-Remaining` on every reply, when set.
    pub remaining: Option<u64>,
    /// The run's Ctrl-C, which a rule can press.
    pub cancel: Cancel,
    /// Ids the engine marked in flight (its journal hook writes here).
    pub marked: Arc<Mutex<HashSet<String>>>,
}

impl Fake {
    pub fn new() -> Fake {
        Fake {
            st: Mutex::default(),
            start: Instant::now(),
            epoch_ms: jiff::Timestamp::now().as_millisecond(),
            latency: Duration::ZERO,
            limit: None,
            remaining: None,
            cancel: Cancel::new(),
            marked: Arc::default(),
        }
    }

    /// Puts an entry in the DLQ, its callback failed.
    pub fn add(&self, source: Source, id: &str) {
        let item = Item {
            source,
            callback: FAILED,
            refuse: None,
        };
        let mut st = self.st.lock().unwrap();
        st.dlq.insert(id.to_string(), item);
        if source == Source::Workflow {
            // Its failure callback failed: it was called once, long before the run.
            st.calls
                .insert(id.to_string(), vec![(format!("msg_call_{id}_0"), 0)]);
        }
    }

    /// The server refuses to act on `id` (a 400 naming why).
    pub fn refuse(&self, id: &str, why: &'static str) {
        if let Some(i) = self.st.lock().unwrap().dlq.get_mut(id) {
            i.refuse = Some(why);
        }
    }

    /// The run logs show a failure-function call only `lag` after it started (as a real
    /// service's logs can lag behind): until then, the call before it is the newest shown.
    pub fn log_lag(&self, lag: Duration) {
        self.st.lock().unwrap().log_lag_ms = lag.as_millis() as i64;
    }

    pub fn set_callback(&self, id: &str, state: &'static str) {
        if let Some(i) = self.st.lock().unwrap().dlq.get_mut(id) {
            i.callback = state;
        }
    }

    /// An earlier run acted on `id` and lost the reply: gone, applied once.
    pub fn applied_before(&self, id: &str) {
        let mut st = self.st.lock().unwrap();
        st.dlq.remove(id);
        st.applied.insert(id.to_string(), 1);
    }

    /// Random faults on `pct` percent of the requests, and random reply times, from `seed`.
    pub fn chaos(&self, seed: u64, pct: u32) {
        use rand::SeedableRng;
        let rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        self.st.lock().unwrap().chaos = Some((rng, pct));
    }

    pub fn script(&self, rules: Vec<Rule>) {
        self.st.lock().unwrap().rules = rules;
    }

    /// How many times the action took effect, over all entries.
    pub fn applied_total(&self) -> u64 {
        let st = self.st.lock().unwrap();
        st.applied.values().map(|n| u64::from(*n)).sum()
    }

    pub fn applied(&self, id: &str) -> u32 {
        self.st
            .lock()
            .unwrap()
            .applied
            .get(id)
            .copied()
            .unwrap_or(0)
    }

    pub fn in_dlq(&self, id: &str) -> bool {
        self.st.lock().unwrap().dlq.contains_key(id)
    }

    /// Republish: how many messages were delivered for `id`.
    pub fn delivered(&self, id: &str) -> u32 {
        let st = self.st.lock().unwrap();
        st.delivered.get(id).copied().unwrap_or(0)
    }

    /// Republish: the service forgets every deduplication id (its window passed).
    pub fn forget_dedup(&self) {
        self.st.lock().unwrap().dedup.clear();
    }

    pub fn made(&self, id: &str) -> Option<String> {
        self.st.lock().unwrap().made.get(id).cloned()
    }

    /// Every request, `verb ids -> answer`, in the order sent.
    pub fn requests(&self) -> Vec<String> {
        let st = self.st.lock().unwrap();
        st.log.iter().map(|(_, l)| l.clone()).collect()
    }

    /// When each request started, from the start of the test.
    pub fn times(&self) -> Vec<Duration> {
        self.st
            .lock()
            .unwrap()
            .log
            .iter()
            .map(|(t, _)| *t)
            .collect()
    }

    /// How many requests the server was working on as each arrived, itself included.
    pub fn busy_seen(&self) -> Vec<usize> {
        self.st.lock().unwrap().busy_seen.clone()
    }

    pub fn unmarked(&self) -> Vec<String> {
        self.st.lock().unwrap().unmarked.clone()
    }

    /// A filtered bulk call, logged as `retry matching count=10 cursor=s05`.
    async fn act_matching(&self, action: &Action, which: Selector<'_>) -> Result<Acted, ApiError> {
        let Selector::Matching { count, cursor, .. } = which else {
            unreachable!("called for a filter only")
        };
        let count = count.unwrap_or(100) as usize;
        let mut line = format!("{} matching count={count}", action.verb.name());
        if let Some(c) = cursor {
            line += &format!(" cursor={c}");
        }
        let serve = |st: &mut State| {
            let (ids, next) = st.act_matching(action, count, cursor);
            Ok(Acted {
                made: made(action.verb, ids),
                cursor: next,
            })
        };
        self.call(Some(On::Matching), line, &[], serve, None).await
    }

    /// Logs a request and picks the rule that bends it: where it is logged, the fault, and how
    /// long the request takes.
    fn begin(&self, on: Option<On>, line: String, ids: &[String], short_ok: bool) -> Begun {
        let mut st = self.st.lock().unwrap();
        // A filtered run has no ids to mark.
        if matches!(on, Some(On::Many | On::One | On::Publish)) {
            let marked = self.marked.lock().unwrap();
            let missing = ids.iter().filter(|id| !marked.contains(*id)).cloned();
            st.unmarked.extend(missing.collect::<Vec<_>>());
        }
        st.log.push((self.start.elapsed(), line));
        st.busy += 1;
        let busy = st.busy;
        st.busy_seen.push(busy);
        let at = st.log.len() - 1;
        let (mut fault, mut took) = st.chaos(on, short_ok);
        for r in st.rules.iter_mut() {
            if let Some((f, interrupt, slower)) = r.bites(on, ids) {
                if interrupt {
                    self.cancel.cancel();
                }
                fault = f;
                took += slower;
                break;
            }
        }
        (at, fault, took + self.latency)
    }

    /// Serves one request: the rule's fault around the model's answer `serve`. Without
    /// `shorten`, a short reply means nothing (a delete's count is an answer): chaos picks none.
    async fn call<T>(
        &self,
        on: Option<On>,
        line: String,
        ids: &[String],
        serve: impl FnOnce(&mut State) -> Result<T, ApiError>,
        shorten: Option<fn(T) -> T>,
    ) -> Result<T, ApiError> {
        let (at, fault, took) = self.begin(on, line, ids, shorten.is_some());
        if !took.is_zero() {
            tokio::time::sleep(took).await;
        }
        let mut st = self.st.lock().unwrap();
        st.now_ms = self.epoch_ms + self.start.elapsed().as_millis() as i64;
        let r = match fault {
            Fault::None => serve(&mut st),
            Fault::LostAfter => serve(&mut st).and(Err(lost())),
            Fault::LostBefore => Err(status(502, "bad gateway", None)),
            Fault::Short => serve(&mut st).map(shorten.expect("a rule shortens what can be")),
            Fault::Status(s) => Err(status(s, "scripted", None)),
            Fault::AppliedThen(s) => serve(&mut st).and(Err(status(s, "scripted", None))),
            Fault::Throttle(d) => Err(status(429, "too many requests", d)),
            Fault::Redirect => Err(ApiError::Redirect {
                method: "POST",
                path: "/v2/dlq".into(),
                status: 307,
                location: "https://elsewhere.example/".into(),
            }),
        };
        let answer = match (&r, fault) {
            (_, Fault::Short) => "short".to_string(),
            (Err(ApiError::Redirect { status, .. }), _) => status.to_string(),
            (Ok(_), _) => "ok".to_string(),
            (Err(ApiError::Network { .. }), _) => "lost".to_string(),
            (Err(e), _) => e.status().map_or("?".into(), |s| s.to_string()),
        };
        st.busy -= 1;
        if !matches!(r, Err(ApiError::Network { .. })) {
            st.replies += 1;
        }
        if matches!(r, Err(ApiError::Status { status: 429, .. })) {
            st.throttled += 1;
        }
        st.log[at].1 += &format!(" -> {answer}");
        r
    }
}

impl BulkClient for Fake {
    fn pressure(&self) -> Reading {
        let st = self.st.lock().unwrap();
        Reading {
            replies: st.replies,
            throttled: st.throttled,
            remaining: self.remaining,
            mean: self.latency,
            limit: self.limit,
        }
    }

    fn act_many<'a>(&'a self, action: &'a Action, which: Selector<'a>) -> Call<'a, Acted> {
        Box::pin(async move {
            if action.verb == Verb::Callback {
                return Err(ApiError::Invalid("callback has no bulk endpoint".into()));
            }
            let Selector::Ids(ids) = which else {
                return self.act_matching(action, which).await;
            };
            let line = format!("{} {}", action.verb.name(), ids.join(","));
            let serve = |st: &mut State| {
                let made_ids = st.act_many(action, ids)?;
                Ok(made(action.verb, made_ids))
            };
            // A delete's count is its answer: a short one says some were gone already.
            let short = (action.verb != Verb::Delete).then_some(shorten as fn(Made) -> Made);
            let m = self.call(Some(On::Many), line, ids, serve, short).await?;
            Ok(Acted {
                made: m,
                cursor: None,
            })
        })
    }

    fn act_one<'a>(&'a self, action: &'a Action, id: &'a str) -> Call<'a, Made> {
        Box::pin(async move {
            let line = format!("{}/one {id}", action.verb.name());
            let ids = [id.to_string()];
            let serve = |st: &mut State| Ok(made(action.verb, vec![st.act_one(action, id)?]));
            self.call(Some(On::One), line, &ids, serve, None).await
        })
    }

    fn publish<'a>(&'a self, m: &'a Outgoing) -> Call<'a, Vec<Published>> {
        Box::pin(async move {
            let id = dlq_id_of(m);
            let ids = [id.to_string()];
            let serve = |st: &mut State| Ok(vec![st.publish(&m.deduplication_id, id)]);
            self.call(
                Some(On::Publish),
                format!("publish {id}"),
                &ids,
                serve,
                None,
            )
            .await
        })
    }

    fn batch<'a>(&'a self, ms: &'a [&'a Outgoing]) -> Call<'a, Vec<Batched>> {
        Box::pin(async move {
            let ids: Vec<String> = ms.iter().map(|m| dlq_id_of(m).to_string()).collect();
            // Each item on its own: one the server refuses (`refuse`) is answered with its
            // error, the others published.
            let serve = |st: &mut State| {
                Ok(ms
                    .iter()
                    .map(|m| {
                        let id = dlq_id_of(m);
                        match st.dlq.get(id).and_then(|i| i.refuse) {
                            Some(why) => Batched::Refused(why.to_string()),
                            None => Batched::Made(vec![st.publish(&m.deduplication_id, id)]),
                        }
                    })
                    .collect())
            };
            let line = format!("batch {}", ids.join(","));
            let short = |mut v: Vec<Batched>| {
                v.pop();
                v
            };
            self.call(Some(On::Publish), line, &ids, serve, Some(short))
                .await
        })
    }

    fn find<'a>(&'a self, source: Source, ids: &'a [String]) -> Call<'a, Vec<Entry>> {
        Box::pin(async move {
            let serve = |st: &mut State| {
                Ok(ids
                    .iter()
                    .filter(|id| st.dlq.get(*id).is_some_and(|i| i.source == source))
                    .map(|id| st.entry(id))
                    .collect())
            };
            let line = format!("find {}", ids.join(","));
            self.call(Some(On::Get), line, ids, serve, None).await
        })
    }

    fn get<'a>(&'a self, source: Source, id: &'a str) -> Call<'a, Entry> {
        Box::pin(async move {
            let serve = |st: &mut State| match st.dlq.get(id) {
                Some(i) if i.source == source => Ok(st.entry(id)),
                _ => Err(status(404, &format!("message {id} not found"), None)),
            };
            let ids = [id.to_string()];
            self.call(Some(On::Get), format!("get {id}"), &ids, serve, None)
                .await
        })
    }

    fn list<'a>(
        &'a self,
        source: Source,
        filter: &'a Filter,
        _count: Option<u32>,
        _cursor: Option<&'a str>,
    ) -> Call<'a, Page> {
        Box::pin(async move {
            // One page, filtered by message or run id: what resolving a `msg_`/`wfr_` id asks.
            let serve = |st: &mut State| {
                let messages = st
                    .dlq
                    .iter()
                    .filter(|(_, i)| i.source == source)
                    .map(|(id, _)| st.entry(id))
                    .filter(|e| {
                        filter
                            .message_id
                            .as_ref()
                            .is_none_or(|m| e.message_id.as_ref() == Some(m))
                    })
                    .filter(|e| {
                        let run = filter.workflow_run_id.as_ref();
                        run.is_none_or(|r| e.workflow_run_id.as_ref() == Some(r))
                    })
                    .collect();
                Ok(Page {
                    messages,
                    outside: 0,
                    cursor: None,
                })
            };
            self.call(None, "list".into(), &[], serve, None).await
        })
    }

    fn logs<'a>(
        &'a self,
        message_id: Option<&'a str>,
        _from_ms: Option<i64>,
        _cursor: Option<&'a str>,
    ) -> Call<'a, LogPage> {
        Box::pin(async move {
            // The messages the server made (by retries), created.
            let serve = |st: &mut State| {
                let made = st.made.values().filter(|m| m.starts_with("msg_"));
                let made = made.map(|m| (m, 0));
                let calls = st.calls.values().flatten().map(|(m, t)| (m, *t));
                let logs = made
                    .chain(calls)
                    .filter(|(m, _)| message_id.is_none_or(|id| id == m.as_str()))
                    .map(|(m, time)| LogEntry {
                        message_id: m.clone(),
                        state: "CREATED".into(),
                        time,
                        ..LogEntry::default()
                    })
                    .collect();
                Ok(LogPage { logs, cursor: None })
            };
            self.call(None, "logs".into(), &[], serve, None).await
        })
    }

    fn run_logs<'a>(
        &'a self,
        runs: &'a [(String, Option<i64>)],
        _cursor: Option<&'a str>,
    ) -> Call<'a, RunLogPage> {
        Box::pin(async move {
            // The runs the server made (a callback's among them), in progress.
            let serve = |st: &mut State| {
                let made: HashSet<&String> = st.made.values().collect();
                let made = runs
                    .iter()
                    .filter(|(id, _)| made.contains(id))
                    .map(|(id, _)| RunLog {
                        workflow_run_id: id.clone(),
                        workflow_state: "RUN_STARTED".into(),
                        ..RunLog::default()
                    });
                // A failed run in the DLQ shows its failure function's newest call (the
                // newest the logs have caught up with).
                let shown = st.now_ms - st.log_lag_ms;
                let failed = runs.iter().filter_map(|(run, _)| {
                    let id = run.strip_prefix("wfr_")?;
                    let calls = st.calls.get(id)?;
                    let (newest, _) = calls.iter().rev().find(|(_, t)| *t <= shown)?;
                    Some(RunLog {
                        workflow_run_id: run.clone(),
                        workflow_state: "RUN_FAILED".into(),
                        failure_function: Some(FailureCall {
                            message_id: Some(newest.clone()),
                            state: st.dlq.get(id).map(|i| i.callback.to_string()),
                        }),
                        ..RunLog::default()
                    })
                });
                let runs = made.chain(failed).collect();
                Ok(RunLogPage { runs, cursor: None })
            };
            let ids: Vec<String> = runs
                .iter()
                .map(|(run, _)| run.trim_start_matches("wfr_").to_string())
                .collect();
            let line = "run logs".to_string();
            self.call(Some(On::RunLogs), line, &ids, serve, None).await
        })
    }
}

/// The DLQ entry a republished message is for, from its deduplication id.
fn dlq_id_of(m: &Outgoing) -> &str {
    m.deduplication_id.trim_start_matches("dlq-republish-")
}
