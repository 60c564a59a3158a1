//! Workflow runs executed against a real app on loopback, to the protocol the official
//! `@upstash/workflow` SDK speaks (pinned 1.3.3; see its `serve`, `triggerFirstInvocation`
//! and the lazy steps): a run starts when a message that names it arrives with
//! `Upstash-Workflow-Init: true` (through the sandbox's one publish path, so `/v2/publish`,
//! each `/v2/batch` item and each schedule firing; or `/v2/trigger`); each step result the
//! app publishes back is appended to the run and delivered to the app with every step before
//! it (a JSON array of `{messageId, body, callType}`, the first body first); the app ends the
//! run with `DELETE /v2/workflows/runs/{id}`. A delivery that fails after the run's retries
//! fails the run into the workflow DLQ and calls its failure callback.
//!
//! The run is a `RunRecord` like those resume and restart make, so the workflow logs, verify
//! and the DLQ endpoints see it; what calling the app again needs is its `Exec`.

mod api;
mod call;
mod cancel;
mod deliver;
mod retry;
mod wait;

use std::sync::Arc;

use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::app::App;
use super::outcome::{is_loopback, Work};
use super::overrides::{canonical, Overrides};
use super::store::new_message_id;
use super::store::{now_ms, FailureFunction, RunRecord, StepRecord, Store};
use super::wfstate::{Exec, RawStep};
use super::wire::{base64, Headers};
use crate::states::{RunKind, RunState, StepState};

pub use api::routes;

/// Something `deliver::start` hands over: call the app with message `step` of run `run`, or
/// call the failure callback of run `run` (a failed run, or a callback record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Deliver { run: usize, step: usize },
    Failure { run: usize },
    Call { run: usize, call: usize },
}

/// Whether a published message belongs to a workflow run.
pub fn is_workflow_message(headers: &HeaderMap) -> bool {
    headers.contains_key("upstash-workflow-runid")
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The headers a message forwards under `prefix` (lower case), canonically cased.
fn forwarded(headers: &HeaderMap, prefix: &str) -> Headers {
    let mut out = Headers::new();
    for (k, v) in headers {
        if let Some(name) = k.as_str().strip_prefix(prefix) {
            out.entry(canonical(name))
                .or_default()
                .push(String::from_utf8_lossy(v.as_bytes()).into_owned());
        }
    }
    out
}

/// The latest run (not a callback record) named `id`.
pub fn run_index(store: &Store, id: &str) -> Option<usize> {
    store
        .runs
        .iter()
        .rposition(|r| r.workflow_run_id == id && r.kind != RunKind::Callback)
}

/// What `deliver::start` should hand to this module rather than simulate: a resumed or
/// restarted run of an executed one, or its failure callback called again, when what they
/// call is on loopback.
pub fn takes(store: &Store, work: Work) -> Option<Start> {
    match work {
        Work::Run(i) => {
            let r = &store.runs[i];
            let x = r.exec.as_ref()?;
            is_loopback(&r.workflow_url).then_some(Start::Deliver {
                run: i,
                step: x.steps.len(),
            })
        }
        Work::Callback(i) => {
            let r = &store.runs[i];
            r.origin.as_ref()?.exec.as_ref()?;
            let url = &r.failure_function.as_ref()?.url;
            is_loopback(url).then_some(Start::Failure { run: i })
        }
        Work::Message(_) => None,
    }
}

/// Hands work on: what this module takes (see `takes`) it runs, the rest goes to delivery.
/// The sandbox's `App::start`.
pub fn start_work(app: &Arc<App>, work: Vec<Work>) {
    let (mine, rest): (Vec<_>, Vec<_>) = {
        let s = app.store.read().unwrap();
        work.into_iter()
            .map(|w| (takes(&s, w), w))
            .partition(|(x, _)| x.is_some())
    };
    for (x, _) in mine {
        start(app, x.unwrap());
    }
    super::deliver::start(app, rest.into_iter().map(|(_, w)| w));
}

pub fn start(app: &Arc<App>, x: Start) {
    match x {
        Start::Deliver { run, step } => {
            tokio::spawn(deliver::deliver(app.clone(), run, step));
        }
        Start::Failure { run } => {
            tokio::spawn(deliver::failure_call(app.clone(), run));
        }
        Start::Call { run, call } => {
            tokio::spawn(call::make(app.clone(), run, call));
        }
    }
}

/// A workflow message from publish (each batch item, each schedule firing: `publish`) or a
/// trigger, under the lock: starts a run or adds a step to one; the answer and what to start
/// once the store is unlocked. `trigger` marks `/v2/trigger`, whose run id is optional
/// and whose app is not known to speak the SDK's protocol.
pub fn accept(
    store: &mut Store,
    caller_ip: &str,
    url: String,
    headers: &HeaderMap,
    body: &[u8],
    trigger: bool,
) -> Result<(Value, Vec<Start>), String> {
    let id = header(headers, "upstash-workflow-runid")
        .map(str::to_string)
        .unwrap_or_else(|| super::store::random_id("wfr_", &mut rand::thread_rng()));
    if id.is_empty() || id.contains('/') {
        return Err(format!("invalid workflow run id {id:?}"));
    }
    let init = trigger || header(headers, "upstash-workflow-init") == Some("true");
    if header(headers, "upstash-workflow-calltype") == Some("toCallback") {
        return call::accept(store, &id, url, headers, body);
    }
    let now = now_ms();
    if !init {
        return add_step(store, &id, headers, body, now);
    }
    let ov = Overrides::parse(headers)?;
    let existing = run_index(store, &id);
    let reinit = header(headers, "upstash-workflow-trigger-by-sdk") == Some("true");
    if let Some(i) = existing {
        let r = &store.runs[i];
        let open = r.exec.as_ref().is_some_and(|x| x.unknown_sdk) && r.state == RunState::Started;
        if !(reinit && open) {
            let mid = r.exec.as_ref().map(|x| x.initial_message_id.clone());
            return Ok((dedup_answer(r, mid), Vec::new()));
        }
    }
    let delay_until = not_before(&ov, now);
    let mut content = forwarded(headers, "upstash-forward-");
    if let Some(ct) = header(headers, "content-type") {
        content.insert("Content-Type".into(), vec![ct.to_string()]);
    }
    let x = Exec {
        initial: base64(body),
        initial_message_id: new_message_id(),
        headers: content,
        failure_headers: forwarded(headers, "upstash-failure-callback-forward-"),
        steps: Vec::new(),
        unknown_sdk: trigger && !reinit,
        failed: 0,
        calls: Vec::new(),
        waits: Vec::new(),
    };
    let created = existing.map_or(now, |i| store.runs[i].workflow_created_at);
    let run = new_run(&id, url, created, delay_until, &ov, x, caller_ip);
    let mid = run.exec.as_ref().unwrap().initial_message_id.clone();
    match existing {
        Some(i) => store.runs[i] = run,
        None => store.runs.push(run),
    }
    let i = existing.unwrap_or(store.runs.len() - 1);
    let answer = json!({
        "messageId": mid,
        "workflowRunId": id,
        "workflowCreatedAt": created,
    });
    Ok((answer, vec![Start::Deliver { run: i, step: 0 }]))
}

/// A run the trigger starts: `RUN_STARTED`, its configuration from the trigger's headers.
fn new_run(
    id: &str,
    url: String,
    created: i64,
    delay_until: i64,
    ov: &Overrides,
    x: Exec,
    caller_ip: &str,
) -> RunRecord {
    let labels = ov.labels.clone().unwrap_or_default();
    RunRecord {
        workflow_run_id: id.to_string(),
        workflow_created_at: created,
        started_at: delay_until,
        kind: RunKind::Trigger,
        from_dlq_id: String::new(),
        from_run_id: String::new(),
        workflow_url: url,
        steps_kept: Vec::new(),
        steps_total: 0,
        overrides: ov.raw.clone(),
        config: json!({
            "retries": ov.retries.unwrap_or(3),
            "labels": labels,
            "flowControlKey": ov.flow_control_key,
            "flowControlValue": ov.flow_control_value,
            "rate": ov.rate,
            "parallelism": ov.parallelism,
            "period": ov.period,
            "delay": ov.delay.as_ref().map(|(s, _)| s.clone()),
            "retryDelay": ov.retry_delay,
            "failureCallback": ov.failure_callback,
        }),
        state: RunState::Started,
        completed_at: None,
        dlq_id: None,
        attempts: 0,
        steps: Vec::new(),
        failure_function: ov.failure_callback.clone().map(|url| FailureFunction {
            url,
            ..Default::default()
        }),
        caller_ip: Some(caller_ip.to_string()),
        origin: None,
        exec: Some(x),
    }
}

fn dedup_answer(r: &RunRecord, message_id: Option<String>) -> Value {
    json!({
        "messageId": message_id.unwrap_or_default(),
        "workflowRunId": r.workflow_run_id,
        "workflowCreatedAt": r.workflow_created_at,
        "deduplicated": true,
    })
}

/// When a message is due: `Upstash-Not-Before` (seconds, as QStash takes it; milliseconds
/// are taken too), else `Upstash-Delay` from now.
fn not_before(ov: &Overrides, now: i64) -> i64 {
    match ov.not_before {
        Some(t) if t < 100_000_000_000 => t.saturating_mul(1000),
        Some(t) => t,
        None => ov
            .delay
            .as_ref()
            .map_or(now, |(_, ms)| now.saturating_add(*ms)),
    }
}

/// A step result (or plan step) the app published to run `id`; refused with a 400 once the
/// run has ended, which the SDK takes as "the run was cancelled".
fn add_step(
    store: &mut Store,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<(Value, Vec<Start>), String> {
    let i = run_index(store, id).ok_or_else(|| format!("workflow run {id} does not exist"))?;
    let ov = Overrides::parse(headers)?;
    let run = &mut store.runs[i];
    if run.state != RunState::Started || run.exec.is_none() {
        return Err(format!("workflow run {id} is not running ({})", run.state));
    }
    let message_id = append(
        run,
        body,
        forwarded(headers, "upstash-forward-"),
        header(headers, "upstash-workflow-calltype").unwrap_or("step"),
        not_before(&ov, now),
        now,
    );
    let step = run.exec.as_ref().map_or(0, |x| x.steps.len());
    Ok((
        json!({ "messageId": message_id }),
        vec![Start::Deliver { run: i, step }],
    ))
}

/// Appends a step message to a running run (the caller checked it runs) and logs the step it
/// completes; its id. Deliver it as message `exec.steps.len()`.
fn append(
    run: &mut RunRecord,
    body: &[u8],
    headers: Headers,
    call_type: &str,
    not_before: i64,
    now: i64,
) -> String {
    let message_id = new_message_id();
    let step: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if step["stepId"].as_i64().unwrap_or(0) != 0 {
        run.steps.push(StepRecord {
            name: step["stepName"].as_str().unwrap_or("step").to_string(),
            state: StepState::Success,
            created_at: now,
            message_id: message_id.clone(),
            next_delivery_time: None,
            response_status: None,
            response_body: step["out"].as_str().map(str::to_string),
        });
    }
    if let Some(x) = run.exec.as_mut() {
        x.steps.push(RawStep {
            message_id: message_id.clone(),
            body: base64(body),
            call_type: call_type.to_string(),
            headers,
            not_before,
        });
    }
    message_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_before_takes_seconds_as_qstash_does_and_delay_from_now() {
        let ov = |nb: Option<i64>, delay: Option<i64>| Overrides {
            not_before: nb,
            delay: delay.map(|ms| (format!("{ms}ms"), ms)),
            ..Overrides::default()
        };
        assert_eq!(
            not_before(&ov(Some(1_800_000_000), None), 5),
            1_800_000_000_000
        );
        assert_eq!(
            not_before(&ov(Some(1_800_000_000_123), None), 5),
            1_800_000_000_123
        );
        assert_eq!(not_before(&ov(None, Some(1000)), 5), 1005);
        assert_eq!(not_before(&ov(None, None), 5), 5);
    }
}
