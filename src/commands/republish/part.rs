//! Republish's own part of a job: each planned entry's new message, built as the plan is made
//! (refusals shown before anything is sent) and written at once to a file that is frozen with
//! the job, so `--continue` sends these and nothing else, and the ledger of what was published
//! that the engine keeps. Neither the plan nor the run holds every message
//! ([`crate::bulk::frozen`]).

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use futures::future::BoxFuture;

use super::super::act::parts::{Engaged, Part, Staging};
use crate::api::{Client, Entry};
use crate::bulk::exec::{Engine, Noting};
use crate::bulk::frozen::{Freezing, Frozen};
use crate::bulk::job::Job;
use crate::bulk::journal::{claims::Held, State};
use crate::bulk::outcome::Summary;
use crate::bulk::rebuild::edit::Edits;
use crate::bulk::rebuild::rebuilt::Rebuilt;
use crate::bulk::republish::Republishing;
use crate::cmdline::CommandLine;
use crate::error::{CliError, Kind, Result};
use crate::output::republish_view::{preview_text, print_changes};
use crate::text::safe;

/// What each entry's new message changes; the messages are staged under `state_dir`.
pub struct Rebuild<'a> {
    pub edits: &'a Edits,
    pub state_dir: &'a Path,
}

impl Part for Rebuild<'_> {
    /// Each entry's message is built in the plan, refusals shown before acting.
    fn pipelines(&self) -> bool {
        false
    }

    fn refuse_server_side(&self) -> Result<()> {
        Err(CliError::usage(
            "republish publishes each entry's own new message: it has no server-side form; drop --server-side",
        ))
    }

    /// A URL group that is not there would fail every publish: said once, before the plan.
    fn check<'s>(&'s self, api: &'s Client) -> BoxFuture<'s, Result<()>> {
        Box::pin(async move {
            let Some(group) = self.edits.url_group() else {
                return Ok(());
            };
            if api.url_group_exists(group).await? {
                return Ok(());
            }
            Err(CliError::failure(format!(
                "there is no URL group {} on the server; nothing was changed",
                safe(group)
            ))
            .hint("`--to-url-group` names an existing group: create it (or its endpoints) first"))
        })
    }

    fn stage(&self, dry_run: bool) -> Result<Option<Box<dyn Staging + '_>>> {
        // A dry run sends nothing, so it freezes nothing.
        let frozen = match dry_run {
            true => None,
            false => Some(Freezing::create(self.state_dir).map_err(|e| messages_err(&e))?),
        };
        Ok(Some(Box::new(Building {
            edits: self.edits,
            rebuilt: Rebuilt::new(dry_run),
            frozen,
            leave: HashSet::new(),
        })))
    }

    /// The messages as planned, and what the journal says was published and when.
    fn reopen(&self, job: &Job, state: &State) -> Result<Option<Box<dyn Engaged>>> {
        let frozen = Frozen::open(job.dir()).map_err(|e| {
            CliError::failure(format!("cannot read the messages of job {}: {e}", job.id()))
                .hint("the job's directory was changed by hand: its messages are gone")
        })?;
        // Only what is left matters: a settled entry is never sent nor deleted again.
        let left = |id: &String| !state.finished(id);
        let republishing = Republishing::new(
            frozen,
            state.published.iter().filter(|p| left(&p.dlq_id)).cloned(),
            state
                .first_sent
                .iter()
                .filter(|(id, _)| left(id))
                .map(|(id, at)| (id.clone(), *at))
                .collect(),
        );
        Ok(Some(Box::new(Sending(
            republishing.with_batch(self.edits.batch),
        ))))
    }
}

/// The new messages of the entries planned so far: on disk (`frozen`, none for a dry run),
/// and what the plan shows of them.
struct Building<'a> {
    edits: &'a Edits,
    rebuilt: Rebuilt,
    frozen: Option<Freezing>,
    /// Planned entries another job claimed meanwhile: left out of the job's messages.
    leave: HashSet<String>,
}

impl Staging for Building<'_> {
    fn found(&mut self, entries: &[Entry]) -> Result<()> {
        for e in entries {
            let line = self.rebuilt.add(self.edits, e);
            if let (Some(line), Some(f)) = (line, self.frozen.as_mut()) {
                f.add(&line).map_err(|e| messages_err(&e))?;
            }
        }
        Ok(())
    }

    /// A body edit that never ended gave up the plan: nothing may be sent.
    fn given_up(&self) -> Result<()> {
        match self.edits.stopped() {
            Some(why) => Err(CliError::usage(format!("{why}; nothing was changed")).hint(
                "try the expression on one body first: dlq get ID -o json | jq '.body | fromjson | EXPR'",
            )),
            None => Ok(()),
        }
    }

    fn preview(&self, max: usize) -> Option<String> {
        Some(preview_text(&self.rebuilt, max))
    }

    fn print_changes(&self, mut w: &mut dyn Write) -> io::Result<()> {
        print_changes(&mut w, &self.rebuilt)
    }

    /// A republish asks about what it will send; the refused are said apart.
    fn asked(&self) -> Option<usize> {
        Some(self.rebuilt.ready())
    }

    fn kept(&self) -> Option<String> {
        let refused = self.rebuilt.refused;
        (refused > 0).then(|| format!(" ({refused} more refused, left in the DLQ)"))
    }

    fn refused(&self) -> usize {
        self.rebuilt.refused
    }

    fn leave(&mut self, held: &Held) {
        self.leave.extend(held.keys().cloned());
    }

    /// The messages are frozen with the job: `--continue` sends these and nothing else.
    fn commit(&mut self, job: &Job) -> io::Result<Option<Box<dyn Engaged>>> {
        let f = self
            .frozen
            .take()
            .expect("only a plan that is run is committed");
        f.commit(job.dir(), &self.leave)?;
        let republishing = Republishing::new(Frozen::open(job.dir())?, [], Default::default());
        Ok(Some(Box::new(Sending(
            republishing.with_batch(self.edits.batch),
        ))))
    }

    /// The job does not start: its staged messages go.
    fn undo(&mut self) {
        self.frozen = None;
    }
}

fn messages_err(e: &io::Error) -> CliError {
    CliError::failure(format!(
        "cannot write the job's messages: {e}; nothing was changed"
    ))
    .hint("check the state directory (DLQ_STATE_DIR) is writable and has room")
}

/// Each entry's new message and what was published so far, for the engine.
struct Sending(Republishing);

impl Engaged for Sending {
    fn arm<'e>(&'e self, engine: &mut Engine<'e>, noting: Noting<'e>) {
        engine.republish = Some((&self.0, noting));
    }

    fn left(&self, state_dir: &Path, job: &Job) -> Option<String> {
        let info = crate::bulk::journal::info(state_dir, job.id()).ok()?;
        (info.published_left > 0).then(|| {
            format!(
                "{} of the entries left were published already: --continue deletes them \
                 without publishing again",
                info.published_left
            )
        })
    }

    fn unconfirmed(&self, s: &Summary, show: &CommandLine) -> Option<CliError> {
        let n = s.unconfirmed;
        (n > 0).then(|| {
            let one = n == 1;
            CliError::new(
                Kind::Partial,
                format!(
                    "{} unconfirmed: the reply to {} publish was lost longer ago than the service \
                     deduplicates, so {} not sent again and {} in the DLQ",
                    if one { "1 entry is".to_string() } else { format!("{n} entries are") },
                    if one { "its" } else { "each one's" },
                    if one { "it was" } else { "they were" },
                    if one { "stays" } else { "stay" },
                ),
            )
            .hint(format!(
                "the outcomes marked unconfirmed (or --report FILE) say which; check their destinations, then delete or republish them (`{show}` counts them)"
            ))
        })
    }
}
