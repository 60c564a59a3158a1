//! Know it worked: `--verify` follows retried messages and resumed runs to their final state,
//! `dlq verify JOB` does it later, and `--canary` tries a few before the rest.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{ndjson, Sandbox};
use crate::hostile::{Hostile, Reply};

/// A sandbox whose QStash DLQ holds `n` messages to `url`, delivered for real (loopback).
fn messages_to(url: &str, n: usize) -> (tempfile::TempDir, Sandbox) {
    let now = jiff::Timestamp::now().as_millisecond();
    let lines: Vec<String> = (0..n)
        .map(|i| {
            serde_json::json!({
                "dlqId": format!("{}-{i}", now - 60_000), "messageId": format!("msg_f{i}"),
                "url": url, "method": "POST", "maxRetries": 1, "notBefore": 0,
                "createdAt": now - 60_000, "responseStatus": 500, "body": format!("{{\"n\":{i}}}"),
            })
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let sb = Sandbox::start(&[
        "--fixture",
        path.to_str().unwrap(),
        "--delivery-backoff-ms",
        "20",
    ]);
    (dir, sb)
}

/// The `verified` lines of an ndjson run, by dlqId.
fn verdicts(lines: &[Value]) -> BTreeMap<String, Value> {
    lines
        .iter()
        .filter(|l| l.get("verified").is_some())
        .map(|l| (l["dlqId"].as_str().unwrap().to_string(), l.clone()))
        .collect()
}

#[test]
fn retried_messages_are_followed_until_delivered_by_a_real_endpoint() {
    let endpoint = Hostile::start(|_, _| Reply::json(200, "{}"));
    let (_dir, sb) = messages_to(&format!("{}/hook", endpoint.url), 12);
    let out = sb
        .dlq()
        .args(["retry", "--all", "--yes", "--verify=60s", "-o", "ndjson"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("verified: 12 delivered"))
        .get_output()
        .clone();
    let v = verdicts(&ndjson(&out.stdout));
    assert_eq!(v.len(), 12);
    assert!(v.values().all(|l| l["verified"] == "delivered"), "{v:?}");
    // The endpoint really got each message once.
    assert_eq!(endpoint.requests().len(), 12);
}

#[test]
fn messages_that_fail_again_are_found_back_in_the_dlq_and_exit_3() {
    let endpoint = Hostile::start(|_, _| Reply::json(503, r#"{"error":"down"}"#));
    let (_dir, sb) = messages_to(&format!("{}/hook", endpoint.url), 3);
    let before: BTreeSet<String> = sb.ids(false).into_iter().collect();
    let out = sb
        .dlq()
        .args(["retry", "--all", "--yes", "--verify=60s", "-o", "ndjson"])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("3 failed again"))
        .get_output()
        .clone();
    let v = verdicts(&ndjson(&out.stdout));
    assert_eq!(v.len(), 3);
    let now: BTreeSet<String> = sb.ids(false).into_iter().collect();
    assert!(now.is_disjoint(&before), "the retried entries left the DLQ");
    for l in v.values() {
        assert_eq!(l["verified"], "failedAgain", "{l}");
        let new = l["newDlqId"].as_str().unwrap();
        assert!(now.contains(new), "{new} is back in the DLQ: {now:?}");
    }
    // maxRetries 1: two attempts each.
    assert_eq!(endpoint.requests().len(), 6);
}

/// A seeded sandbox whose simulation delivers one workflow URL and fails the rest.
pub fn simulated(args: &[&str]) -> Sandbox {
    let mut all = vec![
        "--seed",
        "40",
        "--seed-rng",
        "12",
        "--delivery-backoff-ms",
        "10",
        "--simulate",
        "https://app.example.com/*=ok",
        "--simulate",
        "https://api.shop.example/*=ok",
        "--simulate",
        "*=500",
    ];
    all.extend_from_slice(args);
    Sandbox::start(&all)
}

#[test]
fn resumed_runs_reach_success_or_failure_per_workflow_url_and_verify_later_agrees() {
    let sb = simulated(&[]);
    let runs = sb.listed(true);
    let ok = runs
        .iter()
        .filter(|r| {
            r["workflowUrl"]
                .as_str()
                .unwrap()
                .starts_with("https://app.example.com/")
        })
        .count();
    assert!(ok > 0 && ok < runs.len(), "{ok} of {}", runs.len());
    let out = sb
        .dlq()
        .args(["resume", "--all", "--yes", "--verify=60s", "-o", "json"])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3)
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tally = &doc["summary"]["verified"];
    assert_eq!(tally["delivered"], ok as u64, "{doc}");
    assert_eq!(tally["failedAgain"], (runs.len() - ok) as u64);
    assert_eq!(tally["pending"], 0);
    let by_id: BTreeMap<&str, &Value> = runs
        .iter()
        .map(|r| (r["dlqId"].as_str().unwrap(), r))
        .collect();
    for v in doc["verified"].as_array().unwrap() {
        let url = by_id[v["dlqId"].as_str().unwrap()]["workflowUrl"]
            .as_str()
            .unwrap();
        let want = if url.starts_with("https://app.example.com/") {
            "delivered"
        } else {
            "failedAgain"
        };
        assert_eq!(v["verified"], want, "{v}");
    }
    // Later, from the journal: the same answer.
    let job = doc["summary"]["job"].as_str().unwrap();
    let later = sb
        .dlq()
        .args(["verify", job, "--wait", "0s", "-o", "json"])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let later: Value = serde_json::from_slice(&later).unwrap();
    assert_eq!(later["tally"]["delivered"], ok as u64, "{later}");
    assert_eq!(later["tally"]["failedAgain"], (runs.len() - ok) as u64);
}

/// The job id a run printed when it started.
fn job_of(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    s.lines()
        .find_map(|l| l.strip_prefix("job ").and_then(|r| r.split(':').next()))
        .unwrap_or_else(|| panic!("no job line in {s}"))
        .to_string()
}

#[test]
fn a_healthy_canary_goes_on_and_a_broken_one_stops_with_the_rest_untouched() {
    let sb = simulated(&[]);
    let group = |url: &str| -> BTreeSet<String> {
        sb.listed(false)
            .iter()
            .filter(|e| e["url"].as_str().unwrap().starts_with(url))
            .map(|e| e["dlqId"].as_str().unwrap().to_string())
            .collect()
    };
    // Healthy: the canary is delivered, the run goes on to the end.
    let healthy = group("https://api.shop.example/");
    assert!(healthy.len() >= 3, "{healthy:?}");
    sb.dlq()
        .args(["retry", "--url", "https://api.shop.example/webhooks/orders"])
        .args(["--url", "https://api.shop.example/webhooks/refunds"])
        .args(["--all", "--canary", "2", "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("canary: 2 of 2"));
    assert!(group("https://api.shop.example/").is_empty());
    // Broken: the canary fails again; every other planned entry is still in the DLQ.
    let broken = group("https://billing.example.com/");
    assert!(broken.len() >= 3, "{broken:?}");
    let out = sb
        .dlq()
        .args([
            "retry",
            "--url",
            "https://billing.example.com/hooks/invoice-paid",
        ])
        .args(["--all", "--canary", "2", "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--past-canary"))
        .get_output()
        .clone();
    let job = job_of(&out.stderr);
    let retried: BTreeSet<String> = sb
        .applied_all()
        .into_iter()
        .filter(|(id, v)| broken.contains(id) && v["retry"].as_u64() == Some(1))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(retried.len(), 2, "only the canary was acted on");
    let untouched: BTreeSet<String> = broken.difference(&retried).cloned().collect();
    let now: BTreeSet<String> = sb.ids(false).into_iter().collect();
    assert!(untouched.is_subset(&now), "the rest stays in the DLQ");
    // Going on needs asking for it.
    sb.dlq()
        .args(["retry", "--continue", &job])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("stopped after its canary"));
    assert_eq!(sb.applied_all().len(), healthy.len() + 2);
    sb.dlq()
        .args(["retry", "--continue", &job, "--past-canary", "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let applied = sb.applied_all();
    for id in &broken {
        assert_eq!(applied[id]["retry"], 1, "{id} exactly once");
    }
}
