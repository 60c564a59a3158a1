//! `dlq export`: whole entries as NDJSON, the format `dlq sandbox --fixture` loads.

use std::path::PathBuf;

use crate::cli::filter::{FilterArgs, FlowKeyFilter};
use crate::context::Ctx;
use crate::error::Result;

/// Write whole entries as NDJSON (bodies intact), to stdout or a file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq export --all > dlq.ndjson
  dlq export --label billing --all --output-file billing.ndjson --redact-bodies")]
pub struct Args {
    /// Export failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Every matching entry
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// The first N matching entries
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// Write to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Replace bodies with a placeholder, for data that must not leave the machine
    #[arg(long)]
    pub redact_bodies: bool,

    #[command(flatten)]
    pub filter: FilterArgs,

    #[command(flatten)]
    pub flow: FlowKeyFilter,
}

pub async fn run(_ctx: &Ctx, _args: Args) -> Result<()> {
    Err(super::not_implemented("export"))
}
