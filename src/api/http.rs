//! The transport: one reqwest client, bearer auth, timeouts, retries with backoff, debug log.
//!
//! Reads are retried on network errors, 5xx and 429. Mutations are retried only when the
//! server certainly did not act: a 429, or a connection that was never made. Anything else is
//! returned to the caller, because re-sending a mutation whose reply was lost could apply it
//! twice; the bulk engine decides what to do then.
//!
//! Bounded against any server: no redirect is followed (a redirected mutation would carry the
//! token elsewhere and report a false outcome), a reply body is capped, and the time spent
//! waiting between attempts of one request is capped by a budget however long the server asks
//! to wait.
//!
//! Except for a read answered 429 with the time to wait (`Retry-After`, or the reset of a
//! rate limit): that is the server pacing us, not a failure, so it costs no attempt, and the
//! budget caps each such wait rather than their sum. A listing under a busy rate limit goes on
//! as long as the server keeps saying when to come back, up to [`PACED_BOUND`] of such waits
//! for one request (a server that never lets a read through must still end a run), and says on
//! stderr that it waits once the waits of one request add up (every [`LONG_WAIT`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use super::error::{ApiError, UrlFrom};
use super::query::Query;
use crate::secret::Secret;
use answer::Tried;

/// Characters kept as they are in a path segment; everything else is percent-encoded, so an id
/// such as `../../v2/keys` stays one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Largest reply accepted by default: far above any real page of 100 entries.
pub const DEFAULT_MAX_BODY: u64 = 64 << 20;
/// Error bodies are read only this far: only their first words are shown.
const ERROR_BODY_MAX: u64 = 64 << 10;

/// Called with one line per HTTP exchange when `--debug` is on.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// Called before the transport waits to try again: how long, why, and whether the request
/// has waited long enough in all to be worth a line on its own.
pub type WaitHook = Arc<dyn Fn(Duration, &str, bool) + Send + Sync>;

/// The most a read waits in all when the server answers 429 and says when to come back:
/// generous, since that is the server pacing us, yet a bound.
pub const PACED_BOUND: Duration = Duration::from_secs(15 * 60);

/// How often a read that keeps being paced says so on stderr (in time waited).
pub const LONG_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Idempotence {
    /// Safe to repeat: GET.
    Read,
    /// Changes state: repeat only when the server certainly did not act.
    Mutation,
}

/// Connection settings of a [`super::Client`].
#[derive(Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub token: Secret,
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The most time spent waiting between the attempts of one request.
    pub budget: Duration,
    /// The largest reply body accepted.
    pub max_body: u64,
    /// The server in words, for network errors: "qstash.upstash.io (base URL from default)".
    pub server: String,
    /// Where the base URL came from, for the hint of network errors.
    pub url_from: UrlFrom,
    pub logger: Option<Logger>,
    pub on_wait: Option<WaitHook>,
}

pub(crate) struct Transport {
    http: reqwest::Client,
    base: String,
    token: Secret,
    attempts: u32,
    budget: Duration,
    max_body: u64,
    server: Arc<str>,
    url_from: UrlFrom,
    logger: Option<Logger>,
    on_wait: Option<WaitHook>,
    /// Hides the token in everything the server sends back.
    mask: super::mask::Masker,
    pub(crate) pressure: Arc<super::pressure::Pressure>,
    /// Every request sent, retries included: what a run's summary counts.
    pub(crate) sent: std::sync::atomic::AtomicU64,
    /// The server's clock as its last reply's `Date` said, in ms; 0 until one did.
    pub(crate) server_ms: std::sync::atomic::AtomicI64,
}

/// A request to send: path segments are encoded one by one.
pub(crate) struct Req<'a> {
    pub method: Method,
    pub path: &'a [&'a str],
    pub query: Query,
    pub headers: Vec<(&'static str, String)>,
    pub kind: Idempotence,
    /// Headers whose names are not known in advance (a published message's forwarded headers).
    pub named: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Appended to the path as it is: a publish destination, a URL the caller has checked.
    pub tail: Option<&'a str>,
}

impl Req<'static> {
    /// The fields most requests leave empty, for `..Req::NONE`.
    pub const NONE: Req<'static> = Req {
        method: Method::GET,
        path: &[],
        query: Vec::new(),
        headers: Vec::new(),
        kind: Idempotence::Read,
        named: Vec::new(),
        body: None,
        tail: None,
    };
}

impl Transport {
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("dlq/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10).min(cfg.timeout))
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(Transport {
            http,
            mask: super::mask::Masker::new(cfg.token.expose()),
            base: cfg.base_url.trim_end_matches('/').to_string(),
            token: cfg.token,
            attempts: cfg.attempts.max(1),
            budget: cfg.budget,
            max_body: cfg.max_body,
            server: cfg.server.into(),
            url_from: cfg.url_from,
            logger: cfg.logger,
            on_wait: cfg.on_wait,
            pressure: Arc::new(super::pressure::Pressure::new()),
            sent: Default::default(),
            server_ms: Default::default(),
        })
    }

    /// Sends `req` (retrying as its kind allows) and returns the successful response's body.
    pub async fn send(&self, req: Req<'_>) -> Result<(StatusCode, bytes::Bytes), ApiError> {
        let mut path = encode_path(req.path)?;
        if let Some(tail) = req.tail {
            path.push('/');
            path.push_str(tail);
        }
        let mut attempt = 0;
        let mut waited = Duration::ZERO;
        // Waits the server asked for, reads only: see PACED_BOUND.
        let mut paced = Duration::ZERO;
        loop {
            attempt += 1;
            let (err, wait) = match self.exchange(&req, &path, attempt).await? {
                Tried::Answered(answer) => return answer,
                Tried::Failed(err, wait) => (err, wait),
            };
            if let Some(wait) = wait.filter(|_| paced_read(&err, req.kind)) {
                // The server says when: no attempt and no budget spent. Each wait is still
                // one the budget allows, and all of them together stay within the bound.
                if wait > self.budget || paced + wait > PACED_BOUND {
                    return Err(err);
                }
                attempt -= 1;
                let long = (paced + wait).as_secs() / LONG_WAIT.as_secs()
                    > paced.as_secs() / LONG_WAIT.as_secs();
                paced += wait;
                if let Some(hook) = &self.on_wait {
                    hook(wait, &paced_reason(paced), long);
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            if attempt >= self.attempts || !retryable(&err, req.kind) {
                return Err(err);
            }
            let wait = wait.unwrap_or_else(|| backoff(attempt));
            if waited + wait > self.budget {
                return Err(err);
            }
            waited += wait;
            if let Some(hook) = &self.on_wait {
                hook(wait, &err.wait_reason(), false);
            }
            tokio::time::sleep(wait).await;
        }
    }

    fn network(
        &self,
        method: &'static str,
        path: &str,
        e: &reqwest::Error,
        sent: bool,
        attempts: u32,
    ) -> ApiError {
        let detail = if e.is_timeout() {
            "timed out waiting for the server (raise --timeout?)".to_string()
        } else if e.is_connect() {
            format!("cannot connect: {}", root_cause(e))
        } else {
            format!("connection failed: {}", root_cause(e))
        };
        ApiError::Network {
            method,
            path: path.to_string(),
            detail,
            sent,
            attempts,
            server: self.server.clone(),
            url_from: self.url_from,
        }
    }

    /// One line per exchange, with the full URL; the token travels in a header and is never
    /// part of it.
    fn log(
        &self,
        req: &Req<'_>,
        url: &reqwest::Url,
        status: Option<StatusCode>,
        started: Instant,
        attempt: u32,
    ) {
        let Some(log) = &self.logger else { return };
        let status = status.map_or("no response".to_string(), |s| s.as_u16().to_string());
        let retry = if attempt > 1 {
            format!(" (attempt {attempt})")
        } else {
            String::new()
        };
        log(&format!(
            "{} {url} -> {status} in {}ms{retry}",
            req.method,
            started.elapsed().as_millis()
        ));
    }
}

fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::DELETE => "DELETE",
        _ => "HTTP",
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn retryable(err: &ApiError, kind: Idempotence) -> bool {
    match (err, kind) {
        (ApiError::Status { status: 429, .. }, _) => true,
        (ApiError::Network { sent: false, .. }, _) => true,
        (ApiError::Status { status, .. }, Idempotence::Read) => *status >= 500,
        (ApiError::Network { .. }, Idempotence::Read) => true,
        _ => false,
    }
}

/// A read the server answered 429: it was not served, and a later try may be.
fn paced_read(err: &ApiError, kind: Idempotence) -> bool {
    matches!(
        (err, kind),
        (ApiError::Status { status: 429, .. }, Idempotence::Read)
    )
}

/// Why a paced read waits, with how long it has so far and how long it would.
fn paced_reason(paced: Duration) -> String {
    format!(
        "throttled (429): the server has paced this read for {}s so far (waiting up to {}m)",
        paced.as_secs(),
        PACED_BOUND.as_secs() / 60
    )
}

/// Exponential backoff with jitter: about 0.25s, 0.5s, 1s, ... capped at 8s.
pub fn backoff(attempt: u32) -> Duration {
    let base = 250u64.saturating_mul(1 << attempt.min(5).saturating_sub(1));
    let ms = base.min(8_000);
    Duration::from_millis(ms / 2 + rand::random::<u64>() % (ms / 2 + 1))
}

/// How long the server asked us to wait: `Retry-After` (seconds), then the reset times of the
/// burst and daily limits (Unix timestamps; API.md 1.5). Capped at a minute.
pub(crate) fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let num = |name: &str| -> Option<f64> { h.get(name)?.to_str().ok()?.trim().parse().ok() };
    let now = jiff::Timestamp::now().as_millisecond() as f64 / 1000.0;
    let wait = if let Some(s) = num("retry-after") {
        s
    } else {
        let reset = num("burst-ratelimit-reset").or_else(|| num("ratelimit-reset"))?;
        match reset {
            r if r > 1e12 => r / 1000.0 - now, // epoch milliseconds
            r if r > 1e9 => r - now,           // epoch seconds
            r => r,                            // seconds from now
        }
    };
    Some(Duration::from_secs_f64(wait.clamp(0.05, 60.0)))
}

/// The server's `error` text, or the raw body when it is not the documented JSON.
fn error_text(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct E {
        error: String,
    }
    match serde_json::from_slice::<E>(body) {
        Ok(e) => e.error,
        Err(_) if body.is_empty() => "(empty body)".to_string(),
        Err(_) => String::from_utf8_lossy(body).chars().take(500).collect(),
    }
}

/// The `Date` header in ms since the epoch (second resolution), if it is one.
pub(crate) fn date_ms(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let t = jiff::fmt::rfc2822::parse(text.trim()).ok()?;
    Some(t.timestamp().as_millisecond())
}

/// Joins `/`-separated static parts and encoded ids. Ids that URL normalisation would
/// collapse (`.`, `..`, empty) are refused rather than sent.
fn encode_path(parts: &[&str]) -> Result<String, ApiError> {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        out.push('/');
        if i % 2 == 0 {
            out.push_str(p); // fixed route text such as "v2/dlq"
        } else {
            if p.is_empty() || *p == "." || *p == ".." {
                return Err(ApiError::Invalid(format!("{p:?} is not a valid DLQ id")));
            }
            out.extend(utf8_percent_encode(p, SEGMENT));
        }
    }
    Ok(out)
}

mod answer;
#[cfg(test)]
mod tests;
