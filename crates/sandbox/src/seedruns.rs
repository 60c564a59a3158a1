//! The record the service keeps of a failed workflow run, made for each seeded entry of the
//! workflow DLQ: the run in the workflow logs (its steps up to the failed one, `RUN_FAILED`,
//! its `dlqId`, labels and flow-control key) and, when its failure function was called, that
//! call's message id and answer. A callback's "was it applied?" then has a newest call to
//! compare with on seeded data too, as it has on the service.

use std::hash::{Hash, Hasher};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::runs::failed_steps;
use super::states::{CallbackState, RunKind, RunState};
use super::store::{random_id, CallAttempt, FailureFunction, RunRecord, Stored};

/// The run behind seeded entry `dlq_id`, which entered the DLQ at `at`. What it draws comes
/// from its own generator, seeded by the run id, so the entries a `--seed-rng` gives stay
/// what they were.
pub fn failed_run(stored: &Stored, dlq_id: &str, at: i64) -> RunRecord {
    let e = &stored.entry;
    // A fixed-key hasher: the same run id gives the same records in every run.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    e.workflow_run_id.hash(&mut h);
    let rng = &mut ChaCha8Rng::seed_from_u64(h.finish());
    let created = e.workflow_created_at.unwrap_or(e.created_at);
    let run_id = e.workflow_run_id.clone().unwrap_or_default();
    RunRecord {
        workflow_run_id: run_id.clone(),
        workflow_created_at: created,
        started_at: created,
        kind: RunKind::Seeded,
        from_dlq_id: dlq_id.to_string(),
        from_run_id: run_id,
        workflow_url: e.workflow_url.clone().unwrap_or_else(|| e.url.clone()),
        steps_kept: Vec::new(),
        steps_total: stored.steps.len(),
        overrides: Default::default(),
        config: json!({
            "retries": e.max_retries,
            "labels": e.all_labels(),
            "flowControlKey": e.flow_control_key,
            "failureCallback": e.failure_callback,
        }),
        state: RunState::Failed,
        completed_at: Some(e.created_at),
        dlq_id: Some(dlq_id.to_string()),
        attempts: e.max_retries.clamp(0, 100) as u32 + 1,
        steps: failed_steps(stored, e.created_at),
        failure_function: failure_call(rng, stored, at),
        caller_ip: e.caller_ip.clone(),
        origin: None,
        exec: None,
    }
}

/// The failure function's call, made when the run failed, as its callback state says it went.
fn failure_call(rng: &mut ChaCha8Rng, stored: &Stored, at: i64) -> Option<FailureFunction> {
    let e = &stored.entry;
    let url = e.failure_callback.clone()?;
    let state = e.callback_state()?;
    let info = e.failure_callback_info.clone().unwrap_or_default();
    let answered = matches!(state, CallbackState::Success | CallbackState::Fail);
    let started_at = at - rng.gen_range(50..500);
    Some(FailureFunction {
        url,
        message_id: Some(random_id("msg_", rng)),
        state: Some(state),
        response_status: info.response_status,
        response_body: info.response_body,
        response_headers: info.response_headers,
        attempts: answered
            .then(|| CallAttempt {
                started_at,
                ended_at: started_at + rng.gen_range(20..400),
                status: info.response_status.unwrap_or(0),
            })
            .into_iter()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use crate::states::{CallbackState, RunKind, RunState};
    use crate::store::Store;

    #[test]
    fn each_seeded_run_is_logged_failed_with_its_failure_call() {
        let mut store = Store::default();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        crate::seed::seed(&mut store, 12, &mut rng, 1_800_000_000_000);
        assert_eq!(store.runs.len(), 12);
        for r in &store.runs {
            let e = &store.workflow[&crate::store::Key::parse(r.dlq_id.as_ref().unwrap())].entry;
            assert_eq!((r.kind, r.state), (RunKind::Seeded, RunState::Failed));
            assert_eq!(Some(&r.workflow_run_id), e.workflow_run_id.as_ref());
            assert_eq!(Some(r.workflow_created_at), e.workflow_created_at);
            assert!(!r.steps.is_empty());
            let f = r.failure_function.as_ref();
            assert_eq!(f.and_then(|f| f.state), e.callback_state(), "{r:?}");
            assert_eq!(f.is_some_and(|f| f.message_id.is_some()), f.is_some());
            let answered = matches!(
                e.callback_state(),
                Some(CallbackState::Success | CallbackState::Fail)
            );
            assert_eq!(f.is_some_and(|f| f.attempts.len() == 1), answered);
        }
    }
}
