//! `dlq delete`: remove entries from the DLQ for good.

use std::path::PathBuf;

use crate::bulk::action::{Action, Verb};
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::context::Ctx;
use crate::error::Result;

/// Delete DLQ entries for good (asks first on a terminal; needs --yes otherwise).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq delete 1752829295505-0
  dlq delete --url https://old.example --all --backup gone.ndjson
  printf 'id1\\nid2\\n' | dlq delete - --yes")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Delete failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync
    /// it before deleting anything; if it cannot be written, nothing is deleted
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,

    #[command(flatten)]
    pub bulk: BulkArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let action = Action {
        verb: Verb::Delete,
        source: super::source(args.workflow),
        overrides: Default::default(),
    };
    super::act::run(
        ctx,
        action,
        &args.select,
        &args.bulk,
        args.backup.as_deref(),
    )
    .await
}
