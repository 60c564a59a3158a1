//! `dlq verify JOB`: what became of a job's entries, looked up later from its journal and on
//! its own target.

use std::io::Write;
use std::time::Duration;

use crate::args::values::parse_duration;
use crate::bulk::cancel::Cancel;
use crate::bulk::job::Job;
use crate::bulk::journal::{Event, Mode, OpenError};
use crate::bulk::outcome::Status;
use crate::bulk::verify::{Tally, Verifier};
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::progress::Following;
use crate::output::results::{print_verified, verify_line};
use crate::text::{safe, truncate};

/// What became of a job's entries: delivered, failed again, cancelled or pending.
///
/// An entry that failed again is named with its new DLQ id. Reads the new message and run ids the job recorded and follows each on the server the job
/// ran against, as `--verify` does right after acting.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq verify retry-20261123-101500-7f3a              wait up to 2m for final states
  dlq verify resume-20261123-101500-7f3a --wait 0s   one look, no waiting
  dlq verify retry-20261123-101500-7f3a -o ndjson | grep failedAgain")]
pub struct Args {
    /// The job id, as printed when the run started (see `dlq jobs`)
    pub job: String,

    /// How long to wait for outcomes that are not final yet
    #[arg(long, value_name = "WAIT", default_value = "2m", value_parser = parse_duration)]
    pub wait: Duration,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let job = &args.job;
    let shown = truncate(&safe(job), 80).into_owned();
    let (opened, state) = Job::reopen(&ctx.state_dir, job).map_err(|e| match e {
        OpenError::Missing => CliError::usage(format!("no job {shown:?}")).hint(format!(
            "`{}` lists the jobs of this machine",
            ctx.local_line(["jobs"])
        )),
        OpenError::Running => CliError::usage(format!(
            "job {shown} is running right now; its own --verify, or this once it ends"
        )),
        OpenError::Io(e) => CliError::failure(format!("cannot read job {shown}: {e}")),
    })?;
    let plan = &opened.record;
    if let Mode::ServerSide(_) = plan.mode {
        return Err(CliError::usage(format!(
            "job {shown} ran server-side: it has no per-entry account to verify"
        )));
    }
    // Planned ids, and a pipelined job's pages as listed.
    let outcomes: Vec<_> = state
        .parts(plan)
        .flat_map(|p| p.ids.iter())
        .filter_map(|id| state.outcomes.get(&id))
        .filter(|o| o.outcome == Status::Done)
        .cloned()
        .collect();
    if outcomes.is_empty() {
        ctx.out.info(&format!(
            "job {shown} acted on nothing yet: nothing to verify"
        ));
        return Ok(());
    }
    let again = plan.target.aim(&ctx.places).dlq(["verify", job]);
    let bound = ctx.rebind(job, &plan.target, &again).await?;
    let api = ctx.client(&bound.target)?;
    let cancel = Cancel::new();
    let stop = tokio::spawn({
        let cancel = cancel.clone();
        async move {
            super::signals::first().await;
            cancel.cancel();
        }
    });
    let watch = Following::new(&ctx.out, "verifying");
    let verifier = Verifier {
        api: &api,
        cancel: &cancel,
        pacer: None,
        watch: &watch,
        callback: plan.action.verb == crate::bulk::action::Verb::Callback,
    };
    let verified = verifier.run(&outcomes, plan.created_ms, args.wait).await;
    stop.abort();
    drop(watch);
    let verified = verified?;
    let events: Vec<Event> = verified.iter().cloned().map(Event::Verified).collect();
    opened
        .write(&events)
        .map_err(|e| CliError::failure(e.to_string()))?;
    let mut w = ctx.out.stdout();
    print_verified(&mut w, &ctx.out, job, &verified)?;
    w.flush()?;
    let tally = Tally::of(&verified);
    ctx.out.info_wrapped(&format!(
        "verify {job} on {}: {}",
        bound.target.describe(),
        verify_line(&tally)
    ));
    if tally.failed_again > 0 {
        return Err(CliError::new(
            Kind::Partial,
            format!(
                "{} failed again and are back in the DLQ",
                tally.failed_again
            ),
        ));
    }
    Ok(())
}
