//! The one driver behind retry, delete, resume, restart and callback: select, plan, confirm,
//! execute, account. The verb files only describe their flags and build an [`Action`].

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::bulk::action::{Action, Verb};
use crate::bulk::archive::{self, EntryFile};
use crate::bulk::exec::{self, Engine, Pacer};
use crate::bulk::journal::{new_job_id, Journal, PlanRecord};
use crate::bulk::outcome::Summary;
use crate::bulk::plan::{self, Plan, PlanError};
use crate::bulk::select::{dedupe, read_ids};
use crate::cli::select::{BulkArgs, SelectArgs};
use crate::cli::Format;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::plan::{describe, past, plan_text, print_plan, title};
use crate::output::progress::Bar;
use crate::output::results::{summary_line, ResultPrinter};
use crate::output::text::safe;
use crate::output::{json_line, prompt};

/// Runs `action` on what `select` chooses. With `backup`, every planned entry is written to
/// that file, and synced, before anything is sent; if it cannot be, nothing is.
pub async fn run(
    ctx: &Ctx,
    action: Action,
    select: &SelectArgs,
    bulk: &BulkArgs,
    backup: Option<&Path>,
) -> Result<()> {
    let verb = action.verb;
    if let Some(job) = &bulk.continue_job {
        if backup.is_some() {
            return Err(CliError::usage(
                "the backup was written by the run that started the job: drop --backup",
            ));
        }
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
        if bulk.report.is_some() || bulk.dry_run || backup.is_some() {
            return Err(CliError::usage("--server-side has no plan and no per-entry account: drop --report/--dry-run/--backup, or drop --server-side"));
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
    // A dry run changes nothing, so it needs no backup.
    let mut backup_file = match backup.filter(|_| !bulk.dry_run) {
        Some(path) => Some(EntryFile::create_new(path).map_err(|e| backup_err(path, &e))?),
        None => None,
    };
    let planned = if explicit {
        Ok(Plan {
            ids,
            ..Plan::default()
        })
    } else {
        let spinner = Bar::spinner(&ctx.out, "planning:");
        let never = AtomicBool::new(false);
        let limit = if select.all { None } else { select.limit };
        let built = plan::build(
            &ctx.api()?,
            action.source,
            &filter,
            limit,
            &never,
            &mut |page| {
                spinner.inc(page.len() as u64);
                match &mut backup_file {
                    Some(f) => f.write(page, false),
                    None => Ok(()),
                }
            },
        )
        .await;
        spinner.finish();
        built.map(|p| p.expect("planning is not cancelled"))
    };
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            if let Some(f) = backup_file {
                f.abandon();
            }
            return Err(match e {
                PlanError::Api(e) => e.into(),
                PlanError::Io(e) => backup_err(backup.unwrap_or(Path::new("-")), &e),
            });
        }
    };
    let backup_note = match backup_file {
        Some(f) => Some(write_backup(ctx, &action, &plan, f, explicit).await?),
        None => None,
    };
    // From here until the journal exists, a refusal must also take the backup back.
    let take_back = || {
        if let (Some(path), Some(_)) = (backup, &backup_note) {
            let _ = std::fs::remove_file(path);
        }
    };
    let unwritten = |e: CliError| {
        take_back();
        e
    };
    let what = describe(verb, action.source, Some(plan.ids.len()));
    if plan.ids.is_empty() {
        take_back();
        ctx.out.info(&format!(
            "{verb}: nothing matches; nothing to do",
            verb = verb.name()
        ));
        return Ok(());
    }
    if bulk.dry_run {
        print_plan(&ctx.out, &action, &plan)?;
        return Ok(());
    }
    if !explicit && !ctx.out.quiet {
        eprint!("{}", plan_text(&action, &plan));
    }
    if let Some(max) = bulk.max {
        if plan.ids.len() as u64 > max {
            return Err(unwritten(CliError::new(
                Kind::NotConfirmed,
                format!(
                    "the plan holds {} entries, more than --max {max}; nothing was changed",
                    plan.ids.len()
                ),
            )));
        }
    }
    if verb == Verb::Delete || !explicit {
        let kept = backup_note
            .as_ref()
            .map_or(String::new(), |n| format!(" ({n})"));
        prompt::confirm(
            &ctx.out,
            &ctx.global,
            &format!("{} {what}{kept}?", title(verb)),
        )
        .map_err(unwritten)?;
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
    let journal = Journal::create(&ctx.state_dir, &record)
        .map_err(journal_err)
        .map_err(unwritten)?;
    execute(
        ctx,
        &action,
        &record.ids,
        &record.job,
        journal,
        bulk,
        backup_note,
    )
    .await
}

/// Finishes the backup of a plan: for explicit ids the entries are fetched first (those no
/// longer in the DLQ have nothing to keep). Synced before it is reported; on any failure the
/// file is removed and nothing is sent.
async fn write_backup(
    ctx: &Ctx,
    action: &Action,
    plan: &Plan,
    mut file: EntryFile,
    explicit: bool,
) -> Result<String> {
    let path = file.path().to_path_buf();
    if explicit {
        let api = ctx.api()?;
        if let Err(e) = archive::fetch_into(&api, action.source, &plan.ids, &mut file).await {
            file.abandon();
            return Err(CliError::failure(format!(
                "cannot back up the entries ({e}); nothing was {}",
                past(action.verb)
            )));
        }
    }
    let n = file.commit().map_err(|e| backup_err(&path, &e))?;
    Ok(format!("backup: {n} entries in {}", path.display()))
}

fn backup_err(path: &Path, e: &std::io::Error) -> CliError {
    let err = CliError::failure(format!(
        "cannot write the backup {}: {e}; nothing was changed",
        path.display()
    ));
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        err.hint("a backup never replaces an earlier one: choose a new file name")
    } else {
        err.hint("choose a writable place for --backup")
    }
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
    execute(ctx, &plan.action, &left, job, journal, bulk, None).await
}

async fn execute(
    ctx: &Ctx,
    action: &Action,
    ids: &[String],
    job: &str,
    mut journal: Journal,
    bulk: &BulkArgs,
    note: Option<String>,
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
    if let Some(note) = &note {
        ctx.out.info(note);
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

fn journal_err(e: std::io::Error) -> CliError {
    CliError::failure(format!(
        "cannot write the job journal: {e}; nothing was changed"
    ))
    .hint("check the state directory (DLQ_STATE_DIR) is writable")
}
