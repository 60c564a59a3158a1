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
//!
//! What a message says (`--where`, `--grep`) is a [`Content`] rule the filter carries, so no
//! path that lists with a filter can leave it out: [`super::Client::list`] keeps only what the
//! rule's [`Judge`] selects, a rule that was never compiled fails the listing instead of
//! selecting everything, and a bulk call the server filters on its own refuses a filter with
//! one. The judging itself (jq, regular expressions, worker threads) lives outside the API,
//! behind the trait.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::error::ApiError;
#[cfg(test)]
use super::query::expressible;
use super::query::Filter;
use super::types::{Entry, Source};

/// A selection by what entries say: `--where EXPR` (a jq program) and `--grep PATTERN` (a
/// regular expression over the bodies), as written; both must select an entry. The journal
/// keeps the text, so a continued job selects with what it planned with.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Content {
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_expr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grep: Option<String>,
    /// The compiled rule; `None` until [`Content::judged_by`] (a journal holds only the text).
    #[serde(skip)]
    judge: Option<Arc<dyn Judge>>,
}

/// What [`Content`]'s rule decided about one page's entries.
pub type Judging<'a> = Pin<Box<dyn Future<Output = Result<Vec<Entry>, ApiError>> + Send + 'a>>;

/// Runs a content rule. Implemented outside the API (`bulk::content`).
pub trait Judge: Send + Sync {
    /// The entries the rule selects, in their order. An entry the rule fails on is not
    /// selected (the judge counts it); a rule that cannot finish is an error.
    fn keep(&self, entries: Vec<Entry>) -> Judging<'_>;

    /// Everything judged so far.
    fn tally(&self) -> ContentTally;

    /// The same rule with a tally of its own, for a listing that is not the selection (a
    /// probe, a count of later entries).
    fn apart(&self) -> Arc<dyn Judge>;
}

/// How many entries a content rule saw, kept and failed on, and the first failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentTally {
    pub judged: u64,
    pub kept: u64,
    pub failed: u64,
    /// The first entry the rule failed on, and why.
    pub first_error: Option<(String, String)>,
}

impl Content {
    /// A rule from its text, not compiled yet.
    pub fn new(where_expr: Option<String>, grep: Option<String>) -> Content {
        Content {
            where_expr,
            grep,
            judge: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.where_expr.is_none() && self.grep.is_none()
    }

    /// The flags set, as an operator wrote them: `--where`, `--grep`, or both.
    pub fn flags(&self) -> &'static str {
        match (&self.where_expr, &self.grep) {
            (Some(_), Some(_)) => "--where and --grep",
            (Some(_), None) => "--where",
            _ => "--grep",
        }
    }

    /// This rule, run by `judge`.
    pub fn judged_by(mut self, judge: Arc<dyn Judge>) -> Content {
        self.judge = Some(judge);
        self
    }

    /// The same rule, counted apart from this one ([`Judge::apart`]).
    pub fn apart(&self) -> Content {
        Content {
            where_expr: self.where_expr.clone(),
            grep: self.grep.clone(),
            judge: self.judge.as_ref().map(|j| j.apart()),
        }
    }

    pub fn is_compiled(&self) -> bool {
        self.judge.is_some()
    }

    /// What the judge has counted so far; `None` without a rule.
    pub fn tally(&self) -> Option<ContentTally> {
        self.judge.as_ref().map(|j| j.tally())
    }

    /// Keeps what the rule selects (everything when there is no rule).
    pub async fn keep(&self, entries: Vec<Entry>) -> Result<Vec<Entry>, ApiError> {
        if self.is_empty() || entries.is_empty() {
            return Ok(entries);
        }
        match &self.judge {
            Some(j) => j.keep(entries).await,
            None => Err(ApiError::Invalid(format!(
                "{} was not compiled before listing; nothing was selected",
                self.flags()
            ))),
        }
    }
}

// Two rules are the same when they say the same: the compiled judge is how, not what.
impl PartialEq for Content {
    fn eq(&self, other: &Content) -> bool {
        self.where_expr == other.where_expr && self.grep == other.grep
    }
}

impl Eq for Content {}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("where", &self.where_expr)
            .field("grep", &self.grep)
            .field("compiled", &self.judge.is_some())
            .finish()
    }
}

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

    #[tokio::test]
    async fn a_rule_never_compiled_selects_nothing() {
        let c = Content::new(None, Some("x".into()));
        let err = c.keep(vec![entry("u")]).await.unwrap_err();
        assert!(err.to_string().contains("--grep was not compiled"), "{err}");
        assert_eq!(
            Content::default()
                .keep(vec![entry("u")])
                .await
                .unwrap()
                .len(),
            1
        );
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
