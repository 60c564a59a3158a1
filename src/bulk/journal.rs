//! The journal of a bulk run: its frozen plan, then each chunk's outcomes as they finish.
//!
//! Kept in `<state dir>/jobs/<job>/`: `plan.json` (written atomically before anything is sent)
//! and `outcomes.ndjson` (appended and synced after every chunk). `--continue <job>` reads both
//! and does exactly the ids without a final outcome, so an interrupted or crashed run finishes
//! with every entry acted on once.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::outcome::{Outcome, Status};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRecord {
    pub job: String,
    pub action: Action,
    pub created_ms: i64,
    /// What the user selected, in words, for `--continue` to show.
    pub selection: String,
    pub ids: Vec<String>,
    /// Set for `--server-side` runs, which have a filter instead of ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side: Option<crate::api::Filter>,
}

pub struct Journal {
    pub dir: PathBuf,
    outcomes: File,
}

fn job_dir(state_dir: &Path, job: &str) -> PathBuf {
    state_dir.join("jobs").join(job)
}

/// A fresh job id: verb, UTC time, and a random suffix, e.g. `resume-20261122-153012-7f3a`.
pub fn new_job_id(action: &Action) -> String {
    let now = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
    format!("{}-{now}-{:04x}", action.verb.name(), rand::random::<u16>())
}

impl Journal {
    /// Writes the plan before anything is sent.
    pub fn create(state_dir: &Path, plan: &PlanRecord) -> std::io::Result<Journal> {
        let dir = job_dir(state_dir, &plan.job);
        std::fs::create_dir_all(&dir)?;
        let text = serde_json::to_vec(plan)?;
        crate::fsutil::write_atomic(&dir.join("plan.json"), &text, true)?;
        let outcomes = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("outcomes.ndjson"))?;
        Ok(Journal { dir, outcomes })
    }

    /// Opens an existing job: its plan, and the ids that already have a final outcome.
    pub fn open(
        state_dir: &Path,
        job: &str,
    ) -> std::io::Result<(PlanRecord, HashSet<String>, Journal)> {
        let dir = job_dir(state_dir, job);
        let plan: PlanRecord = serde_json::from_slice(&std::fs::read(dir.join("plan.json"))?)?;
        let path = dir.join("outcomes.ndjson");
        let mut finished = HashSet::new();
        if let Ok(f) = File::open(&path) {
            for line in BufReader::new(f).lines() {
                let line = line?;
                // A torn last line (a crash mid-write) is ignored: its ids are checked again.
                if let Ok(o) = serde_json::from_str::<Outcome>(&line) {
                    if o.outcome != Status::Failed {
                        finished.insert(o.dlq_id);
                    }
                }
            }
        }
        let outcomes = OpenOptions::new().create(true).append(true).open(path)?;
        Ok((plan, finished, Journal { dir, outcomes }))
    }

    /// Appends outcomes and syncs them to disk.
    pub fn record(&mut self, outcomes: &[Outcome]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        for o in outcomes {
            serde_json::to_writer(&mut buf, o)?;
            buf.push(b'\n');
        }
        self.outcomes.write_all(&buf)?;
        self.outcomes.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Source;
    use crate::bulk::action::Verb;

    #[test]
    fn continue_sees_what_was_finished() {
        let dir = tempfile::tempdir().unwrap();
        let action = Action {
            verb: Verb::Delete,
            source: Source::Qstash,
            overrides: Default::default(),
        };
        let plan = PlanRecord {
            job: new_job_id(&action),
            action,
            created_ms: 0,
            selection: "ids".into(),
            ids: vec!["a".into(), "b".into(), "c".into()],
            server_side: None,
        };
        let mut j = Journal::create(dir.path(), &plan).unwrap();
        j.record(&[
            Outcome::done("a"),
            Outcome::failed("b", Status::Failed, "x"),
        ])
        .unwrap();
        let (p, finished, _) = Journal::open(dir.path(), &plan.job).unwrap();
        assert_eq!(p.ids.len(), 3);
        assert!(finished.contains("a") && !finished.contains("b") && !finished.contains("c"));
    }
}
