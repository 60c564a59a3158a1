//! Real workflow runs, continued (see `sandbox_wfexec`): parallel steps, sleep and
//! `context.call`; the official workflow client against these runs; `/v2/trigger`; runs of
//! apps off loopback; `context.waitForEvent` and notify.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Sandbox;
use crate::sandbox_wfexec::Rig;
use crate::sdk::have_sdk;

#[test]
fn parallel_steps_a_sleep_and_a_call_run_as_the_sdk_plans_them() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    let url = rig.app.url.replace("/workflow", "/extras");
    let run = rig.trigger_at(&url, 1, "extras").remove(0);
    let r = rig.wait(&run, "RUN_SUCCESS", None);
    let done = rig.executed(&run);
    let at = |what: &str| -> i64 {
        let hits: Vec<i64> = done
            .iter()
            .filter_map(|l| l.strip_prefix(what)?.trim().parse().ok())
            .collect();
        assert_eq!(hits.len(), 1, "{what} once in {done:?}");
        hits[0]
    };
    let parallel = at("par-a").max(at("par-b"));
    // The nap is a second: the step after it is not called before.
    assert!(at("after-nap") - parallel >= 1000, "{done:?}");
    let names: Vec<&str> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["steps"][0]["stepName"].as_str().unwrap())
        .collect();
    for step in ["par-a", "par-b", "nap", "after-nap", "ask", "after-call"] {
        assert!(names.contains(&step), "{step} in {names:?}");
    }
    // context.call: the sandbox called the endpoint once, and its answer reached the run.
    assert_eq!(rig.executed("echo"), [r#"{"sum":3}"#]);
    assert_eq!(
        done.last().unwrap(),
        r#"answer 200 {"echoed":{"sum":3}}"#,
        "{done:?}"
    );
}

#[test]
fn the_workflow_sdk_client_lists_resumes_restarts_calls_back_and_cancels_these_runs() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start_with(&[("WF_NAP", "60")]);
    rig.set("fail", true);
    rig.set("callback-fail", true);
    let runs = rig.trigger(3, "sdk");
    for run in &runs {
        rig.wait(run, "RUN_FAILED", Some("CALLBACK_FAIL"));
    }
    rig.set("fail", false);
    rig.set("callback-fail", false);
    let [a, b, c] = [&runs[0], &runs[1], &runs[2]];
    let v = rig.script(&format!(
        r#"import {{ Client }} from "@upstash/workflow";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
const {{ messages }} = await c.dlq.list({{ filter: {{ label: "sdk" }} }});
const id = (run) => messages.find((m) => m.workflowRunId === run).dlqId;
const callback = await c.dlq.retryFailureFunction({{ dlqId: id("{a}") }});
const resumed = await c.dlq.resume(id("{b}"));
const restarted = await c.dlq.restart(id("{c}"));
console.log(JSON.stringify({{ messages, callback, resumed, restarted }}));"#
    ));
    let listed: Vec<&str> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["workflowRunId"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 3, "{v}");
    assert!(runs.iter().all(|r| listed.contains(&r.as_str())), "{v}");
    assert!(v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["failureCallbackInfo"]["state"] == "CALLBACK_FAIL"));
    // The failure function ran again for run a, the same run.
    assert_eq!(v["callback"]["workflowRunId"], a.as_str(), "{v}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while rig.executed(a).len() < 6 {
        assert!(Instant::now() < deadline, "{:?}", rig.executed(a));
        std::thread::sleep(Duration::from_millis(50));
    }
    let resumed = v["resumed"]["workflowRuns"][0]["workflowRunId"]
        .as_str()
        .unwrap();
    rig.wait(resumed, "RUN_SUCCESS", None);
    assert_eq!(rig.executed(resumed), ["step-two"]);
    let restarted = v["restarted"]["workflowRuns"][0]["workflowRunId"]
        .as_str()
        .unwrap();
    rig.wait(restarted, "RUN_SUCCESS", None);
    assert_eq!(rig.executed(restarted), ["step-one", "step-two"]);
    // The client's logs() (over /v2/workflows/events) reads the same runs.
    let logs = rig.script(&format!(
        r#"import {{ Client }} from "@upstash/workflow";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
console.log(JSON.stringify(await c.logs({{ workflowRunId: "{resumed}" }})));"#
    ));
    assert_eq!(logs["runs"][0]["workflowRunId"], resumed, "{logs}");
    assert_eq!(logs["runs"][0]["workflowState"], "RUN_SUCCESS", "{logs}");

    // Cancel: a run asleep for a minute is cancelled by the client and stays so.
    let url = rig.app.url.replace("/workflow", "/extras");
    let napping = rig.trigger_at(&url, 1, "sdk").remove(0);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !rig.run(&napping)["steps"].to_string().contains("\"nap\"") {
        assert!(Instant::now() < deadline, "{}", rig.run(&napping));
        std::thread::sleep(Duration::from_millis(50));
    }
    let v = rig.script(&format!(
        r#"import {{ Client }} from "@upstash/workflow";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
console.log(JSON.stringify(await c.cancel({{ ids: "{napping}" }})));"#
    ));
    assert_eq!(v["cancelled"], 1, "{v}");
    assert_eq!(rig.run(&napping)["workflowState"], "RUN_CANCELED");
    // A step published to it afterwards is refused, as QStash refuses it.
    let r = crate::sandbox::send(
        &rig.sb,
        "POST",
        &format!("/v2/publish/{url}"),
        &[("Upstash-Workflow-RunId", napping.as_str())],
    );
    assert_eq!(r.status, 400, "{}", r.json);
}

#[test]
fn the_trigger_api_starts_a_run_the_sdk_takes_over_and_callback_calls_are_logged_with_times() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    // /v2/trigger without the SDK: the app is told its SDK is unknown, takes the run over
    // under the same id, and runs it to the end.
    let (s, v) = crate::common::http(
        "POST",
        &format!("{}/v2/trigger/{}", rig.sb.url, rig.app.url),
        Some(&rig.sb.token),
        Some(r#"{"n":20}"#),
    );
    assert_eq!(s, 200, "{v}");
    let run = v["workflowRunId"].as_str().unwrap().to_string();
    assert!(v["workflowCreatedAt"].as_i64().unwrap() > 0, "{v}");
    rig.wait(&run, "RUN_SUCCESS", None);
    assert_eq!(rig.executed(&run), ["step-one", "step-two"]);

    // Every call of a failure callback is in the logs with when it started and ended, so
    // whether one started after a `dlq callback` request can be told.
    rig.set("fail", true);
    rig.set("callback-fail", true);
    let run = rig.trigger(1, "times").remove(0);
    let r = rig.wait(&run, "RUN_FAILED", Some("CALLBACK_FAIL"));
    let first = r["failureFunction"]["attempts"].as_array().unwrap().clone();
    assert_eq!(first.len(), 2, "{r}");
    let dlq_id = rig.entry(&run)["dlqId"].as_str().unwrap().to_string();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    rig.sb
        .dlq()
        .args(["callback", &dlq_id, "--yes"])
        .assert()
        .success();
    let deadline = Instant::now() + Duration::from_secs(60);
    let attempts = loop {
        let r = rig.run(&run);
        let a = r["failureFunction"]["attempts"].as_array().unwrap().clone();
        if a.len() == 4 {
            break a;
        }
        assert!(Instant::now() < deadline, "{r}");
        std::thread::sleep(Duration::from_millis(50));
    };
    for a in &first {
        assert!(a["startedAt"].as_i64().unwrap() < before, "{a}");
    }
    for a in &attempts[2..] {
        let (start, end) = (
            a["startedAt"].as_i64().unwrap(),
            a["endedAt"].as_i64().unwrap(),
        );
        assert!(start >= before && end >= start, "{a}");
        assert_eq!(a["status"], 500);
    }
}

#[test]
fn runs_of_apps_elsewhere_are_never_contacted_and_follow_the_simulate_rules() {
    let sb = Sandbox::start(&[
        "--seed",
        "0",
        "--delivery-backoff-ms",
        "10",
        "--simulate",
        "https://broken.example/*=503",
        "--simulate",
        "https://fine.example/*=ok",
    ]);
    let trigger = |url: &str| -> String {
        let (s, v) = crate::common::http(
            "POST",
            &format!("{}/v2/trigger/{url}", sb.url),
            Some(&sb.token),
            Some("{}"),
        );
        assert_eq!(s, 200, "{v}");
        v["workflowRunId"].as_str().unwrap().to_string()
    };
    let broken = trigger("https://broken.example/wf");
    let fine = trigger("https://fine.example/wf");
    let nowhere = trigger("https://nowhere.example/wf");
    let state = |id: &str| -> Value {
        let (_, v) = sb.http("GET", &format!("/v2/workflows/logs?workflowRunId={id}"));
        v["runs"][0]["workflowState"].clone()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while state(&broken) != "RUN_FAILED" || state(&fine) != "RUN_SUCCESS" {
        assert!(
            Instant::now() < deadline,
            "{} {}",
            state(&broken),
            state(&fine)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, v) = sb.http("GET", &format!("/v2/workflows/dlq?workflowRunId={broken}"));
    assert_eq!(v["messages"][0]["responseStatus"], 503, "{v}");
    // No rule: the run is only recorded, nothing answers for it.
    assert_eq!(state(&nowhere), "RUN_STARTED");
}

#[test]
fn wait_for_event_is_completed_by_notify_or_by_its_timeout() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    let url = rig.app.url.replace("/workflow", "/waits");
    let client = r#"import { Client } from "@upstash/workflow";
const c = new Client({ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN });"#;
    let v = rig.script(&format!(
        r#"{client}
console.log(JSON.stringify(await c.trigger([
  {{ url: "{url}", body: {{ order: "a", timeout: "1h" }} }},
  {{ url: "{url}", body: {{ order: "b", timeout: "1s" }} }},
])));"#
    ));
    let (a, b) = (
        v[0]["workflowRunId"].as_str().unwrap(),
        v[1]["workflowRunId"].as_str().unwrap(),
    );
    // Nobody notifies b: its wait times out after a second and the run goes on.
    rig.wait(b, "RUN_SUCCESS", None);
    assert_eq!(rig.executed(b), ["event true undefined"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let w = rig.script(&format!(
            "{client}\nconsole.log(JSON.stringify(await c.getWaiters({{ eventId: \"paid-a\" }})));"
        ));
        if w.as_array().unwrap().len() == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "{w}");
    }
    assert_eq!(rig.run(a)["workflowState"], "RUN_STARTED");
    let n = rig.script(&format!(
        "{client}\nconsole.log(JSON.stringify(await c.notify({{ eventId: \"paid-a\", eventData: {{ amount: 5 }} }})));"
    ));
    assert_eq!(n.as_array().unwrap().len(), 1, "{n}");
    rig.wait(a, "RUN_SUCCESS", None);
    assert_eq!(rig.executed(a), [r#"event false {"amount":5}"#]);
}

#[test]
fn a_run_keeps_its_trigger_configuration_and_retries_after_its_retry_delay() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    rig.set("fail", true);
    let v = rig.script(&format!(
        r#"import {{ Client }} from "@upstash/workflow";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
console.log(JSON.stringify(await c.trigger({{
  url: "{}", body: {{ n: 1 }}, retries: 1, retryDelay: "1500", label: "slow",
  flowControl: {{ key: "tenant-7", parallelism: 2 }},
}})));"#,
        rig.app.url
    ));
    let run = v["workflowRunId"].as_str().unwrap();
    let r = rig.wait(run, "RUN_FAILED", Some("CALLBACK_SUCCESS"));
    // Step two's retry waited the run's 1.5 s, not the sandbox's 50 ms backoff.
    let took =
        r["workflowRunCompletedAt"].as_i64().unwrap() - r["workflowRunCreatedAt"].as_i64().unwrap();
    assert!(took >= 1500, "{took} ms: {r}");
    assert_eq!(r["flowControlKey"], "tenant-7", "{r}");
    let e = rig.entry(run);
    assert_eq!(
        (
            &e["flowControlKey"],
            &e["parallelism"],
            &e["maxRetries"],
            &e["label"]
        ),
        (
            &Value::from("tenant-7"),
            &Value::from(2),
            &Value::from(1),
            &Value::from("slow")
        ),
        "{e}"
    );
    assert_eq!(e["retryDelayExpression"], "1500", "{e}");
}
