//! The HTTP surface of executed runs: trigger (`/v2/trigger/{workflowUrl}`,
//! `/v2/batch/trigger`), the end of a run
//! (`DELETE /v2/workflows/runs/{id}?cancel=`), bulk cancel, and the lazy fetch of a run's
//! messages (`GET /v2/workflows/runs/{id}`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::Router;
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use super::super::app::App;
use super::super::app::AppState;
use super::super::query::grouped;
use super::super::server::Peer;
use super::super::store::{now_ms, Store};
use super::super::wire::Reply;
use super::{accept, run_index, start, Start};
use crate::states::RunState;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/trigger/{*workflow_url}", post(trigger))
        .route("/v2/batch/trigger", post(batch_trigger))
        .route("/v2/workflows/runs", delete(bulk_cancel))
        .route(
            "/v2/workflows/runs/{run_id}",
            delete(end_run).get(run_messages),
        )
        .merge(super::wait::routes())
}

/// Runs what a request started, once the store is unlocked.
fn start_all(app: &Arc<App>, starts: Vec<Start>) {
    for x in starts {
        start(app, x);
    }
}

/// `POST /v2/trigger/{workflowUrl}`: a new run, `{workflowRunId, workflowCreatedAt}`.
async fn trigger(
    State(app): AppState,
    Extension(peer): Extension<Peer>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = uri.path().strip_prefix("/v2/trigger/").unwrap_or("");
    let url = percent_decode_str(raw).decode_utf8_lossy().into_owned();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Reply::bad_request(format!("workflow URL {url:?} must be an http(s) URL"))
            .into_response();
    }
    let ip = peer.0.ip().to_string();
    let out = {
        let mut s = app.store.write().unwrap();
        let out = accept(&mut s, &ip, url, &headers, &body, true);
        app.persist(&s);
        out
    };
    match out {
        Ok((v, starts)) => {
            start_all(&app, starts);
            Reply::ok(json!({
                "workflowRunId": v["workflowRunId"],
                "workflowCreatedAt": v["workflowCreatedAt"],
            }))
            .into_response()
        }
        Err(e) => Reply::bad_request(e).into_response(),
    }
}

/// One message of a batch: destination, headers and body.
struct Item {
    url: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn parse_batch(body: &[u8]) -> Result<Vec<Item>, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the batch is not JSON: {e}"))?;
    let list = v
        .as_array()
        .ok_or("the batch must be a JSON array of {destination, headers, body}")?;
    list.iter()
        .enumerate()
        .map(|(n, m)| {
            let url = m["destination"]
                .as_str()
                .ok_or(format!("message {n} of the batch has no destination"))?
                .to_string();
            let mut headers = HeaderMap::new();
            for (k, v) in m["headers"].as_object().into_iter().flatten() {
                let name = HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
                    .map_err(|_| format!("message {n}: bad header name {k:?}"))?;
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                let value = HeaderValue::from_str(&text)
                    .map_err(|_| format!("message {n}: bad value for header {k:?}"))?;
                headers.insert(name, value);
            }
            // A body that is not a string (an object a caller forgot to encode) is its JSON.
            let body = match &m["body"] {
                Value::Null => Vec::new(),
                Value::String(b) => b.as_bytes().to_vec(),
                other => other.to_string().into_bytes(),
            };
            Ok(Item { url, headers, body })
        })
        .collect()
}

/// `POST /v2/batch/trigger`: a run per message, 201 with each run's id and creation time.
async fn batch_trigger(
    State(app): AppState,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> Response {
    let items = match parse_batch(&body) {
        Ok(i) => i,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let ip = peer.0.ip().to_string();
    let (results, starts) = {
        let mut s = app.store.write().unwrap();
        let mut results = Vec::new();
        let mut starts = Vec::new();
        for it in items {
            match accept(&mut s, &ip, it.url, &it.headers, &it.body, true) {
                Ok((v, st)) => {
                    results.push(json!({
                        "workflowRunId": v["workflowRunId"],
                        "workflowCreatedAt": v["workflowCreatedAt"],
                        "deduplicated": v["deduplicated"].as_bool().unwrap_or(false),
                    }));
                    starts.extend(st);
                }
                Err(e) => return Reply::bad_request(e).into_response(),
            }
        }
        app.persist(&s);
        (results, starts)
    };
    start_all(&app, starts);
    (StatusCode::CREATED, axum::Json(json!(results))).into_response()
}

/// Ends run `i` as `state` unless it has ended already.
pub fn end(s: &mut Store, i: usize, state: RunState, now: i64) -> bool {
    let r = &mut s.runs[i];
    if r.state != RunState::Started {
        return false;
    }
    r.state = state;
    r.completed_at = Some(now);
    true
}

/// `DELETE /v2/workflows/runs/{id}`: the SDK ends a finished run with `?cancel=false`, and a
/// cancelled one (and anyone cancelling by hand) with `?cancel=true` or no query.
async fn end_run(
    State(app): AppState,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = grouped(raw.as_deref());
    let cancel = q
        .get("cancel")
        .and_then(|v| v.last())
        .is_none_or(|v| v != "false");
    let state = if cancel {
        RunState::Canceled
    } else {
        RunState::Success
    };
    let mut s = app.store.write().unwrap();
    let Some(i) = run_index(&s, &id) else {
        return Reply::not_found(format!("workflow run {id} not found")).into_response();
    };
    if !end(&mut s, i, state, now_ms()) {
        let now = s.runs[i].state;
        return Reply::bad_request(format!("workflow run {id} has already ended ({now})"))
            .into_response();
    }
    app.persist(&s);
    Reply::Empty(StatusCode::OK).into_response()
}

/// `DELETE /v2/workflows/runs`: cancels the runs under way that `cancel::Selection` picks;
/// `{"cancelled": n}`, n the runs it cancelled.
async fn bulk_cancel(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    let sel = match super::cancel::Selection::parse(raw.as_deref()) {
        Ok(sel) => sel,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let mut s = app.store.write().unwrap();
    let now = now_ms();
    let n = sel
        .chosen(&s)
        .into_iter()
        .filter(|&i| end(&mut s, i, RunState::Canceled, now))
        .count();
    app.persist(&s);
    Reply::ok(json!({ "cancelled": n })).into_response()
}

/// `GET /v2/workflows/runs/{id}`: the run's messages as the app gets them, for the SDK's lazy
/// fetch of large bodies.
async fn run_messages(State(app): AppState, Path(id): Path<String>) -> Response {
    let s = app.store.read().unwrap();
    let Some(x) = run_index(&s, &id).and_then(|i| s.runs[i].exec.as_ref()) else {
        return Reply::not_found(format!("workflow run {id} not found")).into_response();
    };
    let mut list = vec![json!({
        "messageId": x.initial_message_id,
        "body": x.initial,
        "callType": "step",
    })];
    for m in &x.steps {
        list.push(json!({ "messageId": m.message_id, "body": m.body, "callType": m.call_type }));
    }
    Reply::ok(json!(list)).into_response()
}
