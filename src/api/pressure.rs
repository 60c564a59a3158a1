//! How hard the server is pushing back, as seen on every reply: 429s, and what the rate-limit
//! headers say is left. The transport writes it; the bulk engine reads it to choose how many
//! requests to keep in flight. Plain counters, shared without locks.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;

#[derive(Debug, Default)]
pub struct Pressure {
    replies: AtomicU64,
    throttled: AtomicU64,
    /// `Burst-RateLimit-Remaining` of the latest reply; -1 when it did not say. A reading
    /// expires with the next reply: one that carries no header says nothing about the budget,
    /// and keeping an old `0` would hold a run at one request in flight for good.
    remaining: AtomicI64,
    /// Sum of reply times in microseconds, for the mean.
    micros: AtomicU64,
    /// `Burst-RateLimit-Limit`: requests a second the server allows; 0 when none said.
    limit: AtomicU64,
}

/// What the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub replies: u64,
    /// Replies that were 429 (throttled), retried or not.
    pub throttled: u64,
    pub remaining: Option<u64>,
    pub mean: Duration,
    /// The server's per-second limit, once a reply has said it.
    pub limit: Option<u64>,
}

impl Pressure {
    pub fn new() -> Pressure {
        let p = Pressure::default();
        p.remaining.store(-1, Ordering::Relaxed);
        p
    }

    pub(crate) fn saw(&self, status: u16, headers: &HeaderMap, took: Duration) {
        self.replies.fetch_add(1, Ordering::Relaxed);
        self.micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        if status == 429 {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        let num =
            |name: &str| -> Option<i64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let remaining = num("burst-ratelimit-remaining").map_or(-1, |r| r.max(0));
        self.remaining.store(remaining, Ordering::Relaxed);
        // Only the burst limit is per second; the daily one says nothing about pacing.
        if let Some(l) = num("burst-ratelimit-limit").filter(|l| *l > 0) {
            self.limit.store(l as u64, Ordering::Relaxed);
        }
    }

    /// A reply with only `Burst-RateLimit-Remaining` (or no rate-limit header), for the
    /// engine's tests, which must not build HTTP headers themselves.
    #[cfg(test)]
    pub(crate) fn saw_remaining(&self, status: u16, remaining: Option<&str>, took: Duration) {
        let mut h = HeaderMap::new();
        if let Some(r) = remaining {
            h.insert("burst-ratelimit-remaining", r.parse().unwrap());
        }
        self.saw(status, &h, took);
    }

    pub fn read(&self) -> Reading {
        let replies = self.replies.load(Ordering::Relaxed);
        let r = self.remaining.load(Ordering::Relaxed);
        Reading {
            replies,
            throttled: self.throttled.load(Ordering::Relaxed),
            remaining: (r >= 0).then_some(r as u64),
            mean: Duration::from_micros(self.micros.load(Ordering::Relaxed) / replies.max(1)),
            limit: Some(self.limit.load(Ordering::Relaxed)).filter(|l| *l > 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(remaining: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(r) = remaining {
            h.insert("burst-ratelimit-remaining", HeaderValue::from_static(r));
        }
        h
    }

    #[test]
    fn a_reply_without_rate_limit_headers_expires_the_old_reading() {
        let p = Pressure::new();
        let ms = Duration::from_millis(5);
        p.saw(429, &headers(Some("0")), ms);
        assert_eq!(p.read().remaining, Some(0));
        p.saw(200, &headers(None), ms);
        assert_eq!(
            p.read().remaining,
            None,
            "no header: the budget is no longer known"
        );
        p.saw(200, &headers(Some("7")), ms);
        assert_eq!(p.read().remaining, Some(7));
    }
}
