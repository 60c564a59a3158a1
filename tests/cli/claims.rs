//! One owner per entry across jobs: two jobs started together on the same entries, a job
//! after an interrupted one, entries an earlier job left unconfirmed, and claims released
//! when a job finishes or is forgotten. Each is held to what the sandbox and a receiver that
//! counts deliveries saw.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::{json, Value};

use crate::common::{ndjson, Sandbox};
use crate::hostile::{Hostile, Reply};
use crate::republish_fixture::*;

const RACED: usize = 300;

/// A sandbox whose QStash DLQ holds `n` entries, each body `{"n": i}`.
fn sandbox_of(n: usize) -> (Sandbox, tempfile::TempDir) {
    let now = jiff::Timestamp::now().as_millisecond();
    let lines: Vec<String> = (0..n)
        .map(|i| {
            json!({"dlqId": format!("{}-{i}", now - 60_000), "messageId": format!("msg_{i}"),
                "url": format!("http://old.example/hook/{i}"), "method": "POST",
                "maxRetries": 0, "createdAt": now - 90_000, "responseStatus": 503,
                "header": {"Content-Type": ["application/json"]},
                "body": json!({"n": i}).to_string()})
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    (Sandbox::start(&["--fixture", path.to_str().unwrap()]), dir)
}

/// The jobs in the sandbox home's state directory.
fn jobs(sb: &Sandbox) -> Vec<String> {
    match std::fs::read_dir(sb.home.path().join("state/jobs")) {
        Ok(d) => d
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn two_republish_jobs_started_together_deliver_each_entry_once() {
    let (sb, _dir) = sandbox_of(RACED);
    let rx = Hostile::start(|_, _| Reply::json(200, "{}"));
    let home = sb.home.path();
    let start = |to: &str| {
        let report = home.join(format!("{to}.ndjson"));
        let child = sb
            .dlq_std()
            .args(["republish", "--all", "--yes", "--to-url"])
            .arg(format!("{}/{to}", rx.url))
            .arg("--report")
            .arg(&report)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        (to.to_string(), report, child)
    };
    let both = [start("A"), start("B")];
    let mut said = String::new();
    let mut reports = Vec::new();
    let mut codes = Vec::new();
    for (to, report, child) in both {
        let out = child.wait_with_output().unwrap();
        said.push_str(&String::from_utf8_lossy(&out.stderr));
        codes.push(out.status.code());
        reports.push((to, report));
    }
    // The sandbox's truth: one message made per entry, whichever job made it.
    let made = messages_to(&sb, &rx.url);
    assert_eq!(made.len(), RACED, "{said}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while rx.requests().len() < RACED {
        assert!(
            Instant::now() < deadline,
            "{} delivered",
            rx.requests().len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut by_n: BTreeMap<u64, usize> = BTreeMap::new();
    let mut by_to: BTreeMap<String, usize> = BTreeMap::new();
    for r in rx.requests() {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        *by_n.entry(body["n"].as_u64().unwrap()).or_default() += 1;
        *by_to
            .entry(r.path().trim_start_matches('/').into())
            .or_default() += 1;
    }
    assert_eq!(by_n.len(), RACED, "every entry delivered");
    assert!(by_n.values().all(|n| *n == 1), "each once: {by_n:?}");
    assert!(
        sb.ids(false).is_empty(),
        "every entry republished and deleted"
    );
    // What the jobs say adds up to the truth: each job's done entries are its deliveries.
    let mut done_total = 0;
    for job in jobs(&sb) {
        let shown = sb.job_shown(&job);
        done_total += shown["counts"]["done"].as_u64().unwrap() as usize;
    }
    assert_eq!(done_total, RACED, "{said}");
    for (to, report) in reports {
        let done = match std::fs::read(&report) {
            Ok(text) => ndjson(&text)
                .iter()
                .filter(|l| l["outcome"] == "done")
                .count(),
            // A job left with nothing (all claimed by the other) keeps no report.
            Err(_) => 0,
        };
        assert_eq!(done, by_to.get(&to).copied().unwrap_or(0), "{to}: {said}");
    }
}

#[test]
fn a_job_after_an_interrupted_one_leaves_it_its_entries_whatever_the_verb() {
    let f = fixture(&["--latency", "40"]);
    let report = f.sb.home.path().join("r.ndjson");
    let (first, _) = f.interrupted_after(3, report.to_str().unwrap());
    let left: BTreeSet<String> = f.sb.ids(false).into_iter().collect();
    let held: Vec<&String> = f.moving.values().filter(|id| left.contains(*id)).collect();
    assert!(!held.is_empty(), "the interrupt left entries");
    // A delete of exactly those entries is refused: they are the interrupted job's.
    let out =
        f.sb.dlq()
            .arg("delete")
            .args(held.iter().map(|s| s.as_str()))
            .arg("--yes")
            .assert()
            .success()
            .get_output()
            .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    let n = held.len();
    assert!(
        err.contains(&format!("refused: {n} entries held by job {first}")),
        "{err}"
    );
    assert!(
        err.contains(&format!(" republish --continue {first}` does")),
        "{err}"
    );
    assert!(err.contains("nothing to do"), "{err}");
    assert_eq!(f.sb.ids(false).len(), left.len(), "nothing deleted");
    for id in &held {
        assert_eq!(f.sb.applied(id, "delete"), 0, "{id} deleted");
    }
    // The interrupted job's --continue finishes them, each delivered once.
    f.sb.dlq()
        .args(["republish", "--continue", &first])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3);
    f.check_delivered_once();
}

/// Makes `x` unconfirmed in `job` as a run killed 20 minutes after its first publish would:
/// the deduplication window may have closed, so whether it was published cannot be told.
fn left_unconfirmed(f: &Fixture, job: &str) -> String {
    let dir = f.sb.home.path().join("state/jobs").join(job);
    let events = std::fs::read_to_string(dir.join("events.ndjson")).unwrap();
    let left: BTreeSet<String> = f.sb.ids(false).into_iter().collect();
    let x = f
        .moving
        .values()
        .find(|id| left.contains(*id) && !events.contains(id.as_str()))
        .expect("an entry the interrupted run never sent")
        .clone();
    let long_ago = jiff::Timestamp::now().as_millisecond() - 20 * 60_000;
    let line = json!({"publishing": {"ids": [x], "atMs": long_ago}});
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("events.ndjson"))
        .unwrap();
    writeln!(file, "{line}").unwrap();
    f.sb.dlq()
        .args(["republish", "--continue", job])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("1 entry is unconfirmed"));
    x
}

#[test]
fn entries_an_earlier_job_left_unconfirmed_are_refused_until_it_is_forgotten() {
    let f = fixture(&["--latency", "40"]);
    let report = f.sb.home.path().join("r.ndjson");
    let (first, _) = f.interrupted_after(3, report.to_str().unwrap());
    let x = left_unconfirmed(&f, &first);
    let n_x = f.moving.iter().find(|(_, id)| **id == x).unwrap().0;
    let to_x = format!("/new/hook/{n_x}");
    let made_to_x = || {
        f.messages_to_receiver()
            .values()
            .filter(|u| u.ends_with(&to_x))
            .count()
    };
    assert_eq!(made_to_x(), 0);
    // A new job over the same selection leaves it, naming the job and how to release it;
    // what is left for it (entries refused in its own plan) all fails: exit 1.
    let out =
        f.sb.dlq()
            .args(f.republish(&["--yes"]))
            .timeout(Duration::from_secs(120))
            .assert()
            .code(1)
            .get_output()
            .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        format!("refused: 1 entry that job {first} left unconfirmed"),
        format!(" jobs show {first}` shows the job"),
        format!(" jobs forget {first}`"),
    ] {
        assert!(err.contains(&want), "{want} in {err}");
    }
    assert_eq!(made_to_x(), 0, "not published again");
    assert!(f.sb.ids(false).contains(&x), "left in the DLQ");
    // Released deliberately: the next job republishes it, and every entry arrived once.
    f.sb.dlq()
        .args(["jobs", "forget", &first])
        .assert()
        .success();
    f.sb.dlq()
        .args(f.republish(&["--yes"]))
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3);
    f.check_delivered_once();
}

/// A callback leaves its entry in the DLQ, so only the claim stands between two jobs and a
/// second call: held while the first job has not finished it, released once it has, and an
/// unconfirmed call held until that job is forgotten.
#[test]
fn a_callback_is_released_when_its_job_finishes_and_unconfirmed_ones_when_forgotten() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let posts = Arc::new(AtomicUsize::new(0));
    let lose = Arc::new(AtomicBool::new(false));
    let (p, l) = (posts.clone(), lose.clone());
    let server = Hostile::start(move |r, _| match (r.method.as_str(), r.path()) {
        ("GET", "/v2/workflows/dlq/1-0") => {
            let mut e = crate::hostile::run("1-0", "CALLBACK_FAIL");
            if l.load(Ordering::SeqCst) {
                e.as_object_mut().unwrap().remove("failureCallbackInfo");
            }
            Reply::ok(e)
        }
        ("GET", "/v2/workflows/logs") => Reply::ok(json!({"runs": [{
            "workflowRunId": "wfr_1", "workflowRunCreatedAt": 1, "workflowState": "RUN_FAILED",
            "failureFunction": {"state": "CALLBACK_FAIL"},
        }]})),
        ("POST", "/v2/workflows/dlq/callback/1-0") => {
            p.fetch_add(1, Ordering::SeqCst);
            match l.load(Ordering::SeqCst) {
                true => Reply::Drop,
                false => Reply::ok(json!({"workflowRunId": "wfr_1", "workflowCreatedAt": 1})),
            }
        }
        _ => Reply::json(404, r#"{"error":"not found"}"#),
    });
    let home = tempfile::tempdir().unwrap();
    let callback = |code: i32| {
        let out = server
            .dlq(&home)
            .args(["callback", "1-0", "--yes"])
            .assert()
            .code(code)
            .get_output()
            .clone();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Finished: its entry is free again, and a second job calls it again.
    callback(0);
    callback(0);
    assert_eq!(posts.load(Ordering::SeqCst), 2);
    // A lost reply nothing explains: unconfirmed, and the next job leaves it alone.
    lose.store(true, Ordering::SeqCst);
    let err = callback(3);
    assert_eq!(posts.load(Ordering::SeqCst), 3);
    let job = err
        .split_whitespace()
        .find(|w| w.starts_with("callback-"))
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
        .unwrap_or_else(|| panic!("no job in {err}"))
        .to_string();
    let err = callback(0);
    assert!(
        err.contains(&format!("refused: 1 entry that job {job} left unconfirmed")),
        "{err}"
    );
    assert_eq!(posts.load(Ordering::SeqCst), 3, "not called again");
    // Forgotten: released, called again.
    server
        .dlq(&home)
        .args(["jobs", "forget", &job])
        .assert()
        .success();
    callback(3);
    assert_eq!(posts.load(Ordering::SeqCst), 4);
}

/// A start that fails once its report and backup exist (here a republish whose messages cannot
/// be frozen: they outgrow a file-size limit its ids stay under) is undone whole by the start's
/// guard: no journal and so no claim, no report, no backup, no staged messages, nothing sent,
/// and the error says nothing was changed. The same republish right after takes every entry.
#[cfg(unix)]
#[test]
fn a_start_that_fails_after_its_journal_leaves_no_job_and_no_claim() {
    let (sb, _fixture) = sandbox_of(40);
    let dir = tempfile::tempdir().unwrap();
    // Every new message carries this body: 40 of them are far past the limit, 40 ids are not.
    let body = dir.path().join("body.json");
    std::fs::write(&body, json!({ "pad": "x".repeat(16 << 10) }).to_string()).unwrap();
    let report = dir.path().join("report.ndjson");
    let backup = dir.path().join("backup.ndjson");
    let mut limited = std::process::Command::new("sh");
    crate::common::hermetic(&mut limited, &sb.home);
    // A write past the limit fails with EFBIG once SIGXFSZ is ignored (ignored stays so
    // across exec); 128 blocks are 64 or 128 KiB, as the shell counts them.
    limited
        .args(["-c", "ulimit -f 128 && trap '' XFSZ && exec \"$@\"", "sh"])
        .arg(assert_cmd::cargo::cargo_bin("dlq"))
        .env("QSTASH_URL", &sb.url)
        .env("QSTASH_TOKEN", &sb.token)
        .args(["republish", "--all", "--yes", "--body-file"])
        .arg(&body)
        .arg("--report")
        .arg(&report)
        .arg("--backup")
        .arg(&backup);
    let out = limited.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write the job's messages")
            && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert!(jobs(&sb).is_empty(), "the journal stayed: {:?}", jobs(&sb));
    assert!(!report.exists(), "the report stayed");
    assert!(!backup.exists(), "the backup stayed");
    let staged: Vec<_> = std::fs::read_dir(sb.home.path().join("state"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("messages"))
        .collect();
    assert!(staged.is_empty(), "staged messages stayed: {staged:?}");
    assert_eq!(sb.ids(false).len(), 40);
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());

    // No claim is left: a job on the same entries takes them all.
    sb.dlq()
        .args(["republish", "--all", "--yes", "--body-file"])
        .arg(&body)
        .assert()
        .success()
        .stderr(predicate::str::contains("held by").not());
    assert!(sb.ids(false).is_empty());
    assert_eq!(jobs(&sb).len(), 1);
}
