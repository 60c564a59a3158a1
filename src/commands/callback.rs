//! `dlq callback`: re-run the failure callback of workflow runs whose callback failed.

use crate::api::Source;
use crate::args::filter::{CommonFilters, MatchFlowKey, WorkflowFilters};
use crate::args::follow::VerifyArgs;
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::{Action, Verb};
use crate::context::Ctx;
use crate::error::Result;

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
        &args.verify,
    )?;
    super::act::run(ctx, request).await
}
