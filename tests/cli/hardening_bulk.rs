//! Bulk runs against the sandbox, where `applied` counts every mutation the server really made:
//! `--server-side --limit` never goes past its limit (lost replies, `--continue`), a typo is
//! never reported done, SIGTERM and SIGHUP stop a run the way Ctrl-C does, and `--report`
//! refuses to clobber or to start when it cannot be written. Defects 1, 2, 7, 10 and 13 of the
//! hardening issue.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{continue_job, ndjson, Sandbox};

/// How many mutations of `kind` the sandbox applied, all ids together.
fn total(sb: &Sandbox, kind: &str) -> u64 {
    sb.applied_all()
        .values()
        .map(|v| v[kind].as_u64().unwrap_or(0))
        .sum()
}

/// Every entry was acted on at most once.
fn at_most_once(sb: &Sandbox, kind: &str) {
    let all = sb.applied_all();
    let twice: Vec<_> = all
        .iter()
        .filter(|(_, v)| v[kind].as_u64().unwrap_or(0) > 1)
        .collect();
    assert!(twice.is_empty(), "applied more than once: {twice:?}");
}

#[test]
fn server_side_limit_holds_when_replies_are_lost() {
    let sb = Sandbox::start(&[
        "--seed",
        "2000",
        "--seed-rng",
        "7",
        "--fault-rate",
        "0.1",
        "--faults",
        "429,500,503,reset,timeout",
        "--fault-stall-ms",
        "300",
    ]);
    let out = sb
        .dlq()
        .args([
            "retry",
            "--server-side",
            "--limit",
            "500",
            "--yes",
            "-o",
            "json",
        ])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let applied = total(&sb, "retry");
    assert!(applied <= 500, "{applied} retried with --limit 500");
    at_most_once(&sb, "retry");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let done = summary["done"].as_u64().unwrap();
    let unconfirmed = summary["unconfirmed"].as_u64().unwrap_or(0);
    // The seed loses replies: the summary must say how much it knows, no more.
    assert!(unconfirmed > 0, "this seed loses replies: {summary}");
    assert!(
        done <= applied && applied <= done + unconfirmed,
        "done {done}, unconfirmed {unconfirmed}, applied {applied}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let said = format!("at least {done} done (up to {unconfirmed} more: replies were lost)");
    assert!(err.contains(&said), "{err}");
}

/// Waits until the (only) job's journal holds `key`: the run is under way and its signal
/// watcher is up. Polls the file: the condition, not a guessed delay, ends the wait.
fn wait_for_progress(sb: &Sandbox, child: &mut Child, key: &str) {
    let jobs = sb.home.path().join("state/jobs");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let progressed = std::fs::read_dir(&jobs)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.unwrap().path().join("events.ndjson")).ok())
            .is_some_and(|s| s.contains(key));
        if progressed {
            return;
        }
        assert!(Instant::now() < deadline, "no progress journaled");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name}");
}

#[test]
fn continuing_a_server_side_run_keeps_its_limit() {
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "8"]);
    let mut child = sb
        .dlq_std()
        .args([
            "retry",
            "--server-side",
            "--limit",
            "400",
            "--rps",
            "0.5",
            "--yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Four requests of 100, two seconds apart: the interrupt has six seconds to land.
    wait_for_progress(&sb, &mut child, "\"progress\"");
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{err}");
    let job = err
        .lines()
        .last()
        .and_then(|l| continue_job(l, "retry"))
        .unwrap_or_else(|| panic!("no continue line:\n{err}"))
        .to_string();
    let before = total(&sb, "retry");
    assert!(before > 0 && before < 400, "{before} before the interrupt");
    sb.dlq()
        .args(["retry", "--continue", &job, "--yes", "--rps", "20"])
        .assert()
        .success();
    assert_eq!(total(&sb, "retry"), 400, "the limit held across --continue");
    at_most_once(&sb, "retry");
    assert_eq!(sb.ids(false).len(), 600);
}

/// Half of all requests fail with 503. Before the existence check, a 503 on the POST sent the
/// engine to ask whether the id was still in the DLQ, and "gone" read as "retried".
///
/// The fault sequence follows `--seed-rng` and dlq's requests here are sequential, so the runs
/// are the same every time. With this seed no lookup meets five 503s in a row (dlq's read
/// attempts); a run that did would exit 1 with the 503, still never "done".
#[test]
fn a_typo_is_not_found_never_done_however_the_server_fails() {
    let sb = Sandbox::start(&[
        "--seed",
        "50",
        "--seed-rng",
        "3",
        "--fault-rate",
        "0.5",
        "--faults",
        "503",
    ]);
    for run in 0..8 {
        let out = sb
            .dlq()
            .args(["retry", "1700000000000-99", "-o", "ndjson"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let lines = ndjson(&out.stdout);
        let outcomes: Vec<_> = lines
            .iter()
            .filter(|l| l.get("outcome").is_some())
            .collect();
        assert_eq!(
            outcomes.len(),
            1,
            "run {run}: {lines:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            outcomes[0]["outcome"],
            "not_found",
            "run {run}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
}

/// A bulk run paced slowly enough to be stopped, its stderr read line by line.
struct Paced {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Paced {
    fn start(sb: &Sandbox, args: &[&str]) -> Paced {
        let mut child = sb
            .dlq_std()
            .args(args)
            .args(["--concurrency", "1", "--rps", "4"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        Paced {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The job id from the line the run prints when it starts: `job <id>: ...`.
    fn job(&mut self) -> String {
        loop {
            let l = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("no job line ({e}): {:?}", self.seen));
            self.seen.push(l.clone());
            if let Some(rest) = l.strip_prefix("job ") {
                return rest.split(':').next().unwrap().to_string();
            }
        }
    }

    /// Exit code and the whole of stderr.
    fn finish(mut self) -> (Option<i32>, Vec<String>) {
        let status = self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        (status.code(), self.seen)
    }
}

/// Starts `dlq <verb> --all --yes` on 1000 entries, paced, and stops it with `signal_name`
/// after its first chunk: exit 128 + the signal's number (as Unix tools exit: 143 for SIGTERM,
/// 129 for SIGHUP), a summary, and the continue line last. Returns the sandbox
/// and the job id, as the run printed it when it started.
fn stopped_by(signal_name: &str, verb: &str, report: Option<&Path>) -> (Sandbox, String) {
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "14", "--latency", "20"]);
    let mut args = vec![verb, "--all", "--yes"];
    if let Some(r) = report {
        args.extend(["--report", r.to_str().unwrap()]);
    }
    let mut run = Paced::start(&sb, &args);
    let job = run.job();
    assert!(job.starts_with(&format!("{verb}-")), "{job}");
    // The first chunk's outcomes are journaled: the run is under way, its signal watcher up.
    wait_for_progress(&sb, &mut run.child, "\"outcome\"");
    signal(&run.child, signal_name);
    let (code, err) = run.finish();
    let number = match signal_name {
        "INT" => 2,
        "TERM" => 15,
        "HUP" => 1,
        other => panic!("no number for SIG{other}"),
    };
    assert_eq!(code, Some(128 + number), "{signal_name}: {err:?}");
    let summary = format!("{verb}: ");
    assert!(
        err.iter().any(|l| l.starts_with(&summary)
            && (l.contains("of 1000 planned") || l.contains("listed so far"))),
        "{signal_name}: no summary line: {err:?}"
    );
    assert_eq!(
        err.last().and_then(|l| continue_job(l, verb)),
        Some(job.as_str()),
        "{signal_name}: {err:?}"
    );
    (sb, job)
}

#[test]
fn sigterm_stops_a_run_like_ctrl_c_and_continue_appends_to_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.ndjson");
    let (sb, job) = stopped_by("TERM", "retry", Some(&report));
    let first = ndjson(&std::fs::read(&report).unwrap());
    let before = first.len();
    assert!(
        before > 1 && before < 1001,
        "{before} lines before continuing"
    );
    sb.dlq()
        .args(["retry", "--continue", &job, "--yes", "--report"])
        .arg(&report)
        .assert()
        .success();
    let lines = ndjson(&std::fs::read(&report).unwrap());
    assert_eq!(lines[..before], first[..], "the first run's lines are kept");
    assert_eq!(lines[0]["report"], "dlq", "{}", lines[0]);
    assert_eq!(lines[0]["continued"], false);
    let headers: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i]["report"] == "dlq")
        .collect();
    assert_eq!(
        headers,
        [0, before],
        "a second header where the continuation starts"
    );
    assert_eq!(lines[before]["continued"], true);
    assert_eq!(lines[before]["job"], job.as_str());
    let mut ids: Vec<&str> = lines.iter().filter_map(|l| l["dlqId"].as_str()).collect();
    assert_eq!(ids.len(), 1000, "one line per entry");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "no entry twice");
    assert_eq!(total(&sb, "retry"), 1000);
    at_most_once(&sb, "retry");
}

#[test]
fn sighup_stops_a_run_like_ctrl_c() {
    let (sb, job) = stopped_by("HUP", "delete", None);
    let left = sb.ids(false).len();
    assert!(left > 0 && left < 1000, "{left} left");
    sb.dlq()
        .args(["delete", "--continue", &job, "--yes"])
        .assert()
        .success();
    assert!(sb.ids(false).is_empty());
    at_most_once(&sb, "delete");
}

#[test]
fn a_report_that_exists_or_cannot_be_written_stops_the_run_first() {
    let sb = Sandbox::start(&["--seed", "20", "--seed-rng", "5"]);
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("earlier.ndjson");
    std::fs::write(&existing, "an earlier report\n").unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let unwritable = blocker.join("report.ndjson");
    let id = sb.ids(false)[0].clone();
    for report in [&existing, &unwritable] {
        for args in [
            &["retry", "--all", "--yes"][..],
            &["retry", id.as_str(), "--yes"],
            &["delete", "--all", "--yes"],
        ] {
            let out = sb
                .dlq()
                .args(args)
                .arg("--report")
                .arg(report)
                .assert()
                .failure()
                .get_output()
                .clone();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(&report.display().to_string()),
                "{args:?}: names the report: {err}"
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "an earlier report\n"
    );
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
    let mutations: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(mutations.is_empty(), "{mutations:?}");
    assert_eq!(sb.ids(false).len(), 20);
}
