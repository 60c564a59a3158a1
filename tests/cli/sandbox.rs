//! `dlq sandbox` as an API server, driven with plain HTTP: auth, filters, limits, keyset
//! cursors, and the semantics of every mutation. The SDK replays, delivery, faults and the
//! state file live in the `sandbox_*` modules beside this one.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{http, Sandbox};

/// A raw reply: status, headers (lower-cased names) and the JSON body (Null when empty).
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A request with the sandbox token, extra headers and an optional JSON body; redirects are
/// not followed. `Err` when the connection failed without a reply.
pub fn call(
    sb: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Reply, String> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .redirects(0)
        .build();
    let mut req = agent
        .request(method, &format!("{}{path}", sb.url))
        .set("Authorization", &format!("Bearer {}", sb.token));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let resp = match body {
        Some(b) => req.set("Content-Type", "application/json").send_string(b),
        None => req.call(),
    };
    let resp = match resp {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(e.to_string()),
    };
    let status = resp.status();
    let headers = resp
        .headers_names()
        .into_iter()
        .map(|n| (n.clone(), resp.header(&n).unwrap_or("").to_string()))
        .collect();
    let text = resp.into_string().unwrap_or_default();
    let json = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Ok(Reply {
        status,
        headers,
        json,
    })
}

/// Like `call`, for requests that must get a reply.
pub fn send(sb: &Sandbox, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    call(sb, method, path, headers, None).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn id_set(v: &Value) -> BTreeSet<String> {
    v["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("no messages in {v}"))
        .iter()
        .map(|m| m["dlqId"].as_str().unwrap().to_string())
        .collect()
}

fn labels_of(e: &Value) -> Vec<String> {
    e["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn auth_refuses_missing_and_wrong_tokens_and_takes_the_query_token() {
    let sb = Sandbox::start(&["--seed", "3", "--token", "sekret"]);
    assert_eq!(sb.token, "sekret");
    for path in ["/v2/dlq", "/v2/workflows/dlq", "/__sandbox/applied"] {
        let url = format!("{}{path}", sb.url);
        let (status, body) = http("GET", &url, None, None);
        assert_eq!(status, 401, "{path} without a token");
        assert!(body["error"].is_string(), "{body}");
        let (status, body) = http("GET", &url, Some("wrong"), None);
        assert_eq!(status, 401, "{path} with a wrong token");
        assert!(body["error"].is_string());
    }
    let (status, body) = http(
        "GET",
        &format!("{}/v2/dlq?qstash_token=sekret", sb.url),
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["messages"].as_array().unwrap().len(), 3);
    let (status, _) = http(
        "GET",
        &format!("{}/v2/dlq?qstash_token=nope", sb.url),
        None,
        None,
    );
    assert_eq!(status, 401);
    // A refused mutation changes nothing.
    let id = sb.ids(false)[0].clone();
    let (status, _) = http(
        "DELETE",
        &format!("{}/v2/dlq/{id}", sb.url),
        Some("wrong"),
        None,
    );
    assert_eq!(status, 401);
    assert!(sb.ids(false).contains(&id));
}

#[test]
fn filters_take_repeated_and_comma_separated_values_or_within_and_across() {
    let sb = Sandbox::start(&["--seed", "200", "--seed-rng", "31"]);
    let all = sb.entries(false);
    let (a, b) = ("billing", "emails");
    let with = |e: &Value, l: &str| labels_of(e).iter().any(|x| x == l);
    let truth: BTreeSet<String> = all
        .iter()
        .filter(|e| with(e, a) || with(e, b))
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert!(!truth.is_empty() && truth.len() < all.len());
    let page = |q: &str| -> BTreeSet<String> {
        // Fewer than 200 match, so two pages of 100 hold them all.
        let (s, v) = sb.http("GET", &format!("/v2/dlq?count=100&{q}"));
        assert_eq!(s, 200, "{q}: {v}");
        let mut ids = id_set(&v);
        if let Some(c) = v["cursor"].as_str() {
            let (_, v2) = sb.http("GET", &format!("/v2/dlq?count=100&{q}&cursor={c}"));
            ids.extend(id_set(&v2));
        }
        ids
    };
    assert_eq!(page(&format!("label={a}&label={b}")), truth);
    assert_eq!(page(&format!("label={a},{b}")), truth);
    assert_eq!(page(&format!("label={a}%2C{b}")), truth);
    // Different filters AND: the label set narrowed by status.
    let status = all[0]["responseStatus"].as_i64().unwrap();
    let narrowed: BTreeSet<String> = all
        .iter()
        .filter(|e| (with(e, a) || with(e, b)) && e["responseStatus"] == status)
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        page(&format!("label={a}&label={b}&responseStatus={status}")),
        narrowed
    );
    // callerIp (and the legacy callerIP) against the callerIP field.
    let ip = all[0]["callerIP"].as_str().unwrap().to_string();
    let by_ip: BTreeSet<String> = all
        .iter()
        .filter(|e| e["callerIP"] == ip.as_str())
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(page(&format!("callerIp={ip}")), by_ip);
    assert_eq!(page(&format!("callerIP={ip}")), by_ip);
    // fromDate/toDate bound the time the entry entered the DLQ (the dlqId's prefix).
    let mut times: Vec<i64> = all
        .iter()
        .map(|e| {
            e["dlqId"]
                .as_str()
                .unwrap()
                .split('-')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    times.sort();
    let (from, to) = (times[50], times[149]);
    let in_range = page(&format!("fromDate={from}&toDate={to}"));
    assert_eq!(
        in_range.len(),
        times.iter().filter(|t| (from..=to).contains(*t)).count()
    );
    // Workflow filters on the workflow DLQ: callback state under both names.
    let runs = sb.entries(true);
    let failed: BTreeSet<String> = runs
        .iter()
        .filter(|e| e["failureCallbackInfo"]["state"] == "CALLBACK_FAIL")
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert!(!failed.is_empty());
    for q in [
        "failureFunctionState=CALLBACK_FAIL",
        "failureCallbackState=CALLBACK_FAIL",
    ] {
        let (s, v) = sb.http("GET", &format!("/v2/workflows/dlq?count=100&{q}"));
        assert_eq!(s, 200);
        assert_eq!(id_set(&v), failed, "{q}");
    }
}

#[test]
fn count_above_100_and_unknown_filters_are_rejected_with_400() {
    let sb = Sandbox::start(&["--seed", "5"]);
    for (method, path) in [
        ("GET", "/v2/dlq?count=101"),
        ("GET", "/v2/workflows/dlq?count=500"),
        ("DELETE", "/v2/dlq?count=101"),
        ("POST", "/v2/dlq/retry?count=1000"),
        ("GET", "/v2/dlq?lable=x"),
        ("GET", "/v2/dlq?workflowUrl=https%3A%2F%2Fa"),
        ("GET", "/v2/workflows/dlq?topicName=g"),
        ("DELETE", "/v2/dlq?urlGroup=g"),
        ("POST", "/v2/dlq/retry?api=x"),
        ("POST", "/v2/workflows/dlq/resume?labels=x"),
        ("DELETE", "/v2/workflows/dlq?state=x"),
        ("GET", "/v2/dlq?responseStatus=5xx"),
    ] {
        let r = send(&sb, method, path, &[]);
        assert_eq!(r.status, 400, "{method} {path}: {}", r.json);
        assert!(r.json["error"].as_str().unwrap().len() > 5);
    }
    assert!(sb.applied_all().is_empty());
    assert_eq!(sb.ids(false).len(), 5);
    assert_eq!(sb.ids(true).len(), 5);
    let (s, _) = sb.http("GET", "/v2/dlq?count=100&trimBody=0&order=earliestFirst");
    assert_eq!(s, 200);
}

#[test]
fn the_sdk_delete_all_cursor_loop_removes_all_1000_and_a_second_delete_is_404() {
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "32"]);
    let first = sb.ids(false)[0].clone();
    let r = send(&sb, "DELETE", &format!("/v2/dlq/{first}"), &[]);
    assert_eq!((r.status, &r.json), (200, &Value::Null));
    let r = send(&sb, "DELETE", &format!("/v2/dlq/{first}"), &[]);
    assert_eq!(r.status, 404);
    assert!(r.json["error"].is_string());
    let (mut deleted, mut calls, mut cursor) = (0, 0, None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("/v2/dlq?count=100&cursor={c}"),
            None => "/v2/dlq?count=100".to_string(),
        };
        let (s, v) = sb.http("DELETE", &q);
        assert_eq!(s, 200, "{v}");
        deleted += v["deleted"].as_u64().unwrap();
        calls += 1;
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = Some(c.to_string()),
            _ => break,
        }
        assert!(calls < 50, "the loop does not end");
    }
    assert_eq!(deleted, 999);
    assert_eq!(calls, 10);
    assert!(sb.ids(false).is_empty());
    assert_eq!(sb.ids(true).len(), 1000, "the workflow DLQ is separate");
    let applied = sb.applied_all();
    assert_eq!(applied.len(), 1000);
    assert!(applied.values().all(|v| v["delete"] == 1));
}

#[test]
fn list_pages_follow_dlq_id_order_and_end_without_a_cursor() {
    let sb = Sandbox::start(&["--seed", "250", "--seed-rng", "33"]);
    let ids = sb.ids(false);
    assert_eq!(ids.len(), 250);
    let key = |id: &str| -> (i64, u64) {
        let (a, b) = id.split_once('-').unwrap();
        (a.parse().unwrap(), b.parse().unwrap())
    };
    assert!(
        ids.windows(2).all(|w| key(&w[0]) < key(&w[1])),
        "oldest first"
    );
    let (_, last) = sb.http("GET", &format!("/v2/dlq?count=50&cursor={}", ids[199]));
    assert_eq!(id_set(&last).len(), 50);
    assert!(last.get("cursor").is_none(), "no cursor at the end: {last}");
    let (_, desc) = sb.http("GET", "/v2/dlq?count=3&order=latestFirst");
    let got: Vec<&str> = desc["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["dlqId"].as_str().unwrap())
        .collect();
    assert_eq!(got, [&ids[249], &ids[248], &ids[247]]);
    // Explicit ids select exactly those that exist.
    let (_, some) = sb.http(
        "GET",
        &format!("/v2/dlq?dlqIds={}&dlqIds=nope,{}", ids[3], ids[7]),
    );
    assert_eq!(id_set(&some), [ids[3].clone(), ids[7].clone()].into());
}

#[test]
fn retry_makes_a_new_message_with_the_overrides_and_removes_the_entry() {
    let sb = Sandbox::start(&["--seed", "10", "--seed-rng", "34"]);
    let entries = sb.entries(false);
    let (a, b) = (&entries[0], &entries[1]);
    let (ida, idb) = (a["dlqId"].as_str().unwrap(), b["dlqId"].as_str().unwrap());
    let r = send(
        &sb,
        "POST",
        &format!("/v2/dlq/retry/{ida}"),
        &[
            ("Upstash-Retries", "0"),
            ("Upstash-Label", "x,y"),
            ("Upstash-Method", "PUT"),
            ("Upstash-Flow-Control-Key", "k"),
            (
                "Upstash-Flow-Control-Value",
                "parallelism=2, rate=10, period=1m",
            ),
            ("Upstash-Delay", "10s"),
        ],
    );
    assert_eq!(r.status, 201, "{}", r.json);
    let new_a = r.json["messageId"].as_str().unwrap().to_string();
    assert!(new_a.starts_with("msg_") && new_a != a["messageId"].as_str().unwrap());
    let r = send(&sb, "POST", &format!("/v2/dlq/retry?dlqIds={idb}"), &[]);
    assert_eq!(r.status, 201);
    let new_b = r.json["responses"][0]["messageId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(r.json.get("cursor").is_none(), "{}", r.json);
    for id in [ida, idb] {
        assert_eq!(sb.http("GET", &format!("/v2/dlq/{id}")).0, 404);
        assert_eq!(sb.applied(id, "retry"), 1);
    }
    let (_, msgs) = sb.http("GET", "/__sandbox/messages");
    let find = |m: &str| {
        msgs.as_array()
            .unwrap()
            .iter()
            .find(|x| x["messageId"] == m)
            .unwrap_or_else(|| panic!("{m} not in {msgs}"))
            .clone()
    };
    let ma = find(&new_a);
    assert_eq!(ma["fromDlqId"], ida);
    assert_eq!(ma["url"], a["url"]);
    let c = &ma["config"];
    assert_eq!(c["retries"], 0);
    assert_eq!(c["labels"], json!(["x", "y"]));
    assert_eq!(c["method"], "PUT");
    assert_eq!(
        (
            c["parallelism"].clone(),
            c["rate"].clone(),
            c["period"].clone()
        ),
        (json!(2), json!(10), json!(60))
    );
    assert_eq!(c["flowControlKey"], "k");
    assert_eq!(c["delay"], "10s");
    assert_eq!(ma["overrides"]["Upstash-Retries"], "0");
    // Without overrides the original configuration is kept.
    let mb = find(&new_b);
    assert_eq!(mb["config"]["retries"], b["maxRetries"]);
    assert_eq!(mb["config"]["method"], b["method"]);
    assert_eq!(mb["body"], b["body"]);
    // A retried id is gone: retrying it again is 404.
    assert_eq!(
        send(&sb, "POST", &format!("/v2/dlq/retry/{ida}"), &[]).status,
        404
    );
    assert_eq!(sb.applied(ida, "retry"), 1);
}

#[test]
fn unknown_explicit_ids_are_404_and_change_nothing() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "35"]);
    let q = sb.ids(false)[0].clone();
    let w = sb.ids(true)[0].clone();
    for (method, path, body) in [
        (
            "POST",
            format!("/v2/dlq/retry?dlqIds={q}&dlqIds=1-0"),
            None::<String>,
        ),
        (
            "POST",
            format!("/v2/workflows/dlq/resume?dlqIds={w}&dlqIds=nope"),
            None,
        ),
        (
            "POST",
            format!("/v2/workflows/dlq/restart?dlqIds={w}&dlqIds=nope"),
            None,
        ),
        ("POST", "/v2/workflows/dlq/resume/nope".to_string(), None),
        ("POST", "/v2/workflows/dlq/callback/nope".to_string(), None),
        ("DELETE", "/v2/workflows/dlq/nope".to_string(), None),
        ("GET", "/v2/dlq/nope".to_string(), None),
        ("GET", format!("/v2/dlq/{w}"), None),
    ] {
        let r = call(&sb, method, &path, &[], body.as_deref()).unwrap();
        assert_eq!(r.status, 404, "{method} {path}: {}", r.json);
        assert!(r.json["error"].is_string(), "{method} {path}");
    }
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
    assert_eq!((sb.ids(false).len(), sb.ids(true).len()), (5, 5));
}

/// Bulk delete is the exception: the ids present are deleted and counted, those already gone
/// passed over (the SDKs' own tests delete ids they have just retried and expect success).
#[test]
fn bulk_delete_deletes_the_ids_present_and_counts_only_those() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "35"]);
    let q = sb.ids(false);
    let w = sb.ids(true);
    for (method, path, body, deleted) in [
        ("DELETE", format!("/v2/dlq?dlqIds={},nope", q[0]), None, 1),
        (
            "DELETE",
            "/v2/dlq".to_string(),
            Some(format!(r#"{{"dlqIds":["{}","{}","nope"]}}"#, q[0], q[1])),
            1,
        ),
        (
            "DELETE",
            format!("/v2/dlq?dlqIds={}&dlqIds={}", q[0], q[1]),
            None,
            0,
        ),
        (
            "DELETE",
            format!(
                "/v2/workflows/dlq?dlqIds={}&dlqIds=nope&dlqIds={}",
                w[0], w[0]
            ),
            None,
            1,
        ),
        (
            "DELETE",
            format!("/v2/workflows/dlq?dlqIds={}", q[2]),
            None,
            0,
        ),
        (
            "DELETE",
            format!("/v2/workflows/dlq?dlqIds={}", w[0]),
            None,
            0,
        ),
    ] {
        let r = call(&sb, method, &path, &[], body.as_deref()).unwrap();
        assert_eq!(r.status, 200, "{method} {path}: {}", r.json);
        assert_eq!(r.json["deleted"], deleted, "{method} {path}: {}", r.json);
        assert!(r.json.get("cursor").is_none(), "{path}: {}", r.json);
    }
    // The server's own truth: exactly the three present ids went, each deleted once.
    assert_eq!(sb.ids(false), q[2..].to_vec());
    assert_eq!(sb.ids(true), w[1..].to_vec());
    for id in [&q[0], &q[1], &w[0]] {
        assert_eq!(sb.applied(id, "delete"), 1, "{id}");
    }
    assert_eq!(sb.applied_all().len(), 3, "{:?}", sb.applied_all());
}

#[test]
fn resume_or_restart_of_a_qstash_message_is_400() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "36"]);
    let q = sb.ids(false)[0].clone();
    let w = sb.ids(true)[0].clone();
    for path in [
        format!("/v2/workflows/dlq/resume/{q}"),
        format!("/v2/workflows/dlq/restart/{q}"),
        format!("/v2/workflows/dlq/resume?dlqIds={q}"),
        format!("/v2/workflows/dlq/restart?dlqIds={w}&dlqIds={q}"),
        format!("/v2/workflows/dlq/callback/{q}"),
    ] {
        let r = send(&sb, "POST", &path, &[]);
        assert_eq!(r.status, 400, "{path}: {}", r.json);
        assert!(r.json["error"].as_str().unwrap().contains("QStash"));
    }
    assert!(sb.applied_all().is_empty());
    assert!(sb.ids(false).contains(&q) && sb.ids(true).contains(&w));
}

#[test]
fn resume_keeps_the_completed_steps_and_restart_does_not() {
    let home = tempfile::tempdir().unwrap();
    let fixture = home.path().join("runs.ndjson");
    let run = |i: u32| {
        json!({"dlqId": format!("1700000000000-{i}"), "messageId": format!("msg_{i}"),
               "workflowRunId": format!("wfr_old{i}"), "workflowUrl": "https://app.example/wf",
               "workflowCreatedAt": 1699999999000i64, "url": "https://app.example/wf",
               "method": "POST", "maxRetries": 3, "notBefore": 0, "createdAt": 1700000000000i64,
               "responseStatus": 500, "labels": ["l"], "label": "l"})
    };
    std::fs::write(&fixture, format!("{}\n{}\n", run(0), run(1))).unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    let r = send(
        &sb,
        "POST",
        "/v2/workflows/dlq/resume/1700000000000-0",
        &[("Upstash-Retries", "5")],
    );
    assert_eq!(r.status, 200, "{}", r.json);
    let resumed = r.json["workflowRunId"].as_str().unwrap().to_string();
    assert!(r.json["workflowCreatedAt"].as_i64().unwrap() > 1_700_000_000_000);
    let r = send(
        &sb,
        "POST",
        "/v2/workflows/dlq/restart?dlqIds=1700000000000-1",
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.json);
    let restarted = r.json["workflowRuns"][0]["workflowRunId"]
        .as_str()
        .unwrap()
        .to_string();
    for id in [&resumed, &restarted] {
        assert!(id.starts_with("wfr_") && !id.starts_with("wfr_old"), "{id}");
    }
    assert_ne!(resumed, restarted);
    let (_, runs) = sb.http("GET", "/__sandbox/runs");
    let by = |id: &str| {
        runs.as_array()
            .unwrap()
            .iter()
            .find(|r| r["workflowRunId"] == id)
            .unwrap()
            .clone()
    };
    let a = by(&resumed);
    assert_eq!(
        (a["kind"].clone(), a["fromDlqId"].clone()),
        (json!("resume"), json!("1700000000000-0"))
    );
    assert_eq!(a["fromRunId"], "wfr_old0");
    assert_eq!(
        a["stepsKept"],
        json!(["step-1"]),
        "resume keeps the completed step"
    );
    assert_eq!(a["config"]["retries"], 5);
    assert_eq!(a["overrides"]["Upstash-Retries"], "5");
    let b = by(&restarted);
    assert_eq!(b["kind"], "restart");
    assert_eq!(b["stepsKept"], json!([]), "restart starts over");
    assert_eq!(
        b["config"]["retries"], 3,
        "original config without overrides"
    );
    assert!(sb.ids(true).is_empty());
    assert_eq!(sb.applied("1700000000000-0", "resume"), 1);
    assert_eq!(sb.applied("1700000000000-1", "restart"), 1);
}

#[test]
fn seeded_runs_keep_fewer_steps_than_they_had_on_resume() {
    let sb = Sandbox::start(&["--seed", "60", "--seed-rng", "37"]);
    let r = send(&sb, "POST", "/v2/workflows/dlq/resume?count=100", &[]);
    assert_eq!(r.json["workflowRuns"].as_array().unwrap().len(), 50);
    let (_, runs) = sb.http("GET", "/__sandbox/runs");
    let runs = runs.as_array().unwrap();
    assert!(runs.iter().all(|r| {
        let kept = r["stepsKept"].as_array().unwrap().len() as u64;
        kept < r["stepsTotal"].as_u64().unwrap()
    }));
    assert!(runs
        .iter()
        .any(|r| !r["stepsKept"].as_array().unwrap().is_empty()));
}
