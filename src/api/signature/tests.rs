use super::*;

fn sig(status: i64, body: &str) -> String {
    of(Some(status), Some(body), None)
}

#[test]
fn numbers_and_ids_that_vary_make_one_signature() {
    let a = sig(503, "upstream timeout after 3012 ms (order o-17)");
    let b = sig(503, "upstream timeout after 2999 ms (order o-90)");
    // However short the id.
    assert_eq!(a, sig(503, "upstream timeout after 12 ms (order o-1)"));
    assert_eq!(a, "503 upstream timeout after <n> ms (order <id>)");
    assert_eq!(a, b);
    // The status is part of it: the same words from another status are another failure.
    assert_ne!(a, sig(504, "upstream timeout after 3012 ms (order o-17)"));
    assert_eq!(
        sig(500, "took 3012ms, 1.5s budget"),
        "500 took <n>ms, <n>s budget"
    );
}

#[test]
fn uuids_ulids_hex_and_mixed_ids_are_ids() {
    for id in [
        "3f2b9c1e-7a4d-4e2b-9f1a-0c5d6e7f8a9b",
        "01HGW2N7EXAMPLE3ZQ4X5Y6Z7A",
        "9f86d081884c7d659a2feaa0c55ad015",
        "req_8Hk2mPq",
        "msg_2KxQz7",
        "db-1",
    ] {
        assert_eq!(
            sig(500, &format!("no such thing {id}")),
            "500 no such thing <id>",
            "{id}"
        );
    }
    // Short words and names with digits are kept: they name a thing, not an instance.
    assert_eq!(
        sig(400, "v2 expects utf-8 and sha256"),
        "400 v2 expects utf-8 and sha256"
    );
    // A number equal to the status stays: `502 Bad Gateway` reads as it is.
    assert_eq!(sig(502, "502 Bad Gateway 17"), "502 502 Bad Gateway <n>");
}

#[test]
fn timestamps_rfc3339_and_epoch_are_placeholders() {
    for t in [
        "2026-12-07T06:04:11Z",
        "2026-12-07T06:04:11.123+01:00",
        "2026-12-07 06:04:11",
        "2026-12-07",
    ] {
        assert_eq!(
            sig(500, &format!("failed at {t}.")),
            "500 failed at <time>.",
            "{t}"
        );
    }
    // Epoch times are numbers.
    assert_eq!(
        sig(500, "deadline 1796616718357 passed"),
        "500 deadline <n> passed"
    );
}

#[test]
fn quoted_values_go_apostrophes_stay() {
    assert_eq!(
        sig(422, r#"field "email" can't be 'x@y.example'"#),
        "422 field <q> can't be <q>"
    );
    assert_eq!(sig(422, "it's 'done"), "422 it's 'done");
}

#[test]
fn whitespace_collapses_and_only_the_first_line_counts() {
    assert_eq!(
        sig(
            500,
            "\n\n  Error:\t\tboom   here\n    at handler (app.js:12:7)\n"
        ),
        "500 Error: boom here"
    );
}

#[test]
fn html_pages_read_as_their_title_or_heading() {
    let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
                <body><h1>Bad Gateway</h1><!-- req 8f3a9b2c7d --></body></html>";
    assert_eq!(sig(502, page), "502 [html] 502 Bad Gateway");
    let no_title =
        "<html><body><h1>Service &amp; Unavailable</h1><p>ray 7a1b2c3d4e</p></body></html>";
    assert_eq!(sig(503, no_title), "503 [html] Service & Unavailable");
    let bare = "<html><body><p>error 42</p></body></html>";
    assert_eq!(sig(500, bare), "500 [html] error <n>");
}

#[test]
fn json_reads_as_keys_and_non_volatile_values() {
    let a = r#"{"requestId":"req_1","error":"invalid signature","timestamp":"2026-12-07T06:00:00Z","retryAfter":30}"#;
    let b = r#"{"error": "invalid signature", "requestId": "f00", "timestamp": 1796616718357, "retryAfter": 5}"#;
    assert_eq!(
        sig(401, a),
        r#"401 {error:"invalid signature",requestId:<id>,retryAfter:<n>,timestamp:<time>}"#
    );
    assert_eq!(sig(401, a), sig(401, b));
    // Another message, or another key, is another failure.
    assert_ne!(
        sig(401, a),
        sig(401, &a.replace("invalid signature", "expired token"))
    );
    assert_ne!(sig(401, a), sig(401, &a.replace("\"error\"", "\"reason\"")));
    // Values inside strings are normalised as text; numbers are numbers; lists of the same
    // thing are one.
    assert_eq!(
        sig(
            400,
            r#"{"message":"order o-17 failed","code":1001,"ids":[1,2,3],"ok":false,"x":null}"#
        ),
        r#"400 {code:<n>,ids:[<n>],message:"order <id> failed",ok:false,x:null}"#
    );
    assert_eq!(
        sig(
            400,
            r#"{"a":{"b":{"orderId":"o1","createdAt":"x","traceID":"t"}}}"#
        ),
        "400 {a:{b:{createdAt:<time>,orderId:<id>,traceID:<id>}}}"
    );
}

#[test]
fn volatile_keys_are_named_like_ids_times_and_durations() {
    for k in [
        "id",
        "requestId",
        "request_id",
        "x-trace-id",
        "orderID",
        "latency",
        "took",
    ] {
        assert_eq!(volatile(k), Some("<id>"), "{k}");
    }
    for k in ["timestamp", "createdAt", "expires_at", "startTime", "date"] {
        assert_eq!(volatile(k), Some("<time>"), "{k}");
    }
    for k in ["error", "message", "code", "paid", "valid", "status"] {
        assert_eq!(volatile(k), None, "{k}");
    }
}

#[test]
fn urls_lose_credentials_query_values_and_ids() {
    assert_eq!(
        sig(
            502,
            "cannot reach https://admin:s3cr3t@db.example:5432/orders/o-17?token=abc&x=1 now"
        ),
        "502 cannot reach https://admin:***@db.example:<n>/orders/<id>?token=&x= now"
    );
}

#[test]
fn empty_binary_and_missing_answers_have_their_own_words() {
    assert_eq!(of(Some(500), None, None), "500 [empty]");
    assert_eq!(of(Some(500), Some("  \n"), None), "500 [empty]");
    assert_eq!(of(None, None, None), "[no response]");
    assert_eq!(of(Some(500), None, Some("/wD+AA==")), "500 [binary]");
    assert_eq!(of(Some(500), None, Some("b2sgNDI=")), "500 ok <n>");
    assert_eq!(of(None, Some("x"), None), "no status x");
}

#[test]
fn terminal_controls_are_escaped_and_the_length_is_bounded() {
    let s = sig(500, "boom \x1b[2J\u{202e}evil");
    assert_eq!(s, "500 boom \\x1b[2J\\u{202e}evil");
    assert!(!s.chars().any(crate::text::needs_escape));
    let long = sig(500, &"word ".repeat(200));
    assert_eq!(long.chars().count(), MAX_CHARS);
    assert!(long.ends_with('…'));
    // The same on a second reading: a signature is a pure function of the answer.
    assert_eq!(long, sig(500, &"word ".repeat(200)));
}
