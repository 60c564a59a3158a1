//! The sandbox answers the official TypeScript SDKs as QStash does (issue 21): messages
//! published with `@upstash/qstash` to real loopback endpoints, then read back through
//! `logs()` (`GET /v2/events`) with the host, path and id filters its own tests use, the DLQ
//! with the redaction the publish asked for and the destination's query string, and the
//! SDKs' retry-then-delete pattern; the workflow SDK's `logs()` (`/v2/workflows/events`) and
//! bulk delete likewise.

use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::wait_for;
use crate::common::Sandbox;
use crate::hostile::{Hostile, Reply};
use crate::sdk::{have_sdk, node};

/// What the API shows for a redacted value.
fn marker(v: &str) -> String {
    let hex: String = Sha256::digest(v.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("REDACTED:{hex}")
}

/// Runs `body` after a `Client` of `module` pointed at `sb`; what it printed, as JSON.
pub fn run(sb: &Sandbox, module: &str, body: &str, env: &[(&str, &str)]) -> Value {
    let script = format!(
        "import {{ Client }} from \"{module}\";\n\
         const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});\n\
         {body}"
    );
    let mut all = vec![("QSTASH_URL", sb.url.as_str()), ("QSTASH_TOKEN", &sb.token)];
    all.extend_from_slice(env);
    let out = node(&script, &all, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn ids_of(logs: &Value) -> BTreeSet<String> {
    logs.as_array()
        .unwrap()
        .iter()
        .map(|l| l["messageId"].as_str().unwrap().to_string())
        .collect()
}

fn set(ids: &[&Value]) -> BTreeSet<String> {
    ids.iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn qstash_sdk_logs_dlq_redaction_query_and_delete_of_gone_ids() {
    if !have_sdk() {
        return;
    }
    let hook = Hostile::start(|r, _| {
        if r.path() == "/fail" {
            Reply::json(500, r#"{"error":"down"}"#)
        } else {
            Reply::json(200, "{}")
        }
    });
    let other = Hostile::start(|_, _| Reply::json(503, "{}"));
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let hook_url = hook.url.clone();
    // Another host for the host filter: the same machine, by name.
    let other_url = other.url.replace("127.0.0.1", "localhost");
    let sent = run(
        &sb,
        "@upstash/qstash",
        r#"
        const a = await c.publish({ url: `${process.env.HOOK}/fail?tenant=7`, body: "secret-body",
          headers: { Authorization: "Bearer s3cret", "X-Keep": "kept" }, retries: 0,
          retryDelay: "pow(2, retried) * 1000", redact: { body: true, header: ["Authorization"] } });
        const b = await c.publish({ url: `${process.env.HOOK}/ok?tenant=8`, body: "plain", retries: 0 });
        const d = await c.publish({ url: `${process.env.OTHER}/fail`, body: "elsewhere", retries: 0 });
        console.log(JSON.stringify({ a: a.messageId, b: b.messageId, d: d.messageId }));
        "#,
        &[("HOOK", &hook_url), ("OTHER", &other_url)],
    );
    let (a, b, d) = (&sent["a"], &sent["b"], &sent["d"]);
    wait_for("the three messages to settle", 60, || {
        let (_, m) = sb.http("GET", "/__sandbox/messages");
        let m = m.as_array()?.clone();
        (m.len() == 3
            && m.iter()
                .all(|x| x["state"] == "failed" || x["state"] == "delivered"))
        .then_some(())
    });

    // The destination got the real values and its query string.
    let got = hook.requests();
    let fail = got
        .iter()
        .find(|r| r.path() == "/fail")
        .expect("/fail called");
    assert_eq!(fail.target, "/fail?tenant=7");
    assert_eq!(fail.body, b"secret-body");
    let auth = fail
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"));
    assert_eq!(auth.map(|(_, v)| v.as_str()), Some("Bearer s3cret"));
    assert!(got.iter().any(|r| r.target == "/ok?tenant=8"));

    let read = run(
        &sb,
        "@upstash/qstash",
        r#"
        const all = await c.logs();
        const byHost = await c.logs({ filter: { host: "localhost" } });
        const byPath = await c.logs({ filter: { path: "/fail" } });
        const byIds = await c.logs({ messageIds: [process.env.A] });
        const failed = await c.logs({ filter: { state: "FAILED", count: 1 } });
        const dlq = await c.dlq.listMessages();
        const ids = dlq.messages.map((m) => m.dlqId);
        const retried = await c.dlq.retry(ids);
        const deleted = await c.dlq.delete(ids);
        const deletedAgain = await c.dlq.delete({ dlqIds: ids });
        console.log(JSON.stringify({ all, byHost, byPath, byIds, failed, dlq, retried, deleted, deletedAgain }));
        "#,
        &[("A", a.as_str().unwrap())],
    );
    let all = &read["all"]["logs"];
    assert_eq!(
        read["all"]["events"], *all,
        "logs and the deprecated events agree"
    );
    assert_eq!(ids_of(all), set(&[a, b, d]));
    let states: BTreeSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["state"].as_str().unwrap())
        .collect();
    for s in ["CREATED", "ACTIVE", "ERROR", "FAILED", "DELIVERED"] {
        assert!(states.contains(s), "{s} in {states:?}");
    }
    // host and path select on the destination, as the SDK's tests expect.
    assert_eq!(ids_of(&read["byHost"]["logs"]), set(&[d]));
    assert_eq!(ids_of(&read["byPath"]["logs"]), set(&[a, d]));
    assert_eq!(ids_of(&read["byIds"]["logs"]), set(&[a]));
    assert_eq!(read["failed"]["logs"].as_array().unwrap().len(), 1);
    assert!(
        read["failed"]["cursor"].is_string(),
        "two FAILED: a page of one has more"
    );

    // Every log line of `a`: redacted as asked, the rest as sent, SDK field names.
    for l in all
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["messageId"] == *a)
    {
        assert_eq!(l["url"], format!("{hook_url}/fail?tenant=7"), "{l}");
        assert_eq!(
            l["header"]["Authorization"][0],
            marker("Bearer s3cret"),
            "{l}"
        );
        assert_eq!(l["header"]["X-Keep"][0], "kept", "{l}");
        let body = base64::engine::general_purpose::STANDARD
            .decode(l["body"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            marker("secret-body"),
            "{l}"
        );
        assert_eq!(l["retryDelayExpr"], "pow(2, retried) * 1000", "{l}");
        assert!(l.get("retryDelayExpression").is_none(), "{l}");
    }
    let failed_a = all
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["messageId"] == *a && l["state"] == "FAILED")
        .unwrap();
    assert_eq!(failed_a["responseStatus"], 500);
    assert!(failed_a["responseHeader"].is_object(), "{failed_a}");

    // The DLQ entry: redacted, with its query string.
    let msgs = read["dlq"]["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2, "{}", read["dlq"]);
    let ea = msgs.iter().find(|m| m["messageId"] == *a).unwrap();
    assert_eq!(ea["url"], format!("{hook_url}/fail?tenant=7"));
    assert_eq!(ea["body"], marker("secret-body"));
    assert_eq!(ea["header"]["Authorization"][0], marker("Bearer s3cret"));
    assert_eq!(ea["header"]["X-Keep"][0], "kept");

    // Retry, then bulk-delete the same ids: success, nothing left to delete.
    assert_eq!(read["retried"]["responses"].as_array().unwrap().len(), 2);
    assert_eq!(read["deleted"]["deleted"], 0, "{}", read["deleted"]);
    assert_eq!(read["deletedAgain"]["deleted"], 0);
    // The retried message is still redacted and still carries its query string; the
    // destination got the real values again.
    wait_for("the retries to fail again", 60, || {
        (sb.ids(false).len() == 2).then_some(())
    });
    let again = sb.listed(false);
    let ra = again
        .iter()
        .find(|m| m["url"] == format!("{hook_url}/fail?tenant=7"))
        .unwrap();
    assert_eq!(ra["body"], marker("secret-body"));
    let fails: Vec<_> = hook
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/fail")
        .collect();
    assert_eq!(fails.len(), 2);
    assert!(fails
        .iter()
        .all(|r| r.body == b"secret-body" && r.target == "/fail?tenant=7"));
}

#[test]
fn workflow_sdk_logs_read_the_run_log_and_bulk_delete_passes_over_gone_ids() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "6", "--seed-rng", "81"]);
    let read = run(
        &sb,
        "@upstash/workflow",
        r#"
        const list = await c.dlq.list();
        const ids = list.messages.map((m) => m.dlqId).slice(0, 3);
        const resumed = await c.dlq.resume(ids);
        const runs = await c.logs();
        const one = await c.logs({ count: 1 });
        const url = list.messages[0].url ?? list.messages[0].workflowUrl;
        const byHost = await c.logs({ filter: { host: new URL(url).host } });
        const byRun = await c.logs({ filter: { workflowRunId: runs.runs[0].workflowRunId } });
        const deleted = await c.dlq.delete([...ids, list.messages[3].dlqId]);
        console.log(JSON.stringify({ list, resumed, runs, one, url, byHost, byRun, deleted }));
        "#,
        &[],
    );
    let runs = read["runs"]["runs"].as_array().unwrap();
    // The three resumed, and the six seeded failed runs (each is in the logs, as on QStash).
    assert_eq!(runs.len(), 3 + 6, "{}", read["runs"]);
    let failed = runs.iter().filter(|r| r["workflowState"] == "RUN_FAILED");
    assert_eq!(failed.count(), 6, "{}", read["runs"]);
    assert_eq!(read["one"]["runs"].as_array().unwrap().len(), 1);
    assert!(!read["one"]["cursor"].as_str().unwrap().is_empty());
    let (_, direct) = sb.http("GET", "/v2/workflows/logs");
    assert_eq!(
        read["runs"]["runs"], direct["runs"],
        "the same runs as /v2/workflows/logs"
    );
    let url = read["url"].as_str().unwrap();
    let host = url::Url::parse(url)
        .unwrap()
        .host_str()
        .unwrap()
        .to_string();
    let by_host = read["byHost"]["runs"].as_array().unwrap();
    assert!(!by_host.is_empty(), "the run resumed from the first entry");
    for r in by_host {
        assert!(r["workflowUrl"].as_str().unwrap().contains(&host), "{r}");
    }
    let by_run = read["byRun"]["runs"].as_array().unwrap();
    assert_eq!(by_run.len(), 1);
    assert_eq!(by_run[0]["workflowRunId"], runs[0]["workflowRunId"]);
    // Three ids resumed (gone) and one present: the one is deleted and counted.
    assert_eq!(read["deleted"]["deleted"], 1, "{}", read["deleted"]);
    assert_eq!(sb.ids(true).len(), 2);
}
