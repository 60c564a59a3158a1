//! The table: one test per row, each a scripted server and what must come of the run.

use std::time::Duration;

use super::fake::{Fault, On, Rule, IN_PROGRESS};
use super::Want::*;
use super::{all, check, reqs, Row};
use crate::bulk::action::Verb;

/// One `#[tokio::test]` under paused time per row.
macro_rules! rows {
    ($($name:ident => $row:expr;)*) => {$(
        #[tokio::test(start_paused = true)]
        async fn $name() {
            check($row).await;
        }
    )*};
}

const A5: &[&str] = &["a1", "a2", "a3", "a4", "a5"];

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

rows! {
    clean_run_in_chunks => Row {
        dlq: A5,
        plan: A5,
        want: all(A5, Done),
        requests: reqs(&["retry a1,a2,a3 -> ok", "retry a4,a5 -> ok"]),
        ..Row::default()
    };

    // The server acted and the reply was lost: asked, found gone, never sent again.
    lost_reply_after_the_server_acted_is_asked_not_resent => Row {
        dlq: A5,
        plan: A5,
        script: vec![Rule::on(On::Many, Fault::LostAfter)],
        want: [all(&["a1", "a2", "a3"], DoneLost), all(&["a4", "a5"], Done)].concat(),
        requests: reqs(&[
            "retry a1,a2,a3 -> lost",
            "get a1 -> 404",
            "get a2 -> 404",
            "get a3 -> 404",
            "retry a4,a5 -> ok",
        ]),
        ..Row::default()
    };

    // The reply was lost before the server acted: asked, found waiting, sent once more.
    lost_reply_before_the_server_acted_is_asked_then_sent_once => Row {
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        script: vec![Rule::on(On::Many, Fault::LostBefore)],
        want: all(&["a1", "a2"], Done),
        requests: reqs(&[
            "retry a1,a2 -> 502",
            "get a1 -> ok",
            "get a2 -> ok",
            "retry a1,a2 -> ok",
        ]),
        ..Row::default()
    };

    // A 2xx that does not account for every id is a lost reply too.
    short_reply_is_a_lost_reply => Row {
        dlq: &["a1", "a2", "a3"],
        plan: &["a1", "a2", "a3"],
        script: vec![Rule::on(On::Many, Fault::Short)],
        want: all(&["a1", "a2", "a3"], DoneLost),
        requests: reqs(&[
            "retry a1,a2,a3 -> short",
            "get a1 -> 404",
            "get a2 -> 404",
            "get a3 -> 404",
        ]),
        ..Row::default()
    };

    // The reply was lost and every lookup fails: unknown, never sent blindly.
    lost_reply_and_no_answer_to_lookups_is_unknown_never_resent => Row {
        dlq: &["a1"],
        plan: &["a1"],
        script: vec![
            Rule::on(On::Many, Fault::LostAfter),
            Rule::on(On::Get, Fault::Status(503)).always(),
        ],
        want: vec![("a1", Unknown)],
        requests: [reqs(&["retry a1 -> lost"]), vec!["get a1 -> 503".to_string(); 7]].concat(),
        ..Row::default()
    };

    // Delete, same rule.
    delete_lost_reply_is_asked_not_resent => Row {
        verb: Verb::Delete,
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        script: vec![Rule::on(On::Many, Fault::LostAfter)],
        want: all(&["a1", "a2"], DoneLost),
        requests: reqs(&["delete a1,a2 -> lost", "get a1 -> 404", "get a2 -> 404"]),
        ..Row::default()
    };

    // A bulk delete deletes the ids still there and counts them: a count short of the ids
    // sent means some were gone already. Each is looked up; the count is kept exact, the split
    // between done and already gone is the server's count, not a per-id finding.
    delete_counted_short_keeps_the_count_exact => Row {
        verb: Verb::Delete,
        dlq: &["a1", "a3"],
        plan: &["a1", "a2", "a3"],
        want: all(&["a1", "a2", "a3"], Counted),
        requests: reqs(&[
            "delete a1,a2,a3 -> ok",
            "get a1 -> 404",
            "get a2 -> 404",
            "get a3 -> 404",
        ]),
        ..Row::default()
    };

    // A count of none: every id was gone already.
    delete_counted_none_is_not_found => Row {
        verb: Verb::Delete,
        dlq: &[],
        plan: &["a1", "a2"],
        want: all(&["a1", "a2"], NotFound),
        requests: reqs(&["delete a1,a2 -> ok", "get a1 -> 404", "get a2 -> 404"]),
        ..Row::default()
    };

    // `--continue`: ids an earlier run left in flight are asked about before anything is sent.
    continue_asks_about_ids_left_in_flight_first => Row {
        dlq: &["a2", "a3"],
        applied_before: &["a1"],
        plan: &["a1", "a2", "a3"],
        unknown: &["a1", "a2"],
        want: vec![("a1", DoneLost), ("a2", Done), ("a3", Done)],
        requests: reqs(&["get a1 -> 404", "get a2 -> ok", "retry a3,a2 -> ok"]),
        ..Row::default()
    };

    // A 404 for a chunk: some ids are gone and nothing changed; find them, send the rest.
    chunk_split_on_404 => Row {
        dlq: &["a1", "a3", "a4"],
        plan: &["a1", "a2", "a3", "a4"],
        chunk: Some(4),
        want: vec![("a1", Done), ("a2", NotFound), ("a3", Done), ("a4", Done)],
        requests: reqs(&[
            "retry a1,a2,a3,a4 -> 404",
            "get a1 -> ok",
            "get a2 -> 404",
            "get a3 -> ok",
            "get a4 -> ok",
            "retry a1,a3,a4 -> ok",
        ]),
        ..Row::default()
    };

    single_id_gone_is_not_found_without_a_lookup => Row {
        dlq: &[],
        plan: &["a1"],
        want: vec![("a1", NotFound)],
        requests: reqs(&["retry a1 -> 404"]),
        ..Row::default()
    };

    // A chunk refused as a whole (400) is sent id by id, so each gets the server's reason.
    one_by_one_on_400 => Row {
        verb: Verb::Resume,
        dlq: &["a1", "a2", "a3"],
        plan: &["a1", "a2", "a3"],
        refused: &[("a2", "run cannot be resumed")],
        want: vec![("a1", Done), ("a2", Failed("run cannot be resumed")), ("a3", Done)],
        requests: reqs(&[
            "resume a1,a2,a3 -> 400",
            "resume/one a1 -> ok",
            "resume/one a2 -> 400",
            "resume/one a3 -> ok",
        ]),
        ..Row::default()
    };

    // One by one, a single id's reply lost: asked about, found acted on.
    one_by_one_lost_reply_is_asked_not_resent => Row {
        verb: Verb::Resume,
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        refused: &[("a1", "run cannot be resumed")],
        script: vec![Rule::on(On::One, Fault::LostAfter).naming("a2")],
        want: vec![("a1", Failed("run cannot be resumed")), ("a2", DoneLost)],
        requests: reqs(&[
            "resume a1,a2 -> 400",
            "resume/one a1 -> 400",
            "resume/one a2 -> lost",
            "get a2 -> 404",
        ]),
        ..Row::default()
    };

    // A refused token stops the run: nothing more is sent, the rest is left as it was.
    stop_on_401 => Row {
        dlq: A5,
        plan: A5,
        chunk: Some(2),
        script: vec![Rule::on(On::Many, Fault::Status(401)).skip(1).always()],
        want: [all(&["a1", "a2"], Done), all(&["a3", "a4", "a5"], Left)].concat(),
        requests: reqs(&["retry a1,a2 -> ok", "retry a3,a4 -> 401"]),
        halt: Some("refused"),
        ..Row::default()
    };

    // A token without the right (403) is refused for every request as well.
    stop_on_403 => Row {
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        chunk: Some(1),
        script: vec![Rule::on(On::Many, Fault::Status(403)).always()],
        want: vec![("a1", Left), ("a2", Left)],
        requests: reqs(&["retry a1 -> 403"]),
        halt: Some("refused"),
        ..Row::default()
    };

    // Refused while going one by one: the ids not yet sent stay as they were.
    stop_on_401_one_by_one => Row {
        verb: Verb::Restart,
        dlq: &["a1", "a2", "a3"],
        plan: &["a1", "a2", "a3"],
        refused: &[("a1", "run cannot be restarted")],
        script: vec![Rule::on(On::One, Fault::Status(401)).naming("a2")],
        want: vec![("a1", Failed("cannot be restarted")), ("a2", Left), ("a3", Left)],
        requests: reqs(&[
            "restart a1,a2,a3 -> 400",
            "restart/one a1 -> 400",
            "restart/one a2 -> 401",
        ]),
        halt: Some("refused"),
        ..Row::default()
    };

    // Refused while asking about a lost reply: those ids stay in flight for `--continue`.
    stop_on_401_while_asking_after_a_lost_reply => Row {
        dlq: A5,
        plan: A5,
        script: vec![
            Rule::on(On::Many, Fault::LostBefore),
            Rule::on(On::Get, Fault::Status(401)).always(),
        ],
        want: [all(&["a1", "a2", "a3"], LeftInFlight), all(&["a4", "a5"], Left)].concat(),
        requests: reqs(&[
            "retry a1,a2,a3 -> 502",
            "get a1 -> 401",
            "get a2 -> 401",
            "get a3 -> 401",
        ]),
        halt: Some("refused"),
        ..Row::default()
    };

    // 429 with Retry-After: the engine waits that long, then sends the same ids again.
    throttled_waits_as_retry_after_says => Row {
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        script: vec![Rule::on(On::Many, Fault::Throttle(Some(secs(7))))],
        want: all(&["a1", "a2"], Done),
        requests: reqs(&["retry a1,a2 -> 429", "retry a1,a2 -> ok"]),
        not_before: &[(1, 7.0)],
        waits: Some(&["7s throttled (429)"]),
        ..Row::default()
    };

    throttled_past_the_budget_gives_up_unsent => Row {
        dlq: &["a1"],
        plan: &["a1"],
        script: vec![Rule::on(On::Many, Fault::Throttle(Some(secs(30)))).always()],
        want: vec![("a1", Failed("retry budget"))],
        requests: vec!["retry a1 -> 429".to_string(); 3],
        not_before: &[(1, 30.0), (2, 60.0)],
        waits: Some(&["30s throttled (429)", "30s throttled (429)"]),
        ..Row::default()
    };

    // `Burst-RateLimit-Limit: 2` on the replies: requests are spaced to a little under 2/s.
    rate_limit_header_paces_the_run => Row {
        dlq: &["a1", "a2", "a3", "a4"],
        plan: &["a1", "a2", "a3", "a4"],
        chunk: Some(1),
        limit: Some(2),
        paced: true,
        want: all(&["a1", "a2", "a3", "a4"], Done),
        requests: reqs(&["retry a1 -> ok", "retry a2 -> ok", "retry a3 -> ok", "retry a4 -> ok"]),
        not_before: &[(2, 1.0 / 1.9), (3, 2.0 / 1.9)],
        ..Row::default()
    };

    // `Burst-RateLimit-Remaining: 0` on the replies: the budget is spent, so fewer requests
    // are kept in flight, down to one.
    spent_rate_limit_budget_brings_in_flight_down => Row {
        dlq: &["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
        plan: &["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
        chunk: Some(1),
        in_flight: 4,
        latency: secs(1),
        remaining: Some(0),
        want: all(&["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"], Done),
        requests: reqs(&[
            "retry a1 -> ok", "retry a2 -> ok", "retry a3 -> ok", "retry a4 -> ok",
            "retry a5 -> ok", "retry a6 -> ok", "retry a7 -> ok", "retry a8 -> ok",
        ]),
        busy: &[(0, 4, 4), (5, 8, 1)],
        ..Row::default()
    };

    // Ctrl-C while chunks are in flight: they finish, nothing new starts, the rest is left.
    interrupt_lets_chunks_in_flight_finish => Row {
        dlq: &["a1", "a2", "a3", "a4", "a5", "a6"],
        plan: &["a1", "a2", "a3", "a4", "a5", "a6"],
        chunk: Some(1),
        in_flight: 2,
        latency: secs(1),
        script: vec![Rule::on(On::Many, Fault::None).skip(2).interrupting()],
        want: [all(&["a1", "a2", "a3"], Done), all(&["a4", "a5", "a6"], Left)].concat(),
        requests: reqs(&["retry a1 -> ok", "retry a2 -> ok", "retry a3 -> ok"]),
        ..Row::default()
    };

    interrupt_during_a_back_off_sends_nothing_more => Row {
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        script: vec![Rule::on(On::Many, Fault::Throttle(Some(secs(30)))).interrupting()],
        want: all(&["a1", "a2"], Left),
        requests: reqs(&["retry a1,a2 -> 429"]),
        waits: Some(&["30s throttled (429)"]),
        ..Row::default()
    };

    // Ctrl-C while a reply is lost: not asked, not sent again; in flight for `--continue`.
    interrupt_after_a_lost_reply_leaves_the_ids_in_flight => Row {
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        script: vec![Rule::on(On::Many, Fault::LostAfter).interrupting()],
        want: all(&["a1", "a2"], LeftInFlight),
        requests: reqs(&["retry a1,a2 -> lost"]),
        ..Row::default()
    };

    redirect_stops_and_leaves_the_ids_in_flight => Row {
        dlq: A5,
        plan: A5,
        script: vec![Rule::on(On::Many, Fault::Redirect)],
        want: [all(&["a1", "a2", "a3"], LeftInFlight), all(&["a4", "a5"], Left)].concat(),
        requests: reqs(&["retry a1,a2,a3 -> 307"]),
        halt: Some("failed"),
        ..Row::default()
    };

    journal_that_cannot_be_written_sends_nothing => Row {
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        journal_fails: true,
        want: all(&["a1", "a2"], Left),
        requests: vec![],
        halt: Some("journal"),
        ..Row::default()
    };

    // Before a callback is first sent, its run's newest failure-function call is noted (the
    // entry for its run, then the run logs): the baseline a lost reply is judged against.
    callback_each_id_on_its_own => Row {
        verb: Verb::Callback,
        dlq: &["a1", "a2"],
        plan: &["a1", "a2"],
        chunk: None,
        want: all(&["a1", "a2"], Done),
        requests: reqs(&[
            "get a1 -> ok",
            "run logs -> ok",
            "callback/one a1 -> ok",
            "get a2 -> ok",
            "run logs -> ok",
            "callback/one a2 -> ok",
        ]),
        ..Row::default()
    };

    // The run logs show a newer call than the baseline: it ran, and is not sent again.
    callback_lost_reply_after_it_ran => Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        script: vec![Rule::on(On::One, Fault::LostAfter)],
        want: vec![("a1", DoneLost)],
        requests: reqs(&[
            "get a1 -> ok",
            "run logs -> ok",
            "callback/one a1 -> lost",
            "run logs -> ok",
        ]),
        ..Row::default()
    };

    // The newest call is still the baseline: no call started, so it is sent again on the
    // logs' evidence, once the entry shows no call under way (its state is no evidence of
    // ours: failed either way).
    callback_lost_reply_before_it_ran_resent_on_log_evidence => Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        script: vec![Rule::on(On::One, Fault::LostBefore)],
        want: vec![("a1", Done)],
        requests: reqs(&[
            "get a1 -> ok",
            "run logs -> ok",
            "callback/one a1 -> 502",
            "run logs -> ok",
            "get a1 -> ok",
            "callback/one a1 -> ok",
        ]),
        ..Row::default()
    };

    // No baseline (the lookup failed, three times): the newest call started as the job did,
    // too close to tell whose it was. Unconfirmed, never sent again.
    callback_lost_reply_without_baseline_is_unconfirmed => Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        script: vec![
            Rule::on(On::Get, Fault::Status(503)).times(3),
            Rule::on(On::One, Fault::LostAfter),
        ],
        want: vec![("a1", Unconfirmed)],
        requests: reqs(&[
            "get a1 -> 503",
            "get a1 -> 503",
            "get a1 -> 503",
            "callback/one a1 -> lost",
            "get a1 -> ok",
            "run logs -> ok",
            "logs -> ok",
        ]),
        ..Row::default()
    };

    // No baseline, and the newest call long predates the job: not ours, so it is sent again
    // (without a baseline read after the first send: a second lost reply is judged by time).
    callback_lost_reply_without_baseline_before_it_ran => Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        script: vec![
            Rule::on(On::Get, Fault::Status(503)).times(3),
            Rule::on(On::One, Fault::LostBefore),
        ],
        want: vec![("a1", Done)],
        requests: reqs(&[
            "get a1 -> 503",
            "get a1 -> 503",
            "get a1 -> 503",
            "callback/one a1 -> 502",
            "get a1 -> ok",
            "run logs -> ok",
            "logs -> ok",
            "get a1 -> ok",
            "callback/one a1 -> ok",
        ]),
        ..Row::default()
    };

    callback_not_failed_is_refused => Row {
        verb: Verb::Callback,
        dlq: &["a1"],
        plan: &["a1"],
        chunk: None,
        callback: &[("a1", IN_PROGRESS)],
        want: vec![("a1", Failed("has not failed"))],
        requests: reqs(&[
            "get a1 -> ok",
            "run logs -> ok",
            "callback/one a1 -> 400",
            "callback/one a1 -> 400",
        ]),
        ..Row::default()
    };
}
