//! `dlq republish`: publish a changed copy of each selected QStash message (new destination,
//! headers, body, settings), then remove the entry, exactly once.

mod part;

use std::path::PathBuf;

use super::act::parts::{Backup, Follow};
use super::act::Parts;
use part::Rebuild;

use crate::api::{check_url, valid_name, Source};
use crate::args::filter::{CommonFilters, MatchFlowKey, QstashFilters};
use crate::args::follow::VerifyArgs;
use crate::args::overrides::{OverrideArgs, RetryOverrideArgs};
use crate::args::select::{BulkArgs, SelectArgs};
use crate::bulk::action::{Action, Verb};
use crate::bulk::rebuild::edit::{Body, Edits, To};
use crate::bulk::rebuild::jq::Program;
use crate::bulk::rebuild::limited::Limited;
use crate::bulk::rebuild::rewrite::Rule;
use crate::context::Ctx;
use crate::error::{CliError, Result};

/// Republish QStash messages changed: a new destination, headers or body; then remove them.
///
/// Each selected entry becomes a new message: the entry's destination, method, forwarded
/// headers, body and settings, with the changes asked for. The plan shows how many go from
/// each old destination to each new one and a before/after of one entry; entries that cannot
/// be changed as asked (no --rewrite-url rule matches, a body that is not JSON for --body-jq)
/// are refused there and left in the DLQ.
///
/// Exactly once: every publish carries a deduplication id made from its DLQ id, so a re-send
/// after a lost reply is not delivered twice; an entry is deleted only after its publish was
/// accepted, and the job's journal holds both steps, so --continue after an interrupt or a
/// crash neither loses an entry nor publishes it twice. A publish whose reply was lost more
/// than 8 minutes before (the service deduplicates for 10) is not sent again: the entry is
/// reported unconfirmed and left in the DLQ.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq republish --url https://a.example/hook --all --rewrite-url https://a.example=https://b.example
  dlq republish 1752829295505-0 --to-url https://api.example/v2/hook --header 'X-Tenant: 7'
  dlq republish --label billing --all --body-jq '.amount |= tonumber' --dry-run
  dlq republish --status 4xx --all --drop-header Authorization --to-queue slow-lane")]
pub struct Args {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Send every new message to URL (`--to` is the time filter, as on every verb)
    #[arg(long, value_name = "URL", value_parser = parse_url, help_heading = "Changes",
          conflicts_with_all = ["rewrite_url", "to_url_group"])]
    pub to_url: Option<String>,

    /// Move destinations under FROM to TO: FROM is an origin (scheme, host, port) or a path
    /// under one, matched whole (`/v1` is not `/v10`); the rest of each URL is kept as it was
    /// (repeatable; the first match wins; entries no rule matches are refused in the plan)
    #[arg(long, value_name = "FROM=TO", value_parser = Rule::parse, help_heading = "Changes",
          conflicts_with = "to_url_group")]
    pub rewrite_url: Vec<Rule>,

    /// Publish to the URL group NAME instead of a URL
    #[arg(long, value_name = "NAME", value_parser = parse_name, help_heading = "Changes")]
    pub to_url_group: Option<String>,

    /// Enqueue on queue NAME [default: the queue the message came through, if any]
    #[arg(long, value_name = "NAME", value_parser = parse_name, help_heading = "Changes")]
    pub to_queue: Option<String>,

    /// Set a header forwarded to the destination, replacing one of that name (repeatable)
    #[arg(long, value_name = "'NAME: VALUE'", value_parser = parse_header, help_heading = "Changes")]
    pub header: Vec<(String, String)>,

    /// Remove a forwarded header (repeatable)
    #[arg(long, value_name = "NAME", help_heading = "Changes")]
    pub drop_header: Vec<String>,

    /// Transform the JSON body with a jq expression (one output per entry)
    #[arg(
        long,
        value_name = "EXPR",
        help_heading = "Changes",
        conflicts_with = "body_file"
    )]
    pub body_jq: Option<String>,

    /// Replace the body with the contents of FILE
    #[arg(long, value_name = "FILE", help_heading = "Changes")]
    pub body_file: Option<PathBuf>,

    /// Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync
    /// it before anything is sent
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,

    /// Messages per `POST /v2/batch`, 1 to 100: fewer for large bodies or a server with a
    /// smaller request limit (also with --continue)
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=100))]
    pub batch_size: Option<u16>,

    #[command(flatten)]
    pub common: CommonFilters,
    #[command(flatten)]
    pub qstash: QstashFilters,
    #[command(flatten)]
    pub flow: MatchFlowKey,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub retry: RetryOverrideArgs,
    #[command(flatten)]
    pub bulk: BulkArgs,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let config = args.overrides.resolve(Some(&args.retry))?;
    let edits = if args.bulk.continue_job.is_some() {
        // The job's messages were frozen when it was planned: nothing here may change them.
        refuse_edits(&args)?;
        Edits {
            batch: args.batch_size.map(usize::from),
            ..Edits::default()
        }
    } else {
        edits(&args, config.clone())?
    };
    let action = Action {
        verb: Verb::Republish,
        source: Source::Qstash,
        overrides: config,
    };
    let request = super::qstash_request(
        ctx,
        action,
        &args.select,
        &args.common,
        &args.qstash,
        &args.flow,
        &args.bulk,
        Parts::default()
            .with(Backup::to(args.backup.as_deref()))
            .with(Follow(&args.verify))
            .with(Rebuild {
                edits: &edits,
                state_dir: &ctx.state_dir,
            }),
    )?;
    super::act::run(ctx, request).await
}

/// The changes asked for, checked before anything is listed.
fn edits(args: &Args, config: crate::api::Overrides) -> Result<Edits> {
    let to = match (
        &args.to_url,
        &args.to_url_group,
        args.rewrite_url.is_empty(),
    ) {
        (Some(u), _, _) => To::Url(u.clone()),
        (_, Some(g), _) => To::Group(g.clone()),
        (_, _, false) => To::Rewrite(args.rewrite_url.clone()),
        _ => To::Same,
    };
    let body = match (&args.body_jq, &args.body_file) {
        (Some(expr), _) => Body::Jq(Limited::new(
            Program::compile(expr).map_err(|e| {
                CliError::usage(format!("--body-jq: {e}"))
                    .hint("the expression is jq syntax, e.g. '.amount |= tonumber'")
            })?,
            crate::bulk::rebuild::limited::LIMIT,
        )),
        (_, Some(path)) => Body::Replace(std::fs::read(path).map_err(|e| {
            CliError::usage(format!("cannot read --body-file {}: {e}", path.display()))
        })?),
        _ => Body::Same,
    };
    for name in &args.drop_header {
        parse_header_name(name).map_err(|e| CliError::usage(format!("--drop-header: {e}")))?;
    }
    let edits = Edits {
        to,
        queue: args.to_queue.clone(),
        set_headers: args.header.clone(),
        drop_headers: args.drop_header.clone(),
        body,
        config,
        stopped: Default::default(),
        batch: args.batch_size.map(usize::from),
    };
    if edits.is_empty() {
        return Err(
            CliError::usage("republish was given nothing to change").hint(
                "give --to-url, --rewrite-url, --header, --body-jq or another change; \
             to deliver the messages again as they were, use `dlq retry`",
            ),
        );
    }
    Ok(edits)
}

/// `--continue` sends what the job planned: a change flag would be silently ignored.
fn refuse_edits(args: &Args) -> Result<()> {
    let changed = args.to_url.is_some()
        || !args.rewrite_url.is_empty()
        || args.to_url_group.is_some()
        || args.to_queue.is_some()
        || !args.header.is_empty()
        || !args.drop_header.is_empty()
        || args.body_jq.is_some()
        || args.body_file.is_some();
    if changed {
        return Err(CliError::usage(
            "--continue sends the messages the job planned: drop --to-url, --rewrite-url, \
             --to-url-group, --to-queue, --header, --drop-header, --body-jq and --body-file",
        ));
    }
    Ok(())
}

fn parse_url(s: &str) -> std::result::Result<String, String> {
    check_url(s.trim())
}

fn parse_name(s: &str) -> std::result::Result<String, String> {
    match valid_name(s) {
        true => Ok(s.to_string()),
        false => Err(format!(
            "{s:?} is not a valid name: use letters, digits, '-', '.' and '_'"
        )),
    }
}

/// `NAME: VALUE`, a header the destination receives. `Upstash-*` headers are the service's own
/// settings, set by their flags.
fn parse_header(s: &str) -> std::result::Result<(String, String), String> {
    let Some((name, value)) = s.split_once(':') else {
        return Err(format!("{s:?} is not 'NAME: VALUE'"));
    };
    let name = parse_header_name(name.trim())?;
    crate::api::check_header(&name, value.trim())?;
    Ok((name, value.trim().to_string()))
}

fn parse_header_name(name: &str) -> std::result::Result<String, String> {
    if name.is_empty() {
        return Err("the header name is empty".into());
    }
    if name.to_ascii_lowercase().starts_with("upstash-") {
        return Err(format!(
            "{name} is a setting of the service, not a forwarded header: use its flag \
             (--retries, --delay, --callback, ...)"
        ));
    }
    crate::api::check_header(name, "")?;
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_checked_as_typed() {
        assert_eq!(
            parse_header("X-Tenant: 7").unwrap(),
            ("X-Tenant".into(), "7".into())
        );
        assert!(parse_header("Upstash-Retries: 3").is_err());
        assert!(parse_header("No colon").is_err());
        assert!(parse_header("Bad Name: x").is_err());
        assert!(parse_header("X: a\u{7}b").is_err());
    }
}
