//! One run of a job, whatever its mode: the engine over part of it, every outcome journaled,
//! reported and printed as it comes, verifications recorded, and the totals at the end.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::parts::Engagements;
use super::report::Report;
use crate::api::Client;
use crate::bulk::action::Action;
use crate::bulk::exec::{Engine, Halt, Noting, Pacer, Sending};
use crate::bulk::flow::Controller;
use crate::bulk::job::{Job, Watcher};
use crate::bulk::journal::{Event, Mode};
use crate::bulk::outcome::{Newer, Outcome, Status, Summary};
use crate::bulk::plan::Plan;
use crate::bulk::republish::Step;
use crate::bulk::verify::{Tally, Verified, Verifier};
use crate::commands::signals;
use crate::context::{Bound, Ctx};
use crate::error::{CliError, Result};
use crate::output::progress::{Bar, Following};
use crate::output::results::{newer_line, ResultPrinter};
use crate::target::Target;

/// Requests in flight when a run starts; the controller grows it from there.
const START_IN_FLIGHT: usize = 4;

pub type Printer = ResultPrinter<std::io::BufWriter<std::io::StdoutLock<'static>>>;

/// A job being run: the job itself, where it runs, and where its outcomes go.
pub struct Run<'a> {
    pub ctx: &'a Ctx,
    pub api: Client,
    pub target: Target,
    pub job: Job,
    pub report: Mutex<Option<Report>>,
    pub printer: Mutex<Option<Printer>>,
    /// The ids the user gave, by the DLQ id they found, for the outcomes to name.
    pub inputs: HashMap<String, String>,
    started: Instant,
    /// What the verb's parts give the run (a republish's messages, a callback's baselines).
    pub engaged: Engagements,
    /// The sandbox a continued job started for its target, kept while it runs.
    _bound: Option<Bound>,
}

/// How a run ended, for the account: its totals and why it stopped early, if it did.
pub struct Ended {
    pub total: Summary,
    pub halt: Option<Halt>,
    /// A step after acting that did not go as planned.
    pub stop: Option<Stop>,
    /// A line for after the results (the backup's).
    pub note: Option<String>,
}

/// Why a planned run with a canary or `--verify` ended short of its account.
pub enum Stop {
    /// The question after a passed canary was declined (or could not be asked).
    Declined(CliError),
    /// The outcomes could not be looked up; `canary` when it was the canary's.
    Unverified { error: CliError, canary: bool },
    /// The canary did not pass: the rest was not touched.
    CanaryFailed(crate::bulk::journal::CanaryResult),
}

impl<'a> Run<'a> {
    pub fn new(
        ctx: &'a Ctx,
        api: Client,
        target: Target,
        job: Job,
        report: Option<Report>,
        engaged: Engagements,
    ) -> Run<'a> {
        Run {
            ctx,
            api,
            target,
            job,
            report: Mutex::new(report),
            printer: Mutex::new(None),
            inputs: HashMap::new(),
            started: Instant::now(),
            engaged,
            _bound: None,
        }
    }

    /// Keeps the sandbox a continued job's target needed alive while the run lasts.
    pub fn keep(mut self, bound: Bound) -> Self {
        self._bound = Some(bound);
        self
    }

    /// Starts the run: the journal says it runs, the results of `expected` entries go to
    /// stdout (none: no per-entry results), and signals stop it after the requests in flight.
    pub fn begin(&mut self, expected: Option<u64>) {
        self.started = Instant::now();
        self.job.restarted();
        let verb = self.job.verb();
        *self.printer.lock().unwrap() =
            expected.map(|n| ResultPrinter::new(self.ctx.out.stdout(), &self.ctx.out, verb, n));
        let watcher = signals::watch(
            self.job.cancel.clone(),
            self.ctx.out.clone(),
            self.job.continue_line(&self.ctx.places),
            self.job.on_abort(),
        );
        self.job.watch(Watcher::new(watcher));
    }

    /// A pipelined run that listed nothing: no job is kept, no report either; what it left
    /// dated after its start, `newer`, is said (and comes back with the job's next run).
    pub fn nothing_listed(self, newer: Option<Newer>) {
        let verb = self.job.verb();
        let described = self.described();
        if let Some(r) = self.report.into_inner().unwrap() {
            r.discard();
        }
        self.job.discard();
        self.ctx.out.info(&format!(
            "{}: nothing matches on {described}; nothing to do",
            verb.name()
        ));
        if let Some(n) = newer {
            self.ctx.out.info_wrapped(&newer_line(verb, &n));
        }
    }

    pub fn described(&self) -> String {
        self.target.describe()
    }

    /// Journals, reports and prints outcomes as they come.
    pub fn record(&self, outcomes: &[Outcome]) -> std::io::Result<()> {
        let outcomes: Vec<Outcome> = outcomes
            .iter()
            .map(|o| Outcome {
                input: o
                    .input
                    .clone()
                    .or_else(|| self.inputs.get(&o.dlq_id).cloned()),
                ..o.clone()
            })
            .collect();
        let events: Vec<Event> = outcomes.iter().cloned().map(Event::Outcome).collect();
        self.job.write(&events)?;
        if let Some(r) = self.report.lock().unwrap().as_mut() {
            r.write(&outcomes)
                .map_err(|e| std::io::Error::other(e.message))?;
        }
        // stdout is for whoever reads it; a closed pipe must not stop the run.
        let mut printer = self.printer.lock().unwrap();
        if printer.as_mut().is_some_and(|p| p.add(&outcomes).is_err()) {
            *printer = None;
        }
        Ok(())
    }

    /// Runs the engine over `plan`; returns why it stopped early, if it did, and the done
    /// outcomes when `keep` asks for them (to verify).
    pub async fn act(
        &self,
        plan: &Plan,
        unknown: &HashSet<String>,
        total: &mut Summary,
        keep: bool,
    ) -> (Option<Halt>, Vec<Outcome>) {
        let action = &self.job.record.action;
        let bar = self.bar(plan.len() as u64);
        let sending = self.sending();
        let noting = self.noting();
        let mut done = Vec::new();
        let mut record = |outcomes: &[Outcome]| {
            if keep {
                done.extend(
                    outcomes
                        .iter()
                        .filter(|o| o.outcome == Status::Done)
                        .cloned(),
                );
            }
            self.record(outcomes)
        };
        let mut halt = None;
        for part in &plan.parts {
            if halt.is_some() || self.job.cancel.is_cancelled() {
                total.planned += part.ids.len() as u64;
                total.pending += part.ids.len() as u64;
                continue;
            }
            let action = Action {
                source: part.source,
                ..action.clone()
            };
            let engine = self.engine(&action, &bar, &sending, &noting);
            let (s, h) = engine.run(&part.ids, unknown, &mut record).await;
            add(total, &s);
            halt = h;
        }
        bar.finish();
        (halt, done)
    }

    /// The progress bar of acting on `len` entries (0: learnt as listed).
    pub fn bar(&self, len: u64) -> Bar {
        let action = &self.job.record.action;
        let size = action.verb.chunk_size(action.source) as f64;
        Bar::new(
            &self.ctx.out,
            action.verb.name(),
            len,
            self.job.settings.rps.map(|r| r * size),
        )
    }

    /// The engine for `action`, with the run's settings.
    pub fn engine<'e>(
        &'e self,
        action: &'e Action,
        bar: &'e Bar,
        sending: Sending<'e>,
        noting: Noting<'e>,
    ) -> Engine<'e> {
        let mut engine = Engine::new(&self.api, action, &self.job.cancel, bar);
        let ceiling = self.job.settings.concurrency;
        engine.flow = Controller::new(START_IN_FLIGHT.min(ceiling), ceiling);
        engine.pacer = Some(&self.job.pacer);
        engine.sending = Some(sending);
        engine.budget = self.ctx.retry_budget();
        self.engaged.arm(&mut engine, noting);
        engine
    }

    /// Journals a republish's steps before the engine goes past them.
    pub fn noting(&self) -> impl Fn(&Step) -> std::io::Result<()> + Sync + '_ {
        let job = &self.job;
        move |step: &Step| {
            let events: Vec<Event> = match step {
                Step::Publishing(a) => vec![Event::Publishing(a.clone())],
                Step::Published(ps) => ps.iter().cloned().map(Event::Published).collect(),
            };
            job.write(&events)
        }
    }

    /// Marks ids in flight in the journal before they are sent; marks made at once share a
    /// sync.
    pub fn sending(
        &self,
    ) -> impl Fn(&[String]) -> futures::future::BoxFuture<'static, std::io::Result<()>> + Sync + '_
    {
        // Only the job is captured: the printer (which holds stdout) never crosses threads.
        let job = &self.job;
        move |ids: &[String]| job.write_shared(&[Event::Inflight(ids.to_vec())])
    }

    /// Follows `outcomes` to their final states; the results are journaled, reported and
    /// printed. `what` names the step on the progress line.
    pub async fn verify(
        &self,
        outcomes: &[Outcome],
        since_ms: i64,
        wait: Duration,
        what: &'static str,
    ) -> Result<Vec<Verified>> {
        let watch = Following::new(&self.ctx.out, what);
        let pacer = self.job.settings.rps.map(|r| Pacer::new(Some(r)));
        let verifier = Verifier {
            api: &self.api,
            cancel: &self.job.cancel,
            pacer: pacer.as_ref(),
            watch: &watch,
            callback: self.job.verb().follows_callbacks(),
        };
        let verified = verifier.run(outcomes, since_ms, wait).await;
        drop(watch);
        let verified = verified.map_err(|e| CliError::failure(e.to_string()))?;
        let events: Vec<Event> = verified.iter().cloned().map(Event::Verified).collect();
        self.job
            .write(&events)
            .map_err(|e| CliError::failure(e.to_string()))?;
        if let Some(r) = self.report.lock().unwrap().as_mut() {
            r.write(&verified)?;
        }
        if let Some(p) = self.printer.lock().unwrap().as_mut() {
            let _ = p.verified(&verified);
        }
        Ok(verified)
    }

    /// Ends the run: the totals (every request the run sent, lists and retries included),
    /// the journal's end record, the results on stdout. `halted`: an error stopped it.
    pub fn end(&mut self, total: &mut Summary, halted: bool) {
        self.job.unwatch();
        let left = match self.job.record.mode {
            // No per-entry account: stopped before the server said there was no more.
            Mode::ServerSide(_) => halted || self.job.cancel.is_cancelled(),
            _ => total.pending > 0 || total.listing_cut,
        };
        total.interrupted = self.job.cancel.is_cancelled() && !halted && left;
        total.seconds = self.started.elapsed().as_secs_f64();
        // The client is this invocation's: planning, listing, checks and retries all count.
        total.requests = self.api.requests_sent();
        total.job = Some(self.job.id().to_string());
        if let Err(e) = self.job.end(total, halted, left) {
            self.ctx.out.warn(&format!(
                "cannot record the end of job {}: {e}",
                self.job.id()
            ));
        }
        if let Some(p) = self.printer.lock().unwrap().take() {
            let _ = p.finish(total);
        }
    }
}

pub fn add(total: &mut Summary, s: &Summary) {
    total.planned += s.planned;
    total.done += s.done;
    total.not_found += s.not_found;
    total.failed += s.failed;
    total.unconfirmed += s.unconfirmed;
    total.pending += s.pending;
}

pub fn add_tallies(a: Tally, b: Tally) -> Tally {
    Tally {
        delivered: a.delivered + b.delivered,
        failed_again: a.failed_again + b.failed_again,
        cancelled: a.cancelled + b.cancelled,
        pending: a.pending + b.pending,
        unknown: a.unknown + b.unknown,
    }
}
