//! The command-line grammar: global flags once, one variant per verb.
//!
//! Doc comments here are the `--help` text. Each verb's own arguments live beside its code in
//! `commands/<verb>.rs`; argument groups shared by several verbs live in this module's children.

pub mod filter;
pub mod overrides;
pub mod select;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;

const AFTER_HELP: &str = "\
Exit codes:
  0    success
  1    error (server, network, I/O)
  2    usage error (bad flag, missing selector)
  3    partial failure: some entries failed, the summary says which
  4    authentication: no token, or the token was refused
  5    not confirmed: a mutation needed --yes or a confirmation
  6    a --fail-above gate tripped
  130  interrupted (Ctrl-C); bulk runs print how to continue

Environment:
  QSTASH_TOKEN, QSTASH_URL      token and base URL (as the official SDKs read them)
  QSTASH_REGION                 EU_CENTRAL_1 or US_EAST_1: use <REGION>_QSTASH_TOKEN/_URL
  DLQ_PROFILE                   profile of the config file to use
  DLQ_CONFIG_DIR                directory of config.toml (default: the OS config dir)
  NO_COLOR                      disable colour

Examples:
  dlq --sandbox list                      try it on a local seeded sandbox, no account needed
  dlq list --status 5xx --from 2h
  dlq list --workflow --label billing -o ndjson | jq .workflowRunId
  dlq get 1752829295505-0";

/// Triage and repair the Dead Letter Queues of Upstash QStash and Upstash Workflow.
///
/// See what failed, group it, and put it right: retry a message, resume or restart a workflow
/// run, re-run its failure callback, or delete it; one entry or a hundred thousand.
#[derive(Debug, Parser)]
#[command(name = "dlq", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every verb understands. Declared once, here.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)
    #[arg(long, global = true, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Base URL of the QStash API, given before the verb [default: https://qstash.upstash.io]
    ///
    /// After the verb, `--url` is the destination-URL filter; use --base-url there.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Base URL of the QStash API; accepted anywhere on the command line
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)
    #[arg(long, global = true, value_name = "FILE")]
    pub env_file: Option<std::path::PathBuf>,

    /// Profile of the config file to use (also DLQ_PROFILE)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Run against a local seeded sandbox instead of Upstash (no account needed)
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Output format [default: table on a terminal, tab-separated text otherwise]
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only data and errors: no progress, no summaries
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Log each HTTP exchange to stderr (token redacted)
    #[arg(short = 'v', long = "debug", global = true)]
    pub debug: bool,

    /// Timeout of each HTTP request, like 30s or 2m
    #[arg(long, global = true, value_name = "DURATION", value_parser = filter::parse_duration)]
    pub timeout: Option<std::time::Duration>,

    /// Answer yes to confirmation prompts (needed for mutations without a terminal)
    #[arg(short, long, global = true)]
    pub yes: bool,

    /// Never prompt; fail instead where a prompt would be needed
    #[arg(long, global = true)]
    pub no_input: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human table (tab-separated text when stdout is not a terminal)
    Table,
    /// One JSON document
    Json,
    /// One JSON object a line, streamed
    Ndjson,
    /// Only the ids, one a line
    Ids,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List DLQ entries (QStash messages, or failed workflow runs with --workflow)
    #[command(visible_alias = "ls")]
    List(commands::list::Args),
    /// Show everything about one DLQ entry
    Get(commands::get::Args),
    /// Retry QStash messages: deliver them again and remove them from the DLQ
    Retry(commands::retry::Args),
    /// Delete entries from the DLQ for good
    #[command(visible_alias = "rm")]
    Delete(commands::delete::Args),
    /// Resume failed workflow runs from the failed step
    Resume(commands::resume::Args),
    /// Restart failed workflow runs from the beginning
    Restart(commands::restart::Args),
    /// Re-run the failure callback of workflow runs whose callback failed
    Callback(commands::callback::Args),
    /// Group the DLQ and count: what fails, where, since when
    Stats(commands::stats::Args),
    /// Write whole entries as NDJSON (the format `dlq sandbox --fixture` loads)
    Export(commands::export::Args),
    /// Serve a local QStash-compatible DLQ API to rehearse on and test against
    Sandbox(commands::sandbox::Args),
    /// Show and change settings: tokens, base URLs, profiles
    Config(commands::config::Args),
    /// Print shell completions
    Completions(commands::completions::Args),
    /// Write man pages (used to build the committed man/ directory)
    #[command(hide = true)]
    Man(commands::man::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
