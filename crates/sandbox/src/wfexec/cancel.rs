//! Which runs `DELETE /v2/workflows/runs` cancels (OAW "Bulk Cancel Workflow Runs"): the runs
//! named by `workflowRunIds` (the other filters then ignored, as documented), else those
//! matching every filter given (the values of one filter ORed), at most `count` of them.
//! The reply's count is what this selects among runs under way, so it says what was cancelled.

use std::collections::BTreeMap;

use crate::query::{grouped, int, multi};
use crate::runlog::labels;
use crate::states::{RunKind, RunState};
use crate::store::{RunRecord, Store};

/// What a bulk cancel of runs cancels at most when it does not say (OAW's default).
const DEFAULT_COUNT: i64 = 100;

/// A parsed bulk cancel of runs.
#[derive(Debug, Default)]
pub struct Selection {
    ids: Option<Vec<String>>,
    urls: Option<Vec<String>>,
    exact: bool,
    from: Option<i64>,
    to: Option<i64>,
    /// `callerIp`, `flowControlKey` and `label`, each with the values that match.
    filters: BTreeMap<String, Vec<String>>,
    count: usize,
}

impl Selection {
    pub fn parse(raw: Option<&str>) -> Result<Selection, String> {
        let mut sel = Selection {
            count: DEFAULT_COUNT as usize,
            ..Selection::default()
        };
        for (k, vs) in grouped(raw) {
            let last = vs.last().map(String::as_str).unwrap_or("");
            match k.as_str() {
                "workflowRunIds" => sel.ids = Some(multi(&vs)),
                // `workflowUrlStartingWith`: what older SDKs send for the prefix match.
                "workflowUrl" | "workflowUrlStartingWith" => {
                    sel.urls.get_or_insert_with(Vec::new).extend(multi(&vs))
                }
                "workflowUrlExactMatch" => sel.exact = last == "true",
                "fromDate" => sel.from = Some(int(&k, last)?),
                "toDate" => sel.to = Some(int(&k, last)?),
                "count" => {
                    let n = int(&k, last)?;
                    if n < 1 {
                        return Err(format!("count must be 1 or more, got {n}"));
                    }
                    sel.count = n as usize;
                }
                "callerIp" | "flowControlKey" | "label" => {
                    sel.filters.entry(k.clone()).or_default().extend(multi(&vs))
                }
                "qstash_token" => {}
                other => return Err(format!("unknown parameter {other:?}")),
            }
        }
        Ok(sel)
    }

    fn matches(&self, r: &RunRecord) -> bool {
        if let Some(ids) = &self.ids {
            return ids.contains(&r.workflow_run_id);
        }
        let url_ok = self.urls.as_ref().is_none_or(|urls| {
            urls.iter().any(|u| match self.exact {
                true => r.workflow_url == *u,
                false => r.workflow_url.starts_with(u.as_str()),
            })
        });
        let at = r.workflow_created_at;
        let dates_ok = self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at <= t);
        url_ok
            && dates_ok
            && self.filters.iter().all(|(k, want)| {
                let has: Vec<String> = match k.as_str() {
                    "callerIp" => r.caller_ip.clone().into_iter().collect(),
                    "flowControlKey" => r.config["flowControlKey"]
                        .as_str()
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                    _ => labels(r),
                };
                has.iter().any(|v| want.contains(v))
            })
    }

    /// The indexes of the runs under way this cancels, oldest first.
    pub fn chosen(&self, store: &Store) -> Vec<usize> {
        let mut hits: Vec<usize> = (0..store.runs.len())
            .filter(|&i| {
                let r = &store.runs[i];
                r.kind != RunKind::Callback && r.state == RunState::Started && self.matches(r)
            })
            .collect();
        hits.sort_by_key(|&i| store.runs[i].workflow_created_at);
        hits.truncate(self.count);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_win_and_unknown_parameters_are_refused() {
        let s = Selection::parse(Some("workflowRunIds=a,b&label=x&count=5")).unwrap();
        assert_eq!(s.ids, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(s.count, 5);
        assert!(Selection::parse(Some("state=RUN_STARTED")).is_err());
        assert!(Selection::parse(Some("count=0")).is_err());
        assert_eq!(Selection::parse(None).unwrap().count, 100);
    }
}
