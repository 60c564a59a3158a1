//! The monitoring stack for real: `promtool` checks what `dlq stats -o openmetrics` and
//! `dlq exporter` write and the example rules in monitoring/, and a real Prometheus scrapes
//! the exporter in front of the sandbox. Every test starts with `have_prometheus()`.

use std::path::PathBuf;

use crate::common::wait_for;
use crate::common::Sandbox;
use crate::monitoring::awkward_sandbox;
use crate::prom::{fresh, get, have_prometheus, promtool, Exporter, Prometheus};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn promtool_accepts_what_stats_and_the_exporter_write() {
    if !have_prometheus() {
        return;
    }
    let (sb, _dir) = awkward_sandbox("60");
    for args in [
        &["stats", "-o", "openmetrics", "--by", "url,status,label"][..],
        &[
            "stats",
            "-o",
            "openmetrics",
            "--by",
            "queue,flow-control-key,day",
            "--top",
            "3",
        ],
        &[
            "stats",
            "-o",
            "openmetrics",
            "--workflow",
            "--by",
            "workflow-url,callback-state",
        ],
    ] {
        let out = sb.dlq().args(args).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("qstash_dlq_entries{"), "{args:?}: {text}");
        let (ok, said) = promtool(&["check", "metrics"], &text);
        assert!(ok, "{args:?}: promtool says:\n{said}\n{text}");
    }
    let ex = Exporter::start(&sb, &["--interval", "1s", "--by", "url,label"]);
    let text = wait_for("a first refresh", 30, || {
        let t = ex.scrape();
        fresh(&t, "workflow").then_some(t)
    });
    let (ok, said) = promtool(&["check", "metrics"], &text);
    assert!(ok, "promtool says:\n{said}\n{text}");
    // What Prometheus asks for: OpenMetrics, whose counters are named without _total.
    let om = get(&ex.url, Some("application/openmetrics-text; version=1.0.0"));
    assert!(om.ends_with("# EOF\n"), "{om}");
    assert!(
        om.contains("# TYPE dlq_exporter_refresh_errors counter\n"),
        "{om}"
    );
}

#[test]
fn promtool_checks_the_example_rules_and_their_tests() {
    if !have_prometheus() {
        return;
    }
    let rules = repo("monitoring/prometheus/alerts.yml");
    let (ok, said) = promtool(&["check", "rules", rules.to_str().unwrap()], "");
    assert!(ok && said.contains("SUCCESS: 6 rules found"), "{said}");
    let tests = repo("monitoring/prometheus/alerts.test.yml");
    let (ok, said) = promtool(&["test", "rules", tests.to_str().unwrap()], "");
    assert!(ok, "{said}");
}

#[test]
fn prometheus_scrapes_the_exporter_and_sees_the_true_depth_then_the_new_one() {
    if !have_prometheus() {
        return;
    }
    let (sb, _dir) = awkward_sandbox("80");
    let ex = Exporter::start(&sb, &["--interval", "1s"]);
    let target = ex
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/metrics");
    let prom = Prometheus::start(&[target]);
    let depth = |dlq: &str| prom.query_one(&format!("qstash_dlq_depth{{dlq=\"{dlq}\"}}"));
    let truth = sb.ids(false).len() as f64;
    let wf_truth = sb.ids(true).len() as f64;
    wait_for("Prometheus to see the true depth", 90, || {
        (depth("qstash") == Some(truth) && depth("workflow") == Some(wf_truth)).then_some(())
    });
    // A label value with a line feed arrives whole through Prometheus's own parser.
    let one = prom.query_one("qstash_dlq_entries{url=\"https://c.example/line\\nfeed\"}");
    assert_eq!(one, Some(1.0), "{}", prom.log());

    let ids = sb.ids(false);
    sb.dlq()
        .args(["delete", "--yes"])
        .args(&ids[..7])
        .assert()
        .success();
    let truth = sb.ids(false).len() as f64;
    assert_eq!(truth, ids.len() as f64 - 7.0);
    wait_for("Prometheus to see the new depth", 90, || {
        (depth("qstash") == Some(truth)).then_some(())
    });
    assert_eq!(prom.query_one("up{job=\"dlq\"}"), Some(1.0));

    // Every query of the example dashboard is valid PromQL over these series.
    let dash: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("monitoring/grafana/qstash-dlq.json")).unwrap(),
    )
    .unwrap();
    let exprs: Vec<String> = dash["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().clone())
        .map(|t| t["expr"].as_str().unwrap().to_string())
        .collect();
    assert!(exprs.len() >= 8);
    for e in exprs {
        let q = e.replace("$dlq", ".*").replace("$__rate_interval", "1m");
        let url = format!(
            "{}/api/v1/query?query={}",
            prom.url,
            crate::prom::percent(&q)
        );
        let v: serde_json::Value = serde_json::from_str(&get(&url, None)).unwrap();
        assert_eq!(v["status"], "success", "{q}: {v}");
    }
}

#[test]
fn a_sandbox_without_entries_still_reports_depth_zero() {
    if !have_prometheus() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let out = sb
        .dlq()
        .args(["stats", "-o", "openmetrics"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("qstash_dlq_depth{dlq=\"qstash\"} 0\n"),
        "{text}"
    );
    let (ok, said) = promtool(&["check", "metrics"], &text);
    assert!(ok, "{said}");
}
