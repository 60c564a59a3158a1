//! A bulk job: one object from the moment its record is written to the end of the run.
//!
//! A job is created (a new run) or reopened (`--continue`, `dlq verify`) here and nowhere else.
//! It owns its record (what, where, how: the [`Mode`]), its journal, the cancel its signal
//! watcher and halts set, and the pacer every request of the run waits on. The line that
//! continues it comes from [`Job::continue_line`], and how it ended is decided by
//! [`Job::end`] for every mode alike, so `dlq jobs` and the summary never disagree.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use super::action::Verb;
use super::cancel::Cancel;
use super::exec::Pacer;
use super::journal::claims::Holder;
use super::journal::{
    self, EndState, Event, GroupSync, JobRecord, Journal, OpenError, Part, RunSettings, State,
};
use super::outcome::Summary;
use crate::cmdline::{CommandLine, Places};

/// Entries a new job left to the jobs that keep them, each with its holder.
pub type Refused = Vec<(String, Holder)>;

pub struct Job {
    pub record: JobRecord,
    /// The settings in effect: the record's, or lower ones given to `--continue`.
    pub settings: RunSettings,
    pub cancel: Cancel,
    /// Paces every request of the run, listing and acting alike: `--rps` is a hard cap.
    pub pacer: Pacer,
    journal: Mutex<Journal>,
    /// Syncs of the journal shared by the writes made at once ([`Job::write_shared`]).
    syncs: GroupSync,
    dir: PathBuf,
    watcher: Option<Watcher>,
    /// Held while the end record is written: a second signal's record must not be written
    /// at the same time (they share a temporary file) nor replace the run's own.
    ending: Arc<Mutex<()>>,
}

/// A task watching for stop signals, aborted when dropped: a job that ends stops watching.
pub struct Watcher(tokio::task::JoinHandle<()>);

impl Watcher {
    pub fn new(task: tokio::task::JoinHandle<()>) -> Watcher {
        Watcher(task)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A fresh job id: verb, UTC time, and a random suffix, e.g. `resume-20261122-153012-7f3a`.
pub fn new_id(verb: Verb) -> String {
    let now = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
    format!("{}-{now}-{:04x}", verb.name(), rand::random::<u16>())
}

impl Job {
    /// Writes the record before anything is sent, and takes the job's lock. The record is
    /// the job's claim on its entries: those other jobs keep are taken out of it and
    /// returned, with the job that keeps each.
    pub fn create(state_dir: &Path, mut record: JobRecord) -> std::io::Result<(Job, Refused)> {
        let (journal, refused) = Journal::create(state_dir, &mut record)?;
        let settings = record.settings.clone();
        Ok((Job::with(record, settings, journal)?, refused))
    }

    /// Opens an existing job with its lock taken: its record and what its journal says.
    pub fn reopen(state_dir: &Path, id: &str) -> Result<(Job, State), OpenError> {
        let (record, state, journal) = Journal::open(state_dir, id)?;
        let settings = record.settings.clone();
        Ok((Job::with(record, settings, journal)?, state))
    }

    fn with(record: JobRecord, settings: RunSettings, journal: Journal) -> std::io::Result<Job> {
        Ok(Job {
            pacer: Pacer::new(settings.rps),
            settings,
            cancel: Cancel::new(),
            dir: journal.dir.clone(),
            syncs: journal.syncs()?,
            journal: Mutex::new(journal),
            record,
            watcher: None,
            ending: Arc::default(),
        })
    }

    /// Runs with these settings instead of the record's (`--continue --rps ...`).
    pub fn set_settings(&mut self, settings: RunSettings) {
        self.pacer = Pacer::new(settings.rps);
        self.settings = settings;
    }

    pub fn id(&self) -> &str {
        &self.record.job
    }

    pub fn verb(&self) -> Verb {
        self.record.action.verb
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The command that does what is left, on the job's target: `dlq --sandbox retry
    /// --continue retry-...`.
    pub fn continue_command(&self, places: &Places) -> CommandLine {
        self.record.continue_command(places)
    }

    /// The last line of a run that stopped with work left.
    pub fn continue_line(&self, places: &Places) -> String {
        format!("continue with: {}", self.continue_command(places))
    }

    /// Keeps the signal watcher until the job ends (or [`Job::unwatch`]).
    pub fn watch(&mut self, watcher: Watcher) {
        self.watcher = Some(watcher);
    }

    /// Stops watching for signals: what follows (a prompt) handles them itself.
    pub fn unwatch(&mut self) {
        self.watcher = None;
    }

    /// Marks the job as running again: until this run ends, a crash shows as a crash.
    pub fn restarted(&self) {
        self.journal.lock().unwrap().restarted();
    }

    /// Journals events (synced); an error names the journal's place.
    pub fn write(&self, events: &[Event]) -> std::io::Result<()> {
        self.journal
            .lock()
            .unwrap()
            .write(events)
            .map_err(|e| in_journal(&self.dir, e))
    }

    /// Journals events, synced as [`Job::write`] does, but the sync is waited for without
    /// holding up the runtime's thread, and shared by the writes made meanwhile: for the
    /// requests of a run, many in flight at once. The events are written at once; the future
    /// says when they are on disk.
    pub fn write_shared(&self, events: &[Event]) -> BoxFuture<'static, std::io::Result<()>> {
        let written = self.journal.lock().unwrap().write_unsynced(events);
        if let Err(e) = written {
            return Box::pin(std::future::ready(Err(in_journal(&self.dir, e))));
        }
        let ticket = self.syncs.wrote();
        let (syncs, dir) = (self.syncs.clone(), self.dir.clone());
        Box::pin(async move { syncs.synced(ticket).await.map_err(|e| in_journal(&dir, e)) })
    }

    /// Claims a listed page and journals it before any of its ids is sent: the ids other
    /// jobs keep are taken out of `part` and returned.
    pub fn claim_more(&self, part: &mut Part) -> std::io::Result<Refused> {
        self.journal
            .lock()
            .unwrap()
            .claim_more(&self.record, part)
            .map_err(|e| in_journal(&self.dir, e))
    }

    /// Records how the run ended: finished when nothing is `left`; otherwise interrupted (a
    /// signal, a question declined) or stopped (`halted`: an error stopped it).
    pub fn end(&self, summary: &Summary, halted: bool, left: bool) -> std::io::Result<()> {
        let state = match (left, halted) {
            (false, _) => EndState::Finished,
            (true, true) => EndState::Stopped,
            (true, false) => EndState::Interrupted,
        };
        let _ending = self.ending.lock().unwrap_or_else(|e| e.into_inner());
        self.journal.lock().unwrap().end(summary, state)
    }

    /// What a second signal, which exits at once, leaves behind: the job recorded as
    /// interrupted (not crashed); the ids in flight stay marked for `--continue` to check.
    pub fn on_abort(&self) -> impl FnOnce() + Send + 'static {
        let dir = self.dir.clone();
        let summary = Summary {
            job: Some(self.id().to_string()),
            interrupted: true,
            ..Summary::default()
        };
        let ending = self.ending.clone();
        move || {
            let _ending = ending.lock().unwrap_or_else(|e| e.into_inner());
            // The run may have recorded its end already: that record is the whole account.
            if !dir.join("end.json").exists() {
                let _ = journal::write_end(&dir, &summary, EndState::Interrupted);
            }
        }
    }

    /// Removes the job again: it found nothing to do.
    pub fn discard(self) {
        let Job {
            journal,
            dir,
            watcher,
            ..
        } = self;
        drop(watcher);
        drop(journal);
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A journal error that says where the journal is.
pub fn in_journal(dir: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::other(format!(
        "cannot write the job journal in {}: {e}",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Source;
    use crate::bulk::action::Action;
    use crate::bulk::journal::{job_state, JobState, Mode, TargetRecord};

    fn record(job: &str) -> JobRecord {
        JobRecord {
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
            mode: Mode::Planned {
                parts: Vec::new(),
                canary: None,
            },
        }
    }

    #[test]
    fn how_a_run_ended_decides_what_dlq_jobs_says() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (false, false, JobState::Finished),
            (false, true, JobState::Finished),
            (true, false, JobState::Interrupted),
            (true, true, JobState::Stopped),
        ];
        for (i, (left, halted, want)) in cases.into_iter().enumerate() {
            let id = format!("delete-{i}");
            let (job, _) = Job::create(dir.path(), record(&id)).unwrap();
            assert_eq!(
                job.continue_line(&Places::default()),
                format!("continue with: dlq --base-url https://x delete --continue {id}")
            );
            job.end(&Summary::default(), halted, left).unwrap();
            drop(job);
            let state = job_state(&dir.path().join("jobs").join(&id)).unwrap().0;
            assert_eq!(state, want, "left {left}, halted {halted}");
        }
        // A second signal exits at once: the job says interrupted, not crashed.
        let (job, _) = Job::create(dir.path(), record("delete-x")).unwrap();
        let abort = job.on_abort();
        abort();
        drop(job);
        let state = job_state(&dir.path().join("jobs/delete-x")).unwrap().0;
        assert_eq!(state, JobState::Interrupted);
    }

    #[tokio::test]
    async fn a_job_that_ends_stops_watching() {
        let dir = tempfile::tempdir().unwrap();
        let (mut job, _) = Job::create(dir.path(), record("delete-w")).unwrap();
        let task = tokio::spawn(std::future::pending::<()>());
        let handle = task.abort_handle();
        job.watch(Watcher::new(task));
        assert!(!handle.is_finished());
        drop(job);
        tokio::task::yield_now().await;
        assert!(handle.is_finished());
    }
}
