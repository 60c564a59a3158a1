//! Publish and delivery: `POST /v2/publish/{destination}` creates a message, and messages
//! (published or retried from the DLQ) are delivered over real HTTP with retries; a message
//! that keeps failing lands in the DLQ with the destination's last answer.
//!
//! Only loopback `http://` destinations are contacted: seeded data names hosts that do not
//! exist, and a rehearsal must never send anything off the machine. Others are recorded.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use serde_json::json;

use super::actions::message_config;
use super::app::{App, Delivery};
use super::overrides::{duration_ms, Overrides};
use super::routes::AppState;
use super::server::Peer;
use super::store::{now_ms, random_id, Dlq, MessageRecord, Stored};
use super::wire::{text_or_base64, Entry, Headers, Reply};

/// `POST /v2/publish/{destination}`: the destination is the rest of the path, a full URL.
pub async fn publish(
    State(app): AppState,
    Extension(peer): Extension<Peer>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = uri.path().strip_prefix("/v2/publish/").unwrap_or("");
    let url = percent_decode_str(raw).decode_utf8_lossy().into_owned();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Reply::bad_request(format!("destination {url:?} must be an http(s) URL"))
            .into_response();
    }
    let ov = match Overrides::parse(&headers) {
        Ok(o) => o,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let mut forward = Headers::new();
    for (k, v) in &headers {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        if let Some(name) = k.as_str().strip_prefix("upstash-forward-") {
            forward
                .entry(super::overrides::canonical(name))
                .or_default()
                .push(v);
        } else if k == axum::http::header::CONTENT_TYPE {
            forward.entry("Content-Type".into()).or_default().push(v);
        }
    }
    let (text, b64) = text_or_base64(&body);
    let now = now_ms();
    // The DLQ shape this message would have, so a final failure only fills in the response.
    let origin = Entry {
        url: url.clone(),
        method: "POST".into(),
        max_retries: 3,
        header: forward.clone(),
        body: text.clone(),
        body_base64: b64.clone(),
        caller_ip: Some(peer.0.ip().to_string()),
        ..Entry::default()
    };
    let config = message_config(&origin, &ov, now);
    let msg = MessageRecord {
        message_id: random_id("msg_", &mut rand::thread_rng()),
        source: "publish".into(),
        from_dlq_id: None,
        url,
        method: config.method.clone(),
        header: forward,
        body: text,
        body_base64: b64,
        created_at: now,
        config,
        overrides: ov.raw.clone(),
        state: "pending".into(),
        attempts: 0,
        last_status: None,
        delivered_at: None,
        dlq_id: None,
        origin: Some(origin),
    };
    let id = msg.message_id.clone();
    {
        let mut s = app.store.lock().unwrap();
        s.messages.push(msg.clone());
        app.persist(&s);
    }
    spawn(app, msg);
    Reply::ok(json!({ "messageId": id })).into_response()
}

fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    host == "localhost" || host == "[::1]" || host.starts_with("127.")
}

/// Updates the stored record of message `id`.
fn update(app: &App, id: &str, f: impl FnOnce(&mut MessageRecord)) {
    let mut s = app.store.lock().unwrap();
    if let Some(m) = s.messages.iter_mut().rev().find(|m| m.message_id == id) {
        f(m);
    }
    app.persist(&s);
}

/// Starts delivering `msg` in the background (or only records it; see the module doc).
pub fn spawn(app: Arc<App>, msg: MessageRecord) {
    if app.delivery == Delivery::Record || !is_loopback(&msg.url) {
        update(&app, &msg.message_id, |m| m.state = "recorded".into());
        return;
    }
    tokio::spawn(run(app, msg));
}

struct Answer {
    status: i64,
    headers: Headers,
    body: Vec<u8>,
}

async fn run(app: Arc<App>, msg: MessageRecord) {
    let wait = msg.config.not_before - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
    let timeout = msg
        .config
        .timeout
        .as_deref()
        .and_then(|t| duration_ms(t).or_else(|| t.parse::<i64>().ok().map(|s| s * 1000)))
        .map_or(Duration::from_secs(15), |ms| {
            Duration::from_millis(ms.max(1) as u64)
        });
    let attempts = msg.config.retries.max(0) as u32 + 1;
    let mut last = None;
    for attempt in 1..=attempts {
        update(&app, &msg.message_id, |m| {
            m.state = "delivering".into();
            m.attempts = attempt;
        });
        let answer = match tokio::time::timeout(timeout, send(&msg, attempt - 1)).await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => Answer {
                status: 0,
                headers: Headers::new(),
                body: e.into_bytes(),
            },
            Err(_) => Answer {
                status: 0,
                headers: Headers::new(),
                body: b"timed out waiting for the destination".to_vec(),
            },
        };
        if (200..300).contains(&answer.status) {
            update(&app, &msg.message_id, |m| {
                m.state = "delivered".into();
                m.last_status = Some(answer.status);
                m.delivered_at = Some(now_ms());
            });
            return;
        }
        update(&app, &msg.message_id, |m| {
            m.last_status = Some(answer.status)
        });
        last = Some(answer);
        if attempt < attempts {
            tokio::time::sleep(app.delivery_backoff * attempt).await;
        }
    }
    if let Some(answer) = last {
        to_dlq(&app, &msg, answer);
    }
}

/// Puts a message that failed for good into the DLQ, carrying its configuration.
fn to_dlq(app: &App, msg: &MessageRecord, answer: Answer) {
    let mut e = msg.origin.clone().unwrap_or_default();
    let c = &msg.config;
    e.dlq_id = String::new();
    e.message_id = msg.message_id.clone();
    e.url = msg.url.clone();
    e.method = msg.method.clone();
    e.max_retries = c.retries;
    e.not_before = c.not_before;
    e.created_at = msg.created_at;
    e.set_labels(c.labels.clone());
    e.flow_control_key = c.flow_control_key.clone();
    e.rate = c.rate;
    e.parallelism = c.parallelism;
    e.period = c.period;
    e.retry_delay_expression = c.retry_delay.clone();
    e.callback = c.callback.clone();
    e.failure_callback = c.failure_callback.clone();
    e.response_status = answer.status;
    e.response_header = answer.headers;
    let (text, b64) = text_or_base64(&answer.body);
    e.response_body = text;
    e.response_body_base64 = b64;
    let mut s = app.store.lock().unwrap();
    let id = s.insert(
        Dlq::Qstash,
        Stored {
            entry: e,
            steps: Vec::new(),
            failed_step: 0,
        },
        now_ms(),
    );
    if let Some(m) = s
        .messages
        .iter_mut()
        .rev()
        .find(|m| m.message_id == msg.message_id)
    {
        m.state = "failed".into();
        m.dlq_id = Some(id);
    }
    app.persist(&s);
}

/// One HTTP/1.1 exchange with the destination.
async fn send(msg: &MessageRecord, retried: u32) -> Result<Answer, String> {
    let uri: Uri = msg.url.parse().map_err(|e| format!("bad URL: {e}"))?;
    let host = uri
        .host()
        .ok_or("URL without host")?
        .trim_matches(['[', ']']);
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let body = {
        let e = Entry {
            body: msg.body.clone(),
            body_base64: msg.body_base64.clone(),
            ..Entry::default()
        };
        e.body_bytes()
    };
    let mut req = hyper::Request::builder()
        .method(msg.method.as_str())
        .uri(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header("Host", uri.authority().map_or(host, |a| a.as_str()))
        .header("Upstash-Message-Id", &msg.message_id)
        .header("Upstash-Retried", retried.to_string());
    for (k, vs) in &msg.header {
        for v in vs {
            req = req.header(k.as_str(), v.as_str());
        }
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16() as i64;
    let mut headers = Headers::new();
    for (k, v) in resp.headers() {
        headers
            .entry(super::overrides::canonical(k.as_str()))
            .or_default()
            .push(String::from_utf8_lossy(v.as_bytes()).into_owned());
    }
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes()
        .to_vec();
    Ok(Answer {
        status,
        headers,
        body,
    })
}
