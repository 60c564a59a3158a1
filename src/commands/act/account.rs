//! The account at the end of a run: the summary (naming the target), the verification line,
//! and the exit code. Interrupts, a refused token or a journal that cannot be written all end
//! the same way: an exact summary and the line that continues the job.

use super::parts::Engagements;
use super::report::Report;
use super::run::{Ended, Stop};
use crate::bulk::action::Verb;
use crate::bulk::exec::Halt;
use crate::bulk::job::Job;
use crate::bulk::outcome::Summary;
use crate::bulk::plan::Plan;
use crate::cmdline::CommandLine;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan_view::past;
use crate::output::results::{newer_line, summary_line, verify_line, ResultPrinter};

/// What the account names: the job and where it ran.
pub struct Named<'a> {
    pub job: &'a Job,
    pub target: &'a str,
    /// What the verb's parts say of the run.
    pub engaged: &'a Engagements,
}

/// Prints the account of a run that ended and turns it into the exit code.
pub fn conclude(ctx: &Ctx, at: Named<'_>, ended: Ended) -> Result<()> {
    let verb = at.job.verb();
    if let Some(note) = &ended.note {
        ctx.out.info(note);
    }
    match ended.stop {
        Some(stop) => stopped(ctx, &at, &ended.total, stop),
        None => summary(ctx, &at, &ended.total, ended.halt, verb),
    }
}

/// A canary or verification step that ended the run short.
fn stopped(ctx: &Ctx, at: &Named<'_>, total: &Summary, stop: Stop) -> Result<()> {
    let verb = at.job.verb().name();
    let job = at.job.id();
    let again = at.job.continue_command(&ctx.places);
    ctx.out.info_wrapped(&summary_line(verb, total, at.target));
    Err(match stop {
        Stop::Declined(e) => e.hint(format!("the rest waits: {again}")),
        Stop::Unverified { error, canary } => {
            let rest = if canary {
                format!(
                    "the canary could not be checked, so the rest was not touched: {} goes on",
                    again.clone().arg("--past-canary")
                )
            } else {
                "every entry has its outcome above (and in the job's journal)".to_string()
            };
            CliError::failure(format!(
                "the {verb} ran, but its outcomes could not be looked up: {}",
                error.message
            ))
            .hint(format!(
                "`{}` tries again later",
                at.job.record.target.aim(&ctx.places).dlq(["verify", job])
            ))
            .hint(rest)
        }
        Stop::CanaryFailed(result) => CliError::new(
            Kind::Partial,
            format!(
                "the canary did not pass ({} of {} delivered); the other entries were not touched",
                result.tally.delivered,
                result.tally.total()
            ),
        )
        .hint(format!("to go on anyway: {}", again.arg("--past-canary"))),
    })
}

/// Prints the summary and turns it into the exit code. An interrupted or stopped run ends
/// with the line that continues it, last on stderr.
fn summary(ctx: &Ctx, at: &Named<'_>, s: &Summary, halt: Option<Halt>, verb: Verb) -> Result<()> {
    let target = at.target;
    ctx.out.info_wrapped(&summary_line(verb.name(), s, target));
    // Exit 0 still: the job did all it set out to (every match dated up to its start); what
    // came later was never part of it, as entries arriving after any command are not.
    if let Some(n) = &s.newer {
        ctx.out.info_wrapped(&newer_line(verb, n));
    }
    if let Some(t) = &s.verified {
        ctx.out
            .info_wrapped(&format!("verified: {}", verify_line(t)));
    }
    let continue_line = at.job.continue_line(&ctx.places);
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
    if s.interrupted || s.pending > 0 {
        for line in at.engaged.left(&ctx.state_dir, at.job) {
            ctx.out.info_wrapped(&line);
        }
    }
    if s.interrupted {
        // The last line on stderr, even with -q: it is how the rest gets done.
        eprintln!("{continue_line}");
        return Err(CliError::new(Kind::Interrupted, "interrupted"));
    }
    exit_code(
        s,
        &ctx.local_line(["jobs", "show", at.job.id()]),
        verb,
        at.engaged,
    )
}

/// A run that went to its end: 0 when everything was done, 3 when some was (or a callback is
/// unconfirmed), 1 when none.
/// `show` is the `dlq jobs show JOB` line the hints point to.
fn exit_code(s: &Summary, show: &CommandLine, verb: Verb, engaged: &Engagements) -> Result<()> {
    // Only some verbs have entries whose outcome nothing can tell (their parts say so); a
    // server-side run's unconfirmed count is entries acted on beyond `done`, not a failure.
    if let Some(e) = engaged.unconfirmed(s, show) {
        return Err(e);
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
        .hint(format!("`{show}` and the outcomes above say which")));
    }
    let msg = format!("{bad} of {} entries were not {}", s.planned, past(verb));
    let err = if s.done == 0 {
        CliError::failure(msg)
    } else {
        CliError::new(Kind::Partial, msg)
    };
    Err(err.hint(format!(
        "the outcomes above (or --report FILE) say which; `{show}` too"
    )))
}

/// Every id was looked up and none is in the DLQ: the account, and no job.
pub fn nothing_found(
    ctx: &Ctx,
    verb: Verb,
    plan: &Plan,
    target: &str,
    report: Option<&mut Report>,
) -> Result<()> {
    let outcomes = super::planned::missing_outcomes(plan);
    let mut total = Summary::default();
    outcomes.iter().for_each(|o| total.count(o));
    total.planned = outcomes.len() as u64;
    if let Some(r) = report {
        r.write(&outcomes)?;
    }
    let mut printer = ResultPrinter::new(ctx.out.stdout(), &ctx.out, verb, total.planned);
    let _ = printer.add(&outcomes).and_then(|_| printer.finish(&total));
    ctx.out
        .info_wrapped(&summary_line(verb.name(), &total, target));
    Err(none_found(ctx, verb, plan, target))
}

/// One message for ids that all found nothing (a dry run's too): where they are instead when
/// that is known (with the verbs that act there), else that they are gone, with how to look.
pub fn none_found(ctx: &Ctx, verb: Verb, plan: &Plan, target: &str) -> CliError {
    let n = plan.missing.len();
    let ids = if n == 1 {
        "the id".to_string()
    } else {
        format!("the {n} ids")
    };
    let first = plan.missing.first().map(|(_, why)| *why);
    let same = plan.missing.iter().all(|(_, why)| Some(*why) == first);
    if let Some(fix) = first.filter(|_| same).and_then(|why| why.fix(verb)) {
        let what = first.map_or("", |why| if n == 1 { why.reason() } else { why.plural() });
        let is = if n == 1 { " is" } else { "" };
        return CliError::failure(format!("{ids}{is} {what}; nothing was {}", past(verb)))
            .hint(fix);
    }
    let list = ctx.aim().dlq(["list"]);
    let look = match verb {
        Verb::Retry | Verb::Republish => format!("`{list}` shows what is there"),
        Verb::Delete => {
            format!("`{list}` (with --workflow, for failed workflow runs) shows what is there")
        }
        Verb::Resume | Verb::Restart | Verb::Callback => {
            format!("`{}` shows what is there", list.arg("--workflow"))
        }
    };
    let which = if n == 1 {
        "the id is not".to_string()
    } else {
        format!("none of the {n} ids is")
    };
    let err = CliError::failure(format!(
        "{which} in the DLQ on {target}; nothing was {}",
        past(verb)
    ))
    .hint(look);
    // Some were in the other DLQ: say which verbs act there too.
    match plan.missing.iter().find_map(|(_, why)| why.fix(verb)) {
        Some(fix) => err.hint(fix),
        None => err,
    }
}

/// How a dry run ends: as the run would. Ids not in the DLQ and entries refused in the plan
/// would end the run 3 (some not acted on) or 1 (none), so the dry run does too: a script
/// that rehearses with `--dry-run` learns then what the run would say.
pub fn dry_run_verdict(verb: Verb, plan: &Plan, refused: usize, target: &str) -> Result<()> {
    let missing = plan.missing.len();
    let bad = missing + refused;
    if bad == 0 {
        return Ok(());
    }
    let total = plan.len() + missing;
    let mut why = Vec::new();
    if missing > 0 {
        why.push(format!("{missing} not in the DLQ on {target}"));
    }
    if refused > 0 {
        why.push(format!("{refused} refused in the plan"));
    }
    let msg = format!(
        "{bad} of {total} entries would not be {}: {}",
        past(verb),
        why.join(", ")
    );
    let err = if bad == total {
        CliError::failure(msg)
    } else {
        CliError::new(Kind::Partial, msg)
    };
    Err(err.hint("dry run: nothing was changed; the run would end with this exit code"))
}
