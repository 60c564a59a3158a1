//! `--server-side`: no plan, the API's own filter-and-cursor bulk call, its progress journaled
//! so `--continue` keeps the limit and never goes past it.

use super::run::{Ended, Run};
use super::Request;
use crate::bulk::exec::Pacer;
use crate::bulk::journal::{Event, Matching, ServerProgress};
use crate::bulk::server_side::ServerSide;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::plan_view::{describe, title};
use crate::output::progress::Bar;
use crate::output::{json_line, prompt, Format};
use crate::target::Target;

/// Asks before a server-side run: nothing is shown first, so the question says it all.
pub fn confirm(ctx: &Ctx, req: &Request<'_>, target: &Target, limit: Option<u64>) -> Result<()> {
    let verb = req.action.verb;
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
    )
}

/// Runs (or continues) a server-side job from `start`.
pub async fn run(run: &mut Run<'_>, m: &Matching, start: ServerProgress) -> Result<Ended> {
    let ctx = run.ctx;
    let verb = run.job.verb();
    ctx.out.info_wrapped(&format!(
        "job {}: server-side on {}; an interrupt stops it after the request in flight",
        run.job.id(),
        run.described()
    ));
    run.begin(None);
    let bar = Bar::spinner(&ctx.out, &format!("{} (server-side):", verb.name()));
    let runner = ServerSide {
        api: &run.api,
        action: &run.job.record.action,
        filter: &m.filter,
        limit: m.limit,
        cancel: &run.job.cancel,
        progress: &bar,
        pacer: Some(Pacer::new(run.job.settings.rps)),
        budget: ctx.retry_budget(),
    };
    let job = &run.job;
    let (mut total, halt) = {
        let mut record_progress = |p: ServerProgress| job.write(&[Event::Progress(p)]);
        runner.run(start, &mut record_progress).await
    };
    bar.finish();
    run.end(&mut total, halt.is_some());
    if matches!(ctx.out.format, Format::Json | Format::Ndjson) {
        let mut w = ctx.out.stdout();
        json_line(&mut w, &total)?;
        std::io::Write::flush(&mut w)?;
    }
    Ok(Ended {
        total,
        halt,
        stop: None,
        note: None,
    })
}
