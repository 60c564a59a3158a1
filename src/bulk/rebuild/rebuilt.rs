//! The new messages of a republish plan as they are built, page by page: every entry's line for
//! the job (handed on to be written, never kept), and what the plan shows of them (old -> new
//! destination counts, the refused, one sample change; every change for `--dry-run`).

use std::collections::BTreeMap;

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

/// Refused entries kept by id for the plan to list; the rest are counted.
pub const REFUSED_KEPT: usize = 5;

#[derive(Default)]
pub struct Rebuilt {
    /// Entries built, each once.
    pub planned: usize,
    /// How many entries go from each old destination to each new one, and for a rewrite rule
    /// the hosts it matched.
    pub moves: BTreeMap<(String, String), Moved>,
    /// How many entries were refused in the plan.
    pub refused: usize,
    /// The first [`REFUSED_KEPT`] of them, and why.
    pub refused_first: Vec<(String, String)>,
    /// The first entry that will be republished, as a before/after.
    pub sample: Option<Change>,
    /// Every entry's change, kept only for `--dry-run`.
    pub changes: Option<Vec<Change>>,
}

impl Rebuilt {
    /// `keep_all`: keep every change (for `--dry-run`).
    pub fn new(keep_all: bool) -> Rebuilt {
        Rebuilt {
            changes: keep_all.then(Vec::new),
            ..Default::default()
        }
    }

    /// Builds `e`'s new message (the plan shows each entry once): its line for the job, or
    /// `None` once the plan was given up.
    pub fn add(&mut self, edits: &Edits, e: &Entry) -> Option<Line> {
        // Once a body edit never ended, the plan is given up: nothing more is built.
        if edits.stopped().is_some() {
            return None;
        }
        let built = edits.build(e);
        let needs_change = self.sample.is_none() || self.changes.is_some();
        let change = needs_change.then(|| edits.change(e, &built));
        match &built {
            Built::Refused(why) => {
                self.refused += 1;
                if self.refused_first.len() < REFUSED_KEPT {
                    self.refused_first.push((e.dlq_id.clone(), why.clone()));
                }
            }
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
        self.planned += 1;
        Some(Line {
            dlq_id: e.dlq_id.clone(),
            built,
        })
    }

    /// How many entries will be published.
    pub fn ready(&self) -> usize {
        self.planned - self.refused
    }
}
