//! Selecting by what messages say: `--where` (jq over the entry, `$body`, `$response`) and
//! `--grep` (a regular expression over both bodies). Each selection is compared with the truth
//! the test wrote into the sandbox's fixture and with what the sandbox holds afterwards: list,
//! stats, delete planned and pipelined, republish, resume, `--continue` of a job stopped while
//! it listed; and the refusals (server-side, bad syntax, a program that fails, one that never ends).

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use predicates::prelude::*;
use serde_json::{json, Value};

use crate::common::{continue_job, ndjson, wait_for, Sandbox};
use crate::hostile::{Hostile, Reply};

const TENANTS: [&str; 3] = ["acme", "globex", "initech"];

/// What the fixture's entry `i` says: its tenant when its body is JSON (every seventh body is
/// plain text), and whether the endpoint answered "Invalid Signature" (every fourth).
struct Said {
    tenant: Option<&'static str>,
    signature: bool,
}

fn said(i: usize) -> Said {
    Said {
        tenant: (!i.is_multiple_of(7)).then_some(TENANTS[i % 3]),
        signature: i.is_multiple_of(4),
    }
}

/// A fixture entry: every fifth JSON body sent as base64, as the API sends bodies that are
/// not UTF-8; response bodies text or JSON.
fn entry(i: usize, now: i64, workflow: bool) -> Value {
    let s = said(i);
    let id = format!("{}-{i}", now - 60_000 - i as i64);
    let mut e = json!({
        "dlqId": id, "messageId": format!("msg_{i}"),
        "url": format!("http://old.example/hook/{}", i % 2), "method": "POST",
        "maxRetries": 0, "createdAt": now - 90_000, "responseStatus": 500,
        "header": {"Content-Type": ["application/json"]},
        "labels": if i.is_multiple_of(2) { vec!["even"] } else { vec![] },
    });
    match s.tenant {
        Some(t) if i.is_multiple_of(5) => {
            let body = json!({"tenant": t, "n": i}).to_string();
            e["bodyBase64"] = base64::engine::general_purpose::STANDARD
                .encode(body)
                .into()
        }
        Some(t) => e["body"] = json!({"tenant": t, "n": i}).to_string().into(),
        None => e["body"] = format!("tenant=acme n={i} (not JSON)").into(),
    }
    e["responseBody"] = if s.signature {
        format!("Invalid Signature for order o-{i}").into()
    } else {
        json!({"error": "upstream timeout", "after_ms": 3000 + i})
            .to_string()
            .into()
    };
    if workflow {
        e["workflowRunId"] = format!("wfr_{i}").into();
        e["workflowUrl"] = "http://old.example/wf".into();
        e["workflowCreatedAt"] = (now - 90_000).into();
    }
    e
}

/// A sandbox seeded with `n` such entries (QStash, or workflow runs); the ids of each, by `i`.
fn sandbox_of(n: usize, workflow: bool) -> (Sandbox, tempfile::TempDir, Vec<String>) {
    let now = jiff::Timestamp::now().as_millisecond();
    let lines: Vec<Value> = (0..n).map(|i| entry(i, now, workflow)).collect();
    let ids = lines
        .iter()
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let sb = Sandbox::start(&["--seed", "0", "--fixture", path.to_str().unwrap()]);
    (sb, dir, ids)
}

/// The ids of the entries `keep` selects, by what the fixture wrote.
fn truth(ids: &[String], keep: impl Fn(usize, &Said) -> bool) -> BTreeSet<String> {
    (0..ids.len())
        .filter(|i| keep(*i, &said(*i)))
        .map(|i| ids[i].clone())
        .collect()
}

fn ids_of(lines: &[Value]) -> BTreeSet<String> {
    lines
        .iter()
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect()
}

fn held(sb: &Sandbox, workflow: bool) -> BTreeSet<String> {
    sb.ids(workflow).into_iter().collect()
}

const ACME: &str = r#"$body.tenant == "acme""#;

fn is_acme(_: usize, s: &Said) -> bool {
    s.tenant == Some("acme")
}

#[test]
fn list_and_stats_select_exactly_what_the_bodies_say() {
    let (sb, _dir, ids) = sandbox_of(300, false);
    let out = sb
        .dlq()
        .args(["list", "--all", "-o", "ndjson", "--where", ACME])
        .assert()
        .success();
    let want = truth(&ids, is_acme);
    assert_eq!(want.len(), 85, "the fixture as planned");
    assert_eq!(ids_of(&ndjson(&out.get_output().stdout)), want);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("--where kept 85 of 300 listed entries"),
        "{err}"
    );

    // --grep reads the response too, (?i) ignores case; AND with a filter and with --where.
    let grep = |args: &[&str]| {
        let mut c = sb.dlq();
        c.args(["list", "--all", "-o", "ndjson"]).args(args);
        ids_of(&ndjson(&c.assert().success().get_output().stdout))
    };
    let sig = truth(&ids, |_, s| s.signature);
    assert_eq!(grep(&["--grep", "(?i)invalid signature"]), sig);
    assert!(grep(&["--grep", "invalid signature"]).is_empty());
    assert_eq!(
        grep(&[
            "--grep",
            "Invalid Signature",
            "--label",
            "even",
            "--where",
            ACME
        ]),
        truth(&ids, |i, s| s.signature && i % 2 == 0 && is_acme(i, s))
    );
    // $response is the response body parsed, the entry's own fields are `.`.
    assert_eq!(
        grep(&[
            "--where",
            "($response.after_ms // 0) > 3250 and .responseStatus == 500"
        ]),
        truth(&ids, |i, s| !s.signature && 3000 + i > 3250)
    );

    let total = sb
        .dlq()
        .args([
            "stats",
            "--total",
            "--where",
            ACME,
            "--url",
            "http://old.example/hook/0",
        ])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&total.get_output().stdout).trim(),
        truth(&ids, |i, s| i % 2 == 0 && is_acme(i, s))
            .len()
            .to_string()
    );
}

/// The report's ids with outcome `done`.
fn done_in(report: &std::path::Path) -> BTreeSet<String> {
    ndjson(&std::fs::read(report).unwrap())
        .iter()
        .filter(|l| l["outcome"] == "done")
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn delete_planned_and_pipelined_removes_exactly_the_selection() {
    let (sb, dir, ids) = sandbox_of(300, false);
    let all: BTreeSet<String> = ids.iter().cloned().collect();
    // Planned (--max makes a plan before anything is sent).
    let report = dir.path().join("planned.ndjson");
    let out = sb
        .dlq()
        .args([
            "delete", "--all", "--yes", "--max", "1000", "--where", ACME, "--report",
        ])
        .arg(&report)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let acme = truth(&ids, is_acme);
    let kept = format!("--where kept {} of 300 listed entries", acme.len());
    assert!(err.starts_with(&kept), "said before the plan: {err}");
    assert_eq!(done_in(&report), acme);
    assert_eq!(held(&sb, false), &all - &acme);

    // Pipelined (--yes, no plan): acts while it lists; --grep on the response.
    let report = dir.path().join("pipelined.ndjson");
    sb.dlq()
        .args([
            "delete",
            "--all",
            "--yes",
            "--grep",
            "(?i)INVALID signature",
            "--report",
        ])
        .arg(&report)
        .assert()
        .success()
        .stderr(predicate::str::contains("--grep kept"));
    let sig: BTreeSet<String> = &truth(&ids, |_, s| s.signature) - &acme;
    assert_eq!(done_in(&report), sig);
    assert_eq!(held(&sb, false), &(&all - &acme) - &sig);
    for id in &ids {
        let deleted = sb.applied(id, "delete");
        assert_eq!(
            deleted,
            u64::from(acme.contains(id) || sig.contains(id)),
            "{id}"
        );
    }
}

#[test]
fn republish_publishes_only_the_selection() {
    let (sb, _dir, ids) = sandbox_of(60, false);
    let rx = Hostile::start(|_, _| Reply::json(200, "{}"));
    sb.dlq()
        .args([
            "republish",
            "--all",
            "--yes",
            "--where",
            r#"$body.tenant == "globex""#,
        ])
        .args(["--to-url", &format!("{}/new", rx.url)])
        .assert()
        .success();
    let globex = truth(&ids, |_, s| s.tenant == Some("globex"));
    let all: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(held(&sb, false), &all - &globex);
    let bodies = wait_for("the republished deliveries", 60, || {
        let got = rx.requests();
        (got.len() >= globex.len()).then_some(got)
    });
    assert_eq!(bodies.len(), globex.len());
    for r in bodies {
        let b: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(b["tenant"], "globex", "{b}");
    }
}

#[test]
fn resume_resumes_only_the_selected_runs() {
    let (sb, _dir, ids) = sandbox_of(40, true);
    sb.dlq()
        .args(["resume", "--all", "--yes", "--where", ACME])
        .args(["--grep", "(?i)timeout"])
        .assert()
        .success();
    let want = truth(&ids, |i, s| is_acme(i, s) && !s.signature);
    assert!(!want.is_empty());
    let resumed: BTreeSet<String> = sb
        .applied_all()
        .into_iter()
        .filter(|(_, v)| v["resume"].as_u64() == Some(1))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(resumed, want);
}

#[test]
fn a_continued_job_keeps_the_expression_it_planned_with() {
    // 1000 entries: ten pages, listed at two requests a second, so the stop lands mid-listing.
    let (sb, dir, ids) = sandbox_of(1000, false);
    let report = dir.path().join("r.ndjson");
    let child = sb
        .dlq_std()
        .args([
            "delete", "--all", "--yes", "--rps", "2", "--where", ACME, "--report",
        ])
        .arg(&report)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the first outcome", 120, || {
        let r = std::fs::read_to_string(&report).unwrap_or_default();
        r.contains("\"outcome\"").then_some(())
    });
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{err}");
    let job = err
        .lines()
        .find_map(|l| continue_job(l, "delete").map(String::from))
        .unwrap_or_else(|| panic!("no continue line in {err}"));
    let acme = truth(&ids, is_acme);
    assert!(
        done_in(&report).len() < acme.len(),
        "stopped before the end"
    );

    // Another expression on the command line is refused; nothing is sent.
    sb.dlq()
        .args(["delete", "--continue", &job, "--where", "true"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("drop ids, filters"));
    sb.dlq()
        .args(["delete", "--continue", &job, "--rps", "100", "--report"])
        .arg(&report)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let all: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(done_in(&report), acme);
    assert_eq!(held(&sb, false), &all - &acme);
}

#[test]
fn refusals_come_before_anything_is_listed() {
    let (sb, _dir, ids) = sandbox_of(30, false);
    let listed = || {
        sb.requests()
            .iter()
            .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/v2/dlq")))
            .count()
    };
    let before = listed();
    // Bad jq and bad regex: usage errors, nothing listed.
    sb.dlq()
        .args(["list", "--all", "--where", ".a | (.b"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--where: invalid jq expression"));
    sb.dlq()
        .args(["delete", "--all", "--yes", "--grep", "(unclosed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--grep: invalid regular expression",
        ));
    sb.dlq()
        .args(["list", "--all", "--where", "env.QSTASH_TOKEN"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("see no environment"));
    // The server cannot check what a body says: --server-side is refused with the command
    // that works.
    sb.dlq()
        .args(["delete", "--all", "--yes", "--server-side", "--where", ACME])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--where is checked by dlq"))
        .stderr(predicate::str::contains(format!(
            "dlq --base-url {} delete --all --yes --where '{ACME}'",
            sb.url
        )));
    // Aimed, the line keeps the target and never the token typed on the command line.
    let typed = sb
        .dlq()
        .env_remove("QSTASH_TOKEN")
        .args([
            "--token",
            &sb.token,
            "delete",
            "--all",
            "--yes",
            "--server-side",
            "--grep",
            "x",
        ])
        .assert()
        .code(2);
    let said = String::from_utf8_lossy(&typed.get_output().stderr).into_owned();
    assert!(said.contains("delete --all --yes --grep x lists"), "{said}");
    assert!(!said.contains(&sb.token), "{said}");
    assert_eq!(listed(), before, "nothing was listed");
    assert_eq!(sb.ids(false).len(), ids.len(), "nothing was deleted");
}

#[test]
fn a_program_that_fails_on_some_entries_selects_none_of_them_and_exits_3() {
    let (sb, _dir, ids) = sandbox_of(30, false);
    // $body is null for the plain-text bodies: this program indexes a string there, and fails.
    let expr = r#"($body // "x") | .tenant == "acme""#;
    let out = sb
        .dlq()
        .args(["delete", "--all", "--yes", "--where", expr])
        .assert()
        .code(3);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let failing = truth(&ids, |_, s| s.tenant.is_none());
    assert!(
        err.contains(&format!("--where failed on {} entries", failing.len())),
        "{err}"
    );
    assert!(err.contains("cannot index"), "{err}");
    let acme = truth(&ids, is_acme);
    let all: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(
        held(&sb, false),
        &all - &acme,
        "only what the program selected"
    );
}

#[test]
fn a_program_that_never_ends_gives_up_with_nothing_changed() {
    let (sb, _dir, ids) = sandbox_of(30, false);
    let out = sb
        .dlq()
        .args([
            "delete",
            "--all",
            "--yes",
            "--where",
            "last(range(1e15)) > 0",
        ])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("the program ran longer than 5s"), "{err}");
    assert_eq!(sb.ids(false).len(), ids.len(), "nothing was deleted");
    assert!(sb.applied_all().is_empty());
}

#[test]
fn stats_groups_by_what_a_program_says_alone_or_after_field_keys() {
    let (sb, _dir, ids) = sandbox_of(60, false);
    let groups = |args: &[&str]| -> Vec<(Value, u64)> {
        let mut c = sb.dlq();
        c.args(["stats", "-o", "json"]).args(args);
        let out = c.assert().success();
        let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["key"].clone(), g["count"].as_u64().unwrap()))
            .collect()
    };
    let count = |keep: &dyn Fn(usize, &Said) -> bool| truth(&ids, keep).len() as u64;
    let mut got = groups(&["--by-jq", "$body.tenant"]);
    got.sort_by_key(|(k, _)| k.to_string());
    let mut want: Vec<(Value, u64)> = TENANTS
        .iter()
        .map(|t| {
            let n = count(&|_, s: &Said| s.tenant == Some(*t));
            (json!({"jq": format!("\"{t}\"")}), n)
        })
        .collect();
    want.push((
        json!({"jq": null}),
        count(&|_, s: &Said| s.tenant.is_none()),
    ));
    want.sort_by_key(|(k, _)| k.to_string());
    assert_eq!(got, want);
    // After --by keys, and with --where: the acme entries by URL, each group exact.
    let got = groups(&["--by", "url", "--by-jq", ".responseStatus", "--where", ACME]);
    let on = |u: usize| count(&|i, s: &Said| i % 2 == u && is_acme(i, s));
    let mut got: Vec<(String, u64)> = got
        .iter()
        .map(|(k, n)| (format!("{} {}", k["url"], k["jq"]), *n))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("\"http://old.example/hook/0\" \"500\"".to_string(), on(0)),
            ("\"http://old.example/hook/1\" \"500\"".to_string(), on(1)),
        ]
    );
    // A program that fails on some entries: they are in no group, and the exit says so.
    sb.dlq()
        .args(["stats", "--by-jq", "$body.tenant | ascii_upcase"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "--by-jq failed on {} entries, which were not grouped",
            count(&|_, s: &Said| s.tenant.is_none())
        )));
}
