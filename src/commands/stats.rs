//! `dlq stats`: group the DLQ and count, for triage and CI gates.

use crate::cli::filter::{FilterArgs, FlowKeyFilter};
use crate::context::Ctx;
use crate::error::Result;

/// Group the DLQ and count: which endpoints fail, with which statuses, since when.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq stats --by url,status
  dlq stats --label billing --fail-above 0      (CI: exit 6 when any entry matches)")]
pub struct Args {
    /// Count failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Group by these keys, comma-separated
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "KEYS",
        default_value = "url"
    )]
    pub by: Vec<String>,

    /// Show only the N largest groups
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Exit 6 when more than N entries match
    #[arg(long, value_name = "N")]
    pub fail_above: Option<u64>,

    /// Print only the number of matching entries
    #[arg(long)]
    pub total: bool,

    #[command(flatten)]
    pub filter: FilterArgs,

    #[command(flatten)]
    pub flow: FlowKeyFilter,
}

pub async fn run(_ctx: &Ctx, _args: Args) -> Result<()> {
    Err(super::not_implemented("stats"))
}
