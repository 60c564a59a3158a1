//! What a run leaves, and whether its account says so: matches dated after a pipelined job's
//! start, listings paced by 429s to the end instead of given up, and dry runs that fail where
//! the run would. Each account (summary, `--report`, `dlq jobs show`) is checked against what
//! the server holds afterwards.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::common::{ndjson, Sandbox};
use crate::hostile::{Hostile, Reply};
use crate::job_account::{retry_interrupted_with_report, shown, Dlq};

/// The job id from the summary document of `-o json`.
fn job_of(doc: &Value) -> String {
    doc["summary"]["job"].as_str().expect("a job").to_string()
}

#[test]
fn a_pipelined_delete_says_how_many_entries_arrived_after_its_start_and_a_new_run_takes_them() {
    // 100 entries an hour old; 50 more land while the delete runs (at its first delete),
    // dated just after the time the job froze its filter at (the `toDate` it lists with).
    let (inner, dlq) = Dlq::start(100, usize::MAX);
    drop(inner);
    let frozen = std::sync::Arc::new(AtomicI64::new(0));
    let deletes = std::sync::Arc::new(AtomicUsize::new(0));
    let d = dlq.clone();
    let (f, n) = (frozen.clone(), deletes.clone());
    let server = Hostile::start(move |r, _| {
        if let Some(to) = r.query("toDate") {
            f.fetch_max(to.parse().unwrap(), Ordering::SeqCst);
        }
        if r.method == "DELETE" && n.fetch_add(1, Ordering::SeqCst) == 0 {
            let start = f.load(Ordering::SeqCst);
            assert!(start > 0, "the listing names its frozen end");
            let mut ids = d.ids.lock().unwrap();
            // All in the millisecond after the start: a second run that starts a few ms later
            // (a quick first run) must find every one of them dated before its own start.
            ids.extend((0..50).map(|i| format!("{}-{:05}", start + 1, 90_000 + i)));
        }
        d.answer(r)
    });
    let home = tempfile::tempdir().unwrap();
    let report = home.path().join("report.ndjson");
    let out = server
        .dlq(&home)
        .args(["delete", "--all", "--yes", "-o", "json", "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The server's truth: the first 100 deleted once each, the 50 newer ones still there.
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert_eq!(deleted.len(), 100, "{err}");
    assert!(deleted.values().all(|n| *n == 1));
    let start = frozen.load(Ordering::SeqCst);
    let arrived: BTreeSet<String> = (0..50)
        .map(|i| format!("{}-{:05}", start + 1, 90_000 + i))
        .collect();
    assert_eq!(*dlq.ids.lock().unwrap(), arrived);
    // The summary says what was left, and why, and how to take it.
    assert_eq!(doc["summary"]["done"], 100, "{doc}");
    assert_eq!(doc["summary"]["newer"]["count"], 50, "{doc}");
    assert_eq!(doc["summary"]["newer"]["more"], false, "{doc}");
    assert_eq!(doc["summary"]["newer"]["afterMs"], start, "{doc}");
    assert!(
        err.contains("50 more entries match, dated after the job's start"),
        "{err}"
    );
    assert!(
        err.contains("The same `delete` with the same selection again takes them"),
        "{err}"
    );
    // So do the report's last line and `dlq jobs show`.
    let job = job_of(&doc);
    let lines = ndjson(&std::fs::read(&report).unwrap());
    let last = lines.last().unwrap();
    assert_eq!(last["job"], job.as_str(), "{last}");
    assert_eq!(last["newer"]["count"], 50, "{last}");
    let j = shown(&home, &server, &job);
    assert_eq!(j["state"], "finished", "{j}");
    assert_eq!(j["counts"]["done"], 100, "{j}");
    assert_eq!(j["counts"]["newer"]["count"], 50, "{j}");
    let text = server
        .dlq(&home)
        .args(["jobs", "show", &job])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8_lossy(&text).contains("50 more entries match"),
        "{}",
        String::from_utf8_lossy(&text)
    );
    // The same command again takes them, and leaves nothing unsaid: it starts (freezes its
    // end) after the millisecond they are dated in.
    crate::common::wait_for("the clock past the newer entries", 5, || {
        (jiff::Timestamp::now().as_millisecond() > start + 1).then_some(())
    });
    let out = server
        .dlq(&home)
        .args(["delete", "--all", "--yes", "-o", "json"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["done"], 50, "{doc}");
    assert!(doc["summary"].get("newer").is_none(), "{doc}");
    assert_eq!(dlq.left(), 0);
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert_eq!(deleted.len(), 150);
    assert!(deleted.values().all(|n| *n == 1), "each once");
}

#[test]
fn a_listing_paced_by_429s_with_retry_after_waits_to_the_end_and_says_it_waits() {
    // The first 12 list requests are answered 429 with Retry-After: 1, more than a request's
    // attempts: the server pacing us, which the run waits for, saying so once it adds up.
    let (inner, dlq) = Dlq::start(300, usize::MAX);
    drop(inner);
    let lists = std::sync::Arc::new(AtomicUsize::new(0));
    let d = dlq.clone();
    let l = lists.clone();
    let server = Hostile::start(move |r, _| {
        if r.method == "GET" && r.path() == "/v2/dlq" && l.fetch_add(1, Ordering::SeqCst) < 12 {
            return Reply::with(
                429,
                "application/json",
                &[("retry-after", "1")],
                br#"{"error":"rate limit exceeded"}"#,
            );
        }
        d.answer(r)
    });
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["delete", "--all", "--yes", "-o", "json"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("the server has paced this read for 10s so far"),
        "{err}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["done"], 300, "{doc}");
    assert!(doc["summary"].get("listingCut").is_none(), "{doc}");
    assert_eq!(dlq.left(), 0, "{err}");
    let deleted = dlq.deleted.lock().unwrap().clone();
    assert_eq!(deleted.len(), 300);
    assert!(deleted.values().all(|n| *n == 1));
    let j = shown(&home, &server, &job_of(&doc));
    assert_eq!(j["state"], "finished", "{j}");
    assert_eq!(j["counts"]["listed"], true, "{j}");
    assert_eq!(j["counts"]["left"], 0, "{j}");
}

#[test]
fn a_delete_through_a_sandbox_answering_60_percent_429s_deletes_everything() {
    let sb = Sandbox::start(&[
        "--seed",
        "2000",
        "--seed-rng",
        "5",
        "--fault-rate",
        "0.6",
        "--faults",
        "429",
    ]);
    let out = sb
        .dlq()
        .args(["delete", "--all", "--yes", "-o", "json"])
        .timeout(Duration::from_secs(600))
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["done"], 2000, "{doc}");
    assert_eq!(doc["summary"]["planned"], 2000, "{doc}");
    assert!(sb.ids(false).is_empty(), "the server holds nothing more");
    let applied = sb.applied_all();
    assert_eq!(applied.len(), 2000);
    assert!(applied.values().all(|v| v["delete"] == 1), "each once");
    let j = sb.job_shown(&job_of(&doc));
    assert_eq!(j["state"], "finished", "{j}");
    assert_eq!(j["counts"]["done"], 2000, "{j}");
    assert_eq!(j["counts"]["listed"], true, "{j}");
}

/// `dlq <args>`: exit code and the error lines of stderr.
fn ended(sb: &Sandbox, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let out = sb.dlq().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let errors = err
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect();
    (out.status.code(), errors)
}

#[test]
fn a_dry_run_fails_where_the_run_would_with_the_same_words_for_every_verb() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "8"]);
    let gone = "1700000000000-0";
    let verbs: [&[&str]; 6] = [
        &["retry"],
        &["delete"],
        &["resume"],
        &["restart"],
        &["callback"],
        &["republish", "--to-url", "https://b.example/hook"],
    ];
    // An id not in the DLQ: the dry run says what the run would, and changes nothing.
    for verb in verbs {
        let dry = ended(&sb, &[verb, &[gone, "--dry-run"]].concat());
        assert!(
            sb.applied_all().is_empty(),
            "{verb:?}: a dry run changed something"
        );
        let real = ended(&sb, &[verb, &[gone, "--yes"]].concat());
        assert_eq!(real.0, Some(1), "{verb:?}: {real:?}");
        assert_eq!(dry, real, "{verb:?}");
    }
    // One there and one not: the run would end 3, and so does its rehearsal.
    let present = sb.ids(false)[0].clone();
    let (code, errors) = ended(&sb, &["retry", &present, gone, "--dry-run"]);
    assert_eq!(code, Some(3), "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error: 1 of 2 entries would not be retried: 1 not in the DLQ on "),
        "{errors:?}"
    );
    assert!(sb.applied_all().is_empty());
    let (real, _) = ended(&sb, &["retry", &present, gone, "--yes"]);
    assert_eq!(real, Some(3), "the run ends as its rehearsal said");
    assert_eq!(sb.applied(&present, "retry"), 1);
    let present = sb.ids(false)[0].clone();
    // A republish whose every entry is refused in the plan fails, as its run does.
    let refused = [
        "republish",
        &present,
        "--rewrite-url",
        "https://nothing.example=https://b.example",
    ];
    let before = sb.applied_all();
    let (code, errors) = ended(&sb, &[&refused[..], &["--dry-run"]].concat());
    assert_eq!(code, Some(1), "{errors:?}");
    assert_eq!(
        errors,
        ["error: 1 of 1 entries would not be republished: 1 refused in the plan"]
    );
    assert_eq!(sb.applied_all(), before, "a dry run changed nothing");
    let (code, _) = ended(&sb, &[&refused[..], &["--yes"]].concat());
    assert_eq!(code, Some(1));
    assert!(
        sb.ids(false).contains(&present),
        "refused: still in the DLQ"
    );
}

#[test]
fn plain_progress_in_a_pipe_follows_the_total_a_pipelined_run_learns_as_it_lists() {
    // One request at a time, each answered after a second: the run lasts longer than the
    // interval of plain progress lines, and lists while it acts.
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "21", "--latency", "1000"]);
    let out = sb
        .dlq()
        .args([
            "retry",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "-o",
            "json",
        ])
        .timeout(Duration::from_secs(300))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let progress: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("retry: ") && l.contains("%)"))
        .collect();
    assert!(!progress.is_empty(), "no progress line: {err}");
    for line in &progress {
        let rest = &line["retry: ".len()..];
        let (done, rest) = rest.split_once('/').unwrap();
        let done: u64 = done.parse().unwrap();
        let total: u64 = rest
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        let pct: u64 = rest
            .split_once('(')
            .unwrap()
            .1
            .split_once('%')
            .unwrap()
            .0
            .parse()
            .unwrap();
        assert!(done <= total && total <= 1000, "{line}");
        assert_eq!(
            pct,
            (100.0 * done as f64 / total as f64).round() as u64,
            "{line}"
        );
    }
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["done"], 1000, "{doc}");
    let applied = sb.applied_all();
    assert_eq!(applied.len(), 1000);
    assert!(applied.values().all(|v| v["retry"] == 1), "each once");
}

#[test]
fn continue_writes_the_report_lines_a_kill_left_out() {
    // The journal takes an outcome before the report does: a kill between the two writes
    // leaves the report without lines that `--continue` does not act on again. Dropping
    // report lines after an interrupt stands in for that window.
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "63", "--latency", "100"]);
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.ndjson");
    let job = retry_interrupted_with_report(&sb, &mine);
    let text = std::fs::read_to_string(&mine).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("\"outcome\""))
        .collect();
    let dropped = text.lines().count() - kept.len();
    assert!(dropped > 0, "the first run reported nothing: {text}");
    std::fs::write(&mine, kept.join("\n") + "\n").unwrap();
    sb.dlq()
        .args(["retry", "--continue", &job, "--report"])
        .arg(&mine)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let lines = ndjson(&std::fs::read(&mine).unwrap());
    let mut ids: Vec<&str> = lines
        .iter()
        .filter(|l| l["outcome"].is_string())
        .map(|l| l["dlqId"].as_str().unwrap())
        .collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        (total, ids.len()),
        (300, 300),
        "one line per entry, none twice"
    );
    assert!(sb.ids(false).is_empty());
    assert_eq!(sb.job_shown(&job)["counts"]["done"], 300);
}
