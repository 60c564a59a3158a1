//! The messages a republish freezes: written as the plan builds them, kept with the job when it
//! starts (one line per planned entry, the refused among them, each once) and gone with a plan
//! that does not start; and a run that sends them from the job's file, interrupted and
//! continued, still delivers each moving entry exactly once.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::common::ndjson;
use crate::republish_fixture::*;

/// What the state directory holds beside the jobs: a plan's staged messages would be here.
fn staged(state: &Path) -> Vec<String> {
    std::fs::read_dir(state)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("messages"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_plan_not_confirmed_leaves_no_messages_and_a_started_job_keeps_each_once() {
    let f = fixture(&[]);
    let state = f.sb.home.path().join("state");
    // No terminal to ask on and no --yes: planned, then not confirmed.
    let out = f.sb.dlq().args(f.republish(&[])).assert().code(5);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(staged(&state).is_empty(), "{:?} {err}", staged(&state));
    assert_eq!(f.sb.ids(false).len(), MOVING + NO_RULE + NOT_JSON + OUTSIDE);
    let out =
        f.sb.dlq()
            .args(f.republish(&["--yes"]))
            .timeout(Duration::from_secs(120))
            .assert()
            .code(3)
            .get_output()
            .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    f.check_delivered_once();
    let job = job_of(&err);
    f.check_job(&job);
    assert!(staged(&state).is_empty(), "{:?}", staged(&state));
    let text = std::fs::read(state.join("jobs").join(&job).join("messages.ndjson")).unwrap();
    let lines: Vec<Value> = ndjson(&text);
    let ids: BTreeSet<String> = lines
        .iter()
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(lines.len(), MOVING + NO_RULE + NOT_JSON, "{lines:?}");
    assert_eq!(ids.len(), lines.len(), "an entry frozen twice");
    let refused: BTreeSet<String> = lines
        .iter()
        .filter(|l| l.get("refused").is_some())
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(refused, f.refused);
    assert!(ids.iter().all(|id| !f.outside.contains(id)));
}

#[test]
fn a_job_sent_from_its_file_in_chunks_and_continued_delivers_each_entry_once() {
    let f = fixture(&["--latency", "20"]);
    let report = f.sb.home.path().join("r.ndjson");
    let report = report.to_str().unwrap();
    // One message a batch, interrupted after a few: the rest is read from the file later.
    let (job, _) = f.interrupted_after(4, report);
    f.sb.dlq()
        .args([
            "republish",
            "--continue",
            &job,
            "--batch-size",
            "5",
            "--report",
            report,
        ])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3);
    let made = f.check_delivered_once();
    f.check_report(Path::new(report), &made);
    f.check_job(&job);
}
