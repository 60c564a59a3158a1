//! Flow control in the sandbox, as the service applies it: deliveries under one
//! `Upstash-Flow-Control-Key` keep to its parallelism and its rate, seen from a real endpoint
//! that counts what reaches it at once; and `dlq retry --flow-control-key` puts retried
//! messages under such a key.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{raw_body, Sandbox};
use crate::hostile::{Hostile, Reply};

/// An endpoint that takes `hold` to answer each request, and keeps, by path prefix, the most
/// requests it held at once and when each arrived.
struct Slow {
    server: Hostile,
    most: Arc<Mutex<std::collections::BTreeMap<String, usize>>>,
    arrivals: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Slow {
    fn start(hold: Duration) -> Slow {
        let most: Arc<Mutex<std::collections::BTreeMap<String, usize>>> = Arc::default();
        let arrivals: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
        let now: Arc<Mutex<std::collections::BTreeMap<String, usize>>> = Arc::default();
        let (m, a) = (most.clone(), arrivals.clone());
        let server = Hostile::start(move |r, _| {
            let group = r.path().split('/').nth(1).unwrap_or("").to_string();
            a.lock().unwrap().push((group.clone(), Instant::now()));
            let held = {
                let mut now = now.lock().unwrap();
                let n = now.entry(group.clone()).or_default();
                *n += 1;
                *n
            };
            {
                let mut most = m.lock().unwrap();
                let top = most.entry(group.clone()).or_default();
                *top = (*top).max(held);
            }
            std::thread::sleep(hold);
            *now.lock().unwrap().get_mut(&group).unwrap() -= 1;
            Reply::json(200, "{}")
        });
        Slow {
            server,
            most,
            arrivals,
        }
    }

    fn arrived(&self, group: &str) -> Vec<Instant> {
        let a = self.arrivals.lock().unwrap();
        a.iter()
            .filter(|(g, _)| g == group)
            .map(|(_, t)| *t)
            .collect()
    }

    fn wait_for(&self, group: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.arrived(group).len() < n {
            assert!(
                Instant::now() < deadline,
                "{} of {n}",
                self.arrived(group).len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn most(&self, group: &str) -> usize {
        self.most.lock().unwrap().get(group).copied().unwrap_or(0)
    }
}

fn publish(sb: &Sandbox, url: &str, headers: &[(&str, &str)]) {
    let path = format!("/v2/publish/{url}");
    let (status, v) = raw_body(&sb.url, &sb.token, "POST", &path, headers, Some(&json!({})));
    assert_eq!(status, 200, "{v}");
}

#[test]
fn a_flow_control_key_holds_its_deliveries_to_its_parallelism_and_rate() {
    let sb = Sandbox::start(&["--seed", "0"]);
    let slow = Slow::start(Duration::from_millis(200));
    let url = |group: &str, i: usize| format!("{}/{group}/{i}", slow.server.url);
    // All due at the same second, however long the publishes take to send.
    let due = (jiff::Timestamp::now().as_second() + 2).to_string();
    for i in 0..6 {
        let headers = [
            ("Upstash-Flow-Control-Key", "two-at-once"),
            ("Upstash-Flow-Control-Value", "parallelism=2"),
            ("Upstash-Retries", "0"),
            ("Upstash-Not-Before", due.as_str()),
        ];
        publish(&sb, &url("limited", i), &headers);
        let free = [
            ("Upstash-Retries", "0"),
            ("Upstash-Not-Before", due.as_str()),
        ];
        publish(&sb, &url("free", i), &free);
    }
    slow.wait_for("limited", 6);
    slow.wait_for("free", 6);
    assert_eq!(slow.most("limited"), 2, "two at once under the key");
    assert!(
        slow.most("free") > 2,
        "without a key, no limit: {}",
        slow.most("free")
    );

    // Two a second: no three deliveries start within one second.
    for i in 0..5 {
        let headers = [
            ("Upstash-Flow-Control-Key", "two-a-second"),
            ("Upstash-Flow-Control-Value", "rate=2, period=1s"),
            ("Upstash-Retries", "0"),
        ];
        publish(&sb, &url("rated", i), &headers);
    }
    slow.wait_for("rated", 5);
    let mut at = slow.arrived("rated");
    at.sort();
    for w in at.windows(3) {
        // The gate counts from each start; arrival adds a connection's worth of time.
        assert!(
            w[2] - w[0] >= Duration::from_millis(950),
            "{:?}",
            w[2] - w[0]
        );
    }
}

#[test]
fn retry_with_a_flow_control_key_delivers_under_it() {
    let slow = Slow::start(Duration::from_millis(200));
    let now = jiff::Timestamp::now().as_millisecond();
    let lines: Vec<String> = (0..5)
        .map(|i| {
            json!({"dlqId": format!("{}-{i}", now - 60_000), "messageId": format!("msg_f{i}"),
                "url": format!("{}/retried/{i}", slow.server.url), "method": "POST",
                "maxRetries": 0, "createdAt": now - 90_000, "responseStatus": 500, "body": "{}"})
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", path.to_str().unwrap()]);
    sb.dlq()
        .args(["retry", "--all", "--yes", "--retries", "0"])
        .args(["--flow-control-key", "one-by-one", "--parallelism", "1"])
        .assert()
        .success();
    slow.wait_for("retried", 5);
    assert_eq!(slow.most("retried"), 1, "one at a time under the key");
}

#[test]
fn workflow_runs_under_a_flow_control_key_call_their_app_under_it() {
    let sb = Sandbox::start(&["--seed", "0"]);
    let slow = Slow::start(Duration::from_millis(200));
    // Four runs started at once, as the workflow SDK's trigger starts them, under one key.
    for i in 0..4 {
        let run = format!("wfr_flow{i}");
        let headers = [
            ("Upstash-Workflow-RunId", run.as_str()),
            ("Upstash-Workflow-Init", "true"),
            ("Upstash-Flow-Control-Key", "one-run-at-a-time"),
            ("Upstash-Flow-Control-Value", "parallelism=1"),
            ("Upstash-Retries", "0"),
        ];
        publish(&sb, &format!("{}/runs/{i}", slow.server.url), &headers);
    }
    slow.wait_for("runs", 4);
    assert_eq!(slow.most("runs"), 1, "one call at a time under the key");
}
