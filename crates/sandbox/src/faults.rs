//! Injected latency and faults, so clients can be tested against a server that fails the
//! way real ones do: errors before a change, and lost replies after one.

use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::store::now_ms;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An error status; 429 comes with the rate-limit headers QStash sends.
    Status(u16),
    /// The connection is dropped without a response.
    Reset,
    /// No answer for the stall time, then the connection is dropped.
    Timeout,
}

/// Before: nothing changed and the reply says so. After: the change happened, the reply is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Before,
    After,
}

/// Marker on a response telling the connection loop to drop the connection instead.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

pub struct Faults {
    pub rate: f64,
    pub kinds: Vec<Fault>,
    pub stall: Duration,
    pub latency: Duration,
    rng: Mutex<StdRng>,
}

/// Parses `429,500,503,reset,timeout`.
pub fn parse_list(s: &str) -> Result<Vec<Fault>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p {
            "reset" => Ok(Fault::Reset),
            "timeout" => Ok(Fault::Timeout),
            n => match n.parse::<u16>() {
                Ok(code) if (400..600).contains(&code) => Ok(Fault::Status(code)),
                _ => Err(format!(
                    "unknown fault {n:?}: use HTTP statuses 400-599, reset or timeout"
                )),
            },
        })
        .collect()
}

impl Faults {
    pub fn new(
        rate: f64,
        kinds: Vec<Fault>,
        stall: Duration,
        latency: Duration,
        seed: Option<u64>,
    ) -> Faults {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s ^ 0x5eed_fa17),
            None => StdRng::from_entropy(),
        };
        Faults {
            rate,
            kinds,
            stall,
            latency,
            rng: Mutex::new(rng),
        }
    }

    pub fn none() -> Faults {
        Faults::new(0.0, Vec::new(), Duration::ZERO, Duration::ZERO, Some(0))
    }

    /// Decides the fault of one request. Reads only ever fail before doing anything, and so do
    /// 4xx statuses: a 429 or a 400 promises that nothing changed, and a server that broke that
    /// promise would be a fault no client could handle. Only 5xx, resets and time-outs can hide
    /// a change that happened.
    pub fn pick(&self, mutation: bool) -> Option<(Fault, When)> {
        if self.rate <= 0.0 || self.kinds.is_empty() {
            return None;
        }
        let mut rng = self.rng.lock().unwrap();
        if !rng.gen_bool(self.rate.min(1.0)) {
            return None;
        }
        let fault = self.kinds[rng.gen_range(0..self.kinds.len())];
        let may_hide_a_change = !matches!(fault, Fault::Status(code) if code < 500);
        let when = if mutation && may_hide_a_change && rng.gen_bool(0.5) {
            When::After
        } else {
            When::Before
        };
        Some((fault, when))
    }

    pub async fn respond(&self, fault: Fault) -> Response {
        match fault {
            Fault::Status(code) => status_reply(code),
            Fault::Reset => dropped(),
            Fault::Timeout => {
                tokio::time::sleep(self.stall).await;
                dropped()
            }
        }
    }
}

fn dropped() -> Response {
    let mut r = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    r.extensions_mut().insert(DropConnection);
    r
}

fn status_reply(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let msg = if code == 429 {
        "burst rate limit exceeded (sandbox fault injection)".to_string()
    } else {
        format!("injected fault {code}")
    };
    let mut r = (status, axum::Json(serde_json::json!({ "error": msg }))).into_response();
    if code == 429 {
        let h = r.headers_mut();
        let reset = now_ms() / 1000 + 1;
        h.insert("Retry-After", HeaderValue::from_static("1"));
        h.insert("Burst-RateLimit-Limit", HeaderValue::from_static("100"));
        h.insert("Burst-RateLimit-Remaining", HeaderValue::from_static("0"));
        h.insert("Burst-RateLimit-Reset", HeaderValue::from(reset));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lists_parse_and_reject_nonsense() {
        assert_eq!(
            parse_list("429, 500,reset,timeout").unwrap(),
            [
                Fault::Status(429),
                Fault::Status(500),
                Fault::Reset,
                Fault::Timeout
            ]
        );
        assert!(parse_list("200").is_err());
        assert!(parse_list("boom").is_err());
    }

    #[test]
    fn reads_never_get_after_faults() {
        let f = Faults::new(
            1.0,
            vec![Fault::Status(500)],
            Duration::ZERO,
            Duration::ZERO,
            Some(1),
        );
        assert!((0..200).all(|_| f.pick(false).unwrap().1 == When::Before));
        assert!((0..200).any(|_| f.pick(true).unwrap().1 == When::After));
    }

    #[test]
    fn client_errors_never_hide_a_change() {
        let f = Faults::new(
            1.0,
            vec![Fault::Status(429), Fault::Status(400)],
            Duration::ZERO,
            Duration::ZERO,
            Some(2),
        );
        assert!((0..500).all(|_| f.pick(true).unwrap().1 == When::Before));
    }
}
