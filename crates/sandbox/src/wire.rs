//! The sandbox's own reading of the DLQ wire format (API.md 2.1-2.3).
//!
//! Deliberately separate from `crate::api::types`: if client and server shared structs, a
//! misreading of the spec would pass every test. One `Entry` type serves both DLQs because a
//! fixture line is told apart only by the presence of `workflowRunId`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::states::{CallbackState, LogState};

pub type Headers = BTreeMap<String, Vec<String>>;

/// One DLQ entry exactly as it travels: a QStash message, or a failed workflow run when
/// `workflow_run_id` is set. The seven fields the Python SDK indexes are never optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    #[serde(default)]
    pub dlq_id: String,
    #[serde(default)]
    pub message_id: String,
    #[serde(default)]
    pub url: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default)]
    pub max_retries: i64,
    #[serde(default)]
    pub not_before: i64,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub response_status: i64,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header: Headers,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_header: Option<Headers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback_header: Option<Headers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// `callerIP` on the wire; a fixture written from TypeScript typings may say `callerIp`.
    #[serde(
        rename = "callerIP",
        alias = "callerIp",
        skip_serializing_if = "Option::is_none"
    )]
    pub caller_ip: Option<String>,
    /// Deprecated first label, still emitted because older SDKs read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_header: Headers,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body_base64: Option<String>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback_info: Option<CallbackInfo>,
    /// OAW's top-level name for the callback state; kept equal to `failureCallbackInfo.state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_function_state: Option<CallbackState>,

    /// Fields this reading does not know, kept so a fixture round-trips unchanged.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

fn default_method() -> String {
    "POST".into()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<CallbackState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Plural here, unlike the entry's `responseHeader` (API.md 2.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<Headers>,
}

impl Entry {
    pub fn is_workflow(&self) -> bool {
        self.workflow_run_id.is_some()
    }

    pub fn callback_state(&self) -> Option<CallbackState> {
        self.failure_callback_info.as_ref()?.state
    }

    pub fn set_callback_state(&mut self, state: CallbackState) {
        let info = self
            .failure_callback_info
            .get_or_insert_with(Default::default);
        info.state = Some(state);
        self.failure_function_state = Some(state);
    }

    /// Every label, whether the entry carries `labels`, only the deprecated `label`, or both.
    pub fn all_labels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.labels.iter().flatten().map(String::as_str).collect();
        if let Some(l) = &self.label {
            if !out.contains(&l.as_str()) {
                out.push(l);
            }
        }
        out
    }

    pub fn set_labels(&mut self, labels: Vec<String>) {
        self.label = labels.first().cloned();
        self.labels = if labels.is_empty() {
            None
        } else {
            Some(labels)
        };
    }

    /// The body's bytes, whichever of `body`/`bodyBase64` holds them.
    pub fn body_bytes(&self) -> Vec<u8> {
        use base64::Engine;
        if let Some(b) = &self.body {
            return b.clone().into_bytes();
        }
        self.body_base64
            .as_deref()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .unwrap_or_default()
    }
}

/// Splits bytes into the wire's `(text, base64)` pair: text when UTF-8, base64 otherwise.
pub fn text_or_base64(bytes: &[u8]) -> (Option<String>, Option<String>) {
    use base64::Engine;
    match std::str::from_utf8(bytes) {
        Ok(s) => (Some(s.to_string()), None),
        Err(_) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
        ),
    }
}

/// One state transition of a message, as `GET /v2/logs` lists it (OAQ `LogEntry`). Bodies are
/// base64 here, unlike in DLQ entries; response fields only on ERROR and FAILED.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub time: i64,
    pub message_id: String,
    pub state: LogState,
    pub url: String,
    pub method: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header: Headers,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_delivery_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<Headers>,
    /// Milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    pub max_retries: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    /// Deprecated first label, as in DLQ entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

/// Bytes as the logs carry bodies.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Standard base64 back to bytes.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// `{workflowRunId, workflowCreatedAt}`: the result of resume, restart and callback.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    pub workflow_run_id: String,
    pub workflow_created_at: i64,
}

/// A reply in the API's terms; every error carries `{"error": ...}`.
#[derive(Debug)]
pub enum Reply {
    Json(StatusCode, Value),
    /// 200 with no body: single-item deletes.
    Empty(StatusCode),
}

impl Reply {
    pub fn ok(v: Value) -> Reply {
        Reply::Json(StatusCode::OK, v)
    }

    pub fn error(status: StatusCode, msg: impl Into<String>) -> Reply {
        Reply::Json(status, serde_json::json!({ "error": msg.into() }))
    }

    pub fn bad_request(msg: impl Into<String>) -> Reply {
        Reply::error(StatusCode::BAD_REQUEST, msg)
    }

    pub fn not_found(msg: impl Into<String>) -> Reply {
        Reply::error(StatusCode::NOT_FOUND, msg)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Reply::Json(s, _) | Reply::Empty(s) => *s,
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Json(status, v) => (status, axum::Json(v)).into_response(),
            Reply::Empty(status) => status.into_response(),
        }
    }
}
