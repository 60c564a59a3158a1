//! `GET`/`DELETE /v2/messages/{id}` and bulk cancel, `DELETE /v2/messages` (ids in the query
//! or a JSON body, or filters with an optional `count`): a message can be read and cancelled
//! while it has not ended (held by a queue, waiting, being delivered, or only recorded); once
//! delivered, failed or cancelled it is gone, as in the service.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::outcome::cancelled;
use super::query::{grouped, int, multi};

use super::store::{MessageRecord, Store};
use super::wire::{Entry, Reply};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/messages", axum::routing::delete(bulk_cancel))
        .route("/v2/messages/{id}", get(get_one).delete(cancel_one))
}

fn live(m: &MessageRecord) -> bool {
    m.state.is_live()
}

fn find(s: &Store, id: &str) -> Option<usize> {
    s.messages
        .iter()
        .rposition(|m| m.message_id == id && live(m))
}

fn not_found(id: &str) -> Reply {
    Reply::not_found(format!("message {id} not found"))
}

/// The `Message` shape of the official OpenAPI.
fn message_json(m: &MessageRecord) -> Value {
    let o = m.origin.clone().unwrap_or_default();
    let c = &m.config;
    // Shown as the API shows it: `Upstash-Redact-Fields` hides values behind their hash.
    let shown = Entry {
        header: m.header.clone(),
        body: m.body.clone(),
        body_base64: m.body_base64.clone(),
        ..Entry::default()
    };
    let shown = c.redact.as_ref().map_or(shown.clone(), |r| r.entry(&shown));
    let mut v = json!({
        "messageId": m.message_id,
        "url": m.url,
        "method": m.method,
        "header": shown.header,
        "maxRetries": c.retries,
        "notBefore": c.not_before,
        "createdAt": m.created_at,
    });
    let mut put = |k: &str, x: Option<Value>| {
        if let Some(x) = x {
            v[k] = x;
        }
    };
    put("body", shown.body.map(Value::from));
    put("bodyBase64", shown.body_base64.map(Value::from));
    put("topicName", o.topic_name.map(Value::from));
    put("endpointName", o.endpoint_name.map(Value::from));
    put("queueName", o.queue_name.map(Value::from));
    put("scheduleId", o.schedule_id.map(Value::from));
    put("callerIP", o.caller_ip.map(Value::from));
    put("callback", c.callback.clone().map(Value::from));
    put(
        "failureCallback",
        c.failure_callback.clone().map(Value::from),
    );
    put(
        "retryDelayExpression",
        c.retry_delay.clone().map(Value::from),
    );
    put("label", c.labels.first().cloned().map(Value::from));
    put("labels", (!c.labels.is_empty()).then(|| json!(c.labels)));
    put(
        "flowControlKey",
        c.flow_control_key.clone().map(Value::from),
    );
    put("rate", c.rate.map(Value::from));
    put("parallelism", c.parallelism.map(Value::from));
    put("period", c.period.map(Value::from));
    v
}

async fn get_one(State(app): AppState, Path(id): Path<String>) -> Response {
    app.read(|s| match find(s, &id) {
        Some(i) => Reply::ok(message_json(&s.messages[i])),
        None => not_found(&id),
    })
    .await
}

async fn cancel_one(State(app): AppState, Path(id): Path<String>) -> Response {
    app.mutate(move |s, now| match find(s, &id) {
        // The TypeScript SDK's `cancel(id)` reads a count, as bulk cancel gives it.
        Some(i) => {
            cancelled(s, i, now);
            (Reply::ok(json!({ "cancelled": 1 })), vec![])
        }
        None => (not_found(&id), vec![]),
    })
    .await
}

const FILTERS: &[&str] = &[
    "topicName",
    "queueName",
    "url",
    "host",
    "path",
    "label",
    "flowControlKey",
    "scheduleId",
    "callerIp",
    "callerIP",
];

/// A bulk cancel's selection: explicit ids, or filters (values of one OR, filters AND), at
/// most `count` of them.
struct Selection {
    ids: Option<Vec<String>>,
    filters: BTreeMap<String, Vec<String>>,
    from: Option<i64>,
    to: Option<i64>,
    count: Option<usize>,
}

fn parse(raw: Option<&str>) -> Result<Selection, String> {
    let mut sel = Selection {
        ids: None,
        filters: BTreeMap::new(),
        from: None,
        to: None,
        count: None,
    };
    for (k, vs) in grouped(raw) {
        let last = vs.last().cloned().unwrap_or_default();
        match k.as_str() {
            "messageIds" => sel.ids = Some(multi(&vs)),
            "fromDate" => sel.from = Some(int(&k, &last)?),
            "toDate" => sel.to = Some(int(&k, &last)?),
            // OAQ: the most to cancel, 1 to 500; without it every match. (The TypeScript SDK
            // sends 100 on every filtered cancel and calls it legacy; OAQ is followed.)
            "count" => match int(&k, &last)? {
                n @ 1..=500 => sel.count = Some(n as usize),
                _ => return Err("count must be between 1 and 500".into()),
            },
            "cursor" | "qstash_token" => {}
            f if FILTERS.contains(&f) => {
                let name = if f == "callerIP" { "callerIp" } else { f };
                sel.filters
                    .entry(name.to_string())
                    .or_default()
                    .extend(multi(&vs));
            }
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    Ok(sel)
}

/// The value of filter `name` on `m`, as the service compares it.
fn field(m: &MessageRecord, name: &str) -> Vec<String> {
    let o = m.origin.clone().unwrap_or_default();
    let u = url::Url::parse(&m.url).ok();
    let one = |x: Option<String>| x.into_iter().collect();
    match name {
        "topicName" => one(o.topic_name),
        "queueName" => one(o.queue_name),
        "url" => vec![m.url.clone()],
        "host" => one(u.as_ref().and_then(|u| u.host_str().map(str::to_string))),
        "path" => one(u.as_ref().map(|u| u.path().to_string())),
        "label" => m.config.labels.clone(),
        "flowControlKey" => one(m.config.flow_control_key.clone()),
        "scheduleId" => one(o.schedule_id),
        "callerIp" => one(o.caller_ip),
        _ => Vec::new(),
    }
}

fn selected(sel: &Selection, m: &MessageRecord) -> bool {
    if let Some(ids) = &sel.ids {
        return ids.contains(&m.message_id);
    }
    sel.filters
        .iter()
        .all(|(k, want)| field(m, k).iter().any(|v| want.contains(v)))
        && sel.from.is_none_or(|f| m.created_at >= f)
        && sel.to.is_none_or(|t| m.created_at <= t)
}

/// The ids of a legacy JSON body, `{"messageIds": [...]}` (the Python SDK's `cancel_many`
/// sends them so), when the query names none.
fn with_body_ids(mut sel: Selection, body: &[u8]) -> Result<Selection, String> {
    if sel.ids.is_some() || body.iter().all(u8::is_ascii_whitespace) {
        return Ok(sel);
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        message_ids: Option<Vec<String>>,
    }
    let b: Body = serde_json::from_slice(body)
        .map_err(|e| format!("body must be {{\"messageIds\": [...]}}: {e}"))?;
    sel.ids = b.message_ids;
    Ok(sel)
}

async fn bulk_cancel(State(app): AppState, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    let sel = match parse(raw.as_deref()).and_then(|s| with_body_ids(s, &body)) {
        Ok(s) => s,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    app.mutate(move |s, now| {
        // Oldest first; `count` caps a filtered cancel (OAQ: with ids, the rest is ignored).
        let cap = match sel.ids {
            Some(_) => usize::MAX,
            None => sel.count.unwrap_or(usize::MAX),
        };
        let hits: Vec<usize> = (0..s.messages.len())
            .filter(|&i| live(&s.messages[i]) && selected(&sel, &s.messages[i]))
            .take(cap)
            .collect();
        for &i in &hits {
            cancelled(s, i, now);
        }
        (Reply::ok(json!({ "cancelled": hits.len() })), vec![])
    })
    .await
}
