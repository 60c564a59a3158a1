//! Seeded failed workflow runs carry the records the service keeps (issue 32): each seeded
//! entry of the workflow DLQ has its run in the workflow logs, failed, with its `dlqId` and,
//! when its failure function was called, that call's message id, as read through Prism (the
//! official OpenAPI, no violation) and the workflow SDK. `dlq callback` on a seeded entry then
//! has a baseline: the newest call after it is a new message, and the server counts one call.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::common::{raw, wait_for, Sandbox};
use crate::prism::{have_spec, Prism};
use crate::sdk::have_sdk;
use crate::sdk_fidelity::run;

/// The runs of the workflow logs by run id.
fn runs_by_id(logs: &Value) -> BTreeMap<String, Value> {
    logs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["workflowRunId"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

#[test]
fn seeded_failed_runs_are_in_the_workflow_logs_with_their_failure_calls() {
    if !have_spec() || !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "12", "--seed-rng", "32", "--simulate", "*=ok"]);
    let prism = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let (s, logs) = raw(
        &prism.url,
        &sb.token,
        "GET",
        "/v2/workflows/logs?count=100",
        &[],
    );
    assert_eq!(s, 200, "{logs}");
    assert!(prism.violations().is_empty(), "{:?}", prism.violations());
    let runs = runs_by_id(&logs);
    let entries = sb.listed(true);
    assert_eq!(
        runs.len(),
        entries.len(),
        "one run per seeded entry: {logs}"
    );
    for e in &entries {
        let r = &runs[e["workflowRunId"].as_str().unwrap()];
        assert_eq!(r["workflowState"], "RUN_FAILED", "{r}");
        assert_eq!(
            (&r["dlqId"], &r["workflowUrl"]),
            (&e["dlqId"], &e["workflowUrl"])
        );
        assert_eq!(r["workflowRunCreatedAt"], e["workflowCreatedAt"]);
        let state = &e["failureCallbackInfo"]["state"];
        assert_eq!(&r["failureFunction"]["state"], state, "{r}");
        assert_eq!(
            r["failureFunction"]["messageId"].is_string(),
            state.is_string(),
            "a called failure function has its call's message id: {r}"
        );
    }

    // The workflow SDK reads the same; `dlq callback` then calls it again, a new message.
    let failed = entries
        .iter()
        .find(|e| e["failureCallbackInfo"]["state"] == "CALLBACK_FAIL")
        .expect("a seeded CALLBACK_FAIL");
    let run_id = failed["workflowRunId"].as_str().unwrap();
    let dlq_id = failed["dlqId"].as_str().unwrap();
    let seeded = runs[run_id]["failureFunction"]["messageId"].clone();
    let read = run(
        &sb,
        "@upstash/workflow",
        "const l = await c.logs({ workflowRunId: process.env.RUN });\n\
         console.log(JSON.stringify(l.runs[0].failureFunction));",
        &[("RUN", run_id)],
    );
    assert_eq!(read["messageId"], seeded, "{read}");
    sb.dlq().args(["callback", dlq_id]).assert().success();
    assert_eq!(sb.applied(dlq_id, "callback"), 1);
    let after = wait_for("the new call to succeed", 60, || {
        let q = format!("/v2/workflows/logs?workflowRunId={run_id}");
        let (_, logs) = sb.http("GET", &q);
        let f = logs["runs"][0]["failureFunction"].clone();
        (f["state"] == "CALLBACK_SUCCESS").then_some(f)
    });
    assert_ne!(after["messageId"], seeded, "a new call: {after}");
    let (_, made) = sb.http("GET", "/__sandbox/runs");
    assert_eq!(made.as_array().map(Vec::len), Some(1), "only ours: {made}");
    assert_eq!(made[0]["kind"], json!("callback"));
}
