//! How many requests a bulk run keeps in flight: more while replies come back fast and clean,
//! half as many as soon as the server throttles (a 429, retried or not) or its rate-limit
//! headers say the budget is spent, never more than the ceiling (`--concurrency`).
//!
//! Like TCP's congestion control: it starts small and grows by one per finished request until
//! the first sign of pressure, then by one per round of clean requests. Replies much slower
//! than the best seen mean requests are queueing at the server: one fewer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::api::Reading;

/// The most requests in flight when `--concurrency` is not given (see
/// [`super::action::Verb::default_concurrency`]).
pub const DEFAULT_CONCURRENCY: usize = 32;
/// The most `--concurrency` allows.
pub const MAX_CONCURRENCY: usize = 64;

pub struct Controller {
    limit: AtomicUsize,
    ceiling: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    last: Option<Reading>,
    /// No pressure seen yet: grow quickly.
    slow_start: bool,
    clean: usize,
    /// The fastest mean reply time seen over a round.
    best: Option<Duration>,
}

impl Controller {
    /// Starts at `start` in flight (at most `ceiling`).
    pub fn new(start: usize, ceiling: usize) -> Controller {
        let ceiling = ceiling.max(1);
        Controller {
            limit: AtomicUsize::new(start.clamp(1, ceiling)),
            ceiling,
            state: Mutex::new(State {
                slow_start: true,
                ..State::default()
            }),
        }
    }

    /// A fixed number in flight: `--concurrency` without adapting.
    pub fn fixed(n: usize) -> Controller {
        let c = Controller::new(n, n);
        c.state.lock().unwrap().slow_start = false;
        c
    }

    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::SeqCst)
    }

    pub fn ceiling(&self) -> usize {
        self.ceiling
    }

    /// Adjusts after a request finished, from the client's latest reading.
    pub fn observe(&self, now: Reading) {
        let mut st = self.state.lock().unwrap();
        let Some(last) = st.last.replace(now) else {
            return;
        };
        let limit = self.limit();
        // An empty budget counts once per new reply that says so, not once per look.
        let spent = now.remaining == Some(0) && now.replies > last.replies;
        if now.throttled > last.throttled || spent {
            st.slow_start = false;
            st.clean = 0;
            self.set(limit / 2);
            return;
        }
        let replies = now.replies.saturating_sub(last.replies);
        if replies == 0 {
            return;
        }
        // The mean reply time of the requests since the last look.
        let total = |r: &Reading| r.mean.as_micros() as u64 * r.replies;
        let window =
            Duration::from_micros(total(&now).saturating_sub(total(&last)) / replies.max(1));
        let best = *st.best.get_or_insert(window);
        if window < best {
            st.best = Some(window);
        }
        if window > best * 4 + Duration::from_millis(50) {
            st.clean = 0;
            self.set(limit.saturating_sub(1));
            return;
        }
        st.clean += 1;
        if st.slow_start || st.clean >= limit {
            st.clean = 0;
            self.set(limit + 1);
        }
    }

    fn set(&self, n: usize) {
        self.limit.store(n.clamp(1, self.ceiling), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(replies: u64, throttled: u64, mean_ms: u64) -> Reading {
        Reading {
            replies,
            throttled,
            remaining: None,
            mean: Duration::from_millis(mean_ms),
            limit: None,
        }
    }

    #[test]
    fn grows_when_clean_halves_when_throttled_and_stays_under_the_ceiling() {
        let c = Controller::new(2, 16);
        let mut replies = 0;
        for _ in 0..40 {
            replies += 1;
            c.observe(reading(replies, 0, 20));
        }
        assert_eq!(c.limit(), 16, "slow start reaches the ceiling");
        replies += 1;
        c.observe(reading(replies, 1, 20));
        assert_eq!(c.limit(), 8, "a 429 halves it");
        // After pressure it grows by one per round of `limit` clean replies.
        for _ in 0..8 {
            replies += 1;
            c.observe(reading(replies, 1, 20));
        }
        assert_eq!(c.limit(), 9);
        let f = Controller::fixed(4);
        for i in 0..20 {
            f.observe(reading(i, 0, 20));
        }
        assert_eq!(f.limit(), 4, "fixed never grows");
    }

    #[test]
    fn an_empty_budget_or_queueing_brings_it_down() {
        let c = Controller::new(8, 8);
        c.observe(reading(1, 0, 20));
        c.observe(Reading {
            remaining: Some(0),
            ..reading(2, 0, 20)
        });
        assert_eq!(c.limit(), 4);
        c.observe(reading(3, 0, 20));
        // Replies four times slower than the best: one fewer.
        c.observe(reading(4, 0, 2000));
        assert_eq!(c.limit(), 3);
    }

    /// One 429 with `Remaining: 0`, then replies that carry no rate-limit headers (issue 19,
    /// item 6): the pressure reading expires and the run grows back.
    #[test]
    fn recovers_after_one_429_when_later_replies_have_no_headers() {
        let p = crate::api::Pressure::new();
        let c = Controller::new(8, 8);
        let ms = Duration::from_millis(5);
        p.saw_remaining(200, None, ms);
        c.observe(p.read());
        p.saw_remaining(429, Some("0"), ms);
        c.observe(p.read());
        assert_eq!(c.limit(), 4, "the 429 halves it");
        for _ in 0..60 {
            p.saw_remaining(200, None, ms);
            c.observe(p.read());
        }
        assert_eq!(
            c.limit(),
            8,
            "clean replies without headers bring it back to the ceiling"
        );
    }
}
