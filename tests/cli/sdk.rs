//! The official SDKs, pinned in `tests/sdk/package.json` and installed by `scripts/test` into
//! `~/.cache/dlq-sdk` (`DLQ_NODE_MODULES` says where): tests that drive the sandbox with them
//! start with [`have_sdk`], and run their scripts with [`node`].

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

/// Where the pinned SDKs are: `DLQ_NODE_MODULES`, else the copy `scripts/test` installs.
pub fn node_modules() -> PathBuf {
    if let Some(p) = std::env::var_os("DLQ_NODE_MODULES").filter(|p| !p.is_empty()) {
        return p.into();
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".cache/dlq-sdk/node_modules")
}

/// The guard at the top of every test that needs the official SDKs. Without them the test
/// says so in one line and passes; with `DLQ_REQUIRE_SDK=1` (as `.ci/run` sets) it fails.
pub fn have_sdk() -> bool {
    let dir = node_modules();
    let found = ["@upstash/qstash", "@upstash/workflow"]
        .iter()
        .all(|p| dir.join(p).join("package.json").is_file());
    if found {
        return true;
    }
    let why = format!(
        "the official SDKs are not in {} (run scripts/test, which installs them, or set \
         DLQ_NODE_MODULES)",
        dir.display()
    );
    crate::common::skip_without("DLQ_REQUIRE_SDK", &why)
}

/// Runs an ES module with node, the pinned SDKs importable by name, and `env` set; killed
/// after `timeout`. The script is written to a temporary file so that stack traces name lines.
pub fn node(script: &str, env: &[(&str, &str)], timeout: Duration) -> Output {
    let dir = tempfile::tempdir().unwrap();
    // Node resolves bare imports from the script's own directory upwards: a link to the
    // installed node_modules beside it is the simplest way to make them resolvable.
    #[cfg(unix)]
    std::os::unix::fs::symlink(node_modules(), dir.path().join("node_modules")).unwrap();
    let file = dir.path().join("script.mjs");
    std::fs::write(&file, script).unwrap();
    let mut cmd = Command::new("node");
    cmd.arg(&file).current_dir(dir.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    // assert_cmd reads both pipes while it waits, and kills the script at the deadline.
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(timeout);
    cmd.output().expect("node is needed for the SDK tests")
}

/// A node script that keeps running (an app the sandbox calls), killed on drop. Started with
/// [`NodeApp::start`], it is ready once it printed a line `<key>=<value>`.
pub struct NodeApp {
    child: std::process::Child,
    /// The value of the line it printed when ready.
    pub url: String,
    _dir: tempfile::TempDir,
}

impl NodeApp {
    /// Runs the ES module at `script` (relative to the repository) with the pinned SDKs
    /// importable and `env` set, and waits for its line `<key>=...` (an `APP_URL=...`).
    pub fn start(script: &str, key: &str, env: &[(&str, &str)]) -> NodeApp {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(node_modules(), dir.path().join("node_modules")).unwrap();
        let file = dir.path().join("app.mjs");
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
        std::fs::copy(&src, &file).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        let mut cmd = Command::new("node");
        cmd.arg(&file)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("node is needed for the SDK tests");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let prefix = format!("{key}=");
        let url = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("{script} ended before printing {prefix}..."))
                .unwrap();
            if let Some(v) = line.strip_prefix(&prefix) {
                break v.to_string();
            }
        };
        // Keep draining stdout so the app never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        NodeApp {
            child,
            url,
            _dir: dir,
        }
    }
}

impl Drop for NodeApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
