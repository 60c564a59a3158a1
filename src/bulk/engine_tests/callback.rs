//! A callback's lost replies where the order of reads matters: a shared baseline read that
//! answers after an entry's send (late, or failed and given back), and a callback in progress
//! that the run logs do not show yet. Each is held to the model's truth: a callback reported
//! done ran once, and none runs twice.

use std::time::Duration;

use super::fake::{Fault, On, Rule};
use super::Want::*;
use super::{check, reqs, Row};
use crate::bulk::action::Verb;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// The read ahead of k0..k2's baselines answers 3 s late, past the sends' patience: k0 and
// k1 read their own and are sent, and k1 loses its reply. The late answer (it shows k1's new
// call) must not become k1's baseline, or the check would find "no new call" and send k1
// again; k2, not sent yet, takes it.
#[tokio::test(start_paused = true)]
async fn a_shared_baseline_read_answered_after_the_send_is_not_taken_in() {
    check(Row {
        verb: Verb::Callback,
        dlq: &["k0", "k1", "k2"],
        plan: &["k0", "k1", "k2"],
        known: true,
        chunk: None,
        in_flight: 2,
        script: vec![
            Rule::on(On::RunLogs, Fault::None)
                .naming("k2")
                .taking(ms(3_000)),
            Rule::on(On::One, Fault::LostAfter).naming("k1"),
        ],
        want: vec![("k0", Done), ("k1", DoneLost), ("k2", Done)],
        requests: reqs(&[
            "run logs -> ok",
            "get k0 -> ok",
            "run logs -> ok",
            "callback/one k0 -> ok",
            "get k1 -> ok",
            "run logs -> ok",
            "callback/one k1 -> lost",
            // k1's check, judged by its own baseline.
            "run logs -> ok",
            "callback/one k2 -> ok",
        ]),
        ..Row::default()
    })
    .await;
}

// A read ahead answering slowly, within the sends' patience: each send whose entry it drew
// waits for it, rather than looking its run up and reading it a second time.
#[tokio::test(start_paused = true)]
async fn a_send_waits_for_the_read_ahead_that_drew_its_entry() {
    check(Row {
        verb: Verb::Callback,
        dlq: &["k0", "k1", "k2"],
        plan: &["k0", "k1", "k2"],
        known: true,
        chunk: None,
        in_flight: 2,
        script: vec![Rule::on(On::RunLogs, Fault::None)
            .naming("k2")
            .taking(ms(1_000))],
        want: vec![("k0", Done), ("k1", Done), ("k2", Done)],
        requests: reqs(&[
            "run logs -> ok",
            "callback/one k0 -> ok",
            "callback/one k1 -> ok",
            "callback/one k2 -> ok",
        ]),
        not_before: &[(1, 1.0)],
        ..Row::default()
    })
    .await;
}

// The read ahead fails, late. k0 and k1, drawn for it, took their own baselines and were
// sent meanwhile (k1 lost its reply): they must not go back to the pool, where the next
// shared read (k2's, after k1's send) would give k1 a baseline showing its own call.
#[tokio::test(start_paused = true)]
async fn an_entry_that_took_its_own_baseline_is_not_given_back_to_a_shared_read() {
    check(Row {
        verb: Verb::Callback,
        dlq: &["k0", "k1", "k2", "k3"],
        plan: &["k0", "k1", "k2", "k3"],
        known: true,
        chunk: None,
        in_flight: 2,
        script: vec![
            Rule::on(On::RunLogs, Fault::Status(503))
                .naming("k3")
                .taking(ms(3_000)),
            Rule::on(On::One, Fault::LostAfter).naming("k1"),
        ],
        want: vec![("k0", Done), ("k1", DoneLost), ("k2", Done), ("k3", Done)],
        requests: reqs(&[
            "run logs -> 503",
            "get k0 -> ok",
            "run logs -> ok",
            "callback/one k0 -> ok",
            "get k1 -> ok",
            "run logs -> ok",
            "callback/one k1 -> lost",
            // k1's check, judged by its own baseline.
            "run logs -> ok",
            // k2's own read once the read ahead failed; k3 comes along, k0 and k1 do not.
            "run logs -> ok",
            "callback/one k2 -> ok",
            "callback/one k3 -> ok",
        ]),
        ..Row::default()
    })
    .await;
}

// The run logs show a call a second after it starts. After the lost reply the newest call
// shown is still the baseline, but the callback reads CALLBACK_INPROGRESS: a call is under
// way, so nothing is sent (it would be refused, and reported failed though it ran); the
// engine looks again, with growing waits, until the logs show the call.
#[tokio::test(start_paused = true)]
async fn a_lost_reply_whose_callback_is_in_progress_waits_for_the_logs() {
    check(Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        // Each request takes 10 ms: the looks' times fall in separate windows whatever the
        // backoff's jitter, and the call (at 30 ms) shows at 1,090 ms, after the third.
        latency: ms(10),
        log_lag: ms(1_060),
        script: vec![Rule::on(On::One, Fault::LostAfter)],
        want: vec![("a1", DoneLost)],
        requests: reqs(&[
            "get a1 -> ok",
            "run logs -> ok",
            "callback/one a1 -> lost",
            "run logs -> ok",
            "get a1 -> ok",
            "run logs -> ok",
            "get a1 -> ok",
            "run logs -> ok",
            "get a1 -> ok",
            "run logs -> ok",
        ]),
        ..Row::default()
    })
    .await;
}

// The logs never catch up: after a bounded number of looks the entry is unconfirmed, never
// sent again and never reported failed.
#[tokio::test(start_paused = true)]
async fn a_callback_in_progress_that_never_shows_is_unconfirmed_not_failed() {
    let looks = ["run logs -> ok", "get a1 -> ok"].repeat(6);
    let sent = ["get a1 -> ok", "run logs -> ok", "callback/one a1 -> lost"];
    check(Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        log_lag: Duration::from_secs(600),
        script: vec![Rule::on(On::One, Fault::LostAfter)],
        want: vec![("a1", Unconfirmed)],
        requests: reqs(&[&sent[..], &looks[..]].concat()),
        ..Row::default()
    })
    .await;
}
