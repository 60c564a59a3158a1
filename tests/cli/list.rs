//! `list` and `get` against the sandbox: formats, paging, filters on the wire, retried
//! reads, closed pipes, terminal-safe output.

use std::collections::BTreeSet;
use std::io::Read;
use std::process::Stdio;

use predicates::prelude::*;

use crate::common::{ndjson, Sandbox};

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn every_format_lists_every_entry_once() {
    let sb = Sandbox::start(&["--seed", "250", "--seed-rng", "21"]);
    let truth: BTreeSet<String> = sb.ids(false).into_iter().collect();
    assert_eq!(truth.len(), 250);
    let ids: Vec<String> = stdout(
        &sb.dlq()
            .args(["list", "--all", "-o", "ids"])
            .assert()
            .success(),
    )
    .lines()
    .map(str::to_string)
    .collect();
    assert_eq!(ids.iter().cloned().collect::<BTreeSet<_>>(), truth);
    assert_eq!(ids.len(), 250);
    let nd = ndjson(
        &sb.dlq()
            .args(["list", "--all", "-o", "ndjson"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(nd.len(), 250);
    assert!(nd
        .iter()
        .all(|e| e["messageId"].is_string() && e["createdAt"].is_i64()));
    let doc: serde_json::Value = serde_json::from_str(&stdout(
        &sb.dlq()
            .args(["list", "--all", "-o", "json"])
            .assert()
            .success(),
    ))
    .unwrap();
    assert_eq!(doc["messages"].as_array().unwrap().len(), 250);
    assert!(doc["cursor"].is_null());
    // Default: one page, tab-separated when piped; --limit crosses pages.
    assert_eq!(
        stdout(&sb.dlq().arg("list").assert().success())
            .lines()
            .count(),
        100
    );
    assert_eq!(
        stdout(
            &sb.dlq()
                .args(["list", "--limit", "130", "-o", "ids"])
                .assert()
                .success()
        )
        .lines()
        .count(),
        130
    );
    // Workflow runs through both the documented path and the SDK's.
    let runs = stdout(
        &sb.dlq()
            .args(["list", "--workflow", "--all", "-o", "ids"])
            .assert()
            .success(),
    );
    assert_eq!(runs.lines().count(), 250);
}

#[test]
fn filters_reach_the_server_as_the_api_documents() {
    let sb = Sandbox::start(&["--seed", "30", "--seed-rng", "22"]);
    let before = jiff_now_ms();
    sb.dlq()
        .args([
            "list",
            "--status",
            "50x",
            "--label",
            "a",
            "--label",
            "b",
            "--from",
            "2h",
            "--url-group",
            "g",
            "--queue",
            "q",
        ])
        .assert()
        .code(2); // 50x is not a status form
    sb.dlq()
        .args([
            "list",
            "--status",
            "500-502",
            "--label",
            "a",
            "--label",
            "b",
            "--from",
            "2h",
            "--url-group",
            "g",
            "--queue",
            "q",
        ])
        .assert()
        .success();
    let reqs = sb.requests();
    let q = reqs.iter().rev().find(|r| r["path"] == "/v2/dlq").unwrap()["query"]
        .as_str()
        .unwrap()
        .to_string();
    for part in [
        "responseStatus=500",
        "responseStatus=501",
        "responseStatus=502",
        "label=a",
        "label=b",
        "topicName=g",
        "queueName=q",
    ] {
        assert!(q.split('&').any(|p| p == part), "{part} missing in {q}");
    }
    let from: i64 = q
        .split('&')
        .find_map(|p| p.strip_prefix("fromDate="))
        .unwrap()
        .parse()
        .unwrap();
    let two_hours = 2 * 3600 * 1000;
    assert!(
        (before - two_hours - 5_000..=before - two_hours + 60_000).contains(&from),
        "{from}"
    );
    // Workflow filters use the workflow names.
    sb.dlq()
        .args([
            "list",
            "--workflow",
            "--callback-state",
            "CALLBACK_FAIL",
            "--workflow-url",
            "https://w.example",
        ])
        .assert()
        .success();
    let reqs = sb.requests();
    let q = reqs.last().unwrap()["query"].as_str().unwrap().to_string();
    assert!(
        q.contains("failureFunctionState=CALLBACK_FAIL") && q.contains("workflowUrl="),
        "{q}"
    );
}

fn jiff_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn reads_are_retried_through_server_errors_and_rate_limits() {
    let sb = Sandbox::start(&[
        "--seed",
        "400",
        "--seed-rng",
        "23",
        "--fault-rate",
        "0.3",
        "--faults",
        "500,503,429,reset",
    ]);
    let a = sb
        .dlq()
        .args(["list", "--all", "-o", "ids"])
        .timeout(std::time::Duration::from_secs(180))
        .assert()
        .success();
    let got: BTreeSet<String> = stdout(&a).lines().map(str::to_string).collect();
    assert_eq!(got.len(), 400);
}

#[test]
fn a_closed_pipe_exits_zero_quietly() {
    let sb = Sandbox::start(&["--seed", "1000", "--seed-rng", "24"]);
    let mut child = sb
        .dlq_std()
        .args(["list", "--all", "-o", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as `head` does
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert_eq!(err, "");
}

#[test]
fn get_decodes_bodies_and_never_prints_control_characters() {
    let home = tempfile::tempdir().unwrap();
    let fixture = home.path().join("f.ndjson");
    let evil = serde_json::json!({
        "dlqId": "1700000000000-0", "messageId": "msg_1", "url": "https://x.example/\u{1b}]0;pwned\u{7}",
        "method": "POST", "maxRetries": 3, "notBefore": 0, "createdAt": 1700000000000i64,
        "responseStatus": 500, "body": "line1\n\u{1b}[31mred\u{1b}[0m",
        "header": {"Content-Type": ["text/plain\u{9b}"]},
        "responseBodyBase64": "AAEC/w==", "labels": ["a"]
    });
    std::fs::write(&fixture, format!("{evil}\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    let a = sb.dlq().args(["get", "1700000000000-0"]).assert().success();
    let out = a.get_output().stdout.clone();
    assert!(
        !out.iter().any(|b| *b == 0x1b || *b == 0x07),
        "raw control bytes reached stdout"
    );
    assert!(!String::from_utf8_lossy(&out).contains('\u{9b}'));
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.contains("\\x1b[31mred"), "{text}");
    assert!(
        text.contains("binary, 4 bytes, shown escaped") && text.contains("\\x00\\x01\\x02\\xff"),
        "{text}"
    );
    assert!(
        text.contains("2023-11-14T22:13:20Z") && text.contains("1700000000000"),
        "times both ways: {text}"
    );
    // The list view escapes too, and -o json keeps the data exact.
    let list = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!list.contains(&0x1b));
    let json: serde_json::Value = serde_json::from_slice(
        &sb.dlq()
            .args(["get", "1700000000000-0", "-o", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["body"], evil["body"]);
}

#[test]
fn terminal_table_fits_and_says_how_to_get_more() {
    let sb = Sandbox::start(&["--seed", "150", "--seed-rng", "25"]);
    let a = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "80")
        .arg("list")
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.lines().next().unwrap().contains("ID"));
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    // The note under the table wraps between words, not where the terminal would cut it.
    for line in out.lines().chain(err.lines()) {
        assert!(
            line.chars().count() <= 80,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    assert!(err.contains("--all") && err.contains("--cursor"), "{err}");
}

#[test]
fn more_exist_goes_to_stderr_in_a_pipe_or_on_a_terminal_and_q_silences_it() {
    let sb = Sandbox::start(&["--seed", "150", "--seed-rng", "26"]);
    let note = "100 shown; more exist: add --all (or --limit N), or continue with --cursor ";
    // stdout a pipe: 100 rows of data there, the note on stderr.
    let a = sb.dlq().arg("list").assert().success();
    let out = stdout(&a);
    assert_eq!(out.lines().count(), 100);
    assert!(!out.contains("more exist"));
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains(note), "{err}");
    // The cursor it names is the next page.
    let cursor = err.split(note).nth(1).unwrap().trim().to_string();
    let next = stdout(
        &sb.dlq()
            .args(["list", "--cursor", &cursor])
            .assert()
            .success(),
    );
    assert_eq!(next.lines().count(), 50);

    // stdout a terminal, stderr a file: the note still goes to the file, not the table.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stderr");
    let (code, drawn) = crate::pty::on_terminal(&sb, &format!("list 2>'{}'", file.display()), "");
    assert_eq!(code, Some(0), "{drawn}");
    assert!(
        drawn.contains("ID") && !drawn.contains("more exist"),
        "{drawn}"
    );
    let err = std::fs::read_to_string(&file).unwrap();
    assert!(err.contains(note), "{err}");

    // -q: no note, in a pipe or on a terminal.
    sb.dlq()
        .args(["list", "-q"])
        .assert()
        .success()
        .stderr(predicate::str::contains("more exist").not());
    let (code, drawn) = crate::pty::on_terminal(&sb, "list -q", "");
    assert_eq!(code, Some(0), "{drawn}");
    assert!(
        drawn.contains("ID") && !drawn.contains("more exist"),
        "{drawn}"
    );
}
