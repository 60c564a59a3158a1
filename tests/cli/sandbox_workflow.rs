//! The sandbox's Workflow DLQ: both list paths, the per-request cap of bulk calls with cursor
//! continuation, and the failure-callback state machine.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::Sandbox;
use crate::sandbox::send;

/// Every page of a list path, whole entries in order.
fn all_pages(sb: &Sandbox, base: &str) -> Vec<Value> {
    let sep = if base.contains('?') { '&' } else { '?' };
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("{base}{sep}count=100&cursor={c}"),
            None => format!("{base}{sep}count=100"),
        };
        let (s, v) = sb.http("GET", &q);
        assert_eq!(s, 200, "{q}: {v}");
        out.extend(v["messages"].as_array().unwrap().iter().cloned());
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = Some(c.to_string()),
            _ => return out,
        }
    }
}

#[test]
fn both_workflow_list_paths_list_the_same_runs_and_plain_dlq_lists_none() {
    let sb = Sandbox::start(&["--seed", "230", "--seed-rng", "41"]);
    let documented = all_pages(&sb, "/v2/workflows/dlq");
    let sdk = all_pages(&sb, "/v2/dlq?source=workflow");
    assert_eq!(documented.len(), 230);
    assert_eq!(documented, sdk);
    assert!(documented.iter().all(|e| e["workflowRunId"].is_string()));
    let plain = all_pages(&sb, "/v2/dlq");
    assert_eq!(plain.len(), 230);
    assert!(plain.iter().all(|e| e.get("workflowRunId").is_none()));
    let run_ids: BTreeSet<&str> = documented
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap())
        .collect();
    assert!(
        plain
            .iter()
            .all(|e| !run_ids.contains(e["dlqId"].as_str().unwrap())),
        "distinct ids"
    );
    // Filters apply the same way on both paths.
    let url = documented[0]["workflowUrl"].as_str().unwrap().to_string();
    let enc = url.replace(':', "%3A").replace('/', "%2F");
    let a = all_pages(&sb, &format!("/v2/workflows/dlq?workflowUrl={enc}"));
    let b = all_pages(&sb, &format!("/v2/dlq?workflowUrl={enc}&source=workflow"));
    assert!(!a.is_empty() && a.len() < 230);
    assert_eq!(a, b);
    assert!(a.iter().all(|e| e["workflowUrl"] == url.as_str()));
}

#[test]
fn bulk_workflow_calls_handle_at_most_the_cap_and_continue_by_cursor() {
    let sb = Sandbox::start(&["--seed", "120", "--seed-rng", "42"]);
    let (mut runs, mut calls, mut cursor) = (BTreeSet::new(), 0, None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("/v2/workflows/dlq/resume?count=100&cursor={c}"),
            None => "/v2/workflows/dlq/resume?count=100".to_string(),
        };
        let r = send(&sb, "POST", &q, &[]);
        assert_eq!(r.status, 200, "{}", r.json);
        let batch = r.json["workflowRuns"].as_array().unwrap();
        assert!(batch.len() <= 50, "{} in one call", batch.len());
        runs.extend(
            batch
                .iter()
                .map(|x| x["workflowRunId"].as_str().unwrap().to_string()),
        );
        calls += 1;
        let c = r.json["cursor"]
            .as_str()
            .expect("workflow bulk calls always carry a cursor");
        if c.is_empty() {
            break;
        }
        cursor = Some(c.to_string());
        assert!(calls < 10);
    }
    assert_eq!((runs.len(), calls), (120, 3));
    assert!(sb.ids(true).is_empty());
    assert!(sb.applied_all().values().all(|v| v["resume"] == 1));

    // The cap is configurable, and a smaller count wins over it; delete pages the same way.
    let sb = Sandbox::start(&[
        "--seed",
        "30",
        "--seed-rng",
        "43",
        "--workflow-bulk-cap",
        "20",
    ]);
    let r = send(&sb, "DELETE", "/v2/workflows/dlq?count=100", &[]);
    assert_eq!(r.json["deleted"], 20);
    let c = r.json["cursor"].as_str().unwrap().to_string();
    assert!(!c.is_empty());
    let r = send(
        &sb,
        "POST",
        &format!("/v2/workflows/dlq/restart?count=3&cursor={c}"),
        &[],
    );
    assert_eq!(r.json["workflowRuns"].as_array().unwrap().len(), 3);
    let r = send(&sb, "DELETE", "/v2/workflows/dlq?count=100", &[]);
    assert_eq!(
        (r.json["deleted"].clone(), r.json["cursor"].clone()),
        (7.into(), "".into())
    );
    assert!(sb.ids(true).is_empty());
}

#[test]
fn callback_only_when_the_callback_failed_then_in_progress_then_cancelled() {
    let sb = Sandbox::start(&["--seed", "30", "--seed-rng", "44"]);
    let runs = sb.entries(true);
    let in_state = |s: Option<&str>| {
        runs.iter()
            .find(|e| e["failureCallbackInfo"]["state"].as_str() == s)
            .unwrap_or_else(|| panic!("a seeded run in {s:?}"))
            .clone()
    };
    let failed = in_state(Some("CALLBACK_FAIL"));
    let id = failed["dlqId"].as_str().unwrap();
    let r = send(
        &sb,
        "POST",
        &format!("/v2/workflows/dlq/callback/{id}"),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["workflowRunId"], failed["workflowRunId"]);
    assert!(r.json["workflowCreatedAt"].is_i64());
    assert_eq!(sb.applied(id, "callback"), 1);
    let (_, now) = sb.http("GET", &format!("/v2/workflows/dlq/{id}"));
    assert_eq!(now["failureCallbackInfo"]["state"], "CALLBACK_INPROGRESS");
    assert_eq!(now["failureFunctionState"], "CALLBACK_INPROGRESS");
    // In progress: no second retry, but it can be cancelled (302, as the spec declares).
    let r = send(
        &sb,
        "POST",
        &format!("/v2/workflows/dlq/callback/{id}"),
        &[],
    );
    assert_eq!(r.status, 400);
    assert!(r.json["error"]
        .as_str()
        .unwrap()
        .contains("CALLBACK_INPROGRESS"));
    assert_eq!(sb.applied(id, "callback"), 1);
    let r = send(
        &sb,
        "DELETE",
        &format!("/v2/workflows/dlq/callback/{id}"),
        &[],
    );
    assert_eq!(r.status, 302);
    let (_, now) = sb.http("GET", &format!("/v2/workflows/dlq/{id}"));
    assert_eq!(now["failureCallbackInfo"]["state"], "CALLBACK_CANCELED");
    assert_eq!(
        send(
            &sb,
            "DELETE",
            &format!("/v2/workflows/dlq/callback/{id}"),
            &[]
        )
        .status,
        400
    );
    // Every other state, and a run without a failure callback, is refused with a reason.
    for state in [
        Some("CALLBACK_SUCCESS"),
        Some("CALLBACK_CANCELED"),
        Some("CALLBACK_INPROGRESS"),
        None,
    ] {
        let e = in_state(state);
        let other = e["dlqId"].as_str().unwrap();
        if other == id {
            continue;
        }
        let r = send(
            &sb,
            "POST",
            &format!("/v2/workflows/dlq/callback/{other}"),
            &[],
        );
        assert_eq!(r.status, 400, "{state:?}");
        assert!(r.json["error"].as_str().unwrap().len() > 10);
        assert_eq!(sb.applied(other, "callback"), 0);
    }
    // The run stays in the DLQ throughout.
    assert_eq!(sb.ids(true).len(), 30);
}
