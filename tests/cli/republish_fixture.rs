//! The fixture of the `dlq republish` tests: a sandbox whose QStash DLQ holds entries that
//! move, entries refused in the plan and entries outside the selection, and a real HTTP server
//! as the new destination, with the checks that hold an account to what both of them hold.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{continue_job, ndjson, Sandbox};
use crate::hostile::{Hostile, Reply};

/// Entries that move (label `billing`, a JSON body), that are refused in the plan (label
/// `billing`, no rule for their URL, or a body that is not JSON), and that are outside the
/// selection (label `other`).
pub const MOVING: usize = 24;
pub const NO_RULE: usize = 3;
pub const NOT_JSON: usize = 2;
pub const OUTSIDE: usize = 4;

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub sb: Sandbox,
    pub rx: Hostile,
    /// DLQ id of each moving entry, by its body's `n`.
    pub moving: BTreeMap<u64, String>,
    pub refused: BTreeSet<String>,
    pub outside: BTreeSet<String>,
}

pub fn fixture(sandbox_args: &[&str]) -> Fixture {
    let now = jiff::Timestamp::now().as_millisecond();
    let mut lines = Vec::new();
    let mut moving = BTreeMap::new();
    let (mut refused, mut outside) = (BTreeSet::new(), BTreeSet::new());
    let entry = |i: usize, url: &str, label: &str, body: &str| {
        json!({"dlqId": format!("{}-{i}", now - 60_000), "messageId": format!("msg_old_{i}"),
            "url": url, "method": "PUT", "maxRetries": 0, "createdAt": now - 90_000,
            "responseStatus": 503, "label": label, "labels": [label],
            "header": {"Content-Type": ["application/json"], "X-Old-Auth": ["Bearer old"],
                       "X-Keep": ["kept"]},
            "body": body})
    };
    let mut i = 0;
    for n in 0..MOVING {
        i += 1;
        let body = json!({"n": n, "amount": "12.5"}).to_string();
        let e = entry(i, &format!("http://old.example/hook/{n}"), "billing", &body);
        moving.insert(n as u64, e["dlqId"].as_str().unwrap().into());
        lines.push(e);
    }
    for n in 0..NO_RULE {
        i += 1;
        let e = entry(i, &format!("http://gone.example/x/{n}"), "billing", "{}");
        refused.insert(e["dlqId"].as_str().unwrap().into());
        lines.push(e);
    }
    for n in 0..NOT_JSON {
        i += 1;
        let e = entry(
            i,
            "http://old.example/hook/text",
            "billing",
            &format!("n={n}"),
        );
        refused.insert(e["dlqId"].as_str().unwrap().into());
        lines.push(e);
    }
    for n in 0..OUTSIDE {
        i += 1;
        let e = entry(i, &format!("http://old.example/hook/o{n}"), "other", "{}");
        outside.insert(e["dlqId"].as_str().unwrap().into());
        lines.push(e);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let mut args = vec!["--fixture", path.to_str().unwrap()];
    args.extend_from_slice(sandbox_args);
    Fixture {
        sb: Sandbox::start(&args),
        _dir: dir,
        rx: Hostile::start(|_, _| Reply::json(200, "{}")),
        moving,
        refused,
        outside,
    }
}

impl Fixture {
    /// The republish every test runs: the old host moved to the receiver, a header dropped and
    /// one set, the amount made a number.
    pub fn republish(&self, extra: &[&str]) -> Vec<String> {
        let mut a: Vec<String> = [
            "republish",
            "--label",
            "billing",
            "--all",
            "--rewrite-url",
            &format!("http://old.example={}/new", self.rx.url),
            "--drop-header",
            "x-old-auth",
            "--header",
            "X-Tenant: 7",
            "--body-jq",
            ".amount |= tonumber",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    }

    /// Waits until the receiver holds every moving entry's delivery, then holds the account to
    /// the truth: each delivered once, changed as asked, removed from the DLQ, and nothing else
    /// touched. Returns the message id the sandbox gave each delivery, by DLQ id.
    pub fn check_delivered_once(&self) -> BTreeMap<String, String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.deliveries().len() < MOVING {
            assert!(
                Instant::now() < deadline,
                "{} deliveries",
                self.deliveries().len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
        for r in self.deliveries() {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            let n = body["n"].as_u64().unwrap();
            *seen.entry(n).or_default() += 1;
            assert_eq!(r.method, "PUT", "the entry's method is kept");
            assert_eq!(r.path(), format!("/new/hook/{n}"), "the prefix rewritten");
            assert_eq!(body["amount"], json!(12.5), "the body edited");
            let h = |k: &str| {
                r.headers
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
            };
            assert_eq!(h("x-tenant").as_deref(), Some("7"));
            assert_eq!(h("x-keep").as_deref(), Some("kept"));
            assert_eq!(h("x-old-auth"), None, "dropped");
            assert_eq!(h("content-type").as_deref(), Some("application/json"));
        }
        let want: BTreeMap<u64, usize> = self.moving.keys().map(|n| (*n, 1)).collect();
        assert_eq!(seen, want, "each moving entry delivered exactly once");
        // The sandbox's truth: one message made per moving entry, each delivered (retries 0),
        // so no other delivery can follow.
        let made = self.messages_to_receiver();
        assert_eq!(made.len(), MOVING, "{made:?}");
        let left: BTreeSet<String> = self.sb.ids(false).into_iter().collect();
        let want: BTreeSet<String> = self.refused.union(&self.outside).cloned().collect();
        assert_eq!(left, want, "moved entries gone; refused and outside kept");
        for id in &self.outside {
            assert!(self.sb.applied_all().get(id).is_none(), "{id} was touched");
        }
        made
    }

    pub fn deliveries(&self) -> Vec<crate::hostile::Request> {
        self.rx
            .requests()
            .into_iter()
            .filter(|r| r.path().starts_with("/new/"))
            .collect()
    }

    /// Message ids the sandbox created for the receiver, by the path they went to.
    pub fn messages_to_receiver(&self) -> BTreeMap<String, String> {
        messages_to(&self.sb, &self.rx.url)
    }

    /// The report's lines: outcomes by DLQ id (each once), and verifications.
    pub fn report(&self, path: &std::path::Path) -> (BTreeMap<String, Value>, Vec<Value>) {
        let text = std::fs::read(path).unwrap();
        let mut outcomes = BTreeMap::new();
        let mut verified = Vec::new();
        for l in ndjson(&text) {
            if l.get("verified").is_some() {
                verified.push(l);
            } else if let Some(id) = l["dlqId"].as_str() {
                if l["outcome"] == "done" {
                    assert!(
                        !outcomes
                            .get(id)
                            .is_some_and(|o: &Value| o["outcome"] == "done"),
                        "{id} reported done twice"
                    );
                }
                outcomes.insert(id.to_string(), l);
            }
        }
        (outcomes, verified)
    }

    /// The report says what the truth says: every moving entry done with the message the
    /// sandbox made for it, every refused entry failed with the plan's reason.
    pub fn check_report(&self, path: &std::path::Path, made: &BTreeMap<String, String>) {
        let (outcomes, _) = self.report(path);
        for (n, id) in &self.moving {
            let o = &outcomes[id];
            assert_eq!(o["outcome"], "done", "{o}");
            let m = o["messageId"].as_str().unwrap();
            assert!(made[m].ends_with(&format!("/new/hook/{n}")), "{o} {made:?}");
        }
        for id in &self.refused {
            let o = &outcomes[id];
            assert_eq!(o["outcome"], "failed", "{o}");
            assert!(
                o["error"].as_str().unwrap().contains("refused in the plan"),
                "{o}"
            );
        }
        for id in &self.outside {
            assert!(
                !outcomes.contains_key(id),
                "{id} outside the selection reported"
            );
        }
    }

    /// `dlq jobs show` agrees with the truth.
    pub fn check_job(&self, job: &str) {
        let shown = self.sb.job_shown(job);
        assert_eq!(shown["counts"]["done"], json!(MOVING), "{shown}");
        assert_eq!(
            shown["counts"]["failed"],
            json!(NO_RULE + NOT_JSON),
            "{shown}"
        );
    }
}

pub fn job_of(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| continue_job(l, "republish"))
        .map(String::from)
        .or_else(|| {
            // A finished run names its job in the summary.
            stderr
                .split_whitespace()
                .find(|w| w.starts_with("republish-"))
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                        .into()
                })
        })
        .unwrap_or_else(|| panic!("no job in {stderr}"))
}

/// Waits until the job's journal holds at least `n` accepted publishes; the run must go on.
pub fn wait_published(f: &Fixture, child: &mut std::process::Child, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let events = std::fs::read_dir(f.sb.home.path().join("state/jobs"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.unwrap().path().join("events.ndjson")).ok())
            .unwrap_or_default();
        if events.matches("\"published\"").count() >= n {
            return;
        }
        assert!(Instant::now() < deadline, "not {n} publishes in time");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("ended too soon: {status}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

impl Fixture {
    /// Starts `dlq <args>` in the background, its stderr kept.
    pub fn start(&self, args: Vec<String>) -> std::process::Child {
        self.sb
            .dlq_std()
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// The moving entries republished one request at a time, one message a batch, interrupted
    /// (SIGINT) once `n` publishes are journaled; the job, which must have stopped mid-run, and
    /// what it said.
    pub fn interrupted_after(&self, n: usize, report: &str) -> (String, String) {
        let mut child = self.start(self.republish(&[
            "--yes",
            "--concurrency",
            "1",
            "--batch-size",
            "1",
            "--report",
            report,
        ]));
        wait_published(self, &mut child, n);
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(130), "{err}");
        let left = self.sb.ids(false).len();
        assert!(
            left > OUTSIDE + NO_RULE + NOT_JSON,
            "the interrupt came mid-run: {left} left"
        );
        (job_of(&err), err)
    }
}

/// Message ids the sandbox created for destinations under `prefix`, by the URL they went to:
/// its truth of what was published there.
pub fn messages_to(sb: &Sandbox, prefix: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let (status, v) = sb.http("GET", &format!("/v2/logs?count=100{cursor}"));
        assert_eq!(status, 200, "{v}");
        for l in v["logs"].as_array().unwrap() {
            let url = l["url"].as_str().unwrap_or("");
            if url.starts_with(prefix) && l["state"] == "CREATED" {
                out.insert(
                    l["messageId"].as_str().unwrap().to_string(),
                    url.to_string(),
                );
            }
        }
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = format!("&cursor={c}"),
            _ => break,
        }
    }
    out
}
