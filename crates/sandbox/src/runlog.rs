//! `GET /v2/workflows/logs` (OAW "List Workflow Run Logs"): the runs the sandbox created by
//! resume, restart and callback, as `WorkflowRun`s with their steps, newest first, in keyset
//! pages over `(workflowRunCreatedAt, workflowRunId)`, which names one run for good.
//!
//! A callback re-run is the failed run itself, whose failure function is called again: the
//! run shows as failed, with the callback's state under `failureFunction`; when it is called
//! more than once, the newest call is shown.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Bound;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::app::{App, AppState};
use super::query::{destination_matches, grouped, int, multi};
use super::states::RunLogState;
use super::store::{RunRecord, Store};
use super::wire::Reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/v2/workflows/logs", get(list))
}

const FILTERS: &[&str] = &[
    "workflowUrl",
    "workflowRunId",
    "workflowCreatedAt",
    "label",
    "flowControlKey",
    "callerIp",
    "host",
    "path",
];

pub const MAX_COUNT: i64 = 1000;

/// A run's key: when it was created, then its id.
type RunKey = (i64, String);

#[derive(Debug, Default)]
pub struct RunQuery {
    cursor: Option<RunKey>,
    count: usize,
    /// -1: bodies left out (the documented default).
    trim_body: i64,
    runs: Option<BTreeSet<RunKey>>,
    state: Option<RunLogState>,
    filters: BTreeMap<String, Vec<String>>,
    from: Option<i64>,
    to: Option<i64>,
}

fn parse_cursor(c: &str) -> Result<RunKey, String> {
    c.split_once('-')
        .and_then(|(t, id)| Some((t.parse().ok()?, id.to_string())))
        .filter(|(_, id)| !id.is_empty())
        .ok_or_else(|| format!("invalid cursor {c:?}"))
}

/// `ID1@TS1,ID2@TS2`.
fn parse_runs(values: &[String]) -> Result<BTreeSet<RunKey>, String> {
    multi(values)
        .iter()
        .map(|pair| {
            let (id, ts) = pair
                .rsplit_once('@')
                .filter(|(id, _)| !id.is_empty())
                .ok_or_else(|| format!("workflowRuns: {pair:?} is not workflowRunId@createdAt"))?;
            Ok((int("workflowRuns", ts)?, id.to_string()))
        })
        .collect()
}

impl RunQuery {
    /// Parses the documented parameters; `count` is `default` when not given.
    pub fn parse(raw: Option<&str>, default: usize) -> Result<RunQuery, String> {
        let grouped = grouped(raw);
        let mut q = RunQuery {
            count: default,
            trim_body: -1,
            ..RunQuery::default()
        };
        for (k, values) in grouped {
            let last = values.last().map(String::as_str).unwrap_or("");
            match k.as_str() {
                "qstash_token" => {}
                // Runs are what this endpoint lists; grouping by run is all it does.
                "groupBy" if last == "workflowRunId" => {}
                "cursor" if last.is_empty() => {}
                "cursor" => q.cursor = Some(parse_cursor(last)?),
                "count" => {
                    let n = int("count", last)?;
                    if !(1..=MAX_COUNT).contains(&n) {
                        return Err(format!("count must be between 1 and {MAX_COUNT}, got {n}"));
                    }
                    q.count = n as usize;
                }
                "trimBody" => {
                    q.trim_body = int("trimBody", last)?;
                    if q.trim_body < -1 {
                        return Err("trimBody must be -1 or more".into());
                    }
                }
                "fromDate" => q.from = Some(int("fromDate", last)?),
                "toDate" => q.to = Some(int("toDate", last)?),
                "workflowRuns" => q.runs = Some(parse_runs(&values)?),
                "state" => match RunLogState::parse(last) {
                    Some(s) => q.state = Some(s),
                    None => return Err(format!("unknown state {last:?}")),
                },
                f if FILTERS.contains(&f) => {
                    let vals = multi(&values);
                    if f == "workflowCreatedAt" {
                        for v in &vals {
                            int(f, v)?;
                        }
                    }
                    q.filters.insert(k.clone(), vals);
                }
                other => return Err(format!("unknown parameter {other:?}")),
            }
        }
        Ok(q)
    }

    /// Whether run `r` is selected; with `workflowRuns`, by that list alone (as documented).
    pub fn matches(&self, r: &RunRecord) -> bool {
        if let Some(runs) = &self.runs {
            return runs.contains(&(r.workflow_created_at, r.workflow_run_id.clone()));
        }
        let at = r.workflow_created_at;
        if self.from.is_some_and(|f| at < f) || self.to.is_some_and(|t| at > t) {
            return false;
        }
        let state_ok = match self.state {
            None => true,
            Some(RunLogState::Run(s)) => r.state == s,
            Some(RunLogState::Step(s)) => r.steps.iter().any(|st| st.state == s),
        };
        state_ok
            && self.filters.iter().all(|(k, vals)| {
                let any = |f: Option<&str>| f.is_some_and(|f| vals.iter().any(|v| v == f));
                match k.as_str() {
                    "workflowUrl" => any(Some(&r.workflow_url)),
                    "workflowRunId" => any(Some(&r.workflow_run_id)),
                    "workflowCreatedAt" => any(Some(&at.to_string())),
                    "flowControlKey" => any(r.config["flowControlKey"].as_str()),
                    "callerIp" => any(r.caller_ip.as_deref()),
                    "label" => labels(r).iter().any(|l| any(Some(l))),
                    "host" | "path" => destination_matches(&r.workflow_url, k, vals),
                    _ => false,
                }
            })
    }

    /// One page of runs, newest first, and the cursor to the next (`""` at the end).
    pub fn page(&self, store: &Store) -> (Vec<Value>, String) {
        // The newest record of each run (see the module doc). Runs named by `workflowRuns`
        // are picked out first, as a server's index would: keying every run of the store
        // for each such read held the store's lock long enough to queue every other request
        // behind it (a callback job reads its runs' baselines this way, 50 at a time).
        let named: Option<HashSet<&str>> = self
            .runs
            .as_ref()
            .map(|runs| runs.iter().map(|(_, id)| id.as_str()).collect());
        let runs: BTreeMap<RunKey, &RunRecord> = store
            .runs
            .iter()
            .filter(|r| {
                named
                    .as_ref()
                    .is_none_or(|n| n.contains(r.workflow_run_id.as_str()))
            })
            .map(|r| ((r.workflow_created_at, r.workflow_run_id.clone()), r))
            .collect();
        let upper = match &self.cursor {
            Some(k) => Bound::Excluded(k.clone()),
            None => Bound::Unbounded,
        };
        let mut it = runs
            .range((Bound::Unbounded, upper))
            .rev()
            .filter(|(_, r)| self.matches(r));
        let page: Vec<(&RunKey, &&RunRecord)> = it.by_ref().take(self.count).collect();
        let more = page.len() == self.count && it.next().is_some();
        let cursor = match page.last() {
            Some(((t, id), _)) if more => format!("{t}-{id}"),
            _ => String::new(),
        };
        let views = page.iter().map(|(_, r)| view(r, self.trim_body)).collect();
        (views, cursor)
    }
}

/// A run's labels, from its configuration.
pub fn labels(r: &RunRecord) -> Vec<String> {
    r.config["labels"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A body as `trimBody` asks: left out at -1, else cut to that many bytes.
fn trim(body: Option<&str>, n: i64) -> Option<String> {
    let body = body?;
    if n < 0 {
        return None;
    }
    let mut end = (n as usize).min(body.len());
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    Some(body[..end].to_string())
}

/// Adds `value` under `key` unless it is null.
fn put(v: &mut Value, key: &str, value: Value) {
    if !value.is_null() {
        v[key] = value;
    }
}

/// The run as a `WorkflowRun`: each step its own sequential group.
pub fn view(r: &RunRecord, trim_body: i64) -> Value {
    let retries = r.config["retries"].as_i64();
    let steps: Vec<Value> = r
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut info = json!({
                "stepId": i as i64 + 1,
                "stepName": s.name,
                "stepType": "Run",
                "callType": "step",
                "messageId": s.message_id,
                "state": s.state,
                "createdAt": s.created_at,
            });
            put(&mut info, "retries", json!(retries));
            put(&mut info, "nextDeliveryTime", json!(s.next_delivery_time));
            put(&mut info, "callResponseStatus", json!(s.response_status));
            let body = trim(s.response_body.as_deref(), trim_body);
            put(&mut info, "callResponseBody", json!(body));
            json!({ "type": "sequential", "steps": [info] })
        })
        .collect();
    let mut v = json!({
        "workflowRunId": r.workflow_run_id,
        "workflowUrl": r.workflow_url,
        "workflowState": r.state,
        "workflowRunCreatedAt": r.workflow_created_at,
        "steps": steps,
    });
    put(&mut v, "workflowRunCompletedAt", json!(r.completed_at));
    put(&mut v, "workflowRunCallerIp", json!(r.caller_ip));
    put(&mut v, "dlqId", json!(r.dlq_id));
    let labels = labels(r);
    if !labels.is_empty() {
        v["label"] = json!(labels[0]);
        v["labels"] = json!(labels);
    }
    put(&mut v, "flowControlKey", r.config["flowControlKey"].clone());
    if let Some(f) = &r.failure_function {
        let mut ff = json!({ "url": f.url });
        put(&mut ff, "messageId", json!(f.message_id));
        put(&mut ff, "state", json!(f.state));
        put(&mut ff, "responseStatus", json!(f.response_status));
        let body = trim(f.response_body.as_deref(), trim_body);
        put(&mut ff, "responseBody", json!(body));
        put(&mut ff, "responseHeaders", json!(f.response_headers));
        // Each call made with when it started and ended (sandbox only): what tells whether a
        // call started after a given request.
        if !f.attempts.is_empty() {
            ff["attempts"] = json!(f.attempts);
        }
        v["failureFunction"] = ff;
    }
    v
}

async fn list(State(app): AppState, RawQuery(raw): RawQuery) -> Response {
    app.read(
        |s| match RunQuery::parse(raw.as_deref(), MAX_COUNT as usize) {
            Ok(q) => {
                let (runs, cursor) = q.page(s);
                Reply::ok(json!({ "runs": runs, "cursor": cursor }))
            }
            Err(e) => Reply::bad_request(e),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked() {
        let parse = |q| RunQuery::parse(Some(q), 1000);
        let q = parse("workflowRuns=wfr_a@12,wfr_b@13&count=1000").unwrap();
        assert_eq!(q.runs.unwrap().len(), 2);
        assert!(parse("host=app.example&path=/api/wf").is_ok());
        for bad in [
            "count=1001",
            "workflowRuns=wfr_a",
            "workflowRuns=wfr_a@x",
            "state=DONE",
            "trimBody=-2",
            "cursor=x",
            "groupBy=step",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bodies_are_left_out_or_cut_on_a_character() {
        assert_eq!(trim(Some("héllo"), -1), None);
        assert_eq!(trim(Some("héllo"), 2).as_deref(), Some("h"));
        assert_eq!(trim(Some("héllo"), 99).as_deref(), Some("héllo"));
    }
}
