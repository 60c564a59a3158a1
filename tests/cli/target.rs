//! Never the wrong target: jobs bound to their server, explicit profiles, one meaning for
//! `--url`, and the ids people actually hold.

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{continue_job, dlq, header, ndjson, Sandbox};

/// Per-id counts of one mutation at a sandbox.
pub fn applied(sb: &Sandbox, mutation: &str) -> BTreeMap<String, u64> {
    sb.applied_all()
        .into_iter()
        .filter_map(|(id, v)| v[mutation].as_u64().map(|n| (id, n)))
        .collect()
}

/// Lines of the only job's events.ndjson under `home`'s state directory.
fn events(home: &tempfile::TempDir) -> Vec<String> {
    let jobs = home.path().join("state/jobs");
    std::fs::read_dir(&jobs)
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| std::fs::read_to_string(e.unwrap().path().join("events.ndjson")).ok())
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Waits until `ready` says the journal got far enough; the run must still be going.
pub fn wait_for(child: &mut Child, home: &tempfile::TempDir, ready: impl Fn(&[String]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready(&events(home)) {
        assert!(Instant::now() < deadline, "the run journaled nothing");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be stopped"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn signal(child: &Child, sig: &str) {
    std::process::Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
}

pub fn outcomes(lines: &[String]) -> usize {
    lines.iter().filter(|l| l.contains("\"outcome\"")).count()
}

#[test]
fn continue_refuses_another_server_and_finishes_on_its_own_exactly_once() {
    let a = Sandbox::start(&["--seed", "300", "--seed-rng", "21", "--latency", "20"]);
    let b = Sandbox::start(&["--seed", "300", "--seed-rng", "22"]);
    let mut child = a
        .dlq_std()
        .args([
            "retry",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "--rps",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&mut child, &a.home, |l| outcomes(l) >= 100);
    signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{err}");
    let line = err.lines().last().unwrap();
    let job = continue_job(line, "retry").unwrap_or_else(|| panic!("{line}"));
    // The run said where it acted, and the job id, before anything else happened.
    let host = a.url.trim_start_matches("http://");
    assert!(
        err.starts_with(&format!("job {job}: retry on {host}")),
        "{err}"
    );
    let before = applied(&a, "retry").len();
    assert!((100..300).contains(&before), "{before}");

    // The printed line, pasted in a shell that points at B: refused, nothing sent to B.
    let continue_at = |url: &str, token: &str| {
        dlq(&a.home)
            .env("QSTASH_URL", url)
            .env("QSTASH_TOKEN", token)
            .args(["retry", "--continue", job])
            .timeout(Duration::from_secs(120))
            .assert()
    };
    let refused = continue_at(&b.url, &b.token).code(2);
    let msg = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        msg.contains(&format!("job {job} ran against {host}")),
        "{msg}"
    );
    assert!(msg.contains(b.url.trim_start_matches("http://")), "{msg}");
    // A's URL with B's token: the token is not the job's either.
    continue_at(&a.url, &b.token)
        .code(2)
        .stderr(predicate::str::contains("not the one it ran with"));
    assert!(b.requests().is_empty(), "nothing reached B");
    assert!(b.applied_all().is_empty());
    assert_eq!(applied(&a, "retry").len(), before, "nor A, while refused");

    // Where it ran: it finishes, every planned entry acted on exactly once.
    continue_at(&a.url, &a.token)
        .success()
        .stderr(predicate::str::contains(format!(
            "continuing job {job} on {host}"
        )));
    let retried = applied(&a, "retry");
    assert_eq!(retried.len(), 300);
    assert!(retried.values().all(|n| *n == 1), "{retried:?}");
    assert!(a.ids(false).is_empty());
    // Once nothing is left, a shell with nothing set is told so, with no request anywhere.
    dlq(&a.home)
        .args(["retry", "--continue", job])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing left to do"));
}

#[test]
fn a_killed_run_is_listed_as_crashed_and_continues_exactly_once() {
    // Each request takes 1.5 s: the kill lands while the second chunk is in flight even when
    // a loaded machine is slow to start `kill`.
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "23", "--latency", "1500"]);
    let mut child = sb
        .dlq_std()
        .args([
            "retry",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "--rps",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The second chunk is marked in flight (after the first finished): kill it there.
    wait_for(&mut child, &sb.home, |l| {
        l.iter().filter(|l| l.starts_with("{\"inflight\"")).count() >= 2
    });
    signal(&child, "-KILL");
    let _ = child.wait();

    let listed = sb.jobs_listed();
    let job = &listed["jobs"][0];
    assert_eq!(job["state"], "crashed", "{listed}");
    // Pipelined: what was listed before the kill; --continue lists the rest.
    let planned = job["planned"].as_u64().unwrap();
    assert!((200..=300).contains(&planned), "{job}");
    assert!(job["left"].as_u64().unwrap() >= planned - 100, "{job}");
    assert!(job["inFlight"].as_u64().unwrap() >= 1, "{job}");
    let id = job["job"].as_str().unwrap().to_string();
    // People see it as something to continue.
    sb.dlq()
        .args(["jobs"])
        .assert()
        .success()
        .stdout(predicate::str::contains("crashed"))
        .stderr(predicate::str::contains(format!("retry --continue {id}")));

    sb.dlq()
        .args([
            "retry",
            "--continue",
            &id,
            "--concurrency",
            "8",
            "--rps",
            "50",
        ])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("in flight when it stopped"));
    let retried = applied(&sb, "retry");
    assert_eq!(retried.len(), 300);
    assert!(retried.values().all(|n| *n == 1), "nothing twice");
    assert!(sb.ids(false).is_empty());
    let shown = sb.job_shown(&id);
    assert_eq!(shown["state"], "finished", "{shown}");
    assert_eq!(shown["counts"]["done"], 300, "{shown}");
    assert_eq!(shown["counts"]["left"], 0);
    assert!(shown["continue"].is_null());
    sb.dlq().args(["jobs", "forget", &id]).assert().success();
    sb.dlq().args(["jobs", "show", &id]).assert().code(2);
}

/// A config file with two profiles, each pointing at one of two sandboxes.
fn profiles(home: &tempfile::TempDir, eu: &Sandbox, us: &Sandbox) {
    let dir = home.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "current = \"us\"\n[profiles.eu]\ntoken = \"{}\"\nurl = \"{}\"\n[profiles.us]\ntoken = \"{}\"\nurl = \"{}\"\n",
            eu.token, eu.url, us.token, us.url
        ),
    )
    .unwrap();
}

#[test]
fn an_explicit_profile_wins_over_the_environment_and_says_what_it_shadows() {
    let eu = Sandbox::start(&["--seed", "4", "--seed-rng", "31"]);
    let us = Sandbox::start(&["--seed", "4", "--seed-rng", "32"]);
    let env = Sandbox::start(&["--seed", "4", "--seed-rng", "33"]);
    let home = tempfile::tempdir().unwrap();
    profiles(&home, &eu, &us);
    let ids = |args: &[&str], vars: &[(&str, &str)]| -> (Vec<String>, String) {
        let mut c = dlq(&home);
        for (k, v) in vars {
            c.env(k, v);
        }
        let a = c.args(args).args(["list", "-o", "ids"]).assert().success();
        let out = a.get_output();
        let ids = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        (ids, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let ambient = [
        ("QSTASH_URL", env.url.as_str()),
        ("QSTASH_TOKEN", env.token.as_str()),
    ];
    // --profile eu beats the ambient variables, and one line says so.
    let (got, err) = ids(&["--profile", "eu"], &ambient);
    assert_eq!(got, eu.ids(false));
    assert!(
        err.contains("using profile \"eu\"")
            && err.contains("ignoring QSTASH_TOKEN and QSTASH_URL"),
        "{err}"
    );
    assert_eq!(err.lines().filter(|l| l.starts_with("note:")).count(), 1);
    // So does DLQ_PROFILE.
    let (got, _) = ids(&[], &[ambient[0], ambient[1], ("DLQ_PROFILE", "eu")]);
    assert_eq!(got, eu.ids(false));
    assert!(env.requests().is_empty(), "the ambient server got nothing");
    // Without an explicit profile the environment beats the config file's current profile.
    let (got, err) = ids(&[], &ambient);
    assert_eq!(got, env.ids(false));
    assert!(err.contains("ignoring profile \"us\""), "{err}");
    // --token and --base-url beat everything.
    let (got, err) = ids(
        &[
            "--profile",
            "eu",
            "--token",
            &us.token,
            "--base-url",
            &us.url,
        ],
        &ambient,
    );
    assert_eq!(got, us.ids(false));
    assert!(err.contains("using --token"), "{err}");
    // Nothing shadowed, nothing said.
    let (got, err) = ids(&[], &[]);
    assert_eq!(got, us.ids(false));
    assert!(!err.contains("note:"), "{err}");
    let (_, err) = ids(&["--profile", "eu"], &[]);
    assert!(!err.contains("note:"), "{err}");
}

#[test]
fn url_before_the_verb_is_refused_and_nothing_leaves() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let hook = format!("http://{}/webhooks/orders", listener.local_addr().unwrap());
    let sb = Sandbox::start(&["--seed", "3"]);
    sb.dlq()
        .args(["--url", &hook, "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base-url"));
    assert!(listener.accept().is_err(), "a connection reached the hook");
    assert!(sb.requests().is_empty());
    // After the verb it is the destination filter.
    sb.dlq()
        .args(["list", "--url", &hook, "-o", "json"])
        .assert()
        .success();
    assert!(listener.accept().is_err());
    let reqs = sb.requests();
    assert!(reqs[0]["query"].as_str().unwrap().contains("url=http"));
}

#[test]
fn the_ids_people_hold_find_their_entries() {
    let sb = Sandbox::start(&["--seed", "20", "--seed-rng", "41"]);
    let runs = sb.listed(true);
    let msgs = sb.listed(false);
    // A workflow run id from the logs: resumed, with the override, and the report says how
    // it was found.
    let run = &runs[0];
    let wfr = run["workflowRunId"].as_str().unwrap();
    let out = sb
        .dlq()
        .args(["resume", wfr, "--retries", "0", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r = &ndjson(&out)[0];
    assert_eq!(r["input"], wfr);
    assert_eq!(r["dlqId"], run["dlqId"]);
    assert_eq!(r["outcome"], "done");
    assert_eq!(sb.applied(run["dlqId"].as_str().unwrap(), "resume"), 1);
    let resume = sb
        .requests()
        .into_iter()
        .rfind(|q| q["method"] == "POST")
        .unwrap();
    assert_eq!(header(&resume, "Upstash-Retries").as_deref(), Some("0"));
    // A message id from an alert.
    let msg = &msgs[0];
    let mid = msg["messageId"].as_str().unwrap();
    sb.dlq().args(["retry", mid]).assert().success();
    assert_eq!(sb.applied(msg["dlqId"].as_str().unwrap(), "retry"), 1);
    // A workflow DLQ id, without --workflow: found in its own DLQ, by get and by delete.
    let wf_id = runs[1]["dlqId"].as_str().unwrap();
    sb.dlq()
        .args(["get", wf_id, "-o", "json"])
        .assert()
        .success();
    sb.dlq().args(["delete", wf_id, "--yes"]).assert().success();
    assert!(!sb.ids(true).contains(&wf_id.to_string()));
    // The wrong verb for the DLQ that holds it says which verb is right.
    sb.dlq()
        .args(["resume", msgs[1]["dlqId"].as_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was resumed"))
        .stdout(predicate::str::contains(
            "a QStash message, not a failed workflow run",
        ))
        .stderr(predicate::str::contains("dlq retry"));
    // Ids that are not there: said per id, with the id the user gave.
    let out = sb
        .dlq()
        .args(["resume", "wfr_not-a-run", "1700000000000-7", "-o", "ndjson"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let lines = ndjson(&out);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["outcome"] == "not_found"));
    assert!(lines
        .iter()
        .any(|l| l["input"] == "wfr_not-a-run" && l.get("dlqId").is_none()));
    assert!(lines.iter().all(|l| l["error"]
        .as_str()
        .unwrap()
        .contains("already retried, deleted or expired")));
}

#[test]
fn tokens_that_cannot_be_ids_send_nothing_and_start_no_job() {
    let sb = Sandbox::start(&["--seed", "3"]);
    for args in [
        vec!["resume", "help"],
        vec!["retry", ""],
        vec!["delete", "a b", "--yes"],
        vec!["callback", "x\u{1b}[2J"],
        vec!["retry", "wfr_abc"],
        vec!["resume", "msg_abc"],
    ] {
        sb.dlq()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("id"));
    }
    assert!(sb.requests().is_empty(), "{:?}", sb.requests());
    assert!(!sb.home.path().join("state/jobs").exists(), "no job");
}
