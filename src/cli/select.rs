//! How an action says what it touches: ids, or filters with `--all`/`--limit`.
//!
//! Shared by retry, delete, resume, restart and callback, so the rule "nothing acts on more than
//! the user asked for" is written once.

use std::path::PathBuf;

use super::filter::FilterArgs;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct SelectArgs {
    /// DLQ ids to act on; `-` reads ids (or NDJSON entries) from standard input
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    /// Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<PathBuf>,

    /// Act on every entry that matches the filters (the whole DLQ without filters)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// Act on the first N entries that match the filters
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// Flow control key (a filter; --flow-control-key sets a new key)
    #[arg(
        long,
        value_name = "KEY",
        help_heading = "Filters (repeatable; values of one flag OR, different flags AND)"
    )]
    pub match_flow_control_key: Vec<String>,
}

/// Options of the bulk engine, shared by every action.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Bulk execution")]
pub struct BulkArgs {
    /// Print the plan and stop; nothing is changed
    #[arg(long)]
    pub dry_run: bool,

    /// Refuse to act when the plan holds more than N entries
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,

    /// Requests in flight at once
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub concurrency: usize,

    /// At most this many requests a second
    #[arg(long, value_name = "N")]
    pub rps: Option<f64>,

    /// Skip the plan: drive the API's own filter-and-cursor bulk call (fewest requests, no preview)
    #[arg(long)]
    pub server_side: bool,

    /// Write one JSON line per entry: dlqId, outcome, new id, error
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Continue an interrupted run by its job id; does exactly what is left
    #[arg(long = "continue", value_name = "JOB")]
    pub continue_job: Option<String>,
}
