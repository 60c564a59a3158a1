//! What a pipelined job leaves: entries that match its filters but are dated after its start.
//!
//! A pipelined job acts on what is dated up to its start (its filter is frozen then, so
//! exactly once and `--continue` hold however long it runs); entries that arrived while it
//! ran, or that a server whose clock is ahead dates later, are not part of it. They are
//! counted once the run ends, so the account says how many were left and how to take them,
//! instead of leaving them without a word.

use crate::api::{Client, Entry, Filter, Source};
use crate::bulk::cancel::Cancel;
use crate::bulk::exec::Pacer;
use crate::bulk::outcome::{Newer, Outcome};
use crate::bulk::pages::Pages;
use crate::bulk::seen::Hashes;

/// Counting stops after this many pages: past it the account says "more than".
const PAGES: usize = 10;
/// The largest page the API serves.
const PAGE: u32 = 100;

/// The filter of the matches of `user`'s filters dated after the freeze of `frozen`. `None`
/// when none can be: the user's `--to` ends before the freeze, or `--limit` asked for the
/// first N matches (what matches beyond them is left by request).
pub fn newer_than(user: &Filter, frozen: &Filter, limit: Option<u64>) -> Option<Filter> {
    if limit.is_some() {
        return None;
    }
    let start = frozen.to_ms?;
    if user.to_ms.is_some_and(|t| t <= start) {
        return None;
    }
    let after = start.saturating_add(1);
    Some(Filter {
        from_ms: Some(user.from_ms.map_or(after, |f| f.max(after))),
        // Counted apart: these are not the job's selection.
        content: user.content.apart(),
        ..user.clone()
    })
}

/// Keeps the ids of the messages and runs a job's outcomes created: when they fail again they
/// land as new entries, dated after the start, that are the job's own doing, not left by it.
/// Kept by their hashes, on disk past a few (a job of a million entries creates a million).
pub fn note_created(outcomes: &[Outcome], into: &mut Hashes) -> std::io::Result<()> {
    for o in outcomes {
        for id in o.message_id.iter().chain(&o.workflow_run_id) {
            into.insert(id).map_err(|e| {
                let why = format!("cannot keep the ids the job created in a temporary file: {e}");
                std::io::Error::new(e.kind(), why)
            })?;
        }
    }
    Ok(())
}

/// Counts the entries of `filter` (dated after `after_ms`), leaving out those the job created.
/// Each page waits for the job's pacing (`--rps`, the server's limit), as every request of
/// the job does; a cancel stops the count where it is.
pub async fn count(
    api: &Client,
    (pacer, cancel): (&Pacer, &Cancel),
    source: Source,
    filter: &Filter,
    created: &Hashes,
    after_ms: i64,
) -> Result<Newer, String> {
    let own = |e: &Entry| -> Result<bool, String> {
        for id in [&e.message_id, &e.workflow_run_id].into_iter().flatten() {
            let known = created.contains(id);
            if known.map_err(|e| format!("cannot read the job's created ids back: {e}"))? {
                return Ok(true);
            }
        }
        Ok(false)
    };
    let mut pages = Pages::new(api, source, filter, None);
    let mut count = 0u64;
    for _ in 0..PAGES {
        if !pacer.wait(cancel).await {
            break;
        }
        let Some(page) = pages.next(Some(PAGE)).await.map_err(|e| e.to_string())? else {
            break;
        };
        for e in &page {
            count += u64::from(!own(e)?);
        }
        if pages.cursor().is_none() {
            break;
        }
    }
    Ok(Newer {
        count,
        more: pages.cursor().is_some(),
        after_ms,
    })
}
