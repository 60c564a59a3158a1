//! The persistent sandbox of `--sandbox`: commands take turns on its state, `dlq sandbox reset`
//! starts it afresh, and a fresh one is quiet in `dlq stats`. Also what `dlq sandbox` serves
//! when not told, and where it sends a verb given to it by mistake.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::common::{dlq, dlq_std, Sandbox};

fn sandboxed(home: &tempfile::TempDir, args: &[&str]) -> assert_cmd::Command {
    let mut c = dlq(home);
    c.arg("--sandbox").args(args);
    c
}

/// The ids `dlq --sandbox list --all` prints.
fn ids(home: &tempfile::TempDir, workflow: bool) -> Vec<String> {
    let mut c = sandboxed(home, &["list", "--all", "-o", "ids"]);
    if workflow {
        c.arg("--workflow");
    }
    let out = c.assert().success().get_output().stdout.clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn sandbox_dir(home: &tempfile::TempDir) -> PathBuf {
    home.path().join("state").join("sandbox")
}

fn state_token(home: &tempfile::TempDir) -> String {
    let text = std::fs::read(sandbox_dir(home).join("state.json")).unwrap();
    let v: Value = serde_json::from_slice(&text).unwrap();
    v["token"].as_str().unwrap().to_string()
}

#[test]
fn concurrent_sandbox_commands_take_turns_and_lose_no_change() {
    let home = tempfile::tempdir().unwrap();
    let before = ids(&home, false);
    let doomed = &before[..8];
    // Without the lock each command loads the state, deletes its one entry and writes the
    // state back whole, undoing the deletes of the others that ran at the same time.
    let children: Vec<_> = doomed
        .iter()
        .map(|id| {
            dlq_std(&home)
                .args(["--sandbox", "delete", id, "--yes"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let after = ids(&home, false);
    let kept: Vec<&String> = doomed.iter().filter(|id| after.contains(id)).collect();
    assert!(kept.is_empty(), "deleted, yet still there: {kept:?}");
    assert_eq!(after.len(), before.len() - doomed.len());
}

#[test]
fn a_command_kept_waiting_says_so_once_then_runs() {
    let home = tempfile::tempdir().unwrap();
    let dir = sandbox_dir(&home);
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::File::create(dir.join("lock")).unwrap();
    lock.lock().unwrap();
    let mut child = dlq_std(&home)
        .args(["--sandbox", "list", "-o", "ids"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    // The waiting line comes while the lock is still held here, and nothing before it.
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("no word from a command kept waiting");
    assert!(
        first.starts_with("waiting for another dlq --sandbox command to finish"),
        "{first}"
    );
    assert!(
        first.contains(&dir.join("lock").display().to_string()),
        "{first}"
    );
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let rest: Vec<String> = rx.iter().collect();
    assert!(
        !rest.iter().any(|l| l.starts_with("waiting for")),
        "said more than once: {rest:?}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 100);
}

#[test]
fn reset_starts_the_sandbox_state_afresh_with_a_new_token() {
    let home = tempfile::tempdir().unwrap();
    let first = ids(&home, false);
    assert_eq!(first.len(), 100);
    sandboxed(&home, &["delete", &first[0], "--yes"])
        .assert()
        .success();
    let old = state_token(&home);
    let out = dlq(&home)
        .args(["sandbox", "reset", "--seed", "5"])
        .assert()
        .success()
        .get_output()
        .clone();
    let said = String::from_utf8(out.stderr).unwrap();
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("5 QStash messages, 5 workflow runs"),
        "{said}"
    );
    assert!(out.stdout.is_empty());
    let new = state_token(&home);
    assert_ne!(
        new, old,
        "an interrupted job must see the sandbox is another one"
    );
    assert!(
        !said.contains(&new) && !said.contains(&old),
        "tokens are never printed"
    );
    assert_eq!(ids(&home, false).len(), 5);
    assert_eq!(ids(&home, true).len(), 5);
}

#[test]
fn a_verb_after_sandbox_is_sent_to_the_sandbox_flag() {
    let home = tempfile::tempdir().unwrap();
    let out = dlq(&home)
        .args(["sandbox", "list", "--all", "-o", "ids"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("to run `list` against it use: dlq --sandbox list --all -o ids"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn sandbox_serves_a_hundred_of_each_unless_told_otherwise() {
    let sb = Sandbox::start(&[]);
    assert_eq!((sb.ids(false).len(), sb.ids(true).len()), (100, 100));
    let sb = Sandbox::start(&["--seed", "0"]);
    assert_eq!((sb.ids(false).len(), sb.ids(true).len()), (0, 0));
}

#[test]
fn a_fresh_sandbox_has_nothing_near_or_past_the_default_retention() {
    let home = tempfile::tempdir().unwrap();
    for kind in [None, Some("--workflow")] {
        let mut c = sandboxed(&home, &["stats", "-o", "json"]);
        c.args(kind);
        let out = c.assert().success().get_output().stdout.clone();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert!(v["total"].as_u64() > Some(0), "{v}");
        assert_eq!(
            (v["expiring"].as_u64(), v["pastRetention"].as_u64()),
            (Some(0), Some(0)),
            "{kind:?}"
        );
        // And for a person: totals, but no call-out about retention.
        let mut c = sandboxed(&home, &["stats"]);
        c.args(kind);
        let out = c.assert().success().get_output().stderr.clone();
        let notes = String::from_utf8(out).unwrap();
        assert!(notes.contains(" in "), "{notes}");
        assert!(!notes.contains("retention"), "{notes}");
    }
}
