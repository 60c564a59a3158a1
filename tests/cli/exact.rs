//! Exact on every path (issue 19): each selected entry acted on once, nothing outside the
//! selection touched, no token printed, `--max` refused before the whole selection is listed,
//! and a run that meets one 429 recovers its concurrency.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::common::ndjson;
use crate::hostile::{run, Hostile, Reply, Request};

pub(crate) fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One 429 with `Burst-RateLimit-Remaining: 0`, then replies with no rate-limit headers at
/// all: the run must go back to several requests in flight (it used to stay at one for good).
#[test]
fn concurrency_recovers_after_one_429_without_later_headers() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let throttled = Arc::new(AtomicBool::new(false));
    let posts = Arc::new(AtomicUsize::new(0));
    let (f, m, t, p) = (
        in_flight.clone(),
        most.clone(),
        throttled.clone(),
        posts.clone(),
    );
    let server = Hostile::start(move |r: &Request, _| {
        let path = r.path().to_string();
        match r.method.as_str() {
            "GET" => Reply::ok(run(path.rsplit('/').next().unwrap(), "CALLBACK_FAIL")),
            _ if !t.swap(true, Ordering::SeqCst) => Reply::with(
                429,
                "application/json",
                &[("burst-ratelimit-remaining", "0"), ("retry-after", "1")],
                br#"{"error":"slow down"}"#,
            ),
            _ => {
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                // Counted well after the 429, past those already in flight when it came.
                if p.fetch_add(1, Ordering::SeqCst) >= 20 {
                    m.fetch_max(now, Ordering::SeqCst);
                }
                // Replies that take a while, so requests sent together overlap here.
                std::thread::sleep(Duration::from_millis(20));
                f.fetch_sub(1, Ordering::SeqCst);
                Reply::ok(json!({"workflowRunId": "wfr_1", "workflowCreatedAt": 1}))
            }
        }
    });
    let ids: Vec<String> = (0..160).map(|i| format!("{i}-0")).collect();
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["callback", "-", "--yes", "-o", "ndjson"])
        .write_stdin(ids.join("\n"))
        .assert()
        .get_output()
        .clone();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let done = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .count();
    assert_eq!(done, ids.len());
    let posts = server
        .lines()
        .iter()
        .filter(|l| l.starts_with("POST"))
        .count();
    assert_eq!(posts, ids.len() + 1, "one 429, then each callback once");
    let most = most.load(Ordering::SeqCst);
    println!("most callbacks in flight after the 429: {most}");
    assert!(
        most >= 4,
        "concurrency stayed low after the 429: {most} in flight at most"
    );
}

const HOOK1: &str = "https://api.example.com/hook?ids=1";
const HOOK12: &str = "https://api.example.com/hook?ids=1,2";
const WF1: &str = "https://wf.example.com/api?ids=1";
const WF12: &str = "https://wf.example.com/api?ids=1,2";

/// A sandbox holding QStash entries for `...?ids=1` (3), `...?ids=1,2` (2) and `2` (3), and
/// workflow runs for `...?ids=1` (2), `...?ids=1,2` (2) and `2` (1). Returns the ids by url.
fn comma_sandbox() -> (
    tempfile::TempDir,
    crate::common::Sandbox,
    std::collections::BTreeMap<&'static str, Vec<String>>,
) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut ids: std::collections::BTreeMap<&'static str, Vec<String>> = Default::default();
    let mut lines = Vec::new();
    let mut n = 0;
    for (url, count) in [(HOOK1, 3), (HOOK12, 2), ("2", 3)] {
        for _ in 0..count {
            n += 1;
            let id = format!("{}-0", now - 60_000 - n);
            lines.push(
                json!({"dlqId": id, "messageId": format!("msg_{n}"), "url": url,
                "method": "POST", "maxRetries": 1, "notBefore": 0, "createdAt": now - 90_000,
                "responseStatus": 500}),
            );
            ids.entry(url).or_default().push(id);
        }
    }
    for (url, key, count) in [(WF1, "w1", 2), (WF12, "w12", 2), ("2", "w2", 1)] {
        for _ in 0..count {
            n += 1;
            let id = format!("{}-0", now - 60_000 - n);
            lines.push(
                json!({"dlqId": id, "messageId": format!("msg_{n}"), "url": url,
                "method": "POST", "createdAt": now - 90_000, "responseStatus": 500,
                "workflowRunId": format!("wfr_{n}"), "workflowUrl": url,
                "workflowCreatedAt": now - 90_000,
                "failureCallbackInfo": {"state": "CALLBACK_FAIL"}}),
            );
            ids.entry(key).or_default().push(id);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let sb = crate::common::Sandbox::start(&["--fixture", path.to_str().unwrap()]);
    (dir, sb, ids)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn ids_of(lines: &[serde_json::Value], key: &str) -> Vec<String> {
    sorted(
        lines
            .iter()
            .filter_map(|l| l[key].as_str().map(str::to_string))
            .collect(),
    )
}

/// `--url 'https://…?ids=1,2'` (and `--workflow-url`) selects exactly the entries of that URL,
/// in listings, in a pipelined and a planned delete; `--server-side` refuses it and sends
/// nothing. The sandbox's own store is the truth.
#[test]
fn a_filter_value_with_a_comma_selects_exactly_that_value() {
    let (_dir, sb, ids) = comma_sandbox();
    let all_q = sorted(sb.ids(false));
    let all_w = sorted(sb.ids(true));
    // Listings show the named URL's entries and nothing else.
    let listed = ndjson(
        &sb.dlq()
            .args(["list", "--url", HOOK12, "--all", "-o", "ndjson"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(ids_of(&listed, "dlqId"), sorted(ids[HOOK12].clone()));
    let exported = ndjson(
        &sb.dlq()
            .args(["export", "--url", HOOK12, "--all"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(ids_of(&exported, "dlqId"), sorted(ids[HOOK12].clone()));
    let stats: serde_json::Value = serde_json::from_slice(
        &sb.dlq()
            .args(["stats", "--url", HOOK12, "-o", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(stats["total"].as_u64(), Some(2), "{stats}");

    // --server-side cannot say it: refused, nothing sent.
    let out = sb
        .dlq()
        .args(["delete", "--url", HOOK12, "--all", "--server-side", "--yes"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        stderr_of(&out).contains("drop --server-side"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        sorted(sb.ids(false)),
        all_q,
        "a refused run deleted something"
    );

    // Pipelined (--yes): exactly the named URL's entries go.
    let out = sb
        .dlq()
        .args(["delete", "--url", HOOK12, "--all", "--yes", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .clone();
    let done: Vec<_> = ndjson(&out.stdout)
        .into_iter()
        .filter(|l| l["outcome"] == "done")
        .collect();
    assert_eq!(ids_of(&done, "dlqId"), sorted(ids[HOOK12].clone()));
    let left: Vec<String> = all_q
        .iter()
        .filter(|i| !ids[HOOK12].contains(i))
        .cloned()
        .collect();
    assert_eq!(sorted(sb.ids(false)), left, "the server's own truth");

    // Planned (--max keeps it in plan mode), on the workflow DLQ.
    let out = sb
        .dlq()
        .args([
            "delete",
            "--workflow",
            "--workflow-url",
            WF12,
            "--all",
            "--yes",
        ])
        .args(["--max", "100", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .clone();
    let done: Vec<_> = ndjson(&out.stdout)
        .into_iter()
        .filter(|l| l["outcome"] == "done")
        .collect();
    assert_eq!(ids_of(&done, "dlqId"), sorted(ids["w12"].clone()));
    let left: Vec<String> = all_w
        .iter()
        .filter(|i| !ids["w12"].contains(i))
        .cloned()
        .collect();
    assert_eq!(sorted(sb.ids(true)), left, "the server's own truth");
}

/// `dlq triage` at a terminal: the group of `...?ids=1,2`, deleted from its menu, loses
/// exactly its own entries (it used to delete those of `...?ids=1` and `2` instead).
#[test]
fn triage_deletes_exactly_the_group_of_a_url_with_a_comma() {
    let (_dir, sb, ids) = comma_sandbox();
    let all_q = sorted(sb.ids(false));
    let bin = assert_cmd::cargo::cargo_bin("dlq").display().to_string();
    let argv = vec![bin, "triage".to_string()];
    let home = sb.home.path();
    let state = home.join("state").display().to_string();
    let config = home.join("config").display().to_string();
    let env = [
        ("QSTASH_URL", sb.url.as_str()),
        ("QSTASH_TOKEN", sb.token.as_str()),
        ("DLQ_STATE_DIR", state.as_str()),
        ("DLQ_CONFIG_DIR", config.as_str()),
        ("NO_COLOR", "1"),
    ];
    let screen = crate::tty::Screen::start(&argv, &env, 140, 45);
    screen.wait("pick one (type to filter, Esc to quit)");
    screen.text("ids=1,2");
    screen.keys(&["Enter"]);
    let s = screen.wait("> inspect an entry");
    assert!(s.contains(HOOK12), "{s}");
    screen.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    screen.wait("Keep a copy?");
    screen.keys(&["Down", "Enter"]);
    let s = screen.wait("[y/N]");
    assert!(
        s.contains("Delete 2 QStash messages"),
        "the plan holds the group: {s}"
    );
    screen.text("y");
    screen.keys(&["Enter"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 2);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    let left: Vec<String> = all_q
        .iter()
        .filter(|i| !ids[HOOK12].contains(i))
        .cloned()
        .collect();
    assert_eq!(sorted(sb.ids(false)), left, "the server's own truth");
}

/// A QStash DLQ page server: pages of 100 entries with a fresh cursor each, `pages` of them
/// (`None`: never ending). Every id is distinct.
fn paging_server(pages: Option<usize>) -> Hostile {
    Hostile::start(move |r: &Request, _| {
        if r.method != "GET" || r.path() != "/v2/dlq" {
            return Reply::json(500, r#"{"error":"unexpected"}"#);
        }
        let page: usize = r.query("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
        let count: usize = r.query("count").and_then(|c| c.parse().ok()).unwrap_or(100);
        let messages: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                let id = format!("{}-0", 1_700_000_000_000u64 + (page * 100 + i) as u64);
                crate::hostile::entry(&id)
            })
            .collect();
        let last = pages.is_some_and(|p| page + 1 >= p);
        let cursor = (!last).then(|| (page + 1).to_string());
        Reply::ok(json!({"messages": messages, "cursor": cursor}))
    })
}

/// `--max 250` stops listing at 251 entries and refuses (exit 5): three list requests, on a
/// 3,000-entry DLQ and on a server whose pages never end; nothing is sent to act.
#[test]
fn max_stops_listing_at_n_plus_one() {
    for pages in [Some(30), None] {
        let server = paging_server(pages);
        let home = tempfile::tempdir().unwrap();
        let out = server
            .dlq(&home)
            .timeout(Duration::from_secs(30))
            .args(["delete", "--all", "--max", "250", "--yes"])
            .assert()
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(5), "{pages:?}: {err}");
        assert!(err.contains("more than --max 250"), "{err}");
        let lines = server.lines();
        println!("{pages:?}: {} requests", lines.len());
        assert_eq!(
            lines.len(),
            3,
            "{pages:?}: {:?}",
            &lines[..lines.len().min(5)]
        );
        assert!(lines.iter().all(|l| l == "GET /v2/dlq"), "{lines:?}");
    }
}

const TOKEN: &str = "tok_SECRET_0123456789abcdef";

/// Every file under `dir`, read as text.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push((
                p.clone(),
                String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into(),
            ));
        }
    }
    out
}

/// A server that echoes the `Authorization` header it received in its error bodies and
/// headers (and in a redirect's Location): no command prints the token, `--debug` included,
/// and neither the report nor the journal holds it.
#[test]
fn a_token_echoed_by_the_server_is_never_printed_or_written() {
    let server = Hostile::start(|r: &Request, _| {
        let auth = r
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let body = json!({"error": format!("bad token {auth}")}).to_string();
        let echo = |status| {
            Reply::with(
                status,
                "application/json",
                &[("x-echo", &auth)],
                body.as_bytes(),
            )
        };
        match (r.method.as_str(), r.path()) {
            ("GET", "/v2/dlq") => echo(400),
            ("GET", "/v2/dlq/9-0") => echo(500),
            ("GET", p) if p.starts_with("/v2/dlq/") => {
                Reply::ok(crate::hostile::entry(p.trim_start_matches("/v2/dlq/")))
            }
            ("POST", "/v2/dlq/retry") => echo(400),
            ("POST", _) => echo(422),
            ("DELETE", _) => Reply::with(
                302,
                "text/plain",
                &[(
                    "location",
                    &format!("https://elsewhere.example/?auth={auth}"),
                )],
                body.as_bytes(),
            ),
            _ => echo(404),
        }
    });
    let home = tempfile::tempdir().unwrap();
    let report = home.path().join("report.ndjson");
    let report_arg = report.to_str().unwrap().to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["--debug", "list"],
        vec!["get", "9-0"],
        vec!["--debug", "get", "9-0"],
        vec![
            "retry",
            "1-0",
            "2-0",
            "--yes",
            "--report",
            &report_arg,
            "-o",
            "ndjson",
        ],
        vec!["--debug", "delete", "1-0", "--yes"],
    ];
    for args in &runs {
        let out = server
            .dlq(&home)
            .env("QSTASH_TOKEN", TOKEN)
            .args(args)
            .assert()
            .failure()
            .get_output()
            .clone();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(&out)
        );
        assert!(!all.contains(TOKEN), "{args:?} printed the token:\n{all}");
        assert!(
            all.contains("[token hidden]"),
            "{args:?}: the echo was shown masked:\n{all}"
        );
    }
    let written = files_under(home.path());
    assert!(
        written.iter().any(|(p, _)| *p == report),
        "no report written"
    );
    for (path, text) in written {
        assert!(!text.contains(TOKEN), "{} holds the token", path.display());
    }
}

/// Callback counts per DLQ id, as the sandbox applied them.
pub(crate) fn callbacks_applied(
    sb: &crate::common::Sandbox,
) -> std::collections::BTreeMap<String, u64> {
    sb.applied_all()
        .into_iter()
        .filter_map(|(id, v)| v["callback"].as_u64().map(|n| (id, n)))
        .collect()
}

/// The DLQ ids of workflow runs whose failure callback failed.
pub(crate) fn callback_failed(sb: &crate::common::Sandbox) -> Vec<String> {
    sorted(
        sb.listed(true)
            .into_iter()
            .filter(|e| e["failureCallbackInfo"]["state"] == "CALLBACK_FAIL")
            .map(|e| e["dlqId"].as_str().unwrap().to_string())
            .collect(),
    )
}

/// The report's entries by their last outcome (a `--continue` appends to the report).
fn by_outcome(lines: &[serde_json::Value]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut last: std::collections::BTreeMap<String, String> = Default::default();
    for l in lines.iter().filter(|l| l.get("outcome").is_some()) {
        last.insert(
            l["dlqId"].as_str().unwrap().to_string(),
            l["outcome"].as_str().unwrap().to_string(),
        );
    }
    let mut m: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (id, outcome) in last {
        m.entry(outcome).or_default().push(id);
    }
    m
}

/// Every failed callback re-run at most once per entry, and the account true to the sandbox's
/// own record: done means called once, unconfirmed means called at most once, anything else
/// never called; the summary, the report and `dlq jobs` say the same.
pub(crate) fn check_callback_account(
    sb: &crate::common::Sandbox,
    planned: &[String],
    report: &std::path::Path,
    stderr: &str,
) -> (Vec<String>, Vec<String>) {
    let applied = callbacks_applied(sb);
    let twice: Vec<_> = applied.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "callbacks run more than once: {twice:?}");
    let lines = ndjson(&std::fs::read(report).unwrap());
    let job = lines[0]["job"].as_str().unwrap().to_string();
    let out = by_outcome(&lines[1..]);
    let done = sorted(out.get("done").cloned().unwrap_or_default());
    let unsure = sorted(out.get("unconfirmed").cloned().unwrap_or_default());
    for id in &done {
        assert_eq!(
            applied.get(id),
            Some(&1),
            "{id} reported done, called {:?}",
            applied.get(id)
        );
    }
    for (outcome, ids) in &out {
        if outcome != "done" && outcome != "unconfirmed" {
            for id in ids {
                assert_eq!(
                    applied.get(id),
                    None,
                    "{id} reported {outcome} but was called"
                );
            }
        }
    }
    let mut all: Vec<String> = out.values().flatten().cloned().collect();
    all.sort();
    all.dedup();
    // What dlq said goes with a failure: whether it thought its listing whole, and why.
    assert_eq!(all, planned, "one outcome per planned entry\n{stderr}");
    let called_unsure = unsure.iter().filter(|id| applied.contains_key(*id)).count();
    assert_eq!(
        applied.len(),
        done.len() + called_unsure,
        "every call accounted for"
    );
    if unsure.is_empty() {
        assert!(
            stderr.contains(&format!("callback: {} done", done.len())),
            "{stderr}"
        );
    } else {
        assert!(
            stderr.contains(&format!(
                "callback: at least {} done (up to {} more",
                done.len(),
                unsure.len()
            )),
            "{stderr}"
        );
    }
    let jobs = sb.job_shown(&job);
    let j = &jobs["counts"];
    assert_eq!(j["done"].as_u64(), Some(done.len() as u64), "{jobs}");
    assert_eq!(
        j["unconfirmed"].as_u64(),
        Some(unsure.len() as u64),
        "{jobs}"
    );
    assert_eq!(j["left"].as_u64(), Some(0), "{jobs}");
    (done, unsure)
}

/// Under lost replies (a 500 or a reset after the callback ran), with callbacks that fail
/// again at once: no callback runs twice, and nothing is reported done that was not called.
#[test]
fn callback_runs_once_per_entry_under_lost_replies() {
    let sb = crate::common::Sandbox::start(&[
        "--seed",
        "400",
        "--seed-rng",
        "21",
        "--fault-rate",
        "0.3",
        "--faults",
        "500,reset",
        "--simulate",
        "*=500",
        "--delivery-backoff-ms",
        "1",
    ]);
    let planned = callback_failed(&sb);
    assert!(planned.len() >= 20, "{}", planned.len());
    let report = sb.home.path().join("r.ndjson");
    let out = sb
        .dlq()
        .args([
            "callback",
            "--callback-state",
            "CALLBACK_FAIL",
            "--all",
            "--yes",
        ])
        // Pipelined (--yes, no --max): the other callback tests here run planned.
        .arg("--report")
        .arg(&report)
        .timeout(Duration::from_secs(300))
        .assert()
        .get_output()
        .clone();
    let err = stderr_of(&out);
    let (done, unsure) = check_callback_account(&sb, &planned, &report, &err);
    println!(
        "{} done, {} unconfirmed of {}",
        done.len(),
        unsure.len(),
        planned.len()
    );
    let want = if unsure.is_empty() && done.len() == planned.len() {
        0
    } else {
        3
    };
    assert_eq!(out.status.code(), Some(want), "{err}");
}

/// `--canary` and `--verify` of a callback judge the callback's outcome (its run stays
/// RUN_FAILED whatever the callback did): callbacks that succeed pass the canary, verify as
/// delivered, and `dlq verify JOB` says the same; the sandbox's runs agree.
#[test]
fn callback_canary_and_verify_judge_the_callback_not_the_run() {
    let sb = crate::common::Sandbox::start(&[
        "--seed",
        "120",
        "--seed-rng",
        "22",
        "--simulate",
        "*=ok",
        "--delivery-backoff-ms",
        "1",
    ]);
    let planned = callback_failed(&sb);
    assert!(planned.len() >= 5, "{}", planned.len());
    let report = sb.home.path().join("r.ndjson");
    let out = sb
        .dlq()
        .args([
            "callback",
            "--callback-state",
            "CALLBACK_FAIL",
            "--all",
            "--yes",
        ])
        .args(["--canary", "3", "--verify=60s", "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(300))
        .assert()
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let (done, unsure) = check_callback_account(&sb, &planned, &report, &err);
    assert_eq!((done.len(), unsure.len()), (planned.len(), 0));
    assert!(
        err.contains(&format!("verified: {} delivered", planned.len())),
        "{err}"
    );
    // The server's truth: every one of them now reads CALLBACK_SUCCESS.
    let states: Vec<String> = sb
        .listed(true)
        .into_iter()
        .filter(|e| planned.contains(&e["dlqId"].as_str().unwrap().to_string()))
        .map(|e| {
            e["failureCallbackInfo"]["state"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(states.len(), planned.len());
    assert!(states.iter().all(|s| s == "CALLBACK_SUCCESS"), "{states:?}");
    let lines = ndjson(&std::fs::read(&report).unwrap());
    let job = lines[0]["job"].as_str().unwrap().to_string();
    let verified = sb
        .dlq()
        .args(["verify", &job, "--wait", "30s"])
        .assert()
        .get_output()
        .clone();
    let verr = stderr_of(&verified);
    assert_eq!(verified.status.code(), Some(0), "{verr}");
    assert!(
        verr.contains(&format!("{} delivered", planned.len())),
        "{verr}"
    );
    assert!(!verr.contains("failed again"), "{verr}");
}

/// `kill -9` in the middle of a callback run under lost replies, then `--continue`: still no
/// callback runs twice, and the account (report, summary, `dlq jobs`) matches the sandbox.
#[test]
fn callback_killed_and_continued_runs_each_once() {
    let sb = crate::common::Sandbox::start(&[
        "--seed",
        "300",
        "--seed-rng",
        "23",
        "--latency",
        "20",
        "--fault-rate",
        "0.2",
        "--faults",
        "500,reset",
        "--simulate",
        "*=500",
        "--delivery-backoff-ms",
        "1",
    ]);
    let planned = callback_failed(&sb);
    assert!(planned.len() >= 20, "{}", planned.len());
    let report = sb.home.path().join("r.ndjson");
    let mut child = sb
        .dlq_std()
        .args([
            "callback",
            "--callback-state",
            "CALLBACK_FAIL",
            "--all",
            "--yes",
        ])
        .args([
            "--max",
            "100000",
            "--rps",
            "12",
            "--concurrency",
            "4",
            "-q",
            "--report",
        ])
        .arg(&report)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once a third of the callbacks ran: some are in flight then.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while callbacks_applied(&sb).len() < planned.len() / 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the run made no progress"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the kill"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let job = ndjson(&std::fs::read(&report).unwrap())[0]["job"]
        .as_str()
        .unwrap()
        .to_string();
    let killed = sb.job_shown(&job);
    println!("after kill -9: {}", killed["counts"]);
    let out = sb
        .dlq()
        .args(["callback", "--continue", &job, "--yes", "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(300))
        .assert()
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(matches!(out.status.code(), Some(0 | 3)), "{err}");
    let applied = callbacks_applied(&sb);
    assert!(applied.values().all(|n| *n == 1), "{applied:?}");
    let lines = ndjson(&std::fs::read(&report).unwrap());
    let out_ = by_outcome(&lines);
    println!(
        "{} planned: {:?}",
        planned.len(),
        out_.iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect::<Vec<_>>()
    );
    let done = out_.get("done").cloned().unwrap_or_default();
    for id in &done {
        assert_eq!(
            applied.get(id),
            Some(&1),
            "{id} reported done but not called"
        );
    }
    for (outcome, ids) in &out_ {
        if outcome != "done" && outcome != "unconfirmed" {
            for id in ids {
                assert_eq!(
                    applied.get(id),
                    None,
                    "{id} reported {outcome} but was called"
                );
            }
        }
    }
    let mut all: Vec<String> = out_.values().flatten().cloned().collect();
    all.sort();
    assert_eq!(all, planned, "one outcome per planned entry");
    let jobs = sb.job_shown(&job);
    let unsure = out_.get("unconfirmed").map_or(0, Vec::len) as u64;
    assert_eq!(
        jobs["counts"]["done"].as_u64(),
        Some(done.len() as u64),
        "{jobs}"
    );
    assert_eq!(
        jobs["counts"]["unconfirmed"].as_u64(),
        Some(unsure),
        "{jobs}"
    );
    assert_eq!(jobs["counts"]["left"].as_u64(), Some(0), "{jobs}");
}

/// A lost callback reply against a server whose run logs show no call with a message id (and
/// whose entry stops showing a callback state, which the old rule read as "applied"): the
/// entry is unconfirmed, listed apart, exit 3, and never sent again, by the run or by
/// `--continue`.
#[test]
fn a_lost_callback_reply_that_nothing_can_explain_is_unconfirmed_never_resent() {
    let posts = Arc::new(AtomicUsize::new(0));
    let p = posts.clone();
    let server = Hostile::start(move |r: &Request, _| match (r.method.as_str(), r.path()) {
        ("GET", "/v2/workflows/dlq/1-0") => {
            let mut e = run("1-0", "CALLBACK_FAIL");
            if p.load(Ordering::SeqCst) > 0 {
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
            Reply::Drop
        }
        _ => Reply::json(404, r#"{"error":"not found"}"#),
    });
    let home = tempfile::tempdir().unwrap();
    let report = home.path().join("r.ndjson");
    let out = server
        .dlq(&home)
        .args(["callback", "1-0", "--yes", "-o", "ndjson", "--report"])
        .arg(&report)
        .assert()
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(posts.load(Ordering::SeqCst), 1, "{:?}", server.lines());
    let lines = ndjson(&out.stdout);
    let o = lines
        .iter()
        .find(|l| l["dlqId"] == "1-0")
        .expect("an outcome");
    assert_eq!(o["outcome"], "unconfirmed", "{o}");
    assert!(err.contains("at least 0 done (up to 1 more"), "{err}");
    let job = ndjson(&std::fs::read(&report).unwrap())[0]["job"]
        .as_str()
        .unwrap()
        .to_string();
    let jobs: serde_json::Value = serde_json::from_slice(
        &server
            .dlq(&home)
            .args(["jobs", "show", &job, "-o", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(jobs["counts"]["unconfirmed"], 1, "{jobs}");
    assert_eq!(jobs["counts"]["done"], 0, "{jobs}");
    // --continue has nothing left to send.
    server
        .dlq(&home)
        .args(["callback", "--continue", &job, "--yes"])
        .assert()
        .get_output();
    assert_eq!(posts.load(Ordering::SeqCst), 1, "{:?}", server.lines());
}
