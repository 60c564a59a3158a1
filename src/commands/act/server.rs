//! `--server-side`: no plan, the API's own filter-and-cursor bulk call, its progress journaled
//! so `--continue` keeps the limit and never goes past it.

use super::execute::conclude;
use super::Request;
use crate::api::Client;
use crate::args::select::DEFAULT_CONCURRENCY;
use crate::bulk::cancel::Cancel;
use crate::bulk::exec::{Halt, Pacer};
use crate::bulk::journal::{
    new_job_id, Journal, PlanRecord, Progress, RunSettings, ServerSidePlan,
};
use crate::bulk::server_side::ServerSide;
use crate::commands::signals;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::plan_view::{describe, title};
use crate::output::progress::Bar;
use crate::output::{json_line, prompt, Format};
use crate::target::Target;

/// Starts a server-side run: confirm, journal, run.
pub async fn start(ctx: &Ctx, req: &Request<'_>, limit: Option<u64>) -> Result<()> {
    let verb = req.action.verb;
    let target = ctx.target()?;
    let api = ctx.client(&target)?;
    let what = describe(verb, req.action.source, None);
    let how_many = match limit {
        Some(n) => format!("the first {n} {what}s"),
        None => format!("every {what}"),
    };
    prompt::confirm(
        &ctx.out,
        &format!(
            "{} {how_many} that match, server-side, on {}?",
            title(verb),
            target.describe()
        ),
    )?;
    let settings = RunSettings {
        rps: req.bulk.rps,
        concurrency: req.bulk.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
        verify_secs: None,
    };
    let ss = ServerSidePlan {
        filter: req.filter.clone(),
        limit,
    };
    let record = PlanRecord {
        job: new_job_id(&req.action),
        action: req.action.clone(),
        created_ms: jiff::Timestamp::now().as_millisecond(),
        selection: "server-side filter".into(),
        target: target.record(),
        settings: settings.clone(),
        parts: vec![],
        server_side: Some(ss.clone()),
        canary: None,
        pipeline: None,
    };
    let journal = Journal::create(&ctx.state_dir, &record).map_err(super::journal_err)?;
    run(
        ctx,
        &api,
        &target,
        &record,
        &ss,
        Progress::default(),
        journal,
        settings,
    )
    .await
}

/// Runs (or continues) a server-side job from `start`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    ctx: &Ctx,
    api: &Client,
    target: &Target,
    record: &PlanRecord,
    ss: &ServerSidePlan,
    start: Progress,
    journal: Journal,
    settings: RunSettings,
) -> Result<()> {
    let verb = record.action.verb;
    let job = &record.job;
    let described = target.describe();
    ctx.out.info_wrapped(&format!(
        "job {job}: server-side on {described}; an interrupt stops it after the request in flight"
    ));
    let cancel = Cancel::new();
    let continue_line = format!("continue with: dlq {} --continue {job}", verb.name());
    let watcher = signals::watch(cancel.clone(), ctx.out.clone(), continue_line);
    let bar = Bar::spinner(&ctx.out, &format!("{} (server-side):", verb.name()));
    let runner = ServerSide {
        api,
        action: &record.action,
        filter: &ss.filter,
        limit: ss.limit,
        cancel: &cancel,
        progress: &bar,
        pacer: Some(Pacer::new(settings.rps)),
        budget: ctx.retry_budget(),
    };
    let mut journal = journal;
    journal.restarted();
    let (mut summary, halt) = {
        let mut record_progress = |p: Progress| journal.progress(p);
        runner.run(start, &mut record_progress).await
    };
    watcher.abort();
    bar.finish();
    summary.job = Some(job.clone());
    if let Err(e) = journal.end(&summary) {
        ctx.out
            .warn(&format!("cannot record the end of job {job}: {e}"));
    }
    if matches!(ctx.out.format, Format::Json | Format::Ndjson) {
        let mut w = ctx.out.stdout();
        json_line(&mut w, &summary)?;
        std::io::Write::flush(&mut w)?;
    }
    let halt = halt.map(|h| match h {
        Halt::Journal(e) => Halt::Journal(std::io::Error::other(format!(
            "cannot write the job journal in {}: {e}",
            journal.dir.display()
        ))),
        other => other,
    });
    conclude(ctx, verb, &summary, job, &described, halt)
}
