//! Planning: explicit ids looked up on the server, or the matches of the filters listed into a
//! frozen plan; the verb's parts see every entry found (a backup writes it, a republish builds
//! its new message) before the plan is shown. Reads only: an interrupt here changes nothing,
//! and what the parts staged is undone by the start's guard.

use crate::bulk::exec::Pacer;
use crate::bulk::lanes::Lanes;

use super::choice::Chosen;
use super::parts::Staged;
use super::Request;
use crate::api::Client;
use crate::bulk::cancel::Cancel;
use crate::bulk::journal::{claims, TargetRecord};
use crate::bulk::plan::{self, Plan, PlanError};
use crate::bulk::resolve;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::progress::Bar;

pub struct Planned {
    pub plan: Plan,
    /// Ids given by the user, rather than filters.
    pub explicit: bool,
    /// What was selected, in words, for the journal.
    pub selection: String,
}

/// Plans what was chosen; `staged` are the verb's parts of the job being started.
/// `target`: where the job will act, for what other jobs there have left unfinished.
pub async fn make(
    ctx: &Ctx,
    api: &Client,
    req: &Request<'_>,
    sel: Chosen,
    target: &TargetRecord,
    staged: &mut Staged<'_>,
) -> Result<Planned> {
    let explicit = matches!(sel, Chosen::Ids(_));
    let selection = match &sel {
        Chosen::Ids(ids) => format!("{} ids", ids.len()),
        Chosen::Matching { limit: Some(n) } => format!("the first {n} matches of the filters"),
        Chosen::Matching { limit: None } => "every match of the filters".to_string(),
    };
    // Shown in the plan; the job's claim, taken when it is recorded, is what decides.
    let held = claims::held(&ctx.state_dir, target, "");
    let mut refused = None;
    let work = gather(ctx, api, req, sel, &held, staged, &mut refused);
    let planned: std::result::Result<Plan, PlanError> = tokio::select! {
        r = work => r,
        _ = crate::commands::signals::first() => {
            return Err(CliError::new(Kind::Interrupted, "interrupted")
                .hint("interrupted while planning: nothing was changed"));
        }
    };
    // A part that gave up the plan (a body edit that never ended): nothing may be sent.
    staged.given_up()?;
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            return Err(match (e, refused) {
                (PlanError::Io(_), Some(why)) => why,
                (PlanError::Api(e), _) => e.into(),
                // Nothing else writes while planning: the plan's own files of ids and hashes.
                (PlanError::Io(e), None) => super::ids_err(e),
            });
        }
    };
    staged.planned(&plan)?;
    Ok(Planned {
        plan,
        explicit,
        selection,
    })
}

/// Looks the ids up, or lists the filters' matches; every entry found that no other job keeps
/// (`held`) goes to the parts. What a part refused the entries for is left in `refused`.
async fn gather(
    ctx: &Ctx,
    api: &Client,
    req: &Request<'_>,
    sel: Chosen,
    held: &claims::Held,
    staged: &mut Staged<'_>,
    refused: &mut Option<CliError>,
) -> std::result::Result<Plan, PlanError> {
    let mut found = |entries: &[crate::api::Entry]| {
        staged.found(entries).map_err(|e| {
            let io = std::io::Error::other(e.message.clone());
            *refused = Some(e);
            io
        })
    };
    match sel {
        Chosen::Ids(ids) => {
            let spinner = Bar::spinner(&ctx.out, "looking up ids:");
            let resolved = resolve::resolve(api, &req.sources, &ids).await;
            spinner.finish();
            let mut resolved = resolved?;
            let mut left = Vec::new();
            resolved.found.retain(|e| match held.get(&e.entry.dlq_id) {
                Some(h) => {
                    left.push((e.entry.dlq_id.clone(), h.clone()));
                    false
                }
                None => true,
            });
            for e in &resolved.found {
                found(std::slice::from_ref(&e.entry)).map_err(PlanError::Io)?;
            }
            let mut plan = Plan::from_resolved(resolved);
            plan.held = left;
            Ok(plan)
        }
        Chosen::Matching { limit } => {
            // `--max N` needs to know only whether more than N match: listing stops at
            // N + 1, however large the selection (or endless the server's pages).
            let limit = match (limit, req.bulk.max) {
                (l, Some(max)) => Some(l.map_or(max + 1, |l| l.min(max + 1))),
                (l, None) => l,
            };
            let spinner = Bar::spinner(&ctx.out, "planning:");
            let pacer = Pacer::new(req.bulk.rps);
            let built = plan::build(
                api,
                req.action.source,
                &req.filter,
                limit,
                req.parts.follow().is_some_and(|v| v.canary.is_some()),
                Lanes::within(req.concurrency(), &pacer),
                &Cancel::new(),
                held,
                &mut |page| {
                    spinner.inc(page.len() as u64);
                    found(page)
                },
            )
            .await;
            spinner.finish();
            built.map(|p| p.expect("planning is not cancelled"))
        }
    }
}
