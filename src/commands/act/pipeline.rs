//! Pipelined runs: when nothing needs confirming (`--yes`), each listed page is acted on while
//! the next is listed, instead of listing every page first.
//!
//! Exactly once holds as in a planned run: the filter is frozen at the start (`toDate`, so
//! entries that fail later are never part of it), and every page's ids are journaled and
//! synced before any of them is sent. `--continue` finishes the listing from the frozen filter
//! if it was cut short. Runs that show a plan first (a prompt, `--max`, `--dry-run`,
//! `--backup`, `--canary`) are never pipelined: their plan must be whole before anything
//! happens. Nor are `--verify` runs, which follow what a whole plan did.

use std::collections::HashSet;

use super::run::{add, Ended, Run};
use super::Request;
use crate::api::{Client, Entry, Filter};
use crate::bulk::exec::Halt;
use crate::bulk::idlist::IdList;
use crate::bulk::journal::{Event, Matching, Part};
use crate::bulk::lanes::Lanes;
use crate::bulk::outcome::{Newer, Summary};
use crate::bulk::plan::{self, PlanError};
use crate::bulk::seen::Hashes;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::plan_view::{plan_text, warn_held};

/// Whether this run may act while it lists.
pub fn applies(ctx: &Ctx, req: &Request<'_>) -> bool {
    ctx.out.assume_yes
        && req.bulk.max.is_none()
        && !req.bulk.dry_run
        // A backup, rebuilt messages, a canary or `--verify` need the whole plan first.
        && req.parts.pipelines()
}

/// The filters frozen at the start, by the server's clock: one page is asked for first, and
/// if its `Date` is ahead of this machine's clock, the freeze follows the server, so a clock
/// behind the server's does not leave out its newest entries. (Its `Date` says the second;
/// the freeze takes the whole of it.)
pub async fn freeze(api: &Client, req: &Request<'_>) -> Result<Filter> {
    // A probe, not the selection: what --where/--grep keep of it is not counted as kept.
    let probe = Filter {
        content: req.filter.content.apart(),
        ..req.filter.clone()
    };
    api.list(req.action.source, &probe, Some(1), None).await?;
    let now = jiff::Timestamp::now().as_millisecond();
    let start = match api.server_clock_ms() {
        Some(server) if server > now + 1_000 => server + 999,
        _ => now,
    };
    Ok(frozen(&req.filter, start))
}

/// The filter frozen at `start_ms`: what the run may act on, whenever it is continued.
fn frozen(filter: &Filter, start_ms: i64) -> Filter {
    Filter {
        to_ms: Some(filter.to_ms.map_or(start_ms, |t| t.min(start_ms))),
        ..filter.clone()
    }
}

/// How a pipelined run went.
pub enum Piped {
    Ended(Box<Ended>),
    /// Nothing was listed (the job is not kept), and what was dated after its start.
    Nothing(Option<Newer>),
}

/// Lists and acts at once. `newer`: the matches dated after the freeze, counted once the run
/// went to its end.
pub async fn run(run: &mut Run<'_>, matching: &Matching, newer: Option<Filter>) -> Piped {
    let ctx = run.ctx;
    ctx.out.info_wrapped(&format!(
        "job {}: {} on {}, acting on each page as it is listed; an interrupt stops it after \
         the requests in flight",
        run.job.id(),
        run.job.verb().name(),
        run.described(),
    ));
    run.begin(Some(u64::MAX));
    let mut total = Summary::default();
    let (listing, halt, listed, created) = act_as_listed(run, matching, &mut total).await;
    total.listing_cut = listed.is_none();
    let whole = listed.is_some() && listing.is_none() && halt.is_none();
    if let (true, false, Some(f)) = (whole, run.job.cancel.is_cancelled(), &newer) {
        total.newer = count_newer(run, f, &created, matching).await;
    }
    if whole && listed.as_ref().is_some_and(|p| p.is_empty()) {
        return Piped::Nothing(total.newer);
    }
    let halt = halt.or(listing.map(|e| match e {
        PlanError::Api(e) => Halt::Failed(e),
        PlanError::Io(e) => Halt::Journal(e),
    }));
    run.end(&mut total, halt.is_some());
    if let Some(plan) = &listed {
        // The breakdown a planned run shows first, shown after.
        if !ctx.out.quiet && !plan.is_empty() {
            eprint!(
                "{}",
                plan_text(
                    &run.job.record.action,
                    plan,
                    &run.described(),
                    ctx.out.stderr_wrap()
                )
            );
        }
    }
    Piped::Ended(Box::new(Ended {
        total,
        halt,
        stop: None,
        note: None,
    }))
}

/// What the job left dated after its start, recorded in its report; `None` (said) when it
/// could not be counted, which changes nothing the job did.
async fn count_newer(
    run: &Run<'_>,
    filter: &Filter,
    created: &Hashes,
    matching: &Matching,
) -> Option<Newer> {
    let source = run.job.record.action.source;
    let after = matching.filter.to_ms?;
    let paced = (&run.job.pacer, &run.job.cancel);
    match super::newer::count(&run.api, paced, source, filter, created, after).await {
        Ok(n) if n.count == 0 => None,
        Ok(n) => {
            if let Some(r) = run.report.lock().unwrap().as_mut() {
                if let Err(e) = r.newer(run.job.id(), &n) {
                    run.ctx.out.warn(&e.message);
                }
            }
            Some(n)
        }
        Err(e) => {
            run.ctx.out.warn(&format!(
                "cannot count the entries dated after the job's start: {e}"
            ));
            None
        }
    }
}

/// What [`act_as_listed`] found: why the listing stopped early (if it did), why acting did,
/// the plan as listed, and the ids of the messages and runs the job created.
type Listed = (Option<PlanError>, Option<Halt>, Option<plan::Plan>, Hashes);

/// Lists the frozen filter page by page; each page is journaled, then handed to the engine,
/// which acts on it while the next is listed.
async fn act_as_listed(run: &Run<'_>, matching: &Matching, total: &mut Summary) -> Listed {
    let action = &run.job.record.action;
    let source = action.source;
    let bar = run.bar(0);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut held = Vec::new();
    let sending = run.sending();
    let noting = run.noting();
    let engine = run.engine(action, &bar, &sending, &noting);
    let lister = async {
        let mut on_page = |page: &[Entry]| -> std::io::Result<()> {
            // A repeat of an entry a server paged twice never gets here: `plan::build` shows
            // each entry to `on_page` once, without a set of every id in memory.
            let ids: Vec<String> = page.iter().map(|e| e.dlq_id.clone()).collect();
            if ids.is_empty() {
                return Ok(());
            }
            // Claimed and journaled before any of them is sent; what other jobs keep is theirs.
            let mut part = Part {
                source,
                ids: ids.into(),
            };
            held.extend(run.job.claim_more(&mut part)?);
            if part.ids.is_empty() {
                return Ok(());
            }
            // What the verb's parts need of the entries listed (a callback's runs).
            if !run.engaged.is_empty() {
                let listed: Vec<&Entry> = page
                    .iter()
                    .filter(|e| part.ids.contains(&e.dlq_id))
                    .collect();
                run.engaged.listed(&engine, &listed);
            }
            bar.grow(part.ids.len() as u64);
            let _ = tx.send(part.ids.to_vec());
            Ok(())
        };
        let built = plan::build(
            &run.api,
            source,
            &matching.filter,
            matching.limit,
            false,
            Lanes::within(run.job.settings.concurrency, &run.job.pacer),
            &run.job.cancel,
            &Default::default(),
            &mut on_page,
        )
        .await;
        if let Ok(Some(_)) = &built {
            bar.listed();
            run.job
                .write(&[Event::Listed(true)])
                .map_err(PlanError::Io)?;
        }
        // The engine ends once every listed page is done.
        drop(tx);
        built
    };
    let mut created = Hashes::default();
    let mut record = |outcomes: &[crate::bulk::outcome::Outcome]| {
        run.record(outcomes)?;
        super::newer::note_created(outcomes, &mut created)
    };
    let nothing_in_flight = HashSet::new();
    let acting = engine.run_batches(rx, &nothing_in_flight, &mut record);
    let (built, (summary, halt)) = tokio::join!(lister, acting);
    bar.finish();
    add(total, &summary);
    warn_held(&run.ctx.out, &held, &run.ctx.places);
    match built {
        Ok(plan) => (None, halt, plan, created),
        Err(e) => {
            // What was listed is journaled and acted on; the rest waits for --continue.
            run.job.cancel.cancel();
            (Some(e), halt, None, created)
        }
    }
}

/// Lists the frozen filter of a pipelined job again for the ids it had not listed yet (at most
/// what its `--limit` leaves), and journals them before anything acts on them.
pub async fn relist(
    run: &Run<'_>,
    m: &Matching,
    known: &HashSet<String>,
) -> std::result::Result<IdList, PlanError> {
    let room = m
        .limit
        .map(|l| l.saturating_sub(known.len() as u64) as usize);
    let enough = crate::bulk::cancel::Cancel::new();
    let mut more: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut on_page = |page: &[Entry]| -> std::io::Result<()> {
        for e in page {
            if room.is_some_and(|r| more.len() >= r) {
                enough.cancel();
                break;
            }
            if !known.contains(&e.dlq_id) && seen.insert(e.dlq_id.clone()) {
                more.push(e.dlq_id.clone());
            }
        }
        Ok(())
    };
    // The first matches of a limited job are the first in the server's order: one cursor.
    let lanes = match room {
        Some(_) => Lanes::ONE,
        None => Lanes::within(run.job.settings.concurrency, &run.job.pacer),
    };
    if room != Some(0) {
        let source = run.job.record.action.source;
        plan::build(
            &run.api,
            source,
            &m.filter,
            None,
            false,
            lanes,
            &enough,
            &Default::default(),
            &mut on_page,
        )
        .await?;
    }
    let mut part = Part {
        source: run.job.record.action.source,
        ids: more.into(),
    };
    let held = run.job.claim_more(&mut part).map_err(PlanError::Io)?;
    warn_held(&run.ctx.out, &held, &run.ctx.places);
    run.job
        .write(&[Event::Listed(true)])
        .map_err(PlanError::Io)?;
    Ok(part.ids)
}
