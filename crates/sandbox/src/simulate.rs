//! `--simulate PATTERN=OUTCOME`: how destinations the sandbox never contacts would answer.
//!
//! Seeded entries name hosts that do not exist, and a rehearsal must never send anything off
//! the machine, so without a rule such a message is only recorded. A rule makes its outcome
//! real instead: the first rule whose pattern matches the URL decides every attempt.

use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::wire::Headers;

/// The accepted forms, for every parse error.
pub const FORMS: &str = "use PATTERN=OUTCOME, where PATTERN is a URL in which * matches \
    anything (or * alone) and OUTCOME is ok, an HTTP status 400-599, flaky:P (each attempt \
    fails with probability P, 0 to 1, answering 500) or timeout";

/// How long a destination that never answers is waited for when the message sets no
/// `Upstash-Timeout` (the same as real deliveries).
pub const DEFAULT_TIMEOUT_MS: i64 = 15_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Answers 200.
    Ok,
    /// Answers this status.
    Status(u16),
    /// Each attempt answers 500 with this probability, else 200.
    Flaky(f64),
    /// Never answers: each attempt ends after the message's timeout.
    Timeout,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub pattern: String,
    pub outcome: Outcome,
}

/// What a destination did with one attempt. Status 0 means no answer at all.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: i64,
    pub headers: Headers,
    pub body: Vec<u8>,
    /// Why the attempt failed, in words (the log's `error`).
    pub error: Option<String>,
    /// How long the attempt took, for simulated time-outs.
    pub took_ms: i64,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A destination that answered `status` with `body`.
    pub fn http(status: i64, headers: Headers, body: Vec<u8>) -> Answer {
        let error = (!(200..300).contains(&status))
            .then(|| format!("the destination answered {}", status_line(status)));
        Answer {
            status,
            headers,
            body,
            error,
            took_ms: 0,
        }
    }

    /// No answer: the connection failed or timed out.
    pub fn none(error: String, took_ms: i64) -> Answer {
        Answer {
            status: 0,
            headers: Headers::new(),
            body: error.clone().into_bytes(),
            error: Some(error),
            took_ms,
        }
    }
}

/// Parses one `PATTERN=OUTCOME`. The outcome is after the last `=`, so a pattern may hold a
/// query string.
pub fn parse_rule(s: &str) -> Result<Rule, String> {
    let (pattern, outcome) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("{s:?} has no `=`: {FORMS}"))?;
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err(format!("{s:?} has no pattern: {FORMS}"));
    }
    let bad = || format!("{s:?}: unknown outcome {outcome:?}: {FORMS}");
    let outcome = match outcome.trim() {
        "ok" => Outcome::Ok,
        "timeout" => Outcome::Timeout,
        o => match o.strip_prefix("flaky:") {
            Some(p) => match p.parse::<f64>() {
                Ok(p) if (0.0..=1.0).contains(&p) => Outcome::Flaky(p),
                _ => return Err(bad()),
            },
            None => match o.parse::<u16>() {
                Ok(code) if (400..600).contains(&code) => Outcome::Status(code),
                _ => return Err(bad()),
            },
        },
    };
    Ok(Rule {
        pattern: pattern.to_string(),
        outcome,
    })
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters, `/` included.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part at least");
    let Some(mut tail) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for part in middle {
        match tail.find(part) {
            Some(i) => tail = &tail[i + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

pub struct Simulation {
    pub rules: Vec<Rule>,
    rng: Mutex<StdRng>,
    /// Failed answers given so far: each draws its details from a generator seeded by it.
    answers: std::sync::atomic::AtomicU64,
}

impl Simulation {
    pub fn new(rules: Vec<Rule>, seed: Option<u64>) -> Simulation {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s ^ 0x5107_u64),
            None => StdRng::from_entropy(),
        };
        Simulation {
            rules,
            rng: Mutex::new(rng),
            answers: Default::default(),
        }
    }

    pub fn none() -> Simulation {
        Simulation::new(Vec::new(), Some(0))
    }

    /// What `dlq --sandbox` simulates: a first try shows both outcomes. The seeded legacy
    /// endpoint is gone, the partner's hooks fail half the time, video transcodes crash, and
    /// everything else works.
    pub fn embedded() -> Simulation {
        let rules = [
            "https://legacy.example.com/*=410",
            "https://hooks.partner.example/*=flaky:0.5",
            "https://jobs.example.io/api/workflow/video-transcode*=500",
            "*=ok",
        ];
        let rules = rules
            .iter()
            .map(|r| parse_rule(r).expect("valid built-in rule"))
            .collect();
        Simulation::new(rules, None)
    }

    /// The outcome of the first rule matching `url`, if any.
    pub fn outcome(&self, url: &str) -> Option<Outcome> {
        self.rules
            .iter()
            .find(|r| glob(&r.pattern, url))
            .map(|r| r.outcome)
    }

    /// Decides one attempt; `timeout_ms` is how long a silent destination is waited for.
    pub fn attempt(&self, outcome: Outcome, timeout_ms: i64) -> Answer {
        let status = match outcome {
            Outcome::Ok => 200,
            Outcome::Status(code) => code,
            Outcome::Flaky(p) => {
                if self.rng.lock().unwrap().gen_bool(p) {
                    500
                } else {
                    200
                }
            }
            Outcome::Timeout => {
                return Answer::none(
                    format!("no answer from the destination in {timeout_ms} ms (simulated)"),
                    timeout_ms,
                )
            }
        };
        let (ctype, body) = if status < 300 {
            ("text/plain; charset=utf-8", "ok".to_string())
        } else {
            // A generator of the answers' own, so the details of a failure never change
            // which attempts a flaky rule fails.
            let n = self
                .answers
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut own = StdRng::seed_from_u64(n ^ 0xa115_0e75);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            super::replies::body(&mut own, status as i64, now)
        };
        let mut headers = Headers::new();
        headers.insert("Content-Type".into(), vec![ctype.into()]);
        let mut answer = Answer::http(status as i64, headers, body.into_bytes());
        // The body reads as the destination's would; the log's error says whose it is.
        answer.error = answer
            .error
            .map(|e| format!("{e} (simulated by --simulate)"));
        answer
    }
}

/// `404 Not Found`: what a web server's error page says, the body of a simulated failure.
fn status_line(status: i64) -> String {
    let reason = u16::try_from(status)
        .ok()
        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{status} {reason}").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_match_any_run_and_the_rest_exactly() {
        assert!(glob("*", "https://a.example/x"));
        assert!(glob("https://a.example/*", "https://a.example/x/y?z=1"));
        assert!(!glob("https://a.example/*", "https://a.example"));
        assert!(!glob("https://a.example/*", "https://b.example/a.example/"));
        assert!(glob("https://*.example/*/y", "https://a.b.example/x/y"));
        assert!(!glob("https://*.example/*/y", "https://a.example/x/yz"));
        assert!(glob("https://a.example/x", "https://a.example/x"));
        assert!(!glob("https://a.example/x", "https://a.example/xy"));
        assert!(glob("a*a", "aa"));
        assert!(!glob("a*a", "a"));
    }

    #[test]
    fn rules_parse_every_form_and_refuse_others() {
        let r = parse_rule("https://x.example/?a=b=flaky:0.25").unwrap();
        assert_eq!(r.pattern, "https://x.example/?a=b");
        assert_eq!(r.outcome, Outcome::Flaky(0.25));
        assert_eq!(parse_rule("*=ok").unwrap().outcome, Outcome::Ok);
        assert_eq!(parse_rule("*=410").unwrap().outcome, Outcome::Status(410));
        assert_eq!(parse_rule("*=timeout").unwrap().outcome, Outcome::Timeout);
        for bad in [
            "*",
            "=ok",
            "*=200",
            "*=600",
            "*=flaky:1.5",
            "*=flaky:x",
            "*=nope",
        ] {
            let e = parse_rule(bad).unwrap_err();
            assert!(e.contains("flaky:P") && e.contains("400-599"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let s = Simulation::new(
            vec![
                parse_rule("https://a.example/*=503").unwrap(),
                parse_rule("*=ok").unwrap(),
            ],
            Some(1),
        );
        assert_eq!(s.outcome("https://a.example/x"), Some(Outcome::Status(503)));
        assert_eq!(s.outcome("https://b.example/x"), Some(Outcome::Ok));
        assert_eq!(Simulation::none().outcome("https://b.example/x"), None);
        let a = s.attempt(Outcome::Status(503), 1000);
        assert_eq!((a.status, a.ok()), (503, false));
        let b = s.attempt(Outcome::Status(404), 1000);
        assert_eq!(b.body, b"404 Not Found", "reads as the destination's");
        assert_eq!(
            b.error.as_deref(),
            Some("the destination answered 404 Not Found (simulated by --simulate)")
        );
        assert!(s.attempt(Outcome::Ok, 1000).ok());
        let t = s.attempt(Outcome::Timeout, 1234);
        assert_eq!((t.status, t.took_ms), (0, 1234));
    }

    #[test]
    fn flaky_fails_each_attempt_with_its_probability() {
        let s = Simulation::new(Vec::new(), Some(7));
        assert!((0..100).all(|_| s.attempt(Outcome::Flaky(0.0), 1).ok()));
        assert!((0..100).all(|_| s.attempt(Outcome::Flaky(1.0), 1).status == 500));
        let fails = (0..1000)
            .filter(|_| !s.attempt(Outcome::Flaky(0.3), 1).ok())
            .count();
        assert!((200..400).contains(&fails), "{fails} of 1000");
    }
}
