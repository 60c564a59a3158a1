//! The schedule clock in real time: a schedule whose cron names every minute fires on the next
//! minute by itself (no `/__sandbox/.../fire`), and its failed message lands with `scheduleId`.
//! Up to a minute of waiting, which is the point.

use serde_json::Value;

use crate::common::Sandbox;
use crate::hostile::Hostile;
use crate::sandbox::send;
use crate::sources_sdk::landed;

#[test]
fn a_schedule_fires_on_its_own_minute_and_its_failure_lands_with_its_id() {
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let bad = Hostile::always(500);
    let dest: String =
        form_urlencoded::byte_serialize(format!("{}/tick", bad.url).as_bytes()).collect();
    let r = send(
        &sb,
        "POST",
        &format!("/v2/schedules/{dest}"),
        &[
            ("Upstash-Cron", "* * * * *"),
            ("Upstash-Retries", "0"),
            ("Upstash-Schedule-Id", "tick"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.json);
    let ids = landed(&sb, "scheduleId", "tick", 1);
    let (_, s) = sb.http("GET", "/v2/schedules/tick");
    let fired = s["lastScheduleTime"].as_i64().expect("it fired");
    assert!(fired % 60_000 < 30_000, "at the start of a minute: {s}");
    let states = s["lastScheduleStates"].as_object().unwrap();
    assert_eq!(
        states.values().collect::<Vec<_>>(),
        [&Value::from("FAIL")],
        "{s}"
    );
    let entry = sb
        .http("GET", &format!("/v2/dlq/{}", ids.first().unwrap()))
        .1;
    assert!(
        states.contains_key(entry["messageId"].as_str().unwrap()),
        "{s} {entry}"
    );
}
