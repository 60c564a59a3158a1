//! `--continue JOB`: the rest of an interrupted, stopped or crashed run, on the job's own
//! target with the job's own plan and settings.
//!
//! Nothing on the command line may change what the job does or where: ids, filters, overrides
//! and a different server or token are refused. A flag may change how it runs (`--rps`,
//! `--concurrency`, `--report`). Ids that were in flight when the run stopped are checked on
//! the server first, so each entry is acted on once.

use crate::bulk::lanes::Lanes;
use std::collections::HashSet;
use std::time::Duration;

use super::execute::{Canary, Run, Steps};
use super::report::Report;
use super::{server, Request};
use crate::api::Overrides;
use crate::bulk::journal::{Journal, OpenError, Part, PlanRecord, RunSettings, State};
use crate::bulk::outcome::Status;
use crate::bulk::plan::Plan;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::text::{safe, truncate};

pub async fn run(ctx: &Ctx, job: &str, req: &Request<'_>) -> Result<()> {
    let verb = req.action.verb;
    let s = req.select;
    if !s.ids.is_empty()
        || s.ids_from.is_some()
        || s.all
        || s.limit.is_some()
        || !req.filter.is_empty()
    {
        return Err(CliError::usage(
            "--continue takes the job's own plan: drop ids, filters, --all and --limit",
        ));
    }
    if req.backup.is_some() {
        return Err(CliError::usage(
            "the backup was written by the run that started the job: drop --backup",
        ));
    }
    if req.bulk.dry_run || req.bulk.max.is_some() || req.bulk.server_side {
        return Err(CliError::usage(
            "--continue runs the job as it was planned: drop --dry-run, --max and --server-side",
        )
        .hint(format!("`dlq jobs show {}` shows what is left", safe(job))));
    }
    let shown = truncate(&safe(job), 80).into_owned();
    let (plan, state, journal) = Journal::open(&ctx.state_dir, job).map_err(|e| match e {
        OpenError::Missing => CliError::usage(format!(
            "no job {shown:?} in {}",
            crate::bulk::journal::jobs_dir(&ctx.state_dir).display()
        ))
        .hint("`dlq jobs` lists the jobs of this machine (DLQ_STATE_DIR)"),
        OpenError::Running => CliError::usage(format!(
            "job {shown} is running in another process; wait for it or stop it first"
        )),
        OpenError::Io(e) => CliError::failure(format!("cannot read job {shown}: {e}")),
    })?;
    if plan.action.verb != verb {
        return Err(CliError::usage(format!(
            "job {job} is a {0} run: continue it with `dlq {0} --continue {job}`",
            plan.action.verb.name()
        )));
    }
    if req.action.overrides != Overrides::default() && req.action.overrides != plan.action.overrides
    {
        return Err(CliError::usage(format!(
            "job {job} keeps the overrides it started with: drop --retries, --delay and the like"
        )));
    }
    let mut parts: Vec<Part> = state
        .parts(&plan)
        .map(|p| Part {
            source: p.source,
            ids: p
                .ids
                .iter()
                .filter(|id| !state.finished(id))
                .cloned()
                .collect(),
        })
        .filter(|p| !p.ids.is_empty())
        .collect();
    let unlisted = plan.pipeline.is_some() && !state.listed;
    if plan.server_side.is_none() && !unlisted && parts.is_empty() {
        ctx.out.info_wrapped(&format!(
            "job {job} has nothing left to do: all {} entries have an outcome",
            state.parts(&plan).map(|p| p.ids.len()).sum::<usize>()
        ));
        return Ok(());
    }
    if let Some(result) = state.canary.filter(|r| !r.passed) {
        if !req.verify.is_some_and(|v| v.past_canary) {
            return Err(CliError::new(
                Kind::Partial,
                format!(
                    "job {job} stopped after its canary: {} of {} delivered",
                    result.tally.delivered,
                    result.tally.total()
                ),
            )
            .hint(format!(
                "to go on anyway: dlq {} --continue {job} --past-canary",
                verb.name()
            )));
        }
    }
    let bound = ctx.rebind(job, &plan.target).await?;
    let target = &bound.target;
    let api = ctx.client(target)?;
    let settings = RunSettings {
        rps: req.bulk.rps.or(plan.settings.rps),
        concurrency: req.bulk.concurrency.unwrap_or(plan.settings.concurrency),
        verify_secs: plan.settings.verify_secs,
    };
    let report = match &req.bulk.report {
        Some(path) => {
            let mut r = Report::open(path, true)?;
            r.header(job, verb.name(), target, true)?;
            Some(r)
        }
        None => None,
    };
    let mut journal = journal;
    if let (Some(m), true) = (&plan.pipeline, unlisted) {
        // The run stopped before it listed every page: list the rest of the frozen filter.
        let known: HashSet<String> = state
            .parts(&plan)
            .flat_map(|p| p.ids.iter().cloned())
            .collect();
        let more = relist(&api, &plan, m, &settings, &known, &mut journal).await?;
        if !more.is_empty() {
            parts.push(Part {
                source: plan.action.source,
                ids: more,
            });
        }
    }
    let left = Plan {
        parts,
        ..Plan::default()
    };
    if let Some(ss) = &plan.server_side {
        ctx.out.info_wrapped(&format!(
            "continuing server-side job {job} on {}: {} done so far",
            target.describe(),
            state.progress.done
        ));
        return server::run(
            ctx,
            &api,
            target,
            &plan,
            ss,
            state.progress,
            journal,
            settings,
        )
        .await;
    }
    let planned_total: usize = state.parts(&plan).map(|p| p.ids.len()).sum::<usize>()
        + if unlisted { left.len() } else { 0 };
    let checking = left.ids().filter(|id| state.unknown.contains(*id)).count();
    ctx.out.info_wrapped(&format!(
        "continuing job {job} on {}: {} of {} entries left{}",
        target.describe(),
        left.len(),
        planned_total.max(left.len()),
        if checking > 0 {
            format!(" ({checking} of them in flight when it stopped: checked first)")
        } else {
            String::new()
        }
    ));
    let verify = req
        .verify
        .and_then(|v| v.verify)
        .or(settings.verify_secs.map(Duration::from_secs));
    let canary = canary_step(&plan, &state);
    let run = Run {
        ctx,
        api: &api,
        target,
        record: &plan,
        journal,
        report,
        settings,
    };
    let steps = Steps {
        canary,
        verify,
        note: None,
    };
    run.go(&left, &state.unknown, steps).await
}

/// The canary still to do: the canary ids without an outcome, and those done before, to
/// verify together. None when the job has no canary or its canary already passed.
fn canary_step(plan: &PlanRecord, state: &State) -> Option<Canary> {
    let c = plan.canary.as_ref()?;
    if state.canary.is_some() {
        return None;
    }
    Some(Canary {
        ids: c
            .ids
            .iter()
            .filter(|id| !state.finished(id))
            .cloned()
            .collect(),
        threshold_pct: c.threshold_pct,
        earlier: c
            .ids
            .iter()
            .filter_map(|id| state.outcomes.get(id))
            .filter(|o| o.outcome == Status::Done)
            .cloned()
            .collect(),
    })
}

/// Lists the frozen filter of a pipelined job again for the ids it had not listed yet (at most
/// what its `--limit` leaves), and journals them before anything acts on them.
async fn relist(
    api: &crate::api::Client,
    plan: &PlanRecord,
    m: &crate::bulk::journal::ServerSidePlan,
    settings: &RunSettings,
    known: &HashSet<String>,
    journal: &mut Journal,
) -> Result<Vec<String>> {
    let room = m
        .limit
        .map(|l| l.saturating_sub(known.len() as u64) as usize);
    let enough = crate::bulk::cancel::Cancel::new();
    let mut more: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut on_page = |page: &[crate::api::Entry]| -> std::io::Result<()> {
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
    let pacer = crate::bulk::exec::Pacer::new(settings.rps);
    // The first matches of a limited job are the first in the server's order: one cursor.
    let lanes = match room {
        Some(_) => Lanes::ONE,
        None => Lanes::within(settings.concurrency, &pacer),
    };
    if room != Some(0) {
        crate::bulk::plan::build(
            api,
            plan.action.source,
            &m.filter,
            None,
            false,
            lanes,
            &enough,
            &mut on_page,
        )
        .await
        .map_err(|e| match e {
            crate::bulk::plan::PlanError::Api(e) => CliError::from(e),
            crate::bulk::plan::PlanError::Io(e) => CliError::failure(e.to_string()),
        })?;
    }
    let io = |e: std::io::Error| CliError::failure(format!("cannot write the job journal: {e}"));
    if !more.is_empty() {
        journal
            .planned(&Part {
                source: plan.action.source,
                ids: more.clone(),
            })
            .map_err(io)?;
    }
    journal.listed().map_err(io)?;
    Ok(more)
}
