//! `dlq republish` against the sandbox under faults, with the new destination a real HTTP server
//! that records every delivery: each selected entry is delivered exactly once, changed as asked,
//! and removed from the DLQ; entries refused in the plan and entries outside the selection are
//! untouched; an interrupt and a `kill -9` are each continued to the same result; and the report,
//! `dlq jobs` and `dlq verify` agree with what the sandbox and the receiver hold.

use std::collections::BTreeSet;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::{json, Value};

use crate::common::ndjson;
use crate::republish_fixture::*;

#[test]
fn under_faults_each_selected_entry_is_delivered_once_changed_and_removed() {
    let f = fixture(&[
        "--fault-rate",
        "0.1",
        "--faults",
        "500,503,reset",
        "--seed-rng",
        "6",
    ]);
    let report = f.sb.home.path().join("r.ndjson");
    let out =
        f.sb.dlq()
            .args(f.republish(&[
                "--yes",
                // One request at a time: the seeded faults fall on the same requests every
                // run, so the check below that they hit both steps holds every time. Three
                // messages a batch: enough batches for the faults to meet.
                "--concurrency",
                "1",
                "--batch-size",
                "3",
                "--report",
                report.to_str().unwrap(),
                "--verify=30s",
            ]))
            .timeout(Duration::from_secs(180))
            .assert()
            .code(3)
            .get_output()
            .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    // The faults hit both steps: batches and DLQ calls answered 5xx or lost.
    let faulted = |path: &str| {
        f.sb.requests().iter().any(|r| {
            let status = r["status"].as_u64().unwrap_or(0);
            r["path"].as_str().unwrap_or("").starts_with(path) && (status == 0 || status >= 500)
        })
    };
    assert!(
        faulted("/v2/batch") && faulted("/v2/dlq"),
        "{:?}",
        f.sb.requests()
    );
    let made = f.check_delivered_once();
    f.check_report(&report, &made);
    let (_, verified) = f.report(&report);
    let delivered = verified
        .iter()
        .filter(|v| v["verified"] == "delivered")
        .count();
    assert_eq!(
        delivered, MOVING,
        "--verify followed the new messages: {verified:?}"
    );
    let job = job_of(&err);
    f.check_job(&job);
    // dlq verify follows the job's new messages, as the sandbox delivered them.
    let out =
        f.sb.dlq()
            .args(["verify", &job, "--wait", "0s", "-o", "ndjson"])
            .timeout(Duration::from_secs(60))
            .assert()
            .get_output()
            .clone();
    let followed = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["verified"] == "delivered")
        .count();
    assert_eq!(followed, MOVING, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_interrupt_and_a_kill_9_are_each_continued_to_the_same_exact_result() {
    // Slow replies and one request at a time: each stop lands mid-run.
    let f = fixture(&[
        "--fault-rate",
        "0.1",
        "--faults",
        "500,reset",
        "--seed-rng",
        "5",
        "--latency",
        "40",
    ]);
    let report = f.sb.home.path().join("r.ndjson");
    let report = report.to_str().unwrap();
    let (job, said) = f.interrupted_after(3, report);
    // The account of what was published but not yet deleted is the sandbox's truth: entries
    // still in the DLQ for which a new message was made.
    let left: BTreeSet<String> = f.sb.ids(false).into_iter().collect();
    let published_left = f
        .messages_to_receiver()
        .values()
        .filter_map(|url| url.rsplit('/').next()?.parse::<u64>().ok())
        .filter(|n| left.contains(&f.moving[n]))
        .count();
    let shown = f.sb.job_shown(&job);
    assert_eq!(
        shown["counts"]["publishedLeft"],
        json!(published_left),
        "{shown}"
    );
    if published_left > 0 {
        let line = format!("{published_left} of the entries left were published already");
        assert!(said.contains(&line), "{said}");
    }
    // Continued, then killed outright: the journal is all that is left of that run.
    let cont = |job: &str| -> Vec<String> {
        [
            "republish",
            "--continue",
            job,
            "--concurrency",
            "1",
            "--batch-size",
            "1",
            "--report",
            report,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut child = f.start(cont(&job));
    wait_published(&f, &mut child, 8);
    child.kill().unwrap();
    child.wait().unwrap();
    let left = f.sb.ids(false).len();
    assert!(
        left > OUTSIDE + NO_RULE + NOT_JSON,
        "the kill came mid-run: {left} left"
    );
    f.sb.dlq()
        .args(cont(&job))
        .timeout(Duration::from_secs(180))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("republished"));
    let made = f.check_delivered_once();
    f.check_report(std::path::Path::new(report), &made);
    f.check_job(&job);
}

#[test]
fn the_plan_shows_the_moves_the_refusals_and_a_sample_and_dry_run_lists_every_entry() {
    let f = fixture(&[]);
    // Some entries are refused in the plan: the run would end 3, so the dry run does.
    let out =
        f.sb.dlq()
            .args(f.republish(&["--dry-run"]))
            .assert()
            .code(3)
            .get_output()
            .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let rx_new = format!("{}/new/hook/", f.rx.url);
    assert!(err.contains("new destinations"), "{err}");
    assert!(err.contains("refused: 5"), "{err}");
    assert!(
        err.contains("no --rewrite-url rule matches http://gone.example/x/"),
        "{err}"
    );
    assert!(err.contains("--body-jq needs a JSON body"), "{err}");
    assert!(err.contains("sample "), "{err}");
    let line = |sign: &str, text: &str| {
        err.lines().any(|l| {
            let l = l.trim_start().trim_start_matches("body").trim_start();
            l.starts_with(sign) && l.contains(text)
        })
    };
    assert!(line("-", "\"amount\": \"12.5\""), "{err}");
    assert!(line("+", "\"amount\": 12.5,"), "{err}");
    assert!(
        err.contains(&format!(
            "{MOVING}  http://old.example… -> {}/new…",
            f.rx.url
        )),
        "one line per rule: {err}"
    );
    assert!(
        err.contains("+ X-Tenant: 7") && err.contains("- X-Old-Auth"),
        "{err}"
    );
    let lines = ndjson(&out.stdout);
    assert_eq!(
        lines.len(),
        MOVING + NO_RULE + NOT_JSON,
        "one line per planned entry"
    );
    for (n, id) in &f.moving {
        let l = lines.iter().find(|l| l["dlqId"] == id.as_str()).unwrap();
        assert_eq!(l["to"], format!("{rx_new}{n}"), "{l}");
        assert_eq!(l["from"], format!("http://old.example/hook/{n}"), "{l}");
        let after: Value = serde_json::from_str(l["bodyAfter"].as_str().unwrap()).unwrap();
        assert_eq!(after["amount"], json!(12.5));
    }
    let refused = lines.iter().filter(|l| l.get("refused").is_some()).count();
    assert_eq!(refused, NO_RULE + NOT_JSON);
    // Nothing was sent but reads, and nothing was delivered.
    assert_eq!(f.sb.ids(false).len(), MOVING + NO_RULE + NOT_JSON + OUTSIDE);
    assert!(f.deliveries().is_empty());
}

#[test]
fn changes_that_cannot_be_made_are_refused_before_anything_is_sent() {
    let f = fixture(&[]);
    let cases: &[(&[&str], &str)] = &[
        (&["republish", "--all"], "dlq retry"),
        (
            &["republish", "--all", "--header", "Upstash-Retries: 3"],
            "--retries",
        ),
        (
            &["republish", "--all", "--to-url", "ftp://x.example/"],
            "http(s)",
        ),
        (
            &["republish", "--all", "--rewrite-url", "http://a.example"],
            "FROM=TO",
        ),
        (
            &["republish", "--all", "--to-queue", "../x"],
            "not a valid name",
        ),
        (&["republish", "--all", "--body-jq", ".a |||"], "--body-jq"),
        (
            &[
                "republish",
                "--all",
                "--to-url",
                "https://a.example/",
                "--server-side",
            ],
            "no server-side form",
        ),
        (
            &[
                "republish",
                "--continue",
                "republish-x",
                "--to-url",
                "https://a.example/",
            ],
            "--continue sends the messages the job planned",
        ),
    ];
    for (args, says) in cases {
        f.sb.dlq()
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*says));
    }
    assert!(
        f.sb.requests().is_empty(),
        "nothing was sent: {:?}",
        f.sb.requests()
    );
}
