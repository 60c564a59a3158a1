//! `--continue JOB`: the rest of an interrupted, stopped or crashed run, on the job's own
//! target with the job's own plan and settings.
//!
//! Nothing on the command line may change what the job does or where: ids, filters, overrides
//! and a different server or token are refused. A flag may change how it runs (`--rps`,
//! `--concurrency`, `--report`). Ids that were in flight when the run stopped are checked on
//! the server first, so each entry is acted on once.

use std::collections::HashSet;
use std::time::Duration;

use super::planned::{Canary, Steps};
use super::report::Report;
use super::run::Run;
use super::{How, Request, Work};
use crate::api::Overrides;
use crate::bulk::idlist::IdList;
use crate::bulk::job::Job;
use crate::bulk::journal::{Mode, OpenError, Part, RunSettings, State};
use crate::bulk::outcome::Status;
use crate::bulk::plan::{Plan, PlanError};
use crate::cmdline::{Aim, Places};
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::text::{safe, truncate};

/// Reopens the job and says what is left; `None` when nothing is.
pub async fn reopen<'a>(ctx: &'a Ctx, id: &str, req: &Request<'_>) -> Result<Option<Work<'a>>> {
    refuse_changes(id, req, &ctx.places)?;
    let (mut job, state) = open(ctx, id, req)?;
    let complete = state.complete(&job.record);
    let left: Vec<Part> = left_parts(&job, &state).map_err(super::ids_err)?;
    if job.record.mode.per_entry() && complete && left.is_empty() {
        ctx.out.info_wrapped(&format!(
            "job {id} has nothing left to do: all {} entries have an outcome",
            state.parts(&job.record).map(|p| p.ids.len()).sum::<usize>()
        ));
        return Ok(None);
    }
    if let Some(result) = state.canary.filter(|r| !r.passed) {
        if !req.parts.follow().is_some_and(|v| v.past_canary) {
            return Err(CliError::new(
                Kind::Partial,
                format!(
                    "job {id} stopped after its canary: {} of {} delivered",
                    result.tally.delivered,
                    result.tally.total()
                ),
            )
            .hint(format!(
                "to go on anyway: {}",
                job.continue_command(&ctx.places).arg("--past-canary")
            )));
        }
    }
    let again = job.continue_command(&ctx.places);
    let bound = ctx.rebind(id, &job.record.target, &again).await?;
    let target = bound.target.clone();
    let api = ctx.client(&target)?;
    job.set_settings(RunSettings {
        rps: req.bulk.rps.or(job.record.settings.rps),
        concurrency: req
            .bulk
            .concurrency
            .unwrap_or(job.record.settings.concurrency),
        verify_secs: job.record.settings.verify_secs,
    });
    let report = match &req.bulk.report {
        Some(path) => {
            let mut r = Report::resume(path, id, job.verb().name(), &target)?;
            r.fill_gaps(state.outcomes.values())?;
            Some(r)
        }
        None => None,
    };
    let mut mode = job.record.mode.clone();
    if let Mode::Pipelined(m) = &mut mode {
        // The journal keeps the rule's text: what is listed again is judged by it.
        let content = std::mem::take(&mut m.filter.content);
        m.filter.content = crate::bulk::content::compile(content)
            .map_err(|e| CliError::failure(format!("job {id}'s {e}")))?;
    }
    let engaged = req.parts.reopen(&job, &state)?;
    let run = Run::new(ctx, api, target, job, report, engaged).keep(bound);
    let how = match mode {
        Mode::ServerSide(matching) => {
            ctx.out.info_wrapped(&format!(
                "continuing server-side job {id} on {}: {} done so far",
                run.described(),
                state.progress.done
            ));
            How::ServerSide {
                matching,
                from: state.progress,
            }
        }
        Mode::Pipelined(m) if !complete => {
            // The run stopped before it listed every page: list the rest of the frozen filter.
            let known: HashSet<String> = state
                .parts(&run.job.record)
                .flat_map(|p| p.ids.iter())
                .collect();
            let more = super::pipeline::relist(&run, &m, &known)
                .await
                .map_err(|e| match e {
                    PlanError::Api(e) => CliError::from(e),
                    PlanError::Io(e) => CliError::failure(e.to_string()),
                })?;
            planned(ctx, &run, &state, left, more, req)
        }
        _ => planned(ctx, &run, &state, left, IdList::default(), req),
    };
    Ok(Some(Work { run, how }))
}

/// Ids, filters, a backup or other overrides would change what the job does: refused.
fn refuse_changes(job: &str, req: &Request<'_>, places: &Places) -> Result<()> {
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
    req.parts.refuse_continue()?;
    if req.bulk.dry_run || req.bulk.max.is_some() || req.bulk.server_side {
        return Err(CliError::usage(
            "--continue runs the job as it was planned: drop --dry-run, --max and --server-side",
        )
        .hint(format!(
            "`{}` shows what is left",
            Aim::local(places).dlq(["jobs", "show", job])
        )));
    }
    Ok(())
}

/// The job, locked, if it is this verb's and the overrides are its own.
fn open(ctx: &Ctx, job: &str, req: &Request<'_>) -> Result<(Job, State)> {
    let shown = truncate(&safe(job), 80).into_owned();
    let (opened, state) = Job::reopen(&ctx.state_dir, job).map_err(|e| match e {
        OpenError::Missing => CliError::usage(format!(
            "no job {shown:?} in {}",
            crate::bulk::journal::jobs_dir(&ctx.state_dir).display()
        ))
        .hint(format!(
            "`{}` lists the jobs of this machine (DLQ_STATE_DIR)",
            ctx.local_line(["jobs"])
        )),
        OpenError::Running => CliError::usage(format!(
            "job {shown} is running in another process; wait for it or stop it first"
        )),
        OpenError::Io(e) => CliError::failure(format!("cannot read job {shown}: {e}")),
    })?;
    let verb = opened.verb();
    if verb != req.action.verb {
        return Err(CliError::usage(format!(
            "job {job} is a {0} run: continue it with `{1}`",
            verb.name(),
            opened.continue_command(&ctx.places)
        )));
    }
    let overrides = &opened.record.action.overrides;
    if req.action.overrides != Overrides::default() && req.action.overrides != *overrides {
        return Err(CliError::usage(format!(
            "job {job} keeps the overrides it started with: drop --retries, --delay and the like"
        )));
    }
    Ok((opened, state))
}

/// The planned ids without a final outcome, part by part.
fn left_parts(job: &Job, state: &State) -> std::io::Result<Vec<Part>> {
    let mut parts = Vec::new();
    for p in state.parts(&job.record) {
        let ids = p.ids.filtered(|id| !state.finished(id))?;
        if !ids.is_empty() {
            parts.push(Part {
                source: p.source,
                ids,
            });
        }
    }
    Ok(parts)
}

/// The rest of a planned (or pipelined, now wholly listed) job: `more` are the ids listed
/// just now.
fn planned(
    ctx: &Ctx,
    run: &Run<'_>,
    state: &State,
    mut parts: Vec<Part>,
    more: IdList,
    req: &Request<'_>,
) -> How {
    let before: usize = state.parts(&run.job.record).map(|p| p.ids.len()).sum();
    let total = before + more.len();
    if !more.is_empty() {
        parts.push(Part {
            source: run.job.record.action.source,
            ids: more,
        });
    }
    let left = Plan {
        parts,
        ..Plan::default()
    };
    let checking = left.ids().filter(|id| state.unknown.contains(id)).count();
    ctx.out.info_wrapped(&format!(
        "continuing job {} on {}: {} of {total} entries left{}",
        run.job.id(),
        run.described(),
        left.len(),
        if checking > 0 {
            format!(" ({checking} of them in flight when it stopped: checked first)")
        } else {
            String::new()
        }
    ));
    let verify = req.parts.follow().and_then(|v| v.verify).or(run
        .job
        .settings
        .verify_secs
        .map(Duration::from_secs));
    How::Planned {
        plan: left,
        unknown: state.unknown.clone(),
        steps: Steps {
            canary: canary_step(&run.job, state),
            verify,
            note: None,
        },
    }
}

/// The canary still to do: the canary ids without an outcome, and those done before, to
/// verify together. None when the job has no canary or its canary was judged already.
fn canary_step(job: &Job, state: &State) -> Option<Canary> {
    let c = job.record.canary()?;
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
