//! Did it work? After an action, follows each new message or run to a final state: delivered,
//! failed again (and back in the DLQ, under which id), cancelled, or still pending when the
//! wait ends.
//!
//! Lookups are batched where the API allows it: workflow runs many at a time
//! (`workflowRuns=ID@CREATED,...`); messages one at a time while few are left, and otherwise by
//! reading the logs written since the action began (`fromDate`), keeping each message's newest
//! state. (The official spec's `state` filter leaves out FAILED, so filtering by final state
//! is not an option.) Messages that reading did not reach are looked up one at a time.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use super::action::BulkClient;
use super::cancel::Cancel;
use super::exec::Pacer;
use super::outcome::{Outcome, Status};
pub use super::outcome::{Tally, Verdict, Verified};
use crate::api::{ApiError, Filter, Source};

/// Poll rounds are this far apart.
const POLL: Duration = Duration::from_secs(2);
/// With at most this many messages left, each is looked up on its own.
const ONE_BY_ONE: usize = 10;
/// Runs per `workflowRuns=` lookup.
const RUNS_PER_LOOKUP: usize = 50;
/// Pages of final-state logs read per state and round, at most.
const LOG_PAGES: usize = 50;

/// Progress of a verification, drawn by `output`.
pub trait Watch: Sync {
    fn round(&self, _tally: &Tally) {}
}

/// What to follow for one done outcome: its new message (retry) or run (resume, restart,
/// callback).
#[derive(Debug, Clone)]
enum Follow {
    Message(String),
    Run(String, Option<i64>),
}

fn follow(o: &Outcome) -> Option<Follow> {
    if o.outcome != Status::Done {
        return None;
    }
    if let Some(m) = &o.message_id {
        return Some(Follow::Message(m.clone()));
    }
    o.workflow_run_id
        .as_ref()
        .map(|r| Follow::Run(r.clone(), o.workflow_created_at))
}

pub struct Verifier<'a> {
    pub api: &'a dyn BulkClient,
    pub cancel: &'a Cancel,
    pub pacer: Option<&'a Pacer>,
    pub watch: &'a dyn Watch,
    /// The runs followed are re-run failure callbacks: judged by the callback's outcome, since
    /// the run itself stays `RUN_FAILED`.
    pub callback: bool,
}

impl Verifier<'_> {
    /// Follows the done `outcomes` until each is final or `wait` is over. `since_ms` is when the
    /// action began: final-state logs before it cannot be these. A Ctrl-C ends the wait early;
    /// what is not final then is `Pending`.
    pub async fn run(
        &self,
        outcomes: &[Outcome],
        since_ms: i64,
        wait: Duration,
    ) -> Result<Vec<Verified>, ApiError> {
        let deadline = Instant::now() + wait;
        let mut results: HashMap<String, Verified> = HashMap::new();
        let mut open: Vec<(String, Follow)> = Vec::new();
        for o in outcomes.iter().filter(|o| o.outcome == Status::Done) {
            match follow(o) {
                Some(f) => open.push((o.dlq_id.clone(), f)),
                None => {
                    results.insert(o.dlq_id.clone(), verdict(&o.dlq_id, Verdict::Unknown, None));
                }
            }
        }
        loop {
            let messages: Vec<&String> = open
                .iter()
                .filter_map(|(_, f)| match f {
                    Follow::Message(m) => Some(m),
                    _ => None,
                })
                .collect();
            let runs: Vec<(String, Option<i64>)> = open
                .iter()
                .filter_map(|(_, f)| match f {
                    Follow::Run(r, at) => Some((r.clone(), *at)),
                    _ => None,
                })
                .collect();
            let mut finals = self.messages(&messages, since_ms).await?;
            finals.extend(self.runs(&runs).await?);
            let mut still = Vec::new();
            for (dlq_id, f) in open {
                let key = match &f {
                    Follow::Message(m) => m.clone(),
                    Follow::Run(r, _) => r.clone(),
                };
                match finals.remove(&key) {
                    Some((v, new_dlq)) => {
                        let new_dlq = match (v, new_dlq) {
                            (Verdict::FailedAgain, None) => self.find_in_dlq(&f).await?,
                            (_, d) => d,
                        };
                        let mut r = verdict(&dlq_id, v, new_dlq);
                        r.new_id = Some(key);
                        results.insert(dlq_id, r);
                    }
                    None => still.push((dlq_id, f)),
                }
            }
            open = still;
            let mut tally = Tally::of(&results.values().cloned().collect::<Vec<_>>());
            tally.pending += open.len() as u64;
            self.watch.round(&tally);
            if open.is_empty() || Instant::now() + POLL > deadline || self.cancel.is_cancelled() {
                break;
            }
            if !self.cancel.sleep(POLL).await {
                break;
            }
        }
        for (dlq_id, f) in open {
            let mut r = verdict(&dlq_id, Verdict::Pending, None);
            r.new_id = Some(match f {
                Follow::Message(m) => m,
                Follow::Run(r, _) => r,
            });
            results.insert(dlq_id, r);
        }
        let order: HashMap<&str, usize> = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.dlq_id.as_str(), i))
            .collect();
        let mut out: Vec<Verified> = results.into_values().collect();
        out.sort_by_key(|v| order.get(v.dlq_id.as_str()).copied().unwrap_or(usize::MAX));
        Ok(out)
    }

    async fn pace(&self) -> Result<(), ApiError> {
        if let Some(p) = self.pacer {
            if !p.wait(self.cancel).await {
                return Err(ApiError::Invalid("interrupted".into()));
            }
        }
        Ok(())
    }

    /// Final states of these messages, by message id.
    async fn messages(
        &self,
        ids: &[&String],
        since_ms: i64,
    ) -> Result<HashMap<String, (Verdict, Option<String>)>, ApiError> {
        let mut finals = HashMap::new();
        if ids.is_empty() {
            return Ok(finals);
        }
        if ids.len() <= ONE_BY_ONE {
            for id in ids {
                self.pace().await?;
                let page = self.api.logs(Some(id), None, None).await?;
                if let Some(v) = final_of(page.logs.iter().map(|l| l.state.as_str())) {
                    finals.insert(id.to_string(), (v, None));
                }
            }
            return Ok(finals);
        }
        let wanted: HashSet<&str> = ids.iter().map(|s| s.as_str()).collect();
        // The states seen of each message, from the logs since the action began.
        let mut seen: HashMap<String, Vec<String>> = HashMap::new();
        let mut cursor: Option<String> = None;
        let mut complete = false;
        for _ in 0..LOG_PAGES {
            self.pace().await?;
            let page = self
                .api
                .logs(None, Some(since_ms), cursor.as_deref())
                .await?;
            for l in &page.logs {
                if wanted.contains(l.message_id.as_str()) {
                    seen.entry(l.message_id.clone())
                        .or_default()
                        .push(l.state.clone());
                }
            }
            match page.cursor {
                Some(c) if Some(&c) != cursor.as_ref() => cursor = Some(c),
                _ => {
                    complete = true;
                    break;
                }
            }
        }
        for (id, states) in &seen {
            if let Some(v) = final_of(states.iter().map(String::as_str)) {
                finals.insert(id.clone(), (v, None));
            }
        }
        // A busy account can write more logs than one round reads: the messages not seen are
        // looked up on their own, a few a round.
        if !complete {
            let unseen: Vec<&&String> = ids
                .iter()
                .filter(|id| !seen.contains_key(id.as_str()))
                .take(ONE_BY_ONE)
                .collect();
            for id in unseen {
                self.pace().await?;
                let page = self.api.logs(Some(id), None, None).await?;
                if let Some(v) = final_of(page.logs.iter().map(|l| l.state.as_str())) {
                    finals.insert(id.to_string(), (v, None));
                }
            }
        }
        Ok(finals)
    }

    /// Final states of these runs, by run id, with the DLQ id a failed run was given.
    async fn runs(
        &self,
        runs: &[(String, Option<i64>)],
    ) -> Result<HashMap<String, (Verdict, Option<String>)>, ApiError> {
        let mut finals = HashMap::new();
        let (known, unknown): (Vec<_>, Vec<_>) = runs.iter().cloned().partition(|r| r.1.is_some());
        let mut batches: Vec<Vec<(String, Option<i64>)>> =
            known.chunks(RUNS_PER_LOOKUP).map(<[_]>::to_vec).collect();
        batches.extend(unknown.into_iter().map(|r| vec![r]));
        for batch in batches {
            let mut cursor: Option<String> = None;
            for _ in 0..LOG_PAGES {
                self.pace().await?;
                let page = self.api.run_logs(&batch, cursor.as_deref()).await?;
                for r in &page.runs {
                    let wanted = batch.iter().any(|(id, at)| {
                        *id == r.workflow_run_id
                            && (at.is_none()
                                || r.workflow_run_created_at.is_none()
                                || *at == r.workflow_run_created_at)
                    });
                    let v = if self.callback {
                        callback_verdict(r)
                    } else {
                        run_verdict(&r.workflow_state)
                    };
                    if let (true, Some(v)) = (wanted, v) {
                        finals.insert(r.workflow_run_id.clone(), (v, r.dlq_id.clone()));
                    }
                }
                match page.cursor {
                    Some(c) if Some(&c) != cursor.as_ref() => cursor = Some(c),
                    _ => break,
                }
            }
        }
        Ok(finals)
    }

    /// The DLQ entry a failed message or run landed in, if it is there yet.
    async fn find_in_dlq(&self, f: &Follow) -> Result<Option<String>, ApiError> {
        let (source, filter) = match f {
            Follow::Message(m) => (
                Source::Qstash,
                Filter {
                    message_id: Some(m.clone()),
                    ..Filter::default()
                },
            ),
            Follow::Run(r, _) => (
                Source::Workflow,
                Filter {
                    workflow_run_id: Some(r.clone()),
                    ..Filter::default()
                },
            ),
        };
        self.pace().await?;
        let page = self.api.list(source, &filter, Some(100), None).await?;
        Ok(page.messages.into_iter().map(|e| e.dlq_id).max())
    }
}

fn verdict(dlq_id: &str, v: Verdict, new_dlq_id: Option<String>) -> Verified {
    Verified {
        dlq_id: dlq_id.to_string(),
        verified: v,
        new_id: None,
        new_dlq_id,
    }
}

/// A message's verdict from its logged states: a final state ends it, whatever order or time
/// the entries carry (a FAILED and its last ERROR share a millisecond).
fn final_of<'s>(mut states: impl Iterator<Item = &'s str>) -> Option<Verdict> {
    states.find_map(message_verdict)
}

fn message_verdict(state: &str) -> Option<Verdict> {
    match state {
        "DELIVERED" => Some(Verdict::Delivered),
        "FAILED" => Some(Verdict::FailedAgain),
        "CANCELLED" => Some(Verdict::Cancelled),
        _ => None,
    }
}

/// A re-run failure callback's verdict: its call's state, not the run's (always failed). A
/// callback that failed again leaves its run where it was in the DLQ.
fn callback_verdict(r: &crate::api::RunLog) -> Option<Verdict> {
    let state = r.failure_function.as_ref()?.state.as_deref()?;
    match state {
        "CALLBACK_SUCCESS" => Some(Verdict::Delivered),
        "CALLBACK_FAIL" => Some(Verdict::FailedAgain),
        "CALLBACK_CANCELED" => Some(Verdict::Cancelled),
        _ => None,
    }
}

fn run_verdict(state: &str) -> Option<Verdict> {
    match state {
        "RUN_SUCCESS" => Some(Verdict::Delivered),
        "RUN_FAILED" => Some(Verdict::FailedAgain),
        "RUN_CANCELED" => Some(Verdict::Cancelled),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_map_to_verdicts() {
        assert_eq!(message_verdict("DELIVERED"), Some(Verdict::Delivered));
        assert_eq!(message_verdict("RETRY"), None);
        let states = ["ERROR", "FAILED", "RETRY", "CREATED"];
        assert_eq!(final_of(states.into_iter()), Some(Verdict::FailedAgain));
        assert_eq!(run_verdict("RUN_FAILED"), Some(Verdict::FailedAgain));
        assert_eq!(run_verdict("RUN_STARTED"), None);
        let called = |state: &str| crate::api::RunLog {
            workflow_state: "RUN_FAILED".into(),
            failure_function: Some(crate::api::FailureCall {
                message_id: Some("m".into()),
                state: Some(state.into()),
            }),
            ..Default::default()
        };
        assert_eq!(
            callback_verdict(&called("CALLBACK_SUCCESS")),
            Some(Verdict::Delivered)
        );
        assert_eq!(
            callback_verdict(&called("CALLBACK_FAIL")),
            Some(Verdict::FailedAgain)
        );
        assert_eq!(callback_verdict(&called("CALLBACK_INPROGRESS")), None);
        let o = Outcome {
            message_id: Some("m".into()),
            ..Outcome::done("d")
        };
        assert!(matches!(follow(&o), Some(Follow::Message(m)) if m == "m"));
        let nf = Outcome::failed("x", Status::NotFound, "gone");
        assert!(follow(&nf).is_none());
    }

    #[test]
    fn tallies_add_up() {
        let v = |d: Verdict| verdict("x", d, None);
        let t = Tally::of(&[
            v(Verdict::Delivered),
            v(Verdict::FailedAgain),
            v(Verdict::Pending),
        ]);
        assert_eq!(
            (t.delivered, t.failed_again, t.pending, t.total()),
            (1, 1, 1, 3)
        );
    }
}
