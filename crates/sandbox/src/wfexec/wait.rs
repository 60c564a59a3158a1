//! `context.waitForEvent` and notify: the app registers a waiter (`POST /v2/wait/{eventId}`
//! with the step to complete and a timeout); `POST /v2/notify/{eventId}` (or
//! `/v2/notify/{workflowRunId}/{eventId}`) completes every waiter of the event with the event
//! data (base64 in `out`, `waitTimeout: false`), and a waiter nobody notified in time is
//! completed with `waitTimeout: true`. Either way the step goes to the run like any other.
//! `GET /v2/waiters/{eventId}` lists the waiters. Events nobody waits for are not kept.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::super::app::App;
use super::super::app::AppState;
use super::super::overrides::duration_ms;
use super::super::store::{now_ms, Store};
use super::super::wfstate::Waiter;
use super::super::wire::{base64, Reply};
use super::{append, forwarded, header, run_index, start, Start};
use crate::states::{RunKind, RunState};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/wait/{event_id}", post(wait))
        .route("/v2/notify/{event_id}", post(notify_all))
        .route("/v2/notify/{run_id}/{event_id}", post(notify_run))
        .route("/v2/waiters/{event_id}", get(waiters))
}

async fn wait(
    State(app): AppState,
    Path(event_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Reply::bad_request(format!("the wait is not JSON: {e}")).into_response(),
    };
    let Some(id) = header(&headers, "upstash-workflow-runid").map(str::to_string) else {
        return Reply::bad_request("a wait needs Upstash-Workflow-RunId").into_response();
    };
    let timeout = req["timeout"]
        .as_str()
        .and_then(duration_ms)
        .unwrap_or(7 * 86_400_000);
    let now = now_ms();
    let w = Waiter {
        event_id,
        step: req["step"].clone(),
        deadline: now.saturating_add(timeout),
        headers: forwarded(&headers, "upstash-forward-"),
        done: false,
    };
    let deadline = w.deadline;
    let found = {
        let mut s = app.store.write().unwrap();
        let Some(i) = run_index(&s, &id).filter(|&i| s.runs[i].state == RunState::Started) else {
            return Reply::bad_request(format!("workflow run {id} is not running")).into_response();
        };
        let Some(x) = s.runs[i].exec.as_mut() else {
            return Reply::bad_request("not an executed run").into_response();
        };
        x.waits.push(w);
        let n = x.waits.len() - 1;
        app.persist(&s);
        (i, n)
    };
    tokio::spawn(time_out(app.clone(), found.0, found.1, deadline));
    Reply::ok(json!({})).into_response()
}

/// Completes waiter `n` of run `i`; `data` is the event's, `None` when it timed out.
fn complete(s: &mut Store, i: usize, n: usize, data: Option<&[u8]>) -> Option<Start> {
    let now = now_ms();
    let r = &mut s.runs[i];
    if r.state != RunState::Started {
        return None;
    }
    let w = r.exec.as_mut()?.waits.get_mut(n)?;
    if w.done {
        return None;
    }
    w.done = true;
    let mut step = w.step.clone();
    step["waitTimeout"] = json!(data.is_none());
    if let Some(d) = data {
        step["out"] = json!(base64(d));
    }
    let headers = w.headers.clone();
    let body = serde_json::to_vec(&step).unwrap();
    append(r, &body, headers, "step", now, now);
    let k = r.exec.as_ref()?.steps.len();
    Some(Start::Deliver { run: i, step: k })
}

async fn time_out(app: Arc<App>, i: usize, n: usize, deadline: i64) {
    let wait = deadline - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
    let x = {
        let mut s = app.store.write().unwrap();
        let x = complete(&mut s, i, n, None);
        app.persist(&s);
        x
    };
    if let Some(x) = x {
        start(&app, x);
    }
}

/// Notifies the waiters of `event_id` (of run `run` only, if given): `[{waiter, messageId,
/// error}]`, one per waiter completed.
fn notify(app: &Arc<App>, run: Option<&str>, event_id: &str, data: &[u8]) -> Response {
    let (out, starts) = {
        let mut s = app.store.write().unwrap();
        let mut pending = Vec::new();
        for (i, r) in s.runs.iter().enumerate() {
            let mine = run.is_none_or(|id| r.workflow_run_id == id);
            if r.state != RunState::Started || r.kind == RunKind::Callback || !mine {
                continue;
            }
            for (n, w) in r.exec.iter().flat_map(|x| x.waits.iter().enumerate()) {
                if !w.done && w.event_id == event_id {
                    pending.push((i, n, view(&r.workflow_url, w)));
                }
            }
        }
        let mut out = Vec::new();
        let mut starts = Vec::new();
        for (i, n, waiter) in pending {
            if let Some(x) = complete(&mut s, i, n, Some(data)) {
                let id = s.runs[i]
                    .exec
                    .as_ref()
                    .and_then(|x| x.steps.last())
                    .map(|m| m.message_id.clone());
                out.push(json!({ "waiter": waiter, "messageId": id, "error": "" }));
                starts.push(x);
            }
        }
        app.persist(&s);
        (out, starts)
    };
    for x in starts {
        start(app, x);
    }
    Reply::ok(json!(out)).into_response()
}

fn view(url: &str, w: &Waiter) -> Value {
    json!({
        "url": url,
        "deadline": w.deadline / 1000,
        "headers": w.headers,
        "timeoutUrl": url,
    })
}

async fn notify_all(State(app): AppState, Path(event_id): Path<String>, body: Bytes) -> Response {
    notify(&app, None, &event_id, &body)
}

async fn notify_run(
    State(app): AppState,
    Path((run_id, event_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    notify(&app, Some(&run_id), &event_id, &body)
}

async fn waiters(State(app): AppState, Path(event_id): Path<String>) -> Response {
    let s = app.store.read().unwrap();
    let list: Vec<Value> = s
        .runs
        .iter()
        .filter(|r| r.state == RunState::Started && r.kind != RunKind::Callback)
        .flat_map(|r| {
            r.exec
                .iter()
                .flat_map(|x| x.waits.iter())
                .filter(|w| !w.done && w.event_id == event_id)
                .map(|w| view(&r.workflow_url, w))
        })
        .collect();
    Reply::ok(json!(list)).into_response()
}
