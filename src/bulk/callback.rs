//! Whether a failure callback whose reply was lost ran: callback's own notion of "applied".
//!
//! Other actions change the entry (it leaves the DLQ), so after a lost reply the entry's
//! presence says whether they were applied. A callback leaves the entry where it is, and its
//! state says nothing of our request: a re-run that failed again reads `CALLBACK_FAIL` just
//! like one that never ran, and a run with no callback at all reads like anything. So the state
//! is never the evidence. The run logs are: every call of a failure function is a QStash
//! message of its own (`failureFunction.messageId` of the run, the newest call), so
//!
//! - before the first send of an entry's callback, the [`Ledger`] notes the run's newest call
//!   (the baseline);
//! - after a lost reply, a newest call other than the baseline started after our request: the
//!   callback ran ([`Applied::Yes`], never sent again); the same call as the baseline means no
//!   call started ([`Applied::No`], sent again on that evidence);
//! - with no baseline (ids in flight when an earlier run stopped, or a baseline the server did
//!   not answer), the newest call's first log entry is compared with when the job began: well
//!   after it, the job's own call (`Yes`); well before it, not ours (`No`);
//! - anything else (no call shown, no message id, a time too close to call, the run gone from
//!   the DLQ) is [`Applied::Unconfirmed`]: counted and listed apart, never done, never re-sent.

use std::collections::HashMap;
use std::sync::Mutex;

use super::action::BulkClient;
use crate::api::{ApiError, Source};

/// How far apart the job's start and a call's first log entry must be to tell them apart:
/// room for the client's and the server's clocks to disagree.
pub const CLOCK_SLACK_MS: i64 = 2_000;

/// What the engine does with an entry whose callback reply was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The callback ran after our request: done, not sent again.
    Yes,
    /// No call started after our request: it may be sent again.
    No,
    /// Nothing the server shows can tell; why.
    Unconfirmed(String),
}

/// A run: its id and creation time.
pub type RunRef = (String, Option<i64>);

/// What the server showed of an entry before its callback was first sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub run: RunRef,
    /// The message id of the run's newest failure-function call; `None` when none was shown.
    pub newest: Option<String>,
}

/// The decision, from what was shown before the send (if known) and after the lost reply.
/// `first_log_ms` is the time of the first log entry of `after`'s call, when it was looked up.
pub fn judge(
    before: Option<&Baseline>,
    after: Option<&str>,
    first_log_ms: Option<i64>,
    since_ms: i64,
) -> Applied {
    let Some(after) = after else {
        return Applied::Unconfirmed(
            "reply lost; the run logs show no call of its failure callback with a message id"
                .into(),
        );
    };
    if let Some(b) = before {
        return if b.newest.as_deref() == Some(after) {
            Applied::No
        } else {
            Applied::Yes
        };
    }
    match first_log_ms {
        Some(t) if t >= since_ms + CLOCK_SLACK_MS => Applied::Yes,
        Some(t) if t < since_ms - CLOCK_SLACK_MS => Applied::No,
        Some(_) => Applied::Unconfirmed(
            "reply lost; the callback's newest call started too close to the job's start to tell \
             whose it was"
                .into(),
        ),
        None => Applied::Unconfirmed(
            "reply lost; the message logs do not show when the callback's newest call started"
                .into(),
        ),
    }
}

/// Runs whose newest call one read of the run logs asks for (`workflowRuns=`): the API's cap
/// for ids of runs in one request.
pub const RUN_BATCH: usize = 50;

/// The baselines of one run's callbacks.
pub struct Ledger {
    /// When the job began (its plan was made): with no baseline, a call that started well after
    /// this is the job's own.
    since_ms: i64,
    baselines: Mutex<HashMap<String, Baseline>>,
    /// The runs of entries the plan listed and no send has reached yet: their baselines are
    /// read many at once, and without looking each entry up.
    known: Mutex<HashMap<String, RunRef>>,
}

impl Ledger {
    pub fn new(since_ms: i64) -> Ledger {
        Ledger {
            since_ms,
            baselines: Mutex::default(),
            known: Mutex::default(),
        }
    }

    /// The runs of entries as the plan listed them, none of them sent yet. Never for ids an
    /// earlier run may have sent: a baseline read after a send would hide it.
    pub fn know(&self, runs: impl IntoIterator<Item = (String, RunRef)>) {
        self.known.lock().unwrap().extend(runs);
    }

    /// Whether `id` has a baseline already.
    pub fn has(&self, id: &str) -> bool {
        self.baselines.lock().unwrap().contains_key(id)
    }

    /// The run of `id`, once its baseline was taken.
    pub fn run_of(&self, id: &str) -> Option<RunRef> {
        self.baselines
            .lock()
            .unwrap()
            .get(id)
            .map(|b| b.run.clone())
    }

    /// Notes the newest call of `id`'s run before its callback is first sent. An error leaves
    /// no baseline (a lost reply is then judged by time); the send goes ahead either way.
    ///
    /// With runs known from the plan, the baselines of up to [`RUN_BATCH`] entries not sent yet
    /// are read with this one: each is taken before its own send all the same, which is all a
    /// baseline needs. An entry leaves `known` when its first send comes near, so nothing sent
    /// is ever given a baseline after the fact.
    pub async fn before_send(&self, api: &dyn BulkClient, id: &str) -> Result<(), ApiError> {
        if self.has(id) {
            return Ok(());
        }
        let known = self.known.lock().unwrap().remove(id);
        let run = match known {
            Some(run) => run,
            None => match run_of(api, id).await? {
                Some(run) => run,
                None => return Ok(()), // not in the DLQ: the callback request will say so
            },
        };
        let mut batch = vec![(id.to_string(), run)];
        {
            let mut known = self.known.lock().unwrap();
            let more: Vec<String> = known.keys().take(RUN_BATCH - 1).cloned().collect();
            batch.extend(more.into_iter().filter_map(|k| known.remove_entry(&k)));
        }
        let newest = match newest_calls(api, &batch).await {
            Ok(n) => n,
            Err(e) => {
                // Not read: the others wait for their own send to be read again.
                self.know(batch.into_iter().skip(1));
                return Err(e);
            }
        };
        let mut baselines = self.baselines.lock().unwrap();
        for (entry, run) in batch {
            let newest = newest.get(&run).cloned();
            baselines.insert(entry, Baseline { run, newest });
        }
        Ok(())
    }

    /// After a lost reply for `id`: did its callback run?
    pub async fn check(&self, api: &dyn BulkClient, id: &str) -> Result<Applied, ApiError> {
        let before = self.baselines.lock().unwrap().get(id).cloned();
        let run = match &before {
            Some(b) => b.run.clone(),
            None => match run_of(api, id).await? {
                Some(r) => r,
                None => {
                    return Ok(Applied::Unconfirmed(
                        "reply lost, and the run has left the DLQ: whether its callback ran \
                         cannot be told"
                            .into(),
                    ))
                }
            },
        };
        let after = newest_call(api, &run).await?;
        let first_log = match (&before, &after) {
            (None, Some(m)) => first_log_ms(api, m).await?,
            _ => None,
        };
        Ok(judge(
            before.as_ref(),
            after.as_deref(),
            first_log,
            self.since_ms,
        ))
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
    let mut guard = super::pages::Guard::default();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn base(newest: Option<&str>) -> Baseline {
        Baseline {
            run: ("wfr_1".into(), Some(1)),
            newest: newest.map(str::to_string),
        }
    }

    #[test]
    fn a_new_call_since_the_baseline_is_applied_the_same_call_is_not() {
        let since = 1_000_000;
        assert_eq!(
            judge(Some(&base(Some("m1"))), Some("m2"), None, since),
            Applied::Yes
        );
        assert_eq!(
            judge(Some(&base(None)), Some("m2"), None, since),
            Applied::Yes
        );
        assert_eq!(
            judge(Some(&base(Some("m1"))), Some("m1"), None, since),
            Applied::No
        );
        // The callback state plays no part: no call shown is never "applied" nor "not".
        assert!(matches!(
            judge(Some(&base(Some("m1"))), None, None, since),
            Applied::Unconfirmed(_)
        ));
        assert!(matches!(
            judge(Some(&base(None)), None, None, since),
            Applied::Unconfirmed(_)
        ));
    }

    #[test]
    fn without_a_baseline_only_a_clear_time_decides() {
        let since = 1_000_000;
        let slack = CLOCK_SLACK_MS;
        assert_eq!(
            judge(None, Some("m"), Some(since + slack), since),
            Applied::Yes
        );
        assert_eq!(
            judge(None, Some("m"), Some(since - slack - 1), since),
            Applied::No
        );
        for t in [since, since - slack, since + slack - 1] {
            assert!(matches!(
                judge(None, Some("m"), Some(t), since),
                Applied::Unconfirmed(_)
            ));
        }
        assert!(matches!(
            judge(None, Some("m"), None, since),
            Applied::Unconfirmed(_)
        ));
        assert!(matches!(
            judge(None, None, Some(since + slack), since),
            Applied::Unconfirmed(_)
        ));
    }
}
