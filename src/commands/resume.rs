//! `dlq resume`: Resume failed workflow runs from the failed step; completed steps are kept.

use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::cli::overrides::OverrideArgs;
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::context::Ctx;
use crate::error::Result;

/// Resume failed workflow runs from the failed step; completed steps are kept.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq resume 1752829295505-0 --retries 0
  dlq resume --label billing --all
  dlq resume --workflow-url https://app.example/api/wf --from 2h --all --yes   (CI)")]
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
        verb: Verb::Resume,
        source: Source::Workflow,
        overrides: args.overrides.resolve(None)?,
    };
    super::act::run(ctx, action, &args.select, &args.bulk, None).await
}
