//! The machinery a run's phases share: the engine over part of a plan, every outcome
//! journaled, reported and printed as it comes, verifications recorded, and the end record.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::report::Report;
use crate::api::Client;
use crate::bulk::action::Action;
use crate::bulk::cancel::Cancel;
use crate::bulk::exec::{Engine, Halt, Pacer, Sending};
use crate::bulk::flow::Controller;
use crate::bulk::journal::{Journal, PlanRecord, RunSettings};
use crate::bulk::outcome::{Outcome, Status, Summary};
use crate::bulk::plan::Plan;
use crate::bulk::verify::{Tally, Verified, Verifier};
use crate::context::Ctx;
use crate::error::{CliError, Result};
use crate::output::progress::{Bar, Following};
use crate::output::results::ResultPrinter;

/// Requests in flight when a run starts; the controller grows it from there.
const START_IN_FLIGHT: usize = 4;

pub type Printer = ResultPrinter<std::io::BufWriter<std::io::StdoutLock<'static>>>;

/// The shared state of a run's phases.
pub struct Phase<'a> {
    pub ctx: &'a Ctx,
    pub api: &'a Client,
    pub record: &'a PlanRecord,
    pub settings: &'a RunSettings,
    pub cancel: Cancel,
    /// Paces every request of the run, listing and acting alike: `--rps` is a hard cap.
    pub pacer: Pacer,
    pub journal: Mutex<Journal>,
    pub report: Mutex<Option<Report>>,
    pub printer: Mutex<Option<Printer>>,
    pub inputs: &'a std::collections::HashMap<String, String>,
}

impl Phase<'_> {
    /// Records the ids that found nothing, as `not_found` outcomes naming the token.
    pub fn missing(&self, plan: &Plan, total: &mut Summary) -> Option<Halt> {
        let missing = missing_outcomes(plan);
        if missing.is_empty() {
            return None;
        }
        missing.iter().for_each(|o| total.count(o));
        total.planned += missing.len() as u64;
        self.record(&missing).err().map(Halt::Journal)
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
        let mut journal = self.journal.lock().unwrap();
        let dir = journal.dir.clone();
        journal.record(&outcomes).map_err(|e| in_journal(&dir, e))?;
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
        let verb = self.record.action.verb;
        let size = verb.chunk_size(self.record.action.source) as f64;
        let bar = Bar::new(
            &self.ctx.out,
            verb.name(),
            plan.len() as u64,
            self.settings.rps.map(|r| r * size),
        );
        let sending = self.sending();
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
            if halt.is_some() || self.cancel.is_cancelled() {
                total.planned += part.ids.len() as u64;
                total.pending += part.ids.len() as u64;
                continue;
            }
            let action = Action {
                source: part.source,
                ..self.record.action.clone()
            };
            let engine = self.engine(&action, &bar, &sending);
            let (s, h) = engine.run(&part.ids, unknown, &mut record).await;
            add(total, &s);
            halt = h;
        }
        bar.finish();
        (halt, done)
    }

    /// The engine for `action`, with the run's settings.
    pub fn engine<'e>(
        &'e self,
        action: &'e Action,
        bar: &'e Bar,
        sending: Sending<'e>,
    ) -> Engine<'e> {
        let mut engine = Engine::new(self.api, action, &self.cancel, bar);
        let ceiling = self.settings.concurrency;
        engine.flow = Controller::new(START_IN_FLIGHT.min(ceiling), ceiling);
        engine.pacer = Some(&self.pacer);
        engine.sending = Some(sending);
        engine.budget = self.ctx.retry_budget();
        // A callback in flight when an earlier run stopped is judged against the job's start.
        engine.callbacks = crate::bulk::callback::Ledger::new(self.record.created_ms);
        engine
    }

    /// Marks ids in flight in the journal before they are sent.
    pub fn sending(&self) -> impl Fn(&[String]) -> std::io::Result<()> + Sync + '_ {
        let dir = self.journal.lock().unwrap().dir.clone();
        // Only the journal is captured: the printer (which holds stdout) never crosses threads.
        let journal = &self.journal;
        move |ids: &[String]| {
            journal
                .lock()
                .unwrap()
                .inflight(ids)
                .map_err(|e| in_journal(&dir, e))
        }
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
        let pacer = self.settings.rps.map(|r| Pacer::new(Some(r)));
        let verifier = Verifier {
            api: self.api,
            cancel: &self.cancel,
            pacer: pacer.as_ref(),
            watch: &watch,
            callback: self.record.action.verb == crate::bulk::action::Verb::Callback,
        };
        let verified = verifier.run(outcomes, since_ms, wait).await;
        drop(watch);
        let verified = verified.map_err(|e| CliError::failure(e.to_string()))?;
        let mut journal = self.journal.lock().unwrap();
        let dir = journal.dir.clone();
        journal
            .verified(&verified)
            .map_err(|e| CliError::failure(in_journal(&dir, e).to_string()))?;
        if let Some(r) = self.report.lock().unwrap().as_mut() {
            r.write(&verified)?;
        }
        if let Some(p) = self.printer.lock().unwrap().as_mut() {
            let _ = p.verified(&verified);
        }
        Ok(verified)
    }

    /// Ends the run: totals, the journal's end record, the results on stdout.
    pub fn end(&self, total: &mut Summary, started: Instant, job: &str) {
        total.interrupted = self.cancel.is_cancelled() && total.pending > 0;
        total.seconds = started.elapsed().as_secs_f64();
        total.job = Some(job.to_string());
        if let Err(e) = self.journal.lock().unwrap().end(total) {
            self.ctx
                .out
                .warn(&format!("cannot record the end of job {job}: {e}"));
        }
        if let Some(p) = self.printer.lock().unwrap().take() {
            let _ = p.finish(total);
        }
    }
}

pub fn in_journal(dir: &std::path::Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::other(format!(
        "cannot write the job journal in {}: {e}",
        dir.display()
    ))
}

/// The tokens that found nothing, as `not_found` outcomes naming the token.
pub fn missing_outcomes(plan: &Plan) -> Vec<Outcome> {
    plan.missing
        .iter()
        .map(|(token, why)| {
            let dlq = matches!(
                crate::bulk::resolve::classify(token),
                Ok(crate::bulk::resolve::IdKind::Dlq)
            );
            Outcome {
                dlq_id: if dlq { token.clone() } else { String::new() },
                input: (!dlq).then(|| token.clone()),
                ..Outcome::failed("", Status::NotFound, why.clone())
            }
        })
        .collect()
}

pub fn add(total: &mut Summary, s: &Summary) {
    total.planned += s.planned;
    total.done += s.done;
    total.not_found += s.not_found;
    total.failed += s.failed;
    total.unconfirmed += s.unconfirmed;
    total.pending += s.pending;
    total.requests += s.requests;
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
