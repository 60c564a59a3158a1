//! `POST /v2/batch`: an array of publishes, each with its destination (URL or URL group),
//! headers, body and optional queue. Every item goes through the shared publish path
//! (`publish::publish`), so whatever a publish does, a batch item does too. Items are all
//! checked first: one bad item refuses the whole batch with 400 and nothing is published.
//! The reply is one array of `{messageId}` objects, as the official OpenAPI gives it; a URL
//! group item contributes one object per endpoint, with its `url`, in place.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::Value;

use super::app::{App, AppState};
use super::publish::{check, header_map, publish, Publish};

use super::server::Peer;
use super::wire::Reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/v2/batch", post(batch))
}

#[derive(Deserialize)]
struct Item {
    destination: String,
    /// Values as the SDKs send them: strings, or numbers and booleans taken as their text.
    #[serde(default)]
    headers: BTreeMap<String, Value>,
    /// A body that is not a string (an object a caller forgot to encode) is its JSON.
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    queue: Option<String>,
}

fn parse(body: &[u8], caller_ip: &str) -> Result<Vec<Publish>, String> {
    let items: Vec<Item> = serde_json::from_slice(body).map_err(|e| {
        format!("the body must be an array of {{\"destination\", \"headers\", \"body\"}}: {e}")
    })?;
    if items.is_empty() {
        return Err("the batch is empty".into());
    }
    items
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let pairs = i
                .headers
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect();
            let headers = header_map(&pairs).map_err(|e| format!("item {n}: {e}"))?;
            let body = match i.body {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::String(b)) => b.into_bytes(),
                Some(other) => other.to_string().into_bytes(),
            };
            Ok(Publish {
                destination: i.destination,
                headers,
                body,
                queue: i.queue,
                schedule_id: None,
                caller_ip: Some(caller_ip.to_string()),
            })
        })
        .collect()
}

async fn batch(State(app): AppState, Extension(peer): Extension<Peer>, body: Bytes) -> Response {
    let items = match parse(&body, &peer.0.ip().to_string()) {
        Ok(i) => i,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let starts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let made = starts.clone();
    let response = app
        .mutate(move |s, now| {
            for (n, p) in items.iter().enumerate() {
                if let Err(Reply::Json(status, v)) = check(s, p) {
                    let why = v["error"].as_str().unwrap_or("invalid").to_string();
                    let status = if status.is_client_error() {
                        status
                    } else {
                        axum::http::StatusCode::BAD_REQUEST
                    };
                    return (Reply::error(status, format!("item {n}: {why}")), vec![]);
                }
            }
            let mut out: Vec<Value> = Vec::new();
            let mut work = Vec::new();
            for p in &items {
                match publish(s, p, now) {
                    Ok(done) => {
                        out.extend(done.items);
                        work.extend(done.work);
                        made.lock().unwrap().extend(done.starts);
                    }
                    // Only a workflow step to a run that has ended gets here (checked above
                    // otherwise): what went before it stands, as the SDK's own batch would leave it.
                    Err(r) => return (r, work),
                }
            }
            (Reply::ok(Value::Array(out)), work)
        })
        .await;
    super::publish::start_runs(&app, std::mem::take(&mut *starts.lock().unwrap()));
    response
}
