//! Issue 21's changed endpoints through `prism proxy --errors` in front of the sandbox, the
//! official OpenAPI as referee: the redacted DLQ entry a publish with a query string and
//! `Upstash-Redact-Fields` lands in (the publish itself goes around Prism, see below), the `host`/`path` log filters, and bulk delete of a mix of
//! present and gone ids, with no violation in either direction. `/v2/events` and
//! `/v2/workflows/events` are not in the official OpenAPI: their shape is checked against the
//! SDKs instead (`sdk_fidelity`).

use crate::common::wait_for;
use crate::common::{raw, Sandbox};
use crate::hostile::{Hostile, Reply};
use crate::prism::{have_spec, Prism};

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn publish_redaction_log_filters_and_bulk_delete_of_gone_ids_have_no_violations() {
    if !have_spec() {
        return;
    }
    let hook = Hostile::start(|_, _| Reply::json(500, r#"{"error":"down"}"#));
    let sb = Sandbox::start(&[
        "--seed",
        "4",
        "--seed-rng",
        "91",
        "--delivery-backoff-ms",
        "5",
    ]);
    let prism = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let call = |method: &str, path: &str, headers: &[(&str, &str)]| {
        raw(&prism.url, &sb.token, method, path, headers)
    };
    let dest = format!("{}/fail", hook.url);
    // Straight to the sandbox: OAQ's publish reply is `oneOf` two schemas, the second an
    // object with no required field, which every reply also matches, so Prism refuses any
    // publish reply whatever its shape (docs/sandbox-wire.md).
    let (s, v) = raw(
        &sb.url,
        &sb.token,
        "POST",
        &format!("/v2/publish/{}?tenant=7", enc(&dest)),
        &[
            ("Content-Type", "text/plain"),
            ("Upstash-Retries", "0"),
            ("Upstash-Forward-Authorization", "Bearer s3cret"),
            ("Upstash-Redact-Fields", "body, header[Authorization]"),
        ],
    );
    assert_eq!(s, 200, "{v}");
    let msg = v["messageId"].as_str().unwrap().to_string();
    let entry = wait_for("the message in the DLQ", 60, || {
        sb.listed(false).into_iter().find(|e| e["messageId"] == msg)
    });
    let id = entry["dlqId"].as_str().unwrap().to_string();
    assert_eq!(hook.requests()[0].target, "/fail?tenant=7");

    let (s, v) = call("GET", &format!("/v2/dlq/{id}"), &[]);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["url"], format!("{dest}?tenant=7"));
    assert!(v["body"].as_str().unwrap().starts_with("REDACTED:"), "{v}");
    let auth = v["header"]["Authorization"][0].as_str().unwrap();
    assert!(auth.starts_with("REDACTED:"), "{v}");
    let (s, v) = call("GET", "/v2/dlq?count=100", &[]);
    assert_eq!(s, 200, "{v}");

    for (q, n) in [
        (
            format!("/v2/logs?host=127.0.0.1&path=%2Ffail&messageId={msg}"),
            4,
        ),
        (format!("/v2/logs?host=127.0.0.1%3A{}", hook.port), 4),
        ("/v2/logs?path=%2Fnope".to_string(), 0),
        ("/v2/logs?host=example.invalid&state=ERROR".to_string(), 0),
    ] {
        let (s, v) = call("GET", &q, &[]);
        assert_eq!(s, 200, "{q}: {v}");
        assert_eq!(v["logs"].as_array().unwrap().len(), n, "{q}: {v}");
    }

    let (s, v) = call("DELETE", &format!("/v2/dlq?dlqIds={id}&dlqIds=1-0"), &[]);
    assert_eq!((s, &v["deleted"]), (200, &1.into()), "{v}");
    let (s, v) = call("DELETE", &format!("/v2/dlq?dlqIds={id}"), &[]);
    assert_eq!((s, &v["deleted"]), (200, &0.into()), "{v}");
    assert!(
        prism.violations().is_empty(),
        "qstash: {:?}",
        prism.violations()
    );

    let prism = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let call = |method: &str, path: &str| raw(&prism.url, &sb.token, method, path, &[]);
    let runs = sb.listed(true);
    let (first, second) = (
        runs[0]["dlqId"].as_str().unwrap(),
        runs[1]["dlqId"].as_str().unwrap(),
    );
    let (s, v) = call("POST", &format!("/v2/workflows/dlq/resume/{first}"));
    assert!(s == 200 || s == 201, "{s} {v}");
    let url = url::Url::parse(runs[0]["workflowUrl"].as_str().unwrap()).unwrap();
    let q = format!(
        "/v2/workflows/logs?host={}&path={}",
        url.host_str().unwrap(),
        enc(url.path())
    );
    let (s, v) = call("GET", &q);
    assert_eq!(s, 200, "{q}: {v}");
    // The resumed run, and the seeded failed runs of that workflow (each is in the logs).
    let seeded = runs
        .iter()
        .filter(|r| r["workflowUrl"] == runs[0]["workflowUrl"])
        .count();
    assert_eq!(v["runs"].as_array().unwrap().len(), 1 + seeded, "{q}: {v}");
    let (s, v) = call("GET", "/v2/workflows/logs?path=%2Fnope");
    assert_eq!((s, v["runs"].as_array().unwrap().len()), (200, 0), "{v}");
    let (s, v) = call(
        "DELETE",
        &format!("/v2/workflows/dlq?dlqIds={first}&dlqIds={second}"),
    );
    assert_eq!((s, &v["deleted"]), (200, &1.into()), "{v}");
    assert!(
        prism.violations().is_empty(),
        "workflow: {:?}",
        prism.violations()
    );
    assert_eq!(sb.ids(true).len(), 2);
}
