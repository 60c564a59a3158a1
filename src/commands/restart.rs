//! `dlq restart`: Restart failed workflow runs from the beginning, discarding step results.

use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::cli::overrides::OverrideArgs;
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::context::Ctx;
use crate::error::Result;

/// Restart failed workflow runs from the beginning, discarding step results.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq restart 1752829295505-0 --flow-control-key k --parallelism 2 --rate 10
  dlq restart --label billing --all
  dlq restart --workflow-url https://app.example/api/wf --from 2h --all --yes   (CI)")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Restart,
        source: Source::Workflow,
        overrides: args.overrides.resolve(None)?,
    };
    super::act::run(ctx, action, &args.select, &args.bulk, None).await
}
