//! `dlq republish` changes what it was asked to and nothing else: a `--rewrite-url` rule moves
//! whole origins and whole path segments only, and what follows the match, like a destination
//! left as it was, reaches the receiver byte for byte (percent-escapes included), as the real
//! receiver records it; `--body-jq` keeps the body's numbers as written and its keys in order,
//! and sees no environment. Plans, `--dry-run`, the receiver, the DLQ and `dlq jobs show` are
//! held to one another.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{ndjson, Sandbox};
use crate::hostile::{Hostile, Reply};

/// A sandbox whose DLQ holds one entry per `(url, body)`, and a receiver that records what
/// reaches it.
struct Exact {
    _dir: tempfile::TempDir,
    sb: Sandbox,
    rx: Hostile,
    /// DLQ ids, in the order the entries were given.
    ids: Vec<String>,
}

/// `{rx}` in a URL stands for the receiver's `http://127.0.0.1:PORT`.
fn start(entries: &[(&str, &str)]) -> Exact {
    let rx = Hostile::start(|_, _| Reply::json(200, "{}"));
    let now = jiff::Timestamp::now().as_millisecond();
    let mut ids = Vec::new();
    let mut lines = Vec::new();
    for (i, (url, body)) in entries.iter().enumerate() {
        let id = format!("{}-{i}", now - 60_000);
        lines.push(
            json!({"dlqId": id, "messageId": format!("msg_old_{i}"),
                "url": url.replace("{rx}", &rx.url), "method": "POST", "maxRetries": 0,
                "createdAt": now - 90_000, "responseStatus": 503,
                "header": {"Content-Type": ["application/json"]}, "body": body})
            .to_string(),
        );
        ids.push(id);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    Exact {
        sb: Sandbox::start(&["--fixture", path.to_str().unwrap()]),
        _dir: dir,
        rx,
        ids,
    }
}

impl Exact {
    /// `dlq republish --all ARGS --dry-run`: the plan (stderr) and one line per entry. It ends
    /// with `code`, as the run would: 3 when some entries are refused in the plan.
    fn dry_run(&self, args: &[&str], code: i32) -> (String, Vec<Value>) {
        let out = self
            .sb
            .dlq()
            .args(["republish", "--all", "--dry-run"])
            .args(args)
            .assert()
            .code(code)
            .get_output()
            .clone();
        (
            String::from_utf8_lossy(&out.stderr).into_owned(),
            ndjson(&out.stdout),
        )
    }

    /// `dlq republish --all ARGS --yes`, which must end with `code`; its job.
    fn run(&self, args: &[&str], code: i32) -> String {
        let out = self
            .sb
            .dlq()
            .args(["republish", "--all", "--yes"])
            .args(args)
            .timeout(Duration::from_secs(120))
            .assert()
            .code(code)
            .get_output()
            .clone();
        crate::republish_fixture::job_of(&String::from_utf8_lossy(&out.stderr))
    }

    /// What reached the receiver (path and query as sent), once `n` requests have.
    fn received(&self, n: usize) -> Vec<crate::hostile::Request> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.rx.requests().len() < n {
            assert!(Instant::now() < deadline, "{:?}", self.rx.lines());
            std::thread::sleep(Duration::from_millis(20));
        }
        self.rx.requests()
    }

    /// The DLQ ids still in the DLQ.
    fn left(&self) -> BTreeSet<String> {
        self.sb.ids(false).into_iter().collect()
    }

    fn ids(&self, which: &[usize]) -> BTreeSet<String> {
        which.iter().map(|i| self.ids[*i].clone()).collect()
    }
}

#[test]
fn a_rule_moves_whole_origins_and_segments_and_the_rest_arrives_byte_for_byte() {
    let x = start(&[
        ("http://api.example.com/hook/a%2Fb?x=%41", "{}"),
        ("HTTP://API.example.com:80/v1/c%20d", "{}"),
        ("http://api.example.com.evil.net/hook", "{}"),
        ("http://api.example.community/x", "{}"),
        ("http://paths.example/v1/b?k=%2F", "{}"),
        ("http://paths.example/v10/b", "{}"),
    ]);
    let rules = [
        "--rewrite-url",
        &format!("http://api.example.com={}/new", x.rx.url),
        "--rewrite-url",
        &format!("http://paths.example/v1={}/v2", x.rx.url),
    ];
    let want = [
        (0, format!("{}/new/hook/a%2Fb?x=%41", x.rx.url)),
        (1, format!("{}/new/v1/c%20d", x.rx.url)),
        (4, format!("{}/v2/b?k=%2F", x.rx.url)),
    ];
    let (plan, lines) = x.dry_run(&rules, 3);
    for (i, to) in &want {
        let l = lines.iter().find(|l| l["dlqId"] == x.ids[*i]).unwrap();
        assert_eq!(l["to"], to.as_str(), "{l}");
    }
    for i in [2, 3, 5] {
        let l = lines.iter().find(|l| l["dlqId"] == x.ids[i]).unwrap();
        let why = l["refused"].as_str().unwrap_or_default();
        assert!(why.contains("no --rewrite-url rule matches"), "{l}");
    }
    // One line per rule, with the hosts it matched as the entries wrote them.
    assert!(
        plan.contains(&format!(
            "    2  http://api.example.com… -> {}/new…\n           hosts: API.example.com:80 (1), api.example.com (1)\n",
            x.rx.url
        )),
        "{plan}"
    );
    assert!(
        plan.contains(&format!(
            "    1  http://paths.example/v1… -> {}/v2…\n           host: paths.example (1)\n",
            x.rx.url
        )),
        "{plan}"
    );
    assert!(plan.contains("refused: 3"), "{plan}");

    let job = x.run(&rules, 3);
    let got: BTreeSet<String> = x.received(3).iter().map(|r| r.target.clone()).collect();
    let sent: BTreeSet<String> = want
        .iter()
        .map(|(_, to)| to.strip_prefix(&x.rx.url).unwrap().to_string())
        .collect();
    assert_eq!(got, sent, "the rest of each URL as the entry had it");
    assert_eq!(
        x.left(),
        x.ids(&[2, 3, 5]),
        "moved entries gone, the others kept"
    );
    let shown = x.sb.job_shown(&job);
    assert_eq!(shown["counts"]["done"], json!(3), "{shown}");
    assert_eq!(shown["counts"]["failed"], json!(3), "{shown}");
}

#[test]
fn a_destination_left_as_it_was_is_the_entrys_url_byte_for_byte() {
    let x = start(&[("{rx}/a%2Fb/c%20d?x=%41&y=a+b", "{}")]);
    let url = format!("{}/a%2Fb/c%20d?x=%41&y=a+b", x.rx.url);
    let (plan, lines) = x.dry_run(&["--header", "X-Tenant: 7"], 0);
    assert!(plan.contains("(unchanged)"), "{plan}");
    assert_eq!(lines[0]["to"], url.as_str(), "{}", lines[0]);
    let job = x.run(&["--header", "X-Tenant: 7"], 0);
    let got = x.received(1);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].target, "/a%2Fb/c%20d?x=%41&y=a+b");
    assert!(x.left().is_empty());
    assert_eq!(x.sb.job_shown(&job)["counts"]["done"], json!(1));
}

#[test]
fn a_body_edit_keeps_numbers_and_key_order_and_the_plan_shows_every_change() {
    let before = r#"{"z":1,"big":123456789012345678901234567890,"amount":"12.5","f":1.10,"a":2}"#;
    let after = r#"{"z":1,"big":123456789012345678901234567891,"amount":12.5,"f":1.10,"a":2}"#;
    let x = start(&[("{rx}/hook", before)]);
    let edit = ["--body-jq", ".amount |= tonumber | .big += 1"];
    let (plan, lines) = x.dry_run(&edit, 0);
    assert_eq!(lines[0]["bodyBefore"], before, "{}", lines[0]);
    assert_eq!(lines[0]["bodyAfter"], after, "{}", lines[0]);
    // Each changed value on its own line, as written; the keys in the body's order.
    for want in [
        "-   \"big\": 123456789012345678901234567890,",
        "+   \"big\": 123456789012345678901234567891,",
        "-   \"amount\": \"12.5\",",
        "+   \"amount\": 12.5,",
        "    \"f\": 1.10,",
    ] {
        assert!(plan.contains(want), "{want:?} not in\n{plan}");
    }
    let z = plan.find("\"z\": 1").unwrap_or(usize::MAX);
    assert!(z < plan.find("\"big\"").unwrap(), "{plan}");
    let job = x.run(&edit, 0);
    let got = x.received(1);
    assert_eq!(String::from_utf8_lossy(&got[0].body), after);
    assert_eq!(got[0].target, "/hook");
    assert!(x.left().is_empty());
    assert_eq!(x.sb.job_shown(&job)["counts"]["done"], json!(1));
}

#[test]
fn a_body_edit_sees_no_environment() {
    let x = start(&[("{rx}/hook", r#"{"a":1}"#)]);
    for expr in ["{leak: env.QSTASH_TOKEN}", "{leak: $ENV.QSTASH_TOKEN}"] {
        let out =
            x.sb.dlq()
                .args(["republish", "--all", "--dry-run", "--body-jq", expr])
                .assert()
                .code(2)
                .get_output()
                .clone();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(stderr.contains("see no environment"), "{expr}: {stderr}");
        for text in [&stdout, &stderr] {
            assert!(
                !text.contains(x.sb.token.as_str()),
                "{expr}: the token shown"
            );
        }
    }
    assert!(x.sb.requests().is_empty(), "{:?}", x.sb.requests());
    assert!(x.rx.requests().is_empty());
    assert_eq!(x.left(), x.ids(&[0]));
}
