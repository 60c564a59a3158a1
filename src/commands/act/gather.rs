//! Planning: explicit ids looked up on the server, or the matches of the filters listed into a
//! frozen plan. With `--backup`, every planned entry is written to the file and synced before
//! the plan is shown; if that fails, nothing is sent. Reads only: an interrupt here changes
//! nothing and leaves no partial backup.

use crate::args::select::DEFAULT_CONCURRENCY;
use crate::bulk::exec::Pacer;
use crate::bulk::lanes::Lanes;
use std::path::{Path, PathBuf};

use super::choice::Chosen;
use super::Request;
use crate::api::Client;
use crate::bulk::action::Verb;
use crate::bulk::archive::EntryFile;
use crate::bulk::callback::RunRef;
use crate::bulk::cancel::Cancel;
use crate::bulk::journal::{claims, TargetRecord};
use crate::bulk::plan::{self, Plan, PlanError};
use crate::bulk::rebuild::rebuilt::Rebuilt;
use crate::bulk::resolve;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::progress::Bar;
use crate::text::safe;

pub struct Planned {
    pub plan: Plan,
    /// Ids given by the user, rather than filters.
    pub explicit: bool,
    /// What was selected, in words, for the journal.
    pub selection: String,
    /// "backup: 12 entries in gone.ndjson", once the backup is on disk.
    pub backup_note: Option<String>,
    backup_path: Option<PathBuf>,
    /// Republish: every planned entry's new message, and what the plan shows of them.
    pub rebuilt: Option<Rebuilt>,
    /// Callback: each planned entry's run, as listed, so baselines are read many at once.
    pub runs: Vec<(String, RunRef)>,
}

impl Planned {
    /// Removes the backup again: the run it was written for will not start.
    pub fn take_back(&self) {
        if let Some(p) = &self.backup_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// `target`: where the job will act, for what other jobs there have left unfinished.
/// A URL group that is not there would fail every publish: said once, before the plan.
async fn url_group_is_there(api: &Client, req: &Request<'_>) -> Result<()> {
    let Some(group) = req.rebuild.and_then(|e| e.url_group()) else {
        return Ok(());
    };
    if api.url_group_exists(group).await? {
        return Ok(());
    }
    Err(CliError::failure(format!(
        "there is no URL group {} on the server; nothing was changed",
        safe(group)
    ))
    .hint("`--to-url-group` names an existing group: create it (or its endpoints) first"))
}

pub async fn make(
    ctx: &Ctx,
    api: &Client,
    req: &Request<'_>,
    sel: Chosen,
    target: &TargetRecord,
) -> Result<Planned> {
    url_group_is_there(api, req).await?;
    // A dry run changes nothing, so it needs no backup.
    let backup_path = req.backup.filter(|_| !req.bulk.dry_run);
    let mut file = match backup_path {
        Some(path) => Some(EntryFile::create_new(path).map_err(|e| backup_err(path, &e))?),
        None => None,
    };
    let explicit = matches!(sel, Chosen::Ids(_));
    let selection = match &sel {
        Chosen::Ids(ids) => format!("{} ids", ids.len()),
        Chosen::Matching { limit: Some(n) } => format!("the first {n} matches of the filters"),
        Chosen::Matching { limit: None } => "every match of the filters".to_string(),
    };
    let mut rebuilt = req.rebuild.map(|_| Rebuilt::new(req.bulk.dry_run));
    let mut runs = Vec::new();
    // Shown in the plan; the job's claim, taken when it is recorded, is what decides.
    let held = claims::held(&ctx.state_dir, target, "");
    let work = gather(
        ctx,
        api,
        req,
        sel,
        &held,
        &mut file,
        &mut rebuilt,
        &mut runs,
    );
    let planned: std::result::Result<Plan, PlanError> = tokio::select! {
        r = work => r,
        _ = crate::commands::signals::first() => {
            if let Some(f) = file {
                f.abandon();
            }
            return Err(CliError::new(Kind::Interrupted, "interrupted")
                .hint("interrupted while planning: nothing was changed"));
        }
    };
    // A body edit that never ended gave up the plan: nothing may be sent.
    let planned = match req.rebuild.and_then(|e| e.stopped()) {
        Some(why) => {
            if let Some(f) = file.take() {
                f.abandon();
            }
            return Err(CliError::usage(format!("{why}; nothing was changed"))
                .hint("try the expression on one body first: dlq get ID -o json | jq '.body | fromjson | EXPR'"));
        }
        None => planned,
    };
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            if let Some(f) = file {
                f.abandon();
            }
            return Err(match e {
                PlanError::Api(e) => e.into(),
                PlanError::Io(e) => backup_err(backup_path.unwrap_or(Path::new("-")), &e),
            });
        }
    };
    let backup_note = match file {
        Some(f) => {
            let path = f.path().to_path_buf();
            let n = f.commit().map_err(|e| backup_err(&path, &e))?;
            Some(format!("backup: {n} entries in {}", path.display()))
        }
        None => None,
    };
    // Nothing will be deleted: the empty backup goes too.
    let (backup_note, backup_path) = match (backup_note, backup_path) {
        (Some(_), Some(p)) if plan.is_empty() => {
            let _ = std::fs::remove_file(p);
            (None, None)
        }
        (note, path) => (note, path.map(Path::to_path_buf)),
    };
    Ok(Planned {
        plan,
        explicit,
        selection,
        backup_note,
        backup_path,
        rebuilt,
        runs,
    })
}

/// Looks the ids up, or lists the filters' matches; every entry found that no other job keeps
/// (`held`) goes to the backup, and a republish builds each one's new message.
#[allow(clippy::too_many_arguments)]
async fn gather(
    ctx: &Ctx,
    api: &Client,
    req: &Request<'_>,
    sel: Chosen,
    held: &claims::Held,
    file: &mut Option<EntryFile>,
    rebuilt: &mut Option<Rebuilt>,
    runs: &mut Vec<(String, RunRef)>,
) -> std::result::Result<Plan, PlanError> {
    let callback = req.action.verb == Verb::Callback;
    let mut rebuild = |entries: &[crate::api::Entry]| {
        if let (Some(r), Some(edits)) = (rebuilt.as_mut(), req.rebuild) {
            entries.iter().for_each(|e| r.add(edits, e));
        }
        if callback {
            runs.extend(entries.iter().filter_map(run_of));
        }
    };
    match sel {
        Chosen::Ids(ids) => {
            let spinner = Bar::spinner(&ctx.out, "looking up ids:");
            let found = resolve::resolve(api, &req.sources, &ids).await;
            spinner.finish();
            let mut found = found?;
            let mut left = Vec::new();
            found.found.retain(|e| match held.get(&e.entry.dlq_id) {
                Some(h) => {
                    left.push((e.entry.dlq_id.clone(), h.clone()));
                    false
                }
                None => true,
            });
            if let Some(f) = file {
                for e in &found.found {
                    f.write(std::slice::from_ref(&e.entry), false)
                        .map_err(PlanError::Io)?;
                }
            }
            for e in &found.found {
                rebuild(std::slice::from_ref(&e.entry));
            }
            let mut plan = Plan::from_resolved(found);
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
                req.verify.is_some_and(|v| v.canary.is_some()),
                Lanes::within(req.bulk.concurrency.unwrap_or(DEFAULT_CONCURRENCY), &pacer),
                &Cancel::new(),
                held,
                &mut |page| {
                    spinner.inc(page.len() as u64);
                    rebuild(page);
                    match file {
                        Some(f) => f.write(page, false),
                        None => Ok(()),
                    }
                },
            )
            .await;
            spinner.finish();
            built.map(|p| p.expect("planning is not cancelled"))
        }
    }
}

/// An entry's run, when it names one.
pub fn run_of(e: &crate::api::Entry) -> Option<(String, RunRef)> {
    let run = e.workflow_run_id.clone()?;
    Some((e.dlq_id.clone(), (run, e.workflow_created_at)))
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
