//! Both logs endpoints, paged and filtered, against a brute-force reading of everything they
//! hold: every filter and page size gives exactly the matching entries, newest first, with a
//! cursor exactly while more remain, stable while new entries arrive.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::common::wait_for;
use crate::common::Sandbox;
use crate::sandbox::send;
use crate::sandbox_logs::{fixture, message, pages, run};

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Twenty-four messages over three URLs, with labels, URL groups, queues and schedules, and
/// retries from 0 to 2; the ok.example ones are delivered, the rest fail.
pub fn messages() -> Vec<Value> {
    let urls = [
        "https://ok.example/a",
        "https://ok.example/b",
        "https://down.example/c",
    ];
    let labels: [&[&str]; 4] = [&[], &["l1"], &["l2"], &["l1", "l3"]];
    (0..24)
        .map(|i| {
            let mut m = message(
                &format!("1700000000000-{i}"),
                urls[i % 3],
                (i % 3) as i64,
                labels[i % 4],
            );
            match i % 5 {
                0 => m["topicName"] = json!("group-a"),
                1 => m["queueName"] = json!(if i % 2 == 0 { "q1" } else { "q2" }),
                2 => m["scheduleId"] = json!(format!("scd_{}", i % 2)),
                _ => {}
            }
            m
        })
        .collect()
}

pub fn all_settled(sb: &Sandbox) -> Option<()> {
    let (_, m) = sb.http("GET", "/__sandbox/messages");
    let (_, r) = sb.http("GET", "/__sandbox/runs");
    let msgs = m.as_array()?;
    let runs = r.as_array()?;
    let done = msgs
        .iter()
        .all(|m| m["state"] == "delivered" || m["state"] == "failed")
        && runs.iter().all(|r| r["state"] != "RUN_STARTED");
    done.then_some(())
}

/// The brute-force reading of a `/v2/logs` filter.
fn log_matches(e: &Value, filters: &[(&str, &str)]) -> bool {
    let mut by_key: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (k, v) in filters {
        by_key.entry(k).or_default().push(v);
    }
    by_key.iter().all(|(k, vals)| {
        let time = e["time"].as_i64().unwrap();
        let num = |v: &str| v.parse::<i64>().unwrap();
        match *k {
            "fromDate" => time >= num(vals[0]),
            "toDate" => time <= num(vals[0]),
            "state" if vals[0] == "IN_PROGRESS" => {
                ["ACTIVE", "RETRY", "ERROR"].contains(&e["state"].as_str().unwrap())
            }
            "label" => e["labels"]
                .as_array()
                .is_some_and(|ls| ls.iter().any(|l| vals.contains(&l.as_str().unwrap()))),
            field => e[field].as_str().is_some_and(|f| vals.contains(&f)),
        }
    })
}

pub fn query(filters: &[(&str, &str)]) -> String {
    filters
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn message_logs_page_and_filter_exactly_and_cursors_hold_while_entries_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir, "m.ndjson", &messages());
    let sb = Sandbox::start(&[
        "--fixture",
        &f,
        "--simulate",
        "https://ok.example/*=ok",
        "--simulate",
        "*=500",
        "--delivery-backoff-ms",
        "5",
    ]);
    // Two batches, so the log spans a while and dates can split it.
    let r = send(&sb, "POST", "/v2/dlq/retry?count=12", &[]);
    assert_eq!(r.status, 201, "{}", r.json);
    wait_for("the first batch to end", 60, || all_settled(&sb));
    // By id: the first batch's failures are back in the DLQ, and stay there.
    let rest: Vec<String> = (12..24).map(|i| format!("1700000000000-{i}")).collect();
    let r = send(
        &sb,
        "POST",
        &format!("/v2/dlq/retry?dlqIds={}", rest.join(",")),
        &[],
    );
    assert_eq!(r.json["responses"].as_array().unwrap().len(), 12);
    wait_for("the second batch to end", 60, || all_settled(&sb));

    let all = pages(&sb, "/v2/logs", "logs", 100);
    // Per message: CREATED, then ACTIVE and an answer per attempt, a RETRY between attempts.
    let expected: usize = (0..24)
        .map(|i| if i % 3 == 2 { 3 * (i % 3) + 4 } else { 3 })
        .sum();
    assert_eq!(all.len(), expected);
    let times: Vec<i64> = all.iter().map(|e| e["time"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let mid = times[times.len() / 2].to_string();
    let late = times[times.len() / 4].to_string();
    let some = all[7]["messageId"].as_str().unwrap().to_string();
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("state", "CREATED")],
        vec![("state", "DELIVERED")],
        vec![("state", "FAILED")],
        vec![("state", "RETRY")],
        vec![("state", "IN_PROGRESS")],
        vec![("messageId", &some)],
        vec![("url", "https://down.example/c")],
        vec![
            ("url", "https://ok.example/a"),
            ("url", "https://ok.example/b"),
        ],
        vec![("label", "l1")],
        vec![("label", "l2"), ("label", "l3")],
        vec![("topicName", "group-a")],
        vec![("queueName", "q2")],
        vec![("scheduleId", "scd_0")],
        vec![("fromDate", &mid)],
        vec![("toDate", &mid)],
        vec![("fromDate", &mid), ("toDate", &late)],
        vec![
            ("state", "ERROR"),
            ("label", "l1"),
            ("url", "https://down.example/c"),
        ],
        vec![("state", "CANCELLED")],
    ];
    for filters in &cases {
        let want: Vec<&Value> = all.iter().filter(|e| log_matches(e, filters)).collect();
        let path = format!("/v2/logs?{}", query(filters));
        for count in [1, 7, 100] {
            if count == 1 && want.len() > 40 {
                continue;
            }
            let got = pages(&sb, &path, "logs", count);
            let got: Vec<&Value> = got.iter().collect();
            assert_eq!(got, want, "{path} count={count}");
        }
    }

    // A cursor holds while new entries arrive: they are newer than anything paged so far.
    let (_, first) = sb.http("GET", "/v2/logs?count=5");
    let cursor = first["cursor"].as_str().unwrap().to_string();
    let r = call_publish(&sb);
    assert!(r < 300);
    let rest = {
        let mut out = Vec::new();
        let mut c = Some(cursor);
        while let Some(cur) = c {
            let (_, v) = sb.http("GET", &format!("/v2/logs?count=50&cursor={cur}"));
            out.extend(v["logs"].as_array().unwrap().iter().cloned());
            c = v["cursor"].as_str().map(str::to_string);
        }
        out
    };
    assert_eq!(rest, all[5..]);
    assert!(pages(&sb, "/v2/logs", "logs", 100).len() > all.len());
}

/// Publishes one message to a simulated destination; returns the status.
fn call_publish(sb: &Sandbox) -> u16 {
    let r = crate::sandbox::call(
        sb,
        "POST",
        "/v2/publish/https://ok.example/new",
        &[],
        Some("x"),
    )
    .unwrap();
    r.status
}

/// The brute-force reading of a `/v2/workflows/logs` filter.
fn run_matches(r: &Value, filters: &[(&str, &str)]) -> bool {
    if let Some((_, list)) = filters.iter().find(|(k, _)| *k == "workflowRuns") {
        let key = format!(
            "{}@{}",
            r["workflowRunId"].as_str().unwrap(),
            r["workflowRunCreatedAt"]
        );
        return list.split(',').any(|p| p == key);
    }
    filters.iter().all(|(k, v)| {
        let at = r["workflowRunCreatedAt"].as_i64().unwrap();
        match *k {
            "fromDate" => at >= v.parse::<i64>().unwrap(),
            "toDate" => at <= v.parse::<i64>().unwrap(),
            "workflowCreatedAt" => at.to_string() == *v,
            "callerIp" => r["workflowRunCallerIp"] == *v,
            "label" => r["labels"]
                .as_array()
                .is_some_and(|ls| ls.iter().any(|l| l == *v)),
            "state" if v.starts_with("STEP_") => r["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["steps"][0]["state"] == *v),
            "state" => r["workflowState"] == *v,
            field => r[field] == *v,
        }
    })
}

pub fn runs_fixture() -> Vec<Value> {
    let urls = [
        "https://wf.example/good",
        "https://wf.example/bad",
        "https://wf.example/good2",
    ];
    let labels: [&[&str]; 3] = [&["l1"], &[], &["l2", "l1"]];
    (0..15)
        .map(|i| {
            let mut r = run(
                &format!("1700000000000-{i}"),
                urls[i % 3],
                (i % 2) as i64,
                labels[i % 3],
            );
            if i % 4 == 0 {
                r["flowControlKey"] = json!("fk");
            }
            if i % 5 == 0 {
                r["callerIP"] = json!("198.51.100.1");
            }
            r
        })
        .collect()
}

/// Resumes the good runs, then restarts the rest once the clock has moved on, so the two
/// batches are created at different times.
pub fn start_runs(sb: &Sandbox) {
    let r = send(
        sb,
        "POST",
        "/v2/workflows/dlq/resume?count=100&workflowUrl=https%3A%2F%2Fwf.example%2Fgood",
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.json);
    let first = r.json["workflowRuns"][0]["workflowCreatedAt"]
        .as_i64()
        .unwrap();
    wait_for("the clock to pass the first batch", 10, || {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        (now > first).then_some(())
    });
    let r = send(sb, "POST", "/v2/workflows/dlq/restart?count=100", &[]);
    assert_eq!(r.status, 200, "{}", r.json);
}

#[test]
fn workflow_logs_page_and_filter_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir, "w.ndjson", &runs_fixture());
    let sb = Sandbox::start(&[
        "--fixture",
        &f,
        "--simulate",
        "https://wf.example/good*=ok",
        "--simulate",
        "*=500",
        "--delivery-backoff-ms",
        "5",
    ]);
    start_runs(&sb);
    wait_for("every run to end", 60, || all_settled(&sb));
    let all = pages(&sb, "/v2/workflows/logs", "runs", 1000);
    assert_eq!(all.len(), 15);
    let keys: Vec<(i64, &str)> = all
        .iter()
        .map(|r| {
            (
                r["workflowRunCreatedAt"].as_i64().unwrap(),
                r["workflowRunId"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] > w[1]),
        "newest first, one run each: {keys:?}"
    );
    let created: BTreeSet<i64> = keys.iter().map(|k| k.0).collect();
    assert!(created.len() >= 2, "two batches");
    let first_batch = created.iter().next().unwrap().to_string();
    let run_id = all[3]["workflowRunId"].as_str().unwrap().to_string();
    let pairs = [&all[0], &all[4], &all[9]]
        .iter()
        .map(|r| {
            format!(
                "{}@{}",
                r["workflowRunId"].as_str().unwrap(),
                r["workflowRunCreatedAt"]
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("workflowUrl", "https://wf.example/bad")],
        vec![("workflowRunId", &run_id)],
        vec![("workflowCreatedAt", &first_batch)],
        vec![("state", "RUN_SUCCESS")],
        vec![("state", "RUN_FAILED")],
        vec![("state", "STEP_FAILED")],
        vec![("state", "RUN_CANCELED")],
        vec![("label", "l2")],
        vec![("flowControlKey", "fk")],
        vec![("callerIp", "198.51.100.1")],
        vec![("fromDate", &first_batch)],
        vec![("toDate", &first_batch)],
        vec![("label", "l1"), ("state", "RUN_FAILED")],
        // The documented rule: with workflowRuns, every other filter is ignored.
        vec![
            ("workflowRuns", &pairs),
            ("workflowUrl", "https://nowhere.example"),
        ],
    ];
    for filters in &cases {
        let want: Vec<&Value> = all.iter().filter(|r| run_matches(r, filters)).collect();
        let path = format!("/v2/workflows/logs?{}", query(filters));
        for count in [1, 4, 1000] {
            let got = pages(&sb, &path, "runs", count);
            let got: Vec<&Value> = got.iter().collect();
            assert_eq!(got, want, "{path} count={count}");
        }
    }
    assert_eq!(
        all.iter()
            .filter(|r| run_matches(r, &[("workflowRuns", &pairs)]))
            .count(),
        3
    );

    // trimBody cuts the bodies of failed steps; they are left out unless asked for.
    let failed = all
        .iter()
        .find(|r| r["workflowState"] == "RUN_FAILED")
        .unwrap();
    let id = failed["workflowRunId"].as_str().unwrap();
    let body = |trim: &str| {
        let (_, v) = sb.http(
            "GET",
            &format!("/v2/workflows/logs?workflowRunId={id}{trim}"),
        );
        let steps = v["runs"][0]["steps"].as_array().unwrap().clone();
        steps.last().unwrap()["steps"][0]["callResponseBody"].clone()
    };
    let whole = body("&trimBody=1000");
    assert!(whole.as_str().unwrap().len() > 3, "{whole}");
    assert_eq!(body("&trimBody=3"), json!(whole.as_str().unwrap()[..3]));
    assert_eq!(body(""), Value::Null);
}
