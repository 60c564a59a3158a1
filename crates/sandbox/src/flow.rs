//! Flow control as the service applies it to deliveries: for each flow-control key, at most
//! `parallelism` deliveries in flight at once, at most `rate` started in each `period`, none
//! while the key is paused. A delivery waits at the gate until all allow it. The limits are
//! the key's configuration (`flowstate::KeyConfig`, kept in the state: the newest message's, or
//! what was pinned); the gate holds a copy, newest revision wins, so a pause or pin reaches
//! deliveries already waiting. Waiting is polled: a wake-up missed is a few milliseconds late,
//! never lost.
//!
//! A rate period is a fixed window: it starts with the first delivery after the last one
//! ended (or at `resetRate`/pin), as `ratePeriodStart` shows. A rate over a period longer than
//! [`MAX_RATE_PERIOD_S`] is counted, not waited for: the seeded keys (`rate=3, period=1d`)
//! would hold a rehearsal for hours, which tells nobody anything a per-second rate does not.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::flowstate::KeyConfig;
use super::store::now_ms;

/// The longest rate period the sandbox waits out.
pub const MAX_RATE_PERIOD_S: i64 = 1;

/// How often a waiting delivery looks again.
const POLL: Duration = Duration::from_millis(5);

#[derive(Default)]
struct Key {
    config: KeyConfig,
    in_flight: i64,
    waiting: i64,
    /// The current rate period's start (epoch ms) and deliveries started in it.
    period: Option<(i64, i64)>,
}

impl Key {
    /// The rate period in force at `now`, if one is.
    fn period_at(&self, now: i64) -> Option<(i64, i64)> {
        self.period
            .filter(|(start, _)| now < start + self.config.period_s.max(1) * 1000)
    }
}

/// What a key's gate shows (`GET /v2/flowControl/{key}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub in_flight: i64,
    pub waiting: i64,
    pub rate_count: i64,
    /// Start of the rate period in force, epoch ms.
    pub period_start: Option<i64>,
}

/// The gates of every key, and every delivery in flight (`GET /v2/globalParallelism`).
#[derive(Default)]
pub struct Flow {
    keys: Mutex<HashMap<String, Key>>,
    running: AtomicI64,
}

/// A delivery let through: its places are given back when it is dropped.
pub struct Pass {
    flow: Arc<Flow>,
    key: Option<String>,
}

impl Drop for Pass {
    fn drop(&mut self) {
        self.flow.running.fetch_sub(1, Ordering::SeqCst);
        if let Some(key) = &self.key {
            if let Some(k) = self.flow.keys.lock().unwrap().get_mut(key) {
                k.in_flight -= 1;
            }
        }
    }
}

/// A delivery counted as waiting until dropped: also when its future is.
struct Waiting<'a> {
    flow: &'a Flow,
    key: &'a str,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Some(k) = self.flow.keys.lock().unwrap().get_mut(self.key) {
            k.waiting -= 1;
        }
    }
}

impl Flow {
    /// Waits until a delivery under `key` (with the key's configuration as the state holds
    /// it) may start; one without a key goes at once.
    pub async fn enter(self: &Arc<Self>, key: Option<(String, KeyConfig)>) -> Pass {
        let Some((key, config)) = key else {
            self.running.fetch_add(1, Ordering::SeqCst);
            return Pass {
                flow: self.clone(),
                key: None,
            };
        };
        self.configure(&key, config);
        if let Some(pass) = self.try_enter(&key, now_ms()) {
            return pass;
        }
        self.keys
            .lock()
            .unwrap()
            .entry(key.clone())
            .or_default()
            .waiting += 1;
        let _waiting = Waiting {
            flow: self,
            key: &key,
        };
        loop {
            tokio::time::sleep(POLL).await;
            if let Some(pass) = self.try_enter(&key, now_ms()) {
                return pass;
            }
        }
    }

    /// Takes `config` for `key` unless the gate has a newer one.
    pub fn configure(&self, key: &str, config: KeyConfig) {
        let mut keys = self.keys.lock().unwrap();
        let k = keys.entry(key.to_string()).or_default();
        if config.rev >= k.config.rev {
            k.config = config;
        }
    }

    /// Ends the key's rate period: the next delivery starts a new one.
    pub fn reset_rate(&self, key: &str) {
        if let Some(k) = self.keys.lock().unwrap().get_mut(key) {
            k.period = None;
        }
    }

    pub fn usage(&self, key: &str, now: i64) -> Usage {
        let keys = self.keys.lock().unwrap();
        let Some(k) = keys.get(key) else {
            return Usage::default();
        };
        let period = k.period_at(now);
        Usage {
            in_flight: k.in_flight,
            waiting: k.waiting,
            rate_count: period.map_or(0, |(_, n)| n),
            period_start: period.map(|(start, _)| start),
        }
    }

    /// Deliveries in flight, under a key or not.
    pub fn running(&self) -> i64 {
        self.running.load(Ordering::SeqCst)
    }

    fn try_enter(self: &Arc<Self>, key: &str, now: i64) -> Option<Pass> {
        let mut keys = self.keys.lock().unwrap();
        let k = keys.entry(key.to_string()).or_default();
        let c = &k.config;
        let period = k.period_at(now);
        let busy = c.parallelism.is_some_and(|p| p > 0 && k.in_flight >= p);
        let waits_out_rate = c.period_s.max(1) <= MAX_RATE_PERIOD_S;
        let spent = c
            .rate
            .is_some_and(|r| r > 0 && waits_out_rate && period.is_some_and(|(_, n)| n >= r));
        if c.paused || busy || spent {
            return None;
        }
        k.in_flight += 1;
        k.period = Some(match period {
            Some((start, n)) => (start, n + 1),
            None => (now, 1),
        });
        self.running.fetch_add(1, Ordering::SeqCst);
        Some(Pass {
            flow: self.clone(),
            key: Some(key.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(parallelism: Option<i64>, rate: Option<i64>, period_s: i64) -> KeyConfig {
        KeyConfig {
            parallelism,
            rate,
            period_s,
            ..KeyConfig::default()
        }
    }

    #[test]
    fn parallelism_and_rate_each_hold_a_key_and_leave_others_alone() {
        let flow = Arc::new(Flow::default());
        flow.configure("k", config(Some(2), None, 1));
        flow.configure("other", config(Some(2), None, 1));
        let a = flow.try_enter("k", 0).unwrap();
        let _b = flow.try_enter("k", 0).unwrap();
        assert!(flow.try_enter("k", 0).is_none(), "a third at once");
        assert!(flow.try_enter("other", 0).is_some(), "keys are apart");
        assert_eq!(
            flow.running(),
            2,
            "the third, let through and dropped, is gone"
        );
        drop(a);
        assert!(flow.try_enter("k", 0).is_some(), "a place given back");

        flow.configure("r", config(None, Some(2), 1));
        let _ = flow.try_enter("r", 0).unwrap();
        let _ = flow.try_enter("r", 100).unwrap();
        assert!(flow.try_enter("r", 999).is_none(), "two a second");
        assert!(flow.try_enter("r", 1_000).is_some(), "the period is over");
        // A rate over a day is counted, not waited out; a parallelism beside it still is.
        flow.configure("d", config(Some(1), Some(1), 86_400));
        let held = flow.try_enter("d", 0).unwrap();
        assert!(flow.try_enter("d", 0).is_none(), "parallelism 1");
        drop(held);
        assert!(
            flow.try_enter("d", 0).is_some(),
            "the rate is not waited for"
        );
    }

    #[test]
    fn a_paused_key_holds_until_resumed_and_an_older_config_does_not_undo_it() {
        let flow = Arc::new(Flow::default());
        let mut paused = config(None, None, 1);
        paused.paused = true;
        paused.rev = 2;
        flow.configure("k", paused.clone());
        assert!(flow.try_enter("k", 0).is_none());
        flow.configure(
            "k",
            KeyConfig {
                rev: 1,
                ..config(None, None, 1)
            },
        );
        assert!(flow.try_enter("k", 0).is_none(), "a stale copy is ignored");
        paused.paused = false;
        paused.rev = 3;
        flow.configure("k", paused);
        assert!(flow.try_enter("k", 0).is_some());
    }

    #[test]
    fn reset_rate_ends_the_period_and_usage_counts_it() {
        let flow = Arc::new(Flow::default());
        flow.configure("r", config(None, Some(1), 1));
        let now = now_ms();
        let _p = flow.try_enter("r", now).unwrap();
        assert!(flow.try_enter("r", now).is_none());
        let u = flow.usage("r", now);
        assert_eq!(
            (u.rate_count, u.in_flight, u.period_start),
            (1, 1, Some(now))
        );
        flow.reset_rate("r");
        assert_eq!(flow.usage("r", now).rate_count, 0);
        assert!(flow.try_enter("r", now).is_some(), "a new period");
    }
}
