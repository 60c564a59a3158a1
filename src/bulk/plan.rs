//! Freezing a selection into a plan: the exact ids, and a breakdown to show before acting.
//!
//! A filter plan lists once, before anything changes; entries that fail after planning are not
//! touched. Only ids and counters are kept, so memory stays small for very large DLQs. A plan of
//! explicit ids is made from their lookup ([`super::resolve`]): ids of either DLQ, the tokens
//! that found nothing, and the `msg_`/`wfr_` token each entry was found by.

use std::collections::HashMap;

use serde::Serialize;

use super::action::BulkClient;
use super::idlist::IdList;
use super::journal::claims::{Held, Holder};
use super::journal::Part;
use super::lanes::Lanes;
use super::pages::Pages;
pub use super::pages::PlanError;
use super::resolve::{Absent, Resolved};
use super::seen::Seen;
use crate::api::{Entry, Filter, Source};

/// How many groups and samples a plan shows.
const TOP: usize = 5;
/// Ids kept by group for picking a canary: enough for any sensible canary, and small.
const SAMPLE_IDS: usize = 10_000;

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
    pub missing: Vec<(String, Absent)>,
    /// Entries selected that other jobs keep ([`super::journal::claims`]): left to them.
    #[serde(skip)]
    pub held: Vec<(String, Holder)>,
    /// The `msg_`/`wfr_` token each entry was found by, keyed by DLQ id.
    #[serde(skip)]
    pub inputs: HashMap<String, String>,
    /// The first ids of each url (or workflow url) group, in order of appearance, when a
    /// canary will be picked from the plan.
    #[serde(skip)]
    pub samples: Vec<(String, Vec<String>)>,
}

impl Plan {
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.ids.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every planned id, in order (read from disk for a long plan).
    pub fn ids(&self) -> impl Iterator<Item = String> + '_ {
        self.parts.iter().flat_map(|p| p.ids.iter())
    }

    /// How many ids each DLQ holds, for "3 QStash messages and 2 failed workflow runs".
    pub fn counts(&self) -> Vec<(Source, usize)> {
        self.parts.iter().map(|p| (p.source, p.ids.len())).collect()
    }

    /// `n` ids to try first: spread across the groups (one of each group in turn), then the
    /// plan's order.
    pub fn canary(&self, n: usize) -> Vec<String> {
        let mut picked = Vec::with_capacity(n);
        let mut seen = std::collections::HashSet::new();
        let deepest = self
            .samples
            .iter()
            .map(|(_, ids)| ids.len())
            .max()
            .unwrap_or(0);
        'spread: for round in 0..deepest {
            for (_, ids) in &self.samples {
                if picked.len() == n {
                    break 'spread;
                }
                if let Some(id) = ids.get(round) {
                    if seen.insert(id.clone()) {
                        picked.push(id.clone());
                    }
                }
            }
        }
        for id in self.ids() {
            if picked.len() == n {
                break;
            }
            if seen.insert(id.clone()) {
                picked.push(id);
            }
        }
        picked
    }

    /// The plan without `ids` (what is left after a canary), in the same order.
    pub fn without(&self, ids: &[String]) -> std::io::Result<Plan> {
        let gone: std::collections::HashSet<&String> = ids.iter().collect();
        self.keeping(|id| !gone.contains(id))
    }

    /// Only `ids` of the plan (a canary), in the plan's order.
    pub fn only(&self, ids: &[String]) -> std::io::Result<Plan> {
        let keep: std::collections::HashSet<&String> = ids.iter().collect();
        self.keeping(|id| keep.contains(id))
    }

    /// Leaves to other jobs the ids they keep: out of the parts (and the canary's samples),
    /// into `held`.
    pub fn leave(&mut self, held: &Held) -> std::io::Result<()> {
        for part in &mut self.parts {
            self.held.extend(super::journal::claims::split(part, held)?);
        }
        self.parts.retain(|p| !p.ids.is_empty());
        for (_, ids) in &mut self.samples {
            ids.retain(|id| !held.contains_key(id));
        }
        Ok(())
    }

    /// The ids `keep` keeps, in the plan's order, with their inputs; no breakdown.
    fn keeping(&self, keep: impl Fn(&String) -> bool) -> std::io::Result<Plan> {
        let mut parts = Vec::new();
        for p in &self.parts {
            let ids = p.ids.filtered(&keep)?;
            if !ids.is_empty() {
                parts.push(Part {
                    source: p.source,
                    ids,
                });
            }
        }
        Ok(Plan {
            parts,
            inputs: self.inputs.clone(),
            ..Plan::default()
        })
    }

    /// The plan of explicit ids, from their lookup: one part per DLQ, in the order found.
    pub fn from_resolved(r: Resolved) -> Plan {
        let mut counters = Counters {
            sampling: true,
            ..Counters::default()
        };
        let mut plan = Plan {
            missing: r.missing,
            ..Plan::default()
        };
        // Explicit ids were read whole already: they stay in memory.
        let mut parts: Vec<(Source, Vec<String>)> = Vec::new();
        for f in r.found {
            counters.add(&f.entry);
            if let Some(input) = f.input {
                plan.inputs.insert(f.entry.dlq_id.clone(), input);
            }
            match parts.iter_mut().find(|(s, _)| *s == f.source) {
                Some((_, ids)) => ids.push(f.entry.dlq_id),
                None => parts.push((f.source, vec![f.entry.dlq_id])),
            }
        }
        plan.parts = parts
            .into_iter()
            .map(|(source, ids)| Part {
                source,
                ids: ids.into(),
            })
            .collect();
        plan.samples = std::mem::take(&mut counters.samples);
        plan.breakdown = counters.breakdown();
        plan
    }
}

/// The largest groups by url, status and label; what is past the top few is counted in
/// `more`, so a breakdown never reads as if it were whole when it is not.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Breakdown {
    pub urls: Vec<(String, u64)>,
    pub statuses: Vec<(String, u64)>,
    pub labels: Vec<(String, u64)>,
    #[serde(skip_serializing_if = "Rest::is_empty")]
    pub more: Rest,
}

/// The groups a breakdown leaves out, by key.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urls: Option<More>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statuses: Option<More>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<More>,
}

impl Rest {
    fn is_empty(&self) -> bool {
        self.urls.is_none() && self.statuses.is_none() && self.labels.is_none()
    }
}

/// How many groups were left out, and how many entries they hold (for labels, how many
/// times a label was carried: an entry with two labels counts in two groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct More {
    pub groups: u64,
    pub entries: u64,
}

#[derive(Default)]
struct Counters {
    urls: HashMap<String, u64>,
    statuses: HashMap<String, u64>,
    labels: HashMap<String, u64>,
    /// Keep the first ids of each url group (for a canary).
    sampling: bool,
    samples: Vec<(String, Vec<String>)>,
    sample_index: HashMap<String, usize>,
    sampled: usize,
}

impl Counters {
    fn add(&mut self, e: &Entry) {
        let url = e
            .workflow_url
            .as_deref()
            .or(e.url.as_deref())
            .unwrap_or("-");
        if self.sampling {
            self.sample(url, &e.dlq_id);
        }
        *self.urls.entry(url.to_string()).or_default() += 1;
        let status = e.response_status.map_or("-".to_string(), |s| s.to_string());
        *self.statuses.entry(status).or_default() += 1;
        for l in e.all_labels() {
            *self.labels.entry(l.to_string()).or_default() += 1;
        }
    }

    /// Keeps `id` for its group: always the first of a group, then while the total is small.
    fn sample(&mut self, group: &str, id: &str) {
        let i = match self.sample_index.get(group) {
            Some(i) => *i,
            None => {
                self.samples.push((group.to_string(), Vec::new()));
                self.sample_index
                    .insert(group.to_string(), self.samples.len() - 1);
                self.samples.len() - 1
            }
        };
        let ids = &mut self.samples[i].1;
        if ids.is_empty() || self.sampled < SAMPLE_IDS {
            ids.push(id.to_string());
            self.sampled += 1;
        }
    }

    fn breakdown(self) -> Breakdown {
        let (urls, more_urls) = Counters::top(self.urls);
        let (statuses, more_statuses) = Counters::top(self.statuses);
        let (labels, more_labels) = Counters::top(self.labels);
        Breakdown {
            urls,
            statuses,
            labels,
            more: Rest {
                urls: more_urls,
                statuses: more_statuses,
                labels: more_labels,
            },
        }
    }

    /// The largest groups, and what the cut left out.
    fn top(m: HashMap<String, u64>) -> (Vec<(String, u64)>, Option<More>) {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let cut = v.split_off(TOP.min(v.len()));
        let more = (!cut.is_empty()).then(|| More {
            groups: cut.len() as u64,
            entries: cut.iter().map(|(_, n)| n).sum(),
        });
        (v, more)
    }
}

/// Lists every match (at most `limit`) into a plan. `on_page` sees each page as it arrives,
/// for progress and for backups that must hold whole entries. With `sampling`, the first ids
/// of each url group are kept for picking a canary. A whole selection is listed on `lanes`
/// (in no particular order); the first `limit` matches follow one cursor.
#[allow(clippy::too_many_arguments)]
pub async fn build(
    api: &dyn BulkClient,
    source: Source,
    filter: &Filter,
    limit: Option<u64>,
    sampling: bool,
    lanes: Lanes<'_>,
    cancel: &super::cancel::Cancel,
    held: &Held,
    on_page: &mut dyn FnMut(&[Entry]) -> std::io::Result<()>,
) -> Result<Option<Plan>, PlanError> {
    let mut counters = Counters {
        sampling,
        ..Counters::default()
    };
    // On disk past a few ids: a plan of a million entries holds none of them in memory.
    let mut ids = IdList::default();
    let mut left = Vec::new();
    // An entry listed twice (in two lanes' overlap, or by a server that pages inconsistently)
    // is planned, counted and shown to `on_page` once.
    let mut seen = Seen::default();
    let mut take = |entries: &[Entry]| -> std::io::Result<()> {
        // What other jobs keep is left to them: not counted, not shown to `on_page`.
        let mut fresh: Vec<&Entry> = Vec::with_capacity(entries.len());
        for e in entries {
            let listed = || {
                let page = fresh.iter().map(|e| e.dlq_id.clone());
                ids.iter().chain(left.iter().cloned()).chain(page)
            };
            if !seen.first(&e.dlq_id, listed)? {
                continue;
            }
            match held.contains_key(&e.dlq_id) {
                true => left.push(e.dlq_id.clone()),
                false => fresh.push(e),
            }
        }
        let owned: Vec<Entry>;
        let kept = match fresh.len() == entries.len() {
            true => entries,
            false => {
                owned = fresh.into_iter().cloned().collect();
                &owned[..]
            }
        };
        on_page(kept)?;
        for e in kept {
            counters.add(e);
            ids.push(e.dlq_id.clone())?;
        }
        Ok(())
    };
    let limited = match limit {
        None => match super::lanes::list(api, source, filter, lanes, cancel, &mut take).await? {
            true => false,
            false => return Ok(None),
        },
        Some(limit) => match first(api, source, filter, limit, cancel, &mut take).await? {
            Some(limited) => limited,
            None => return Ok(None),
        },
    };
    let held = left.into_iter().map(|id| {
        let h = held[&id].clone();
        (id, h)
    });
    Ok(Some(Plan {
        held: held.collect(),
        parts: vec![Part { source, ids }],
        samples: std::mem::take(&mut counters.samples),
        breakdown: counters.breakdown(),
        limited,
        ..Plan::default()
    }))
}

/// Lists the first `limit` matches, one cursor; whether more matched, or `None` when
/// cancelled.
async fn first(
    api: &dyn BulkClient,
    source: Source,
    filter: &Filter,
    limit: u64,
    cancel: &super::cancel::Cancel,
    take: &mut dyn FnMut(&[Entry]) -> std::io::Result<()>,
) -> Result<Option<bool>, PlanError> {
    let mut pages = Pages::new(api, source, filter, None);
    let mut listed = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Ok(None);
        }
        let want = (limit - listed).min(100) as u32;
        if want == 0 {
            return Ok(Some(pages.cursor().is_some()));
        }
        let Some(mut entries) = pages.next(Some(want)).await? else {
            return Ok(Some(false));
        };
        entries.truncate(want as usize);
        take(&entries).map_err(PlanError::Io)?;
        listed += entries.len() as u64;
        if pages.cursor().is_none() {
            return Ok(Some(false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canary_takes_one_of_each_group_before_a_second_of_any() {
        let mut c = Counters {
            sampling: true,
            ..Counters::default()
        };
        let entry = |id: &str, url: &str| Entry {
            dlq_id: id.into(),
            url: Some(url.into()),
            ..Entry::default()
        };
        for (id, url) in [
            ("a1", "A"),
            ("a2", "A"),
            ("a3", "A"),
            ("b1", "B"),
            ("c1", "C"),
        ] {
            c.add(&entry(id, url));
        }
        let plan = Plan {
            parts: vec![Part {
                source: Source::Qstash,
                // On disk, as a long plan's: the canary and the rest are read back from it.
                ids: crate::bulk::engine_tests::on_disk(
                    &["a1", "a2", "a3", "b1", "c1"].map(String::from),
                ),
            }],
            samples: std::mem::take(&mut c.samples),
            ..Plan::default()
        };
        assert_eq!(plan.canary(3), ["a1", "b1", "c1"]);
        assert_eq!(plan.canary(4), ["a1", "b1", "c1", "a2"]);
        let rest = plan.without(&plan.canary(3)).unwrap();
        assert_eq!(rest.ids().collect::<Vec<_>>(), ["a2", "a3"]);
        assert_eq!(
            plan.only(&["c1".into(), "a1".into()])
                .unwrap()
                .ids()
                .collect::<Vec<_>>(),
            ["a1", "c1"]
        );
    }
}
