//! `dlq retry`: deliver QStash messages again and remove them from the DLQ.

use super::act::parts::Follow;
use super::act::Parts;
use crate::api::Source;
use crate::args::filter::{CommonFilters, MatchFlowKey, QstashFilters};
use crate::args::follow::VerifyArgs;
use crate::args::overrides::{OverrideArgs, RetryOverrideArgs};
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::{Action, Verb};
use crate::context::Ctx;
use crate::error::Result;

/// Retry QStash messages: deliver them again and remove them from the DLQ.
///
/// Optionally with new delivery settings (retries, delay, timeout, callbacks, ...), which
/// apply to the new message only.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq retry 1752829295505-0 --retries 0
  dlq retry msg_26hZCxZCuWyyTWPmSVBrNB882AMRP          (the message id from an alert)
  dlq retry --url https://api.example/hook --status 5xx --all
  dlq list --label billing -o ids | dlq retry - --yes")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub common: CommonFilters,
    #[command(flatten)]
    pub qstash: QstashFilters,
    #[command(flatten)]
    pub flow: MatchFlowKey,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub retry: RetryOverrideArgs,
    #[command(flatten)]
    pub bulk: BulkArgs,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Retry,
        source: Source::Qstash,
        overrides: args.overrides.resolve(Some(&args.retry))?,
    };
    let request = super::qstash_request(
        ctx,
        action,
        &args.select,
        &args.common,
        &args.qstash,
        &args.flow,
        &args.bulk,
        Parts::default().with(Follow(&args.verify)),
    )?;
    super::act::run(ctx, request).await
}
