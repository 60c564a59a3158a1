//! `--report FILE`: one JSON line per entry, after a header line that names the job and its
//! target.
//!
//! The file is opened and its header written (and synced) before the first mutation, so a
//! report that cannot be written stops the run before anything changed. A new run never
//! overwrites an existing file; `--continue` appends to its job's own report (the file whose
//! first line names the job) and to no other file.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::{CliError, Result};
use crate::target::Target;

pub struct Report {
    path: PathBuf,
    w: BufWriter<File>,
    /// Created by this run (and removed again if the run never starts).
    created: bool,
}

impl Report {
    /// A new report for a new run, its header written: never over an existing file.
    pub fn create(path: &Path, job: &str, verb: &str, target: &Target) -> Result<Report> {
        let mut r = Report::open(path, false)?;
        if let Err(e) = r.header(job, verb, target, false) {
            r.discard();
            return Err(e);
        }
        Ok(r)
    }

    /// The report of a continued job: its own report appended to, or a new file. Any other
    /// existing file (another job's report, anything else) is refused.
    pub fn resume(path: &Path, job: &str, verb: &str, target: &Target) -> Result<Report> {
        if path.exists() && !names_job(path, job) {
            return Err(CliError::usage(format!(
                "{} is not the report of job {job}: --continue appends only to its job's own report",
                path.display()
            ))
            .hint("give the file the job started with, or a new file name"));
        }
        let mut r = Report::open(path, true)?;
        r.header(job, verb, target, true)?;
        Ok(r)
    }

    /// Opens `path`: a new file for a new run; for `--continue`, an existing one is appended to.
    fn open(path: &Path, continuing: bool) -> Result<Report> {
        let mut opts = OpenOptions::new();
        opts.write(true);
        let exists = path.exists();
        if continuing && exists {
            opts.append(true);
        } else {
            opts.create_new(true);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let f = opts.open(path).map_err(|e| {
            let err = report_err(path, &e);
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                err.hint("a report is never overwritten: choose a new file name (--continue appends to its job's report)")
            } else {
                err
            }
        })?;
        Ok(Report {
            path: path.to_path_buf(),
            w: BufWriter::new(f),
            created: !exists,
        })
    }

    /// The first line: which job, which verb, which server. Synced, so a report that cannot be
    /// written is found out now, before anything is sent.
    fn header(&mut self, job: &str, verb: &str, target: &Target, continued: bool) -> Result<()> {
        let line = json!({
            "report": "dlq",
            "job": job,
            "verb": verb,
            "continued": continued,
            "target": target.describe(),
            "baseUrl": if target.sandbox { None } else { Some(&target.url.value) },
            "profile": target.profile,
            "sandbox": target.sandbox,
            "at": jiff::Timestamp::now().to_string(),
        });
        self.write_synced(&[line])
    }

    /// Appends lines: outcomes as they come, verifications after them.
    pub fn write<T: serde::Serialize>(&mut self, lines: &[T]) -> Result<()> {
        self.write_synced(lines)
    }

    fn write_synced<T: serde::Serialize>(&mut self, lines: &[T]) -> Result<()> {
        let result = (|| {
            for l in lines {
                crate::json::line(&mut self.w, l)?;
            }
            self.w.flush()?;
            self.w.get_ref().sync_data()
        })();
        result.map_err(|e| report_err(&self.path, &e))
    }

    /// The last line of a pipelined job that left matches dated after its start: how many,
    /// and after when. Not an entry's line: it has no `dlqId`.
    pub fn newer(&mut self, job: &str, n: &crate::bulk::outcome::Newer) -> Result<()> {
        let line = json!({
            "job": job,
            "newer": n,
            "after": jiff::Timestamp::from_millisecond(n.after_ms)
                .map(|t| t.to_string())
                .unwrap_or_default(),
        });
        self.write_synced(&[line])
    }

    /// Appends the outcomes the job's journal holds and its own report lacks. The journal is
    /// written first, so a run killed between the two left them out of the report, and
    /// `--continue` does not act on them again: without this their lines would be missing.
    /// Only for the job's own existing report; returns how many were added.
    pub fn fill_gaps<'a>(
        &mut self,
        journaled: impl IntoIterator<Item = &'a crate::bulk::outcome::Outcome>,
    ) -> Result<usize> {
        if self.created {
            return Ok(0);
        }
        let text = std::fs::read_to_string(&self.path).map_err(|e| report_err(&self.path, &e))?;
        let have: std::collections::HashSet<String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["dlqId"].as_str().map(String::from))
            .collect();
        let mut missing: Vec<_> = journaled
            .into_iter()
            .filter(|o| !have.contains(&o.dlq_id))
            .collect();
        missing.sort_by(|a, b| a.dlq_id.cmp(&b.dlq_id));
        self.write_synced(&missing)?;
        Ok(missing.len())
    }

    /// Removes a report this run created, if there is one, when the run never started.
    pub fn discard_opt(report: Option<Report>) {
        if let Some(r) = report {
            r.discard();
        }
    }

    /// Removes a report this run created when the run never started (declined, refused).
    pub fn discard(self) {
        if self.created {
            drop(self.w);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether the file's first line is a dlq report header naming `job`.
fn names_job(path: &Path, job: &str) -> bool {
    use std::io::BufRead;
    let Ok(f) = File::open(path) else {
        return false;
    };
    let mut first = String::new();
    // A header is one short line: a long first line is no header.
    let mut reader = std::io::BufReader::new(f).take(64 * 1024);
    if reader.read_line(&mut first).is_err() {
        return false;
    }
    serde_json::from_str::<serde_json::Value>(&first)
        .is_ok_and(|v| v["report"] == "dlq" && v["job"] == job)
}

fn report_err(path: &Path, e: &std::io::Error) -> CliError {
    CliError::failure(format!("cannot write the report {}: {e}", path.display()))
}
