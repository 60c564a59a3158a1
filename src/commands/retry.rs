//! `dlq retry`: deliver QStash messages again and remove them from the DLQ.

use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::cli::overrides::{OverrideArgs, RetryOverrideArgs};
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::context::Ctx;
use crate::error::Result;

/// Retry QStash DLQ messages, optionally with new delivery settings.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq retry 1752829295505-0 --retries 0
  dlq retry --url https://api.example/hook --status 5xx --all
  dlq list --label billing -o ids | dlq retry - --yes")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub retry: RetryOverrideArgs,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Retry,
        source: Source::Qstash,
        overrides: args.overrides.resolve(Some(&args.retry))?,
    };
    super::act::run(ctx, action, &args.select, &args.bulk, None).await
}
