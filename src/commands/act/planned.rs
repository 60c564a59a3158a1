//! A planned run: the engine over each part of a frozen plan; with `--canary`, a few entries
//! first, verified before the rest; with `--verify`, every acted-on entry followed to its final
//! state.

use std::collections::HashSet;
use std::time::Duration;

use super::run::{add_tallies, Ended, Run, Stop};
use crate::bulk::exec::Halt;
use crate::bulk::journal::{CanaryResult, Event};
use crate::bulk::outcome::{Outcome, Status, Summary};
use crate::bulk::plan::Plan;
use crate::bulk::verify::{Tally, Verified};
use crate::output::prompt;
use crate::output::results::verify_line;

/// The canary step of a run.
pub struct Canary {
    pub ids: Vec<String>,
    pub threshold_pct: f64,
    /// Done outcomes of canary ids from earlier runs of the job (`--continue`).
    pub earlier: Vec<Outcome>,
}

/// What a planned run does besides acting on the plan.
#[derive(Default)]
pub struct Steps {
    pub canary: Option<Canary>,
    /// Follow what was acted on for this long (`--verify`).
    pub verify: Option<Duration>,
    /// A line to print after the results (the backup's).
    pub note: Option<String>,
}

/// Where a run stands between its steps.
struct Standing {
    total: Summary,
    halt: Option<Halt>,
    stop: Option<Stop>,
    acted: Vec<Outcome>,
}

/// Runs `plan`; ids in `unknown` may already have been acted on and are checked first.
pub async fn run(run: &mut Run<'_>, plan: Plan, unknown: HashSet<String>, steps: Steps) -> Ended {
    let ctx = run.ctx;
    ctx.out.info_wrapped(&format!(
        "job {}: {} {} on {}; an interrupt stops it after the requests in flight",
        run.job.id(),
        plan.len(),
        if plan.len() == 1 { "entry" } else { "entries" },
        run.described(),
    ));
    run.inputs = plan.inputs.clone();
    run.begin(Some((plan.len() + plan.missing.len()) as u64));
    let since_ms = jiff::Timestamp::now().as_millisecond();
    let mut at = Standing {
        total: Summary::default(),
        halt: None,
        stop: None,
        acted: Vec::new(),
    };
    at.halt = missing(run, &plan, &mut at.total);
    let keep = steps.verify.is_some() || steps.canary.is_some();
    let mut rest = std::borrow::Cow::Borrowed(&plan);
    if let (None, Some(c)) = (&at.halt, &steps.canary) {
        match plan.without(&c.ids) {
            Ok(without) => {
                rest = std::borrow::Cow::Owned(without);
                canary(run, &plan, c, &unknown, &steps, since_ms, &mut at).await;
            }
            Err(e) => at.halt = Some(Halt::Journal(e)),
        }
        if at.halt.is_some() || run.job.cancel.is_cancelled() || at.stop.is_some() {
            at.total.planned += rest.len() as u64;
            at.total.pending += rest.len() as u64;
            rest = std::borrow::Cow::Owned(Plan::default());
        }
    }
    if at.halt.is_none() && !rest.is_empty() {
        let (h, done) = run.act(&rest, &unknown, &mut at.total, keep).await;
        at.halt = h;
        at.acted.extend(done);
    }
    if let (Some(wait), None, false) = (steps.verify, &at.halt, run.job.cancel.is_cancelled()) {
        verify_rest(run, &steps, since_ms, wait, &mut at).await;
    }
    run.end(&mut at.total, at.halt.is_some());
    Ended {
        total: at.total,
        halt: at.halt,
        stop: at.stop,
        note: steps.note,
    }
}

/// The canary: acted on, verified, judged and journaled; a passed canary asks before the rest
/// (unless `--yes`). An interrupt before it is judged leaves it to be judged by `--continue`.
async fn canary(
    run: &Run<'_>,
    plan: &Plan,
    c: &Canary,
    unknown: &HashSet<String>,
    steps: &Steps,
    since_ms: i64,
    at: &mut Standing,
) {
    let only = match plan.only(&c.ids) {
        Ok(only) => only,
        Err(e) => {
            at.total.planned += c.ids.len() as u64;
            at.total.pending += c.ids.len() as u64;
            at.halt = Some(Halt::Journal(e));
            return;
        }
    };
    let (halt, done) = run.act(&only, unknown, &mut at.total, true).await;
    at.halt = halt;
    let mut tried = c.earlier.clone();
    tried.extend(done.iter().cloned());
    at.acted.extend(done);
    if at.halt.is_some() || run.job.cancel.is_cancelled() {
        return;
    }
    let wait = steps.verify.unwrap_or(crate::args::follow::DEFAULT_WAIT);
    // A canary that cannot be checked did not pass.
    let verified = match run.verify(&tried, since_ms, wait, "canary").await {
        Ok(v) => v,
        Err(error) => {
            at.stop = Some(Stop::Unverified {
                error,
                canary: true,
            });
            Vec::new()
        }
    };
    if run.job.cancel.is_cancelled() {
        // Interrupted while it was followed: not judged, so `--continue` judges it.
        at.stop = None;
        return;
    }
    let result = judge(&verified, c.threshold_pct);
    if let Err(e) = run.job.write(&[Event::Canary(result)]) {
        at.halt = Some(Halt::Journal(e));
    }
    let rest = plan.len() - only.len();
    run.ctx
        .out
        .info_wrapped(&canary_line(&result, c.threshold_pct, rest));
    at.total.verified = Some(result.tally);
    if !result.passed {
        at.stop = at.stop.take().or(Some(Stop::CanaryFailed(result)));
        return;
    }
    if rest > 0 && !run.ctx.out.assume_yes && at.halt.is_none() {
        let q = format!("Go on with the remaining {rest} on {}?", run.described());
        if let Err(e) = prompt::confirm(&run.ctx.out, &q) {
            at.stop = Some(Stop::Declined(e));
        }
    }
}

/// `--verify`: follows what was acted on (the canary's entries were followed already).
async fn verify_rest(
    run: &Run<'_>,
    steps: &Steps,
    since_ms: i64,
    wait: Duration,
    at: &mut Standing,
) {
    let tried: HashSet<&String> = steps.canary.iter().flat_map(|c| &c.ids).collect();
    let others: Vec<Outcome> = at
        .acted
        .iter()
        .filter(|o| !tried.contains(&o.dlq_id))
        .cloned()
        .collect();
    if others.is_empty() {
        return;
    }
    match run.verify(&others, since_ms, wait, "verifying").await {
        Ok(verified) => {
            let mut tally = Tally::of(&verified);
            if let Some(t) = at.total.verified {
                tally = add_tallies(tally, t);
            }
            at.total.verified = Some(tally);
        }
        Err(error) => {
            at.stop = Some(Stop::Unverified {
                error,
                canary: false,
            })
        }
    }
}

/// Records the ids that found nothing, as `not_found` outcomes naming the token.
fn missing(run: &Run<'_>, plan: &Plan, total: &mut Summary) -> Option<Halt> {
    let missing = missing_outcomes(plan);
    if missing.is_empty() {
        return None;
    }
    missing.iter().for_each(|o| total.count(o));
    total.planned += missing.len() as u64;
    run.record(&missing).err().map(Halt::Journal)
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
                ..Outcome::failed("", Status::NotFound, why.reason())
            }
        })
        .collect()
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
