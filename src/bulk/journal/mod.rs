//! The journal of a bulk run: its frozen plan and target, then every step as it happens.
//!
//! Kept in `<state dir>/jobs/<job>/`:
//! - `plan.json`, written atomically before anything is sent: the action, the ids (or the
//!   server-side filter and limit), the target the job is bound to, and the run's settings;
//! - `events.ndjson`, appended and synced, one [`Event`] a line: the ids of each request
//!   before it is sent (`{"inflight":[...]}`), each entry's outcome after, a pipelined run's
//!   pages as listed, verifications, the canary's result and server-side progress;
//! - `end.json`, written when a run ends (finished or interrupted); its absence while no
//!   process holds `lock` means the run crashed.
//!
//! `--continue <job>` does exactly the ids without a final outcome: ids that were in flight
//! when the run stopped are first checked on the server, so an interrupted, killed or crashed
//! run finishes with every entry acted on once.

pub mod claims;
mod event;
mod group;
mod jobs;
mod records;
mod state;

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

pub use event::Event;
pub use group::GroupSync;
pub use jobs::{forget, info, job_state, list, JobInfo, JobState};
pub use records::*;
pub use state::{read_state, State};

use super::outcome::Summary;

pub struct Journal {
    pub dir: PathBuf,
    state_dir: PathBuf,
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
    /// Takes the job's lock and writes the plan before anything is sent: the plan is the
    /// job's claim on its entries ([`claims`]), so the ids other jobs keep are taken out of
    /// `record` first and returned.
    pub fn create(
        state_dir: &Path,
        record: &mut JobRecord,
    ) -> std::io::Result<(Journal, Vec<(String, claims::Holder)>)> {
        let dir = job_dir(state_dir, &record.job);
        crate::fsutil::create_private_dir(&dir)?;
        let lock = lock(&dir)?.map_err(|_| std::io::Error::other("job id already in use"))?;
        let refused = claims::claim_plan(state_dir, record, |record| {
            crate::fsutil::write_atomic_with(&dir.join("plan.json"), true, |w| {
                Ok(serde_json::to_writer(w, record)?)
            })
        })?;
        let events = append(&dir.join("events.ndjson"))?;
        let journal = Journal {
            dir,
            state_dir: state_dir.to_path_buf(),
            events,
            _lock: lock,
        };
        Ok((journal, refused))
    }

    /// Opens an existing job to continue it: its record and state, with the lock taken.
    pub fn open(state_dir: &Path, job: &str) -> Result<(JobRecord, State, Journal), OpenError> {
        if !valid_job_id(job) {
            return Err(OpenError::Missing);
        }
        let dir = job_dir(state_dir, job);
        if !dir.join("plan.json").exists() {
            return Err(OpenError::Missing);
        }
        let lock = lock(&dir)?.map_err(|_| OpenError::Running)?;
        let record = read_plan(&dir)?;
        let state = read_state(&dir)?;
        let events = append(&dir.join("events.ndjson"))?;
        Ok((
            record,
            state,
            Journal {
                dir,
                state_dir: state_dir.to_path_buf(),
                events,
                _lock: lock,
            },
        ))
    }

    /// Marks the job as running again: until this run ends, a crash shows as a crash.
    pub fn restarted(&self) {
        let _ = std::fs::remove_file(self.dir.join("end.json"));
    }

    /// Appends events and syncs them to disk: once this returns, they survive a crash.
    /// Planned ids are claims, journaled by [`Journal::claim_more`] only.
    pub fn write(&mut self, events: &[Event]) -> std::io::Result<()> {
        no_claims(events)?;
        self.append(events)
    }

    /// Appends events without syncing them: the caller waits for a [`GroupSync`] of
    /// [`Journal::syncs`] before it relies on them.
    pub fn write_unsynced(&mut self, events: &[Event]) -> std::io::Result<()> {
        no_claims(events)?;
        self.append_unsynced(events)
    }

    /// Group syncs of the events file, for [`Journal::write_unsynced`].
    pub fn syncs(&self) -> std::io::Result<GroupSync> {
        Ok(GroupSync::new(self.events.try_clone()?))
    }

    /// Claims more ids for this job (a pipelined job's page) and journals them: the ids
    /// other jobs keep are taken out of `part` and returned.
    pub fn claim_more(
        &mut self,
        record: &JobRecord,
        part: &mut Part,
    ) -> std::io::Result<Vec<(String, claims::Holder)>> {
        let state_dir = self.state_dir.clone();
        claims::claim_part(&state_dir, record, part, |part| {
            self.append(&[Event::Planned(part.clone())])
        })
    }

    fn append(&mut self, events: &[Event]) -> std::io::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.append_unsynced(events)?;
        self.events.sync_data()
    }

    fn append_unsynced(&mut self, events: &[Event]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for e in events {
            serde_json::to_writer(&mut buf, e)?;
            buf.push(b'\n');
        }
        self.events.write_all(&buf)
    }

    /// Writes how the run ended.
    pub fn end(&self, summary: &Summary, state: EndState) -> std::io::Result<()> {
        write_end(&self.dir, summary, state)
    }
}

/// Planned ids are claims, journaled by [`Journal::claim_more`] only.
fn no_claims(events: &[Event]) -> std::io::Result<()> {
    if events.iter().any(|e| matches!(e, Event::Planned(_))) {
        return Err(std::io::Error::other(
            "planned ids are claims: they are journaled by claim_more",
        ));
    }
    Ok(())
}

/// Writes `end.json` into a job's directory.
pub fn write_end(dir: &Path, summary: &Summary, state: EndState) -> std::io::Result<()> {
    let end = End {
        state,
        ended_ms: jiff::Timestamp::now().as_millisecond(),
        summary: summary.clone(),
    };
    crate::fsutil::write_atomic(&dir.join("end.json"), &serde_json::to_vec(&end)?, true)
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

pub fn read_plan(dir: &Path) -> std::io::Result<JobRecord> {
    // Read as a stream: a long plan's ids go to their file as they are read.
    let f = std::io::BufReader::new(File::open(dir.join("plan.json"))?);
    Ok(serde_json::from_reader(f)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::Source;
    use crate::bulk::action::Action;
    use crate::bulk::action::Verb;
    use crate::bulk::outcome::{Outcome, Status};

    fn plan(job: &str, ids: &[&str]) -> JobRecord {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        planned(Verb::Delete, job, &ids)
    }

    /// A planned job of `verb` on one made-up target, for the journal's tests and the claims'.
    pub(crate) fn planned(verb: Verb, job: &str, ids: &[String]) -> JobRecord {
        JobRecord {
            job: job.into(),
            action: Action {
                verb,
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
            mode: Mode::Planned {
                parts: vec![Part {
                    source: Source::Qstash,
                    ids: ids.to_vec().into(),
                }],
                canary: None,
            },
        }
    }

    #[test]
    fn continue_sees_what_was_finished_and_what_was_in_flight() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan("delete-1", &["a", "b", "c", "d"]);
        let (mut j, _) = Journal::create(dir.path(), &mut p.clone()).unwrap();
        j.write(&[Event::Inflight(vec!["a".into(), "b".into()])])
            .unwrap();
        j.write(&[
            Event::Outcome(Outcome::done("a")),
            Event::Outcome(Outcome::failed("b", Status::Failed, "x")),
        ])
        .unwrap();
        j.write(&[Event::Inflight(vec!["c".into()])]).unwrap();
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
        assert_eq!(state.parts(&p2).map(|p| p.ids.len()).sum::<usize>(), 4);
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
