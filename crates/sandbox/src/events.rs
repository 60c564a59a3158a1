//! `GET /v2/events` and `GET /v2/workflows/events`: the logs as the official SDKs read them
//! (TS `logs()`/`events()`, Python `log.list()`, workflow `logs()`). Neither is in the official
//! OpenAPI; their shape is the SDKs' own reading, recorded in docs/sandbox-wire.md.
//!
//! Both are thin readers over the same records as `/v2/logs` and `/v2/workflows/logs`, with
//! the same filters and cursors: only names and limits differ, so whatever the logs gain
//! shows here too.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::logs::{Flavor, LogQuery};
use super::query::grouped;
use super::runlog::RunQuery;
use super::wire::{LogEntry, Reply};

/// Runs per page of `/v2/workflows/events` unless `count` says (the workflow SDK's `logs()`).
pub const RUNS_DEFAULT: usize = 10;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/events", get(events))
        .route("/v2/workflows/events", get(workflow_events))
}

/// A log entry under the names the SDKs read: `retryDelayExpr` (OAQ: `retryDelayExpression`),
/// `responseHeader` (OAQ: `responseHeaders`), and the state `CANCELED` (OAQ: `CANCELLED`).
pub fn event_view(e: &LogEntry) -> Value {
    let mut v = serde_json::to_value(e).unwrap();
    let m = v.as_object_mut().unwrap();
    for (from, to) in [
        ("retryDelayExpression", "retryDelayExpr"),
        ("responseHeaders", "responseHeader"),
    ] {
        if let Some(x) = m.remove(from) {
            m.insert(to.into(), x);
        }
    }
    m.insert("state".into(), json!(e.state.events_name()));
    v
}

async fn events(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    app.read(|s| match LogQuery::parse(raw.as_deref(), Flavor::Events) {
        Ok(q) => {
            let (logs, cursor) = q.page(s);
            let mut body =
                json!({ "events": logs.into_iter().map(event_view).collect::<Vec<_>>() });
            if let Some(c) = cursor {
                body["cursor"] = json!(c);
            }
            Reply::ok(body)
        }
        Err(e) => Reply::bad_request(e),
    })
    .await
}

/// Runs grouped by run id, as `/v2/workflows/logs` shows them. Ungrouped step events are not
/// modelled, so a request without `groupBy=workflowRunId` is refused rather than answered in
/// a shape the real service would not use.
async fn workflow_events(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    let grouped_by_run = grouped(raw.as_deref())
        .get("groupBy")
        .and_then(|v| v.last())
        .is_some_and(|g| g == "workflowRunId");
    app.read(move |s| {
        if !grouped_by_run {
            return Reply::bad_request(
                "the sandbox serves /v2/workflows/events grouped by run only: add \
                 groupBy=workflowRunId (or use /v2/workflows/logs)",
            );
        }
        match RunQuery::parse(raw.as_deref(), RUNS_DEFAULT) {
            Ok(q) => {
                let (runs, cursor) = q.page(s);
                Reply::ok(json!({ "runs": runs, "cursor": cursor }))
            }
            Err(e) => Reply::bad_request(e),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::states::LogState;

    #[test]
    fn events_carry_the_names_the_sdks_read() {
        let e = LogEntry {
            state: LogState::Cancelled,
            retry_delay_expression: Some("1000 * retried".into()),
            response_headers: Some([("A".to_string(), vec!["b".to_string()])].into()),
            ..LogEntry::default()
        };
        let v = event_view(&e);
        assert_eq!(v["state"], "CANCELED");
        assert_eq!(v["retryDelayExpr"], "1000 * retried");
        assert_eq!(v["responseHeader"]["A"][0], "b");
        assert!(v.get("retryDelayExpression").is_none() && v.get("responseHeaders").is_none());
    }
}
