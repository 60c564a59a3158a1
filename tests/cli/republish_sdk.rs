//! `dlq republish` publishes as the official SDK publishes: the same message, published once
//! by `@upstash/qstash` (`client.batch`, an item with `queueName` for a queue) and once by `dlq
//! republish` from a DLQ entry, reaches a recording server as the same request: `POST
//! /v2/batch`, its `Content-Type`, and each item's destination (the URL as written, its query
//! string kept), queue, body and headers (the `Upstash-*` settings, the deduplication id, the
//! forwarded headers and `Content-Type`, with their values; names compared as HTTP compares
//! them, the SDK's telemetry left out).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use crate::hostile::{Hostile, Reply, Request};
use crate::sdk::{have_sdk, node};

/// A server that is QStash enough for both: one DLQ entry to list, look up and delete, and a
/// message id for every publish.
fn server(entry: serde_json::Value) -> Hostile {
    Hostile::start(move |r, _| match (r.method.as_str(), r.path()) {
        ("GET", "/v2/dlq") => Reply::ok(json!({ "messages": [entry.clone()] })),
        ("GET", p) if p.starts_with("/v2/dlq/") => Reply::ok(entry.clone()),
        ("DELETE", "/v2/dlq") => Reply::ok(json!({ "deleted": 1 })),
        ("POST", "/v2/batch") => Reply::ok(json!([{ "messageId": "msg_new" }])),
        ("POST", _) => Reply::ok(json!({ "messageId": "msg_new" })),
        _ => Reply::json(404, r#"{"error":"not here"}"#),
    })
}

/// What identifies a publish: method, target, its `Content-Type`, and each item of the batch
/// with its header names lowercased (as HTTP compares them) and without the SDK's telemetry.
type PublishOf = (String, String, Option<String>, Vec<serde_json::Value>);

fn publish_of(requests: &[Request]) -> PublishOf {
    let r = requests
        .iter()
        .find(|r| r.method == "POST")
        .unwrap_or_else(|| panic!("no publish in {requests:?}"));
    let content_type = r
        .headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone());
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {:?}", r.body));
    let items = items
        .into_iter()
        .map(|mut item| {
            let headers: BTreeMap<String, serde_json::Value> = item["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .filter(|(k, _)| !k.starts_with("upstash-telemetry"))
                .collect();
            item["headers"] = json!(headers);
            item
        })
        .collect();
    (r.method.clone(), r.target.clone(), content_type, items)
}

fn same_publish(sdk_call: &str, dlq_args: &[&str], entry: serde_json::Value) {
    let sdk = server(entry.clone());
    let script = format!(
        "import {{ Client }} from \"@upstash/qstash\";\n\
         const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: \"t\" }});\n\
         await {sdk_call};"
    );
    let out = node(
        &script,
        &[("QSTASH_URL", &sdk.url)],
        Duration::from_secs(60),
    );
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = server(entry);
    let home = tempfile::tempdir().unwrap();
    ours.dlq(&home)
        .args(dlq_args)
        .args(["--yes"])
        .assert()
        .success();
    let (want, got) = (publish_of(&sdk.requests()), publish_of(&ours.requests()));
    assert_eq!(got, want, "dlq republish and the SDK publish differently");
}

#[test]
fn a_republished_message_is_the_request_the_official_sdk_sends() {
    if !have_sdk() {
        return;
    }
    let entry = json!({
        "dlqId": "1752829295505-0", "messageId": "msg_old", "url": "http://old.example/hook?tenant=7",
        "method": "PUT", "maxRetries": 2, "responseStatus": 500, "labels": ["billing"],
        "header": {"Content-Type": ["application/json"], "X-Keep": ["kept"], "X-Old": ["gone"]},
        "body": "{\"amount\":\"12\"}"
    });
    // A new destination, one header dropped and one set, the body edited, the settings kept.
    same_publish(
        "c.batch([{ url: \"http://127.0.0.1:9/new/hook?tenant=7\", method: \"PUT\", \
         body: '{\"amount\":12}', retries: 2, label: \"billing\", \
         deduplicationId: \"dlq-republish-1752829295505-0\", \
         headers: { \"Content-Type\": \"application/json\", \"X-Keep\": \"kept\", \"X-Tenant\": \"7\" } }])",
        &[
            "republish",
            "1752829295505-0",
            "--rewrite-url",
            "http://old.example=http://127.0.0.1:9/new",
            "--drop-header",
            "X-Old",
            "--header",
            "X-Tenant: 7",
            "--body-jq",
            ".amount |= tonumber",
        ],
        entry.clone(),
    );
    // Through a queue: the SDK's batch item with its queue.
    same_publish(
        "c.batch([{ queueName: \"slow\", url: \"http://old.example/hook?tenant=7\", \
         method: \"PUT\", body: '{\"amount\":\"12\"}', retries: 0, label: \"billing\", \
         deduplicationId: \"dlq-republish-1752829295505-0\", \
         headers: { \"Content-Type\": \"application/json\", \"X-Keep\": \"kept\", \"X-Old\": \"gone\" } }])",
        &[
            "republish",
            "1752829295505-0",
            "--to-queue",
            "slow",
            "--retries",
            "0",
        ],
        entry,
    );
}
