//! Freezing a selection into a plan: the exact ids, and a breakdown to show before acting.
//!
//! A filter plan lists once, before anything changes; entries that fail after planning are not
//! touched. Only ids and counters are kept, so memory stays small for very large DLQs. A plan of
//! explicit ids is made from their lookup ([`super::resolve`]): ids of either DLQ, the tokens
//! that found nothing, and the `msg_`/`wfr_` token each entry was found by.

use std::collections::HashMap;

use serde::Serialize;

use super::journal::Part;
use super::pages::Pages;
use super::resolve::Resolved;
use crate::api::{ApiError, Client, Entry, Filter, Source};

/// How many groups and samples a plan shows.
const TOP: usize = 5;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The ids to act on, by DLQ.
    pub parts: Vec<Part>,
    pub breakdown: Breakdown,
    /// True when `--limit` cut the selection short.
    pub limited: bool,
    /// Tokens that found no entry, and why (explicit ids only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<(String, String)>,
    /// The `msg_`/`wfr_` token each entry was found by, keyed by DLQ id.
    #[serde(skip)]
    pub inputs: HashMap<String, String>,
}

impl Plan {
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.ids.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every planned id, in order.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.parts.iter().flat_map(|p| p.ids.iter())
    }

    /// How many ids each DLQ holds, for "3 QStash messages and 2 failed workflow runs".
    pub fn counts(&self) -> Vec<(Source, usize)> {
        self.parts.iter().map(|p| (p.source, p.ids.len())).collect()
    }

    /// The plan of explicit ids, from their lookup: one part per DLQ, in the order found.
    pub fn from_resolved(r: Resolved) -> Plan {
        let mut counters = Counters::default();
        let mut plan = Plan {
            missing: r.missing,
            ..Plan::default()
        };
        for f in r.found {
            counters.add(&f.entry);
            if let Some(input) = f.input {
                plan.inputs.insert(f.entry.dlq_id.clone(), input);
            }
            match plan.parts.iter_mut().find(|p| p.source == f.source) {
                Some(part) => part.ids.push(f.entry.dlq_id),
                None => plan.parts.push(Part {
                    source: f.source,
                    ids: vec![f.entry.dlq_id],
                }),
            }
        }
        plan.breakdown = counters.breakdown();
        plan
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Breakdown {
    pub urls: Vec<(String, u64)>,
    pub statuses: Vec<(String, u64)>,
    pub labels: Vec<(String, u64)>,
}

#[derive(Default)]
struct Counters {
    urls: HashMap<String, u64>,
    statuses: HashMap<String, u64>,
    labels: HashMap<String, u64>,
}

impl Counters {
    fn add(&mut self, e: &Entry) {
        let url = e
            .workflow_url
            .as_deref()
            .or(e.url.as_deref())
            .unwrap_or("-");
        *self.urls.entry(url.to_string()).or_default() += 1;
        let status = e.response_status.map_or("-".to_string(), |s| s.to_string());
        *self.statuses.entry(status).or_default() += 1;
        for l in e.all_labels() {
            *self.labels.entry(l.to_string()).or_default() += 1;
        }
    }

    fn breakdown(self) -> Breakdown {
        Breakdown {
            urls: Counters::top(self.urls),
            statuses: Counters::top(self.statuses),
            labels: Counters::top(self.labels),
        }
    }

    fn top(m: HashMap<String, u64>) -> Vec<(String, u64)> {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(TOP);
        v
    }
}

/// Lists every match (at most `limit`) into a plan. `on_page` sees each page as it arrives,
/// for progress and for backups that must hold whole entries.
pub async fn build(
    api: &Client,
    source: Source,
    filter: &Filter,
    limit: Option<u64>,
    cancel: &super::cancel::Cancel,
    on_page: &mut dyn FnMut(&[Entry]) -> std::io::Result<()>,
) -> Result<Option<Plan>, PlanError> {
    let mut pages = Pages::new(api, source, filter, None);
    let mut counters = Counters::default();
    let mut plan = Plan::default();
    let mut ids = Vec::new();
    loop {
        if cancel.is_cancelled() {
            return Ok(None);
        }
        let want = limit.map(|l| (l - ids.len() as u64).min(100) as u32);
        if want == Some(0) {
            plan.limited = pages.cursor().is_some();
            break;
        }
        let Some(mut entries) = pages.next(want).await? else {
            break;
        };
        if let Some(w) = want {
            entries.truncate(w as usize);
        }
        on_page(&entries).map_err(PlanError::Io)?;
        for e in &entries {
            counters.add(e);
            ids.push(e.dlq_id.clone());
        }
        if pages.cursor().is_none() {
            break;
        }
    }
    // A server that pages inconsistently could repeat an entry; act on each once.
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    plan.parts = vec![Part { source, ids }];
    plan.breakdown = counters.breakdown();
    Ok(Some(plan))
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}")]
    Io(std::io::Error),
}
