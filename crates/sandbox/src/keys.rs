//! `GET /v2/keys` and `POST /v2/keys/rotate`, and the signing of each delivery with the
//! state's current key (what the keys are and how a signature is made: `signing`). OAW also
//! lists a `GET /v2/keys/rotate`, described as "Get Flow Control Key" with a path parameter the
//! path lacks: served as that description's 404, since no key can be named there.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::app::{App, AppState};
use super::signing::signature;
use super::store::{now_ms, random_id};
use super::wire::{Headers, Reply};

/// Adds the signature of a delivery with the current key of `app`'s state.
pub fn sign(app: &App, headers: &mut Headers, url: &str, body: &[u8]) {
    let key = app.store.read().unwrap().signing.current.clone();
    let jti = random_id("jwt_", &mut rand::thread_rng());
    let sig = signature(&key, url, body, now_ms(), &jti);
    headers.insert("Upstash-Signature".into(), vec![sig]);
}

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/keys", get(keys))
        .route("/v2/keys/rotate", post(rotate).get(no_key))
}

async fn keys(State(app): AppState) -> Response {
    app.read(|s| Reply::ok(s.signing.wire())).await
}

async fn no_key() -> Response {
    Reply::not_found("no flow control key in this path: GET /v2/flowControl/<key> reads one")
        .into_response()
}

async fn rotate(State(app): AppState) -> Response {
    let token = app.token.clone();
    app.mutate(move |s, _| {
        s.signing.rotate(&token);
        (Reply::ok(s.signing.wire()), vec![])
    })
    .await
}
