//! Outcomes outside one server's life: `--sandbox` settles everything at once so a later
//! command sees it, a sandbox restarted on its state file answers both logs endpoints the
//! same, and `--simulate` rules that do not parse are usage errors.

use serde_json::{json, Value};

use crate::common::wait_for;
use crate::common::{dlq, ndjson, Sandbox};
use crate::sandbox::send;
use crate::sandbox_logs::pages;

#[test]
fn the_sandbox_flag_settles_at_once_and_a_later_command_sees_the_outcome() {
    let home = tempfile::tempdir().unwrap();
    let sandboxed = |args: &[&str]| -> Vec<Value> {
        let mut c = dlq(&home);
        c.arg("--sandbox").args(args);
        ndjson(&c.assert().success().get_output().stdout)
    };
    let all = sandboxed(&["list", "--all", "-o", "ndjson"]);
    let by_host = |host: &str| {
        all.iter()
            .find(|e| e["url"].as_str().unwrap().contains(host))
            .unwrap_or_else(|| panic!("a seeded {host} entry"))
            .clone()
    };
    let (legacy, shop) = (by_host("legacy.example.com"), by_host("api.shop.example"));
    let ids = [
        legacy["dlqId"].as_str().unwrap(),
        shop["dlqId"].as_str().unwrap(),
    ];
    let out = sandboxed(&["retry", ids[0], ids[1], "--yes", "-o", "ndjson"]);
    let new_id = |dlq_id: &str| {
        out.iter()
            .find(|l| l["dlqId"] == dlq_id)
            .and_then(|l| l["messageId"].as_str())
            .unwrap_or_else(|| panic!("{dlq_id} in {out:?}"))
            .to_string()
    };
    let (failed, delivered) = (new_id(ids[0]), new_id(ids[1]));
    let again = sandboxed(&["list", "-o", "ndjson", "--message-id", &failed]);
    assert_eq!(again.len(), 1, "the legacy endpoint is gone: {again:?}");
    assert_ne!(again[0]["dlqId"], legacy["dlqId"]);
    assert_eq!(again[0]["responseStatus"], 410);
    assert_eq!(again[0]["url"], legacy["url"]);
    assert_eq!(again[0]["body"], legacy["body"]);
    assert!(sandboxed(&["list", "-o", "ndjson", "--message-id", &delivered]).is_empty());

    // The state file tells the whole story, spaced by the default 200 ms backoff.
    let state: Value = serde_json::from_slice(
        &std::fs::read(home.path().join("state/sandbox/state.json")).unwrap(),
    )
    .unwrap();
    let record = |id: &str| {
        state["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["messageId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(record(&failed)["state"], "failed");
    assert_eq!(record(&failed)["dlqId"], again[0]["dlqId"]);
    assert_eq!(record(&delivered)["state"], "delivered");
    let log = |id: &str| -> Vec<Value> {
        let mut l: Vec<Value> = state["logs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["messageId"] == id)
            .cloned()
            .collect();
        l.sort_by_key(|e| (e["time"].as_i64(), e["seq"].as_u64()));
        l
    };
    let states = |l: &[Value]| -> Vec<String> {
        l.iter()
            .map(|e| e["state"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(states(&log(&delivered)), ["CREATED", "ACTIVE", "DELIVERED"]);
    let flog = log(&failed);
    let retries = legacy["maxRetries"].as_i64().unwrap() as usize;
    assert_eq!(flog.len(), 3 * retries + 4, "{:?}", states(&flog));
    assert_eq!(flog.last().unwrap()["state"], "FAILED");
    let mut attempt = 0;
    for w in flog.windows(2) {
        if w[0]["state"] == "RETRY" {
            attempt += 1;
            let due = w[0]["nextDeliveryTime"].as_i64().unwrap();
            assert_eq!(due - w[0]["time"].as_i64().unwrap(), 200 * attempt);
            assert_eq!(
                (w[1]["state"].clone(), w[1]["time"].as_i64()),
                (json!("ACTIVE"), Some(due))
            );
        }
    }
    assert_eq!(attempt as usize, retries);

    // A delayed retry is not settled before its time: created, due in an hour.
    let later = all
        .iter()
        .find(|e| {
            e["url"].as_str().unwrap().contains("legacy.example.com")
                && e["dlqId"] != legacy["dlqId"]
        })
        .expect("a second legacy entry");
    let id = later["dlqId"].as_str().unwrap();
    let out = sandboxed(&["retry", id, "--delay", "1h", "--yes", "-o", "ndjson"]);
    let waiting = out[0]["messageId"].as_str().unwrap().to_string();
    assert!(sandboxed(&["list", "-o", "ndjson", "--message-id", &waiting]).is_empty());
    let state: Value = serde_json::from_slice(
        &std::fs::read(home.path().join("state/sandbox/state.json")).unwrap(),
    )
    .unwrap();
    let m = state["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageId"] == waiting.as_str())
        .unwrap();
    assert_eq!(m["state"], "pending");
    let logged: Vec<&Value> = state["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["messageId"] == waiting.as_str())
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["state"], "CREATED");

    // A video transcode fails again; any other workflow succeeds.
    let runs = sandboxed(&["list", "--workflow", "--all", "-o", "ndjson"]);
    let pick = |transcode: bool| {
        runs.iter()
            .find(|r| {
                r["workflowUrl"]
                    .as_str()
                    .unwrap()
                    .contains("video-transcode")
                    == transcode
            })
            .unwrap()["dlqId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (bad, good) = (pick(true), pick(false));
    let out = sandboxed(&["resume", &bad, &good, "--yes", "-o", "ndjson"]);
    let run_of = |dlq_id: &str| {
        out.iter()
            .find(|l| l["dlqId"] == dlq_id)
            .and_then(|l| l["workflowRunId"].as_str())
            .unwrap()
            .to_string()
    };
    let again = sandboxed(&[
        "list",
        "--workflow",
        "-o",
        "ndjson",
        "--workflow-run-id",
        &run_of(&bad),
    ]);
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["responseStatus"], 500);
    let none = sandboxed(&[
        "list",
        "--workflow",
        "-o",
        "ndjson",
        "--workflow-run-id",
        &run_of(&good),
    ]);
    assert!(none.is_empty(), "{none:?}");
    let state: Value = serde_json::from_slice(
        &std::fs::read(home.path().join("state/sandbox/state.json")).unwrap(),
    )
    .unwrap();
    let run = |id: &str| {
        state["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["workflowRunId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(run(&run_of(&bad))["state"], "RUN_FAILED");
    assert_eq!(run(&run_of(&bad))["dlqId"], again[0]["dlqId"]);
    assert_eq!(run(&run_of(&good))["state"], "RUN_SUCCESS");
}

#[test]
fn a_restarted_sandbox_still_answers_both_logs_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sb.json");
    let state = state.to_str().unwrap();
    let args = [
        "--state",
        state,
        "--seed",
        "10",
        "--seed-rng",
        "3",
        "--simulate",
        "https://api.shop.example/*=ok",
        "--simulate",
        "*=500",
        "--delivery-backoff-ms",
        "5",
    ];
    let (logs, runs) = {
        let sb = Sandbox::start(&args);
        assert_eq!(
            send(&sb, "POST", "/v2/dlq/retry?count=100", &[]).status,
            201
        );
        assert_eq!(
            send(&sb, "POST", "/v2/workflows/dlq/restart?count=100", &[]).status,
            200
        );
        wait_for("every message and run to end", 60, || {
            let (_, m) = sb.http("GET", "/__sandbox/messages");
            let (_, r) = sb.http("GET", "/__sandbox/runs");
            let done = m
                .as_array()?
                .iter()
                .all(|m| m["state"] == "delivered" || m["state"] == "failed")
                && r.as_array()?.iter().all(|r| r["state"] != "RUN_STARTED");
            done.then_some(())
        });
        (
            pages(&sb, "/v2/logs", "logs", 100),
            pages(&sb, "/v2/workflows/logs", "runs", 1000),
        )
    };
    assert!(
        // The ten seeded failed runs, and the ten restarts of them.
        logs.len() >= 30 && runs.len() == 20,
        "{} {}",
        logs.len(),
        runs.len()
    );
    let sb = Sandbox::start(&args);
    assert_eq!(pages(&sb, "/v2/logs", "logs", 100), logs);
    assert_eq!(pages(&sb, "/v2/workflows/logs", "runs", 1000), runs);
}

#[test]
fn simulate_rules_that_do_not_parse_are_usage_errors_naming_the_forms() {
    let home = tempfile::tempdir().unwrap();
    for bad in ["nope", "*=200", "*=flaky:2", "=ok", "*=sometimes"] {
        let out = dlq(&home)
            .args([
                "sandbox",
                "--port",
                "0",
                "--simulate",
                "*=ok",
                "--simulate",
                bad,
            ])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8(out.stderr).unwrap();
        for form in [
            "--simulate",
            "PATTERN=OUTCOME",
            "ok",
            "400-599",
            "flaky:P",
            "timeout",
        ] {
            assert!(err.contains(form), "{bad}: {form} not in {err}");
        }
        assert!(out.stdout.is_empty(), "{bad}: no server started");
    }
}

#[test]
fn a_sandbox_restarted_with_rules_takes_up_what_the_last_one_only_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sb.json");
    let state = state.to_str().unwrap();
    let base = ["--state", state, "--seed", "6", "--seed-rng", "5"];
    let (messages, runs) = {
        // No rules: nothing is attempted, however long one waits.
        let sb = Sandbox::start(&base);
        let m = send(&sb, "POST", "/v2/dlq/retry?count=3", &[]);
        let r = send(&sb, "POST", "/v2/workflows/dlq/resume?count=2", &[]);
        let m: Vec<String> = m.json["responses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["messageId"].as_str().unwrap().to_string())
            .collect();
        let r: Vec<String> = r.json["workflowRuns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                format!(
                    "{}@{}",
                    x["workflowRunId"].as_str().unwrap(),
                    x["workflowCreatedAt"]
                )
            })
            .collect();
        for id in &m {
            let (_, v) = sb.http("GET", &format!("/v2/logs?messageId={id}"));
            assert_eq!(v["logs"].as_array().unwrap().len(), 1, "{v}");
            assert_eq!(v["logs"][0]["state"], "CREATED");
        }
        let (_, v) = sb.http(
            "GET",
            &format!("/v2/workflows/logs?workflowRuns={}", r.join(",")),
        );
        let states: Vec<&Value> = v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| &x["workflowState"])
            .collect();
        assert_eq!(states, [&json!("RUN_STARTED"), &json!("RUN_STARTED")]);
        (m, r)
    };
    let mut args = base.to_vec();
    args.extend(["--simulate", "*=ok", "--delivery-backoff-ms", "5"]);
    let sb = Sandbox::start(&args);
    wait_for("the recorded messages and runs to end", 60, || {
        let done = messages.iter().all(|id| {
            let (_, v) = sb.http("GET", &format!("/v2/logs?messageId={id}"));
            v["logs"][0]["state"] == "DELIVERED"
        });
        let (_, v) = sb.http(
            "GET",
            &format!("/v2/workflows/logs?workflowRuns={}", runs.join(",")),
        );
        let ended = v["runs"]
            .as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(|x| x["workflowState"] == "RUN_SUCCESS"));
        (done && ended).then_some(())
    });
    for id in &messages {
        let (_, v) = sb.http("GET", &format!("/v2/logs?messageId={id}"));
        let states: Vec<&str> = v["logs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["state"].as_str().unwrap())
            .collect();
        assert_eq!(
            states,
            ["DELIVERED", "ACTIVE", "CREATED"],
            "one CREATED, from before"
        );
    }
}
