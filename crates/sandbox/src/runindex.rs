//! The newest record of each workflow run, and the newest failure-callback call of each DLQ
//! entry, kept beside the store's `runs`: a callback looked both up by walking every record,
//! so re-running thousands of callbacks walked thousands of records each, under the store's lock.
//!
//! Derived, never saved: built up from the records as they are appended (what it reads of a
//! record, its run id, kind and DLQ id, never changes: a run triggered again replaces its
//! record in place with one of the same run id, never a callback's), so a store loaded from a
//! file or replaced wholesale starts it over.

use std::collections::HashMap;

/// What the index reads of a stored run record (`store::RunRecord`).
pub trait Record {
    fn run_id(&self) -> &str;
    /// The DLQ entry whose failure callback this record calls, if it is such a call.
    fn callback_of(&self) -> Option<&str>;
}

#[derive(Debug, Default)]
pub struct RunIndex {
    /// How many of the store's run records have been filed.
    filed: usize,
    by_run: HashMap<String, usize>,
    callback_by_dlq: HashMap<String, usize>,
}

impl RunIndex {
    fn catch_up(&mut self, runs: &[impl Record]) {
        for (i, r) in runs.iter().enumerate().skip(self.filed) {
            self.by_run.insert(r.run_id().to_string(), i);
            if let Some(dlq_id) = r.callback_of() {
                self.callback_by_dlq.insert(dlq_id.to_string(), i);
            }
        }
        self.filed = runs.len();
    }

    /// The newest record of workflow run `run_id`.
    pub fn newest(&mut self, runs: &[impl Record], run_id: &str) -> Option<usize> {
        self.catch_up(runs);
        self.by_run.get(run_id).copied()
    }

    /// The newest failure-callback call made for DLQ entry `dlq_id`.
    pub fn newest_callback(&mut self, runs: &[impl Record], dlq_id: &str) -> Option<usize> {
        self.catch_up(runs);
        self.callback_by_dlq.get(dlq_id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run record: its run id, and the DLQ entry it calls the callback of.
    struct Rec(&'static str, Option<&'static str>);

    impl Record for Rec {
        fn run_id(&self) -> &str {
            self.0
        }
        fn callback_of(&self) -> Option<&str> {
            self.1
        }
    }

    fn record(run: &'static str, kind: Kind, dlq: &'static str) -> Rec {
        Rec(run, (kind == Kind::Callback).then_some(dlq))
    }

    #[derive(PartialEq)]
    enum Kind {
        Seeded,
        Callback,
    }

    #[test]
    fn the_newest_record_wins_and_records_appended_later_are_found() {
        let mut runs = vec![
            record("wfr_a", Kind::Seeded, "1-0"),
            record("wfr_b", Kind::Seeded, "2-0"),
            record("wfr_a", Kind::Callback, "1-0"),
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

        runs.push(record("wfr_b", Kind::Callback, "2-0"));
        runs.push(record("wfr_a", Kind::Callback, "1-0"));
        assert_eq!(index.newest_callback(&runs, "2-0"), Some(3));
        assert_eq!(index.newest_callback(&runs, "1-0"), Some(4));
        assert_eq!(index.newest(&runs, "wfr_a"), Some(4));
    }
}
