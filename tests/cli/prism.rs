//! Prism, the independent referee: `prism mock` serves examples of the official OpenAPI,
//! `prism proxy --errors` forwards to a real server and fails any request or response that
//! breaks the spec. The specs come from `DLQ_SPEC_DIR` (default `../shared/spec`); tests that
//! need them start with [`have_spec`].

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
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

/// The official OpenAPI files the spec tests need, all in one directory.
const SPEC_FILES: [&str; 2] = ["qstash-openapi.yaml", "workflow-openapi.yaml"];

/// Where the official OpenAPI is: `DLQ_SPEC_DIR`, else `../shared/spec` beside the repository
/// (where CI puts it; a fresh clone has no such directory).
pub fn spec_dir() -> PathBuf {
    match std::env::var_os("DLQ_SPEC_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
            repo.parent().unwrap_or(repo).join("shared/spec")
        }
    }
}

fn spec_missing() -> String {
    format!(
        "the official OpenAPI is not in {} (set DLQ_SPEC_DIR to the directory holding {} and {})",
        spec_dir().display(),
        SPEC_FILES[0],
        SPEC_FILES[1]
    )
}

/// The guard at the top of every test that needs the official OpenAPI. Without it the test
/// says so in one line and returns, so a fresh clone passes its own test command; with
/// `DLQ_REQUIRE_SPEC=1` (as `.ci/run` sets) a missing spec fails the test instead, so CI can
/// never skip these silently.
pub fn have_spec() -> bool {
    let dir = spec_dir();
    if SPEC_FILES.iter().all(|f| dir.join(f).is_file()) {
        return true;
    }
    crate::common::skip_without("DLQ_REQUIRE_SPEC", &spec_missing())
}

/// The path of one official spec file; a test that forgot [`have_spec`] fails here in one
/// line rather than with Prism's usage text.
pub fn spec(name: &str) -> String {
    let path = spec_dir().join(name);
    assert!(path.is_file(), "{}", spec_missing());
    path.display().to_string()
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

    /// Starts Prism on a free port. The port is free when chosen but another process may take
    /// it before Prism binds it: then Prism exits with EADDRINUSE and a new port is tried.
    /// Ready when Prism says it is listening on its own port, not when anything accepts there.
    fn start(args: &[&str]) -> Prism {
        for _ in 0..3 {
            if let Some(p) = Prism::try_start(args) {
                return p;
            }
        }
        panic!("Prism found its port taken three times");
    }

    fn try_start(args: &[&str]) -> Option<Prism> {
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
        let ready = format!("Prism is listening on http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(90);
        while !p.log().contains(&ready) {
            if let Ok(Some(status)) = p.child.try_wait() {
                let log = p.log();
                if log.contains("EADDRINUSE") {
                    return None;
                }
                panic!("Prism exited ({status}) before listening:\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not start in 90s:\n{}",
                p.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // Said just before the socket accepts: wait for that too.
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Prism said it listens but does not"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(p)
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
