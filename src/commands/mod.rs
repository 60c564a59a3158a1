//! One module per verb, the enum of verbs, and their dispatch by one plain `match`.
//!
//! The root grammar (`crate::cli`) holds this enum under the global flags; nothing here imports
//! it, so the verbs that need the whole grammar get it handed in (`man`, `completions`) or
//! parse with [`parse_line`] (`triage`).

pub mod act;
pub mod callback;
pub mod completions;
pub mod config;
pub mod delete;
pub mod export;
pub mod exporter;
pub mod get;
pub mod jobs;
pub mod kept;
pub mod list;
pub mod man;
pub mod republish;
pub mod restart;
pub mod resume;
pub mod retry;
pub mod sandbox;
pub mod scope;
pub mod signals;
pub mod stats;
pub mod triage;
pub mod verify;
pub mod watch;

use crate::api::Source;
use crate::args::filter::{self, CommonFilters, MatchFlowKey, QstashFilters, WorkflowFilters};
use crate::args::global::GlobalArgs;
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::Action;
use crate::context::{Ctx, Env};
use crate::error::{CliError, Result};

/// The verbs. A variant has no doc comment of its own: clap would show it instead of the
/// verb's, and the verb's long help would never reach `--help` or the man pages. Each verb's
/// help is the doc comment of its `Args`, written once beside its code.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    #[command(visible_alias = "ls")]
    List(list::Args),
    Get(get::Args),
    Retry(retry::Args),
    #[command(visible_alias = "rm")]
    Delete(delete::Args),
    Republish(Box<republish::Args>),
    Resume(resume::Args),
    Restart(restart::Args),
    Callback(callback::Args),
    Stats(stats::Args),
    Exporter(exporter::Args),
    Export(export::Args),
    Triage(triage::Args),
    Jobs(jobs::Args),
    Verify(verify::Args),
    Sandbox(sandbox::Args),
    Config(config::Args),
    Completions(completions::Args),
    #[command(hide = true)]
    Man(man::Args),
}

/// Runs a verb with the global flags.
pub async fn run(global: GlobalArgs, command: Command, env: &Env) -> Result<()> {
    // A verb that needs no settings runs before any config file is read.
    if let Command::Sandbox(args) = command {
        return sandbox::run(&global, args, env).await;
    }
    let ctx = Ctx::new(global, env).await?;
    dispatch(&ctx, command).await
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
        Command::Republish(args) => republish::run(ctx, *args).await,
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

/// A verb's command line (`dlq stats --by url ...`), parsed by the same grammar as the user's:
/// the global flags and the verbs.
pub fn parse_line(argv: &[String]) -> Result<Command> {
    #[derive(clap::Parser)]
    #[command(name = "dlq")]
    struct Grammar {
        #[command(flatten)]
        global: GlobalArgs,
        #[command(subcommand)]
        command: Command,
    }
    <Grammar as clap::Parser>::try_parse_from(argv)
        .map(|g| g.command)
        .map_err(|e| CliError::usage(e.to_string().trim().to_string()))
}

pub fn source(workflow: bool) -> Source {
    if workflow {
        Source::Workflow
    } else {
        Source::Qstash
    }
}

/// The request of a verb that acts on QStash messages only (retry, republish); `parts`: what
/// the verb brings besides its action.
#[allow(clippy::too_many_arguments)]
pub fn qstash_request<'a>(
    ctx: &Ctx,
    action: Action,
    select: &'a SelectArgs,
    common: &CommonFilters,
    qstash: &QstashFilters,
    flow: &MatchFlowKey,
    bulk: &'a BulkArgs,
    parts: act::Parts<'a>,
) -> Result<act::Request<'a>> {
    let given = filter::Given {
        common,
        qstash: Some(qstash),
        workflow: None,
        flow_keys: &flow.keys,
    };
    Ok(act::Request {
        filter: filter::build(&given, Source::Qstash, ctx.now_ms)?,
        action,
        select,
        bulk,
        sources: vec![Source::Qstash],
        parts,
    })
}

/// The request of a verb that acts on failed workflow runs only (resume, restart, callback);
/// `parts`: what the verb brings besides its action.
#[allow(clippy::too_many_arguments)]
pub fn workflow_request<'a>(
    ctx: &Ctx,
    action: Action,
    select: &'a SelectArgs,
    common: &CommonFilters,
    workflow: &WorkflowFilters,
    flow: &MatchFlowKey,
    bulk: &'a BulkArgs,
    parts: act::Parts<'a>,
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
        sources: vec![Source::Workflow],
        parts,
    })
}
