//! Whether a failure callback whose reply was lost ran: callback's own notion of "applied".
//!
//! Other actions change the entry (it leaves the DLQ), so after a lost reply the entry's
//! presence says whether they were applied. A callback leaves the entry where it is, and its
//! state says nothing of our request: a re-run that failed again reads `CALLBACK_FAIL` just
//! like one that never ran, and a run with no callback at all reads like anything. So the state
//! is never the evidence. The run logs are: every call of a failure function is a QStash
//! message of its own (`failureFunction.messageId` of the run, the newest call), so
//!
//! - before the first send of an entry's callback, the [`Ledger`] notes the run's newest call
//!   (the baseline): the first one read stands, and none read after the send is ever taken
//!   in (`book`), however late a shared read answers;
//! - after a lost reply, a newest call other than the baseline started after our request: the
//!   callback ran ([`Applied::Yes`], never sent again); the same call as the baseline means no
//!   call started ([`Applied::No`], sent again on that evidence), unless the callback reads
//!   `CALLBACK_INPROGRESS` ([`Look::Running`]): a call the logs do not show yet is under way,
//!   and the engine looks again, paced, until it settles or gives up as unconfirmed;
//! - with no baseline (ids in flight when an earlier run stopped, or a baseline the server did
//!   not answer), the newest call's first log entry is compared with when the job began: well
//!   after it, the job's own call (`Yes`); well before it, not ours (`No`);
//! - anything else (no call shown, no message id, a time too close to call, the run gone from
//!   the DLQ) is [`Applied::Unconfirmed`]: counted and listed apart, never done, never re-sent.

mod book;
mod ledger;

pub use ledger::{Ledger, Look};

/// How far apart the job's start and a call's first log entry must be to tell them apart:
/// room for the client's and the server's clocks to disagree.
pub const CLOCK_SLACK_MS: i64 = 2_000;

/// What the engine does with an entry whose callback reply was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The callback ran after our request: done, not sent again.
    Yes,
    /// No call started after our request: it may be sent again.
    No,
    /// Nothing the server shows can tell; why.
    Unconfirmed(String),
}

/// A run: its id and creation time.
pub type RunRef = (String, Option<i64>);

/// What the server showed of an entry before its callback was first sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub run: RunRef,
    /// The message id of the run's newest failure-function call; `None` when none was shown.
    pub newest: Option<String>,
}

/// The decision, from what was shown before the send (if known) and after the lost reply.
/// `first_log_ms` is the time of the first log entry of `after`'s call, when it was looked up.
pub fn judge(
    before: Option<&Baseline>,
    after: Option<&str>,
    first_log_ms: Option<i64>,
    since_ms: i64,
) -> Applied {
    let Some(after) = after else {
        return Applied::Unconfirmed(
            "reply lost; the run logs show no call of its failure callback with a message id"
                .into(),
        );
    };
    if let Some(b) = before {
        return if b.newest.as_deref() == Some(after) {
            Applied::No
        } else {
            Applied::Yes
        };
    }
    match first_log_ms {
        Some(t) if t >= since_ms + CLOCK_SLACK_MS => Applied::Yes,
        Some(t) if t < since_ms - CLOCK_SLACK_MS => Applied::No,
        Some(_) => Applied::Unconfirmed(
            "reply lost; the callback's newest call started too close to the job's start to tell \
             whose it was"
                .into(),
        ),
        None => Applied::Unconfirmed(
            "reply lost; the message logs do not show when the callback's newest call started"
                .into(),
        ),
    }
}

/// Runs whose newest call one read of the run logs asks for (`workflowRuns=`): the API's cap
/// for ids of runs in one request.
pub const RUN_BATCH: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;

    fn base(newest: Option<&str>) -> Baseline {
        Baseline {
            run: ("wfr_1".into(), Some(1)),
            newest: newest.map(str::to_string),
        }
    }

    #[test]
    fn a_new_call_since_the_baseline_is_applied_the_same_call_is_not() {
        let since = 1_000_000;
        assert_eq!(
            judge(Some(&base(Some("m1"))), Some("m2"), None, since),
            Applied::Yes
        );
        assert_eq!(
            judge(Some(&base(None)), Some("m2"), None, since),
            Applied::Yes
        );
        assert_eq!(
            judge(Some(&base(Some("m1"))), Some("m1"), None, since),
            Applied::No
        );
        // The callback state plays no part: no call shown is never "applied" nor "not".
        assert!(matches!(
            judge(Some(&base(Some("m1"))), None, None, since),
            Applied::Unconfirmed(_)
        ));
        assert!(matches!(
            judge(Some(&base(None)), None, None, since),
            Applied::Unconfirmed(_)
        ));
    }

    #[test]
    fn without_a_baseline_only_a_clear_time_decides() {
        let since = 1_000_000;
        let slack = CLOCK_SLACK_MS;
        assert_eq!(
            judge(None, Some("m"), Some(since + slack), since),
            Applied::Yes
        );
        assert_eq!(
            judge(None, Some("m"), Some(since - slack - 1), since),
            Applied::No
        );
        for t in [since, since - slack, since + slack - 1] {
            assert!(matches!(
                judge(None, Some("m"), Some(t), since),
                Applied::Unconfirmed(_)
            ));
        }
        assert!(matches!(
            judge(None, Some("m"), None, since),
            Applied::Unconfirmed(_)
        ));
        assert!(matches!(
            judge(None, None, Some(since + slack), since),
            Applied::Unconfirmed(_)
        ));
    }
}
