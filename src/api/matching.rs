//! Filters as the user wrote them, checked on our side.
//!
//! The API splits filter values on commas and trims them (API.md 1.3), so `--url
//! 'https://x/hook?ids=1,2'` would select the entries of `https://x/hook?ids=1` and of `2`, and
//! an empty `--url ''` would select everything. Whatever the server does with a value, the
//! client keeps only the listed entries that match the filter as written ([`Filter::matches`]);
//! a field with a value the API cannot carry is left out of the query (the server then lists
//! more, and the client narrows it), and a bulk call that the server filters on its own
//! (`--server-side`) refuses such values (`Filter::inexpressible`, in [`super::query`], which
//! owns what goes on the wire).

#[cfg(test)]
use super::query::expressible;
use super::query::Filter;
use super::types::{Entry, Source};

impl Filter {
    /// Whether `e`, listed from `source`'s DLQ, matches this filter as written: every set
    /// field, values of one field OR-ed, exact strings. The DLQ time is checked when the entry
    /// shows it; a field the entry does not carry never matches a filter on it.
    pub fn matches(&self, source: Source, e: &Entry) -> bool {
        let any = |vals: &[String], field: Option<&str>| {
            vals.is_empty() || field.is_some_and(|f| vals.iter().any(|v| v == f))
        };
        if let Some(t) = e.dlq_time_ms() {
            if self.from_ms.is_some_and(|f| t < f) || self.to_ms.is_some_and(|to| t > to) {
                return false;
            }
        }
        let labels = e.all_labels();
        let common = (self.labels.is_empty()
            || self.labels.iter().any(|l| labels.contains(&l.as_str())))
            && any(&self.caller_ips, e.caller_ip.as_deref())
            && any(&self.flow_control_keys, e.flow_control_key.as_deref())
            && (self.signatures.is_empty()
                || self.signatures.contains(&super::signature::of_entry(e)));
        if !common {
            return false;
        }
        match source {
            Source::Qstash => {
                any(&self.urls, e.url.as_deref())
                    && any(&self.url_groups, e.topic_name.as_deref())
                    && any(&self.queues, e.queue_name.as_deref())
                    && any(&self.schedules, e.schedule_id.as_deref())
                    && any(self.message_id.as_slice(), e.message_id.as_deref())
                    && (self.statuses.is_empty()
                        || e.response_status
                            .is_some_and(|s| self.statuses.iter().any(|c| i64::from(*c) == s)))
            }
            Source::Workflow => {
                any(&self.workflow_urls, e.workflow_url.as_deref())
                    && any(
                        self.workflow_run_id.as_slice(),
                        e.workflow_run_id.as_deref(),
                    )
                    && self
                        .workflow_created_at
                        .is_none_or(|t| e.workflow_created_at == Some(t))
                    && any(&self.callback_states, e.callback_state())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str) -> Entry {
        Entry {
            dlq_id: "1000-0".into(),
            url: Some(url.into()),
            labels: Some(vec!["a".into()]),
            response_status: Some(500),
            ..Entry::default()
        }
    }

    #[test]
    fn a_value_with_a_comma_matches_only_itself() {
        let f = Filter {
            urls: vec!["https://x/h?ids=1,2".into()],
            ..Filter::default()
        };
        assert!(f.matches(Source::Qstash, &entry("https://x/h?ids=1,2")));
        assert!(!f.matches(Source::Qstash, &entry("https://x/h?ids=1")));
        assert!(!f.matches(Source::Qstash, &entry("2")));
        assert_eq!(
            f.inexpressible(Source::Qstash),
            [("--url", "https://x/h?ids=1,2".to_string())]
        );
        for v in ["", " a", "a,b"] {
            assert!(!expressible(v), "{v:?}");
        }
        assert!(expressible("https://x/h?ids=1"));
    }

    #[test]
    fn every_set_field_must_match() {
        let e = entry("u");
        let f = |f: Filter| f.matches(Source::Qstash, &e);
        assert!(f(Filter::default()));
        assert!(f(Filter {
            labels: vec!["b".into(), "a".into()],
            statuses: vec![500],
            ..Filter::default()
        }));
        assert!(!f(Filter {
            labels: vec!["b".into()],
            ..Filter::default()
        }));
        assert!(!f(Filter {
            statuses: vec![502],
            ..Filter::default()
        }));
        assert!(!f(Filter {
            queues: vec!["q".into()],
            ..Filter::default()
        }));
        assert!(!f(Filter {
            from_ms: Some(1001),
            ..Filter::default()
        }));
        assert!(f(Filter {
            from_ms: Some(1000),
            to_ms: Some(1000),
            ..Filter::default()
        }));
    }

    #[test]
    fn a_signature_matches_exactly_and_travels_with_the_journaled_filter() {
        let mut e = entry("u");
        e.response_body = Some("upstream timeout after 3012 ms (order o-17)".into());
        let sig = "500 upstream timeout after <n> ms (order <id>)";
        let f = Filter {
            signatures: vec![sig.into()],
            ..Filter::default()
        };
        assert!(f.matches(Source::Qstash, &e));
        e.response_body = Some("upstream timeout after 1 ms (order o-2) twice".into());
        assert!(!f.matches(Source::Qstash, &e));
        assert_eq!(f.client_only(), Some("--signature"));
        // A job records its filter; `--continue` reads it back with the signature, and a
        // journal written before signatures existed reads as none.
        let back: Filter = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
        let old: Filter = serde_json::from_str(r#"{"urls":["https://x/h"]}"#).unwrap();
        assert!(old.signatures.is_empty() && old.client_only().is_none());
    }
}
