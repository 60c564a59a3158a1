//! What monitoring output never carries: credentials in destination URLs (stats in every
//! format, the exporter, list and get tables, a plan) and raw control bytes (openmetrics at a
//! terminal, the exporter's warnings). And an exporter still on its first refresh is not
//! stale: nothing has failed yet.

use crate::common::{dlq_std, wait_for, Sandbox};
use crate::hostile::{Hostile, Reply};
use crate::monitoring::sandbox_with_urls;
use crate::prom::{have_prometheus, promtool, value, Exporter};
use crate::pty::on_terminal;

const PASSWORD: &str = "hunter2pw";
const API_KEY: &str = "sekrit4key";

/// Two URLs that differ only in their credentials and query values.
fn credential_urls() -> [String; 2] {
    [
        format!("https://ops:{PASSWORD}@hooks.example/in?api_key={API_KEY}&tenant=1"),
        format!("https://ops:{PASSWORD}x@hooks.example/in?api_key={API_KEY}x&tenant=2"),
    ]
}

fn stdout_of(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.dlq().args(args).assert().success().get_output().clone();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains(PASSWORD) && !err.contains(API_KEY),
        "{args:?} stderr: {err}"
    );
    text
}

fn no_secret(what: &str, text: &str) {
    assert!(
        !text.contains(PASSWORD) && !text.contains(API_KEY),
        "{what} shows a credential:\n{text}"
    );
}

#[test]
fn credentials_in_urls_reach_no_stats_table_json_metric_or_table() {
    let urls = credential_urls();
    let (sb, _dir) = sandbox_with_urls("0", &[&urls[0], &urls[1]]);
    let shown = "https://ops:***@hooks.example/in?api_key=***&tenant=1";

    let table = stdout_of(&sb, &["stats"]);
    no_secret("stats", &table);
    assert!(table.contains(shown), "{table}");
    let json = stdout_of(&sb, &["stats", "-o", "json"]);
    no_secret("stats -o json", &json);
    assert!(json.contains(shown), "{json}");

    // A label keeps no query value: the two URLs are one series, of both entries.
    let label = "url=\"https://ops:***@hooks.example/in?api_key=&tenant=\"";
    let om = stdout_of(&sb, &["stats", "-o", "openmetrics"]);
    no_secret("stats -o openmetrics", &om);
    assert_eq!(
        value(
            &om,
            &format!("qstash_dlq_entries{{dlq=\"qstash\",{label}}}")
        ),
        Some(2.0),
        "{om}"
    );
    assert_eq!(value(&om, "qstash_dlq_groups{dlq=\"qstash\"}"), Some(1.0));
    if have_prometheus() {
        let (ok, said) = promtool(&["check", "metrics"], &om);
        assert!(ok, "promtool says:\n{said}\n{om}");
    }

    let ex = Exporter::start(&sb, &["--interval", "1s", "--dlq", "qstash"]);
    let scraped = wait_for("the exporter's figures", 60, || {
        let t = ex.scrape();
        crate::prom::fresh(&t, "qstash").then_some(t)
    });
    no_secret("the exporter's /metrics", &scraped);
    assert!(scraped.contains(label), "{scraped}");
    let om = crate::prom::get(&ex.url, Some("application/openmetrics-text; version=1.0.0"));
    no_secret("the exporter's OpenMetrics", &om);
    no_secret("the exporter's stderr", &ex.stderr.lock().unwrap());

    let ids = sb.ids(false);
    let list = stdout_of(&sb, &["list"]);
    no_secret("list", &list);
    assert!(list.contains("https://ops:***@hooks.example"), "{list}");
    let get = stdout_of(&sb, &["get", &ids[0]]);
    no_secret("get", &get);
    assert!(get.contains("https://ops:***@hooks.example"), "{get}");
    let plan = stdout_of(&sb, &["delete", "--all", "--dry-run"]);
    no_secret("a plan", &plan);
    assert!(plan.contains("https://ops:***@hooks.example"), "{plan}");

    // The data itself keeps them: what `get -o json` and `export` write is for scripts and
    // fixtures, and a URL changed there would be another destination.
    let raw = stdout_of(&sb, &["get", &ids[0], "-o", "json"]);
    assert!(raw.contains(PASSWORD) && raw.contains(API_KEY), "{raw}");
    let export = stdout_of(&sb, &["export", "--all"]);
    assert!(urls.iter().all(|u| export.contains(u.as_str())), "{export}");
}

const HOSTILE_URL: &str = "https://evil.example/\u{1b}]0;pwned\u{7}x\u{1b}[2J";

#[test]
fn openmetrics_at_a_terminal_shows_control_bytes_escaped_and_exact_in_a_pipe() {
    let (sb, _dir) = sandbox_with_urls("0", &[HOSTILE_URL]);
    let (code, drawn) = on_terminal(&sb, "stats -o openmetrics", "");
    assert_eq!(code, Some(0), "{drawn}");
    // The only escape sequence is dlq's own, the spinner's line erase.
    let foreign = drawn.replace("\r\u{1b}[2K", "");
    assert!(
        !foreign.contains('\u{1b}'),
        "a raw ESC reached the terminal: {drawn:?}"
    );
    assert!(
        drawn.contains("evil.example/\\x1b]0;pwned\\x07x\\x1b[2J"),
        "{drawn}"
    );
    // In a pipe the exposition is exact: the label holds the server's bytes.
    let piped = stdout_of(&sb, &["stats", "-o", "openmetrics"]);
    assert!(piped.contains(HOSTILE_URL), "{piped:?}");
}

/// `dlq exporter --dlq qstash` in front of `server`, with `args`.
fn exporter_on(server: &Hostile, home: &tempfile::TempDir, args: &[&str]) -> Exporter {
    let mut cmd = dlq_std(home);
    cmd.env("QSTASH_URL", &server.url)
        .env("QSTASH_TOKEN", "tok_hostile_exporter");
    let mut all = vec!["--dlq", "qstash"];
    all.extend_from_slice(args);
    Exporter::spawn(cmd, &all)
}

#[test]
fn the_exporter_warns_of_a_failed_refresh_with_the_servers_text_escaped() {
    let home = tempfile::tempdir().unwrap();
    let body = serde_json::json!({ "error": format!("no {HOSTILE_URL}") }).to_string();
    let server = Hostile::start(move |_, _| Reply::json(400, &body));
    let ex = exporter_on(&server, &home, &["--interval", "1s"]);
    let said = wait_for("a failed refresh on stderr", 60, || {
        let s = ex.stderr.lock().unwrap().clone();
        s.contains("refresh failed").then_some(s)
    });
    assert!(
        !said.contains('\u{1b}') && !said.contains('\u{7}'),
        "{said:?}"
    );
    assert!(said.contains("\\x1b]0;pwned\\x07"), "{said}");
}

#[test]
fn an_exporter_on_its_first_refresh_is_not_ready_nor_stale_and_stale_once_it_fails() {
    let home = tempfile::tempdir().unwrap();
    // Every reply promises a body and stalls: the first refresh goes on until the server
    // goes, for --timeout is longer than the test.
    let server = Hostile::start(|_, _| Reply::Stall {
        head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n"
            .into(),
        sent: b"{\"messages\":".to_vec(),
    });
    let ex = exporter_on(&server, &home, &["--interval", "1s", "--timeout", "600s"]);
    wait_for("the first request", 60, || {
        (!server.requests().is_empty()).then_some(())
    });
    let text = ex.scrape();
    let series = |name: &str| value(&text, &format!("{name}{{dlq=\"qstash\"}}"));
    assert_eq!(series("dlq_exporter_ready"), Some(0.0), "{text}");
    assert_eq!(series("dlq_exporter_stale"), Some(0.0), "{text}");
    assert_eq!(series("qstash_dlq_depth"), None, "{text}");
    // The server goes: the refresh fails, and that is stale, still with no figures.
    drop(server);
    let text = wait_for("the failed first refresh", 120, || {
        let t = ex.scrape();
        (value(&t, "dlq_exporter_stale{dlq=\"qstash\"}") == Some(1.0)).then_some(t)
    });
    assert_eq!(
        value(&text, "dlq_exporter_ready{dlq=\"qstash\"}"),
        Some(0.0),
        "{text}"
    );
}
