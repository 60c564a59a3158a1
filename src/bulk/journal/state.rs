//! Reading `events.ndjson` back: which ids have an outcome, which were in flight, what a
//! pipelined run listed, how its canary and verifications went.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::event::Event;
use super::records::{CanaryResult, JobRecord, Part, ServerProgress};
use crate::bulk::outcome::{Outcome, Status};
use crate::bulk::republish::Publication;
use crate::bulk::verify::Verified;

/// What the journal says about a job's entries.
#[derive(Debug, Default)]
pub struct State {
    /// The last outcome of each id that has one.
    pub outcomes: HashMap<String, Outcome>,
    /// Ids sent (or being sent) whose outcome is not known: they may have been acted on.
    pub unknown: HashSet<String>,
    pub progress: ServerProgress,
    /// The last verification of each id.
    pub verified: HashMap<String, Verified>,
    pub canary: Option<CanaryResult>,
    /// A pipelined run's pages, as they were listed.
    pub planned: Vec<Part>,
    /// Whether a pipelined run listed every page.
    pub listed: bool,
    /// Republish: the publishes accepted, and when each entry's publish was first sent.
    pub published: Vec<Publication>,
    pub first_sent: HashMap<String, i64>,
}

impl State {
    /// Every planned id: the plan's, and a pipelined run's pages.
    pub fn parts<'a>(&'a self, record: &'a JobRecord) -> impl Iterator<Item = &'a Part> {
        record.parts().iter().chain(self.planned.iter())
    }

    /// Whether every entry the job will act on is known: false while a pipelined job has not
    /// listed its last page (`--continue` lists the rest).
    pub fn complete(&self, record: &JobRecord) -> bool {
        match record.mode {
            super::Mode::Pipelined(_) => self.listed,
            _ => true,
        }
    }

    /// Planned ids without a final outcome, in plan order.
    pub fn left<'a>(&'a self, record: &'a JobRecord) -> impl Iterator<Item = String> + 'a {
        self.parts(record)
            .flat_map(|p| p.ids.iter())
            .filter(|id| !self.finished(id))
    }
}

impl State {
    /// Ids with a final outcome: done, not in the DLQ, or unconfirmed (acted on at most once,
    /// never sent again). Failed ids are tried again.
    pub fn finished(&self, id: &str) -> bool {
        self.outcomes.get(id).is_some_and(|o| {
            matches!(
                o.outcome,
                Status::Done | Status::NotFound | Status::Unconfirmed
            )
        })
    }

    pub fn count(&self, status: Status) -> usize {
        self.outcomes
            .values()
            .filter(|o| o.outcome == status)
            .count()
    }
}

/// Replays `events.ndjson`. A torn last line (a crash mid-write) is ignored: its ids were
/// marked in flight before, so they are checked again.
pub fn read_state(dir: &Path) -> std::io::Result<State> {
    let mut state = State::default();
    let f = match File::open(dir.join("events.ndjson")) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(state),
        Err(e) => return Err(e),
    };
    for line in BufReader::new(f).lines() {
        let Some(event) = Event::parse(&line?) else {
            continue;
        };
        match event {
            Event::Inflight(ids) => state.unknown.extend(ids),
            Event::Publishing(a) => {
                for id in a.ids {
                    state.first_sent.entry(id.clone()).or_insert(a.at_ms);
                    state.unknown.insert(id);
                }
            }
            Event::Published(p) => state.published.push(p),
            Event::Planned(part) => state.planned.push(part),
            Event::Listed(listed) => state.listed = listed,
            Event::Progress(p) => state.progress = p,
            Event::Canary(c) => state.canary = Some(c),
            Event::Verified(v) => {
                state.verified.insert(v.dlq_id.clone(), v);
            }
            Event::Outcome(o) => {
                if o.outcome == Status::Unknown {
                    state.unknown.insert(o.dlq_id.clone());
                } else {
                    state.unknown.remove(&o.dlq_id);
                }
                state.outcomes.insert(o.dlq_id.clone(), o);
            }
        }
    }
    Ok(state)
}
