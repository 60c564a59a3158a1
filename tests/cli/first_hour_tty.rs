//! The first hour at a terminal: Ctrl-C at a confirmation, and the results table of a
//! callback, on a real pty, checked against what the sandbox holds.

use std::time::{Duration, Instant};

use crate::common::Sandbox;
use crate::pty::{on_terminal, screen, Pty};

/// Waits until `pty` has drawn `needle` (a prompt asked), or fails the test.
fn until_drawn(pty: &Pty, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pty.drawn().contains(needle) {
        assert!(Instant::now() < deadline, "{}", pty.drawn());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_at_a_prompt_ends_its_line_says_cancelled_and_exits_130() {
    let sb = Sandbox::start(&["--seed", "3", "--seed-rng", "5"]);
    let id = sb.ids(false)[0].clone();
    let mut pty = Pty::start_sized(&sb, &format!("delete {id}"), 80);
    until_drawn(&pty, "[y/N]");
    pty.keys("\x03");
    let (code, drawn) = pty.finish();
    let lines = screen(&drawn);
    let shown = lines.join("\n");
    // 130 as any interrupt, not 5: a script tells a cancel from a No.
    assert_eq!(code, Some(130), "{shown}");
    let asked = lines.iter().position(|l| l.contains("[y/N]")).unwrap();
    assert!(lines[asked].trim_end().ends_with("[y/N]"), "{shown}");
    assert_eq!(lines[asked + 1], "cancelled: nothing was done", "{shown}");
    assert!(
        !shown.contains("not confirmed") && !shown.contains("error"),
        "{shown}"
    );
    assert!(sb.ids(false).contains(&id));
    assert!(sb.requests().iter().all(|r| r["method"] == "GET"));
    // An explicit No is still exit 5.
    let (code, drawn) = on_terminal(&sb, &format!("delete {id}"), "n\r");
    assert_eq!(code, Some(5), "{}", screen(&drawn).join("\n"));
}

#[test]
fn a_callback_labels_the_runs_own_id_and_time_as_such() {
    let sb = Sandbox::start(&["--seed", "40", "--seed-rng", "10"]);
    let run = sb
        .listed(true)
        .into_iter()
        .find(|e| e["failureCallbackInfo"]["state"] == "CALLBACK_FAIL")
        .expect("seeded CALLBACK_FAIL");
    let id = run["dlqId"].as_str().unwrap();
    let (code, drawn) = on_terminal(&sb, &format!("callback {id} --yes"), "");
    let lines = screen(&drawn);
    let shown = lines.join("\n");
    assert_eq!(code, Some(0), "{shown}");
    let head = lines.iter().find(|l| l.starts_with("ID ")).unwrap();
    assert!(
        head.contains("RUN ID") && head.contains("RUN CREATED"),
        "{shown}"
    );
    assert!(!head.contains("NEW ID"), "{shown}");
    // The id shown is the run's own, as the server holds it.
    let row = lines.iter().find(|l| l.starts_with(id)).unwrap();
    assert!(
        row.contains(run["workflowRunId"].as_str().unwrap()),
        "{shown}"
    );
    assert_eq!(sb.applied(id, "callback"), 1);
}

#[test]
fn triage_starts_on_a_group_it_can_act_on_and_marks_those_it_cannot() {
    // A fixed seed: its largest group (12 runs) has no callback state, the next ones have one.
    let sb = Sandbox::start(&["--seed", "100", "--seed-rng", "7"]);
    let out = sb
        .dlq()
        .args([
            "stats",
            "--workflow",
            "--by",
            "workflow-url,callback-state",
            "-o",
            "json",
        ])
        .assert()
        .success();
    let stats: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let groups = stats["groups"].as_array().unwrap();
    assert!(
        groups[0]["key"]["callback-state"].is_null(),
        "the largest group has no callback state: {stats}"
    );
    let first = groups
        .iter()
        .find(|g| !g["key"]["callback-state"].is_null())
        .unwrap();
    let screen = crate::triage_session::session(&sb, &["--workflow"]);
    screen.wait("pick one (type to filter, Esc to quit)");
    // The menu is drawn a line at a time: the wait fails if the line never shows.
    screen.wait("(count only)");
    // Enter at once acts on the first group that a filter can select.
    screen.keys(&["Enter"]);
    let s = screen.wait("group: ");
    assert!(!s.contains("cannot be selected"), "{s}");
    let heading = s.lines().find(|l| l.starts_with("group: ")).unwrap();
    assert!(
        heading.contains(first["key"]["workflow-url"].as_str().unwrap())
            && heading.contains(first["key"]["callback-state"].as_str().unwrap()),
        "{heading}\n{s}"
    );
    screen.keys(&["Escape"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 2);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    assert!(sb.requests().iter().all(|r| r["method"] == "GET"));
}
