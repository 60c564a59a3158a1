//! Flow-control keys as the API shows and changes them (`/v2/flowControl…`,
//! `/v2/globalParallelism`): driven by the official SDKs (TypeScript and Python) as Upstash's own
//! tests drive the service (the official OpenAPI holds them in `sandbox_flowkeys_prism`), and
//! seen from a real endpoint: a paused key's deliveries wait at the gate (the key's wait list
//! says so) and go on resume.

use serde_json::{json, Value};

use crate::common::{raw_body, wait_for, Sandbox};
use crate::hostile::{Hostile, Reply};
use crate::sdk::have_sdk;
use crate::sources_sdk::sdk;

pub(crate) fn key(sb: &Sandbox, k: &str) -> (u16, Value) {
    sb.http("GET", &format!("/v2/flowControl/{k}"))
}

pub(crate) fn publish(sb: &Sandbox, url: &str, headers: &[(&str, &str)]) -> String {
    let path = format!("/v2/publish/{url}");
    let (s, v) = raw_body(&sb.url, &sb.token, "POST", &path, headers, Some(&json!({})));
    assert_eq!(s, 200, "{v}");
    v["messageId"].as_str().unwrap().to_string()
}

#[test]
fn the_sdk_reads_pins_unpins_and_pauses_a_key_a_publish_made() {
    if !have_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let v = sdk(
        &sb,
        "",
        "",
        r#"
const fc = { key: "fc-sdk", parallelism: 5, rate: 10, period: "1m" };
await c.publish({ url: "https://example.com/hook", body: "hello", flowControl: fc });
const out = { first: await c.flowControl.get("fc-sdk") };
await c.flowControl.pin("fc-sdk", { parallelism: 3, rate: 20, period: 120 });
out.pinned = await c.flowControl.get("fc-sdk");
await c.flowControl.unpin("fc-sdk", { parallelism: true });
out.partial = await c.flowControl.get("fc-sdk");
await c.publish({ url: "https://example.com/hook", body: "again",
  flowControl: { key: "fc-sdk", parallelism: 7, rate: 1 } });
out.after = await c.flowControl.get("fc-sdk");
await c.flowControl.pause("fc-sdk");
out.paused = (await c.flowControl.get("fc-sdk")).isPaused;
await c.flowControl.resume("fc-sdk");
out.resumed = (await c.flowControl.get("fc-sdk")).isPaused;
await c.flowControl.resetRate("fc-sdk");
out.rateCount = (await c.flowControl.get("fc-sdk")).rateCount;
out.global = await c.flowControl.getGlobalParallelism();
out.missing = await status(() => c.flowControl.get("no-such-key"));
console.log(JSON.stringify(out));
"#,
    );
    let first = &v["first"];
    assert_eq!(first["flowControlKey"], "fc-sdk", "{v}");
    assert_eq!(
        (
            &first["parallelismMax"],
            &first["rateMax"],
            &first["ratePeriod"]
        ),
        (&json!(5), &json!(10), &json!(60)),
        "the publish's configuration, its period in seconds: {v}"
    );
    assert_eq!(
        (&first["waitListSize"], &first["parallelismCount"]),
        (&json!(0), &json!(0))
    );
    let pinned = &v["pinned"];
    assert_eq!(
        (&pinned["isPinnedParallelism"], &pinned["isPinnedRate"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(
        (
            &pinned["parallelismMax"],
            &pinned["rateMax"],
            &pinned["ratePeriod"]
        ),
        (&json!(3), &json!(20), &json!(120)),
        "{v}"
    );
    assert_eq!(
        (
            &v["partial"]["isPinnedParallelism"],
            &v["partial"]["isPinnedRate"]
        ),
        (&json!(false), &json!(true))
    );
    // A new message sets what is no longer pinned, and leaves the pinned rate alone.
    let after = &v["after"];
    assert_eq!(
        (
            &after["parallelismMax"],
            &after["rateMax"],
            &after["ratePeriod"]
        ),
        (&json!(7), &json!(20), &json!(120)),
        "{v}"
    );
    assert_eq!((&v["paused"], &v["resumed"]), (&json!(true), &json!(false)));
    assert_eq!(v["rateCount"], 0);
    assert_eq!(v["global"]["parallelismCount"], 0, "{v}");
    assert_eq!(v["missing"], 404, "{v}");

    let (s, list) = sb.http("GET", "/v2/flowControl");
    assert_eq!(s, 200);
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["flowControlKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["fc-sdk"], "{list}");
}

#[test]
fn a_paused_key_holds_its_deliveries_in_its_wait_list_until_resumed() {
    let hook = Hostile::start(|_, _| Reply::json(200, "{}"));
    let sb = Sandbox::start(&["--seed", "0"]);
    let (s, _) = sb.http("POST", "/v2/flowControl/held/pause");
    assert_eq!(s, 200);
    let headers = [
        ("Upstash-Flow-Control-Key", "held"),
        (
            "Upstash-Flow-Control-Value",
            "parallelism=1, rate=5, period=1m",
        ),
        ("Upstash-Retries", "0"),
    ];
    let ids: Vec<String> = (0..2)
        .map(|i| publish(&sb, &format!("{}/held/{i}", hook.url), &headers))
        .collect();
    let waiting = wait_for("both messages in the wait list", 30, || {
        let (_, v) = key(&sb, "held");
        (v["waitListSize"] == 2).then_some(v)
    });
    assert_eq!(waiting["isPaused"], true);
    assert!(hook.requests().is_empty(), "a paused key delivers nothing");
    // Waiting is not being delivered: the messages are still readable.
    for id in &ids {
        let (s, m) = sb.http("GET", &format!("/v2/messages/{id}"));
        assert_eq!(s, 200, "{m}");
    }

    let (s, _) = sb.http("POST", "/v2/flowControl/held/resume");
    assert_eq!(s, 200);
    wait_for("both delivered", 30, || {
        (hook.requests().len() == 2).then_some(())
    });
    let v = wait_for("the wait list empty and nothing in flight", 30, || {
        let (_, v) = key(&sb, "held");
        (v["waitListSize"] == 0 && v["parallelismCount"] == 0).then_some(v)
    });
    // A rate over a minute is counted (not waited out, see docs/sandbox-wire.md).
    assert_eq!(
        (&v["rateCount"], &v["rateMax"]),
        (&json!(2), &json!(5)),
        "{v}"
    );
    assert!(
        v["ratePeriodStart"].as_i64().unwrap() > 1_700_000_000,
        "{v}"
    );
    let (s, _) = sb.http("POST", "/v2/flowControl/held/resetRate");
    assert_eq!(s, 200);
    let (_, v) = key(&sb, "held");
    assert_eq!(v["rateCount"], 0, "{v}");
    assert!(
        v.get("ratePeriodStart").is_none(),
        "no period after a reset: {v}"
    );
}

#[test]
fn the_python_sdk_reads_go_style_periods_back_and_drives_every_flow_control_call() {
    if !crate::sdk_python::have_py_sdk() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let v = crate::sdk_python::run(
        &sb,
        r#"
from qstash.message import FlowControl
def fc(x):
    f = x.flow_control
    return [f.key, f.parallelism, f.rate, f.period]
a = c.message.publish_json(url="https://example.com/a", body={"k": 1},
    flow_control=FlowControl(key="py-rate", rate=23, period="1h30m3s"))
b = c.message.publish_json(url="https://example.com/b", body={"k": 2},
    flow_control=FlowControl(key="py-par", parallelism=5))
sid = c.schedule.create_json(cron="1 1 1 1 1", destination="https://example.com/s",
    body={"k": 3}, flow_control=FlowControl(key="py-sched", parallelism=2))
out = {"rate": fc(c.message.get(a.message_id)), "par": fc(c.message.get(b.message_id)),
       "schedule": fc(c.schedule.get(sid))}
c.flow_control.pin("py-rate", {"parallelism": 3, "rate": 20, "period": 120})
p = c.flow_control.get("py-rate")
out["pinned"] = [p.parallelism_max, p.rate_max, p.rate_period, p.is_pinned_parallelism, p.is_pinned_rate]
c.flow_control.unpin("py-rate", {"rate": True})
p = c.flow_control.get("py-rate")
out["unpinned"] = [p.is_pinned_parallelism, p.is_pinned_rate]
c.flow_control.pause("py-par")
out["paused"] = c.flow_control.get("py-par").is_paused
c.flow_control.resume("py-par")
c.flow_control.reset_rate("py-par")
p = c.flow_control.get("py-par")
out["resumed"] = [p.is_paused, p.rate_count, p.wait_list_size]
g = c.flow_control.get_global_parallelism()
out["global"] = [g.parallelism_max, g.parallelism_count]
print(json.dumps(out))
"#,
        &[],
    );
    // As Upstash's own Python tests expect: a Go-style period in seconds, one when not given.
    assert_eq!(v["rate"], json!(["py-rate", null, 23, 5403]), "{v}");
    assert_eq!(v["par"], json!(["py-par", 5, null, 1]), "{v}");
    assert_eq!(v["schedule"], json!(["py-sched", 2, null, 1]), "{v}");
    assert_eq!(v["pinned"], json!([3, 20, 120, true, true]), "{v}");
    assert_eq!(v["unpinned"], json!([true, false]), "{v}");
    assert_eq!(v["paused"], true, "{v}");
    assert_eq!(v["resumed"], json!([false, 0, 0]), "{v}");
    assert_eq!(v["global"], json!([0, 0]), "{v}");
}
