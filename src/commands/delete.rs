//! `dlq delete`: remove entries from the DLQ for good.

use std::path::PathBuf;

use super::act::parts::Backup;
use super::act::Parts;
use crate::api::Source;
use crate::args::filter::{self, CommonFilters, MatchFlowKey, QstashFilters, WorkflowFilters};
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::{Action, Verb};
use crate::context::Ctx;
use crate::error::Result;

/// Delete entries from the DLQ for good.
///
/// Asks first on a terminal; needs --yes otherwise. Ids are found in whichever DLQ holds them: QStash messages and failed workflow runs alike,
/// by DLQ id, message id (msg_...) or workflow run id (wfr_...). Filters select QStash messages,
/// or failed workflow runs with --workflow.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq delete 1752829295505-0
  dlq delete --url https://old.example --all --backup gone.ndjson
  dlq delete --workflow --workflow-url https://app.example/api/old-wf --all
  printf 'id1\\nid2\\n' | dlq delete - --yes")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Failed workflow runs: filters select them, and ids are looked up only among them
    #[arg(long)]
    pub workflow: bool,

    /// Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync
    /// it before deleting anything; if it cannot be written, nothing is deleted
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonFilters,
    #[command(flatten)]
    pub qstash: QstashFilters,
    #[command(flatten)]
    pub wf: WorkflowFilters,
    #[command(flatten)]
    pub flow: MatchFlowKey,

    #[command(flatten)]
    pub bulk: BulkArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let source = super::source(args.workflow);
    let action = Action {
        verb: Verb::Delete,
        source,
        overrides: Default::default(),
    };
    let given = filter::Given {
        common: &args.common,
        qstash: Some(&args.qstash),
        workflow: Some(&args.wf),
        flow_keys: &args.flow.keys,
    };
    let sources = if args.workflow {
        vec![Source::Workflow]
    } else {
        vec![Source::Qstash, Source::Workflow]
    };
    let request = super::act::Request {
        filter: filter::build(&given, source, ctx.now_ms)?,
        action,
        select: &args.select,
        bulk: &args.bulk,
        sources,
        parts: Parts::default().with(Backup::offered(args.backup.as_deref())),
    };
    super::act::run(ctx, request).await
}
