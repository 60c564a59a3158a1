//! Pipelined runs: ids arrive in batches (listed pages) while earlier chunks are in flight. A
//! short batch waits for more rather than costing a request of its own, and a Ctrl-C while
//! pages still arrive leaves everything not yet sent for `--continue`, counted exactly.

use std::collections::HashSet;
use std::time::Duration;

use super::fake::{Fake, Fault, On, Rule};
use super::Waits;
use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::bulk::exec::Engine;
use crate::bulk::flow::Controller;
use crate::bulk::outcome::{Outcome, Status, Summary};

/// Feeds `batches` (each after its delay) to an engine of chunks of 3, one in flight, each
/// request taking a second; returns the summary and the outcomes.
async fn pipelined(fake: &Fake, batches: Vec<(u64, &[&str])>) -> (Summary, Vec<Outcome>) {
    for (_, ids) in &batches {
        for id in *ids {
            fake.add(Source::Qstash, id);
        }
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let batches: Vec<(u64, Vec<String>)> = batches
        .into_iter()
        .map(|(ms, ids)| (ms, ids.iter().map(|s| s.to_string()).collect()))
        .collect();
    tokio::spawn(async move {
        for (ms, ids) in batches {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let _ = tx.send(ids);
        }
    });
    let action = Action {
        verb: Verb::Retry,
        source: Source::Qstash,
        overrides: Default::default(),
    };
    let waits = Waits::default();
    let mut engine = Engine::new(fake, &action, &fake.cancel, &waits);
    engine.flow = Controller::fixed(1);
    engine.chunk_size = 3;
    let mut seen = Vec::new();
    let mut record = |o: &[Outcome]| -> std::io::Result<()> {
        seen.extend_from_slice(o);
        Ok(())
    };
    let (summary, halt) = engine.run_batches(rx, &HashSet::new(), &mut record).await;
    assert!(halt.is_none(), "{halt:?}");
    (summary, seen)
}

#[tokio::test(start_paused = true)]
async fn a_short_page_waits_for_the_next_instead_of_its_own_request() {
    let mut fake = Fake::new();
    fake.latency = Duration::from_secs(1);
    let (summary, seen) = pipelined(
        &fake,
        vec![(0, &["a1", "a2"]), (300, &["a3", "a4"]), (300, &["a5"])],
    )
    .await;
    // The first page goes at once (nothing else in flight); the next two, short, are sent
    // together once it is back.
    assert_eq!(
        fake.requests(),
        ["retry a1,a2 -> ok", "retry a3,a4,a5 -> ok"]
    );
    assert_eq!((summary.planned, summary.done, summary.pending), (5, 5, 0));
    assert!(seen.iter().all(|o| o.outcome == Status::Done));
    for id in ["a1", "a2", "a3", "a4", "a5"] {
        assert_eq!(fake.applied(id), 1, "{id}");
    }
}

#[tokio::test(start_paused = true)]
async fn ctrl_c_while_pages_arrive_leaves_the_rest_counted() {
    let mut fake = Fake::new();
    fake.latency = Duration::from_secs(1);
    // The second request carries the Ctrl-C: it finishes, nothing more is sent.
    fake.script(vec![Rule::on(On::Many, Fault::None).skip(1).interrupting()]);
    let (summary, seen) = pipelined(
        &fake,
        vec![
            (0, &["a1", "a2", "a3"]),
            (0, &["a4", "a5", "a6"]),
            (500, &["a7", "a8"]),
            (1000, &["a9"]),
        ],
    )
    .await;
    assert_eq!(
        fake.requests(),
        ["retry a1,a2,a3 -> ok", "retry a4,a5,a6 -> ok"]
    );
    let done: Vec<&str> = seen.iter().map(|o| o.dlq_id.as_str()).collect();
    assert_eq!(done, ["a1", "a2", "a3", "a4", "a5", "a6"]);
    // Pages that still arrive (until the lister stops) are planned and left, none sent.
    assert!(summary.interrupted);
    let counts = (summary.planned, summary.done, summary.pending);
    assert_eq!(counts, (9, 6, 3), "{summary:?}");
    for id in ["a7", "a8", "a9"] {
        assert_eq!(fake.applied(id), 0, "{id}");
    }
}
