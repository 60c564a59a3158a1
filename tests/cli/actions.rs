//! Acting on entries by id: retry, delete, resume, restart, callback against the sandbox.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{header, ndjson, Sandbox};
use crate::pty::on_terminal;

fn last_request<'a>(reqs: &'a [Value], method: &str, path_prefix: &str) -> &'a Value {
    reqs.iter()
        .rev()
        .find(|r| {
            r["method"] == method && r["path"].as_str().unwrap_or("").starts_with(path_prefix)
        })
        .unwrap_or_else(|| panic!("no {method} {path_prefix}... among {} requests", reqs.len()))
}

#[test]
fn resume_with_retries_zero_sends_the_header_and_prints_the_new_run() {
    let sb = Sandbox::start(&["--seed", "20", "--seed-rng", "3"]);
    let id = sb.ids(true)[0].clone();
    let out = sb
        .dlq()
        .args(["resume", &id, "--retries", "0", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .clone();
    let results = ndjson(&out.stdout);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["dlqId"], id.as_str());
    assert_eq!(results[0]["outcome"], "done");
    let run = results[0]["workflowRunId"]
        .as_str()
        .expect("new run id")
        .to_string();
    assert!(results[0]["workflowCreatedAt"].as_i64().is_some());
    let req = last_request(&sb.requests(), "POST", "/v2/workflows/dlq/resume").clone();
    assert_eq!(header(&req, "Upstash-Retries").as_deref(), Some("0"));
    assert!(!sb.ids(true).contains(&id), "resumed run left the DLQ");
    assert_eq!(sb.applied(&id, "resume"), 1);
    let (_, runs) = sb.http("GET", "/__sandbox/runs");
    assert!(
        runs.to_string().contains(&run),
        "the sandbox knows the new run {run}"
    );
    // The table view names the new run too.
    let id2 = sb.ids(true)[0].clone();
    sb.dlq()
        .args(["resume", &id2])
        .assert()
        .success()
        .stdout(predicate::str::contains("wfr_"));
}

#[test]
fn restart_sends_both_flow_control_headers() {
    let sb = Sandbox::start(&["--seed", "10", "--seed-rng", "4"]);
    let id = sb.ids(true)[0].clone();
    sb.dlq()
        .args([
            "restart",
            &id,
            "--flow-control-key",
            "k",
            "--parallelism",
            "2",
            "--rate",
            "10",
        ])
        .assert()
        .success();
    let req = last_request(&sb.requests(), "POST", "/v2/workflows/dlq/restart").clone();
    assert_eq!(
        header(&req, "Upstash-Flow-Control-Key").as_deref(),
        Some("k")
    );
    assert_eq!(
        header(&req, "Upstash-Flow-Control-Value").as_deref(),
        Some("parallelism=2, rate=10")
    );
    assert_eq!(sb.applied(&id, "restart"), 1);
    // A key without a value is refused before anything is sent.
    let before = sb.requests().len();
    sb.dlq()
        .args(["restart", &id, "--flow-control-key", "k"])
        .assert()
        .code(2);
    assert_eq!(sb.requests().len(), before);
}

#[test]
fn retry_two_messages_leaves_neither_and_prints_two_new_ids() {
    let sb = Sandbox::start(&["--seed", "10", "--seed-rng", "5"]);
    let ids = sb.ids(false);
    let (a, b) = (ids[0].clone(), ids[1].clone());
    let out = sb
        .dlq()
        .args(["retry", &a, &b, "-o", "ids"])
        .assert()
        .success()
        .get_output()
        .clone();
    let new_ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(new_ids.len(), 2, "{new_ids:?}");
    assert_ne!(new_ids[0], new_ids[1]);
    let left = sb.ids(false);
    assert!(!left.contains(&a) && !left.contains(&b));
    assert_eq!(left.len(), ids.len() - 2);
    let (_, msgs) = sb.http("GET", "/__sandbox/messages");
    for m in &new_ids {
        assert!(
            msgs.to_string().contains(m.as_str()),
            "new message {m} exists"
        );
    }
    // One bulk request carried both ids.
    let req = last_request(&sb.requests(), "POST", "/v2/dlq/retry").clone();
    assert_eq!(
        req["query"]
            .as_str()
            .unwrap_or("")
            .matches("dlqIds=")
            .count(),
        2,
        "{req}"
    );
}

#[test]
fn retry_of_an_unknown_id_fails_and_says_so() {
    let sb = Sandbox::start(&["--seed", "5"]);
    sb.dlq()
        .args(["retry", "1700000000000-99"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not found"))
        .stderr(predicate::str::contains("nothing was retried"));
    // Looked up, never acted on: a typo is not in the DLQ, whatever happens to replies.
    assert!(
        sb.requests().iter().all(|r| r["method"] == "GET"),
        "only reads were sent"
    );
}

#[test]
fn mixed_outcomes_exit_3_and_say_which_did_what() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "6"]);
    let good = sb.ids(false)[0].clone();
    let out = sb
        .dlq()
        .args(["retry", &good, "1700000000000-98", "-o", "ndjson"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let results = ndjson(&out.stdout);
    let by_id = |id: &str| results.iter().find(|r| r["dlqId"] == id).unwrap().clone();
    assert_eq!(by_id(&good)["outcome"], "done");
    assert!(by_id(&good)["messageId"].is_string());
    assert_eq!(by_id("1700000000000-98")["outcome"], "not_found");
    assert_eq!(sb.applied(&good, "retry"), 1);
}

#[test]
fn override_headers_arrive_as_sent() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "7"]);
    let id = sb.ids(false)[0].clone();
    sb.dlq()
        .args([
            "retry",
            &id,
            "--retries",
            "2",
            "--delay",
            "10s",
            "--retry-delay",
            "1000 * retried",
            "--set-label",
            "a,b",
            "--failure-callback",
            "https://cb.example/fail",
            "--callback",
            "https://cb.example/ok",
            "--delivery-timeout",
            "30s",
            "--method",
            "put",
        ])
        .assert()
        .success();
    let req = last_request(&sb.requests(), "POST", "/v2/dlq/retry").clone();
    for (name, want) in [
        ("Upstash-Retries", "2"),
        ("Upstash-Delay", "10s"),
        ("Upstash-Retry-Delay", "1000 * retried"),
        ("Upstash-Label", "a,b"),
        ("Upstash-Failure-Callback", "https://cb.example/fail"),
        ("Upstash-Callback", "https://cb.example/ok"),
        ("Upstash-Timeout", "30s"),
        ("Upstash-Method", "PUT"),
    ] {
        assert_eq!(header(&req, name).as_deref(), Some(want), "{name} in {req}");
    }
    // Values are checked before anything is sent.
    let before = sb.requests().len();
    sb.dlq()
        .args(["retry", &id, "--delay", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("10s"));
    sb.dlq()
        .args(["retry", &id, "--method", "FETCH"])
        .assert()
        .code(2);
    assert_eq!(sb.requests().len(), before);
}

#[test]
fn delete_ids_from_stdin_with_yes_and_refusal_without() {
    let sb = Sandbox::start(&["--seed", "10", "--seed-rng", "8"]);
    let ids = sb.ids(false);
    let input = format!("{}\n{}\n", ids[0], ids[1]);
    // No terminal and no --yes: refused, nothing deleted.
    sb.dlq()
        .args(["delete", "-"])
        .write_stdin(input.clone())
        .assert()
        .code(5)
        .stderr(predicate::str::contains("--yes"));
    assert_eq!(sb.ids(false).len(), ids.len());
    sb.dlq()
        .args(["delete", "-", "--yes"])
        .write_stdin(input)
        .assert()
        .success();
    let left = sb.ids(false);
    assert_eq!(left.len(), ids.len() - 2);
    assert!(!left.contains(&ids[0]) && !left.contains(&ids[1]));
    // The NDJSON of `list` works as input too, and --workflow deletes runs.
    let runs = sb
        .dlq()
        .args(["list", "--workflow", "--limit", "3", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    sb.dlq()
        .args(["delete", "--workflow", "-", "--yes"])
        .write_stdin(runs)
        .assert()
        .success();
    assert_eq!(sb.ids(true).len(), 7);
}

#[test]
fn ids_never_leave_their_path_segment() {
    let sb = Sandbox::start(&["--seed", "3"]);
    // A slash is never part of an id: refused before any request.
    sb.dlq()
        .args(["get", "../../v2/keys"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an id"));
    sb.dlq()
        .args(["delete", "../../v2/keys", "--yes"])
        .assert()
        .code(2);
    assert!(sb.requests().is_empty(), "nothing was sent");
    // Other characters are sent percent-encoded, inside their segment.
    sb.dlq()
        .args(["get", "1-0?x=1#..%2f"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not in the DLQ"));
    sb.dlq()
        .args(["delete", "1-0?x=1#..%2f", "--yes"])
        .assert()
        .code(1);
    let reqs = sb.requests();
    let paths: Vec<&str> = reqs.iter().filter_map(|r| r["path"].as_str()).collect();
    assert!(
        paths.iter().all(|p| !p.starts_with("/v2/keys")),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("/v2/") && p.ends_with("/1-0%3Fx%3D1%23%2E%2E%252f")),
        "one segment, every special character encoded: {paths:?}"
    );
    // `..` and an empty id are refused before anything is sent.
    for bad in ["..", ""] {
        sb.dlq()
            .args(["get", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("id"));
    }
}

#[test]
fn server_reasons_are_shown_for_refused_actions() {
    let sb = Sandbox::start(&["--seed", "30", "--seed-rng", "9"]);
    // Resume of a QStash message: the server's 400 reason reaches the user.
    let msg = sb.ids(false)[0].clone();
    let out = sb
        .dlq()
        .args(["resume", &msg, "-o", "ndjson"])
        .assert()
        .failure()
        .get_output()
        .clone();
    let r = &ndjson(&out.stdout)[0];
    assert_ne!(r["outcome"], "done");
    assert!(r["error"].as_str().unwrap().len() > 3, "{r}");
    // Callback: only runs whose callback failed.
    let runs = sb.entries(true);
    let state = |e: &Value| {
        e["failureCallbackInfo"]["state"]
            .as_str()
            .map(str::to_string)
    };
    let failed = runs
        .iter()
        .find(|e| state(e).as_deref() == Some("CALLBACK_FAIL"))
        .expect("seeded CALLBACK_FAIL");
    let other = runs
        .iter()
        .find(|e| state(e).as_deref() == Some("CALLBACK_SUCCESS"))
        .expect("seeded CALLBACK_SUCCESS");
    let (fid, oid) = (
        failed["dlqId"].as_str().unwrap(),
        other["dlqId"].as_str().unwrap(),
    );
    sb.dlq()
        .args(["callback", fid])
        .assert()
        .success()
        .stdout(predicate::str::contains("done"));
    assert_eq!(sb.applied(fid, "callback"), 1);
    let out = sb
        .dlq()
        .args(["callback", oid, "-o", "ndjson"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let r = &ndjson(&out.stdout)[0];
    assert_eq!(r["outcome"], "failed");
    assert_eq!(sb.applied(oid, "callback"), 0);
}

#[test]
fn delete_asks_on_a_terminal_and_defaults_to_no() {
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "10"]);
    let id = sb.ids(false)[0].clone();
    // Enter takes the default: No. Nothing is deleted, and No is not an error.
    let (code, screen) = on_terminal(&sb, &format!("delete {id}"), "\r");
    assert_eq!(code, Some(5), "{screen}");
    let host = sb.url.trim_start_matches("http://");
    assert!(
        screen.contains(&format!("Delete 1 QStash message on {host}")),
        "the prompt names the target: {screen}"
    );
    assert!(screen.contains("--backup"), "{screen}");
    assert!(
        screen.contains("nothing was done") && !screen.contains("error"),
        "{screen}"
    );
    assert!(sb.ids(false).contains(&id));
    // A keystroke is not an answer until Enter: y, then n, then Enter means No. (Acting on
    // the single keystroke would have deleted on the y.)
    let (code, screen) = on_terminal(&sb, &format!("delete {id}"), "yn\r");
    assert_eq!(code, Some(5), "{screen}");
    assert!(sb.ids(false).contains(&id));
    // `yes` then Enter confirms, on the y, once Enter comes.
    let (code, screen) = on_terminal(&sb, &format!("delete {id}"), "yes\r");
    assert_eq!(code, Some(0), "{screen}");
    assert!(!sb.ids(false).contains(&id));
}

#[test]
fn an_empty_id_list_is_nothing_to_do_not_an_error() {
    let sb = Sandbox::start(&["--seed", "3"]);
    // A drain of a group that is already empty: `dlq list ... -o ids | dlq retry - --yes`.
    sb.dlq()
        .args(["retry", "-", "--yes"])
        .write_stdin("")
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to do"));
    let empty = sb.home.path().join("none.txt");
    std::fs::write(&empty, "# nothing\n").unwrap();
    sb.dlq()
        .args(["delete", "--ids-from"])
        .arg(&empty)
        .arg("--yes")
        .assert()
        .success();
    assert!(sb.requests().is_empty());
    // No ids and no selection at all is still a usage error.
    sb.dlq().args(["retry", "--yes"]).assert().code(2);
}
