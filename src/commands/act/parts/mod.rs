//! What only some verbs bring to a job: a backup (delete, republish), a canary and `--verify`
//! (the verbs that create messages or runs), rebuilt messages (republish), the runs whose
//! callbacks are judged (callback). A verb hands the driver its [`Part`]s; the driver calls
//! all of them at each of its seams, and never asks which verb it drives:
//!
//! - the selection is checked before any request (`refuse_*`);
//! - a new job is staged as it is planned ([`Part::stage`] gives a [`Staging`]): each entry
//!   found, the plan shown and asked about, then committed with the job's journal, or undone
//!   by the guard of a start that did not happen (`act::starting`);
//! - a run gets what its engine needs ([`Engaged`]): from the staging when the job is new,
//!   from the job's journal when it is continued ([`Part::reopen`]).
//!
//! The parts every verb may add live here; a part only one verb has lives with that verb.

mod backup;
mod follow;

pub use backup::Backup;
pub use follow::Follow;

use std::io::{self, Write};
use std::path::Path;

use futures::future::BoxFuture;

use crate::api::{Client, Entry};
use crate::args::follow::VerifyArgs;
use crate::bulk::exec::{Engine, Noting};
use crate::bulk::job::Job;
use crate::bulk::journal::{claims::Held, State};
use crate::bulk::outcome::Summary;
use crate::bulk::plan::Plan;
use crate::cmdline::CommandLine;
use crate::error::{CliError, Result};

/// A verb's own part of a job, as the verb was given it.
pub trait Part: Sync {
    /// `--verify` and `--canary` as given: the steps after acting. None: nothing to follow.
    fn follow(&self) -> Option<&VerifyArgs> {
        None
    }
    /// Whether entries may be acted on as they are listed, with no whole plan first.
    fn pipelines(&self) -> bool {
        true
    }
    /// Refuses on a new job what only `--continue` takes.
    fn refuse_new(&self) -> Result<()> {
        Ok(())
    }
    /// Refuses what a `--server-side` run (no plan, no per-entry account) cannot do.
    fn refuse_server_side(&self) -> Result<()> {
        Ok(())
    }
    /// Refuses what would change the job `--continue` reopens.
    fn refuse_continue(&self) -> Result<()> {
        Ok(())
    }
    /// Checks on the server before planning: once, not once per entry.
    fn check<'s>(&'s self, _api: &'s Client) -> BoxFuture<'s, Result<()>> {
        Box::pin(async { Ok(()) })
    }
    /// Starts staging a new job (`dry_run`: nothing will change, so nothing is kept).
    fn stage(&self, _dry_run: bool) -> Result<Option<Box<dyn Staging + '_>>> {
        Ok(None)
    }
    /// A continued job's part of its run, from its journal.
    fn reopen(&self, _job: &Job, _state: &State) -> Result<Option<Box<dyn Engaged>>> {
        Ok(None)
    }
}

/// What a part makes for a job being started: kept when the job starts, undone otherwise.
pub trait Staging: Send {
    /// Entries planned, as they are found; an error gives up the plan.
    fn found(&mut self, _entries: &[Entry]) -> Result<()> {
        Ok(())
    }
    /// What gave up the plan whatever the listing found: then nothing may be sent.
    fn given_up(&self) -> Result<()> {
        Ok(())
    }
    /// The plan is whole: what is kept of it.
    fn planned(&mut self, _plan: &Plan) -> Result<()> {
        Ok(())
    }
    /// What the plan shows besides its entries, `max` columns wide.
    fn preview(&self, _max: usize) -> Option<String> {
        None
    }
    /// A dry run's stdout, when the part shows the changes themselves.
    fn print_changes(&self, _w: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    /// How many entries the question asks about, when fewer than planned are acted on.
    fn asked(&self) -> Option<usize> {
        None
    }
    /// What the question says besides the counts, e.g. ` (backup: 12 entries in gone.ndjson)`.
    fn kept(&self) -> Option<String> {
        None
    }
    /// Entries planned that will not be acted on (refused in the plan).
    fn refused(&self) -> usize {
        0
    }
    /// A line for after the results.
    fn note(&self) -> Option<String> {
        None
    }
    /// Entries another job claimed meanwhile: they are not this job's.
    fn leave(&mut self, _held: &Held) {}
    /// The job is recorded: what is frozen with it, and what its runs need.
    fn commit(&mut self, _job: &Job) -> io::Result<Option<Box<dyn Engaged>>> {
        Ok(None)
    }
    /// The job will not start: what was made for it goes.
    fn undo(&mut self) {}
}

/// A part's share of a run: how its engine is set up, and what the account says of it.
pub trait Engaged: Send + Sync {
    /// Sets up an engine of the run; `noting` journals steps before the engine goes past them.
    fn arm<'e>(&'e self, _engine: &mut Engine<'e>, _noting: Noting<'e>) {}
    /// Entries listed and about to be acted on (a pipelined run).
    fn listed(&self, _engine: &Engine<'_>, _entries: &[&Entry]) {}
    /// A line for a run that left entries: what the journal says of them.
    fn left(&self, _state_dir: &Path, _job: &Job) -> Option<String> {
        None
    }
    /// The error of a run that left entries unconfirmed; `show` is the `jobs show` line.
    fn unconfirmed(&self, _s: &Summary, _show: &CommandLine) -> Option<CliError> {
        None
    }
}

/// A verb's parts, in the order their words are preferred.
#[derive(Default)]
pub struct Parts<'a>(Vec<Box<dyn Part + 'a>>);

impl<'a> Parts<'a> {
    pub fn with(mut self, part: impl Part + 'a) -> Self {
        self.0.push(Box::new(part));
        self
    }

    pub fn follow(&self) -> Option<&VerifyArgs> {
        self.0.iter().find_map(|p| p.follow())
    }

    pub fn pipelines(&self) -> bool {
        self.0.iter().all(|p| p.pipelines())
    }

    pub fn refuse_new(&self) -> Result<()> {
        self.0.iter().try_for_each(|p| p.refuse_new())
    }

    pub fn refuse_server_side(&self) -> Result<()> {
        self.0.iter().try_for_each(|p| p.refuse_server_side())
    }

    pub fn refuse_continue(&self) -> Result<()> {
        self.0.iter().try_for_each(|p| p.refuse_continue())
    }

    pub async fn check(&self, api: &Client) -> Result<()> {
        for p in &self.0 {
            p.check(api).await?;
        }
        Ok(())
    }

    pub fn stage(&self, dry_run: bool) -> Result<Staged<'_>> {
        let mut staged = Staged::default();
        for p in &self.0 {
            // Staged as they come: a later part that fails leaves the guard its undo.
            match p.stage(dry_run) {
                Ok(s) => staged.0.extend(s),
                Err(e) => {
                    staged.undo();
                    return Err(e);
                }
            }
        }
        Ok(staged)
    }

    pub fn reopen(&self, job: &Job, state: &State) -> Result<Engagements> {
        let mut engaged = Engagements::default();
        for p in &self.0 {
            engaged.0.extend(p.reopen(job, state)?);
        }
        Ok(engaged)
    }
}

/// The stagings of a job being started.
#[derive(Default)]
pub struct Staged<'a>(Vec<Box<dyn Staging + 'a>>);

impl<'a> Staged<'a> {
    /// Stagings made elsewhere than by a verb's parts (tests).
    #[cfg(test)]
    pub fn of(stagings: Vec<Box<dyn Staging + 'a>>) -> Staged<'a> {
        Staged(stagings)
    }

    pub fn found(&mut self, entries: &[Entry]) -> Result<()> {
        self.0.iter_mut().try_for_each(|s| s.found(entries))
    }

    pub fn given_up(&self) -> Result<()> {
        self.0.iter().try_for_each(|s| s.given_up())
    }

    pub fn planned(&mut self, plan: &Plan) -> Result<()> {
        self.0.iter_mut().try_for_each(|s| s.planned(plan))
    }

    pub fn preview(&self, max: usize) -> Option<String> {
        self.0.iter().find_map(|s| s.preview(max))
    }

    pub fn print_changes(&self, w: &mut dyn Write) -> io::Result<()> {
        self.0.iter().try_for_each(|s| s.print_changes(w))
    }

    pub fn asked(&self) -> Option<usize> {
        self.0.iter().find_map(|s| s.asked())
    }

    pub fn kept(&self) -> Option<String> {
        self.0.iter().find_map(|s| s.kept())
    }

    pub fn refused(&self) -> usize {
        self.0.iter().map(|s| s.refused()).sum()
    }

    pub fn note(&self) -> Option<String> {
        self.0.iter().find_map(|s| s.note())
    }

    pub fn leave(&mut self, held: &Held) {
        self.0.iter_mut().for_each(|s| s.leave(held));
    }

    pub fn commit(&mut self, job: &Job) -> io::Result<Engagements> {
        let mut engaged = Engagements::default();
        for s in &mut self.0 {
            engaged.0.extend(s.commit(job)?);
        }
        Ok(engaged)
    }

    pub fn undo(&mut self) {
        self.0.iter_mut().for_each(|s| s.undo());
    }
}

/// The parts' shares of a run.
#[derive(Default)]
pub struct Engagements(Vec<Box<dyn Engaged>>);

impl Engagements {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn arm<'e>(&'e self, engine: &mut Engine<'e>, noting: Noting<'e>) {
        self.0.iter().for_each(|e| e.arm(engine, noting));
    }

    pub fn listed(&self, engine: &Engine<'_>, entries: &[&Entry]) {
        self.0.iter().for_each(|e| e.listed(engine, entries));
    }

    pub fn left(&self, state_dir: &Path, job: &Job) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|e| e.left(state_dir, job))
            .collect()
    }

    pub fn unconfirmed(&self, s: &Summary, show: &CommandLine) -> Option<CliError> {
        self.0.iter().find_map(|e| e.unconfirmed(s, show))
    }
}
