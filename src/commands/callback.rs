//! `dlq callback`: re-run the failure callback of workflow runs whose callback failed.

use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::context::Ctx;
use crate::error::Result;

/// Re-run the failure callback of failed workflow runs (only where the callback itself failed).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq callback 1752829295505-0
  dlq callback --callback-state CALLBACK_FAIL --all --yes")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Callback,
        source: Source::Workflow,
        overrides: Default::default(),
    };
    super::act::run(ctx, action, &args.select, &args.bulk, None).await
}
