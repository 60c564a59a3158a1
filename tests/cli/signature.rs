//! Failure signatures against a sandbox seeded with crafted failures: `stats --by response`
//! groups them as the test made them, each group's selector (pasted into a shell) lists
//! exactly its group, `--signature` deletes exactly a group pipelined and planned and is
//! refused with `--server-side`, metrics take it only under `--top` and show no credential,
//! and triage at 80 columns acts on a reply group.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command as StdCommand;

use crate::common::{hermetic, ndjson, Sandbox};
use crate::exact::stderr_of;

const TIMEOUT: &str = "503 upstream timeout after <n> ms (order <id>)";
const PASSWORD: &str = "hunter2";

/// The crafted failures: each entry's id by the group the test means it to be in.
fn crafted() -> (
    tempfile::TempDir,
    Sandbox,
    BTreeMap<&'static str, BTreeSet<String>>,
) {
    let mut bodies: Vec<(&str, i64, String)> = Vec::new();
    for i in 0..6 {
        let body = format!(
            "upstream timeout after {} ms (order o-{})",
            2_900 + i * 37,
            i * 13 + 1
        );
        bodies.push(("timeout", 503, body));
    }
    for i in 0..5 {
        // Key order, request ids and the form of the time all vary; the failure does not.
        let body = if i % 2 == 0 {
            format!(
                r#"{{"error":"invalid signature","requestId":"req_{i}a9f","timestamp":"2026-12-0{}T06:00:0{i}Z"}}"#,
                i + 1
            )
        } else {
            format!(
                r#"{{"timestamp": 17966167183{i}7, "requestId": "f{i}c2", "error": "invalid signature"}}"#
            )
        };
        bodies.push(("signature", 401, body));
    }
    for i in 0..3 {
        let body = format!(
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad \
             Gateway</h1></center><hr><center>nginx/1.25.{i}</center><!-- req {i}f3a9b2c7d --></body></html>"
        );
        bodies.push(("html", 502, body));
    }
    for i in 0..2 {
        let body = format!(r#"{{"error":"expired token","requestId":"r-{i}{i}7"}}"#);
        bodies.push(("expired", 401, body));
    }
    for i in 0..2 {
        let body =
            format!("cannot reach https://admin:{PASSWORD}@db.internal:543{i}/x?token=abc{i}");
        bodies.push(("credential", 500, body));
    }
    bodies.push(("empty", 500, String::new()));
    let urls = ["https://a.example/hook", "https://b.example/hook"];
    let mut truth: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let lines: Vec<String> = bodies
        .iter()
        .enumerate()
        .map(|(i, (group, status, body))| {
            let id = format!("{}-0", 1_796_500_000_000i64 + i as i64 * 1000);
            truth.entry(group).or_default().insert(id.clone());
            serde_json::json!({
                "dlqId": id, "messageId": format!("msg_sig{i}"), "url": urls[i % 2],
                "method": "POST", "createdAt": 1_796_500_000_000i64, "responseStatus": status,
                "responseBody": body,
            })
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("crafted.ndjson");
    std::fs::write(&fixture, lines.join("\n") + "\n").unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    (dir, sb, truth)
}

fn stats_json(sb: &Sandbox, extra: &[&str]) -> serde_json::Value {
    let out = sb
        .dlq()
        .args(["stats", "--by", "response", "-o", "json"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// A printed line run as a person would: pasted into a POSIX shell that has the token.
fn pasted(sb: &Sandbox, line: &str) -> BTreeSet<String> {
    let bin = assert_cmd::cargo::cargo_bin("dlq");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut sh = StdCommand::new("sh");
    hermetic(&mut sh, &sb.home);
    let out = sh
        .env("PATH", path)
        .env("QSTASH_TOKEN", &sb.token)
        .args(["-c", &format!("{line} -o ids")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{line}: {}", stderr_of(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn stats_by_response_groups_as_made_and_each_selector_lists_exactly_its_group() {
    let (_dir, sb, truth) = crafted();
    let all: BTreeSet<String> = sb.ids(false).into_iter().collect();
    let doc = stats_json(&sb, &[]);
    assert_eq!(doc["total"].as_u64(), Some(all.len() as u64), "{doc}");
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), truth.len(), "{doc}");
    let mut seen = BTreeSet::new();
    for g in groups {
        let sample = g["sample"].as_str().unwrap();
        let (name, ids) = truth
            .iter()
            .find(|(_, ids)| ids.contains(sample))
            .unwrap_or_else(|| panic!("a sample of no crafted group: {g}"));
        assert_eq!(g["count"].as_u64(), Some(ids.len() as u64), "{name}: {g}");
        let selector = g["selector"].as_str().unwrap();
        assert!(selector.contains("--signature"), "{selector}");
        assert_eq!(&pasted(&sb, selector), ids, "{name}: {selector}");
        seen.insert(*name);
    }
    assert_eq!(seen.len(), truth.len(), "two groups were one crafted group");
    let timeout = groups.iter().find(|g| g["count"] == 6).unwrap();
    assert_eq!(timeout["key"]["response"], TIMEOUT, "{timeout}");
    assert!(!doc.to_string().contains(PASSWORD), "{doc}");

    // The selector keeps the reading's own filters: a group within --url is that URL's share.
    let doc = stats_json(&sb, &["--url", "https://a.example/hook"]);
    let timeout = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"]["response"] == TIMEOUT)
        .unwrap()
        .clone();
    let listed = pasted(&sb, timeout["selector"].as_str().unwrap());
    assert_eq!(listed.len(), 3, "{timeout}");
    assert!(listed.is_subset(&truth["timeout"]));
}

#[test]
fn signature_deletes_exactly_its_group_pipelined_and_planned_and_has_no_server_side_form() {
    let (_dir, sb, truth) = crafted();
    let all: BTreeSet<String> = sb.ids(false).into_iter().collect();
    let signature = |g: &str| {
        let doc = stats_json(&sb, &[]);
        let sample = truth[g].iter().next().unwrap().clone();
        doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| truth[g].contains(row["sample"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("no group of {sample}: {doc}"))["key"]["response"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let html = signature("html");
    assert_eq!(html, "502 [html] 502 Bad Gateway");

    let out = sb
        .dlq()
        .args([
            "delete",
            "--signature",
            TIMEOUT,
            "--all",
            "--server-side",
            "--yes",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains("--signature is checked by dlq"), "{err}");
    assert!(err.contains("drop --server-side"), "{err}");
    sb.dlq()
        .args(["list", "--signature", "", "--all"])
        .assert()
        .code(2);
    assert_eq!(sb.ids(false).into_iter().collect::<BTreeSet<_>>(), all);

    // Pipelined (--yes): the timeouts go, whatever their numbers, and nothing else.
    let out = sb
        .dlq()
        .args([
            "delete",
            "--signature",
            TIMEOUT,
            "--all",
            "--yes",
            "-o",
            "ndjson",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let done: BTreeSet<String> = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(done, truth["timeout"]);
    let left: BTreeSet<String> = all.difference(&truth["timeout"]).cloned().collect();
    assert_eq!(sb.ids(false).into_iter().collect::<BTreeSet<_>>(), left);

    // Planned (--max keeps it in plan mode): the HTML pages, and nothing else.
    let out = sb
        .dlq()
        .args([
            "delete",
            "--signature",
            &html,
            "--all",
            "--yes",
            "--max",
            "100",
        ])
        .args(["-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .clone();
    let done: BTreeSet<String> = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(done, truth["html"]);
    let left: BTreeSet<String> = left.difference(&truth["html"]).cloned().collect();
    assert_eq!(sb.ids(false).into_iter().collect::<BTreeSet<_>>(), left);
}

#[test]
fn metrics_take_response_only_under_top_and_its_labels_hold_no_credential() {
    let (_dir, sb, truth) = crafted();
    let out = sb
        .dlq()
        .args(["stats", "--by", "response", "-o", "openmetrics"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(stderr_of(&out).contains("--top N"), "{}", stderr_of(&out));
    let out = sb
        .dlq()
        .args([
            "exporter",
            "--by",
            "url,response",
            "--listen",
            "127.0.0.1:0",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(stderr_of(&out).contains("--top N"), "{}", stderr_of(&out));

    let text = |top: &str| {
        let out = sb
            .dlq()
            .args([
                "stats",
                "--by",
                "response",
                "-o",
                "openmetrics",
                "--top",
                top,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let two = text("2");
    let series: Vec<&str> = two
        .lines()
        .filter(|l| l.starts_with("qstash_dlq_entries{"))
        .collect();
    assert_eq!(
        series,
        [
            format!(r#"qstash_dlq_entries{{dlq="qstash",response="{TIMEOUT}"}} 6"#),
            r#"qstash_dlq_entries{dlq="qstash",response="401 {error:\"invalid signature\",requestId:<id>,timestamp:<time>}"} 5"#.to_string(),
            format!(
                r#"qstash_dlq_entries{{dlq="qstash",response="__other__"}} {}"#,
                truth.values().map(BTreeSet::len).sum::<usize>() - 11
            ),
        ],
        "{two}"
    );
    let all = text("10");
    assert!(
        all.contains(
            r#"response="500 cannot reach https://admin:***@db.internal:<n>/x?token="} 2"#
        ),
        "{all}"
    );
    assert!(!all.contains(PASSWORD), "{all}");
}

#[test]
fn triage_at_80_columns_offers_reply_groups_and_deletes_exactly_one() {
    let (_dir, sb, truth) = crafted();
    let all: BTreeSet<String> = sb.ids(false).into_iter().collect();
    let bin = assert_cmd::cargo::cargo_bin("dlq").display().to_string();
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
    let screen = crate::tty::Screen::start(&[bin, "triage".into()], &env, 80, 40);
    screen.wait("pick one (type to filter, Esc to quit)");
    // The menu is drawn a line at a time: read it once its reply groups are all there (a
    // missing one fails the wait).
    let s = screen.wait_n("reply: ", truth.len());
    // URL groups, and beside them every reply group; none cut so that it reads like another.
    assert!(s.contains("https://a.example/hook · 503"), "{s}");
    let replies = s.lines().filter(|l| l.contains("reply: ")).count();
    assert_eq!(replies, truth.len(), "{s}");
    assert!(s.contains("reply: 503 upstream ti"), "{s}");
    assert!(s.lines().all(|l| l.chars().count() <= 80), "{s}");
    // The HTML pages: none of them among the first entries listed, so the group's sample
    // must page past entries its signature leaves out.
    screen.text("reply: 502");
    screen.wait("> ");
    screen.keys(&["Enter"]);
    let s = screen.wait("> inspect an entry");
    assert!(
        s.contains("group: --signature 502 [html] 502 Bad Gateway"),
        "{s}"
    );
    // Delete: inspect, narrow, export, retry, republish, delete.
    screen.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    screen.wait("Keep a copy?");
    screen.keys(&["Down", "Enter"]);
    let s = screen.wait("[y/N]");
    assert!(s.contains("Delete 3 "), "{s}");
    screen.text("y");
    screen.keys(&["Enter"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 2);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    let s = screen.screen();
    assert!(
        s.contains("--signature '502 [html] 502 Bad Gateway'"),
        "{s}"
    );
    let left: BTreeSet<String> = all.difference(&truth["html"]).cloned().collect();
    assert_eq!(sb.ids(false).into_iter().collect::<BTreeSet<_>>(), left);
}

/// A whole selection is listed on several lanes at once; each lane keeps the signature, so
/// a seeded sandbox's timeouts go, whatever their numbers, and nothing else. The truth is the
/// seed's: every 503 it makes answers `upstream timeout after … ms (order …)`.
#[test]
fn lanes_keep_the_signature_and_delete_exactly_its_entries() {
    let sb = Sandbox::start(&["--seed", "1500", "--seed-rng", "4", "--latency", "50"]);
    let listed = sb.listed(false);
    let all: BTreeSet<String> = listed
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    let timeouts: BTreeSet<String> = listed
        .iter()
        .filter(|e| e["responseStatus"] == 503)
        .inspect(|e| {
            let body = e["responseBody"].as_str().unwrap();
            assert!(body.starts_with("upstream timeout after "), "{body}");
        })
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert!(timeouts.len() > 50, "{}", timeouts.len());
    let out = sb
        .dlq()
        .args([
            "delete",
            "--signature",
            TIMEOUT,
            "--all",
            "--yes",
            "-o",
            "ndjson",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        crate::lanes::most_at_once_on(&sb.requests(), "/v2/dlq") > 1,
        "one list request at a time: no lanes"
    );
    let done: BTreeSet<String> = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(done, timeouts);
    let left: BTreeSet<String> = all.difference(&timeouts).cloned().collect();
    assert_eq!(sb.ids(false).into_iter().collect::<BTreeSet<_>>(), left);
}

/// A job keeps the signature it planned with: interrupted, `--continue` retries the rest of
/// the timeouts, each once, and nothing else.
#[test]
fn an_interrupted_signature_retry_continues_with_its_signature() {
    // Enough timeouts that, two requests a second, the run is far from done when interrupted.
    let sb = Sandbox::start(&["--seed", "2000", "--seed-rng", "62", "--latency", "100"]);
    let timeouts: BTreeSet<String> = sb
        .listed(false)
        .iter()
        .filter(|e| e["responseStatus"] == 503)
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    let mut child = sb
        .dlq_std()
        .args([
            "retry",
            "--signature",
            TIMEOUT,
            "--all",
            "--yes",
            "--rps",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    crate::job_account::wait_for_event(&sb, &mut child, "\"outcome\"");
    crate::target::signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let job = crate::job_account::continued_job(&err, "retry");
    sb.dlq()
        .args(["retry", "--continue", &job, "--yes", "--rps", "100"])
        .assert()
        .success();
    let retried: BTreeMap<String, u64> = sb
        .applied_all()
        .into_iter()
        .filter_map(|(id, v)| v["retry"].as_u64().map(|n| (id, n)))
        .collect();
    assert_eq!(retried.keys().cloned().collect::<BTreeSet<_>>(), timeouts);
    assert!(
        retried.values().all(|n| *n == 1),
        "retried twice: {retried:?}"
    );
}
