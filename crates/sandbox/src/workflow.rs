//! The Workflow DLQ endpoints (API.md 4): list, get, delete, resume, restart, and the
//! failure-callback retry and cancel. Bulk calls in filter mode handle at most the workflow
//! cap per request and always return a cursor, `""` once everything matching is done.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::actions::{self, Rerun};
use super::app::{App, AppState};
use super::overrides::Overrides;
use super::query::Query;
use super::query::{delete_targets, list, targets};
use super::states::CallbackState;
use super::store::{Dlq, Key, Store};
use super::wire::Reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/workflows/dlq", get(list_runs).delete(bulk_delete))
        .route("/v2/workflows/dlq/resume", post(bulk_resume))
        .route("/v2/workflows/dlq/restart", post(bulk_restart))
        .route("/v2/workflows/dlq/resume/{dlq_id}", post(resume_one))
        .route("/v2/workflows/dlq/restart/{dlq_id}", post(restart_one))
        .route(
            "/v2/workflows/dlq/callback/{dlq_id}",
            post(retry_callback).delete(cancel_callback),
        )
        .route(
            "/v2/workflows/dlq/{dlq_id}",
            get(get_run).delete(delete_run),
        )
}

fn not_found(id: &str) -> Reply {
    Reply::not_found(format!("DLQ message {id} not found"))
}

/// The run `id` names, or why it cannot be acted on: unknown (404) or a QStash message (400).
fn check_run(store: &Store, id: &str) -> Result<(), Reply> {
    match store.locate(id) {
        Some(Dlq::Workflow) => Ok(()),
        Some(Dlq::Qstash) => Err(Reply::bad_request(format!(
            "{id} is a QStash message, not a workflow run: retry it instead"
        ))),
        None => Err(not_found(id)),
    }
}

fn limit(app: &App, q: &Query) -> usize {
    q.count.unwrap_or(usize::MAX).min(app.workflow_cap).max(1)
}

async fn list_runs(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    app.read(|s| list(s, raw.as_deref(), Dlq::Workflow)).await
}

async fn get_run(State(app): AppState, Path(id): Path<String>) -> Response {
    app.read(|s| match s.workflow.get(&Key::parse(&id)) {
        Some(e) => Reply::ok(e.wire()),
        None => not_found(&id),
    })
    .await
}

async fn delete_run(State(app): AppState, Path(id): Path<String>) -> Response {
    app.mutate(|s, _| {
        if s.workflow.contains_key(&Key::parse(&id)) {
            actions::delete(s, Dlq::Workflow, &id);
            (Reply::Empty(StatusCode::OK), vec![])
        } else {
            (not_found(&id), vec![])
        }
    })
    .await
}

async fn bulk_delete(State(app): AppState, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    let q = match Query::parse(raw.as_deref(), Dlq::Workflow).and_then(|q| q.with_body_ids(&body)) {
        Ok(q) => q,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let n = limit(&app, &q);
    app.mutate(move |s, _| {
        let (ids, more, explicit) = match delete_targets(s, &q, Dlq::Workflow, n) {
            Ok(t) => t,
            Err(r) => return (r, vec![]),
        };
        for id in &ids {
            actions::delete(s, Dlq::Workflow, id);
        }
        let mut body = json!({ "deleted": ids.len() });
        if !explicit {
            body["cursor"] = json!(if more {
                ids.last().unwrap().as_str()
            } else {
                ""
            });
        }
        (Reply::ok(body), vec![])
    })
    .await
}

async fn bulk(app: Arc<App>, raw: Option<String>, headers: HeaderMap, kind: Rerun) -> Response {
    let ov = match Overrides::parse(&headers) {
        Ok(o) => o,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let q = match Query::parse(raw.as_deref(), Dlq::Workflow) {
        Ok(q) => q,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let n = limit(&app, &q);
    app.mutate(move |s, now| {
        if let Some(ids) = &q.dlq_ids {
            // A QStash id among them is a 400 even when others are unknown.
            if let Some(bad) = ids.iter().find(|id| s.locate(id) == Some(Dlq::Qstash)) {
                return (check_run(s, bad).unwrap_err(), vec![]);
            }
        }
        let (ids, more, _) = match targets(s, &q, Dlq::Workflow, n) {
            Ok(t) => t,
            Err(r) => return (r, vec![]),
        };
        let (runs, work): (Vec<_>, Vec<_>) = ids
            .iter()
            .map(|id| actions::rerun(s, id, kind, &ov, now))
            .unzip();
        let cursor = if more {
            ids.last().unwrap().as_str()
        } else {
            ""
        };
        (
            Reply::ok(json!({ "workflowRuns": runs, "cursor": cursor })),
            work,
        )
    })
    .await
}

async fn bulk_resume(
    State(app): AppState,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    bulk(app, raw, headers, Rerun::Resume).await
}

async fn bulk_restart(
    State(app): AppState,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    bulk(app, raw, headers, Rerun::Restart).await
}

async fn one(app: Arc<App>, id: String, headers: HeaderMap, kind: Rerun) -> Response {
    let ov = match Overrides::parse(&headers) {
        Ok(o) => o,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    app.mutate(move |s, now| {
        if let Err(r) = check_run(s, &id) {
            return (r, vec![]);
        }
        let (run, work) = actions::rerun(s, &id, kind, &ov, now);
        (Reply::ok(serde_json::to_value(run).unwrap()), vec![work])
    })
    .await
}

async fn resume_one(State(app): AppState, Path(id): Path<String>, h: HeaderMap) -> Response {
    one(app, id, h, Rerun::Resume).await
}

async fn restart_one(State(app): AppState, Path(id): Path<String>, h: HeaderMap) -> Response {
    one(app, id, h, Rerun::Restart).await
}

async fn retry_callback(State(app): AppState, Path(id): Path<String>) -> Response {
    app.mutate(move |s, now| {
        if let Err(r) = check_run(s, &id) {
            return (r, vec![]);
        }
        let entry = &s.workflow[&Key::parse(&id)].entry;
        if let Some(reason) = actions::callback_refusal(entry) {
            return (Reply::bad_request(reason), vec![]);
        }
        let (run, work) = actions::callback(s, &id, now);
        (Reply::ok(serde_json::to_value(run).unwrap()), vec![work])
    })
    .await
}

async fn cancel_callback(State(app): AppState, Path(id): Path<String>) -> Response {
    app.mutate(move |s, _| {
        if let Err(r) = check_run(s, &id) {
            return (r, vec![]);
        }
        let entry = &s.workflow[&Key::parse(&id)].entry;
        match entry.callback_state() {
            Some(CallbackState::InProgress) => {
                actions::cancel_callback(s, &id);
                // OAW documents success of this call as 302, with no body.
                (Reply::Empty(StatusCode::FOUND), vec![])
            }
            None => (
                Reply::bad_request("this workflow run has no failure callback"),
                vec![],
            ),
            Some(state) => (
                Reply::bad_request(format!(
                    "no in-progress failure callback to cancel (state is {state})"
                )),
                vec![],
            ),
        }
    })
    .await
}
