//! The bulk engine against the sandbox: selection rules, plans, confirmation, faults,
//! exactly-once under lost replies, interrupt and --continue, reports.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{continue_job, ndjson, Sandbox};

/// Every applied mutation of `kind`, by dlqId.
fn applied(sb: &Sandbox, kind: &str) -> BTreeMap<String, u64> {
    sb.applied_all()
        .into_iter()
        .filter_map(|(id, v)| v[kind].as_u64().filter(|n| *n > 0).map(|n| (id, n)))
        .collect()
}

#[test]
fn filters_without_all_or_limit_are_a_usage_error() {
    let sb = Sandbox::start(&["--seed", "5"]);
    sb.dlq()
        .args(["resume", "--label", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--all").and(predicate::str::contains("--limit")));
    sb.dlq()
        .arg("retry")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing selected"));
    sb.dlq()
        .args(["retry", "some-id", "--all"])
        .assert()
        .code(2);
    assert!(applied(&sb, "retry").is_empty());
}

#[test]
fn without_terminal_or_yes_nothing_changes_and_dry_run_changes_nothing() {
    let sb = Sandbox::start(&["--seed", "40", "--seed-rng", "2"]);
    let before = sb.ids(true);
    sb.dlq()
        .args(["resume", "--all"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("--yes"));
    sb.dlq()
        .args(["resume", "--all", "-o", "json"])
        .assert()
        .code(5);
    let out = sb
        .dlq()
        .args(["resume", "--all", "--dry-run", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["count"], before.len());
    let planned: BTreeSet<String> = plan["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect();
    assert_eq!(planned, before.iter().cloned().collect());
    sb.dlq()
        .args(["delete", "--all", "--max", "3", "--yes"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("--max"));
    assert_eq!(sb.ids(true), before);
    assert_eq!(sb.ids(false).len(), 40);
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
}

#[test]
fn delete_all_on_thousands_leaves_none() {
    let sb = Sandbox::start(&["--seed", "3000", "--seed-rng", "11"]);
    let out = sb
        .dlq()
        .args(["delete", "--all", "--yes", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["done"], 3000);
    assert_eq!(doc["results"].as_array().unwrap().len(), 3000);
    assert!(sb.ids(false).is_empty());
    assert_eq!(sb.ids(true).len(), 3000, "workflow runs untouched");
    let deletes = applied(&sb, "delete");
    assert_eq!(deletes.len(), 3000);
    assert!(deletes.values().all(|n| *n == 1));
}

#[test]
fn resume_by_label_touches_exactly_the_matching_runs_once_under_faults() {
    let sb = Sandbox::start(&[
        "--seed",
        "1500",
        "--seed-rng",
        "12",
        "--fault-rate",
        "0.1",
        "--faults",
        "429,500,503,reset",
    ]);
    let runs = sb.entries(true);
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    for r in &runs {
        for l in r["labels"].as_array().into_iter().flatten() {
            *labels.entry(l.as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    let (label, _) = labels
        .iter()
        .filter(|(_, n)| **n < runs.len() / 2)
        .max_by_key(|(_, n)| **n)
        .expect("a label");
    let want: BTreeSet<String> = runs
        .iter()
        .filter(|r| {
            r["labels"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|l| l == label.as_str())
        })
        .map(|r| r["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert!(want.len() > 50, "a label with enough runs: {}", want.len());
    sb.dlq()
        .args([
            "resume",
            "--label",
            label,
            "--all",
            "--yes",
            "--concurrency",
            "8",
        ])
        .timeout(Duration::from_secs(300))
        .assert()
        .success();
    let resumed = applied(&sb, "resume");
    assert_eq!(
        resumed.keys().cloned().collect::<BTreeSet<_>>(),
        want,
        "exactly the matching runs"
    );
    assert!(resumed.values().all(|n| *n == 1), "each once: {resumed:?}");
    let left: BTreeSet<String> = sb.ids(true).into_iter().collect();
    assert!(left.is_disjoint(&want));
}

#[test]
fn retry_all_with_faults_and_a_report_accounts_for_every_id_once() {
    let sb = Sandbox::start(&[
        "--seed",
        "2000",
        "--seed-rng",
        "13",
        "--fault-rate",
        "0.1",
        "--faults",
        "429,500,503,reset",
    ]);
    let before: BTreeSet<String> = sb.ids(false).into_iter().collect();
    let report = sb.home.path().join("r.jsonl");
    sb.dlq()
        .args(["retry", "--all", "--yes", "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(300))
        .assert()
        .code(0);
    let lines = ndjson(&std::fs::read(&report).unwrap());
    // The first line names the job and where it ran; one line per entry follows.
    assert_eq!(lines[0]["report"], "dlq", "{}", lines[0]);
    assert_eq!(lines[0]["verb"], "retry");
    assert!(lines[0]["job"].as_str().unwrap().starts_with("retry-"));
    assert_eq!(lines[0]["baseUrl"], sb.url.as_str());
    let mut seen = BTreeSet::new();
    for l in &lines[1..] {
        assert_eq!(l["outcome"], "done", "{l}");
        assert!(
            seen.insert(l["dlqId"].as_str().unwrap().to_string()),
            "listed twice: {l}"
        );
    }
    assert_eq!(seen, before);
    assert!(sb.ids(false).is_empty(), "DLQ empty");
    let retried = applied(&sb, "retry");
    assert_eq!(retried.len(), 2000);
    assert!(retried.values().all(|n| *n == 1));
}

#[test]
fn interrupt_then_continue_acts_on_every_entry_exactly_once() {
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "14", "--latency", "40"]);
    let mut child = sb
        .dlq_std()
        .args([
            "retry",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "--rps",
            "4",
            "-q",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Paced at 4 requests a second, the ten chunks take seconds: wait for the first to be
    // journaled, then press Ctrl-C.
    let jobs = sb.home.path().join("state/jobs");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let progress = std::fs::read_dir(&jobs)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.unwrap().path().join("events.ndjson")).ok())
            .map_or(0, |s| {
                s.lines().filter(|l| l.contains("\"outcome\"")).count()
            });
        if progress >= 100 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress journaled");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{err}");
    let last = err.lines().last().unwrap_or("");
    let job = continue_job(last, "retry").unwrap_or_else(|| panic!("last line: {last:?}"));
    let done_before = applied(&sb, "retry").len();
    assert!(done_before > 0 && done_before < 1000, "{done_before}");

    sb.dlq()
        .args(["retry", "--continue", job, "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let retried = applied(&sb, "retry");
    assert_eq!(retried.len(), 1000);
    assert!(retried.values().all(|n| *n == 1), "nothing twice");
    assert!(sb.ids(false).is_empty());
    // A finished job has nothing left.
    sb.dlq()
        .args(["retry", "--continue", job])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing left to do"));
    sb.dlq()
        .args(["delete", "--continue", job])
        .assert()
        .code(2);
}

#[test]
fn server_side_mode_drives_the_api_filter() {
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "15"]);
    let out = sb
        .dlq()
        .args([
            "delete",
            "--workflow",
            "--all",
            "--yes",
            "--server-side",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["done"], 300);
    assert!(sb.ids(true).is_empty());
    assert_eq!(sb.ids(false).len(), 300);
    sb.dlq()
        .args(["callback", "--all", "--server-side", "--yes"])
        .assert()
        .code(2);
}
