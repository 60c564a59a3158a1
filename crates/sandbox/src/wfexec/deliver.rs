//! Calling the app: one message of a run delivered with every message before it, retried as
//! the run says; a run whose delivery fails for good goes to the workflow DLQ, and its
//! failure callback is called with the failed step's answer, as QStash calls it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::super::app::App;
use super::super::deliver::call;
use super::super::flowstate::KeyConfig;
use super::super::outcome::is_loopback;
use super::super::overrides::attempts;
use super::super::runs;
use super::super::simulate::{Answer, DEFAULT_TIMEOUT_MS};
use super::super::store::{now_ms, Dlq, Key, StepRecord, Store, Stored};
use super::super::wfstate::Exec;
use super::super::wire::{base64, text_or_base64, CallbackInfo, Entry, Headers};
use super::{start, Start};
use crate::states::{CallbackState, RunKind, RunState, StepState};

/// Runs `f` on the store and persists the change.
fn with_store<T>(app: &App, f: impl FnOnce(&mut Store) -> T) -> T {
    let mut s = app.store.write().unwrap();
    let out = f(&mut s);
    app.persist(&s);
    out
}

async fn sleep_until(at: i64) {
    let wait = at - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

fn set(h: &mut Headers, k: &str, v: impl Into<String>) {
    h.insert(k.to_string(), vec![v.into()]);
}

/// The body the app gets with message `k`: the first body and every message up to `k`.
fn steps_body(x: &Exec, k: usize) -> Vec<u8> {
    let mut list = vec![json!({
        "messageId": x.initial_message_id,
        "body": x.initial,
        "callType": "step",
    })];
    for s in x.steps.iter().take(k) {
        list.push(json!({ "messageId": s.message_id, "body": s.body, "callType": s.call_type }));
    }
    serde_json::to_vec(&list).unwrap()
}

/// A run's flow-control key and the configuration its calls wait on, if it has a key.
fn gate_of(s: &Store, config: &Value) -> Option<(String, KeyConfig)> {
    s.flow_keys.gate(
        config["flowControlKey"].as_str(),
        config["parallelism"].as_i64(),
        config["rate"].as_i64(),
        config["period"].as_i64(),
    )
}

/// What one delivery of message `k` of run `i` needs, or `None` once the run is over.
struct Call {
    url: String,
    headers: Headers,
    body: Vec<u8>,
    retries: i64,
    retry_delay: Option<String>,
    due: i64,
    /// The run's flow-control key and configuration: every call of the run waits at its gate.
    gate: Option<(String, KeyConfig)>,
}

fn prepare(s: &Store, i: usize, k: usize) -> Option<Call> {
    let r = &s.runs[i];
    let x = r.exec.as_ref()?;
    let mut headers = x.headers.clone();
    let (message_id, due) = match k {
        0 => (x.initial_message_id.clone(), r.started_at),
        _ => {
            let m = x.steps.get(k - 1)?;
            headers.extend(m.headers.clone());
            (m.message_id.clone(), m.not_before)
        }
    };
    set(&mut headers, "Upstash-Workflow-RunId", &r.workflow_run_id);
    set(&mut headers, "Upstash-Workflow-Url", &r.workflow_url);
    set(
        &mut headers,
        "Upstash-Workflow-CreatedAt",
        r.workflow_created_at.to_string(),
    );
    set(&mut headers, "Upstash-Message-Id", message_id);
    let labels: Vec<&str> = r.config["labels"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !labels.is_empty() {
        set(&mut headers, "Upstash-Label", labels.join(","));
    }
    if x.unknown_sdk && k == 0 {
        set(&mut headers, "Upstash-Workflow-Unknown-Sdk", "true");
    }
    Some(Call {
        url: r.workflow_url.clone(),
        headers,
        body: steps_body(x, k),
        retries: r.config["retries"].as_i64().unwrap_or(3),
        retry_delay: r.config["retryDelay"].as_str().map(str::to_string),
        due,
        gate: gate_of(s, &r.config),
    })
}

/// One attempt at `url`: a real call when it is on loopback; elsewhere the first matching
/// `--simulate` rule answers, and without one nothing does (`None`: the call is only
/// recorded, and what waits on it stays pending).
pub async fn try_once(
    app: &App,
    url: &str,
    headers: &Headers,
    body: Vec<u8>,
    timeout_ms: i64,
) -> Option<Answer> {
    if is_loopback(url) {
        let mut headers = headers.clone();
        crate::keys::sign(app, &mut headers, url, &body);
        return Some(call("POST", url, &headers, body, timeout_ms).await);
    }
    let outcome = app.simulation.outcome(url)?;
    let a = app.simulation.attempt(outcome, timeout_ms);
    tokio::time::sleep(Duration::from_millis(a.took_ms.max(0) as u64)).await;
    Some(a)
}

fn running(app: &App, i: usize) -> bool {
    app.store.read().unwrap().runs[i].state == RunState::Started
}

/// Delivers message `k` of run `i` until the app takes it, the run ends meanwhile (the app
/// finished or someone cancelled it), or the retries are spent and the run fails.
pub async fn deliver(app: Arc<App>, i: usize, k: usize) {
    let Some(c) = prepare(&app.store.read().unwrap(), i, k) else {
        return;
    };
    sleep_until(c.due).await;
    let n = attempts(c.retries);
    for attempt in 1..=n {
        if !running(&app, i) {
            return;
        }
        let mut headers = c.headers.clone();
        set(&mut headers, "Upstash-Retried", (attempt - 1).to_string());
        // Held for the call only, as a message's delivery holds it.
        let pass = app.flow.enter(c.gate.clone()).await;
        let answer = try_once(&app, &c.url, &headers, c.body.clone(), DEFAULT_TIMEOUT_MS).await;
        drop(pass);
        let Some(answer) = answer else {
            return;
        };
        if answer.ok() {
            if !is_loopback(&c.url) {
                // No app takes part: the rule's success is the run's.
                with_store(&app, |s| super::api::end(s, i, RunState::Success, now_ms()));
            }
            return;
        }
        let non_retryable = answer.status == 489
            || answer
                .headers
                .get("Upstash-Nonretryable-Error")
                .is_some_and(|v| v.iter().any(|v| v == "true"));
        let now = now_ms();
        if attempt == n || non_retryable {
            fail_run(&app, i, k, &answer);
            return;
        }
        let backoff = app.delivery_backoff.as_millis() as i64;
        let pause = super::retry::pause_ms(&answer, c.retry_delay.as_deref(), attempt, backoff);
        let next = now + pause;
        with_store(&app, |s| retrying(s, i, &answer, now, next));
        sleep_until(next).await;
    }
}

/// Fails run `i` at message `k` with `answer` and calls its failure callback.
pub fn fail_run(app: &Arc<App>, i: usize, k: usize, answer: &Answer) {
    let now = now_ms();
    if let Some(x) = with_store(app, |s| fail(s, i, k, answer, now)) {
        start(app, x);
    }
}

/// The step the app failed in, as it names it (`Upstash-Error-Step-Name`).
fn failed_step_name(answer: &Answer) -> String {
    answer
        .headers
        .get("Upstash-Error-Step-Name")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_else(|| "step".into())
}

/// The run's pending step, shown as retrying until its next attempt.
fn retrying(s: &mut Store, i: usize, answer: &Answer, now: i64, next: i64) {
    let r = &mut s.runs[i];
    if r.state != RunState::Started {
        return;
    }
    r.attempts += 1;
    let step = failing_step(r, answer, now);
    step.state = StepState::Retry;
    step.next_delivery_time = Some(next);
}

/// The record of the step being tried: the last one, unless that one succeeded.
fn failing_step<'r>(
    r: &'r mut super::super::store::RunRecord,
    answer: &Answer,
    now: i64,
) -> &'r mut StepRecord {
    if r.steps.last().is_none_or(|s| s.state == StepState::Success) {
        r.steps.push(StepRecord {
            name: failed_step_name(answer),
            state: StepState::Retry,
            created_at: now,
            message_id: super::super::store::new_message_id(),
            next_delivery_time: None,
            response_status: None,
            response_body: None,
        });
    }
    let step = r.steps.last_mut().unwrap();
    step.response_status = Some(answer.status);
    step.response_body = Some(String::from_utf8_lossy(&answer.body).into_owned());
    step
}

/// Run `i` failed for good delivering message `k`: it is RUN_FAILED and a new workflow DLQ
/// entry holds the failed step's answer and what resume needs. Returns its failure callback
/// call, if it has one.
fn fail(s: &mut Store, i: usize, k: usize, answer: &Answer, now: i64) -> Option<Start> {
    let r = &mut s.runs[i];
    if r.state != RunState::Started {
        return None;
    }
    r.state = RunState::Failed;
    r.completed_at = Some(now);
    let step = failing_step(r, answer, now);
    step.state = StepState::Failed;
    step.next_delivery_time = None;
    let r = &s.runs[i];
    let mut x = r.exec.clone().unwrap_or_default();
    x.failed = k;
    let names: Vec<String> = r.steps.iter().map(|s| s.name.clone()).collect();
    let c = &r.config;
    let str_of = |key: &str| c[key].as_str().map(str::to_string);
    let body = match k {
        0 => x.initial.clone(),
        _ => x.steps[k - 1].body.clone(),
    };
    let body = super::super::wire::decode_base64(&body).unwrap_or_default();
    let (text, b64) = text_or_base64(&body);
    let (resp_text, resp_b64) = text_or_base64(&answer.body);
    let mut header = x.headers.clone();
    set(&mut header, "Upstash-Workflow-Runid", &r.workflow_run_id);
    let mut e = Entry {
        message_id: match k {
            0 => x.initial_message_id.clone(),
            _ => x.steps[k - 1].message_id.clone(),
        },
        url: r.workflow_url.clone(),
        method: "POST".into(),
        max_retries: c["retries"].as_i64().unwrap_or(3),
        created_at: now,
        header,
        body: text,
        body_base64: b64,
        caller_ip: r.caller_ip.clone(),
        flow_control_key: str_of("flowControlKey"),
        rate: c["rate"].as_i64(),
        parallelism: c["parallelism"].as_i64(),
        period: c["period"].as_i64(),
        retry_delay_expression: str_of("retryDelay"),
        response_status: answer.status,
        response_header: answer.headers.clone(),
        response_body: resp_text,
        response_body_base64: resp_b64,
        workflow_run_id: Some(r.workflow_run_id.clone()),
        workflow_url: Some(r.workflow_url.clone()),
        workflow_created_at: Some(r.workflow_created_at),
        ..Entry::default()
    };
    let labels = c["labels"].as_array().map_or_else(Vec::new, |a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    });
    e.set_labels(labels);
    if let Some(f) = &r.failure_function {
        e.failure_callback = Some(f.url.clone());
        e.failure_callback_info = Some(CallbackInfo::default());
        e.set_callback_state(CallbackState::InProgress);
    }
    let failed_step = names.len() - 1;
    let has_callback = r.failure_function.is_some();
    let stored = Stored {
        entry: e,
        steps: names,
        failed_step,
        exec: Some(x),
        redact: None,
    };
    let id = s.insert(Dlq::Workflow, stored, now);
    let r = &mut s.runs[i];
    r.dlq_id = Some(id);
    if let Some(f) = &mut r.failure_function {
        f.state = Some(CallbackState::InProgress);
    }
    has_callback.then_some(Start::Failure { run: i })
}

/// The failure callback of a run (`i` names the failed run, or a callback record made by
/// `dlq callback`): called with the failed step's answer, retried as the run says; its
/// outcome is the run's failure function state and the DLQ entry's.
pub async fn failure_call(app: Arc<App>, i: usize) {
    let Some((url, headers, body, retries)) = failure_request(&app.store.read().unwrap(), i) else {
        return;
    };
    let n = attempts(retries);
    for attempt in 1..=n {
        let mut headers = headers.clone();
        set(&mut headers, "Upstash-Retried", (attempt - 1).to_string());
        set(
            &mut headers,
            "Upstash-Message-Id",
            super::super::store::new_message_id(),
        );
        let started = now_ms();
        let Some(answer) = try_once(&app, &url, &headers, body.clone(), DEFAULT_TIMEOUT_MS).await
        else {
            return;
        };
        let end = now_ms();
        let next = (attempt < n).then(|| end + app.delivery_backoff.as_millis() as i64);
        let done = with_store(&app, |s| {
            failure_answered(s, i, &answer, started, end, next)
        });
        if done {
            return;
        }
        sleep_until(next.unwrap_or(end)).await;
    }
}

/// The failed run's DLQ entry as the failure callback of record `i` sees it.
fn failed_entry(s: &Store, i: usize) -> Option<Stored> {
    let r = &s.runs[i];
    if r.kind == RunKind::Callback {
        return r.origin.clone();
    }
    let id = r.dlq_id.as_ref()?;
    s.workflow.get(&Key::parse(id)).cloned()
}

/// URL, headers, body and retries of the failure callback call of record `i`: the body is
/// what the SDK's `handleFailure` reads (status, header, body of the failed step's answer,
/// the workflow URL, the first body, the run id and creation time).
fn failure_request(s: &Store, i: usize) -> Option<(String, Headers, Vec<u8>, i64)> {
    let stored = failed_entry(s, i)?;
    let x = stored.exec.as_ref()?;
    let e = &stored.entry;
    let url = s.runs[i].failure_function.as_ref()?.url.clone();
    let run_id = e.workflow_run_id.clone().unwrap_or_default();
    let workflow_url = e.workflow_url.clone().unwrap_or_else(|| e.url.clone());
    let mut headers = x.failure_headers.clone();
    set(&mut headers, "Upstash-Workflow-RunId", &run_id);
    set(&mut headers, "Upstash-Workflow-Url", &workflow_url);
    set(&mut headers, "Content-Type", "application/json");
    if let Some(l) = e.all_labels().first() {
        set(&mut headers, "Upstash-Label", *l);
    }
    let response = Entry {
        body: e.response_body.clone(),
        body_base64: e.response_body_base64.clone(),
        ..Entry::default()
    }
    .body_bytes();
    let body = json!({
        "status": e.response_status,
        "header": e.response_header,
        "body": base64(&response),
        "url": workflow_url,
        "method": "POST",
        "sourceHeader": x.headers,
        "sourceBody": x.initial,
        "sourceMessageId": x.initial_message_id,
        "workflowRunId": run_id,
        "workflowCreatedAt": e.workflow_created_at,
        "dlqId": e.dlq_id,
    });
    Some((
        url,
        headers,
        serde_json::to_vec(&body).unwrap(),
        e.max_retries,
    ))
}

/// Records one call of a failure callback; true once it is over. Every attempt is kept with
/// its start and end, so a reader can tell whether one started after a given moment.
fn failure_answered(
    s: &mut Store,
    i: usize,
    answer: &Answer,
    started: i64,
    ended: i64,
    next: Option<i64>,
) -> bool {
    if let Some(f) = &mut s.runs[i].failure_function {
        f.attempts.push(super::super::store::CallAttempt {
            started_at: started,
            ended_at: ended,
            status: answer.status,
        });
    }
    if s.runs[i].kind == RunKind::Callback {
        return runs::callback_answered(s, i, answer, next);
    }
    if !answer.ok() && next.is_some() {
        return false;
    }
    let r = &mut s.runs[i];
    let Some(f) = &mut r.failure_function else {
        return true;
    };
    if f.state != Some(CallbackState::InProgress) {
        return true;
    }
    runs::set_answer(f, answer);
    let f = f.clone();
    let Some(id) = r.dlq_id.clone() else {
        return true;
    };
    if let Some(st) = s.workflow.get_mut(&Key::parse(&id)) {
        if st.entry.callback_state() == Some(CallbackState::InProgress) {
            let info = st
                .entry
                .failure_callback_info
                .get_or_insert_with(Default::default);
            info.response_status = f.response_status;
            info.response_body = f.response_body.clone();
            info.response_headers = f.response_headers.clone();
            st.entry
                .set_callback_state(f.state.unwrap_or(CallbackState::Fail));
        }
    }
    true
}
