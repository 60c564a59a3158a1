//! The sources over time: the schedule clock in real time (a schedule whose cron names every
//! minute fires on the next one by itself, no `/__sandbox/.../fire`; up to a minute of
//! waiting, which is the point), and queues, schedules and held messages across a restart of
//! a sandbox with a state file.

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

#[test]
fn queues_groups_schedules_and_held_messages_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state = state.to_str().unwrap();
    let bad = Hostile::always(500);
    let dest: String =
        form_urlencoded::byte_serialize(format!("{}/held", bad.url).as_bytes()).collect();
    {
        let sb = Sandbox::start(&["--state", state, "--seed", "0"]);
        let body = r#"{"queueName":"keep","parallelism":1,"paused":true}"#;
        let r = crate::sandbox::call(&sb, "POST", "/v2/queues", &[], Some(body)).unwrap();
        assert_eq!(r.status, 200);
        for _ in 0..2 {
            let r = send(
                &sb,
                "POST",
                &format!("/v2/enqueue/keep/{dest}"),
                &[("Upstash-Retries", "0")],
            );
            assert_eq!(r.status, 200, "{}", r.json);
        }
        let eps = r#"{"endpoints":[{"url":"https://a.example/x"}]}"#;
        crate::sandbox::call(&sb, "POST", "/v2/topics/grp/endpoints", &[], Some(eps)).unwrap();
        send(
            &sb,
            "POST",
            "/v2/schedules/grp",
            &[
                ("Upstash-Cron", "0 0 1 1 *"),
                ("Upstash-Schedule-Id", "yearly"),
            ],
        );
    }
    let sb = Sandbox::start(&["--state", state, "--delivery-backoff-ms", "5"]);
    assert_eq!(sb.http("GET", "/v2/queues/keep").1["lag"], 2);
    assert_eq!(sb.http("GET", "/v2/topics/grp").0, 200);
    assert_eq!(
        sb.http("GET", "/v2/schedules/yearly").1["destination"],
        "grp"
    );
    assert!(bad.requests().is_empty(), "still paused");
    assert_eq!(send(&sb, "POST", "/v2/queues/keep/resume", &[]).status, 200);
    let ids = landed(&sb, "queueName", "keep", 2);
    assert_eq!(ids.len(), 2);
}

#[test]
fn a_cancelled_message_is_never_attempted_when_its_time_comes() {
    let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "5"]);
    let bad = Hostile::always(500);
    let publish = |path: &str| {
        let dest: String =
            form_urlencoded::byte_serialize(format!("{}{path}", bad.url).as_bytes()).collect();
        let r = send(
            &sb,
            "POST",
            &format!("/v2/publish/{dest}"),
            &[("Upstash-Delay", "1s"), ("Upstash-Retries", "0")],
        );
        assert_eq!(r.status, 200, "{}", r.json);
        r.json["messageId"].as_str().unwrap().to_string()
    };
    let cancelled = publish("/cancelled");
    let r = send(&sb, "DELETE", &format!("/v2/messages/{cancelled}"), &[]);
    assert_eq!((r.status, &r.json["cancelled"]), (200, &Value::from(1)));
    // Due after the cancelled one: once it has landed, the cancelled one's time has come too.
    publish("/control");
    landed(&sb, "url", &format!("{}/control", bad.url), 1);
    let paths: Vec<String> = bad
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, ["/control"]);
    let logs = crate::sandbox_logs::states(&sb, &cancelled);
    assert_eq!(
        logs,
        ["CANCELLED", "CANCEL_REQUESTED", "CREATED"],
        "newest first"
    );
}

#[test]
fn a_queue_delivers_at_most_parallelism_at_once_and_more_when_raised() {
    let sb = Sandbox::start(&["--seed", "0"]);
    // Every delivery hangs: a slot stays taken for as long as the test looks.
    let slow = Hostile::start(|_, _| crate::hostile::Reply::Stall {
        head: "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n".into(),
        sent: b"x".to_vec(),
    });
    let upsert = |n: u32| {
        let body = format!(r#"{{"queueName":"slow","parallelism":{n}}}"#);
        let r = crate::sandbox::call(&sb, "POST", "/v2/queues", &[], Some(&body)).unwrap();
        assert_eq!(r.status, 200);
    };
    upsert(2);
    let dest: String =
        form_urlencoded::byte_serialize(format!("{}/slow", slow.url).as_bytes()).collect();
    for _ in 0..3 {
        let r = send(
            &sb,
            "POST",
            &format!("/v2/enqueue/slow/{dest}"),
            &[("Upstash-Timeout", "60s")],
        );
        assert_eq!(r.status, 200, "{}", r.json);
    }
    let states = || -> Vec<String> {
        let (_, v) = sb.http("GET", "/__sandbox/messages");
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["state"].as_str().unwrap().to_string())
            .collect()
    };
    crate::common::wait_for("two deliveries under way", 30, || {
        (slow.requests().len() == 2).then_some(())
    });
    assert_eq!(
        states(),
        ["delivering", "delivering", "queued"],
        "two slots, the third waits"
    );
    upsert(3);
    crate::common::wait_for("the third delivery", 30, || {
        (slow.requests().len() == 3).then_some(())
    });
    assert_eq!(states(), ["delivering"; 3]);
}
