//! The one driver behind retry, delete, republish, resume, restart and callback: select,
//! confirm, run, report. The verb files describe their flags and build a [`Request`]; what
//! only some verbs bring (a backup, `--verify`, rebuilt messages, callback baselines) comes as
//! the request's [`parts`], which the driver calls at its seams without asking which verb it
//! drives.
//!
//! Every mutation knows its target before it acts: the plan header, the prompt, the report's
//! first line and the summary name it, and the job records it so `--continue` acts there and
//! nowhere else.

mod account;
mod choice;
mod continuation;
mod gather;
mod newer;
pub mod parts;
mod pipeline;
mod planned;
mod report;
mod run;
mod server;
mod start;
mod starting;

use std::collections::HashSet;

use crate::api::{Filter, Source};
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::Action;
use crate::bulk::journal::{Matching, ServerProgress};
use crate::bulk::plan::Plan;
use crate::context::Ctx;
use crate::error::{CliError, Result};
pub use parts::Parts;

/// What a verb asks the driver to do.
pub struct Request<'a> {
    pub action: Action,
    pub select: &'a SelectArgs,
    /// The filters, built for `action.source`.
    pub filter: Filter,
    pub bulk: &'a BulkArgs,
    /// The DLQs explicit ids are looked up in: the verb's, or both for `delete` without
    /// `--workflow`.
    pub sources: Vec<Source>,
    /// What only this verb brings to the job: a backup, `--verify`, rebuilt messages, ...
    pub parts: Parts<'a>,
}

impl Request<'_> {
    /// The most requests in flight: `--concurrency`, else the verb's default.
    fn concurrency(&self) -> usize {
        self.bulk
            .concurrency
            .unwrap_or_else(|| self.action.verb.default_concurrency(self.action.source))
    }
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
        engaged: &run.engaged,
    };
    account::conclude(ctx, named, ended)
}

/// A long list of ids could not be kept in its temporary file ([`crate::bulk::idlist`]).
fn ids_err(e: std::io::Error) -> CliError {
    CliError::failure(format!(
        "cannot keep the job's ids in a temporary file: {e}; nothing was changed"
    ))
    .hint("check the temporary directory (TMPDIR) is writable and has room")
}
