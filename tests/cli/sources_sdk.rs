//! The sources of DLQ entries, driven with the official TypeScript SDK: URL groups, queues,
//! schedules, batches and messages. Each source's failed deliveries (to a loopback server
//! that answers 500) land in the DLQ carrying the source's name, `dlq list --url-group`,
//! `--queue` and `--schedule` select exactly those (checked against the sandbox's entries),
//! and `dlq retry` of them works.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use crate::common::wait_for;
use crate::common::{ndjson, Sandbox};
use crate::hostile::Hostile;
use crate::sandbox::send;
use crate::sdk::{have_sdk, node};

/// Runs `body` as an ES module with `c`, a `Client` of the sandbox, and `BAD`/`OK` (base URLs
/// of destinations that answer 500 and 200); returns the JSON of its last stdout line.
pub fn sdk(sb: &Sandbox, bad: &str, ok: &str, body: &str) -> Value {
    let script = format!(
        "import {{ Client }} from \"@upstash/qstash\";\n\
         const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});\n\
         const BAD = process.env.BAD, OK = process.env.OK;\n\
         const status = async (f) => {{ try {{ await f(); return 200; }} catch (e) {{ return e.status ?? String(e); }} }};\n\
         {body}\n"
    );
    let out = node(
        &script,
        &[
            ("QSTASH_URL", &sb.url),
            ("QSTASH_TOKEN", &sb.token),
            ("BAD", bad),
            ("OK", ok),
        ],
        Duration::from_secs(60),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or("");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {last}"))
}

/// The sandbox's own DLQ entries whose `field` is `value`, by dlqId.
pub fn truth(sb: &Sandbox, field: &str, value: &str) -> BTreeSet<String> {
    sb.entries(false)
        .iter()
        .filter(|e| e[field] == value)
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect()
}

/// Waits until the DLQ holds `n` entries with `field` = `value`; returns their ids.
pub fn landed(sb: &Sandbox, field: &str, value: &str, n: usize) -> BTreeSet<String> {
    wait_for(&format!("{n} entries with {field} {value}"), 60, || {
        let ids = truth(sb, field, value);
        (ids.len() >= n).then_some(ids)
    })
}

/// `dlq list <filter> -o ndjson` as a set of dlqIds.
pub fn listed(sb: &Sandbox, filter: &[&str]) -> BTreeSet<String> {
    let out = sb
        .dlq()
        .arg("list")
        .args(filter)
        .args(["--all", "-o", "ndjson"])
        .assert()
        .success();
    ndjson(&out.get_output().stdout)
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect()
}

/// `dlq retry <filter> --all --yes`, then: each id retried once and gone from the DLQ, and
/// the retried messages (the destination still fails) back with the same `field`.
pub fn retried(sb: &Sandbox, filter: &[&str], ids: &BTreeSet<String>, field: &str, value: &str) {
    sb.dlq()
        .arg("retry")
        .args(filter)
        .args(["--all", "--yes"])
        .assert()
        .success();
    for id in ids {
        assert_eq!(sb.applied(id, "retry"), 1, "{id} retried once");
    }
    let again = landed(sb, field, value, ids.len());
    assert!(again.is_disjoint(ids), "new entries, not the old ones");
    assert_eq!(listed(sb, filter), again);
}

#[test]
fn url_group_failures_land_with_topic_name_and_are_selected_and_retried() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let bad = Hostile::always(500);
    let ok = Hostile::start(|_, _| crate::hostile::Reply::json(200, "{}"));
    let v = sdk(
        &sb,
        &bad.url,
        &ok.url,
        r#"
        await c.urlGroups.addEndpoints({ name: "payments", endpoints: [{ name: "ledger", url: BAD + "/ledger" }, { url: OK + "/mail" }] });
        await c.urlGroups.addEndpoints({ name: "payments", endpoints: [{ url: BAD + "/audit" }] });
        await c.urlGroups.addEndpoints({ name: "other", endpoints: [{ url: BAD + "/other" }] });
        const got = await c.urlGroups.get("payments");
        const list = (await c.urlGroups.list()).map((g) => g.name);
        const pub = await c.publishJSON({ urlGroup: "payments", body: { n: 1 }, retries: 0 });
        const other = await c.publishJSON({ urlGroup: "other", body: { n: 2 }, retries: 0 });
        await c.urlGroups.removeEndpoints({ name: "other", endpoints: [{ url: BAD + "/other" }] });
        const emptied = await status(() => c.urlGroups.get("other"));
        await c.urlGroups.delete("payments");
        const deleted = await status(() => c.urlGroups.get("payments"));
        const publishGone = await status(() => c.publishJSON({ urlGroup: "payments", body: {} }));
        console.log(JSON.stringify({ got, list, pub, other, emptied, deleted, publishGone }));
        "#,
    );
    let urls: Vec<&str> = v["got"]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap())
        .collect();
    let want = [
        format!("{}/ledger", bad.url),
        format!("{}/mail", ok.url),
        format!("{}/audit", bad.url),
    ];
    assert_eq!(urls, want, "{v}");
    assert_eq!(v["got"]["endpoints"][0]["name"], "ledger");
    assert_eq!(v["list"], serde_json::json!(["other", "payments"]));
    assert_eq!(
        v["pub"].as_array().unwrap().len(),
        3,
        "an array, as the SDK types it: {v}"
    );
    assert_eq!(
        (&v["emptied"], &v["deleted"], &v["publishGone"]),
        (&Value::from(404), &Value::from(404), &Value::from(404)),
        "a group left empty is deleted; a deleted group is gone: {v}"
    );

    // Each failed endpoint delivery is an entry of its own, with the group and endpoint.
    let ids = landed(&sb, "topicName", "payments", 2);
    assert_eq!(ids.len(), 2);
    landed(&sb, "topicName", "other", 1);
    let entries = sb.entries(false);
    let ledger = entries
        .iter()
        .find(|e| e["url"] == want[0].as_str())
        .expect("the ledger endpoint's entry");
    assert_eq!(ledger["endpointName"], "ledger");
    assert!(
        !entries.iter().any(|e| e["url"] == want[1].as_str()),
        "the 200 endpoint is not in the DLQ"
    );

    assert_eq!(listed(&sb, &["--url-group", "payments"]), ids);
    retried(
        &sb,
        &["--url-group", "payments"],
        &ids,
        "topicName",
        "payments",
    );
    assert_eq!(
        truth(&sb, "topicName", "other").len(),
        1,
        "other groups untouched"
    );
}

#[test]
fn queues_hold_while_paused_deliver_in_order_and_land_with_queue_name() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let bad = Hostile::always(500);
    let v = sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"
        const q = c.queue({ queueName: "orders" });
        await q.upsert({ parallelism: 1 });
        await q.pause();
        const ids = [];
        for (const i of [0, 1, 2]) ids.push((await q.enqueueJSON({ url: BAD + "/q" + i, body: { i }, retries: 0 })).messageId);
        const paused = await q.get();
        const held = await c.messages.get(ids[0]);
        console.log(JSON.stringify({ ids, paused, held }));
        "#,
    );
    assert_eq!(v["paused"]["paused"], true, "{v}");
    assert_eq!(v["paused"]["lag"], 3, "{v}");
    assert_eq!(v["held"]["queueName"], "orders");
    assert!(bad.requests().is_empty(), "a paused queue delivers nothing");
    let (_, msgs) = sb.http("GET", "/__sandbox/messages");
    let states: Vec<&str> = msgs
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["queued"; 3]);

    let v = sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"
        const q = c.queue({ queueName: "orders" });
        await q.resume();
        await c.queue({ queueName: "spare" }).upsert({ parallelism: 2 });
        const list = (await q.list()).map((x) => [x.name, x.parallelism, x.paused]);
        console.log(JSON.stringify({ list }));
        "#,
    );
    assert_eq!(
        v["list"],
        serde_json::json!([["orders", 1, false], ["spare", 2, false]])
    );
    let ids = landed(&sb, "queueName", "orders", 3);
    let order: Vec<String> = bad
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(order, ["/q0", "/q1", "/q2"], "one at a time, oldest first");

    assert_eq!(listed(&sb, &["--queue", "orders"]), ids);
    retried(&sb, &["--queue", "orders"], &ids, "queueName", "orders");

    let v = sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"
        await c.queue({ queueName: "spare" }).delete();
        console.log(JSON.stringify({ gone: await status(() => c.queue({ queueName: "spare" }).get()) }));
        "#,
    );
    assert_eq!(v["gone"], 404);
}

#[test]
fn schedules_fire_through_the_clock_endpoint_and_land_with_schedule_id() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let bad = Hostile::always(500);
    let v = sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"
        await c.schedules.create({ destination: BAD + "/nightly", cron: "0 3 * * *", retries: 0, scheduleId: "nightly", body: "{}", label: "ops" });
        const made = await c.schedules.create({ destination: BAD + "/other", cron: "*/5 * * * *", retries: 0, queueName: "sq" });
        await c.schedules.pause({ schedule: "nightly" });
        const got = await c.schedules.get("nightly");
        const list = (await c.schedules.list()).map((s) => s.scheduleId);
        console.log(JSON.stringify({ made, got, list }));
        "#,
    );
    let other = v["made"]["scheduleId"].as_str().unwrap().to_string();
    assert_eq!(v["got"]["isPaused"], true, "{v}");
    assert_eq!(v["got"]["cron"], "0 3 * * *");
    assert_eq!(v["got"]["labels"], serde_json::json!(["ops"]));
    assert_eq!(v["list"].as_array().unwrap().len(), 2, "both listed: {v}");

    let fire = |id: &str| send(&sb, "POST", &format!("/__sandbox/schedules/{id}/fire"), &[]);
    let r = fire("nightly");
    assert_eq!(
        (r.status, &r.json["fired"]),
        (200, &Value::Bool(false)),
        "paused: {}",
        r.json
    );
    assert_eq!(fire("no-such").status, 404);
    sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"await c.schedules.resume({ schedule: "nightly" }); console.log("{}");"#,
    );
    for _ in 0..2 {
        let r = fire("nightly");
        assert_eq!(r.json["fired"], true, "{}", r.json);
    }
    fire(&other);
    let ids = landed(&sb, "scheduleId", "nightly", 2);
    assert_eq!(ids.len(), 2);
    let through_queue = landed(&sb, "scheduleId", &other, 1);
    assert_eq!(
        truth(&sb, "queueName", "sq"),
        through_queue,
        "a schedule with a queue enqueues each firing"
    );
    assert_eq!(listed(&sb, &["--schedule", "nightly"]), ids);
    retried(
        &sb,
        &["--schedule", "nightly"],
        &ids,
        "scheduleId",
        "nightly",
    );

    let v = sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"
        const before = (await c.schedules.get("nightly")).lastScheduleTime;
        await c.schedules.delete("nightly");
        console.log(JSON.stringify({ before, gone: await status(() => c.schedules.get("nightly")) }));
        "#,
    );
    assert!(v["before"].as_i64().unwrap() > 0, "{v}");
    assert_eq!(v["gone"], 404);
}

#[test]
fn batch_items_take_the_publish_path_and_messages_can_be_read_and_cancelled() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let bad = Hostile::always(500);
    let v = sdk(
        &sb,
        &bad.url,
        &bad.url,
        r#"
        await c.urlGroups.addEndpoints({ name: "fan", endpoints: [{ url: BAD + "/f1" }, { url: BAD + "/f2" }] });
        const batch = await c.batchJSON([
          { url: BAD + "/b1", body: { n: 1 }, retries: 0 },
          { urlGroup: "fan", body: { n: 2 }, retries: 0 },
          { url: BAD + "/b3", body: { n: 3 }, retries: 0, queueName: "bq" },
        ]);
        const later = [];
        for (const n of [1, 2, 3]) later.push((await c.publishJSON({ url: BAD + "/later", body: { n }, delay: 3600, label: "later" })).messageId);
        const one = await c.messages.get(later[0]);
        const cancelOne = await c.messages.cancel(later[0]);
        const goneOne = await status(() => c.messages.get(later[0]));
        const byLabel = await c.messages.cancel({ filter: { label: "later" } });
        const rest = await c.messages.cancel([later[1]]);
        const bad = await c.batchJSON([{ url: BAD + "/x", body: {} }, { urlGroup: "nope", body: {} }]);
        console.log(JSON.stringify({ batch, later, one, cancelOne, goneOne, byLabel, rest, bad }));
        "#,
    );
    let batch = v["batch"].as_array().unwrap();
    // One result per item, in order: the group's is an array of its two messages.
    assert_eq!(batch.len(), 3, "one per item: {v}");
    assert!(batch[0]["messageId"].is_string() && batch[2]["messageId"].is_string());
    let fan = batch[1].as_array().expect("the group item's array");
    assert_eq!(fan.len(), 2, "{v}");
    assert!(fan
        .iter()
        .all(|m| m["messageId"].is_string() && m["url"].is_string()));
    assert_eq!(v["one"]["url"], format!("{}/later", bad.url));
    assert_eq!(v["one"]["labels"], serde_json::json!(["later"]));
    assert_eq!(v["cancelOne"]["cancelled"], 1);
    assert_eq!(v["goneOne"], 404);
    assert_eq!(v["byLabel"]["cancelled"], 2, "the other two: {v}");
    assert_eq!(v["rest"]["cancelled"], 0, "already cancelled");
    // An unknown group refuses its own item; the other is published.
    assert!(v["bad"][0]["messageId"].is_string(), "{v}");
    assert!(v["bad"][1]["error"].is_string(), "{v}");

    landed(&sb, "topicName", "fan", 2);
    landed(&sb, "queueName", "bq", 1);
    landed(&sb, "url", &format!("{}/b1", bad.url), 1);
    let (_, msgs) = sb.http("GET", "/__sandbox/messages");
    let urls: Vec<&str> = msgs
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls.len(),
        8,
        "four from the batch, three later ones, one of the batch with a refused item: {urls:?}"
    );
    assert_eq!(urls.iter().filter(|u| u.ends_with("/x")).count(), 1);
    assert!(
        !bad.lines().iter().any(|l| l.contains("/later")),
        "cancelled, never sent"
    );
    assert_eq!(listed(&sb, &["--queue", "bq"]).len(), 1);
}
