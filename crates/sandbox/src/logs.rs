//! `GET /v2/logs` (OAQ "List Logs"): one entry per state transition of every message the
//! sandbox created, newest first (by time, then by the order logged), in keyset pages. The
//! cursor names the last entry served and the next page starts strictly after it, so entries
//! logged meanwhile never shift a page or show twice. They are not always newer: a settled
//! attempt is logged at the time it would have happened, which may sort behind a reader's
//! cursor; such an entry shows in the next listing from the start, not in this one.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::app::{App, AppState};
use super::query::{destination_matches, grouped, int, multi};
use super::states::LogState;
use super::store::{LogKey, Store};
use super::wire::{LogEntry, Reply};

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/v2/logs", get(list))
}

const FILTERS: &[&str] = &[
    "messageId",
    "url",
    "topicName",
    "scheduleId",
    "queueName",
    "label",
    "host",
    "path",
];

pub const MAX_COUNT: i64 = 100;

/// The most entries one page of `/v2/events` holds, and the default (Python SDK docstring,
/// TS `LogsRequest`).
pub const EVENTS_MAX_COUNT: i64 = 1000;

/// The two readings of the message log: `/v2/logs` as OAQ documents it, and `/v2/events`,
/// which the SDKs call (count up to 1000, `messageIds`, the SDKs' `CANCELED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Logs,
    Events,
}

impl Flavor {
    fn max_count(self) -> i64 {
        match self {
            Flavor::Logs => MAX_COUNT,
            Flavor::Events => EVENTS_MAX_COUNT,
        }
    }
}

#[derive(Debug, Default)]
pub struct LogQuery {
    cursor: Option<LogKey>,
    count: usize,
    states: Option<Vec<LogState>>,
    filters: BTreeMap<String, Vec<String>>,
    from: Option<i64>,
    to: Option<i64>,
}

/// A cursor is the key of the last entry served: `<time>-<seq>`.
pub fn cursor_of(key: LogKey) -> String {
    format!("{}-{}", key.0, key.1)
}

fn parse_cursor(c: &str) -> Result<LogKey, String> {
    c.rsplit_once('-')
        .and_then(|(t, s)| Some((t.parse().ok()?, s.parse().ok()?)))
        .ok_or_else(|| format!("invalid cursor {c:?}"))
}

impl LogQuery {
    /// Parses the documented parameters; anything else, a bad number, `count` outside 1-100 or
    /// an unknown state is an error. String filters take several values, repeated or
    /// comma-separated, any of which matches, as on the DLQ endpoints.
    pub fn parse(raw: Option<&str>, flavor: Flavor) -> Result<LogQuery, String> {
        let grouped = grouped(raw);
        let max = flavor.max_count();
        let mut q = LogQuery {
            count: max as usize,
            ..LogQuery::default()
        };
        for (k, values) in grouped {
            let last = values.last().map(String::as_str).unwrap_or("");
            match k.as_str() {
                "qstash_token" => {}
                "cursor" if last.is_empty() => {}
                "cursor" => q.cursor = Some(parse_cursor(last)?),
                "count" => {
                    let n = int("count", last)?;
                    if !(1..=max).contains(&n) {
                        return Err(format!("count must be between 1 and {max}, got {n}"));
                    }
                    q.count = n as usize;
                }
                "fromDate" => q.from = Some(int("fromDate", last)?),
                "toDate" => q.to = Some(int("toDate", last)?),
                // The SDKs' name for the same filter, and for the state (one L).
                "messageIds" if flavor == Flavor::Events => {
                    q.filters
                        .entry("messageId".into())
                        .or_default()
                        .extend(multi(&values));
                }
                "state" => {
                    q.states = Some(match last {
                        // The filter value that means any state of a message still being delivered.
                        "IN_PROGRESS" => LogState::IN_PROGRESS.to_vec(),
                        "CANCELED" if flavor == Flavor::Events => vec![LogState::Cancelled],
                        s => match LogState::parse(s) {
                            Some(x) => vec![x],
                            None => {
                                let names: Vec<&str> =
                                    LogState::ALL.iter().map(|x| x.as_str()).collect();
                                return Err(format!(
                                    "unknown state {s:?}: use one of {}, IN_PROGRESS",
                                    names.join(", ")
                                ));
                            }
                        },
                    })
                }
                f if FILTERS.contains(&f) => {
                    q.filters.insert(k.clone(), multi(&values));
                }
                other => return Err(format!("unknown parameter {other:?}")),
            }
        }
        Ok(q)
    }

    pub fn matches(&self, e: &LogEntry) -> bool {
        if self.from.is_some_and(|f| e.time < f) || self.to.is_some_and(|t| e.time > t) {
            return false;
        }
        if let Some(states) = &self.states {
            if !states.contains(&e.state) {
                return false;
            }
        }
        self.filters.iter().all(|(k, vals)| {
            let any = |f: Option<&str>| f.is_some_and(|f| vals.iter().any(|v| v == f));
            match k.as_str() {
                "messageId" => any(Some(&e.message_id)),
                "url" => any(Some(&e.url)),
                "topicName" => any(e.topic_name.as_deref()),
                "scheduleId" => any(e.schedule_id.as_deref()),
                "queueName" => any(e.queue_name.as_deref()),
                "label" => e.labels.iter().flatten().any(|l| any(Some(l))),
                "host" | "path" => destination_matches(&e.url, k, vals),
                _ => false,
            }
        })
    }

    /// One page, newest first, and the cursor to the next while more match.
    pub fn page<'a>(&self, store: &'a Store) -> (Vec<&'a LogEntry>, Option<String>) {
        let upper = match self.cursor {
            Some(k) => Bound::Excluded(k),
            None => Bound::Unbounded,
        };
        let mut it = store
            .logs
            .range((Bound::Unbounded, upper))
            .rev()
            .filter(|(_, r)| self.matches(&r.entry));
        let page: Vec<(&LogKey, _)> = it.by_ref().take(self.count).collect();
        let more = page.len() == self.count && it.next().is_some();
        let cursor = more.then(|| cursor_of(*page.last().unwrap().0));
        (page.into_iter().map(|(_, r)| &r.entry).collect(), cursor)
    }
}

async fn list(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    app.read(|s| match LogQuery::parse(raw.as_deref(), Flavor::Logs) {
        Ok(q) => {
            let (logs, cursor) = q.page(s);
            let mut body = json!({ "logs": logs });
            if let Some(c) = cursor {
                body["cursor"] = json!(c);
            }
            Reply::ok(body)
        }
        Err(e) => Reply::bad_request(e),
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked() {
        let logs = |q| LogQuery::parse(Some(q), Flavor::Logs);
        let events = |q| LogQuery::parse(Some(q), Flavor::Events);
        assert!(logs("count=100&state=IN_PROGRESS&label=a&label=b&host=a.example&path=/x").is_ok());
        assert!(logs("state=FAILED&qstash_token=t&cursor=").is_ok());
        assert!(events("count=1000&state=CANCELED&messageIds=m1&messageIds=m2").is_ok());
        for bad in ["count=1001", "state=CANCELLD"] {
            assert!(events(bad).is_err(), "{bad}");
        }
        for bad in [
            "count=0",
            "count=101",
            "state=DONE",
            "fromDate=x",
            "cursor=abc",
            "order=latestFirst",
            "messageIds=m1",
            "state=CANCELED",
        ] {
            assert!(logs(bad).is_err(), "{bad}");
        }
        let q = logs("cursor=1700000000000-42").unwrap();
        assert_eq!(q.cursor, Some((1_700_000_000_000, 42)));
    }
}
