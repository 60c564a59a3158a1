//! The sandbox's state: both DLQs in dlqId order, what was created from them and how that
//! went (message logs, run states), and the per-id mutation counters tests use to assert
//! exactly-once. Serialisable as the state file.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::states::{CallbackState, MessageSource, MessageState, RunKind, RunState, StepState};
use super::wfstate::Exec;
use super::wire::{Entry, Headers, LogEntry};

/// Sort key of a dlqId `<epoch ms>-<seq>`: ordering by (ms, seq) is what makes keyset cursors
/// stable while entries disappear. Ids of another shape (hand-written fixtures) sort first,
/// by their text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub ms: i64,
    pub seq: u64,
    pub raw: String,
}

impl Key {
    pub fn parse(id: &str) -> Key {
        let parsed = id
            .split_once('-')
            .and_then(|(ms, seq)| Some((ms.parse::<i64>().ok()?, seq.parse::<u64>().ok()?)));
        match parsed {
            Some((ms, seq)) if format!("{ms}-{seq}") == id => Key {
                ms,
                seq,
                raw: String::new(),
            },
            _ => Key {
                ms: i64::MIN,
                seq: 0,
                raw: id.to_string(),
            },
        }
    }
}

/// A stored entry: the wire object plus what the sandbox models about a workflow run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    pub entry: Entry,
    /// Workflow runs only: the step names, and the index of the step that failed (the steps
    /// before it completed, which is what resume keeps and restart discards).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    #[serde(default)]
    pub failed_step: usize,
    /// A run the sandbox executed against its app: what resume, restart and callback need to
    /// call the app again (see `wfexec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Exec>,
    /// What the API shows only as a hash (the message's `Upstash-Redact-Fields`); the entry
    /// keeps the real values, for a retry delivers them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redact: Option<super::redact::Redact>,
}

impl Stored {
    /// The entry as the API shows it.
    pub fn wire(&self) -> serde_json::Value {
        match &self.redact {
            Some(r) => serde_json::to_value(r.entry(&self.entry)),
            None => serde_json::to_value(&self.entry),
        }
        .unwrap()
    }
}

/// Which of the two DLQs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dlq {
    Qstash,
    Workflow,
}

/// A message created by publish or by a retry from the DLQ (`/__sandbox/messages`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRecord {
    pub message_id: String,
    /// `publish` or `retry`.
    pub source: MessageSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_dlq_id: Option<String>,
    pub url: String,
    pub method: String,
    pub header: Headers,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    pub created_at: i64,
    pub config: MessageConfig,
    /// The `Upstash-*` override headers of the request that created it, as sent.
    pub overrides: BTreeMap<String, String>,
    /// `pending`, `delivering`, `delivered`, `failed` (back in the DLQ as `dlq_id`) or
    /// `recorded` (not a loopback destination: accepted, no network call); `queued` (held by
    /// its queue until `queues::pump` lets it go) or `cancelled` (`DELETE /v2/messages`).
    pub state: MessageState,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq_id: Option<String>,
    /// Carried into a new DLQ entry if delivery fails for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Entry>,
}

/// The publish configuration a message is delivered with.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageConfig {
    pub retries: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<String>,
    pub not_before: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    pub method: String,
    /// `Upstash-Redact-Fields`: what the API shows of it only as a hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redact: Option<super::redact::Redact>,
}

/// A workflow run created by resume, restart or callback (`/__sandbox/runs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    pub workflow_run_id: String,
    pub workflow_created_at: i64,
    /// When the request that made this record came: the run's start, or the callback's.
    #[serde(default)]
    pub started_at: i64,
    /// `resume`, `restart` or `callback`.
    pub kind: RunKind,
    pub from_dlq_id: String,
    pub from_run_id: String,
    pub workflow_url: String,
    /// Steps carried over from the failed run (resume: those before the failed one).
    pub steps_kept: Vec<String>,
    pub steps_total: usize,
    pub overrides: BTreeMap<String, String>,
    /// The run's configuration after the overrides.
    pub config: Value,
    /// `RUN_STARTED`, `RUN_SUCCESS` or `RUN_FAILED`. A callback record keeps the state of the
    /// run whose failure function it calls again: `RUN_FAILED`.
    #[serde(default)]
    pub state: RunState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<i64>,
    /// Resume and restart: the new DLQ entry of a run that failed again. Callback: the entry
    /// whose failure function is called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dlq_id: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepRecord>,
    /// The failure function: its URL and, once called, its state and last answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_function: Option<FailureFunction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_ip: Option<String>,
    /// The DLQ entry the run came from, for a new entry should it fail again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Stored>,
    /// A run executed against its app: its first body, configuration and step messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Exec>,
}

/// One step of a run as the workflow logs show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    pub name: String,
    pub state: StepState,
    pub created_at: i64,
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_delivery_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// A run's failure function.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureFunction {
    pub url: String,
    /// The QStash message of this call of the failure function (OAW `FailureFunction.messageId`):
    /// each re-run is a new message, logged from its start, so a client can tell whether a
    /// call started after its request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// A `CALLBACK_*` state once it was called; none while nothing called it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<CallbackState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<Headers>,
    /// Each call made to it, with when it started and ended: whether a call started after a
    /// given moment is what an exactly-once check asks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<CallAttempt>,
}

/// One call of a failure callback.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallAttempt {
    pub started_at: i64,
    pub ended_at: i64,
    /// The answer's status; 0 when none came.
    pub status: i64,
}

/// A message log entry under its sort key: newest first is descending `(time, seq)`, and the
/// sequence makes the key unique and keeps transitions of one millisecond in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogRecord {
    pub seq: u64,
    #[serde(flatten)]
    pub entry: LogEntry,
}

pub type LogKey = (i64, u64);

/// One DLQ API request as received (`/__sandbox/requests`); Authorization is never kept.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    /// The reply's status; 0 when the connection was dropped without one.
    pub status: u16,
    /// When it arrived and when its reply left, epoch ms.
    pub at: i64,
    pub took_ms: i64,
}

/// Mutation counters of one dlqId.
pub type Applied = BTreeMap<String, u64>;

/// Enough for a 10,000-entry run of per-id requests, with room to spare.
const REQUEST_LOG: usize = 20_000;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    pub token: String,
    #[serde(with = "entries")]
    pub qstash: BTreeMap<Key, Stored>,
    #[serde(with = "entries")]
    pub workflow: BTreeMap<Key, Stored>,
    #[serde(default)]
    pub applied: BTreeMap<String, Applied>,
    #[serde(default)]
    pub messages: Vec<MessageRecord>,
    #[serde(default)]
    pub runs: Vec<RunRecord>,
    #[serde(default, with = "log_records")]
    pub logs: BTreeMap<LogKey, LogRecord>,
    #[serde(default)]
    pub log_seq: u64,
    /// URL groups, queues, schedules: where messages come from besides a plain publish.
    #[serde(default)]
    pub sources: super::sources::Sources,
    /// Flow-control keys' configurations (`flowstate`).
    #[serde(default, skip_serializing_if = "super::flowstate::FlowKeys::is_empty")]
    pub flow_keys: super::flowstate::FlowKeys,
    /// The keys deliveries are signed with (`signing`).
    #[serde(default, skip_serializing_if = "super::signing::SigningKeys::is_empty")]
    pub signing: super::signing::SigningKeys,
    #[serde(skip)]
    pub requests: VecDeque<RequestRecord>,
    /// Each queue's messages, for `queues::release` (derived, so never saved).
    #[serde(skip)]
    pub queue_slots: super::queueslots::QueueSlots,
    /// The newest record of each run and callback, for the actions (derived, never saved).
    #[serde(skip)]
    pub run_index: super::runindex::RunIndex,
    /// Set when the server's owner is done with it (see `embedded`): nothing is saved after.
    #[serde(skip)]
    pub closed: bool,
}

/// The state file lists entries in order; the key is derived from each dlqId on load.
mod entries {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &BTreeMap<Key, Stored>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.values())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Key, Stored>, D::Error> {
        let v: Vec<Stored> = Vec::deserialize(d)?;
        Ok(v.into_iter()
            .map(|s| (Key::parse(&s.entry.dlq_id), s))
            .collect())
    }
}

/// Log records are listed in the state file in key order; the key is derived on load.
mod log_records {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        m: &BTreeMap<LogKey, LogRecord>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.values())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<LogKey, LogRecord>, D::Error> {
        let v: Vec<LogRecord> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|r| ((r.entry.time, r.seq), r)).collect())
    }
}

impl Store {
    /// Appends a message log entry.
    pub fn log(&mut self, entry: LogEntry) {
        self.log_seq += 1;
        let seq = self.log_seq;
        self.logs
            .insert((entry.time, seq), LogRecord { seq, entry });
    }

    pub fn dlq(&self, which: Dlq) -> &BTreeMap<Key, Stored> {
        match which {
            Dlq::Qstash => &self.qstash,
            Dlq::Workflow => &self.workflow,
        }
    }

    pub fn dlq_mut(&mut self, which: Dlq) -> &mut BTreeMap<Key, Stored> {
        match which {
            Dlq::Qstash => &mut self.qstash,
            Dlq::Workflow => &mut self.workflow,
        }
    }

    /// Which DLQ holds `id`, if any.
    pub fn locate(&self, id: &str) -> Option<Dlq> {
        let key = Key::parse(id);
        if self.qstash.contains_key(&key) {
            Some(Dlq::Qstash)
        } else if self.workflow.contains_key(&key) {
            Some(Dlq::Workflow)
        } else {
            None
        }
    }

    /// A fresh dlqId at `ms`, unique across both DLQs so an id never names two entries.
    pub fn new_dlq_id(&self, ms: i64) -> String {
        let used = |seq: u64| {
            let k = Key {
                ms,
                seq,
                raw: String::new(),
            };
            self.qstash.contains_key(&k) || self.workflow.contains_key(&k)
        };
        let mut seq = 0;
        while used(seq) {
            seq += 1;
        }
        format!("{ms}-{seq}")
    }

    /// Inserts an entry under its own dlqId, allocating one if it has none.
    pub fn insert(&mut self, which: Dlq, mut stored: Stored, now_ms: i64) -> String {
        if stored.entry.dlq_id.is_empty() {
            stored.entry.dlq_id = self.new_dlq_id(now_ms);
        }
        let id = stored.entry.dlq_id.clone();
        self.dlq_mut(which).insert(Key::parse(&id), stored);
        id
    }

    pub fn remove(&mut self, which: Dlq, id: &str) -> Option<Stored> {
        self.dlq_mut(which).remove(&Key::parse(id))
    }

    pub fn count(&mut self, id: &str, mutation: &str) {
        *self
            .applied
            .entry(id.to_string())
            .or_default()
            .entry(mutation.to_string())
            .or_default() += 1;
    }

    pub fn log_request(&mut self, r: RequestRecord) {
        if self.requests.len() >= REQUEST_LOG {
            self.requests.pop_front();
        }
        self.requests.push_back(r);
    }

    /// Entries strictly after `cursor` in the given direction, in that direction, inserted
    /// within `[from, to]` (ms, each end optional). The window is a range of the keys, which
    /// sort by when the entry was inserted, as a server's index by time would seek: a page of
    /// a narrow window does not walk every entry before it.
    pub fn after<'a>(
        &'a self,
        which: Dlq,
        cursor: Option<&Key>,
        descending: bool,
        (from, to): (Option<i64>, Option<i64>),
    ) -> Box<dyn Iterator<Item = &'a Stored> + 'a> {
        let at = |ms: i64, seq: u64| Key {
            ms,
            seq,
            raw: String::new(),
        };
        let mut lo = from.map_or(Bound::Unbounded, |f| Bound::Included(at(f, 0)));
        let mut hi = to.map_or(Bound::Unbounded, |t| Bound::Included(at(t, u64::MAX)));
        // The cursor narrows the window on its side, strictly, unless the window is narrower.
        let edge = |b: &Bound<Key>| match b {
            Bound::Included(x) | Bound::Excluded(x) => Some(x.clone()),
            Bound::Unbounded => None,
        };
        match cursor {
            Some(k) if !descending && edge(&lo).is_none_or(|x| *k >= x) => {
                lo = Bound::Excluded(k.clone())
            }
            Some(k) if descending && edge(&hi).is_none_or(|x| *k <= x) => {
                hi = Bound::Excluded(k.clone())
            }
            _ => {}
        }
        if empty(&lo, &hi) {
            return Box::new(std::iter::empty());
        }
        let range = self.dlq(which).range((lo, hi)).map(|(_, v)| v);
        if descending {
            Box::new(range.rev())
        } else {
            Box::new(range)
        }
    }
}

/// Whether no key lies between `lo` and `hi` (where a `BTreeMap::range` over them would panic).
fn empty(lo: &Bound<Key>, hi: &Bound<Key>) -> bool {
    use Bound::*;
    match (lo, hi) {
        (Unbounded, _) | (_, Unbounded) => false,
        (Included(a), Included(b)) => a > b,
        (Included(a), Excluded(b)) | (Excluded(a), Included(b)) | (Excluded(a), Excluded(b)) => {
            a >= b
        }
    }
}

/// Random id with a prefix, like the service's `msg_...` and `wfr_...`.
pub fn random_id(prefix: &str, rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let tail: String = (0..24)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{tail}")
}

/// A fresh message id, as QStash makes them.
pub fn new_message_id() -> String {
    random_id("msg_", &mut rand::thread_rng())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
