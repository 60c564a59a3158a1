//! How an action says what it touches: ids, or filters with `--all`/`--limit`; and the options
//! of the bulk engine.
//!
//! Shared by retry, delete, resume, restart and callback, so the rule "nothing acts on more than
//! the user asked for" is written once.

use std::path::PathBuf;

use super::values::{parse_concurrency, parse_positive, parse_rps};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct SelectArgs {
    /// Ids to act on: DLQ ids, message ids (msg_...) or workflow run ids (wfr_...); `-` reads
    /// them (or NDJSON entries) from standard input
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    /// Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<PathBuf>,

    /// Act on every entry that matches the filters (the whole DLQ without filters)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// Act on the first N entries that match the filters
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub limit: Option<u64>,
}

/// Options of the bulk engine, shared by every action.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Bulk execution")]
pub struct BulkArgs {
    /// Print the plan and stop; nothing is changed
    #[arg(long)]
    pub dry_run: bool,

    /// Refuse to act when the plan holds more than N entries
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub max: Option<u64>,

    /// Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for
    /// callback (one run a request): more while replies are fast and clean, fewer when the
    /// server throttles]
    #[arg(long, value_name = "N", value_parser = parse_concurrency)]
    pub concurrency: Option<usize>,

    /// At most this many requests a second, like 10 or 0.5
    #[arg(long, value_name = "N", value_parser = parse_rps)]
    pub rps: Option<f64>,

    /// Skip the plan: drive the API's own filter-and-cursor bulk call (fewest requests, no preview)
    #[arg(long)]
    pub server_side: bool,

    /// Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with
    /// --continue, an existing report of the job is appended to
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left,
    /// on the server and with the settings the job recorded
    #[arg(long = "continue", value_name = "JOB")]
    pub continue_job: Option<String>,
}
