//! `dlq restart`: restart failed workflow runs from the beginning.

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

/// Restart failed workflow runs from the beginning.
///
/// Earlier step results are discarded: every step runs again.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq restart 1752829295505-0
  dlq restart wfr_0c9e2f31-order-5512 --flow-control-key k --parallelism 2 --rate 10
  dlq restart --workflow-url https://app.example/api/wf --all --dry-run")]
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
        verb: Verb::Restart,
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
