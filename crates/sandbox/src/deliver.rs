//! Delivery over time: messages (published through `publish`, or retried from the DLQ),
//! resumed and restarted runs and failure functions called again are played out attempt by attempt, with the backoff between them.
//! What each answer does to the store is `outcome`'s and `runs`' business.
//!
//! Only loopback `http://` destinations are contacted: seeded data names hosts that do not
//! exist, and a rehearsal must never send anything off the machine. Others follow the
//! `--simulate` rules, or are only recorded.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::Uri;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

use super::app::App;
use super::flowstate::KeyConfig;
use super::outcome::{active, answered, plan, recorded, resume, schedule, Plan, Work};
use super::simulate::Answer;
use super::states::MessageState;
use super::store::{now_ms, MessageRecord, Store};
use super::wire::{Entry, Headers};

/// Runs `f` on the store and persists the change.
fn with_store<T>(app: &App, f: impl FnOnce(&mut Store) -> T) -> T {
    let mut s = app.store.write().unwrap();
    let out = f(&mut s);
    app.persist(&s);
    out
}

/// Starts each of `work` in the background, or only records it (see `outcome::plan`). What is
/// only recorded is written in one save: a bulk retry or a restart may hold thousands.
pub fn start(app: &Arc<App>, work: impl IntoIterator<Item = Work>) {
    let mut play_out = Vec::new();
    {
        let mut s = app.store.write().unwrap();
        let mut any_recorded = false;
        for w in work {
            match plan(&s, &app.simulation, w, true) {
                Plan::Recorded => {
                    if let Work::Message(i) = w {
                        recorded(&mut s, i);
                        any_recorded = true;
                    }
                }
                p => play_out.push((w, p)),
            }
        }
        if any_recorded {
            app.persist(&s);
        }
    }
    for (w, p) in play_out {
        let app = app.clone();
        tokio::spawn(async move {
            play(app.clone(), w, p).await;
            // A queue's next message may go once this one is settled (`App::start` pumps).
            (app.start)(&app, Vec::new());
        });
    }
}

async fn sleep_until(at: i64) {
    let wait = at - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

/// Plays `work` out over time: each attempt when it is due, the next after the backoff.
async fn play(app: Arc<App>, work: Work, plan: Plan) {
    let (first, at, attempts, timeout, msg, gate) = {
        let s = app.store.read().unwrap();
        let (start, attempts, timeout) = schedule(&s, work);
        let (first, at) = resume(&s, work).unwrap_or_else(|| (1, first_due(&app, &s, work, start)));
        let msg = match work {
            Work::Message(i) => Some(s.messages[i].clone()),
            _ => None,
        };
        let gate = msg.as_ref().and_then(|m| gate_of(&s, m));
        (first, at, attempts, timeout, msg, gate)
    };
    sleep_until(at).await;
    for attempt in first..=attempts {
        // Held for the attempt only: the backoff after it does not count against the key. A
        // message waiting here (its key paused or busy) is not active yet.
        let pass = app.flow.enter(gate.clone()).await;
        if let Work::Message(i) = work {
            let t = now_ms();
            // A message cancelled meanwhile (`DELETE /v2/messages`) is not attempted again.
            if !with_store(&app, |s| {
                let go = s.messages[i].state != MessageState::Cancelled;
                if go {
                    active(s, i, attempt, t);
                }
                go
            }) {
                return;
            }
        }
        let answer = match (plan, &msg) {
            (Plan::Simulated(o), _) => {
                let a = app.simulation.attempt(o, timeout);
                tokio::time::sleep(Duration::from_millis(a.took_ms.max(0) as u64)).await;
                a
            }
            (_, Some(m)) => exchange(&app, m, attempt - 1, timeout).await,
            (_, None) => return,
        };
        drop(pass);
        let end = now_ms();
        let next = (attempt < attempts)
            .then(|| end + app.delivery_backoff.as_millis() as i64 * attempt as i64);
        let done = with_store(&app, |s| {
            answered(s, &app.simulation, work, attempt, &answer, end, next)
        });
        if done {
            return;
        }
        sleep_until(next.unwrap_or(end)).await;
    }
}

/// When work never attempted is first due: a new message not before `--delivery-delay` after
/// it was made, as on the service, where it is readable and cancellable meanwhile. A queued
/// message was made when it was enqueued, so the time its queue held it counts.
fn first_due(app: &App, s: &Store, work: Work, start: i64) -> i64 {
    match work {
        Work::Message(i) => {
            let delay = app.delivery_delay.as_millis() as i64;
            start.max(s.messages[i].created_at.saturating_add(delay))
        }
        Work::Run(_) | Work::Callback(_) => start,
    }
}

/// A message's flow-control key and the configuration it waits on, if it has a key.
fn gate_of(s: &Store, msg: &MessageRecord) -> Option<(String, KeyConfig)> {
    let c = &msg.config;
    s.flow_keys.gate(
        c.flow_control_key.as_deref(),
        c.parallelism,
        c.rate,
        c.period,
    )
}

/// One real attempt, signed, whatever happens: a failure to connect or a time-out is an
/// answer too.
async fn exchange(app: &App, msg: &MessageRecord, retried: u32, timeout_ms: i64) -> Answer {
    let mut headers = msg.header.clone();
    headers.insert("Upstash-Message-Id".into(), vec![msg.message_id.clone()]);
    headers.insert("Upstash-Retried".into(), vec![retried.to_string()]);
    let body = Entry {
        body: msg.body.clone(),
        body_base64: msg.body_base64.clone(),
        ..Entry::default()
    }
    .body_bytes();
    super::keys::sign(app, &mut headers, &msg.url, &body);
    call(&msg.method, &msg.url, &headers, body, timeout_ms).await
}

/// One HTTP/1.1 exchange with a loopback destination, whatever happens: a failure to connect
/// or a time-out is an answer too.
pub async fn call(
    method: &str,
    url: &str,
    headers: &Headers,
    body: Vec<u8>,
    timeout_ms: i64,
) -> Answer {
    let timeout = Duration::from_millis(timeout_ms.max(1) as u64);
    match tokio::time::timeout(timeout, send(method, url, headers, body)).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => Answer::none(e, 0),
        Err(_) => Answer::none("timed out waiting for the destination".into(), 0),
    }
}

async fn send(method: &str, url: &str, headers: &Headers, body: Vec<u8>) -> Result<Answer, String> {
    let uri: Uri = url.parse().map_err(|e| format!("bad URL: {e}"))?;
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
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header("Host", uri.authority().map_or(host, |a| a.as_str()));
    // Framing is this request's own: a forwarded Content-Length (an app forwards what it was
    // sent) would cut or stall the body.
    const OWN: &[&str] = &[
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
    ];
    for (k, vs) in headers {
        if OWN.iter().any(|o| k.eq_ignore_ascii_case(o)) {
            continue;
        }
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
    Ok(Answer::http(status, headers, body))
}
