//! The official Python SDK (PyPI `qstash`, pinned in `tests/sdk/requirements.txt`, installed
//! by `scripts/test` into a venv under `~/.cache/dlq-py`; `DLQ_PYTHON` says which python),
//! where it reads differently from the TypeScript one: `log.list()` reads `responseHeader`
//! and `retryDelayExpr` from `/v2/events`, `dlq.delete_many` sends its ids as a JSON body.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::common::wait_for;
use crate::common::Sandbox;
use crate::hostile::{Hostile, Reply};

/// The python of the venv with the pinned SDK: `DLQ_PYTHON`, else the one `scripts/test` makes.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("DLQ_PYTHON").filter(|p| !p.is_empty()) {
        return p.into();
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".cache/dlq-py/bin/python")
}

/// The guard of every test here, as `have_sdk` for node: without the venv the test says so
/// and passes; with `DLQ_REQUIRE_SDK=1` it fails.
pub fn have_py_sdk() -> bool {
    let ok = std::process::Command::new(python())
        .args(["-c", "import qstash"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    let why = format!(
        "the Python SDK is not importable by {} (run scripts/test, which installs it, or set \
         DLQ_PYTHON)",
        python().display()
    );
    crate::common::skip_without("DLQ_REQUIRE_SDK", &why)
}

/// Runs `body` after a `QStash` client pointed at `sb`; the last line it printed, as JSON.
pub fn run(sb: &Sandbox, body: &str, env: &[(&str, &str)]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("script.py");
    let script = format!(
        "import json, os\nfrom qstash import QStash\n\
         c = QStash(os.environ['QSTASH_TOKEN'], base_url=os.environ['QSTASH_URL'])\n{body}"
    );
    std::fs::write(&file, script).unwrap();
    let mut cmd = std::process::Command::new(python());
    cmd.arg(&file)
        .env("QSTASH_URL", &sb.url)
        .env("QSTASH_TOKEN", &sb.token);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(Duration::from_secs(60));
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    // log.list() prints the raw response itself: the result is the last line.
    let last = stdout.lines().last().unwrap_or("");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn python_sdk_reads_events_with_its_field_names_and_deletes_gone_ids() {
    if !have_py_sdk() {
        return;
    }
    let hook = Hostile::start(|_, _| Reply::json(500, r#"{"error":"down"}"#));
    let sb = Sandbox::start(&[
        "--seed",
        "2",
        "--seed-rng",
        "93",
        "--delivery-backoff-ms",
        "5",
    ]);
    let sent = run(
        &sb,
        r#"
r = c.message.publish(url=os.environ['HOOK'] + '/fail?tenant=7', body='secret', retries=0,
    retry_delay='1000 * retried', headers={'Authorization': 'Bearer s3cret'},
    redact={'header': ['Authorization']})
print(json.dumps({'id': r.message_id}))
"#,
        &[("HOOK", &hook.url)],
    );
    let msg = sent["id"].as_str().unwrap().to_string();
    let entry = wait_for("the message in the DLQ", 60, || {
        sb.listed(false).into_iter().find(|e| e["messageId"] == msg)
    });
    let gone = sb.listed(false)[0]["dlqId"].as_str().unwrap().to_string();
    assert_eq!(sb.http("DELETE", &format!("/v2/dlq/{gone}")).0, 200);
    let read = run(
        &sb,
        r#"
logs = c.log.list(filter={'message_ids': [os.environ['MSG']]}).logs
failed = [l for l in logs if l.state.value == 'FAILED'][0]
e = c.dlq.get(os.environ['ID'])
n = c.dlq.delete_many([os.environ['ID'], os.environ['GONE']])
print(json.dumps({
  'states': [l.state.value for l in logs],
  'url': failed.url,
  'retry_delay_expression': failed.retry_delay_expression,
  'response_status': failed.response_status,
  'response_headers': failed.response_headers,
  'headers': failed.headers,
  'dlq_url': e.url,
  'dlq_header': e.headers,
  'deleted': n,
}))
"#,
        &[
            ("MSG", &msg),
            ("ID", entry["dlqId"].as_str().unwrap()),
            ("GONE", &gone),
        ],
    );
    assert_eq!(
        read["states"],
        serde_json::json!(["FAILED", "ERROR", "ACTIVE", "CREATED"]),
        "{read}"
    );
    let url = format!("{}/fail?tenant=7", hook.url);
    assert_eq!(read["url"], url);
    assert_eq!(read["retry_delay_expression"], "1000 * retried");
    assert_eq!(read["response_status"], 500);
    assert!(
        read["response_headers"]["Content-Type"].is_array(),
        "{read}"
    );
    let auth = read["headers"]["Authorization"][0].as_str().unwrap();
    assert!(auth.starts_with("REDACTED:"), "{read}");
    assert_eq!(read["dlq_url"], url);
    assert!(read["dlq_header"]["Authorization"][0]
        .as_str()
        .unwrap()
        .starts_with("REDACTED:"));
    // One present, one already gone: the present one deleted and counted.
    assert_eq!(read["deleted"], 1);
    assert_eq!(sb.ids(false).len(), 1);
}
