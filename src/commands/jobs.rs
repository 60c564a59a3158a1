//! `dlq jobs`: the bulk runs of this machine (from the journals in the state directory):
//! which finished, which were interrupted, stopped by an error or crashed and can be continued,
//! and where each ran.

use std::io::Write;
use std::time::Duration;

use clap::Subcommand;

use crate::args::values::parse_duration;
use crate::bulk::journal::{self, JobState, OpenError};
use crate::context::Ctx;
use crate::error::{CliError, Result};
use crate::output::jobs::{self as draw, resumable, View};
use crate::text::{safe, truncate};

/// Bulk runs: list them, show one, forget old ones.
///
/// Every retry, delete, resume, restart and callback run keeps a journal in the state directory
/// (DLQ_STATE_DIR): its plan, its target, and each entry's outcome. A run that was interrupted
/// or killed is continued with `dlq <verb> --continue JOB`, on the server it ran against.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq jobs                                        newest first; what is left of each
  dlq jobs show resume-20261123-101500-7f3a       target, plan, outcomes, how to continue
  dlq jobs show resume-20261123-101500-7f3a -o json
  dlq jobs forget --older-than 30d")]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<JobsCommand>,

    /// How long the DLQ keeps entries on your plan; older jobs are flagged, since what they
    /// left may have expired
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        default_value = "3d",
        env = "DLQ_RETENTION"
    )]
    pub retention: String,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List the jobs, newest first (the default)
    List,
    /// Show one job: its target, plan, outcomes and how to continue it
    Show {
        /// The job id, as printed when the run started
        job: String,
    },
    /// Remove jobs from this machine's journals (never one that is running)
    Forget {
        /// Job ids
        jobs: Vec<String>,
        /// Every job started longer ago than this, like 30d
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        older_than: Option<Duration>,
    },
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let retention = parse_duration(&args.retention)
        .map_err(|e| CliError::usage(format!("--retention: {e}")))?;
    let view = View {
        now_ms: ctx.now_ms,
        retention_ms: retention.as_millis() as i64,
        places: ctx.places.clone(),
    };
    let dir = &ctx.state_dir;
    match args.command.unwrap_or(JobsCommand::List) {
        JobsCommand::List => {
            let jobs = journal::list(dir).map_err(|e| {
                CliError::failure(format!(
                    "cannot read {}: {e}",
                    journal::jobs_dir(dir).display()
                ))
            })?;
            let mut w = ctx.out.stdout();
            draw::list(&mut w, &ctx.out, &jobs, &view)?;
            drop(w);
            if jobs.is_empty() {
                ctx.out.info(&format!(
                    "no jobs in {} yet",
                    journal::jobs_dir(dir).display()
                ));
            } else if let Some(j) = jobs.iter().find(|j| resumable(j)) {
                ctx.out.info(&format!(
                    "continue one with `dlq <verb> --continue JOB`, e.g. {}",
                    j.plan.continue_command(&ctx.places)
                ));
            }
            Ok(())
        }
        JobsCommand::Show { job } => {
            let info = journal::info(dir, &job).map_err(|e| open_err(ctx, &job, e))?;
            let mut w = ctx.out.stdout();
            draw::show(&mut w, &ctx.out, &info, &view)?;
            Ok(())
        }
        JobsCommand::Forget { jobs, older_than } => forget(ctx, jobs, older_than),
    }
}

fn forget(ctx: &Ctx, mut jobs: Vec<String>, older_than: Option<Duration>) -> Result<()> {
    let dir = &ctx.state_dir;
    if jobs.is_empty() && older_than.is_none() {
        return Err(
            CliError::usage("say which jobs to forget").hint("give job ids, or --older-than 30d")
        );
    }
    if let Some(age) = older_than {
        let cutoff = ctx.now_ms - age.as_millis() as i64;
        let all = journal::list(dir).map_err(|e| CliError::failure(e.to_string()))?;
        jobs.extend(
            all.into_iter()
                .filter(|j| j.created_ms < cutoff && j.state != JobState::Running)
                .map(|j| j.job),
        );
    }
    let mut forgotten = 0;
    for job in &jobs {
        let info = journal::info(dir, job).map_err(|e| open_err(ctx, job, e))?;
        journal::forget(dir, job).map_err(|e| open_err(ctx, job, e))?;
        forgotten += 1;
        if resumable(&info) {
            ctx.out.info(&format!(
                "forgot job {} ({} entries were left undone)",
                safe(job),
                info.left
            ));
        }
    }
    let mut w = ctx.out.stdout();
    if ctx.out.format == crate::output::Format::Json {
        crate::output::json_line(&mut w, &serde_json::json!({ "forgotten": jobs }))?;
    }
    w.flush()?;
    ctx.out.info(&format!(
        "forgot {forgotten} job{}",
        if forgotten == 1 { "" } else { "s" }
    ));
    Ok(())
}

fn open_err(ctx: &Ctx, job: &str, e: OpenError) -> CliError {
    let shown = truncate(&safe(job), 80).into_owned();
    match e {
        OpenError::Missing => CliError::usage(format!(
            "no job {shown:?} in {}",
            journal::jobs_dir(&ctx.state_dir).display()
        ))
        .hint(format!("`{}` lists them", ctx.local_line(["jobs"]))),
        OpenError::Running => CliError::usage(format!(
            "job {shown} is running in another process right now"
        )),
        OpenError::Io(e) => CliError::failure(format!("cannot read job {shown}: {e}")),
    }
}
