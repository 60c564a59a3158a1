//! How a message created by publish or retry goes on, as changes to the store: one log entry
//! per state transition (CREATED, ACTIVE, then ERROR and RETRY per failed attempt, DELIVERED
//! or FAILED), and a message that failed for good back in the DLQ as a new entry.
//!
//! The same functions serve real deliveries, simulated ones played out over time (`deliver`)
//! and simulated ones settled at once with times spaced as they would have been (`settle`), so
//! the three can only differ in when things happen, never in what is written.

use super::overrides::duration_ms;
use super::runs;
use super::simulate::{Answer, Outcome, Simulation, DEFAULT_TIMEOUT_MS};
use super::states::{CallbackState, LogState, MessageState, RunKind, RunState};
use super::store::{Dlq, MessageRecord, Store, Stored};
use super::wire::{base64, text_or_base64, LogEntry};

/// Something a mutation started that goes on after it: an index into `Store::messages` or
/// `Store::runs` (both only ever grow, so an index keeps naming the same record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Message(usize),
    /// A resumed or restarted run.
    Run(usize),
    /// A failure function called again.
    Callback(usize),
}

/// How a piece of work will be carried out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plan {
    /// Real HTTP to a loopback destination.
    Network,
    Simulated(Outcome),
    /// Nothing contacts the destination: the message stays CREATED, the run RUN_STARTED.
    Recorded,
}

/// The URL whose rule decides `work`. A callback is decided by its failure function's URL:
/// that is what gets called; entries without one name the workflow URL instead.
pub fn target_url(store: &Store, work: Work) -> String {
    match work {
        Work::Message(i) => store.messages[i].url.clone(),
        Work::Run(i) => store.runs[i].workflow_url.clone(),
        Work::Callback(i) => {
            let r = &store.runs[i];
            r.failure_function
                .as_ref()
                .map_or_else(|| r.workflow_url.clone(), |f| f.url.clone())
        }
    }
}

/// Loopback messages are delivered for real when the sandbox may use the network; everything
/// else follows the first matching `--simulate` rule, or is only recorded.
pub fn plan(store: &Store, sim: &Simulation, work: Work, network: bool) -> Plan {
    let url = target_url(store, work);
    if network && matches!(work, Work::Message(_)) && is_loopback(&url) {
        return Plan::Network;
    }
    sim.outcome(&url).map_or(Plan::Recorded, Plan::Simulated)
}

/// Whether delivering to `url` stays on this machine: plain `http://` to a loopback address or
/// `localhost`, with no user info (`http://127.0.0.1@example.com/` goes to example.com).
pub fn is_loopback(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    if u.scheme() != "http" || !u.username().is_empty() || u.password().is_some() {
        return false;
    }
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// Settles `work` at once: every attempt decided now and written with the time it would have
/// happened at, attempts spaced by `backoff_ms` times the attempt number. For `--sandbox`,
/// whose server lives for one command while the outcome is asked for in a later one. Work
/// not due by `now` (a delay) is left pending: nothing is delivered before its time, and a
/// later start settles it (see `unfinished`).
pub fn settle(store: &mut Store, sim: &Simulation, backoff_ms: i64, work: Work, now: i64) {
    let outcome = match plan(store, sim, work, false) {
        Plan::Simulated(o) => o,
        _ => {
            if let Work::Message(i) = work {
                recorded(store, i);
            }
            return;
        }
    };
    let (start, attempts, timeout) = schedule(store, work);
    let (first, mut t) = resume(store, work).unwrap_or((1, start));
    if t > now {
        return;
    }
    for attempt in first..=attempts {
        if let Work::Message(i) = work {
            active(store, i, attempt, t);
        }
        let answer = sim.attempt(outcome, timeout);
        let end = t + answer.took_ms;
        let next = (attempt < attempts).then(|| end + backoff_ms * attempt as i64);
        if answered(store, sim, work, attempt, &answer, end, next) {
            return;
        }
        t = next.unwrap_or(end);
    }
}

/// When `work` starts, how many attempts it gets, and how long one may take.
pub fn schedule(store: &Store, work: Work) -> (i64, u32, i64) {
    match work {
        Work::Message(i) => {
            let m = &store.messages[i];
            (
                m.config.not_before.max(m.created_at),
                super::overrides::attempts(m.config.retries),
                timeout_ms(m),
            )
        }
        Work::Run(i) | Work::Callback(i) => runs::schedule(&store.runs[i]),
    }
}

/// Where `work` that was under way when its sandbox stopped goes on: the attempt to make and
/// when, `None` for work not yet attempted. An attempt cut short by the stop is made again.
pub fn resume(store: &Store, work: Work) -> Option<(u32, i64)> {
    match work {
        Work::Message(i) => {
            let m = &store.messages[i];
            if m.attempts == 0 {
                return None;
            }
            let last = store
                .logs
                .values()
                .rev()
                .find(|r| r.entry.message_id == m.message_id)?;
            match (last.entry.state, last.entry.next_delivery_time) {
                (LogState::Retry, Some(due)) => Some((m.attempts + 1, due)),
                _ => Some((m.attempts, last.entry.time)),
            }
        }
        Work::Run(i) => {
            let r = &store.runs[i];
            let due = r.steps.iter().find_map(|s| s.next_delivery_time)?;
            Some((r.attempts + 1, due))
        }
        Work::Callback(_) => None,
    }
}

/// What a sandbox started on an existing state takes up: the messages, runs and failure
/// functions that have not ended. Without a rule for them they are only recorded again.
pub fn unfinished(store: &Store) -> Vec<Work> {
    let messages = store
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            matches!(
                m.state,
                MessageState::Pending | MessageState::Delivering | MessageState::Recorded
            )
        })
        .map(|(i, _)| Work::Message(i));
    let runs = store.runs.iter().enumerate().filter_map(|(i, r)| {
        if r.kind != RunKind::Callback {
            return (r.state == RunState::Started).then_some(Work::Run(i));
        }
        let open = r
            .failure_function
            .as_ref()
            .is_some_and(|f| f.state == Some(CallbackState::InProgress));
        open.then_some(Work::Callback(i))
    });
    messages.chain(runs).collect()
}

/// Records the answer to one attempt; true once `work` is settled. `next` is when the next
/// attempt starts, `None` on the last one.
pub fn answered(
    store: &mut Store,
    sim: &Simulation,
    work: Work,
    attempt: u32,
    answer: &Answer,
    at: i64,
    next: Option<i64>,
) -> bool {
    match work {
        Work::Message(i) => message_answered(store, i, attempt, answer, at, next),
        Work::Run(i) => runs::run_answered(store, sim, i, attempt, answer, at, next),
        Work::Callback(i) => runs::callback_answered(store, i, answer, next),
    }
}

/// The message's `Upstash-Timeout`, in milliseconds.
pub fn timeout_ms(m: &MessageRecord) -> i64 {
    m.config
        .timeout
        .as_deref()
        .and_then(|t| duration_ms(t).or_else(|| t.parse::<i64>().ok()?.checked_mul(1000)))
        .map_or(DEFAULT_TIMEOUT_MS, |ms| ms.max(1))
}

/// The fields every log entry of `m` carries.
fn log_base(m: &MessageRecord, state: LogState, time: i64) -> LogEntry {
    let o = m.origin.clone().unwrap_or_default();
    let c = &m.config;
    let body = body_of(m);
    let e = LogEntry {
        time,
        message_id: m.message_id.clone(),
        state,
        url: m.url.clone(),
        method: m.method.clone(),
        header: m.header.clone(),
        body: (!body.is_empty()).then(|| base64(&body)),
        topic_name: o.topic_name,
        endpoint_name: o.endpoint_name,
        schedule_id: o.schedule_id,
        queue_name: o.queue_name,
        timeout: c.timeout.is_some().then(|| timeout_ms(m)),
        callback: c.callback.clone(),
        failure_callback: c.failure_callback.clone(),
        max_retries: c.retries,
        retry_delay_expression: c.retry_delay.clone(),
        label: c.labels.first().cloned(),
        labels: (!c.labels.is_empty()).then(|| c.labels.clone()),
        ..LogEntry::default()
    };
    match &c.redact {
        Some(r) => r.log(e, &body),
        None => e,
    }
}

fn body_of(m: &MessageRecord) -> Vec<u8> {
    super::wire::Entry {
        body: m.body.clone(),
        body_base64: m.body_base64.clone(),
        ..Default::default()
    }
    .body_bytes()
}

/// CREATED, when the message is stored; it is next due at its not-before time.
pub fn created(store: &mut Store, i: usize) {
    let m = &store.messages[i];
    let mut e = log_base(m, LogState::Created, m.created_at);
    e.next_delivery_time = Some(m.config.not_before.max(m.created_at));
    store.log(e);
}

/// Nothing will contact the destination: the message stays CREATED.
pub fn recorded(store: &mut Store, i: usize) {
    store.messages[i].state = MessageState::Recorded;
}

/// ACTIVE: attempt `attempt` starts at `at`.
pub fn active(store: &mut Store, i: usize, attempt: u32, at: i64) {
    let m = &mut store.messages[i];
    m.state = MessageState::Delivering;
    m.attempts = attempt;
    let e = log_base(m, LogState::Active, at);
    store.log(e);
}

fn message_answered(
    store: &mut Store,
    i: usize,
    attempt: u32,
    answer: &Answer,
    at: i64,
    next: Option<i64>,
) -> bool {
    let m = &mut store.messages[i];
    m.attempts = attempt;
    m.last_status = Some(answer.status);
    if answer.ok() {
        m.state = MessageState::Delivered;
        m.delivered_at = Some(at);
        let e = log_base(m, LogState::Delivered, at);
        store.log(e);
        return true;
    }
    let failed = |state: LogState| {
        let mut e = log_base(m, state, at);
        e.error = answer.error.clone();
        if answer.status != 0 {
            e.response_status = Some(answer.status);
            e.response_body = Some(base64(&answer.body));
            e.response_headers = Some(answer.headers.clone());
        }
        e
    };
    let error = failed(LogState::Error);
    let last = match next {
        Some(t) => {
            let mut e = log_base(m, LogState::Retry, at);
            e.next_delivery_time = Some(t);
            e
        }
        None => failed(LogState::Failed),
    };
    store.log(error);
    store.log(last);
    if next.is_none() {
        to_dlq(store, i, answer, at);
    }
    next.is_none()
}

/// Puts a message that failed for good into the DLQ as a new entry, carrying its
/// configuration and the destination's last answer.
fn to_dlq(store: &mut Store, i: usize, answer: &Answer, at: i64) {
    let msg = &store.messages[i];
    let mut e = msg.origin.clone().unwrap_or_default();
    let c = &msg.config;
    e.dlq_id = String::new();
    e.message_id = msg.message_id.clone();
    e.url = msg.url.clone();
    e.method = msg.method.clone();
    e.header = msg.header.clone();
    e.body = msg.body.clone();
    e.body_base64 = msg.body_base64.clone();
    e.max_retries = c.retries;
    e.not_before = c.not_before;
    e.created_at = msg.created_at;
    e.set_labels(c.labels.clone());
    e.flow_control_key = c.flow_control_key.clone();
    e.rate = c.rate;
    e.parallelism = c.parallelism;
    e.period = c.period;
    e.retry_delay_expression = c.retry_delay.clone();
    e.callback = c.callback.clone();
    e.failure_callback = c.failure_callback.clone();
    e.response_status = answer.status;
    e.response_header = answer.headers.clone();
    let (text, b64) = text_or_base64(&answer.body);
    e.response_body = text;
    e.response_body_base64 = b64;
    let id = store.insert(
        Dlq::Qstash,
        Stored {
            entry: e,
            steps: Vec::new(),
            failed_step: 0,
            exec: None,
            redact: c.redact.clone(),
        },
        at,
    );
    let m = &mut store.messages[i];
    m.state = MessageState::Failed;
    m.dlq_id = Some(id);
}

/// CANCEL_REQUESTED then CANCELLED: `DELETE /v2/messages` or a deleted queue stopped a message
/// that had not ended; nothing attempts it again.
pub fn cancelled(store: &mut Store, i: usize, at: i64) {
    let m = &mut store.messages[i];
    m.state = MessageState::Cancelled;
    let requested = log_base(m, LogState::CancelRequested, at);
    let done = log_base(m, LogState::Cancelled, at);
    store.log(requested);
    store.log(done);
}

/// A fresh message id, as the service makes them.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::parse_rule;
    use crate::states::MessageSource;
    use crate::store::MessageConfig;

    #[test]
    fn only_plain_http_to_this_machine_is_loopback() {
        for url in [
            "http://127.0.0.1:3000/api",
            "http://127.1.2.3/",
            "http://localhost:8080/x?y#z",
            "http://[::1]:9/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "http://127.0.0.1@example.com/",
            "http://user:pw@127.0.0.1/",
            "http://127.evil.com/",
            "http://localhost.evil.com/",
            "https://127.0.0.1/",
            "http://10.0.0.1/",
            "http://[::ffff:8.8.8.8]/",
            "not a url",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    fn store_with_message(retries: i64) -> Store {
        let mut store = Store::default();
        store.messages.push(MessageRecord {
            message_id: "msg_1".into(),
            source: MessageSource::Retry,
            from_dlq_id: None,
            url: "https://x.example/".into(),
            method: "POST".into(),
            header: Default::default(),
            body: Some("b".into()),
            body_base64: None,
            created_at: 1_000,
            config: MessageConfig {
                retries,
                not_before: 1_000,
                ..Default::default()
            },
            overrides: Default::default(),
            state: MessageState::Pending,
            attempts: 0,
            last_status: None,
            delivered_at: None,
            dlq_id: None,
            origin: None,
        });
        created(&mut store, 0);
        store
    }

    fn states(store: &Store) -> Vec<(String, i64)> {
        store
            .logs
            .values()
            .map(|r| (r.entry.state.to_string(), r.entry.time))
            .collect()
    }

    #[test]
    fn settling_spaces_attempts_by_the_backoff_and_fails_into_the_dlq() {
        let sim = Simulation::new(vec![parse_rule("*=503").unwrap()], Some(1));
        let mut store = store_with_message(2);
        settle(&mut store, &sim, 100, Work::Message(0), i64::MAX);
        let s = |x: &str, t: i64| (x.to_string(), t);
        assert_eq!(
            states(&store),
            [
                s("CREATED", 1_000),
                s("ACTIVE", 1_000),
                s("ERROR", 1_000),
                s("RETRY", 1_000),
                s("ACTIVE", 1_100),
                s("ERROR", 1_100),
                s("RETRY", 1_100),
                s("ACTIVE", 1_300),
                s("ERROR", 1_300),
                s("FAILED", 1_300),
            ]
        );
        let m = &store.messages[0];
        assert_eq!((m.state, m.attempts), (MessageState::Failed, 3));
        let entry = &store.qstash[&crate::store::Key::parse(m.dlq_id.as_ref().unwrap())];
        assert_eq!(
            (entry.entry.message_id.as_str(), entry.entry.response_status),
            ("msg_1", 503)
        );
    }

    #[test]
    fn work_cut_short_goes_on_from_the_attempt_it_was_due_for() {
        let fail = Simulation::new(vec![parse_rule("*=500").unwrap()], Some(1));
        let ok = Simulation::new(vec![parse_rule("*=ok").unwrap()], Some(1));
        let mut store = store_with_message(3);
        // The first attempt failed and the second was due at 1_050 when the sandbox stopped.
        active(&mut store, 0, 1, 1_000);
        let answer = fail.attempt(Outcome::Status(500), 1);
        assert!(!answered(
            &mut store,
            &fail,
            Work::Message(0),
            1,
            &answer,
            1_000,
            Some(1_050)
        ));
        assert_eq!(unfinished(&store), [Work::Message(0)]);
        assert_eq!(resume(&store, Work::Message(0)), Some((2, 1_050)));
        settle(&mut store, &ok, 50, Work::Message(0), 1_049);
        assert_eq!(store.logs.len(), 4, "not due yet");
        settle(&mut store, &ok, 50, Work::Message(0), 1_050);
        let tail: Vec<(String, i64)> = states(&store).split_off(4);
        assert_eq!(
            tail,
            [
                ("ACTIVE".to_string(), 1_050),
                ("DELIVERED".to_string(), 1_050)
            ]
        );
        assert_eq!(store.messages[0].attempts, 2);
        assert!(unfinished(&store).is_empty());
    }
}
