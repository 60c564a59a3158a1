//! Both logs endpoints through `prism proxy --errors` in front of the sandbox, the official
//! OpenAPI as referee: several filters and pages, no violation in either direction.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::wait_for;
use crate::common::Sandbox;
use crate::prism::{have_spec, Prism};
use crate::sandbox::send;
use crate::sandbox_logs::{fixture, pages};
use crate::sandbox_logs_paging::{all_settled, enc, messages, runs_fixture, start_runs};

/// One request through Prism, no retries.
fn raw(base: &str, token: &str, path: &str) -> (u16, Value) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let req = agent
        .get(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"));
    let resp = match req.call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {path}: {e}"),
    };
    let status = resp.status();
    let text = resp.into_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[test]
fn both_logs_endpoints_through_prism_proxy_have_no_violations() {
    if !have_spec() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut lines = messages();
    lines.extend(runs_fixture().into_iter().map(|mut r| {
        let id = r["dlqId"]
            .as_str()
            .unwrap()
            .replace("1700000000000", "1700000000001");
        r["dlqId"] = json!(id);
        r
    }));
    let f = fixture(&dir, "all.ndjson", &lines);
    let sb = Sandbox::start(&[
        "--fixture",
        &f,
        "--simulate",
        "https://ok.example/*=ok",
        "--simulate",
        "https://wf.example/good*=ok",
        "--simulate",
        "*=503",
        "--delivery-backoff-ms",
        "5",
    ]);
    assert_eq!(
        send(&sb, "POST", "/v2/dlq/retry?count=100", &[]).status,
        201
    );
    start_runs(&sb);
    wait_for("everything to end", 60, || all_settled(&sb));
    let logs = pages(&sb, "/v2/logs", "logs", 100);
    let runs = pages(&sb, "/v2/workflows/logs", "runs", 1000);
    let msg = logs[0]["messageId"].as_str().unwrap().to_string();
    let t = logs[logs.len() / 2]["time"].to_string();
    let run_pairs = runs[..4]
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
    let run_id = runs[1]["workflowRunId"].as_str().unwrap().to_string();

    let prism = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let get = |path: &str| raw(&prism.url, &sb.token, path);
    let mut cursor = None::<String>;
    for _ in 0..3 {
        let path = match &cursor {
            Some(c) => format!("/v2/logs?count=7&cursor={c}"),
            None => "/v2/logs?count=7".to_string(),
        };
        let (s, v) = get(&path);
        assert_eq!(s, 200, "{path}: {v}");
        cursor = v["cursor"].as_str().map(str::to_string);
    }
    for q in [
        "/v2/logs".to_string(),
        format!("/v2/logs?messageId={msg}"),
        format!("/v2/logs?fromDate={t}&state=DELIVERED&count=100"),
        "/v2/logs?state=IN_PROGRESS&count=3".to_string(),
        "/v2/logs?state=ERROR&label=l1&label=l2".to_string(),
        format!("/v2/logs?url={}&toDate={t}", enc("https://down.example/c")),
        "/v2/logs?topicName=group-a&queueName=q1&scheduleId=scd_0".to_string(),
    ] {
        let (s, v) = get(&q);
        assert_eq!(s, 200, "{q}: {v}");
        assert!(v["logs"].is_array(), "{q}: {v}");
    }
    assert!(
        prism.violations().is_empty(),
        "qstash: {:?}",
        prism.violations()
    );

    let prism = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let get = |path: &str| raw(&prism.url, &sb.token, path);
    for q in [
        "/v2/workflows/logs".to_string(),
        format!("/v2/workflows/logs?workflowRuns={run_pairs}"),
        format!("/v2/workflows/logs?workflowRunId={run_id}&trimBody=10"),
        "/v2/workflows/logs?state=RUN_FAILED&count=2&trimBody=1000".to_string(),
        "/v2/workflows/logs?state=STEP_SUCCESS&label=l1&flowControlKey=fk".to_string(),
        format!(
            "/v2/workflows/logs?workflowUrl={}&callerIp=203.0.113.7",
            enc("https://wf.example/bad")
        ),
    ] {
        let (s, v) = get(&q);
        assert_eq!(s, 200, "{q}: {v}");
        assert!(v["runs"].is_array(), "{q}: {v}");
    }
    let (_, first) = get("/v2/workflows/logs?count=5");
    let c = first["cursor"].as_str().unwrap().to_string();
    let (s, next) = get(&format!("/v2/workflows/logs?count=5&cursor={}", enc(&c)));
    assert_eq!(s, 200, "{next}");
    assert_ne!(next["runs"][0], first["runs"][0]);
    assert!(
        prism.violations().is_empty(),
        "workflow: {:?}",
        prism.violations()
    );
}
