//! Real workflow runs: the sandbox executes runs of an app built on the pinned official
//! `@upstash/workflow` SDK (`tests/sdk/workflow-app.mjs`, a plain Node HTTP server calling
//! `serve`), triggered with the SDK's `Client.trigger`. Step two fails while a flag file
//! exists, the failure function while another does; the app writes each execution to a file
//! the tests read, which is the truth about what ran.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::Value;

use crate::common::Sandbox;
use crate::sdk::{have_sdk, node, NodeApp};

/// A sandbox, the app, and the files that steer and record it.
pub struct Rig {
    pub sb: Sandbox,
    pub app: NodeApp,
    dir: tempfile::TempDir,
}

impl Rig {
    pub fn start() -> Rig {
        Rig::start_with(&[])
    }

    /// With more environment for the app (`WF_NAP`).
    pub fn start_with(env: &[(&str, &str)]) -> Rig {
        let sb = Sandbox::start(&["--seed", "0", "--delivery-backoff-ms", "50"]);
        let dir = tempfile::tempdir().unwrap();
        let p = |f: &str| dir.path().join(f).to_string_lossy().into_owned();
        let (log, fail, callback_fail) = (p("log"), p("fail"), p("callback-fail"));
        let mut vars = vec![
            ("QSTASH_URL", sb.url.as_str()),
            ("QSTASH_TOKEN", sb.token.as_str()),
            ("WF_LOG", log.as_str()),
            ("WF_FAIL", fail.as_str()),
            ("WF_CALLBACK_FAIL", callback_fail.as_str()),
        ];
        vars.extend_from_slice(env);
        let app = NodeApp::start("tests/sdk/workflow-app.mjs", "APP_URL", &vars);
        Rig { sb, app, dir }
    }

    pub fn flag(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn set(&self, name: &str, on: bool) {
        if on {
            std::fs::write(self.flag(name), "").unwrap();
        } else {
            let _ = std::fs::remove_file(self.flag(name));
        }
    }

    /// What the app executed for `run`, in order.
    pub fn executed(&self, run: &str) -> Vec<String> {
        executions(&self.flag("log"))
            .remove(run)
            .unwrap_or_default()
    }

    /// `n` runs started by the SDK's `Client.trigger` (one batch), with one retry.
    pub fn trigger(&self, n: usize, label: &str) -> Vec<String> {
        self.trigger_at(&self.app.url, n, label)
    }

    pub fn trigger_at(&self, url: &str, n: usize, label: &str) -> Vec<String> {
        let script = format!(
            r#"import {{ Client }} from "@upstash/workflow";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
const runs = Array.from({{ length: {n} }}, (_, i) =>
  ({{ url: "{url}", body: {{ n: i }}, retries: 1, label: "{label}" }}));
console.log(JSON.stringify(await c.trigger(runs)));"#,
        );
        let out = node(
            &script,
            &[
                ("QSTASH_URL", &self.sb.url),
                ("QSTASH_TOKEN", &self.sb.token),
            ],
            Duration::from_secs(60),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["workflowRunId"].as_str().unwrap().to_string())
            .collect()
    }

    /// Runs an ES module with the SDKs, `QSTASH_URL` and `QSTASH_TOKEN` set; its stdout as JSON.
    pub fn script(&self, script: &str) -> Value {
        let out = node(
            script,
            &[
                ("QSTASH_URL", &self.sb.url),
                ("QSTASH_TOKEN", &self.sb.token),
            ],
            Duration::from_secs(60),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The run as `GET /v2/workflows/logs` shows it.
    pub fn run(&self, id: &str) -> Value {
        let (s, v) = self
            .sb
            .http("GET", &format!("/v2/workflows/logs?workflowRunId={id}"));
        assert_eq!(s, 200, "{v}");
        v["runs"][0].clone()
    }

    /// The run's entry in the workflow DLQ.
    pub fn entry(&self, run: &str) -> Value {
        let (s, v) = self
            .sb
            .http("GET", &format!("/v2/workflows/dlq?workflowRunId={run}"));
        assert_eq!(s, 200, "{v}");
        v["messages"][0].clone()
    }

    /// Waits until the run is in `state` and, failed, its failure callback is `callback`.
    pub fn wait(&self, id: &str, state: &str, callback: Option<&str>) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let r = self.run(id);
            let cb = r["failureFunction"]["state"].as_str();
            if r["workflowState"] == state && (callback.is_none() || cb == callback) {
                return r;
            }
            let over = r["workflowState"] != "RUN_STARTED" && r["workflowState"] != state;
            assert!(!over, "{id} ended otherwise than {state}: {r}");
            assert!(Instant::now() < deadline, "{id} never got to {state}: {r}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Each run's executions as the app recorded them.
fn executions(log: &Path) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let (run, what) = line.split_once(' ').unwrap();
        out.entry(run.into()).or_default().push(what.into());
    }
    out
}

fn new_run_of(stdout: &[u8]) -> String {
    let s = String::from_utf8_lossy(stdout);
    s.split_whitespace()
        .find(|w| w.starts_with("wfr_"))
        .unwrap_or_else(|| panic!("no new run id in {s}"))
        .to_string()
}

#[test]
fn a_real_run_fails_at_step_two_and_resume_callback_and_restart_act_on_the_app() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    rig.set("fail", true);
    rig.set("callback-fail", true);
    let runs = rig.trigger(2, "rehearsal");
    // Step two fails twice (one retry), the run lands in the DLQ with that step's answer,
    // and its failure function, failing too, is called twice.
    for run in &runs {
        let r = rig.wait(run, "RUN_FAILED", Some("CALLBACK_FAIL"));
        assert_eq!(r["label"], "rehearsal");
        let steps: Vec<&str> = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["steps"][0]["state"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["STEP_SUCCESS", "STEP_FAILED"], "{r}");
        assert_eq!(
            rig.executed(run),
            [
                "step-one",
                "step-two",
                "step-two",
                "failure 500",
                "failure 500"
            ]
        );
        let e = rig.entry(run);
        assert_eq!(e["responseStatus"], 500, "{e}");
        assert!(e["responseBody"]
            .as_str()
            .unwrap()
            .contains("step two is broken"));
        assert_eq!(e["workflowUrl"], rig.app.url.as_str());
        assert_eq!(e["failureCallbackInfo"]["state"], "CALLBACK_FAIL", "{e}");
        assert_eq!(e["failureCallbackInfo"]["responseStatus"], 500, "{e}");
    }
    let (a, b) = (&runs[0], &runs[1]);
    let (dlq_a, dlq_b) = (rig.entry(a)["dlqId"].clone(), rig.entry(b)["dlqId"].clone());
    let (dlq_a, dlq_b) = (dlq_a.as_str().unwrap(), dlq_b.as_str().unwrap());

    // callback: the failure function runs again, for the same run, and now succeeds.
    rig.set("callback-fail", false);
    rig.sb
        .dlq()
        .args(["callback", dlq_a, "--yes"])
        .assert()
        .success();
    let deadline = Instant::now() + Duration::from_secs(60);
    while rig.entry(a)["failureCallbackInfo"]["state"] != "CALLBACK_SUCCESS" {
        assert!(Instant::now() < deadline, "{}", rig.entry(a));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(rig.executed(a).last().unwrap(), "failure 500");
    assert_eq!(rig.executed(a).len(), 6);

    // resume: a new run that goes on from step two, step one is not run again.
    rig.set("fail", false);
    let out = rig
        .sb
        .dlq()
        .args(["resume", dlq_a, "--verify", "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("verified: 1 delivered"))
        .get_output()
        .clone();
    let resumed = new_run_of(&out.stdout);
    assert_ne!(&resumed, a);
    assert_eq!(rig.executed(&resumed), ["step-two"]);
    let r = rig.wait(&resumed, "RUN_SUCCESS", None);
    assert_eq!(r["steps"].as_array().unwrap().len(), 2, "{r}");

    // restart: a new run from step one, with the first body.
    let out = rig
        .sb
        .dlq()
        .args(["restart", dlq_b, "--verify", "--yes"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("verified: 1 delivered"))
        .get_output()
        .clone();
    let restarted = new_run_of(&out.stdout);
    assert_eq!(rig.executed(&restarted), ["step-one", "step-two"]);
    rig.wait(&restarted, "RUN_SUCCESS", None);
    let (s, v) = rig.sb.http("GET", "/v2/workflows/dlq");
    assert_eq!(
        (s, v["messages"].as_array().unwrap().len()),
        (200, 0),
        "{v}"
    );
}

/// The job id a bulk command names on stderr.
fn job_of(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    s.lines()
        .find_map(|l| l.strip_prefix("job ").and_then(|r| r.split(':').next()))
        .unwrap_or_else(|| panic!("no job line in {s}"))
        .to_string()
}

/// The runs resume made, as the sandbox keeps them.
fn resumed_runs(sb: &Sandbox) -> Vec<Value> {
    let (s, v) = sb.http("GET", "/__sandbox/runs");
    assert_eq!(s, 200);
    v.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "resume")
        .cloned()
        .collect()
}

#[test]
fn resume_all_with_a_canary_goes_on_only_when_the_canary_runs_finish() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    rig.set("fail", true);
    let runs = rig.trigger(5, "canary-rehearsal");
    for run in &runs {
        rig.wait(run, "RUN_FAILED", Some("CALLBACK_SUCCESS"));
    }
    let before: Vec<String> = runs
        .iter()
        .map(|r| rig.entry(r)["dlqId"].as_str().unwrap().to_string())
        .collect();
    // Still broken: the canary's run fails again in the app, and nothing else is touched.
    let resume = || {
        let mut c = rig.sb.dlq();
        c.args(["resume", "--label", "canary-rehearsal", "--all"])
            .args(["--canary", "1", "--yes"])
            .timeout(Duration::from_secs(180));
        c
    };
    let stopped = resume()
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--past-canary"))
        .get_output()
        .clone();
    let canary = resumed_runs(&rig.sb);
    assert_eq!(canary.len(), 1, "only the canary was resumed");
    let canary_run = canary[0]["workflowRunId"].as_str().unwrap();
    assert_eq!(
        rig.executed(canary_run),
        ["step-two", "step-two", "failure 500"]
    );
    assert_eq!(rig.run(canary_run)["workflowState"], "RUN_FAILED");
    let (_, v) = rig.sb.http("GET", "/v2/workflows/dlq");
    let now: Vec<&str> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap())
        .collect();
    let untouched = before
        .iter()
        .filter(|id| now.contains(&id.as_str()))
        .count();
    assert_eq!((now.len(), untouched), (5, 4), "{now:?}");

    // Fixed: the canary finishes, and the rest goes on; no run does step one again. The
    // stopped job still holds the four it never sent (its `--continue --past-canary` would
    // send them): a new job with a new canary takes them once that job is forgotten.
    rig.set("fail", false);
    rig.sb
        .dlq()
        .args(["jobs", "forget", &job_of(&stopped.stderr)])
        .assert()
        .success();
    let out = resume()
        .assert()
        .success()
        .stderr(predicate::str::contains("canary: 1 of 1"))
        .get_output()
        .clone();
    let job = job_of(&out.stderr);
    let all = resumed_runs(&rig.sb);
    assert_eq!(all.len(), 6);
    for r in &all[1..] {
        let id = r["workflowRunId"].as_str().unwrap();
        rig.wait(id, "RUN_SUCCESS", None);
        assert_eq!(rig.executed(id), ["step-two"], "{id}");
    }
    for run in &runs {
        assert_eq!(rig.executed(run)[0], "step-one");
        assert_eq!(
            rig.executed(run)
                .iter()
                .filter(|s| *s == "step-one")
                .count(),
            1
        );
    }
    let (_, v) = rig.sb.http("GET", "/v2/workflows/dlq");
    assert_eq!(v["messages"].as_array().unwrap().len(), 0, "{v}");
    // `dlq verify` reads the same outcome from the workflow logs.
    rig.sb
        .dlq()
        .args(["verify", &job])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("5 delivered"));
}
