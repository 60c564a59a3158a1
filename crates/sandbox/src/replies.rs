//! What a failing destination answers, as real ones do: JSON errors with request ids and
//! timestamps, timeouts that name how long they waited and for which order, an nginx error
//! page, and a 404's status line (`404 Not Found`, what the status services Upstash's own SDK
//! tests aim at answer, and those tests compare it). Each status has one kind of answer whose
//! details vary from one failure to the next, so `dlq stats --by response` has a few failure
//! signatures with several members each to show, and two answers of one signature are still
//! not the same text.

use rand::Rng;

/// The content type and body of a failure with `status`, at `at_ms`.
pub fn body(rng: &mut impl Rng, status: i64, at_ms: i64) -> (&'static str, String) {
    const JSON: &str = "application/json";
    const TEXT: &str = "text/plain; charset=utf-8";
    let request = format!("req_{}", hex(rng, 12));
    let when = jiff::Timestamp::from_millisecond(at_ms - rng.gen_range(0..5_000))
        .map(|t| t.to_string())
        .unwrap_or_default();
    match status {
        400 | 422 => {
            let field = ["email", "amount"][rng.gen_range(0..2)];
            let body = format!(
                r#"{{"error":"validation failed","field":"{field}","requestId":"{request}","timestamp":"{when}"}}"#
            );
            (JSON, body)
        }
        401 => (
            JSON,
            format!(r#"{{"error":"invalid signature","requestId":"{request}","timestamp":"{when}"}}"#),
        ),
        403 => (
            JSON,
            format!(
                r#"{{"error":"forbidden","tenant":"acme","traceId":"{}"}}"#,
                hex(rng, 32)
            ),
        ),
        404 => (TEXT, "404 Not Found".to_string()),
        429 => (
            JSON,
            format!(
                r#"{{"error":"rate limited","retryAfter":{},"requestId":"{request}"}}"#,
                rng.gen_range(1..60)
            ),
        ),
        489 => (JSON, r#"{"error":"non-retryable: invalid payload"}"#.to_string()),
        500 => (
            TEXT,
            format!(
                "Internal Server Error: connection to db-{} timed out",
                rng.gen_range(1..4)
            ),
        ),
        502 => (
            "text/html",
            format!(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                 <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.{}</center>\r\n\
                 <!-- request {} -->\r\n</body>\r\n</html>\r\n",
                rng.gen_range(1..5),
                hex(rng, 16)
            ),
        ),
        503 => (
            TEXT,
            format!(
                "upstream timeout after {} ms (order o-{})",
                rng.gen_range(2_900..3_200),
                rng.gen_range(1..500)
            ),
        ),
        504 => {
            let t = hex(rng, 32);
            let trace = format!(
                "{}-{}-{}-{}-{}",
                &t[..8],
                &t[8..12],
                &t[12..16],
                &t[16..20],
                &t[20..]
            );
            let waited = rng.gen_range(10..60);
            (
                TEXT,
                format!("gateway timeout: no answer from upstream in {waited}s (trace {trace})"),
            )
        }
        _ => (
            JSON,
            format!(r#"{{"error":"request rejected","code":{status},"requestId":"{request}"}}"#),
        ),
    }
}

fn hex(rng: &mut impl Rng, n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdef";
    (0..n)
        .map(|_| DIGITS[rng.gen_range(0..16)] as char)
        .collect()
}
