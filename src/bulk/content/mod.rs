//! Selecting and grouping by what a message says: `--where EXPR` (a jq program run on each
//! entry as `dlq get -o json` prints it, with `$body` and `$response` bound to the request and
//! response bodies parsed as JSON, null when they are not), `--grep PATTERN` (a regular
//! expression over both bodies, decoded), and `stats --by-jq EXPR` ([`Keyer`]).
//!
//! [`compile`] turns the filter's [`Content`] text into its judge: compiled once, run on a
//! small worker pool ([`pool`]) so the async runtime keeps listing, each entry given at most
//! [`LIMIT`]. An entry the program fails on is not selected; the judge counts it and keeps the
//! first error for the command to report. Programs see no environment ([`Program`]).

pub mod pool;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use jaq_json::Val;

use self::pool::{Pool, TooLong};
use super::rebuild::jq::Program;
use crate::api::{ApiError, Content, ContentTally, Entry, Judge, Judging};

/// The longest one entry may take, as for republish's body edit.
pub const LIMIT: Duration = super::rebuild::limited::LIMIT;

/// The variables a `--where` or `--by-jq` program sees, in the order they are bound.
const GLOBALS: [&str; 2] = ["$body", "$response"];

/// The compiled rule of one [`Content`].
struct Rule {
    program: Option<Program>,
    grep: Option<regex::Regex>,
}

/// Why a `--where`/`--grep`/`--by-jq` text cannot run: a usage error, before anything is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub flag: &'static str,
    pub reason: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.flag, self.reason)
    }
}

/// `content` with its judge, ready to list with; unchanged when it has no rule.
pub fn compile(content: Content) -> Result<Content, Invalid> {
    if content.is_empty() {
        return Ok(content);
    }
    let program = match &content.where_expr {
        Some(expr) => Some(program(expr, "--where")?),
        None => None,
    };
    let grep = match &content.grep {
        Some(p) => Some(regex::Regex::new(p).map_err(|e| Invalid {
            flag: "--grep",
            // The regex crate's error draws the pattern over several lines; one is kept.
            reason: format!("invalid regular expression: {}", one_line(&e.to_string())),
        })?),
        None => None,
    };
    let rule = Arc::new(Rule { program, grep });
    let work = Arc::new(move |e: &Entry| rule.check(e));
    let judge = Selecting {
        pool: Arc::new(Pool::new(work, LIMIT)),
        tally: Mutex::new(ContentTally::default()),
    };
    Ok(content.judged_by(Arc::new(judge)))
}

fn program(expr: &str, flag: &'static str) -> Result<Program, Invalid> {
    Program::compile_with(expr, flag, &GLOBALS).map_err(|reason| Invalid { flag, reason })
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

impl Rule {
    /// Whether `e` is selected; the error is the program's.
    fn check(&self, e: &Entry) -> Result<bool, String> {
        let body = decoded(e.body.as_deref(), e.body_base64.as_deref());
        let response = decoded(
            e.response_body.as_deref(),
            e.response_body_base64.as_deref(),
        );
        if let Some(re) = &self.grep {
            let found = |t: &Option<String>| t.as_deref().is_some_and(|t| re.is_match(t));
            if !found(&body) && !found(&response) {
                return Ok(false);
            }
        }
        match &self.program {
            Some(p) => p.selects(as_val(e)?, vars(&body, &response)),
            None => Ok(true),
        }
    }
}

/// The entry as `dlq get -o json` prints it, as jaq's value.
fn as_val(e: &Entry) -> Result<Val, String> {
    let text = serde_json::to_string(e).map_err(|e| e.to_string())?;
    jaq_json::read::parse_single(text.as_bytes()).map_err(|e| e.to_string())
}

/// `$body` and `$response`: each body parsed as JSON, null when it is not JSON.
fn vars(body: &Option<String>, response: &Option<String>) -> Vec<Val> {
    let parse = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| super::rebuild::json::parse(t).ok())
            .unwrap_or(Val::Null)
    };
    vec![parse(body), parse(response)]
}

/// A body as `dlq get` shows it: the text, or the base64 decoded (bytes that are not UTF-8
/// replaced); `None` without one. Invalid base64 is taken as sent.
pub fn decoded(text: Option<&str>, b64: Option<&str>) -> Option<String> {
    if let Some(t) = text {
        return Some(t.to_string());
    }
    let b64 = b64?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    Some(match engine.decode(b64.trim()) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => b64.to_string(),
    })
}

/// The judge of a compiled rule: its pool, and what it has counted.
struct Selecting {
    pool: Arc<Pool<Result<bool, String>>>,
    tally: Mutex<ContentTally>,
}

impl Judge for Selecting {
    fn keep(&self, entries: Vec<Entry>) -> Judging<'_> {
        Box::pin(async move {
            let judged = self.pool.run(entries).await.map_err(too_long)?;
            let mut kept = Vec::new();
            let mut t = self.tally.lock().expect("the tally is not poisoned");
            for (e, verdict) in judged {
                t.judged += 1;
                match verdict {
                    Ok(true) => {
                        t.kept += 1;
                        kept.push(e);
                    }
                    Ok(false) => {}
                    Err(why) => {
                        t.failed += 1;
                        t.first_error.get_or_insert((e.dlq_id, why));
                    }
                }
            }
            Ok(kept)
        })
    }

    fn tally(&self) -> ContentTally {
        self.tally
            .lock()
            .expect("the tally is not poisoned")
            .clone()
    }

    fn apart(&self) -> Arc<dyn Judge> {
        Arc::new(Selecting {
            pool: self.pool.clone(),
            tally: Mutex::new(ContentTally::default()),
        })
    }
}

fn too_long(t: TooLong) -> ApiError {
    ApiError::Invalid(format!(
        "the program ran longer than {}s on entry {}; it was given up and nothing was selected",
        t.limit.as_secs(),
        crate::text::safe(&t.id)
    ))
}

/// `stats --by-jq EXPR`: each entry's group, the program's first output as compact JSON
/// (`None`: no output, or null), run on the pool like a `--where`.
pub struct Keyer {
    pool: Pool<Result<Option<String>, String>>,
    tally: Mutex<ContentTally>,
}

impl Keyer {
    pub fn compile(expr: &str) -> Result<Keyer, Invalid> {
        let program = Arc::new(program(expr, "--by-jq")?);
        let work = Arc::new(move |e: &Entry| {
            let body = decoded(e.body.as_deref(), e.body_base64.as_deref());
            let response = decoded(
                e.response_body.as_deref(),
                e.response_body_base64.as_deref(),
            );
            let key = program.first(as_val(e)?, vars(&body, &response))?;
            Ok(key.filter(|k| k != "null"))
        });
        Ok(Keyer {
            pool: Pool::new(work, LIMIT),
            tally: Mutex::new(ContentTally::default()),
        })
    }

    /// The entries with their keys; an entry the program failed on is left out, and counted.
    pub async fn keys(
        &self,
        entries: Vec<Entry>,
    ) -> Result<Vec<(Entry, Option<String>)>, ApiError> {
        let keyed = self.pool.run(entries).await.map_err(too_long)?;
        let mut t = self.tally.lock().expect("the tally is not poisoned");
        let mut out = Vec::with_capacity(keyed.len());
        for (e, key) in keyed {
            t.judged += 1;
            match key {
                Ok(k) => {
                    t.kept += 1;
                    out.push((e, k));
                }
                Err(why) => {
                    t.failed += 1;
                    t.first_error.get_or_insert((e.dlq_id, why));
                }
            }
        }
        Ok(out)
    }

    /// The entries keyed so far, and those the program failed on.
    pub fn tally(&self) -> ContentTally {
        self.tally
            .lock()
            .expect("the tally is not poisoned")
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: &str, response: &str) -> Entry {
        Entry {
            dlq_id: "1-0".into(),
            url: Some("https://x/hook".into()),
            body: Some(body.into()),
            response_body_base64: Some(base64::engine::general_purpose::STANDARD.encode(response)),
            response_status: Some(500),
            ..Entry::default()
        }
    }

    fn rule(where_expr: Option<&str>, grep: Option<&str>) -> Rule {
        Rule {
            program: where_expr.map(|w| program(w, "--where").unwrap()),
            grep: grep.map(|g| regex::Regex::new(g).unwrap()),
        }
    }

    #[test]
    fn where_sees_the_entry_and_both_bodies() {
        let e = entry(
            r#"{"tenant":"acme","n":3}"#,
            r#"{"error":"invalid signature"}"#,
        );
        let yes = |w: &str| rule(Some(w), None).check(&e);
        assert_eq!(yes(r#"$body.tenant == "acme""#), Ok(true));
        assert_eq!(yes(r#"$body.tenant == "other""#), Ok(false));
        assert_eq!(yes(r#"$response.error | test("signature")"#), Ok(true));
        assert_eq!(
            yes(".responseStatus == 500 and .url == \"https://x/hook\""),
            Ok(true)
        );
        // As select decides: null and false drop, anything else keeps; any output may keep.
        assert_eq!(yes("$body.missing"), Ok(false));
        assert_eq!(yes("0"), Ok(true));
        assert_eq!(yes("false, true"), Ok(true));
        assert_eq!(yes("empty"), Ok(false));
        assert!(yes("$body.tenant | tonumber").is_err());
        let text = entry("not json", "plain");
        assert_eq!(rule(Some("$body == null"), None).check(&text), Ok(true));
    }

    #[test]
    fn grep_reads_both_bodies_decoded() {
        let e = entry("order o-17 of ACME", "upstream Timeout");
        assert_eq!(rule(None, Some("o-1[0-9]")).check(&e), Ok(true));
        assert_eq!(rule(None, Some("timeout")).check(&e), Ok(false));
        assert_eq!(rule(None, Some("(?i)timeout")).check(&e), Ok(true));
        assert_eq!(
            rule(Some("false"), Some("(?i)timeout")).check(&e),
            Ok(false)
        );
    }

    #[test]
    fn invalid_text_is_refused_with_its_flag() {
        let bad = |w: Option<&str>, g: Option<&str>| {
            compile(Content::new(w.map(String::from), g.map(String::from))).unwrap_err()
        };
        let e = bad(Some(".a | (.b"), None);
        assert_eq!(e.flag, "--where");
        assert!(
            e.reason.starts_with("invalid jq expression"),
            "{}",
            e.reason
        );
        let e = bad(None, Some("(unclosed"));
        assert_eq!(e.flag, "--grep");
        assert!(!e.reason.contains('\n'), "{}", e.reason);
        let e = bad(Some("env.QSTASH_TOKEN"), None);
        assert!(
            e.reason.contains("--where programs see no environment"),
            "{}",
            e.reason
        );
    }
}
