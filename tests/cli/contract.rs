//! The client held to the official OpenAPI: `list` and `get` against `prism mock`, and
//! through `prism proxy --errors` in front of the sandbox, with filters and cursors.

use predicates::prelude::*;

use crate::common::{dlq, Sandbox};
use crate::prism::{have_spec, Prism};

fn json_stdout(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs `dlq` against a Prism mock and returns its JSON stdout, asserting success.
fn against(prism: &Prism, home: &tempfile::TempDir, args: &[&str]) -> serde_json::Value {
    let out = dlq(home)
        .env("QSTASH_TOKEN", "t")
        .arg("--base-url")
        .arg(&prism.url)
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    json_stdout(&out)
}

#[test]
fn list_and_get_against_the_qstash_mock() {
    if !have_spec() {
        return;
    }
    let prism = Prism::mock("qstash-openapi.yaml");
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| against(&prism, &home, args);
    let list = run(&["list", "-o", "json"]);
    assert!(list["messages"].is_array(), "{list}");
    assert!(list.get("cursor").is_some());
    let filtered = run(&[
        "list",
        "-o",
        "json",
        "--status",
        "5xx",
        "--label",
        "a",
        "--label",
        "b",
        "--from",
        "2h",
        "--url-group",
        "g",
        "--queue",
        "q",
        "--caller-ip",
        "1.2.3.4",
        "--cursor",
        "c1",
    ]);
    assert!(filtered["messages"].is_array());
    let entry = run(&["get", "1752829295505-0", "-o", "json"]);
    assert_eq!(entry["dlqId"], "1752829295505-0");
    assert!(entry["messageId"].is_string());
    assert!(prism.violations().is_empty(), "{:?}", prism.violations());
}

#[test]
fn list_and_get_against_the_workflow_mock() {
    if !have_spec() {
        return;
    }
    let prism = Prism::mock("workflow-openapi.yaml");
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| against(&prism, &home, args);
    let list = run(&[
        "list",
        "--workflow",
        "-o",
        "json",
        "--workflow-url",
        "https://app.example/wf",
        "--callback-state",
        "CALLBACK_FAIL",
        "--label",
        "l",
    ]);
    // The mock answers its example whatever the filters; it matches none of them as written,
    // and only entries that do are ever shown.
    assert_eq!(list["messages"], serde_json::json!([]), "{list}");
    let list = run(&["list", "--workflow", "-o", "json"]);
    assert!(list["messages"][0]["workflowRunId"].is_string(), "{list}");
    let entry = run(&["get", "--workflow", "1752829295505-0", "-o", "json"]);
    assert!(entry["workflowUrl"].is_string());
    assert!(prism.violations().is_empty(), "{:?}", prism.violations());
}

#[test]
fn all_stops_with_an_error_when_the_mock_repeats_its_cursor() {
    if !have_spec() {
        return;
    }
    let prism = Prism::mock("qstash-openapi.yaml");
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .env("QSTASH_TOKEN", "t")
        .args(["--base-url", &prism.url, "list", "--all", "-o", "ndjson"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cursor").and(predicate::str::contains("second time")));
}

#[test]
fn list_and_get_through_prism_proxy_in_front_of_the_sandbox() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "250", "--seed-rng", "7"]);
    for (spec, workflow) in [
        ("qstash-openapi.yaml", false),
        ("workflow-openapi.yaml", true),
    ] {
        let prism = Prism::proxy(spec, &sb.url);
        let run = |args: &[&str]| {
            let mut c = sb.dlq();
            c.env("QSTASH_URL", &prism.url).arg(args[0]);
            if workflow {
                c.arg("--workflow");
            }
            c.args(&args[1..]).assert().success().get_output().clone()
        };
        // Every page through the proxy, then a filtered list and a get of the first entry.
        let all = crate::common::ndjson(&run(&["list", "--all", "-o", "ndjson"]).stdout);
        assert_eq!(all.len(), 250, "{spec}");
        let first = all[0]["dlqId"].as_str().unwrap().to_string();
        let page = json_stdout(&run(&[
            "list", "-o", "json", "--limit", "30", "--from", "30d",
        ]));
        assert_eq!(page["messages"].as_array().unwrap().len(), 30);
        let cursor = page["cursor"]
            .as_str()
            .expect("more pages, so a cursor")
            .to_string();
        let next = json_stdout(&run(&["list", "-o", "json", "--cursor", &cursor]));
        assert_ne!(next["messages"][0]["dlqId"], page["messages"][0]["dlqId"]);
        let label = all
            .iter()
            .find_map(|e| e["labels"][0].as_str())
            .expect("seeded labels")
            .to_string();
        let by_label = crate::common::ndjson(
            &run(&["list", "--all", "-o", "ndjson", "--label", &label]).stdout,
        );
        assert!(!by_label.is_empty() && by_label.len() < all.len());
        assert!(by_label.iter().all(|e| e["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == label.as_str())));
        let got = json_stdout(&run(&["get", &first, "-o", "json"]));
        assert_eq!(got["dlqId"], first.as_str());
        assert!(
            prism.violations().is_empty(),
            "{spec}: {:?}",
            prism.violations()
        );
    }
}
