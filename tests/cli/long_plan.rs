//! A plan longer than a thousand ids keeps them in a temporary file (`bulk::idlist`): the real
//! binary over a sandbox of 2,500 messages, planned before acting (`--max` keeps a run from
//! being pipelined). With nowhere to keep the ids, nothing changes and the error says where to
//! look, yet another job's claim is still read whole; interrupted and continued, each entry is
//! acted on once, and the summary, plan.json, `dlq jobs` and `dlq verify` agree with the
//! server.

use std::collections::BTreeSet;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::Sandbox;
use crate::job_account::interrupted;

const N: usize = 2_500;

fn ids(sb: &Sandbox) -> BTreeSet<String> {
    sb.ids(false).into_iter().collect()
}

/// A TMPDIR that names a file: no temporary file can be made in it.
fn no_room(sb: &Sandbox) -> std::path::PathBuf {
    let blocker = sb.home.path().join("not-a-directory");
    std::fs::write(&blocker, "").unwrap();
    blocker
}

#[test]
fn a_plan_with_nowhere_to_keep_its_ids_changes_nothing_and_names_the_directory() {
    let sb = Sandbox::start(&["--seed", "2500", "--seed-rng", "71"]);
    let before = ids(&sb);
    assert_eq!(before.len(), N);
    sb.dlq()
        .env("TMPDIR", no_room(&sb))
        .args(["retry", "--all", "--yes", "--max", "5000"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("cannot keep the job's ids in a temporary file")
                .and(predicate::str::contains("nothing was changed"))
                .and(predicate::str::contains("TMPDIR")),
        );
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
    assert_eq!(ids(&sb), before);
    let jobs = std::fs::read_dir(sb.home.path().join("state/jobs"));
    assert!(
        jobs.map_or(true, |mut d| d.next().is_none()),
        "no job claims the entries"
    );
}

#[test]
fn a_long_plan_interrupted_then_continued_acts_on_each_entry_once_and_says_so_everywhere() {
    let sb = Sandbox::start(&["--seed", "2500", "--seed-rng", "72"]);
    let before = ids(&sb);
    let tmp = sb.home.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // Four requests a second: the interrupt lands with most of the plan not yet sent.
    let mut run = sb.dlq_std();
    run.env("TMPDIR", &tmp)
        .args(["retry", "--all", "--yes", "--max", "5000", "--rps", "4"]);
    let job = interrupted(&sb, run, "retry");
    let left = sb.ids(false).len();
    assert!(left > 0 && left < N, "{left}");

    // plan.json holds every planned id as the plain array earlier journals wrote.
    let plan: Value = serde_json::from_slice(
        &std::fs::read(
            sb.home
                .path()
                .join("state/jobs")
                .join(&job)
                .join("plan.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let planned: BTreeSet<String> = plan["parts"][0]["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect();
    assert_eq!(planned, before);
    // A second process with no room for temporary files still reads the job's claim whole: an
    // entry the job has not finished is refused to it.
    let one = sb.ids(false).swap_remove(0);
    sb.dlq()
        .env("TMPDIR", no_room(&sb))
        .args(["retry", &one, "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("held by job {job}")));
    assert_eq!(sb.applied(&one, "retry"), 0);
    let shown = sb.job_shown(&job);
    assert_eq!(shown["state"], "interrupted", "{shown}");
    assert_eq!(shown["counts"]["done"], N - left, "{shown}");
    assert_eq!(shown["counts"]["left"], left, "{shown}");

    sb.dlq()
        .env("TMPDIR", &tmp)
        .args(["retry", "--continue", &job])
        .timeout(Duration::from_secs(300))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "{left} of {N} entries left"
        )));
    let applied = sb.applied_all();
    assert_eq!(applied.keys().cloned().collect::<BTreeSet<_>>(), before);
    assert!(applied.values().all(|v| v["retry"] == 1), "each once");
    assert!(sb.ids(false).is_empty());
    let shown = sb.job_shown(&job);
    assert_eq!(shown["state"], "finished", "{shown}");
    assert_eq!(shown["counts"]["done"], N, "{shown}");
    assert_eq!(shown["counts"]["left"], 0, "{shown}");
    let (followed, err) = sb.verified_now(&job);
    assert_eq!(followed, before, "{err}");
    // The ids' files went with the processes that made them.
    let stray: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(stray.is_empty(), "{stray:?}");
}
