//! What DLQ entries come from besides a plain publish: URL groups (topics), queues and
//! schedules as the sandbox stores them, and the publish deduplication window. Part of the
//! state file; every field defaults, so states written before these existed still load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::wire::Headers;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sources {
    #[serde(default)]
    pub topics: BTreeMap<String, Topic>,
    #[serde(default)]
    pub queues: BTreeMap<String, QueueRecord>,
    #[serde(default)]
    pub schedules: BTreeMap<String, ScheduleRecord>,
    /// Deduplication key -> (message id, when it was published).
    #[serde(default)]
    pub dedup: BTreeMap<String, (String, i64)>,
}

/// A URL group: a name for a set of endpoints that a publish fans out to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topic {
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub url: String,
}

/// A queue: its messages are delivered oldest first, at most `parallelism` at once, and
/// none while it is paused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueRecord {
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub parallelism: i64,
    pub paused: bool,
}

/// A schedule: the publish request it repeats (headers and body as sent) and its cron.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRecord {
    pub schedule_id: String,
    pub cron: String,
    pub destination: String,
    pub created_at: i64,
    /// Every header of the creating request but Authorization, lower-cased, as sent.
    pub request_headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_ip: Option<String>,
    pub is_paused: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_schedule_time: Option<i64>,
    /// Message id -> state of the messages the last firing published.
    #[serde(default)]
    pub last_schedule_states: BTreeMap<String, String>,
    /// Forwarded headers, as the schedule's `header` field shows them.
    #[serde(default)]
    pub header: Headers,
}

/// Whether `name` may name a queue, a URL group or a schedule: alphanumerics, hyphens,
/// periods and underscores, as the service requires.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}
