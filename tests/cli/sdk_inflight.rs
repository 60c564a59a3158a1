//! Issue 32 through the official SDKs, as Upstash's own tests drive the service: a message is
//! readable while in flight (`--delivery-delay`) and gone once delivered, `notBefore` is sent in
//! seconds and read back in milliseconds, `retryDelayExpression` reads back, cancel counts are
//! what was cancelled (by filter and by ids, in the query or the Python SDK's JSON body, at
//! most `count`, oldest first); a URL group is deleted before it exists and made
//! by adding endpoints; a schedule edit replaces the request and keeps the rest; workflow runs
//! are cancelled by id, label and URL with the counts the workflow SDK's tests expect. Each
//! count is checked against what the sandbox holds.

use serde_json::{json, Value};

use crate::common::{raw, wait_for, Sandbox};
use crate::hostile::{Hostile, Reply};
use crate::sdk::have_sdk;
use crate::sdk_fidelity::run;

/// The sandbox's own account of message `id` (`/__sandbox/messages`).
fn state_of(sb: &Sandbox, id: &str) -> String {
    let (_, all) = sb.http("GET", "/__sandbox/messages");
    let m = all
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["messageId"] == id);
    m.map_or_else(String::new, |m| m["state"].as_str().unwrap().to_string())
}

#[test]
fn qstash_sdk_reads_a_message_in_flight_and_cancels_by_filter_and_ids() {
    if !have_sdk() {
        return;
    }
    let hook = Hostile::start(|_, _| Reply::json(200, "{}"));
    // Long enough that the SDK's read right after its publish is always in time.
    let sb = Sandbox::start(&["--seed", "0", "--delivery-delay", "3000"]);
    let got = run(
        &sb,
        "@upstash/qstash",
        r#"
        const { messageId } = await c.publish({ url: `${process.env.HOOK}/in`, body: "hi",
          retryDelay: "1000 * retried" });
        const inFlight = await c.messages.get(messageId);
        console.log(JSON.stringify({ id: messageId, inFlight }));
        "#,
        &[("HOOK", &hook.url)],
    );
    let id = got["id"].as_str().unwrap();
    assert_eq!(got["inFlight"]["messageId"], id, "{got}");
    assert_eq!(got["inFlight"]["retryDelayExpression"], "1000 * retried");
    assert!(hook.requests().is_empty(), "not delivered before the delay");
    wait_for("the delivery after the delay", 60, || {
        (state_of(&sb, id) == "delivered").then_some(())
    });
    assert_eq!(hook.requests().len(), 1);
    let gone = run(
        &sb,
        "@upstash/qstash",
        r#"
        const r = await c.messages.get(process.env.ID).then(() => "found", (e) => e.status);
        console.log(JSON.stringify(r));
        "#,
        &[("ID", id)],
    );
    assert_eq!(
        gone,
        json!(404),
        "a delivered message is gone, as on QStash"
    );

    // Not before an hour from now, in seconds as the SDK sends it; three with one label, one
    // with another: cancelled by the label, then by ids with one that is not there.
    let out = run(
        &sb,
        "@upstash/qstash",
        r#"
        const notBefore = Math.floor(Date.now() / 1000) + 3600;
        const url = `${process.env.HOOK}/later`;
        const ids = [];
        for (const label of ["batch-a", "batch-a", "batch-a", "batch-b"]) {
          ids.push((await c.publish({ url, body: label, notBefore, label })).messageId);
        }
        const read = await c.messages.get(ids[0]);
        const byLabel = await c.messages.cancel({ filter: { label: "batch-a" } });
        const byIds = await c.messages.cancel([ids[3], ids[0], "msg_none"]);
        const again = await c.messages.cancel({ filter: { label: "batch-a" } });
        console.log(JSON.stringify({ notBefore, read, ids, byLabel, byIds, again }));
        "#,
        &[("HOOK", &hook.url)],
    );
    let secs = out["notBefore"].as_i64().unwrap();
    assert_eq!(out["read"]["notBefore"], secs * 1000, "{out}");
    assert_eq!(out["byLabel"], json!({ "cancelled": 3 }), "{out}");
    assert_eq!(
        out["byIds"],
        json!({ "cancelled": 1 }),
        "only the one still there: {out}"
    );
    assert_eq!(out["again"], json!({ "cancelled": 0 }), "{out}");
    for id in out["ids"].as_array().unwrap() {
        assert_eq!(state_of(&sb, id.as_str().unwrap()), "cancelled", "{id}");
    }
    let (_, logs) = sb.http("GET", "/v2/logs?state=CANCELLED&count=100");
    assert_eq!(logs["logs"].as_array().unwrap().len(), 4, "{logs}");
    assert_eq!(hook.requests().len(), 1, "nothing cancelled was delivered");
}

#[test]
fn qstash_sdk_cancel_with_a_count_cancels_at_most_that_many_oldest_first() {
    if !have_sdk() {
        return;
    }
    let hook = Hostile::start(|_, _| Reply::json(200, "{}"));
    let sb = Sandbox::start(&["--seed", "0"]);
    // Five waiting an hour under one label: a count of 2 cancels the two oldest and says 2;
    // the SDK's plain filtered cancel (it sends count=100) then takes the other three.
    let out = run(
        &sb,
        "@upstash/qstash",
        r#"
        const notBefore = Math.floor(Date.now() / 1000) + 3600;
        const ids = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await c.publish({ url: `${process.env.HOOK}/n${i}`, body: `${i}`,
            notBefore, label: "capped" })).messageId);
        }
        const two = await c.messages.cancel({ filter: { label: "capped" }, count: 2 });
        const rest = await c.messages.cancel({ filter: { label: "capped" } });
        console.log(JSON.stringify({ ids, two, rest }));
        "#,
        &[("HOOK", &hook.url)],
    );
    assert_eq!(out["two"], json!({ "cancelled": 2 }), "{out}");
    assert_eq!(out["rest"], json!({ "cancelled": 3 }), "{out}");
    let ids: Vec<&str> = out["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let (_, logs) = sb.http("GET", "/v2/logs?state=CANCELLED&count=100");
    let logs = logs["logs"].as_array().unwrap();
    assert_eq!(logs.len(), 5, "one CANCELLED each: {logs:?}");
    for id in &ids {
        assert_eq!(state_of(&sb, id), "cancelled", "{id}");
    }
    // The first call's two are the two oldest: their CANCELLED entries are logged first.
    let mut order: Vec<&str> = logs
        .iter()
        .map(|l| l["messageId"].as_str().unwrap())
        .collect();
    order.reverse();
    assert_eq!(
        order[..2].iter().collect::<std::collections::BTreeSet<_>>(),
        ids[..2].iter().collect(),
        "{order:?}"
    );
    assert!(
        hook.requests().is_empty(),
        "nothing cancelled was delivered"
    );
}

#[test]
fn qstash_sdk_makes_url_groups_by_adding_endpoints_and_edits_schedules_in_place() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let out = run(
        &sb,
        "@upstash/qstash",
        r#"
        await c.urlGroups.delete("fresh-group");
        await c.urlGroups.addEndpoints({ name: "fresh-group", endpoints: [
          { name: "one", url: "https://one.example/in" }, { url: "https://two.example/in" } ] });
        const group = await c.urlGroups.get("fresh-group");
        const sent = await c.publishJSON({ urlGroup: "fresh-group", body: { a: 1 } });

        const scheduleId = "nightly-edit";
        await c.schedules.create({ scheduleId, destination: "https://www.initial.example",
          cron: "*/5 * * * *", body: "my-payload" });
        await c.schedules.pause({ schedule: scheduleId });
        const before = await c.schedules.get(scheduleId);
        await c.schedules.create({ scheduleId, destination: "https://www.updated.example",
          cron: "0 * * * *" });
        const after = await c.schedules.get(scheduleId);
        const all = await c.schedules.list();
        console.log(JSON.stringify({ group, sent, before, after, count: all.length }));
        "#,
        &[],
    );
    let endpoints = out["group"]["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 2, "{out}");
    let urls: Vec<&str> = out["sent"]
        .as_array()
        .unwrap_or_else(|| panic!("an array, as the SDKs read it: {out}"))
        .iter()
        .map(|m| m["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, ["https://one.example/in", "https://two.example/in"]);
    let (_, held) = sb.http("GET", "/__sandbox/messages");
    assert_eq!(
        held.as_array().unwrap().len(),
        2,
        "one message per endpoint"
    );

    let (before, after) = (&out["before"], &out["after"]);
    assert_eq!(out["count"], 1, "an edit, not a second schedule: {out}");
    assert_eq!(after["destination"], "https://www.updated.example");
    assert_eq!(after["cron"], "0 * * * *");
    assert_eq!(after.get("body"), None, "the edit sent no body: {after}");
    assert_eq!(after["isPaused"], true, "an edit does not resume: {after}");
    assert_eq!(after["createdAt"], before["createdAt"]);
    let (_, held) = sb.http("GET", "/v2/schedules/nightly-edit");
    assert_eq!(held["destination"], "https://www.updated.example");
}

#[test]
fn workflow_sdk_cancels_runs_by_id_label_and_url_with_the_counts_cancelled() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let out = run(
        &sb,
        "@upstash/workflow",
        r#"
        const t = async (o) => (await c.trigger(o)).workflowRunId;
        const one = await t({ url: "http://requestcatcher.example/a" });
        const byId = [await c.cancel(one), await c.cancel(one)];
        const l1 = await t({ url: "http://requestcatcher.example/label", label: "red" });
        const l2 = await t({ url: "http://requestcatcher.example/label", label: "red" });
        const blue = await t({ url: "http://requestcatcher.example/label", label: "blue" });
        const byLabel = await c.cancel({ filter: { label: "red" } });
        const exact = await t({ url: "http://requestcatcher.example/exact", delay: "1d" });
        const sub = await t({ url: "http://requestcatcher.example/exact/sub", delay: "1d" });
        const byUrl = await c.cancel({ filter: { workflowUrl: "http://requestcatcher.example/exact" } });
        const byPrefix = await c.cancel({ urlStartingWith: "http://requestcatcher.example/exact" });
        console.log(JSON.stringify({ byId, byLabel, byUrl, byPrefix,
          cancelled: [one, l1, l2, exact, sub], running: [blue] }));
        "#,
        &[],
    );
    let n = |k: &str| out[k]["cancelled"].as_i64().unwrap();
    assert_eq!(
        out["byId"],
        json!([{ "cancelled": 1 }, { "cancelled": 0 }]),
        "{out}"
    );
    assert_eq!(
        (n("byLabel"), n("byUrl"), n("byPrefix")),
        (2, 1, 1),
        "{out}"
    );
    let (_, logs) = sb.http("GET", "/v2/workflows/logs?count=100");
    let state = |id: &Value| {
        logs["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["workflowRunId"] == *id)
            .map(|r| r["workflowState"].clone())
    };
    for id in out["cancelled"].as_array().unwrap() {
        assert_eq!(state(id), Some(json!("RUN_CANCELED")), "{id}: {logs}");
    }
    assert_eq!(state(&out["running"][0]), Some(json!("RUN_STARTED")));
}

#[test]
fn a_simulated_failure_answers_as_the_destination_and_the_log_says_it_was_simulated() {
    let sb = Sandbox::start(&["--seed", "0", "--simulate", "*=404"]);
    let (s, v) = raw(
        &sb.url,
        &sb.token,
        "POST",
        "/v2/publish/https://gone.example/hook",
        &[("Upstash-Retries", "0")],
    );
    assert_eq!(s, 200, "{v}");
    let id = v["messageId"].as_str().unwrap().to_string();
    let entry = wait_for("the message in the DLQ", 60, || {
        sb.listed(false).into_iter().find(|e| e["messageId"] == id)
    });
    // What the status services Upstash's SDK tests aim at answer (their DLQ tests compare it),
    // as `replies::body` writes it: nothing names the sandbox.
    assert_eq!(entry["responseBody"], "404 Not Found", "{entry}");
    let (_, logs) = sb.http("GET", &format!("/v2/logs?messageId={id}&state=FAILED"));
    let error = logs["logs"][0]["error"].as_str().unwrap_or_default();
    assert_eq!(
        error, "the destination answered 404 Not Found (simulated by --simulate)",
        "{logs}"
    );
}

#[test]
fn python_sdk_deletes_a_group_before_it_exists_then_publishes_to_it() {
    if !crate::sdk_python::have_py_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0", "--delivery-delay", "3000"]);
    let out = crate::sdk_python::run(
        &sb,
        r#"
c.url_group.delete("python_url_group")
c.url_group.upsert_endpoints(url_group="python_url_group",
    endpoints=[{"url": "https://example.com"}, {"url": "https://example.net"}])
res = c.message.publish(body="test-body", url_group="python_url_group")
held = c.message.get(res[0].message_id)
print(json.dumps({"urls": [r.url for r in res], "ids": [r.message_id for r in res],
    "held": held.url}))
"#,
        &[],
    );
    assert_eq!(
        out["urls"],
        json!(["https://example.com", "https://example.net"]),
        "{out}"
    );
    assert_eq!(out["held"], "https://example.com");
    for id in out["ids"].as_array().unwrap() {
        assert_eq!(state_of(&sb, id.as_str().unwrap()), "recorded", "{id}");
    }
}

#[test]
fn python_sdk_cancels_many_by_the_ids_of_its_json_body_and_then_all() {
    if !crate::sdk_python::have_py_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    // `cancel_many` sends its ids as a JSON body, not in the query: only those two go, and
    // `cancel_all` (no parameters) takes what is left.
    let out = crate::sdk_python::run(
        &sb,
        r#"
import time
nb = int(time.time()) + 3600
ids = [c.message.publish(url="https://later.example/in", body=str(i), not_before=nb).message_id
    for i in range(3)]
many = c.message.cancel_many([ids[0], ids[2]])
left = c.message.get(ids[1]).message_id
rest = c.message.cancel_all()
print(json.dumps({"ids": ids, "many": many, "left": left, "rest": rest}))
"#,
        &[],
    );
    assert_eq!(out["many"], 2, "{out}");
    assert_eq!(out["left"], out["ids"][1], "{out}");
    assert_eq!(out["rest"], 1, "{out}");
    for id in out["ids"].as_array().unwrap() {
        assert_eq!(state_of(&sb, id.as_str().unwrap()), "cancelled", "{id}");
    }
}
