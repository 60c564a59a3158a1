//! The model behind the fake server: the entries in the DLQ and how often each was acted on,
//! and how a bulk call, a single call and a lookup change and answer it (as the sandbox does).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::script::{Fault, On, Rule};
use crate::api::{ApiError, CallbackInfo, Entry, Published, Run, Source};
use crate::bulk::action::Made;
use crate::bulk::action::{Action, Verb};

pub const FAILED: &str = "CALLBACK_FAIL";
pub const IN_PROGRESS: &str = "CALLBACK_INPROGRESS";

/// One entry of the model.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub(super) source: Source,
    pub(super) callback: &'static str,
    /// Why the server refuses to act on it (a 400), if it does.
    pub(super) refuse: Option<&'static str>,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) dlq: BTreeMap<String, Item>,
    pub(super) applied: HashMap<String, u32>,
    /// What the server made of each id (a message or run id), as its reply said.
    pub(super) made: HashMap<String, String>,
    pub(super) rules: Vec<Rule>,
    pub(super) log: Vec<(Duration, String)>,
    /// Mutations sent for ids the engine had not marked in flight first.
    pub(super) unmarked: Vec<String>,
    pub(super) replies: u64,
    pub(super) throttled: u64,
    /// Random faults on this share (percent) of requests that no rule bends, and random
    /// reply times up to half a second, from a seed.
    pub(super) chaos: Option<(rand_chacha::ChaCha8Rng, u32)>,
    /// Requests the server is working on now, and how many each request found (itself
    /// included) when it arrived.
    pub(super) busy: usize,
    pub(super) busy_seen: Vec<usize>,
    /// Each entry's failure-function calls (message id, start in ms), oldest first: as on the
    /// server, every call is a QStash message of its own, shown in the run logs (the newest)
    /// and in the message logs.
    pub(super) calls: HashMap<String, Vec<(String, i64)>>,
    /// The server's clock now, in ms (set as each request is served).
    pub(super) now_ms: i64,
    /// How long after a call starts the run logs show it, in ms.
    pub(super) log_lag_ms: i64,
    /// Republish: the message each deduplication id made, while the service remembers it.
    pub(super) dedup: HashMap<String, String>,
    /// Republish: how many messages were delivered for each DLQ id.
    pub(super) delivered: HashMap<String, u32>,
}

pub(super) fn lost() -> ApiError {
    ApiError::Network {
        method: "POST",
        path: "/v2/dlq".into(),
        detail: "connection reset".into(),
        sent: true,
        attempts: 1,
        server: "fake".into(),
        url_from: crate::api::UrlFrom::Elsewhere,
    }
}

pub(super) fn status(status: u16, message: &str, retry_after: Option<Duration>) -> ApiError {
    ApiError::Status {
        method: "POST",
        path: "/fake".into(),
        status,
        message: message.into(),
        retry_after,
    }
}

impl State {
    /// The model's bulk call: all ids in the DLQ or a 404, none refused or a 400, then each
    /// acted on.
    pub(super) fn act_many(
        &mut self,
        action: &Action,
        ids: &[String],
    ) -> Result<Vec<String>, ApiError> {
        let missing: Vec<&str> = ids
            .iter()
            .filter(|id| self.dlq.get(*id).is_none_or(|i| i.source != action.source))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() && action.verb == Verb::Delete {
            // The service deletes the ids still present and counts only those (API.md, the
            // sandbox): a short count.
            let present: Vec<String> = ids
                .iter()
                .filter(|id| !missing.contains(&id.as_str()))
                .cloned()
                .collect();
            return Ok(present.iter().map(|id| self.act(action.verb, id)).collect());
        }
        if !missing.is_empty() {
            let why = format!("Some DLQ messages were not found: {}", missing.join(", "));
            return Err(status(404, &why, None));
        }
        if let Some(why) = ids.iter().find_map(|id| self.dlq[id].refuse) {
            return Err(status(400, why, None));
        }
        Ok(ids.iter().map(|id| self.act(action.verb, id)).collect())
    }

    /// The model's filtered bulk call (`--server-side`): every entry of the source matches;
    /// acts on the first `count` after `cursor`, and says where to go on while more remain.
    pub(super) fn act_matching(
        &mut self,
        action: &Action,
        count: usize,
        cursor: Option<&str>,
    ) -> (Vec<String>, Option<String>) {
        let after = |id: &String| cursor.is_none_or(|c| id.as_str() > c);
        let matches: Vec<String> = self
            .dlq
            .iter()
            .filter(|(id, i)| i.source == action.source && after(id))
            .map(|(id, _)| id.clone())
            .collect();
        let page: Vec<String> = matches.iter().take(count).cloned().collect();
        let next = (matches.len() > page.len())
            .then(|| page.last().cloned())
            .flatten();
        let made = page.iter().map(|id| self.act(action.verb, id)).collect();
        (made, next)
    }

    pub(super) fn act_one(&mut self, action: &Action, id: &str) -> Result<String, ApiError> {
        let Some(item) = self.dlq.get(id).filter(|i| i.source == action.source) else {
            return Err(status(
                404,
                &format!("message {id} not found in the DLQ"),
                None,
            ));
        };
        if let Some(why) = item.refuse {
            return Err(status(400, why, None));
        }
        if action.verb == Verb::Callback && item.callback != FAILED {
            return Err(status(400, "the failure callback has not failed", None));
        }
        Ok(self.act(action.verb, id))
    }

    /// Acts on one entry that is there; returns the id of what was made.
    fn act(&mut self, verb: Verb, id: &str) -> String {
        *self.applied.entry(id.to_string()).or_default() += 1;
        if verb == Verb::Callback {
            self.dlq.get_mut(id).unwrap().callback = IN_PROGRESS;
            let calls = self.calls.entry(id.to_string()).or_default();
            let call = format!("msg_call_{id}_{}", calls.len());
            calls.push((call, self.now_ms));
        } else {
            self.dlq.remove(id);
        }
        let made = match verb {
            Verb::Retry => format!("msg_new_{id}"),
            _ => format!("wfr_new_{id}"),
        };
        self.made.insert(id.to_string(), made.clone());
        made
    }

    /// A publish carrying `dedup`, for DLQ entry `id`: a new message, or the one that
    /// deduplication id made before.
    pub(super) fn publish(&mut self, dedup: &str, id: &str) -> Published {
        if let Some(m) = self.dedup.get(dedup) {
            return Published {
                message_id: m.clone(),
                deduplicated: Some(true),
            };
        }
        let n = self.delivered.entry(id.to_string()).or_default();
        *n += 1;
        let m = format!("msg_pub_{id}_{n}");
        self.dedup.insert(dedup.to_string(), m.clone());
        Published {
            message_id: m,
            deduplicated: None,
        }
    }

    pub(super) fn entry(&self, id: &str) -> Entry {
        let item = &self.dlq[id];
        let (message_id, run_id) = match item.source {
            Source::Qstash => (Some(format!("msg_{id}")), None),
            Source::Workflow => (None, Some(format!("wfr_{id}"))),
        };
        Entry {
            dlq_id: id.to_string(),
            message_id,
            workflow_run_id: run_id,
            failure_callback_info: Some(CallbackInfo {
                state: Some(item.callback.to_string()),
                ..CallbackInfo::default()
            }),
            ..Entry::default()
        }
    }
}

pub(super) fn made(verb: Verb, ids: Vec<String>) -> Made {
    match verb {
        Verb::Retry => Made::Messages(
            ids.into_iter()
                .map(|message_id| Published {
                    message_id,
                    deduplicated: None,
                })
                .collect(),
        ),
        Verb::Delete => Made::Deleted(ids.len() as u64),
        _ => Made::Runs(
            ids.into_iter()
                .map(|workflow_run_id| Run {
                    workflow_run_id,
                    workflow_created_at: Some(1),
                })
                .collect(),
        ),
    }
}

/// One result fewer than asked for.
pub(super) fn shorten(m: Made) -> Made {
    match m {
        Made::Messages(mut v) => {
            v.pop();
            Made::Messages(v)
        }
        Made::Runs(mut v) => {
            v.pop();
            Made::Runs(v)
        }
        Made::Deleted(n) => Made::Deleted(n.saturating_sub(1)),
    }
}

impl State {
    /// A random fault for a request of kind `on` (or none), and how long it takes.
    pub(super) fn chaos(&mut self, on: Option<On>, short_ok: bool) -> (Fault, Duration) {
        use rand::Rng;
        let Some((rng, pct)) = self.chaos.as_mut() else {
            return (Fault::None, Duration::ZERO);
        };
        let took = Duration::from_millis(rng.gen_range(0..=500));
        if rng.gen_range(0..100) >= *pct {
            return (Fault::None, took);
        }
        let throttle = Fault::Throttle(Some(Duration::from_secs(1)));
        let faults: &[Fault] = match on {
            Some(On::Many) if short_ok => {
                &[Fault::LostAfter, Fault::LostBefore, Fault::Short, throttle]
            }
            Some(On::Many) => &[Fault::LostAfter, Fault::LostBefore, throttle],
            // A batch: also short, or applied and then answered 503.
            Some(On::Publish) if short_ok => &[
                Fault::LostAfter,
                Fault::LostBefore,
                Fault::Short,
                Fault::AppliedThen(503),
                throttle,
            ],
            Some(On::One | On::Matching | On::Publish) => {
                &[Fault::LostAfter, Fault::LostBefore, throttle]
            }
            _ => &[Fault::Status(503), throttle],
        };
        (faults[rng.gen_range(0..faults.len())], took)
    }
}
