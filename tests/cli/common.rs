//! Test harness: a hermetic `dlq` command, a sandbox process, raw HTTP helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::Duration;

use assert_cmd::Command;

/// `dlq` with no token, config or state from the developer's machine.
pub fn dlq(home: &tempfile::TempDir) -> Command {
    let mut c = Command::cargo_bin("dlq").unwrap();
    for var in [
        "QSTASH_TOKEN",
        "QSTASH_URL",
        "QSTASH_REGION",
        "DLQ_PROFILE",
        "DLQ_FORCE_TTY",
        "COLUMNS",
    ] {
        c.env_remove(var);
    }
    for (k, _) in std::env::vars() {
        if k.ends_with("_QSTASH_TOKEN") || k.ends_with("_QSTASH_URL") {
            c.env_remove(k);
        }
    }
    c.env("DLQ_CONFIG_DIR", home.path().join("config"))
        .env("DLQ_STATE_DIR", home.path().join("state"))
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120));
    c
}

/// A `dlq sandbox` process on a free port; killed on drop.
pub struct Sandbox {
    child: Child,
    pub url: String,
    pub token: String,
    pub home: tempfile::TempDir,
}

impl Sandbox {
    /// Starts `dlq sandbox --port 0 <args>` and reads its first two lines.
    pub fn start(args: &[&str]) -> Sandbox {
        let home = tempfile::tempdir().unwrap();
        let bin = assert_cmd::cargo::cargo_bin("dlq");
        let mut child = StdCommand::new(bin)
            .arg("sandbox")
            .args(["--port", "0"])
            .args(args)
            .env("DLQ_STATE_DIR", home.path().join("state"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn dlq sandbox");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = |prefix: &str| -> String {
            let line = lines.next().expect("sandbox printed nothing").unwrap();
            line.strip_prefix(prefix)
                .unwrap_or_else(|| panic!("expected {prefix}..., got {line:?}"))
                .to_string()
        };
        let url = next("QSTASH_URL=");
        let token = next("QSTASH_TOKEN=");
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Sandbox {
            child,
            url,
            token,
            home,
        }
    }

    /// `dlq` pointed at this sandbox through the environment.
    pub fn dlq(&self) -> Command {
        let mut c = dlq(&self.home);
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
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP call; any status is returned, never an error.
pub fn http(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
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
        Err(e) => panic!("{method} {url}: {e}"),
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

/// Parses NDJSON output into values.
pub fn ndjson(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}
