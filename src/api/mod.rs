//! The typed client of the QStash and Workflow DLQ API: one method per endpoint.
//!
//! The only module that knows reqwest. Methods take typed arguments, return typed results, and
//! fail with [`ApiError`]. Wire facts come from API.md sections 3 and 4.

mod error;
mod http;
pub mod mask;
mod matching;
mod pressure;
mod publish;
mod query;
pub mod signature;
mod types;

use reqwest::Method;
use serde::de::DeserializeOwned;

pub use error::{ApiError, UrlFrom};
pub use http::{backoff, ClientConfig, Logger, WaitHook, DEFAULT_MAX_BODY};
pub use matching::{Content, ContentTally, Judge, Judging};
pub use pressure::{Pressure, Reading};
pub use publish::{check_header, check_url, valid_name, Destination, Outgoing};
pub use query::{expressible, Filter, Overrides, Query, Selector};
pub use types::{
    Batched, CallbackInfo, Deleted, Entry, FailureCall, Headers, LogEntry, LogPage, Page,
    Published, Retried, Run, RunLog, RunLogPage, Runs, Source,
};

use http::{Idempotence, Req, Transport};
use types::normalize_cursor;

pub struct Client {
    t: Transport,
}

/// A publish reply: one message, or one per endpoint of a URL group, which the OpenAPI
/// wraps in `messages` and the official SDK's typings show as a bare list: both are read.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Published),
    Group { messages: Vec<Published> },
    Many(Vec<Published>),
}

/// One result of `POST /v2/batch`: a message, a URL group item's messages (the SDK's typings), or
/// that item's error (the docs: "that message will have an error response").
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum BatchReply {
    Refused { error: String },
    One(Published),
    Many(Vec<Published>),
}

const QSTASH: &str = "v2/dlq";
const WORKFLOW: &str = "v2/workflows/dlq";

fn base(source: Source) -> &'static str {
    match source {
        Source::Qstash => QSTASH,
        Source::Workflow => WORKFLOW,
    }
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        Ok(Client {
            t: Transport::new(cfg)?,
        })
    }

    /// How hard the server pushes back, as seen on this client's replies so far.
    pub fn pressure(&self) -> Reading {
        self.t.pressure.read()
    }

    /// Requests this client has sent so far, every attempt counted.
    pub fn requests_sent(&self) -> u64 {
        self.t.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The server's clock as its last reply said (`Date`, to the second), if one did.
    pub fn server_clock_ms(&self) -> Option<i64> {
        Some(self.t.server_ms.load(std::sync::atomic::Ordering::Relaxed)).filter(|ms| *ms > 0)
    }

    /// A GET, retried as reads are.
    async fn read<T: DeserializeOwned>(&self, path: &[&str], query: Query) -> Result<T, ApiError> {
        self.call(Req {
            method: Method::GET,
            path,
            query,
            headers: vec![],
            kind: Idempotence::Read,
            ..Req::NONE
        })
        .await
    }

    async fn call<T: DeserializeOwned>(&self, req: Req<'_>) -> Result<T, ApiError> {
        let method = match req.method {
            Method::GET => "GET",
            Method::POST => "POST",
            _ => "DELETE",
        };
        let path = req.path.join("/");
        let (_, body) = self.t.send(req).await?;
        serde_json::from_slice(&body).map_err(|e| ApiError::Decode {
            method,
            path: format!("/{path}"),
            detail: e.to_string(),
        })
    }

    /// One page of entries: `GET /v2/dlq` or `GET /v2/workflows/dlq`.
    pub async fn list(
        &self,
        source: Source,
        filter: &Filter,
        count: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Page, ApiError> {
        let mut query = Query::new();
        if let Some(c) = cursor {
            query.push(("cursor", c.to_string()));
        }
        if let Some(n) = count {
            query.push(("count", n.to_string()));
        }
        filter.push_query(source, &mut query);
        let mut page: Page = self.read(&[base(source)], query).await?;
        page.cursor = normalize_cursor(page.cursor);
        // The server may read a value otherwise than written (it splits on commas): only
        // entries that match the filter as the user wrote it are ever returned.
        let listed = page.messages.len();
        page.messages.retain(|e| filter.matches(source, e));
        // What the entries say is judged after what the server could have filtered on.
        page.messages = filter
            .content
            .keep(std::mem::take(&mut page.messages))
            .await?;
        page.outside = listed - page.messages.len();
        Ok(page)
    }

    /// One page of message logs: `GET /v2/logs`, newest first. `from_ms` narrows it; a
    /// message id makes it that message's history.
    pub async fn logs(
        &self,
        message_id: Option<&str>,
        from_ms: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<LogPage, ApiError> {
        let mut query = Query::new();
        if let Some(id) = message_id {
            query.push(("messageId", id.to_string()));
        }
        if let Some(ms) = from_ms {
            query.push(("fromDate", ms.to_string()));
        }
        query.push(("count", "100".to_string()));
        if let Some(c) = cursor {
            query.push(("cursor", c.to_string()));
        }
        let mut page: LogPage = self.read(&["v2/logs"], query).await?;
        page.cursor = normalize_cursor(page.cursor);
        Ok(page)
    }

    /// Workflow runs by id: `GET /v2/workflows/logs`, many at once with
    /// `workflowRuns=ID@CREATED,...`, or one id (every run of it) with `workflowRunId`.
    pub async fn run_logs(
        &self,
        runs: &[(String, Option<i64>)],
        cursor: Option<&str>,
    ) -> Result<RunLogPage, ApiError> {
        let mut query = Query::new();
        match runs {
            [(id, None)] => query.push(("workflowRunId", id.clone())),
            _ => {
                let pairs: Vec<String> = runs
                    .iter()
                    .map(|(id, at)| format!("{id}@{}", at.unwrap_or(0)))
                    .collect();
                query.push(("workflowRuns", pairs.join(",")));
            }
        }
        query.push(("trimBody", "-1".to_string()));
        if let Some(c) = cursor {
            query.push(("cursor", c.to_string()));
        }
        let mut page: RunLogPage = self.read(&["v2/workflows/logs"], query).await?;
        page.cursor = normalize_cursor(page.cursor);
        Ok(page)
    }

    /// One entry: `GET /v2/dlq/{id}` or `GET /v2/workflows/dlq/{id}`.
    pub async fn get(&self, source: Source, id: &str) -> Result<Entry, ApiError> {
        let mut e: Entry = self.read(&[base(source), id], vec![]).await?;
        if e.dlq_id.is_empty() {
            e.dlq_id = id.to_string(); // the QStash spec omits dlqId from the schema
        }
        Ok(e)
    }

    /// Deletes one entry: `DELETE /v2/dlq/{id}` or `/v2/workflows/dlq/{id}`. 404 when absent.
    pub async fn delete(&self, source: Source, id: &str) -> Result<(), ApiError> {
        self.t
            .send(Req {
                method: Method::DELETE,
                path: &[base(source), id],
                query: vec![],
                headers: vec![],
                kind: Idempotence::Mutation,
                ..Req::NONE
            })
            .await
            .map(drop)
    }

    /// Bulk delete: `DELETE /v2/dlq` or `/v2/workflows/dlq` with ids or a filter.
    pub async fn delete_many(
        &self,
        source: Source,
        which: Selector<'_>,
    ) -> Result<Deleted, ApiError> {
        which.check(source)?;
        let mut d: Deleted = self
            .call(Req {
                method: Method::DELETE,
                path: &[base(source)],
                query: which.query(source),
                headers: vec![],
                kind: Idempotence::Mutation,
                ..Req::NONE
            })
            .await?;
        d.cursor = normalize_cursor(d.cursor);
        Ok(d)
    }

    /// Retries one QStash message: `POST /v2/dlq/retry/{id}`.
    pub async fn retry(&self, id: &str, o: &Overrides) -> Result<Published, ApiError> {
        self.call(Req {
            method: Method::POST,
            path: &["v2/dlq/retry", id],
            query: vec![],
            headers: o.headers(),
            kind: Idempotence::Mutation,
            ..Req::NONE
        })
        .await
    }

    /// Bulk retry: `POST /v2/dlq/retry` with ids or a filter.
    pub async fn retry_many(
        &self,
        which: Selector<'_>,
        o: &Overrides,
    ) -> Result<Retried, ApiError> {
        which.check(Source::Qstash)?;
        let mut r: Retried = self
            .call(Req {
                method: Method::POST,
                path: &["v2/dlq/retry"],
                query: which.query(Source::Qstash),
                headers: o.headers(),
                kind: Idempotence::Mutation,
                ..Req::NONE
            })
            .await?;
        r.cursor = normalize_cursor(r.cursor);
        Ok(r)
    }

    /// Publishes a new message: `POST /v2/publish/{destination}`, or
    /// `/v2/enqueue/{queue}/{destination}` when it names a queue. A mutation: a lost reply is
    /// the caller's to judge (its deduplication id makes a re-send safe within the window).
    /// A URL group answers one item per endpoint, a URL one: both come back as a list.
    pub async fn publish(&self, m: &Outgoing) -> Result<Vec<Published>, ApiError> {
        let d = &m.destination;
        d.check().map_err(ApiError::Invalid)?;
        let wire = d.wire();
        let path: Vec<&str> = match &d.queue {
            // `v2/enqueue/{queue}` then the destination: the queue is an encoded segment.
            Some(q) => vec!["v2/enqueue", q],
            None => vec!["v2/publish"],
        };
        self.call(Req {
            method: Method::POST,
            path: &path,
            query: vec![],
            headers: m.config.headers(),
            kind: Idempotence::Mutation,
            named: m.named_headers(),
            body: Some(m.body_bytes()),
            tail: Some(&wire),
        })
        .await
        .map(|one: OneOrMany| match one {
            OneOrMany::One(p) => vec![p],
            OneOrMany::Group { messages: ps } | OneOrMany::Many(ps) => ps,
        })
    }

    /// Many messages with one request: `POST /v2/batch`, one result per message in order.
    /// Each message goes as [`Outgoing::batch_item`] makes it (the caller sends the others
    /// alone). A mutation: a lost reply, or a reply that does not give one result per message,
    /// is the caller's to judge, as for a publish.
    pub async fn batch(&self, ms: &[&Outgoing]) -> Result<Vec<Batched>, ApiError> {
        let items = ms
            .iter()
            .map(|m| m.batch_item())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::Invalid("a message that cannot go in a batch".into()))?;
        let body = serde_json::to_vec(&items).expect("JSON values serialize");
        let replies: Vec<BatchReply> = self
            .call(Req {
                method: Method::POST,
                path: &["v2/batch"],
                headers: vec![("Content-Type", "application/json".into())],
                kind: Idempotence::Mutation,
                body: Some(body),
                ..Req::NONE
            })
            .await?;
        if replies.len() != ms.len() {
            return Err(ApiError::Decode {
                method: "POST",
                path: "/v2/batch".into(),
                detail: format!("{} results for {} messages", replies.len(), ms.len()),
            });
        }
        Ok(replies
            .into_iter()
            .map(|r| match r {
                BatchReply::Refused { error } => Batched::Refused(error),
                BatchReply::One(p) => Batched::Made(vec![p]),
                BatchReply::Many(ps) => Batched::Made(ps),
            })
            .collect())
    }

    /// The entries among `ids` that are in the DLQ, with one request: `GET /v2/dlq?dlqIds=…`
    /// (as the TypeScript SDK's `listMessages({dlqIds})` asks; up to 100). Ids not there are
    /// left out; entries not asked for are dropped.
    pub async fn find(&self, source: Source, ids: &[String]) -> Result<Vec<Entry>, ApiError> {
        let which = Selector::Ids(ids);
        which.check(source)?;
        let page: Page = self.read(&[base(source)], which.query(source)).await?;
        Ok(page
            .messages
            .into_iter()
            .filter(|e| ids.contains(&e.dlq_id))
            .collect())
    }

    /// Whether a URL group exists: `GET /v2/topics/{name}`, false on a 404.
    pub async fn url_group_exists(&self, name: &str) -> Result<bool, ApiError> {
        match self
            .read::<serde_json::Value>(&["v2/topics", name], vec![])
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.status() == Some(404) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Resumes one run from its failed step: `POST /v2/workflows/dlq/resume/{id}`.
    pub async fn resume(&self, id: &str, o: &Overrides) -> Result<Run, ApiError> {
        self.run_one("v2/workflows/dlq/resume", id, o).await
    }

    /// Bulk resume: `POST /v2/workflows/dlq/resume`.
    pub async fn resume_many(&self, which: Selector<'_>, o: &Overrides) -> Result<Runs, ApiError> {
        self.runs("v2/workflows/dlq/resume", which, o).await
    }

    /// Restarts one run from the beginning: `POST /v2/workflows/dlq/restart/{id}`.
    pub async fn restart(&self, id: &str, o: &Overrides) -> Result<Run, ApiError> {
        self.run_one("v2/workflows/dlq/restart", id, o).await
    }

    /// Bulk restart: `POST /v2/workflows/dlq/restart`.
    pub async fn restart_many(&self, which: Selector<'_>, o: &Overrides) -> Result<Runs, ApiError> {
        self.runs("v2/workflows/dlq/restart", which, o).await
    }

    /// Re-runs a failed failure callback: `POST /v2/workflows/dlq/callback/{id}`.
    pub async fn callback(&self, id: &str) -> Result<Run, ApiError> {
        self.run_one("v2/workflows/dlq/callback", id, &Overrides::default())
            .await
    }

    async fn run_one(&self, route: &str, id: &str, o: &Overrides) -> Result<Run, ApiError> {
        self.call(Req {
            method: Method::POST,
            path: &[route, id],
            query: vec![],
            headers: o.headers(),
            kind: Idempotence::Mutation,
            ..Req::NONE
        })
        .await
    }

    async fn runs(
        &self,
        route: &str,
        which: Selector<'_>,
        o: &Overrides,
    ) -> Result<Runs, ApiError> {
        which.check(Source::Workflow)?;
        let mut r: Runs = self
            .call(Req {
                method: Method::POST,
                path: &[route],
                query: which.query(Source::Workflow),
                headers: o.headers(),
                kind: Idempotence::Mutation,
                ..Req::NONE
            })
            .await?;
        r.cursor = normalize_cursor(r.cursor);
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publish_reply_is_read_in_each_shape_the_sources_give() {
        let ids = |text: &str| -> Vec<String> {
            match serde_json::from_str::<OneOrMany>(text).unwrap() {
                OneOrMany::One(p) => vec![p.message_id],
                OneOrMany::Group { messages: ps } | OneOrMany::Many(ps) => {
                    ps.into_iter().map(|p| p.message_id).collect()
                }
            }
        };
        assert_eq!(ids(r#"{"messageId":"m1"}"#), ["m1"]);
        let group = r#"{"messages":[{"messageId":"m1","url":"u"},{"messageId":"m2","url":"v"}]}"#;
        assert_eq!(ids(group), ["m1", "m2"]);
        assert_eq!(ids(r#"[{"messageId":"m1","url":"u"}]"#), ["m1"]);
    }
}
