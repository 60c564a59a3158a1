//! Connections and the gate every request passes: the request log, the token check, latency.
//!
//! The accept loop is hand-made rather than `axum::serve` because a `reset` fault must drop
//! the connection without any response, which a handler alone cannot do.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::app::App;
use super::faults::DropConnection;
use super::query::pairs;
use super::store::{now_ms, RequestRecord};
use super::wire::Reply;

/// The peer of a connection, for the `callerIP` of published messages.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors and the like: wait a little instead of spinning.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
                req.extensions_mut().insert(Peer(peer));
                let router = router.clone();
                async move {
                    let resp = match router.oneshot(req).await {
                        Ok(r) => r,
                        Err(never) => match never {},
                    };
                    if resp.extensions().get::<DropConnection>().is_some() {
                        Err(DropConnection)
                    } else {
                        Ok(resp)
                    }
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

/// Logs API requests (with their reply's status), checks the token (header or
/// `qstash_token`), applies `--rate-limit` (publish, enqueue, batch exempt), adds latency.
pub async fn gate(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let _turn = match app.turn().await {
        Ok(turn) => turn,
        Err(e) => {
            return Reply::error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e).into_response()
        }
    };
    let path = req.uri().path().to_string();
    let api = path.starts_with("/v2/");
    if !api {
        if !authorized(&app.token, &req) {
            return unauthorized();
        }
        return next.run(req).await;
    }
    let mutation = req.method() != axum::http::Method::GET;
    let at = now_ms();
    let mut record = RequestRecord {
        method: req.method().to_string(),
        path: path.clone(),
        query: req.uri().query().unwrap_or("").to_string(),
        headers: req
            .headers()
            .iter()
            .filter(|(k, _)| *k != axum::http::header::AUTHORIZATION)
            .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
            .collect(),
        status: 0,
        at,
        took_ms: 0,
    };
    let entered = app.in_flight.enter(mutation);
    let resp = answer(&app, req, next).await;
    drop(entered);
    record.status = if resp.extensions().get::<DropConnection>().is_some() {
        0
    } else {
        resp.status().as_u16()
    };
    record.took_ms = now_ms() - at;
    app.store.write().unwrap().log_request(record);
    resp
}

async fn answer(app: &App, req: Request, next: Next) -> Response {
    if !authorized(&app.token, &req) {
        return unauthorized();
    }
    // The budget is taken on arrival, as a server counts requests; a refusal changes nothing.
    // It limits the DLQ API; publishing, enqueueing and the workflow protocol an app speaks (step results,
    // run ends, waits) are not what a rehearsal throttles.
    const UNLIMITED: &[&str] = &[
        "/v2/publish/",
        "/v2/enqueue/",
        "/v2/batch",
        "/v2/trigger/",
        "/v2/workflows/runs",
        "/v2/wait/",
        "/v2/notify/",
        "/v2/waiters/",
    ];
    let path = req.uri().path();
    let limited = !UNLIMITED.iter().any(|p| path.starts_with(p));
    let verdict = app
        .rate_limit
        .as_ref()
        .filter(|_| limited)
        .map(|l| l.take());
    if let Some(v) = verdict.as_ref().filter(|v| !v.allowed) {
        app.in_flight.throttled();
        let mut r = Reply::error(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "burst rate limit exceeded",
        )
        .into_response();
        v.headers(r.headers_mut());
        return r;
    }
    if !app.faults.latency.is_zero() {
        tokio::time::sleep(app.faults.latency).await;
    }
    let mut resp = next.run(req).await;
    if let Some(v) = verdict {
        v.headers(resp.headers_mut());
    }
    resp
}

fn unauthorized() -> Response {
    Reply::error(
        axum::http::StatusCode::UNAUTHORIZED,
        "missing or invalid token: send Authorization: Bearer <QSTASH_TOKEN>",
    )
    .into_response()
}

fn authorized(token: &str, req: &Request) -> bool {
    let bearer = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if bearer == Some(token) {
        return true;
    }
    pairs(req.uri().query())
        .iter()
        .any(|(k, v)| k == "qstash_token" && v == token)
}
