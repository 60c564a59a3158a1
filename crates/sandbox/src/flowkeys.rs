//! Flow-control keys as the API shows and changes them: `GET /v2/flowControl`, `GET
//! /v2/flowControl/{key}`, pause, resume, pin, unpin, resetRate, and `GET
//! /v2/globalParallelism`. A key's configuration is kept in the state (`FlowKeys`): each new
//! message under the key sets it, but for what is pinned; pause and pin hold until undone,
//! across restarts. What is in flight, waiting and counted in the rate period is the gate's
//! (`flow::Flow`), of this process only.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::flowstate::KeyConfig;
use super::store::now_ms;
use super::wire::Reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/flowControl", get(list))
        .route("/v2/flowControl/{key}", get(get_one))
        .route("/v2/flowControl/{key}/pause", post(pause))
        .route("/v2/flowControl/{key}/resume", post(resume))
        .route("/v2/flowControl/{key}/pin", post(pin))
        .route("/v2/flowControl/{key}/unpin", post(unpin))
        .route("/v2/flowControl/{key}/resetRate", post(reset_rate))
        .route("/v2/globalParallelism", get(global))
}

/// A key as `GET /v2/flowControl/{key}` shows it.
fn info(app: &App, key: &str, c: &KeyConfig) -> Value {
    let u = app.flow.usage(key, now_ms());
    let mut v = json!({
        "flowControlKey": key,
        "waitListSize": u.waiting,
        "parallelismCount": u.in_flight,
        "rateCount": u.rate_count,
        "ratePeriod": c.period(),
        "isPinnedParallelism": c.pinned_parallelism,
        "isPinnedRate": c.pinned_rate,
        "isPaused": c.paused,
    });
    if let Some(p) = c.parallelism {
        v["parallelismMax"] = json!(p);
    }
    if let Some(r) = c.rate {
        v["rateMax"] = json!(r);
    }
    if let Some(start) = u.period_start {
        v["ratePeriodStart"] = json!(start / 1000);
    }
    v
}

async fn list(State(app): AppState) -> Response {
    let a = app.clone();
    app.read(move |s| {
        let keys: Vec<Value> = s
            .flow_keys
            .keys
            .iter()
            .map(|(k, c)| info(&a, k, c))
            .collect();
        Reply::ok(json!(keys))
    })
    .await
}

async fn get_one(State(app): AppState, Path(key): Path<String>) -> Response {
    let a = app.clone();
    app.read(move |s| match s.flow_keys.keys.get(&key) {
        Some(c) => Reply::ok(info(&a, &key, c)),
        None => Reply::not_found(format!("flow control key {key} not found")),
    })
    .await
}

async fn global(State(app): AppState) -> Response {
    let a = app.clone();
    // The sandbox sets no global cap: 0, as a client reads a missing one.
    app.read(move |_| {
        Reply::ok(json!({ "parallelismMax": 0, "parallelismCount": a.flow.running() }))
    })
    .await
}

/// Changes `key` in the state and at its gate; `reset` also starts its rate count over.
async fn change(
    app: Arc<App>,
    key: String,
    reset: bool,
    f: impl FnOnce(&mut KeyConfig) + Send + 'static,
) -> Response {
    let a = app.clone();
    app.mutate(move |s, _| {
        let c = s.flow_keys.change(&key, f);
        a.flow.configure(&key, c);
        if reset {
            a.flow.reset_rate(&key);
        }
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}

async fn pause(State(app): AppState, Path(key): Path<String>) -> Response {
    change(app, key, false, |c| c.paused = true).await
}

async fn resume(State(app): AppState, Path(key): Path<String>) -> Response {
    change(app, key, false, |c| c.paused = false).await
}

async fn reset_rate(State(app): AppState, Path(key): Path<String>) -> Response {
    let a = app.clone();
    app.mutate(move |_, _| {
        a.flow.reset_rate(&key);
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}

/// The `known` values of the query by name, a repeated one refused; others (the token in
/// `qstash_token`) are left to whoever reads them.
fn query(raw: Option<&str>, known: &[&str]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if !known.contains(&k.as_ref()) {
            continue;
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("{k} is given twice"));
        }
    }
    Ok(out)
}

/// What `pin` sets: each part given is pinned (the period goes with the rate).
#[derive(Debug, PartialEq, Eq)]
struct Pin {
    parallelism: Option<i64>,
    rate: Option<i64>,
    period: Option<i64>,
}

impl Pin {
    /// `parallelism`, `rate` and `period` as positive integers.
    fn parse(raw: Option<&str>) -> Result<Pin, String> {
        let q = query(raw, &["parallelism", "rate", "period"])?;
        let num = |name: &str| -> Result<Option<i64>, String> {
            q.get(name)
                .map(|v| match v.parse::<i64>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{name} must be a positive integer, got {v:?}")),
                })
                .transpose()
        };
        let pin = Pin {
            parallelism: num("parallelism")?,
            rate: num("rate")?,
            period: num("period")?,
        };
        if pin.parallelism.is_none() && pin.rate.is_none() {
            return Err("pin needs parallelism or rate (and period, in seconds, with rate)".into());
        }
        if pin.period.is_some() && pin.rate.is_none() {
            return Err("period goes with rate: pin rate too".into());
        }
        Ok(pin)
    }

    fn apply(&self, c: &mut KeyConfig) {
        if self.parallelism.is_some() {
            c.parallelism = self.parallelism;
            c.pinned_parallelism = true;
        }
        if self.rate.is_some() {
            c.rate = self.rate;
            c.period_s = self.period.unwrap_or(1);
            c.pinned_rate = true;
        }
    }
}

async fn pin(State(app): AppState, Path(key): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let pin = match Pin::parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    // Pinning starts the key's rate count over, as the service does.
    change(app, key, true, move |c| pin.apply(c)).await
}

async fn unpin(State(app): AppState, Path(key): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let flags = query(raw.as_deref(), &["parallelism", "rate"]).and_then(|q| {
        let flag = |name: &str| match q.get(name).map(String::as_str) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(v) => Err(format!("{name} must be true or false, got {v:?}")),
        };
        Ok((flag("parallelism")?, flag("rate")?))
    });
    let (parallelism, rate) = match flags {
        Ok(f) => f,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    // What was pinned stays in force until a new message under the key says otherwise.
    change(app, key, false, move |c| {
        c.pinned_parallelism &= !parallelism;
        c.pinned_rate &= !rate;
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_takes_positive_integers_and_needs_a_limit() {
        assert_eq!(
            Pin::parse(Some("parallelism=3&rate=20&period=120")),
            Ok(Pin {
                parallelism: Some(3),
                rate: Some(20),
                period: Some(120)
            })
        );
        for bad in [Some("period=5"), None, Some("rate=0"), Some("rate=x")] {
            assert!(Pin::parse(bad).is_err(), "{bad:?}");
        }
    }
}
