//! Servers that misbehave on the wire: cursors that cycle or never end, 2xx replies that cannot
//! be read, redirects, a refused token, replies too large to hold, and long `Retry-After`s.
//! Each test counts the requests the hostile server received, so a loop or a blind re-send
//! shows. Defects 3, 4, 6, 12, 14, 15 and 16 of the hardening issue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::json;

use crate::common::ndjson;
use crate::hostile::{entry, run, Hostile, Reply, Request};

/// Requests a misbehaving server answers before it gives in: with a guard broken, a test
/// then fails on its counts instead of hanging.
const GIVE_IN: usize = 200;

fn count(h: &Hostile, line: &str) -> usize {
    h.lines().iter().filter(|l| *l == line).count()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn server_side_stops_when_the_server_cycles_or_repeats_cursors() {
    for (cursors, posts) in [(&["A", "B", "A"][..], 3), (&["A", "A"], 2)] {
        let cursors: Vec<String> = cursors.iter().map(|s| s.to_string()).collect();
        let server = Hostile::start(move |_, n| {
            let cursor = cursors.get(n).cloned().unwrap_or_else(|| format!("c{n}"));
            let cursor = if n < GIVE_IN {
                json!(cursor)
            } else {
                json!(null)
            };
            Reply::json(
                201,
                &json!({"responses": [{"messageId": "m"}], "cursor": cursor}).to_string(),
            )
        });
        let home = tempfile::tempdir().unwrap();
        let out = server
            .dlq(&home)
            .args(["retry", "--server-side", "--all", "--yes", "-o", "json"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert!(err.contains("second time"), "{err}");
        assert_eq!(count(&server, "POST /v2/dlq/retry"), posts, "{err}");
        assert_eq!(server.requests().len(), posts, "{:?}", server.lines());
    }
}

#[test]
fn listing_stops_when_the_server_cycles_cursors() {
    let server = Hostile::start(|_, n| {
        let cursor = if n < GIVE_IN {
            json!(["A", "B"][n % 2])
        } else {
            json!(null)
        };
        Reply::ok(json!({"messages": [entry(&format!("1-{n}"))], "cursor": cursor}))
    });
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["list", "--all", "-o", "ndjson"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        stderr_of(&out).contains("second time"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(server.requests().len(), 3, "{:?}", server.lines());
}

/// Stands for a reply whose connection is dropped after the server acted.
const DROPPED: &str = "(connection dropped)";
/// Stands for a 200 whose body stops halfway and never ends.
const STALLED: &str = "(body stalled)";

/// A `callback` whose reply cannot be read (a 2xx that is not the documented JSON, a dropped
/// connection, a body that never ends): dlq asks the run's callback state before anything
/// else, sees it moved on, and reports done after one POST.
#[test]
fn an_unreadable_callback_reply_is_checked_not_resent() {
    for body in [
        "<html><body>502 but 200</body></html>",
        r#"{"workflowRunId":"wfr_"#,
        "{}",
        "",
        DROPPED,
        STALLED,
    ] {
        let posts = Arc::new(AtomicUsize::new(0));
        let p = posts.clone();
        let server = Hostile::start(move |r: &Request, _| match r.method.as_str() {
            "GET" if r.path() == "/v2/workflows/dlq/1-0" => {
                let state = if p.load(Ordering::SeqCst) == 0 {
                    "CALLBACK_FAIL"
                } else {
                    "CALLBACK_INPROGRESS"
                };
                Reply::ok(run("1-0", state))
            }
            // The evidence: the run's newest failure-callback call is a new message once the
            // callback ran (the state is never taken as evidence).
            "GET" if r.path() == "/v2/workflows/logs" => {
                let (call, state) = if p.load(Ordering::SeqCst) == 0 {
                    ("msg_before", "CALLBACK_FAIL")
                } else {
                    ("msg_after", "CALLBACK_INPROGRESS")
                };
                Reply::ok(json!({"runs": [{
                    "workflowRunId": "wfr_1", "workflowRunCreatedAt": 1,
                    "workflowState": "RUN_FAILED",
                    "failureFunction": {"messageId": call, "state": state},
                }]}))
            }
            "POST" if r.path() == "/v2/workflows/dlq/callback/1-0" => {
                p.fetch_add(1, Ordering::SeqCst);
                match body {
                    DROPPED => Reply::Drop,
                    STALLED => Reply::Stall {
                        head: "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n".into(),
                        sent: br#"{"workflowRunId":"#.to_vec(),
                    },
                    _ => Reply::with(200, "text/html", &[], body.as_bytes()),
                }
            }
            _ => Reply::json(404, r#"{"error":"not found"}"#),
        });
        let home = tempfile::tempdir().unwrap();
        let out = server
            .dlq(&home)
            .args([
                "callback",
                "1-0",
                "--yes",
                "-o",
                "ndjson",
                "--timeout",
                "1s",
            ])
            .assert()
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{body:?}: {err}");
        assert_eq!(
            posts.load(Ordering::SeqCst),
            1,
            "{body:?}: {:?}",
            server.lines()
        );
        let lines = ndjson(&out.stdout);
        let outcome = lines
            .iter()
            .find(|l| l["dlqId"] == "1-0")
            .expect("an outcome");
        assert_eq!(outcome["outcome"], "done", "{body:?}: {outcome}");
    }
}

/// A bulk retry whose 2xx reply does not account for every id: the ids are looked up, found
/// gone (retried), and reported done; nothing is sent twice.
#[test]
fn an_unreadable_or_short_retry_reply_is_checked_not_resent() {
    for body in [
        r#"{}"#,
        r#"{"responses":[{"messageId":"m1"}]}"#,
        r#"{"responses":[{"messageId":"m1"},{"mess"#,
        "<html>ok</html>",
    ] {
        let posts = Arc::new(AtomicUsize::new(0));
        let p = posts.clone();
        let server = Hostile::start(move |r: &Request, _| match (r.method.as_str(), r.path()) {
            ("GET", path) if path.starts_with("/v2/dlq/") && p.load(Ordering::SeqCst) == 0 => {
                Reply::ok(entry(path.trim_start_matches("/v2/dlq/")))
            }
            ("POST", "/v2/dlq/retry") => {
                p.fetch_add(1, Ordering::SeqCst);
                Reply::json(201, body)
            }
            _ => Reply::json(404, r#"{"error":"message not found"}"#),
        });
        let home = tempfile::tempdir().unwrap();
        let out = server
            .dlq(&home)
            .args(["retry", "1-0", "2-0", "--yes", "-o", "ndjson"])
            .assert()
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{body:?}: {err}");
        assert_eq!(
            posts.load(Ordering::SeqCst),
            1,
            "{body:?}: {:?}",
            server.lines()
        );
        let done: Vec<_> = ndjson(&out.stdout)
            .into_iter()
            .filter(|l| l["outcome"] == "done")
            .collect();
        assert_eq!(done.len(), 2, "{body:?}: {done:?}");
    }
}

#[test]
fn redirects_are_never_followed() {
    let elsewhere = Hostile::start(|r, _| match r.method.as_str() {
        "GET" => Reply::ok(json!({"messages": [], "cursor": null})),
        _ => Reply::json(201, r#"{"responses":[{"messageId":"m"}]}"#),
    });
    let to = format!("{}/v2/dlq/elsewhere", elsewhere.url);
    for status in [302, 307, 308, 301] {
        // Reads are redirected; so are mutations, after a lookup that works.
        let (a, b) = (to.clone(), to.clone());
        let reads = Hostile::start(move |_, _| Reply::redirect(status, &a));
        let writes = Hostile::start(move |r: &Request, _| match r.method.as_str() {
            "GET" => Reply::ok(entry("1-0")),
            _ => Reply::redirect(status, &b),
        });
        for (server, args) in [
            (&reads, &["list"][..]),
            (&reads, &["get", "1-0"]),
            (&reads, &["retry", "--all", "--yes"]),
            (&writes, &["retry", "1-0", "--yes"]),
            (&writes, &["delete", "1-0", "--yes"]),
            (&writes, &["retry", "--server-side", "--all", "--yes"]),
        ] {
            // A home each: a job a redirect stopped keeps its entries, as any unfinished job.
            let home = tempfile::tempdir().unwrap();
            let out = server
                .dlq(&home)
                .args(args)
                .assert()
                .failure()
                .get_output()
                .clone();
            let err = stderr_of(&out);
            assert!(
                err.contains(&to),
                "{status} {args:?} names the Location: {err}"
            );
        }
        let posts = writes
            .requests()
            .iter()
            .filter(|r| r.method != "GET")
            .count();
        assert_eq!(posts, 3, "each mutation sent once: {:?}", writes.lines());
    }
    assert!(elsewhere.requests().is_empty(), "{:?}", elsewhere.lines());
}

#[test]
fn a_refused_token_stops_at_the_first_request() {
    let ids: Vec<String> = (0..250).map(|i| format!("1700000000000-{i}")).collect();
    for verb in ["retry", "delete", "resume", "callback"] {
        let server = Hostile::always(401);
        let home = tempfile::tempdir().unwrap();
        let out = server
            .dlq(&home)
            .arg(verb)
            .args(&ids)
            .arg("--yes")
            .assert()
            .code(4)
            .get_output()
            .clone();
        assert_eq!(
            server.requests().len(),
            1,
            "{verb}: {:?}\n{}",
            server.lines(),
            stderr_of(&out)
        );
    }
}

#[test]
fn a_reply_larger_than_the_cap_is_refused_without_reading_it() {
    // A Content-Length far beyond the cap, and a body that never comes.
    let server = Hostile::start(|_, _| Reply::Stall {
        head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \
               1099511627776\r\n\r\n"
            .into(),
        sent: b"{\"messages\":[".to_vec(),
    });
    let home = tempfile::tempdir().unwrap();
    for args in [&["list"][..], &["get", "1-0"], &["export", "--all"]] {
        let out = server
            .dlq(&home)
            .args(args)
            .assert()
            .code(1)
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert!(err.contains("larger than 64 MiB"), "{args:?}: {err}");
    }
    // A body without a length that outgrows a lowered cap.
    let big = Arc::new(format!(
        r#"{{"messages":[{}],"cursor":null}}"#,
        vec![entry("1-0").to_string(); 2 << 20 >> 6].join(",")
    ));
    assert!(big.len() > 2 << 20);
    let body = big.clone();
    let chunked = Hostile::start(move |_, _| {
        let mut bytes = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
            transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            .to_vec();
        for c in body.as_bytes().chunks(64 << 10) {
            bytes.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            bytes.extend_from_slice(c);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"0\r\n\r\n");
        Reply::Raw(bytes)
    });
    let out = chunked
        .dlq(&home)
        .env("DLQ_MAX_RESPONSE_MB", "1")
        .arg("list")
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        stderr_of(&out).contains("larger than 1 MiB"),
        "{}",
        stderr_of(&out)
    );
    // The same reply is fine under the default cap: the limit is what refused it.
    chunked
        .dlq(&home)
        .args(["list", "-o", "ids"])
        .assert()
        .success();
}

#[test]
fn endless_empty_pages_stop_every_paging_command() {
    let empty = |r: &Request, n: usize| {
        let cursor = if n < GIVE_IN {
            json!(format!("c{n}"))
        } else {
            json!(null)
        };
        match r.method.as_str() {
            "GET" => Reply::ok(json!({"messages": [], "cursor": cursor})),
            _ => Reply::json(201, &json!({"responses": [], "cursor": cursor}).to_string()),
        }
    };
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["list", "--all"][..],
        &["list", "--all", "--workflow"],
        &["stats"],
        &["export", "--all"],
        &["retry", "--all", "--yes"],
        &["delete", "--all", "--yes"],
        &["retry", "--server-side", "--all", "--yes"],
    ] {
        let server = Hostile::start(empty);
        let out = server
            .dlq(&home)
            .args(args)
            .assert()
            .failure()
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert!(err.contains("empty pages"), "{args:?}: {err}");
        let n = server.requests().len();
        // A pipelined run asks for one entry first, to freeze its filter by the server's clock.
        let most = if args.contains(&"--yes") && !args.contains(&"--server-side") {
            21
        } else {
            20
        };
        assert!((1..=most).contains(&n), "{args:?}: {n} requests");
    }
}

#[test]
fn a_long_retry_after_gives_up_within_the_budget() {
    let throttled = Hostile::start(|_, _| {
        Reply::with(
            429,
            "application/json",
            &[("retry-after", "60")],
            b"{\"error\":\"slow\"}",
        )
    });
    let home = tempfile::tempdir().unwrap();
    let out = throttled
        .dlq(&home)
        .env("DLQ_RETRY_BUDGET", "3s")
        .arg("list")
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(stderr_of(&out).contains("429"), "{}", stderr_of(&out));
    assert_eq!(throttled.requests().len(), 1, "{:?}", throttled.lines());

    // A mutation throttled the same way fails after one attempt, after its lookup.
    let mutation = Hostile::start(|r: &Request, _| match r.method.as_str() {
        "GET" => Reply::ok(entry("1-0")),
        _ => Reply::with(429, "application/json", &[("retry-after", "60")], b"{}"),
    });
    let out = mutation
        .dlq(&home)
        .env("DLQ_RETRY_BUDGET", "3s")
        .args(["retry", "1-0", "--yes", "-o", "ndjson"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        mutation.lines(),
        ["GET /v2/dlq/1-0", "POST /v2/dlq/retry"],
        "{}",
        stderr_of(&out)
    );
    let failed = ndjson(&out.stdout);
    assert!(
        failed.iter().any(|l| l["outcome"] == "failed"),
        "{failed:?}"
    );
}

/// Answers 429 with `Retry-After: secs` once, then an empty page.
fn throttled_once(secs: &'static str) -> Hostile {
    Hostile::start(move |_, n| match n {
        0 => Reply::with(429, "application/json", &[("retry-after", secs)], b"{}"),
        _ => Reply::ok(json!({"messages": [], "cursor": null})),
    })
}

#[test]
fn a_wait_of_three_seconds_or_more_is_announced() {
    let home = tempfile::tempdir().unwrap();
    let server = throttled_once("3");
    let out = server
        .dlq(&home)
        .arg("list")
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        stderr_of(&out).contains("retrying in"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(server.requests().len(), 2);
    // A short wait is announced only with -v.
    let server = throttled_once("1");
    let out = server
        .dlq(&home)
        .args(["list", "-v"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        stderr_of(&out).contains("retrying in"),
        "{}",
        stderr_of(&out)
    );
    let server = throttled_once("1");
    let out = server
        .dlq(&home)
        .arg("list")
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        !stderr_of(&out).contains("retrying in"),
        "{}",
        stderr_of(&out)
    );
}
