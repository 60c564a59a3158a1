//! Long-lived `--sandbox` commands (`exporter`, `stats --watch`) beside short ones: the state's
//! lock is taken per request, so the others never wait on them, and each sees the others'
//! changes at its next reading.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;

use crate::common::{dlq, dlq_std, wait_for};
use crate::prom::{fresh, Exporter};

/// `dlq --sandbox <args>` run to its end, which must come (the deadline is `until`'s).
fn finishes(home: &tempfile::TempDir, args: &[&str]) -> String {
    let mut child = dlq_std(home)
        .arg("--sandbox")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = wait_for(
        &format!("`dlq --sandbox {}` to end", args.join(" ")),
        60,
        || child.try_wait().unwrap(),
    );
    assert!(status.success(), "{args:?}: {status}");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    out
}

fn ids(home: &tempfile::TempDir) -> Vec<String> {
    finishes(home, &["list", "--all", "-o", "ids"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn an_exporter_on_the_sandbox_keeps_no_command_waiting_and_shows_their_changes() {
    let home = tempfile::tempdir().unwrap();
    let before = ids(&home);
    assert_eq!(before.len(), 100);
    let mut cmd = dlq_std(&home);
    cmd.arg("--sandbox");
    let mut ex = Exporter::spawn(cmd, &["--interval", "1s", "--dlq", "qstash"]);
    let depth = "qstash_dlq_depth{dlq=\"qstash\"}";
    wait_for("the exporter's first figures", 60, || {
        let t = ex.scrape();
        (fresh(&t, "qstash") && crate::prom::value(&t, depth) == Some(100.0)).then_some(())
    });
    // Beside it, a delete and a list run to their end, and agree.
    finishes(&home, &["delete", &before[0], &before[1], "--yes"]);
    let after = ids(&home);
    assert_eq!(after.len(), 98);
    assert!(!after.contains(&before[0]) && !after.contains(&before[1]));
    wait_for("the exporter to show the delete", 60, || {
        (ex.value(depth) == Some(98.0)).then_some(())
    });
    assert!(ex.running());
}

/// A process killed when the test ends, failed or not.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Each reading `stats --watch --total` writes in a pipe, as it comes.
fn readings(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let out = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Readings until one is `want`, with a deadline.
fn reads(rx: &mpsc::Receiver<String>, want: &str) {
    wait_for(&format!("a reading of {want}"), 60, || {
        rx.try_iter().any(|l| l == want).then_some(())
    });
}

#[test]
fn a_stats_watch_on_the_sandbox_keeps_no_command_waiting_and_follows_a_reset() {
    let home = tempfile::tempdir().unwrap();
    let mut watch = Killed(
        dlq_std(&home)
            .args(["--sandbox", "stats", "--watch", "1s", "--total"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let rx = readings(&mut watch.0);
    reads(&rx, "100");
    let first = ids(&home)[0].clone();
    finishes(&home, &["delete", &first, "--yes"]);
    reads(&rx, "99");
    // A reset replaces the state and its token; the watch reads the new state all the same.
    dlq(&home)
        .args(["sandbox", "reset", "--seed", "5"])
        .assert()
        .success();
    reads(&rx, "5");
    assert_eq!(ids(&home).len(), 5);
    assert!(watch.0.try_wait().unwrap().is_none(), "the watch ended");
}
