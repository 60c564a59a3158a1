//! One owner per entry, across the jobs of this machine.
//!
//! A job's claim on an entry is the entry's id in its own journal: in `plan.json` (a planned
//! job) or in a `{"planned":...}` event (a pipelined job's page). Both are written only here,
//! under `claims.lock` in the state directory, an OS file lock (`flock` / `LockFileEx`) held
//! while the other jobs on the same target (base URL and token fingerprint) are read and the
//! new ids written. So two jobs that start together cannot both take an entry, and the claim
//! survives a crash with the journal that holds it: no separate file can go stale.
//!
//! A job holds an entry it planned until it finishes (every entry with a final outcome); after
//! that it holds only the entries it left `unconfirmed`, which may have been acted on. `dlq jobs
//! forget` removes the journal and so every claim in it. A republish's entries refused in its
//! plan are never sent by it, so it keeps none of them. Server-side jobs name no entries and
//! claim none: the service picks what they act on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::path::Path;

use super::jobs::{job_state, JobState};
use super::records::{JobRecord, Mode, Part, TargetRecord};
use super::state::read_state;
use super::{jobs_dir, read_plan};
use crate::bulk::action::Verb;
use crate::bulk::outcome::Status;
use crate::bulk::republish::Built;

/// Why another job keeps an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hold {
    /// The job has not given it a final outcome: its `--continue` does.
    Unfinished,
    /// The job left it unconfirmed: it may have been acted on.
    Unconfirmed,
}

/// The job that keeps an entry, and why.
#[derive(Debug, Clone)]
pub struct Holder {
    pub job: String,
    pub hold: Hold,
    /// The job's plan: its verb and target, from which the output layer makes the lines that
    /// finish, show and release it, aimed where that job acts.
    pub plan: std::sync::Arc<JobRecord>,
}

impl Holder {
    /// `dlq [target] <verb> --continue <job>`.
    pub fn continue_command(&self, places: &crate::cmdline::Places) -> crate::cmdline::CommandLine {
        self.plan.continue_command(places)
    }

    /// `dlq [target] jobs <what> <job>`, for `show` and `forget`.
    pub fn jobs_command(
        &self,
        places: &crate::cmdline::Places,
        what: &str,
    ) -> crate::cmdline::CommandLine {
        self.plan.target.aim(places).dlq(["jobs", what, &self.job])
    }
}

/// Entries other jobs keep, by id.
pub type Held = HashMap<String, Holder>;

/// Held entries grouped by holder, each with its count, in a stable order for the plan.
pub fn by_holder(held: &[(String, Holder)]) -> Vec<(Holder, usize)> {
    let mut groups: BTreeMap<(&str, Hold), (&Holder, usize)> = BTreeMap::new();
    for (_, h) in held {
        groups.entry((&h.job, h.hold)).or_insert((h, 0)).1 += 1;
    }
    groups.into_values().map(|(h, n)| (h.clone(), n)).collect()
}

/// The claims lock of a state directory, held until dropped.
pub struct ClaimsLock(#[allow(dead_code)] File);

/// Takes the claims lock, waiting for another job that holds it: what is done under it is a
/// few reads and one write.
pub fn lock(state_dir: &Path) -> std::io::Result<ClaimsLock> {
    crate::fsutil::create_private_dir(state_dir)?;
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(state_dir.join("claims.lock"))?;
    f.lock()?;
    Ok(ClaimsLock(f))
}

/// What jobs on `target` other than `except` keep. A job that cannot be read claims nothing
/// readable, so it keeps nothing: it would be refused by `--continue` too. Reading only: for
/// a plan shown before its claim is taken; the claim itself goes through [`claim`].
pub fn held(state_dir: &Path, target: &TargetRecord, except: &str) -> Held {
    let mut out = Held::new();
    let Ok(entries) = std::fs::read_dir(jobs_dir(state_dir)) else {
        return out;
    };
    for dir in entries.flatten().map(|e| e.path()) {
        let Ok(plan) = read_plan(&dir) else { continue };
        let same = plan.target.base_url == target.base_url
            && plan.target.token_fingerprint == target.token_fingerprint;
        if !same || plan.job == except || !plan.mode.per_entry() {
            continue;
        }
        let plan = std::sync::Arc::new(plan);
        let (Ok(state), Ok((job, _))) = (read_state(&dir), job_state(&dir)) else {
            continue;
        };
        let finished = job == JobState::Finished;
        let never = never_sent(&dir, &plan);
        for id in state.parts(&plan).flat_map(|p| p.ids.iter()) {
            if never.contains(id.as_str()) {
                continue;
            }
            let unconfirmed = state
                .outcomes
                .get(&id)
                .is_some_and(|o| o.outcome == Status::Unconfirmed);
            let hold = match (unconfirmed, finished) {
                (true, _) => Hold::Unconfirmed,
                (false, false) => Hold::Unfinished,
                (false, true) => continue,
            };
            let holder = Holder {
                job: plan.job.clone(),
                hold,
                plan: plan.clone(),
            };
            out.insert(id, holder);
        }
    }
    out
}

/// Planned ids the job will never send: a republish's entries refused in its plan (no new
/// message), which its `--continue` refuses again. They are left free for another job (a
/// republish with the rule they lacked).
fn never_sent(dir: &Path, plan: &JobRecord) -> HashSet<String> {
    if plan.action.verb != Verb::Republish {
        return HashSet::new();
    }
    let Ok(lines) = crate::bulk::frozen::lines(dir) else {
        return HashSet::new();
    };
    // Read a line at a time: only the refused ids are kept.
    lines
        .map_while(|l| l.ok())
        .filter(|l| matches!(l.built, Built::Refused(_)))
        .map(|l| l.dlq_id)
        .collect()
}

/// Takes out of `part` the ids other jobs keep, with their holders. A long part is rewritten
/// only when some other job keeps anything at all.
pub fn split(part: &mut Part, held: &Held) -> std::io::Result<Vec<(String, Holder)>> {
    let mut refused = Vec::new();
    if held.is_empty() {
        return Ok(refused);
    }
    part.ids.retain(|id| match held.get(id) {
        Some(h) => {
            refused.push((id.clone(), h.clone()));
            false
        }
        None => true,
    })?;
    Ok(refused)
}

/// Claims a new job's planned ids: under the lock, the ids other jobs keep are taken out of
/// `record` (and its canary), then `write` records it. Returns what was taken out.
pub fn claim_plan(
    state_dir: &Path,
    record: &mut JobRecord,
    write: impl FnOnce(&JobRecord) -> std::io::Result<()>,
) -> std::io::Result<Vec<(String, Holder)>> {
    let _lock = lock(state_dir)?;
    let held = held(state_dir, &record.target, &record.job);
    let mut refused = Vec::new();
    if let Mode::Planned { parts, canary } = &mut record.mode {
        for part in parts.iter_mut() {
            refused.extend(split(part, &held)?);
        }
        parts.retain(|p| !p.ids.is_empty());
        if let Some(c) = canary {
            c.ids.retain(|id| !held.contains_key(id));
        }
    }
    write(record)?;
    Ok(refused)
}

/// Claims more ids for a running job (a pipelined job's page): under the lock, the ids other
/// jobs keep are taken out of `part`, then `write` journals the rest (when there are any).
pub fn claim_part(
    state_dir: &Path,
    record: &JobRecord,
    part: &mut Part,
    write: impl FnOnce(&Part) -> std::io::Result<()>,
) -> std::io::Result<Vec<(String, Holder)>> {
    let _lock = lock(state_dir)?;
    let refused = split(part, &held(state_dir, &record.target, &record.job))?;
    if !part.ids.is_empty() {
        write(part)?;
    }
    Ok(refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Source;
    use crate::bulk::journal::{EndState, Event, Journal};
    use crate::bulk::outcome::{Outcome, Summary};

    fn record(job: &str, ids: &[String]) -> JobRecord {
        crate::bulk::journal::tests::planned(Verb::Callback, job, ids)
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("1700000000000-{i}")).collect()
    }

    #[test]
    fn jobs_racing_for_the_same_entries_each_get_a_share_and_no_entry_twice() {
        const JOBS: usize = 8;
        let dir = tempfile::tempdir().unwrap();
        let all = ids(300);
        let start = std::sync::Barrier::new(JOBS);
        let kept: Vec<(Vec<String>, usize)> = std::thread::scope(|s| {
            let racers: Vec<_> = (0..JOBS)
                .map(|j| {
                    let (dir, all, start) = (dir.path(), &all, &start);
                    s.spawn(move || {
                        let mut r = record(&format!("callback-{j}"), all);
                        start.wait();
                        let (journal, refused) = Journal::create(dir, &mut r).unwrap();
                        // Held open until every racer is done, as a running job holds it.
                        let ids: Vec<String> =
                            r.parts().iter().flat_map(|p| p.ids.to_vec()).collect();
                        (ids, refused.len(), journal)
                    })
                })
                .collect();
            let done: Vec<_> = racers.into_iter().map(|h| h.join().unwrap()).collect();
            done.into_iter()
                .map(|(ids, n, _journal)| (ids, n))
                .collect()
        });
        let mut owners: HashMap<&String, usize> = HashMap::new();
        for (ids, refused) in &kept {
            assert_eq!(ids.len() + refused, all.len(), "each id kept or refused");
            for id in ids {
                *owners.entry(id).or_default() += 1;
            }
        }
        assert_eq!(owners.len(), all.len(), "every entry has an owner");
        assert!(owners.values().all(|n| *n == 1), "no entry has two owners");
    }

    #[test]
    fn a_finished_job_keeps_only_what_it_left_unconfirmed_and_forget_releases_that() {
        let dir = tempfile::tempdir().unwrap();
        let all = ids(4);
        let (mut j, refused) =
            Journal::create(dir.path(), &mut record("callback-a", &all)).unwrap();
        assert!(refused.is_empty());
        // While it runs (or once interrupted), every entry it planned is its own.
        let mut second = record("callback-b", &all);
        let (_b, refused) = Journal::create(dir.path(), &mut second).unwrap();
        assert_eq!(refused.len(), 4);
        assert!(second.parts().is_empty());
        assert!(refused.iter().all(|(_, h)| h.hold == Hold::Unfinished
            && h.job == "callback-a"
            && h.continue_command(&Default::default()).to_string()
                == "dlq --base-url https://x callback --continue callback-a"));
        let unconfirmed = Outcome::failed(&all[1], Status::Unconfirmed, "lost reply");
        let outcomes = [
            Outcome::done(&all[0]),
            unconfirmed,
            Outcome::done(&all[2]),
            Outcome::failed(&all[3], Status::NotFound, "gone"),
        ];
        j.write(&outcomes.map(Event::Outcome)).unwrap();
        j.end(&Summary::default(), EndState::Finished).unwrap();
        drop(j);
        let held = held(dir.path(), &record("x", &[]).target, "callback-c");
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!(held[&all[1]].hold, Hold::Unconfirmed);
        // Another target shares nothing.
        let mut other = record("x", &[]).target;
        other.token_fingerprint = "g".into();
        assert!(super::held(dir.path(), &other, "callback-c").is_empty());
        crate::bulk::journal::forget(dir.path(), "callback-a").unwrap();
        assert!(super::held(dir.path(), &record("x", &[]).target, "callback-c").is_empty());
    }

    #[test]
    fn a_page_is_claimed_before_it_is_journaled_and_planned_events_go_nowhere_else() {
        let dir = tempfile::tempdir().unwrap();
        let all = ids(3);
        let (_a, _) = Journal::create(dir.path(), &mut record("callback-a", &all[..1])).unwrap();
        let mut r = record("callback-p", &[]);
        r.mode = Mode::Pipelined(crate::bulk::journal::Matching {
            filter: Default::default(),
            limit: None,
        });
        let (mut p, _) = Journal::create(dir.path(), &mut r).unwrap();
        let mut page = Part {
            source: Source::Qstash,
            ids: all.clone().into(),
        };
        let refused = p.claim_more(&r, &mut page).unwrap();
        assert_eq!(refused.len(), 1);
        assert_eq!(page.ids, all[1..]);
        assert!(p.write(&[Event::Planned(page)]).is_err());
        let state = read_state(&p.dir).unwrap();
        assert_eq!(state.planned.len(), 1);
        assert_eq!(state.planned[0].ids, all[1..]);
    }
}
