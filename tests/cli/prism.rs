//! Prism, the independent referee: `prism mock` serves examples of the official OpenAPI,
//! `prism proxy --errors` forwards to a real server and fails any request or response that
//! breaks the spec.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Prism {
    child: Child,
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// The Prism executable: `DLQ_PRISM`, else the copy `.ci/run` installs, else `prism` on PATH.
fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("DLQ_PRISM") {
        return p.into();
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let local = home.join(".cache/dlq-prism/node_modules/.bin/prism");
    if local.exists() {
        return local;
    }
    PathBuf::from("prism")
}

pub fn spec(name: &str) -> String {
    format!("{}/../shared/spec/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Prism {
    /// `prism mock` of one of the official specs (`qstash-openapi.yaml`, `workflow-openapi.yaml`).
    pub fn mock(spec_name: &str) -> Prism {
        Prism::start(&["mock", &spec(spec_name)])
    }

    /// `prism proxy --errors` of a spec in front of `upstream`.
    pub fn proxy(spec_name: &str, upstream: &str) -> Prism {
        Prism::start(&["proxy", &spec(spec_name), upstream, "--errors"])
    }

    fn start(args: &[&str]) -> Prism {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("prism.log");
        let port = free_port();
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(binary())
            .args(args)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run Prism ({e}); install it with \
                     `npm install --prefix ~/.cache/dlq-prism @stoplight/prism-cli@5.16.0` (as .ci/run does) \
                     or point DLQ_PRISM at it"
                )
            });
        let mut p = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("Prism exited ({status}) before listening:\n{}", p.log());
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not start in 90s:\n{}",
                p.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        p
    }

    /// Everything Prism printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The violation lines Prism logged (requests or responses that break the spec).
    pub fn violations(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| {
                // Prism logs both request (422) and response (500, sl-violations) failures so.
                l.contains("Request terminated with error")
                    || l.to_ascii_lowercase().contains("violation")
            })
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
