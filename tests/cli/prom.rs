//! The monitoring stack for tests: a `dlq exporter` process in front of a sandbox, a real
//! Prometheus (from the distribution's `prometheus` package) that scrapes it, and `promtool`.
//! Tests that need Prometheus start with [`have_prometheus`]; each process is killed on drop.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::Sandbox;

/// The guard at the top of every test that needs `prometheus` and `promtool`. Without them
/// the test says so in one line and passes; with `DLQ_REQUIRE_PROMETHEUS=1` (as `.ci/run`
/// sets) it fails.
pub fn have_prometheus() -> bool {
    let found = ["prometheus", "promtool"].iter().all(|b| {
        Command::new(b)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found {
        return true;
    }
    crate::common::skip_without(
        "DLQ_REQUIRE_PROMETHEUS",
        "prometheus and promtool are not on PATH (apt-get install prometheus)",
    )
}

/// A free loopback port (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `dlq exporter` in front of a sandbox; killed on drop. Its stderr is kept.
pub struct Exporter {
    pub child: Child,
    pub url: String,
    pub stderr: Arc<Mutex<String>>,
}

impl Exporter {
    /// `dlq exporter --listen 127.0.0.1:0 <args>` against `sb`, once it says where it serves.
    pub fn start(sb: &Sandbox, args: &[&str]) -> Exporter {
        Exporter::spawn(sb.dlq_std(), args)
    }

    /// `<dlq> exporter --listen 127.0.0.1:0 <args>`, once it says where it serves: `dlq` is
    /// the command with whatever names the server (`--sandbox`, or its environment).
    pub fn spawn(mut dlq: Command, args: &[&str]) -> Exporter {
        let mut child = dlq
            .args(["exporter", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dlq exporter");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut said = String::new();
        // `--sandbox` says first where its own server is: the exporter's line names /metrics.
        let url = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("the exporter never said where it serves: {said}"))
                .unwrap();
            said.push_str(&format!("{line}\n"));
            if let Some(url) = line
                .split_whitespace()
                .find(|w| w.starts_with("http://") && w.contains("/metrics"))
            {
                break url.trim_end_matches(';').to_string();
            }
        };
        let stderr = Arc::new(Mutex::new(said));
        let kept = stderr.clone();
        std::thread::spawn(move || {
            for l in lines.map_while(Result::ok) {
                kept.lock().unwrap().push_str(&format!("{l}\n"));
            }
        });
        Exporter { child, url, stderr }
    }

    /// `/metrics` as the Prometheus text format (what curl gets).
    pub fn scrape(&self) -> String {
        get(&self.url, None)
    }

    /// One sample's value, by its whole name with labels as printed.
    pub fn value(&self, series: &str) -> Option<f64> {
        value(&self.scrape(), series)
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain GET; the body, or "" when the connection fails.
pub fn get(url: &str, accept: Option<&str>) -> String {
    let mut req = ureq::get(url).timeout(Duration::from_secs(10));
    if let Some(a) = accept {
        req = req.set("Accept", a);
    }
    match req.call() {
        Ok(r) => r.into_string().unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Whether the exporter's figures for `dlq` in `text` are fresh: read, and the last refresh
/// did not fail.
pub fn fresh(text: &str, dlq: &str) -> bool {
    value(text, &format!("dlq_exporter_ready{{dlq=\"{dlq}\"}}")) == Some(1.0)
        && value(text, &format!("dlq_exporter_stale{{dlq=\"{dlq}\"}}")) == Some(0.0)
}

/// The value of `series` (name and labels exactly as printed) in exposition text.
pub fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// A Prometheus server with its own config and storage in a tempdir, on a free loopback
/// port, scraping `targets` every second; killed on drop.
pub struct Prometheus {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    pub fn start(targets: &[&str]) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let list: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             scrape_configs:\n  - job_name: dlq\n    scrape_interval: 1s\n    scrape_timeout: 1s\n\
             \x20   static_configs:\n      - targets: [{}]\n",
            list.join(", ")
        );
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let port = free_port();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("prometheus.log")).unwrap(),
            ))
            .spawn()
            .expect("spawn prometheus");
        let p = Prometheus {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        crate::common::wait_for("Prometheus to be ready", 60, || {
            get(&format!("{}/-/ready", p.url), None)
                .contains("Ready")
                .then_some(())
        });
        p
    }

    /// The value of an instant query that returns one series; `None` while it returns none.
    pub fn query_one(&self, q: &str) -> Option<f64> {
        let url = format!("{}/api/v1/query?query={}", self.url, percent(q));
        let body = get(&url, None);
        let v: serde_json::Value = serde_json::from_str(&body).ok()?;
        let result = v["data"]["result"].as_array()?;
        assert!(result.len() <= 1, "{q} gave several series: {body}");
        result.first()?["value"][1].as_str()?.parse().ok()
    }

    /// Prometheus's own log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("prometheus.log")).unwrap_or_default()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `promtool` with `args`, `stdin` fed in; its exit status and all it said.
pub fn promtool(args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}
