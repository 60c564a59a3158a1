//! Realistic DLQ contents for rehearsal: seeded entries of both kinds, and fixtures in the
//! NDJSON format `dlq export` writes.
//!
//! Seeded times are anchored at the start of the current UTC day, so a given `--seed-rng`
//! produces the same entries all day long, and recent enough that `dlq stats` finds nothing
//! near the end of its default 3-day retention all that day (see `SPREAD_MS`).

use std::path::Path;

use base64::Engine;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::states::CallbackState;
use super::store::{random_id, Dlq, Store, Stored};
use super::wire::{CallbackInfo, Entry, Headers};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How long before the start of today seeded entries entered the DLQ: at most 18 hours. By the
/// end of the day the oldest is 42 hours old. `dlq stats` assumes a 3-day retention and warns
/// about entries in its last 24 hours (older than 48 hours), so a fresh sandbox never has it
/// warn or suggest another `--retention`, whatever the time of day; a state seeded late in the
/// day stays quiet until 06:00 UTC the next day, and inside the retention until 06:00 the day
/// after. None are seeded in today's hours: with a fixed anchor they would lie in the future
/// until then.
const SPREAD_MS: i64 = 18 * HOUR_MS;

const URLS: &[&str] = &[
    "https://api.shop.example/webhooks/orders",
    "https://api.shop.example/webhooks/refunds",
    "https://billing.example.com/hooks/invoice-paid",
    "https://mailer.example.org/send",
    "https://crm.example.io/api/contacts/sync",
    "https://reports.example.net/jobs/nightly",
    "https://hooks.partner.example/v1/events",
    "https://legacy.example.com/cgi-bin/notify.php",
];
const WORKFLOW_URLS: &[&str] = &[
    "https://app.example.com/api/workflows/onboarding",
    "https://app.example.com/api/workflows/checkout",
    "https://jobs.example.io/api/workflow/video-transcode",
    "https://app.example.com/api/workflows/invoice-reminders",
    "https://etl.example.net/api/workflow/import",
];
const URL_GROUPS: &[(&str, &str)] = &[
    ("order-events", "warehouse"),
    ("order-events", "analytics"),
    ("user-signups", "mailer"),
];
const QUEUES: &[&str] = &["emails", "billing-queue", "sync", "low-priority"];
const LABELS: &[&str] = &[
    "billing", "emails", "orders", "sync", "reports", "critical", "beta",
];
const FLOW_KEYS: &[&str] = &["stripe-api", "mailer-pool", "tenant-42"];
const IPS: &[&str] = &[
    "203.0.113.7",
    "198.51.100.23",
    "192.0.2.14",
    "2001:db8::5",
    "203.0.113.99",
];
const STATUSES: &[i64] = &[
    400, 401, 403, 404, 409, 410, 422, 429, 500, 500, 500, 502, 503, 503, 504, 489,
];
const STEPS: &[&str] = &[
    "validate-input",
    "charge-card",
    "reserve-stock",
    "send-email",
    "call-partner-api",
    "update-crm",
    "generate-pdf",
    "notify-slack",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    xs.choose(rng).expect("non-empty pool")
}

fn h(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
        .collect()
}

/// Fills both DLQs with `n` entries each, deterministic for a given `rng`.
pub fn seed(store: &mut Store, n: usize, rng: &mut ChaCha8Rng, now_ms: i64) {
    let anchor = now_ms - now_ms.rem_euclid(DAY_MS);
    for i in 0..n {
        let at = anchor - rng.gen_range(60_000..SPREAD_MS);
        let e = qstash_entry(rng, at, i);
        store.insert(Dlq::Qstash, e, at);
    }
    for i in 0..n {
        let at = anchor - rng.gen_range(60_000..SPREAD_MS);
        let e = workflow_entry(rng, at, i);
        let run = e.clone();
        let id = store.insert(Dlq::Workflow, e, at);
        store.runs.push(super::seedruns::failed_run(&run, &id, at));
    }
}

fn labels(rng: &mut ChaCha8Rng) -> Vec<String> {
    let k = *pick(rng, &[0usize, 1, 1, 1, 2, 2, 3]);
    let mut l: Vec<String> = LABELS
        .choose_multiple(rng, k)
        .map(|s| s.to_string())
        .collect();
    l.sort();
    l
}

/// A body of one of three kinds, with the content type that goes with it.
fn body(rng: &mut ChaCha8Rng, i: usize) -> (Option<String>, Option<String>, &'static str) {
    match rng.gen_range(0..10) {
        0..=5 => (
            Some(format!(
                r#"{{"orderId":"ord_{:06}","amount":{},"currency":"EUR","items":{}}}"#,
                rng.gen_range(0..1_000_000),
                rng.gen_range(100..90_000),
                i % 7 + 1
            )),
            None,
            "application/json",
        ),
        6..=8 => (
            Some(format!(
                "user {} signed up; send welcome mail #{}",
                rng.gen_range(1000..9999),
                i
            )),
            None,
            "text/plain",
        ),
        _ => {
            // `gen::<u8>`: on Windows a dependency (encode_unicode, via dialoguer) adds another
            // `FromIterator` for `Vec<u8>`, and the bare `gen()` no longer infers.
            let bytes: Vec<u8> = (0..rng.gen_range(8..48)).map(|_| rng.gen::<u8>()).collect();
            let mut b = vec![0x89, b'P', b'N', b'G', 0xff];
            b.extend(bytes);
            (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(b)),
                "application/octet-stream",
            )
        }
    }
}

/// What a destination answered, for a given status, at `at`.
fn response(rng: &mut ChaCha8Rng, status: i64, at: i64) -> (Headers, String) {
    // The details that vary come from a generator of their own, seeded from the entry's: the
    // entries a given --seed-rng makes (urls, statuses, labels) stay the same as they were.
    let mut own = ChaCha8Rng::seed_from_u64(rng.clone().gen::<u64>() ^ at as u64);
    let (ctype, body) = super::replies::body(&mut own, status, at);
    if status == 500 {
        // The one draw the seeded answers always took from the entry's generator.
        rng.gen_range(1..4);
    }
    let mut hdr = h(&[
        ("Content-Type", ctype),
        ("Date", "Mon, 17 Nov 2025 10:00:00 GMT"),
    ]);
    if status == 489 {
        hdr.insert("Upstash-NonRetryable-Error".into(), vec!["true".into()]);
    }
    if status == 429 {
        hdr.insert("Retry-After".into(), vec!["30".into()]);
    }
    (hdr, body)
}

fn qstash_entry(rng: &mut ChaCha8Rng, at: i64, i: usize) -> Stored {
    let created = at - rng.gen_range(1_000..6 * HOUR_MS);
    let status = *pick(rng, STATUSES);
    let (resp_header, resp_body) = response(rng, status, at);
    let (body, body_base64, ctype) = body(rng, i);
    let mut e = Entry {
        message_id: random_id("msg_", rng),
        url: pick(rng, URLS).to_string(),
        method: pick(rng, &["POST", "POST", "POST", "PUT", "GET"]).to_string(),
        max_retries: rng.gen_range(0..6),
        not_before: if rng.gen_bool(0.2) {
            created + 60_000
        } else {
            0
        },
        created_at: created,
        response_status: status,
        header: h(&[("Content-Type", ctype)]),
        body,
        body_base64,
        caller_ip: Some(pick(rng, IPS).to_string()),
        response_header: resp_header,
        response_body: Some(resp_body),
        ..Entry::default()
    };
    match rng.gen_range(0..10) {
        0..=1 => {
            let (group, endpoint) = *pick(rng, URL_GROUPS);
            e.topic_name = Some(group.into());
            e.endpoint_name = Some(endpoint.into());
        }
        2..=3 => e.queue_name = Some(pick(rng, QUEUES).to_string()),
        4 => e.schedule_id = Some(random_id("scd_", rng)),
        _ => {}
    }
    e.set_labels(labels(rng));
    if rng.gen_bool(0.3) {
        e.flow_control_key = Some(pick(rng, FLOW_KEYS).to_string());
        e.rate = Some(rng.gen_range(1..50));
        e.parallelism = Some(rng.gen_range(1..10));
        e.period = Some(*pick(rng, &[1, 60, 3600, 86_400]));
    }
    if rng.gen_bool(0.2) {
        e.retry_delay_expression = Some("1000 * pow(2, retried)".into());
    }
    if rng.gen_bool(0.15) {
        e.callback = Some("https://hooks.internal.example/qstash/callback".into());
    }
    if rng.gen_bool(0.2) {
        e.failure_callback = Some("https://hooks.internal.example/qstash/failed".into());
    }
    Stored {
        entry: e,
        steps: Vec::new(),
        failed_step: 0,
        exec: None,
        redact: None,
    }
}

fn workflow_entry(rng: &mut ChaCha8Rng, at: i64, i: usize) -> Stored {
    let created = at - rng.gen_range(1_000..DAY_MS);
    let workflow_url = pick(rng, WORKFLOW_URLS).to_string();
    let n_steps = rng.gen_range(1..=6);
    let steps: Vec<String> = STEPS
        .choose_multiple(rng, n_steps)
        .map(|s| s.to_string())
        .collect();
    let failed_step = rng.gen_range(0..n_steps);
    let status = *pick(rng, STATUSES);
    let (resp_header, resp_body) = response(rng, status, at);
    let (body, body_base64, ctype) = body(rng, i);
    let run_id = random_id("wfr_", rng);
    let mut e = Entry {
        message_id: random_id("msg_", rng),
        url: workflow_url.clone(),
        method: "POST".into(),
        max_retries: rng.gen_range(0..6),
        not_before: 0,
        created_at: at - rng.gen_range(100..60_000),
        response_status: status,
        header: h(&[
            ("Content-Type", ctype),
            ("Upstash-Workflow-Runid", &run_id),
            ("Upstash-Workflow-Url", &workflow_url),
            ("Upstash-Feature-Set", "LazyFetch,InitialBody"),
        ]),
        body,
        body_base64,
        caller_ip: Some(pick(rng, IPS).to_string()),
        response_header: resp_header,
        response_body: Some(resp_body),
        workflow_run_id: Some(run_id),
        workflow_url: Some(workflow_url.clone()),
        workflow_created_at: Some(created),
        ..Entry::default()
    };
    let mut l = labels(rng);
    // `dlq --sandbox` simulates video transcodes failing (see `Simulation::embedded`); billing
    // is what the README resumes, and that rehearsal should show runs leaving the DLQ for good.
    // Dropped after the draw, so every other entry stays as the generator made it.
    if workflow_url.contains("video-transcode") {
        l.retain(|x| x != "billing");
    }
    e.set_labels(l);
    if rng.gen_bool(0.3) {
        e.flow_control_key = Some(pick(rng, FLOW_KEYS).to_string());
        e.rate = Some(rng.gen_range(1..50));
        e.parallelism = Some(rng.gen_range(1..10));
        e.period = Some(*pick(rng, &[1, 60, 3600]));
    }
    // The first entries cycle through every callback state so even a small seed has each;
    // after that, most runs have a failure function and a random state.
    let state = if i < 2 * CallbackState::ALL.len() {
        CallbackState::ALL.get(i).copied()
    } else if rng.gen_bool(0.75) {
        Some(*pick(rng, CallbackState::ALL))
    } else {
        None
    };
    if let Some(state) = state {
        e.failure_callback = Some(workflow_url.clone());
        let (status, body) = match state {
            CallbackState::Fail => (Some(500), Some("failure function threw: ReferenceError")),
            CallbackState::Success => (Some(200), Some("ok")),
            _ => (None, None),
        };
        e.failure_callback_info = Some(CallbackInfo {
            state: None,
            response_status: status,
            response_body: body.map(str::to_string),
            response_headers: status.map(|_| h(&[("Content-Type", "text/plain")])),
        });
        e.set_callback_state(state);
    }
    Stored {
        entry: e,
        steps,
        failed_step,
        exec: None,
        redact: None,
    }
}

/// Loads an NDJSON fixture: one wire entry a line; `workflowRunId` marks a workflow run.
pub fn load_fixture(store: &mut Store, path: &Path, now_ms: i64) -> Result<usize, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut entry: Entry = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: not a DLQ entry: {e}", path.display(), i + 1))?;
        if !entry.dlq_id.is_empty() && store.locate(&entry.dlq_id).is_some() {
            return Err(format!(
                "{}:{}: dlqId {} appears twice",
                path.display(),
                i + 1,
                entry.dlq_id
            ));
        }
        if let Some(state) = entry.callback_state() {
            entry.failure_function_state = Some(state);
        }
        let which = if entry.is_workflow() {
            Dlq::Workflow
        } else {
            Dlq::Qstash
        };
        // A fixture knows nothing of steps: model one completed step before the failed one.
        let (steps, failed_step) = if entry.is_workflow() {
            (vec!["step-1".to_string(), "step-2".to_string()], 1)
        } else {
            (Vec::new(), 0)
        };
        store.insert(
            which,
            Stored {
                entry,
                steps,
                failed_step,
                exec: None,
                redact: None,
            },
            now_ms,
        );
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn seeded_entries_stay_inside_a_three_day_retention_all_day() {
        let midnight = 1_763_337_600_000; // 2025-11-17T00:00:00Z
        for now in [midnight, midnight + DAY_MS - 1] {
            let mut store = Store::default();
            seed(&mut store, 300, &mut ChaCha8Rng::seed_from_u64(5), now);
            let times = store
                .qstash
                .keys()
                .chain(store.workflow.keys())
                .map(|k| k.ms);
            for at in times {
                assert!(at < now, "entered the DLQ in the future");
                // Not in the last day of a 3-day retention, where `dlq stats` warns.
                assert!(
                    now - at < 2 * DAY_MS - 6 * HOUR_MS,
                    "near the end of retention"
                );
            }
        }
    }
}
