//! The fast paths stay exact: pipelined runs (acting while listing) under faults and
//! interrupts, the concurrency controller within `--concurrency` and `--rps`, and a server
//! that rate-limits. Speed itself is measured by scripts/bench-vs-sdk, never here.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{continue_job, ndjson, Sandbox};

/// Per-id counts of one mutation at a sandbox.
fn applied(sb: &Sandbox, mutation: &str) -> BTreeMap<String, u64> {
    sb.applied_all()
        .into_iter()
        .filter_map(|(id, v)| v[mutation].as_u64().map(|n| (id, n)))
        .collect()
}

/// The only job's directory under the sandbox home's state.
fn job_dir(sb: &Sandbox) -> std::path::PathBuf {
    std::fs::read_dir(sb.home.path().join("state/jobs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

/// How many workflow runs the sandbox shows with a failed failure callback.
fn callbacks_failed(sb: &Sandbox) -> usize {
    sb.listed(true)
        .iter()
        .filter(|r| r["failureCallbackInfo"]["state"] == "CALLBACK_FAIL")
        .count()
}

/// `dlq callback --callback-state CALLBACK_FAIL --all --yes`, to run.
fn callback_cmd(sb: &Sandbox) -> assert_cmd::Command {
    let mut c = sb.dlq();
    c.args([
        "callback",
        "--callback-state",
        "CALLBACK_FAIL",
        "--all",
        "--yes",
    ]);
    c
}

/// [`callback_cmd`] with `extra` arguments, run to success.
fn callback_all(sb: &Sandbox, extra: &[&str]) {
    callback_cmd(sb)
        .args(extra)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
}

/// The sandbox called `n` failure callbacks, each once.
fn each_callback_called_once(sb: &Sandbox, n: usize) {
    let called = applied(sb, "callback");
    assert_eq!(called.len(), n, "{called:?}");
    assert!(called.values().all(|n| *n == 1), "each once: {called:?}");
}

fn stats(sb: &Sandbox) -> Value {
    let (status, v) = sb.http("GET", "/__sandbox/stats");
    assert_eq!(status, 200);
    v
}

#[test]
fn a_pipelined_run_acts_on_every_entry_once_under_faults_and_lost_replies() {
    let sb = Sandbox::start(&[
        "--seed",
        "1500",
        "--seed-rng",
        "51",
        "--fault-rate",
        "0.1",
        "--faults",
        "429,500,503,reset",
    ]);
    let before = sb.ids(false);
    sb.dlq()
        .args(["retry", "--all", "--yes"])
        .timeout(Duration::from_secs(300))
        .assert()
        .success();
    // It was pipelined: pages journaled as listed, not a plan made first.
    let dir = job_dir(&sb);
    let plan: Value =
        serde_json::from_slice(&std::fs::read(dir.join("plan.json")).unwrap()).unwrap();
    assert!(plan["pipeline"].is_object(), "{plan}");
    let events = std::fs::read_to_string(dir.join("events.ndjson")).unwrap();
    let pages = events
        .lines()
        .filter(|l| l.starts_with("{\"planned\""))
        .count();
    assert!(pages >= 15, "one planned event a page: {pages}");
    let retried = applied(&sb, "retry");
    assert_eq!(retried.len(), before.len());
    assert!(retried.values().all(|n| *n == 1), "each once");
    assert!(sb.ids(false).is_empty());
}

#[test]
fn a_pipelined_run_cut_short_while_listing_continues_exactly_once() {
    // 10 pages at 150 ms while acting is paced at 2 requests a second: the interrupt lands
    // with most pages not yet listed.
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "52", "--latency", "150"]);
    let mut child = sb
        .dlq_std()
        .args(["retry", "--all", "--yes", "--rps", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let events = std::fs::read_dir(sb.home.path().join("state/jobs"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.unwrap().path().join("events.ndjson")).ok())
            .unwrap_or_default();
        if events.contains("\"outcome\"") {
            break;
        }
        assert!(Instant::now() < deadline, "no progress");
        assert!(child.try_wait().unwrap().is_none(), "ended too soon");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("listed so far"), "{err}");
    let job = err
        .lines()
        .last()
        .and_then(|l| continue_job(l, "retry"))
        .unwrap()
        .to_string();
    let shown = sb.job_shown(&job);
    let planned = shown["counts"]["planned"].as_u64().unwrap();
    assert!(planned < 1000, "the listing was cut short: {shown}");
    sb.dlq()
        .args(["retry", "--continue", &job])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let retried = applied(&sb, "retry");
    assert_eq!(retried.len(), 1000, "the rest was listed and acted on");
    assert!(retried.values().all(|n| *n == 1), "nothing twice");
}

#[test]
fn the_controller_never_exceeds_concurrency_and_paces_to_rps() {
    let sb = Sandbox::start(&["--seed", "400", "--seed-rng", "53", "--latency", "30"]);
    let failed = callbacks_failed(&sb);
    assert!(failed > 20, "{failed}");
    // callback is one request an id: the most concurrent path.
    callback_all(&sb, &["--concurrency", "3"]);
    let most = stats(&sb)["maxInFlightMutations"].as_u64().unwrap();
    assert!((1..=3).contains(&most), "at most 3 in flight: {most}");
    each_callback_called_once(&sb, failed);

    // --rps 20: the run's requests at least 50 ms apart, at the server's clock. How many
    // requests that takes is not fixed: lanes cut the listing into slices where the clock
    // says, and a short page is sent alone rather than wait while nothing else is in flight.
    let sb = Sandbox::start(&["--seed", "600", "--seed-rng", "54"]);
    let mut before = sb.ids(false);
    before.sort_unstable();
    let ours = sb.requests().len();
    let out = sb
        .dlq()
        .args(["retry", "--all", "--yes", "--rps", "20", "-o", "json"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    let out: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &out["summary"];
    let retried = applied(&sb, "retry");
    assert_eq!(
        retried.keys().collect::<Vec<_>>(),
        before.iter().collect::<Vec<_>>(),
        "every entry retried, none other: {summary}\n{err}"
    );
    assert!(
        retried.values().all(|n| *n == 1),
        "each once: {retried:?}\n{err}"
    );
    assert_eq!(summary["done"], 600, "{summary}\n{err}");
    let run: Vec<Value> = sb.requests().split_off(ours);
    let posts = run.iter().filter(|r| r["method"] == "POST").count();
    assert!(
        posts >= 6,
        "600 ids in chunks of at most 100: {posts} POSTs"
    );
    let at: Vec<i64> = run.iter().map(|r| r["at"].as_i64().unwrap()).collect();
    let span = at.iter().max().unwrap() - at.iter().min().unwrap();
    let gaps = at.len() as i64 - 1;
    // Every request, listing or acting, waits for its slot: n requests span n - 1 gaps of
    // 50 ms. The first may reach the server up to one gap after its slot (a new connection,
    // a busy machine), which the span does not see.
    assert!(
        span >= (gaps - 1) * 50,
        "{} requests in {span} ms at --rps 20: {:?}",
        at.len(),
        run.iter()
            .map(|r| format!(
                "{} {}?{} at {}",
                r["method"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or(""),
                r["query"].as_str().unwrap_or(""),
                r["at"]
            ))
            .collect::<Vec<_>>()
    );
}

/// `dlq jobs show -o json` of the job of `verb`: the sandbox home holds one job per verb here.
fn job_of(sb: &Sandbox, verb: &str) -> Value {
    let jobs = sb.jobs_listed();
    let job = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["verb"] == verb)
        .unwrap_or_else(|| panic!("no {verb} job in {jobs}"));
    sb.job_shown(job["job"].as_str().unwrap())
}

#[test]
fn callback_adapts_up_to_64_in_flight_unless_told_and_other_verbs_up_to_32() {
    let sb = Sandbox::start(&["--seed", "400", "--seed-rng", "53", "--latency", "20"]);
    let failed = callbacks_failed(&sb);
    callback_all(&sb, &[]);
    let job = job_of(&sb, "callback");
    assert_eq!(job["settings"]["concurrency"], 64, "{job}");
    assert_eq!(job["counts"]["done"], failed as u64, "{job}");
    assert_eq!(job["counts"]["left"], 0, "{job}");
    let most = stats(&sb)["maxInFlightMutations"].as_u64().unwrap();
    assert!((1..=64).contains(&most), "at most 64 in flight: {most}");
    // What the job says is what the server holds: each failed callback called once.
    each_callback_called_once(&sb, failed);
    assert_eq!(callbacks_failed(&sb), 0);

    sb.dlq()
        .args(["retry", "--all", "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let job = job_of(&sb, "retry");
    assert_eq!(job["settings"]["concurrency"], 32, "{job}");
    assert_eq!(job["counts"]["left"], 0, "{job}");
    assert!(sb.ids(false).is_empty(), "the QStash DLQ is empty");
}

#[test]
fn against_a_rate_limited_server_every_entry_is_acted_on_once_and_replies_say_the_limit() {
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "55", "--rate-limit", "25,5"]);
    // The limiter answers with the headers QStash sends.
    let before = jiff::Timestamp::now().as_second();
    let mut throttled = None;
    for _ in 0..40 {
        let out = ureq::get(&format!("{}/v2/dlq?count=1", sb.url))
            .set("Authorization", &format!("Bearer {}", sb.token))
            .call();
        if let Err(ureq::Error::Status(429, r)) = out {
            throttled = Some(r);
            break;
        }
    }
    let r = throttled.expect("a burst of 40 over a budget of 5 is throttled");
    assert_eq!(r.header("Burst-RateLimit-Limit"), Some("25"));
    assert_eq!(r.header("Burst-RateLimit-Remaining"), Some("0"));
    let reset: i64 = r.header("Burst-RateLimit-Reset").unwrap().parse().unwrap();
    let after = jiff::Timestamp::now().as_second();
    assert!(
        (before..=after + 2).contains(&reset),
        "{reset} vs {before}..{after}"
    );

    let failed = callbacks_failed(&sb);
    let out = callback_cmd(&sb)
        .args(["-o", "ndjson"])
        .timeout(Duration::from_secs(180))
        .assert()
        .success()
        .get_output()
        .clone();
    let done = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .count();
    assert_eq!(done, failed);
    // A request answered 429 was never acted on: each callback ran once.
    each_callback_called_once(&sb, failed);
    // Paced from the advertised limit, the run met few refusals.
    let statuses: Vec<u64> = sb
        .requests()
        .iter()
        .filter_map(|r| r["status"].as_u64())
        .collect();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        refused * 10 <= statuses.len(),
        "{refused} of {} requests throttled",
        statuses.len()
    );
    sb.dlq()
        .args(["list", "--workflow", "--callback-state", "CALLBACK_FAIL"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no entries match"));
}

#[test]
fn publish_is_exempt_from_the_burst_limit_and_logs_are_not() {
    let sb = Sandbox::start(&["--seed", "0", "--rate-limit", "1,2"]);
    let status = |method: &str, path: &str| {
        crate::sandbox::call(&sb, method, path, &[], (method == "POST").then_some("x"))
            .unwrap()
            .status
    };
    let reads: Vec<u16> = (0..40)
        .map(|_| status("GET", "/v2/logs"))
        .take_while(|s| *s != 429)
        .collect();
    assert!(
        reads.len() < 40,
        "a burst of 40 reads of logs over a budget of 2 is throttled"
    );
    // The budget is spent: a limited call would be refused but for the odd refilled token.
    let published: Vec<u16> = (0..6)
        .map(|_| status("POST", "/v2/publish/https://ok.example/new"))
        .collect();
    assert_eq!(published, [200; 6], "publish never takes from the budget");
}
