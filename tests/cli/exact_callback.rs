//! Callback exactly once under lost replies with the machine busy (issue 28 §2): a shared read
//! of the run logs retried after a fault could answer after an entry's own send and become its
//! baseline, and the lost-reply check then found "no new call" and sent it again. With two
//! CPU-bound processes beside the run, against two sandboxes (callbacks that fail again at
//! once, and callbacks that stay in progress), each failure function runs at most once, as the
//! sandbox counts it, and the account says so.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::Sandbox;
use crate::exact::{callback_failed, check_callback_account, stderr_of};

/// CPU-bound shell loops beside a run; each ends by itself after `secs`, or when dropped.
struct Busy(Vec<Child>);

impl Busy {
    fn start(n: usize, secs: u64) -> Busy {
        let script = format!(
            "end=$(( $(date +%s) + {secs} )); while [ \"$(date +%s)\" -lt \"$end\" ]; do \
             i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; done"
        );
        let spawn = |_| {
            Command::new("sh")
                .args(["-c", &script])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("a busy loop")
        };
        Busy((0..n).map(spawn).collect())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A sandbox of failed runs whose callbacks failed, a third of the requests faulted (500 or a
/// reset, after the change for mutations), callbacks answering as `simulate` says.
fn faulty(rng: &str, simulate: &[&str]) -> Sandbox {
    let mut args = vec!["--seed", "2000", "--seed-rng", rng];
    args.extend(["--fault-rate", "0.3", "--faults", "500,reset"]);
    args.extend(["--delivery-backoff-ms", "1"]);
    args.extend(simulate);
    Sandbox::start(&args)
}

/// `dlq callback` over every failed callback, its account checked against the sandbox.
fn run_and_check(sb: &Sandbox) -> (usize, usize, usize) {
    let planned = callback_failed(sb);
    assert!(planned.len() >= 200, "{}", planned.len());
    let report = sb.home.path().join("r.ndjson");
    let out = sb
        .dlq()
        .args(["callback", "--callback-state", "CALLBACK_FAIL", "--all"])
        .args(["--yes", "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(300))
        .assert()
        .get_output()
        .clone();
    let err = stderr_of(&out);
    let (done, unsure) = check_callback_account(sb, &planned, &report, &err);
    assert_eq!(
        done.len() + unsure.len(),
        planned.len(),
        "none failed: a callback is done or unconfirmed here\n{err}"
    );
    (planned.len(), done.len(), unsure.len())
}

#[test]
fn callback_runs_once_per_entry_under_lost_replies_on_a_busy_machine() {
    let _busy = Busy::start(2, 240);
    let failing = faulty("31", &["--simulate", "*=500"]);
    // No rule: a called callback stays CALLBACK_INPROGRESS, so one sent again is refused.
    let running = faulty("33", &[]);
    std::thread::scope(|s| {
        let a = s.spawn(|| run_and_check(&failing));
        let b = s.spawn(|| run_and_check(&running));
        for (what, r) in [("fail again", a.join()), ("in progress", b.join())] {
            match r {
                Ok((n, done, unsure)) => {
                    println!("{what}: {done} done, {unsure} unconfirmed of {n}")
                }
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    });
}
