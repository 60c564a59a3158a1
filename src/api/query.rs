//! What a request selects and overrides, and how that maps onto the wire (API.md 3, 4, 5).
//!
//! Multi-value filters are sent as repeated keys, as the official SDKs send them; dates as epoch
//! milliseconds. The mapping is the only place that knows the wire names (`topicName` for URL
//! groups, `failureFunctionState` for callback states).

use serde::{Deserialize, Serialize};

use super::matching::Content;
use super::types::Source;

/// A resolved selection filter: values of one field OR together, fields AND together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Filter {
    pub urls: Vec<String>,
    pub url_groups: Vec<String>,
    pub queues: Vec<String>,
    pub schedules: Vec<String>,
    pub message_id: Option<String>,
    pub labels: Vec<String>,
    pub statuses: Vec<u16>,
    pub caller_ips: Vec<String>,
    pub flow_control_keys: Vec<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub workflow_urls: Vec<String>,
    pub workflow_run_id: Option<String>,
    pub workflow_created_at: Option<i64>,
    pub callback_states: Vec<String>,
    /// What the entries must say (`--where`, `--grep`): checked by the client only.
    #[serde(skip_serializing_if = "Content::is_empty")]
    pub content: Content,
    /// Failure signatures (`--signature`, see [`super::signature`]): checked on our side only,
    /// the API has no such filter.
    pub signatures: Vec<String>,
}

pub type Query = Vec<(&'static str, String)>;

/// Whether the API receives `v` as the one value it is: not empty, no comma to split it on, no
/// spaces around it to be trimmed.
pub fn expressible(v: &str) -> bool {
    !v.is_empty() && !v.contains(',') && v.trim() == v
}

/// Whether every value of a field can be sent as written.
fn sendable(vals: &[String]) -> bool {
    vals.iter().all(|v| expressible(v))
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The flag of a set filter that only the client can check (the API has no such
    /// filter), so a server-side call would act on more than it selects.
    pub fn client_only(&self) -> Option<&'static str> {
        if !self.content.is_empty() {
            return Some(self.content.flags());
        }
        (!self.signatures.is_empty()).then_some("--signature")
    }

    /// The names of set filters that `source` does not support, for a usage error.
    pub fn unsupported(&self, source: Source) -> Vec<&'static str> {
        let mut bad = Vec::new();
        match source {
            Source::Qstash => {
                if !self.workflow_urls.is_empty() {
                    bad.push("--workflow-url");
                }
                if self.workflow_run_id.is_some() {
                    bad.push("--workflow-run-id");
                }
                if self.workflow_created_at.is_some() {
                    bad.push("--workflow-created-at");
                }
                if !self.callback_states.is_empty() {
                    bad.push("--callback-state");
                }
            }
            Source::Workflow => {
                if !self.urls.is_empty() {
                    bad.push("--url");
                }
                if !self.url_groups.is_empty() {
                    bad.push("--url-group");
                }
                if !self.queues.is_empty() {
                    bad.push("--queue");
                }
                if !self.schedules.is_empty() {
                    bad.push("--schedule");
                }
                if self.message_id.is_some() {
                    bad.push("--message-id");
                }
                if !self.statuses.is_empty() {
                    bad.push("--status");
                }
            }
        }
        bad
    }

    /// The flags (and values) of `source`'s filter that the API cannot carry as written.
    pub fn inexpressible(&self, source: Source) -> Vec<(&'static str, String)> {
        let mut bad = Vec::new();
        let mut check = |flag: &'static str, vals: &[String]| {
            bad.extend(
                vals.iter()
                    .filter(|v| !expressible(v))
                    .map(|v| (flag, v.clone())),
            );
        };
        if source == Source::Qstash {
            check("--url", &self.urls);
            check("--url-group", &self.url_groups);
            check("--queue", &self.queues);
            check("--schedule", &self.schedules);
            check("--message-id", self.message_id.as_slice());
        } else {
            check("--workflow-url", &self.workflow_urls);
            check("--workflow-run-id", self.workflow_run_id.as_slice());
            check("--callback-state", &self.callback_states);
        }
        check("--label", &self.labels);
        check("--caller-ip", &self.caller_ips);
        check("--flow-control-key", &self.flow_control_keys);
        bad
    }

    /// Appends this filter's query parameters for `source`. A field with a value the API
    /// cannot carry as written ([`expressible`]) is left out: the server then lists
    /// more, and the client keeps only what matches as written.
    pub fn push_query(&self, source: Source, q: &mut Query) {
        let many = |q: &mut Query, key: &'static str, vals: &[String]| {
            if sendable(vals) {
                q.extend(vals.iter().map(|v| (key, v.clone())));
            }
        };
        if source == Source::Qstash {
            many(q, "messageId", self.message_id.as_slice());
            many(q, "url", &self.urls);
            many(q, "topicName", &self.url_groups);
            many(q, "scheduleId", &self.schedules);
            many(q, "queueName", &self.queues);
        }
        if let Some(ms) = self.from_ms {
            q.push(("fromDate", ms.to_string()));
        }
        if let Some(ms) = self.to_ms {
            q.push(("toDate", ms.to_string()));
        }
        if source == Source::Qstash {
            q.extend(
                self.statuses
                    .iter()
                    .map(|s| ("responseStatus", s.to_string())),
            );
        } else {
            many(q, "workflowUrl", &self.workflow_urls);
            many(q, "workflowRunId", self.workflow_run_id.as_slice());
            if let Some(ms) = self.workflow_created_at {
                q.push(("workflowCreatedAt", ms.to_string()));
            }
            many(q, "failureFunctionState", &self.callback_states);
        }
        many(q, "callerIp", &self.caller_ips);
        many(q, "label", &self.labels);
        many(q, "flowControlKey", &self.flow_control_keys);
    }
}

/// What a bulk call acts on.
#[derive(Debug, Clone, Copy)]
pub enum Selector<'a> {
    /// Exactly these entries; the server ignores filters and returns no cursor.
    Ids(&'a [String]),
    /// Whatever matches (everything when the filter is empty), one server page at a time.
    Matching {
        filter: &'a Filter,
        count: Option<u32>,
        cursor: Option<&'a str>,
    },
}

impl Selector<'_> {
    /// Refuses id lists that a server could read as "no filter": none at all, or an empty id
    /// (the official SDKs refuse both for the same reason).
    pub(crate) fn check(&self, source: Source) -> Result<(), super::ApiError> {
        if let Selector::Matching { filter, .. } = self {
            if let Some(flag) = filter.client_only() {
                return Err(super::ApiError::Invalid(format!(
                    "{flag} is checked by dlq, not by the API: a bulk call filtered by the \
                     server would act on entries it does not select; nothing was sent"
                )));
            }
            if let Some((flag, v)) = filter.inexpressible(source).into_iter().next() {
                return Err(super::ApiError::Invalid(format!(
                    "{flag} {v:?} cannot be sent as written (the API splits values on commas \
                     and trims them); nothing was sent"
                )));
            }
        }
        if let Selector::Ids(ids) = self {
            if ids.is_empty() || ids.iter().any(|i| i.trim().is_empty()) {
                return Err(super::ApiError::Invalid(
                    "an empty id list or an empty id would select everything; nothing was sent"
                        .into(),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn query(&self, source: Source) -> Query {
        let mut q = Query::new();
        match self {
            Selector::Ids(ids) => q.extend(ids.iter().map(|id| ("dlqIds", id.clone()))),
            Selector::Matching {
                filter,
                count,
                cursor,
            } => {
                filter.push_query(source, &mut q);
                q.push(("count", count.unwrap_or(100).to_string()));
                if let Some(c) = cursor {
                    q.push(("cursor", c.to_string()));
                }
            }
        }
        q
    }
}

/// Configuration overrides for retried messages and resumed or restarted runs (API.md 3.5, 4.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Overrides {
    pub retries: Option<u32>,
    pub delay: Option<String>,
    pub retry_delay: Option<String>,
    pub flow_control_key: Option<String>,
    pub parallelism: Option<u32>,
    pub rate: Option<u32>,
    pub period: Option<String>,
    pub labels: Option<String>,
    pub failure_callback: Option<String>,
    pub callback: Option<String>,
    pub timeout: Option<String>,
    pub method: Option<String>,
}

impl Overrides {
    /// The `Upstash-*` headers, in the order and spelling of the official SDK.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut h = Vec::new();
        if let Some(key) = &self.flow_control_key {
            h.push(("Upstash-Flow-Control-Key", key.clone()));
            let mut parts = Vec::new();
            if let Some(p) = self.parallelism {
                parts.push(format!("parallelism={p}"));
            }
            if let Some(r) = self.rate {
                parts.push(format!("rate={r}"));
            }
            if let Some(p) = &self.period {
                parts.push(format!("period={p}"));
            }
            if !parts.is_empty() {
                h.push(("Upstash-Flow-Control-Value", parts.join(", ")));
            }
        }
        let opt = |h: &mut Vec<_>, name, v: &Option<String>| {
            if let Some(v) = v {
                h.push((name, v.clone()));
            }
        };
        if let Some(r) = self.retries {
            h.push(("Upstash-Retries", r.to_string()));
        }
        opt(&mut h, "Upstash-Delay", &self.delay);
        opt(&mut h, "Upstash-Retry-Delay", &self.retry_delay);
        opt(&mut h, "Upstash-Label", &self.labels);
        opt(&mut h, "Upstash-Failure-Callback", &self.failure_callback);
        opt(&mut h, "Upstash-Callback", &self.callback);
        opt(&mut h, "Upstash-Timeout", &self.timeout);
        opt(&mut h, "Upstash-Method", &self.method);
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qstash_filter_query_uses_wire_names_and_repeats_keys() {
        let f = Filter {
            url_groups: vec!["g".into()],
            statuses: vec![500, 502],
            labels: vec!["a".into(), "b".into()],
            from_ms: Some(5),
            ..Default::default()
        };
        let q = Selector::Matching {
            filter: &f,
            count: None,
            cursor: Some("c"),
        }
        .query(Source::Qstash);
        let s: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            s,
            [
                "topicName=g",
                "fromDate=5",
                "responseStatus=500",
                "responseStatus=502",
                "label=a",
                "label=b",
                "count=100",
                "cursor=c"
            ]
        );
    }

    #[test]
    fn flow_control_header_as_the_sdk_sends_it() {
        let o = Overrides {
            flow_control_key: Some("k".into()),
            parallelism: Some(2),
            rate: Some(10),
            period: Some("1m".into()),
            retries: Some(0),
            ..Default::default()
        };
        let h = o.headers();
        assert!(h.contains(&(
            "Upstash-Flow-Control-Value",
            "parallelism=2, rate=10, period=1m".into()
        )));
        assert!(h.contains(&("Upstash-Retries", "0".into())));
    }
}
