//! The sandbox over time: injected faults (before and after a change), the state file across
//! restarts, and the publish-and-deliver loop that a retried message really goes through.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::common::{wait_for, Sandbox};
use crate::sandbox::call;

#[test]
fn a_429_fault_carries_the_rate_limit_headers_and_never_hides_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sb.json");
    let state = state.to_str().unwrap();
    let ids = Sandbox::start(&["--state", state, "--seed", "20"]).ids(false);
    let sb = Sandbox::start(&["--state", state, "--fault-rate", "1", "--faults", "429"]);
    let r = call(&sb, "GET", "/v2/dlq", &[], None).unwrap();
    assert_eq!(r.status, 429);
    assert!(r.json["error"].is_string(), "{}", r.json);
    assert!(r.header("retry-after").is_some());
    for h in ["limit", "remaining", "reset"] {
        let v = r.header(&format!("burst-ratelimit-{h}"));
        assert!(
            v.is_some_and(|v| v.parse::<u64>().is_ok()),
            "burst-ratelimit-{h}: {v:?}"
        );
    }
    // A 429 promises that nothing changed, and a client re-sends on that promise.
    for id in &ids {
        let r = call(&sb, "DELETE", &format!("/v2/dlq/{id}"), &[], None).unwrap();
        assert_eq!(r.status, 429);
    }
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
}

#[test]
fn faults_after_a_change_lose_the_reply_but_the_change_stands() {
    // The same entries served twice through a state file: once quietly to learn the ids, then
    // with every request faulted.
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sb.json");
    let state = state.to_str().unwrap();
    let ids = Sandbox::start(&["--state", state, "--seed", "40"]).ids(false);
    let sb = Sandbox::start(&["--state", state, "--fault-rate", "1", "--faults", "503"]);
    assert_eq!(ids.len(), 40);
    for id in &ids {
        let r = call(&sb, "DELETE", &format!("/v2/dlq/{id}"), &[], None).unwrap();
        assert_eq!(r.status, 503, "every request gets the fault");
    }
    // The introspection endpoint is never faulted, so it tells the truth about every id.
    let applied = sb.applied_all();
    let deleted: Vec<&String> = ids.iter().filter(|id| applied.get(*id).is_some()).collect();
    // Some faults came after the change (applied once), some before (nothing changed).
    assert!(
        !deleted.is_empty() && deleted.len() < ids.len(),
        "{applied:?}"
    );
    for id in &deleted {
        assert_eq!(applied[*id]["delete"], 1, "{id}: {applied:?}");
    }
}

#[test]
fn the_state_file_keeps_changes_and_the_token_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sb.json");
    let state = state.to_str().unwrap();
    let (token, gone, kept) = {
        let sb = Sandbox::start(&["--state", state, "--seed", "10", "--seed-rng", "9"]);
        let ids = sb.ids(false);
        let (s, _) = sb.http("DELETE", &format!("/v2/dlq/{}", ids[0]));
        assert_eq!(s, 200);
        (sb.token.clone(), ids[0].clone(), ids[1..].to_vec())
    };
    let meta = std::fs::metadata(state).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            meta.permissions().mode() & 0o077,
            0,
            "the token is in there"
        );
    }
    // --seed is ignored once a state exists: the restart serves exactly what was left.
    let sb = Sandbox::start(&["--state", state, "--seed", "50"]);
    assert_eq!(sb.token, token);
    assert_eq!(sb.ids(false), kept);
    assert_eq!(sb.http("GET", &format!("/v2/dlq/{gone}")).0, 404);
    assert_eq!(sb.ids(true).len(), 10);
}

/// A destination on loopback that answers with a status the test sets, and records what came.
struct Endpoint {
    url: String,
    status: Arc<AtomicU16>,
    received: Arc<Mutex<Vec<String>>>,
}

impl Endpoint {
    fn start() -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let status = Arc::new(AtomicU16::new(500));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (st, rec) = (status.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                rec.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
                let code = st.load(Ordering::SeqCst);
                let text = format!("endpoint says {code}");
                let _ = write!(
                    stream,
                    "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        Endpoint {
            url,
            status,
            received,
        }
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

fn message(sb: &Sandbox, id: &str) -> Option<Value> {
    let (_, v) = sb.http("GET", "/__sandbox/messages");
    v.as_array()?.iter().find(|m| m["messageId"] == id).cloned()
}

#[test]
fn endpoint_down_then_back_and_retry_delivers_each_message_exactly_once() {
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let ep = Endpoint::start();
    let r = call(
        &sb,
        "POST",
        &format!("/v2/publish/{}", ep.url),
        &[("Upstash-Retries", "1"), ("Upstash-Label", "billing")],
        Some(r#"{"order":42}"#),
    )
    .unwrap();
    assert!(r.status < 300, "{}", r.json);
    let published = r.json["messageId"].as_str().unwrap().to_string();
    // Down: one attempt plus one retry, then the message lands in the DLQ.
    let entry = wait_for("the failed message in the DLQ", 30, || {
        let (_, v) = sb.http("GET", "/v2/dlq");
        v["messages"].as_array()?.first().cloned()
    });
    assert_eq!(ep.count(), 2);
    assert_eq!(entry["messageId"], published.as_str());
    assert_eq!(entry["url"], ep.url.as_str());
    assert_eq!(entry["body"], r#"{"order":42}"#);
    assert_eq!(entry["responseStatus"], 500);
    assert_eq!(entry["responseBody"], "endpoint says 500");
    assert_eq!(entry["labels"], serde_json::json!(["billing"]));

    // Back up: `dlq retry` creates a new message, which is delivered once.
    ep.status.store(200, Ordering::SeqCst);
    let dlq_id = entry["dlqId"].as_str().unwrap();
    let out = sb
        .dlq()
        .args(["retry", dlq_id, "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = crate::common::ndjson(&out);
    let new_id = lines[0]["messageId"].as_str().unwrap().to_string();
    assert_ne!(new_id, published);
    let m = wait_for("the retried message to be delivered", 30, || {
        message(&sb, &new_id).filter(|m| m["state"] == "delivered")
    });
    assert_eq!(m["attempts"], 1);
    assert_eq!(ep.count(), 3);
    assert_eq!(ep.received.lock().unwrap()[2], r#"{"order":42}"#);
    assert!(sb.ids(false).is_empty());
}

#[test]
fn the_sandbox_flag_keeps_a_persistent_seeded_dlq_with_no_account() {
    let home = tempfile::tempdir().unwrap();
    let dlq = || {
        let mut c = crate::common::dlq(&home);
        c.arg("--sandbox");
        c
    };
    let first = ndjson_of(dlq().args(["list", "--all", "-o", "ndjson"]));
    assert!(first.len() >= 50, "seeded: {}", first.len());
    let runs = ndjson_of(dlq().args(["list", "--workflow", "--all", "-o", "ndjson"]));
    let label = runs
        .iter()
        .find_map(|r| r["labels"][0].as_str())
        .expect("a labelled run")
        .to_string();
    let with_label = runs
        .iter()
        .filter(|r| {
            r["labels"]
                .as_array()
                .is_some_and(|a| a.iter().any(|l| l == label.as_str()))
        })
        .count();
    // The README's rehearsal: resume by label, and the state persists to the next command.
    dlq()
        .args([
            "resume", "--label", &label, "--all", "--yes", "-o", "ndjson",
        ])
        .assert()
        .success();
    let after = ndjson_of(dlq().args(["list", "--workflow", "--all", "-o", "ndjson"]));
    assert_eq!(after.len(), runs.len() - with_label);
    assert_eq!(
        ndjson_of(dlq().args(["list", "--all", "-o", "ndjson"])),
        first
    );
}

fn ndjson_of(c: &mut assert_cmd::Command) -> Vec<Value> {
    crate::common::ndjson(&c.assert().success().get_output().stdout)
}

#[test]
fn bulk_delete_takes_the_python_sdks_json_body_and_single_ids_through_bulk_endpoints() {
    let sb = Sandbox::start(&["--seed", "6", "--seed-rng", "8"]);
    let ids = sb.ids(false);
    // qstash-py `delete_many`: DELETE /v2/dlq with {"dlqIds": [...]}.
    let body = serde_json::json!({ "dlqIds": [ids[0], ids[1]] }).to_string();
    let r = call(&sb, "DELETE", "/v2/dlq", &[], Some(&body)).unwrap();
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["deleted"], 2);
    // qstash-js `retry("id")`: one id through the bulk endpoint.
    let r = call(
        &sb,
        "POST",
        &format!("/v2/dlq/retry?dlqIds={}", ids[2]),
        &[],
        None,
    )
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["responses"].as_array().unwrap().len(), 1);
    assert!(
        r.json.get("cursor").is_none(),
        "no cursor with explicit ids"
    );
    assert_eq!(sb.ids(false), ids[3..]);
}
