//! Queues (`/v2/queues…`) and `POST /v2/enqueue/{queue}/{destination}`: a queue delivers its
//! messages oldest first, at most `parallelism` at once, and holds them while paused. A queued
//! message waits in state `queued`; [`pump`] lets the next ones go whenever a slot frees (a
//! delivery settled, a message enqueued, the queue resumed or its parallelism raised).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::outcome::{cancelled, Work};
use super::publish::{destination_of, Publish};
use super::queueslots::Member;

use super::server::Peer;
use super::sources::{valid_name, QueueRecord};
use super::states::MessageState;
use super::store::Store;
use super::wire::Reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/queues", post(upsert).get(list))
        .route("/v2/queues/{queue}", get(get_one).delete(delete))
        .route("/v2/queues/{queue}/pause", post(pause))
        .route("/v2/queues/{queue}/resume", post(resume))
        .route("/v2/enqueue/{queue}/{*destination}", post(enqueue))
}

/// Whether message `i` belongs to `queue`.
fn in_queue(s: &Store, i: usize, queue: &str) -> bool {
    s.messages[i].queue() == Some(queue)
}

/// Messages of `queue` not yet settled: held, released or being delivered.
fn lag(s: &Store, queue: &str) -> usize {
    (0..s.messages.len())
        .filter(|&i| in_queue(s, i, queue))
        .filter(|&i| {
            matches!(
                s.messages[i].state,
                MessageState::Queued | MessageState::Pending | MessageState::Delivering
            )
        })
        .count()
}

fn queue_json(s: &Store, q: &QueueRecord) -> Value {
    json!({
        "name": q.name,
        "createdAt": q.created_at,
        "updatedAt": q.updated_at,
        "parallelism": q.parallelism,
        "paused": q.paused,
        "lag": lag(s, &q.name),
    })
}

/// Moves the oldest held messages of every running queue into free slots.
fn release(s: &mut Store) -> Vec<Work> {
    let mut out = Vec::new();
    let running: Vec<(String, usize)> = s
        .sources
        .queues
        .values()
        .filter(|q| !q.paused)
        .map(|q| (q.name.clone(), q.parallelism.max(1) as usize))
        .collect();
    for (name, parallelism) in running {
        let held = s.queue_slots.unsettled(&s.messages, &name, parallelism);
        let free = parallelism.saturating_sub(held.busy);
        for i in held.waiting.into_iter().take(free) {
            s.messages[i].state = MessageState::Pending;
            out.push(Work::Message(i));
        }
    }
    out
}

/// Lets held messages go while slots are free. A message that is only recorded (nothing
/// contacts its destination) frees its slot at once, so the loop goes on until none is left.
pub fn pump(app: &Arc<App>) {
    loop {
        let work = {
            let mut s = app.store.write().unwrap();
            let work = release(&mut s);
            if work.is_empty() {
                return;
            }
            let work = app.settle(&mut s, work);
            app.persist(&s);
            work
        };
        super::deliver::start(app, work);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Upsert {
    queue_name: String,
    #[serde(default)]
    parallelism: Option<i64>,
    #[serde(default)]
    paused: Option<bool>,
}

fn invalid_name(name: &str) -> Reply {
    Reply::bad_request(format!(
        "queue name {name:?} is invalid: use letters, digits, '-', '.' and '_'"
    ))
}

fn not_found(name: &str) -> Reply {
    Reply::not_found(format!("queue {name} not found"))
}

async fn upsert(State(app): AppState, body: Bytes) -> Response {
    let u: Upsert = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            return Reply::bad_request(format!(
                "the body must be {{\"queueName\": …, \"parallelism\": …}}: {e}"
            ))
            .into_response()
        }
    };
    if !valid_name(&u.queue_name) {
        return invalid_name(&u.queue_name).into_response();
    }
    let parallelism = u.parallelism.unwrap_or(1);
    if parallelism < 1 {
        return Reply::bad_request("parallelism must be at least 1").into_response();
    }
    app.mutate(move |s, now| {
        let q = s
            .sources
            .queues
            .entry(u.queue_name.clone())
            .or_insert_with(|| QueueRecord {
                name: u.queue_name.clone(),
                created_at: now,
                updated_at: now,
                parallelism,
                paused: false,
            });
        q.parallelism = parallelism;
        q.updated_at = now;
        if let Some(p) = u.paused {
            q.paused = p;
        }
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}

async fn list(State(app): AppState) -> Response {
    app.read(|s| {
        let all: Vec<Value> = s
            .sources
            .queues
            .values()
            .map(|q| queue_json(s, q))
            .collect();
        Reply::ok(json!(all))
    })
    .await
}

async fn get_one(State(app): AppState, Path(name): Path<String>) -> Response {
    if !valid_name(&name) {
        return invalid_name(&name).into_response();
    }
    app.read(|s| match s.sources.queues.get(&name) {
        Some(q) => Reply::ok(queue_json(s, q)),
        None => not_found(&name),
    })
    .await
}

/// Deletes a queue; the messages it still held are cancelled.
async fn delete(State(app): AppState, Path(name): Path<String>) -> Response {
    app.mutate(move |s, now| {
        if s.sources.queues.remove(&name).is_none() {
            return (not_found(&name), vec![]);
        }
        let held: Vec<usize> = (0..s.messages.len())
            .filter(|&i| in_queue(s, i, &name) && s.messages[i].state == MessageState::Queued)
            .collect();
        for i in held {
            cancelled(s, i, now);
        }
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}

async fn set_paused(app: Arc<App>, name: String, paused: bool) -> Response {
    app.mutate(move |s, now| match s.sources.queues.get_mut(&name) {
        Some(q) => {
            q.paused = paused;
            q.updated_at = now;
            (Reply::Empty(StatusCode::OK), vec![])
        }
        None => (not_found(&name), vec![]),
    })
    .await
}

async fn pause(State(app): AppState, Path(name): Path<String>) -> Response {
    set_paused(app, name, true).await
}

async fn resume(State(app): AppState, Path(name): Path<String>) -> Response {
    set_paused(app, name, false).await
}

/// `POST /v2/enqueue/{queue}/{destination}`: a publish held by the queue (created with
/// parallelism 1 if it does not exist).
async fn enqueue(
    State(app): AppState,
    Extension(peer): Extension<Peer>,
    Path((queue, _)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The queue's segment as sent (percent-encoded or not) ends where the destination starts.
    let raw_queue = uri
        .path()
        .strip_prefix("/v2/enqueue/")
        .and_then(|r| r.split_once('/'))
        .map(|(q, _)| q.to_string())
        .unwrap_or_default();
    let destination = destination_of(&uri, &format!("/v2/enqueue/{raw_queue}/"));
    let p = Publish {
        destination,
        headers,
        body: body.to_vec(),
        queue: Some(queue),
        schedule_id: None,
        caller_ip: Some(peer.0.ip().to_string()),
    };
    super::publish::handle(&app, p).await
}

/// A message as its queue's slots see it.
impl super::queueslots::Member for super::store::MessageRecord {
    fn queue(&self) -> Option<&str> {
        self.origin.as_ref().and_then(|o| o.queue_name.as_deref())
    }

    fn state(&self) -> MessageState {
        self.state
    }
}
