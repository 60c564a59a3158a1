//! Triage against the sandbox: `stats` groups checked against a brute-force count, the
//! `--fail-above` gate, `export` round-tripping through `sandbox --fixture`, and backups
//! before delete.

use std::collections::BTreeMap;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{ndjson, Sandbox};

fn stats_json(sb: &Sandbox, args: &[&str]) -> Value {
    let out = sb
        .dlq()
        .arg("stats")
        .args(args)
        .args(["-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// A group key as the brute force computes it: the JSON value of each field, `null` if absent.
fn key_of(e: &Value, fields: &[&str]) -> Vec<Value> {
    fields
        .iter()
        .map(|f| match *f {
            "status" => e["responseStatus"].clone(),
            "callback-state" => e["failureCallbackInfo"]["state"].clone(),
            "workflow-url" => e["workflowUrl"].clone(),
            other => e[other].clone(),
        })
        .collect()
}

fn counted(stats: &Value, fields: &[&str]) -> BTreeMap<String, u64> {
    stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let key: Vec<Value> = fields.iter().map(|f| g["key"][*f].clone()).collect();
            (
                serde_json::to_string(&key).unwrap(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn stats_groups_equal_a_brute_force_count_and_add_up_to_the_dlq() {
    let sb = Sandbox::start(&["--seed", "400", "--seed-rng", "21"]);
    for (workflow, fields) in [
        (false, vec!["url", "status"]),
        (true, vec!["workflow-url", "callback-state"]),
    ] {
        let entries = sb.listed(workflow);
        assert_eq!(entries.len(), 400);
        let mut brute: BTreeMap<String, u64> = BTreeMap::new();
        for e in &entries {
            *brute
                .entry(serde_json::to_string(&key_of(e, &fields)).unwrap())
                .or_default() += 1;
        }
        let by = fields.join(",");
        let mut args = vec!["--by", by.as_str()];
        if workflow {
            args.push("--workflow");
        }
        let stats = stats_json(&sb, &args);
        assert_eq!(stats["total"], 400);
        assert_eq!(counted(&stats, &fields), brute, "{by}");
        let sum: u64 = stats["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, 400, "groups add up to the DLQ's size");
        // Largest first, and --top keeps the largest.
        let counts: Vec<u64> = stats["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
        args.extend(["--top", "3"]);
        let top = stats_json(&sb, &args);
        let top_counts: Vec<u64> = top["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .collect();
        assert_eq!(top_counts, counts[..3]);
    }

    // Labels: an entry counts in each of its label groups; the total still counts it once.
    let entries = sb.listed(false);
    let mut brute: BTreeMap<String, u64> = BTreeMap::new();
    for e in &entries {
        let labels: Vec<&str> = e["labels"]
            .as_array()
            .map(|a| a.iter().map(|l| l.as_str().unwrap()).collect())
            .unwrap_or_default();
        if labels.is_empty() {
            *brute.entry("[null]".into()).or_default() += 1;
        }
        for l in labels {
            *brute.entry(format!("[\"{l}\"]")).or_default() += 1;
        }
    }
    let stats = stats_json(&sb, &["--by", "label"]);
    assert_eq!(stats["total"], 400);
    assert_eq!(counted(&stats, &["label"]), brute);

    // Filters narrow the count exactly as they narrow the list.
    let fives = entries
        .iter()
        .filter(|e| (500..600).contains(&e["responseStatus"].as_i64().unwrap()))
        .count();
    sb.dlq()
        .args(["stats", "--status", "5xx", "--total"])
        .assert()
        .success()
        .stdout(format!("{fives}\n"));
}

#[test]
fn the_fail_above_gate_exits_6_only_when_more_entries_match() {
    let sb = Sandbox::start(&["--seed", "120", "--seed-rng", "22"]);
    let billing = sb
        .listed(false)
        .iter()
        .filter(|e| {
            e["labels"]
                .as_array()
                .is_some_and(|a| a.iter().any(|l| l == "billing"))
        })
        .count();
    assert!(billing > 0, "the seed has billing entries");
    sb.dlq()
        .args(["stats", "--label", "billing", "--fail-above", "0"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains(format!("{billing} entries match")));
    let n = billing.to_string();
    let below = (billing - 1).to_string();
    sb.dlq()
        .args(["stats", "--label", "billing", "--fail-above", &n, "--total"])
        .assert()
        .success()
        .stdout(format!("{billing}\n"));
    sb.dlq()
        .args([
            "stats",
            "--label",
            "billing",
            "--fail-above",
            &below,
            "--total",
        ])
        .assert()
        .code(6)
        .stdout(format!("{billing}\n"));
    sb.dlq()
        .args(["stats", "--label", "no-such-label", "--fail-above", "0"])
        .assert()
        .success();
    // A key of the other DLQ is a usage error, not a column of nothing.
    sb.dlq()
        .args(["stats", "--workflow", "--by", "queue"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("drop --workflow"));
}

fn export(sb: &Sandbox, workflow: bool, file: &Path) {
    let mut c = sb.dlq();
    c.args(["export", "--all", "--output-file", file.to_str().unwrap()]);
    if workflow {
        c.arg("--workflow");
    }
    c.assert()
        .success()
        .stderr(predicate::str::contains(file.to_str().unwrap()));
}

fn lines(file: &Path) -> Vec<Value> {
    ndjson(&std::fs::read(file).unwrap())
}

#[test]
fn export_then_sandbox_fixture_serves_the_same_entries_field_for_field() {
    let sb = Sandbox::start(&["--seed", "250", "--seed-rng", "23"]);
    let dir = tempfile::tempdir().unwrap();
    let (q, w) = (dir.path().join("q.ndjson"), dir.path().join("w.ndjson"));
    export(&sb, false, &q);
    export(&sb, true, &w);
    let (q1, w1) = (lines(&q), lines(&w));
    assert_eq!(q1, sb.listed(false), "export writes whole listed entries");
    assert_eq!(w1.len(), 250);
    assert!(
        q1.iter().any(|e| e["bodyBase64"].is_string()),
        "binary bodies"
    );
    assert!(w1.iter().any(|e| e["failureCallbackInfo"].is_object()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&q).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "exports hold bodies: owner only");
    }

    let replay = Sandbox::start(&[
        "--fixture",
        q.to_str().unwrap(),
        "--fixture",
        w.to_str().unwrap(),
    ]);
    let (q2, w2) = (dir.path().join("q2.ndjson"), dir.path().join("w2.ndjson"));
    export(&replay, false, &q2);
    export(&replay, true, &w2);
    assert_eq!(lines(&q2), q1);
    assert_eq!(lines(&w2), w1);
    // And what `get` shows is the same too.
    let id = q1[7]["dlqId"].as_str().unwrap();
    assert_eq!(replay.http("GET", &format!("/v2/dlq/{id}")).1, q1[7]);
}

#[test]
fn export_needs_a_selection_and_redacts_bodies_on_request() {
    let sb = Sandbox::start(&["--seed", "60", "--seed-rng", "24"]);
    sb.dlq()
        .args(["export"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--all"));
    let full = sb.listed(false);
    let out = sb
        .dlq()
        .args(["export", "--limit", "25", "--redact-bodies"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let redacted = ndjson(&out);
    assert_eq!(redacted.len(), 25);
    for (r, e) in redacted.iter().zip(&full) {
        assert_eq!(r["dlqId"], e["dlqId"]);
        assert_eq!(r["url"], e["url"]);
        assert!(r.get("bodyBase64").is_none() && r.get("responseBodyBase64").is_none());
        for field in ["body", "responseBody"] {
            match (&r[field], &e[field]) {
                (Value::String(r), Value::String(orig)) if !orig.is_empty() => {
                    assert!(r.starts_with("[redacted"), "{field}: {r}")
                }
                _ => {}
            }
        }
    }
}

#[test]
fn delete_with_a_backup_keeps_every_planned_entry_first() {
    let sb = Sandbox::start(&["--seed", "200", "--seed-rng", "25"]);
    let dir = tempfile::tempdir().unwrap();
    let before = sb.listed(false);
    let billing: Vec<&Value> = before
        .iter()
        .filter(|e| {
            e["labels"]
                .as_array()
                .is_some_and(|a| a.iter().any(|l| l == "billing"))
        })
        .collect();
    let b = dir.path().join("gone.ndjson");
    sb.dlq()
        .args(["delete", "--label", "billing", "--all", "--yes", "--backup"])
        .arg(&b)
        .assert()
        .success()
        .stderr(predicate::str::contains(b.to_str().unwrap()));
    let kept = lines(&b);
    assert_eq!(kept.len(), billing.len());
    assert!(
        kept.iter().zip(&billing).all(|(k, e)| k == *e),
        "whole entries"
    );
    assert_eq!(sb.ids(false).len(), before.len() - billing.len());

    // The same name again is refused: a backup never replaces an earlier one.
    let rest = sb.ids(false);
    sb.dlq()
        .args(["delete", "--all", "--yes", "--backup"])
        .arg(&b)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("new file name"));
    assert_eq!(sb.ids(false), rest);

    // Explicit ids are fetched whole; an id already gone is reported, not backed up.
    let c = dir.path().join("two.ndjson");
    sb.dlq()
        .args(["delete", &rest[0], &rest[1], "--yes", "--backup"])
        .arg(&c)
        .assert()
        .success();
    let two: Vec<String> = lines(&c)
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(two, rest[..2]);

    // Not confirmed: nothing deleted, and no backup of a deletion that never happened.
    let d = dir.path().join("declined.ndjson");
    sb.dlq()
        .args(["delete", "--all", "--backup"])
        .arg(&d)
        .assert()
        .code(5);
    assert!(!d.exists());
    assert_eq!(sb.ids(false).len(), rest.len() - 2);
}

#[test]
fn a_backup_that_cannot_be_written_deletes_nothing() {
    let sb = Sandbox::start(&["--seed", "150", "--seed-rng", "26"]);
    let dir = tempfile::tempdir().unwrap();
    // A "directory" that is a file fails for every user, root included.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "").unwrap();
    let mut targets = vec![file.join("x.ndjson")];
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("read-only");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes anywhere; the read-only case only means something for other users.
        if std::fs::write(ro.join("probe"), "").is_err() {
            targets.push(ro.join("x.ndjson"));
        }
    }
    for target in targets {
        for workflow in [false, true] {
            let mut c = sb.dlq();
            c.args(["delete", "--all", "--yes", "--backup"])
                .arg(&target);
            if workflow {
                c.arg("--workflow");
            }
            c.assert()
                .code(1)
                .stderr(predicate::str::contains("nothing was changed"));
        }
        let id = sb.ids(false)[0].clone();
        sb.dlq()
            .args(["delete", &id, "--yes", "--backup"])
            .arg(&target)
            .assert()
            .code(1);
    }
    assert_eq!(sb.ids(false).len(), 150);
    assert_eq!(sb.ids(true).len(), 150);
    assert!(sb.applied_all().is_empty());
}

#[test]
fn stats_on_a_terminal_fits_the_width_and_calls_out_expiring_entries() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let (hour, day) = (3_600_000i64, 86_400_000i64);
    // Entered the DLQ: 1 hour ago, 3 days minus 2 hours ago (2h left of a 3d retention),
    // and 5 days ago (older than the retention).
    let entry = |ms: i64, i: u32| {
        serde_json::json!({"dlqId": format!("{ms}-{i}"), "messageId": format!("msg_{i}"),
            "url": format!("https://hooks.example.com/a/rather/long/path/to/endpoint/{i}"),
            "method": "POST", "maxRetries": 3, "notBefore": 0, "createdAt": ms,
            "responseStatus": 500})
    };
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("f.ndjson");
    let text = [
        entry(now - hour, 0),
        entry(now - 3 * day + 2 * hour, 1),
        entry(now - 5 * day, 2),
    ]
    .map(|e| e.to_string())
    .join("\n");
    std::fs::write(&fixture, text).unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    let out = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "90")
        .args(["stats", "--by", "url,status", "--retention", "3d"])
        .assert()
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three groups:\n{table}");
    assert!(lines[0].contains("URL") && lines[0].contains("STATUS"));
    for l in &lines {
        assert!(l.chars().count() <= 90, "wider than the terminal: {l:?}");
    }
    let notes = String::from_utf8(out.stderr).unwrap();
    assert!(notes.contains("3 QStash messages in 3 groups"), "{notes}");
    assert!(notes.contains("1 entry will vanish within 24h"), "{notes}");
    assert!(notes.contains("1 entry is older than 3d"), "{notes}");
    // A 7-day retention: nothing is near its end, and nothing is past it.
    let quiet = sb
        .dlq()
        .args(["stats", "--retention", "7d", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&quiet.stdout).unwrap();
    assert_eq!(
        (v["expiring"].as_u64(), v["pastRetention"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("vanish"));
}
