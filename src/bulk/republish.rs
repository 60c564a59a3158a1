//! `dlq republish`, as the engine sees it: each entry's new message, frozen in the job before
//! anything is sent, and the [`Republishing`] ledger of its two steps, the publish and then the
//! delete of the entry.
//!
//! Exactly once rests on three facts. Every publish carries a deduplication id derived from its
//! DLQ entry ([`dedup_id`]), so a re-send after a lost reply is answered with the first
//! message's id and not delivered again, for as long as the service remembers the id
//! ([`DEDUP_WINDOW_MS`]). An entry is deleted only once its publish was accepted, and the journal
//! holds that (`published`) before the delete goes, so a continued job deletes and never
//! publishes again. And the time of each entry's first publish is journaled before it goes
//! (`publishing`), so a publish whose reply was lost is sent again only while the window is
//! surely open ([`SAFE_RESEND_MS`]); later, nothing can tell whether it was accepted, and the
//! entry is left in the DLQ as unconfirmed.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

pub use super::frozen::{Built, Line};
use super::frozen::{Frozen, Messages};

/// How long the service answers a deduplication id with its first message (OpenAPI,
/// `Upstash-Deduplication-Id`: "in the last 10 minutes").
pub const DEDUP_WINDOW_MS: i64 = 10 * 60 * 1000;

/// A publish whose reply was lost is sent again only this long after its first send: the
/// window, less room for the two clocks to disagree and for a slow first request.
pub const SAFE_RESEND_MS: i64 = DEDUP_WINDOW_MS - 2 * 60 * 1000;

/// Messages per `POST /v2/batch` unless told otherwise: the service's own cap.
pub const MAX_BATCH: usize = 100;

/// The deduplication id of an entry's new message: the same for every send of it, by this job
/// or any other, so an entry is published once however often it is tried.
pub fn dedup_id(dlq_id: &str) -> String {
    format!("dlq-republish-{dlq_id}")
}

/// A publish the service accepted, journaled before the entry is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Publication {
    pub dlq_id: String,
    /// One message, or one per endpoint of a URL group.
    pub message_ids: Vec<String>,
    /// The service had the message already: an earlier send of it was accepted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deduplicated: bool,
}

/// The first send of these entries' publishes, journaled before they go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub ids: Vec<String>,
    pub at_ms: i64,
}

/// A step the journal must hold before the engine goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Publishing(Attempt),
    /// Accepted publishes: one for a message sent alone, the accepted items of a batch.
    Published(Vec<Publication>),
}

/// Whether an entry's publish may be sent now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Go {
    /// Never sent before.
    First,
    /// Sent before, its reply lost, within the window: the service deduplicates it.
    Again,
    /// Sent before, its reply lost, and the window may have closed: never sent again.
    TooLate(String),
}

/// The messages of a republish job, and what became of their publishes so far. The messages
/// stay on disk, read a chunk at a time; what is known of an entry's publish is dropped once
/// the entry is settled, so a run holds no more per entry than its plan's id.
pub struct Republishing {
    frozen: Frozen,
    published: Mutex<HashMap<String, Publication>>,
    first_sent: Mutex<HashMap<String, i64>>,
    clock: Box<dyn Fn() -> i64 + Send + Sync>,
    batch: usize,
}

impl Republishing {
    /// The job's messages, and what its journal says of earlier runs.
    pub fn new(
        frozen: Frozen,
        published: impl IntoIterator<Item = Publication>,
        first_sent: HashMap<String, i64>,
    ) -> Republishing {
        Republishing {
            frozen,
            published: Mutex::new(
                published
                    .into_iter()
                    .map(|p| (p.dlq_id.clone(), p))
                    .collect(),
            ),
            first_sent: Mutex::new(first_sent),
            clock: Box::new(|| jiff::Timestamp::now().as_millisecond()),
            batch: MAX_BATCH,
        }
    }

    /// The same, sending `n` messages per batch (1 to [`MAX_BATCH`]; `None`: the most).
    pub fn with_batch(mut self, n: Option<usize>) -> Self {
        self.batch = n.unwrap_or(MAX_BATCH).clamp(1, MAX_BATCH);
        self
    }

    /// Messages per `POST /v2/batch`.
    pub fn batch_size(&self) -> usize {
        self.batch
    }

    /// The same, with a clock of the caller's (tests move time past the window).
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    /// The planned messages of `ids` (a chunk's), read from the job's file.
    pub fn messages(&self, ids: &[String]) -> std::io::Result<Messages> {
        self.frozen.take(ids)
    }

    /// Whether `id`'s publish was accepted.
    pub fn published(&self, id: &str) -> bool {
        self.published.lock().unwrap().contains_key(id)
    }

    /// An accepted publish: from here on `id` is only deleted, never sent again.
    pub fn note_published(&self, p: Publication) {
        self.first_sent.lock().unwrap().remove(&p.dlq_id);
        self.published.lock().unwrap().insert(p.dlq_id.clone(), p);
    }

    /// `id` is settled in this run: what was kept of its publish goes, and comes back.
    pub fn settle(&self, id: &str) -> Option<Publication> {
        self.first_sent.lock().unwrap().remove(id);
        self.published.lock().unwrap().remove(id)
    }

    /// Entries whose publish the ledger still holds: none once every entry is settled.
    #[cfg(test)]
    pub fn holding(&self) -> usize {
        self.published.lock().unwrap().len() + self.first_sent.lock().unwrap().len()
    }

    /// Whether `id`'s publish may go now; a first send is noted at `now`, and must be journaled
    /// (`Step::Publishing`) before it goes.
    pub fn may_send(&self, id: &str) -> Go {
        let now = self.now_ms();
        let mut first = self.first_sent.lock().unwrap();
        match first.get(id) {
            None => {
                first.insert(id.to_string(), now);
                Go::First
            }
            Some(&at) if now - at < SAFE_RESEND_MS => Go::Again,
            Some(&at) => Go::TooLate(format!(
                "its publish was first sent {} ago and the reply was lost; the service \
                 deduplicates a re-send for {} minutes only, so whether it was published \
                 cannot be told and it was not sent again: left in the DLQ (check the \
                 destination, then delete or republish the entry)",
                ago(now - at),
                DEDUP_WINDOW_MS / 60_000
            )),
        }
    }
}

fn ago(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_publish_is_sent_again_only_while_the_window_is_surely_open() {
        let now = Arc::new(AtomicI64::new(1_000_000));
        let clock = now.clone();
        let dir = tempfile::tempdir().unwrap();
        crate::bulk::frozen::write_lines(dir.path(), &[]).unwrap();
        let frozen = Frozen::open(dir.path()).unwrap();
        let r = Republishing::new(frozen, [], HashMap::from([("old".to_string(), 0)]))
            .with_clock(move || clock.load(Ordering::SeqCst));
        assert!(matches!(r.may_send("old"), Go::TooLate(_)));
        assert_eq!(r.may_send("a"), Go::First);
        now.fetch_add(SAFE_RESEND_MS - 1, Ordering::SeqCst);
        assert_eq!(r.may_send("a"), Go::Again);
        now.fetch_add(1, Ordering::SeqCst);
        assert!(matches!(r.may_send("a"), Go::TooLate(m) if m.contains("left in the DLQ")));
    }

    #[test]
    fn a_line_reads_back_as_written() {
        let l = Line {
            dlq_id: "1-0".into(),
            built: Built::Refused("no --rewrite-url rule matches".into()),
        };
        let s = serde_json::to_string(&l).unwrap();
        assert_eq!(
            s,
            r#"{"dlqId":"1-0","refused":"no --rewrite-url rule matches"}"#
        );
        assert_eq!(serde_json::from_str::<Line>(&s).unwrap(), l);
    }
}
