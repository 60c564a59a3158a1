//! `dlq stats`: group the DLQ and count, for triage and CI gates.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use super::scope::{Line, Scope};
use crate::api::Source;
use crate::args::filter::ReadFilters;
use crate::args::values::{parse_duration, parse_positive};
use crate::bulk::content::Keyer;
use crate::bulk::pages::Pages;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::grouping::{Group, GroupKey, Stats};
use crate::output::groups::{self as draw, View};
use crate::output::openmetrics as om;
use crate::output::progress::Bar;
use crate::output::Format;

/// Group the DLQ and count: what fails, where, since when.
///
/// Reads every matching entry once (memory stays flat) and groups them. Each group shows its
/// count, its share, its oldest and newest entry, how many entries are about to reach the end
/// of their retention, and a sample id for `dlq get`.
///
/// Piped, each group is one tab-separated line with no header: the --by keys in their order
/// (empty where the entries had none), count, share in percent, oldest and newest (RFC 3339),
/// entries expiring within a day of --retention, and a sample id. `-o json` names every field.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq stats                                  failing endpoints, largest first
  dlq stats --by url,status --from 24h       what failed how, in the last day
  dlq stats --workflow --by workflow-url,callback-state
  dlq stats --by day --status 5xx            server errors per day
  dlq stats --by response -o json            failure signatures, each with the line that lists it
  dlq stats --label billing --fail-above 0   (CI: exit 6 when any entry matches)
  dlq stats --fail-older-than 6h             (CI: exit 6 when an entry has waited 6h)
  dlq stats -o openmetrics > dlq.prom        (node_exporter's textfile collector)
  dlq stats --watch 30s                      redraw every 30s with the change since the last
  dlq stats --total --url https://api.example/hook")]
pub struct Args {
    /// Count failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Group by these keys, comma-separated [default: url, unless --by-jq is given]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KEYS")]
    pub by: Vec<GroupKey>,

    /// Group by what a jq program says of each entry, after the --by keys: its first output
    /// as compact JSON, (none) for null or no output. It sees the entry as `dlq get -o json`
    /// prints it, with $body and $response as --where does. Example: --by-jq '$body.tenant'
    #[arg(long, value_name = "EXPR", conflicts_with = "watch")]
    pub by_jq: Option<String>,

    /// Show only the N largest groups (-o openmetrics: 100 by default, and the rest are
    /// folded into one series whose --by labels read __other__)
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub top: Option<u64>,

    /// Exit 6 when more than N entries match (a CI gate on DLQ depth)
    #[arg(long, value_name = "N")]
    pub fail_above: Option<u64>,

    /// Exit 6 when the oldest matching entry has waited longer than DURATION, like 6h or 2d
    /// (a CI gate on DLQ age)
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub fail_older_than: Option<std::time::Duration>,

    /// Read again every INTERVAL (default 10s) until Ctrl-C; at a terminal the table is
    /// redrawn in place with the time of the refresh and the change since the previous one
    #[arg(
        long,
        value_name = "INTERVAL",
        num_args = 0..=1,
        default_missing_value = "10s",
        require_equals = false,
        conflicts_with_all = ["fail_above", "fail_older_than"],
        value_parser = crate::args::values::parse_interval
    )]
    pub watch: Option<std::time::Duration>,

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
    let keyer = match &args.by_jq {
        Some(expr) => Some(Keyer::compile(expr).map_err(|e| {
            CliError::usage(e.to_string()).hint("the program is jq syntax, e.g. '$body.tenant'")
        })?),
        None => None,
    };
    if ctx.out.format == Format::Ids {
        return Err(CliError::usage("stats has no ids output").hint(format!(
            "use -o ndjson (each group has a sample id), or `{}`",
            ctx.aim().dlq(["list", "-o", "ids"])
        )));
    }
    if ctx.out.format == Format::Openmetrics {
        check_metric_keys(&args.by, args.top)?;
    }
    let retention = retention(&args.retention)?;
    if let Some(every) = args.watch {
        return watch(ctx, &args, every, retention).await;
    }
    let reading = Reading {
        by: keys(&args),
        keyer: keyer.as_ref(),
        retention,
    };
    let stats = gather(ctx, source, &filter, reading).await?;
    show(ctx, &args, &stats, ctx.now_ms, &mut ctx.out.stdout())?;
    super::kept::say(ctx, &filter.content);
    let gated = gate(&args, &stats, ctx.now_ms);
    let gated = match &keyer {
        Some(k) => super::kept::conclude_with(ctx, "--by-jq", "grouped", &k.tally(), gated),
        None => gated,
    };
    super::kept::conclude(ctx, &filter.content, gated)
}

/// The keys to group by: --by's, url when neither --by nor --by-jq is given, then --by-jq's.
fn keys(args: &Args) -> Vec<GroupKey> {
    let mut by = args.by.clone();
    if by.is_empty() && args.by_jq.is_none() {
        by.push(GroupKey::Url);
    }
    if args.by_jq.is_some() {
        by.push(GroupKey::Jq);
    }
    by
}

/// How a reading groups: the keys, the program of a `jq` key, the retention.
pub struct Reading<'a> {
    pub by: Vec<GroupKey>,
    pub keyer: Option<&'a Keyer>,
    pub retention: Duration,
}

/// Writes one reading in the chosen format, with the notes for people on stderr.
pub fn show(ctx: &Ctx, args: &Args, stats: &Stats, now_ms: i64, w: &mut impl Write) -> Result<()> {
    let source = super::source(args.workflow);
    if args.total {
        writeln!(w, "{}", stats.total)?;
        w.flush()?;
    } else if ctx.out.format == Format::Openmetrics {
        let top = args.top.map_or(om::DEFAULT_TOP, |n| n as usize);
        let families = om::dlq_families(&[(source, stats)], top, now_ms);
        let reader = if ctx.out.stdout_tty {
            om::Reader::Terminal
        } else {
            om::Reader::Scraper
        };
        om::write(w, &families, om::Flavor::OpenMetrics, reader)?;
    } else {
        let scope = Scope::from_args(source, &args.filters).fixed(now_ms);
        let aim = ctx.aim();
        let selector = |g: &Group| selector(&scope, &aim, &args.by, g, now_ms);
        let view = View {
            source,
            top: args.top.map(|n| n as usize),
            retention: &args.retention,
            now_ms,
            selector: args
                .by
                .contains(&GroupKey::Response)
                .then_some(&selector as &draw::Selector),
        };
        draw::print(w, &ctx.out, stats, &view)?;
        draw::notes(&ctx.out, stats, &view);
    }
    Ok(())
}

/// The `dlq list … --all` line that selects group `g` of a reading and nothing else: the
/// reading's own filters (relative times fixed as of the reading) narrowed to the group's
/// values, aimed at the server read. `None` when no filter can say the group (entries
/// without a label, a label among others).
fn selector(
    scope: &Scope,
    aim: &crate::cmdline::Aim,
    by: &[GroupKey],
    g: &Group,
    now_ms: i64,
) -> Option<String> {
    let mut narrowed = scope.clone();
    for (k, v) in by.iter().zip(&g.key) {
        narrowed = narrowed.narrowed(*k, v.as_deref(), now_ms).ok()?;
    }
    let argv = narrowed.argv(Line::List, &["--all".into()]);
    Some(aim.dlq(argv.into_iter().skip(1)).to_string())
}

/// The CI gates: depth (--fail-above) and age (--fail-older-than).
fn gate(args: &Args, stats: &Stats, now_ms: i64) -> Result<()> {
    if let Some(n) = args.fail_above.filter(|n| stats.total > *n) {
        return Err(CliError::new(
            Kind::Gate,
            format!("{} entries match, more than --fail-above {n}", stats.total),
        ));
    }
    let oldest = stats.sorted(None).iter().filter_map(|g| g.oldest_ms).min();
    if let (Some(limit), Some(at)) = (args.fail_older_than, oldest) {
        let waited = now_ms.saturating_sub(at);
        if waited > limit.as_millis() as i64 {
            return Err(CliError::new(
                Kind::Gate,
                format!(
                    "the oldest matching entry entered the DLQ at {}: longer ago than \
                     --fail-older-than {}",
                    crate::output::time::both(at, now_ms),
                    span(limit),
                ),
            ));
        }
    }
    Ok(())
}

/// A duration as the user would write it back: `6h`, `1d 12h`, `37m 19s`.
fn span(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s == 0 {
        return crate::output::time::duration(d);
    }
    let parts = [
        (s / 86_400, "d"),
        (s / 3600 % 24, "h"),
        (s / 60 % 60, "m"),
        (s % 60, "s"),
    ];
    let text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    text.join(" ")
}

/// `--fail-older-than` as a duration; zero is allowed (any entry at all trips it).
fn parse_age(text: &str) -> std::result::Result<std::time::Duration, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

/// `--watch`: read again every `every` until Ctrl-C. At a terminal the table is redrawn in
/// place under a line with the time and the change since the reading before; in a pipe each
/// reading is written after the last.
async fn watch(ctx: &Ctx, args: &Args, every: Duration, retention: Duration) -> Result<()> {
    let source = super::source(args.workflow);
    let api = ctx.api()?;
    let redraw = ctx.out.stdout_tty && ctx.out.format == Format::Table && !args.total;
    let mut screen = crate::output::watch::Screen::new(every);
    let mut before: Option<HashMap<Vec<Option<String>>, u64>> = None;
    loop {
        let now = super::watch::now_ms();
        let filter = args.filters.build(source, now)?;
        let reading = Reading {
            by: keys(args),
            keyer: None, // --by-jq conflicts with --watch
            retention,
        };
        let read = read(&api, source, &filter, reading, now, |_| {});
        let read = tokio::select! {
            r = read => r,
            _ = super::signals::first() => return Err(CliError::new(Kind::Interrupted, "stopped")),
        };
        match read {
            Ok(s) if redraw => {
                // The table alone: notes on stderr would be scrolled away by the next redraw.
                let view = View {
                    source,
                    top: args.top.map(|n| n as usize),
                    retention: &args.retention,
                    now_ms: now,
                    selector: None,
                };
                let mut body = Vec::new();
                draw::print(&mut body, &ctx.out, &s, &view)?;
                let counts: HashMap<_, _> = s
                    .sorted(None)
                    .iter()
                    .map(|g| (g.key.clone(), g.count))
                    .collect();
                let changes = before
                    .as_ref()
                    .map(|b| changes(b, &counts))
                    .unwrap_or_default();
                screen.fresh(now, s.total, s.group_count(), &changes, &body)?;
                before = Some(counts);
            }
            Ok(s) => show(ctx, args, &s, now, &mut ctx.out.stdout())?,
            Err(e) if super::watch::fatal(&e) => return Err(e.into()),
            Err(e) if redraw => screen.failed(now, &e.to_string())?,
            Err(e) => ctx.out.warn(&format!(
                "refresh failed: {e}; trying again in {}",
                crate::output::time::duration(every)
            )),
        }
        super::watch::pause(every).await?;
    }
}

/// The groups whose count changed between two readings, largest change first, each named by
/// its key values (`(none)` where an entry had no such field).
fn changes(
    before: &HashMap<Vec<Option<String>>, u64>,
    now: &HashMap<Vec<Option<String>>, u64>,
) -> Vec<(String, i64)> {
    let keys: std::collections::BTreeSet<_> = before.keys().chain(now.keys()).collect();
    let mut out: Vec<(String, i64)> = keys
        .into_iter()
        .filter_map(|k| {
            let d = *now.get(k).unwrap_or(&0) as i64 - *before.get(k).unwrap_or(&0) as i64;
            let name: Vec<&str> = k.iter().map(|v| v.as_deref().unwrap_or("(none)")).collect();
            (d != 0).then(|| (name.join(" "), d))
        })
        .collect();
    out.sort_by(|a, b| b.1.abs().cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    out
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

/// Reads every entry matching `filter` once and groups it as `reading` says.
pub async fn gather(
    ctx: &Ctx,
    source: Source,
    filter: &crate::api::Filter,
    reading: Reading<'_>,
) -> Result<Stats> {
    let mut each = gather_each(ctx, source, filter, vec![reading]).await?;
    Ok(each.remove(0))
}

/// Reads every entry matching `filter` once and groups it each way of `readings`.
pub async fn gather_each(
    ctx: &Ctx,
    source: Source,
    filter: &crate::api::Filter,
    readings: Vec<Reading<'_>>,
) -> Result<Vec<Stats>> {
    let api = ctx.api()?;
    let spinner = Bar::spinner(&ctx.out, "reading:");
    let read = read_each(&api, source, filter, readings, ctx.now_ms, |n| {
        spinner.inc(n as u64)
    })
    .await;
    spinner.finish();
    Ok(read?)
}

/// Reads every entry matching `filter` once, one page at a time, and groups it as of `now_ms`;
/// `on_page` hears how many entries each page had.
pub async fn read(
    api: &crate::api::Client,
    source: Source,
    filter: &crate::api::Filter,
    reading: Reading<'_>,
    now_ms: i64,
    on_page: impl FnMut(usize),
) -> std::result::Result<Stats, crate::api::ApiError> {
    let mut each = read_each(api, source, filter, vec![reading], now_ms, on_page).await?;
    Ok(each.remove(0))
}

/// [`read`], grouping each way of `readings` in the one pass.
pub async fn read_each(
    api: &crate::api::Client,
    source: Source,
    filter: &crate::api::Filter,
    readings: Vec<Reading<'_>>,
    now_ms: i64,
    mut on_page: impl FnMut(usize),
) -> std::result::Result<Vec<Stats>, crate::api::ApiError> {
    let mut each: Vec<_> = readings
        .into_iter()
        .map(|r| {
            let ms = r.retention.as_millis() as i64;
            (Stats::new(r.by, ms, now_ms), r.keyer)
        })
        .collect();
    let mut pages = Pages::new(api, source, filter, None);
    while let Some(entries) = pages.next(Some(100)).await? {
        on_page(entries.len());
        for (stats, keyer) in &mut each {
            match keyer {
                None => entries.iter().for_each(|e| stats.add(e)),
                Some(k) => {
                    for (e, key) in k.keys(entries.clone()).await? {
                        stats.add_keyed(&e, key);
                    }
                }
            }
        }
    }
    Ok(each.into_iter().map(|(stats, _)| stats).collect())
}

/// A metric label takes each group's value as a time series of its own: signatures are
/// many, so `--by response` is served only under an explicit `--top` that bounds them.
pub fn check_metric_keys(by: &[GroupKey], top: Option<u64>) -> Result<()> {
    if by.contains(&GroupKey::Response) && top.is_none() {
        return Err(CliError::usage(
            "--by response makes a time series per failure signature: give --top N to bound them",
        )
        .hint("like --top 20: the largest 20 groups, the rest folded into one series"));
    }
    Ok(())
}

/// Keys that only one DLQ has are a usage error on the other, not a column of `(none)`.
pub fn check_keys(by: &[GroupKey], source: Source) -> Result<()> {
    if let Some(k) = by.iter().enumerate().find(|(i, k)| by[..*i].contains(k)) {
        return Err(
            CliError::usage(format!("--by {}: given twice", k.1.name())).hint("name each key once")
        );
    }
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
