//! The journal of a bulk run: its frozen plan and target, then every step as it happens.
//!
//! Kept in `<state dir>/jobs/<job>/`:
//! - `plan.json`, written atomically before anything is sent: the action, the ids (or the
//!   server-side filter and limit), the target the job is bound to, and the run's settings;
//! - `events.ndjson`, appended and synced: the ids of each request before it is sent
//!   (`{"inflight":[...]}`), each entry's outcome after, and server-side progress;
//! - `end.json`, written when a run ends (finished or interrupted); its absence while no
//!   process holds `lock` means the run crashed.
//!
//! `--continue <job>` does exactly the ids without a final outcome: ids that were in flight
//! when the run stopped are first checked on the server, so an interrupted, killed or crashed
//! run finishes with every entry acted on once.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::outcome::{Outcome, Status, Summary};
use super::verify::{Tally, Verified};
use crate::api::{Filter, Source};

/// Where a job acts: what `--continue` must find again. The token is kept only as a
/// fingerprint that tells tokens apart without revealing them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetRecord {
    pub base_url: String,
    pub sandbox: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub token_fingerprint: String,
    /// Where the token came from, in words ("environment QSTASH_TOKEN").
    pub token_source: String,
}

/// The settings a run was started with; `--continue` reuses them unless a flag lowers them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rps: Option<f64>,
    pub concurrency: usize,
    /// `--verify`: how long to wait for outcomes, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_secs: Option<u64>,
}

/// A canary: the ids tried first, and the share of them that must be delivered to go on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryPlan {
    pub ids: Vec<String>,
    pub threshold_pct: f64,
}

/// How a canary went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryResult {
    pub passed: bool,
    pub tally: Tally,
}

/// Ids of one DLQ: a delete by ids may touch both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub source: Source,
    pub ids: Vec<String>,
}

/// A `--server-side` run: a filter and an optional limit instead of ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSidePlan {
    pub filter: Filter,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRecord {
    pub job: String,
    pub action: Action,
    pub created_ms: i64,
    /// What the user selected, in words, for `dlq jobs` to show.
    pub selection: String,
    pub target: TargetRecord,
    pub settings: RunSettings,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side: Option<ServerSidePlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryPlan>,
}

impl PlanRecord {
    pub fn planned(&self) -> usize {
        self.parts.iter().map(|p| p.ids.len()).sum()
    }
}

/// Server-side progress: entries confirmed acted on, and those a lost reply may have acted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub done: u64,
    pub unconfirmed: u64,
}

/// How a run ended, in `end.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct End {
    pub state: EndState,
    pub ended_ms: i64,
    pub summary: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndState {
    Finished,
    Interrupted,
}

/// One line of `events.ndjson`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Event {
    Inflight { inflight: Vec<String> },
    Progress { progress: Progress },
    Canary { canary: CanaryResult },
    Verified(Verified),
    Outcome(Outcome),
}

/// What the journal says about a job's entries.
#[derive(Debug, Default)]
pub struct State {
    /// The last outcome of each id that has one.
    pub outcomes: HashMap<String, Outcome>,
    /// Ids sent (or being sent) whose outcome is not known: they may have been acted on.
    pub unknown: HashSet<String>,
    pub progress: Progress,
    /// The last verification of each id.
    pub verified: HashMap<String, Verified>,
    pub canary: Option<CanaryResult>,
}

impl State {
    /// Ids with a final outcome: done, or not in the DLQ. Failed ids are tried again.
    pub fn finished(&self, id: &str) -> bool {
        self.outcomes
            .get(id)
            .is_some_and(|o| matches!(o.outcome, Status::Done | Status::NotFound))
    }

    pub fn count(&self, status: Status) -> usize {
        self.outcomes
            .values()
            .filter(|o| o.outcome == status)
            .count()
    }
}

pub struct Journal {
    pub dir: PathBuf,
    events: File,
    /// Held while this process runs the job, so a second `--continue` cannot run it twice and
    /// `dlq jobs` can tell a running job from a crashed one.
    _lock: File,
}

pub fn jobs_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("jobs")
}

fn job_dir(state_dir: &Path, job: &str) -> PathBuf {
    jobs_dir(state_dir).join(job)
}

/// A fresh job id: verb, UTC time, and a random suffix, e.g. `resume-20261122-153012-7f3a`.
pub fn new_job_id(action: &Action) -> String {
    let now = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
    format!("{}-{now}-{:04x}", action.verb.name(), rand::random::<u16>())
}

/// Why a job cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no such job")]
    Missing,
    #[error("it is running in another process right now")]
    Running,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A job id names one directory under `jobs/`: nothing that could climb out of it.
pub fn valid_job_id(job: &str) -> bool {
    !job.is_empty()
        && job.len() <= 100
        && job
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Journal {
    /// Writes the plan before anything is sent, and takes the job's lock.
    pub fn create(state_dir: &Path, plan: &PlanRecord) -> std::io::Result<Journal> {
        let dir = job_dir(state_dir, &plan.job);
        crate::fsutil::create_private_dir(&dir)?;
        let lock = lock(&dir)?.map_err(|_| std::io::Error::other("job id already in use"))?;
        let text = serde_json::to_vec(plan)?;
        crate::fsutil::write_atomic(&dir.join("plan.json"), &text, true)?;
        let events = append(&dir.join("events.ndjson"))?;
        Ok(Journal {
            dir,
            events,
            _lock: lock,
        })
    }

    /// Opens an existing job to continue it: its plan and state, with the lock taken.
    pub fn open(state_dir: &Path, job: &str) -> Result<(PlanRecord, State, Journal), OpenError> {
        if !valid_job_id(job) {
            return Err(OpenError::Missing);
        }
        let dir = job_dir(state_dir, job);
        if !dir.join("plan.json").exists() {
            return Err(OpenError::Missing);
        }
        let lock = lock(&dir)?.map_err(|_| OpenError::Running)?;
        let plan = read_plan(&dir)?;
        let state = read_state(&dir)?;
        let events = append(&dir.join("events.ndjson"))?;
        Ok((
            plan,
            state,
            Journal {
                dir,
                events,
                _lock: lock,
            },
        ))
    }

    /// Marks the job as running again: until this run ends, a crash shows as a crash.
    pub fn restarted(&self) {
        let _ = std::fs::remove_file(self.dir.join("end.json"));
    }

    /// Notes that these ids are about to be sent: if the process dies before their outcome is
    /// written, `--continue` checks them on the server instead of sending them blindly again.
    pub fn inflight(&mut self, ids: &[String]) -> std::io::Result<()> {
        let mut buf = serde_json::to_vec(&serde_json::json!({ "inflight": ids }))?;
        buf.push(b'\n');
        self.events.write_all(&buf)?;
        self.events.sync_data()
    }

    /// Appends outcomes and syncs them to disk.
    pub fn record(&mut self, outcomes: &[Outcome]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for o in outcomes {
            serde_json::to_writer(&mut buf, o)?;
            buf.push(b'\n');
        }
        self.events.write_all(&buf)?;
        self.events.sync_data()
    }

    /// Records verifications.
    pub fn verified(&mut self, results: &[Verified]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for v in results {
            serde_json::to_writer(&mut buf, v)?;
            buf.push(b'\n');
        }
        self.events.write_all(&buf)?;
        self.events.sync_data()
    }

    /// Records how the canary went.
    pub fn canary(&mut self, result: CanaryResult) -> std::io::Result<()> {
        let mut buf = serde_json::to_vec(&serde_json::json!({ "canary": result }))?;
        buf.push(b'\n');
        self.events.write_all(&buf)?;
        self.events.sync_data()
    }

    /// Records server-side progress (cumulative).
    pub fn progress(&mut self, p: Progress) -> std::io::Result<()> {
        let mut buf = serde_json::to_vec(&serde_json::json!({ "progress": p }))?;
        buf.push(b'\n');
        self.events.write_all(&buf)?;
        self.events.sync_data()
    }

    /// Writes how the run ended.
    pub fn end(&self, summary: &Summary) -> std::io::Result<()> {
        let end = End {
            state: if summary.interrupted {
                EndState::Interrupted
            } else {
                EndState::Finished
            },
            ended_ms: jiff::Timestamp::now().as_millisecond(),
            summary: summary.clone(),
        };
        crate::fsutil::write_atomic(&self.dir.join("end.json"), &serde_json::to_vec(&end)?, true)
    }
}

/// Takes the job's lock without waiting: `Ok(Err(()))` when another process holds it.
fn lock(dir: &Path) -> std::io::Result<Result<File, ()>> {
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("lock"))?;
    match f.try_lock() {
        Ok(()) => Ok(Ok(f)),
        Err(TryLockError::WouldBlock) => Ok(Err(())),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

fn append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

pub fn read_plan(dir: &Path) -> std::io::Result<PlanRecord> {
    Ok(serde_json::from_slice(&std::fs::read(
        dir.join("plan.json"),
    )?)?)
}

/// Replays `events.ndjson`. A torn last line (a crash mid-write) is ignored: its ids were
/// marked in flight before, so they are checked again.
pub fn read_state(dir: &Path) -> std::io::Result<State> {
    let mut state = State::default();
    let f = match File::open(dir.join("events.ndjson")) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(state),
        Err(e) => return Err(e),
    };
    for line in BufReader::new(f).lines() {
        match serde_json::from_str::<Event>(&line?) {
            Ok(Event::Inflight { inflight }) => state.unknown.extend(inflight),
            Ok(Event::Progress { progress }) => state.progress = progress,
            Ok(Event::Canary { canary }) => state.canary = Some(canary),
            Ok(Event::Verified(v)) => {
                state.verified.insert(v.dlq_id.clone(), v);
            }
            Ok(Event::Outcome(o)) => {
                if o.outcome == Status::Unknown {
                    state.unknown.insert(o.dlq_id.clone());
                } else {
                    state.unknown.remove(&o.dlq_id);
                }
                state.outcomes.insert(o.dlq_id.clone(), o);
            }
            Err(_) => {}
        }
    }
    Ok(state)
}

/// How a job stands, for `dlq jobs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Finished,
    Interrupted,
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
    /// Planned entries without a final outcome: what `--continue` would do.
    pub left: u64,
    /// Of those, entries that were in flight when the run stopped.
    pub in_flight: u64,
    /// Server-side: entries a lost reply may have acted on.
    pub unconfirmed: u64,
    #[serde(skip)]
    pub plan: PlanRecord,
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
    let (state, _) = job_state(&dir)?;
    let events = read_state(&dir)?;
    let mut sources: Vec<Source> = plan.parts.iter().map(|p| p.source).collect();
    if sources.is_empty() {
        sources.push(plan.action.source);
    }
    let planned_ids = plan.parts.iter().flat_map(|p| p.ids.iter());
    let (mut done, mut not_found, mut failed, mut left, mut in_flight) = (0, 0, 0, 0, 0);
    for id in planned_ids {
        match events.outcomes.get(id).map(|o| o.outcome) {
            Some(Status::Done) => done += 1,
            Some(Status::NotFound) => not_found += 1,
            other => {
                if matches!(other, Some(Status::Failed | Status::Unknown)) {
                    failed += 1;
                }
                left += 1;
                if events.unknown.contains(id) {
                    in_flight += 1;
                }
            }
        }
    }
    let mut info = JobInfo {
        job: plan.job.clone(),
        verb: plan.action.verb.name().to_string(),
        sources,
        target: plan.target.clone(),
        created_ms: plan.created_ms,
        state,
        selection: plan.selection.clone(),
        server_side: plan.server_side.is_some(),
        planned: plan.planned() as u64,
        done,
        not_found,
        failed,
        left,
        in_flight,
        unconfirmed: 0,
        plan,
    };
    if info.server_side {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::action::Verb;

    fn plan(job: &str, ids: &[&str]) -> PlanRecord {
        PlanRecord {
            job: job.into(),
            action: Action {
                verb: Verb::Delete,
                source: Source::Qstash,
                overrides: Default::default(),
            },
            created_ms: 0,
            selection: "ids".into(),
            target: TargetRecord {
                base_url: "https://x".into(),
                sandbox: false,
                profile: None,
                token_fingerprint: "f".into(),
                token_source: "t".into(),
            },
            settings: RunSettings::default(),
            canary: None,
            parts: vec![Part {
                source: Source::Qstash,
                ids: ids.iter().map(|s| s.to_string()).collect(),
            }],
            server_side: None,
        }
    }

    #[test]
    fn continue_sees_what_was_finished_and_what_was_in_flight() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan("delete-1", &["a", "b", "c", "d"]);
        let mut j = Journal::create(dir.path(), &p).unwrap();
        j.inflight(&["a".into(), "b".into()]).unwrap();
        j.record(&[
            Outcome::done("a"),
            Outcome::failed("b", Status::Failed, "x"),
        ])
        .unwrap();
        j.inflight(&["c".into()]).unwrap();
        // A second process cannot take the job while this one holds it.
        assert!(matches!(
            Journal::open(dir.path(), "delete-1"),
            Err(OpenError::Running)
        ));
        assert_eq!(
            job_state(&dir.path().join("jobs/delete-1")).unwrap().0,
            JobState::Running
        );
        drop(j);
        // Ended without end.json and without a holder: it crashed.
        assert_eq!(
            job_state(&dir.path().join("jobs/delete-1")).unwrap().0,
            JobState::Crashed
        );
        let (p2, state, _j) = Journal::open(dir.path(), "delete-1").unwrap();
        assert_eq!(p2.planned(), 4);
        assert!(state.finished("a") && !state.finished("b") && !state.finished("c"));
        assert!(state.unknown.contains("c") && !state.unknown.contains("a"));
        assert!(!state.unknown.contains("d"));
    }

    #[test]
    fn job_ids_cannot_leave_the_jobs_directory() {
        assert!(valid_job_id("resume-20261122-153012-7f3a"));
        for bad in ["", "..", "../x", "a/b", "a b", "x\n"] {
            assert!(!valid_job_id(bad), "{bad:?}");
        }
    }
}
