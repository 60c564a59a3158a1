//! One module per verb, dispatched by one plain `match`.

pub mod act;
pub mod callback;
pub mod completions;
pub mod config;
pub mod delete;
pub mod export;
pub mod exporter;
pub mod get;
pub mod jobs;
pub mod list;
pub mod man;
pub mod restart;
pub mod resume;
pub mod retry;
pub mod sandbox;
pub mod signals;
pub mod stats;
pub mod triage;
pub mod verify;
pub mod watch;

use crate::api::Source;
use crate::args::filter::{self, CommonFilters, MatchFlowKey, WorkflowFilters};
use crate::args::select::{BulkArgs, SelectArgs};
use crate::args::verify::VerifyArgs;
use crate::bulk::action::Action;
use crate::cli::{Cli, Command};
use crate::context::{Ctx, Env};
use crate::error::{CliError, Result};

/// Runs the parsed command line.
pub async fn run(cli: Cli, env: &Env) -> Result<()> {
    if let Some(url) = &cli.misplaced_url {
        return Err(CliError::usage(format!(
            "--url before the verb: --url is the destination-URL filter and goes after the verb \
             (`dlq list --url {0}`); the API's base URL is --base-url",
            crate::output::text::truncate(&crate::output::text::safe(url), 80)
        ))
        .hint("nothing was sent"));
    }
    // Verbs that need no settings run before any config file is read.
    match cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Man(args) => return man::run(args),
        Command::Sandbox(args) => return sandbox::run(&cli.global, args, env).await,
        _ => {}
    }
    let ctx = Ctx::new(cli.global, env).await?;
    dispatch(&ctx, cli.command).await
}

/// Runs a verb that needs settings, with an existing context (`triage` runs the verbs' own
/// command lines this way).
pub async fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    if ctx.out.format == crate::output::Format::Openmetrics
        && !matches!(command, Command::Stats(_) | Command::Exporter(_))
    {
        return Err(
            CliError::usage("-o openmetrics is the output of `dlq stats` only")
                .hint("use -o json or -o ndjson here; `dlq exporter` serves the metrics over HTTP"),
        );
    }
    match command {
        Command::List(args) => list::run(ctx, args).await,
        Command::Get(args) => get::run(ctx, args).await,
        Command::Retry(args) => retry::run(ctx, args).await,
        Command::Delete(args) => delete::run(ctx, args).await,
        Command::Resume(args) => resume::run(ctx, args).await,
        Command::Restart(args) => restart::run(ctx, args).await,
        Command::Callback(args) => callback::run(ctx, args).await,
        Command::Stats(args) => stats::run(ctx, args).await,
        Command::Exporter(args) => exporter::run(ctx, args).await,
        Command::Export(args) => export::run(ctx, args).await,
        Command::Jobs(args) => jobs::run(ctx, args).await,
        Command::Verify(args) => verify::run(ctx, args).await,
        Command::Config(args) => config::run(ctx, args).await,
        Command::Triage(args) => Box::pin(triage::run(ctx, args)).await,
        Command::Completions(_) | Command::Man(_) | Command::Sandbox(_) => Err(CliError::usage(
            "this verb runs on its own, not from another command",
        )),
    }
}

pub fn source(workflow: bool) -> Source {
    if workflow {
        Source::Workflow
    } else {
        Source::Qstash
    }
}

/// The request of a verb that acts on failed workflow runs only (resume, restart, callback).
#[allow(clippy::too_many_arguments)]
pub fn workflow_request<'a>(
    ctx: &Ctx,
    action: Action,
    select: &'a SelectArgs,
    common: &CommonFilters,
    workflow: &WorkflowFilters,
    flow: &MatchFlowKey,
    bulk: &'a BulkArgs,
    verify: &'a VerifyArgs,
) -> Result<act::Request<'a>> {
    let given = filter::Given {
        common,
        qstash: None,
        workflow: Some(workflow),
        flow_keys: &flow.keys,
    };
    Ok(act::Request {
        filter: filter::build(&given, Source::Workflow, ctx.now_ms)?,
        action,
        select,
        bulk,
        backup: None,
        sources: vec![Source::Workflow],
        verify: Some(verify),
    })
}
