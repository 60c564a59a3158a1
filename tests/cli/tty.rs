//! A real terminal for tests: the command runs in a tmux pane of a private server; tests type
//! keys and read the rendered screen, as a person would.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Screen {
    sock: PathBuf,
    _dir: tempfile::TempDir,
}

impl Screen {
    /// Runs `argv` with `env` in a `cols`x`rows` pane; the pane prints `EXIT=<code>` when the
    /// command ends and stays open.
    pub fn start(argv: &[String], env: &[(&str, &str)], cols: u16, rows: u16) -> Screen {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("tmux.sock");
        let quoted: Vec<String> = argv
            .iter()
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect();
        let mut vars: Vec<String> = env
            .iter()
            .map(|(k, v)| format!("{k}='{}'", v.replace('\'', "'\\''")))
            .collect();
        vars.push("TERM=xterm-256color".into());
        // Nothing of this machine's dlq settings (a token, a region, COLUMNS) reaches the pane.
        let unset: String = std::env::vars()
            .filter(|(k, _)| crate::common::read_by_dlq(k))
            .map(|(k, _)| format!("-u {k} "))
            .collect();
        let script = format!(
            "env {unset}{} {}; echo EXIT=$?; sleep 3600",
            vars.join(" "),
            quoted.join(" ")
        );
        let status = Command::new("tmux")
            .arg("-S")
            .arg(&sock)
            .args(["-f", "/dev/null", "new-session", "-d", "-s", "t"])
            .args(["-x", &cols.to_string(), "-y", &rows.to_string()])
            // Files a session writes (a backup, an export) land here, not in the repository.
            .arg("-c")
            .arg(dir.path())
            .arg(script)
            .status()
            .expect("tmux must be installed for terminal tests (apt-get install tmux)");
        assert!(status.success());
        Screen { sock, _dir: dir }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Presses keys by tmux name: `Enter`, `Escape`, `Down`, `C-c`.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Types text literally.
    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    /// The whole pane, scrollback included, long lines joined.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-t", "t", "-S", "-3000"])
    }

    /// Waits until the screen shows `needle` (as many times as `times`), and returns it.
    pub fn wait_n(&self, needle: &str, times: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s = self.screen();
            if s.matches(needle).count() >= times {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {needle:?} ({times}x):\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait(&self, needle: &str) -> String {
        self.wait_n(needle, 1)
    }

    /// Waits for the command to end and returns its exit code.
    pub fn exit_code(&self) -> i32 {
        let s = self.wait("EXIT=");
        let tail = s.rsplit("EXIT=").next().unwrap();
        tail.split_whitespace().next().unwrap().parse().unwrap()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .arg("kill-server")
            .status();
    }
}
