//! Test harness: a hermetic `dlq` command, a sandbox process, raw HTTP helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;

/// `dlq` with no token, config or state from the developer's machine.
pub fn dlq(home: &tempfile::TempDir) -> Command {
    let mut c = Command::from_std(dlq_std(home));
    c.timeout(Duration::from_secs(120));
    c
}

/// The same, as a plain process (for tests that signal it).
pub fn dlq_std(home: &tempfile::TempDir) -> StdCommand {
    let mut c = StdCommand::new(assert_cmd::cargo::cargo_bin("dlq"));
    hermetic(&mut c, home);
    c
}

/// Whether `dlq` reads `var`: a developer's or CI's value of it must not reach a test.
pub fn read_by_dlq(var: &str) -> bool {
    var.starts_with("DLQ_")
        || var.starts_with("QSTASH_")
        || var.ends_with("_QSTASH_TOKEN")
        || var.ends_with("_QSTASH_URL")
        || matches!(
            var,
            "COLUMNS" | "LINES" | "TERM" | "CLICOLOR" | "CLICOLOR_FORCE"
        )
}

/// Clears what the developer's machine could leak into a test: tokens, profiles, config,
/// limits, the terminal; only the spec location (`DLQ_SPEC_DIR`) and Prism's are kept.
pub fn hermetic(c: &mut StdCommand, home: &tempfile::TempDir) {
    for (k, _) in std::env::vars() {
        if read_by_dlq(&k) && !matches!(k.as_str(), "DLQ_SPEC_DIR" | "DLQ_PRISM") {
            c.env_remove(k);
        }
    }
    c.env("DLQ_CONFIG_DIR", home.path().join("config"))
        .env("DLQ_STATE_DIR", home.path().join("state"))
        .env("HOME", home.path())
        .env("NO_COLOR", "1");
}

/// A `dlq sandbox` process on a free port; killed on drop. When the test fails, the drop
/// prints what the sandbox said on stderr and the last requests it received, so a failure on a
/// loaded machine shows what the server saw and not only the assertion.
pub struct Sandbox {
    child: Child,
    pub url: String,
    pub token: String,
    pub home: tempfile::TempDir,
    stderr: Arc<Mutex<String>>,
}

impl Sandbox {
    /// Starts `dlq sandbox --port 0 <args>` and reads its first two lines.
    pub fn start(args: &[&str]) -> Sandbox {
        Sandbox::start_on(0, args)
    }

    /// The same on a given port (0: a free one), for a sandbox restarted where it was.
    pub fn start_on(port: u16, args: &[&str]) -> Sandbox {
        let home = tempfile::tempdir().unwrap();
        let bin = assert_cmd::cargo::cargo_bin("dlq");
        let mut cmd = StdCommand::new(bin);
        for (k, _) in std::env::vars().filter(|(k, _)| read_by_dlq(k)) {
            cmd.env_remove(k);
        }
        let mut child = cmd
            .arg("sandbox")
            .args(["--port", &port.to_string()])
            .args(args)
            .env("DLQ_STATE_DIR", home.path().join("state"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dlq sandbox");
        // Kept for the failure message: inherited, it would land in the run's output
        // unattributed, interleaved with every other test's.
        let stderr = Arc::new(Mutex::new(String::new()));
        let drain = BufReader::new(child.stderr.take().unwrap());
        let into = stderr.clone();
        let said = std::thread::spawn(move || {
            for line in drain.lines().map_while(Result::ok) {
                let mut s = into.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = ["QSTASH_URL=", "QSTASH_TOKEN="].map(|prefix| {
            let line = lines.next();
            match &line {
                Some(Ok(l)) if l.starts_with(prefix) => Ok(l[prefix.len()..].to_string()),
                _ => Err(format!("expected {prefix}..., got {line:?}")),
            }
        });
        if let Some(Err(e)) = first.iter().find(|l| l.is_err()) {
            let _ = child.kill();
            let status = child.wait();
            // The drain ends with the process: its stderr is whole.
            let _ = said.join();
            panic!(
                "dlq sandbox {args:?}: {e} ({status:?}); its stderr:\n{}",
                stderr.lock().unwrap()
            );
        }
        let [url, token] = first.map(|l| l.unwrap_or_default());
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Sandbox {
            child,
            url,
            token,
            home,
            stderr,
        }
    }

    /// What the sandbox has printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `dlq` pointed at this sandbox through the environment.
    pub fn dlq(&self) -> Command {
        let mut c = dlq(&self.home);
        c.env("QSTASH_URL", &self.url)
            .env("QSTASH_TOKEN", &self.token);
        c
    }

    /// The same, as a plain process (for tests that signal it).
    pub fn dlq_std(&self) -> StdCommand {
        let mut c = dlq_std(&self.home);
        c.env("QSTASH_URL", &self.url)
            .env("QSTASH_TOKEN", &self.token);
        c
    }

    /// A raw request with the bearer token; returns status and parsed JSON body (Null if empty).
    pub fn http(&self, method: &str, path_and_query: &str) -> (u16, serde_json::Value) {
        http(
            method,
            &format!("{}{}", self.url, path_and_query),
            Some(&self.token),
            None,
        )
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Printed on the test's thread: the harness shows it with the failure.
            eprintln!("{}", self.post_mortem());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How many of the last requests a failed test shows.
const LAST_REQUESTS: usize = 30;

impl Sandbox {
    /// The sandbox's own account, for a failed test: whether it is still running, its stderr,
    /// and the last requests it received with their replies.
    fn post_mortem(&mut self) -> String {
        let mut out = format!("--- sandbox {} ---\n", self.url);
        match self.child.try_wait() {
            Ok(Some(status)) => out.push_str(&format!("it had exited: {status}\n")),
            _ => out.push_str("it was running\n"),
        }
        let said = self.stderr();
        out.push_str(&format!("stderr:\n{said}"));
        let requests = http_once(
            "GET",
            &format!("{}/__sandbox/requests", self.url),
            Some(&self.token),
            None,
        );
        match requests {
            Ok((200, serde_json::Value::Array(all))) => {
                let from = all.len().saturating_sub(LAST_REQUESTS);
                out.push_str(&format!(
                    "last {} of {} requests (method path?query -> status, at ms, took ms):\n",
                    all.len() - from,
                    all.len()
                ));
                for r in &all[from..] {
                    out.push_str(&format!(
                        "  {} {}?{} -> {} at {} took {}\n",
                        r["method"].as_str().unwrap_or("?"),
                        r["path"].as_str().unwrap_or("?"),
                        r["query"].as_str().unwrap_or(""),
                        r["status"],
                        r["at"],
                        r["took_ms"]
                    ));
                }
            }
            other => out.push_str(&format!("its requests could not be read: {other:?}\n")),
        }
        out
    }
}

/// A raw HTTP call, retried through the faults a sandbox may inject (429, 5xx, resets), so
/// a test's own view of the state is exact; any other status is returned, never an error.
pub fn http(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut last = String::new();
    for attempt in 0..30 {
        match http_once(method, url, token, body) {
            Ok((status, v)) if status != 429 && status < 500 => return (status, v),
            Ok(r) if attempt == 29 => return r,
            Ok((status, v)) => last = format!("{status} {v}"),
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{method} {url}: no answer after 30 attempts; the last: {last}")
}

/// One raw HTTP call; `Err` says why the connection failed.
fn http_once(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, serde_json::Value), String> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let mut req = agent.request(method, url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let resp = match body {
        Some(b) => req.set("Content-Type", "application/json").send_string(b),
        None => req.call(),
    };
    let resp = match resp {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(e.to_string()),
    };
    let status = resp.status();
    let text = resp.into_string().unwrap_or_default();
    let json = if text.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    Ok((status, json))
}

/// Parses NDJSON output into values.
pub fn ndjson(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

impl Sandbox {
    /// DLQ ids currently in the sandbox (`list --all -o ids` via plain HTTP paging).
    pub fn ids(&self, workflow: bool) -> Vec<String> {
        let base = if workflow {
            "/v2/workflows/dlq"
        } else {
            "/v2/dlq"
        };
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let q = match &cursor {
                Some(c) => format!("{base}?count=100&cursor={c}"),
                None => format!("{base}?count=100"),
            };
            let (status, v) = self.http("GET", &q);
            assert_eq!(status, 200, "{q}: {v}");
            for m in v["messages"].as_array().unwrap() {
                out.push(m["dlqId"].as_str().unwrap().to_string());
            }
            match v["cursor"].as_str() {
                Some(c) if !c.is_empty() => cursor = Some(c.to_string()),
                _ => break,
            }
        }
        out
    }

    /// Every entry as `dlq list --all -o ndjson` prints it.
    pub fn listed(&self, workflow: bool) -> Vec<serde_json::Value> {
        let mut c = self.dlq();
        c.args(["list", "--all", "-o", "ndjson"]);
        if workflow {
            c.arg("--workflow");
        }
        ndjson(&c.assert().success().get_output().stdout)
    }

    /// Whole entries currently in the sandbox, as JSON.
    pub fn entries(&self, workflow: bool) -> Vec<serde_json::Value> {
        self.ids(workflow)
            .iter()
            .map(|id| {
                let base = if workflow {
                    "/v2/workflows/dlq"
                } else {
                    "/v2/dlq"
                };
                self.http("GET", &format!("{base}/{id}")).1
            })
            .collect()
    }

    /// How many times each mutation was applied to `id` (`/__sandbox/applied`).
    pub fn applied(&self, id: &str, mutation: &str) -> u64 {
        let (_, v) = self.http("GET", "/__sandbox/applied");
        v[id][mutation].as_u64().unwrap_or(0)
    }

    /// The whole `/__sandbox/applied` map.
    pub fn applied_all(&self) -> serde_json::Map<String, serde_json::Value> {
        let (status, v) = self.http("GET", "/__sandbox/applied");
        assert_eq!(status, 200, "/__sandbox/applied: {v}");
        v.as_object().cloned().unwrap_or_default()
    }

    /// What `dlq ARGS` prints on stdout as JSON, against this sandbox's home; it must succeed.
    fn json_of(&self, args: &[&str]) -> serde_json::Value {
        let out = self
            .dlq()
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `dlq jobs -o json`.
    pub fn jobs_listed(&self) -> serde_json::Value {
        self.json_of(&["jobs", "-o", "json"])
    }

    /// `dlq jobs show JOB -o json`.
    pub fn job_shown(&self, job: &str) -> serde_json::Value {
        self.json_of(&["jobs", "show", job, "-o", "json"])
    }

    /// The entries `dlq verify JOB --wait 0s` follows, by DLQ id, and what it said on stderr.
    pub fn verified_now(&self, job: &str) -> (std::collections::BTreeSet<String>, String) {
        let out = self
            .dlq()
            .args(["verify", job, "--wait", "0s", "-o", "ndjson"])
            .assert()
            .get_output()
            .clone();
        let followed = ndjson(&out.stdout)
            .iter()
            .filter(|l| l.get("verified").is_some())
            .map(|l| l["dlqId"].as_str().unwrap().to_string())
            .collect();
        (followed, String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// The DLQ API requests the sandbox received, oldest first.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        let (status, v) = self.http("GET", "/__sandbox/requests");
        assert_eq!(status, 200, "/__sandbox/requests: {v}");
        match v {
            serde_json::Value::Array(a) => a,
            other => other["requests"].as_array().cloned().unwrap_or_default(),
        }
    }
}

/// A request header by case-insensitive name, whether stored as a string or a list.
pub fn header(req: &serde_json::Value, name: &str) -> Option<String> {
    let headers = req["headers"].as_object()?;
    let (_, v) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(a) => a.first().and_then(|s| s.as_str()).map(str::to_string),
        _ => None,
    }
}

/// One request with a bearer token and an optional JSON body; no retries, no redirects
/// followed. The status and the body (JSON, else a string, else null), whatever the status.
pub fn raw_body(
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(30))
        .redirects(0)
        .build();
    let mut req = agent
        .request(method, &format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let resp = match body {
        Some(b) => req
            .set("Content-Type", "application/json")
            .send_string(&b.to_string()),
        None => req.call(),
    };
    let resp = match resp {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = resp.status();
    let text = resp.into_string().unwrap_or_default();
    let json = if text.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    (status, json)
}

/// [`raw_body`] without a body.
pub fn raw(
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    raw_body(base, token, method, path, headers, None)
}

/// Polls `f` until it gives a value, for what happens on another process's schedule (a
/// delivery, a scrape, a journal line); fails the test naming `what` after `secs` seconds. The
/// one polling helper of the suite: a deadline, never a fixed sleep that hopes it was enough.
pub fn wait_for<T>(what: &str, secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What a test that needs an outside tool (the official spec, the SDKs, Prometheus) does when
/// the tool is missing: with `require` set in the environment (as `.ci/run` sets each) it fails;
/// else it says `skipped <test>: <why>` in one line and the caller returns. Written straight
/// to stderr, past libtest's capture, which would hide a passing test's output, in one write
/// so that parallel tests cannot interleave inside the line. Returns false, for `have_*`.
pub fn skip_without(require: &str, why: &str) -> bool {
    let required = std::env::var(require).is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(!required, "{require} is set, but {why}");
    // libtest names each test's thread after the test.
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let line = format!("skipped {test}: {why}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
    false
}

/// The job a `continue with: [VAR=… ]dlq [target flags] VERB --continue JOB` line (or hint)
/// names; `None` when `line` is not such a line.
pub fn continue_job<'a>(line: &'a str, verb: &str) -> Option<&'a str> {
    let (_, rest) = line.split_once("continue with: ")?;
    let (_, after) = rest.split_once(&format!(" {verb} --continue "))?;
    after.split_whitespace().next()
}
