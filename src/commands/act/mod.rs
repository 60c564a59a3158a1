//! The one driver behind retry, delete, resume, restart and callback, in phases: select, plan,
//! confirm, execute, account. The verb files only describe their flags and build a
//! [`Request`].
//!
//! Every mutation knows its target before it acts: the plan header, the prompt, the report's
//! first line and the summary name it, and the job records it so `--continue` acts there and
//! nowhere else.

mod continuation;
mod execute;
mod phase;
mod pipeline;
mod plan;
mod report;
mod server;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::api::{Filter, Source};
use crate::args::follow::VerifyArgs;
use crate::args::select::{BulkArgs, SelectArgs, DEFAULT_CONCURRENCY};
use crate::bulk::action::{Action, Verb};
use crate::bulk::journal::{new_job_id, CanaryPlan, Journal, PlanRecord, RunSettings};
use crate::bulk::resolve;
use crate::bulk::select::{dedupe, read_ids};
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan_view::{describe_counts, plan_text, print_plan, title};
use crate::output::prompt;
use report::Report;

/// Above this many entries, a delete asks to type the count instead of y/N.
const TYPE_THE_COUNT: usize = 1000;

/// What a verb asks the driver to do.
pub struct Request<'a> {
    pub action: Action,
    pub select: &'a SelectArgs,
    /// The filters, built for `action.source`.
    pub filter: Filter,
    pub bulk: &'a BulkArgs,
    /// `delete --backup FILE`: every planned entry is written there, and synced, first.
    pub backup: Option<&'a Path>,
    /// The DLQs explicit ids are looked up in: the verb's, or both for `delete` without
    /// `--workflow`.
    pub sources: Vec<Source>,
    /// `--verify` and `--canary`, for the verbs that create messages or runs.
    pub verify: Option<&'a VerifyArgs>,
}

/// What the user selected, checked.
enum Selection {
    Ids(Vec<String>),
    Matching { limit: Option<u64> },
}

pub async fn run(ctx: &Ctx, req: Request<'_>) -> Result<()> {
    if let Some(job) = &req.bulk.continue_job {
        return continuation::run(ctx, job, &req).await;
    }
    // An empty list on stdin or in a file is a drain with nothing to drain: not an error.
    let listed = req.select.ids.iter().any(|i| i == "-") || req.select.ids_from.is_some();
    let selection = select(&req)?;
    if let (true, Selection::Ids(ids)) = (listed, &selection) {
        if ids.is_empty() {
            ctx.out.info(&format!(
                "{}: the id list is empty; nothing to do",
                req.action.verb.name()
            ));
            return Ok(());
        }
    }
    if req.bulk.server_side {
        let Selection::Matching { limit } = selection else {
            unreachable!("select refuses ids with --server-side")
        };
        return server::start(ctx, &req, limit).await;
    }
    let target = ctx.target()?;
    let api = ctx.client(&target)?;
    let job = new_job_id(&req.action);
    let verb = req.action.verb;
    // Opened first: a report that cannot be written must stop the run before anything changes.
    let mut report = match req.bulk.report.as_deref().filter(|_| !req.bulk.dry_run) {
        Some(path) => {
            let mut r = Report::open(path, false)?;
            if let Err(e) = r.header(&job, verb.name(), &target, false) {
                r.discard();
                return Err(e);
            }
            Some(r)
        }
        None => None,
    };
    // Until the journal exists, a refusal takes the report (and the backup) back.
    let take_back = |report: Option<Report>, planned: Option<&plan::Planned>| {
        if let Some(r) = report {
            r.discard();
        }
        if let Some(p) = planned {
            p.take_back();
        }
    };
    if let (Selection::Matching { limit }, true) = (&selection, pipeline::applies(ctx, &req)) {
        let settings = RunSettings {
            rps: req.bulk.rps,
            concurrency: req.bulk.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
            verify_secs: None,
        };
        return pipeline::run(ctx, &api, &target, &req, *limit, report, settings).await;
    }
    let planned = match plan::make(ctx, &api, &req, selection).await {
        Ok(p) => p,
        Err(e) => {
            take_back(report, None);
            return Err(e);
        }
    };
    let described = target.describe();
    let plan = &planned.plan;
    if plan.is_empty() {
        if plan.missing.is_empty() || req.bulk.dry_run {
            take_back(report, Some(&planned));
            ctx.out.info_wrapped(&format!(
                "{}: nothing matches on {described}; nothing to do",
                verb.name()
            ));
            return Ok(());
        }
        // Every id was looked up and none is there: the account, and no job.
        return execute::nothing_found(ctx, verb, plan, &described, report.as_mut());
    }
    if req.bulk.dry_run {
        print_plan(&ctx.out, &req.action, plan, &described)?;
        return Ok(());
    }
    if let Err(e) = confirm(ctx, &req, &planned, &described) {
        take_back(report, Some(&planned));
        return Err(e);
    }
    let verify = req.verify.and_then(|v| v.verify);
    let canary = req.verify.and_then(|v| {
        let size = v.canary?;
        Some(CanaryPlan {
            ids: plan.canary(size.of(plan.len())),
            threshold_pct: v.canary_threshold.unwrap_or(100.0),
        })
    });
    let record = PlanRecord {
        job: job.clone(),
        action: req.action.clone(),
        created_ms: jiff::Timestamp::now().as_millisecond(),
        selection: planned.selection.clone(),
        target: target.record(),
        settings: RunSettings {
            rps: req.bulk.rps,
            concurrency: req.bulk.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
            verify_secs: verify.map(|d| d.as_secs().max(1)),
        },
        parts: plan.parts.clone(),
        server_side: None,
        canary: canary.clone(),
        pipeline: None,
    };
    let journal = match Journal::create(&ctx.state_dir, &record) {
        Ok(j) => j,
        Err(e) => {
            take_back(report, Some(&planned));
            return Err(journal_err(e));
        }
    };
    let run = execute::Run {
        ctx,
        api: &api,
        target: &target,
        record: &record,
        journal,
        report,
        settings: record.settings.clone(),
    };
    let steps = execute::Steps {
        canary: canary.map(|c| execute::Canary {
            ids: c.ids,
            threshold_pct: c.threshold_pct,
            earlier: Vec::new(),
        }),
        verify,
        note: planned.backup_note.as_deref(),
    };
    run.go(plan, &Default::default(), steps).await
}

/// Checks what the user selected: ids, or filters with `--all`/`--limit`, never both, never
/// neither; and ids that cannot be ids are refused before any request.
fn select(req: &Request) -> Result<Selection> {
    let verb = req.action.verb;
    let s = req.select;
    let ids = explicit_ids(s)?;
    resolve::check(&ids, &req.sources).map_err(|m| {
        CliError::usage(m).hint(format!(
            "see `dlq {} --help` for what it takes",
            verb.name()
        ))
    })?;
    let selecting = s.all || s.limit.is_some();
    if !ids.is_empty() && (selecting || !req.filter.is_empty()) {
        return Err(CliError::usage(
            "give ids or a selection (filters with --all or --limit), not both",
        ));
    }
    let listed = s.ids.iter().any(|i| i == "-") || s.ids_from.is_some();
    if listed && ids.is_empty() && !selecting && req.filter.is_empty() {
        return Ok(Selection::Ids(ids));
    }
    if ids.is_empty() && !selecting {
        return Err(if req.filter.is_empty() {
            CliError::usage("nothing selected").hint(format!(
                "give ids (or - to read them from stdin), or filters with --all: `dlq {} --label x --all`",
                verb.name()
            ))
        } else {
            CliError::usage("filters select nothing on their own")
                .hint("add --all to act on every match, or --limit N for the first N matches")
        });
    }
    if let Some(v) = req.verify {
        if v.past_canary {
            return Err(CliError::usage(
                "--past-canary goes on with a job whose canary did not pass: give it with --continue JOB",
            ));
        }
        if req.bulk.server_side && (v.verify.is_some() || v.canary.is_some()) {
            return Err(CliError::usage(
                "--server-side has no per-entry account to verify: drop --verify/--canary, or drop --server-side",
            ));
        }
    }
    if req.bulk.server_side {
        if !ids.is_empty() || verb == Verb::Callback {
            return Err(CliError::usage("--server-side drives the API's own filter bulk call: it takes filters with --all or --limit, not ids or callback"));
        }
        if req.bulk.report.is_some() || req.bulk.dry_run || req.backup.is_some() {
            return Err(CliError::usage("--server-side has no plan and no per-entry account: drop --report/--dry-run/--backup, or drop --server-side"));
        }
    }
    Ok(if ids.is_empty() {
        Selection::Matching {
            limit: if s.all { None } else { s.limit },
        }
    } else {
        Selection::Ids(ids)
    })
}

/// Shows the plan and asks, as the verb and the plan require: filter plans always, ids only for
/// delete. The largest deletes ask to type the count.
fn confirm(ctx: &Ctx, req: &Request, planned: &plan::Planned, target: &str) -> Result<()> {
    let verb = req.action.verb;
    let plan = &planned.plan;
    if !ctx.out.quiet {
        if planned.explicit {
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
    if let Some(max) = req.bulk.max {
        if plan.len() as u64 > max {
            return Err(CliError::new(
                Kind::NotConfirmed,
                format!(
                    "the plan holds {} entries, more than --max {max}; nothing was changed",
                    plan.len()
                ),
            ));
        }
    }
    let asks = verb == Verb::Delete || !planned.explicit;
    if !asks {
        return Ok(());
    }
    let kept = match (&planned.backup_note, verb) {
        (Some(n), _) => format!(" ({n})"),
        (None, Verb::Delete) => " (no backup: --backup FILE keeps a copy)".to_string(),
        _ => String::new(),
    };
    let question = format!(
        "{} {} on {target}{kept}?",
        title(verb),
        describe_counts(verb, &plan.counts())
    );
    let whole = req.select.all && req.filter.is_empty();
    if verb == Verb::Delete && (plan.len() > TYPE_THE_COUNT || whole) {
        prompt::confirm_count(&ctx.out, &question, plan.len())
    } else {
        prompt::confirm(&ctx.out, &question)
    }
}

fn explicit_ids(select: &SelectArgs) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for id in &select.ids {
        if id == "-" {
            read_ids(std::io::stdin().lock(), "standard input", &mut ids)
                .map_err(CliError::usage)?;
        } else {
            ids.push(id.clone());
        }
    }
    if let Some(path) = &select.ids_from {
        let f = File::open(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
        read_ids(BufReader::new(f), &path.display().to_string(), &mut ids)
            .map_err(CliError::usage)?;
    }
    dedupe(&mut ids);
    Ok(ids)
}

fn journal_err(e: std::io::Error) -> CliError {
    CliError::failure(format!(
        "cannot write the job journal: {e}; nothing was changed"
    ))
    .hint("check the state directory (DLQ_STATE_DIR) is writable")
}
