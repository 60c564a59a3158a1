//! What each DLQ mutation does to the store, independent of HTTP: retry makes a new message,
//! resume and restart make new runs, callback moves the callback state on, delete removes.
//! What goes on after the mutation is returned as `Work` (see `outcome`).

use std::collections::BTreeMap;

use serde_json::json;

use super::outcome::{self, Work};
use super::overrides::Overrides;
use super::runs;
use super::states::{CallbackState, LogState, MessageSource, MessageState, RunKind, RunState};
use super::store::{
    new_message_id, random_id, Dlq, FailureFunction, MessageConfig, MessageRecord, RunRecord, Store,
};
use super::wfstate::Exec;
use super::wire::{Entry, LogEntry, RunResult};

/// The configuration of a QStash entry after `ov` is applied.
pub fn message_config(e: &Entry, ov: &Overrides, now: i64) -> MessageConfig {
    let labels = ov
        .labels
        .clone()
        .unwrap_or_else(|| e.all_labels().iter().map(|s| s.to_string()).collect());
    let not_before = ov
        .not_before
        .or(ov.delay.as_ref().map(|(_, ms)| now + ms))
        .unwrap_or(now);
    MessageConfig {
        retries: ov.retries.unwrap_or(e.max_retries),
        label: labels.first().cloned(),
        labels,
        flow_control_key: ov.flow_control_key.clone().or(e.flow_control_key.clone()),
        flow_control_value: ov.flow_control_value.clone(),
        rate: ov.rate.or(if ov.flow_control_value.is_some() {
            None
        } else {
            e.rate
        }),
        parallelism: ov.parallelism.or(if ov.flow_control_value.is_some() {
            None
        } else {
            e.parallelism
        }),
        period: ov.period.or(if ov.flow_control_value.is_some() {
            None
        } else {
            e.period
        }),
        delay: ov.delay.as_ref().map(|(s, _)| s.clone()),
        not_before,
        retry_delay: ov.retry_delay.clone().or(e.retry_delay_expression.clone()),
        callback: ov.callback.clone().or(e.callback.clone()),
        failure_callback: ov.failure_callback.clone().or(e.failure_callback.clone()),
        timeout: ov.timeout.clone(),
        method: ov.method.clone().unwrap_or_else(|| e.method.clone()),
        redact: ov.redact.clone(),
    }
}

/// Stores a new message and logs its creation.
pub fn add_message(store: &mut Store, msg: MessageRecord) -> Work {
    store.messages.push(msg);
    let i = store.messages.len() - 1;
    // The message's flow-control key takes the limits it asks for (`flowstate`).
    let c = &store.messages[i].config;
    if let Some(key) = c.flow_control_key.clone() {
        let (p, r, period) = (c.parallelism, c.rate, c.period);
        store.flow_keys.offered(&key, p, r, period);
    }
    outcome::created(store, i);
    Work::Message(i)
}

/// Retries a QStash entry: removes it and records a new message with the overrides applied.
/// The caller has checked the id exists in the QStash DLQ. Returns the new message id.
pub fn retry(store: &mut Store, id: &str, ov: &Overrides, now: i64) -> (String, Work) {
    let stored = store.remove(Dlq::Qstash, id).expect("checked by caller");
    store.count(id, "retry");
    let e = stored.entry;
    let mut config = message_config(&e, ov, now);
    // A retried message is still redacted as it was published, unless the retry says anew.
    config.redact = config.redact.or(stored.redact);
    let msg = MessageRecord {
        message_id: random_id("msg_", &mut rand::thread_rng()),
        source: MessageSource::Retry,
        from_dlq_id: Some(id.to_string()),
        url: e.url.clone(),
        method: config.method.clone(),
        header: e.header.clone(),
        body: e.body.clone(),
        body_base64: e.body_base64.clone(),
        created_at: now,
        config,
        overrides: ov.raw.clone(),
        state: MessageState::Pending,
        attempts: 0,
        last_status: None,
        delivered_at: None,
        dlq_id: None,
        origin: Some(e),
    };
    let message_id = msg.message_id.clone();
    (message_id, add_message(store, msg))
}

/// The two DLQ actions that make a new run of a failed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rerun {
    Resume,
    Restart,
}

impl Rerun {
    pub fn kind(self) -> RunKind {
        match self {
            Rerun::Resume => RunKind::Resume,
            Rerun::Restart => RunKind::Restart,
        }
    }
}

/// Resumes or restarts a failed run: a new run id; resume keeps the steps that completed
/// before the failed one, restart keeps none. The entry leaves the DLQ.
pub fn rerun(
    store: &mut Store,
    id: &str,
    kind: Rerun,
    ov: &Overrides,
    now: i64,
) -> (RunResult, Work) {
    let stored = store.remove(Dlq::Workflow, id).expect("checked by caller");
    store.count(id, kind.kind().as_str());
    let e = &stored.entry;
    let kept = match kind {
        Rerun::Resume => stored.steps[..stored.failed_step.min(stored.steps.len())].to_vec(),
        Rerun::Restart => Vec::new(),
    };
    let labels = ov
        .labels
        .clone()
        .unwrap_or_else(|| e.all_labels().iter().map(|s| s.to_string()).collect());
    let failure_callback = ov.failure_callback.clone().or(e.failure_callback.clone());
    let run = RunRecord {
        workflow_run_id: random_id("wfr_", &mut rand::thread_rng()),
        workflow_created_at: now,
        started_at: now,
        kind: kind.kind(),
        from_dlq_id: id.to_string(),
        from_run_id: e.workflow_run_id.clone().unwrap_or_default(),
        workflow_url: e.workflow_url.clone().unwrap_or_else(|| e.url.clone()),
        steps: runs::kept_steps(&kept, now),
        steps_kept: kept,
        steps_total: stored.steps.len(),
        overrides: ov.raw.clone(),
        config: json!({
            "retries": ov.retries.unwrap_or(e.max_retries),
            "labels": labels,
            "flowControlKey": ov.flow_control_key.clone().or(e.flow_control_key.clone()),
            "flowControlValue": ov.flow_control_value,
            "rate": ov.rate.or(e.rate),
            "parallelism": ov.parallelism.or(e.parallelism),
            "period": ov.period.or(e.period),
            "delay": ov.delay.as_ref().map(|(s, _)| s.clone()),
            "retryDelay": ov.retry_delay.clone().or(e.retry_delay_expression.clone()),
            "failureCallback": failure_callback,
        }),
        state: RunState::Started,
        completed_at: None,
        dlq_id: None,
        attempts: 0,
        failure_function: failure_callback.map(|url| FailureFunction {
            url,
            ..Default::default()
        }),
        caller_ip: e.caller_ip.clone(),
        exec: rerun_exec(&stored, kind),
        origin: Some(stored.clone()),
    };
    let result = RunResult {
        workflow_run_id: run.workflow_run_id.clone(),
        workflow_created_at: now,
    };
    store.runs.push(run);
    (result, Work::Run(store.runs.len() - 1))
}

/// The `Exec` of a run made from a DLQ entry: resume keeps every message up to the one that
/// failed, which is delivered again; restart keeps only the first body.
fn rerun_exec(stored: &super::store::Stored, kind: Rerun) -> Option<Exec> {
    let mut x = stored.exec.clone()?;
    match kind {
        Rerun::Resume => x.steps.truncate(x.failed),
        Rerun::Restart => {
            x.steps.clear();
            x.initial_message_id = new_message_id();
        }
    }
    x.failed = 0;
    x.unknown_sdk = false;
    x.calls.clear();
    x.waits.clear();
    Some(x)
}

/// Why a run's failure callback cannot be retried, if it cannot (the 400 reasons of OAW).
pub fn callback_refusal(e: &Entry) -> Option<String> {
    match e.callback_state() {
        Some(CallbackState::Fail) => None,
        None => Some("this workflow run has no failure callback to retry".into()),
        Some(state) => Some(format!(
            "the failure callback is {state}: only a failed callback (CALLBACK_FAIL) can be retried"
        )),
    }
}

/// Re-runs the failure callback of a run whose callback failed; it moves to in-progress.
/// The caller has checked `callback_refusal` is `None`.
pub fn callback(store: &mut Store, id: &str, now: i64) -> (RunResult, Work) {
    store.count(id, "callback");
    let stored = store
        .dlq_mut(Dlq::Workflow)
        .get_mut(&super::store::Key::parse(id))
        .expect("checked by caller");
    stored.entry.set_callback_state(CallbackState::InProgress);
    let stored = stored.clone();
    let e = stored.entry.clone();
    let run_id = e.workflow_run_id.clone().unwrap_or_default();
    let workflow_url = e.workflow_url.clone().unwrap_or_default();
    let callback_url = e
        .failure_callback
        .clone()
        .unwrap_or_else(|| workflow_url.clone());
    let message_id = new_message_id();
    // The logs show a run's newest record: it carries the calls made before this one.
    let earlier_calls = store
        .run_index
        .newest(&store.runs, &run_id)
        .and_then(|i| store.runs[i].failure_function.as_ref())
        .map(|f| f.attempts.clone())
        .unwrap_or_default();
    store.runs.push(RunRecord {
        workflow_run_id: run_id.clone(),
        workflow_created_at: e.workflow_created_at.unwrap_or(now),
        started_at: now,
        kind: RunKind::Callback,
        from_dlq_id: id.to_string(),
        from_run_id: run_id.clone(),
        workflow_url: workflow_url.clone(),
        steps_kept: Vec::new(),
        steps_total: 0,
        overrides: BTreeMap::new(),
        config: json!({ "failureCallback": e.failure_callback }),
        // The run itself stays failed; what moves on is its failure function.
        state: RunState::Failed,
        completed_at: Some(e.created_at),
        dlq_id: Some(id.to_string()),
        attempts: 0,
        steps: runs::failed_steps(&stored, e.created_at),
        failure_function: Some(FailureFunction {
            url: callback_url.clone(),
            message_id: Some(message_id.clone()),
            state: Some(CallbackState::InProgress),
            attempts: earlier_calls,
            ..Default::default()
        }),
        caller_ip: e.caller_ip.clone(),
        origin: Some(stored),
        exec: None,
    });
    // The call is a QStash message of its own, in the message logs from the moment it starts.
    store.log(LogEntry {
        time: now,
        message_id,
        state: LogState::Created,
        url: callback_url,
        method: "POST".into(),
        ..LogEntry::default()
    });
    let result = RunResult {
        workflow_run_id: run_id,
        workflow_created_at: e.workflow_created_at.unwrap_or(now),
    };
    (result, Work::Callback(store.runs.len() - 1))
}

/// Cancels an in-progress callback; the caller has checked the state.
pub fn cancel_callback(store: &mut Store, id: &str) {
    store.count(id, "cancel");
    if let Some(s) = store
        .dlq_mut(Dlq::Workflow)
        .get_mut(&super::store::Key::parse(id))
    {
        s.entry.set_callback_state(CallbackState::Canceled);
    }
    // A simulated call still under way must not end the cancelled callback.
    let newest = store.run_index.newest_callback(&store.runs, id);
    if let Some(r) = newest.map(|i| &mut store.runs[i]) {
        if let Some(f) = &mut r.failure_function {
            if f.state == Some(CallbackState::InProgress) {
                f.state = Some(CallbackState::Canceled);
            }
        }
    }
}

pub fn delete(store: &mut Store, which: Dlq, id: &str) {
    if store.remove(which, id).is_some() {
        store.count(id, "delete");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Stored;
    use crate::wfstate::RawStep;

    fn exec_with(steps: usize, failed: usize) -> Stored {
        let x = Exec {
            initial: "e30=".into(),
            initial_message_id: "msg_first".into(),
            steps: (1..=steps)
                .map(|n| RawStep {
                    message_id: format!("msg_{n}"),
                    ..crate::wfstate::RawStep::default()
                })
                .collect(),
            failed,
            ..Exec::default()
        };
        Stored {
            exec: Some(x),
            ..Stored::default()
        }
    }

    #[test]
    fn resume_keeps_the_messages_up_to_the_failed_one_and_restart_only_the_first_body() {
        let stored = exec_with(3, 2);
        let resumed = rerun_exec(&stored, Rerun::Resume).unwrap();
        let ids: Vec<&str> = resumed
            .steps
            .iter()
            .map(|s| s.message_id.as_str())
            .collect();
        assert_eq!(ids, ["msg_1", "msg_2"]);
        assert_eq!(resumed.initial_message_id, "msg_first");
        let restarted = rerun_exec(&stored, Rerun::Restart).unwrap();
        assert!(restarted.steps.is_empty());
        assert_ne!(restarted.initial_message_id, "msg_first");
        assert_eq!(restarted.initial, "e30=");
        let plain = Stored {
            exec: None,
            ..stored
        };
        assert!(rerun_exec(&plain, Rerun::Resume).is_none());
    }
}
