//! `--watch`: read again every interval until Ctrl-C (exit 130; 143 at SIGTERM). The waiting and the errors
//! that end a watch, shared with `stats --watch` (in `stats`); and `list --watch`, which prints
//! entries as they land: each poll asks only for entries from a little before the newest one
//! seen, so memory and requests stay small however deep the DLQ.

use std::collections::HashMap;
use std::time::Duration;

use crate::api::{ApiError, Entry, Source};
use crate::bulk::pages::Pages;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::entries::EntryPrinter;
use crate::output::Format;

/// How far before the newest entry seen each `list --watch` poll looks again: an entry that
/// lands late with an earlier time is still caught, and its id tells it from those printed.
const SLACK_MS: i64 = 5 * 60 * 1000;

/// The time of this reading, not the command's start: a watch outlives its `Ctx::now_ms`.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Waits `every`, or ends the watch at a stop signal (exit 128 + its number).
pub async fn pause(every: Duration) -> Result<()> {
    tokio::select! {
        _ = tokio::time::sleep(every) => Ok(()),
        _ = super::signals::first() => Err(CliError::new(Kind::Interrupted, "stopped")),
    }
}

/// A refused token or a bad request ends the watch; anything else is tried again next time.
pub fn fatal(e: &ApiError) -> bool {
    matches!(e.status(), Some(400 | 401 | 403 | 404)) || matches!(e, ApiError::Invalid(_))
}

/// What `list --watch` needs of `list`'s arguments.
pub struct ListWatch<'a> {
    pub source: Source,
    pub filters: &'a crate::args::filter::ReadFilters,
    pub every: Duration,
    pub limit: Option<u64>,
}

/// Prints entries as they land, oldest first, until Ctrl-C (or `--limit` new entries).
pub async fn list(ctx: &Ctx, w: ListWatch<'_>) -> Result<()> {
    if ctx.out.format == Format::Json {
        return Err(
            CliError::usage("--watch streams: -o json is one document that never ends")
                .hint("use -o ndjson (one entry a line) or -o ids"),
        );
    }
    let api = ctx.api()?;
    let mut printer = EntryPrinter::new(ctx.out.stdout(), &ctx.out, w.source, ctx.now_ms);
    // Ids seen recently, with their DLQ time: what is already there is not new.
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut newest: Option<i64> = None;
    let mut first = true;
    let mut printed = 0u64;
    loop {
        let now = now_ms();
        let mut filter = w.filters.build(w.source, now)?;
        if let Some(n) = newest {
            let since = n - SLACK_MS;
            filter.from_ms = Some(filter.from_ms.map_or(since, |f| f.max(since)));
        }
        let mut fresh: Vec<Entry> = Vec::new();
        let read = async {
            let mut pages = Pages::new(&api, w.source, &filter, None);
            while let Some(page) = pages.next(Some(100)).await? {
                for e in page {
                    if !seen.contains_key(&e.dlq_id) {
                        fresh.push(e);
                    }
                }
            }
            Ok::<_, ApiError>(())
        };
        let read = tokio::select! {
            r = read => r,
            _ = super::signals::first() => return Err(CliError::new(Kind::Interrupted, "stopped")),
        };
        match read {
            Err(e) if fatal(&e) => return Err(e.into()),
            Err(e) => ctx.out.warn(&format!("poll failed: {e}; trying again")),
            Ok(()) => {
                fresh.sort_by_key(|e| (e.dlq_time_ms(), e.dlq_id.clone()));
                for e in &fresh {
                    let t = e.dlq_time_ms().unwrap_or(i64::MAX);
                    newest = Some(newest.map_or(t, |n| n.max(t)).min(now));
                    seen.insert(e.dlq_id.clone(), t);
                }
                if first {
                    ctx.out.info(&format!(
                        "{} entr{} match already; watching for new ones every {} (Ctrl-C to stop)",
                        fresh.len(),
                        if fresh.len() == 1 { "y" } else { "ies" },
                        crate::output::time::duration(w.every)
                    ));
                } else {
                    let room = w.limit.map_or(fresh.len() as u64, |l| l - printed);
                    fresh.truncate(room.min(fresh.len() as u64) as usize);
                    // Ages as of this reading, not of when the watch began.
                    printer.at(now_ms());
                    printer.page(&fresh)?;
                    printed += fresh.len() as u64;
                    if w.limit.is_some_and(|l| printed >= l) {
                        printer.finish(None)?;
                        return Ok(());
                    }
                }
                first = false;
                if let Some(n) = newest {
                    seen.retain(|_, t| *t >= n - SLACK_MS);
                }
            }
        }
        pause(w.every).await?;
    }
}
