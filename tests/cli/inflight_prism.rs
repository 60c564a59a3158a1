//! Issue 32's changed endpoints through `prism proxy --errors` in front of the sandbox, the
//! official OpenAPIs as referee: a message read and cancelled while in flight (by filter, by
//! ids, by id), a URL group deleted before it exists and made by adding endpoints, a schedule
//! edited in place, and workflow runs cancelled by URL and label, with no violation in either
//! direction. Publish and trigger go straight to the sandbox (OAQ's publish reply is an
//! unsatisfiable `oneOf`, see `sources_prism`).

use serde_json::{json, Value};

use crate::common::{raw, raw_body, Sandbox};
use crate::prism::{have_spec, Prism};

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn messages_in_flight_groups_schedule_edits_and_run_cancels_have_no_violations() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let publish = |label: &str| {
        let due = (jiff::Timestamp::now().as_second() + 3600).to_string();
        let headers = [
            ("Upstash-Label", label),
            ("Upstash-Not-Before", due.as_str()),
            ("Upstash-Retry-Delay", "1000 * retried"),
        ];
        let (s, v) = raw(
            &sb.url,
            &sb.token,
            "POST",
            "/v2/publish/https://later.example/in",
            &headers,
        );
        assert_eq!(s, 200, "{v}");
        (v["messageId"].as_str().unwrap().to_string(), due)
    };
    let (first, due) = publish("red");
    let (second, _) = publish("red");
    let (third, _) = publish("blue");

    let prism = Prism::proxy("qstash-openapi.yaml", &sb.url);
    let call = |method: &str, path: &str, headers: &[(&str, &str)], body: Option<Value>| {
        raw_body(&prism.url, &sb.token, method, path, headers, body.as_ref())
    };
    let (s, v) = call("GET", &format!("/v2/messages/{first}"), &[], None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["notBefore"], due.parse::<i64>().unwrap() * 1000, "{v}");
    assert_eq!(v["retryDelayExpression"], "1000 * retried", "{v}");
    let (s, v) = call("DELETE", "/v2/messages?label=red&count=100", &[], None);
    assert_eq!((s, &v), (200, &json!({ "cancelled": 2 })));
    let (s, v) = call("GET", &format!("/v2/messages/{second}"), &[], None);
    assert_eq!(s, 404, "cancelled: {v}");
    let ids = format!("/v2/messages?messageIds={first}&messageIds={third}");
    let (s, v) = call("DELETE", &ids, &[], None);
    assert_eq!((s, &v), (200, &json!({ "cancelled": 1 })));
    let (s, _) = call("DELETE", &format!("/v2/messages/{third}"), &[], None);
    assert_eq!(s, 404, "already cancelled");

    let (s, _) = call("DELETE", "/v2/topics/not-yet", &[], None);
    assert_eq!(s, 200, "a group that is not there is deleted already");
    let endpoints = json!({ "endpoints": [{ "name": "a", "url": "https://a.example/x" }] });
    let (s, _) = call("POST", "/v2/topics/not-yet/endpoints", &[], Some(endpoints));
    assert_eq!(s, 200);
    let (s, v) = call("GET", "/v2/topics/not-yet", &[], None);
    assert_eq!(
        (s, v["endpoints"].as_array().map(Vec::len)),
        (200, Some(1)),
        "{v}"
    );

    let create = |dest: &str, cron: &str, body: Option<Value>| {
        let path = format!("/v2/schedules/{}", enc(dest));
        let headers = [("Upstash-Cron", cron), ("Upstash-Schedule-Id", "edited")];
        let (s, v) = call("POST", &path, &headers, body);
        assert_eq!((s, &v["scheduleId"]), (200, &json!("edited")), "{v}");
    };
    create(
        "https://first.example/in",
        "*/5 * * * *",
        Some(json!({ "a": 1 })),
    );
    let (s, _) = call("POST", "/v2/schedules/edited/pause", &[], None);
    assert_eq!(s, 200);
    create("https://second.example/in", "0 * * * *", None);
    let (s, v) = call("GET", "/v2/schedules/edited", &[], None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (&v["destination"], &v["isPaused"], v.get("body")),
        (&json!("https://second.example/in"), &json!(true), None),
        "{v}"
    );
    assert!(
        prism.violations().is_empty(),
        "qstash: {:?}",
        prism.violations()
    );

    let trigger = |url: &str, label: &str| {
        let path = format!("/v2/trigger/{url}");
        let (s, v) = raw(
            &sb.url,
            &sb.token,
            "POST",
            &path,
            &[("Upstash-Label", label)],
        );
        assert!(s == 200 || s == 201, "{s} {v}");
    };
    trigger("https://app.example/wf/a", "red");
    trigger("https://app.example/wf/a", "blue");
    trigger("https://app.example/wf/b", "red");
    let prism = Prism::proxy("workflow-openapi.yaml", &sb.url);
    let call = |path: &str| raw(&prism.url, &sb.token, "DELETE", path, &[]);
    let url = enc("https://app.example/wf/");
    let (s, v) = call(&format!(
        "/v2/workflows/runs?workflowUrl={url}&label=red&count=1"
    ));
    assert_eq!((s, &v), (200, &json!({ "cancelled": 1 })), "count caps it");
    let (s, v) = call(&format!("/v2/workflows/runs?workflowUrl={url}&label=red"));
    assert_eq!((s, &v), (200, &json!({ "cancelled": 1 })));
    let exact = enc("https://app.example/wf/a");
    let path = format!("/v2/workflows/runs?workflowUrl={exact}&workflowUrlExactMatch=true");
    let (s, v) = call(&path);
    assert_eq!((s, &v), (200, &json!({ "cancelled": 1 })), "blue, the last");
    assert!(
        prism.violations().is_empty(),
        "workflow: {:?}",
        prism.violations()
    );
    let (_, logs) = sb.http("GET", "/v2/workflows/logs?state=RUN_CANCELED");
    assert_eq!(logs["runs"].as_array().unwrap().len(), 3, "{logs}");
}
