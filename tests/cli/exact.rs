//! Exact on every path (issue 19): each selected entry acted on once, nothing outside the
//! selection touched, no token printed, `--max` refused before the whole selection is listed,
//! and a run that meets one 429 recovers its concurrency.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::common::ndjson;
use crate::hostile::{run, Hostile, Reply, Request};

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One 429 with `Burst-RateLimit-Remaining: 0`, then replies with no rate-limit headers at
/// all: the run must go back to several requests in flight (it used to stay at one for good).
#[test]
fn concurrency_recovers_after_one_429_without_later_headers() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let throttled = Arc::new(AtomicBool::new(false));
    let posts = Arc::new(AtomicUsize::new(0));
    let (f, m, t, p) = (
        in_flight.clone(),
        most.clone(),
        throttled.clone(),
        posts.clone(),
    );
    let server = Hostile::start(move |r: &Request, _| {
        let path = r.path().to_string();
        match r.method.as_str() {
            "GET" => Reply::ok(run(path.rsplit('/').next().unwrap(), "CALLBACK_FAIL")),
            _ if !t.swap(true, Ordering::SeqCst) => Reply::with(
                429,
                "application/json",
                &[("burst-ratelimit-remaining", "0"), ("retry-after", "1")],
                br#"{"error":"slow down"}"#,
            ),
            _ => {
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                // Counted well after the 429, past those already in flight when it came.
                if p.fetch_add(1, Ordering::SeqCst) >= 20 {
                    m.fetch_max(now, Ordering::SeqCst);
                }
                // Replies that take a while, so requests sent together overlap here.
                std::thread::sleep(Duration::from_millis(20));
                f.fetch_sub(1, Ordering::SeqCst);
                Reply::ok(json!({"workflowRunId": "wfr_1", "workflowCreatedAt": 1}))
            }
        }
    });
    let ids: Vec<String> = (0..160).map(|i| format!("{i}-0")).collect();
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["callback", "-", "--yes", "-o", "ndjson"])
        .write_stdin(ids.join("\n"))
        .assert()
        .get_output()
        .clone();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let done = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .count();
    assert_eq!(done, ids.len());
    let posts = server
        .lines()
        .iter()
        .filter(|l| l.starts_with("POST"))
        .count();
    assert_eq!(posts, ids.len() + 1, "one 429, then each callback once");
    let most = most.load(Ordering::SeqCst);
    println!("most callbacks in flight after the 429: {most}");
    assert!(
        most >= 4,
        "concurrency stayed low after the 429: {most} in flight at most"
    );
}
