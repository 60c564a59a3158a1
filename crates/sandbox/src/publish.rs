//! The one publish path every message goes through, whatever asked for it: `POST /v2/publish`,
//! `/v2/enqueue`, each item of `/v2/batch` and each firing of a schedule. A destination is a
//! URL or the name of a URL group (one message per endpoint, each with `topicName`); a queue
//! holds its messages until `queues::pump` lets them go; `Upstash-Deduplication-Id` and
//! content-based deduplication answer an earlier message id for ten minutes.
//!
//! A workflow message (one naming a run with `Upstash-Workflow-RunId`: a trigger with
//! `Upstash-Workflow-Init`, a step result the app sends back) is handed to `wfexec` here, per
//! target, so publish, each batch item and each schedule firing can start or continue a run;
//! it is neither deduplicated by id nor held by a queue (the run is its own account).
//! Anything else that should happen on every publish belongs in [`publish`] too.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use super::actions::{add_message, message_config};
use super::app::{App, AppState};
use super::outcome::Work;
use super::overrides::{canonical, Overrides};
use super::server::Peer;
use super::sources::{valid_name, QueueRecord};
use super::states::{MessageSource, MessageState};
use super::store::{new_message_id, MessageRecord, Store};
use super::wfexec::{self, is_workflow_message, Start};
use super::wire::{text_or_base64, Entry, Headers, Reply};

/// One publish as asked for.
pub struct Publish {
    /// A full `http(s)` URL, or the name of a URL group.
    pub destination: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub queue: Option<String>,
    pub schedule_id: Option<String>,
    pub caller_ip: Option<String>,
}

/// What one publish made: one item per message (`messageId`, and `url` for a URL group).
pub struct Published {
    pub group: bool,
    pub items: Vec<Value>,
    pub work: Vec<Work>,
    /// What workflow messages started or continued: `wfexec::start` each once unlocked.
    pub starts: Vec<Start>,
}

/// `POST /v2/publish/{destination}`: the destination is the rest of the path, a full URL (with
/// the request's query string) or the name of a URL group.
pub async fn route(
    State(app): AppState,
    Extension(peer): Extension<Peer>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Publish {
        destination: destination_of(&uri, "/v2/publish/"),
        headers,
        body: body.to_vec(),
        queue: None,
        schedule_id: None,
        caller_ip: Some(peer.0.ip().to_string()),
    };
    handle(&app, p).await
}

/// Starts what workflow messages asked for; call once the store is unlocked.
pub fn start_runs(app: &Arc<App>, starts: Vec<Start>) {
    for x in starts {
        wfexec::start(app, x);
    }
}

/// The destination in a request path after `prefix` (`/v2/publish/`), decoded, and the
/// request's query string, which belongs to the destination
/// (`/v2/publish/https://a.example/hook?tenant=7`), kept as sent but for `qstash_token`, which
/// authenticates the request itself.
pub fn destination_of(uri: &Uri, prefix: &str) -> String {
    let raw = uri.path().strip_prefix(prefix).unwrap_or("");
    let mut url = percent_decode_str(raw).decode_utf8_lossy().into_owned();
    let query: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && *p != "qstash_token" && !p.starts_with("qstash_token="))
        .collect();
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query.join("&"));
    }
    url
}

fn is_url(d: &str) -> bool {
    d.starts_with("http://") || d.starts_with("https://")
}

/// The URLs `p` goes to, with the group and endpoint names each carries; an error says why not.
fn targets(store: &Store, p: &Publish) -> Result<Vec<Target>, Reply> {
    Overrides::parse(&p.headers).map_err(Reply::bad_request)?;
    if let Some(q) = p.queue.as_deref().filter(|q| !valid_name(q)) {
        return Err(Reply::bad_request(format!(
            "queue name {q:?} is invalid: use letters, digits, '-', '.' and '_'"
        )));
    }
    if is_url(&p.destination) {
        return Ok(vec![Target {
            url: p.destination.clone(),
            topic: None,
            endpoint: None,
        }]);
    }
    if !valid_name(&p.destination) {
        return Err(Reply::bad_request(format!(
            "destination {:?} must be an http(s) URL or the name of a URL group",
            p.destination
        )));
    }
    match store.sources.topics.get(&p.destination) {
        Some(t) if !t.endpoints.is_empty() => Ok(t
            .endpoints
            .iter()
            .map(|e| Target {
                url: e.url.clone(),
                topic: Some(t.name.clone()),
                endpoint: e.name.clone(),
            })
            .collect()),
        _ => Err(Reply::not_found(format!(
            "URL group {:?} not found (a destination URL starts with http:// or https://)",
            p.destination
        ))),
    }
}

struct Target {
    url: String,
    topic: Option<String>,
    endpoint: Option<String>,
}

/// Checks `p` as [`publish`] would, changing nothing: a batch checks every item first.
pub fn check(store: &Store, p: &Publish) -> Result<(), Reply> {
    targets(store, p).map(|_| ())
}

/// Publishes `p`: a message per target, created (queued ones held by their queue) and logged.
pub fn publish(store: &mut Store, p: &Publish, now: i64) -> Result<Published, Reply> {
    let targets = targets(store, p)?;
    if is_workflow_message(&p.headers) {
        return publish_workflow(store, p, targets);
    }
    let ov = Overrides::parse(&p.headers).map_err(Reply::bad_request)?;
    if let Some(q) = &p.queue {
        store
            .sources
            .queues
            .entry(q.clone())
            .or_insert_with(|| QueueRecord {
                name: q.clone(),
                created_at: now,
                updated_at: now,
                parallelism: 1,
                paused: false,
            });
    }
    store.sources.dedup.sweep(now);
    let forward = forward_headers(&p.headers);
    let (text, b64) = text_or_base64(&p.body);
    let group = targets.len() > 1 || targets.iter().any(|t| t.topic.is_some());
    let mut items = Vec::new();
    let mut work = Vec::new();
    for t in targets {
        let key = dedup_key(&p.headers, &t.url, &p.body, &forward);
        if let Some(id) = key.as_ref().and_then(|k| store.sources.dedup.get(k, now)) {
            items.push(item(id, &t, group, true));
            continue;
        }
        // The DLQ shape this message would have, so a final failure only fills in the response.
        let origin = Entry {
            url: t.url.clone(),
            method: "POST".into(),
            max_retries: 3,
            header: forward.clone(),
            body: text.clone(),
            body_base64: b64.clone(),
            caller_ip: p.caller_ip.clone(),
            topic_name: t.topic.clone(),
            endpoint_name: t.endpoint.clone(),
            queue_name: p.queue.clone(),
            schedule_id: p.schedule_id.clone(),
            ..Entry::default()
        };
        let config = message_config(&origin, &ov, now);
        let msg = MessageRecord {
            message_id: new_message_id(),
            source: MessageSource::Publish,
            from_dlq_id: None,
            url: t.url.clone(),
            method: config.method.clone(),
            header: forward.clone(),
            body: text.clone(),
            body_base64: b64.clone(),
            created_at: now,
            config,
            overrides: ov.raw.clone(),
            state: MessageState::Pending,
            attempts: 0,
            last_status: None,
            delivered_at: None,
            dlq_id: None,
            origin: Some(origin),
        };
        let id = msg.message_id.clone();
        if let Some(k) = key {
            store.sources.dedup.insert(k, id.clone(), now);
        }
        let w = add_message(store, msg);
        match (&p.queue, w) {
            (Some(_), Work::Message(i)) => store.messages[i].state = MessageState::Queued,
            _ => work.push(w),
        }
        items.push(item(&id, &t, group, false));
    }
    Ok(Published {
        group,
        items,
        work,
        starts: Vec::new(),
    })
}

/// A workflow message, to each target: `wfexec` starts the run or adds the step, and answers
/// with the message id (and, for a start, the run's id and creation time).
fn publish_workflow(
    store: &mut Store,
    p: &Publish,
    targets: Vec<Target>,
) -> Result<Published, Reply> {
    let group = targets.len() > 1 || targets.iter().any(|t| t.topic.is_some());
    let ip = p.caller_ip.clone().unwrap_or_default();
    let mut items = Vec::new();
    let mut starts = Vec::new();
    for t in targets {
        let (mut v, st) = wfexec::accept(store, &ip, t.url.clone(), &p.headers, &p.body, false)
            .map_err(Reply::bad_request)?;
        if group {
            v["url"] = json!(t.url);
        }
        items.push(v);
        starts.extend(st);
    }
    Ok(Published {
        group,
        items,
        work: Vec::new(),
        starts,
    })
}

fn item(id: &str, t: &Target, group: bool, deduplicated: bool) -> Value {
    let mut v = json!({ "messageId": id });
    if group {
        v["url"] = json!(t.url);
    }
    if deduplicated {
        v["deduplicated"] = json!(true);
    }
    v
}

/// The reply to a publish or enqueue: `{messageId}` for a URL, an array of `{messageId, url}`
/// for a URL group. The array is the service's answer, what both official SDKs parse (the
/// Python SDK fails on anything else) and what Upstash's own tests pass with; OAQ's
/// `{messages: [...]}` is part of a reply schema no reply can satisfy (docs/sandbox-wire.md 5).
pub fn reply(p: &Published) -> Reply {
    if p.group {
        Reply::ok(json!(p.items))
    } else {
        Reply::ok(p.items[0].clone())
    }
}

/// `Upstash-Forward-*` without the prefix, and `Content-Type`: what the destination receives.
pub fn forward_headers(headers: &HeaderMap) -> Headers {
    let mut forward = Headers::new();
    for (k, v) in headers {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        if let Some(name) = k.as_str().strip_prefix("upstash-forward-") {
            forward.entry(canonical(name)).or_default().push(v);
        } else if k == axum::http::header::CONTENT_TYPE {
            forward.entry("Content-Type".into()).or_default().push(v);
        }
    }
    forward
}

/// The deduplication key of one message, if its request asks for deduplication.
fn dedup_key(headers: &HeaderMap, url: &str, body: &[u8], forward: &Headers) -> Option<String> {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(id) = get("upstash-deduplication-id").filter(|v| !v.is_empty()) {
        return Some(format!("id:{id}|{url}"));
    }
    if get("upstash-content-based-deduplication") == Some("true") {
        // A fixed-key hasher: the same content gives the same key in every run.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (url, body, forward).hash(&mut h);
        return Some(format!("content:{:016x}", h.finish()));
    }
    None
}

/// Publishes `p` as one API request: faults and lost replies as for any mutation; what it
/// holds in a queue goes when `App::start` pumps the queues.
pub async fn handle(app: &Arc<App>, p: Publish) -> Response {
    let starts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let made = starts.clone();
    let response = app
        .mutate(move |s, now| match publish(s, &p, now) {
            Ok(mut out) => {
                *made.lock().unwrap() = std::mem::take(&mut out.starts);
                (reply(&out), out.work)
            }
            Err(r) => (r, vec![]),
        })
        .await;
    start_runs(app, std::mem::take(&mut *starts.lock().unwrap()));
    response
}

/// A header map from `name: value` pairs (a batch item's, a stored schedule's).
pub fn header_map(pairs: &BTreeMap<String, String>) -> Result<HeaderMap, String> {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        let name = axum::http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
            .map_err(|_| format!("{k:?} is not a header name"))?;
        let value = axum::http::HeaderValue::from_str(v)
            .map_err(|_| format!("the value of header {k} is not valid"))?;
        h.append(name, value);
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_destination_keeps_its_query_but_not_the_token() {
        let d = |u: &str| destination_of(&u.parse().unwrap(), "/v2/publish/");
        assert_eq!(
            d("/v2/publish/http://127.0.0.1:9/hook?tenant=7&x=a%20b"),
            "http://127.0.0.1:9/hook?tenant=7&x=a%20b"
        );
        assert_eq!(
            d("/v2/publish/https://a.example/h?qstash_token=t&tenant=7"),
            "https://a.example/h?tenant=7"
        );
        assert_eq!(d("/v2/publish/https://a.example/h"), "https://a.example/h");
        assert_eq!(
            d("/v2/publish/https%3A%2F%2Fa.example%2Fh%3Fa%3D1?b=2"),
            "https://a.example/h?a=1&b=2"
        );
    }
}
