//! One account of a job, whatever its mode: what the summary, the `--report`, `dlq jobs`, the
//! continue line and `dlq verify` say is checked against what the server holds, for runs
//! stopped by a server that refuses, interrupted once or twice, or stopped while a canary is
//! being judged.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::{json, Value};

use crate::common::{continue_job, ndjson, Sandbox};
use crate::hostile::{entry, Hostile, Reply, Request};

/// A QStash DLQ that really deletes, lists with stable cursors (the last id seen), and
/// refuses every list request after the first `free` while `throttled`.
pub(crate) struct Dlq {
    pub(crate) ids: Mutex<BTreeSet<String>>,
    pub(crate) deleted: Mutex<BTreeMap<String, u64>>,
    throttled: AtomicBool,
    lists: AtomicUsize,
    free: usize,
}

impl Dlq {
    pub(crate) fn start(n: usize, free: usize) -> (Hostile, Arc<Dlq>) {
        let base = jiff::Timestamp::now().as_millisecond() - 3_600_000;
        let ids = (0..n).map(|i| format!("{}-{i:05}", base + i as i64 * 1_000));
        let dlq = Arc::new(Dlq {
            ids: Mutex::new(ids.collect()),
            deleted: Mutex::default(),
            throttled: AtomicBool::new(true),
            lists: AtomicUsize::new(0),
            free,
        });
        let d = dlq.clone();
        (Hostile::start(move |r, _| d.answer(r)), dlq)
    }

    pub(crate) fn answer(&self, r: &Request) -> Reply {
        match (r.method.as_str(), r.path()) {
            ("GET", "/v2/dlq") => {
                let n = self.lists.fetch_add(1, Ordering::SeqCst);
                if self.throttled.load(Ordering::SeqCst) && n >= self.free {
                    return Reply::json(429, r#"{"error":"rate limit exceeded"}"#);
                }
                self.page(r)
            }
            ("DELETE", "/v2/dlq") => {
                let mut ids = self.ids.lock().unwrap();
                let mut deleted = self.deleted.lock().unwrap();
                let mut n = 0;
                for id in r.query_all("dlqIds") {
                    if ids.remove(&id) {
                        *deleted.entry(id).or_default() += 1;
                        n += 1;
                    }
                }
                Reply::ok(json!({ "deleted": n }))
            }
            _ => Reply::json(404, r#"{"error":"not found"}"#),
        }
    }

    /// A page of the ids within `fromDate`/`toDate` (the ms before the dash), after the cursor.
    fn page(&self, r: &Request) -> Reply {
        let num = |k: &str| r.query(k).map(|v| v.parse::<i64>().unwrap());
        let (from, to) = (num("fromDate"), num("toDate"));
        let count: usize = r.query("count").map_or(100, |c| c.parse().unwrap());
        let ids = self.ids.lock().unwrap();
        let page: Vec<&String> = ids
            .iter()
            .filter(|id| r.query("cursor").is_none_or(|c| id.as_str() > c))
            .filter(|id| {
                let t: i64 = id.split('-').next().unwrap().parse().unwrap();
                from.is_none_or(|f| t >= f) && to.is_none_or(|x| t <= x)
            })
            .take(count + 1)
            .collect();
        let more = page.len() > count;
        let page = &page[..page.len().min(count)];
        let cursor = more.then(|| page.last().unwrap().to_string());
        let messages: Vec<Value> = page.iter().map(|id| entry(id)).collect();
        Reply::ok(json!({ "messages": messages, "cursor": cursor }))
    }

    pub(crate) fn left(&self) -> usize {
        self.ids.lock().unwrap().len()
    }
}

/// `dlq jobs show JOB -o json`.
pub(crate) fn shown(home: &tempfile::TempDir, hostile: &Hostile, job: &str) -> Value {
    let out = hostile
        .dlq(home)
        .args(["jobs", "show", job, "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// The job named by the last line of a run that stopped with work left.
pub(crate) fn continued_job(stderr: &str, verb: &str) -> String {
    stderr
        .lines()
        .find_map(|l| continue_job(l, verb).map(String::from))
        .unwrap_or_else(|| panic!("no continue line in {stderr}"))
}

#[test]
fn a_pipelined_run_stopped_by_429s_says_so_everywhere_and_continue_does_exactly_the_rest() {
    let (hostile, dlq) = Dlq::start(1_000, 3);
    let home = tempfile::tempdir().unwrap();
    let report = home.path().join("report.ndjson");
    let out = hostile
        .dlq(&home)
        // One request at a time: none is dropped in flight when the listing gives up, so the
        // server saw every request the summary counts.
        .args([
            "delete",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "-o",
            "json",
        ])
        .arg("--report")
        .arg(&report)
        .timeout(Duration::from_secs(120))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("listed so far"), "{err}");
    let job = continued_job(&err, "delete");
    // The server's truth: what was deleted, each once, and what is still there.
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert!(deleted.values().all(|n| *n == 1));
    let left = dlq.left();
    assert!(left > 0 && !deleted.is_empty(), "{left} left");
    // The summary counts what was done and every request sent (lists and retries too).
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["done"], deleted.len() as u64, "{doc}");
    let sent = hostile.requests();
    assert_eq!(
        doc["summary"]["requests"],
        sent.len() as u64,
        "{:?}",
        sent.iter()
            .map(|r| format!("{} {}", r.method, &r.target[..r.target.len().min(60)]))
            .collect::<Vec<_>>()
    );
    // The report names this job, and holds an outcome for each entry deleted.
    let lines = ndjson(&std::fs::read(&report).unwrap());
    assert_eq!(lines[0]["job"], job.as_str(), "{}", lines[0]);
    let done = lines.iter().filter(|l| l["outcome"] == "done").count();
    assert_eq!(done, deleted.len());
    // dlq jobs: stopped with more left than it listed, not finished.
    let j = shown(&home, &hostile, &job);
    assert_eq!(j["state"], "stopped", "{j}");
    assert_eq!(j["counts"]["listed"], false, "{j}");
    assert_eq!(j["counts"]["done"], deleted.len() as u64, "{j}");
    assert!(j["continue"].is_string(), "{j}");
    // --continue lists the rest and deletes exactly what is left.
    dlq.throttled.store(false, Ordering::SeqCst);
    hostile
        .dlq(&home)
        .args(["delete", "--continue", &job, "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "{left} of 1000 entries left"
        )));
    assert_eq!(dlq.left(), 0);
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert_eq!(deleted.len(), 1_000);
    assert!(deleted.values().all(|n| *n == 1), "each once");
    let j = shown(&home, &hostile, &job);
    assert_eq!(j["state"], "finished", "{j}");
    assert_eq!(j["counts"]["done"], 1_000, "{j}");
    assert_eq!(j["counts"]["left"], 0, "{j}");
    assert_eq!(j["counts"]["listed"], true, "{j}");
    let lines = ndjson(&std::fs::read(&report).unwrap());
    let done = lines.iter().filter(|l| l["outcome"] == "done").count();
    assert_eq!(done, 1_000, "the report holds both runs");
}

/// Starts `run` (of `verb`), interrupts it once its first outcome is journaled, and returns the
/// job its continue line names.
pub(crate) fn interrupted(sb: &Sandbox, mut run: std::process::Command, verb: &str) -> String {
    let mut child = run
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_event(sb, &mut child, "\"outcome\"");
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{err}");
    continued_job(&err, verb)
}

/// Waits until the only job's events hold `what`; the process must still run.
pub(crate) fn wait_for_event(sb: &Sandbox, child: &mut std::process::Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let events = std::fs::read_dir(sb.home.path().join("state/jobs"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.unwrap().path().join("events.ndjson")).ok())
            .unwrap_or_default();
        if events.contains(what) {
            return;
        }
        assert!(Instant::now() < deadline, "no {what} in time");
        if child.try_wait().unwrap().is_some() {
            let mut err = String::new();
            use std::io::Read;
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("ended too soon: {err}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &std::process::Child, name: &str) {
    std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
}

#[test]
fn an_interrupted_pipelined_job_counts_what_is_left_and_verify_follows_it() {
    // 10 pages at 150 ms while acting is paced at 2 requests a second: the interrupt lands
    // with most pages not yet listed.
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "61", "--latency", "150"]);
    let mut run = sb.dlq_std();
    run.args(["retry", "--all", "--yes", "--rps", "2"]);
    let job = interrupted(&sb, run, "retry");
    let left = sb.ids(false).len();
    assert!(left > 0 && left < 1000, "{left}");
    let shown = sb.job_shown(&job);
    assert_eq!(shown["state"], "interrupted", "{shown}");
    assert_eq!(shown["counts"]["listed"], false, "{shown}");
    assert_eq!(
        shown["counts"]["done"].as_u64().unwrap() as usize,
        1000 - left,
        "{shown}"
    );
    sb.dlq()
        .args(["retry", "--continue", &job])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "{left} of 1000 entries left"
        )));
    let applied = sb.applied_all();
    assert_eq!(applied.len(), 1000);
    assert!(applied.values().all(|v| v["retry"] == 1), "each once");
    // Every entry the job retried is followed by dlq verify, pages listed as acted on too.
    let (followed, err) = sb.verified_now(&job);
    let want: BTreeSet<String> = applied.keys().cloned().collect();
    assert_eq!(followed, want, "{err}");
}

/// A sandbox whose QStash DLQ holds `n` messages to `url`, tried again 20 s after a failed
/// delivery: a canary that fails once stays pending while it is followed.
fn slow_messages_to(url: &str, n: usize) -> (tempfile::TempDir, Sandbox) {
    let now = jiff::Timestamp::now().as_millisecond();
    let lines: Vec<String> = (0..n)
        .map(|i| {
            json!({
                "dlqId": format!("{}-{i:03}", now - 60_000), "messageId": format!("msg_c{i}"),
                "url": url, "method": "POST", "maxRetries": 1, "notBefore": 0,
                "createdAt": now - 60_000, "responseStatus": 500, "body": "{}",
            })
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let sb = Sandbox::start(&[
        "--fixture",
        path.to_str().unwrap(),
        "--delivery-backoff-ms",
        "20000",
    ]);
    (dir, sb)
}

#[test]
fn an_interrupt_while_the_canary_is_followed_is_an_interrupt_and_continue_judges_it() {
    // The endpoint fails until the interrupt, then answers: the canary is pending meanwhile.
    let healthy = Arc::new(AtomicBool::new(false));
    let h = healthy.clone();
    let endpoint = Hostile::start(move |_, _| {
        if h.load(Ordering::SeqCst) {
            Reply::json(200, "{}")
        } else {
            Reply::json(500, r#"{"error":"down"}"#)
        }
    });
    for (how, code) in [("INT", 130), ("TERM", 143)] {
        let (_dir, sb) = slow_messages_to(&format!("{}/hook", endpoint.url), 3);
        let mut child = sb
            .dlq_std()
            .args(["retry", "--all", "--yes", "--canary", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_event(&sb, &mut child, "\"outcome\"");
        signal(&child, how);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{how}: {err}");
        let job = continued_job(&err, "retry");
        assert!(!err.contains("did not pass"), "{err}");
        // Only the canary was sent; the job is interrupted, its canary not judged.
        let retried: Vec<String> = sb
            .applied_all()
            .into_iter()
            .filter(|(_, v)| v["retry"].as_u64().is_some())
            .map(|(id, _)| id)
            .collect();
        let shown = sb.job_shown(&job);
        assert_eq!(shown["state"], "interrupted", "{shown}");
        assert_eq!(shown["counts"]["left"], 1, "{shown}");
        // --continue judges the canary (delivered now), then does the rest.
        healthy.store(true, Ordering::SeqCst);
        sb.dlq()
            .args(["retry", "--continue", &job, "--yes"])
            .timeout(Duration::from_secs(120))
            .assert()
            .success()
            .stderr(predicate::str::contains("canary: 2 of 2"));
        let after = sb.applied_all();
        let now: Vec<&String> = after
            .iter()
            .filter(|(_, v)| v["retry"].as_u64().is_some())
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            (retried.len(), now.len()),
            (2, 3),
            "the canary, then the rest, once"
        );
        assert!(after
            .values()
            .all(|v| v["retry"].as_u64().unwrap_or(1) == 1));
        healthy.store(false, Ordering::SeqCst);
    }
}

/// A paced `retry --all --report REPORT`, interrupted (exit 130) once it has an outcome: its job.
pub(crate) fn retry_interrupted_with_report(sb: &Sandbox, report: &std::path::Path) -> String {
    let mut run = sb.dlq_std();
    run.args(["retry", "--all", "--yes", "--rps", "2", "--report"])
        .arg(report);
    interrupted(sb, run, "retry")
}

#[test]
fn continue_appends_only_to_its_own_report() {
    let sb = Sandbox::start(&["--seed", "400", "--seed-rng", "62", "--latency", "100"]);
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.ndjson");
    let job = retry_interrupted_with_report(&sb, &mine);
    // An unrelated file and another job's report are refused, and left as they were.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let other = dir.path().join("other.ndjson");
    std::fs::write(
        &other,
        "{\"report\":\"dlq\",\"job\":\"retry-20260101-000000-0000\"}\n",
    )
    .unwrap();
    for file in [&notes, &other] {
        let before = std::fs::read(file).unwrap();
        sb.dlq()
            .args(["retry", "--continue", &job, "--report"])
            .arg(file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not the report of job"));
        assert_eq!(std::fs::read(file).unwrap(), before);
    }
    let retried_before = sb
        .applied_all()
        .values()
        .filter(|v| v["retry"].as_u64().is_some())
        .count();
    assert!(
        retried_before < 400,
        "nothing was sent by a refused continue"
    );
    // Its own report is appended to: both runs' outcomes, every entry once.
    sb.dlq()
        .args(["retry", "--continue", &job, "--report"])
        .arg(&mine)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let lines = ndjson(&std::fs::read(&mine).unwrap());
    let headers: Vec<&Value> = lines.iter().filter(|l| l["report"] == "dlq").collect();
    assert_eq!(headers.len(), 2);
    assert!(headers.iter().all(|h| h["job"] == job.as_str()));
    let done: BTreeSet<&str> = lines
        .iter()
        .filter(|l| l["outcome"] == "done")
        .map(|l| l["dlqId"].as_str().unwrap())
        .collect();
    assert_eq!(done.len(), 400);
    assert!(sb.ids(false).is_empty());
}

#[test]
fn a_delete_whose_reply_was_lost_says_nothing_of_a_new_id() {
    // The first delete is applied and its reply lost (a 503); the entries it named are then
    // gone, which the engine checks one by one before it says done.
    let (hostile, dlq) = Dlq::start(250, usize::MAX);
    let lost = Arc::new(AtomicBool::new(true));
    let l = lost.clone();
    let d = dlq.clone();
    let server = Hostile::start(move |r, _| {
        if let ("GET", Some(id)) = (r.method.as_str(), r.path().strip_prefix("/v2/dlq/")) {
            return match d.ids.lock().unwrap().contains(id) {
                true => Reply::ok(entry(id)),
                false => Reply::json(404, r#"{"error":"not found"}"#),
            };
        }
        let reply = d.answer(r);
        if r.method == "DELETE" && l.swap(false, Ordering::SeqCst) {
            return Reply::json(503, r#"{"error":"lost"}"#);
        }
        reply
    });
    drop(hostile);
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["delete", "--all", "--yes", "-o", "ndjson"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = ndjson(&out.stdout);
    let lost: Vec<&Value> = lines
        .iter()
        .filter(|l| {
            l["error"]
                .as_str()
                .is_some_and(|e| e.contains("reply was lost"))
        })
        .collect();
    assert!(
        !lost.is_empty(),
        "no lost reply among {} lines",
        lines.len()
    );
    for l in &lost {
        assert_eq!(l["outcome"], "done", "{l}");
        assert!(!l["error"].as_str().unwrap().contains("new id"), "{l}");
    }
    let done = lines.iter().filter(|l| l["outcome"] == "done").count();
    assert_eq!(done, 250);
    assert_eq!(dlq.left(), 0);
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert_eq!(deleted.len(), 250);
    assert!(deleted.values().all(|n| *n == 1));
}

#[test]
fn a_second_interrupt_leaves_the_job_interrupted_and_continue_finishes_it_once() {
    // One chunk at a time, each answered after 2 s: when the first is done, the next is in
    // flight for seconds, and the second signal lands while it is.
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "64", "--latency", "2000"]);
    let mut child = sb
        .dlq_std()
        .args([
            "retry",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "--max",
            "1000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_event(&sb, &mut child, "\"outcome\"");
    signal(&child, "INT");
    // The first signal is taken once the run says so; then the second stops it at once.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    while !seen.contains("interrupt again") {
        use std::io::Read;
        let mut buf = [0u8; 256];
        let n = stderr.read(&mut buf).unwrap();
        assert!(n > 0 && Instant::now() < deadline, "{seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    signal(&child, "INT");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let jobs: Value = serde_json::from_slice(
        &sb.dlq()
            .args(["jobs", "-o", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let job = jobs["jobs"][0].clone();
    assert_eq!(job["state"], "interrupted", "{job}");
    let id = job["job"].as_str().unwrap();
    sb.dlq()
        .args(["retry", "--continue", id])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let applied = sb.applied_all();
    assert_eq!(applied.len(), 300);
    assert!(applied.values().all(|v| v["retry"] == 1), "each once");
}

#[test]
fn a_pipelined_run_takes_the_newest_entries_of_a_server_whose_clock_is_ahead() {
    // The server's clock is an hour ahead of this machine's: its newest entries are dated
    // after "now" here, and its replies say its own time.
    let ahead = jiff::Timestamp::now().as_millisecond() + 3_600_000;
    let ids: BTreeSet<String> = (0..300)
        .map(|i| format!("{}-{i:05}", ahead - 600_000 + i * 1_000))
        .collect();
    let (hostile, dlq) = Dlq::start(0, usize::MAX);
    *dlq.ids.lock().unwrap() = ids.clone();
    let date = jiff::Timestamp::from_millisecond(ahead)
        .unwrap()
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let d = dlq.clone();
    let server = Hostile::start(move |r, _| match d.answer(r) {
        Reply::Raw(bytes) => {
            // The same reply, with the server's Date.
            let text = String::from_utf8(bytes).unwrap();
            Reply::Raw(
                text.replacen("\r\n", &format!("\r\ndate: {date}\r\n"), 1)
                    .into_bytes(),
            )
        }
        other => other,
    });
    drop(hostile);
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["delete", "--all", "--yes", "-o", "json"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no account of 300 entries: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(doc["summary"]["done"], 300, "{doc}");
    assert_eq!(dlq.left(), 0, "every entry the server held was deleted");
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert_eq!(deleted.keys().cloned().collect::<BTreeSet<_>>(), ids);
    assert!(deleted.values().all(|n| *n == 1));
}
