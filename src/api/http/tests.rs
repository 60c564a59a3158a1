//! Unit tests of the transport's pure parts: the server's clock, ids in path segments, Retry-After, and which requests are repeated.

use super::*;

#[test]
fn the_server_clock_is_read_from_its_date_header() {
    let mut h = reqwest::header::HeaderMap::new();
    assert_eq!(date_ms(&h), None);
    h.insert("date", "Tue, 01 Dec 2026 21:30:00 GMT".parse().unwrap());
    let want = "2026-12-01T21:30:00Z".parse::<jiff::Timestamp>().unwrap();
    assert_eq!(date_ms(&h), Some(want.as_millisecond()));
    h.insert("date", "yesterday".parse().unwrap());
    assert_eq!(date_ms(&h), None);
}

#[test]
fn ids_stay_in_their_segment() {
    assert_eq!(
        encode_path(&["v2/dlq", "../../v2/keys"]).unwrap(),
        "/v2/dlq/%2E%2E%2F%2E%2E%2Fv2%2Fkeys"
    );
    assert_eq!(
        encode_path(&["v2/dlq", "a?b#c"]).unwrap(),
        "/v2/dlq/a%3Fb%23c"
    );
    assert!(encode_path(&["v2/dlq", ".."]).is_err());
    assert!(encode_path(&["v2/dlq", ""]).is_err());
    assert_eq!(
        encode_path(&["v2/workflows/dlq/resume", "1-0"]).unwrap(),
        "/v2/workflows/dlq/resume/1-0"
    );
}

#[test]
fn retry_after_headers() {
    let mut h = HeaderMap::new();
    h.insert("retry-after", "2".parse().unwrap());
    assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
    let mut h = HeaderMap::new();
    let reset = jiff::Timestamp::now().as_second() + 3;
    h.insert("burst-ratelimit-reset", reset.to_string().parse().unwrap());
    let d = retry_after(&h).unwrap();
    assert!(
        d > Duration::from_secs(1) && d <= Duration::from_secs(3),
        "{d:?}"
    );
    assert_eq!(retry_after(&HeaderMap::new()), None);
}

#[test]
fn mutations_are_not_blindly_repeated() {
    let lost = ApiError::Network {
        method: "POST",
        path: "/".into(),
        detail: String::new(),
        sent: true,
        attempts: 1,
        server: "x".into(),
        url_from: UrlFrom::Elsewhere,
    };
    assert!(!retryable(&lost, Idempotence::Mutation));
    assert!(retryable(&lost, Idempotence::Read));
    let s500 = ApiError::Status {
        method: "POST",
        path: "/".into(),
        status: 500,
        message: String::new(),
        retry_after: None,
    };
    assert!(!retryable(&s500, Idempotence::Mutation));
    let s429 = ApiError::Status {
        method: "POST",
        path: "/".into(),
        status: 429,
        message: String::new(),
        retry_after: None,
    };
    assert!(retryable(&s429, Idempotence::Mutation));
}
