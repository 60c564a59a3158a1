//! Freezing a selection into a plan: the exact ids, and a breakdown to show before acting.
//!
//! Listing happens once, before anything changes; entries that fail after planning are not
//! touched. Only ids and counters are kept, so memory stays small for very large DLQs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::pages::Pages;
use crate::api::{ApiError, Client, Entry, Filter, Source};

/// How many groups and samples a plan shows.
const TOP: usize = 5;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub ids: Vec<String>,
    pub breakdown: Breakdown,
    /// True when `--limit` cut the selection short.
    pub limited: bool,
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
    cancel: &AtomicBool,
    on_page: &mut dyn FnMut(&[Entry]) -> std::io::Result<()>,
) -> Result<Option<Plan>, PlanError> {
    let mut pages = Pages::new(api, source, filter, None);
    let mut counters = Counters::default();
    let mut plan = Plan::default();
    loop {
        if cancel.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let want = limit.map(|l| (l - plan.ids.len() as u64).min(100) as u32);
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
            plan.ids.push(e.dlq_id.clone());
        }
        if pages.cursor().is_none() {
            break;
        }
    }
    // A server that pages inconsistently could repeat an entry; act on each once.
    let mut seen = std::collections::HashSet::new();
    plan.ids.retain(|id| seen.insert(id.clone()));
    plan.breakdown = Breakdown {
        urls: Counters::top(counters.urls),
        statuses: Counters::top(counters.statuses),
        labels: Counters::top(counters.labels),
    };
    Ok(Some(plan))
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}")]
    Io(std::io::Error),
}
