//! Reading `events.ndjson` back: which ids have an outcome, which were in flight, what a
//! pipelined run listed, how its canary and verifications went.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;

use super::records::{CanaryResult, Part, PlanRecord, Progress};
use crate::bulk::outcome::{Outcome, Status};
use crate::bulk::verify::Verified;

/// One line of `events.ndjson`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Event {
    Inflight { inflight: Vec<String> },
    Planned { planned: Part },
    Listed { listed: bool },
    Progress { progress: Progress },
    Canary { canary: CanaryResult },
    Verified(Verified),
    Outcome(Outcome),
}

/// What the journal says about a job's entries.
#[derive(Debug, Default)]
pub struct State {
    /// The last outcome of each id that has one.
    pub outcomes: HashMap<String, Outcome>,
    /// Ids sent (or being sent) whose outcome is not known: they may have been acted on.
    pub unknown: HashSet<String>,
    pub progress: Progress,
    /// The last verification of each id.
    pub verified: HashMap<String, Verified>,
    pub canary: Option<CanaryResult>,
    /// A pipelined run's pages, as they were listed.
    pub planned: Vec<Part>,
    /// Whether a pipelined run listed every page.
    pub listed: bool,
}

impl State {
    /// Every planned id: the plan's, and a pipelined run's pages.
    pub fn parts<'a>(&'a self, plan: &'a PlanRecord) -> impl Iterator<Item = &'a Part> {
        plan.parts.iter().chain(self.planned.iter())
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
        match serde_json::from_str::<Event>(&line?) {
            Ok(Event::Inflight { inflight }) => state.unknown.extend(inflight),
            Ok(Event::Planned { planned }) => state.planned.push(planned),
            Ok(Event::Listed { listed }) => state.listed = listed,
            Ok(Event::Progress { progress }) => state.progress = progress,
            Ok(Event::Canary { canary }) => state.canary = Some(canary),
            Ok(Event::Verified(v)) => {
                state.verified.insert(v.dlq_id.clone(), v);
            }
            Ok(Event::Outcome(o)) => {
                if o.outcome == Status::Unknown {
                    state.unknown.insert(o.dlq_id.clone());
                } else {
                    state.unknown.remove(&o.dlq_id);
                }
                state.outcomes.insert(o.dlq_id.clone(), o);
            }
            Err(_) => {}
        }
    }
    Ok(state)
}
