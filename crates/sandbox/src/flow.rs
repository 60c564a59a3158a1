//! Flow control as the service applies it to deliveries: for each flow-control key, at most
//! `parallelism` deliveries in flight at once, and at most `rate` started in any `period`
//! (seconds; one when not given). A delivery waits at the gate until both allow it; the
//! limits are those of the message at the gate, so a key's newest setting is the one in force.
//! Waiting is polled: a wake-up missed is a few milliseconds late, never lost.
//!
//! A rate over a period longer than [`MAX_RATE_PERIOD_S`] is recorded, not waited for: the
//! seeded keys (`rate=3, period=1d`) would hold a rehearsal for hours, which tells nobody
//! anything a per-second rate does not.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::store::now_ms;

/// The longest rate period the sandbox waits out.
pub const MAX_RATE_PERIOD_S: i64 = 1;

/// How often a waiting delivery looks again.
const POLL: Duration = Duration::from_millis(5);

/// The limits a message asks for under its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub parallelism: Option<i64>,
    pub rate: Option<i64>,
    pub period_ms: i64,
}

impl Limits {
    /// The limits of a message's configuration; `None` when it asks for none.
    pub fn of(
        parallelism: Option<i64>,
        rate: Option<i64>,
        period_s: Option<i64>,
    ) -> Option<Limits> {
        if parallelism.is_none() && rate.is_none() {
            return None;
        }
        let period_s = period_s.filter(|p| *p > 0).unwrap_or(1);
        let rate = rate.filter(|r| *r > 0 && period_s <= MAX_RATE_PERIOD_S);
        let parallelism = parallelism.filter(|p| *p > 0);
        if parallelism.is_none() && rate.is_none() {
            return None;
        }
        Some(Limits {
            parallelism,
            rate,
            period_ms: period_s * 1000,
        })
    }
}

#[derive(Default)]
struct Key {
    in_flight: i64,
    /// When deliveries started, within the last period.
    started: VecDeque<i64>,
}

/// The gates of every key.
#[derive(Default)]
pub struct Flow {
    keys: Mutex<HashMap<String, Key>>,
}

/// A delivery let through: the key's place is given back when it is dropped.
pub struct Pass {
    flow: Arc<Flow>,
    key: String,
}

impl Drop for Pass {
    fn drop(&mut self) {
        if let Some(k) = self.flow.keys.lock().unwrap().get_mut(&self.key) {
            k.in_flight -= 1;
        }
    }
}

impl Flow {
    /// Waits until a delivery under `key` may start.
    pub async fn enter(self: &Arc<Self>, key: &str, limits: Limits) -> Pass {
        loop {
            if let Some(pass) = self.try_enter(key, limits, now_ms()) {
                return pass;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn try_enter(self: &Arc<Self>, key: &str, limits: Limits, now: i64) -> Option<Pass> {
        let mut keys = self.keys.lock().unwrap();
        let k = keys.entry(key.to_string()).or_default();
        while k
            .started
            .front()
            .is_some_and(|t| *t <= now - limits.period_ms)
        {
            k.started.pop_front();
        }
        let busy = limits.parallelism.is_some_and(|p| k.in_flight >= p);
        let spent = limits.rate.is_some_and(|r| k.started.len() as i64 >= r);
        if busy || spent {
            return None;
        }
        k.in_flight += 1;
        k.started.push_back(now);
        Some(Pass {
            flow: self.clone(),
            key: key.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallelism_and_rate_each_hold_a_key_and_leave_others_alone() {
        let flow = Arc::new(Flow::default());
        let two = Limits::of(Some(2), None, None).unwrap();
        let a = flow.try_enter("k", two, 0).unwrap();
        let _b = flow.try_enter("k", two, 0).unwrap();
        assert!(flow.try_enter("k", two, 0).is_none(), "a third at once");
        assert!(flow.try_enter("other", two, 0).is_some(), "keys are apart");
        drop(a);
        assert!(flow.try_enter("k", two, 0).is_some(), "a place given back");

        let rate = Limits::of(None, Some(2), None).unwrap();
        let _ = flow.try_enter("r", rate, 0).unwrap();
        let _ = flow.try_enter("r", rate, 100).unwrap();
        assert!(flow.try_enter("r", rate, 999).is_none(), "two a second");
        assert!(
            flow.try_enter("r", rate, 1_000).is_some(),
            "the first left the period"
        );
        assert_eq!(Limits::of(None, None, Some(5)), None);
        // A rate over a day is not waited out; a parallelism beside it still is.
        assert_eq!(Limits::of(None, Some(3), Some(86_400)), None);
        let both = Limits::of(Some(2), Some(3), Some(86_400)).unwrap();
        assert_eq!((both.parallelism, both.rate), (Some(2), None));
    }
}
