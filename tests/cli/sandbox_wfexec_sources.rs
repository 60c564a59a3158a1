//! Workflow runs started through the sources' one publish path: a plain publish to a URL
//! group whose endpoint is a real `@upstash/workflow` app, and a schedule firing at it. The
//! app's SDK answers the plain message by publishing the run's first invocation
//! (`Upstash-Workflow-Init`), which the sandbox must hand to its executor rather than deliver
//! as a plain message; the app's own record of what ran is the truth.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::sandbox_wfexec::Rig;
use crate::sdk::have_sdk;

/// The ids of the runs `GET /v2/workflows/logs` shows once `n` have succeeded.
fn succeeded(rig: &Rig, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (s, v) = rig.sb.http("GET", "/v2/workflows/logs");
        assert_eq!(s, 200, "{v}");
        let runs = v["runs"].as_array().cloned().unwrap_or_default();
        let done: Vec<String> = runs
            .iter()
            .filter(|r| r["workflowState"] == "RUN_SUCCESS")
            .map(|r| r["workflowRunId"].as_str().unwrap().to_string())
            .collect();
        if done.len() >= n {
            return done;
        }
        assert!(Instant::now() < deadline, "{n} runs never succeeded: {v}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_url_group_publish_and_a_schedule_firing_start_real_workflow_runs() {
    if !have_sdk() {
        return;
    }
    let rig = Rig::start();
    let v: Value = rig.script(&format!(
        r#"import {{ Client }} from "@upstash/qstash";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
await c.urlGroups.addEndpoints({{ name: "wf", endpoints: [{{ url: "{app}" }}] }});
const published = await c.publishJSON({{ urlGroup: "wf", body: {{ n: 1 }} }});
console.log(JSON.stringify({{ published }}));"#,
        app = rig.app.url
    ));
    assert_eq!(v["published"][0]["url"], rig.app.url.as_str(), "{v}");
    let first = succeeded(&rig, 1);
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(rig.executed(&first[0]), ["step-one", "step-two"]);

    rig.script(&format!(
        r#"import {{ Client }} from "@upstash/qstash";
const c = new Client({{ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN }});
await c.schedules.create({{ destination: "{app}", cron: "0 3 * * *", scheduleId: "wf-nightly", body: JSON.stringify({{ n: 2 }}), headers: {{ "Content-Type": "application/json" }} }});
console.log("{{}}");"#,
        app = rig.app.url
    ));
    let (s, fired) = crate::common::http(
        "POST",
        &format!("{}/__sandbox/schedules/wf-nightly/fire", rig.sb.url),
        Some(&rig.sb.token),
        None,
    );
    assert_eq!(s, 200, "{fired}");
    let both = succeeded(&rig, 2);
    let second: Vec<&String> = both.iter().filter(|r| !first.contains(r)).collect();
    assert_eq!(second.len(), 1, "{both:?}");
    assert_eq!(rig.executed(second[0]), ["step-one", "step-two"]);
}
