//! Republish in process: publish, then delete, under lost replies, refusals, continued jobs
//! and chaos, held to the model's truth: no entry's message delivered twice, every entry
//! reported done delivered exactly once and gone from the DLQ, nothing reported otherwise
//! deleted, and every publish marked in the journal before it went.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::fake::{Fake, Fault, On, Rule};
use crate::api::{Destination, Outgoing, Overrides, Source};
use crate::bulk::action::{Action, Verb};
use crate::bulk::exec::{Engine, Progress};
use crate::bulk::flow::Controller;
use crate::bulk::outcome::{Outcome, Status, Summary};
use crate::bulk::republish::{
    dedup_id, Built, Line, Publication, Republishing, Step, SAFE_RESEND_MS,
};

struct Quiet;
impl Progress for Quiet {
    fn advance(&self, _: &[Outcome]) {}
}

fn line(id: &str) -> Line {
    Line {
        dlq_id: id.to_string(),
        built: Built::Message(Box::new(Outgoing {
            destination: Destination {
                to: "https://new.example/hook".into(),
                group: false,
                queue: None,
            },
            headers: vec![],
            body: Some("{}".into()),
            body_base64: None,
            deduplication_id: dedup_id(id),
            config: Overrides::default(),
        })),
    }
}

/// A republish job's engine state: its messages, what earlier runs journaled, and the clock.
struct Job {
    lines: Vec<Line>,
    published: Vec<Publication>,
    first_sent: HashMap<String, i64>,
    now: Arc<AtomicI64>,
}

impl Job {
    fn of(ids: &[&str]) -> Job {
        Job {
            lines: ids.iter().map(|id| line(id)).collect(),
            published: vec![],
            first_sent: HashMap::new(),
            now: Arc::new(AtomicI64::new(10_000_000)),
        }
    }
}

/// Runs republish over `plan` (ids in `unknown` were in flight) and returns the outcomes, the
/// summary and the steps journaled.
async fn run(
    fake: &Fake,
    job: Job,
    plan: &[&str],
    unknown: &[&str],
) -> (HashMap<String, Outcome>, Summary, Vec<Step>) {
    let action = Action {
        verb: Verb::Republish,
        source: Source::Qstash,
        overrides: Default::default(),
    };
    let clock = job.now.clone();
    // The messages are read from the job's file, a chunk at a time, as a real run reads them.
    let dir = tempfile::tempdir().unwrap();
    crate::bulk::frozen::write_lines(dir.path(), &job.lines).unwrap();
    let frozen = crate::bulk::frozen::Frozen::open(dir.path()).unwrap();
    let r = Republishing::new(frozen, job.published, job.first_sent)
        .with_clock(move || clock.load(Ordering::SeqCst));
    let marked = fake.marked.clone();
    let mark = super::marking(move |ids: &[String]| -> std::io::Result<()> {
        marked.lock().unwrap().extend(ids.iter().cloned());
        Ok(())
    });
    let steps = std::sync::Mutex::new(Vec::new());
    let marked = fake.marked.clone();
    let note = |s: &Step| -> std::io::Result<()> {
        if let Step::Publishing(a) = s {
            marked.lock().unwrap().extend(a.ids.iter().cloned());
        }
        steps.lock().unwrap().push(s.clone());
        Ok(())
    };
    let mut engine = Engine::new(fake, &action, &fake.cancel, &Quiet);
    engine.flow = Controller::fixed(2);
    engine.sending = Some(&mark);
    engine.republish = Some((&r, &note));
    engine.chunk_size = 3;
    let ids: Vec<String> = plan.iter().map(|s| s.to_string()).collect();
    let unknown: HashSet<String> = unknown.iter().map(|s| s.to_string()).collect();
    let mut out = HashMap::new();
    let (summary, halt) = engine
        .run(&super::on_disk(&ids), &unknown, &mut |o: &[Outcome]| {
            for o in o {
                assert!(
                    out.insert(o.dlq_id.clone(), o.clone()).is_none(),
                    "{} has two outcomes",
                    o.dlq_id
                );
            }
            Ok(())
        })
        .await;
    assert!(halt.is_none(), "halted: {halt:?}");
    if summary.done == ids.len() as u64 {
        // Every entry settled: nothing of them is held until the run ends.
        assert_eq!(r.holding(), 0, "publishes still held after the run");
    }
    assert!(
        fake.unmarked().is_empty(),
        "sent unmarked: {:?}",
        fake.unmarked()
    );
    drop(engine);
    (out, summary, steps.into_inner().unwrap())
}

/// The model's truth for every planned id: done means delivered once, gone, and the reported
/// message is the one delivered; anything else was not deleted, and nothing was delivered twice.
fn hold_to_truth(fake: &Fake, out: &HashMap<String, Outcome>, plan: &[&str]) {
    for id in plan {
        assert!(
            fake.delivered(id) <= 1,
            "{id} delivered twice: {:?}",
            fake.requests()
        );
        let Some(o) = out.get(*id) else { continue };
        match o.outcome {
            Status::Done => {
                assert_eq!(fake.delivered(id), 1, "{id} done but not delivered");
                assert!(!fake.in_dlq(id), "{id} done but still in the DLQ");
                assert_eq!(o.message_id.as_deref(), Some(&*format!("msg_pub_{id}_1")));
            }
            Status::NotFound => {}
            Status::Unknown => {}
            _ => assert!(fake.in_dlq(id), "{id} {:?} but deleted", o.outcome),
        }
    }
}

fn fake_with(ids: &[&str]) -> Fake {
    let fake = Fake::new();
    for id in ids {
        fake.add(Source::Qstash, id);
    }
    fake
}

/// How many requests of the log start with `prefix`.
fn sent(fake: &Fake, prefix: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.starts_with(prefix))
        .count()
}

#[tokio::test(start_paused = true)]
async fn a_chunk_is_looked_up_once_published_in_one_batch_then_deleted_in_one_request() {
    let ids = ["a", "b", "c"];
    let fake = fake_with(&ids);
    let (out, s, steps) = run(&fake, Job::of(&ids), &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 3);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert_eq!(reqs[0], "find a,b,c -> ok");
    assert_eq!(reqs[1], "batch a,b,c -> ok");
    assert_eq!(reqs[2], "delete a,b,c -> ok");
    // The first sends journaled together before the batch, the accepted items after it.
    assert!(
        matches!(&steps[0], Step::Publishing(a) if a.ids.len() == 3),
        "{steps:?}"
    );
    assert!(
        matches!(&steps[1], Step::Published(ps) if ps.len() == 3),
        "{steps:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_lost_batch_reply_is_sent_again_and_deduplicated_never_delivered_twice() {
    let ids = ["a", "b"];
    let fake = fake_with(&ids);
    fake.script(vec![Rule::on(On::Publish, Fault::LostAfter).naming("a")]);
    let (out, s, _) = run(&fake, Job::of(&ids), &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 2);
    assert_eq!(sent(&fake, "batch a,b"), 2, "{:?}", fake.requests());
    for id in ids {
        assert!(out[id].error.as_deref().unwrap().contains("deduplicated"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_batch_answered_5xx_after_it_was_applied_is_settled_by_deduplication() {
    let ids = ["a", "b", "c"];
    let fake = fake_with(&ids);
    fake.script(vec![Rule::on(On::Publish, Fault::AppliedThen(500))]);
    let (out, s, _) = run(&fake, Job::of(&ids), &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 3, "{:?}", fake.requests());
    assert_eq!(sent(&fake, "batch a,b,c"), 2, "{:?}", fake.requests());
    for id in ids {
        assert_eq!(fake.delivered(id), 1);
        assert!(out[id].error.as_deref().unwrap().contains("deduplicated"));
    }
}

#[tokio::test(start_paused = true)]
async fn one_refused_item_leaves_its_entry_and_the_others_are_republished() {
    let ids = ["a", "b", "c"];
    let fake = fake_with(&ids);
    fake.refuse("b", "invalid destination");
    let (out, s, steps) = run(&fake, Job::of(&ids), &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!((s.done, s.failed), (2, 1));
    let why = out["b"].error.as_deref().unwrap();
    assert!(
        why.contains("not published: invalid destination") && why.contains("left in the DLQ"),
        "{why}"
    );
    assert!(fake.in_dlq("b"));
    assert_eq!(fake.delivered("b"), 0);
    assert_eq!(
        fake.requests().last().unwrap(),
        "delete a,c -> ok",
        "only the accepted items' entries are deleted"
    );
    assert!(
        matches!(&steps[1], Step::Published(ps) if ps.len() == 2),
        "{steps:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_batch_refused_as_a_whole_is_sent_one_message_at_a_time() {
    let ids = ["a", "b"];
    let fake = fake_with(&ids);
    fake.script(vec![Rule::on(On::Publish, Fault::Status(400))]);
    let (out, s, _) = run(&fake, Job::of(&ids), &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 2, "{:?}", fake.requests());
    assert_eq!(sent(&fake, "batch "), 1);
    assert_eq!(sent(&fake, "publish "), 2);
}

#[tokio::test(start_paused = true)]
async fn a_lost_delete_reply_is_checked_and_the_message_still_reported() {
    let ids = ["a", "b", "c"];
    let fake = fake_with(&ids);
    fake.script(vec![Rule::on(On::Many, Fault::LostAfter)]);
    let (out, s, _) = run(&fake, Job::of(&ids), &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 3);
    assert_eq!(
        sent(&fake, "batch "),
        1,
        "nothing published again: {:?}",
        fake.requests()
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_publish_and_a_refused_plan_leave_the_entry_in_the_dlq() {
    let ids = ["a", "b", "c"];
    let fake = fake_with(&ids);
    fake.refuse("a", "scripted");
    let mut job = Job::of(&ids);
    job.lines[1].built = Built::Refused("no --rewrite-url rule matches".into());
    let (out, s, _) = run(&fake, job, &ids, &[]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!((s.done, s.failed), (1, 2));
    assert!(out["a"].error.as_deref().unwrap().contains("not published"));
    assert!(out["b"]
        .error
        .as_deref()
        .unwrap()
        .contains("refused in the plan"));
    assert!(
        !fake.requests().iter().any(|r| r.contains(" b")),
        "b was never asked about"
    );
}

#[tokio::test(start_paused = true)]
async fn an_entry_gone_since_the_plan_is_not_published() {
    let fake = fake_with(&["a"]);
    let (out, s, _) = run(&fake, Job::of(&["a", "b"]), &["a", "b"], &[]).await;
    assert_eq!((s.done, s.not_found), (1, 1));
    assert_eq!(fake.delivered("b"), 0);
    assert_eq!(sent(&fake, "batch a -> ok"), 1, "{:?}", fake.requests());
    hold_to_truth(&fake, &out, &["a", "b"]);
}

#[tokio::test(start_paused = true)]
async fn a_continued_job_deletes_what_was_published_and_publishes_nothing_again() {
    let ids = ["a", "b"];
    let fake = fake_with(&ids);
    // The earlier run: a's publish accepted and journaled, then killed before the delete.
    let p = fake_publish(&fake, "a");
    let mut job = Job::of(&ids);
    job.published.push(p);
    job.first_sent
        .insert("a".into(), job.now.load(Ordering::SeqCst));
    let (out, s, _) = run(&fake, job, &ids, &["a"]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 2);
    assert_eq!(
        sent(&fake, "batch b -> ok"),
        1,
        "a was published by the earlier run only: {:?}",
        fake.requests()
    );
}

#[tokio::test(start_paused = true)]
async fn a_publish_in_flight_at_a_crash_is_sent_again_within_the_window_only() {
    let ids = ["a", "b"];
    // Recent: sent again, deduplicated by the service.
    let fake = fake_with(&ids);
    fake_publish(&fake, "a");
    let mut job = Job::of(&ids);
    job.first_sent
        .insert("a".into(), job.now.load(Ordering::SeqCst) - 60_000);
    let (out, s, _) = run(&fake, job, &ids, &["a"]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!(s.done, 2);
    // Past the window: the service may have forgotten it, so it is never sent again.
    let fake = fake_with(&ids);
    fake_publish(&fake, "a");
    fake.forget_dedup();
    let mut job = Job::of(&ids);
    job.first_sent
        .insert("a".into(), job.now.load(Ordering::SeqCst) - SAFE_RESEND_MS);
    let (out, s, _) = run(&fake, job, &ids, &["a"]).await;
    hold_to_truth(&fake, &out, &ids);
    assert_eq!((s.done, s.unconfirmed), (1, 1));
    assert_eq!(out["a"].outcome, Status::Unconfirmed);
    assert!(fake.in_dlq("a"));
    assert_eq!(fake.delivered("a"), 1, "the earlier run's publish only");
}

/// An earlier run's publish of `id`, accepted by the service, as its journal would hold it.
fn fake_publish(fake: &Fake, id: &str) -> Publication {
    let m = Outgoing {
        deduplication_id: dedup_id(id),
        ..match line(id).built {
            Built::Message(m) => *m,
            Built::Refused(_) => unreachable!(),
        }
    };
    // The earlier run journaled its first send before it went.
    fake.marked.lock().unwrap().insert(id.to_string());
    let made = futures::executor::block_on(crate::bulk::action::BulkClient::publish(fake, &m))
        .expect("the model publishes");
    Publication {
        dlq_id: id.to_string(),
        message_ids: made.into_iter().map(|p| p.message_id).collect(),
        deduplicated: false,
    }
}

#[tokio::test(start_paused = true)]
async fn chaos_never_delivers_an_entry_twice_and_the_account_matches_the_model() {
    let ids: Vec<String> = (0..20).map(|i| format!("e{i:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    for seed in 0..12 {
        let fake = fake_with(&ids);
        fake.chaos(seed, 25);
        let (out, s, _) = run(&fake, Job::of(&ids), &ids, &[]).await;
        hold_to_truth(&fake, &out, &ids);
        assert_eq!(
            s.done + s.not_found + s.failed + s.unconfirmed + s.pending,
            ids.len() as u64,
            "seed {seed}: {s:?}"
        );
        for id in ids.iter().filter(|id| !fake.in_dlq(id)) {
            // Gone is done, or unknown when the server could not be asked in time.
            let o = out.get(*id).map(|o| o.outcome);
            assert!(
                matches!(o, Some(Status::Done | Status::Unknown)),
                "seed {seed}: {id} gone but {o:?}"
            );
        }
    }
}
