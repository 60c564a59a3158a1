//! One module per verb, dispatched by one plain `match`.

pub mod act;
pub mod callback;
pub mod completions;
pub mod config;
pub mod delete;
pub mod export;
pub mod get;
pub mod list;
pub mod man;
pub mod restart;
pub mod resume;
pub mod retry;
pub mod sandbox;
pub mod stats;

use crate::api::{Filter, Source};
use crate::cli::filter::FilterArgs;
use crate::cli::{Cli, Command};
use crate::context::{Ctx, Env};
use crate::error::{CliError, Result};

/// Runs the parsed command line.
pub async fn run(cli: Cli, env: &Env) -> Result<()> {
    // Verbs that need no settings run before any config file is read.
    match cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Man(args) => return man::run(args),
        Command::Sandbox(args) => return sandbox::run(&cli.global, args, env).await,
        _ => {}
    }
    let ctx = Ctx::new(cli.global, env).await?;
    match cli.command {
        Command::List(args) => list::run(&ctx, args).await,
        Command::Get(args) => get::run(&ctx, args).await,
        Command::Retry(args) => retry::run(&ctx, args).await,
        Command::Delete(args) => delete::run(&ctx, args).await,
        Command::Resume(args) => resume::run(&ctx, args).await,
        Command::Restart(args) => restart::run(&ctx, args).await,
        Command::Callback(args) => callback::run(&ctx, args).await,
        Command::Stats(args) => stats::run(&ctx, args).await,
        Command::Export(args) => export::run(&ctx, args).await,
        Command::Config(args) => config::run(&ctx, args).await,
        Command::Completions(_) | Command::Man(_) | Command::Sandbox(_) => {
            unreachable!("handled above")
        }
    }
}

pub fn source(workflow: bool) -> Source {
    if workflow {
        Source::Workflow
    } else {
        Source::Qstash
    }
}

/// Turns filter flags into an API filter for `source`, resolving relative times against the
/// command's one `now`. Filters the source does not support are a usage error, not ignored.
pub fn build_filter(
    args: &FilterArgs,
    flow_keys: &[String],
    source: Source,
    now_ms: i64,
) -> Result<Filter> {
    let f = Filter {
        urls: args.url.clone(),
        url_groups: args.url_group.clone(),
        queues: args.queue.clone(),
        schedules: args.schedule.clone(),
        message_id: args.message_id.clone(),
        labels: args.label.clone(),
        statuses: args.status.iter().flat_map(|s| s.codes()).collect(),
        caller_ips: args.caller_ip.clone(),
        flow_control_keys: flow_keys.to_vec(),
        from_ms: args.from.map(|t| t.resolve(now_ms)),
        to_ms: args.to.map(|t| t.resolve(now_ms)),
        workflow_urls: args.workflow_url.clone(),
        workflow_run_id: args.workflow_run_id.clone(),
        workflow_created_at: args.workflow_created_at.map(|t| t.resolve(now_ms)),
        callback_states: args
            .callback_state
            .iter()
            .map(|s| s.as_wire().to_string())
            .collect(),
    };
    let bad = f.unsupported(source);
    if !bad.is_empty() {
        let (which, other) = match source {
            Source::Qstash => ("QStash messages", "add --workflow to select workflow runs"),
            Source::Workflow => ("workflow runs", "drop --workflow to select QStash messages"),
        };
        return Err(
            CliError::usage(format!("{} cannot filter {which}", bad.join(", "))).hint(other),
        );
    }
    Ok(f)
}

/// The answer of verbs that a later release builds.
pub fn not_implemented(verb: &str) -> CliError {
    CliError::failure(format!("`dlq {verb}` is not implemented yet"))
}
