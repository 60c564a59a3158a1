//! The one driver behind retry, delete, resume, restart and callback: select, confirm, run,
//! report. The verb files only describe their flags and build a [`Request`].
//!
//! Every mutation knows its target before it acts: the plan header, the prompt, the report's
//! first line and the summary name it, and the job records it so `--continue` acts there and
//! nowhere else.

mod account;
mod choice;
mod continuation;
mod gather;
mod newer;
mod pipeline;
mod planned;
mod report;
mod run;
mod server;
mod start;

use std::collections::HashSet;
use std::path::Path;

use crate::api::{Filter, Source};
use crate::args::follow::VerifyArgs;
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::Action;
use crate::bulk::journal::{Matching, ServerProgress};
use crate::bulk::plan::Plan;
use crate::bulk::rebuild::edit::Edits;
use crate::context::Ctx;
use crate::error::Result;

/// What a verb asks the driver to do.
pub struct Request<'a> {
    pub action: Action,
    pub select: &'a SelectArgs,
    /// The filters, built for `action.source`.
    pub filter: Filter,
    pub bulk: &'a BulkArgs,
    /// `delete --backup FILE`: every planned entry is written there, and synced, first.
    pub backup: Option<&'a Path>,
    /// The DLQs explicit ids are looked up in: the verb's, or both for `delete` without
    /// `--workflow`.
    pub sources: Vec<Source>,
    /// `--verify` and `--canary`, for the verbs that create messages or runs.
    pub verify: Option<&'a VerifyArgs>,
    /// Republish: what each entry's new message changes.
    pub rebuild: Option<&'a Edits>,
}

/// A job ready to run, and how.
struct Work<'a> {
    run: run::Run<'a>,
    how: How,
}

/// How a job runs this time; a pipelined job continued is planned, its listing finished.
enum How {
    Planned {
        plan: Plan,
        /// Ids that may have been acted on already: checked before anything is sent.
        unknown: HashSet<String>,
        steps: planned::Steps,
    },
    Pipelined {
        matching: Matching,
        /// The matches dated after the freeze, counted at the end (`None`: none can be).
        newer: Option<Box<Filter>>,
    },
    ServerSide {
        matching: Matching,
        from: ServerProgress,
    },
}

pub async fn run(ctx: &Ctx, req: Request<'_>) -> Result<()> {
    // Select and confirm: a new job, or the one to continue.
    let work = match &req.bulk.continue_job {
        Some(job) => continuation::reopen(ctx, job, &req).await,
        None => start::prepare(ctx, &req).await,
    };
    let work = match work {
        Ok(Some(w)) => w,
        // A plan (a dry run too) said what --where/--grep kept; failures still fail it.
        other => return super::kept::conclude(ctx, &req.filter.content, other.map(|_| ())),
    };
    // What a pipelined job's rule kept is known once it has listed everything.
    let content = match &work.how {
        How::Pipelined { matching, .. } => Some(matching.filter.content.clone()),
        _ => None,
    };
    let done = execute(ctx, work).await;
    match content {
        Some(c) => {
            super::kept::say(ctx, &c);
            super::kept::conclude(ctx, &c, done)
        }
        None => super::kept::conclude(ctx, &req.filter.content, done),
    }
}

/// Runs a job and gives its account.
async fn execute(ctx: &Ctx, work: Work<'_>) -> Result<()> {
    let Work { mut run, how } = work;
    // Run.
    let ended = match how {
        How::Planned {
            plan,
            unknown,
            steps,
        } => planned::run(&mut run, plan, unknown, steps).await,
        How::Pipelined { matching, newer } => {
            match pipeline::run(&mut run, &matching, newer.map(|f| *f)).await {
                pipeline::Piped::Ended(ended) => *ended,
                pipeline::Piped::Nothing(newer) => {
                    run.nothing_listed(newer);
                    return Ok(());
                }
            }
        }
        How::ServerSide { matching, from } => server::run(&mut run, &matching, from).await?,
    };
    // Report.
    let target = run.described();
    let named = account::Named {
        job: &run.job,
        target: &target,
    };
    account::conclude(ctx, named, ended)
}
