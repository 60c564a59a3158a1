//! Wire types of the DLQ API as the client reads them (API.md section 2).
//!
//! One [`Entry`] serves QStash messages and workflow runs: the two shapes share most fields, and
//! commands that list, show or export treat them alike. Unknown fields are kept in `extra`, so an
//! export carries everything the server sent, even fields this version does not know.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type Headers = BTreeMap<String, Vec<String>>;

/// Which dead letter queue: QStash messages or failed workflow runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Qstash,
    Workflow,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    #[serde(default)]
    pub dlq_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Headers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// `callerIP` on the wire; TypeScript typings spell it `callerIp`, so both are read.
    #[serde(
        default,
        rename = "callerIP",
        alias = "callerIp",
        skip_serializing_if = "Option::is_none"
    )]
    pub caller_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_header: Option<Headers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_callback_info: Option<CallbackInfo>,
    /// Everything else the server sent, kept so exports lose nothing.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Entry {
    /// All labels, whether the server sent `labels`, the deprecated `label`, or both.
    pub fn all_labels(&self) -> Vec<&str> {
        match (&self.labels, &self.label) {
            (Some(ls), _) if !ls.is_empty() => ls.iter().map(String::as_str).collect(),
            (_, Some(l)) => vec![l.as_str()],
            _ => Vec::new(),
        }
    }

    /// The failure-callback state, wherever the server put it (API.md 6.6).
    pub fn callback_state(&self) -> Option<&str> {
        self.failure_callback_info
            .as_ref()
            .and_then(|i| i.state.as_deref())
            .or_else(|| {
                self.extra
                    .get("failureFunctionState")
                    .and_then(Value::as_str)
            })
    }

    /// When the entry entered the DLQ: the millisecond prefix of its id when it has one,
    /// else its creation time.
    pub fn dlq_time_ms(&self) -> Option<i64> {
        self.dlq_id
            .split_once('-')
            .and_then(|(ms, _)| ms.parse().ok())
            .or(self.created_at)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<Headers>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of a list call.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Page {
    pub messages: Vec<Entry>,
    #[serde(default)]
    pub cursor: Option<String>,
    /// Entries the server listed that do not match the filter as written, left out of
    /// `messages` by the client.
    #[serde(skip)]
    pub outside: usize,
}

impl Page {
    /// Whether the server sent no entries at all (before the client's own filter).
    pub fn server_empty(&self) -> bool {
        self.messages.is_empty() && self.outside == 0
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Deleted {
    #[serde(default)]
    pub deleted: u64,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A message created by a retry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduplicated: Option<bool>,
}

/// What `POST /v2/batch` made of one of its messages: the message (one per endpoint of a URL
/// group), or the service's refusal of that message alone, the others of the batch sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Batched {
    Made(Vec<Published>),
    Refused(String),
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Retried {
    #[serde(default)]
    pub responses: Vec<Published>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A workflow run created by resume, restart or callback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub workflow_run_id: String,
    /// Epoch ms on the wire; TypeScript typings say string, so both are read.
    #[serde(default, deserialize_with = "int_or_string")]
    pub workflow_created_at: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Runs {
    #[serde(default)]
    pub workflow_runs: Vec<Run>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One state change of a message, from `GET /v2/logs` (the `LogEntry` schema).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    #[serde(default)]
    pub time: i64,
    #[serde(default)]
    pub message_id: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub response_status: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogPage {
    #[serde(default)]
    pub logs: Vec<LogEntry>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One workflow run, from `GET /v2/workflows/logs` (the `WorkflowRun` schema).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunLog {
    #[serde(default)]
    pub workflow_run_id: String,
    #[serde(default)]
    pub workflow_url: Option<String>,
    #[serde(default)]
    pub workflow_state: String,
    #[serde(default, deserialize_with = "int_or_string")]
    pub workflow_run_created_at: Option<i64>,
    #[serde(default, deserialize_with = "int_or_string")]
    pub workflow_run_completed_at: Option<i64>,
    /// Set when the run failed into the DLQ again.
    #[serde(default)]
    pub dlq_id: Option<String>,
    /// The newest call of the run's failure function, if it has one.
    #[serde(default)]
    pub failure_function: Option<FailureCall>,
}

/// A call of a workflow's failure function, as the run logs show it (OAW `FailureFunction`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureCall {
    /// The QStash message of this call: a new one for every call.
    #[serde(default)]
    pub message_id: Option<String>,
    /// `CALLBACK_INPROGRESS`, `CALLBACK_SUCCESS`, `CALLBACK_FAIL` or `CALLBACK_CANCELED`.
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunLogPage {
    #[serde(default)]
    pub runs: Vec<RunLog>,
    #[serde(default)]
    pub cursor: Option<String>,
}

fn int_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse::<i64>().ok().or_else(|| {
            s.parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.as_millisecond())
        }),
        _ => None,
    })
}

/// Missing, null and empty cursors all mean "no more" (API.md 1.6).
pub(crate) fn normalize_cursor(c: Option<String>) -> Option<String> {
    c.filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_ip_both_spellings_and_unknown_fields_survive() {
        let a: Entry =
            serde_json::from_str(r#"{"dlqId":"1-0","callerIP":"1.2.3.4","x":1}"#).unwrap();
        let b: Entry = serde_json::from_str(r#"{"dlqId":"1-0","callerIp":"1.2.3.4"}"#).unwrap();
        assert_eq!(a.caller_ip.as_deref(), Some("1.2.3.4"));
        assert_eq!(b.caller_ip.as_deref(), Some("1.2.3.4"));
        let out = serde_json::to_value(&a).unwrap();
        assert_eq!(out["callerIP"], "1.2.3.4");
        assert_eq!(out["x"], 1);
    }

    #[test]
    fn run_time_as_int_or_string() {
        let r: Run =
            serde_json::from_str(r#"{"workflowRunId":"w","workflowCreatedAt":"5"}"#).unwrap();
        assert_eq!(r.workflow_created_at, Some(5));
        let r: Run =
            serde_json::from_str(r#"{"workflowRunId":"w","workflowCreatedAt":7}"#).unwrap();
        assert_eq!(r.workflow_created_at, Some(7));
    }

    #[test]
    fn dlq_time_from_id() {
        let e = Entry {
            dlq_id: "1752829295505-0".into(),
            ..Default::default()
        };
        assert_eq!(e.dlq_time_ms(), Some(1_752_829_295_505));
    }
}
