//! Grouping and counting DLQ entries for `dlq stats`: which endpoints fail, with which
//! statuses, since when. Pure bookkeeping, no I/O: entries are added page by page and only one
//! record per group is kept, so memory follows the number of groups, never the DLQ's size.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::api::{Entry, Source};

/// What entries are grouped by (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKey {
    Url,
    Status,
    Label,
    Queue,
    UrlGroup,
    Schedule,
    FlowControlKey,
    CallerIp,
    WorkflowUrl,
    CallbackState,
    Hour,
    Day,
    /// `stats --by-jq EXPR`: the program's output, computed outside (see [`Stats::add_keyed`]).
    #[value(skip)]
    Jq,
    /// The failure signature of the endpoint's answer (`api::signature`).
    Response,
}

impl GroupKey {
    pub fn name(self) -> &'static str {
        match self {
            GroupKey::Url => "url",
            GroupKey::Status => "status",
            GroupKey::Label => "label",
            GroupKey::Queue => "queue",
            GroupKey::UrlGroup => "url-group",
            GroupKey::Schedule => "schedule",
            GroupKey::FlowControlKey => "flow-control-key",
            GroupKey::CallerIp => "caller-ip",
            GroupKey::WorkflowUrl => "workflow-url",
            GroupKey::CallbackState => "callback-state",
            GroupKey::Hour => "hour",
            GroupKey::Day => "day",
            GroupKey::Jq => "jq",
            GroupKey::Response => "response",
        }
    }

    /// The DLQ whose entries carry this field, when only one does.
    pub fn only_for(self) -> Option<Source> {
        match self {
            GroupKey::Queue | GroupKey::UrlGroup | GroupKey::Schedule => Some(Source::Qstash),
            GroupKey::WorkflowUrl | GroupKey::CallbackState => Some(Source::Workflow),
            _ => None,
        }
    }

    /// The entry's values for this key: none when it has no such field, several for labels.
    fn values(self, e: &Entry) -> Vec<Option<String>> {
        let one = |v: Option<&str>| vec![v.map(str::to_string)];
        // A URL is grouped as it is shown: credentials hidden (see `mask`), so none reaches
        // a stats table, its JSON or a metric label.
        let url = |v: Option<&str>| vec![v.map(|u| crate::api::mask::url(u).into_owned())];
        match self {
            GroupKey::Url => url(e.url.as_deref()),
            GroupKey::Status => vec![e.response_status.map(|s| s.to_string())],
            GroupKey::Label => {
                let labels = e.all_labels();
                if labels.is_empty() {
                    vec![None]
                } else {
                    labels.into_iter().map(|l| Some(l.to_string())).collect()
                }
            }
            GroupKey::Queue => one(e.queue_name.as_deref()),
            GroupKey::UrlGroup => one(e.topic_name.as_deref()),
            GroupKey::Schedule => one(e.schedule_id.as_deref()),
            GroupKey::FlowControlKey => one(e.flow_control_key.as_deref()),
            GroupKey::CallerIp => one(e.caller_ip.as_deref()),
            GroupKey::WorkflowUrl => url(e.workflow_url.as_deref()),
            GroupKey::CallbackState => one(e.callback_state()),
            GroupKey::Hour => vec![bucket(e, "%Y-%m-%dT%H:00Z")],
            GroupKey::Day => vec![bucket(e, "%Y-%m-%d")],
            // Not a field: the caller ran the program ([`Stats::add_keyed`]).
            GroupKey::Jq => vec![None],
            GroupKey::Response => vec![Some(crate::api::signature::of_entry(e))],
        }
    }
}

/// The UTC hour or day the entry entered the DLQ.
fn bucket(e: &Entry, format: &str) -> Option<String> {
    let ms = e.dlq_time_ms()?;
    let t = Timestamp::from_millisecond(ms).ok()?;
    Some(t.strftime(format).to_string())
}

/// One group: its key values (in `--by` order; `None` where the entry had no such field) and
/// what is known of its entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub key: Vec<Option<String>>,
    pub count: u64,
    /// When the oldest and newest entries entered the DLQ (epoch ms).
    pub oldest_ms: Option<i64>,
    pub newest_ms: Option<i64>,
    /// The id of the group's oldest entry, to `dlq get`.
    pub sample: String,
    /// Entries with less than [`EXPIRY_WARNING_MS`] of retention left.
    pub expiring: u64,
}

/// How close to the end of retention an entry must be to be called out.
pub const EXPIRY_WARNING_MS: i64 = 24 * 3600 * 1000;

pub struct Stats {
    pub by: Vec<GroupKey>,
    /// Distinct entries seen (an entry with two labels is in two label groups, counted once here).
    pub total: u64,
    pub expiring: u64,
    /// Entries older than the retention: the plan evidently keeps entries longer.
    pub past_retention: u64,
    /// When the first entry still within retention will leave the DLQ (epoch ms).
    pub first_expiry_ms: Option<i64>,
    retention_ms: i64,
    now_ms: i64,
    groups: HashMap<Vec<Option<String>>, Group>,
}

impl Stats {
    pub fn new(by: Vec<GroupKey>, retention_ms: i64, now_ms: i64) -> Stats {
        Stats {
            by,
            total: 0,
            expiring: 0,
            past_retention: 0,
            first_expiry_ms: None,
            retention_ms,
            now_ms,
            groups: HashMap::new(),
        }
    }

    pub fn add(&mut self, e: &Entry) {
        self.add_keyed(e, None);
    }

    /// Adds `e`, whose `--by-jq` value is `jq` (`None`: null, no output, or no `--by-jq`).
    pub fn add_keyed(&mut self, e: &Entry, jq: Option<String>) {
        self.total += 1;
        let at = e.dlq_time_ms();
        // Times come from the server: saturate rather than overflow on a nonsense one.
        let left = at.map(|t| {
            t.saturating_add(self.retention_ms)
                .saturating_sub(self.now_ms)
        });
        let expiring = left.is_some_and(|l| (0..EXPIRY_WARNING_MS).contains(&l));
        match left {
            Some(l) if l < 0 => self.past_retention += 1,
            Some(l) => {
                let x = self.now_ms + l;
                self.first_expiry_ms = Some(self.first_expiry_ms.map_or(x, |f| f.min(x)));
            }
            None => {}
        }
        self.expiring += u64::from(expiring);
        for key in self.keys_of(e, &jq) {
            let g = self.groups.entry(key.clone()).or_insert_with(|| Group {
                key,
                count: 0,
                oldest_ms: None,
                newest_ms: None,
                sample: e.dlq_id.clone(),
                expiring: 0,
            });
            g.count += 1;
            g.expiring += u64::from(expiring);
            if let Some(t) = at {
                if g.oldest_ms.is_none_or(|o| t < o) {
                    g.oldest_ms = Some(t);
                    g.sample = e.dlq_id.clone();
                }
                g.newest_ms = Some(g.newest_ms.map_or(t, |n| n.max(t)));
            }
        }
    }

    /// Every combination of the entry's values: one for most entries, one per label when
    /// grouping by label.
    fn keys_of(&self, e: &Entry, jq: &Option<String>) -> Vec<Vec<Option<String>>> {
        let mut keys = vec![Vec::with_capacity(self.by.len())];
        for k in &self.by {
            let values = match k {
                GroupKey::Jq => vec![jq.clone()],
                k => k.values(e),
            };
            keys = keys
                .into_iter()
                .flat_map(|prefix| {
                    values.iter().map(move |v| {
                        let mut key = prefix.clone();
                        key.push(v.clone());
                        key
                    })
                })
                .collect();
        }
        keys
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The groups, largest first (ties by key, so output is stable), at most `top` of them.
    pub fn sorted(&self, top: Option<usize>) -> Vec<&Group> {
        let mut v: Vec<&Group> = self.groups.values().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        if let Some(n) = top {
            v.truncate(n);
        }
        v
    }

    /// A group's share of the distinct entries, in percent.
    pub fn share(&self, g: &Group) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            g.count as f64 * 100.0 / self.total as f64
        }
    }

    /// True when an entry can be in several groups, so group counts add up to more than the total.
    pub fn overlapping(&self) -> bool {
        self.by.contains(&GroupKey::Label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, url: &str, status: i64, labels: &[&str]) -> Entry {
        Entry {
            dlq_id: id.into(),
            url: Some(url.into()),
            response_status: Some(status),
            labels: Some(labels.iter().map(|l| l.to_string()).collect()),
            ..Entry::default()
        }
    }

    #[test]
    fn groups_count_share_and_keep_the_oldest_as_sample() {
        let day = 86_400_000;
        let now = 10 * day;
        let mut s = Stats::new(vec![GroupKey::Url, GroupKey::Status], 3 * day, now);
        s.add(&entry(&format!("{}-0", 9 * day), "a", 500, &[]));
        s.add(&entry(&format!("{}-0", 7 * day + 1), "a", 500, &[]));
        s.add(&entry(&format!("{}-0", 8 * day), "b", 404, &[]));
        let g = s.sorted(None);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].key, [Some("a".into()), Some("500".into())]);
        assert_eq!(g[0].count, 2);
        assert_eq!(g[0].sample, format!("{}-0", 7 * day + 1));
        assert_eq!(g[0].oldest_ms, Some(7 * day + 1));
        assert_eq!(g[0].newest_ms, Some(9 * day));
        // Entered 3 days minus 1 ms ago with a 3-day retention: expiring; 1 day ago: not.
        assert_eq!((g[0].expiring, g[1].expiring, s.expiring), (1, 0, 1));
        assert_eq!(s.first_expiry_ms, Some(10 * day + 1));
        assert!((s.share(g[0]) - 66.666).abs() < 0.01);
        assert_eq!(s.sorted(Some(1)).len(), 1);
        // Older than the retention: not expiring, but a sign the plan keeps entries longer.
        s.add(&entry(&format!("{}-0", 6 * day), "c", 500, &[]));
        assert_eq!((s.expiring, s.past_retention), (1, 1));
    }

    #[test]
    fn an_entry_with_several_labels_is_in_each_label_group_but_counted_once() {
        let mut s = Stats::new(vec![GroupKey::Label], 86_400_000, 0);
        s.add(&entry("1-0", "a", 500, &["x", "y"]));
        s.add(&entry("2-0", "a", 500, &[]));
        assert_eq!(s.total, 2);
        let keys: Vec<_> = s.sorted(None).iter().map(|g| g.key[0].clone()).collect();
        assert_eq!(keys, [None, Some("x".into()), Some("y".into())]);
        assert!(s.overlapping());
    }

    #[test]
    fn a_jq_key_comes_from_the_caller_after_the_field_keys() {
        let mut s = Stats::new(vec![GroupKey::Status, GroupKey::Jq], 86_400_000, 0);
        s.add_keyed(&entry("1-0", "a", 500, &[]), Some("\"acme\"".into()));
        s.add_keyed(&entry("2-0", "a", 500, &[]), Some("\"acme\"".into()));
        s.add_keyed(&entry("3-0", "a", 502, &[]), None);
        let keys: Vec<_> = s
            .sorted(None)
            .iter()
            .map(|g| (g.key.clone(), g.count))
            .collect();
        assert_eq!(
            keys,
            [
                (vec![Some("500".into()), Some("\"acme\"".into())], 2),
                (vec![Some("502".into()), None], 1)
            ]
        );
    }

    #[test]
    fn answers_that_differ_only_in_what_varies_are_one_response_group() {
        let mut s = Stats::new(vec![GroupKey::Response], 86_400_000, 0);
        for (id, status, body) in [
            ("1-0", 503, "upstream timeout after 3012 ms (order o-17)"),
            ("2-0", 503, "upstream timeout after 2999 ms (order o-90)"),
            (
                "3-0",
                401,
                r#"{"error":"invalid signature","requestId":"r1"}"#,
            ),
            (
                "4-0",
                401,
                r#"{"requestId":"r2","error":"invalid signature"}"#,
            ),
            ("5-0", 401, r#"{"error":"expired","requestId":"r3"}"#),
        ] {
            let mut e = entry(id, "a", status, &[]);
            e.response_body = Some(body.into());
            s.add(&e);
        }
        let groups: Vec<_> = s
            .sorted(None)
            .iter()
            .map(|g| (g.key[0].clone().unwrap(), g.count))
            .collect();
        assert_eq!(
            groups,
            [
                (
                    r#"401 {error:"invalid signature",requestId:<id>}"#.into(),
                    2
                ),
                ("503 upstream timeout after <n> ms (order <id>)".into(), 2),
                (r#"401 {error:"expired",requestId:<id>}"#.into(), 1),
            ]
        );
    }

    #[test]
    fn hours_and_days_are_utc_buckets_of_dlq_time() {
        let e = entry("1700000000000-0", "a", 500, &[]);
        assert_eq!(
            GroupKey::Hour.values(&e),
            [Some("2023-11-14T22:00Z".into())]
        );
        assert_eq!(GroupKey::Day.values(&e), [Some("2023-11-14".into())]);
    }
}
