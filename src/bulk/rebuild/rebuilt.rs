//! The new messages of a republish plan as they are built, page by page: every entry's line for
//! the job, and what the plan shows of them (old -> new destination counts, the refused, one
//! sample change; every change for `--dry-run`).

use std::collections::{BTreeMap, HashSet};

use super::edit::{Change, Edits};
use crate::api::Entry;
use crate::bulk::republish::{Built, Line};

/// The entries of one old -> new line of the plan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Moved {
    pub n: usize,
    /// For a rewrite rule, how many of them had each host (as a URL parser reads it).
    pub hosts: BTreeMap<String, usize>,
}

#[derive(Default)]
pub struct Rebuilt {
    /// One line per planned entry, in plan order: written to the job before anything is sent.
    pub lines: Vec<Line>,
    /// How many entries go from each old destination to each new one, and for a rewrite rule
    /// the hosts it matched.
    pub moves: BTreeMap<(String, String), Moved>,
    /// Entries refused in the plan, and why.
    pub refused: Vec<(String, String)>,
    /// The first entry that will be republished, as a before/after.
    pub sample: Option<Change>,
    /// Every entry's change, kept only for `--dry-run`.
    pub changes: Option<Vec<Change>>,
    /// A server that pages inconsistently may list an entry twice: it is built once.
    seen: HashSet<String>,
}

impl Rebuilt {
    /// `keep_all`: keep every change (for `--dry-run`).
    pub fn new(keep_all: bool) -> Rebuilt {
        Rebuilt {
            changes: keep_all.then(Vec::new),
            ..Default::default()
        }
    }

    pub fn add(&mut self, edits: &Edits, e: &Entry) {
        // Once a body edit never ended, the plan is given up: nothing more is built.
        if edits.stopped().is_some() || !self.seen.insert(e.dlq_id.clone()) {
            return;
        }
        let built = edits.build(e);
        let needs_change = self.sample.is_none() || self.changes.is_some();
        let change = needs_change.then(|| edits.change(e, &built));
        match &built {
            Built::Refused(why) => self.refused.push((e.dlq_id.clone(), why.clone())),
            Built::Message(m) => {
                let mv = edits.move_of(e, m);
                let moved = self.moves.entry((mv.old, mv.new)).or_default();
                moved.n += 1;
                if let Some(host) = mv.host {
                    *moved.hosts.entry(host).or_default() += 1;
                }
                if self.sample.is_none() {
                    self.sample = change.clone();
                }
            }
        }
        if let (Some(all), Some(c)) = (self.changes.as_mut(), change) {
            all.push(c);
        }
        self.lines.push(Line {
            dlq_id: e.dlq_id.clone(),
            built,
        });
    }

    /// How many entries will be published.
    pub fn ready(&self) -> usize {
        self.lines.len() - self.refused.len()
    }
}
