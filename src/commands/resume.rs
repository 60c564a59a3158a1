//! `dlq resume`: resume failed workflow runs from the failed step; completed steps are kept.

use super::act::parts::Follow;
use super::act::Parts;
use crate::api::Source;
use crate::args::filter::{CommonFilters, MatchFlowKey, WorkflowFilters};
use crate::args::follow::VerifyArgs;
use crate::args::overrides::OverrideArgs;
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::{Action, Verb};
use crate::context::Ctx;
use crate::error::Result;

/// Resume failed workflow runs from the failed step.
///
/// Completed steps are kept: the run goes on from the step that failed.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq resume 1752829295505-0 --retries 0
  dlq resume wfr_0c9e2f31-order-5512                 (the run id from your logs)
  dlq resume --label billing --all
  dlq resume --workflow-url https://app.example/api/wf --from 2h --all --yes   (CI)")]
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
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub bulk: BulkArgs,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Resume,
        source: Source::Workflow,
        overrides: args.overrides.resolve(None)?,
    };
    let request = super::workflow_request(
        ctx,
        action,
        &args.select,
        &args.common,
        &args.workflow,
        &args.flow,
        &args.bulk,
        Parts::default().with(Follow(&args.verify)),
    )?;
    super::act::run(ctx, request).await
}
