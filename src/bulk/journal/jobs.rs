//! What `dlq jobs` shows: every job of this machine, how it stands (running, finished,
//! interrupted, crashed) and what is left; and forgetting old ones.

use std::path::Path;

use serde::Serialize;

use super::records::{End, EndState, JobRecord, Mode, TargetRecord};
use super::state::read_state;
use super::{job_dir, jobs_dir, lock, read_plan, valid_job_id, OpenError};
use crate::api::Source;
use crate::bulk::outcome::{Newer, Status};

/// How a job stands, for `dlq jobs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Finished,
    Interrupted,
    /// Stopped by an error with work left.
    Stopped,
    Crashed,
}

/// The state of the job in `dir`, read without disturbing a process that runs it.
pub fn job_state(dir: &Path) -> std::io::Result<(JobState, Option<End>)> {
    if lock(dir)?.is_err() {
        return Ok((JobState::Running, None));
    }
    match std::fs::read(dir.join("end.json")) {
        Ok(bytes) => {
            let end: End = serde_json::from_slice(&bytes)?;
            let state = match end.state {
                EndState::Finished => JobState::Finished,
                EndState::Interrupted => JobState::Interrupted,
                EndState::Stopped => JobState::Stopped,
            };
            Ok((state, Some(end)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((JobState::Crashed, None)),
        Err(e) => Err(e),
    }
}

/// What `dlq jobs` shows of one job.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobInfo {
    pub job: String,
    pub verb: String,
    pub sources: Vec<Source>,
    pub target: TargetRecord,
    pub created_ms: i64,
    pub state: JobState,
    pub selection: String,
    pub server_side: bool,
    /// Planned entries (server-side: acted on so far, confirmed or not).
    pub planned: u64,
    pub done: u64,
    pub not_found: u64,
    pub failed: u64,
    /// Planned entries without a final outcome: what `--continue` would do (a pipelined job
    /// whose listing was cut short has more: see `listed`).
    pub left: u64,
    /// Whether every entry the job acts on is known; false while a pipelined job has pages
    /// it has not listed, which `--continue` lists.
    pub listed: bool,
    /// Of those, entries that were in flight when the run stopped.
    pub in_flight: u64,
    /// Server-side: entries a lost reply may have acted on.
    pub unconfirmed: u64,
    /// Republish: entries left whose new message was published already; `--continue` deletes
    /// them without publishing again.
    pub published_left: u64,
    /// Pipelined: matches dated after the job's start, which its last run left.
    pub newer: Option<Newer>,
    #[serde(skip)]
    pub plan: JobRecord,
}

/// Reads one job for `dlq jobs`.
pub fn info(state_dir: &Path, job: &str) -> Result<JobInfo, OpenError> {
    if !valid_job_id(job) {
        return Err(OpenError::Missing);
    }
    let dir = job_dir(state_dir, job);
    if !dir.join("plan.json").exists() {
        return Err(OpenError::Missing);
    }
    let plan = read_plan(&dir)?;
    let (state, end) = job_state(&dir)?;
    let events = read_state(&dir)?;
    let mut sources: Vec<Source> = events.parts(&plan).map(|p| p.source).collect();
    sources.dedup();
    if sources.is_empty() {
        sources.push(plan.action.source);
    }
    // Read as a stream: a long plan's ids stay on disk.
    let planned_ids = events.parts(&plan).flat_map(|p| p.ids.iter());
    let planned_count = events.parts(&plan).map(|p| p.ids.len() as u64).sum();
    let (mut done, mut not_found, mut failed, mut left, mut in_flight) = (0, 0, 0, 0, 0);
    let mut unconfirmed = 0;
    for id in planned_ids {
        match events.outcomes.get(id.as_str()).map(|o| o.outcome) {
            Some(Status::Done) => done += 1,
            Some(Status::NotFound) => not_found += 1,
            Some(Status::Unconfirmed) => unconfirmed += 1,
            other => {
                if matches!(other, Some(Status::Failed | Status::Unknown)) {
                    failed += 1;
                }
                left += 1;
                if events.unknown.contains(id.as_str()) {
                    in_flight += 1;
                }
            }
        }
    }
    let published_left = events
        .published
        .iter()
        .map(|p| p.dlq_id.as_str())
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .filter(|id| !events.finished(id))
        .count() as u64;
    let mut info = JobInfo {
        job: plan.job.clone(),
        verb: plan.action.verb.name().to_string(),
        sources,
        target: plan.target.clone(),
        created_ms: plan.created_ms,
        state,
        selection: plan.selection.clone(),
        server_side: false,
        planned: planned_count,
        done,
        not_found,
        failed,
        left,
        listed: events.complete(&plan),
        in_flight,
        unconfirmed,
        published_left,
        newer: end.and_then(|e| e.summary.newer),
        plan,
    };
    if let Mode::ServerSide(_) = info.plan.mode {
        info.server_side = true;
        info.done = events.progress.done;
        info.unconfirmed = events.progress.unconfirmed;
        info.planned = info.done + info.unconfirmed;
    }
    Ok(info)
}

/// Every job under the state directory, newest first. Unreadable ones are skipped.
pub fn list(state_dir: &Path) -> std::io::Result<Vec<JobInfo>> {
    let mut jobs = Vec::new();
    let entries = match std::fs::read_dir(jobs_dir(state_dir)) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(jobs),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let name = entry?.file_name();
        if let Some(job) = name.to_str() {
            if let Ok(i) = info(state_dir, job) {
                jobs.push(i);
            }
        }
    }
    jobs.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(b.job.cmp(&a.job)));
    Ok(jobs)
}

/// Removes a job's directory, unless a process runs it.
pub fn forget(state_dir: &Path, job: &str) -> Result<(), OpenError> {
    if !valid_job_id(job) {
        return Err(OpenError::Missing);
    }
    let dir = job_dir(state_dir, job);
    if !dir.join("plan.json").exists() {
        return Err(OpenError::Missing);
    }
    let held = lock(&dir)?.map_err(|_| OpenError::Running)?;
    std::fs::remove_dir_all(&dir)?;
    drop(held);
    Ok(())
}
