//! The root of the command-line grammar: the global flags, the verbs (`commands::Command`),
//! the top-level help, and the one entry point `main` calls.
//!
//! The top of the house: it imports the verbs and nothing imports it. Doc comments here are the
//! top-level `--help`; each verb's own arguments and help live beside its code in
//! `commands/<verb>.rs`, argument groups several verbs share in `crate::args`.

use clap::{CommandFactory, Parser};

use crate::args::global::GlobalArgs;
use crate::commands::{self, Command};
use crate::context::Env;
use crate::error::{CliError, Result};

const AFTER_HELP: &str = "\
Exit codes:
  0    success
  1    error (server, network, I/O)
  2    usage error (bad flag, missing selector)
  3    partial failure: some entries failed, the summary says which
  4    authentication: no token, or the token was refused
  5    not confirmed: a mutation needed --yes or a confirmation
  6    a --fail-above or --fail-older-than gate tripped
  130  interrupted by Ctrl-C (143 by SIGTERM, 129 by SIGHUP, as Unix tools exit);
       bulk runs print how to continue

Where the token and base URL come from (first wins):
  --token / --base-url
  the profile chosen with --profile or DLQ_PROFILE
  QSTASH_TOKEN, QSTASH_URL (QSTASH_REGION: <REGION>_QSTASH_TOKEN/_URL), --env-file
  the config file's current profile (`dlq config use NAME`)
  the default https://qstash.upstash.io
  When a source shadows another, one stderr line says which won.

Environment:
  QSTASH_TOKEN, QSTASH_URL      token and base URL (as the official SDKs read them)
  QSTASH_REGION                 EU_CENTRAL_1 or US_EAST_1: use <REGION>_QSTASH_TOKEN/_URL
  DLQ_PROFILE                   profile of the config file to use
  DLQ_CONFIG_DIR                directory of config.toml (default: the OS config dir)
  DLQ_STATE_DIR                 directory of job journals and the --sandbox state
  NO_COLOR                      disable colour

Examples:
  dlq --sandbox list                      try it on a local seeded sandbox, no account needed
  dlq list --status 5xx --from 2h
  dlq list --workflow --label billing -o ndjson
  dlq get 1752829295505-0
  dlq jobs                                bulk runs: finished, interrupted, crashed";

/// `--version`: what a bug report needs to name the build.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit: ",
    env!("DLQ_COMMIT"),
    "\nbuilt: ",
    env!("DLQ_BUILD_DATE"),
    "\ntarget: ",
    env!("DLQ_TARGET"),
);

/// Triage and repair the Dead Letter Queues of Upstash QStash and Upstash Workflow.
///
/// See what failed, group it, and put it right: retry a message, resume or restart a workflow
/// run, re-run its failure callback, or delete it; one entry or a hundred thousand.
#[derive(Debug, Parser)]
#[command(
    name = "dlq",
    version,
    long_version = LONG_VERSION,
    after_help = AFTER_HELP,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// `--url` before the verb: refused, because after the verb it is the destination filter
    /// and one flag must not mean two things by its position.
    #[arg(long = "url", hide = true, value_name = "URL")]
    pub misplaced_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// Runs the parsed command line.
pub async fn run(cli: Cli, env: &Env) -> Result<()> {
    if let Some(url) = &cli.misplaced_url {
        return Err(CliError::usage(format!(
            "--url before the verb: --url is the destination-URL filter and goes after the verb \
             (`dlq list --url {0}`); the API's base URL is --base-url",
            crate::text::truncate(&crate::text::safe(url), 80)
        ))
        .hint("nothing was sent"));
    }
    // The generators describe the whole grammar, which only this module knows.
    match cli.command {
        Command::Completions(args) => commands::completions::run(args, Cli::command()),
        Command::Man(args) => commands::man::run(args, Cli::command()),
        command => commands::run(cli.global, command, env).await,
    }
}

/// Parses the command line. A filter of the other DLQ given to a verb that does not have it
/// gets an error naming the verb that does, instead of clap's bare "unexpected argument".
pub fn parse() -> Cli {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            if let Some(msg) = explain(&e, &argv) {
                eprintln!("{msg}");
                std::process::exit(i32::from(crate::error::exit::USAGE));
            }
            e.exit()
        }
    }
}

/// The better message for an unknown filter flag, if this error is one.
pub fn explain(e: &clap::Error, argv: &[String]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(flag)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let dlq = crate::args::filter::dlq_of_flag(flag)?;
    let verb = argv
        .iter()
        .skip(1)
        .find(|a| matches!(a.as_str(), "retry" | "resume" | "restart" | "callback"))?;
    let flag = flag.split('=').next().unwrap_or(flag);
    Some(match dlq {
        crate::api::Source::Qstash => format!(
            "error: {flag} filters QStash messages; `dlq {verb}` acts on failed workflow runs\n  \
             hint: its filters are --workflow-url, --workflow-run-id, --workflow-created-at, \
             --callback-state, --label, --caller-ip, --from, --to (see `dlq {verb} --help`)"
        ),
        crate::api::Source::Workflow => format!(
            "error: {flag} filters failed workflow runs; `dlq retry` acts on QStash messages\n  \
             hint: workflow runs are put right with `dlq resume`, `dlq restart` or `dlq callback`"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_filter_of_the_other_dlq_names_the_right_verb() {
        let argv: Vec<String> = ["dlq", "resume", "--status", "5xx", "--all"]
            .map(String::from)
            .to_vec();
        let e = Cli::try_parse_from(&argv).unwrap_err();
        let msg = explain(&e, &argv).expect("explained");
        assert!(msg.contains("--status filters QStash messages"), "{msg}");
        let argv: Vec<String> = ["dlq", "retry", "--workflow-url=x", "--all"]
            .map(String::from)
            .to_vec();
        let e = Cli::try_parse_from(&argv).unwrap_err();
        assert!(explain(&e, &argv).unwrap().contains("dlq resume"));
        let argv: Vec<String> = ["dlq", "list", "--bogus"].map(String::from).to_vec();
        let e = Cli::try_parse_from(&argv).unwrap_err();
        assert!(explain(&e, &argv).is_none());
    }
}
