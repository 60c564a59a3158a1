//! `--backup FILE` (delete, republish): every planned entry is written to the file, and
//! synced, before the plan is shown; if that fails, nothing is sent. The file is new (a
//! backup never replaces an earlier one), and goes again when the job does not start.

use std::path::{Path, PathBuf};

use super::{Part, Staging};
use crate::api::Entry;
use crate::bulk::archive::EntryFile;
use crate::bulk::plan::Plan;
use crate::error::{CliError, Result};

/// A verb's backup: where to (None: not asked for).
pub struct Backup<'a> {
    path: Option<&'a Path>,
    /// What the question says when none was asked for (delete: how to keep a copy).
    unasked: Option<&'static str>,
}

impl<'a> Backup<'a> {
    /// A backup to `path`, if one was asked for.
    pub fn to(path: Option<&'a Path>) -> Backup<'a> {
        Backup {
            path,
            unasked: None,
        }
    }

    /// The same, and the question says how to keep a copy when none was asked for.
    pub fn offered(path: Option<&'a Path>) -> Backup<'a> {
        Backup {
            path,
            unasked: Some(" (no backup: --backup FILE keeps a copy)"),
        }
    }
}

impl Part for Backup<'_> {
    fn pipelines(&self) -> bool {
        self.path.is_none()
    }

    fn refuse_server_side(&self) -> Result<()> {
        match self.path {
            Some(_) => Err(CliError::usage("--server-side has no plan and no per-entry account: drop --report/--dry-run/--backup, or drop --server-side")),
            None => Ok(()),
        }
    }

    fn refuse_continue(&self) -> Result<()> {
        match self.path {
            Some(_) => Err(CliError::usage(
                "the backup was written by the run that started the job: drop --backup",
            )),
            None => Ok(()),
        }
    }

    fn stage(&self, dry_run: bool) -> Result<Option<Box<dyn Staging + '_>>> {
        let state = match self.path {
            // A dry run changes nothing, so it needs no backup.
            Some(_) if dry_run => return Ok(None),
            Some(path) => {
                Written::Writing(EntryFile::create_new(path).map_err(|e| backup_err(path, &e))?)
            }
            None => Written::Unasked(self.unasked),
        };
        Ok(Some(Box::new(Staged { state })))
    }
}

/// Where a backup stands while its job is started.
enum Written {
    Unasked(Option<&'static str>),
    Writing(EntryFile),
    /// On disk, synced: `n` entries.
    Kept {
        path: PathBuf,
        n: u64,
    },
    Gone,
}

struct Staged {
    state: Written,
}

impl Staging for Staged {
    fn found(&mut self, entries: &[Entry]) -> Result<()> {
        match &mut self.state {
            Written::Writing(f) => f
                .write(entries, false)
                .map_err(|e| backup_err(f.path(), &e)),
            _ => Ok(()),
        }
    }

    fn planned(&mut self, plan: &Plan) -> Result<()> {
        self.state = match std::mem::replace(&mut self.state, Written::Gone) {
            Written::Writing(f) => {
                let path = f.path().to_path_buf();
                let n = f.commit().map_err(|e| backup_err(&path, &e))?;
                Written::Kept { path, n }
            }
            other => other,
        };
        if plan.is_empty() {
            // Nothing will be acted on: the empty backup goes too.
            self.undo();
        }
        Ok(())
    }

    fn kept(&self) -> Option<String> {
        match &self.state {
            Written::Unasked(said) => said.map(str::to_string),
            Written::Kept { .. } => self.note().map(|n| format!(" ({n})")),
            _ => None,
        }
    }

    fn note(&self) -> Option<String> {
        match &self.state {
            Written::Kept { path, n } => Some(format!("backup: {n} entries in {}", path.display())),
            _ => None,
        }
    }

    fn undo(&mut self) {
        match std::mem::replace(&mut self.state, Written::Gone) {
            Written::Writing(f) => f.abandon(),
            Written::Kept { path, .. } => {
                let _ = std::fs::remove_file(path);
            }
            _ => {}
        }
    }
}

fn backup_err(path: &Path, e: &std::io::Error) -> CliError {
    let err = CliError::failure(format!(
        "cannot write the backup {}: {e}; nothing was changed",
        path.display()
    ));
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        err.hint("a backup never replaces an earlier one: choose a new file name")
    } else {
        err.hint("choose a writable place for --backup")
    }
}
