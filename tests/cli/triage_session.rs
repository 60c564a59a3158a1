//! `dlq triage` at a real terminal: pick a group by typing, inspect, act on it with the verb's
//! own plan and prompt, leave; the sandbox shows exactly that group acted on, and the recap's
//! command, run again without a terminal, finds nothing left. (Where Esc and Ctrl-C lead is
//! tested in process, on a scripted terminal: `src/commands/triage/tests.rs`.)

use std::collections::BTreeMap;

use predicates::prelude::*;

use crate::common::{dlq, header, Sandbox};
use crate::tty::Screen;

pub fn session(sb: &Sandbox, args: &[&str]) -> Screen {
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

/// `screen` with each command line that a session wrapped (`\` at a line's end, the rest
/// indented on the next) joined again, as the shell joins it when the lines are pasted.
pub fn unwrapped(screen: &str) -> String {
    let mut out = String::new();
    let mut continued = false;
    for l in screen.lines() {
        let l = if continued { l.trim_start() } else { l };
        continued = l.ends_with(" \\");
        out.push_str(l.strip_suffix('\\').unwrap_or(l));
        if !continued {
            out.push('\n');
        }
    }
    out
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
    assert!(
        s.contains(&format!("dlq --base-url {} get ", sb.url)),
        "{s}"
    );
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
    let joined = unwrapped(&s);
    let line = joined
        .lines()
        .map(str::trim)
        .find(|l| l.contains(" resume ") && l.ends_with("--yes"))
        .unwrap_or_else(|| panic!("no equivalent command in:\n{s}"));
    assert!(
        line.contains("--retries 0") && line.contains(&url),
        "{line}"
    );
    // Aimed at the session's server; its token, not printed, comes from the shell.
    assert!(
        line.contains(&format!("dlq --base-url {} resume ", sb.url)),
        "{line}"
    );
    assert!(!line.contains(&sb.token), "{line}");
    assert!(s.contains("the token is not printed"), "{s}");
    let out = crate::cmdline::pasted(line, &[("QSTASH_TOKEN", sb.token.as_str())]);
    assert!(out.status.success(), "{line}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing matches"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

/// The id of the sample entry shown under the latest group heading.
fn sample_id(screen: &str) -> String {
    let after = &screen[screen.rfind("group: ").expect("a group heading")..];
    let at = after.find("1700000000000-").expect("a sample entry");
    after[at..].split_whitespace().next().unwrap().to_string()
}

/// Two groups whose menu lines read the same (one URL holds a zero-width space, shown escaped;
/// the other holds that escape as text): each line picks its own group, because a menu line
/// carries its group, not a position among equal texts or the text itself (the menu widget
/// hands back the first line with the picked text, so the second is marked `(2)`). Deleting the group
/// picked removes exactly its entry, and the recap names the job the verb started, handed back
/// by the verb itself.
#[test]
fn two_identical_group_lines_each_pick_their_own_group() {
    let urls = [
        "https://pay.example/x\u{200b}",
        "https://pay.example/x\\u{200b}",
    ];
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("f.ndjson");
    let lines: Vec<String> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            serde_json::json!({
                "dlqId": format!("1700000000000-{i}"), "messageId": format!("msg_{i}"),
                "url": url, "method": "POST", "createdAt": 1_700_000_000_000i64,
                "responseStatus": 500,
            })
            .to_string()
        })
        .collect();
    std::fs::write(&fixture, lines.join("\n") + "\n").unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);

    let screen = session(&sb, &[]);
    let s = screen.wait("pick one (type to filter, Esc to quit)");
    let shown: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("pay.example/x"))
        .map(|l| l.trim_start_matches(['>', ' ']).trim_end())
        .collect();
    assert_eq!(shown.len(), 2, "{s}");
    // The same but for the count that tells the second apart.
    assert_eq!(format!("{} (2)", shown[0]), shown[1], "{s}");
    // The second line, then back, then the first: two groups.
    screen.keys(&["Down", "Enter"]);
    let second = sample_id(&screen.wait(MENU));
    screen.keys(&["Escape"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 2);
    screen.keys(&["Enter"]);
    screen.wait_n("group: ", 2);
    let first = sample_id(&screen.wait(MENU));
    assert_ne!(first, second, "both lines picked the same group");
    // Delete the first line's group: no backup, and yes at the verb's own prompt.
    screen.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    screen.wait("Keep a copy?");
    screen.keys(&["Down", "Enter"]);
    let s = screen.wait("[y/N]");
    assert!(s.contains("Delete 1 "), "{s}");
    screen.text("y");
    screen.keys(&["Enter"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 3);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    let s = screen.screen();

    let left: Vec<String> = sb
        .listed(false)
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        left,
        std::slice::from_ref(&second),
        "the group picked ({first}) was deleted"
    );
    assert_eq!(sb.applied_all().keys().collect::<Vec<_>>(), [&first]);
    // The recap names the job the verb started; the session's report of it is gone.
    let state = sb.home.path().join("state");
    let out = sb
        .dlq()
        .env("DLQ_STATE_DIR", &state)
        .args(["jobs", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let jobs: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 1, "{jobs}");
    let job = jobs["jobs"][0]["job"].as_str().unwrap();
    assert!(s.contains(&format!("delete: job {job}: 1 done")), "{s}");
    let stray: Vec<_> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("report"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
