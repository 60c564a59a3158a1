//! Executing a plan and accounting for it: the engine over each part of the plan, every
//! outcome journaled, reported and printed as it comes; with `--canary`, a few entries first,
//! verified before the rest; with `--verify`, every acted-on entry followed to its final state;
//! then the summary (naming the target) and the exit code. Interrupts, a refused token or a
//! journal that cannot be written all end the same way: an exact summary and the line that
//! continues the job.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::phase::{add_tallies, missing_outcomes, Phase};
use super::report::Report;
use crate::api::Client;
use crate::bulk::action::Verb;
use crate::bulk::cancel::Cancel;
use crate::bulk::exec::{Halt, Pacer};
use crate::bulk::journal::{CanaryResult, Journal, PlanRecord, RunSettings};
use crate::bulk::outcome::{Outcome, Summary};
use crate::bulk::plan::Plan;
use crate::bulk::verify::{Tally, Verified};
use crate::commands::signals;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan_view::past;
use crate::output::prompt;
use crate::output::results::{summary_line, verify_line, ResultPrinter};
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

/// The canary step of a run.
pub struct Canary {
    pub ids: Vec<String>,
    pub threshold_pct: f64,
    /// Done outcomes of canary ids from earlier runs of the job (`--continue`).
    pub earlier: Vec<Outcome>,
}

/// What a run does besides acting on the plan.
#[derive(Default)]
pub struct Steps<'n> {
    pub canary: Option<Canary>,
    /// Follow what was acted on for this long (`--verify`).
    pub verify: Option<Duration>,
    /// A line to print after the results (the backup's).
    pub note: Option<&'n str>,
}

impl Run<'_> {
    /// Runs `plan`; ids in `unknown` may already have been acted on and are checked first.
    pub async fn go(self, plan: &Plan, unknown: &HashSet<String>, steps: Steps<'_>) -> Result<()> {
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
        let since_ms = jiff::Timestamp::now().as_millisecond();
        self.journal.restarted();
        let phase = Phase {
            ctx,
            api: self.api,
            record: self.record,
            settings: &self.settings,
            cancel: Cancel::new(),
            pacer: Pacer::new(self.settings.rps),
            journal: Mutex::new(self.journal),
            report: Mutex::new(self.report),
            printer: Mutex::new(Some(ResultPrinter::new(
                ctx.out.stdout(),
                &ctx.out,
                (plan.len() + plan.missing.len()) as u64,
            ))),
            inputs: &plan.inputs,
        };
        let watcher = signals::watch(phase.cancel.clone(), ctx.out.clone(), continue_line);
        let mut total = Summary::default();
        let mut acted: Vec<Outcome> = Vec::new();
        let keep = steps.verify.is_some() || steps.canary.is_some();
        let mut halt = phase.missing(plan, &mut total);
        let mut canary_failed = None;
        // Why outcomes could not be looked up, if they could not: the action stands.
        let mut unverified: Option<CliError> = None;
        let mut rest = std::borrow::Cow::Borrowed(plan);
        if let (None, Some(c)) = (&halt, &steps.canary) {
            let (h, done) = phase
                .act(&plan.only(&c.ids), unknown, &mut total, keep)
                .await;
            halt = h;
            if halt.is_none() && !phase.cancel.is_cancelled() {
                let mut tried = c.earlier.clone();
                tried.extend(done.iter().cloned());
                let wait = steps.verify.unwrap_or(crate::args::follow::DEFAULT_WAIT);
                // A canary that cannot be checked did not pass.
                let verified = match phase.verify(&tried, since_ms, wait, "canary").await {
                    Ok(v) => v,
                    Err(e) => {
                        unverified = Some(e);
                        Vec::new()
                    }
                };
                let result = judge(&verified, c.threshold_pct);
                if let Err(e) = phase.journal.lock().unwrap().canary(result) {
                    halt = Some(Halt::Journal(e));
                }
                rest = std::borrow::Cow::Owned(plan.without(&c.ids));
                ctx.out
                    .info_wrapped(&canary_line(&result, c.threshold_pct, rest.len()));
                if result.passed {
                    if !rest.is_empty() && !ctx.out.assume_yes {
                        let q = format!("Go on with the remaining {} on {described}?", rest.len());
                        if let Err(e) = prompt::confirm(&ctx.out, &q) {
                            watcher.abort();
                            total.pending += rest.len() as u64;
                            total.planned += rest.len() as u64;
                            phase.end(&mut total, started, job);
                            return Err(e.hint(format!(
                                "the rest waits: dlq {} --continue {job}",
                                verb.name()
                            )));
                        }
                    }
                } else {
                    canary_failed = Some(result);
                }
                total.verified = Some(result.tally);
            }
            acted.extend(done);
            if halt.is_some() || phase.cancel.is_cancelled() || canary_failed.is_some() {
                total.planned += rest.len() as u64;
                total.pending += rest.len() as u64;
                rest = std::borrow::Cow::Owned(Plan::default());
            }
        }
        if halt.is_none() && !rest.is_empty() {
            let (h, done) = phase.act(&rest, unknown, &mut total, keep).await;
            halt = h;
            acted.extend(done);
        }
        if let (Some(wait), None, false) = (steps.verify, &halt, phase.cancel.is_cancelled()) {
            // The canary's entries were followed already.
            let tried: HashSet<&String> = steps.canary.iter().flat_map(|c| &c.ids).collect();
            let others: Vec<Outcome> = acted
                .iter()
                .filter(|o| !tried.contains(&o.dlq_id))
                .cloned()
                .collect();
            if !others.is_empty() {
                match phase.verify(&others, since_ms, wait, "verifying").await {
                    Ok(verified) => {
                        let mut tally = Tally::of(&verified);
                        if let Some(t) = total.verified {
                            tally = add_tallies(tally, t);
                        }
                        total.verified = Some(tally);
                    }
                    Err(e) => unverified = Some(e),
                }
            }
        }
        watcher.abort();
        phase.end(&mut total, started, job);
        if let Some(note) = steps.note {
            ctx.out.info(note);
        }
        if let Some(e) = unverified {
            ctx.out
                .info_wrapped(&summary_line(verb.name(), &total, &described));
            let rest = if canary_failed.is_some() {
                format!(
                    "the canary could not be checked, so the rest was not touched: dlq {} --continue {job} --past-canary goes on",
                    verb.name()
                )
            } else {
                "every entry has its outcome above (and in the job's journal)".to_string()
            };
            return Err(CliError::failure(format!(
                "the {} ran, but its outcomes could not be looked up: {}",
                verb.name(),
                e.message
            ))
            .hint(format!("`dlq verify {job}` tries again later"))
            .hint(rest));
        }
        if let Some(result) = canary_failed {
            ctx.out
                .info_wrapped(&summary_line(verb.name(), &total, &described));
            return Err(CliError::new(
                Kind::Partial,
                format!(
                    "the canary did not pass ({} of {} delivered); the other entries were not touched",
                    result.tally.delivered,
                    result.tally.total()
                ),
            )
            .hint(format!(
                "to go on anyway: dlq {} --continue {job} --past-canary",
                verb.name()
            )));
        }
        conclude(ctx, verb, &total, job, &described, halt)
    }
}

/// Whether a canary passed: delivered share at or above the threshold.
fn judge(verified: &[Verified], threshold_pct: f64) -> CanaryResult {
    let tally = Tally::of(verified);
    let share = 100.0 * tally.delivered as f64 / (tally.total().max(1)) as f64;
    CanaryResult {
        passed: tally.total() > 0 && share + 1e-9 >= threshold_pct,
        tally,
    }
}

fn canary_line(r: &CanaryResult, threshold_pct: f64, rest: usize) -> String {
    let t = &r.tally;
    let verdict = if r.passed {
        format!("passed; {rest} more to go")
    } else {
        format!("did not pass (at least {threshold_pct}% must be delivered); {rest} left untouched")
    };
    format!(
        "canary: {} of {}: {}: {verdict}",
        t.delivered,
        t.total(),
        verify_line(t)
    )
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
    if let Some(t) = &s.verified {
        ctx.out
            .info_wrapped(&format!("verified: {}", verify_line(t)));
    }
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
    let failed_again = s.verified.map_or(0, |t| t.failed_again);
    if bad == 0 && failed_again == 0 {
        return Ok(());
    }
    if bad == 0 {
        return Err(CliError::new(
            Kind::Partial,
            format!(
                "{failed_again} failed again after the {} and are back in the DLQ",
                verb.name()
            ),
        )
        .hint(format!(
            "`dlq jobs show {job}` and the outcomes above say which"
        )));
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
