//! Listing on several lanes at once (time slices, each with its own cursor) against servers
//! that list in another order or read `fromDate`/`toDate` differently than the sandbox does:
//! every entry is still acted on exactly once. And against the sandbox: the lanes really run
//! at once, and a `--limit` still takes the first matches in the server's order.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::common::{ndjson, Sandbox};
use crate::hostile::{entry, Hostile, Reply, Request};

#[derive(Debug, Clone, Copy)]
enum Server {
    /// Oldest first, bounds inclusive to the millisecond (what the sandbox does).
    OldestFirst,
    NewestFirst,
    /// An order that has nothing to do with time.
    Scrambled,
    /// Oldest first, but bounds exclusive.
    Exclusive,
    /// Oldest first, but the dates asked for are rounded inward to whole seconds.
    Rounded,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// 1,501 ids: a burst of 1,000 within 30 seconds, 500 spread over two hours, two on each
/// millisecond, and one older than all so that a page ends between two ids of one
/// millisecond.
fn ids() -> Vec<(i64, String)> {
    let base = now_ms() - 3 * 3_600_000;
    let mut out = vec![(base - 1_000, format!("{}-5", base - 1_000))];
    for i in 0..250i64 {
        let ms = base + i * 28_800 + 123;
        out.extend((0..2).map(|seq| (ms, format!("{ms}-{seq}"))));
    }
    for i in 0..500i64 {
        let ms = base + 3_600_000 + i * 60;
        out.extend((0..2).map(|seq| (ms, format!("{ms}-{seq}"))));
    }
    out.sort();
    out
}

fn within(server: Server, t: i64, r: &Request) -> bool {
    let num = |k: &str| r.query(k).map(|v| v.parse::<i64>().unwrap());
    let (from, to) = (num("fromDate"), num("toDate"));
    match server {
        Server::Exclusive => from.is_none_or(|f| t > f) && to.is_none_or(|x| t < x),
        Server::Rounded => {
            from.is_none_or(|f| t >= (f + 999) / 1_000 * 1_000)
                && to.is_none_or(|x| t <= x / 1_000 * 1_000)
        }
        _ => from.is_none_or(|f| t >= f) && to.is_none_or(|x| t <= x),
    }
}

fn scramble(id: &str) -> u64 {
    id.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// A QStash DLQ of `ids()` that lists the way `server` does and deletes by id.
fn start(server: Server, all: Vec<(i64, String)>) -> Hostile {
    Hostile::start(move |r: &Request, _| match (r.method.as_str(), r.path()) {
        ("GET", "/v2/dlq") => {
            let mut matching: Vec<&(i64, String)> =
                all.iter().filter(|(t, _)| within(server, *t, r)).collect();
            match server {
                Server::NewestFirst => matching.reverse(),
                Server::Scrambled => matching.sort_by_key(|(_, id)| scramble(id)),
                _ => {}
            }
            let at: usize = r.query("cursor").map_or(0, |c| c.parse().unwrap());
            let count: usize = r.query("count").map_or(100, |c| c.parse().unwrap());
            let page: Vec<_> = matching
                .iter()
                .skip(at)
                .take(count)
                .map(|(_, id)| entry(id))
                .collect();
            let cursor = (at + count < matching.len()).then(|| (at + count).to_string());
            Reply::ok(json!({"messages": page, "cursor": cursor}))
        }
        ("DELETE", "/v2/dlq") => Reply::ok(json!({"deleted": r.query_all("dlqIds").len()})),
        _ => Reply::json(404, r#"{"error":"not found"}"#),
    })
}

#[test]
fn every_entry_is_acted_on_once_whatever_order_and_bounds_the_server_has() {
    let all = ids();
    let want: BTreeSet<String> = all.iter().map(|(_, id)| id.clone()).collect();
    for server in [
        Server::OldestFirst,
        Server::NewestFirst,
        Server::Scrambled,
        Server::Exclusive,
        Server::Rounded,
    ] {
        let hostile = start(server, all.clone());
        let home = tempfile::tempdir().unwrap();
        let out = hostile
            .dlq(&home)
            .args(["delete", "--all", "--yes", "-o", "ndjson"])
            .assert()
            .success()
            .get_output()
            .clone();
        let mut sent: BTreeMap<String, usize> = BTreeMap::new();
        for r in hostile.requests().iter().filter(|r| r.method == "DELETE") {
            for id in r.query_all("dlqIds") {
                *sent.entry(id).or_default() += 1;
            }
        }
        let twice: Vec<_> = sent.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{server:?}: sent twice: {twice:?}");
        let sent: BTreeSet<String> = sent.into_keys().collect();
        assert_eq!(sent.len(), want.len(), "{server:?}");
        assert!(
            sent == want,
            "{server:?}: missed {:?}",
            want.difference(&sent).take(5).collect::<Vec<_>>()
        );
        let done = ndjson(&out.stdout)
            .iter()
            .filter(|l| l["outcome"] == "done")
            .count();
        assert_eq!(done, want.len(), "{server:?}");
        if let Server::OldestFirst = server {
            // The listing was cut into slices: many distinct ranges were asked for.
            let ranges: BTreeSet<_> = hostile
                .requests()
                .iter()
                .filter(|r| r.method == "GET")
                .map(|r| {
                    (
                        r.query("fromDate").map(String::from),
                        r.query("toDate").map(String::from),
                    )
                })
                .collect();
            assert!(ranges.len() > 4, "one range only: {ranges:?}");
        }
    }
}

/// How many list requests of the workflow DLQ were in flight at once, at the sandbox's clock.
fn most_at_once(reqs: &[serde_json::Value]) -> usize {
    most_at_once_on(reqs, "/v2/workflows/dlq")
}

/// How many list requests of `path` were in flight at once, at the sandbox's clock.
pub(crate) fn most_at_once_on(reqs: &[serde_json::Value], path: &str) -> usize {
    let mut edges: Vec<(f64, i32)> = Vec::new();
    for r in reqs
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == path)
    {
        let at = r["at"].as_f64().unwrap();
        edges.push((at, 1));
        edges.push((at + r["took_ms"].as_f64().unwrap(), -1));
    }
    edges.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (mut now, mut most) = (0, 0);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most as usize
}

#[test]
fn a_whole_listing_runs_lanes_at_once_and_a_limit_follows_one_cursor() {
    // 100 ms a request: lanes overlap at the server even when this machine is slow to send.
    let sb = Sandbox::start(&["--seed", "2000", "--seed-rng", "3", "--latency", "100"]);
    let all = sb.ids(true);
    sb.dlq()
        .args(["resume", "--all", "--yes", "-q"])
        .assert()
        .success();
    let reqs = sb.requests();
    assert!(most_at_once(&reqs) > 1, "one list request at a time");
    let resumed: BTreeMap<String, u64> = sb
        .applied_all()
        .into_iter()
        .filter_map(|(id, v)| v["resume"].as_u64().map(|n| (id, n)))
        .collect();
    assert_eq!(
        resumed.keys().cloned().collect::<BTreeSet<_>>(),
        all.iter().cloned().collect()
    );
    assert!(resumed.values().all(|n| *n == 1), "resumed twice");

    let sb = Sandbox::start(&["--seed", "600", "--seed-rng", "3", "--latency", "5"]);
    let first: Vec<String> = sb.ids(true).into_iter().take(250).collect();
    let out = sb
        .dlq()
        .args(["resume", "--limit", "250", "--yes", "-o", "ndjson"])
        .assert()
        .success()
        .get_output()
        .clone();
    let done: BTreeSet<String> = ndjson(&out.stdout)
        .iter()
        .filter(|l| l["outcome"] == "done")
        .map(|l| l["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(done, first.into_iter().collect::<BTreeSet<_>>());
    assert_eq!(most_at_once(&sb.requests()), 1);
}

#[test]
fn a_small_selection_is_not_cut_into_more_slices_than_it_has_pages() {
    // 600 entries are 6 pages one cursor long; cut into a slice per lane they cost 17 lists.
    // Spread evenly over the 18 hours up to now, so the first page's density says what the
    // rest holds at any time of day (seeded entries stop at midnight: the empty hours since
    // would count as entries, more of them the later it is).
    let now = jiff::Timestamp::now().as_millisecond();
    let span = 18 * 3_600_000;
    let lines: Vec<String> = (0..600i64)
        .map(|i| {
            let at = now - span + i * span / 600;
            serde_json::json!({"dlqId": format!("{at}-0"), "messageId": format!("msg_{i}"),
                "url": "https://app.example/hook", "method": "POST", "maxRetries": 0,
                "createdAt": at - 60_000, "responseStatus": 500, "body": "x"})
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spread.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", path.to_str().unwrap()]);
    let out = sb
        .dlq()
        .args(["delete", "--all", "--dry-run", "-o", "ids"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let planned: BTreeSet<String> = String::from_utf8_lossy(&out)
        .lines()
        .map(String::from)
        .collect();
    let lists = sb
        .requests()
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/v2/dlq")
        .count();
    assert!(lists <= 10, "{lists} list requests for 6 pages (8 seen)");
    assert_eq!(planned, sb.ids(false).into_iter().collect(), "every entry");
}
