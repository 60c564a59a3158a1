//! What the sandbox keeps of a workflow run it executes against an app (`wfexec`): the first
//! body, the configuration its calls carry, every step message, and the calls and waits under
//! way. Kept with the run and with its DLQ entry, in the state file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::wire::Headers;

/// What calling the app for a run needs, kept with the run and with its DLQ entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exec {
    /// The first body, base64, and the id of the message that carried it.
    pub initial: String,
    pub initial_message_id: String,
    /// Headers every call to the app carries: those the trigger forwarded, its content type.
    pub headers: Headers,
    /// Headers the failure callback carries (`Upstash-Failure-Callback-Forward-*`).
    #[serde(default)]
    pub failure_headers: Headers,
    /// Step messages the app published to the run, in order.
    #[serde(default)]
    pub steps: Vec<RawStep>,
    /// Started by `/v2/trigger`: the first call tells the app its SDK is not known yet.
    #[serde(default)]
    pub unknown_sdk: bool,
    /// DLQ entries: the index (0 the first body) of the message whose delivery failed.
    #[serde(default)]
    pub failed: usize,
    /// The calls the app made with `context.call`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallRecord>,
    /// The events the app waits for with `context.waitForEvent`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits: Vec<Waiter>,
}

/// One message of a run, as the app gets it back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawStep {
    pub message_id: String,
    /// Base64.
    pub body: String,
    pub call_type: String,
    /// Headers this message forwards (`Upstash-Forward-*`).
    #[serde(default)]
    pub headers: Headers,
    /// Not delivered before (epoch ms): `context.sleep`, `sleepUntil`.
    #[serde(default)]
    pub not_before: i64,
}

/// A call the app asked for, kept with its run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    pub message_id: String,
    pub url: String,
    pub method: String,
    pub headers: Headers,
    /// Base64.
    pub body: String,
    pub retries: i64,
    pub timeout_ms: i64,
    pub callback_url: String,
    pub callback_headers: Headers,
    pub callback_retries: i64,
    /// Once made: the answer's status (0: none came).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
}

/// A run waiting for an event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiter {
    pub event_id: String,
    /// The step the event completes, as the app sent it.
    pub step: Value,
    pub deadline: i64,
    /// Forwarded with the step that completes it.
    pub headers: Headers,
    #[serde(default)]
    pub done: bool,
}
