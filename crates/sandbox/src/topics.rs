//! URL groups (`/v2/topics…`, "topics" on the wire): add and remove endpoints, list, get,
//! delete. Publishing to a group's name fans out to its endpoints (see `publish`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::app::{App, AppState};

use super::sources::{valid_name, Endpoint, Topic};
use super::wire::Reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/topics", get(list))
        .route("/v2/topics/{name}", get(get_one).delete(delete))
        .route(
            "/v2/topics/{name}/endpoints",
            post(add_endpoints).delete(remove_endpoints),
        )
}

#[derive(Deserialize)]
struct Endpoints {
    endpoints: Vec<EndpointIn>,
}

#[derive(Deserialize)]
struct EndpointIn {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

fn parse(body: &[u8]) -> Result<Vec<EndpointIn>, Reply> {
    let e: Endpoints = serde_json::from_slice(body).map_err(|e| {
        Reply::bad_request(format!(
            "the body must be {{\"endpoints\": [{{\"url\": …, \"name\": …}}]}}: {e}"
        ))
    })?;
    if e.endpoints.is_empty() {
        return Err(Reply::bad_request("endpoints must not be empty"));
    }
    Ok(e.endpoints)
}

fn check_name(name: &str) -> Result<(), Reply> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(Reply::bad_request(format!(
            "URL group name {name:?} is invalid: use letters, digits, '-', '.' and '_'"
        )))
    }
}

fn not_found(name: &str) -> Reply {
    Reply::not_found(format!("URL group {name} not found"))
}

/// Adds endpoints, creating the group if need be; an endpoint already there (same URL) is
/// renamed rather than added twice.
async fn add_endpoints(State(app): AppState, Path(name): Path<String>, body: Bytes) -> Response {
    let endpoints = match check_name(&name).and_then(|_| parse(&body)) {
        Ok(e) => e,
        Err(r) => return r.into_response(),
    };
    let mut new = Vec::new();
    for e in endpoints {
        match e.url {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                new.push(Endpoint { name: e.name, url })
            }
            other => {
                return Reply::bad_request(format!(
                    "endpoint url {:?} must be an http(s) URL",
                    other.unwrap_or_default()
                ))
                .into_response()
            }
        }
    }
    app.mutate(move |s, now| {
        let t = s
            .sources
            .topics
            .entry(name.clone())
            .or_insert_with(|| Topic {
                name: name.clone(),
                created_at: now,
                updated_at: now,
                endpoints: Vec::new(),
            });
        for e in new {
            match t.endpoints.iter_mut().find(|x| x.url == e.url) {
                Some(x) => x.name = e.name.or(x.name.take()),
                None => t.endpoints.push(e),
            }
        }
        t.updated_at = now;
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}

/// Removes the endpoints named by name or URL; a group left empty is deleted.
async fn remove_endpoints(State(app): AppState, Path(name): Path<String>, body: Bytes) -> Response {
    let gone = match check_name(&name).and_then(|_| parse(&body)) {
        Ok(e) => e,
        Err(r) => return r.into_response(),
    };
    if gone.iter().any(|e| e.name.is_none() && e.url.is_none()) {
        return Reply::bad_request("each endpoint to remove needs a name or a url").into_response();
    }
    app.mutate(move |s, now| {
        let Some(t) = s.sources.topics.get_mut(&name) else {
            return (not_found(&name), vec![]);
        };
        t.endpoints.retain(|x| {
            !gone.iter().any(|g| {
                g.url.as_ref().is_some_and(|u| *u == x.url)
                    || (g.name.is_some() && g.name == x.name)
            })
        });
        t.updated_at = now;
        if t.endpoints.is_empty() {
            s.sources.topics.remove(&name);
        }
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}

async fn list(State(app): AppState) -> Response {
    app.read(|s| Reply::ok(json!(s.sources.topics.values().collect::<Vec<_>>())))
        .await
}

async fn get_one(State(app): AppState, Path(name): Path<String>) -> Response {
    app.read(|s| match s.sources.topics.get(&name) {
        Some(t) => Reply::ok(json!(t)),
        None => not_found(&name),
    })
    .await
}

/// Deletes a group; one that is not there is already deleted (OAQ documents 200 alone, and the
/// Python SDK's own tests delete a group before making it by adding endpoints).
async fn delete(State(app): AppState, Path(name): Path<String>) -> Response {
    app.mutate(move |s, _| {
        s.sources.topics.remove(&name);
        (Reply::Empty(StatusCode::OK), vec![])
    })
    .await
}
