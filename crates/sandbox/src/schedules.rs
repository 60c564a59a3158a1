//! Schedules (`/v2/schedules…`): create (or update, with `Upstash-Schedule-Id`), list, get,
//! delete, pause and resume (POST as the OpenAPI says, PATCH as the TypeScript SDK sends).
//! A schedule keeps the publish request it repeats and fires it through the shared publish
//! path with its `scheduleId`, so a firing that fails for good lands in the DLQ with it.
//!
//! The clock: a schedule fires on the minutes its cron names, in real time. Tests and
//! rehearsals need not wait for one: `POST /__sandbox/schedules/{id}/fire` fires it now,
//! exactly as its cron would (a paused schedule ignores it, as it ignores its cron).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::cron::Cron;
use super::overrides::Overrides;
use super::publish::{check, forward_headers, header_map, publish, Publish};

use super::server::Peer;
use super::sources::{valid_name, ScheduleRecord};
use super::states::{MessageState, ScheduleState};
use super::store::{now_ms, random_id, Store};
use super::wire::{text_or_base64, Entry, Reply};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/schedules", get(list))
        .route("/v2/schedules/{*rest}", any(dispatch))
        .route("/__sandbox/schedules/{id}/fire", post(fire_endpoint))
}

/// One path serves create (`/v2/schedules/{destination}`, a URL with slashes of its own),
/// get and delete (`/{id}`) and pause and resume (`/{id}/pause`): told apart by shape.
async fn dispatch(
    State(app): AppState,
    Extension(peer): Extension<Peer>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = uri.path().strip_prefix("/v2/schedules/").unwrap_or("");
    let rest = percent_decode_str(raw).decode_utf8_lossy().into_owned();
    let is_url = rest.starts_with("http://") || rest.starts_with("https://");
    let parts: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("POST", _) if is_url || parts.len() == 1 => {
            let ip = peer.0.ip().to_string();
            create(
                app,
                super::publish::destination_of(&uri, "/v2/schedules/"),
                headers,
                body,
                ip,
            )
            .await
        }
        ("GET", [id]) => get_one(app, id.to_string()).await,
        ("DELETE", [id]) => delete(app, id.to_string()).await,
        ("POST" | "PATCH", [id, "pause"]) => set_paused(app, id.to_string(), true).await,
        ("POST" | "PATCH", [id, "resume"]) => set_paused(app, id.to_string(), false).await,
        _ => Reply::not_found("no such endpoint in the sandbox").into_response(),
    }
}

fn not_found(id: &str) -> Reply {
    Reply::not_found(format!("schedule {id} not found"))
}

/// The request headers a schedule keeps: all but Authorization, which it must never hold.
fn kept_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(k, _)| *k != axum::http::header::AUTHORIZATION && *k != "host")
        .filter(|(k, _)| {
            k.as_str().starts_with("upstash-") || *k == axum::http::header::CONTENT_TYPE
        })
        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
        .collect()
}

/// The publish a firing of `s` makes.
fn publish_of(s: &ScheduleRecord) -> Result<Publish, Reply> {
    let headers = header_map(&s.request_headers).map_err(Reply::bad_request)?;
    let body = Entry {
        body: s.body.clone(),
        body_base64: s.body_base64.clone(),
        ..Entry::default()
    }
    .body_bytes();
    Ok(Publish {
        destination: s.destination.clone(),
        queue: s.request_headers.get("upstash-queue-name").cloned(),
        headers,
        body,
        schedule_id: Some(s.schedule_id.clone()),
        caller_ip: s.caller_ip.clone(),
    })
}

async fn create(
    app: Arc<App>,
    destination: String,
    headers: HeaderMap,
    body: Bytes,
    caller_ip: String,
) -> Response {
    let cron = match headers.get("upstash-cron").and_then(|v| v.to_str().ok()) {
        Some(c) => c.trim().to_string(),
        None => return Reply::bad_request("Upstash-Cron is required").into_response(),
    };
    if let Err(e) = Cron::parse(&cron) {
        return Reply::bad_request(e).into_response();
    }
    let id = headers
        .get("upstash-schedule-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(bad) = id.as_deref().filter(|i| !valid_name(i)) {
        return Reply::bad_request(format!(
            "schedule id {bad:?} is invalid: use letters, digits, '-', '.' and '_'"
        ))
        .into_response();
    }
    let (text, b64) = text_or_base64(&body);
    let header = forward_headers(&headers);
    let kept = kept_headers(&headers);
    app.mutate(move |s, now| {
        let id = id.unwrap_or_else(|| random_id("scd_", &mut rand::thread_rng()));
        let mut record = ScheduleRecord {
            schedule_id: id.clone(),
            cron,
            destination,
            created_at: now,
            request_headers: kept,
            body: text,
            body_base64: b64,
            caller_ip: Some(caller_ip),
            is_paused: false,
            last_schedule_time: None,
            last_schedule_states: BTreeMap::new(),
            header,
        };
        if let Some(old) = s.sources.schedules.get(&id) {
            kept_by_edit(&mut record, old);
        }
        // What a firing would publish must be publishable now: a bad header or an unknown
        // URL group is the creator's error, not a failure every minute.
        if let Err(r) = publish_of(&record).and_then(|p| check(s, &p)) {
            return (r, vec![]);
        }
        s.sources.schedules.insert(id.clone(), record);
        (Reply::ok(json!({ "scheduleId": id })), vec![])
    })
    .await
}

/// An edit (a create naming an existing `Upstash-Schedule-Id`) replaces the request the
/// schedule repeats, as the service does (its SDK's tests expect a body left out to be gone),
/// and keeps what no create request can say: when the schedule was made, whether it is paused
/// (an edit must not start a schedule someone stopped), and its last firing.
fn kept_by_edit(new: &mut ScheduleRecord, old: &ScheduleRecord) {
    new.created_at = old.created_at;
    new.is_paused = old.is_paused;
    new.last_schedule_time = old.last_schedule_time;
    new.last_schedule_states = old.last_schedule_states.clone();
}

/// The `Schedule` shape of the official OpenAPI.
fn schedule_json(store: &Store, s: &ScheduleRecord) -> Value {
    let ov = header_map(&s.request_headers)
        .ok()
        .and_then(|h| Overrides::parse(&h).ok())
        .unwrap_or_default();
    // Get and list apply the schedule's `Upstash-Redact-Fields`, as the service documents.
    let shown = Entry {
        header: s.header.clone(),
        body: s.body.clone(),
        body_base64: s.body_base64.clone(),
        ..Entry::default()
    };
    let shown = ov
        .redact
        .as_ref()
        .map_or(shown.clone(), |r| r.entry(&shown));
    let mut v = json!({
        "scheduleId": s.schedule_id,
        "cron": s.cron,
        "destination": s.destination,
        "createdAt": s.created_at,
        "method": ov.method.clone().unwrap_or_else(|| "POST".into()),
        "header": shown.header,
        "retries": ov.retries.unwrap_or(3),
        "isPaused": s.is_paused,
    });
    let mut put = |k: &str, x: Option<Value>| {
        if let Some(x) = x {
            v[k] = x;
        }
    };
    // An empty body is no body: the SDKs read `body` as absent then.
    put(
        "body",
        shown.body.filter(|b| !b.is_empty()).map(Value::from),
    );
    put("delay", ov.delay.as_ref().map(|(_, ms)| json!(ms / 1000)));
    put("callback", ov.callback.clone().map(Value::from));
    put(
        "failureCallback",
        ov.failure_callback.clone().map(Value::from),
    );
    put("callerIp", s.caller_ip.clone().map(Value::from));
    put(
        "flowControlKey",
        ov.flow_control_key.clone().map(Value::from),
    );
    put("parallelism", ov.parallelism.map(Value::from));
    put("rate", ov.rate.map(Value::from));
    put("period", ov.period.map(Value::from));
    put(
        "retryDelayExpression",
        ov.retry_delay.clone().map(Value::from),
    );
    if let Some(labels) = ov.labels.filter(|l| !l.is_empty()) {
        put("label", Some(json!(labels[0])));
        put("labels", Some(json!(labels)));
    }
    put(
        "queueName",
        s.request_headers
            .get("upstash-queue-name")
            .map(|q| json!(q)),
    );
    put("lastScheduleTime", s.last_schedule_time.map(Value::from));
    put(
        "nextScheduleTime",
        Cron::parse(&s.cron)
            .ok()
            .and_then(|c| c.next_after(now_ms()))
            .map(Value::from),
    );
    let states: BTreeMap<&String, ScheduleState> = s
        .last_schedule_states
        .keys()
        .map(|id| {
            let state = store.messages.iter().rfind(|m| &m.message_id == id).map_or(
                ScheduleState::InProgress,
                |m| match m.state {
                    MessageState::Delivered => ScheduleState::Success,
                    MessageState::Failed => ScheduleState::Fail,
                    _ => ScheduleState::InProgress,
                },
            );
            (id, state)
        })
        .collect();
    put("lastScheduleStates", Some(json!(states)));
    v
}

async fn list(State(app): AppState) -> Response {
    app.read(|s| {
        let all: Vec<Value> = s
            .sources
            .schedules
            .values()
            .map(|x| schedule_json(s, x))
            .collect();
        Reply::ok(json!(all))
    })
    .await
}

async fn get_one(app: Arc<App>, id: String) -> Response {
    app.read(|s| match s.sources.schedules.get(&id) {
        Some(x) => Reply::ok(schedule_json(s, x)),
        None => not_found(&id),
    })
    .await
}

async fn delete(app: Arc<App>, id: String) -> Response {
    app.mutate(move |s, _| match s.sources.schedules.remove(&id) {
        Some(_) => (Reply::Empty(StatusCode::OK), vec![]),
        None => (not_found(&id), vec![]),
    })
    .await
}

async fn set_paused(app: Arc<App>, id: String, paused: bool) -> Response {
    app.mutate(move |s, _| match s.sources.schedules.get_mut(&id) {
        Some(x) => {
            x.is_paused = paused;
            (Reply::Empty(StatusCode::OK), vec![])
        }
        None => (not_found(&id), vec![]),
    })
    .await
}

/// Fires schedule `id` now, as its cron would: the ids of the messages it published (none if
/// it is paused), or `None` if there is no such schedule.
pub fn fire(app: &Arc<App>, id: &str) -> Option<Result<Vec<String>, Reply>> {
    let (result, work) = {
        let mut s = app.store.write().unwrap();
        let sched = s.sources.schedules.get(id)?.clone();
        if sched.is_paused {
            return Some(Ok(Vec::new()));
        }
        let now = now_ms();
        let out = match publish_of(&sched).and_then(|p| publish(&mut s, &p, now)) {
            Ok(out) => out,
            Err(r) => return Some(Err(r)),
        };
        let ids: Vec<String> = out
            .items
            .iter()
            .filter_map(|i| i["messageId"].as_str().map(str::to_string))
            .collect();
        if let Some(x) = s.sources.schedules.get_mut(id) {
            x.last_schedule_time = Some(now);
            x.last_schedule_states = ids.iter().map(|i| (i.clone(), String::new())).collect();
        }
        let work = app.settle(&mut s, out.work);
        app.persist(&s);
        (ids, (work, out.starts))
    };
    (app.start)(app, work.0);
    super::publish::start_runs(app, work.1);
    Some(Ok(result))
}

async fn fire_endpoint(State(app): AppState, Path(id): Path<String>) -> Response {
    match fire(&app, &id) {
        None => not_found(&id).into_response(),
        Some(Err(r)) => r.into_response(),
        Some(Ok(ids)) => {
            Reply::ok(json!({ "fired": !ids.is_empty(), "messageIds": ids })).into_response()
        }
    }
}

/// Fires every schedule whose cron names the current minute, minute after minute.
pub async fn clock(app: Arc<App>) {
    loop {
        let next = (now_ms().div_euclid(60_000) + 1) * 60_000;
        tokio::time::sleep(std::time::Duration::from_millis(
            (next - now_ms()).max(0) as u64
        ))
        .await;
        let Ok(_turn) = app.turn().await else {
            continue;
        };
        let due: Vec<String> = {
            let s = app.store.read().unwrap();
            if s.closed {
                return;
            }
            s.sources
                .schedules
                .values()
                .filter(|x| !x.is_paused)
                .filter(|x| Cron::parse(&x.cron).is_ok_and(|c| c.matches(next)))
                .map(|x| x.schedule_id.clone())
                .collect()
        };
        for id in due {
            if let Some(Err(e)) = fire(&app, &id) {
                eprintln!(
                    "dlq sandbox: schedule {id} could not fire: {:?}",
                    e.status()
                );
            }
        }
    }
}
