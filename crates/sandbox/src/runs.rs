//! How a workflow run created by resume or restart goes on, and how a failure function called
//! again ends, as changes to the store.
//!
//! A run is modelled as its steps: those kept by resume stay done, a restart does the steps
//! before the one that failed again, and the step that failed is the one the destination's
//! answer decides, with the run's retries. A run that fails again is back in the workflow DLQ
//! as a new entry, as the service does, named in the run's `dlqId`.

use serde_json::Value;

use super::overrides::duration_ms;
use super::simulate::{Answer, Simulation, DEFAULT_TIMEOUT_MS};
use super::states::{CallbackState, RunKind, RunState, StepState};
use super::store::{
    new_message_id, Dlq, FailureFunction, Key, RunRecord, StepRecord, Store, Stored,
};
use super::wire::{text_or_base64, CallbackInfo};

/// The step names of a run and the index of the step the answer decides. A run that came
/// with no steps is one step.
fn step_plan(run: &RunRecord) -> (Vec<String>, usize) {
    let (mut names, failed) = match &run.origin {
        Some(o) => (o.steps.clone(), o.failed_step),
        None => (run.steps.iter().map(|s| s.name.clone()).collect(), 0),
    };
    if names.is_empty() {
        names.push("run".into());
    }
    let failed = failed.min(names.len() - 1);
    (names, failed)
}

fn step(name: &str, state: StepState, at: i64) -> StepRecord {
    StepRecord {
        name: name.to_string(),
        state,
        created_at: at,
        message_id: new_message_id(),
        next_delivery_time: None,
        response_status: None,
        response_body: None,
    }
}

/// The steps a new run starts with: those resume keeps, done.
pub fn kept_steps(kept: &[String], at: i64) -> Vec<StepRecord> {
    kept.iter()
        .map(|n| step(n, StepState::Success, at))
        .collect()
}

/// The steps of a run that failed: done up to the failed one, which failed.
pub fn failed_steps(stored: &Stored, at: i64) -> Vec<StepRecord> {
    let mut steps = kept_steps(
        &stored.steps[..stored.failed_step.min(stored.steps.len())],
        at,
    );
    if let Some(name) = stored.steps.get(stored.failed_step) {
        let mut s = step(name, StepState::Failed, at);
        s.response_status = Some(stored.entry.response_status);
        s.response_body = stored.entry.response_body.clone();
        steps.push(s);
    }
    steps
}

fn config_retries(run: &RunRecord) -> i64 {
    run.config["retries"].as_i64().unwrap_or(3)
}

/// When a run or a callback starts, how many attempts it gets, how long one may take.
pub fn schedule(run: &RunRecord) -> (i64, u32, i64) {
    let retries = if run.kind == RunKind::Callback {
        run.origin.as_ref().map_or(3, |o| o.entry.max_retries)
    } else {
        config_retries(run)
    };
    let delay = run.config["delay"]
        .as_str()
        .and_then(duration_ms)
        .unwrap_or(0);
    (
        run.started_at.saturating_add(delay),
        super::overrides::attempts(retries),
        DEFAULT_TIMEOUT_MS,
    )
}

/// Records the answer to attempt `attempt` of run `i`; true once the run is over.
pub fn run_answered(
    store: &mut Store,
    sim: &Simulation,
    i: usize,
    attempt: u32,
    answer: &Answer,
    at: i64,
    next: Option<i64>,
) -> bool {
    let run = &mut store.runs[i];
    let (names, decisive) = step_plan(run);
    run.attempts = attempt;
    while run.steps.len() < decisive {
        let name = &names[run.steps.len()];
        run.steps.push(step(name, StepState::Success, at));
    }
    if run.steps.len() == decisive {
        run.steps
            .push(step(&names[decisive], StepState::Progress, at));
    }
    let s = &mut run.steps[decisive];
    if answer.ok() {
        s.state = StepState::Success;
        s.next_delivery_time = None;
        s.response_status = None;
        s.response_body = None;
        for name in &names[decisive + 1..] {
            run.steps.push(step(name, StepState::Success, at));
        }
        run.state = RunState::Success;
        run.completed_at = Some(at);
        return true;
    }
    s.state = if next.is_some() {
        StepState::Retry
    } else {
        StepState::Failed
    };
    s.next_delivery_time = next;
    s.response_status = Some(answer.status);
    s.response_body = Some(String::from_utf8_lossy(&answer.body).into_owned());
    if next.is_some() {
        return false;
    }
    run.state = RunState::Failed;
    run.completed_at = Some(at);
    to_dlq(store, sim, i, answer, at);
    true
}

/// Puts run `i`, failed for good, back in the workflow DLQ as a new entry: the failed run's
/// entry with the new run's id, configuration and last answer. Its failure function is
/// called at once, decided by the rule for its URL (left in progress without one).
fn to_dlq(store: &mut Store, sim: &Simulation, i: usize, answer: &Answer, at: i64) {
    let run = &store.runs[i];
    let (names, decisive) = step_plan(run);
    let mut e = run.origin.clone().map(|o| o.entry).unwrap_or_default();
    let c = &run.config;
    let str_of = |k: &str| c[k].as_str().map(str::to_string);
    e.dlq_id = String::new();
    e.message_id = run.steps[decisive].message_id.clone();
    e.url = run.workflow_url.clone();
    e.workflow_url = Some(run.workflow_url.clone());
    e.workflow_run_id = Some(run.workflow_run_id.clone());
    e.workflow_created_at = Some(run.workflow_created_at);
    e.created_at = at;
    e.max_retries = config_retries(run);
    let labels = c["labels"].as_array().map_or_else(Vec::new, |a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    });
    e.set_labels(labels);
    e.flow_control_key = str_of("flowControlKey");
    e.rate = c["rate"].as_i64();
    e.parallelism = c["parallelism"].as_i64();
    e.period = c["period"].as_i64();
    e.retry_delay_expression = str_of("retryDelay");
    if let Some(v) = e.header.get_mut("Upstash-Workflow-Runid") {
        *v = vec![run.workflow_run_id.clone()];
    }
    e.response_status = answer.status;
    e.response_header = answer.headers.clone();
    let (text, b64) = text_or_base64(&answer.body);
    e.response_body = text;
    e.response_body_base64 = b64;
    e.failure_callback_info = None;
    e.failure_function_state = None;
    e.failure_callback = None;
    let mut ff = run.failure_function.clone();
    if let Some(f) = &mut ff {
        call_failure_function(sim, f, e.max_retries);
        e.failure_callback = Some(f.url.clone());
        e.failure_callback_info = Some(CallbackInfo {
            state: None,
            response_status: f.response_status,
            response_body: f.response_body.clone(),
            response_headers: f.response_headers.clone(),
        });
        e.set_callback_state(f.state.unwrap_or(CallbackState::InProgress));
    }
    let stored = Stored {
        entry: e,
        steps: names,
        failed_step: decisive,
        ..Stored::default()
    };
    let id = store.insert(Dlq::Workflow, stored, at);
    let run = &mut store.runs[i];
    run.dlq_id = Some(id);
    run.failure_function = ff;
}

/// The failure function of a run that just failed, tried `retries + 1` times at once.
fn call_failure_function(sim: &Simulation, f: &mut FailureFunction, retries: i64) {
    let Some(outcome) = sim.outcome(&f.url) else {
        f.state = Some(CallbackState::InProgress);
        return;
    };
    let mut last = None;
    for _ in 0..super::overrides::attempts(retries) {
        let a = sim.attempt(outcome, DEFAULT_TIMEOUT_MS);
        let ok = a.ok();
        last = Some(a);
        if ok {
            break;
        }
    }
    if let Some(a) = last {
        set_answer(f, &a);
    }
}

pub fn set_answer(f: &mut FailureFunction, a: &Answer) {
    f.state = Some(if a.ok() {
        CallbackState::Success
    } else {
        CallbackState::Fail
    });
    f.response_status = Some(a.status);
    f.response_body = Some(String::from_utf8_lossy(&a.body).into_owned());
    f.response_headers = Some(a.headers.clone());
}

/// Records the answer to one call of a failure function; only the last attempt or a success
/// changes anything. A callback cancelled meanwhile stays cancelled, and the DLQ entry only
/// follows the newest call made for it.
pub fn callback_answered(store: &mut Store, i: usize, answer: &Answer, next: Option<i64>) -> bool {
    if !answer.ok() && next.is_some() {
        return false;
    }
    let run = &mut store.runs[i];
    let f = run.failure_function.get_or_insert_with(Default::default);
    if f.state != Some(CallbackState::InProgress) {
        return true;
    }
    set_answer(f, answer);
    let f = f.clone();
    let dlq_id = run.from_dlq_id.clone();
    let newest = store.run_index.newest_callback(&store.runs, &dlq_id);
    if newest != Some(i) {
        return true;
    }
    if let Some(s) = store.workflow.get_mut(&Key::parse(&dlq_id)) {
        if s.entry.callback_state() == Some(CallbackState::InProgress) {
            let info = s
                .entry
                .failure_callback_info
                .get_or_insert_with(Default::default);
            info.response_status = f.response_status;
            info.response_body = f.response_body.clone();
            info.response_headers = f.response_headers.clone();
            s.entry
                .set_callback_state(f.state.unwrap_or(CallbackState::Fail));
        }
    }
    true
}

/// A run record as the run index sees it.
impl super::runindex::Record for RunRecord {
    fn run_id(&self) -> &str {
        &self.workflow_run_id
    }

    fn callback_of(&self) -> Option<&str> {
        (self.kind == RunKind::Callback).then_some(self.from_dlq_id.as_str())
    }
}
