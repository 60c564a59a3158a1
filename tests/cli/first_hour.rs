//! What a new operator meets in the first hour, with only the README and a sandbox: values
//! copied from a table, breakdowns that stop short, an id given to the wrong verb, the order
//! `dlq list` pages in, ages too large to mean anything, and `dlq stats` in a pipe. Each is
//! checked at the level a person meets it (plain pipes here; terminals in `first_hour_tty`),
//! against what the sandbox holds.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{ndjson, Sandbox};

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// A URL as a table shows it at 80 columns: without its scheme.
fn as_in_a_table(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

#[test]
fn a_url_copied_from_a_table_is_refused_naming_the_url_it_meant() {
    let sb = Sandbox::start(&["--seed", "60", "--seed-rng", "4"]);
    let entries = sb.listed(false);
    let url = entries[0]["url"].as_str().unwrap().to_string();
    let held = entries.iter().filter(|e| e["url"] == url.as_str()).count();
    let copied = as_in_a_table(&url);
    let before = sb.requests().len();
    let out = sb.dlq().args(["list", "--url", copied]).assert().code(2);
    let err = text(&out.get_output().stderr);
    assert!(out.get_output().stdout.is_empty());
    assert!(
        err.contains(&format!("--url https://{copied}")),
        "the fix is named: {err}"
    );
    // Refused before listing: the server saw nothing.
    assert_eq!(sb.requests().len(), before, "{err}");
    // The fix it names lists what the server holds for that URL.
    let fixed = sb
        .dlq()
        .args(["list", "--all", "-o", "ids", "--url", &url])
        .assert()
        .success();
    assert_eq!(text(&fixed.get_output().stdout).lines().count(), held);
    // A bulk verb goes through the same check, and deletes nothing.
    sb.dlq()
        .args(["delete", "--url", copied, "--all", "--yes"])
        .assert()
        .code(2);
    assert_eq!(sb.ids(false).len(), 60);
    // A URL cut with … to fit a column cannot match either, whatever scheme it keeps.
    let cut = format!("{}…", &url[..url.len() - 4]);
    let err = text(
        &sb.dlq()
            .args(["stats", "--url", &cut])
            .assert()
            .code(2)
            .get_output()
            .stderr,
    );
    assert!(err.contains("shortened"), "{err}");
    // The same for workflow URLs.
    let runs = sb.listed(true);
    let wf = runs[0]["workflowUrl"].as_str().unwrap();
    let err = text(
        &sb.dlq()
            .args(["list", "--workflow", "--workflow-url", as_in_a_table(wf)])
            .assert()
            .code(2)
            .get_output()
            .stderr,
    );
    assert!(
        err.contains(&format!("--workflow-url https://{}", as_in_a_table(wf))),
        "{err}"
    );
}

/// `+3 more (25)` at the end of a breakdown line, as (groups, entries).
fn more_of(line: &str) -> Option<(usize, u64)> {
    let (_, tail) = line.rsplit_once(", +")?;
    let (groups, rest) = tail.split_once(" more (")?;
    Some((
        groups.parse().ok()?,
        rest.trim_end_matches(')').parse().ok()?,
    ))
}

/// The `(n)` counts a breakdown line shows by name.
fn shown_counts(line: &str) -> Vec<u64> {
    line.split(", ")
        .filter(|u| !u.starts_with('+'))
        .filter_map(|u| u.rsplit_once(" (")?.1.trim_end_matches(')').parse().ok())
        .collect()
}

#[test]
fn a_plan_breakdown_counts_the_groups_it_leaves_out() {
    let sb = Sandbox::start(&["--seed", "100", "--seed-rng", "8"]);
    let mut by_url: BTreeMap<String, u64> = BTreeMap::new();
    for e in sb.entries(false) {
        *by_url
            .entry(e["url"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert!(by_url.len() > 5, "the seed has more URLs than a plan shows");
    let out = sb
        .dlq()
        .args(["retry", "--all", "--dry-run"])
        .assert()
        .success();
    let plan = text(&out.get_output().stdout);
    let line = plan
        .lines()
        .find(|l| l.trim_start().starts_with("by url"))
        .unwrap_or_else(|| panic!("{plan}"));
    let shown = shown_counts(line);
    let (groups, entries) = more_of(line).unwrap_or_else(|| panic!("no +N more: {line}"));
    assert_eq!(shown.len() + groups, by_url.len(), "{line}");
    assert_eq!(shown.iter().sum::<u64>() + entries, 100, "{line}");
    // The JSON plan says the same.
    let doc: serde_json::Value = serde_json::from_slice(
        &sb.dlq()
            .args(["retry", "--all", "--dry-run", "-o", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let more = &doc["breakdown"]["more"]["urls"];
    assert_eq!(more["groups"], groups as u64);
    assert_eq!(more["entries"], entries);
    assert!(sb.requests().iter().all(|r| r["method"] == "GET"));
}

#[test]
fn an_id_of_the_other_dlq_gets_one_message_naming_the_verbs_that_act_there() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "3"]);
    let run = sb.ids(true)[0].clone();
    let msg = sb.ids(false)[0].clone();
    let out = sb.dlq().args(["retry", &run, "--yes"]).assert().code(1);
    let (row, err) = (
        text(&out.get_output().stdout),
        text(&out.get_output().stderr),
    );
    assert!(
        row.contains("a failed workflow run, not a QStash message"),
        "{row}"
    );
    assert!(
        err.contains("dlq resume, dlq restart or dlq callback"),
        "{err}"
    );
    // retry has no --workflow: nothing may suggest it, and nothing says "use" twice.
    assert!(
        !err.contains("--workflow") && !row.contains("use dlq"),
        "{row}{err}"
    );
    let out = sb.dlq().args(["resume", &msg, "--yes"]).assert().code(1);
    let (row, err) = (
        text(&out.get_output().stdout),
        text(&out.get_output().stderr),
    );
    assert!(
        row.contains("a QStash message, not a failed workflow run"),
        "{row}"
    );
    assert!(err.contains("dlq retry"), "{err}");
    assert!(!err.contains("--workflow"), "{err}");
    // delete acts on both DLQs: for it the fix is the flag.
    let err = text(
        &sb.dlq()
            .args(["delete", "--workflow", &msg, "--yes"])
            .assert()
            .code(1)
            .get_output()
            .stderr,
    );
    assert!(err.contains("drop --workflow"), "{err}");
    assert!(sb.requests().iter().all(|r| r["method"] == "GET"));
    assert_eq!(sb.ids(true).len(), 5);
    assert_eq!(sb.ids(false).len(), 5);
}

/// The millisecond prefix of a DLQ id: when the entry entered the DLQ.
fn entered(id: &str) -> u64 {
    id.split('-').next().unwrap().parse().unwrap()
}

#[test]
fn list_help_the_readme_and_the_sandbox_agree_on_the_order() {
    let help = text(
        &crate::common::dlq(&tempfile::tempdir().unwrap())
            .args(["list", "--help"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert!(help.contains("oldest first"), "{help}");
    assert!(!help.contains("newest first"), "{help}");
    let readme = include_str!("../../README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("dlq list ") && l.contains("the first page"))
        .unwrap();
    assert!(line.contains("oldest first"), "{line}");
    let sb = Sandbox::start(&["--seed", "250", "--seed-rng", "6"]);
    let ids = text(
        &sb.dlq()
            .args(["list", "--all", "-o", "ids"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let times: Vec<u64> = ids.lines().map(entered).collect();
    assert_eq!(times.len(), 250);
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "not oldest first");
    // The first page is the oldest hundred.
    let first = text(
        &sb.dlq()
            .args(["list", "-o", "ids"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let first: Vec<&str> = first.lines().collect();
    assert_eq!(first, ids.lines().take(100).collect::<Vec<_>>());
}

#[test]
fn an_age_beyond_a_century_is_a_usage_error_naming_the_largest() {
    let sb = Sandbox::start(&["--seed", "20", "--seed-rng", "2"]);
    for (flag, value) in [
        ("--fail-older-than", "106751991167300d"),
        ("--fail-older-than", "9223372036854776s"),
        ("--from", "106751991167300d"),
    ] {
        let err = text(
            &sb.dlq()
                .args(["stats", flag, value])
                .assert()
                .code(2)
                .get_output()
                .stderr,
        );
        assert!(err.contains("at most 36500d"), "{flag} {value}: {err}");
    }
    // The largest is taken, and the gate holds (the seed is hours old); a small one trips.
    sb.dlq()
        .args(["stats", "--fail-older-than", "36500d"])
        .assert()
        .success();
    sb.dlq()
        .args(["stats", "--fail-older-than", "1s"])
        .assert()
        .code(6);
    // Every other duration flag reads through the same parser.
    for args in [
        &["verify", "nojob", "--wait", "36501d"][..],
        &["list", "--watch", "36501d"],
        &["--timeout", "36501d", "list"],
        &["retry", "--all", "--delay", "36501d"],
    ] {
        let err = text(&sb.dlq().args(args).assert().code(2).get_output().stderr);
        assert!(err.contains("at most 36500d"), "{args:?}: {err}");
    }
}

#[test]
fn stats_in_a_pipe_leaves_none_empty_and_its_help_names_the_columns() {
    let sb = Sandbox::start(&["--seed", "80", "--seed-rng", "9"]);
    let by = ["--by", "workflow-url,callback-state"];
    let out = sb
        .dlq()
        .args(["stats", "--workflow"])
        .args(by)
        .assert()
        .success();
    let rows = text(&out.get_output().stdout);
    assert!(!rows.contains("(none)"), "{rows}");
    let fields: Vec<Vec<&str>> = rows.lines().map(|l| l.split('\t').collect()).collect();
    // Two keys, then count, share, oldest, newest, expiring, sample: as --help says.
    assert!(fields.iter().all(|f| f.len() == 8), "{rows}");
    let runs = sb.listed(true);
    let mut truth: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in &runs {
        let state = r["failureCallbackInfo"]["state"].as_str().unwrap_or("");
        let url = r["workflowUrl"].as_str().unwrap().to_string();
        *truth.entry((url, state.to_string())).or_default() += 1;
    }
    assert!(
        truth.keys().any(|(_, s)| s.is_empty()),
        "the seed has runs without a callback"
    );
    let printed: BTreeMap<(String, String), u64> = fields
        .iter()
        .map(|f| ((f[0].to_string(), f[1].to_string()), f[2].parse().unwrap()))
        .collect();
    assert_eq!(printed, truth);
    let help = text(
        &sb.dlq()
            .args(["stats", "--help"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert!(help.contains("no header"), "{help}");
    assert!(
        help.contains("count, share in percent, oldest and newest"),
        "{help}"
    );
    let seen: BTreeSet<&str> = fields.iter().map(|f| f[7]).collect();
    let ids: BTreeSet<String> = ndjson(
        &sb.dlq()
            .args(["list", "--workflow", "--all", "-o", "ndjson"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .iter()
    .map(|e| e["dlqId"].as_str().unwrap().to_string())
    .collect();
    assert!(
        seen.iter().all(|s| ids.contains(*s)),
        "samples are real ids"
    );
}
