//! `--report FILE`: one JSON line per entry, after a header line that names the job and its
//! target.
//!
//! The file is opened and its header written (and synced) before the first mutation, so a
//! report that cannot be written stops the run before anything changed. A new run never
//! overwrites an existing file; `--continue` appends to its job's report by design.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
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
    /// Opens `path`: a new file for a new run; for `--continue`, an existing one is appended to.
    pub fn open(path: &Path, continuing: bool) -> Result<Report> {
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
    pub fn header(
        &mut self,
        job: &str,
        verb: &str,
        target: &Target,
        continued: bool,
    ) -> Result<()> {
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

    /// Removes a report this run created when the run never started (declined, refused).
    pub fn discard(self) {
        if self.created {
            drop(self.w);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn report_err(path: &Path, e: &std::io::Error) -> CliError {
    CliError::failure(format!("cannot write the report {}: {e}", path.display()))
}
