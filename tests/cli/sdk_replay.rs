//! The requests the official SDKs send (../shared/SDK-WIRE.md), replayed with plain HTTP
//! through `prism proxy --errors` in front of the sandbox: each gets the documented status and
//! shape, and Prism, the independent referee, sees no violation in either direction. Then the
//! same for `dlq`'s own actions.

use std::time::Duration;

use serde_json::Value;

use crate::common::{raw, Sandbox};
use crate::prism::{have_spec, Prism};

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn field<'a>(e: &'a Value, name: &str) -> &'a str {
    e[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {e}"))
}

#[test]
fn qstash_sdk_requests_get_the_documented_shapes_with_no_violations() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "31"]);
    let prism = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let call = |method: &str, path: &str| raw(&prism.url, &sb.token, method, path, &[]);
    let entries = sb.listed(false);
    let ids: Vec<&str> = entries.iter().map(|e| field(e, "dlqId")).collect();

    // listMessages(), and with every filter the SDK sends (matching the first entry).
    let (s, v) = call("GET", "/v2/dlq");
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["messages"].as_array().unwrap().len(), 100);
    assert!(v["cursor"].is_string());
    let e = entries
        .iter()
        .find(|e| e["queueName"].is_string() && e["labels"][0].is_string())
        .expect("an entry in a queue with a label");
    let at = e["dlqId"]
        .as_str()
        .unwrap()
        .split('-')
        .next()
        .unwrap()
        .to_string();
    let q = format!(
        "/v2/dlq?count=10&messageId={}&url={}&url=https%3A%2F%2Fb.example%2Fy&queueName={}&queueName=q2\
         &fromDate={at}&toDate={at}&responseStatus={}&responseStatus=599&callerIp={}&label={}&label=l2",
        field(e, "messageId"),
        enc(field(e, "url")),
        field(e, "queueName"),
        e["responseStatus"],
        field(e, "callerIP"),
        e["labels"][0].as_str().unwrap(),
    );
    let (s, v) = call("GET", &q);
    assert_eq!(s, 200, "{q}: {v}");
    assert_eq!(v["messages"].as_array().unwrap().len(), 1, "{q}");
    assert_eq!(v["messages"][0]["dlqId"], e["dlqId"]);
    assert!(v.get("cursor").is_none_or(Value::is_null), "the end: {v}");

    // listMessages({dlqIds}), python get.
    let (s, v) = call(
        "GET",
        &format!("/v2/dlq?dlqIds={}&dlqIds={}", ids[3], ids[4]),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["messages"].as_array().unwrap().len(), 2);
    let (s, v) = call("GET", &format!("/v2/dlq/{}", ids[5]));
    assert_eq!((s, &v), (200, &entries[5]));

    // delete("d1"), delete([ids]), and a filtered delete with count.
    let (s, v) = call("DELETE", &format!("/v2/dlq/{}", ids[0]));
    assert_eq!((s, v), (200, Value::Null));
    let (s, v) = call(
        "DELETE",
        &format!("/v2/dlq?dlqIds={}&dlqIds={}", ids[1], ids[2]),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["deleted"], 2);
    let url = field(&entries[10], "url");
    let (s, v) = call("DELETE", &format!("/v2/dlq?url={}&count=5", enc(url)));
    assert_eq!(s, 200, "{v}");
    assert!(v["deleted"].as_u64().unwrap() >= 1);

    // retry("d1"), retry with a filter, retry({all, count}), and the per-id REST path.
    let (s, v) = call("POST", &format!("/v2/dlq/retry?dlqIds={}", ids[3]));
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["responses"].as_array().unwrap().len(), 1);
    assert!(v["responses"][0]["messageId"].is_string());
    let (s, v) = call(
        "POST",
        &format!(
            "/v2/dlq/retry?queueName={}&count=100",
            field(e, "queueName")
        ),
    );
    assert_eq!(s, 201, "{v}");
    assert!(!v["responses"].as_array().unwrap().is_empty());
    let (s, v) = call("POST", "/v2/dlq/retry?count=20");
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["responses"].as_array().unwrap().len(), 20);
    assert!(v["cursor"].is_string(), "more remain: {v}");
    let (s, v) = call("POST", &format!("/v2/dlq/retry/{}", ids[299]));
    assert_eq!(s, 201, "{v}");
    assert!(v["messageId"].is_string());

    // delete({all:true}) in the SDK's cursor loop empties the DLQ.
    let mut cursor = String::new();
    for _ in 0..10 {
        let (s, v) = call("DELETE", &format!("/v2/dlq?count=100{cursor}"));
        assert_eq!(s, 200, "{v}");
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = format!("&cursor={c}"),
            _ => break,
        }
    }
    assert!(sb.ids(false).is_empty());
    assert!(prism.violations().is_empty(), "{:#?}", prism.violations());
}

#[test]
fn workflow_sdk_requests_get_the_documented_shapes_with_no_violations() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "200", "--seed-rng", "32"]);
    let prism = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let call = |method: &str, path: &str, headers: &[(&str, &str)]| {
        raw(&prism.url, &sb.token, method, path, headers)
    };
    let runs = sb.listed(true);
    let ids: Vec<&str> = runs.iter().map(|e| field(e, "dlqId")).collect();

    let (s, v) = call("GET", "/v2/workflows/dlq?count=7", &[]);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["messages"].as_array().unwrap().len(), 7);
    let r = &runs[20];
    let q = format!(
        "/v2/workflows/dlq?workflowUrl={}&workflowRunId={}&workflowCreatedAt={}&label={}&callerIp={}",
        enc(field(r, "workflowUrl")),
        field(r, "workflowRunId"),
        r["workflowCreatedAt"],
        r["labels"][0].as_str().unwrap_or("none"),
        field(r, "callerIP"),
    );
    let (s, v) = call("GET", &q, &[]);
    assert_eq!(s, 200, "{q}: {v}");
    assert!(v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["dlqId"] == r["dlqId"]));
    let (s, v) = call("GET", &format!("/v2/workflows/dlq/{}", ids[1]), &[]);
    assert_eq!((s, &v), (200, &runs[1]));

    // resume("d1", {retries, flowControl}), restart([ids]), the per-id paths.
    let flow = [
        ("Upstash-Retries", "3"),
        ("Upstash-Flow-Control-Key", "fk"),
        (
            "Upstash-Flow-Control-Value",
            "parallelism=2, rate=10, period=1m",
        ),
    ];
    let (s, v) = call(
        "POST",
        &format!("/v2/workflows/dlq/resume?dlqIds={}", ids[0]),
        &flow,
    );
    assert_eq!(s, 200, "{v}");
    let run = &v["workflowRuns"][0];
    assert!(
        run["workflowRunId"].is_string() && run["workflowCreatedAt"].is_i64(),
        "{v}"
    );
    let (s, v) = call(
        "POST",
        &format!(
            "/v2/workflows/dlq/restart?dlqIds={}&dlqIds={}",
            ids[1], ids[2]
        ),
        &[],
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["workflowRuns"].as_array().unwrap().len(), 2);
    for verb in ["resume", "restart"] {
        let id = if verb == "resume" { ids[3] } else { ids[4] };
        let (s, v) = call("POST", &format!("/v2/workflows/dlq/{verb}/{id}"), &[]);
        assert_eq!(s, 200, "{verb}: {v}");
        assert!(v["workflowRunId"].is_string());
    }
    // A filtered resume handles at most the cap and continues by cursor.
    let wf = field(&runs[50], "workflowUrl");
    let (s, v) = call(
        "POST",
        &format!("/v2/workflows/dlq/resume?workflowUrl={}&count=100", enc(wf)),
        &[],
    );
    assert_eq!(s, 200, "{v}");
    assert!(!v["workflowRuns"].as_array().unwrap().is_empty());
    assert!(v["cursor"].is_string(), "{v}");

    // retryFailureFunction on a failed callback, then cancel it while in progress (302). The
    // run must still be in the DLQ: neither one of the first five nor resumed by the filter.
    let failed = runs[5..]
        .iter()
        .find(|r| r["failureCallbackInfo"]["state"] == "CALLBACK_FAIL" && r["workflowUrl"] != wf)
        .expect("a run whose callback failed");
    let id = field(failed, "dlqId");
    let (s, v) = call("POST", &format!("/v2/workflows/dlq/callback/{id}"), &[]);
    assert_eq!(s, 200, "{v}");
    assert!(v["workflowRunId"].is_string());
    let (s, _) = call("DELETE", &format!("/v2/workflows/dlq/callback/{id}"), &[]);
    assert_eq!(s, 302);

    // delete("d") / delete([ids]) go through the bulk path; the REST per-id path too.
    let left = sb.ids(true);
    let (s, v) = call(
        "DELETE",
        &format!("/v2/workflows/dlq?dlqIds={}&dlqIds={}", left[0], left[1]),
        &[],
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["deleted"], 2);
    let (s, v) = call("DELETE", &format!("/v2/workflows/dlq/{}", left[2]), &[]);
    assert_eq!((s, v), (200, Value::Null));
    let (s, v) = call("DELETE", "/v2/workflows/dlq?count=100", &[]);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["deleted"], 50, "the per-request cap");
    assert!(prism.violations().is_empty(), "{:#?}", prism.violations());
}

#[test]
fn dlq_actions_through_the_proxy_break_no_rule_of_either_spec() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "120", "--seed-rng", "33"]);
    let q = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let w = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let via = |p: &Prism| {
        let mut c = sb.dlq();
        c.env("QSTASH_URL", &p.url);
        c
    };
    let ids = sb.ids(false);
    via(&q)
        .args([
            "retry",
            &ids[0],
            &ids[1],
            "--retries",
            "0",
            "--delay",
            "10s",
        ])
        .assert()
        .success();
    via(&q)
        .args(["delete", &ids[2], "--yes"])
        .assert()
        .success();
    via(&q)
        .args(["retry", "--status", "5xx", "--limit", "30", "--yes"])
        .assert()
        .success();
    via(&q)
        .args(["delete", "--all", "--yes", "--server-side"])
        .assert()
        .success();
    let runs = sb.listed(true);
    let cb = runs
        .iter()
        .find(|r| r["failureCallbackInfo"]["state"] == "CALLBACK_FAIL")
        .expect("a failed callback");
    via(&w)
        .args(["callback", field(cb, "dlqId"), "--yes"])
        .assert()
        .success();
    via(&w)
        .args(["resume", field(&runs[0], "dlqId"), "--retries", "2"])
        .args([
            "--flow-control-key",
            "k",
            "--parallelism",
            "2",
            "--rate",
            "10",
        ])
        .assert()
        .success();
    via(&w)
        .args(["restart", "--limit", "60", "--yes"])
        .assert()
        .success();
    via(&w)
        .args(["delete", "--workflow", "--all", "--yes"])
        .assert()
        .success();
    assert!(sb.ids(false).is_empty() && sb.ids(true).is_empty());
    for p in [&q, &w] {
        assert!(p.violations().is_empty(), "{:#?}", p.violations());
    }
}

/// dlq's own verification requests (`--verify`), through both proxies.
#[test]
fn verification_requests_break_no_rule_of_the_official_specs() {
    if !have_spec() {
        return;
    }
    let sb = crate::verify::simulated(&[]);
    let q = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let w = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let via = |p: &Prism| {
        let mut c = sb.dlq();
        c.env("QSTASH_URL", &p.url)
            .timeout(Duration::from_secs(120));
        c
    };
    let ids = sb.ids(false);
    // A few messages: looked up one by one; many: through the logs since the retry began.
    via(&q)
        .args(["retry", &ids[0], &ids[1], "--verify=30s"])
        .assert()
        .code(predicates::prelude::predicate::in_iter([0, 3]));
    via(&q)
        .args(["retry", "--limit", "20", "--yes", "--verify=30s"])
        .assert()
        .code(predicates::prelude::predicate::in_iter([0, 3]));
    via(&w)
        .args(["resume", "--limit", "8", "--yes", "--verify=30s"])
        .assert()
        .code(predicates::prelude::predicate::in_iter([0, 3]));
    for p in [&q, &w] {
        assert!(p.violations().is_empty(), "{:#?}", p.violations());
    }
    // The logs endpoints were really used.
    let paths: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| r["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(paths.iter().any(|p| p == "/v2/logs"), "{paths:?}");
    assert!(paths.iter().any(|p| p == "/v2/workflows/logs"));
}
