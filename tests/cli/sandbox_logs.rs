//! Outcomes made real: under `--simulate`, retried messages and resumed or restarted runs go
//! on to a final state, told by `GET /v2/logs` and `GET /v2/workflows/logs`, and failures land
//! in the DLQs again as new entries. The helpers here serve the other `sandbox_logs_*` modules.

use crate::common::wait_for;
use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{json, Value};

use crate::common::Sandbox;
use crate::sandbox::send;

/// Writes NDJSON fixture lines to a file in `dir`.
pub fn fixture(dir: &tempfile::TempDir, name: &str, lines: &[Value]) -> String {
    let path = dir.path().join(name);
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    path.to_str().unwrap().to_string()
}

/// A QStash DLQ entry for a fixture.
pub fn message(dlq_id: &str, url: &str, retries: i64, labels: &[&str]) -> Value {
    json!({
        "dlqId": dlq_id,
        "messageId": format!("msg_old_{dlq_id}"),
        "url": url,
        "method": "POST",
        "maxRetries": retries,
        "createdAt": 1_700_000_000_000i64,
        "responseStatus": 500,
        "header": {"Content-Type": ["text/plain"]},
        "body": format!("body of {dlq_id}"),
        "labels": labels,
        "label": labels.first(),
    })
}

/// A failed workflow run for a fixture (the sandbox gives it two steps, the second failed).
pub fn run(dlq_id: &str, url: &str, retries: i64, labels: &[&str]) -> Value {
    json!({
        "dlqId": dlq_id,
        "messageId": format!("msg_step_{dlq_id}"),
        "url": url,
        "method": "POST",
        "maxRetries": retries,
        "createdAt": 1_700_000_000_000i64,
        "responseStatus": 500,
        "workflowRunId": format!("wfr_old_{dlq_id}"),
        "workflowUrl": url,
        "workflowCreatedAt": 1_699_999_999_000i64,
        "labels": labels,
        "callerIP": "203.0.113.7",
    })
}

/// Every page of a logs path with `count`, checking the paging rules on the way: full pages
/// until the last, and a cursor exactly while more remain.
pub fn pages(sb: &Sandbox, path: &str, key: &str, count: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("{path}{sep}count={count}&cursor={c}"),
            None => format!("{path}{sep}count={count}"),
        };
        let (s, v) = sb.http("GET", &q);
        assert_eq!(s, 200, "{q}: {v}");
        let page = v[key].as_array().unwrap_or_else(|| panic!("{q}: {v}"));
        out.extend(page.iter().cloned());
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => {
                assert_eq!(page.len(), count, "{q}: a short page before the end");
                cursor = Some(c.to_string());
            }
            _ => return out,
        }
    }
}

/// The states of a message's log, newest first.
pub fn states(sb: &Sandbox, message_id: &str) -> Vec<String> {
    let (s, v) = sb.http("GET", &format!("/v2/logs?messageId={message_id}"));
    assert_eq!(s, 200, "{v}");
    v["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["state"].as_str().unwrap().to_string())
        .collect()
}

fn is_final(states: &[String]) -> bool {
    states
        .first()
        .is_some_and(|s| s == "DELIVERED" || s == "FAILED")
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn retried_messages_end_delivered_or_failed_and_failures_are_new_dlq_entries() {
    let dir = tempfile::tempdir().unwrap();
    let entries = [
        message("1700000000000-0", "https://ok.example/a", 2, &["t"]),
        message("1700000000000-1", "https://down.example/b", 2, &["t"]),
        message("1700000000000-2", "https://ok.example/c", 0, &[]),
        message("1700000000000-3", "https://down.example/d", 1, &["u", "t"]),
        message("1700000000000-4", "https://ok.example/e", 0, &[]),
    ];
    let f = fixture(&dir, "m.ndjson", &entries);
    let sb = Sandbox::start(&[
        "--fixture",
        &f,
        "--simulate",
        "https://ok.example/*=ok",
        "--simulate",
        "*=500",
        "--delivery-backoff-ms",
        "20",
    ]);
    let since = now_ms();
    let r = send(
        &sb,
        "POST",
        "/v2/dlq/retry?dlqIds=1700000000000-0,1700000000000-1,1700000000000-2,1700000000000-3",
        &[],
    );
    assert_eq!(r.status, 201, "{}", r.json);
    let new: Vec<String> = r.json["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["messageId"].as_str().unwrap().to_string())
        .collect();
    // A delayed retry stays pending: created, due in an hour, never attempted meanwhile.
    let r = send(
        &sb,
        "POST",
        "/v2/dlq/retry/1700000000000-4",
        &[("Upstash-Delay", "1h")],
    );
    let pending = r.json["messageId"].as_str().unwrap().to_string();
    let logs = wait_for("every retried message to end", 60, || {
        let all: Vec<Vec<String>> = new.iter().map(|m| states(&sb, m)).collect();
        all.iter().all(|s| is_final(s)).then_some(all)
    });
    let ok = ["DELIVERED", "ACTIVE", "CREATED"];
    let failed_after = |retries: usize| {
        let mut s = vec!["FAILED", "ERROR", "ACTIVE"];
        for _ in 0..retries {
            s.extend(["RETRY", "ERROR", "ACTIVE"]);
        }
        s.push("CREATED");
        s
    };
    assert_eq!(logs[0], ok);
    assert_eq!(logs[1], failed_after(2));
    assert_eq!(logs[2], ok);
    assert_eq!(logs[3], failed_after(1));

    // Every entry describes its message; failures carry the destination's answer; retries
    // are due after the backoff (20 ms times the attempt) and the next attempt waits for it.
    let (_, v) = sb.http("GET", &format!("/v2/logs?messageId={}", new[1]));
    let log = v["logs"].as_array().unwrap();
    for e in log {
        assert_eq!(e["messageId"], new[1].as_str());
        assert_eq!(e["url"], "https://down.example/b");
        assert_eq!(e["method"], "POST");
        assert_eq!(e["body"], b64("body of 1700000000000-1"));
        assert_eq!(e["labels"], json!(["t"]));
        assert_eq!(e["maxRetries"], 2);
        assert!(e["time"].as_i64().unwrap() >= since);
        let answered = e["state"] == "ERROR" || e["state"] == "FAILED";
        assert_eq!(e["responseStatus"].as_i64().is_some(), answered, "{e}");
        if answered {
            assert_eq!(e["responseStatus"], 500);
            let body = base64::engine::general_purpose::STANDARD
                .decode(e["responseBody"].as_str().unwrap())
                .unwrap();
            // What a failing web server says; nothing names the sandbox.
            let body = String::from_utf8(body).unwrap();
            assert!(body.starts_with("Internal Server Error"), "{e}");
            assert!(!body.contains("sandbox"), "{e}");
            assert!(e["error"].as_str().unwrap().contains("500"), "{e}");
        }
    }
    let times: Vec<i64> = log.iter().map(|e| e["time"].as_i64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    let retries: Vec<&Value> = log.iter().filter(|e| e["state"] == "RETRY").collect();
    for (e, attempt) in retries.iter().zip([2, 1]) {
        let due = e["nextDeliveryTime"].as_i64().unwrap();
        assert_eq!(due - e["time"].as_i64().unwrap(), 20 * attempt, "{e}");
    }
    let actives: Vec<i64> = log
        .iter()
        .filter(|e| e["state"] == "ACTIVE")
        .map(|e| e["time"].as_i64().unwrap())
        .collect();
    assert!(actives[0] >= retries[0]["nextDeliveryTime"].as_i64().unwrap());
    assert!(actives[1] >= retries[1]["nextDeliveryTime"].as_i64().unwrap());

    // Failures are back in the DLQ under a new dlqId with the new messageId; successes are not.
    for (i, m) in new.iter().enumerate() {
        let (_, v) = sb.http("GET", &format!("/v2/dlq?messageId={m}"));
        let found = v["messages"].as_array().unwrap();
        let old = entries[i]["dlqId"].as_str().unwrap();
        assert_eq!(sb.http("GET", &format!("/v2/dlq/{old}")).0, 404);
        if logs[i][0] == "DELIVERED" {
            assert!(found.is_empty(), "{v}");
            continue;
        }
        assert_eq!(found.len(), 1, "{v}");
        let e = &found[0];
        assert_ne!(e["dlqId"], old);
        for k in ["url", "body", "labels", "maxRetries", "method", "header"] {
            assert_eq!(e[k], entries[i][k], "{k}");
        }
        assert_eq!(e["responseStatus"], 500);
        let said = e["responseBody"].as_str().unwrap();
        assert!(said.starts_with("Internal Server Error"), "{said}");
        let (_, msgs) = sb.http("GET", "/__sandbox/messages");
        let rec = msgs
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["messageId"] == m.as_str())
            .unwrap()
            .clone();
        assert_eq!(
            (rec["state"].clone(), rec["dlqId"].clone()),
            (json!("failed"), e["dlqId"].clone())
        );
    }

    // The client's many-messages lookup: everything since the job began, by final state.
    for (state, want) in [("DELIVERED", [0, 2]), ("FAILED", [1, 3])] {
        let got = pages(
            &sb,
            &format!("/v2/logs?fromDate={since}&state={state}"),
            "logs",
            1,
        );
        let mut ids: Vec<&str> = got
            .iter()
            .map(|e| e["messageId"].as_str().unwrap())
            .collect();
        ids.sort();
        let mut expected: Vec<&str> = want.iter().map(|&i| new[i].as_str()).collect();
        expected.sort();
        assert_eq!(ids, expected, "{state}");
    }
    let (_, v) = sb.http("GET", &format!("/v2/logs?messageId={pending}"));
    assert_eq!(v["logs"].as_array().unwrap().len(), 1, "{v}");
    let created = &v["logs"][0];
    assert_eq!(created["state"], "CREATED");
    let due = created["nextDeliveryTime"].as_i64().unwrap() - created["time"].as_i64().unwrap();
    assert_eq!(due, 3_600_000);
}

/// Runs by id, from `/v2/workflows/logs?workflowRuns=...`.
fn runs_by_id(sb: &Sandbox, runs: &[(String, i64)]) -> BTreeMap<String, Value> {
    let list: Vec<String> = runs.iter().map(|(id, at)| format!("{id}@{at}")).collect();
    let (s, v) = sb.http(
        "GET",
        &format!("/v2/workflows/logs?workflowRuns={}", list.join(",")),
    );
    assert_eq!(s, 200, "{v}");
    v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["workflowRunId"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

fn new_runs(v: &Value) -> Vec<(String, i64)> {
    v["workflowRuns"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|r| {
            (
                r["workflowRunId"].as_str().unwrap().to_string(),
                r["workflowCreatedAt"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn resumed_and_restarted_runs_end_by_workflow_url_and_failures_return_to_the_dlq() {
    let dir = tempfile::tempdir().unwrap();
    let good = "https://wf.example/api/good";
    let bad = "https://wf.example/api/bad";
    let entries = [
        run("1700000000000-0", good, 1, &["a"]),
        run("1700000000000-1", bad, 1, &["a"]),
        run("1700000000000-2", good, 0, &[]),
        run("1700000000000-3", bad, 2, &["b"]),
        run("1700000000000-4", good, 0, &[]),
    ];
    let f = fixture(&dir, "w.ndjson", &entries);
    let sb = Sandbox::start(&[
        "--fixture",
        &f,
        "--simulate",
        "https://wf.example/api/good=ok",
        "--simulate",
        "*=503",
        "--delivery-backoff-ms",
        "20",
    ]);
    let resume = "/v2/workflows/dlq/resume?dlqIds=1700000000000-0,1700000000000-1";
    let restart = "/v2/workflows/dlq/restart?dlqIds=1700000000000-2,1700000000000-3";
    let mut runs = new_runs(&send(&sb, "POST", resume, &[]).json);
    runs.extend(new_runs(&send(&sb, "POST", restart, &[]).json));
    // A run that is not due for an hour is still started, with no completion time.
    let late = send(
        &sb,
        "POST",
        "/v2/workflows/dlq/resume/1700000000000-4",
        &[("Upstash-Delay", "1h")],
    );
    let late = (
        late.json["workflowRunId"].as_str().unwrap().to_string(),
        late.json["workflowCreatedAt"].as_i64().unwrap(),
    );
    let got = wait_for("every run to end", 60, || {
        let got = runs_by_id(&sb, &runs);
        (got.len() == 4 && got.values().all(|r| r["workflowState"] != "RUN_STARTED")).then_some(got)
    });
    let step_states = |r: &Value| -> Vec<String> {
        r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["steps"][0]["state"].as_str().unwrap().to_string())
            .collect()
    };
    for (i, (id, at)) in runs.iter().enumerate() {
        let r = &got[id];
        let fixture = &entries[i];
        assert_eq!(r["workflowUrl"], fixture["workflowUrl"]);
        assert_eq!(r["workflowRunCreatedAt"], *at);
        assert!(r["workflowRunCompletedAt"].as_i64().unwrap() >= *at);
        assert_eq!(r["workflowRunCallerIp"], "203.0.113.7");
        if fixture["workflowUrl"] == good {
            assert_eq!(r["workflowState"], "RUN_SUCCESS", "{r}");
            assert!(r.get("dlqId").is_none(), "{r}");
            assert_eq!(step_states(r), ["STEP_SUCCESS", "STEP_SUCCESS"]);
            assert!(sb.ids(true).iter().all(|d| *d != fixture["dlqId"]));
            continue;
        }
        assert_eq!(r["workflowState"], "RUN_FAILED", "{r}");
        assert_eq!(step_states(r), ["STEP_SUCCESS", "STEP_FAILED"]);
        let failed = &r["steps"][1]["steps"][0];
        assert_eq!(failed["callResponseStatus"], 503);
        assert!(
            failed.get("callResponseBody").is_none(),
            "trimBody defaults to -1"
        );
        let dlq_id = r["dlqId"]
            .as_str()
            .expect("a failed run names its DLQ entry");
        let (_, v) = sb.http("GET", &format!("/v2/workflows/dlq?workflowRunId={id}"));
        let found = v["messages"].as_array().unwrap();
        assert_eq!(found.len(), 1, "{v}");
        let e = &found[0];
        assert_eq!(e["dlqId"], dlq_id);
        assert_ne!(e["dlqId"], fixture["dlqId"]);
        assert_eq!(e["workflowUrl"], bad);
        assert_eq!(e["workflowCreatedAt"], *at);
        assert_eq!(e["responseStatus"], 503);
        assert_eq!(e["maxRetries"], fixture["maxRetries"]);
        assert_eq!(e["labels"], fixture["labels"]);
        assert_eq!(
            sb.http(
                "GET",
                &format!("/v2/workflows/dlq/{}", fixture["dlqId"].as_str().unwrap())
            )
            .0,
            404
        );
    }
    let (_, v) = sb.http("GET", "/__sandbox/runs");
    for (id, _) in &runs {
        let rec = v
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["workflowRunId"] == id.as_str())
            .unwrap();
        assert_eq!(rec["state"], got[id]["workflowState"]);
        assert_eq!(rec.get("dlqId"), got[id].get("dlqId"));
    }
    let waiting = runs_by_id(&sb, std::slice::from_ref(&late));
    let w = &waiting[&late.0];
    assert_eq!(w["workflowState"], "RUN_STARTED");
    assert!(w.get("workflowRunCompletedAt").is_none(), "{w}");
}
