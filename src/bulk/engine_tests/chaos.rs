//! Exactly once under random faults: lost replies before and after the server acted, short
//! replies, 429s and failed lookups on a quarter of the requests, with random reply times so
//! chunks in flight interleave differently on every seed. Each run is held to the model's truth.

use std::collections::{HashMap, HashSet};

use super::fake::Fake;
use super::{source, Waits};
use crate::bulk::action::{Action, Verb};
use crate::bulk::exec::Engine;
use crate::bulk::flow::Controller;
use crate::bulk::outcome::{Outcome, Status};

const IDS: usize = 60;
const SEEDS: u64 = 12;
const FAULTY_PCT: u32 = 25;

/// One seeded run of `verb` over `IDS` entries; returns how many ended unknown, and how many
/// replies were lost or short.
/// With `known`, a callback's runs are known from the plan (baselines read many at once).
async fn run(verb: Verb, seed: u64, known: bool) -> (u64, usize) {
    let fake = Fake::new();
    let ids: Vec<String> = (0..IDS).map(|i| format!("c{i}")).collect();
    for id in &ids {
        fake.add(source(verb), id);
    }
    fake.chaos(seed, FAULTY_PCT);
    let action = Action {
        verb,
        source: source(verb),
        overrides: Default::default(),
    };
    let waits = Waits::default();
    let marked = fake.marked.clone();
    let mark = super::marking(move |ids: &[String]| -> std::io::Result<()> {
        marked.lock().unwrap().extend(ids.iter().cloned());
        Ok(())
    });
    let mut engine = Engine::new(&fake, &action, &fake.cancel, &waits);
    // The job began when the server's clock started.
    engine.callbacks = crate::bulk::callback::Ledger::new(fake.epoch_ms);
    if known {
        engine.callbacks.know(
            ids.iter()
                .map(|id| (id.clone(), (format!("wfr_{id}"), None))),
        );
    }
    engine.flow = Controller::new(2, 6);
    engine.sending = Some(&mark);
    engine.chunk_size = engine.chunk_size.min(7);
    let mut seen: Vec<Outcome> = Vec::new();
    let mut record = |o: &[Outcome]| -> std::io::Result<()> {
        seen.extend_from_slice(o);
        Ok(())
    };
    let (summary, halt) = engine
        .run(&super::on_disk(&ids), &HashSet::new(), &mut record)
        .await;
    drop(engine);
    let what = format!("{} seed {seed}", verb.name());
    assert!(halt.is_none(), "{what}: {halt:?}");
    assert_eq!(
        fake.unmarked(),
        Vec::<String>::new(),
        "{what}: sent unmarked"
    );
    let mut by_id: HashMap<&str, &Outcome> = HashMap::new();
    for o in &seen {
        assert!(
            by_id.insert(o.dlq_id.as_str(), o).is_none(),
            "{what}: {} twice",
            o.dlq_id
        );
    }
    let mut tally: Vec<Status> = Vec::new();
    for id in &ids {
        let o = by_id
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{what}: {id} has no outcome"));
        let applied = fake.applied(id);
        assert!(applied <= 1, "{what}: {id} acted on {applied} times");
        match o.outcome {
            Status::Done => assert_eq!(applied, 1, "{what}: {id} reported done"),
            Status::Failed => assert_eq!(applied, 0, "{what}: {id} reported failed: {o:?}"),
            Status::NotFound => panic!("{what}: {id} was in the DLQ: {o:?}"),
            Status::Unknown => {}
            // A callback whose lost reply nothing can tell: never sent again.
            Status::Unconfirmed => {}
        }
        tally.push(o.outcome);
    }
    let n = |s| tally.iter().filter(|t| **t == s).count() as u64;
    assert_eq!(summary.done, n(Status::Done), "{what}: done");
    assert_eq!(
        summary.failed,
        n(Status::Failed) + n(Status::Unknown),
        "{what}"
    );
    assert_eq!((summary.pending, summary.not_found), (0, 0), "{what}");
    assert_eq!(
        summary.requests,
        fake.requests().len() as u64,
        "{what}: requests"
    );
    let requests = fake.requests();
    let lost = requests
        .iter()
        .filter(|r| r.ends_with("lost") || r.ends_with("short") || r.ends_with("502"));
    (n(Status::Unknown), lost.count())
}

async fn seeds(verb: Verb) {
    seeds_with(verb, false).await;
}

async fn seeds_with(verb: Verb, known: bool) {
    let (mut unknown, mut lost) = (0, 0);
    for seed in 0..SEEDS {
        let (u, l) = run(verb, seed, known).await;
        unknown += u;
        lost += l;
    }
    assert!(
        lost >= 10,
        "{}: only {lost} replies were lost: no test",
        verb.name()
    );
    // Unknown only where every lookup failed for eight rounds: rare at these odds. How rare
    // varies from run to run (back-offs are jittered, so requests meet the seeded faults in
    // another order): 0 to 3 of 720 seen for a callback, whose check takes up to three reads.
    // A check that gave up too early would leave dozens.
    let rare = (IDS as u64 * SEEDS) / 100;
    assert!(
        unknown <= rare,
        "{} ended unknown {unknown} times",
        verb.name()
    );
}

#[tokio::test(start_paused = true)]
async fn retry_exactly_once_under_random_faults() {
    seeds(Verb::Retry).await;
}

#[tokio::test(start_paused = true)]
async fn delete_exactly_once_under_random_faults() {
    seeds(Verb::Delete).await;
}

#[tokio::test(start_paused = true)]
async fn resume_exactly_once_under_random_faults() {
    seeds(Verb::Resume).await;
}

#[tokio::test(start_paused = true)]
async fn restart_exactly_once_under_random_faults() {
    seeds(Verb::Restart).await;
}

// A callback is judged by its calls in the run and message logs, never by the entry's state.
#[tokio::test(start_paused = true)]
async fn callback_exactly_once_under_random_faults() {
    seeds(Verb::Callback).await;
}

#[tokio::test(start_paused = true)]
async fn callback_with_runs_known_from_the_plan_exactly_once_under_random_faults() {
    seeds_with(Verb::Callback, true).await;
}

#[tokio::test(start_paused = true)]
async fn callbacks_with_runs_known_read_their_baselines_fifty_at_a_time_without_lookups() {
    let ids: Vec<String> = (0..120).map(|i| format!("k{i:03}")).collect();
    let (fake, action) = super::callbacks_on(&ids);
    let waits = Waits::default();
    let mark = super::marking(|_: &[String]| -> std::io::Result<()> { Ok(()) });
    let mut engine = Engine::new(&fake, &action, &fake.cancel, &waits);
    engine.callbacks = crate::bulk::callback::Ledger::new(fake.epoch_ms);
    engine.callbacks.know(
        ids.iter()
            .map(|id| (id.clone(), (format!("wfr_{id}"), None))),
    );
    engine.sending = Some(&mark);
    let (summary, halt) = engine
        .run(
            &ids.clone().into(),
            &HashSet::new(),
            &mut |_: &[Outcome]| Ok(()),
        )
        .await;
    drop(engine);
    assert!(halt.is_none());
    assert_eq!(summary.done, 120);
    let requests = fake.requests();
    let count = |prefix: &str| requests.iter().filter(|r| r.starts_with(prefix)).count();
    assert_eq!(count("get "), 0, "no entry looked up: {requests:?}");
    assert_eq!(
        count("run logs"),
        3,
        "120 baselines in 3 reads: {requests:?}"
    );
    assert_eq!(count("callback/one"), 120);
    assert!(ids.iter().all(|id| fake.applied(id) == 1));
}
