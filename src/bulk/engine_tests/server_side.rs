//! `--server-side` runs against the model: the API's own filter-and-cursor call, no per-entry
//! account. A lost reply may have acted on a whole page, so it is counted unconfirmed: the true
//! count (the model's) must lie between `done` and `done + unconfirmed`, and `--limit` must
//! never be exceeded, whatever is lost.

use std::time::Duration;

use super::fake::{Fake, Fault, On, Rule};
use super::Waits;
use crate::api::{Filter, Source};
use crate::bulk::action::{Action, Verb};
use crate::bulk::exec::Halt;
use crate::bulk::journal::ServerProgress as Done;
use crate::bulk::outcome::Summary;
use crate::bulk::server_side::ServerSide;

/// A server-side delete over `n` entries (`s000`, `s001`, ...) up to `limit`.
async fn run(fake: &Fake, n: usize, limit: Option<u64>) -> (Summary, Option<Halt>) {
    for i in 0..n {
        fake.add(Source::Qstash, &format!("s{i:03}"));
    }
    let action = Action {
        verb: Verb::Delete,
        source: Source::Qstash,
        overrides: Default::default(),
    };
    let filter = Filter::default();
    let waits = Waits::default();
    let run = ServerSide {
        api: fake,
        action: &action,
        filter: &filter,
        limit,
        cancel: &fake.cancel,
        progress: &waits,
        pacer: None,
        budget: Duration::from_secs(60),
    };
    let mut last = Done::default();
    let (summary, halt) = run
        .run(Done::default(), &mut |p| {
            last = p;
            Ok(())
        })
        .await;
    assert_eq!(
        (last.done, last.unconfirmed),
        (summary.done, summary.unconfirmed)
    );
    assert_eq!(summary.requests, fake.requests().len() as u64, "requests");
    (summary, halt)
}

/// What the model did lies within what the summary claims, and within the limit.
fn bounded(fake: &Fake, s: &Summary, limit: Option<u64>) {
    let truth = fake.applied_total();
    let (lo, hi) = (s.done, s.done + s.unconfirmed);
    assert!(
        lo <= truth && truth <= hi,
        "{truth} acted on, said {lo}..={hi}"
    );
    if let Some(l) = limit {
        assert!(truth <= l, "{truth} acted on past --limit {l}");
    }
}

#[tokio::test(start_paused = true)]
async fn pages_follow_the_cursor_to_the_end() {
    let fake = Fake::new();
    let (s, halt) = run(&fake, 250, None).await;
    assert!(halt.is_none());
    assert_eq!(
        fake.requests(),
        [
            "delete matching count=100 -> ok",
            "delete matching count=100 cursor=s099 -> ok",
            "delete matching count=100 cursor=s199 -> ok",
        ]
    );
    assert_eq!((s.done, s.unconfirmed, fake.applied_total()), (250, 0, 250));
}

#[tokio::test(start_paused = true)]
async fn a_lost_reply_counts_its_page_unconfirmed_and_the_limit_holds() {
    let fake = Fake::new();
    fake.script(vec![Rule::on(On::Matching, Fault::LostAfter).skip(1)]);
    let (s, halt) = run(&fake, 250, Some(150)).await;
    assert!(halt.is_none());
    // The lost page may have acted on all 50 the limit left: nothing more is asked for.
    assert_eq!(
        fake.requests(),
        [
            "delete matching count=100 -> ok",
            "delete matching count=50 cursor=s099 -> lost",
        ]
    );
    assert_eq!((s.done, s.unconfirmed), (100, 50));
    bounded(&fake, &s, Some(150));
    assert_eq!(fake.applied_total(), 150);
}

#[tokio::test(start_paused = true)]
async fn a_reply_lost_before_acting_is_not_counted_done() {
    let fake = Fake::new();
    fake.script(vec![Rule::on(On::Matching, Fault::LostBefore).skip(1)]);
    let (s, _) = run(&fake, 250, Some(150)).await;
    assert_eq!((s.done, s.unconfirmed), (100, 50));
    bounded(&fake, &s, Some(150));
    assert_eq!(fake.applied_total(), 100);
}

#[tokio::test(start_paused = true)]
async fn without_a_limit_the_same_cursor_is_sent_again_after_a_lost_reply() {
    let fake = Fake::new();
    fake.script(vec![Rule::on(On::Matching, Fault::LostAfter).skip(1)]);
    let (s, _) = run(&fake, 250, None).await;
    assert_eq!(
        fake.requests(),
        [
            "delete matching count=100 -> ok",
            "delete matching count=100 cursor=s099 -> lost",
            "delete matching count=100 cursor=s099 -> ok",
        ]
    );
    assert_eq!((s.done, s.unconfirmed), (150, 100));
    bounded(&fake, &s, None);
    assert_eq!(fake.applied_total(), 250, "every entry, once");
}

#[tokio::test(start_paused = true)]
async fn a_refused_token_stops_a_server_side_run() {
    let fake = Fake::new();
    fake.script(vec![Rule::on(On::Matching, Fault::Status(401)).skip(1)]);
    let (s, halt) = run(&fake, 250, None).await;
    assert!(matches!(halt, Some(Halt::Refused(_))), "{halt:?}");
    assert_eq!(fake.requests().len(), 2);
    assert_eq!((s.done, s.unconfirmed, fake.applied_total()), (100, 0, 100));
}

#[tokio::test(start_paused = true)]
async fn bounded_under_random_faults() {
    for seed in 0..12 {
        for limit in [None, Some(170)] {
            let fake = Fake::new();
            fake.chaos(seed, 25);
            let (s, _) = run(&fake, 300, limit).await;
            bounded(&fake, &s, limit);
        }
    }
}
