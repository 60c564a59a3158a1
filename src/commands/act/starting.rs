//! A job being started, and the one guard that undoes it. Until a job starts, whatever was
//! made for it (its report, its backup, its journal and with it the claim on its entries)
//! is taken back when the guard is dropped: a refusal, a declined question, an error or an
//! interrupt anywhere between the first file and the run leave nothing behind.

use super::parts::{Engagements, Staged};
use super::report::Report;
use crate::bulk::job::Job;

/// What a start has made so far; dropped uncommitted, it is all undone.
pub struct Starting<'p> {
    report: Option<Report>,
    staged: Staged<'p>,
    job: Option<Job>,
}

/// A job that started: nothing of it is undone any more.
pub struct Started {
    pub job: Job,
    pub report: Option<Report>,
    /// What the verb's parts give its runs.
    pub engaged: Engagements,
    /// A line for after the results (the backup's).
    pub note: Option<String>,
}

impl<'p> Starting<'p> {
    /// A start with its report (created, so removed again if the job does not start).
    pub fn new(report: Option<Report>) -> Starting<'p> {
        Starting {
            report,
            staged: Staged::default(),
            job: None,
        }
    }

    /// The verb's parts of the job, staged: undone with the rest.
    pub fn stage(&mut self, staged: Staged<'p>) {
        self.staged = staged;
    }

    pub fn staged(&self) -> &Staged<'p> {
        &self.staged
    }

    pub fn staged_mut(&mut self) -> &mut Staged<'p> {
        &mut self.staged
    }

    pub fn report_mut(&mut self) -> Option<&mut Report> {
        self.report.as_mut()
    }

    /// The job's journal exists (and claims its entries): discarded with the rest.
    pub fn journal(&mut self, job: Job) -> &Job {
        self.job.insert(job)
    }

    /// The job starts: what its parts freeze with it is written, and from here on nothing is
    /// undone. An error leaves the guard to undo it all.
    pub fn commit(mut self) -> std::io::Result<Started> {
        let job = self
            .job
            .as_ref()
            .expect("a job is journaled before it starts");
        let engaged = self.staged.commit(job)?;
        let note = self.staged.note();
        // Kept from here on: the backup stays with the job.
        self.staged = Staged::default();
        Ok(Started {
            job: self.job.take().expect("journaled"),
            report: self.report.take(),
            engaged,
            note,
        })
    }

    /// Ends with no job, keeping what was written (a report of ids none of which was found).
    pub fn keep(mut self) {
        drop(self.report.take());
        self.staged = Staged::default();
    }
}

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        if let Some(job) = self.job.take() {
            job.discard();
        }
        Report::discard_opt(self.report.take());
        self.staged.undo();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::bulk::action::Verb;
    use crate::bulk::journal::{claims, jobs_dir, tests::planned};
    use crate::commands::act::parts::{Engaged, Staging};

    /// A part's staging that says whether it was undone.
    struct Marked(Arc<AtomicBool>);

    impl Staging for Marked {
        fn undo(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }

        fn commit(&mut self, _job: &Job) -> std::io::Result<Option<Box<dyn Engaged>>> {
            Ok(None)
        }
    }

    /// A start with a journal on two entries and a marked staging; the journal's target.
    fn started_on(
        dir: &std::path::Path,
        job: &str,
    ) -> (
        Starting<'static>,
        Arc<AtomicBool>,
        crate::bulk::journal::TargetRecord,
    ) {
        let record = planned(Verb::Delete, job, &["1-0".to_string(), "1-1".to_string()]);
        let target = record.target.clone();
        let (created, refused) = Job::create(dir, record).unwrap();
        assert!(refused.is_empty());
        let undone = Arc::new(AtomicBool::new(false));
        let mut starting = Starting::new(None);
        starting.stage(Staged::of(vec![Box::new(Marked(undone.clone()))]));
        starting.journal(created);
        (starting, undone, target)
    }

    #[test]
    fn a_start_dropped_before_it_commits_leaves_no_journal_no_claim_and_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let (starting, undone, target) = started_on(dir.path(), "delete-dropped");
        assert_eq!(claims::held(dir.path(), &target, "").len(), 2);
        drop(starting);
        assert!(undone.load(Ordering::SeqCst), "the staging was not undone");
        assert!(claims::held(dir.path(), &target, "").is_empty());
        assert_eq!(std::fs::read_dir(jobs_dir(dir.path())).unwrap().count(), 0);
    }

    #[test]
    fn a_committed_start_keeps_its_journal_its_claim_and_its_staging() {
        let dir = tempfile::tempdir().unwrap();
        let (starting, undone, target) = started_on(dir.path(), "delete-kept");
        let started = starting.commit().unwrap();
        assert!(
            !undone.load(Ordering::SeqCst),
            "a committed staging was undone"
        );
        assert_eq!(started.job.id(), "delete-kept");
        assert_eq!(claims::held(dir.path(), &target, "").len(), 2);
    }
}
