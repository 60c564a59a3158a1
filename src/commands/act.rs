//! The one driver behind retry, delete, resume, restart and callback: select, plan, confirm,
//! execute, account. The verb files only describe their flags and build an [`Action`].

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::api::Source;
use crate::bulk::action::{Action, Verb};
use crate::bulk::exec::{self, Engine, Pacer};
use crate::bulk::journal::{new_job_id, Journal, PlanRecord};
use crate::bulk::outcome::Summary;
use crate::bulk::plan::{self, Plan, PlanError};
use crate::bulk::select::{dedupe, read_ids};
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::cli::Format;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::progress::Bar;
use crate::output::results::{summary_line, ResultPrinter};
use crate::output::text::safe;
use crate::output::{json_line, prompt};

pub async fn run(ctx: &Ctx, action: Action, select: &SelectArgs, bulk: &BulkArgs) -> Result<()> {
    let verb = action.verb;
    if let Some(job) = &bulk.continue_job {
        return continue_job(ctx, verb, job, select, bulk).await;
    }
    let filter = super::build_filter(
        &select.filter,
        &select.match_flow_control_key,
        action.source,
        ctx.now_ms,
    )?;
    let ids = explicit_ids(select)?;
    let selecting = select.all || select.limit.is_some();
    if !ids.is_empty() && (selecting || !filter.is_empty()) {
        return Err(CliError::usage(
            "give DLQ ids or a selection (filters with --all or --limit), not both",
        ));
    }
    if ids.is_empty() && !selecting {
        return Err(if filter.is_empty() {
            CliError::usage("nothing selected")
                .hint(format!("give DLQ ids (or - to read them from stdin), or filters with --all: `dlq {} --label x --all`", verb.name()))
        } else {
            CliError::usage("filters select nothing on their own")
                .hint("add --all to act on every match, or --limit N for the first N matches")
        });
    }
    if bulk.server_side {
        if !ids.is_empty() || verb == Verb::Callback {
            return Err(CliError::usage("--server-side drives the API's own filter bulk call: it takes filters with --all, not ids or callback"));
        }
        if bulk.report.is_some() || bulk.dry_run {
            return Err(CliError::usage("--server-side has no plan and no per-entry account: drop --report/--dry-run, or drop --server-side"));
        }
        let what = describe(verb, action.source, None);
        prompt::confirm(
            &ctx.out,
            &ctx.global,
            &format!("{} every {what} that matches, server-side?", title(verb)),
        )?;
        let record = PlanRecord {
            job: new_job_id(&action),
            action: action.clone(),
            created_ms: ctx.now_ms,
            selection: "server-side filter".into(),
            ids: vec![],
            server_side: Some(filter.clone()),
        };
        Journal::create(&ctx.state_dir, &record).map_err(journal_err)?;
        return server_side(ctx, &action, &filter, select.limit, &record.job).await;
    }

    let explicit = !ids.is_empty();
    let plan = if explicit {
        Plan {
            ids,
            ..Plan::default()
        }
    } else {
        let api = ctx.api()?;
        let spinner = Bar::spinner(&ctx.out, "planning:");
        let never = AtomicBool::new(false);
        let limit = if select.all { None } else { select.limit };
        let built = plan::build(&api, action.source, &filter, limit, &never, &mut |page| {
            spinner.inc(page.len() as u64);
            Ok(())
        })
        .await;
        spinner.finish();
        match built {
            Ok(p) => p.expect("planning is not cancelled"),
            Err(PlanError::Api(e)) => return Err(e.into()),
            Err(PlanError::Io(e)) => return Err(e.into()),
        }
    };
    let what = describe(verb, action.source, Some(plan.ids.len()));
    if plan.ids.is_empty() {
        ctx.out.info(&format!(
            "{verb}: nothing matches; nothing to do",
            verb = verb.name()
        ));
        return Ok(());
    }
    if bulk.dry_run {
        return print_plan(ctx, &action, &plan);
    }
    if !explicit && !ctx.out.quiet {
        eprint!("{}", plan_text(&action, &plan));
    }
    if let Some(max) = bulk.max {
        if plan.ids.len() as u64 > max {
            return Err(CliError::new(
                Kind::NotConfirmed,
                format!(
                    "the plan holds {} entries, more than --max {max}; nothing was changed",
                    plan.ids.len()
                ),
            ));
        }
    }
    if verb == Verb::Delete || !explicit {
        prompt::confirm(&ctx.out, &ctx.global, &format!("{} {what}?", title(verb)))?;
    }
    let record = PlanRecord {
        job: new_job_id(&action),
        action: action.clone(),
        created_ms: ctx.now_ms,
        selection: if explicit {
            "ids".into()
        } else {
            "filters".into()
        },
        ids: plan.ids,
        server_side: None,
    };
    let journal = Journal::create(&ctx.state_dir, &record).map_err(journal_err)?;
    execute(ctx, &action, &record.ids, &record.job, journal, bulk).await
}

async fn continue_job(
    ctx: &Ctx,
    verb: Verb,
    job: &str,
    select: &SelectArgs,
    bulk: &BulkArgs,
) -> Result<()> {
    if !select.ids.is_empty() || select.ids_from.is_some() || select.all || select.limit.is_some() {
        return Err(CliError::usage(
            "--continue takes the job's own plan: drop ids, --all and --limit",
        ));
    }
    let (plan, finished, journal) = Journal::open(&ctx.state_dir, job).map_err(|e| {
        CliError::usage(format!(
            "no job {:?} in {} ({e})",
            safe(job),
            ctx.state_dir.join("jobs").display()
        ))
    })?;
    if plan.action.verb != verb {
        return Err(CliError::usage(format!(
            "job {job} is a {0} run: continue it with `dlq {0} --continue {job}`",
            plan.action.verb.name()
        )));
    }
    if let Some(filter) = &plan.server_side {
        ctx.out.info(&format!("continuing server-side job {job}"));
        return server_side(ctx, &plan.action, filter, None, job).await;
    }
    let left: Vec<String> = plan
        .ids
        .iter()
        .filter(|id| !finished.contains(*id))
        .cloned()
        .collect();
    ctx.out.info(&format!(
        "continuing job {job}: {} of {} entries left",
        left.len(),
        plan.ids.len()
    ));
    execute(ctx, &plan.action, &left, job, journal, bulk).await
}

async fn execute(
    ctx: &Ctx,
    action: &Action,
    ids: &[String],
    job: &str,
    mut journal: Journal,
    bulk: &BulkArgs,
) -> Result<()> {
    let api = ctx.api()?;
    let verb = action.verb;
    let cancel = Arc::new(AtomicBool::new(false));
    let signal = watch_interrupt(cancel.clone());
    let bar = Bar::new(&ctx.out, verb.name(), ids.len() as u64);
    let mut engine = Engine::new(&api, action, &cancel, &bar);
    engine.concurrency = bulk.concurrency;
    engine.pacer = bulk.rps.map(Pacer::new);
    let mut report = match &bulk.report {
        Some(path) => Some(BufWriter::new(File::create(path).map_err(|e| {
            CliError::failure(format!("cannot write the report {}: {e}", path.display()))
        })?)),
        None => None,
    };
    let mut printer = Some(ResultPrinter::new(
        ctx.out.stdout(),
        &ctx.out,
        ids.len() as u64,
    ));
    let result = engine
        .run(ids, &mut |outcomes| {
            journal.record(outcomes)?;
            if let Some(r) = &mut report {
                for o in outcomes {
                    json_line(r, o)?;
                }
                r.flush()?;
            }
            // stdout is for whoever reads it; a closed pipe must not stop the run.
            if printer.as_mut().is_some_and(|p| p.add(outcomes).is_err()) {
                printer = None;
            }
            Ok(())
        })
        .await;
    signal.abort();
    bar.finish();
    let mut summary = result.map_err(|e| {
        CliError::failure(format!(
            "cannot record progress in {}: {e}",
            journal.dir.display()
        ))
    })?;
    summary.job = Some(job.to_string());
    if let Some(p) = printer {
        let _ = p.finish(&summary);
    }
    conclude(ctx, verb, &summary, job)
}

async fn server_side(
    ctx: &Ctx,
    action: &Action,
    filter: &crate::api::Filter,
    limit: Option<u64>,
    job: &str,
) -> Result<()> {
    let api = ctx.api()?;
    let cancel = Arc::new(AtomicBool::new(false));
    let signal = watch_interrupt(cancel.clone());
    let bar = Bar::spinner(&ctx.out, &format!("{} (server-side):", action.verb.name()));
    let result = exec::server_side(&api, action, filter, limit, &cancel, &bar).await;
    signal.abort();
    bar.finish();
    let mut summary = result?;
    summary.job = Some(job.to_string());
    if matches!(ctx.out.format, Format::Json | Format::Ndjson) {
        let mut w = ctx.out.stdout();
        json_line(&mut w, &summary)?;
        w.flush()?;
    }
    conclude(ctx, action.verb, &summary, job)
}

/// Prints the summary and turns it into the exit code.
fn conclude(ctx: &Ctx, verb: Verb, s: &Summary, job: &str) -> Result<()> {
    ctx.out.info(&summary_line(verb.name(), s));
    if s.interrupted {
        // The last line on stderr, even with -q: it is how the rest gets done.
        eprintln!("continue with: dlq {} --continue {job}", verb.name());
        return Err(CliError::new(Kind::Interrupted, "interrupted"));
    }
    let bad = s.failed + s.not_found;
    if bad == 0 {
        return Ok(());
    }
    let msg = format!("{bad} of {} entries were not {}", s.planned, past(verb));
    let err = if s.done == 0 {
        CliError::failure(msg)
    } else {
        CliError::new(Kind::Partial, msg)
    };
    Err(err.hint(format!(
        "the outcomes above (or --report FILE) say which; job {job} records them"
    )))
}

/// Ctrl-C sets `cancel`: chunks in flight finish, the rest wait for `--continue`.
/// A second Ctrl-C exits at once.
fn watch_interrupt(cancel: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.store(true, Ordering::SeqCst);
            eprintln!(
                "\ninterrupted: finishing the requests in flight (Ctrl-C again to quit at once)"
            );
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    })
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
    if (select.ids.iter().any(|i| i == "-") || select.ids_from.is_some()) && ids.is_empty() {
        return Err(CliError::usage("the id list is empty; nothing to do"));
    }
    dedupe(&mut ids);
    Ok(ids)
}

fn describe(verb: Verb, source: Source, n: Option<usize>) -> String {
    let kind = match (source, n) {
        (Source::Qstash, Some(1)) => "QStash message",
        (Source::Qstash, _) => "QStash messages",
        (Source::Workflow, Some(1)) if verb == Verb::Callback => "failure callback",
        (Source::Workflow, _) if verb == Verb::Callback => "failure callbacks",
        (Source::Workflow, Some(1)) => "failed workflow run",
        (Source::Workflow, _) => "failed workflow runs",
    };
    match n {
        Some(n) => format!("{n} {kind}"),
        None => kind.trim_end_matches('s').to_string(),
    }
}

fn title(verb: Verb) -> &'static str {
    match verb {
        Verb::Retry => "Retry",
        Verb::Delete => "Delete",
        Verb::Resume => "Resume",
        Verb::Restart => "Restart",
        Verb::Callback => "Re-run",
    }
}

fn past(verb: Verb) -> &'static str {
    match verb {
        Verb::Retry => "retried",
        Verb::Delete => "deleted",
        Verb::Resume => "resumed",
        Verb::Restart => "restarted",
        Verb::Callback => "called back",
    }
}

fn plan_text(action: &Action, plan: &Plan) -> String {
    let mut s = format!(
        "{}: {} match{}\n",
        action.verb.name(),
        describe(action.verb, action.source, Some(plan.ids.len())),
        if plan.limited {
            " (cut at --limit)"
        } else {
            ""
        }
    );
    let group = |name: &str, g: &[(String, u64)]| -> String {
        if g.is_empty() {
            return String::new();
        }
        let items: Vec<String> = g
            .iter()
            .map(|(k, n)| format!("{} ({n})", safe(k)))
            .collect();
        format!("  by {name:<8}{}\n", items.join(", "))
    };
    s.push_str(&group("url", &plan.breakdown.urls));
    s.push_str(&group("status", &plan.breakdown.statuses));
    s.push_str(&group("label", &plan.breakdown.labels));
    let sample: Vec<String> = plan
        .ids
        .iter()
        .take(3)
        .map(|i| safe(i).into_owned())
        .collect();
    s.push_str(&format!("  e.g.     {}\n", sample.join(", ")));
    s
}

fn print_plan(ctx: &Ctx, action: &Action, plan: &Plan) -> Result<()> {
    let mut w = ctx.out.stdout();
    match ctx.out.format {
        Format::Json => {
            let doc = serde_json::json!({
                "verb": action.verb, "source": action.source, "count": plan.ids.len(),
                "limited": plan.limited, "breakdown": plan.breakdown, "ids": plan.ids,
            });
            json_line(&mut w, &doc)?;
        }
        Format::Ndjson => {
            for id in &plan.ids {
                json_line(&mut w, &serde_json::json!({ "dlqId": id }))?;
            }
        }
        Format::Ids => {
            for id in &plan.ids {
                writeln!(w, "{}", safe(id))?;
            }
        }
        Format::Table => {
            write!(w, "{}", plan_text(action, plan))?;
            writeln!(w, "dry run: nothing was changed")?;
        }
    }
    w.flush()?;
    Ok(())
}

fn journal_err(e: std::io::Error) -> CliError {
    CliError::failure(format!(
        "cannot write the job journal: {e}; nothing was changed"
    ))
    .hint("check the state directory (DLQ_STATE_DIR) is writable")
}
