//! Query strings of the DLQ endpoints: which keys exist, multi-values (repeated or
//! comma-separated), `count` limits, keyset cursors, and matching entries against filters.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::states::CallbackState;
use super::store::{Dlq, Key, Store, Stored};
use super::wire::Reply;

/// Keys every DLQ endpoint accepts besides filters (API.md 6.12).
const COMMON: &[&str] = &[
    "qstash_token",
    "trimBody",
    "source",
    "order",
    "count",
    "cursor",
    "dlqIds",
];

const QSTASH_FILTERS: &[&str] = &[
    "messageId",
    "url",
    "topicName",
    "scheduleId",
    "queueName",
    "fromDate",
    "toDate",
    "responseStatus",
    "callerIp",
    "callerIP",
    "label",
    "flowControlKey",
];

/// Workflow filters, with the legacy names DOC-old and the SDK still send (API.md 4, 6.6).
const WORKFLOW_FILTERS: &[&str] = &[
    "fromDate",
    "toDate",
    "workflowUrl",
    "workflowRunId",
    "workflowCreatedAt",
    "label",
    "failureFunctionState",
    "failureCallbackState",
    "callerIp",
    "callerIP",
    "flowControlKey",
    "url",
    "responseStatus",
];

/// A parsed DLQ query: selection by ids or by filters, plus paging.
#[derive(Debug, Default)]
pub struct Query {
    pub dlq_ids: Option<Vec<String>>,
    pub cursor: Option<Key>,
    pub count: Option<usize>,
    pub descending: bool,
    pub workflow_source: bool,
    filters: BTreeMap<String, Vec<String>>,
    from: Option<i64>,
    to: Option<i64>,
}

/// Raw `key=value` pairs, decoded, in order.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The values of each key, in order: a repeated key keeps every value.
pub fn grouped(raw: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs(raw) {
        grouped.entry(k).or_default().push(v);
    }
    grouped
}

/// Values of a repeated key, each split on commas, empty parts dropped.
pub fn multi(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The `host` and `path` filters of the logs (and of bulk cancel): whether the destination
/// `url`'s host (with or without its port) or its path is one of `vals`. A value that is not a
/// URL matches neither.
pub fn destination_matches(url: &str, which: &str, vals: &[String]) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match which {
        "host" => {
            let host = u.host_str().unwrap_or("");
            let with_port = u.port().map(|p| format!("{host}:{p}"));
            vals.iter()
                .any(|v| v.eq_ignore_ascii_case(host) || with_port.as_deref() == Some(v))
        }
        "path" => vals.iter().any(|v| v == u.path()),
        _ => false,
    }
}

pub fn int(name: &str, v: &str) -> Result<i64, String> {
    v.trim()
        .parse::<i64>()
        .map_err(|_| format!("{name} must be an integer, got {v:?}"))
}

impl Query {
    /// Parses `raw` for `which` DLQ (on `/v2/dlq`, `source=workflow` switches to the
    /// workflow DLQ first). Unknown keys, bad numbers and `count` above 100 are errors.
    pub fn parse(raw: Option<&str>, which: Dlq) -> Result<Query, String> {
        let grouped = grouped(raw);
        let mut q = Query::default();
        if let Some(src) = grouped.get("source") {
            match src.last().map(String::as_str) {
                Some("workflow") => q.workflow_source = true,
                Some("qstash") | Some("") | None => {}
                Some(other) => return Err(format!("unknown source {other:?}")),
            }
        }
        let which = if q.workflow_source {
            Dlq::Workflow
        } else {
            which
        };
        let allowed = match which {
            Dlq::Qstash => QSTASH_FILTERS,
            Dlq::Workflow => WORKFLOW_FILTERS,
        };
        for (k, values) in grouped {
            if COMMON.contains(&k.as_str()) {
                match k.as_str() {
                    "dlqIds" => q.dlq_ids = Some(multi(&values)),
                    "cursor" => {
                        let c = values.last().cloned().unwrap_or_default();
                        if !c.is_empty() {
                            q.cursor = Some(Key::parse(&c));
                        }
                    }
                    "count" => {
                        let n = int("count", values.last().unwrap())?;
                        if !(1..=100).contains(&n) {
                            return Err(format!("count must be between 1 and 100, got {n}"));
                        }
                        q.count = Some(n as usize);
                    }
                    "order" => match values.last().map(String::as_str) {
                        Some("latestFirst") => q.descending = true,
                        Some("earliestFirst") | Some("") => {}
                        Some(o) => return Err(format!("unknown order {o:?}")),
                        None => {}
                    },
                    _ => {}
                }
                continue;
            }
            if !allowed.contains(&k.as_str()) {
                return Err(format!("unknown filter {k:?}"));
            }
            let vals = multi(&values);
            match k.as_str() {
                "fromDate" => q.from = vals.last().map(|v| int(&k, v)).transpose()?,
                "toDate" => q.to = vals.last().map(|v| int(&k, v)).transpose()?,
                "responseStatus" | "workflowCreatedAt" => {
                    for v in &vals {
                        int(&k, v)?;
                    }
                    q.filters.insert(k, vals);
                }
                _ => {
                    let name = match k.as_str() {
                        "callerIP" => "callerIp".to_string(),
                        "failureCallbackState" => "failureFunctionState".to_string(),
                        _ => k,
                    };
                    if !vals.is_empty() {
                        q.filters.entry(name).or_default().extend(vals);
                    }
                }
            }
        }
        Ok(q)
    }

    /// Adds the legacy JSON body form of bulk delete (`{"dlqIds": [...]}`); the query wins.
    pub fn with_body_ids(mut self, body: &[u8]) -> Result<Query, String> {
        if self.dlq_ids.is_some() || body.iter().all(u8::is_ascii_whitespace) {
            return Ok(self);
        }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            dlq_ids: Vec<String>,
        }
        let b: Body = serde_json::from_slice(body)
            .map_err(|e| format!("body must be {{\"dlqIds\": [...]}}: {e}"))?;
        self.dlq_ids = Some(b.dlq_ids);
        Ok(self)
    }

    pub fn matches(&self, s: &Stored) -> bool {
        let e = &s.entry;
        let inserted = Key::parse(&e.dlq_id).ms;
        if self.from.is_some_and(|f| inserted < f) || self.to.is_some_and(|t| inserted > t) {
            return false;
        }
        self.filters.iter().all(|(k, vals)| {
            let any = |field: Option<&str>| field.is_some_and(|f| vals.iter().any(|v| v == f));
            match k.as_str() {
                "messageId" => any(Some(&e.message_id)),
                "url" => any(Some(&e.url)),
                "topicName" => any(e.topic_name.as_deref()),
                "scheduleId" => any(e.schedule_id.as_deref()),
                "queueName" => any(e.queue_name.as_deref()),
                "callerIp" => any(e.caller_ip.as_deref()),
                "flowControlKey" => any(e.flow_control_key.as_deref()),
                "workflowUrl" => any(e.workflow_url.as_deref()),
                "workflowRunId" => any(e.workflow_run_id.as_deref()),
                // An unknown state, as before, matches no entry.
                "failureFunctionState" => e
                    .callback_state()
                    .is_some_and(|st| vals.iter().any(|v| CallbackState::parse(v) == Some(st))),
                "label" => e.all_labels().iter().any(|l| vals.iter().any(|v| v == l)),
                "responseStatus" => any(Some(&e.response_status.to_string())),
                "workflowCreatedAt" => any(e.workflow_created_at.map(|t| t.to_string()).as_deref()),
                _ => false,
            }
        })
    }

    /// Up to `limit` matching entries after the cursor, and whether more match beyond them.
    pub fn page<'a>(&self, store: &'a Store, which: Dlq, limit: usize) -> (Vec<&'a Stored>, bool) {
        let mut it = store
            .after(
                which,
                self.cursor.as_ref(),
                self.descending,
                (self.from, self.to),
            )
            .filter(|s| self.matches(s));
        let page: Vec<&Stored> = it.by_ref().take(limit).collect();
        let more = page.len() == limit && it.next().is_some();
        (page, more)
    }
}

/// The list endpoints: a keyset page of matches, `cursor` only while more remain. With
/// `dlqIds`, exactly those entries that exist, no paging.
pub fn list(store: &Store, raw: Option<&str>, which: Dlq) -> Reply {
    let q = match Query::parse(raw, which) {
        Ok(q) => q,
        Err(e) => return Reply::bad_request(e),
    };
    let which = if q.workflow_source {
        Dlq::Workflow
    } else {
        which
    };
    if let Some(ids) = &q.dlq_ids {
        let found: Vec<Value> = dedup(ids)
            .iter()
            .filter_map(|id| store.dlq(which).get(&Key::parse(id)))
            .map(Stored::wire)
            .collect();
        return Reply::ok(json!({ "messages": found }));
    }
    let (page, more) = q.page(store, which, q.count.unwrap_or(100));
    let mut body = json!({ "messages": page.iter().map(|s| s.wire()).collect::<Vec<_>>() });
    if more {
        body["cursor"] = json!(page.last().unwrap().entry.dlq_id);
    }
    Reply::ok(body)
}

pub fn dedup(ids: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .filter(|i| seen.insert(i.as_str()))
        .cloned()
        .collect()
}

/// Explicit ids must all be in `which`, or nothing happens: 404 naming the missing ones.
pub fn check_ids(store: &Store, ids: &[String], which: Dlq) -> Result<(), Reply> {
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| !store.dlq(which).contains_key(&Key::parse(id)))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Reply::not_found(format!(
            "Some DLQ messages were not found: {}",
            missing.join(", ")
        )))
    }
}

/// The targets of a bulk delete: as [`targets`], except that explicit ids already gone are
/// passed over instead of refused. The service deletes the ids present and counts only those,
/// and the SDKs' own tests bulk-delete ids they have just retried, expecting success.
pub fn delete_targets(
    store: &Store,
    q: &Query,
    which: Dlq,
    limit: usize,
) -> Result<(Vec<String>, bool, bool), Reply> {
    match &q.dlq_ids {
        Some(ids) => {
            let present = dedup(ids)
                .into_iter()
                .filter(|id| store.dlq(which).contains_key(&Key::parse(id)))
                .collect();
            Ok((present, false, true))
        }
        None => targets(store, q, which, limit),
    }
}

/// The targets of a bulk call: the explicit ids, or a page of filter matches. The flag says
/// whether matches remain beyond the page (only ever true in filter mode).
pub fn targets(
    store: &Store,
    q: &Query,
    which: Dlq,
    limit: usize,
) -> Result<(Vec<String>, bool, bool), Reply> {
    if let Some(ids) = &q.dlq_ids {
        let ids = dedup(ids);
        check_ids(store, &ids, which)?;
        return Ok((ids, false, true));
    }
    let (page, more) = q.page(store, which, limit);
    Ok((
        page.iter().map(|s| s.entry.dlq_id.clone()).collect(),
        more,
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_comma_separated_values_mean_the_same() {
        let a = Query::parse(Some("label=a&label=b"), Dlq::Qstash).unwrap();
        let b = Query::parse(Some("label=a,b"), Dlq::Qstash).unwrap();
        assert_eq!(a.filters, b.filters);
        assert_eq!(a.filters["label"], ["a", "b"]);
    }

    #[test]
    fn destinations_match_by_host_with_or_without_port_and_by_exact_path() {
        let v = |x: &str| vec![x.to_string()];
        let url = "http://127.0.0.1:8080/api/hook?tenant=7";
        assert!(destination_matches(url, "host", &v("127.0.0.1")));
        assert!(destination_matches(url, "host", &v("127.0.0.1:8080")));
        assert!(!destination_matches(url, "host", &v("127.0.0.2")));
        assert!(destination_matches(url, "path", &v("/api/hook")));
        assert!(!destination_matches(url, "path", &v("/api")));
        assert!(destination_matches(
            "https://A.example/x",
            "host",
            &v("a.example")
        ));
        assert!(!destination_matches("not a url", "path", &v("")));
    }

    #[test]
    fn unknown_keys_and_large_counts_are_refused() {
        assert!(Query::parse(Some("lable=a"), Dlq::Qstash).is_err());
        assert!(Query::parse(Some("workflowUrl=a"), Dlq::Qstash).is_err());
        assert!(Query::parse(Some("workflowUrl=a&source=workflow"), Dlq::Qstash).is_ok());
        assert!(Query::parse(Some("count=101"), Dlq::Qstash).is_err());
        assert!(Query::parse(Some("count=100&qstash_token=x"), Dlq::Qstash).is_ok());
        assert!(Query::parse(Some("responseStatus=5xx"), Dlq::Qstash).is_err());
    }
}
