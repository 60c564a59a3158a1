//! Executing a plan and accounting for it: the engine over each part of the plan, every
//! outcome journaled, reported and printed as it comes, then the summary (naming the target)
//! and the exit code. Interrupts, a refused token or a journal that cannot be written all end
//! the same way: an exact summary and the line that continues the job.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Instant;

use super::report::Report;
use crate::api::Client;
use crate::bulk::action::{Action, Verb};
use crate::bulk::cancel::Cancel;
use crate::bulk::exec::{Engine, Halt, Pacer};
use crate::bulk::journal::{Journal, PlanRecord, RunSettings};
use crate::bulk::outcome::{Outcome, Status, Summary};
use crate::bulk::plan::Plan;
use crate::commands::signals;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan::past;
use crate::output::progress::Bar;
use crate::output::results::{summary_line, ResultPrinter};
use crate::target::Target;

/// A job about to run: its journal (locked), its report, and the settings in effect.
pub struct Run<'a> {
    pub ctx: &'a Ctx,
    pub api: &'a Client,
    pub target: &'a Target,
    pub record: &'a PlanRecord,
    pub journal: Journal,
    pub report: Option<Report>,
    pub settings: RunSettings,
}

impl Run<'_> {
    /// Runs `plan`; ids in `unknown` may already have been acted on and are checked first.
    pub async fn go(
        self,
        plan: &Plan,
        unknown: &HashSet<String>,
        note: Option<&str>,
    ) -> Result<()> {
        let ctx = self.ctx;
        let verb = self.record.action.verb;
        let job = &self.record.job;
        let described = self.target.describe();
        let continue_line = format!("continue with: dlq {} --continue {job}", verb.name());
        ctx.out.info_wrapped(&format!(
            "job {job}: {} {} on {described}; an interrupt stops it after the requests in flight",
            plan.len(),
            if plan.len() == 1 { "entry" } else { "entries" },
        ));
        let started = Instant::now();
        let cancel = Cancel::new();
        let watcher = signals::watch(cancel.clone(), ctx.out.clone(), continue_line.clone());
        let size = verb.chunk_size(self.record.action.source) as f64;
        let bar = Bar::new(
            &ctx.out,
            verb.name(),
            plan.len() as u64,
            self.settings.rps.map(|r| r * size),
        );
        self.journal.restarted();
        let journal = Mutex::new(self.journal);
        let dir = journal.lock().unwrap().dir.clone();
        let in_journal = |e: std::io::Error| {
            std::io::Error::other(format!(
                "cannot write the job journal in {}: {e}",
                dir.display()
            ))
        };
        let sending = |ids: &[String]| journal.lock().unwrap().inflight(ids).map_err(in_journal);
        let mut report = self.report;
        let mut printer = Some(ResultPrinter::new(
            ctx.out.stdout(),
            &ctx.out,
            (plan.len() + plan.missing.len()) as u64,
        ));
        let mut record = |outcomes: &[Outcome]| -> std::io::Result<()> {
            let outcomes: Vec<Outcome> = outcomes
                .iter()
                .map(|o| Outcome {
                    input: o
                        .input
                        .clone()
                        .or_else(|| plan.inputs.get(&o.dlq_id).cloned()),
                    ..o.clone()
                })
                .collect();
            journal
                .lock()
                .unwrap()
                .record(&outcomes)
                .map_err(in_journal)?;
            if let Some(r) = &mut report {
                r.write(&outcomes)
                    .map_err(|e| std::io::Error::other(e.message))?;
            }
            // stdout is for whoever reads it; a closed pipe must not stop the run.
            if printer.as_mut().is_some_and(|p| p.add(&outcomes).is_err()) {
                printer = None;
            }
            Ok(())
        };

        let mut total = Summary::default();
        let mut halt = None;
        let missing = missing_outcomes(plan);
        if !missing.is_empty() {
            missing.iter().for_each(|o| total.count(o));
            total.planned += missing.len() as u64;
            if let Err(e) = record(&missing) {
                halt = Some(Halt::Journal(e));
            }
        }
        for part in &plan.parts {
            if halt.is_some() || cancel.is_cancelled() {
                total.planned += part.ids.len() as u64;
                total.pending += part.ids.len() as u64;
                continue;
            }
            let action = Action {
                source: part.source,
                ..self.record.action.clone()
            };
            let mut engine = Engine::new(self.api, &action, &cancel, &bar);
            engine.concurrency = self.settings.concurrency;
            engine.pacer = self.settings.rps.map(Pacer::new);
            engine.sending = Some(&sending);
            engine.budget = ctx.retry_budget();
            let (s, h) = engine.run(&part.ids, unknown, &mut record).await;
            add(&mut total, &s);
            halt = h;
        }
        watcher.abort();
        bar.finish();
        total.interrupted = cancel.is_cancelled() && halt.is_none() && total.pending > 0;
        total.seconds = started.elapsed().as_secs_f64();
        total.job = Some(job.clone());
        if let Err(e) = journal.lock().unwrap().end(&total) {
            ctx.out
                .warn(&format!("cannot record the end of job {job}: {e}"));
        }
        if let Some(p) = printer {
            let _ = p.finish(&total);
        }
        if let Some(note) = note {
            ctx.out.info(note);
        }
        conclude(ctx, verb, &total, job, &described, halt)
    }
}

/// Every id was looked up and none is in the DLQ: the account, and no job.
pub fn nothing_found(
    ctx: &Ctx,
    verb: Verb,
    plan: &Plan,
    target: &str,
    report: Option<&mut Report>,
) -> Result<()> {
    let outcomes = missing_outcomes(plan);
    let mut total = Summary::default();
    outcomes.iter().for_each(|o| total.count(o));
    total.planned = outcomes.len() as u64;
    if let Some(r) = report {
        r.write(&outcomes)?;
    }
    let mut printer = ResultPrinter::new(ctx.out.stdout(), &ctx.out, total.planned);
    let _ = printer.add(&outcomes).and_then(|_| printer.finish(&total));
    ctx.out
        .info_wrapped(&summary_line(verb.name(), &total, target));
    Err(CliError::failure(format!(
        "{} not in the DLQ on {target}; nothing was {}",
        if outcomes.len() == 1 {
            "the id is".to_string()
        } else {
            format!("none of the {} ids is", outcomes.len())
        },
        past(verb)
    ))
    .hint("`dlq list` shows what is there; --workflow for failed workflow runs"))
}

/// The tokens that found nothing, as `not_found` outcomes naming the token.
fn missing_outcomes(plan: &Plan) -> Vec<Outcome> {
    plan.missing
        .iter()
        .map(|(token, why)| {
            let dlq = resolve_kind_is_dlq(token);
            Outcome {
                dlq_id: if dlq { token.clone() } else { String::new() },
                input: (!dlq).then(|| token.clone()),
                ..Outcome::failed("", Status::NotFound, why.clone())
            }
        })
        .collect()
}

fn resolve_kind_is_dlq(token: &str) -> bool {
    matches!(
        crate::bulk::resolve::classify(token),
        Ok(crate::bulk::resolve::IdKind::Dlq)
    )
}

fn add(total: &mut Summary, s: &Summary) {
    total.planned += s.planned;
    total.done += s.done;
    total.not_found += s.not_found;
    total.failed += s.failed;
    total.unconfirmed += s.unconfirmed;
    total.pending += s.pending;
    total.requests += s.requests;
}

/// Prints the summary and turns it into the exit code. An interrupted or stopped run ends
/// with the line that continues it, last on stderr.
pub fn conclude(
    ctx: &Ctx,
    verb: Verb,
    s: &Summary,
    job: &str,
    target: &str,
    halt: Option<Halt>,
) -> Result<()> {
    ctx.out.info_wrapped(&summary_line(verb.name(), s, target));
    let continue_line = format!("continue with: dlq {} --continue {job}", verb.name());
    match halt {
        Some(Halt::Refused(e)) => {
            return Err(CliError::from(e).hint(format!(
                "nothing more was sent; with a valid token for {target}: {continue_line}"
            )))
        }
        Some(Halt::Journal(e)) => {
            return Err(
                CliError::failure(format!("stopped: {e}; nothing more was sent"))
                    .hint(continue_line),
            )
        }
        Some(Halt::Failed(e)) => {
            return Err(CliError::failure(format!("stopped: {e}")).hint(continue_line))
        }
        None => {}
    }
    if s.interrupted {
        // The last line on stderr, even with -q: it is how the rest gets done.
        eprintln!("{continue_line}");
        return Err(CliError::new(Kind::Interrupted, "interrupted"));
    }
    let bad = s.failed + s.not_found;
    if bad == 0 {
        return Ok(());
    }
    let msg = format!("{bad} of {} entries were not {}", s.planned, past(verb));
    let err = if s.done == 0 {
        CliError::failure(msg)
    } else {
        CliError::new(Kind::Partial, msg)
    };
    Err(err.hint(format!(
        "the outcomes above (or --report FILE) say which; `dlq jobs show {job}` too"
    )))
}
