//! `POST /v2/batch`: an array of publishes, each with its destination (URL or URL group),
//! headers, body and optional queue. Every item goes through the shared publish path
//! (`publish::publish`), so whatever a publish does, a batch item does too.
//!
//! As the service documents it: a body that is not an array of well-formed items (not JSON,
//! empty, a header that is no header) refuses the whole batch with 400 and nothing is
//! published; otherwise the reply is an array with one result per item, in order: `{messageId}`
//! for a URL, an array of `{messageId, url}` for a URL group (the official SDK's typings), and
//! `{"error": ...}` for an item refused on its own (a destination that is no URL nor group, an
//! unknown group, a bad setting), while the other items are published.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::publish::{header_map, publish, Publish};

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
            let mut out: Vec<Value> = Vec::new();
            let mut work = Vec::new();
            for p in &items {
                match publish(s, p, now) {
                    Ok(done) if done.group => {
                        out.push(Value::Array(done.items));
                        work.extend(done.work);
                        made.lock().unwrap().extend(done.starts);
                    }
                    Ok(mut done) => {
                        out.push(done.items.swap_remove(0));
                        work.extend(done.work);
                        made.lock().unwrap().extend(done.starts);
                    }
                    Err(r) => out.push(json!({ "error": why(r) })),
                }
            }
            (Reply::ok(Value::Array(out)), work)
        })
        .await;
    super::publish::start_runs(&app, std::mem::take(&mut *starts.lock().unwrap()));
    response
}

/// An item's refusal, in the words a publish of its own would have been answered with.
fn why(r: Reply) -> String {
    match r {
        Reply::Json(_, v) => v["error"]
            .as_str()
            .map_or_else(|| v.to_string(), str::to_string),
        Reply::Empty(status) => status.to_string(),
    }
}
