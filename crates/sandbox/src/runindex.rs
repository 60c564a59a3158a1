//! The newest record of each workflow run, and the newest failure-callback call of each DLQ
//! entry, kept beside the store's `runs`: a callback looked both up by walking every record,
//! so re-running thousands of callbacks walked thousands of records each, under the store's lock.
//!
//! Derived, never saved: built up from the records as they are appended (what it reads of a
//! record, its run id, kind and DLQ id, never changes: a run triggered again replaces its
//! record in place with one of the same run id, never a callback's), so a store loaded from a
//! file or replaced wholesale starts it over.

use std::collections::HashMap;

use super::states::RunKind;
use super::store::RunRecord;

#[derive(Debug, Default)]
pub struct RunIndex {
    /// How many of the store's run records have been filed.
    filed: usize,
    by_run: HashMap<String, usize>,
    callback_by_dlq: HashMap<String, usize>,
}

impl RunIndex {
    fn catch_up(&mut self, runs: &[RunRecord]) {
        for (i, r) in runs.iter().enumerate().skip(self.filed) {
            self.by_run.insert(r.workflow_run_id.clone(), i);
            if r.kind == RunKind::Callback {
                self.callback_by_dlq.insert(r.from_dlq_id.clone(), i);
            }
        }
        self.filed = runs.len();
    }

    /// The newest record of workflow run `run_id`.
    pub fn newest(&mut self, runs: &[RunRecord], run_id: &str) -> Option<usize> {
        self.catch_up(runs);
        self.by_run.get(run_id).copied()
    }

    /// The newest failure-callback call made for DLQ entry `dlq_id`.
    pub fn newest_callback(&mut self, runs: &[RunRecord], dlq_id: &str) -> Option<usize> {
        self.catch_up(runs);
        self.callback_by_dlq.get(dlq_id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::states::RunState;

    fn record(run: &str, kind: RunKind, dlq: &str) -> RunRecord {
        RunRecord {
            workflow_run_id: run.into(),
            workflow_created_at: 1,
            started_at: 1,
            kind,
            from_dlq_id: dlq.into(),
            from_run_id: run.into(),
            workflow_url: "https://x.example/wf".into(),
            steps_kept: Vec::new(),
            steps_total: 0,
            overrides: Default::default(),
            config: serde_json::Value::Null,
            state: RunState::Failed,
            completed_at: None,
            dlq_id: None,
            attempts: 0,
            steps: Vec::new(),
            failure_function: None,
            caller_ip: None,
            origin: None,
            exec: None,
        }
    }

    #[test]
    fn the_newest_record_wins_and_records_appended_later_are_found() {
        let mut runs = vec![
            record("wfr_a", RunKind::Seeded, "1-0"),
            record("wfr_b", RunKind::Seeded, "2-0"),
            record("wfr_a", RunKind::Callback, "1-0"),
        ];
        let mut index = RunIndex::default();
        assert_eq!(index.newest(&runs, "wfr_a"), Some(2));
        assert_eq!(index.newest(&runs, "wfr_b"), Some(1));
        assert_eq!(index.newest_callback(&runs, "1-0"), Some(2));
        assert_eq!(
            index.newest_callback(&runs, "2-0"),
            None,
            "a seeded run is no call"
        );
        assert_eq!(index.newest(&runs, "wfr_none"), None);

        runs.push(record("wfr_b", RunKind::Callback, "2-0"));
        runs.push(record("wfr_a", RunKind::Callback, "1-0"));
        assert_eq!(index.newest_callback(&runs, "2-0"), Some(3));
        assert_eq!(index.newest_callback(&runs, "1-0"), Some(4));
        assert_eq!(index.newest(&runs, "wfr_a"), Some(4));
    }
}
