//! `dlq list`: entries of the QStash DLQ, or failed workflow runs with `--workflow`.

use crate::args::filter::ReadFilters;
use crate::args::values::parse_positive;
use crate::bulk::pages::Pages;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::entries::EntryPrinter;
use crate::text::safe;

const PAGE: u64 = 100;

/// List DLQ entries (QStash messages, or failed workflow runs with --workflow).
///
/// Entries come oldest first (when they entered the DLQ), the order the server's cursor runs
/// in; the first page is shown unless --all follows the cursor to the last page (streamed),
/// or --limit N stops after N entries.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq list                                   the first page, as a table
  dlq list --status 5xx --from 2h            server errors of the last two hours
  dlq list --url https://api.example/hook --all -o ndjson | jq -r .dlqId
  dlq list --workflow --callback-state CALLBACK_FAIL
  dlq list --label billing --limit 500 -o ids > ids.txt   (then: dlq retry --ids-from ids.txt)
  dlq list --watch -o ndjson | jq -c .          new entries as they land, one a line")]
pub struct Args {
    /// List failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Follow every cursor to the end (streamed: memory stays flat)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// Stop after N entries
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub limit: Option<u64>,

    /// Start at this cursor (from a previous page)
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,

    /// Print entries as they land, polling every INTERVAL (default 10s), until Ctrl-C (or
    /// --limit new entries); those already there are counted, not printed
    #[arg(
        long,
        value_name = "INTERVAL",
        num_args = 0..=1,
        default_missing_value = "10s",
        conflicts_with_all = ["all", "cursor"],
        value_parser = crate::args::values::parse_interval
    )]
    pub watch: Option<std::time::Duration>,

    #[command(flatten)]
    pub filters: ReadFilters,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let source = super::source(args.workflow);
    let filter = args.filters.build(source, ctx.now_ms)?;
    if let Some(every) = args.watch {
        let watch = super::watch::ListWatch {
            source,
            filters: &args.filters,
            every,
            limit: args.limit,
        };
        return super::watch::list(ctx, watch).await;
    }
    let printed = print(ctx, &args, source, &filter).await;
    super::kept::say(ctx, &filter.content);
    super::kept::conclude(ctx, &filter.content, printed)
}

/// Prints the page(s) asked for, and on stderr whether more exist.
async fn print(
    ctx: &Ctx,
    args: &Args,
    source: crate::api::Source,
    filter: &crate::api::Filter,
) -> Result<()> {
    let api = ctx.api()?;
    let mut pages = Pages::new(&api, source, filter, args.cursor.clone());
    let mut printer = EntryPrinter::new(ctx.out.stdout(), &ctx.out, source, ctx.now_ms);

    // Without --all or --limit, one page: what `gh` and `kubectl` do by default.
    let one_page = !args.all && args.limit.is_none();
    let limit = if args.all {
        None
    } else {
        Some(args.limit.unwrap_or(PAGE))
    };
    let mut printed = 0u64;
    loop {
        let want = limit.map(|l| (l - printed).min(PAGE));
        if want == Some(0) {
            break;
        }
        let Some(mut entries) = pages.next(want.map(|w| w as u32)).await? else {
            break;
        };
        if let Some(w) = want {
            entries.truncate(w as usize); // a server may send more than asked
        }
        printed += entries.len() as u64;
        printer.page(&entries)?;
        if one_page || pages.cursor().is_none() {
            break;
        }
    }
    let next = pages.cursor().map(str::to_string);
    printer.finish(next.as_deref())?;

    // On stderr whether or not stdout is a terminal: a pipe must not stop at the first page
    // without a word (-q silences it).
    if printed == 0 && next.is_none() {
        ctx.out.info("no entries match");
    } else if let Some(c) = &next {
        ctx.out.info_wrapped(&format!(
            "{printed} shown; more exist: add --all (or --limit N), or continue with --cursor {}",
            safe(c)
        ));
    }
    Ok(())
}
