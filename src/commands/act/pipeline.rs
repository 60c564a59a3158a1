//! Pipelined runs: when nothing needs confirming (`--yes`), each listed page is acted on while
//! the next is listed, instead of listing every page first.
//!
//! Exactly once holds as in a planned run: the filter is frozen at the start (`toDate` is the
//! run's start, so entries that fail later are never part of it), and every page's ids are
//! journaled and synced before any of them is sent. `--continue` finishes the listing from
//! the frozen filter if it was cut short. Runs that show a plan first (a prompt, `--max`,
//! `--dry-run`, `--backup`, `--canary`) are never pipelined: their plan must be whole before
//! anything happens. Nor are `--verify` runs, which follow what a whole plan did.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Instant;

use super::execute::conclude;
use super::phase::{in_journal, Phase};
use super::report::Report;
use super::Request;
use crate::api::{Client, Filter};
use crate::bulk::action::Action;
use crate::bulk::cancel::Cancel;
use crate::bulk::exec::{Halt, Pacer};
use crate::bulk::journal::{new_job_id, Journal, Part, PlanRecord, RunSettings, ServerSidePlan};
use crate::bulk::lanes::Lanes;
use crate::bulk::outcome::Summary;
use crate::bulk::plan::{self, PlanError};
use crate::commands::signals;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::plan_view::plan_text;
use crate::output::progress::Bar;
use crate::output::results::ResultPrinter;
use crate::target::Target;

/// Whether this run may act while it lists.
pub fn applies(ctx: &Ctx, req: &Request<'_>) -> bool {
    ctx.out.assume_yes
        && req.bulk.max.is_none()
        && !req.bulk.dry_run
        && req.backup.is_none()
        && req
            .verify
            .is_none_or(|v| v.canary.is_none() && v.verify.is_none())
}

/// The filter frozen at `start_ms`: what the run may act on, whenever it is continued.
pub fn frozen(filter: &Filter, start_ms: i64) -> Filter {
    Filter {
        to_ms: Some(filter.to_ms.map_or(start_ms, |t| t.min(start_ms))),
        ..filter.clone()
    }
}

/// Lists and acts at once.
pub async fn run(
    ctx: &Ctx,
    api: &Client,
    target: &Target,
    req: &Request<'_>,
    limit: Option<u64>,
    report: Option<Report>,
    settings: RunSettings,
) -> Result<()> {
    let start = jiff::Timestamp::now().as_millisecond();
    let matching = ServerSidePlan {
        filter: frozen(&req.filter, start),
        limit,
    };
    let record = PlanRecord {
        job: new_job_id(&req.action),
        action: req.action.clone(),
        created_ms: start,
        selection: match limit {
            Some(n) => format!("the first {n} matches of the filters, listed as acted on"),
            None => "every match of the filters, listed as acted on".into(),
        },
        target: target.record(),
        settings,
        parts: Vec::new(),
        server_side: None,
        canary: None,
        pipeline: Some(matching.clone()),
    };
    let journal = Journal::create(&ctx.state_dir, &record).map_err(super::journal_err)?;
    let verb = req.action.verb;
    let job = &record.job;
    let described = target.describe();
    ctx.out.info_wrapped(&format!(
        "job {job}: {} on {described}, acting on each page as it is listed; an interrupt stops \
         it after the requests in flight",
        verb.name()
    ));
    let started = Instant::now();
    let phase = Phase {
        ctx,
        api,
        record: &record,
        settings: &record.settings,
        cancel: Cancel::new(),
        pacer: Pacer::new(record.settings.rps),
        journal: Mutex::new(journal),
        report: Mutex::new(report),
        printer: Mutex::new(Some(ResultPrinter::new(
            ctx.out.stdout(),
            &ctx.out,
            u64::MAX,
        ))),
        inputs: &Default::default(),
    };
    let continue_line = format!("continue with: dlq {} --continue {job}", verb.name());
    let watcher = signals::watch(phase.cancel.clone(), ctx.out.clone(), continue_line);
    let mut total = Summary::default();
    let (listing, halt, listed) = act_as_listed(&phase, &matching, &mut total).await;
    watcher.abort();
    total.listing_cut = listed.is_none();
    if listed.as_ref().is_some_and(|p| p.is_empty()) && listing.is_none() && halt.is_none() {
        // Nothing matched: no job to keep.
        let dir = phase.journal.lock().unwrap().dir.clone();
        if let Some(r) = phase.report.into_inner().unwrap() {
            r.discard();
        }
        drop(phase.journal);
        let _ = std::fs::remove_dir_all(dir);
        ctx.out.info(&format!(
            "{}: nothing matches on {described}; nothing to do",
            verb.name()
        ));
        return Ok(());
    }
    phase.end(&mut total, started, job);
    if let Some(plan) = &listed {
        // The breakdown a planned run shows first, shown after.
        if !ctx.out.quiet && !plan.is_empty() {
            eprint!(
                "{}",
                plan_text(&record.action, plan, &described, ctx.out.stderr_wrap())
            );
        }
    }
    let halt = halt.or(listing.map(|e| match e {
        PlanError::Api(e) => Halt::Failed(e),
        PlanError::Io(e) => Halt::Journal(e),
    }));
    conclude(ctx, verb, &total, job, &described, halt)
}

/// Lists the frozen filter page by page; each page is journaled, then handed to the engine,
/// which acts on it while the next is listed. Returns why the listing stopped early (if it
/// did), why acting did, and the plan as listed.
async fn act_as_listed(
    phase: &Phase<'_>,
    matching: &ServerSidePlan,
    total: &mut Summary,
) -> (Option<PlanError>, Option<Halt>, Option<plan::Plan>) {
    let action: &Action = &phase.record.action;
    let source = action.source;
    let size = action.verb.chunk_size(source) as f64;
    let bar = Bar::new(
        &phase.ctx.out,
        action.verb.name(),
        0,
        phase.settings.rps.map(|r| r * size),
    );
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let dir = phase.journal.lock().unwrap().dir.clone();
    let mut sent: HashSet<String> = HashSet::new();
    let lister = async {
        let mut on_page = |page: &[crate::api::Entry]| -> std::io::Result<()> {
            // A server that pages inconsistently could repeat an entry: each is acted on once.
            let ids: Vec<String> = page
                .iter()
                .map(|e| e.dlq_id.clone())
                .filter(|id| sent.insert(id.clone()))
                .collect();
            if ids.is_empty() {
                return Ok(());
            }
            let part = Part { source, ids };
            phase
                .journal
                .lock()
                .unwrap()
                .planned(&part)
                .map_err(|e| in_journal(&dir, e))?;
            bar.grow(part.ids.len() as u64);
            let _ = tx.send(part.ids);
            Ok(())
        };
        let built = plan::build(
            phase.api,
            source,
            &matching.filter,
            matching.limit,
            false,
            Lanes::within(phase.settings.concurrency, &phase.pacer),
            &phase.cancel,
            &mut on_page,
        )
        .await;
        if let Ok(Some(_)) = &built {
            if let Err(e) = phase.journal.lock().unwrap().listed() {
                return Err(PlanError::Io(in_journal(&dir, e)));
            }
        }
        // The engine ends once every listed page is done.
        drop(tx);
        built
    };
    let sending = phase.sending();
    let engine = phase.engine(action, &bar, &sending);
    let mut record = |outcomes: &[crate::bulk::outcome::Outcome]| phase.record(outcomes);
    let nothing_in_flight = HashSet::new();
    let acting = engine.run_batches(rx, &nothing_in_flight, &mut record);
    let (built, (summary, halt)) = tokio::join!(lister, acting);
    bar.finish();
    super::phase::add(total, &summary);
    match built {
        Ok(plan) => (None, halt, plan),
        Err(e) => {
            // What was listed is journaled and acted on; the rest waits for --continue.
            phase.cancel.cancel();
            (Some(e), halt, None)
        }
    }
}
