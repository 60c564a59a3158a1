//! `--rate-limit RPS[,BURST]`: the per-second burst limit QStash puts on its API, as a token
//! bucket. Every API request but publish (exempt, as QStash's "operational" calls are: API.md
//! 1.5) takes a token: DLQ, logs and the rest; without one it is answered 429 with the headers
//! QStash sends (`Burst-RateLimit-Limit`, `-Remaining`, `-Reset` as a Unix time in seconds;
//! API.md 1.5), before anything changes. Replies that pass carry the same headers, so a client
//! can keep under the limit instead of running into it. Independent of `--fault-rate`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};

use super::store::now_ms;

pub struct RateLimit {
    rps: f64,
    burst: f64,
    bucket: Mutex<(f64, Instant)>,
}

/// Parses `50` or `50,100`.
pub fn parse(s: &str) -> Result<RateLimit, String> {
    let forms = "accepted forms: RPS or RPS,BURST, like 50 or 50,100";
    let mut parts = s.split(',').map(str::trim);
    let num = |p: Option<&str>| -> Result<Option<f64>, String> {
        match p {
            None => Ok(None),
            Some(t) => match t.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 1.0 => Ok(Some(v)),
                _ => Err(format!("{s:?} is not a rate limit; {forms}")),
            },
        }
    };
    let rps = num(parts.next())?.ok_or_else(|| format!("an empty rate limit; {forms}"))?;
    let burst = num(parts.next())?.unwrap_or(rps);
    if parts.next().is_some() {
        return Err(format!("{s:?} is not a rate limit; {forms}"));
    }
    Ok(RateLimit {
        rps,
        burst,
        bucket: Mutex::new((burst, Instant::now())),
    })
}

/// Whether a request may go on, and what the headers say.
pub struct Verdict {
    pub allowed: bool,
    pub remaining: u64,
    /// When a token is back, in whole Unix seconds (as QStash gives it).
    pub reset_s: i64,
    pub limit: u64,
}

impl RateLimit {
    pub fn take(&self) -> Verdict {
        let mut b = self.bucket.lock().unwrap();
        let now = Instant::now();
        let refill = now.duration_since(b.1).as_secs_f64() * self.rps;
        b.0 = (b.0 + refill).min(self.burst);
        b.1 = now;
        let allowed = b.0 >= 1.0;
        if allowed {
            b.0 -= 1.0;
        }
        let wait = if b.0 >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - b.0) / self.rps)
        };
        Verdict {
            allowed,
            remaining: b.0.floor() as u64,
            reset_s: (now_ms() + wait.as_millis() as i64 + 999) / 1000,
            limit: self.rps.round() as u64,
        }
    }
}

impl Verdict {
    pub fn headers(&self, h: &mut HeaderMap) {
        h.insert("Burst-RateLimit-Limit", HeaderValue::from(self.limit));
        h.insert(
            "Burst-RateLimit-Remaining",
            HeaderValue::from(self.remaining),
        );
        h.insert("Burst-RateLimit-Reset", HeaderValue::from(self.reset_s));
    }
}

/// Requests in flight at the sandbox, and the most seen at once: mutations apart, since a
/// client's concurrency bounds those.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
    mutations_now: AtomicUsize,
    mutations_most: AtomicUsize,
    throttled: AtomicUsize,
}

/// One request counted in flight until dropped: also when the client goes away mid-request
/// and the request's future is dropped, or the counts would only grow.
pub struct Entered<'a> {
    counts: &'a InFlight,
    mutation: bool,
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.counts.now.fetch_sub(1, Ordering::SeqCst);
        if self.mutation {
            self.counts.mutations_now.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl InFlight {
    pub fn enter(&self, mutation: bool) -> Entered<'_> {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(n, Ordering::SeqCst);
        if mutation {
            let m = self.mutations_now.fetch_add(1, Ordering::SeqCst) + 1;
            self.mutations_most.fetch_max(m, Ordering::SeqCst);
        }
        Entered {
            counts: self,
            mutation,
        }
    }

    pub fn throttled(&self) {
        self.throttled.fetch_add(1, Ordering::SeqCst);
    }

    /// `{"maxInFlight":…, "maxInFlightMutations":…, "throttled":…}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "maxInFlight": self.most.load(Ordering::SeqCst),
            "maxInFlightMutations": self.mutations_most.load(Ordering::SeqCst),
            "throttled": self.throttled.load(Ordering::SeqCst),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_dropped_midway_leaves_the_count() {
        let counts = InFlight::default();
        let a = counts.enter(true);
        drop(counts.enter(false));
        drop(a);
        let _c = counts.enter(true);
        let j = counts.json();
        assert_eq!(
            (
                j["maxInFlight"].as_u64(),
                j["maxInFlightMutations"].as_u64()
            ),
            (Some(2), Some(1))
        );
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_until_refilled() {
        let l = parse("5,3").unwrap();
        let allowed = (0..10).filter(|_| l.take().allowed).count();
        assert_eq!(allowed, 3, "the burst, then nothing within microseconds");
        let v = l.take();
        assert!(!v.allowed && v.remaining == 0 && v.limit == 5);
        assert!(parse("0").is_err() && parse("x").is_err() && parse("5,1,2").is_err());
        assert_eq!(parse("50").unwrap().burst, 50.0);
    }
}
