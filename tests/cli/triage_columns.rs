//! `dlq triage` on a real pty 80 columns wide: no line it prints runs past the edge (so no word
//! is split across two rows), the group menu cuts its keys at the same place on every row, and
//! the recap's command, wrapped with `\` continuations, runs when pasted as it stands.

use crate::common::Sandbox;
use crate::pty::{Pty, Screen};

const COLS: usize = 80;
const GROUPS: &str = "pick one (type to filter, Esc to quit)";

#[test]
fn at_80_columns_triage_splits_no_word_cuts_keys_alike_and_its_recap_pastes() {
    // The seed of the first-hour test: its largest group is count only, which adds a note
    // to the group lines.
    let sb = Sandbox::start(&["--seed", "100", "--seed-rng", "7"]);
    let mut pty = Pty::start_sized(&sb, "triage --workflow", COLS);
    // The whole menu drawn: as many rows as the prompt counts groups, or as fit below the
    // prompt on the pty's 40 rows (the reply groups follow the URL groups).
    let menu_rows = |drawn: &str| -> Vec<String> {
        Screen::replay_at(drawn, COLS)
            .lines()
            .into_iter()
            .filter(|l| l.contains(" oldest "))
            .collect()
    };
    let menu = crate::common::wait_for("the whole group menu", 60, || {
        let drawn = pty.drawn();
        let prompt = drawn.split(" groups; pick one").next()?;
        let count: usize = prompt.rsplit(' ').next()?.parse().ok()?;
        (drawn.contains(GROUPS) && menu_rows(&drawn).len() == count.min(38)).then_some(drawn)
    });
    let groups = Screen::replay_at(&menu, COLS);
    assert_eq!(groups.wrapped(), Vec::<String>::new(), "{menu}");
    let rows = menu_rows(&menu);
    assert!(rows.len() >= 3, "{rows:?}");
    // Cut keys keep the same columns from their start: the `…` of every cut row of a section
    // (the URL groups, then the reply groups) is in one column, and no two rows look alike.
    for replies in [false, true] {
        let cuts: Vec<usize> = rows
            .iter()
            .filter(|r| r.contains("reply: ") == replies)
            .filter_map(|r| r.chars().position(|c| c == '…'))
            .collect();
        assert!(
            cuts.len() >= 2,
            "keys this long are cut at 80 columns: {rows:?}"
        );
        assert!(
            cuts.iter().all(|at| *at == cuts[0]),
            "cut in different places: {rows:?}"
        );
    }
    let unique: std::collections::HashSet<&String> = rows.iter().collect();
    assert_eq!(unique.len(), rows.len(), "{rows:?}");

    // Resume the first group that can be acted on, keeping its retries, without following.
    pty.keys("\r");
    pty.until("What now?", 1);
    pty.keys("\x1b[B\x1b[B\x1b[B\r");
    pty.until("Retries for the next delivery", 1);
    pty.keys("\r");
    pty.until("How?", 1);
    // Up from the first line wraps to the last: act without following.
    pty.keys("\x1b[A\r");
    pty.until("[y/N]", 1);
    let before = pty.drawn().matches(GROUPS).count();
    pty.keys("y\r");
    pty.until(GROUPS, before + 1);
    pty.keys("\x1b");
    let (code, drawn) = pty.finish();
    let screen = Screen::replay_at(&drawn, COLS);
    let lines = screen.lines();
    let shown = lines.join("\n");
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(screen.wrapped(), Vec::<String>::new(), "{shown}");

    // The recap: the outcome wrapped between its counts (never `0` and `left` apart), then
    // the command on lines ending ` \` but the last.
    let recap = lines
        .iter()
        .position(|l| l == "This session:")
        .unwrap_or_else(|| panic!("{shown}"));
    let starts = |l: &String| l.starts_with("    DLQ_STATE_DIR=") || l.starts_with("    dlq ");
    let at = recap + lines[recap..].iter().position(starts).unwrap();
    let outcome: Vec<&str> = lines[recap + 1..at].iter().map(|l| l.trim()).collect();
    assert!(outcome[0].starts_with("resume: job resume-"), "{shown}");
    assert!(
        outcome
            .join(" ")
            .ends_with(" done, 0 not in the DLQ, 0 failed, 0 left"),
        "{shown}"
    );
    assert!(
        outcome
            .iter()
            .all(|l| !l.ends_with(|c: char| c.is_ascii_digit())),
        "a count apart from what it counts: {shown}"
    );
    let mut command = Vec::new();
    for l in &lines[at..] {
        command.push(l.as_str());
        if !l.ends_with(" \\") {
            break;
        }
    }
    assert!(
        command.len() > 1,
        "a command this long takes lines: {shown}"
    );
    assert!(command[0].contains(" dlq --base-url "), "{shown}");
    let pasted = command.join("\n");
    assert!(
        pasted.contains(" resume ") && pasted.ends_with("--yes"),
        "{pasted}"
    );
    let out = crate::cmdline::pasted(&pasted, &[("QSTASH_TOKEN", sb.token.as_str())]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{pasted}\n{said}");
    // The same group, resumed already: the pasted line selects it and finds nothing left.
    assert!(said.contains("nothing matches"), "{pasted}\n{said}");
}

/// Typed at the terminal: a program that keeps part of any group (the digit before an id's
/// `-0`).
const PROGRAM: &str = r#".dlqId | test("[0-4]-0$")"#;

#[test]
fn at_80_columns_a_group_narrowed_by_what_it_says_is_exactly_what_the_delete_takes() {
    let sb = Sandbox::start(&["--seed", "100", "--seed-rng", "7"]);
    let before = sb.listed(false);
    let mut pty = Pty::start_sized(&sb, "triage", COLS);
    pty.until(GROUPS, 1);
    pty.keys("\r");
    pty.until("What now?", 1);
    // Below inspect, narrow by another key, export, retry, republish and delete.
    pty.keys("\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\r");
    pty.until("Narrow by what the entries say", 1);
    pty.keys("\x1b[B\r");
    pty.until("--where (empty goes back)", 1);
    pty.keys(&format!("{PROGRAM}\r"));
    // The first menu's answer line also says "What now?": the second menu is the one drawn
    // after the narrowed count. Keys sent before it would be echoed onto the reading line.
    pty.until_after("of the group's entries match --where", "What now?");
    // inspect, narrow by another key, export, retry, republish, delete.
    pty.keys("\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\r");
    pty.until("Keep a copy?", 1);
    pty.keys("\x1b[B\r");
    pty.until("[y/N]", 1);
    pty.keys("y\r");
    // Back at the groups once the delete has said its account; Esc quits.
    pty.until_after(" done of ", GROUPS);
    pty.keys("\x1b");
    let (code, drawn) = pty.finish();
    let screen = Screen::replay_at(&drawn, COLS);
    let lines = screen.lines();
    let shown = lines.join("\n");
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(screen.wrapped(), Vec::<String>::new(), "{shown}");
    assert!(
        shown.contains("of the group's entries match --where"),
        "{shown}"
    );

    // What went is one group's entries that the program keeps, all of them.
    let left: std::collections::BTreeSet<String> = sb.ids(false).into_iter().collect();
    let gone: Vec<&serde_json::Value> = before
        .iter()
        .filter(|e| !left.contains(e["dlqId"].as_str().unwrap()))
        .collect();
    assert!(!gone.is_empty(), "{shown}");
    let key = |e: &serde_json::Value| (e["url"].clone(), e["responseStatus"].clone());
    let ends = regex::Regex::new("[0-4]-0$").unwrap();
    let kept = |e: &serde_json::Value| ends.is_match(e["dlqId"].as_str().unwrap());
    let group = key(gone[0]);
    let want: Vec<&serde_json::Value> = before
        .iter()
        .filter(|e| key(e) == group && kept(e))
        .collect();
    assert_eq!(gone, want, "{shown}");
    assert!(
        before.iter().any(|e| key(e) == group && !kept(e)),
        "the program keeps part of the group only: {shown}"
    );

    // The recap's command, pasted into a shell as printed, selects the same and finds
    // nothing left.
    let recap = lines
        .iter()
        .position(|l| l == "This session:")
        .unwrap_or_else(|| panic!("{shown}"));
    let starts = |l: &String| l.starts_with("    DLQ_STATE_DIR=") || l.starts_with("    dlq ");
    let at = recap + lines[recap..].iter().position(starts).unwrap();
    let mut command = Vec::new();
    for l in &lines[at..] {
        command.push(l.as_str());
        if !l.ends_with(" \\") {
            break;
        }
    }
    let pasted = command.join("\n");
    assert!(pasted.contains(&format!("--where '{PROGRAM}'")), "{pasted}");
    let out = crate::cmdline::pasted(&pasted, &[("QSTASH_TOKEN", sb.token.as_str())]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{pasted}\n{said}");
    assert!(said.contains("nothing matches"), "{pasted}\n{said}");
}
