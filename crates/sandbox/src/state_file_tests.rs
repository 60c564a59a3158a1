//! The state file across the typing of the sandbox's states: a file written while they were
//! strings (by `dlq sandbox --state` on `main`, trimmed to a few records of each kind) still
//! loads, reads as the states it names, and is written back byte for byte.

use super::states::{
    CallbackState, LogState, MessageSource, MessageState, RunKind, RunState, StepState,
};
use super::{load_state, save_state};

/// Written by the sandbox before `states` existed: a retry and three publishes (failed,
/// cancelled), a resume, a callback and a restart that failed, and one log entry per state.
const OLD: &str = r##"{"token":"tok","qstash":[{"entry":{"dlqId":"1796616718357-0","messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","url":"https://api.shop.example/webhooks/refunds","method":"PUT","maxRetries":2,"notBefore":1796616718001,"createdAt":1796616718001,"responseStatus":500,"header":{"Content-Type":["text/plain"]},"body":"user 1640 signed up; send welcome mail #0","queueName":"billing-queue","callerIP":"192.0.2.14","label":"sync","labels":["sync"],"flowControlKey":"stripe-api","rate":30,"parallelism":4,"period":60,"responseHeader":{"Content-Type":["text/plain; charset=utf-8"]},"responseBody":"500 (simulated by dlq sandbox --simulate)"},"failedStep":0}],"workflow":[{"entry":{"dlqId":"1796616725253-0","messageId":"msg_frbpLDOXgWJ34PFvpPP98M3C","url":"https://etl.example.net/api/workflow/import","method":"POST","maxRetries":0,"notBefore":0,"createdAt":1796616725253,"responseStatus":500,"header":{"Content-Type":["text/plain"],"Upstash-Feature-Set":["LazyFetch,InitialBody"],"Upstash-Workflow-Runid":["wfr_xk5Pq6PV2hwxBt3MnmZOAKGi"],"Upstash-Workflow-Url":["https://etl.example.net/api/workflow/import"]},"body":"user 6068 signed up; send welcome mail #0","failureCallback":"https://etl.example.net/api/workflow/import","callerIP":"192.0.2.14","responseHeader":{"Content-Type":["text/plain; charset=utf-8"]},"responseBody":"500 (simulated by dlq sandbox --simulate)","workflowRunId":"wfr_xk5Pq6PV2hwxBt3MnmZOAKGi","workflowUrl":"https://etl.example.net/api/workflow/import","workflowCreatedAt":1796616725212,"failureCallbackInfo":{"state":"CALLBACK_FAIL","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)","responseHeaders":{"Content-Type":["text/plain; charset=utf-8"]}},"failureFunctionState":"CALLBACK_FAIL"},"steps":["call-partner-api","reserve-stock"],"failedStep":0}],"applied":{"1796591324281-0":{"retry":1},"1796599837614-0":{"resume":1},"1796616718605-0":{"callback":1,"restart":1}},"messages":[{"messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","source":"retry","fromDlqId":"1796591324281-0","url":"https://api.shop.example/webhooks/refunds","method":"PUT","header":{"Content-Type":["text/plain"]},"body":"user 1640 signed up; send welcome mail #0","createdAt":1796616718001,"config":{"retries":2,"labels":["sync"],"label":"sync","flowControlKey":"stripe-api","rate":30,"parallelism":4,"period":60,"notBefore":1796616718001,"method":"PUT"},"overrides":{},"state":"failed","attempts":3,"lastStatus":500,"dlqId":"1796616718357-0","origin":{"dlqId":"1796591324281-0","messageId":"msg_YppwECTH3xpY8PaspydDHoWj","url":"https://api.shop.example/webhooks/refunds","method":"PUT","maxRetries":2,"notBefore":0,"createdAt":1796587694879,"responseStatus":409,"header":{"Content-Type":["text/plain"]},"body":"user 1640 signed up; send welcome mail #0","queueName":"billing-queue","callerIP":"192.0.2.14","label":"sync","labels":["sync"],"flowControlKey":"stripe-api","rate":30,"parallelism":4,"period":60,"responseHeader":{"Content-Type":["text/plain; charset=utf-8"],"Date":["Mon, 17 Nov 2025 10:00:00 GMT"]},"responseBody":"{\"error\":\"request rejected\",\"code\":409}"}},{"messageId":"msg_2hjHioewjMHO1TdDr13lBIUo","source":"publish","url":"https://legacy.example.com/hook","method":"POST","header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"hi","createdAt":1796616718258,"config":{"retries":3,"notBefore":1796616718258,"method":"POST"},"overrides":{},"state":"failed","attempts":4,"lastStatus":410,"dlqId":"1796616718513-0","origin":{"dlqId":"","messageId":"","url":"https://legacy.example.com/hook","method":"POST","maxRetries":3,"notBefore":0,"createdAt":0,"responseStatus":0,"header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"hi","callerIP":"127.0.0.1"}},{"messageId":"msg_FkuvDsxv64djXxUKpxakcjJd","source":"publish","url":"https://other.example.com/x","method":"POST","header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"later","createdAt":1796616718354,"config":{"retries":3,"delay":"1h","notBefore":1796620318354,"method":"POST"},"overrides":{"Upstash-Delay":"1h"},"state":"cancelled","attempts":0,"origin":{"dlqId":"","messageId":"","url":"https://other.example.com/x","method":"POST","maxRetries":3,"notBefore":0,"createdAt":0,"responseStatus":0,"header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"later","callerIP":"127.0.0.1"}},{"messageId":"msg_DKHYNyPCrpXdINHmaTcTHQcu","source":"publish","url":"https://ok.example.org/x","method":"POST","header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"ok","createdAt":1796616718429,"config":{"retries":3,"notBefore":1796616718429,"method":"POST"},"overrides":{},"state":"failed","attempts":4,"lastStatus":500,"dlqId":"1796616718721-0","origin":{"dlqId":"","messageId":"","url":"https://ok.example.org/x","method":"POST","maxRetries":3,"notBefore":0,"createdAt":0,"responseStatus":0,"header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"ok","callerIP":"127.0.0.1"}}],"runs":[{"workflowRunId":"wfr_zyYUc4UQXVow7k7mr5BJVZwD","workflowCreatedAt":1796616718581,"startedAt":1796616718581,"kind":"resume","fromDlqId":"1796599837614-0","fromRunId":"wfr_CuMXi3qGkv4tPlWKbah27Fv2","workflowUrl":"https://etl.example.net/api/workflow/import","stepsKept":[],"stepsTotal":2,"overrides":{},"config":{"delay":null,"failureCallback":"https://etl.example.net/api/workflow/import","flowControlKey":null,"flowControlValue":null,"labels":[],"parallelism":null,"period":null,"rate":null,"retries":0,"retryDelay":null},"state":"RUN_FAILED","completedAt":1796616718605,"dlqId":"1796616718605-0","attempts":1,"steps":[{"name":"call-partner-api","state":"STEP_FAILED","createdAt":1796616718605,"messageId":"msg_QYQ52U3FtJf5CBufKtCReORR","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)"}],"failureFunction":{"url":"https://etl.example.net/api/workflow/import","state":"CALLBACK_FAIL","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)","responseHeaders":{"Content-Type":["text/plain; charset=utf-8"]}},"callerIp":"192.0.2.14"},{"workflowRunId":"wfr_zyYUc4UQXVow7k7mr5BJVZwD","workflowCreatedAt":1796616718581,"startedAt":1796616724098,"kind":"callback","fromDlqId":"1796616718605-0","fromRunId":"wfr_zyYUc4UQXVow7k7mr5BJVZwD","workflowUrl":"https://etl.example.net/api/workflow/import","stepsKept":[],"stepsTotal":0,"overrides":{},"config":{"failureCallback":"https://etl.example.net/api/workflow/import"},"state":"RUN_FAILED","completedAt":1796616718605,"dlqId":"1796616718605-0","attempts":0,"steps":[{"name":"call-partner-api","state":"STEP_FAILED","createdAt":1796616718605,"messageId":"msg_1TiXn8xIJ9VmJ5mwVVNK4CtS","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)"}],"failureFunction":{"url":"https://etl.example.net/api/workflow/import","messageId":"msg_O5xFeXu4OH0yFtCkkqIxZrGL","state":"CALLBACK_FAIL","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)","responseHeaders":{"Content-Type":["text/plain; charset=utf-8"]}},"callerIp":"192.0.2.14"},{"workflowRunId":"wfr_xk5Pq6PV2hwxBt3MnmZOAKGi","workflowCreatedAt":1796616725212,"startedAt":1796616725212,"kind":"restart","fromDlqId":"1796616718605-0","fromRunId":"wfr_zyYUc4UQXVow7k7mr5BJVZwD","workflowUrl":"https://etl.example.net/api/workflow/import","stepsKept":[],"stepsTotal":2,"overrides":{},"config":{"delay":null,"failureCallback":"https://etl.example.net/api/workflow/import","flowControlKey":null,"flowControlValue":null,"labels":[],"parallelism":null,"period":null,"rate":null,"retries":0,"retryDelay":null},"state":"RUN_FAILED","completedAt":1796616725253,"dlqId":"1796616725253-0","attempts":1,"steps":[{"name":"call-partner-api","state":"STEP_FAILED","createdAt":1796616725253,"messageId":"msg_frbpLDOXgWJ34PFvpPP98M3C","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)"}],"failureFunction":{"url":"https://etl.example.net/api/workflow/import","state":"CALLBACK_FAIL","responseStatus":500,"responseBody":"500 (simulated by dlq sandbox --simulate)","responseHeaders":{"Content-Type":["text/plain; charset=utf-8"]}},"callerIp":"192.0.2.14"}],"logs":[{"seq":1,"time":1796616718001,"messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","state":"CREATED","url":"https://api.shop.example/webhooks/refunds","method":"PUT","header":{"Content-Type":["text/plain"]},"body":"dXNlciAxNjQwIHNpZ25lZCB1cDsgc2VuZCB3ZWxjb21lIG1haWwgIzA=","nextDeliveryTime":1796616718001,"queueName":"billing-queue","maxRetries":2,"label":"sync","labels":["sync"]},{"seq":2,"time":1796616718188,"messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","state":"ACTIVE","url":"https://api.shop.example/webhooks/refunds","method":"PUT","header":{"Content-Type":["text/plain"]},"body":"dXNlciAxNjQwIHNpZ25lZCB1cDsgc2VuZCB3ZWxjb21lIG1haWwgIzA=","queueName":"billing-queue","maxRetries":2,"label":"sync","labels":["sync"]},{"seq":4,"time":1796616718262,"messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","state":"ERROR","url":"https://api.shop.example/webhooks/refunds","method":"PUT","header":{"Content-Type":["text/plain"]},"body":"dXNlciAxNjQwIHNpZ25lZCB1cDsgc2VuZCB3ZWxjb21lIG1haWwgIzA=","error":"the destination answered 500 Internal Server Error","queueName":"billing-queue","responseStatus":500,"responseBody":"NTAwIChzaW11bGF0ZWQgYnkgZGxxIHNhbmRib3ggLS1zaW11bGF0ZSk=","responseHeaders":{"Content-Type":["text/plain; charset=utf-8"]},"maxRetries":2,"label":"sync","labels":["sync"]},{"seq":5,"time":1796616718262,"messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","state":"RETRY","url":"https://api.shop.example/webhooks/refunds","method":"PUT","header":{"Content-Type":["text/plain"]},"body":"dXNlciAxNjQwIHNpZ25lZCB1cDsgc2VuZCB3ZWxjb21lIG1haWwgIzA=","nextDeliveryTime":1796616718263,"queueName":"billing-queue","maxRetries":2,"label":"sync","labels":["sync"]},{"seq":18,"time":1796616718357,"messageId":"msg_UtKj1R6aUCM9U8RkFk7fBW6B","state":"FAILED","url":"https://api.shop.example/webhooks/refunds","method":"PUT","header":{"Content-Type":["text/plain"]},"body":"dXNlciAxNjQwIHNpZ25lZCB1cDsgc2VuZCB3ZWxjb21lIG1haWwgIzA=","error":"the destination answered 500 Internal Server Error","queueName":"billing-queue","responseStatus":500,"responseBody":"NTAwIChzaW11bGF0ZWQgYnkgZGxxIHNhbmRib3ggLS1zaW11bGF0ZSk=","responseHeaders":{"Content-Type":["text/plain; charset=utf-8"]},"maxRetries":2,"label":"sync","labels":["sync"]},{"seq":38,"time":1796616724039,"messageId":"msg_FkuvDsxv64djXxUKpxakcjJd","state":"CANCEL_REQUESTED","url":"https://other.example.com/x","method":"POST","header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"bGF0ZXI=","maxRetries":3},{"seq":39,"time":1796616724039,"messageId":"msg_FkuvDsxv64djXxUKpxakcjJd","state":"CANCELLED","url":"https://other.example.com/x","method":"POST","header":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"bGF0ZXI=","maxRetries":3}],"logSeq":40,"sources":{"topics":{},"queues":{},"schedules":{},"dedup":{}}}"##;

#[test]
fn a_state_file_written_before_typed_states_loads_and_writes_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, OLD).unwrap();
    let store = load_state(&path).unwrap();

    let messages: Vec<_> = store.messages.iter().map(|m| (m.source, m.state)).collect();
    use MessageSource::{Publish, Retry};
    use MessageState::{Cancelled, Failed};
    assert_eq!(
        messages,
        [
            (Retry, Failed),
            (Publish, Failed),
            (Publish, Cancelled),
            (Publish, Failed)
        ]
    );
    let runs: Vec<_> = store
        .runs
        .iter()
        .map(|r| {
            let steps: Vec<StepState> = r.steps.iter().map(|s| s.state).collect();
            let callback = r.failure_function.as_ref().and_then(|f| f.state);
            (r.kind, r.state, steps, callback)
        })
        .collect();
    let failed = |kind| {
        (
            kind,
            RunState::Failed,
            vec![StepState::Failed],
            Some(CallbackState::Fail),
        )
    };
    assert_eq!(
        runs,
        [
            failed(RunKind::Resume),
            failed(RunKind::Callback),
            failed(RunKind::Restart)
        ]
    );
    let logs: Vec<LogState> = store.logs.values().map(|r| r.entry.state).collect();
    use LogState::*;
    assert_eq!(
        logs,
        [
            Created,
            Active,
            Error,
            LogState::Retry,
            LogState::Failed,
            CancelRequested,
            LogState::Cancelled
        ]
    );
    let entry = &store.workflow.values().next().unwrap().entry;
    assert_eq!(entry.callback_state(), Some(CallbackState::Fail));
    assert_eq!(entry.failure_function_state, Some(CallbackState::Fail));

    save_state(&path, &store).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
}

/// A run record from before run states were kept has none: it reads as started.
#[test]
fn a_run_without_a_state_reads_as_started() {
    let old: serde_json::Value = serde_json::from_str(OLD).unwrap();
    let mut run = old["runs"][0].clone();
    run.as_object_mut().unwrap().remove("state");
    let run: super::store::RunRecord = serde_json::from_value(run).unwrap();
    assert_eq!(run.state, RunState::Started);
}
