//! Faults and limits on the sources of DLQ entries, with plain HTTP: `--fault-rate` reaches
//! every new endpoint (publish, enqueue and batch included, with lost replies, so that
//! deduplication matters), and `--rate-limit` spares publish, enqueue and batch only.

use serde_json::Value;

use crate::common::Sandbox;
use crate::sandbox::call;

#[test]
fn every_source_endpoint_takes_faults() {
    let sb = Sandbox::start(&["--seed", "0", "--fault-rate", "1", "--faults", "503"]);
    let url: String = form_urlencoded::byte_serialize(b"https://x.example/h").collect();
    let calls: Vec<(&str, String, Option<&str>)> = vec![
        (
            "POST",
            "/v2/topics/g/endpoints".into(),
            Some(r#"{"endpoints":[{"url":"https://x.example/a"}]}"#),
        ),
        ("GET", "/v2/topics".into(), None),
        (
            "POST",
            "/v2/queues".into(),
            Some(r#"{"queueName":"q","parallelism":1}"#),
        ),
        ("GET", "/v2/queues".into(), None),
        ("POST", format!("/v2/enqueue/q/{url}"), Some("{}")),
        ("POST", format!("/v2/publish/{url}"), Some("{}")),
        (
            "POST",
            "/v2/batch".into(),
            Some(r#"[{"destination":"https://x.example/b"}]"#),
        ),
        ("GET", "/v2/schedules".into(), None),
        ("DELETE", "/v2/messages".into(), None),
        ("GET", "/v2/messages/msg_x".into(), None),
    ];
    for (method, path, body) in calls {
        let r = call(&sb, method, &path, &[], body).unwrap();
        assert_eq!(r.status, 503, "{method} {path}: {}", r.json);
    }
}

#[test]
fn publish_takes_faults_and_lost_replies_and_deduplication_makes_resending_safe() {
    let sb = Sandbox::start(&[
        "--seed",
        "0",
        "--seed-rng",
        "3",
        "--fault-rate",
        "0.6",
        "--faults",
        "503,reset",
    ]);
    // The same publish sent 20 times, as a client resends one whose reply it never got.
    let mut failures = 0;
    let mut answers = Vec::new();
    for _ in 0..20 {
        let r = call(
            &sb,
            "POST",
            "/v2/publish/https://dedup.example/hook",
            &[("Upstash-Deduplication-Id", "order-7")],
            Some("{}"),
        );
        match r {
            Ok(r) if r.status == 200 => answers.push(r.json),
            _ => failures += 1,
        }
    }
    assert!(failures > 0, "--fault-rate reaches publish");
    let answer = answers.first().expect("a publish got through").clone();
    assert!(
        answers[1..]
            .iter()
            .all(|a| a["messageId"] == answer["messageId"] && a["deduplicated"] == true),
        "{answers:?}"
    );
    let (_, msgs) = sb.http("GET", "/__sandbox/messages");
    let made: Vec<&Value> = msgs
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["url"] == "https://dedup.example/hook")
        .collect();
    assert_eq!(
        made.len(),
        1,
        "lost replies and resends made one message: {msgs}"
    );
    assert_eq!(answer["messageId"], made[0]["messageId"]);
}

#[test]
fn source_endpoints_take_the_burst_limit_and_enqueue_and_batch_do_not() {
    let sb = Sandbox::start(&["--seed", "0", "--rate-limit", "1,2"]);
    let status = |method: &str, path: &str, body: Option<&str>| {
        call(&sb, method, path, &[], body).unwrap().status
    };
    let reads: Vec<u16> = (0..40)
        .map(|_| status("GET", "/v2/queues", None))
        .take_while(|s| *s != 429)
        .collect();
    assert!(
        reads.len() < 40,
        "a burst of 40 queue reads over a budget of 2 is throttled"
    );
    // The budget is spent: a limited call would be refused but for the odd refilled token.
    let mut sent: Vec<u16> = (0..4)
        .map(|_| status("POST", "/v2/enqueue/q/https://ok.example/new", Some("{}")))
        .collect();
    sent.extend((0..4).map(|_| {
        status(
            "POST",
            "/v2/batch",
            Some(r#"[{"destination":"https://ok.example/b"}]"#),
        )
    }));
    assert_eq!(
        sent, [200; 8],
        "enqueue and batch never take from the budget"
    );
}
