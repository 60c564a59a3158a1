//! Republish's own part of a job: each planned entry's new message, built as the plan is made
//! (refusals shown before anything is sent), frozen with the job so `--continue` sends these
//! and nothing else, and the ledger of what was published that the engine keeps.

use std::io::{self, Write};
use std::path::Path;

use futures::future::BoxFuture;

use super::super::act::parts::{Engaged, Part, Staging};
use crate::api::{Client, Entry};
use crate::bulk::exec::{Engine, Noting};
use crate::bulk::job::Job;
use crate::bulk::journal::{claims::Held, State};
use crate::bulk::outcome::Summary;
use crate::bulk::rebuild::edit::Edits;
use crate::bulk::rebuild::rebuilt::Rebuilt;
use crate::bulk::republish::{self, Republishing};
use crate::cmdline::CommandLine;
use crate::error::{CliError, Kind, Result};
use crate::output::republish_view::{preview_text, print_changes};
use crate::text::safe;

/// What each entry's new message changes.
pub struct Rebuild<'a>(pub &'a Edits);

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
            let Some(group) = self.0.url_group() else {
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
        Ok(Some(Box::new(Building {
            edits: self.0,
            rebuilt: Rebuilt::new(dry_run),
        })))
    }

    /// The messages as planned, and what the journal says was published and when.
    fn reopen(&self, job: &Job, state: &State) -> Result<Option<Box<dyn Engaged>>> {
        let lines = republish::read_lines(job.dir()).map_err(|e| {
            CliError::failure(format!("cannot read the messages of job {}: {e}", job.id()))
                .hint("the job's directory was changed by hand: its messages are gone")
        })?;
        let republishing = Republishing::new(
            lines,
            state.published.iter().cloned(),
            state.first_sent.clone(),
        );
        Ok(Some(Box::new(Sending(
            republishing.with_batch(self.0.batch),
        ))))
    }
}

/// The new messages of the entries planned so far.
struct Building<'a> {
    edits: &'a Edits,
    rebuilt: Rebuilt,
}

impl Staging for Building<'_> {
    fn found(&mut self, entries: &[Entry]) -> Result<()> {
        entries.iter().for_each(|e| self.rebuilt.add(self.edits, e));
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
        let refused = self.rebuilt.refused.len();
        (refused > 0).then(|| format!(" ({refused} more refused, left in the DLQ)"))
    }

    fn refused(&self) -> usize {
        self.rebuilt.refused.len()
    }

    fn leave(&mut self, held: &Held) {
        self.rebuilt.lines.retain(|l| !held.contains_key(&l.dlq_id));
    }

    /// The messages are frozen with the job: `--continue` sends these and nothing else.
    fn commit(&mut self, job: &Job) -> io::Result<Option<Box<dyn Engaged>>> {
        let lines = std::mem::take(&mut self.rebuilt.lines);
        republish::write_lines(job.dir(), &lines)?;
        let republishing = Republishing::new(lines, [], Default::default());
        Ok(Some(Box::new(Sending(
            republishing.with_batch(self.edits.batch),
        ))))
    }
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
