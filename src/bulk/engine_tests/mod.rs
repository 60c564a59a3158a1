//! The bulk engine's exactly-once paths, in process, against a scripted model of a DLQ
//! ([`fake::Fake`]) under paused time: back-offs of seconds pass in no time.
//!
//! Each row says what the server holds and does (the script), and what must come of it: the
//! outcome of every planned id, the requests in the order sent, the halt. [`check`] then holds
//! the engine to the model's truth: no id acted on twice, every id reported done was acted on
//! exactly once, nothing reported failed or left was acted on, the summary adds up, and every
//! mutation's ids were marked in flight before it was sent.

mod callback;
mod chaos;
mod fake;
mod journal;
mod model;
mod pipelined;
mod republish;
mod resolve;
mod rows;
mod script;
mod server_side;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use fake::{Fake, Rule};

use super::action::{Action, Verb};
use super::exec::{Engine, Halt, Pacer, Progress};
use super::flow::Controller;
use super::outcome::{Outcome, Status, Summary};
use crate::api::Source;

/// What must become of one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Acted on, the reply read.
    Done,
    /// Acted on, found out after the reply was lost.
    DoneLost,
    NotFound,
    /// Failed; the reason contains this.
    Failed(&'static str),
    /// The server could not tell: reported unknown, never sent twice.
    Unknown,
    /// A callback whose lost reply nothing can tell: counted apart, never sent twice.
    Unconfirmed,
    /// Left for `--continue`, never sent.
    Left,
    /// Left for `--continue` while marked in flight: it may have been acted on (once).
    LeftInFlight,
    /// Done or not found, as a short delete count splits them: the server did not say which,
    /// so only the count is exact (as many done among these as the model deleted).
    Counted,
}

/// One scripted run.
struct Row {
    verb: Verb,
    /// The entries in the DLQ.
    dlq: &'static [&'static str],
    /// The ids the engine is given.
    plan: &'static [&'static str],
    /// Ids an earlier run left in flight.
    unknown: &'static [&'static str],
    /// Ids an earlier run acted on though its reply was lost.
    applied_before: &'static [&'static str],
    /// Ids the server refuses to act on (400), with why.
    refused: &'static [(&'static str, &'static str)],
    /// Entries whose failure callback is not (or no longer) failed.
    callback: &'static [(&'static str, &'static str)],
    /// Callback: the plan's runs are known, so baselines are read many at once.
    known: bool,
    /// Callback: how long after a call starts the run logs show it.
    log_lag: Duration,
    script: Vec<Rule>,
    /// Ids per request; the verb's own when `None`.
    chunk: Option<usize>,
    in_flight: usize,
    latency: Duration,
    /// The server's `Burst-RateLimit-Limit`, on every reply.
    limit: Option<u64>,
    /// `Burst-RateLimit-Remaining`, on every reply.
    remaining: Option<u64>,
    /// Whether the run is paced (by the server's limit once known).
    paced: bool,
    budget: Duration,
    /// The journal cannot be written.
    journal_fails: bool,
    want: Vec<(&'static str, Want)>,
    requests: Vec<String>,
    /// Of requests `from..to`, the most the server had in flight at once.
    busy: &'static [(usize, usize, usize)],
    /// Request `i` starts no earlier than this many seconds into the run.
    not_before: &'static [(usize, f64)],
    /// What the engine said it waits for, `7s throttled (429)`; unchecked when `None` (a
    /// backoff's jitter decides whether it is long enough to be said).
    waits: Option<&'static [&'static str]>,
    halt: Option<&'static str>,
}

impl Default for Row {
    fn default() -> Row {
        Row {
            verb: Verb::Retry,
            dlq: &[],
            plan: &[],
            unknown: &[],
            applied_before: &[],
            refused: &[],
            callback: &[],
            known: false,
            log_lag: Duration::ZERO,
            script: Vec::new(),
            chunk: Some(3),
            in_flight: 1,
            latency: Duration::ZERO,
            limit: None,
            remaining: None,
            paced: false,
            budget: Duration::from_secs(60),
            journal_fails: false,
            want: Vec::new(),
            requests: Vec::new(),
            busy: &[],
            not_before: &[],
            waits: None,
            halt: None,
        }
    }
}

/// The journal's in-flight mark as the engine takes it: `f`, done at once.
pub(super) fn marking<'a>(
    f: impl Fn(&[String]) -> std::io::Result<()> + Sync + 'a,
) -> impl Fn(&[String]) -> futures::future::BoxFuture<'static, std::io::Result<()>> + Sync + 'a {
    move |ids: &[String]| Box::pin(std::future::ready(f(ids)))
}

/// A fake DLQ with a workflow entry for each of `ids`, and the callback action on them.
fn callbacks_on(ids: &[String]) -> (Fake, Action) {
    let fake = Fake::new();
    for id in ids {
        fake.add(Source::Workflow, id);
    }
    let action = Action {
        verb: Verb::Callback,
        source: Source::Workflow,
        overrides: Default::default(),
    };
    (fake, action)
}

/// The same want for several ids.
fn all(ids: &[&'static str], w: Want) -> Vec<(&'static str, Want)> {
    ids.iter().map(|id| (*id, w)).collect()
}

fn reqs(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// Progress that remembers what the engine said it waits for.
#[derive(Default)]
struct Waits(std::sync::Mutex<Vec<String>>);

impl Progress for Waits {
    fn advance(&self, _: &[Outcome]) {}
    fn waiting(&self, d: Duration, why: &str) {
        let line = format!("{}s {why}", d.as_secs_f64());
        self.0.lock().unwrap().push(line);
    }
}

fn source(verb: Verb) -> Source {
    match verb {
        Verb::Retry | Verb::Delete => Source::Qstash,
        _ => Source::Workflow,
    }
}

fn fake_for(row: &Row) -> Fake {
    let mut fake = Fake::new();
    fake.latency = row.latency;
    fake.limit = row.limit;
    fake.remaining = row.remaining;
    for id in row.dlq {
        fake.add(source(row.verb), id);
    }
    for (id, why) in row.refused {
        fake.refuse(id, why);
    }
    for (id, state) in row.callback {
        fake.set_callback(id, state);
    }
    for id in row.applied_before {
        fake.applied_before(id);
    }
    fake.log_lag(row.log_lag);
    fake.script(row.script.clone());
    fake
}

/// Runs `row` and checks everything it says, and the model's truth.
async fn check(row: Row) {
    let fake = fake_for(&row);
    let action = Action {
        verb: row.verb,
        source: source(row.verb),
        overrides: Default::default(),
    };
    let waits = Waits::default();
    let pacer = Pacer::new(None);
    let marked = fake.marked.clone();
    let journal_fails = row.journal_fails;
    let mark = marking(move |ids: &[String]| -> std::io::Result<()> {
        if journal_fails {
            return Err(std::io::Error::other("disk full"));
        }
        marked.lock().unwrap().extend(ids.iter().cloned());
        Ok(())
    });
    let mut engine = Engine::new(&fake, &action, &fake.cancel, &waits);
    // The job began when the server's clock started.
    engine.callbacks = crate::bulk::callback::Ledger::new(fake.epoch_ms);
    if row.known {
        let run = |id: &&str| (id.to_string(), (format!("wfr_{id}"), None));
        engine.callbacks.know(row.plan.iter().map(run));
    }
    engine.flow = Controller::fixed(row.in_flight);
    engine.pacer = row.paced.then_some(&pacer);
    engine.sending = Some(&mark);
    engine.budget = row.budget;
    if let Some(n) = row.chunk {
        engine.chunk_size = n;
    }
    let plan: Vec<String> = row.plan.iter().map(|s| s.to_string()).collect();
    let unknown: HashSet<String> = row.unknown.iter().map(|s| s.to_string()).collect();
    let mut seen: Vec<Outcome> = Vec::new();
    let mut record = |o: &[Outcome]| -> std::io::Result<()> {
        seen.extend_from_slice(o);
        Ok(())
    };
    let (summary, halt) = engine.run(&on_disk(&plan), &unknown, &mut record).await;
    drop(engine);

    assert_eq!(fake.requests(), row.requests, "the requests sent");
    let outcomes = by_id(&seen, &plan);
    let want: HashMap<&str, Want> = row.want.iter().copied().collect();
    for id in row.plan {
        let w = *want
            .get(id)
            .unwrap_or_else(|| panic!("the row says what becomes of {id}"));
        check_id(&fake, id, w, outcomes.get(*id).copied(), row.applied_before);
    }
    check_summary(&row, &summary, &fake, &outcomes);
    assert_eq!(halt.as_ref().map(halt_name), row.halt, "the halt: {halt:?}");
    assert_eq!(
        fake.unmarked(),
        Vec::<String>::new(),
        "sent before marked in flight"
    );
    let times = fake.times();
    for &(i, secs) in row.not_before {
        let at = times[i].as_secs_f64();
        assert!(at >= secs, "request {i} started at {at}s, before {secs}s");
    }
    let seen = fake.busy_seen();
    for &(from, to, most) in row.busy {
        let peak = seen[from..to].iter().max().copied();
        assert_eq!(
            peak,
            Some(most),
            "in flight at once, requests {from}..{to}: {seen:?}"
        );
    }
    if let Some(said) = row.waits {
        assert_eq!(*waits.0.lock().unwrap(), reqs(said), "the waits said");
    }
}

/// Each id's outcome; fails on an id reported twice or never planned.
fn by_id<'a>(seen: &'a [Outcome], plan: &[String]) -> HashMap<&'a str, &'a Outcome> {
    let mut out = HashMap::new();
    for o in seen {
        assert!(
            plan.contains(&o.dlq_id),
            "an outcome for {} unplanned",
            o.dlq_id
        );
        assert!(
            out.insert(o.dlq_id.as_str(), o).is_none(),
            "{} twice",
            o.dlq_id
        );
    }
    out
}

/// One id against what the row wants and what the model holds.
fn check_id(fake: &Fake, id: &str, w: Want, o: Option<&Outcome>, before: &[&str]) {
    let applied = fake.applied(id);
    assert!(applied <= 1, "{id} was acted on {applied} times");
    let status = o.map(|o| o.outcome);
    let lost_note = o.and_then(|o| o.error.as_deref()).unwrap_or("");
    match w {
        Want::Done | Want::DoneLost => {
            assert_eq!(status, Some(Status::Done), "{id}: {o:?}");
            assert_eq!(
                applied, 1,
                "{id} reported done: the server acted on it once"
            );
        }
        Want::NotFound => {
            assert_eq!(status, Some(Status::NotFound), "{id}: {o:?}");
            assert!(!fake.in_dlq(id), "{id} reported not found is in the DLQ");
        }
        Want::Failed(why) => {
            assert_eq!(status, Some(Status::Failed), "{id}: {o:?}");
            assert!(lost_note.contains(why), "{id}: {lost_note:?} says {why:?}");
        }
        Want::Unknown => assert_eq!(status, Some(Status::Unknown), "{id}: {o:?}"),
        Want::Unconfirmed => assert_eq!(status, Some(Status::Unconfirmed), "{id}: {o:?}"),
        Want::Left | Want::LeftInFlight => assert_eq!(status, None, "{id} is left: {o:?}"),
        Want::Counted => {
            let split = matches!(status, Some(Status::Done | Status::NotFound));
            assert!(
                split && lost_note.contains("does not say which"),
                "{id}: {o:?}"
            );
        }
    }
    match w {
        Want::Done => {
            // What the reply said this id became, zipped to this id.
            let o = o.unwrap();
            let made = o.message_id.clone().or(o.workflow_run_id.clone());
            assert_eq!(made, fake.made(id), "{id}: what the reply said it made");
            assert_eq!(o.error, None, "{id}");
        }
        Want::DoneLost => assert!(lost_note.contains("reply was lost"), "{id}: {o:?}"),
        Want::NotFound | Want::Failed(_) | Want::Left => {
            assert_eq!(
                applied,
                u32::from(before.contains(&id)),
                "{id} was acted on"
            );
        }
        Want::LeftInFlight => {
            let marked = fake.marked.lock().unwrap().contains(id);
            assert!(
                marked,
                "{id} stays marked in flight, for --continue to check"
            );
        }
        Want::Unknown | Want::Unconfirmed | Want::Counted => {}
    }
}

fn check_summary(row: &Row, s: &Summary, fake: &Fake, outcomes: &HashMap<&str, &Outcome>) {
    let count = |f: fn(&Want) -> bool| row.want.iter().filter(|(_, w)| f(w)).count() as u64;
    // Ids a short count splits: as many done among them as the model acted on.
    let counted = row.want.iter().filter(|(_, w)| *w == Want::Counted);
    let counted: Vec<&str> = counted.map(|(id, _)| *id).collect();
    let is_done = |id: &&&str| outcomes[**id].outcome == Status::Done;
    let counted_done = counted.iter().filter(is_done).count() as u64;
    let counted_applied: u64 = counted.iter().map(|id| u64::from(fake.applied(id))).sum();
    assert_eq!(
        counted_done, counted_applied,
        "done among the ids a count split"
    );
    let counted_gone = counted.len() as u64 - counted_done;
    assert_eq!(s.planned, row.plan.len() as u64, "planned");
    let done = count(|w| matches!(w, Want::Done | Want::DoneLost)) + counted_done;
    assert_eq!(s.done, done, "done");
    let not_found = count(|w| *w == Want::NotFound) + counted_gone;
    assert_eq!(s.not_found, not_found, "not found");
    let failed = count(|w| matches!(w, Want::Failed(_) | Want::Unknown));
    assert_eq!(s.failed, failed, "failed");
    let unconfirmed = count(|w| *w == Want::Unconfirmed);
    assert_eq!(s.unconfirmed, unconfirmed, "unconfirmed");
    let left = count(|w| matches!(w, Want::Left | Want::LeftInFlight));
    assert_eq!(s.pending, left, "left for --continue");
    assert_eq!(s.requests, fake.requests().len() as u64, "requests counted");
    let cancelled = fake.cancel.is_cancelled() && row.halt.is_none();
    assert_eq!(s.interrupted, cancelled && left > 0, "interrupted");
}

fn halt_name(h: &Halt) -> &'static str {
    match h {
        Halt::Journal(_) => "journal",
        Halt::Refused(_) => "refused",
        Halt::Failed(_) => "failed",
    }
}

/// `ids` as a plan's list that lives on disk past two ids: every model row runs the engine
/// over ids read back from the file, as a long plan's are.
pub(super) fn on_disk(ids: &[String]) -> crate::bulk::idlist::IdList {
    let mut list = crate::bulk::idlist::IdList::spilling_at(2);
    for id in ids {
        list.push(id.clone()).unwrap();
    }
    list
}
