//! `context.call`: the app publishes a message to the endpoint it calls, with
//! `Upstash-Workflow-CallType: toCallback` and an `Upstash-Callback` back to itself. The
//! sandbox makes the call (loopback only; elsewhere the `--simulate` rules answer, or nothing
//! does), retried as `Upstash-Retries` says, then delivers its answer to the callback URL as
//! QStash does (`{status, header, body, retried, maxRetries, ...}`, body base64, with the
//! `Upstash-Callback-Forward-*` headers), where the SDK turns it into the call step's result.

use std::sync::Arc;

use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::super::app::App;
use super::super::deliver::call;
use super::super::outcome::is_loopback;
use super::super::overrides::{attempts, duration_ms, Overrides};
use super::super::simulate::{Answer, DEFAULT_TIMEOUT_MS};
use super::super::store::new_message_id;
use super::super::store::Store;
use super::super::wfstate::CallRecord;
use super::super::wire::{base64, decode_base64};
use super::{forwarded, header, run_index, Start};
use crate::states::RunState;

/// Records the call run `id` asks for; refused once the run has ended.
pub fn accept(
    store: &mut Store,
    id: &str,
    url: String,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Value, Vec<Start>), String> {
    let i = run_index(store, id).ok_or_else(|| format!("workflow run {id} does not exist"))?;
    let ov = Overrides::parse(headers)?;
    let r = &mut store.runs[i];
    if r.state != RunState::Started {
        return Err(format!("workflow run {id} is not running ({})", r.state));
    }
    let callback_url = header(headers, "upstash-callback")
        .ok_or("a context.call message needs Upstash-Callback")?
        .to_string();
    let mut callback_headers = forwarded(headers, "upstash-callback-forward-");
    callback_headers.insert("Upstash-Workflow-RunId".into(), vec![id.to_string()]);
    if let Some(u) = header(headers, "upstash-callback-workflow-url") {
        callback_headers.insert("Upstash-Workflow-Url".into(), vec![u.to_string()]);
    }
    let mut fwd = forwarded(headers, "upstash-forward-");
    if let Some(ct) = header(headers, "content-type") {
        fwd.insert("Content-Type".into(), vec![ct.to_string()]);
    }
    let rec = CallRecord {
        message_id: new_message_id(),
        url,
        method: ov.method.clone().unwrap_or_else(|| "POST".into()),
        headers: fwd,
        body: base64(body),
        retries: ov.retries.unwrap_or(0),
        timeout_ms: ov
            .timeout
            .as_deref()
            .and_then(|t| duration_ms(t).or_else(|| t.parse::<i64>().ok()?.checked_mul(1000)))
            .unwrap_or(DEFAULT_TIMEOUT_MS),
        callback_url,
        callback_headers,
        callback_retries: header(headers, "upstash-callback-retries")
            .and_then(|v| v.parse().ok())
            .unwrap_or(3),
        status: None,
    };
    let message_id = rec.message_id.clone();
    let x = r.exec.as_mut().ok_or("not an executed run")?;
    x.calls.push(rec);
    let call = x.calls.len() - 1;
    Ok((
        json!({ "messageId": message_id }),
        vec![Start::Call { run: i, call }],
    ))
}

/// Makes call `c` of run `i`, then delivers its answer to the callback.
pub async fn make(app: Arc<App>, i: usize, c: usize) {
    let Some(rec) = app.store.read().unwrap().runs[i]
        .exec
        .as_ref()
        .and_then(|x| x.calls.get(c).cloned())
    else {
        return;
    };
    let body = decode_base64(&rec.body).unwrap_or_default();
    let n = attempts(rec.retries);
    let mut answer = Answer::none("not called".into(), 0);
    let mut retried = 0;
    for attempt in 1..=n {
        retried = attempt - 1;
        answer = if is_loopback(&rec.url) {
            call(
                &rec.method,
                &rec.url,
                &rec.headers,
                body.clone(),
                rec.timeout_ms,
            )
            .await
        } else {
            match app.simulation.outcome(&rec.url) {
                Some(o) => app.simulation.attempt(o, rec.timeout_ms),
                None => Answer::none(
                    "the sandbox calls only loopback destinations and no --simulate rule \
                     matches this one"
                        .into(),
                    0,
                ),
            }
        };
        if answer.ok() || attempt == n {
            break;
        }
        let wait = app.delivery_backoff * attempt;
        tokio::time::sleep(wait).await;
    }
    {
        let mut s = app.store.write().unwrap();
        if let Some(x) = s.runs[i].exec.as_mut() {
            x.calls[c].status = Some(answer.status);
        }
        app.persist(&s);
    }
    let message = json!({
        "status": answer.status,
        "header": answer.headers,
        "body": base64(&answer.body),
        "retried": retried,
        "maxRetries": rec.retries,
        "sourceMessageId": rec.message_id,
        "url": rec.url,
        "method": rec.method,
        "sourceBody": rec.body,
        "sourceHeader": rec.headers,
    });
    deliver_callback(&app, i, &rec, serde_json::to_vec(&message).unwrap()).await;
}

/// Delivers the call's answer to the app, retried, while the run goes on.
async fn deliver_callback(app: &Arc<App>, i: usize, rec: &CallRecord, body: Vec<u8>) {
    let mut headers = rec.callback_headers.clone();
    headers.insert("Content-Type".into(), vec!["application/json".into()]);
    headers.insert("Upstash-Message-Id".into(), vec![new_message_id()]);
    let n = attempts(rec.callback_retries);
    for attempt in 1..=n {
        if app.store.read().unwrap().runs[i].state != RunState::Started {
            return;
        }
        headers.insert("Upstash-Retried".into(), vec![(attempt - 1).to_string()]);
        let sent = super::deliver::try_once(
            app,
            &rec.callback_url,
            &headers,
            body.clone(),
            DEFAULT_TIMEOUT_MS,
        );
        let Some(a) = sent.await else {
            return;
        };
        if a.ok() {
            return;
        }
        if attempt == n {
            // The run fails at the call step: resume delivers the step before it again, and
            // the app makes the call anew.
            let k = app.store.read().unwrap().runs[i]
                .exec
                .as_ref()
                .map_or(0, |x| x.steps.len());
            super::deliver::fail_run(app, i, k, &a);
            return;
        }
        tokio::time::sleep(app.delivery_backoff * attempt).await;
    }
}
