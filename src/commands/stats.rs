//! `dlq stats`: group the DLQ and count, for triage and CI gates.

use std::io::Write;

use crate::api::Source;
use crate::args::filter::ReadFilters;
use crate::args::values::{parse_duration, parse_positive};
use crate::bulk::pages::Pages;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::grouping::{GroupKey, Stats};
use crate::output::groups::{self as draw, View};
use crate::output::progress::Bar;
use crate::output::Format;

/// Group the DLQ and count: what fails, where, since when.
///
/// Reads every matching entry once (memory stays flat) and groups them. Each group shows its
/// count, its share, its oldest and newest entry, how many entries are about to reach the end
/// of their retention, and a sample id for `dlq get`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq stats                                  failing endpoints, largest first
  dlq stats --by url,status --from 24h       what failed how, in the last day
  dlq stats --workflow --by workflow-url,callback-state
  dlq stats --by day --status 5xx            server errors per day
  dlq stats --label billing --fail-above 0   (CI: exit 6 when any entry matches)
  dlq stats --total --url https://api.example/hook")]
pub struct Args {
    /// Count failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Group by these keys, comma-separated
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "KEYS",
        default_value = "url"
    )]
    pub by: Vec<GroupKey>,

    /// Show only the N largest groups
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub top: Option<u64>,

    /// Exit 6 when more than N entries match (a CI gate on DLQ depth)
    #[arg(long, value_name = "N")]
    pub fail_above: Option<u64>,

    /// Print only the number of matching entries
    #[arg(long)]
    pub total: bool,

    /// How long the DLQ keeps entries on your plan (free 3d, pay-as-you-go 7d, fixed up to
    /// 90d); entries within a day of it are called out
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "3d",
        env = "DLQ_RETENTION"
    )]
    pub retention: String,

    #[command(flatten)]
    pub filters: ReadFilters,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let source = super::source(args.workflow);
    let filter = args.filters.build(source, ctx.now_ms)?;
    check_keys(&args.by, source)?;
    if ctx.out.format == Format::Ids {
        return Err(CliError::usage("stats has no ids output")
            .hint("use -o ndjson (each group has a sample id), or `dlq list -o ids`"));
    }
    let retention = retention(&args.retention)?;
    let stats = gather(ctx, source, &filter, args.by, retention).await?;

    let mut w = ctx.out.stdout();
    if args.total {
        writeln!(w, "{}", stats.total)?;
        w.flush()?;
    } else {
        let view = View {
            source,
            top: args.top.map(|n| n as usize),
            retention: &args.retention,
            now_ms: ctx.now_ms,
        };
        draw::print(&mut w, &ctx.out, &stats, &view)?;
        drop(w);
        draw::notes(&ctx.out, &stats, &view);
    }
    match args.fail_above {
        Some(n) if stats.total > n => Err(CliError::new(
            Kind::Gate,
            format!("{} entries match, more than --fail-above {n}", stats.total),
        )),
        _ => Ok(()),
    }
}

/// `--retention` as a duration; zero is refused.
pub fn retention(text: &str) -> Result<std::time::Duration> {
    let r = parse_duration(text).map_err(|e| CliError::usage(format!("--retention: {e}")))?;
    if r.is_zero() {
        return Err(CliError::usage("--retention must be longer than zero"));
    }
    // No plan keeps entries for a year; a larger number is a typo, not a setting.
    if r > std::time::Duration::from_secs(365 * 86_400) {
        return Err(CliError::usage(format!(
            "--retention {text} is longer than any plan keeps entries: at most 365d, like 3d or 7d"
        )));
    }
    Ok(r)
}

/// Reads every entry matching `filter` once and groups it by `by`.
pub async fn gather(
    ctx: &Ctx,
    source: Source,
    filter: &crate::api::Filter,
    by: Vec<GroupKey>,
    retention: std::time::Duration,
) -> Result<Stats> {
    let api = ctx.api()?;
    let mut stats = Stats::new(by, retention.as_millis() as i64, ctx.now_ms);
    let mut pages = Pages::new(&api, source, filter, None);
    let spinner = Bar::spinner(&ctx.out, "reading:");
    let read = async {
        while let Some(entries) = pages.next(Some(100)).await? {
            spinner.inc(entries.len() as u64);
            entries.iter().for_each(|e| stats.add(e));
        }
        Ok::<_, crate::api::ApiError>(())
    }
    .await;
    spinner.finish();
    read?;
    Ok(stats)
}

/// Keys that only one DLQ has are a usage error on the other, not a column of `(none)`.
pub fn check_keys(by: &[GroupKey], source: Source) -> Result<()> {
    let bad: Vec<&str> = by
        .iter()
        .filter(|k| k.only_for().is_some_and(|s| s != source))
        .map(|k| k.name())
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let fix = match source {
        Source::Qstash => "add --workflow to group failed workflow runs",
        Source::Workflow => "drop --workflow to group QStash messages",
    };
    Err(CliError::usage(format!(
        "--by {}: not a field of these entries",
        bad.join(",")
    ))
    .hint(fix))
}
