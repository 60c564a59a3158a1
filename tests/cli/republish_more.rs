//! `dlq republish` to a URL group with a new body, a backup and a canary; and a continued job
//! whose publish may have outlived the service's deduplication window, which is left in the
//! DLQ as unconfirmed and never sent again.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::{json, Value};

use crate::common::ndjson;
use crate::republish_fixture::*;

#[test]
fn a_url_group_a_new_body_a_backup_and_a_canary() {
    let f = fixture(&[]);
    let (status, v) = f.sb.http("GET", "/v2/topics");
    assert_eq!(status, 200, "{v}");
    let body = json!({"endpoints": [
        {"name": "a", "url": format!("{}/group/a", f.rx.url)},
        {"name": "b", "url": format!("{}/group/b", f.rx.url)},
    ]});
    let (status, v) = crate::common::http(
        "POST",
        &format!("{}/v2/topics/g/endpoints", f.sb.url),
        Some(&f.sb.token),
        Some(&body.to_string()),
    );
    assert!(status < 300, "{status} {v}");
    let home = f.sb.home.path();
    let new_body = home.join("body.txt");
    std::fs::write(&new_body, "replaced, not JSON").unwrap();
    let (backup, report) = (home.join("originals.ndjson"), home.join("r.ndjson"));
    let ids: Vec<&String> = f.moving.values().take(4).collect();
    f.sb.dlq()
        .args(["republish"])
        .args(ids.iter().map(|s| s.as_str()))
        .args([
            "--to-url-group",
            "g",
            "--body-file",
            new_body.to_str().unwrap(),
        ])
        .args(["--backup", backup.to_str().unwrap()])
        .args([
            "--report",
            report.to_str().unwrap(),
            "--canary",
            "1",
            "--yes",
        ])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("canary: 1 of 1"));
    // Each entry reached both endpoints of the group once, with the new body. The sandbox
    // delivers on its own schedule after the run: wait until eight have come, then count.
    let to_group = || -> Vec<_> {
        f.rx.requests()
            .into_iter()
            .filter(|r| r.path().starts_with("/group/"))
            .collect()
    };
    crate::common::wait_for("eight deliveries to the group", 60, || {
        (to_group().len() >= 8).then_some(())
    });
    let deliveries = to_group();
    let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
    for r in &deliveries {
        assert_eq!(String::from_utf8_lossy(&r.body), "replaced, not JSON");
        *by_path.entry(r.path().to_string()).or_default() += 1;
    }
    let want = BTreeMap::from([("/group/a".to_string(), 4), ("/group/b".to_string(), 4)]);
    assert_eq!(by_path, want);
    // Gone from the DLQ, each reported with its first message and the group's count.
    let left: BTreeSet<String> = f.sb.ids(false).into_iter().collect();
    let lines = ndjson(&std::fs::read(&report).unwrap());
    for id in &ids {
        assert!(!left.contains(*id), "{id} still in the DLQ");
        let o = lines
            .iter()
            .find(|l| l["dlqId"] == id.as_str() && l.get("outcome").is_some())
            .unwrap();
        assert_eq!(o["outcome"], "done", "{o}");
        assert!(o["messageId"].is_string(), "{o}");
        assert!(o["error"].as_str().unwrap().contains("2 messages"), "{o}");
    }
    // The backup holds the originals, as they were.
    let kept = ndjson(&std::fs::read(&backup).unwrap());
    let kept_ids: BTreeSet<&str> = kept.iter().map(|e| e["dlqId"].as_str().unwrap()).collect();
    assert_eq!(kept_ids, ids.iter().map(|s| s.as_str()).collect());
    for e in &kept {
        assert!(
            e["body"].as_str().unwrap().contains("\"amount\":\"12.5\""),
            "{e}"
        );
        assert!(e["url"]
            .as_str()
            .unwrap()
            .starts_with("http://old.example/hook/"));
    }
}

#[test]
fn a_publish_that_may_have_outlived_the_dedup_window_is_left_unconfirmed() {
    let f = fixture(&["--latency", "40"]);
    let report = f.sb.home.path().join("r.ndjson");
    let report = report.to_str().unwrap();
    let (job, _) = f.interrupted_after(3, report);
    // As if the run had been killed 20 minutes ago just after journaling the first send of
    // an entry still in the DLQ: whether the service took it cannot be told any more.
    let dir = f.sb.home.path().join("state/jobs").join(&job);
    let events = std::fs::read_to_string(dir.join("events.ndjson")).unwrap();
    let left: BTreeSet<String> = f.sb.ids(false).into_iter().collect();
    let (_, x) = f
        .moving
        .iter()
        .find(|(_, id)| left.contains(*id) && !events.contains(id.as_str()))
        .expect("an entry the interrupted run never sent");
    let long_ago = jiff::Timestamp::now().as_millisecond() - 20 * 60_000;
    let line = json!({"publishing": {"ids": [x], "atMs": long_ago}});
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("events.ndjson"))
        .unwrap();
    writeln!(file, "{line}").unwrap();
    f.sb.dlq()
        .args(["republish", "--continue", &job, "--report", report])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("1 entry is unconfirmed"));
    let lines = ndjson(&std::fs::read(report).unwrap());
    let o: &Value = lines
        .iter()
        .rev()
        .find(|l| l["dlqId"] == x.as_str() && l.get("outcome").is_some())
        .unwrap();
    assert_eq!(o["outcome"], "unconfirmed", "{o}");
    assert!(o["error"].as_str().unwrap().contains("10 minutes"), "{o}");
    assert!(f.sb.ids(false).contains(x), "left in the DLQ");
    // The sandbox's truth: one message made for every other moving entry, none for this one.
    let n_x = f
        .moving
        .iter()
        .find(|(_, id)| *id == x)
        .map(|(n, _)| *n)
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while f.deliveries().len() < MOVING - 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "{}",
            f.deliveries().len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let made = f.messages_to_receiver();
    assert_eq!(made.len(), MOVING - 1, "{made:?}");
    let to_x = format!("/new/hook/{n_x}");
    assert!(
        !made.values().any(|u| u.ends_with(&to_x)),
        "never sent again"
    );
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    for r in f.deliveries() {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        *seen.entry(body["n"].as_u64().unwrap()).or_default() += 1;
    }
    assert_eq!(seen.len(), MOVING - 1);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
}

#[test]
fn at_an_80_column_terminal_the_plan_fits_and_the_question_decides() {
    use crate::pty::{screen, Pty};
    let f = fixture(&[]);
    // A long new destination, to be shortened rather than wrapped.
    let far = format!(
        "{}/new/a-very-long-path/that-goes-on/and-on/and-on/for-ever",
        f.rx.url
    );
    let args = format!(
        "republish --label billing --all --rewrite-url 'http://old.example={far}' \
         --drop-header X-Old-Auth --header 'X-Tenant: 7' --body-jq '.amount |= tonumber'"
    );
    let ask = |keys: &str| {
        let mut pty = Pty::start_sized(&f.sb, &args, 80);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !pty.drawn().contains("[y/N]") {
            assert!(
                pty.running() && std::time::Instant::now() < deadline,
                "{}",
                pty.drawn()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        pty.keys(keys);
        pty.finish()
    };
    let (code, drawn) = ask("n\r");
    assert_eq!(code, Some(5), "{drawn}");
    let lines = screen(&drawn);
    let wide: Vec<&String> = lines
        .iter()
        // The question is one input line, which the terminal wraps; everything else fits.
        .filter(|l| !l.starts_with("Republish "))
        .filter(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) > 80)
        .collect();
    assert!(wide.is_empty(), "wider than 80 columns: {wide:#?}");
    let text = lines.join("\n");
    for want in [
        "new destinations:",
        "refused: 5",
        "sample ",
        "+ X-Tenant: 7",
        "…",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    assert!(
        text.contains("Republish 24 QStash messages") && text.contains("5 more refused"),
        "{text}"
    );
    assert_eq!(
        f.sb.ids(false).len(),
        MOVING + NO_RULE + NOT_JSON + OUTSIDE,
        "declined"
    );
    assert!(f.deliveries().is_empty());
    // Yes: the run goes, and says what it did.
    let (code, drawn) = ask("y\r");
    assert_eq!(code, Some(3), "{drawn}");
    let text = screen(&drawn).join("\n");
    assert!(
        text.contains("24 done") && text.contains("5 failed"),
        "{text}"
    );
}

#[test]
fn through_a_queue_under_faults_each_entry_is_enqueued_and_delivered_once() {
    let f = fixture(&[
        "--fault-rate",
        "0.1",
        "--faults",
        "500,reset",
        "--seed-rng",
        "41",
    ]);
    f.sb.dlq()
        .args(f.republish(&["--to-queue", "slow-lane", "--yes"]))
        .timeout(Duration::from_secs(180))
        .assert()
        .code(3);
    let made = f.check_delivered_once();
    // The sandbox's truth: every new message went through the queue.
    let (status, v) = f.sb.http(
        "GET",
        "/v2/logs?count=100&queueName=slow-lane&state=CREATED",
    );
    assert_eq!(status, 200, "{v}");
    let queued: BTreeSet<&str> = v["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["messageId"].as_str().unwrap())
        .collect();
    assert_eq!(queued, made.keys().map(String::as_str).collect());
    // Enqueued as batch items (`queue`), up to 100 a request.
    let batches =
        f.sb.requests()
            .iter()
            .filter(|r| r["path"] == "/v2/batch")
            .count();
    assert!(
        (1..MOVING).contains(&batches),
        "{batches} batch requests for {MOVING}"
    );
}

#[test]
fn a_body_edit_that_never_ends_gives_up_the_plan_instead_of_hanging() {
    let f = fixture(&[]);
    // A hang would be killed at the timeout and fail on its exit code.
    f.sb.dlq()
        .args(["republish", "--label", "billing", "--all", "--yes"])
        .args(["--body-jq", "last(range(1e15))"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--body-jq ran longer than 5s on entry",
        ))
        .stderr(predicate::str::contains("nothing was changed"));
    assert_eq!(f.sb.ids(false).len(), MOVING + NO_RULE + NOT_JSON + OUTSIDE);
    assert!(f.deliveries().is_empty());
}

#[test]
fn triage_republishes_a_group_to_where_its_endpoint_moved() {
    let now = jiff::Timestamp::now().as_millisecond();
    let lines: Vec<String> = (0..5)
        .map(|i| {
            json!({"dlqId": format!("{}-{i}", now - 60_000), "messageId": format!("msg_t{i}"),
                "url": "http://old.example/hook", "method": "POST", "maxRetries": 0,
                "createdAt": now - 90_000, "responseStatus": 404,
                "header": {"Content-Type": ["application/json"]},
                "body": json!({"n": i}).to_string()})
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let sb = crate::common::Sandbox::start(&["--fixture", path.to_str().unwrap()]);
    let rx = crate::hostile::Hostile::start(|_, _| crate::hostile::Reply::json(200, "{}"));
    let screen = crate::triage_session::session(&sb, &[]);
    screen.wait("pick one (type to filter, Esc to quit)");
    screen.keys(&["Enter"]);
    screen.wait("> inspect an entry");
    // inspect, narrow, export, retry, republish.
    screen.keys(&["Down", "Down", "Down", "Down", "Enter"]);
    screen.wait("New destination");
    screen.text(&format!("http://old.example={}/new", rx.url));
    screen.keys(&["Enter"]);
    screen.wait("How?");
    screen.keys(&["Down", "Enter"]);
    let s = screen.wait("[y/N]");
    assert!(
        s.contains("Republish 5 QStash messages"),
        "the verb's own plan: {s}"
    );
    assert!(s.contains("new destinations:"), "{s}");
    screen.text("y");
    screen.keys(&["Enter"]);
    // The DLQ is empty now: the session ends with its recap.
    screen.wait("This session:");
    assert_eq!(screen.exit_code(), 0);
    let s = screen.screen();
    // Every entry of the group moved: delivered at the new place, gone from the DLQ.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while rx.requests().len() < 5 {
        assert!(std::time::Instant::now() < deadline, "{:?}", rx.requests());
        std::thread::sleep(Duration::from_millis(50));
    }
    let paths: BTreeSet<String> = rx.requests().iter().map(|r| r.path().to_string()).collect();
    assert_eq!(paths, BTreeSet::from(["/new/hook".to_string()]));
    let bodies: BTreeSet<String> = rx
        .requests()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(bodies.len(), 5, "each entry once: {bodies:?}");
    assert!(sb.ids(false).is_empty());
    // The recap gives the command that does the same without a terminal.
    assert!(s.contains("republish: job republish-"), "{s}");
    let joined = crate::triage_session::unwrapped(&s);
    let line = joined
        .lines()
        .map(str::trim)
        .find(|l| {
            l.contains(" dlq --base-url ") && l.contains(" republish ") && l.ends_with("--yes")
        })
        .unwrap_or_else(|| panic!("no equivalent command in:\n{s}"));
    assert!(line.contains("--rewrite-url"), "{line}");
}

#[test]
fn a_url_group_that_is_not_there_is_said_before_the_plan() {
    let f = fixture(&[]);
    f.sb.dlq()
        .args(["republish", "--label", "billing", "--all", "--yes"])
        .args(["--to-url-group", "nowhere"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("there is no URL group nowhere"));
    let sent: Vec<_> =
        f.sb.requests()
            .into_iter()
            .filter(|r| r["method"] != "GET")
            .collect();
    assert!(sent.is_empty(), "nothing but reads: {sent:?}");
    assert_eq!(f.sb.ids(false).len(), MOVING + NO_RULE + NOT_JSON + OUTSIDE);
}

#[test]
fn a_new_job_leaves_what_an_unfinished_job_planned_to_that_job() {
    let f = fixture(&["--latency", "40"]);
    let report = f.sb.home.path().join("r.ndjson");
    let report = report.to_str().unwrap();
    let (first, _) = f.interrupted_after(3, report);
    // What the first job has not finished, by the sandbox's truth: published and left, or
    // not sent yet. Both are its own until it finishes them.
    let left: BTreeSet<String> = f.sb.ids(false).into_iter().collect();
    let waiting: BTreeSet<String> = f
        .messages_to_receiver()
        .values()
        .filter_map(|url| url.rsplit('/').next()?.parse::<u64>().ok())
        .map(|n| f.moving[&n].clone())
        .filter(|id| left.contains(id))
        .collect();
    assert!(!waiting.is_empty(), "the interrupt left published entries");
    let unfinished = f.moving.values().filter(|id| left.contains(*id)).count();
    // A new job over the same selection leaves those to the first one; the entries the first
    // refused in its plan (never sent by it) are the new job's to refuse again: all it has
    // fails, exit 1.
    let second = f.sb.home.path().join("r2.ndjson");
    f.sb.dlq()
        .args(f.republish(&["--yes", "--report", second.to_str().unwrap()]))
        .timeout(Duration::from_secs(120))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "refused: {unfinished} entries held by job {first}, which has not finished them; \
             `DLQ_STATE_DIR={} dlq --base-url {} republish --continue {first}` does",
            f.sb.home.path().join("state").display(),
            f.sb.url
        )));
    let lines = ndjson(&std::fs::read(&second).unwrap());
    let reported: BTreeSet<&str> = lines.iter().filter_map(|l| l["dlqId"].as_str()).collect();
    let refused: BTreeSet<&str> = f.refused.iter().map(String::as_str).collect();
    assert_eq!(reported, refused, "only what the first job never sends");
    for id in &waiting {
        assert!(
            f.sb.ids(false).contains(id),
            "left in the DLQ for the first job"
        );
    }
    // The first job finishes them, and each entry was delivered exactly once.
    f.sb.dlq()
        .args(["republish", "--continue", &first])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3);
    f.check_delivered_once();
}
