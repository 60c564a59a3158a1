//! Every endpoint that creates DLQ entries (URL groups, queues, enqueue, schedules, messages,
//! batch, publish to a group) through `prism proxy --errors` in front of the sandbox: the
//! documented status and shape for each, and no violation of the official OpenAPI in either
//! direction. Destinations in paths are percent-encoded, as a path parameter must be.
//!
//! One defect of the official OpenAPI is allowed for, exactly: the 200 reply of publish and
//! enqueue is a `oneOf` of two objects whose properties are all optional, so every object
//! matches both and no reply can satisfy it (to a URL group the reply is the service's array,
//! which is no object either). Prism forwards those requests (the request side
//! is checked) and then rejects any reply with that one `oneOf` error; the test asserts that
//! it is the only complaint, and reads what was published from the sandbox itself.

use serde_json::{json, Value};

use crate::common::{raw_body, Sandbox};
use crate::prism::{have_spec, Prism};

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn every_source_endpoint_through_prism_proxy_has_no_violations() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let prism = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let call = |method: &str, path: &str, headers: &[(&str, &str)], body: Option<Value>| {
        raw_body(&prism.url, &sb.token, method, path, headers, body.as_ref())
    };
    let dest = enc("https://hook.example/in");
    let mut published = 0;
    // Publish and enqueue: forwarded, answered 200 upstream, refused only for the spec's
    // unsatisfiable `oneOf`.
    let mut publish = |path: &str, headers: &[(&str, &str)]| {
        let (s, v) = call("POST", path, headers, Some(json!({})));
        assert_eq!(s, 500, "{path}: {v}");
        let one_of = json!({ "location": ["response", "body"], "severity": "Error",
            "code": "oneOf", "message": "Response body must match exactly one schema in oneOf" });
        // To a URL group the reply is the service's array, not OAQ's object (one complaint
        // for each branch of the oneOf): docs/sandbox-wire.md, section 5.
        let not_object = json!({ "location": ["response", "body"], "severity": "Error",
            "code": "type", "message": "Response body must be object" });
        let want = if path.ends_with("/grp") {
            json!([not_object, not_object, one_of])
        } else {
            json!([one_of])
        };
        assert_eq!(
            v["validation"], want,
            "{path}: nothing but the spec's own oneOf"
        );
        published += 1;
    };
    let messages = || -> Vec<Value> {
        sb.http("GET", "/__sandbox/messages")
            .1
            .as_array()
            .unwrap()
            .clone()
    };

    // URL groups.
    let endpoints = json!({ "endpoints": [
        { "name": "a", "url": "https://a.example/x" },
        { "url": "https://b.example/y" },
        { "url": "https://c.example/z" },
    ]});
    let (s, _) = call("POST", "/v2/topics/grp/endpoints", &[], Some(endpoints));
    assert_eq!(s, 200);
    let (s, v) = call("GET", "/v2/topics", &[], None);
    assert_eq!((s, v[0]["name"].as_str()), (200, Some("grp")), "{v}");
    let (s, v) = call("GET", "/v2/topics/grp", &[], None);
    assert_eq!(
        (s, v["endpoints"].as_array().map(Vec::len)),
        (200, Some(3)),
        "{v}"
    );
    publish("/v2/publish/grp", &[("Upstash-Retries", "0")]);
    publish(&format!("/v2/publish/{dest}"), &[("Upstash-Retries", "0")]);
    assert_eq!(messages().len(), 4, "three for the group, one for the URL");
    let gone = json!({ "endpoints": [{ "url": "https://c.example/z" }] });
    let (s, _) = call("DELETE", "/v2/topics/grp/endpoints", &[], Some(gone));
    assert_eq!(s, 200);
    let (s, v) = call("GET", "/v2/topics/grp", &[], None);
    assert_eq!(v["endpoints"].as_array().map(Vec::len), Some(2), "{s} {v}");

    // Queues and enqueue.
    let q = json!({ "queueName": "jobs", "parallelism": 2 });
    assert_eq!(call("POST", "/v2/queues", &[], Some(q)).0, 200);
    assert_eq!(call("POST", "/v2/queues/jobs/pause", &[], None).0, 200);
    publish(
        &format!("/v2/enqueue/jobs/{dest}"),
        &[("Upstash-Redact-Fields", "body")],
    );
    publish("/v2/enqueue/jobs/grp", &[]);
    let all = messages();
    assert_eq!(all.len(), 7, "one for the URL, two for the group");
    let held = all[4]["messageId"].as_str().unwrap().to_string();
    let (s, v) = call("GET", "/v2/queues/jobs", &[], None);
    assert_eq!(
        (s, &v["lag"], &v["paused"]),
        (200, &json!(3), &json!(true)),
        "{v}"
    );
    let (s, v) = call("GET", "/v2/queues", &[], None);
    assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(1)), "{v}");

    // Messages: read one held by the queue, cancel it, bulk-cancel the rest.
    let (s, v) = call("GET", &format!("/v2/messages/{held}"), &[], None);
    assert_eq!((s, v["queueName"].as_str()), (200, Some("jobs")), "{v}");
    assert!(v["body"].as_str().unwrap().starts_with("REDACTED:"), "{v}");
    let (s, v) = call("DELETE", &format!("/v2/messages/{held}"), &[], None);
    assert_eq!(s, 200, "{v}");
    let (s, v) = call("GET", &format!("/v2/messages/{held}"), &[], None);
    assert_eq!(s, 404, "{v}");
    let (s, v) = call("DELETE", "/v2/messages?queueName=jobs", &[], None);
    assert_eq!((s, &v["cancelled"]), (200, &json!(2)), "{v}");
    assert_eq!(call("POST", "/v2/queues/jobs/resume", &[], None).0, 200);
    assert_eq!(call("DELETE", "/v2/queues/jobs", &[], None).0, 200);

    // Schedules.
    let headers = [
        ("Upstash-Cron", "*/10 * * * *"),
        ("Upstash-Retries", "1"),
        ("Upstash-Delay", "30s"),
        ("Upstash-Label", "nightly"),
        ("Upstash-Forward-X-Tenant", "7"),
        ("Upstash-Forward-X-Key", "secret"),
        ("Upstash-Redact-Fields", "body,header[X-Key]"),
    ];
    let (s, v) = call(
        "POST",
        &format!("/v2/schedules/{dest}"),
        &headers,
        Some(json!({})),
    );
    assert_eq!(s, 200, "{v}");
    let id = v["scheduleId"].as_str().unwrap().to_string();
    let (s, v) = call(
        "POST",
        "/v2/schedules/grp",
        &[("Upstash-Cron", "0 * * * *")],
        None,
    );
    assert_eq!(s, 200, "a schedule to a URL group: {v}");
    assert_eq!(
        call("POST", &format!("/v2/schedules/{id}/pause"), &[], None).0,
        200
    );
    let (s, v) = call("GET", &format!("/v2/schedules/{id}"), &[], None);
    assert_eq!(
        (s, &v["isPaused"], &v["delay"]),
        (200, &json!(true), &json!(30)),
        "{v}"
    );
    assert_eq!(v["header"]["X-Tenant"], json!(["7"]), "{v}");
    let redacted = |x: &Value| x.as_str().is_some_and(|t| t.starts_with("REDACTED:"));
    assert!(
        redacted(&v["header"]["X-Key"][0]) && redacted(&v["body"]),
        "{v}"
    );
    assert_eq!(
        call("POST", &format!("/v2/schedules/{id}/resume"), &[], None).0,
        200
    );
    let (s, v) = call("GET", "/v2/schedules", &[], None);
    assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(2)), "{v}");
    assert_eq!(
        call("DELETE", &format!("/v2/schedules/{id}"), &[], None).0,
        200
    );

    // Batch: a URL, a queue and a bad item in one request, one result per item in order, the
    // bad one refused on its own. (A group item's result is an array, as the SDK's typings
    // say, which OAQ's `PublishResponse` items do not allow: not sent through Prism.)
    let items = json!([
        { "destination": "https://hook.example/one", "headers": { "Upstash-Retries": "0" }, "body": "{}" },
        { "destination": "not a url" },
        { "destination": "https://hook.example/q", "queue": "batchq" },
    ]);
    let (s, v) = call("POST", "/v2/batch", &[], Some(items));
    assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(3)), "{v}");
    assert!(
        v[0]["messageId"].is_string() && v[2]["messageId"].is_string(),
        "{v}"
    );
    assert!(
        v[1]["error"].is_string() && v[1].get("messageId").is_none(),
        "{v}"
    );
    // The group item straight to the sandbox: one array, one message per endpoint, in place.
    let (s, v) = raw_body(
        &sb.url,
        &sb.token,
        "POST",
        "/v2/batch",
        &[],
        Some(&json!([{ "destination": "grp", "body": "x" }, { "destination": "nope x" }])),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v[0].as_array().map(Vec::len), Some(2), "{v}");
    assert!(
        v[0][1]["url"].is_string() && v[1]["error"].is_string(),
        "{v}"
    );
    let (s, v) = call("POST", "/v2/batch", &[], Some(json!([])));
    assert_eq!(s, 400, "a batch of no items is refused whole: {v}");

    assert_eq!(call("DELETE", "/v2/topics/grp", &[], None).0, 200);
    let violations = prism.violations();
    assert_eq!(violations.len(), published, "{}", violations.join("\n"));
    assert!(
        violations
            .iter()
            .all(|l| l.contains("/v2/publish/") || l.contains("/v2/enqueue/")),
        "only publish and enqueue, for the spec's oneOf: {}",
        violations.join("\n")
    );
}
