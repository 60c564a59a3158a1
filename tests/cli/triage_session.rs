//! `dlq triage` at a real terminal: pick a group by typing, inspect, act on it with the verb's
//! own plan and prompt, leave; the sandbox shows exactly that group acted on, and the recap's
//! command, run again without a terminal, finds nothing left.

use std::collections::BTreeMap;

use predicates::prelude::*;

use crate::common::{dlq, header, Sandbox};
use crate::tty::Screen;

fn session(sb: &Sandbox, args: &[&str]) -> Screen {
    let bin = assert_cmd::cargo::cargo_bin("dlq").display().to_string();
    let mut argv = vec![bin, "triage".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let home = sb.home.path();
    let state = home.join("state").display().to_string();
    let config = home.join("config").display().to_string();
    let env = [
        ("QSTASH_URL", sb.url.as_str()),
        ("QSTASH_TOKEN", sb.token.as_str()),
        ("DLQ_STATE_DIR", state.as_str()),
        ("DLQ_CONFIG_DIR", config.as_str()),
        ("NO_COLOR", "1"),
    ];
    Screen::start(&argv, &env, 140, 45)
}

/// The largest (workflow url, CALLBACK_FAIL) group of the sandbox, and its ids.
fn failing_group(sb: &Sandbox) -> (String, Vec<String>) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in sb.listed(true) {
        if e["failureCallbackInfo"]["state"] == "CALLBACK_FAIL" {
            groups
                .entry(e["workflowUrl"].as_str().unwrap().to_string())
                .or_default()
                .push(e["dlqId"].as_str().unwrap().to_string());
        }
    }
    groups
        .into_iter()
        .max_by_key(|(url, ids)| (ids.len(), url.clone()))
        .unwrap()
}

/// The group's menu while it waits for a key: its first item is erased once one is picked
/// (the prompt line stays, with the choice), so this never matches an earlier visit's menu.
const MENU: &str = "> inspect an entry";

#[test]
fn pick_inspect_resume_and_the_recap_runs_again_with_nothing_left() {
    let sb = Sandbox::start(&["--seed", "80", "--seed-rng", "5"]);
    let (url, ids) = failing_group(&sb);
    assert!(ids.len() >= 2, "{ids:?}");
    let screen = session(&sb, &["--workflow"]);
    screen.wait("pick one (type to filter, Esc to quit)");
    // Typing filters the groups; the best match is the group of that url and state.
    let last = url.rsplit('/').next().unwrap();
    screen.text(&format!("{last}CALLBACK_FAIL"));
    screen.wait(&format!("{last}CALLBACK_FAIL"));
    screen.keys(&["Enter"]);
    screen.wait(MENU);
    // Inspect the first sample: the whole entry, as `dlq get` shows it.
    screen.keys(&["Enter"]);
    screen.wait("Which entry?");
    screen.keys(&["Enter"]);
    let s = screen.wait("Enter to go back");
    assert!(s.contains("$ dlq get "), "{s}");
    screen.keys(&["Enter"]);
    screen.wait_n("group: ", 2);
    screen.wait(MENU);
    // Resume the group, with --retries 0, without following the outcomes.
    screen.keys(&["Down", "Down", "Down", "Enter"]);
    screen.wait("Retries for the next delivery");
    screen.keys(&["Down", "Enter"]);
    screen.wait("How?");
    screen.keys(&["Down", "Enter"]);
    let s = screen.wait("[y/N]");
    assert!(
        s.contains(&format!("Resume {} failed workflow runs on", ids.len())),
        "the verb's own plan and prompt: {s}"
    );
    screen.text("y");
    screen.keys(&["Enter"]);
    // Back at the groups, with fresh counts; leave.
    screen.wait_n("pick one (type to filter, Esc to quit)", 2);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    let s = screen.screen();

    // Exactly that group was resumed, once each, with Upstash-Retries: 0.
    let resumed: BTreeMap<String, u64> = sb
        .applied_all()
        .into_iter()
        .filter_map(|(id, v)| v["resume"].as_u64().map(|n| (id, n)))
        .collect();
    let want: BTreeMap<String, u64> = ids.iter().map(|i| (i.clone(), 1)).collect();
    assert_eq!(resumed, want);
    let posts: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    assert!(!posts.is_empty());
    assert!(posts
        .iter()
        .all(|r| header(r, "Upstash-Retries").as_deref() == Some("0")));

    // The recap names the job and the command that does the same without a terminal.
    assert!(s.contains("This session:"), "{s}");
    assert!(s.contains("resume: job resume-"), "{s}");
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("dlq resume ") && l.ends_with("--yes"))
        .unwrap_or_else(|| panic!("no equivalent command in:\n{s}"));
    assert!(
        line.contains("--retries 0") && line.contains(&url),
        "{line}"
    );
    let argv: Vec<String> = line
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches('\'').to_string())
        .collect();
    sb.dlq()
        .args(&argv)
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing matches"));
}

#[test]
fn escape_at_every_step_changes_nothing() {
    let sb = Sandbox::start(&["--seed", "40", "--seed-rng", "6"]);
    let screen = session(&sb, &[]);
    // Each visit of a group prints its heading once: the visits are counted by it.
    let visit = |n: usize| {
        screen.wait_n("pick one (type to filter, Esc to quit)", n);
        screen.keys(&["Enter"]);
        screen.wait_n("group: ", n);
        screen.wait(MENU);
    };
    visit(1);
    // Esc at the group's menu: back to the groups.
    screen.keys(&["Escape"]);
    visit(2);
    // retry, then Esc at the retries question: back, nothing done.
    screen.keys(&["Down", "Down", "Down", "Enter"]);
    screen.wait("Retries for the next delivery");
    screen.keys(&["Escape"]);
    visit(3);
    // delete, then Esc at the backup question.
    screen.keys(&["Down", "Down", "Down", "Down", "Enter"]);
    screen.wait("Keep a copy?");
    screen.keys(&["Escape"]);
    visit(4);
    // retry all the way to the verb's own prompt, then Esc (and Enter) there: No.
    screen.keys(&["Down", "Down", "Down", "Enter"]);
    screen.wait("Retries for the next delivery");
    screen.keys(&["Enter"]);
    screen.wait("How?");
    screen.keys(&["Down", "Enter"]);
    screen.wait("[y/N]");
    screen.keys(&["Escape", "Enter"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 5);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    let s = screen.screen();
    assert!(s.contains("nothing was changed in this session"), "{s}");
    assert!(sb.applied_all().is_empty(), "{:?}", sb.applied_all());
    assert!(sb.requests().iter().all(|r| r["method"] == "GET"));
}

#[test]
fn without_a_terminal_it_points_to_stats_and_the_verbs() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .env("QSTASH_TOKEN", "t")
        .arg("triage")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dlq stats"));
}

#[test]
fn yes_is_refused_since_every_change_in_a_session_is_asked_for() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .env("QSTASH_TOKEN", "t")
        .args(["triage", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("drop --yes"));
}
