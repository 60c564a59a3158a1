//! `/__sandbox/*`: what tests need to see that the API cannot show, such as how many times a
//! mutation was applied to each id. Token-protected, never delayed, never faulted.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::states::RunKind;
use super::store::RunRecord;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/__sandbox/applied", get(applied))
        .route("/__sandbox/requests", get(requests))
        .route("/__sandbox/messages", get(messages))
        .route("/__sandbox/runs", get(runs))
        .route("/__sandbox/stats", get(stats))
}

/// `{"<dlqId>": {"retry": n, ...}}`, non-zero counters only.
async fn applied(State(app): AppState) -> Json<Value> {
    let s = app.store.read().unwrap();
    Json(json!(s.applied))
}

/// The last DLQ API requests, oldest first, without their Authorization header.
async fn requests(State(app): AppState) -> Json<Value> {
    let s = app.store.read().unwrap();
    Json(json!(s.requests))
}

/// Each record as stored, with its state and new dlqId once it failed for good, less the DLQ
/// entry it came from (`origin`), which only the sandbox needs.
fn without_origin<T: serde::Serialize>(records: &[T]) -> Json<Value> {
    let list: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut v = json!(r);
            v.as_object_mut().unwrap().remove("origin");
            v
        })
        .collect();
    Json(json!(list))
}

async fn messages(State(app): AppState) -> Json<Value> {
    without_origin(&app.store.read().unwrap().messages)
}

/// The runs the sandbox made (resume, restart, callback, triggers), not the seeded ones: what
/// a test asks is what its requests started.
async fn runs(State(app): AppState) -> Json<Value> {
    let store = app.store.read().unwrap();
    let made: Vec<&RunRecord> = store
        .runs
        .iter()
        .filter(|r| r.kind != RunKind::Seeded)
        .collect();
    without_origin(&made)
}

/// `{"maxInFlight":…, "maxInFlightMutations":…, "throttled":…}`: how hard clients pushed.
async fn stats(State(app): AppState) -> Json<Value> {
    Json(app.in_flight.json())
}
