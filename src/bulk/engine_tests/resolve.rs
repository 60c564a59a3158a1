//! Resolving the ids people hold, against the same model: what is found, what is missing and
//! why, and that a refused token costs one request, not one per id.

use super::fake::{Fake, Fault, On, Rule};
use crate::api::{ApiError, Source};
use crate::bulk::resolve::{resolve, NOT_IN_DLQ};

fn tokens(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(start_paused = true)]
async fn dlq_ids_and_message_ids_are_found_the_rest_say_why() {
    let fake = Fake::new();
    fake.add(Source::Qstash, "a1");
    fake.add(Source::Qstash, "a2");
    fake.add(Source::Workflow, "w1");
    let r = resolve(
        &fake,
        &[Source::Qstash],
        &tokens(&["a1", "msg_a2", "w1", "a9"]),
    )
    .await
    .unwrap();
    let found: Vec<(&str, Option<&str>)> = r
        .found
        .iter()
        .map(|f| (f.entry.dlq_id.as_str(), f.input.as_deref()))
        .collect();
    assert_eq!(found, [("a1", None), ("a2", Some("msg_a2"))]);
    let missing: Vec<(&str, &str)> = r
        .missing
        .iter()
        .map(|(t, why)| (t.as_str(), why.reason()))
        .collect();
    assert_eq!(
        missing,
        [
            ("w1", "a failed workflow run, not a QStash message"),
            ("a9", NOT_IN_DLQ),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_token_costs_one_request() {
    let fake = Fake::new();
    fake.add(Source::Qstash, "a1");
    fake.script(vec![Rule::on(On::Get, Fault::Status(401)).always()]);
    let err = resolve(&fake, &[Source::Qstash], &tokens(&["a1", "a2", "a3"]))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Status { status: 401, .. }), "{err}");
    assert_eq!(fake.requests(), ["get a1 -> 401"]);
}
