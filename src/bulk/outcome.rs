//! What happened to each entry of a run, what it became afterwards (verified), and the totals
//! that decide the exit code.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The action was applied.
    Done,
    /// The entry was not in the DLQ (deleted, retried or expired meanwhile).
    NotFound,
    /// The server refused or the request failed; `error` says why.
    Failed,
    /// The reply was lost and the server could not be asked afterwards: the action may or may
    /// not have been applied. `--continue` checks these first.
    Unknown,
    /// The reply was lost and nothing the server shows can tell whether the action was
    /// applied (a failure callback: see [`super::callback`]). Never counted as done and never
    /// sent again, by this run or by `--continue`: the entry was acted on at most once.
    Unconfirmed,
}

/// The outcome for one DLQ entry: one line of `--report` and of `-o ndjson`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// Empty when the user's id found no entry (see `input`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dlq_id: String,
    /// The id the user gave when it was not the DLQ id (a `msg_` or `wfr_` id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    pub outcome: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Outcome {
    pub fn done(id: &str) -> Outcome {
        Outcome {
            dlq_id: id.to_string(),
            input: None,
            outcome: Status::Done,
            message_id: None,
            workflow_run_id: None,
            workflow_created_at: None,
            error: None,
        }
    }

    pub fn failed(id: &str, status: Status, error: impl Into<String>) -> Outcome {
        Outcome {
            outcome: status,
            error: Some(error.into()),
            ..Outcome::done(id)
        }
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub planned: u64,
    pub done: u64,
    pub not_found: u64,
    /// Failed, or outcome unknown.
    pub failed: u64,
    /// Entries a request whose reply was lost may have acted on, beyond `done`: the true count
    /// lies between `done` and `done + unconfirmed`. A `--server-side` run's lost pages, or
    /// callbacks whose outcome nothing can tell (their entries say `unconfirmed`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unconfirmed: u64,
    /// Planned but not attempted (interrupted, or a run that stopped early).
    pub pending: u64,
    /// Requests sent, retries included.
    pub requests: u64,
    pub seconds: f64,
    /// Set when the run was interrupted: `dlq <verb> --continue <job>` does the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    pub interrupted: bool,
    /// A pipelined run that stopped before it listed every page: `planned` counts what was
    /// listed so far, and `--continue` lists the rest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub listing_cut: bool,
    /// `--verify`: what the acted-on entries became.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<Tally>,
    /// A pipelined run: matches dated after its start, which it left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer: Option<Newer>,
}

/// Entries that match a pipelined job's filters but are dated after its start (they arrived
/// while it ran, or the server's clock is ahead): never part of the job, so left in the DLQ.
/// Counted when the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Newer {
    pub count: u64,
    /// More than `count` match: counting stopped there.
    pub more: bool,
    /// The job's start: what it acts on is dated up to this time (ms since the epoch).
    pub after_ms: i64,
}

impl Summary {
    pub fn count(&mut self, o: &Outcome) {
        match o.outcome {
            Status::Done => self.done += 1,
            Status::NotFound => self.not_found += 1,
            Status::Failed | Status::Unknown => self.failed += 1,
            Status::Unconfirmed => self.unconfirmed += 1,
        }
    }

    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.done as f64 / self.seconds
        } else {
            0.0
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What an acted-on entry became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Delivered,
    /// Failed again after its retries; `new_dlq_id` says where it is now.
    FailedAgain,
    Cancelled,
    /// Not final when the wait ended.
    Pending,
    /// Nothing to follow: the reply that would have named the new message or run was lost.
    Unknown,
}

/// One entry's verification: a line of `--report` after the outcome lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    pub dlq_id: String,
    pub verified: Verdict,
    /// The new message or run that was followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_id: Option<String>,
    /// Where a failed-again entry is in the DLQ now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_dlq_id: Option<String>,
}

/// Totals of a verification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub delivered: u64,
    pub failed_again: u64,
    pub cancelled: u64,
    pub pending: u64,
    pub unknown: u64,
}

impl Tally {
    pub fn of(results: &[Verified]) -> Tally {
        let mut t = Tally::default();
        for r in results {
            t.add(r.verified);
        }
        t
    }

    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Delivered => self.delivered += 1,
            Verdict::FailedAgain => self.failed_again += 1,
            Verdict::Cancelled => self.cancelled += 1,
            Verdict::Pending => self.pending += 1,
            Verdict::Unknown => self.unknown += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.delivered + self.failed_again + self.cancelled + self.pending + self.unknown
    }
}
