//! `dlq callback`: re-run the failure callback of workflow runs whose callback failed.

use super::act::parts::{Engaged, Follow, Part, Staging};
use super::act::Parts;
use crate::api::{Entry, Source};
use crate::args::filter::{CommonFilters, MatchFlowKey, WorkflowFilters};
use crate::args::follow::VerifyArgs;
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::{Action, Verb};
use crate::bulk::callback::{Ledger, RunRef};
use crate::bulk::exec::{Engine, Noting};
use crate::bulk::job::Job;
use crate::bulk::journal::State;
use crate::bulk::outcome::Summary;
use crate::cmdline::CommandLine;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};

/// Re-run the failure callback of workflow runs whose callback failed.
///
/// Only runs whose failure callback itself failed (callback state CALLBACK_FAIL) have one to
/// re-run.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq callback 1752829295505-0
  dlq callback --callback-state CALLBACK_FAIL --all --yes")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub common: CommonFilters,
    #[command(flatten)]
    pub workflow: WorkflowFilters,
    #[command(flatten)]
    pub flow: MatchFlowKey,
    #[command(flatten)]
    pub bulk: BulkArgs,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Callback,
        source: Source::Workflow,
        overrides: Default::default(),
    };
    let request = super::workflow_request(
        ctx,
        action,
        &args.select,
        &args.common,
        &args.workflow,
        &args.flow,
        &args.bulk,
        Parts::default().with(Follow(&args.verify)).with(Runs),
    )?;
    super::act::run(ctx, request).await
}

/// Callback's own part of a job: each planned entry's run, known before anything is sent, so
/// the runs' baselines (what each showed before its callback was sent) are read many at once.
struct Runs;

impl Part for Runs {
    fn refuse_server_side(&self) -> Result<()> {
        Err(CliError::usage(
            "callback re-runs each run's own failure callback: it has no server-side form; drop --server-side",
        ))
    }

    fn stage(&self, _dry_run: bool) -> Result<Option<Box<dyn Staging + '_>>> {
        Ok(Some(Box::new(Listed(Vec::new()))))
    }

    fn reopen(&self, job: &Job, _state: &State) -> Result<Option<Box<dyn Engaged>>> {
        Ok(Some(Box::new(Baselines {
            since_ms: job.record.created_ms,
            runs: Vec::new(),
        })))
    }
}

/// The runs of the entries planned so far.
struct Listed(Vec<(String, RunRef)>);

impl Staging for Listed {
    fn found(&mut self, entries: &[Entry]) -> Result<()> {
        self.0.extend(entries.iter().filter_map(run_of));
        Ok(())
    }

    fn commit(&mut self, job: &Job) -> std::io::Result<Option<Box<dyn Engaged>>> {
        Ok(Some(Box::new(Baselines {
            since_ms: job.record.created_ms,
            runs: std::mem::take(&mut self.0),
        })))
    }
}

/// What the engine judges a lost reply by: the runs known, none sent yet, and the job's start.
struct Baselines {
    since_ms: i64,
    runs: Vec<(String, RunRef)>,
}

impl Engaged for Baselines {
    fn arm<'e>(&'e self, engine: &mut Engine<'e>, _noting: Noting<'e>) {
        // A callback in flight when an earlier run stopped is judged against the job's start.
        engine.callbacks = Ledger::new(self.since_ms);
        engine.callbacks.know(self.runs.iter().cloned());
    }

    /// A fresh pipelined job's listed runs: their baselines are read many at once too.
    fn listed(&self, engine: &Engine<'_>, entries: &[&Entry]) {
        engine
            .callbacks
            .know(entries.iter().filter_map(|e| run_of(e)));
    }

    fn unconfirmed(&self, s: &Summary, show: &CommandLine) -> Option<CliError> {
        (s.unconfirmed > 0).then(|| {
            CliError::new(
                Kind::Partial,
                format!(
                    "{} callbacks are unconfirmed: their replies were lost and the server's logs cannot tell whether they ran; they were not sent again",
                    s.unconfirmed
                ),
            )
            .hint(format!(
                "the outcomes marked unconfirmed (or --report FILE) say which; `{show}` too"
            ))
        })
    }
}

/// An entry's run, when it names one.
fn run_of(e: &Entry) -> Option<(String, RunRef)> {
    let run = e.workflow_run_id.clone()?;
    Some((e.dlq_id.clone(), (run, e.workflow_created_at)))
}
