//! The HTTP surface: every QStash DLQ endpoint (API.md 3) here, the workflow ones in
//! `workflow.rs`, the logs in `logs.rs` and `runlog.rs` (as the SDKs read them: `events.rs`),
//! publish in `deliver.rs` and `publish.rs`, the sources of entries in `topics.rs`,
//! `queues.rs`, `schedules.rs`, `messages.rs` and `batch.rs`, introspection in `introspect.rs`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::actions;
use super::app::{App, AppState};
use super::overrides::Overrides;
use super::query::{delete_targets, list, targets, Query};
use super::store::{Dlq, Key};
use super::wire::Reply;
use super::{
    batch, events, introspect, logs, messages, publish, queues, runlog, schedules, server, topics,
    workflow,
};

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v2/dlq", get(list_qstash).delete(bulk_delete_qstash))
        .route("/v2/dlq/retry", post(bulk_retry))
        .route("/v2/dlq/retry/{dlq_id}", post(retry_one))
        .route("/v2/dlq/{dlq_id}", get(get_qstash).delete(delete_qstash))
        .merge(workflow::routes())
        .merge(super::wfexec::routes())
        .merge(logs::routes())
        .merge(runlog::routes())
        .merge(events::routes())
        .route("/v2/publish/{*destination}", post(publish::route))
        .merge(topics::routes())
        .merge(queues::routes())
        .merge(schedules::routes())
        .merge(messages::routes())
        .merge(batch::routes())
        .merge(introspect::routes())
        .merge(super::flowkeys::routes())
        .merge(super::keys::routes())
        .fallback(|| async { Reply::not_found("no such endpoint in the sandbox") })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            server::gate,
        ))
        .with_state(app)
}

async fn list_qstash(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    app.read(|s| list(s, raw.as_deref(), Dlq::Qstash)).await
}

async fn get_qstash(State(app): AppState, Path(id): Path<String>) -> Response {
    app.read(|s| match s.qstash.get(&Key::parse(&id)) {
        Some(e) => Reply::ok(e.wire()),
        None => Reply::not_found(format!("message {id} not found in the DLQ")),
    })
    .await
}

async fn delete_qstash(State(app): AppState, Path(id): Path<String>) -> Response {
    app.mutate(|s, _| {
        if s.qstash.contains_key(&Key::parse(&id)) {
            actions::delete(s, Dlq::Qstash, &id);
            (Reply::Empty(StatusCode::OK), vec![])
        } else {
            (
                Reply::not_found(format!("message {id} not found in the DLQ")),
                vec![],
            )
        }
    })
    .await
}

async fn bulk_delete_qstash(
    State(app): AppState,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let q = match Query::parse(raw.as_deref(), Dlq::Qstash).and_then(|q| q.with_body_ids(&body)) {
        Ok(q) => q,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let which = if q.workflow_source {
        Dlq::Workflow
    } else {
        Dlq::Qstash
    };
    app.mutate(move |s, _| {
        let (ids, more, _) = match delete_targets(s, &q, which, q.count.unwrap_or(100)) {
            Ok(t) => t,
            Err(r) => return (r, vec![]),
        };
        for id in &ids {
            actions::delete(s, which, id);
        }
        let mut body = json!({ "deleted": ids.len() });
        if more {
            body["cursor"] = json!(ids.last());
        }
        (Reply::ok(body), vec![])
    })
    .await
}

fn parse_overrides(headers: &HeaderMap) -> Result<Overrides, Box<Response>> {
    Overrides::parse(headers).map_err(|e| Box::new(Reply::bad_request(e).into_response()))
}

async fn retry_one(State(app): AppState, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let ov = match parse_overrides(&headers) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    app.mutate(move |s, now| {
        if !s.qstash.contains_key(&Key::parse(&id)) {
            return (
                Reply::not_found(format!("message {id} not found in the DLQ")),
                vec![],
            );
        }
        let (message_id, work) = actions::retry(s, &id, &ov, now);
        (
            Reply::Json(StatusCode::CREATED, json!({ "messageId": message_id })),
            vec![work],
        )
    })
    .await
}

async fn bulk_retry(State(app): AppState, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let ov = match parse_overrides(&headers) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let q = match Query::parse(raw.as_deref(), Dlq::Qstash) {
        Ok(q) if q.workflow_source => {
            return Reply::bad_request("workflow runs are resumed or restarted, not retried")
                .into_response()
        }
        Ok(q) => q,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    app.mutate(move |s, now| {
        let (ids, more, _) = match targets(s, &q, Dlq::Qstash, q.count.unwrap_or(100)) {
            Ok(t) => t,
            Err(r) => return (r, vec![]),
        };
        let (message_ids, work): (Vec<String>, Vec<_>) =
            ids.iter().map(|id| actions::retry(s, id, &ov, now)).unzip();
        let responses: Vec<Value> = message_ids
            .iter()
            .map(|m| json!({ "messageId": m }))
            .collect();
        let mut body = json!({ "responses": responses });
        if more {
            body["cursor"] = json!(ids.last());
        }
        (Reply::Json(StatusCode::CREATED, body), work)
    })
    .await
}
