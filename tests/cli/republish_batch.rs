//! `dlq republish` goes per 100 entries: one lookup (`GET /v2/dlq?dlqIds=…`), one `POST
//! /v2/batch` and one delete, never a request per entry; and what it reports is what the
//! sandbox holds: every entry gone, one message made for each, the one the report names.

use std::collections::BTreeSet;

use crate::common::{ndjson, Sandbox};
use crate::republish_fixture::messages_to;

#[test]
fn entries_are_looked_up_published_and_deleted_a_hundred_at_a_time() {
    let sb = Sandbox::start(&["--seed", "250", "--seed-rng", "5"]);
    let before = sb.ids(false);
    let n = before.len();
    assert!(n > 200, "{n} QStash entries seeded");
    // A body that is not UTF-8 cannot be a batch item's string: those go alone.
    let binary = binary_bodies(&sb);
    assert!(binary > 0 && binary < n / 10, "{binary} binary bodies");
    let report = sb.home.path().join("r.ndjson");
    sb.dlq()
        .args(["republish", "--all", "--yes", "--report"])
        .arg(&report)
        .args(["--to-url", "https://new.example/hook"])
        .assert()
        .success();
    let reqs = sb.requests();
    let count = |f: &dyn Fn(&str, &str, &str) -> bool| {
        reqs.iter()
            .filter(|r| {
                let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
                f(&s("method"), &s("path"), &s("query"))
            })
            .count()
    };
    let chunks = n.div_ceil(100);
    assert_eq!(
        count(&|m, p, _| m == "GET" && p.starts_with("/v2/dlq/")),
        0,
        "no lookup per entry"
    );
    let alone = count(&|m, p, _| m == "POST" && p.starts_with("/v2/publish"));
    assert!(
        alone <= binary,
        "a publish of its own only for a binary body: {alone} for {binary}"
    );
    assert_eq!(
        count(&|m, p, q| m == "GET" && p == "/v2/dlq" && q.contains("dlqIds")),
        chunks
    );
    assert_eq!(count(&|m, p, _| m == "POST" && p == "/v2/batch"), chunks);
    assert_eq!(count(&|m, p, _| m == "DELETE" && p == "/v2/dlq"), chunks);
    // The sandbox's truth against the report: every entry gone, one message made for each.
    assert!(sb.ids(false).is_empty(), "{:?}", sb.ids(false));
    let made = messages_to(&sb, "https://new.example/hook");
    let lines: Vec<_> = ndjson(&std::fs::read(&report).unwrap())
        .into_iter()
        .filter(|l| l.get("dlqId").is_some())
        .collect();
    let reported: BTreeSet<String> = lines
        .iter()
        .map(|l| {
            assert_eq!(l["outcome"], "done", "{l}");
            l["messageId"].as_str().unwrap().to_string()
        })
        .collect();
    let ids: BTreeSet<&str> = lines.iter().map(|l| l["dlqId"].as_str().unwrap()).collect();
    assert_eq!(ids, before.iter().map(String::as_str).collect());
    assert_eq!(
        reported,
        made.keys().cloned().collect(),
        "one message per entry"
    );
}

/// How many QStash entries hold a body that is not UTF-8 (`bodyBase64`), read page by page.
fn binary_bodies(sb: &Sandbox) -> usize {
    let (mut n, mut cursor) = (0, String::new());
    loop {
        let (status, v) = sb.http("GET", &format!("/v2/dlq?count=100{cursor}"));
        assert_eq!(status, 200, "{v}");
        let page = v["messages"].as_array().unwrap();
        n += page
            .iter()
            .filter(|m| m.get("bodyBase64").is_some())
            .count();
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = format!("&cursor={c}"),
            _ => return n,
        }
    }
}
