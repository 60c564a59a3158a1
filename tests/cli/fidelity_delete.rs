//! `dlq delete` against a service that deletes the ids present and counts only those (the
//! sandbox now, as the real service): ids that went between the plan and the request are
//! reported as already gone where the count tells, never simply as deleted by this run.
//!
//! The ids are deleted behind `dlq`'s back while it waits at its y/N question, on a real
//! terminal: the plan has found them, the request has not been sent.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{ndjson, Sandbox};
use crate::pty::{screen, Pty};

/// Runs `dlq delete IDS --report FILE` at a terminal and deletes `gone` with plain HTTP
/// while it asks; the exit code, the screen, the report's outcomes and `dlq jobs show` counts.
fn delete_with_some_gone(
    sb: &Sandbox,
    ids: &[String],
    gone: &[String],
) -> (Option<i32>, String, Vec<Value>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.ndjson");
    let mut pty = Pty::start(
        sb,
        &format!("delete {} --report '{}'", ids.join(" "), report.display()),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pty.drawn().contains("[y/N]") {
        assert!(pty.running(), "ended before asking:\n{}", pty.drawn());
        assert!(Instant::now() < deadline, "no question:\n{}", pty.drawn());
        std::thread::sleep(Duration::from_millis(20));
    }
    for id in gone {
        // A workflow run's id is deleted on the workflow DLQ's own endpoint.
        let path = if sb.ids(true).contains(id) {
            format!("/v2/workflows/dlq/{id}")
        } else {
            format!("/v2/dlq/{id}")
        };
        assert_eq!(sb.http("DELETE", &path).0, 200);
    }
    pty.keys("y\r");
    let (code, drawn) = pty.finish();
    let lines = ndjson(&std::fs::read(&report).unwrap());
    let job = lines[0]["job"].as_str().unwrap().to_string();
    let counts = sb.job_shown(&job)["counts"].clone();
    // And `dlq verify` finds every id of the job gone, as the server holds it.
    sb.dlq().args(["verify", &job]).assert().success();
    let outcomes = lines
        .into_iter()
        .filter(|l| l.get("dlqId").is_some())
        .collect();
    (code, screen(&drawn).join("\n"), outcomes, counts)
}

fn bulk_deletes(sb: &Sandbox) -> Vec<Value> {
    sb.requests()
        .into_iter()
        .filter(|r| {
            r["method"] == "DELETE" && (r["path"] == "/v2/dlq" || r["path"] == "/v2/workflows/dlq")
        })
        .collect()
}

#[test]
fn ids_all_gone_before_the_request_are_reported_already_gone() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "71"]);
    let all = sb.ids(false);
    let ids = all[..3].to_vec();
    let (code, shown, report, counts) = delete_with_some_gone(&sb, &ids, &ids);
    // The one bulk request found nothing to delete, and said so with a count of 0.
    let sent = bulk_deletes(&sb);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["status"], 200);
    assert_eq!(report.len(), 3, "{report:?}");
    for line in &report {
        assert_eq!(line["outcome"], "not_found", "{line}");
        assert!(
            line["error"].as_str().unwrap().contains("already gone"),
            "{line}"
        );
    }
    assert!(shown.contains("delete: 0 done"), "{shown}");
    assert_eq!(
        (&counts["done"], &counts["notFound"]),
        (&0.into(), &3.into()),
        "{counts}"
    );
    assert_ne!(code, Some(0), "{shown}");
    // The server's truth: each was deleted once, by the plain HTTP calls; the rest stay.
    for id in &ids {
        assert_eq!(sb.applied(id, "delete"), 1, "{id}");
    }
    assert_eq!(sb.ids(false), all[3..].to_vec());
}

#[test]
fn ids_some_gone_before_the_request_are_not_claimed_as_deleted_by_this_run() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "72"]);
    let all = sb.ids(false);
    let ids = all[..3].to_vec();
    let (_code, shown, report, counts) = delete_with_some_gone(&sb, &ids, &ids[..2]);
    let sent = bulk_deletes(&sb);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(report.len(), 3, "{report:?}");
    // One of three was deleted by this run and the server does not say which: the counts
    // are the server's (1 deleted, 2 already gone), and every line says the split is a count.
    let outcome = |o: &str| report.iter().filter(|l| l["outcome"] == o).count();
    assert_eq!(
        (outcome("done"), outcome("not_found")),
        (1, 2),
        "{report:?}"
    );
    for line in &report {
        let why = line["error"].as_str().unwrap_or_else(|| panic!("{line}"));
        assert!(why.contains("deleted 1 of these 3"), "{line}");
    }
    assert_eq!(
        (&counts["done"], &counts["notFound"]),
        (&1.into(), &2.into()),
        "{counts}"
    );
    assert!(shown.contains("delete: 1 done"), "{shown}");
    for id in &ids {
        assert_eq!(sb.applied(id, "delete"), 1, "{id}");
    }
    assert_eq!(sb.ids(false), all[3..].to_vec(), "{shown}");
}

/// The same on the workflow DLQ (`DELETE /v2/workflows/dlq?dlqIds=`, chunks of 50).
#[test]
fn failed_runs_some_gone_before_the_request_keep_the_servers_counts() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "73"]);
    let all = sb.ids(true);
    let ids = all[..4].to_vec();
    let (_code, shown, report, counts) = delete_with_some_gone(&sb, &ids, &ids[..1]);
    let sent = bulk_deletes(&sb);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["path"], "/v2/workflows/dlq");
    let outcome = |o: &str| report.iter().filter(|l| l["outcome"] == o).count();
    assert_eq!(
        (outcome("done"), outcome("not_found")),
        (3, 1),
        "{report:?}"
    );
    assert!(
        report.iter().all(|l| l["error"]
            .as_str()
            .unwrap()
            .contains("deleted 3 of these 4")),
        "{report:?}"
    );
    assert_eq!(
        (&counts["done"], &counts["notFound"]),
        (&3.into(), &1.into()),
        "{counts}"
    );
    for id in &ids {
        assert_eq!(sb.applied(id, "delete"), 1, "{id}");
    }
    assert_eq!(sb.ids(true), all[4..].to_vec(), "{shown}");
    assert_eq!(sb.ids(false).len(), 5, "the QStash DLQ is untouched");
}

/// A server that counts short and yet left an id in place (the count is the server's word,
/// not the truth): the id still there is found and deleted on its own, and the one the count
/// covers is done. The hostile server keeps its own truth: which ids exist.
#[test]
fn an_id_still_present_after_a_short_count_is_deleted_on_its_own() {
    use std::collections::BTreeSet;
    use std::sync::{Arc, Mutex};

    use crate::hostile::{Hostile, Reply, Request};

    let present: Arc<Mutex<BTreeSet<String>>> =
        Arc::new(Mutex::new(["1-0", "2-0"].map(String::from).into()));
    let p = present.clone();
    let server = Hostile::start(move |r: &Request, _| {
        let mut p = p.lock().unwrap();
        match (r.method.as_str(), r.path()) {
            ("GET", path) if path.starts_with("/v2/dlq/") => {
                let id = &path["/v2/dlq/".len()..];
                if p.contains(id) {
                    Reply::ok(serde_json::json!({
                        "dlqId": id, "messageId": format!("msg_{id}"), "url": "https://a.example/",
                        "method": "POST", "maxRetries": 0, "notBefore": 0, "createdAt": 1,
                        "responseStatus": 500
                    }))
                } else {
                    Reply::json(404, r#"{"error":"not found"}"#)
                }
            }
            // Deletes only the first id it is given, whatever else, and says 1.
            ("DELETE", "/v2/dlq") => {
                let first = r.query_all("dlqIds").remove(0);
                p.remove(&first);
                Reply::ok(serde_json::json!({ "deleted": 1 }))
            }
            ("DELETE", path) if path.starts_with("/v2/dlq/") => {
                let id = &path["/v2/dlq/".len()..];
                if p.remove(id) {
                    Reply::with(200, "text/plain", &[], b"")
                } else {
                    Reply::json(404, r#"{"error":"not found"}"#)
                }
            }
            _ => Reply::json(404, r#"{"error":"no such endpoint"}"#),
        }
    });
    let home = tempfile::tempdir().unwrap();
    let out = server
        .dlq(&home)
        .args(["delete", "1-0", "2-0", "--yes", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = ndjson(&out.stdout)
        .into_iter()
        .filter(|l| l.get("dlqId").is_some())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l["outcome"] == "done" && l.get("error").is_none()),
        "{lines:?}"
    );
    assert!(
        present.lock().unwrap().is_empty(),
        "the server holds nothing more"
    );
    let sent: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("DELETE"))
        .collect();
    assert_eq!(sent, ["DELETE /v2/dlq", "DELETE /v2/dlq/2-0"]);
}
