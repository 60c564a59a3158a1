//! A new job: what was chosen is planned (or, pipelined and server-side, frozen as filters),
//! confirmed, and recorded before anything is sent. A report that cannot be written, a plan
//! declined or a journal that cannot be created stop it with nothing changed.

use std::collections::HashSet;

use super::choice::{self, Chosen};
use super::gather::{self, Planned};
use super::planned::{Canary, Steps};
use super::report::Report;
use super::run::Run;
use super::{account, pipeline, server, How, Request, Work};
use crate::args::select::DEFAULT_CONCURRENCY;
use crate::bulk::action::Verb;
use crate::bulk::job::{self, Job};
use crate::bulk::journal::{
    claims, CanaryPlan, JobRecord, Matching, Mode, RunSettings, ServerProgress,
};
use crate::bulk::republish::{self, Republishing};
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan_view::{describe_counts, plan_text, print_plan, title, warn_held};
use crate::output::prompt;
use crate::output::republish_view::{preview_text, print_changes};
use crate::target::Target;

/// Above this many entries, a delete asks to type the count instead of y/N.
const TYPE_THE_COUNT: usize = 1000;

/// Selects, plans and confirms; `None` when there is nothing to do (said already).
pub async fn prepare<'a>(ctx: &'a Ctx, req: &Request<'_>) -> Result<Option<Work<'a>>> {
    // An empty list on stdin or in a file is a drain with nothing to drain: not an error.
    let listed = req.select.ids.iter().any(|i| i == "-") || req.select.ids_from.is_some();
    let chosen = choice::select(req)?;
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
        let record = record(
            req,
            id,
            &target,
            "server-side filter".into(),
            None,
            Mode::ServerSide(matching.clone()),
        );
        // No ids: the service picks the entries, so there is nothing to claim.
        let (job, _) = Job::create(&ctx.state_dir, record).map_err(journal_err)?;
        let run = Run::new(ctx, api, target, job, None);
        let how = How::ServerSide {
            matching,
            from: ServerProgress::default(),
        };
        return Ok(Some(Work { run, how }));
    }
    // Opened first: a report that cannot be written must stop the run before anything changes.
    let report = match req.bulk.report.as_deref().filter(|_| !req.bulk.dry_run) {
        Some(path) => Some(Report::create(path, &id, req.action.verb.name(), &target)?),
        None => None,
    };
    if let (Chosen::Matching { limit }, true) = (&chosen, pipeline::applies(ctx, req)) {
        let filter = match pipeline::freeze(&api, req).await {
            Ok(f) => f,
            Err(e) => {
                Report::discard_opt(report);
                return Err(e);
            }
        };
        let newer = super::newer::newer_than(&req.filter, &filter, *limit).map(Box::new);
        let matching = Matching {
            filter,
            limit: *limit,
        };
        let selection = match limit {
            Some(n) => format!("the first {n} matches of the filters, listed as acted on"),
            None => "every match of the filters, listed as acted on".into(),
        };
        let record = record(
            req,
            id,
            &target,
            selection,
            None,
            Mode::Pipelined(matching.clone()),
        );
        // Each page is claimed as it is listed (`pipeline`).
        let job = match Job::create(&ctx.state_dir, record) {
            Ok((j, _)) => j,
            Err(e) => {
                Report::discard_opt(report);
                return Err(journal_err(e));
            }
        };
        let run = Run::new(ctx, api, target, job, report);
        return Ok(Some(Work {
            run,
            how: How::Pipelined { matching, newer },
        }));
    }
    planned(ctx, req, chosen, id, api, target, report).await
}

/// A planned job: the plan made, shown, confirmed and recorded.
async fn planned<'a>(
    ctx: &'a Ctx,
    req: &Request<'_>,
    chosen: Chosen,
    id: String,
    api: crate::api::Client,
    target: Target,
    mut report: Option<Report>,
) -> Result<Option<Work<'a>>> {
    let verb = req.action.verb;
    let planned = match gather::make(ctx, &api, req, chosen, &target.record()).await {
        Ok(p) => p,
        Err(e) => {
            take_back(report, None);
            return Err(e);
        }
    };
    let described = target.describe();
    let plan = &planned.plan;
    warn_held(&ctx.out, &plan.held, &ctx.places);
    if plan.is_empty() && !plan.held.is_empty() {
        take_back(report, Some(&planned));
        ctx.out.info_wrapped(&format!(
            "{}: every entry selected is held by another job; nothing to do",
            verb.name()
        ));
        return Ok(None);
    }
    if plan.is_empty() {
        if req.bulk.dry_run && !plan.missing.is_empty() {
            // The run would fail here: so does its rehearsal, with the same words.
            take_back(report, Some(&planned));
            return Err(account::none_found(ctx, verb, plan, &described)
                .hint("dry run: nothing was changed"));
        }
        if plan.missing.is_empty() {
            take_back(report, Some(&planned));
            ctx.out.info_wrapped(&format!(
                "{}: nothing matches on {described}; nothing to do",
                verb.name()
            ));
            return Ok(None);
        }
        // Every id was looked up and none is there: the account, and no job.
        return account::nothing_found(ctx, verb, plan, &described, report.as_mut()).map(|_| None);
    }
    if let Err(e) = over_max(req, plan.len()) {
        take_back(report, Some(&planned));
        return Err(e);
    }
    if req.bulk.dry_run {
        match &planned.rebuilt {
            // The changes are the point: every entry's on stdout, the plan beside them.
            Some(r) => {
                if !ctx.out.quiet {
                    let max = ctx.out.stderr_wrap();
                    eprint!("{}", plan_text(&req.action, plan, &described, max));
                    eprint!("{}", preview_text(r, max));
                    eprintln!("dry run: nothing was changed");
                }
                print_changes(&mut ctx.out.stdout(), r)?;
            }
            None => print_plan(&ctx.out, &req.action, plan, &described)?,
        }
        let refused = planned.rebuilt.as_ref().map_or(0, |r| r.refused.len());
        return account::dry_run_verdict(verb, plan, refused, &described).map(|_| None);
    }
    if let Err(e) = confirm(ctx, req, &planned, &described) {
        take_back(report, Some(&planned));
        return Err(e);
    }
    begin(ctx, req, planned, id, api, target, report)
}

/// Until the journal exists, a refusal takes the report (and the backup) back.
fn take_back(report: Option<Report>, planned: Option<&Planned>) {
    Report::discard_opt(report);
    if let Some(p) = planned {
        p.take_back();
    }
}

/// A confirmed plan becomes a job: recorded (its entries claimed), its messages frozen, its
/// steps set. Entries another job claimed meanwhile are left to it.
fn begin<'a>(
    ctx: &'a Ctx,
    req: &Request<'_>,
    mut planned: Planned,
    id: String,
    api: crate::api::Client,
    target: Target,
    report: Option<Report>,
) -> Result<Option<Work<'a>>> {
    let verb = req.action.verb;
    let plan = &planned.plan;
    let verify = req.verify.and_then(|v| v.verify);
    let canary = req.verify.and_then(|v| {
        let size = v.canary?;
        Some(CanaryPlan {
            ids: plan.canary(size.of(plan.len())),
            threshold_pct: v.canary_threshold.unwrap_or(100.0),
        })
    });
    let mode = Mode::Planned {
        parts: plan.parts.clone(),
        canary: canary.clone(),
    };
    let verify_secs = verify.map(|d| d.as_secs().max(1));
    let record = record(
        req,
        id,
        &target,
        planned.selection.clone(),
        verify_secs,
        mode,
    );
    let job = match Job::create(&ctx.state_dir, record) {
        Ok((job, refused)) if !refused.is_empty() => {
            // Another job claimed some of them while the plan was shown: they are its.
            warn_held(&ctx.out, &refused, &ctx.places);
            let held: claims::Held = refused.into_iter().collect();
            planned.plan.leave(&held);
            if let Some(r) = planned.rebuilt.as_mut() {
                r.lines.retain(|l| !held.contains_key(&l.dlq_id));
            }
            if planned.plan.is_empty() {
                job.discard();
                take_back(report, Some(&planned));
                ctx.out.info_wrapped(&format!(
                    "{}: every entry planned was claimed by another job meanwhile; nothing to do",
                    verb.name()
                ));
                return Ok(None);
            }
            job
        }
        Ok((job, _)) => job,
        Err(e) => {
            take_back(report, Some(&planned));
            return Err(journal_err(e));
        }
    };
    // The canary the job recorded: without what another job claimed meanwhile.
    let canary = job.record.canary().cloned();
    let steps = Steps {
        canary: canary.map(|c| Canary {
            ids: c.ids,
            threshold_pct: c.threshold_pct,
            earlier: Vec::new(),
        }),
        verify,
        note: planned.backup_note.clone(),
    };
    let mut run = Run::new(ctx, api, target, job, report);
    run.callback_runs = std::mem::take(&mut planned.runs);
    if let Some(r) = planned.rebuilt.take() {
        // The messages are frozen with the job: `--continue` sends these and nothing else.
        if let Err(e) = republish::write_lines(run.job.dir(), &r.lines) {
            let Run { job, report, .. } = run;
            job.discard();
            Report::discard_opt(report.into_inner().unwrap());
            planned.take_back();
            return Err(journal_err(e));
        }
        let batch = req.rebuild.and_then(|e| e.batch);
        run.republishing =
            Some(Republishing::new(r.lines, [], Default::default()).with_batch(batch));
    }
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
            concurrency: req.bulk.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
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
/// delete. The largest deletes ask to type the count.
fn confirm(ctx: &Ctx, req: &Request, planned: &Planned, target: &str) -> Result<()> {
    let verb = req.action.verb;
    let plan = &planned.plan;
    if !ctx.out.quiet {
        if let Some(r) = &planned.rebuilt {
            let max = ctx.out.stderr_wrap();
            eprint!("{}", plan_text(&req.action, plan, target, max));
            eprint!("{}", preview_text(r, max));
        } else if planned.explicit {
            ctx.out.info_wrapped(&format!(
                "{}: {} on {target}",
                verb.name(),
                describe_counts(verb, &plan.counts())
            ));
        } else {
            eprint!(
                "{}",
                plan_text(&req.action, plan, target, ctx.out.stderr_wrap())
            );
        }
    }
    // A republish changes where messages go: always asked, as a delete is.
    let asks = matches!(verb, Verb::Delete | Verb::Republish) || !planned.explicit;
    if !asks {
        return Ok(());
    }
    let kept = match (&planned.backup_note, verb, &planned.rebuilt) {
        (Some(n), _, _) => format!(" ({n})"),
        (None, _, Some(r)) if !r.refused.is_empty() => {
            format!(" ({} more refused, left in the DLQ)", r.refused.len())
        }
        (None, Verb::Delete, _) => " (no backup: --backup FILE keeps a copy)".to_string(),
        _ => String::new(),
    };
    // A republish asks about what it will send; the refused are said apart.
    let counts = match &planned.rebuilt {
        Some(r) => vec![(crate::api::Source::Qstash, r.ready())],
        None => plan.counts(),
    };
    let question = format!(
        "{} {} on {target}{kept}?",
        title(verb),
        describe_counts(verb, &counts)
    );
    let whole = req.select.all && req.filter.is_empty();
    if verb == Verb::Delete && (plan.len() > TYPE_THE_COUNT || whole) {
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
