//! A new job: what was chosen is planned (or, pipelined and server-side, frozen as filters),
//! confirmed, and recorded before anything is sent. A report that cannot be written, a plan
//! declined or a journal that cannot be created stop it with nothing changed: what was made
//! for it is taken back by one guard (`starting`).

use std::collections::HashSet;

use super::choice::{self, Chosen};
use super::gather::{self, Planned};
use super::parts::Staged;
use super::planned::{Canary, Steps};
use super::report::Report;
use super::run::Run;
use super::starting::Starting;
use super::{account, pipeline, server, How, Request, Work};
use crate::bulk::job::{self, Job};
use crate::bulk::journal::{
    claims, CanaryPlan, JobRecord, Matching, Mode, RunSettings, ServerProgress,
};
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan_view::{describe_counts, plan_text, print_plan, title, warn_held};
use crate::output::prompt;
use crate::target::Target;

/// Above this many entries, a delete asks to type the count instead of y/N.
const TYPE_THE_COUNT: usize = 1000;

/// Selects, plans and confirms; `None` when there is nothing to do (said already).
pub async fn prepare<'a>(ctx: &'a Ctx, req: &Request<'_>) -> Result<Option<Work<'a>>> {
    // An empty list on stdin or in a file is a drain with nothing to drain: not an error.
    let listed = req.select.ids.iter().any(|i| i == "-") || req.select.ids_from.is_some();
    let chosen = choice::select(req, &ctx.aim())?;
    if let (true, Chosen::Ids(ids)) = (listed, &chosen) {
        if ids.is_empty() {
            ctx.out.info(&format!(
                "{}: the id list is empty; nothing to do",
                req.action.verb.name()
            ));
            return Ok(None);
        }
    }
    let target = ctx.target()?;
    let api = ctx.client(&target)?;
    let id = job::new_id(req.action.verb);
    if req.bulk.server_side {
        let Chosen::Matching { limit } = chosen else {
            unreachable!("select refuses ids with --server-side")
        };
        server::confirm(ctx, req, &target, limit)?;
        let matching = Matching {
            filter: req.filter.clone(),
            limit,
        };
        let mode = Mode::ServerSide(matching.clone());
        let how = How::ServerSide {
            matching,
            from: ServerProgress::default(),
        };
        // No ids: the service picks the entries, so there is nothing to claim.
        let record = record(req, id, &target, "server-side filter".into(), None, mode);
        return unplanned(ctx, req, Starting::new(None), record, api, target, how);
    }
    // Opened first: a report that cannot be written must stop the run before anything changes.
    let report = match req.bulk.report.as_deref().filter(|_| !req.bulk.dry_run) {
        Some(path) => Some(Report::create(path, &id, req.action.verb.name(), &target)?),
        None => None,
    };
    let starting = Starting::new(report);
    if let (Chosen::Matching { limit }, true) = (&chosen, pipeline::applies(ctx, req)) {
        let filter = pipeline::freeze(&api, req).await?;
        let newer = super::newer::newer_than(&req.filter, &filter, *limit).map(Box::new);
        let matching = Matching {
            filter,
            limit: *limit,
        };
        let selection = match limit {
            Some(n) => format!("the first {n} matches of the filters, listed as acted on"),
            None => "every match of the filters, listed as acted on".into(),
        };
        let mode = Mode::Pipelined(matching.clone());
        let how = How::Pipelined { matching, newer };
        // Each page is claimed as it is listed (`pipeline`).
        let record = record(req, id, &target, selection, None, mode);
        return unplanned(ctx, req, starting, record, api, target, how);
    }
    planned(ctx, req, chosen, id, api, target, starting).await
}

/// A job with no plan to show (pipelined, server-side): recorded, and ready to run.
fn unplanned<'a, 'r>(
    ctx: &'a Ctx,
    req: &'r Request<'_>,
    mut starting: Starting<'r>,
    record: JobRecord,
    api: crate::api::Client,
    target: Target,
    how: How,
) -> Result<Option<Work<'a>>> {
    starting.stage(req.parts.stage(false)?);
    let (job, _) = Job::create(&ctx.state_dir, record).map_err(journal_err)?;
    starting.journal(job);
    let started = starting.commit().map_err(journal_err)?;
    let run = Run::new(
        ctx,
        api,
        target,
        started.job,
        started.report,
        started.engaged,
    );
    Ok(Some(Work { run, how }))
}

/// A planned job: the plan made, shown, confirmed and recorded. Until it is recorded, the
/// guard (`starting`) takes back what was made for it.
async fn planned<'a, 'r>(
    ctx: &'a Ctx,
    req: &'r Request<'_>,
    chosen: Chosen,
    id: String,
    api: crate::api::Client,
    target: Target,
    mut starting: Starting<'r>,
) -> Result<Option<Work<'a>>> {
    let verb = req.action.verb;
    req.parts.check(&api).await?;
    starting.stage(req.parts.stage(req.bulk.dry_run)?);
    let planned = gather::make(
        ctx,
        &api,
        req,
        chosen,
        &target.record(),
        starting.staged_mut(),
    )
    .await?;
    let described = target.describe();
    let plan = &planned.plan;
    crate::commands::kept::say(ctx, &req.filter.content);
    warn_held(&ctx.out, &plan.held, &ctx.places);
    if plan.is_empty() && !plan.held.is_empty() {
        ctx.out.info_wrapped(&format!(
            "{}: every entry selected is held by another job; nothing to do",
            verb.name()
        ));
        return Ok(None);
    }
    if plan.is_empty() {
        if req.bulk.dry_run && !plan.missing.is_empty() {
            // The run would fail here: so does its rehearsal, with the same words.
            return Err(account::none_found(ctx, verb, plan, &described)
                .hint("dry run: nothing was changed"));
        }
        if plan.missing.is_empty() {
            ctx.out.info_wrapped(&format!(
                "{}: nothing matches on {described}; nothing to do",
                verb.name()
            ));
            return Ok(None);
        }
        // Every id was looked up and none is there: the account, and no job.
        let said = account::nothing_found(ctx, verb, plan, &described, starting.report_mut());
        starting.keep();
        return said.map(|_| None);
    }
    over_max(req, plan.len())?;
    if req.bulk.dry_run {
        dry_run(ctx, req, &planned, starting.staged(), &described)?;
        let refused = starting.staged().refused();
        return account::dry_run_verdict(verb, plan, refused, &described).map(|_| None);
    }
    confirm(ctx, req, &planned, starting.staged(), &described)?;
    begin(ctx, req, planned, id, api, target, starting)
}

/// A dry run's plan: on stderr, or, when the verb's parts show changes, the changes on stdout
/// and the plan beside them.
fn dry_run(
    ctx: &Ctx,
    req: &Request<'_>,
    planned: &Planned,
    staged: &Staged<'_>,
    described: &str,
) -> Result<()> {
    let max = ctx.out.stderr_wrap();
    let Some(preview) = staged.preview(max) else {
        return Ok(print_plan(&ctx.out, &req.action, &planned.plan, described)?);
    };
    // The changes are the point: every entry's on stdout, the plan beside them.
    if !ctx.out.quiet {
        eprint!("{}", plan_text(&req.action, &planned.plan, described, max));
        eprint!("{preview}");
        eprintln!("dry run: nothing was changed");
    }
    staged.print_changes(&mut ctx.out.stdout())?;
    Ok(())
}

/// A confirmed plan becomes a job: recorded (its entries claimed), what its parts freeze
/// with it written, its steps set. Entries another job claimed meanwhile are left to it.
fn begin<'a, 'r>(
    ctx: &'a Ctx,
    req: &'r Request<'_>,
    mut planned: Planned,
    id: String,
    api: crate::api::Client,
    target: Target,
    mut starting: Starting<'r>,
) -> Result<Option<Work<'a>>> {
    let verb = req.action.verb;
    let plan = &planned.plan;
    let follow = req.parts.follow();
    let verify = follow.and_then(|v| v.verify);
    let canary = follow.and_then(|v| {
        let size = v.canary?;
        Some(CanaryPlan {
            ids: plan.canary(size.of(plan.len())),
            threshold_pct: v.canary_threshold.unwrap_or(100.0),
        })
    });
    // The ids go to the record and come back as it claimed them: held once, not twice.
    let mode = Mode::Planned {
        parts: std::mem::take(&mut planned.plan.parts),
        canary: canary.clone(),
    };
    let verify_secs = verify.map(|d| d.as_secs().max(1));
    let selection = planned.selection.clone();
    let record = record(req, id, &target, selection, verify_secs, mode);
    let (mut job, refused) = Job::create(&ctx.state_dir, record).map_err(journal_err)?;
    planned.plan.parts = job.record.take_parts();
    // The canary the job recorded: without what another job claimed meanwhile.
    let canary = job.record.canary().cloned().map(|c| Canary {
        ids: c.ids,
        threshold_pct: c.threshold_pct,
        earlier: Vec::new(),
    });
    starting.journal(job);
    if !refused.is_empty() {
        // Another job claimed some of them while the plan was shown: they are its.
        warn_held(&ctx.out, &refused, &ctx.places);
        // Out of the parts already (the record's claim): out of the canary's samples here.
        planned.plan.held.extend(refused.iter().cloned());
        let held: claims::Held = refused.into_iter().collect();
        planned.plan.leave(&held).map_err(super::ids_err)?;
        starting.staged_mut().leave(&held);
        if planned.plan.is_empty() {
            ctx.out.info_wrapped(&format!(
                "{}: every entry planned was claimed by another job meanwhile; nothing to do",
                verb.name()
            ));
            return Ok(None);
        }
    }
    // The messages are frozen with the job: `--continue` sends these and nothing else.
    let started = starting.commit().map_err(journal_err)?;
    let steps = Steps {
        canary,
        verify,
        note: started.note,
    };
    let run = Run::new(
        ctx,
        api,
        target,
        started.job,
        started.report,
        started.engaged,
    );
    let how = How::Planned {
        plan: planned.plan,
        unknown: HashSet::new(),
        steps,
    };
    Ok(Some(Work { run, how }))
}

/// The record of a new job: one place for what every mode records.
fn record(
    req: &Request<'_>,
    job: String,
    target: &Target,
    selection: String,
    verify_secs: Option<u64>,
    mode: Mode,
) -> JobRecord {
    JobRecord {
        job,
        action: req.action.clone(),
        created_ms: jiff::Timestamp::now().as_millisecond(),
        selection,
        target: target.record(),
        settings: RunSettings {
            rps: req.bulk.rps,
            concurrency: req.concurrency(),
            verify_secs,
        },
        mode,
    }
}

/// Refuses a plan larger than `--max N`. A filter plan was listed up to N + 1 entries only,
/// so its size past N is not known: "more than N" is all it says.
fn over_max(req: &Request, planned: usize) -> Result<()> {
    match req.bulk.max {
        Some(max) if planned as u64 > max => Err(CliError::new(
            Kind::NotConfirmed,
            format!("the selection holds more than --max {max} entries; nothing was changed"),
        )
        .hint("narrow the filters, or raise --max")),
        _ => Ok(()),
    }
}

/// Shows the plan and asks, as the verb and the plan require: filter plans always, ids only for
/// the verbs that ask for them. The largest runs of some verbs ask to type the count.
fn confirm(
    ctx: &Ctx,
    req: &Request,
    planned: &Planned,
    staged: &Staged<'_>,
    target: &str,
) -> Result<()> {
    let verb = req.action.verb;
    let plan = &planned.plan;
    if !ctx.out.quiet {
        let max = ctx.out.stderr_wrap();
        if let Some(preview) = staged.preview(max) {
            eprint!("{}", plan_text(&req.action, plan, target, max));
            eprint!("{preview}");
        } else if planned.explicit {
            ctx.out.info_wrapped(&format!(
                "{}: {} on {target}",
                verb.name(),
                describe_counts(verb, &plan.counts())
            ));
        } else {
            eprint!("{}", plan_text(&req.action, plan, target, max));
        }
    }
    if planned.explicit && !verb.asks_for_ids() {
        return Ok(());
    }
    let kept = staged.kept().unwrap_or_default();
    // Asked about what will be acted on: a part may act on fewer than planned.
    let counts = match staged.asked() {
        Some(n) => vec![(req.action.source, n)],
        None => plan.counts(),
    };
    let question = format!(
        "{} {} on {target}{kept}?",
        title(verb),
        describe_counts(verb, &counts)
    );
    let whole = req.select.all && req.filter.is_empty();
    if verb.asks_for_the_count() && (plan.len() > TYPE_THE_COUNT || whole) {
        prompt::confirm_count(&ctx.out, &question, plan.len())
    } else {
        prompt::confirm(&ctx.out, &question)
    }
}

pub fn journal_err(e: std::io::Error) -> CliError {
    CliError::failure(format!(
        "cannot write the job journal: {e}; nothing was changed"
    ))
    .hint("check the state directory (DLQ_STATE_DIR) is writable")
}
