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
    #[serde(default)]
    pub dedup: DedupWindow,
}

/// How long a deduplication id is remembered, as the service documents it.
const DEDUP_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The publish deduplication window: deduplication key -> (message id, when it was published).
/// Expired keys are swept at most once a second rather than on every publish: a sweep walks
/// every key, and a bulk republish puts one key per message in it (quadratic at 100,000). A
/// lookup checks the age itself, so a key the sweep has not reached yet never deduplicates.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DedupWindow {
    seen: BTreeMap<String, (String, i64)>,
    #[serde(skip)]
    swept_at: Option<i64>,
}

impl DedupWindow {
    /// The message id first published under `key`, if that was within the window.
    pub fn get(&self, key: &str, now: i64) -> Option<&str> {
        self.seen
            .get(key)
            .filter(|(_, at)| *at > now - DEDUP_WINDOW_MS)
            .map(|(id, _)| id.as_str())
    }

    pub fn insert(&mut self, key: String, id: String, now: i64) {
        self.seen.insert(key, (id, now));
    }

    /// Forgets the expired keys, unless that was done less than a second ago.
    pub fn sweep(&mut self, now: i64) {
        if self.swept_at.is_some_and(|at| now - at < 1000) {
            return;
        }
        self.swept_at = Some(now);
        self.seen.retain(|_, (_, at)| *at > now - DEDUP_WINDOW_MS);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_deduplicates_for_ten_minutes_whether_or_not_a_sweep_has_come() {
        let mut w = DedupWindow::default();
        w.sweep(0);
        w.insert("k".into(), "msg_1".into(), 0);
        assert_eq!(w.get("k", DEDUP_WINDOW_MS - 1), Some("msg_1"));
        // Swept a second ago: no sweep now, yet the key has expired for a lookup.
        w.sweep(DEDUP_WINDOW_MS - 500);
        assert_eq!(w.get("k", DEDUP_WINDOW_MS), None);
        assert_eq!(w.seen.len(), 1);
        w.sweep(DEDUP_WINDOW_MS + 500);
        assert!(w.seen.is_empty());
        assert_eq!(w.get("gone", 0), None);
    }

    #[test]
    fn the_window_is_saved_as_the_map_it_was() {
        let old = r#"{"k":["msg_1",5]}"#;
        let w: DedupWindow = serde_json::from_str(old).unwrap();
        assert_eq!(w.get("k", 6), Some("msg_1"));
        assert_eq!(serde_json::to_string(&w).unwrap(), old);
    }
}
